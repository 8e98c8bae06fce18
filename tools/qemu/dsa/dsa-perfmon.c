/*
 * Intel Data Streaming Accelerator (DSA) device model: performance monitor
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Four writable 32-bit counters with freeze and overflow interrupt, no
 * filters.  The events are the model's own (dsa_model_test.h): WQ
 * submissions and engine completions.  Everything here runs with the BQL.
 */

#include "qemu/osdep.h"
#include "dsa.h"

#define DSA_PERF_MASK           MAKE_64BIT_MASK(0, DSA_PERF_COUNTER_WIDTH)
#define DSA_PERF_CFG_VALID      0x0fffffff00000f03ULL

static const uint64_t dsa_perf_events[] = {
    [DSA_PERF_CAT_WQ] = DSA_PERF_WQ_ACCEPTED | DSA_PERF_WQ_DROPPED,
    [DSA_PERF_CAT_ENGINE] = DSA_PERF_ENG_COMPLETED | DSA_PERF_ENG_ERRORS |
                            DSA_PERF_ENG_BYTES,
};

uint64_t dsa_perfcap(void)
{
    union idxd_perfcap cap = { };

    cap.num_perf_counter = DSA_PERF_COUNTERS;
    cap.counter_width = DSA_PERF_COUNTER_WIDTH;
    cap.num_event_category = ARRAY_SIZE(dsa_perf_events);
    cap.global_event_category = MAKE_64BIT_MASK(0,
                                                ARRAY_SIZE(dsa_perf_events));
    cap.writeable_counter = 1;
    cap.counter_freeze = 1;
    cap.overflow_interrupt = 1;
    return cap.bits;
}

void dsa_perf_reset(DsaState *s)
{
    memset(s->perf_cfg, 0, sizeof(s->perf_cfg));
    memset(s->perf_data, 0, sizeof(s->perf_data));
    s->perf_frozen = 0;
    s->perf_ovf = 0;
}

void dsa_perf_count(DsaState *s, unsigned int category, uint32_t event,
                    uint64_t n)
{
    union idxd_cntrcfg cfg;
    int i;

    for (i = 0; i < DSA_PERF_COUNTERS; i++) {
        cfg.val = s->perf_cfg[i];
        if (!cfg.enable || (s->perf_frozen & BIT(i)) ||
            cfg.event_category != category || !(cfg.events & event)) {
            continue;
        }
        s->perf_data[i] += n;
        if (s->perf_data[i] > DSA_PERF_MASK) {
            s->perf_data[i] &= DSA_PERF_MASK;
            s->perf_ovf |= BIT(i);
            if (cfg.interrupt_ovf) {
                dsa_irq_misc(s, IDXD_INTC_PERFMON_OVFL);
            }
        }
    }
}

static unsigned int dsa_perf_index(hwaddr reg, hwaddr base)
{
    return (reg - base) / IDXD_PERFMON_STRIDE;
}

/* The 64-bit register at @reg, an 8-byte aligned offset in the page. */
uint64_t dsa_perf_read(DsaState *s, hwaddr reg)
{
    unsigned int i;

    switch (reg) {
    case IDXD_PERFCAP_OFFSET:
        return dsa_perfcap();
    case IDXD_PERFFRZ_OFFSET:
        return s->perf_frozen;
    case IDXD_OVFSTATUS_OFFSET:
        return s->perf_ovf;
    case IDXD_EVNTCAP_OFFSET ... IDXD_CNTRCFG_OFFSET - 1:
        i = dsa_perf_index(reg, IDXD_EVNTCAP_OFFSET);
        return i < ARRAY_SIZE(dsa_perf_events) ? dsa_perf_events[i] : 0;
    case IDXD_CNTRCFG_OFFSET ... IDXD_CNTRDATA_OFFSET - 1:
        i = dsa_perf_index(reg, IDXD_CNTRCFG_OFFSET);
        return i < DSA_PERF_COUNTERS ? s->perf_cfg[i] : 0;
    case IDXD_CNTRDATA_OFFSET ... IDXD_FLTCFG_OFFSET - 1:
        i = dsa_perf_index(reg, IDXD_CNTRDATA_OFFSET);
        return i < DSA_PERF_COUNTERS ? s->perf_data[i] : 0;
    case IDXD_CNTRCAP_OFFSET ... IDXD_PERFMON_SIZE - 1:
        i = dsa_perf_index(reg, IDXD_CNTRCAP_OFFSET);
        return i < DSA_PERF_COUNTERS ? DSA_PERF_COUNTER_WIDTH : 0;
    default:
        return 0;
    }
}

/* @val is already merged with the register's other bytes. */
void dsa_perf_write(DsaState *s, hwaddr reg, uint64_t val)
{
    unsigned int i = dsa_perf_index(reg, reg & ~0xffULL);

    switch (reg) {
    case IDXD_PERFRST_OFFSET:
        if (val & IDXD_PERFRST_CONFIG) {
            memset(s->perf_cfg, 0, sizeof(s->perf_cfg));
        }
        if (val & IDXD_PERFRST_COUNTERS) {
            memset(s->perf_data, 0, sizeof(s->perf_data));
            s->perf_ovf = 0;
        }
        break;
    case IDXD_PERFFRZ_OFFSET:
        s->perf_frozen = val & MAKE_64BIT_MASK(0, DSA_PERF_COUNTERS);
        break;
    case IDXD_OVFSTATUS_OFFSET:
        s->perf_ovf &= ~val;
        break;
    case IDXD_CNTRCFG_OFFSET ... IDXD_CNTRDATA_OFFSET - 1:
        if (i < DSA_PERF_COUNTERS) {
            s->perf_cfg[i] = val & DSA_PERF_CFG_VALID;
        }
        break;
    case IDXD_CNTRDATA_OFFSET ... IDXD_FLTCFG_OFFSET - 1:
        if (i < DSA_PERF_COUNTERS) {
            s->perf_data[i] = val & DSA_PERF_MASK;
        }
        break;
    }
}
