/*
 * Intel Data Streaming Accelerator (DSA) device model: portals and WQs
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * BAR2 holds four portal pages per WQ.  Silicon takes a descriptor as one
 * 64-byte MOVDIR64B store.  Our TCG's MOVDIR64B reaches the portal as
 * eight 8-byte stores in order, made with the BQL held; so does a driver
 * that writes the descriptor with plain stores, unless another vCPU's
 * store comes in between.  A descriptor is therefore accepted only as
 * one writer's eight stores in order; anything else is discarded and
 * logged, never submitted half-overwritten.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/core/cpu.h"
#include "dsa.h"

/*
 * Drop what @wq holds, without completion records: queued descriptors
 * and the one an engine runs (which its engine retires once its step
 * ends, if it is in one).
 */
void dsa_wq_abort(DsaState *s, int wq)
{
    DsaWq *w = &s->wqs[wq];

    w->seq_done += w->count;
    w->head = 0;
    w->count = 0;
    w->cfg.occupancy = 0;
    qatomic_inc(&w->abort_gen);
    if (w->active && !w->stepping) {
        dsa_engine_retire(s, w);
    }
    dsa_engine_drop_deferred(s, wq);
    dsa_engine_kick(s);
}

/* An empty WQ, as ENABLE_WQ and a reset leave it. */
void dsa_wq_reset_queue(DsaState *s, int wq)
{
    DsaWq *w = &s->wqs[wq];

    dsa_wq_abort(s, wq);
    w->draining = false;
    memset(w->portal, 0, sizeof(w->portal));
}

static void dsa_submit_error(DsaState *s, int wq, const uint8_t *raw,
                             uint8_t code)
{
    const struct dsa_hw_desc *desc = (const struct dsa_hw_desc *)raw;
    union sw_err_reg err = { };

    err.desc_valid = 1;
    err.wq_idx_valid = 1;
    err.wq_idx = wq;
    err.error = code;
    err.operation = desc->opcode;
    err.priv = s->wqs[wq].cfg.priv;
    err.pasid = s->wqs[wq].cfg.pasid;
    dsa_swerr_record(s, &err);
    dsa_perf_count(s, DSA_PERF_CAT_WQ, DSA_PERF_WQ_DROPPED, 1);
}

static void dsa_submit(DsaState *s, int wq, int portal, const uint8_t *raw)
{
    DsaWq *w = &s->wqs[wq];
    DsaQueuedDesc *q;

    if (!dsa_enabled(s) || w->cfg.wq_state != IDXD_WQ_DEV_ENABLED ||
        w->draining) {
        dsa_submit_error(s, wq, raw, IDXD_SWERR_WQ_NOT_ENABLED);
        return;
    }
    /* a dedicated WQ has no retry status to give: a full one drops */
    if (w->count >= w->cfg.wq_size) {
        dsa_submit_error(s, wq, raw, IDXD_SWERR_DWQ_FULL);
        return;
    }
    q = &w->ring[(w->head + w->count) % s->wq_entries];
    memcpy(q->raw, raw, DSA_DESC_SIZE);
    q->irq_type = portal / 2 ? IDXD_IRQ_IMS : IDXD_IRQ_MSIX;
    w->count++;
    w->seq_in++;
    w->cfg.occupancy = w->count;
    dsa_perf_count(s, DSA_PERF_CAT_WQ, DSA_PERF_WQ_ACCEPTED, 1);
    dsa_engine_kick(s);
}

/* Take the oldest descriptor of @wq with the WQ settings it runs under. */
bool dsa_wq_pop(DsaState *s, int wq, DsaJob *job)
{
    DsaWq *w = &s->wqs[wq];
    DsaQueuedDesc *q;

    if (!w->count) {
        return false;
    }
    q = &w->ring[w->head];
    memset(job, 0, sizeof(*job));
    memcpy(job->raw, q->raw, DSA_DESC_SIZE);
    job->wq = wq;
    job->irq_type = q->irq_type;
    job->pasid_en = w->cfg.pasid_en;
    job->pasid = w->cfg.pasid;
    job->priv = w->cfg.priv;
    job->bof = w->cfg.bof;
    job->max_xfer = 1U << w->cfg.max_xfer_shift;
    job->max_batch = 1U << w->cfg.max_batch_shift;
    job->as = dsa_dma_as(s, job->pasid_en, job->pasid);
    job->dev = s;
    job->gen = s->reset_gen;
    job->abort_gen = w->abort_gen;
    job->delay_us = qatomic_read(&s->delay_us);
    w->head = (w->head + 1) % s->wq_entries;
    w->count--;
    w->cfg.occupancy = w->count;
    return true;
}

static uint64_t dsa_portal_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

/*
 * A store that makes no descriptor: what was assembled is dropped, and
 * SWERR says so (code 0x33, the model's choice beside 0x30-0x32), once
 * per such store.
 */
static void dsa_portal_discard(DsaState *s, int wq, DsaPortalSlot *ps,
                               hwaddr addr, unsigned size)
{
    union sw_err_reg err = { };

    qemu_log_mask(LOG_GUEST_ERROR, "intel-dsa: WQ %d: %u-byte portal store "
                  "at 0x%" HWADDR_PRIx " is no part of one writer's "
                  "descriptor: %u bytes assembled, dropped\n",
                  wq, size, addr, ps->next);
    ps->next = 0;
    err.wq_idx_valid = 1;
    err.wq_idx = wq;
    err.error = IDXD_SWERR_PORTAL_PARTIAL;
    dsa_swerr_record(s, &err);
    dsa_perf_count(s, DSA_PERF_CAT_WQ, DSA_PERF_WQ_DROPPED, 1);
}

/* The next of one writer's eight in-order 8-byte stores to one slot. */
static bool dsa_portal_in_order(const DsaPortalSlot *ps, int slot, int writer,
                                uint32_t off, unsigned size)
{
    if (size != 8 || off != ps->next) {
        return false;
    }
    return !ps->next || (ps->slot == slot && ps->writer == writer);
}

static void dsa_portal_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    DsaState *s = opaque;
    uint32_t page = addr / IDXD_PORTAL_SIZE;
    uint32_t wq = page / IDXD_PORTALS_PER_WQ;
    uint32_t portal = page % IDXD_PORTALS_PER_WQ;
    uint32_t off = addr % DSA_DESC_SIZE;
    int slot = (addr % IDXD_PORTAL_SIZE) / DSA_DESC_SIZE;
    int writer = current_cpu ? current_cpu->cpu_index : -1;
    DsaPortalSlot *ps;

    if (wq >= s->num_wqs) {
        qemu_log_mask(LOG_GUEST_ERROR, "intel-dsa: portal write beyond "
                      "the last WQ at 0x%" HWADDR_PRIx "\n", addr);
        return;
    }
    ps = &s->wqs[wq].portal[portal];
    if (!dsa_portal_in_order(ps, slot, writer, off, size)) {
        dsa_portal_discard(s, wq, ps, addr, size);
        /* a store that begins a descriptor begins the next one */
        if (size != 8 || off) {
            return;
        }
    }
    ps->slot = slot;
    ps->writer = writer;
    stq_le_p(ps->raw + off, val);
    ps->next += size;
    if (ps->next == DSA_DESC_SIZE) {
        ps->next = 0;
        dsa_submit(s, wq, portal, ps->raw);
    }
}

const MemoryRegionOps dsa_portal_ops = {
    .read = dsa_portal_read,
    .write = dsa_portal_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
        .unaligned = false,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};
