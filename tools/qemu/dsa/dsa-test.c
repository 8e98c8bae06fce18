/*
 * Intel Data Streaming Accelerator (DSA) device model: test window
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * BAR4, present only with test-bar=on: not silicon, a way for tests in the
 * guest to hold the engines and inject faults.  Layout in
 * dsa_model_test.h.
 */

#include "qemu/osdep.h"
#include "dsa.h"

static uint64_t dsa_test_queued(DsaState *s)
{
    uint64_t n = 0;
    int wq;

    for (wq = 0; wq < s->num_wqs; wq++) {
        n += s->wqs[wq].count;
    }
    return n;
}

static uint64_t dsa_test_read(void *opaque, hwaddr addr, unsigned size)
{
    DsaState *s = opaque;

    switch (addr) {
    case DSA_TEST_MAGIC:
        return DSA_TEST_MAGIC_VALUE;
    case DSA_TEST_HOLD:
        return (s->hold ? DSA_TEST_HOLD_ENGINES : 0) |
               (s->hold_cmds ? DSA_TEST_HOLD_CMDS : 0);
    case DSA_TEST_FAIL_DESC:
        return qatomic_read(&s->fail_desc);
    case DSA_TEST_FAIL_CMD:
        return s->fail_cmd;
    case DSA_TEST_DESC_COUNT:
        return qatomic_read(&s->desc_count);
    case DSA_TEST_QUEUED:
        return dsa_test_queued(s);
    default:
        return 0;
    }
}

static void dsa_test_swerr(DsaState *s, uint64_t val)
{
    union sw_err_reg err = { };

    err.error = val & 0xff;
    if (val & DSA_TEST_SWERR_WQ_VALID) {
        err.wq_idx_valid = 1;
        err.wq_idx = (val >> DSA_TEST_SWERR_WQ_SHIFT) & 0xff;
    }
    dsa_swerr_record(s, &err);
}

static void dsa_test_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    DsaState *s = opaque;

    switch (addr) {
    case DSA_TEST_HOLD:
        s->hold = val & DSA_TEST_HOLD_ENGINES;
        s->hold_cmds = val & DSA_TEST_HOLD_CMDS;
        dsa_engine_kick(s);
        break;
    case DSA_TEST_FAIL_DESC:
        qatomic_set(&s->fail_desc, val & 0xff);
        break;
    case DSA_TEST_FAIL_CMD:
        s->fail_cmd = val & 0xffffff;
        break;
    case DSA_TEST_RAISE_SWERR:
        dsa_test_swerr(s, val);
        break;
    case DSA_TEST_HALT:
        if (val & 1) {
            dsa_halt(s);
        }
        break;
    }
}

const MemoryRegionOps dsa_test_ops = {
    .read = dsa_test_read,
    .write = dsa_test_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 8,
        .max_access_size = 8,
    },
};
