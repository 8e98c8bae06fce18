// SPDX-License-Identifier: GPL-2.0
/*
 * A subfunction's interrupt: a host MSI-X vector of its own, allocated at
 * run time (pci_msix_alloc_irq_at(), as ice does for its SFs), whose
 * message the SF's IMS entry sends (wq.c programs the entry, with the
 * SF's PASID, when it enables the WQ).  The kernel has no IMS irq domain
 * today; this file is the one place that decides where an SF's message
 * comes from, so a kernel with IMS domains can allocate from the device's
 * IMS table here instead.
 *
 * The message is read once, at allocation: only with interrupt remapping
 * (VT-d) does it name the remapping entry and never change; without it,
 * it names a placeholder vector until the interrupt is requested, and
 * any later affinity change rewrites the MSI-X entry alone.  SF ports
 * are therefore refused without remapping (sf.c).  Masking the Linux
 * interrupt masks the MSI-X entry, never the IMS entry.
 */

#include <linux/msi.h>

#include "idxd.h"

/**
 * idxd_sf_irq_alloc() - a host vector for an SF, and the message behind it
 * @sf: the SF
 * @msg: the message its IMS entry is to send
 * @extack: where a failure is explained
 *
 * Return: 0, -ENOSPC when the MSI-X table is full (the msix_vectors
 * resource), or the MSI core's other error.
 */
int idxd_sf_irq_alloc(struct idxd_sf *sf, struct msi_msg *msg,
		      struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = sf->idxd;

	/* probe made sure vectors can be added at run time */
	sf->vec = idxd_vector_alloc(idxd, MSI_ANY_INDEX);
	/* a full table: -EBUSY from the MSI core, -ENOSPC from the domain */
	if (sf->vec.index == -EBUSY || sf->vec.index == -ENOSPC) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "no free MSI-X vector (%llu in use): see the msix_vectors resource",
				       (u64)atomic64_read(&idxd->occ[IDXD_RES_VECTORS]));
		return -ENOSPC;
	}
	if (sf->vec.index < 0) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "no MSI-X vector: %d",
				       sf->vec.index);
		return sf->vec.index;
	}
	get_cached_msi_msg(sf->vec.virq, msg);
	return 0;
}

/**
 * idxd_sf_irq_free() - the SF's vector goes back to the table
 * @sf: the SF, its IMS entry cleared and its consumer's handler freed
 */
void idxd_sf_irq_free(struct idxd_sf *sf)
{
	idxd_vector_free(sf->idxd, sf->vec);
	sf->vec.index = -1;
	sf->vec.virq = 0;
}
