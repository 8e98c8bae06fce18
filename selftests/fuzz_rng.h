/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' numbers: xorshift64*, so the same seed gives the same
 * run (a failure names its seed).  Each fuzzer sets fuzz_rng first.
 */
#ifndef FUZZ_RNG_H
#define FUZZ_RNG_H

#include <stdint.h>

static uint64_t fuzz_rng = 1;

static inline uint32_t rnd(void)
{
	fuzz_rng ^= fuzz_rng >> 12;
	fuzz_rng ^= fuzz_rng << 25;
	fuzz_rng ^= fuzz_rng >> 27;
	return (fuzz_rng * 0x2545f4914f6cdd1dULL) >> 32;
}

/* 0 .. n - 1; 0 for 0 */
static inline uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static inline uint64_t rnd64(void)
{
	return (uint64_t)rnd() << 32 | rnd();
}

#endif
