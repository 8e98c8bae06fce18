// SPDX-License-Identifier: GPL-2.0
/*
 * MOVDIR64B as our QEMU build emulates it (tools/qemu/patches/0002-*):
 * advertised in CPUID and /proc/cpuinfo, 64 bytes stored intact, #GP
 * (SIGSEGV) on a misaligned destination, and a faulting source leaves
 * the destination untouched.  The portal case lives in the model's
 * conformance test (selftests/dsa-model).
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"

#define CPUID_7_0_ECX_MOVDIR64B	(1U << 28)

static inline void movdir64b(void *dst, const void *src)
{
	asm volatile("movdir64b (%1), %0" : : "r"(dst), "r"(src) : "memory");
}

TEST(cpuid_bit)
{
	unsigned int eax, ebx, ecx, edx;

	ASSERT_TRUE(__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx));
	ASSERT_TRUE(ecx & CPUID_7_0_ECX_MOVDIR64B)
		TH_LOG("CPUID.(7,0):ECX = %#x lacks bit 28", ecx);
}

TEST(cpuinfo_flag)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	ASSERT_NE(NULL, f);
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "flags", 5) && strstr(line, " movdir64b");
	fclose(f);
	ASSERT_TRUE(found) TH_LOG("no movdir64b in /proc/cpuinfo flags");
}

TEST(stores_64_bytes)
{
	uint8_t dst[192] __attribute__((aligned(64)));
	uint8_t src[65];
	int i;

	for (i = 0; i < 65; i++)
		src[i] = i * 37 + 1;
	memset(dst, 0xee, sizeof(dst));
	/* an unaligned source is allowed */
	movdir64b(dst + 64, src + 1);
	ASSERT_EQ(0, memcmp(dst + 64, src + 1, 64));
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(0xee, dst[i]);
		ASSERT_EQ(0xee, dst[128 + i]);
	}
}

TEST_SIGNAL(misaligned_destination_faults, SIGSEGV)
{
	uint8_t dst[128] __attribute__((aligned(64)));
	uint8_t src[64] = { 1 };

	movdir64b(dst + 8, src);
}

/* A fault on the source must happen before any byte is stored. */
TEST(faulting_source_stores_nothing)
{
	/* shared, so the child's stores, if any, show here */
	uint8_t *page = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint8_t *dst;
	pid_t pid;
	int status;

	ASSERT_NE(MAP_FAILED, page);
	dst = page;
	memset(dst, 0x11, 64);
	ASSERT_EQ(0, mprotect(page + 4096, 4096, PROT_NONE));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* the source's last 32 bytes are on the PROT_NONE page */
		movdir64b(dst, page + 4096 - 32);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(0x11, dst[i]);
	munmap(page, 2 * 4096);
}

TEST_HARNESS_MAIN
