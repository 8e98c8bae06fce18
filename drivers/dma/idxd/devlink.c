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

/*
 * Reload (driver reinit) applies the driverinit params: the host's WQs
 * and the carve are taken down and brought up again with the new values.
 * Subfunction ports hold carved WQs: reload refuses while any exists.
 */
static int idxd_reload_down(struct devlink *devlink, bool netns_change,
			    enum devlink_reload_action action,
			    enum devlink_reload_limit limit,
			    struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = devlink_priv(devlink);
	unsigned int n = list_count_nodes(&idxd->sfs);

	if (idxd->sfs_closed) {
		NL_SET_ERR_MSG_MOD(extack, "the device is going away");
		return -ENODEV;
	}
	if (netns_change) {
		NL_SET_ERR_MSG_MOD(extack, "the instance stays in its namespace");
		return -EOPNOTSUPP;
	}
	if (n) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "delete the %u subfunction port%s first: they hold WQs",
				       n, n == 1 ? "" : "s");
		return -EBUSY;
	}
	idxd_host_down(idxd);
	return 0;
}

static int idxd_reload_up(struct devlink *devlink,
			  enum devlink_reload_action action,
			  enum devlink_reload_limit limit, u32 *actions_performed,
			  struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = devlink_priv(devlink);
	unsigned int host_wqs;
	u16 sf_wq_size;
	int ret;

	idxd_params_driverinit(idxd, &host_wqs, &sf_wq_size);
	ret = idxd_host_up(idxd, host_wqs, sf_wq_size);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the host WQs did not come up, see dmesg; reload again");
		return ret;
	}
	dev_info(idxd_dev(idxd), "reloaded: %u host WQs, subfunction WQs of %u entries\n",
		 host_wqs, sf_wq_size);
	*actions_performed = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT);
	return 0;
}

static const struct devlink_ops idxd_devlink_ops = {
	.info_get = idxd_devlink_info_get,
	.reload_actions = BIT(DEVLINK_RELOAD_ACTION_DRIVER_REINIT),
	.reload_down = idxd_reload_down,
	.reload_up = idxd_reload_up,
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
	idxd_params_unregister(devlink_priv(devlink));
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
	ret = idxd_params_register(idxd);
	if (ret) {
		devlink_resources_unregister(devlink);
		return ret;
	}
	devlink_register(devlink);
	idxd_health_start(idxd);
	return devm_add_action_or_reset(idxd_dev(idxd), idxd_devlink_unregister,
					devlink);
}
