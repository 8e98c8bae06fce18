/*
 * Intel Data Streaming Accelerator (DSA) device model: operations
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * What each opcode does to memory.  Data moves in pieces that never cross
 * a 4 KiB page of any address involved, so a translation fault stops the
 * operation with page-granular progress, as on silicon.
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

/* Silicon says a fault was on a write in bit 7 of the status: 0x83. */
static uint8_t dsa_fault(struct dsa_completion_record *cr, uint64_t addr,
                         uint32_t done, bool write)
{
    cr->bytes_completed = done;
    cr->fault_addr = addr;
    return DSA_COMP_PAGE_FAULT_NOBOF | (write ? DSA_COMP_STATUS_WRITE : 0);
}

static bool dsa_read(const DsaJob *job, uint64_t addr, void *buf,
                     uint32_t len)
{
    return dsa_dma_rw(job, addr, buf, len, DMA_DIRECTION_TO_DEVICE) ==
           MEMTX_OK;
}

static bool dsa_write(const DsaJob *job, uint64_t addr, void *buf,
                      uint32_t len)
{
    return dsa_dma_rw(job, addr, buf, len, DMA_DIRECTION_FROM_DEVICE) ==
           MEMTX_OK;
}

/* CRC-32C as silicon computes it: seed 0 gives the iSCSI check value. */
static uint32_t dsa_crc32c(uint32_t seed, const uint8_t *buf, uint32_t len)
{
    return crc32c(~seed, buf, len);
}

/*
 * Copy @len bytes from @src to @dst (and to @dst2 for dualcast), low to
 * high, folding the source into @crc when it is given.
 */
static uint8_t dsa_copy_forward(const DsaJob *job, uint64_t src, uint64_t dst,
                                bool dual, uint64_t dst2, uint32_t len,
                                uint32_t *crc, struct dsa_completion_record *cr)
{
    uint8_t buf[DSA_PAGE];
    uint32_t done = 0, n;

    while (done < len) {
        n = dsa_piece(len - done, src + done, dst + done);
        if (dual) {
            n = MIN(n, DSA_PAGE - ((dst2 + done) % DSA_PAGE));
        }
        if (!dsa_read(job, src + done, buf, n)) {
            return dsa_fault(cr, src + done, done, false);
        }
        if (!dsa_write(job, dst + done, buf, n)) {
            return dsa_fault(cr, dst + done, done, true);
        }
        if (dual && !dsa_write(job, dst2 + done, buf, n)) {
            return dsa_fault(cr, dst2 + done, done, true);
        }
        if (crc) {
            *crc = dsa_crc32c(*crc, buf, n);
        }
        done += n;
    }
    return DSA_COMP_SUCCESS;
}

/*
 * Overlapping move with the destination above the source: copy high to
 * low so the source is read before it is overwritten.  Result 1 tells
 * software the direction, as bytes_completed then counts from the end.
 */
static uint8_t dsa_copy_backward(const DsaJob *job, uint64_t src,
                                 uint64_t dst, uint32_t len,
                                 struct dsa_completion_record *cr)
{
    uint8_t buf[DSA_PAGE];
    uint32_t done = 0, n;
    uint64_t s_end, d_end;

    cr->result = 1;
    while (done < len) {
        s_end = src + len - done;
        d_end = dst + len - done;
        n = MIN(len - done, (s_end - 1) % DSA_PAGE + 1);
        n = MIN(n, (d_end - 1) % DSA_PAGE + 1);
        if (!dsa_read(job, s_end - n, buf, n)) {
            return dsa_fault(cr, s_end - n, done, false);
        }
        if (!dsa_write(job, d_end - n, buf, n)) {
            return dsa_fault(cr, d_end - n, done, true);
        }
        done += n;
    }
    cr->result = 0;
    return DSA_COMP_SUCCESS;
}

static uint8_t dsa_op_memmove(const DsaJob *job,
                              struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;

    uint64_t src = d->src_addr, dst = d->dst_addr;

    if (dst > src && dst < src + d->xfer_size) {
        return dsa_copy_backward(job, src, dst, d->xfer_size, cr);
    }
    return dsa_copy_forward(job, src, dst, false, 0, d->xfer_size, NULL, cr);
}

static uint8_t dsa_op_fill(const DsaJob *job, struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint8_t pattern[8], buf[DSA_PAGE];
    uint32_t done = 0, n, i;

    stq_le_p(pattern, d->pattern);
    while (done < d->xfer_size) {
        n = dsa_piece(d->xfer_size - done, d->dst_addr + done,
                      d->dst_addr + done);
        for (i = 0; i < n; i++) {
            buf[i] = pattern[(done + i) % sizeof(pattern)];
        }
        if (!dsa_write(job, d->dst_addr + done, buf, n)) {
            return dsa_fault(cr, d->dst_addr + done, done, true);
        }
        done += n;
    }
    return DSA_COMP_SUCCESS;
}

/* COMPARE and COMPVAL: @pattern is NULL for a memory-to-memory compare. */
static uint8_t dsa_compare(const DsaJob *job, const uint8_t *pattern,
                           struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint8_t a[DSA_PAGE], b[DSA_PAGE];
    uint32_t done = 0, n, i;

    while (done < d->xfer_size) {
        n = dsa_piece(d->xfer_size - done, d->src_addr + done,
                      pattern ? d->src_addr + done : d->src2_addr + done);
        if (!dsa_read(job, d->src_addr + done, a, n)) {
            return dsa_fault(cr, d->src_addr + done, done, false);
        }
        if (!pattern && !dsa_read(job, d->src2_addr + done, b, n)) {
            return dsa_fault(cr, d->src2_addr + done, done, false);
        }
        for (i = 0; i < n; i++) {
            uint8_t want = pattern ? pattern[(done + i) % 8] : b[i];

            if (a[i] != want) {
                cr->result = 1;
                cr->bytes_completed = done + i;
                goto out;
            }
        }
        done += n;
    }
out:
    if ((d->flags & IDXD_OP_FLAG_CR) && cr->result != (d->expected_res & 1)) {
        return DSA_COMP_SUCCESS_PRED;
    }
    return DSA_COMP_SUCCESS;
}

static uint8_t dsa_op_crc(const DsaJob *job, bool copy,
                          struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint8_t buf[DSA_PAGE];
    uint32_t crc = d->crc_seed, done = 0, n;
    uint8_t status;

    if (copy) {
        status = dsa_copy_forward(job, d->src_addr, d->dst_addr, false, 0,
                                  d->xfer_size, &crc, cr);
        if (status != DSA_COMP_SUCCESS) {
            return status;
        }
        cr->crc_val = crc;
        return DSA_COMP_SUCCESS;
    }
    while (done < d->xfer_size) {
        n = dsa_piece(d->xfer_size - done, d->src_addr + done,
                      d->src_addr + done);
        if (!dsa_read(job, d->src_addr + done, buf, n)) {
            return dsa_fault(cr, d->src_addr + done, done, false);
        }
        crc = dsa_crc32c(crc, buf, n);
        done += n;
    }
    cr->crc_val = crc;
    return DSA_COMP_SUCCESS;
}

/*
 * Members run in order with the batch's WQ settings; a fenced member and
 * all after it are skipped once an earlier one failed.
 */
static uint8_t dsa_op_batch(DsaState *s, const DsaJob *job,
                            struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint32_t i, ok = 0;
    bool failed = false;
    uint8_t batch_id = qatomic_fetch_inc(&s->batch_ids);
    DsaJob member;
    uint8_t status;

    for (i = 0; i < d->desc_count; i++) {
        member = *job;
        member.in_batch = true;
        member.batch_idx = i;
        member.batch_id = batch_id;
        member.first_err = !failed;
        if (!dsa_read(job, d->desc_list_addr + i * DSA_DESC_SIZE,
                      member.raw, DSA_DESC_SIZE)) {
            cr->descs_completed = ok;
            cr->fault_addr = d->desc_list_addr + i * DSA_DESC_SIZE;
            return DSA_COMP_BATCH_PAGE_FAULT;
        }
        if ((member.desc.flags & IDXD_OP_FLAG_FENCE) && failed) {
            break;
        }
        status = dsa_run_job(s, &member);
        if (status == DSA_COMP_SUCCESS || status == DSA_COMP_SUCCESS_PRED) {
            ok++;
        } else {
            failed = true;
        }
    }
    cr->descs_completed = ok;
    return failed ? DSA_COMP_BATCH_FAIL : DSA_COMP_SUCCESS;
}

uint8_t dsa_op_execute(DsaState *s, DsaJob *job,
                       struct dsa_completion_record *cr)
{
    const struct dsa_hw_desc *d = &job->desc;
    uint8_t pattern[8];

    switch (d->opcode) {
    case DSA_OPCODE_NOOP:
    case DSA_OPCODE_DRAIN:
    case DSA_OPCODE_CFLUSH:
        /* FIFO engines: earlier work is done; and the model has no cache */
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
                                d->xfer_size, NULL, cr);
    case DSA_OPCODE_CRCGEN:
        return dsa_op_crc(job, false, cr);
    case DSA_OPCODE_COPY_CRC:
        return dsa_op_crc(job, true, cr);
    default:
        return DSA_COMP_BAD_OPCODE;
    }
}
