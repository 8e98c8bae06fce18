/*
 * Intel Data Streaming Accelerator (DSA) device model: one descriptor
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A descriptor's life on an engine: its checks, its execution in bounded
 * steps (dsa-ops.c), its completion record, error and interrupt.  Runs
 * without the BQL, taking it only to report.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "dsa.h"

/* Flags the engines understand; any other bit is an invalid flag. */
#define DSA_VALID_FLAGS (IDXD_OP_FLAG_FENCE | IDXD_OP_FLAG_BOF |        \
                         IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR |         \
                         IDXD_OP_FLAG_RCI | IDXD_OP_FLAG_CR |           \
                         IDXD_OP_FLAG_CC | IDXD_OP_FLAG_ADDR1_TCS |     \
                         IDXD_OP_FLAG_ADDR2_TCS | IDXD_OP_FLAG_ADDR3_TCS | \
                         IDXD_OP_FLAG_CR_TCS | IDXD_OP_FLAG_STORD)

static bool dsa_op_supported(DsaState *s, uint8_t opcode)
{
    return s->opcap[opcode / 64] & BIT_ULL(opcode % 64);
}

static uint32_t dsa_invalid_flags(const DsaJob *job)
{
    uint32_t flags = job->desc.flags;
    uint32_t invalid = flags & ~DSA_VALID_FLAGS;

    if ((flags & IDXD_OP_FLAG_FENCE) && !job->in_batch) {
        invalid |= IDXD_OP_FLAG_FENCE;
    }
    if ((flags & IDXD_OP_FLAG_BOF) && !job->bof) {
        invalid |= IDXD_OP_FLAG_BOF;
    }
    if ((flags & IDXD_OP_FLAG_RCR) && !(flags & IDXD_OP_FLAG_CRAV)) {
        invalid |= IDXD_OP_FLAG_RCR;
    }
    return invalid;
}

static uint8_t dsa_check_sizes(const DsaJob *job)
{
    const struct dsa_hw_desc *d = &job->desc;

    switch (d->opcode) {
    case DSA_OPCODE_NOOP:
    case DSA_OPCODE_DRAIN:
        return 0;
    case DSA_OPCODE_BATCH:
        if (d->desc_count < 2 || d->desc_count > job->max_batch) {
            return DSA_COMP_DESC_CNT_ERANGE;
        }
        if (d->desc_list_addr % DSA_DESC_LIST_ALIGN) {
            return DSA_COMP_DESCLIST_ALIGN;
        }
        return 0;
    default:
        if (!d->xfer_size || d->xfer_size > job->max_xfer) {
            return DSA_COMP_XFER_ERANGE;
        }
        if (d->opcode == DSA_OPCODE_DUALCAST &&
            (d->dst_addr ^ d->dest2) % IDXD_PORTAL_SIZE) {
            return DSA_COMP_DCAST_ERR;
        }
        return 0;
    }
}

/*
 * A descriptor may only signal an interrupt whose handle was granted
 * (REQUEST_INT_HANDLE, not released, not revoked by a reset) and that its
 * WQ's PASID owns.
 */
static bool dsa_int_handle_valid(DsaState *s, const DsaJob *job)
{
    bool ims = job->irq_type == IDXD_IRQ_IMS;
    union msix_perm perm;
    union ims_entry e;
    uint32_t i;

    if (!dsa_int_handle_index(s, ims, job->desc.int_handle, &i)) {
        return false;
    }
    if (!ims) {
        perm.bits = qatomic_read(&s->msix_perm[i].bits);
        return !perm.pasid_en || (job->pasid_en && perm.pasid == job->pasid);
    }
    e.bits[IDXD_IMS_CTRL_DWORD] =
        qatomic_read(&s->ims[i].bits[IDXD_IMS_CTRL_DWORD]);
    return !e.pasid_en || (job->pasid_en && e.pasid == job->pasid);
}

/* The grants change under the BQL (commands, resets). */
static bool dsa_int_handle_valid_locked(DsaState *s, const DsaJob *job)
{
    bool valid;

    qemu_mutex_lock_iothread();
    valid = dsa_int_handle_valid(s, job);
    qemu_mutex_unlock_iothread();
    return valid;
}

static uint8_t dsa_check_desc(DsaState *s, const DsaJob *job,
                              struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint32_t invalid;
    uint8_t status;

    if (!dsa_op_supported(s, d->opcode) ||
        (job->in_batch && (d->opcode == DSA_OPCODE_BATCH ||
                           d->opcode == DSA_OPCODE_DRAIN))) {
        return DSA_COMP_BAD_OPCODE;
    }
    invalid = dsa_invalid_flags(job);
    if (invalid) {
        cr->invalid_flags = invalid;
        return DSA_COMP_INVALID_FLAGS;
    }
    status = dsa_check_sizes(job);
    if (status) {
        return status;
    }
    if ((d->flags & IDXD_OP_FLAG_RCI) &&
        !dsa_int_handle_valid_locked(s, job)) {
        return DSA_COMP_INT_HANDLE_INVAL;
    }
    return 0;
}

/*
 * A function reset, or an abort of its WQ (ABORT_WQ, RESET_WQ, a halt,
 * RESET_DEVICE), since the job was taken abandoned it: it reports nothing.
 */
bool dsa_job_abandoned(const DsaJob *job)
{
    return qatomic_read(&job->dev->reset_gen) != job->gen ||
           qatomic_read(&job->dev->wqs[job->wq].abort_gen) != job->abort_gen;
}

/*
 * Bytes 12-15 of the error: the flags that were invalid, or the interrupt
 * and the record the descriptor asked for (what software must do in the
 * device's stead when the record was lost).
 */
static void dsa_job_err_info(const DsaJob *job, uint8_t status,
                             const struct dsa_completion_record *cr,
                             union sw_err_reg *err)
{
    uint32_t flags = job->desc.flags;

    switch (status) {
    case DSA_COMP_INVALID_FLAGS:
        err->invalid_flags = cr->invalid_flags;
        break;
    case DSA_COMP_INT_HANDLE_INVAL:
    case DSA_COMP_CRA_XLAT:
        err->int_handle = job->desc.int_handle;
        err->rci = !!(flags & IDXD_OP_FLAG_RCI);
        err->ims = job->irq_type == IDXD_IRQ_IMS;
        err->rcr = !!(flags & IDXD_OP_FLAG_RCR);
        err->first_err_in_batch = job->in_batch && job->first_err;
        break;
    default:
        return;
    }
    err->err_info_valid = 1;
}

/*
 * Log error @code of @job, which faulted at @fault_addr; @cr is the record
 * the descriptor did not get, which only an event log entry carries.
 */
static void dsa_job_swerr(DsaState *s, const DsaJob *job, uint8_t code,
                          uint64_t fault_addr,
                          const struct dsa_completion_record *cr)
{
    union sw_err_reg err = { };

    err.desc_valid = 1;
    err.wq_idx_valid = 1;
    err.wq_idx = job->wq;
    err.batch = job->in_batch;
    err.batch_idx = job->batch_idx;
    err.error = DSA_COMP_STATUS(code);
    err.fault_rw = !!(code & DSA_COMP_STATUS_WRITE);
    err.operation = job->desc.opcode;
    err.priv = job->priv;
    err.pasid = job->pasid;
    err.fault_addr = fault_addr;
    dsa_job_err_info(job, err.error, cr, &err);
    qemu_mutex_lock_iothread();
    if (!dsa_job_abandoned(job)) {
        dsa_error_log(s, &err, job->batch_id, cr);
    }
    qemu_mutex_unlock_iothread();
}

/* Operations that process xfer_size bytes of data. */
static bool dsa_moves_data(uint8_t opcode)
{
    switch (opcode) {
    case DSA_OPCODE_MEMMOVE:
    case DSA_OPCODE_MEMFILL:
    case DSA_OPCODE_COMPARE:
    case DSA_OPCODE_COMPVAL:
    case DSA_OPCODE_DUALCAST:
    case DSA_OPCODE_CRCGEN:
    case DSA_OPCODE_COPY_CRC:
        return true;
    default:
        return false;
    }
}

/* The status byte goes last, so software polling it sees a whole record. */
static bool dsa_write_record(const DsaJob *job,
                             const struct dsa_completion_record *cr)
{
    const uint8_t *raw = (const uint8_t *)cr;
    uint64_t addr = job->desc.completion_addr;

    if (dsa_dma_rw(job, addr + 1, (void *)(raw + 1), sizeof(*cr) - 1,
                   DMA_DIRECTION_FROM_DEVICE) != DSA_DMA_OK) {
        return false;
    }
    smp_wmb(); /* record body visible before its status byte */
    return dsa_dma_rw(job, addr, (void *)raw, 1,
                      DMA_DIRECTION_FROM_DEVICE) == DSA_DMA_OK;
}

static void dsa_complete(DsaState *s, const DsaJob *job,
                         struct dsa_completion_record *cr)
{
    uint32_t flags = job->desc.flags;
    bool error = cr->status != DSA_COMP_SUCCESS &&
                 cr->status != DSA_COMP_SUCCESS_PRED;
    bool record_lost = false;

    if (dsa_job_abandoned(job)) {
        return;
    }

    if ((flags & IDXD_OP_FLAG_RCR) ||
        ((flags & IDXD_OP_FLAG_CRAV) && cr->status != DSA_COMP_SUCCESS)) {
        if (!(flags & IDXD_OP_FLAG_CRAV)) {
            dsa_job_swerr(s, job, cr->status, cr->fault_addr, cr);
        } else if (!dsa_write_record(job, cr)) {
            /* the fault is the record's own, a write; nothing is signalled */
            dsa_job_swerr(s, job, DSA_COMP_CRA_XLAT | DSA_COMP_STATUS_WRITE,
                          job->desc.completion_addr, cr);
            record_lost = true;
        }
    } else if (error) {
        dsa_job_swerr(s, job, cr->status, cr->fault_addr, cr);
    }

    qemu_mutex_lock_iothread();
    if (dsa_job_abandoned(job)) {
        qemu_mutex_unlock_iothread();
        return;
    }
    dsa_perf_count(s, DSA_PERF_CAT_ENGINE, DSA_PERF_ENG_COMPLETED, 1);
    if (error) {
        dsa_perf_count(s, DSA_PERF_CAT_ENGINE, DSA_PERF_ENG_ERRORS, 1);
    } else if (dsa_moves_data(job->desc.opcode)) {
        dsa_perf_count(s, DSA_PERF_CAT_ENGINE, DSA_PERF_ENG_BYTES,
                       job->desc.xfer_size);
    }
    if ((flags & IDXD_OP_FLAG_RCI) && !record_lost &&
        cr->status != DSA_COMP_INT_HANDLE_INVAL) {
        dsa_irq_completion(s, job);
    }
    qemu_mutex_unlock_iothread();
}

#define DSA_DELAY_SLICE_US      10000

/*
 * The test window's slow engine: a descriptor takes at least as long as
 * DELAY_US said when an engine took it, unless it is abandoned meanwhile
 * (a reset leaves the engine idle).
 */
static void dsa_test_delay(const DsaJob *job)
{
    uint32_t us = job->delay_us;

    while (us && !dsa_job_abandoned(job) &&
           !qatomic_read(&job->dev->stopping)) {
        uint32_t slice = MIN(us, DSA_DELAY_SLICE_US);

        g_usleep(slice);
        us -= slice;
    }
}

/* The checks before any data moves; a status other than 0 ends the job. */
static uint8_t dsa_job_begin(DsaState *s, DsaJob *job)
{
    uint8_t status;

    job->started = true;
    job->crc = job->desc.crc_seed;
    if (!job->in_batch) {
        dsa_test_delay(job);
    }
    status = dsa_check_desc(s, job, &job->cr);
    if (!status) {
        status = qatomic_xchg(&s->fail_desc, 0);
    }
    return status;
}

void dsa_job_free_member(DsaJob *job)
{
    if (job->member) {
        dsa_job_free_member(job->member);
        g_free(job->member);
        job->member = NULL;
    }
}

/*
 * Run one bounded step of @job: its checks, or up to DSA_STEP_BYTES of its
 * data, or one step of a batch's member.  Returns true once the job is
 * over: completed (job->cr.status tells how) or abandoned.
 */
bool dsa_job_step(DsaState *s, DsaJob *job)
{
    uint8_t status = DSA_COMP_NONE;

    if (dsa_job_abandoned(job)) {
        return true;
    }
    if (!job->started) {
        /* a misaligned record can be neither written nor trusted */
        if ((job->desc.flags & IDXD_OP_FLAG_CRAV) &&
            job->desc.completion_addr % DSA_COMP_RECORD_ALIGN) {
            job->started = true;
            job->cr.status = DSA_COMP_CRA_ALIGN;
            dsa_job_swerr(s, job, DSA_COMP_CRA_ALIGN, 0, &job->cr);
            return true;
        }
        status = dsa_job_begin(s, job);
    }
    if (status == DSA_COMP_NONE) {
        status = dsa_op_step(s, job, &job->cr);
        if (status == DSA_COMP_NONE) {
            return false;
        }
    }
    if (!dsa_job_abandoned(job)) {
        qatomic_inc(&s->desc_count);
    }
    job->cr.status = status;
    dsa_complete(s, job, &job->cr);
    return true;
}
