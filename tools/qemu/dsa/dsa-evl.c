/*
 * Intel Data Streaming Accelerator (DSA) device model: event log
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * With GENCFG.evl_en, errors that would fill SWERR are appended to a ring
 * of 64-byte entries in memory (EVLCFG) instead; software consumes them
 * by moving EVLSTATUS.head.  A log that is full or cannot be written falls
 * back to SWERR.  Everything here runs with the BQL.
 */

#include "qemu/osdep.h"
#include "dsa.h"

static uint32_t dsa_evl_size(DsaState *s)
{
    return MAX(s->evlcfg.size, IDXD_EVL_SIZE_MIN);
}

/*
 * The entry holds what SWERR would, the batch identifier, and the record
 * the descriptor could not write (for 0x1a, the one software must write
 * for it); an error that is no descriptor's gets a record holding only
 * the code and the address.
 */
static void dsa_evl_fill(const union sw_err_reg *err, uint8_t batch_id,
                         const struct dsa_completion_record *rec,
                         struct idxd_evl_entry_head *e,
                         struct dsa_completion_record *cr)
{
    e->desc_valid = err->desc_valid;
    e->wq_idx_valid = err->wq_idx_valid;
    e->batch = err->batch;
    e->fault_rw = err->fault_rw;
    e->priv = err->priv;
    e->err_info_valid = err->err_info_valid;
    e->error = err->error;
    e->wq_idx = err->wq_idx;
    e->batch_id = err->batch ? batch_id : 0;
    e->operation = err->operation;
    e->pasid = err->pasid;
    e->batch_idx = err->batch_idx;
    e->invalid_flags = err->invalid_flags;
    e->fault_addr = err->fault_addr;
    if (rec) {
        *cr = *rec;
        return;
    }
    cr->status = err->error;
    cr->fault_addr = err->fault_addr;
}

bool dsa_evl_log(DsaState *s, const union sw_err_reg *err, uint8_t batch_id,
                 const struct dsa_completion_record *cr)
{
    struct {
        struct idxd_evl_entry_head head;
        struct dsa_completion_record cr;
    } QEMU_PACKED entry = { };
    uint32_t tail = s->evlsts.tail, next = (tail + 1) % dsa_evl_size(s);
    AddressSpace *as;
    uint64_t addr;

    QEMU_BUILD_BUG_ON(sizeof(entry) != IDXD_EVL_ENTRY_SIZE);
    if (!s->gencfg.evl_en || next == s->evlsts.head) {
        return false;
    }
    as = dsa_dma_as(s, s->evlcfg.pasid_en, s->evlcfg.pasid);
    addr = ((uint64_t)s->evlcfg.base_addr << 12) +
           (uint64_t)tail * IDXD_EVL_ENTRY_SIZE;
    dsa_evl_fill(err, batch_id, cr, &entry.head, &entry.cr);
    if (!as || dma_memory_write(as, addr, &entry, sizeof(entry),
                                MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
        return false;
    }
    s->evlsts.tail = next;
    s->evlsts.int_pending = 1;
    if (s->genctrl.evl_int_en) {
        dsa_irq_misc(s, IDXD_INTC_EVL);
    }
    return true;
}

uint64_t dsa_evl_read(DsaState *s, hwaddr reg)
{
    switch (reg) {
    case IDXD_EVLCFG_OFFSET:
    case IDXD_EVLCFG_OFFSET + 8:
        return s->evlcfg.bits[(reg - IDXD_EVLCFG_OFFSET) / 8];
    case IDXD_EVLSTATUS_OFFSET:
        return s->evlsts.bits;
    default:
        return 0;
    }
}

/* @val and @mask as dsa_reg_write() gets them: a 64-bit view. */
void dsa_evl_write(DsaState *s, hwaddr reg, uint64_t val, uint64_t mask)
{
    union evl_status_reg w = { .bits = val & mask };
    int i;

    switch (reg) {
    case IDXD_EVLCFG_OFFSET:
    case IDXD_EVLCFG_OFFSET + 8:
        /* the log's place is fixed while it is in use */
        if (!s->gencfg.evl_en) {
            i = (reg - IDXD_EVLCFG_OFFSET) / 8;
            s->evlcfg.bits[i] = (s->evlcfg.bits[i] & ~mask) | (val & mask);
        }
        break;
    case IDXD_EVLSTATUS_OFFSET:
        if (mask & 0xffff) {
            s->evlsts.head = w.head % dsa_evl_size(s);
        }
        if (w.int_pending) {
            s->evlsts.int_pending = 0;
        }
        break;
    }
}

void dsa_evl_reset(DsaState *s)
{
    memset(&s->evlcfg, 0, sizeof(s->evlcfg));
    s->evlsts.bits = 0;
}
