// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: BAR2, the WQ's portals, trapped.
 *
 * A descriptor arrives as one 64-byte write or as eight aligned 8-byte
 * writes in order to one 64-byte slot (QEMU's vfio-pci hands a guest's
 * MOVDIR64B to a region it did not mmap as 8-byte writes).  It is then
 * checked as upstream 6.12 checks a descriptor from an untrusted user
 * (drivers/dma/idxd/cdev.c, INTEL-SA-01084): no BATCH, a completion
 * record aligned.  A refused descriptor becomes the guest's own software
 * error, with the status the device would have given.  The pages the
 * descriptor names enter the SF's domain if the user mapped them; the
 * descriptor goes to the SF's IMS portal with MOVDIR64B, its interrupt
 * handle left alone only if it is the SF's and the guest holds it (else
 * one the device refuses, so the record says 0x19).
 */

#include <linux/io.h>
#include <linux/idxd_hw.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>
#include "vidxd.h"

#define VIDXD_HANDLE_NONE	0xffff
/* flags 16-23 name more addresses by opcode (a CRC seed to read...) */
#define VIDXD_FLAGS_BY_OPCODE	0xff0000

static void vidxd_buf(struct vidxd_buf *b, unsigned int *n, u64 addr,
		      u64 len)
{
	b[*n].addr = addr;
	b[(*n)++].len = len;
}

/* The buffers @d names. */
static unsigned int vidxd_desc_buffers(const struct dsa_hw_desc *d,
				       struct vidxd_buf *b)
{
	u32 len = d->xfer_size;
	unsigned int n = 0;

	switch (d->opcode) {
	case DSA_OPCODE_MEMMOVE:
	case DSA_OPCODE_COPY_CRC:
		vidxd_buf(b, &n, d->src_addr, len);
		vidxd_buf(b, &n, d->dst_addr, len);
		break;
	case DSA_OPCODE_MEMFILL:
	case DSA_OPCODE_CFLUSH:
		vidxd_buf(b, &n, d->dst_addr, len);
		break;
	case DSA_OPCODE_DUALCAST:
		vidxd_buf(b, &n, d->src_addr, len);
		vidxd_buf(b, &n, d->dst_addr, len);
		vidxd_buf(b, &n, d->dest2, len);
		break;
	case DSA_OPCODE_COMPARE:
		vidxd_buf(b, &n, d->src2_addr, len);
		fallthrough;
	case DSA_OPCODE_COMPVAL:
	case DSA_OPCODE_CRCGEN:
		vidxd_buf(b, &n, d->src_addr, len);
		break;
	}
	if (d->flags & IDXD_OP_FLAG_CRAV)
		vidxd_buf(b, &n, d->completion_addr,
			  sizeof(struct dsa_completion_record));
	return n;
}

/* Writes to BAR2 that make no descriptor: SWERR 0x33, as the model. */
static void vidxd_partial(struct vidxd *v)
{
	union sw_err_reg err = { };

	err.wq_idx_valid = 1;
	err.error = IDXD_SWERR_PORTAL_PARTIAL;
	vidxd_guest_error(v, err);
}

/*
 * One descriptor to the SF's portal, as silicon wants it, unless the core
 * has the SF's WQ down (false): the core's stop op takes submit_lock, so
 * none is written after it returns.
 */
bool vidxd_portal_submit(struct vidxd *v, const struct dsa_hw_desc *d)
{
	bool up;

	spin_lock(&v->submit_lock);
	up = !v->wq_down;
	if (up) {
		/* the descriptor and what it names before the device reads them */
		wmb();
		if (boot_cpu_has(X86_FEATURE_MOVDIR64B))
			movdir64b_io(v->sfdev->portal, d);
		else
			__iowrite64_copy(v->sfdev->portal, d,
					 sizeof(*d) / sizeof(u64));
	}
	spin_unlock(&v->submit_lock);
	return up;
}

/*
 * The guest's error for a descriptor it may not submit.  What the core
 * passed on comes first: the error that took the WQ down (a full DWQ,
 * say) is the guest's first, not the refusals that follow from it.
 */
static void vidxd_refuse(struct vidxd *v, const struct dsa_hw_desc *d,
			 u8 code)
{
	union sw_err_reg err = { };

	vidxd_errq_deliver(v);

	err.desc_valid = 1;
	err.wq_idx_valid = 1;
	err.error = code;
	err.operation = d->opcode;
	vidxd_guest_error(v, err);
}

/* Whether a buffer of @d touches our drain record's page. */
static bool vidxd_names_drain_page(struct vidxd *v, const struct vidxd_buf *b,
				   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (b[i].len && b[i].addr <= v->drain_iova + PAGE_SIZE - 1 &&
		    v->drain_iova <= b[i].addr + b[i].len - 1)
			return true;
	return false;
}

/*
 * The status the device would give a descriptor the filter refuses, or
 * 0 if it may go: the device is enabled with its WQ (and the core has
 * the SF's WQ up); an operation the guest's OPCAP offers (never BATCH);
 * none of the flags that name further addresses; the record aligned,
 * whether asked for or not (upstream's cdev checks it always); a transfer
 * within the WQ's limit (checked before any page is pinned); nothing at
 * our drain record's page (as if it were not mapped).
 */
static u8 vidxd_filter(struct vidxd *v, const struct dsa_hw_desc *d,
		       const struct vidxd_buf *b, unsigned int n)
{
	const u64 *opcap = v->regs.opcap;

	if (v->regs.gensts.state != IDXD_DEVICE_STATE_ENABLED ||
	    v->regs.wqcfg.wq_state != IDXD_WQ_DEV_ENABLED ||
	    READ_ONCE(v->wq_down))
		return IDXD_SWERR_WQ_NOT_ENABLED;
	if (!(opcap[d->opcode / 64] & BIT_ULL(d->opcode % 64)))
		return DSA_COMP_BAD_OPCODE;
	if (d->flags & VIDXD_FLAGS_BY_OPCODE)
		return DSA_COMP_INVALID_FLAGS;
	if (!IS_ALIGNED(d->completion_addr, DSA_COMP_RECORD_ALIGN))
		return DSA_COMP_CRA_ALIGN;
	if (n && d->opcode != DSA_OPCODE_NOOP &&
	    d->opcode != DSA_OPCODE_DRAIN &&
	    d->xfer_size > v->sfdev->max_xfer_size)
		return DSA_COMP_XFER_ERANGE;
	if (vidxd_names_drain_page(v, b, n))
		return DSA_COMP_PAGE_FAULT_NOBOF;
	return 0;
}

static void vidxd_submit(struct vidxd *v, struct dsa_hw_desc *d)
{
	struct vidxd_buf b[VIDXD_DESC_BUFS];
	unsigned int i, n;
	int ret;
	u8 code;

	n = vidxd_desc_buffers(d, b);
	code = vidxd_filter(v, d, b, n);
	if (code) {
		vidxd_refuse(v, d, code);
		return;
	}
	if ((d->flags & IDXD_OP_FLAG_RCI) &&
	    (!v->regs.handle_granted || d->int_handle != v->sfdev->int_handle))
		d->int_handle = VIDXD_HANDLE_NONE;
	for (i = 0; i < n; i++) {
		if (!b[i].len)
			continue;
		ret = vidxd_dma_pin(v, b[i].addr, b[i].len);
		/*
		 * A page the user never mapped stays out: the IOMMU faults
		 * it, as on the device.  Any other failure is the host's
		 * (no memory, the user's locked-memory limit): the
		 * descriptor must not reach the device, whose write of a
		 * record to an unpinned page would be charged to the WQ.
		 */
		if (ret && !vidxd_dma_user_fault(ret)) {
			vidxd_refuse(v, d, DSA_COMP_PAGE_FAULT_NOBOF);
			return;
		}
	}
	/* taken down while the pages were pinned: refused as the filter would */
	if (!vidxd_portal_submit(v, d))
		vidxd_refuse(v, d, IDXD_SWERR_WQ_NOT_ENABLED);
}

/*
 * Part of a descriptor: @len bytes at @off of BAR2.  One writer (the
 * device fd's user) assembles one descriptor at a time; anything but the
 * next 8 bytes of it, in order, starts over.  With v->lock held.
 */
int vidxd_portal_write(struct vidxd *v, u32 off, const void *buf, u32 len)
{
	struct vidxd_portal *p = &v->portal;
	u32 slot = off & ~(u32)(DSA_DESC_SIZE - 1);

	if (off >= VIDXD_BAR2_SIZE || len > VIDXD_BAR2_SIZE - off)
		return -EINVAL;
	if ((len != DSA_DESC_SIZE && len != 8) || off % len) {
		p->next = 0;
		vidxd_partial(v);
		return 0;
	}
	if (len == DSA_DESC_SIZE) {
		p->next = 0;
		memcpy(&p->desc, buf, len);
		vidxd_submit(v, &p->desc);
		return 0;
	}
	if (slot != p->slot || off - slot != p->next) {
		/* stores that make no descriptor: dropped, as the model does */
		if (p->next || off != slot)
			vidxd_partial(v);
		p->next = 0;
		if (off != slot)
			return 0;
	}
	p->slot = slot;
	memcpy((u8 *)&p->desc + p->next, buf, len);
	p->next += len;
	if (p->next == DSA_DESC_SIZE) {
		p->next = 0;
		vidxd_submit(v, &p->desc);
	}
	return 0;
}
