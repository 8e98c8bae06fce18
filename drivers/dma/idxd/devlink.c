// SPDX-License-Identifier: GPL-2.0
/*
 * The devlink instance, one per device (pci/<bdf>).  It is allocated
 * first, so struct idxd_device lives in its private area and goes last;
 * it is registered once the device is ready and unregistered first.
 * devlink code decides and bookkeeps; registers are the other files'.
 */

#include "idxd.h"

static int idxd_devlink_info_get(struct devlink *devlink,
				 struct devlink_info_req *req,
				 struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = devlink_priv(devlink);
	char buf[16];
	int ret;

	snprintf(buf, sizeof(buf), "%04x", idxd->pdev->device);
	ret = devlink_info_version_fixed_put(req,
					     DEVLINK_INFO_VERSION_GENERIC_ASIC_ID,
					     buf);
	if (ret)
		return ret;
	snprintf(buf, sizeof(buf), "%u.%u", idxd->caps.version >> 8,
		 (idxd->caps.version >> 4) & 0xf);
	return devlink_info_version_fixed_put(req,
					      DEVLINK_INFO_VERSION_GENERIC_ASIC_REV,
					      buf);
}

static const struct devlink_ops idxd_devlink_ops = {
	.info_get = idxd_devlink_info_get,
};

static void idxd_devlink_free(void *devlink)
{
	devlink_free(devlink);
}

struct idxd_device *idxd_devlink_alloc(struct pci_dev *pdev)
{
	struct devlink *devlink;

	devlink = devlink_alloc(&idxd_devlink_ops, sizeof(struct idxd_device),
				&pdev->dev);
	if (!devlink)
		return NULL;
	if (devm_add_action_or_reset(&pdev->dev, idxd_devlink_free, devlink))
		return NULL;
	return devlink_priv(devlink);
}

static void idxd_devlink_unregister(void *devlink)
{
	devlink_unregister(devlink);
}

/* The last step of probe: the instance appears when the device is ready. */
int idxd_devlink_setup(struct idxd_device *idxd)
{
	struct devlink *devlink = idxd_devlink(idxd);

	devlink_register(devlink);
	return devm_add_action_or_reset(idxd_dev(idxd), idxd_devlink_unregister,
					devlink);
}
