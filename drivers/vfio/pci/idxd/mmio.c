// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: BAR0, a DSA in read-only-configuration mode.
 *
 * The guest sees one group with one engine and one dedicated WQ, already
 * configured with the subfunction's size and limits (GENCAP.config_en 0:
 * the stock driver loads the configuration instead of writing it).  The
 * operations are the device's, without BATCH: the portal filter refuses
 * batches from untrusted users, as upstream's cdev does.  Commands run at
 * once, in the write to CMD, with the architecture's status codes;
 * CMDSTS.active is never seen set.
 */

#include <linux/bitfield.h>
#include <linux/idxd_hw.h>
#include <linux/log2.h>
#include <linux/pci.h>
#include <linux/unaligned.h>
#include "vidxd.h"

#define VIDXD_VERSION		0x100
#define VIDXD_RDBUFS		8
#define VIDXD_CMDS		(GENMASK_ULL(IDXD_CMD_MAX, 1))
#define VIDXD_OPS		(BIT_ULL(DSA_OPCODE_NOOP) |		\
				 BIT_ULL(DSA_OPCODE_DRAIN) |		\
				 BIT_ULL(DSA_OPCODE_MEMMOVE) |		\
				 BIT_ULL(DSA_OPCODE_MEMFILL) |		\
				 BIT_ULL(DSA_OPCODE_COMPARE) |		\
				 BIT_ULL(DSA_OPCODE_COMPVAL) |		\
				 BIT_ULL(DSA_OPCODE_DUALCAST) |		\
				 BIT_ULL(DSA_OPCODE_CRCGEN) |		\
				 BIT_ULL(DSA_OPCODE_COPY_CRC) |		\
				 BIT_ULL(DSA_OPCODE_CFLUSH))

/*
 * One entry of the SF's WQ is ours, for the DRAIN descriptor of the
 * guest's drains: a guest that fills what it is given still drains.
 */
u32 vidxd_guest_wq_size(struct vidxd *v)
{
	return v->sfdev->wq_size - 1;
}

static void vidxd_caps_init(struct vidxd *v)
{
	struct idxd_sf_dev *sfdev = v->sfdev;
	struct vidxd_regs *r = &v->regs;

	r->gencap.bits = 0;
	r->gencap.cmd_cap = 1;
	r->gencap.evl_support = 1;
	r->gencap.max_xfer_shift = ilog2(sfdev->max_xfer_size);
	r->gencap.max_batch_shift = ilog2(sfdev->max_batch_size);
	r->wqcap.bits = 0;
	r->wqcap.total_wq_size = vidxd_guest_wq_size(v);
	r->wqcap.num_wqs = 1;
	r->wqcap.dedicated_mode = 1;
	r->wqcap.priority = 1;
	r->grpcap.bits = 0;
	r->grpcap.num_groups = 1;
	r->grpcap.total_rdbufs = VIDXD_RDBUFS;
	r->engcap.bits = 0;
	r->engcap.num_engines = 1;
	/* what the device runs and the filter knows the buffers of */
	memset(r->opcap, 0, sizeof(r->opcap));
	r->opcap[0] = sfdev->opcap[0] & VIDXD_OPS;
	r->offsets.bits[0] = 0;
	r->offsets.bits[1] = 0;
	r->offsets.grpcfg = VIDXD_GRPCFG_OFF / IDXD_TABLE_MULT;
	r->offsets.wqcfg = VIDXD_WQCFG_OFF / IDXD_TABLE_MULT;
	r->offsets.msix_perm = VIDXD_PERM_OFF / IDXD_TABLE_MULT;
	r->cmdcap = VIDXD_CMDS;
}

/* The configuration the guest loads: group 0 = WQ 0 + engine 0. */
static void vidxd_config_init(struct vidxd *v)
{
	struct idxd_sf_dev *sfdev = v->sfdev;
	struct vidxd_regs *r = &v->regs;

	memset(&r->grpcfg, 0, sizeof(r->grpcfg));
	r->grpcfg.wqs[0] = BIT_ULL(0);
	r->grpcfg.engines = BIT_ULL(0);
	memset(&r->wqcfg, 0, sizeof(r->wqcfg));
	r->wqcfg.wq_size = vidxd_guest_wq_size(v);
	r->wqcfg.mode = IDXD_WQ_MODE_DEDICATED;
	r->wqcfg.priority = 1;
	r->wqcfg.max_xfer_shift = ilog2(sfdev->max_xfer_size);
	r->wqcfg.max_batch_shift = ilog2(sfdev->max_batch_size);
}

void vidxd_regs_init(struct vidxd *v)
{
	vidxd_caps_init(v);
	vidxd_regs_reset(v);
}

/*
 * RESET_DEVICE and a function reset: registers as at power-on, the
 * interrupt handle revoked; the capabilities and configuration stay.
 */
void vidxd_regs_reset(struct vidxd *v)
{
	struct vidxd_regs *r = &v->regs;

	vidxd_errq_discard(v);
	r->gencfg.bits = 0;
	r->genctrl.bits = 0;
	r->gensts.bits = 0;
	r->intcause = 0;
	r->cmdsts.bits = 0;
	memset(&r->swerr, 0, sizeof(r->swerr));
	memset(&r->evlcfg, 0, sizeof(r->evlcfg));
	r->evlsts.bits = 0;
	memset(r->perm, 0, sizeof(r->perm));
	memset(r->msix_table, 0, sizeof(r->msix_table));
	r->handle_granted = false;
	vidxd_config_init(v);
}

static bool vidxd_enabled(struct vidxd *v)
{
	return v->regs.gensts.state == IDXD_DEVICE_STATE_ENABLED;
}

static u32 vidxd_enable_device(struct vidxd *v)
{
	u16 cmd = get_unaligned_le16(v->cfg + PCI_COMMAND);

	if (v->regs.gensts.state != IDXD_DEVICE_STATE_DISABLED)
		return IDXD_CMDSTS_ERR_DEV_ENABLED;
	if (!(cmd & PCI_COMMAND_MASTER))
		return IDXD_CMDSTS_ERR_BUSMASTER_EN;
	v->regs.gensts.state = IDXD_DEVICE_STATE_ENABLED;
	return IDXD_CMDSTS_SUCCESS;
}

static u32 vidxd_disable_device(struct vidxd *v)
{
	if (v->regs.gensts.state == IDXD_DEVICE_STATE_DISABLED)
		return IDXD_CMDSTS_ERR_DIS_DEV_EN;
	/* the WQ takes nothing from now on (the filter), then drains */
	v->regs.wqcfg.wq_state = IDXD_WQ_DEV_DISABLED;
	vidxd_wq_drain(v);
	v->regs.gensts.state = IDXD_DEVICE_STATE_DISABLED;
	return IDXD_CMDSTS_SUCCESS;
}

static u32 vidxd_enable_wq(struct vidxd *v, u32 wq)
{
	if (wq)
		return IDXD_CMDSTS_INVAL_WQIDX;
	if (!vidxd_enabled(v))
		return IDXD_CMDSTS_ERR_DEV_NOTEN;
	if (v->regs.wqcfg.wq_state == IDXD_WQ_DEV_ENABLED)
		return IDXD_CMDSTS_ERR_WQ_ENABLED;
	v->regs.wqcfg.wq_state = IDXD_WQ_DEV_ENABLED;
	return IDXD_CMDSTS_SUCCESS;
}

/*
 * DISABLE/DRAIN/ABORT/RESET_WQ name WQs by a mask of 16 and a block
 * number: only bit 0 of block 0 exists.
 */
static u32 vidxd_wq_mask_cmd(struct vidxd *v, enum idxd_cmd cmd, u32 operand)
{
	if (operand & ~BIT(0))
		return IDXD_CMDSTS_INVAL_WQIDX;
	if (!vidxd_enabled(v))
		return IDXD_CMDSTS_ERR_DEV_NOT_EN;
	/* a disabled WQ holds nothing: there is nothing to do */
	if (!operand || v->regs.wqcfg.wq_state != IDXD_WQ_DEV_ENABLED)
		return IDXD_CMDSTS_SUCCESS;
	if (cmd == IDXD_CMD_DISABLE_WQ || cmd == IDXD_CMD_RESET_WQ)
		v->regs.wqcfg.wq_state = IDXD_WQ_DEV_DISABLED;
	if (cmd == IDXD_CMD_DISABLE_WQ || cmd == IDXD_CMD_DRAIN_WQ)
		vidxd_wq_drain(v);
	else
		vidxd_wq_abort(v);
	return IDXD_CMDSTS_SUCCESS;
}

/*
 * The guest's only handle is the subfunction's IMS entry: asked for a
 * completion vector of the MSI-X table, the device returns it.
 */
static u32 vidxd_int_handle(struct vidxd *v, bool request, u32 operand,
			    u32 *result)
{
	u32 index = operand & IDXD_CMD_INT_INDEX_MASK;

	if (operand & IDXD_CMD_INT_HANDLE_IMS)
		return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
	if (request) {
		if (!index || index >= VIDXD_MSIX_VECTORS)
			return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
		v->regs.handle_granted = true;
		*result = v->sfdev->int_handle;
		return IDXD_CMDSTS_SUCCESS;
	}
	if (!v->regs.handle_granted || index != v->sfdev->int_handle)
		return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
	v->regs.handle_granted = false;
	return IDXD_CMDSTS_SUCCESS;
}

static u32 vidxd_cmd_exec(struct vidxd *v, enum idxd_cmd cmd, u32 operand,
			  u32 *result)
{
	switch (cmd) {
	case IDXD_CMD_ENABLE_DEVICE:
		return vidxd_enable_device(v);
	case IDXD_CMD_DISABLE_DEVICE:
		return vidxd_disable_device(v);
	case IDXD_CMD_DRAIN_ALL:
	case IDXD_CMD_DRAIN_PASID:
		if (!vidxd_enabled(v))
			return IDXD_CMDSTS_ERR_DEV_NOT_EN;
		vidxd_wq_drain(v);
		return IDXD_CMDSTS_SUCCESS;
	case IDXD_CMD_ABORT_ALL:
	case IDXD_CMD_ABORT_PASID:
		if (!vidxd_enabled(v))
			return IDXD_CMDSTS_ERR_DEV_NOT_EN;
		vidxd_wq_abort(v);
		return IDXD_CMDSTS_SUCCESS;
	case IDXD_CMD_RESET_DEVICE:
		vidxd_wq_abort(v);
		vidxd_regs_reset(v);
		v->portal.next = 0;
		return IDXD_CMDSTS_SUCCESS;
	case IDXD_CMD_ENABLE_WQ:
		return vidxd_enable_wq(v, operand);
	case IDXD_CMD_DISABLE_WQ:
	case IDXD_CMD_DRAIN_WQ:
	case IDXD_CMD_ABORT_WQ:
	case IDXD_CMD_RESET_WQ:
		return vidxd_wq_mask_cmd(v, cmd, operand);
	case IDXD_CMD_REQUEST_INT_HANDLE:
		return vidxd_int_handle(v, true, operand, result);
	case IDXD_CMD_RELEASE_INT_HANDLE:
		return vidxd_int_handle(v, false, operand, result);
	default:
		return IDXD_CMDSTS_INVAL_CMD;
	}
}

static void vidxd_cmd(struct vidxd *v, u32 val)
{
	union idxd_command_reg c = { .bits = val };
	u32 result = 0, err;

	err = vidxd_cmd_exec(v, c.cmd, c.operand, &result);
	v->regs.cmdsts.bits = err | (result << IDXD_CMDSTS_RES_SHIFT);
	if (c.int_req) {
		v->regs.intcause |= IDXD_INTC_CMD;
		vidxd_irq_signal(v, 0);
	}
}

/* The 8 bytes of BAR0 at @off (8-byte aligned). */
static u64 vidxd_read64(struct vidxd *v, u32 off)
{
	struct vidxd_regs *r = &v->regs;
	u32 t;

	switch (off) {
	case IDXD_VER_OFFSET:
		return VIDXD_VERSION;
	case IDXD_GENCAP_OFFSET:
		return r->gencap.bits;
	case IDXD_WQCAP_OFFSET:
		return r->wqcap.bits;
	case IDXD_GRPCAP_OFFSET:
		return r->grpcap.bits;
	case IDXD_ENGCAP_OFFSET:
		return r->engcap.bits;
	case IDXD_OPCAP_OFFSET ... IDXD_OPCAP_OFFSET + 0x18:
		return r->opcap[(off - IDXD_OPCAP_OFFSET) / 8];
	case IDXD_TABLE_OFFSET:
	case IDXD_TABLE_OFFSET + 8:
		return r->offsets.bits[(off - IDXD_TABLE_OFFSET) / 8];
	case IDXD_GENCFG_OFFSET:
		return r->gencfg.bits;
	case IDXD_GENCTRL_OFFSET:
		return r->genctrl.bits;
	case IDXD_GENSTATS_OFFSET:
		return r->gensts.bits;
	case IDXD_INTCAUSE_OFFSET:
		return r->intcause;
	case IDXD_CMDSTS_OFFSET:
		return r->cmdsts.bits;
	case IDXD_CMDCAP_OFFSET:
		return r->cmdcap;
	case IDXD_SWERR_OFFSET ... IDXD_SWERR_OFFSET + 0x18:
		return r->swerr.bits[(off - IDXD_SWERR_OFFSET) / 8];
	case IDXD_EVLCFG_OFFSET:
	case IDXD_EVLCFG_OFFSET + 8:
		return r->evlcfg.bits[(off - IDXD_EVLCFG_OFFSET) / 8];
	case IDXD_EVLSTATUS_OFFSET:
		return r->evlsts.bits;
	}
	if (off - VIDXD_GRPCFG_OFF < sizeof(r->grpcfg))
		return ((u64 *)&r->grpcfg)[(off - VIDXD_GRPCFG_OFF) / 8];
	if (off - VIDXD_WQCFG_OFF < sizeof(r->wqcfg))
		return ((u64 *)r->wqcfg.bits)[(off - VIDXD_WQCFG_OFF) / 8];
	if (off - VIDXD_PERM_OFF < VIDXD_MSIX_VECTORS * IDXD_MSIX_PERM_STRIDE)
		return r->perm[(off - VIDXD_PERM_OFF) / 8].bits;
	t = off - VIDXD_MSIX_TABLE_OFF;
	if (t < sizeof(r->msix_table))
		return ((u64 *)r->msix_table)[t / 8];
	return 0;
}

/* A write of @val, @mask saying which of the 8 bytes at @off it covers. */
static void vidxd_write64(struct vidxd *v, u32 off, u64 val, u64 mask)
{
	struct vidxd_regs *r = &v->regs;
	u32 lo = val, t;

	switch (off) {
	case IDXD_GENCFG_OFFSET:
		if (!(mask & 0xffffffff) || vidxd_enabled(v))
			return;
		/* a log enabled starts empty, wherever it is now */
		if (((union gencfg_reg)lo).evl_en && !r->gencfg.evl_en)
			r->evlsts.bits = 0;
		r->gencfg.bits = lo;
		return;
	case IDXD_GENCTRL_OFFSET:
		if (mask & 0xffffffff)
			r->genctrl.bits = lo;
		return;
	case IDXD_INTCAUSE_OFFSET:
		if (mask & 0xffffffff)
			r->intcause &= ~lo;
		return;
	case IDXD_CMD_OFFSET:
		if (mask & 0xffffffff)
			vidxd_cmd(v, lo);
		return;
	case IDXD_SWERR_OFFSET:
		r->swerr.bits[0] &= ~(val & mask & IDXD_SWERR_ACK);
		return;
	case IDXD_EVLCFG_OFFSET:
	case IDXD_EVLCFG_OFFSET + 8:
		/* the log's place is fixed while it is in use */
		if (!r->gencfg.evl_en) {
			t = (off - IDXD_EVLCFG_OFFSET) / 8;
			r->evlcfg.bits[t] = (r->evlcfg.bits[t] & ~mask) |
					    (val & mask);
		}
		return;
	case IDXD_EVLSTATUS_OFFSET:
		if (mask & 0xffff)
			r->evlsts.head = val;
		if ((mask >> 32) && ((union evl_status_reg)val).int_pending)
			r->evlsts.int_pending = 0;
		return;
	}
	if (off - VIDXD_PERM_OFF < VIDXD_MSIX_VECTORS * IDXD_MSIX_PERM_STRIDE) {
		if (mask & 0xffffffff)
			r->perm[(off - VIDXD_PERM_OFF) / 8].bits = lo;
		return;
	}
	t = off - VIDXD_MSIX_TABLE_OFF;
	if (t < sizeof(r->msix_table)) {
		u64 *e = &((u64 *)r->msix_table)[t / 8];

		*e = (*e & ~mask) | (val & mask);
	}
}

/*
 * An access of 4 or 8 bytes, naturally aligned, as the architecture
 * allows; with v->lock held.  Others are refused with -EINVAL.
 */
int vidxd_mmio_rw(struct vidxd *v, u32 off, void *buf, u32 len, bool write)
{
	u32 base = off & ~7U, shift = (off & 7) * 8;
	u64 mask = len == 8 ? ~0ULL : GENMASK_ULL(31, 0) << shift;
	u64 val;

	if ((len != 4 && len != 8) || off % len || off >= VIDXD_BAR0_SIZE)
		return -EINVAL;
	if (!write) {
		val = vidxd_read64(v, base) >> shift;
		memcpy(buf, &val, len);
		return 0;
	}
	val = 0;
	memcpy(&val, buf, len);
	vidxd_write64(v, base, val << shift, mask);
	return 0;
}
