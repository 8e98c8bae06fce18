/*
 * Intel Data Streaming Accelerator (DSA) device model: operations
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * What each opcode does to memory.  Data moves in pieces that never cross
 * a 4 KiB page of any address involved, so a translation fault stops the
 * operation with page-granular progress, as on silicon.  An engine calls
 * an operation once per step: it moves at most DSA_STEP_BYTES from where
 * job->done says it is and returns DSA_COMP_NONE until it is over.
 */

#include "qemu/osdep.h"
#include "qemu/crc32c.h"
#include "dsa.h"

#define DSA_PAGE                4096

static uint32_t dsa_piece(uint32_t left, uint64_t a, uint64_t b)
{
    uint32_t n = MIN(left, DSA_PAGE - (a % DSA_PAGE));

    return MIN(n, DSA_PAGE - (b % DSA_PAGE));
}

/*
 * A failed access ends the operation: a page fault, with bit 7 of the
 * status set for a write (0x83), as silicon reports it; or a translation
 * failure when the IOMMU has no tables for the request at all.
 */
static uint8_t dsa_fault(const DsaJob *job, struct dsa_completion_record *cr,
                         uint64_t addr, uint32_t done, bool write)
{
    cr->bytes_completed = done;
    cr->fault_addr = addr;
    if (job->xlat_failed) {
        return DSA_COMP_TRANSLATION_FAIL;
    }
    return DSA_COMP_PAGE_FAULT_NOBOF | (write ? DSA_COMP_STATUS_WRITE : 0);
}

static bool dsa_access(DsaJob *job, uint64_t addr, void *buf, uint32_t len,
                       DMADirection dir)
{
    DsaDmaResult ret = dsa_dma_rw(job, addr, buf, len, dir);

    job->xlat_failed = ret == DSA_DMA_XLAT;
    return ret == DSA_DMA_OK;
}

static bool dsa_read(DsaJob *job, uint64_t addr, void *buf, uint32_t len)
{
    return dsa_access(job, addr, buf, len, DMA_DIRECTION_TO_DEVICE);
}

static bool dsa_write(DsaJob *job, uint64_t addr, void *buf, uint32_t len)
{
    return dsa_access(job, addr, buf, len, DMA_DIRECTION_FROM_DEVICE);
}

/* Where this step stops: DSA_STEP_BYTES on, or at the end. */
static uint32_t dsa_step_end(const DsaJob *job)
{
    return job->done + MIN(job->desc.xfer_size - job->done, DSA_STEP_BYTES);
}

/* Success once the whole transfer is done, else another step. */
static uint8_t dsa_step_status(const DsaJob *job)
{
    return job->done == job->desc.xfer_size ? DSA_COMP_SUCCESS :
                                              DSA_COMP_NONE;
}

/* CRC-32C as silicon computes it: seed 0 gives the iSCSI check value. */
static uint32_t dsa_crc32c(uint32_t seed, const uint8_t *buf, uint32_t len)
{
    return crc32c(~seed, buf, len);
}

/*
 * Copy from @src to @dst (and to @dst2 for dualcast), low to high,
 * folding the source into job->crc when @crc is set.
 */
static uint8_t dsa_copy_forward(DsaJob *job, uint64_t src, uint64_t dst,
                                bool dual, uint64_t dst2, bool crc,
                                struct dsa_completion_record *cr)
{
    uint32_t end = dsa_step_end(job), done, n;
    uint8_t buf[DSA_PAGE];

    while (job->done < end) {
        done = job->done;
        n = dsa_piece(end - done, src + done, dst + done);
        if (dual) {
            n = MIN(n, DSA_PAGE - ((dst2 + done) % DSA_PAGE));
        }
        if (!dsa_read(job, src + done, buf, n)) {
            return dsa_fault(job, cr, src + done, done, false);
        }
        if (!dsa_write(job, dst + done, buf, n)) {
            return dsa_fault(job, cr, dst + done, done, true);
        }
        if (dual && !dsa_write(job, dst2 + done, buf, n)) {
            return dsa_fault(job, cr, dst2 + done, done, true);
        }
        if (crc) {
            job->crc = dsa_crc32c(job->crc, buf, n);
        }
        job->done += n;
    }
    return dsa_step_status(job);
}

/*
 * Overlapping move with the destination above the source: copy high to
 * low so the source is read before it is overwritten.  Result 1 tells
 * software the direction, as bytes_completed then counts from the end.
 */
static uint8_t dsa_copy_backward(DsaJob *job, uint64_t src, uint64_t dst,
                                 struct dsa_completion_record *cr)
{
    uint32_t len = job->desc.xfer_size, end = dsa_step_end(job), n;
    uint8_t buf[DSA_PAGE];
    uint64_t s_end, d_end;

    cr->result = 1;
    while (job->done < end) {
        s_end = src + len - job->done;
        d_end = dst + len - job->done;
        n = MIN(end - job->done, (s_end - 1) % DSA_PAGE + 1);
        n = MIN(n, (d_end - 1) % DSA_PAGE + 1);
        if (!dsa_read(job, s_end - n, buf, n)) {
            return dsa_fault(job, cr, s_end - n, job->done, false);
        }
        if (!dsa_write(job, d_end - n, buf, n)) {
            return dsa_fault(job, cr, d_end - n, job->done, true);
        }
        job->done += n;
    }
    if (job->done == len) {
        cr->result = 0;
    }
    return dsa_step_status(job);
}

static uint8_t dsa_op_memmove(DsaJob *job, struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint64_t src = d->src_addr, dst = d->dst_addr;

    if (dst > src && dst < src + d->xfer_size) {
        return dsa_copy_backward(job, src, dst, cr);
    }
    return dsa_copy_forward(job, src, dst, false, 0, false, cr);
}

static uint8_t dsa_op_fill(DsaJob *job, struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint32_t end = dsa_step_end(job), done, n, i;
    uint8_t pattern[8], buf[DSA_PAGE];

    stq_le_p(pattern, d->pattern);
    while (job->done < end) {
        done = job->done;
        n = dsa_piece(end - done, d->dst_addr + done, d->dst_addr + done);
        for (i = 0; i < n; i++) {
            buf[i] = pattern[(done + i) % sizeof(pattern)];
        }
        if (!dsa_write(job, d->dst_addr + done, buf, n)) {
            return dsa_fault(job, cr, d->dst_addr + done, done, true);
        }
        job->done += n;
    }
    return dsa_step_status(job);
}

/* The outcome of a compare that ran to its end or its first difference. */
static uint8_t dsa_compare_result(const DsaJob *job,
                                  struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;

    if ((d->flags & IDXD_OP_FLAG_CR) && cr->result != (d->expected_res & 1)) {
        return DSA_COMP_SUCCESS_PRED;
    }
    return DSA_COMP_SUCCESS;
}

/* COMPARE and COMPVAL: @pattern is NULL for a memory-to-memory compare. */
static uint8_t dsa_compare(DsaJob *job, const uint8_t *pattern,
                           struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint32_t end = dsa_step_end(job), done, n, i;
    uint8_t a[DSA_PAGE], b[DSA_PAGE];

    while (job->done < end) {
        done = job->done;
        n = dsa_piece(end - done, d->src_addr + done,
                      pattern ? d->src_addr + done : d->src2_addr + done);
        if (!dsa_read(job, d->src_addr + done, a, n)) {
            return dsa_fault(job, cr, d->src_addr + done, done, false);
        }
        if (!pattern && !dsa_read(job, d->src2_addr + done, b, n)) {
            return dsa_fault(job, cr, d->src2_addr + done, done, false);
        }
        for (i = 0; i < n; i++) {
            uint8_t want = pattern ? pattern[(done + i) % 8] : b[i];

            if (a[i] != want) {
                cr->result = 1;
                cr->bytes_completed = done + i;
                return dsa_compare_result(job, cr);
            }
        }
        job->done += n;
    }
    if (job->done < d->xfer_size) {
        return DSA_COMP_NONE;
    }
    return dsa_compare_result(job, cr);
}

static uint8_t dsa_op_crc(DsaJob *job, bool copy,
                          struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint32_t end = dsa_step_end(job), n;
    uint8_t buf[DSA_PAGE];
    uint8_t status;

    if (copy) {
        status = dsa_copy_forward(job, d->src_addr, d->dst_addr, false, 0,
                                  true, cr);
    } else {
        while (job->done < end) {
            n = dsa_piece(end - job->done, d->src_addr + job->done,
                          d->src_addr + job->done);
            if (!dsa_read(job, d->src_addr + job->done, buf, n)) {
                return dsa_fault(job, cr, d->src_addr + job->done,
                                 job->done, false);
            }
            job->crc = dsa_crc32c(job->crc, buf, n);
            job->done += n;
        }
        status = dsa_step_status(job);
    }
    if (status == DSA_COMP_SUCCESS) {
        cr->crc_val = job->crc;
    }
    return status;
}

/*
 * Set up the next member of a batch: read its descriptor, which runs
 * with the batch's WQ settings.  Returns a status that ends the batch,
 * or DSA_COMP_NONE.
 */
static uint8_t dsa_batch_next(DsaState *s, DsaJob *job,
                              struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint64_t addr = d->desc_list_addr + job->batch_next * DSA_DESC_SIZE;
    DsaJob *member = g_new(DsaJob, 1);

    *member = *job;
    memset(&member->cr, 0, sizeof(member->cr));
    member->started = false;
    member->done = 0;
    member->member = NULL;
    member->in_batch = true;
    member->batch_idx = job->batch_next;
    member->batch_id = job->batch_id;
    member->first_err = !job->batch_error;
    if (!dsa_read(job, addr, member->raw, DSA_DESC_SIZE)) {
        g_free(member);
        cr->descs_completed = job->batch_ok;
        cr->fault_addr = addr;
        return job->xlat_failed ? DSA_COMP_TRANSLATION_FAIL :
                                  DSA_COMP_BATCH_PAGE_FAULT;
    }
    if ((member->desc.flags & IDXD_OP_FLAG_FENCE) && job->batch_failed) {
        g_free(member);
        cr->descs_completed = job->batch_ok;
        return DSA_COMP_BATCH_FAIL;
    }
    job->member = member;
    return DSA_COMP_NONE;
}

/*
 * Members run in order, a step of one per step of the batch; a fenced
 * member and all after it are skipped once an earlier one failed or
 * completed with a false predicate.
 */
static uint8_t dsa_op_batch(DsaState *s, DsaJob *job,
                            struct dsa_completion_record *cr)
{
    uint8_t status;

    if (!job->member) {
        if (job->batch_next == job->desc.desc_count) {
            cr->descs_completed = job->batch_ok;
            return job->batch_failed ? DSA_COMP_BATCH_FAIL : DSA_COMP_SUCCESS;
        }
        if (!job->batch_next) {
            job->batch_id = qatomic_fetch_inc(&s->batch_ids);
        }
        status = dsa_batch_next(s, job, cr);
        if (status != DSA_COMP_NONE) {
            return status;
        }
    }
    if (!dsa_job_step(s, job->member)) {
        return DSA_COMP_NONE;
    }
    /* a false predicate completed, yet stops a fence as a failure does */
    status = job->member->cr.status;
    if (status == DSA_COMP_SUCCESS || status == DSA_COMP_SUCCESS_PRED) {
        job->batch_ok++;
    }
    if (status != DSA_COMP_SUCCESS) {
        job->batch_failed = true;
        job->batch_error |= status != DSA_COMP_SUCCESS_PRED;
    }
    dsa_job_free_member(job);
    job->batch_next++;
    return DSA_COMP_NONE;
}

uint8_t dsa_op_step(DsaState *s, DsaJob *job, struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint8_t pattern[8];

    switch (d->opcode) {
    case DSA_OPCODE_NOOP:
    case DSA_OPCODE_DRAIN:
    case DSA_OPCODE_CFLUSH:
        /* a WQ runs in order: earlier work is done; the model has no cache */
        return DSA_COMP_SUCCESS;
    case DSA_OPCODE_BATCH:
        return dsa_op_batch(s, job, cr);
    case DSA_OPCODE_MEMMOVE:
        return dsa_op_memmove(job, cr);
    case DSA_OPCODE_MEMFILL:
        return dsa_op_fill(job, cr);
    case DSA_OPCODE_COMPARE:
        return dsa_compare(job, NULL, cr);
    case DSA_OPCODE_COMPVAL:
        stq_le_p(pattern, d->comp_pattern);
        return dsa_compare(job, pattern, cr);
    case DSA_OPCODE_DUALCAST:
        return dsa_copy_forward(job, d->src_addr, d->dst_addr, true, d->dest2,
                                false, cr);
    case DSA_OPCODE_CRCGEN:
        return dsa_op_crc(job, false, cr);
    case DSA_OPCODE_COPY_CRC:
        return dsa_op_crc(job, true, cr);
    default:
        return DSA_COMP_BAD_OPCODE;
    }
}
