/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a consumer of a DSA subfunction sees: the auxiliary device
 * idxd.sf.<n> that the idxd core driver creates when an SF port is
 * activated (devlink port function set ... state active), and the calls
 * it may make on it.  See Documentation/idxd.rst, "Subfunctions".
 *
 * The contract:
 * - probe runs under the parent's devlink instance lock: it must never
 *   take it (no devlink call on the parent);
 * - every call below may be made from probe until remove returns, never
 *   after (the SF may be gone);
 * - remove detaches the domain (idxd_sf_detach_domain(), which first has
 *   the device drop what the WQ holds), then frees the SF's interrupt,
 *   clears its ops (idxd_sf_set_ops(sfdev, NULL, NULL)) and says
 *   detached; the core WARNs and undoes what is left;
 * - no reference to the device may be kept past remove: its release
 *   lives in the idxd module;
 * - the ops are called with the core's locks held: a consumer holding
 *   its own lock while calling idxd_sf_*() must not take that lock in
 *   them (lock order: devlink, the consumer's, the core's).
 */
#ifndef _LINUX_IDXD_SF_H
#define _LINUX_IDXD_SF_H

#include <linux/auxiliary_bus.h>
#include <linux/types.h>

struct iommu_domain;
struct idxd_sf;

/* The auxiliary device name a consumer's id_table matches. */
#define IDXD_SF_AUXDEV_NAME	"idxd.sf"

/* OPCAP: a 256-bit map of the operations, indexed by opcode */
#define IDXD_SF_OPCAP_WORDS	4

/**
 * struct idxd_sf_dev - one active subfunction: a dedicated WQ whose
 * descriptors are tagged with the SF's PASID and signal the SF's own
 * interrupt
 * @adev: the auxiliary device (idxd.sf.<adev.id>)
 * @sfnum: the SF number of its devlink port
 * @wq: the device WQ it owns
 * @wq_size: that WQ's entries
 * @pasid: the PASID the WQ tags every access with
 * @portal_phys: physical address of the WQ's unlimited IMS portal page
 *	(IDXD_PORTAL_SIZE bytes); descriptors written there name IMS entries
 * @portal: the same page, mapped for the kernel
 * @int_handle: the interrupt handle its descriptors name (its IMS entry)
 * @irq: the Linux interrupt behind that IMS entry; the consumer requests
 *	it (request_irq()) to hear its completions
 * @max_xfer_size: the largest transfer the WQ takes
 * @max_batch_size: the largest batch the WQ takes
 * @opcap: the operations the WQ runs (the device's OPCAP)
 * @sf: the core's; not for consumers
 */
struct idxd_sf_dev {
	struct auxiliary_device adev;
	u32 sfnum;
	unsigned int wq;
	u16 wq_size;
	u32 pasid;
	phys_addr_t portal_phys;
	void __iomem *portal;
	u16 int_handle;
	int irq;
	u32 max_xfer_size;
	u32 max_batch_size;
	u64 opcap[IDXD_SF_OPCAP_WORDS];
	struct idxd_sf *sf;
};

static inline struct idxd_sf_dev *to_idxd_sf_dev(struct auxiliary_device *adev)
{
	return container_of(adev, struct idxd_sf_dev, adev);
}

/* The SWERR record, as the device logged it: four qwords */
#define IDXD_SF_SWERR_QWORDS	4

/**
 * struct idxd_sf_ops - what the core tells a consumer about its WQ
 * @error: a software error named the SF's WQ (before it is taken down):
 *	@swerr is the device's SWERR record, IDXD_SF_SWERR_QWORDS qwords in
 *	the architecture's layout (valid, overflow, the WQ, the operation,
 *	the error code, the fault address...), for the consumer to show its
 *	user; valid during the call only, OVERFLOW always clear (later
 *	errors may be other SFs')
 * @stop: the WQ was taken down (an error on it, a device error or reset),
 *	or was down when the ops were set: descriptors written to the
 *	portal are dropped, and each is an error the device logs for the
 *	whole PF, so a consumer stops writing until @start
 * @start: the WQ takes descriptors again
 *
 * Called with the core's internal locks held: a callback must not call
 * back into the core or wait for anything that does.
 */
struct idxd_sf_ops {
	void (*error)(struct idxd_sf_dev *sfdev, const u64 *swerr, void *priv);
	void (*stop)(struct idxd_sf_dev *sfdev, void *priv);
	void (*start)(struct idxd_sf_dev *sfdev, void *priv);
};

void idxd_sf_set_ops(struct idxd_sf_dev *sfdev, const struct idxd_sf_ops *ops,
		     void *priv);
int idxd_sf_attach_domain(struct idxd_sf_dev *sfdev,
			  struct iommu_domain *domain);
void idxd_sf_detach_domain(struct idxd_sf_dev *sfdev);
void idxd_sf_drop_work(struct idxd_sf_dev *sfdev);
void idxd_sf_set_attached(struct idxd_sf_dev *sfdev, bool attached);

#endif /* _LINUX_IDXD_SF_H */
