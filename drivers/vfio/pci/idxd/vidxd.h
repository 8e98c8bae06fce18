/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_idxd_aux: the virtual DSA function a VFIO user sees for one
 * subfunction.  The control path (config space, BAR0) is emulated here;
 * descriptors reach the SF's WQ, whose PASID confines them to the pages
 * the user mapped.  See Documentation/vfio-idxd.rst.
 */
#ifndef _VIDXD_H_
#define _VIDXD_H_

#include <linux/eventfd.h>
#include <linux/idxd_hw.h>
#include <linux/idxd_sf.h>
#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/ratelimit.h>
#include <linux/vfio.h>
#include <linux/xarray.h>
#include "registers.h"

/* The virtual function's layout. */
#define VIDXD_CFG_SIZE		PCI_CFG_SPACE_EXP_SIZE
#define VIDXD_BAR0_SIZE		SZ_16K
#define VIDXD_BAR2_SIZE		(IDXD_PORTALS_PER_WQ * IDXD_PORTAL_SIZE)
#define VIDXD_MSIX_VECTORS	2	/* 0: errors and commands; 1: WQ 0 */

/* BAR0: registers, then the tables at these offsets */
#define VIDXD_GRPCFG_OFF	0x400
#define VIDXD_WQCFG_OFF		0x500
#define VIDXD_PERM_OFF		0x600
#define VIDXD_MSIX_TABLE_OFF	0x2000
#define VIDXD_MSIX_PBA_OFF	0x3000

/* VFIO regions: vfio-pci's numbering, offsets index << 40 */
#define VIDXD_OFFSET_SHIFT	40
#define VIDXD_INDEX(off)	((off) >> VIDXD_OFFSET_SHIFT)
#define VIDXD_OFFSET(index)	((u64)(index) << VIDXD_OFFSET_SHIFT)
#define VIDXD_OFFSET_MASK	(VIDXD_OFFSET(1) - 1)

/* The device's emulated registers, as the guest wrote and reads them. */
struct vidxd_regs {
	union gen_cap_reg gencap;
	union wq_cap_reg wqcap;
	union group_cap_reg grpcap;
	union engine_cap_reg engcap;
	u64 opcap[IDXD_OPCAP_WORDS];
	union offsets_reg offsets;
	u64 cmdcap;
	union gencfg_reg gencfg;
	union genctrl_reg genctrl;
	union gensts_reg gensts;
	u32 intcause;
	union cmdsts_reg cmdsts;
	union sw_err_reg swerr;
	union evlcfg_reg evlcfg;
	union evl_status_reg evlsts;
	struct grpcfg grpcfg;
	union wqcfg wqcfg;
	union msix_perm perm[VIDXD_MSIX_VECTORS];
	u32 msix_table[VIDXD_MSIX_VECTORS][PCI_MSIX_ENTRY_SIZE / 4];
	bool handle_granted;	/* the guest holds the WQ's interrupt handle */
};

/* A range of IOVA pages type1 asked us to release (unmap.c). */
#define VIDXD_DYING		64
struct vidxd_dying {
	unsigned long first, last;
	unsigned long ended;	/* jiffies the last round ended; 0 in one */
	unsigned int rounds;	/* how often type1 asked; 0: a free slot */
	bool merged;		/* holds several mappings */
};

/* Errors the core passed on, waiting for the guest's registers. */
#define VIDXD_ERR_QUEUE		8
struct vidxd_err_queue {
	spinlock_t lock;		/* @err, @count, @overflow */
	union sw_err_reg err[VIDXD_ERR_QUEUE];
	unsigned int count;
	bool overflow;		/* more came than the queue holds */
	bool restarted;		/* the core brought the WQ back */
	struct work_struct work;
};

/* A buffer a descriptor names. */
#define VIDXD_DESC_BUFS		4	/* dualcast: 3, and the record */
struct vidxd_buf {
	u64 addr;
	u64 len;
};

/* A descriptor being assembled from 8-byte writes to BAR2. */
struct vidxd_portal {
	struct dsa_hw_desc desc;
	u32 slot;		/* its 64-byte slot's offset in BAR2 */
	u32 next;		/* bytes received, in order */
};

/**
 * struct vidxd - one subfunction as a VFIO device
 * @vdev: the VFIO device
 * @sfdev: the subfunction it stands for
 * @lock: orders the emulated state: registers, config space, triggers
 * @cfg: the virtual config space
 * @wmask: which bits of each config byte the guest may change
 * @regs: BAR0's emulated registers
 * @portal: the descriptor BAR2 writes are assembling
 * @msix_trigger: the user's eventfds for MSI-X vectors 0 and 1
 * @req_trigger: the user's eventfd for the request interrupt
 * @domain: the paging domain the SF's PASID translates through
 * @dma_lock: orders @pinned and @domain's mappings; never held across a
 *	call into the container (vfio_pin_pages(), vfio_dma_rw()...)
 * @pinned: the user's pages pinned and mapped in @domain, by IOVA page
 * @dying: the ranges type1 asked us to release, under @dma_lock
 * @unmap_seq: counts type1's rounds, under @dma_lock
 * @transit: the IOVA page of the pin under way, plus 1; 0: none
 * @transit_wq: where the unmap callback waits for it
 * @drain_page: where the device writes the record of our DRAIN
 *	descriptors, mapped in @domain at @drain_iova (no user page goes
 *	there)
 * @drain_iova: the top page of @domain's aperture
 * @errq: errors on the SF's WQ, for the guest
 * @abort_rs: how often the guest may have the PF reset the SF's WQ
 * @submit_lock: orders @wq_down against portal writes
 * @wq_down: the core took the SF's WQ down (its stop op) and has not
 *	brought it back
 * @stops: counts the core's stop ops, for a drain to see one
 */
struct vidxd {
	struct vfio_device vdev;
	struct idxd_sf_dev *sfdev;
	struct mutex lock;		/* the emulated state */
	u8 cfg[VIDXD_CFG_SIZE];
	u8 wmask[VIDXD_CFG_SIZE];
	struct vidxd_regs regs;
	struct vidxd_portal portal;
	struct eventfd_ctx *msix_trigger[VIDXD_MSIX_VECTORS];
	struct eventfd_ctx *req_trigger;
	struct iommu_domain *domain;
	struct mutex dma_lock;		/* @domain's mappings, @dying */
	struct xarray pinned;
	struct vidxd_dying dying[VIDXD_DYING];
	unsigned long unmap_seq;
	atomic_long_t transit;
	wait_queue_head_t transit_wq;
	struct page *drain_page;
	u64 drain_iova;
	struct vidxd_err_queue errq;
	struct ratelimit_state abort_rs;
	spinlock_t submit_lock;		/* @wq_down vs the portal */
	bool wq_down;
	atomic_t stops;
};

static inline struct vidxd *to_vidxd(struct vfio_device *vdev)
{
	return container_of(vdev, struct vidxd, vdev);
}

/* config.c */
void vidxd_cfg_init(struct vidxd *v);
void vidxd_cfg_reset(struct vidxd *v);
void vidxd_function_reset(struct vidxd *v);
int vidxd_cfg_rw(struct vidxd *v, u32 off, void *buf, u32 len, bool write);
bool vidxd_msix_enabled(struct vidxd *v);

/* mmio.c */
u32 vidxd_guest_wq_size(struct vidxd *v);
void vidxd_regs_init(struct vidxd *v);
void vidxd_regs_reset(struct vidxd *v);
int vidxd_mmio_rw(struct vidxd *v, u32 off, void *buf, u32 len, bool write);

/* err.c */
extern const struct idxd_sf_ops vidxd_sf_ops;
void vidxd_guest_error(struct vidxd *v, union sw_err_reg err);
void vidxd_errq_init(struct vidxd *v);
void vidxd_errq_deliver(struct vidxd *v);
void vidxd_errq_discard(struct vidxd *v);
void vidxd_errq_flush(struct vidxd *v);
void vidxd_handle_revoke(struct vidxd *v);

/* portal.c */
int vidxd_portal_write(struct vidxd *v, u32 off, const void *buf, u32 len);
bool vidxd_portal_submit(struct vidxd *v, const struct dsa_hw_desc *d);

/* irq.c */
int vidxd_set_irqs(struct vidxd *v, unsigned long arg);
void vidxd_irq_signal(struct vidxd *v, unsigned int vector);
void vidxd_irq_close(struct vidxd *v);
void vidxd_request(struct vfio_device *vdev, unsigned int count);
int vidxd_irq_open(struct vidxd *v);

/* dma.c */
int vidxd_dma_open(struct vidxd *v);
int vidxd_dma_pin(struct vidxd *v, u64 iova, u64 len);
bool vidxd_dma_user_fault(int err);
void vidxd_wq_drain(struct vidxd *v);
void vidxd_abort_init(struct vidxd *v);
bool vidxd_abort_allowed(struct vidxd *v);
void vidxd_wq_abort(struct vidxd *v);
void vidxd_dma_close(struct vidxd *v);
void vidxd_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length);

/* unmap.c */
struct vidxd_dying *vidxd_unmap_begin(struct vidxd *v, unsigned long first,
				      unsigned long last);
void vidxd_unmap_end(struct vidxd *v, struct vidxd_dying *d);
int vidxd_unmap_gate(struct vidxd *v, unsigned long index, int probed);
bool vidxd_unmap_raced(struct vidxd *v, unsigned long index,
		       unsigned long seq);
void vidxd_transit_set(struct vidxd *v, unsigned long index);
void vidxd_transit_clear(struct vidxd *v);
void vidxd_transit_wait(struct vidxd *v, unsigned long first,
			unsigned long last);

#endif /* _VIDXD_H_ */
