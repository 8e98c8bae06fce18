// SPDX-License-Identifier: GPL-2.0
/*
 * devlink resources: what the device has to share out (WQs, WQ entries,
 * engines, groups, interrupt vectors, PASIDs) and how much of it is in
 * use, counted in idxd->occ[] by whoever takes or gives back a share.
 */

#include <linux/pci-ats.h>

#include "idxd.h"

static const char * const idxd_resource_names[IDXD_RES_MAX] = {
	[IDXD_RES_WQS] = "wqs",
	[IDXD_RES_WQ_ENTRIES] = "wq_entries",
	[IDXD_RES_ENGINES] = "engines",
	[IDXD_RES_GROUPS] = "groups",
	[IDXD_RES_VECTORS] = "msix_vectors",
	[IDXD_RES_PASIDS] = "pasids",
};

static u64 idxd_resource_size(struct idxd_device *idxd, enum idxd_resource id)
{
	int n;

	switch (id) {
	case IDXD_RES_WQS:
		return idxd->caps.wq.num_wqs;
	case IDXD_RES_WQ_ENTRIES:
		return idxd->caps.wq.total_wq_size;
	case IDXD_RES_ENGINES:
		return idxd->caps.engine.num_engines;
	case IDXD_RES_GROUPS:
		return idxd->caps.group.num_groups;
	case IDXD_RES_VECTORS:
		n = pci_msix_vec_count(idxd->pdev);
		return n > 0 ? n : 0;
	case IDXD_RES_PASIDS:
		/* none to give without the IOMMU's PASID support */
		n = idxd->pasid ? pci_max_pasids(idxd->pdev) : 0;
		return n > 0 ? n : 0;
	default:
		return 0;
	}
}

static u64 idxd_resource_occ(void *priv)
{
	return atomic64_read(priv);
}

/* Before devlink_register(); the instance is not visible yet. */
int idxd_resources_register(struct idxd_device *idxd)
{
	struct devlink *devlink = idxd_devlink(idxd);
	struct devlink_resource_size_params params;
	int id, ret = 0;
	u64 size;

	devl_lock(devlink);
	for (id = IDXD_RES_WQS; id < IDXD_RES_MAX; id++) {
		size = idxd_resource_size(idxd, id);
		/* the device fixes these sizes: nothing to configure */
		devlink_resource_size_params_init(&params, size, size, 1,
						  DEVLINK_RESOURCE_UNIT_ENTRY);
		ret = devl_resource_register(devlink, idxd_resource_names[id],
					     size, id,
					     DEVLINK_RESOURCE_ID_PARENT_TOP,
					     &params);
		if (ret) {
			dev_err(idxd_dev(idxd), "cannot register resource %s: %d\n",
				idxd_resource_names[id], ret);
			devl_resources_unregister(devlink);
			break;
		}
		devl_resource_occ_get_register(devlink, id, idxd_resource_occ,
					       &idxd->occ[id]);
	}
	devl_unlock(devlink);
	return ret;
}
