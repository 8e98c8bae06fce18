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

/* The IMS entry IMS_INDEX names, 8 bytes at a time. */
static uint64_t dsa_test_ims(DsaState *s, hwaddr addr)
{
    const uint8_t *e;

    if (s->ims_index >= s->ims_entries) {
        return 0;
    }
    e = (const uint8_t *)&s->ims[s->ims_index];
    return ldq_le_p(e + addr - DSA_TEST_IMS_ADDR);
}

/* The device's WQCFG table, 8 bytes at a time. */
static uint64_t dsa_test_wqcfg(DsaState *s, hwaddr addr)
{
    hwaddr rel = addr - DSA_TEST_WQCFG;
    uint32_t wq = rel / DSA_TEST_WQCFG_STRIDE;
    const uint8_t *cfg;

    if (wq >= s->num_wqs) {
        return 0;
    }
    cfg = (const uint8_t *)&s->wqs[wq].cfg;
    return ldq_le_p(cfg + rel % DSA_TEST_WQCFG_STRIDE);
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
    case DSA_TEST_SWERR_ON_READ:
        return s->swerr_on_read;
    case DSA_TEST_DELAY_US:
        return qatomic_read(&s->delay_us);
    case DSA_TEST_DEFER:
        return s->deferred || s->defer_arm;
    case DSA_TEST_IMS_INDEX:
        return s->ims_index;
    case DSA_TEST_IMS_ADDR:
    case DSA_TEST_IMS_CTRL:
        return dsa_test_ims(s, addr);
    case DSA_TEST_WQCFG ... DSA_TEST_BAR_SIZE - 1:
        return dsa_test_wqcfg(s, addr);
    default:
        return 0;
    }
}

/* An error as RAISE_SWERR encodes it, recorded as the hardware would. */
void dsa_test_raise_swerr(DsaState *s, uint64_t val)
{
    union sw_err_reg err = { };

    err.error = val & 0xff;
    if (val & DSA_TEST_SWERR_WQ_VALID) {
        err.wq_idx_valid = 1;
        err.wq_idx = (val >> DSA_TEST_SWERR_WQ_SHIFT) & 0xff;
    }
    dsa_swerr_record(s, &err);
}

/* After a read of SWERR took its value: the error SWERR_ON_READ armed. */
void dsa_test_swerr_read_hook(DsaState *s)
{
    uint64_t val = s->swerr_on_read;

    if (val) {
        s->swerr_on_read = 0;
        dsa_test_raise_swerr(s, val);
    }
}

static void dsa_test_halt(DsaState *s, uint64_t val)
{
    if (val & 1) {
        s->gensts.reset_type = (val >> DSA_TEST_HALT_RESET_SHIFT) & 3;
        dsa_halt(s);
    }
}

static void dsa_test_defer(DsaState *s, uint64_t val)
{
    if (val) {
        s->defer_arm = val;
    } else {
        dsa_engine_release_deferred(s);
    }
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
        s->fail_cmd = val & (DSA_TEST_FAIL_CMD_HOLD | 0xffffff);
        break;
    case DSA_TEST_RAISE_SWERR:
        dsa_test_raise_swerr(s, val);
        break;
    case DSA_TEST_HALT:
        dsa_test_halt(s, val);
        break;
    case DSA_TEST_SWERR_ON_READ:
        s->swerr_on_read = val;
        break;
    case DSA_TEST_DELAY_US:
        qatomic_set(&s->delay_us, val & 0xffffff);
        break;
    case DSA_TEST_DEFER:
        dsa_test_defer(s, val);
        break;
    case DSA_TEST_IMS_INDEX:
        s->ims_index = val;
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
