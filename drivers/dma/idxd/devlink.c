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

enum {
	IDXD_DEVLINK_PARAM_SF_WQ_SIZE = DEVLINK_PARAM_GENERIC_ID_MAX + 1,
};

static int idxd_sf_wq_size_get(struct devlink *devlink, u32 id,
			       struct devlink_param_gset_ctx *ctx)
{
	struct idxd_device *idxd = devlink_priv(devlink);

	ctx->val.vu16 = idxd->sf_wq_size;
	return 0;
}

static int idxd_sf_wq_size_set(struct devlink *devlink, u32 id,
			       struct devlink_param_gset_ctx *ctx,
			       struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = devlink_priv(devlink);

	idxd->sf_wq_size = ctx->val.vu16;
	return 0;
}

static int idxd_sf_wq_size_validate(struct devlink *devlink, u32 id,
				    union devlink_param_value val,
				    struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = devlink_priv(devlink);
	u16 total = idxd->caps.wq.total_wq_size;

	if (!val.vu16 || val.vu16 > total) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "sf_wq_size must be 1..%u, the device's WQ entries",
				       total);
		return -EINVAL;
	}
	return 0;
}

static const struct devlink_param idxd_devlink_params[] = {
	DEVLINK_PARAM_DRIVER(IDXD_DEVLINK_PARAM_SF_WQ_SIZE, "sf_wq_size",
			     DEVLINK_PARAM_TYPE_U16,
			     BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     idxd_sf_wq_size_get, idxd_sf_wq_size_set,
			     idxd_sf_wq_size_validate),
};

static const struct devlink_ops idxd_devlink_ops = {
	.info_get = idxd_devlink_info_get,
	.port_new = idxd_sf_port_new,
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

/*
 * Subfunctions went in remove (idxd_sfs_remove()); error handling stops
 * first, since it reports to the instance.
 */
static void idxd_devlink_unregister(void *devlink)
{
	idxd_health_stop(devlink_priv(devlink));
	devlink_unregister(devlink);
	devlink_params_unregister(devlink, idxd_devlink_params,
				  ARRAY_SIZE(idxd_devlink_params));
	devlink_resources_unregister(devlink);
}

/* The last step of probe: the instance appears when the device is ready. */
int idxd_devlink_setup(struct idxd_device *idxd)
{
	struct devlink *devlink = idxd_devlink(idxd);
	int ret;

	ret = idxd_resources_register(idxd);
	if (ret)
		return ret;
	ret = devlink_params_register(devlink, idxd_devlink_params,
				      ARRAY_SIZE(idxd_devlink_params));
	if (ret) {
		dev_err(idxd_dev(idxd), "cannot register devlink params: %d\n",
			ret);
		devlink_resources_unregister(devlink);
		return ret;
	}
	devlink_register(devlink);
	idxd_health_start(idxd);
	return devm_add_action_or_reset(idxd_dev(idxd), idxd_devlink_unregister,
					devlink);
}
