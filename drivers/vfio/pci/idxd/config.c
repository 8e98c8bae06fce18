// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: the virtual function's config space.
 *
 * What the stock idxd driver and QEMU's vfio-pci expect of a DSA: Intel
 * 8086:0b25 with the DSA class code, two 64-bit memory BARs (registers,
 * portals), a PCI Express capability (an integrated endpoint with FLR),
 * MSI-X with two vectors whose table and PBA live in BAR0.  No PASID
 * capability: the guest's descriptors carry no PASID (the SF's is the
 * host's), so a guest may not think it has SVA, as vfio-pci hides it too.
 * Writable bits are those of a write mask, so BAR sizing,
 * the command register and the capabilities' control fields behave as on
 * hardware while read-only fields ignore writes.
 */

#include <linux/pci.h>
#include <linux/unaligned.h>
#include "vidxd.h"

#define VIDXD_CLASS		0x088000	/* system peripheral, other */
#define VIDXD_PCIE_CAP		0x40
#define VIDXD_MSIX_CAP		0x80

static void cfg_set16(u8 *cfg, u32 off, u16 val)
{
	put_unaligned_le16(val, cfg + off);
}

static void cfg_set32(u8 *cfg, u32 off, u32 val)
{
	put_unaligned_le32(val, cfg + off);
}

static u16 cfg_get16(const u8 *cfg, u32 off)
{
	return get_unaligned_le16(cfg + off);
}

/* A 64-bit memory BAR of @size bytes at config offset @off. */
static void vidxd_cfg_bar(u8 *cfg, u8 *wmask, u32 off, u64 size)
{
	cfg_set32(cfg, off, PCI_BASE_ADDRESS_MEM_TYPE_64);
	cfg_set32(wmask, off, ~(u32)(size - 1) & PCI_BASE_ADDRESS_MEM_MASK);
	cfg_set32(wmask, off + 4, ~0U);
}

static void vidxd_cfg_header(u8 *cfg, u8 *wmask)
{
	cfg_set16(cfg, PCI_VENDOR_ID, PCI_VENDOR_ID_INTEL);
	cfg_set16(cfg, PCI_DEVICE_ID, 0x0b25);
	cfg_set16(cfg, PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg_set32(cfg, PCI_CLASS_REVISION, VIDXD_CLASS << 8);
	cfg_set16(cfg, PCI_SUBSYSTEM_VENDOR_ID, PCI_VENDOR_ID_INTEL);
	cfg[PCI_CAPABILITY_LIST] = VIDXD_PCIE_CAP;
	cfg_set16(wmask, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		  PCI_COMMAND_INTX_DISABLE);
	vidxd_cfg_bar(cfg, wmask, PCI_BASE_ADDRESS_0, VIDXD_BAR0_SIZE);
	vidxd_cfg_bar(cfg, wmask, PCI_BASE_ADDRESS_2, VIDXD_BAR2_SIZE);
}

static void vidxd_cfg_caps(u8 *cfg, u8 *wmask)
{
	u32 pcie = VIDXD_PCIE_CAP, msix = VIDXD_MSIX_CAP;

	cfg[pcie + PCI_CAP_LIST_ID] = PCI_CAP_ID_EXP;
	cfg[pcie + PCI_CAP_LIST_NEXT] = msix;
	cfg_set16(cfg, pcie + PCI_EXP_FLAGS, 2 /* version */ |
		  (PCI_EXP_TYPE_RC_END << 4));
	cfg_set32(cfg, pcie + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR);
	cfg_set16(wmask, pcie + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_RELAX_EN |
		  PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_READRQ |
		  PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_BCR_FLR);

	cfg[msix + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSIX;
	cfg_set16(cfg, msix + PCI_MSIX_FLAGS, VIDXD_MSIX_VECTORS - 1);
	cfg_set32(cfg, msix + PCI_MSIX_TABLE, VIDXD_MSIX_TABLE_OFF);
	cfg_set32(cfg, msix + PCI_MSIX_PBA, VIDXD_MSIX_PBA_OFF);
	cfg_set16(wmask, msix + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE |
		  PCI_MSIX_FLAGS_MASKALL);
}

/* The function's power-on config space and what the guest may write. */
void vidxd_cfg_init(struct vidxd *v)
{
	memset(v->cfg, 0, sizeof(v->cfg));
	memset(v->wmask, 0, sizeof(v->wmask));
	vidxd_cfg_header(v->cfg, v->wmask);
	vidxd_cfg_caps(v->cfg, v->wmask);
}

/* A function level reset: config space as at power-on. */
void vidxd_cfg_reset(struct vidxd *v)
{
	vidxd_cfg_init(v);
}

bool vidxd_msix_enabled(struct vidxd *v)
{
	u16 flags = cfg_get16(v->cfg, VIDXD_MSIX_CAP + PCI_MSIX_FLAGS);

	return (flags & (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)) ==
	       PCI_MSIX_FLAGS_ENABLE;
}

/* An FLR asked for: the function resets, the bit reads 0. */
static bool vidxd_cfg_flr(struct vidxd *v, u32 off, u32 len)
{
	u32 devctl = VIDXD_PCIE_CAP + PCI_EXP_DEVCTL;

	if (off > devctl + 1 || off + len <= devctl)
		return false;
	return cfg_get16(v->cfg, devctl) & PCI_EXP_DEVCTL_BCR_FLR;
}

/*
 * @len bytes at @off, within the config space; a write changes only what
 * the write mask allows.  With v->lock held.  Returns 0, or -EINVAL for
 * an access beyond the config space.
 */
int vidxd_cfg_rw(struct vidxd *v, u32 off, void *buf, u32 len, bool write)
{
	u8 *bytes = buf;
	u32 i;

	if (off >= VIDXD_CFG_SIZE || len > VIDXD_CFG_SIZE - off)
		return -EINVAL;
	if (!write) {
		memcpy(buf, v->cfg + off, len);
		return 0;
	}
	for (i = 0; i < len; i++) {
		u8 mask = v->wmask[off + i];

		v->cfg[off + i] = (v->cfg[off + i] & ~mask) | (bytes[i] & mask);
	}
	if (vidxd_cfg_flr(v, off, len))
		vidxd_function_reset(v);
	return 0;
}

/*
 * FLR, or VFIO_DEVICE_RESET: the function as at power-on; the device
 * drops what the WQ holds, which stays usable.  With v->lock held.
 */
void vidxd_function_reset(struct vidxd *v)
{
	vidxd_wq_abort(v);
	vidxd_cfg_reset(v);
	vidxd_regs_reset(v);
	v->portal.next = 0;
}
