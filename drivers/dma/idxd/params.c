// SPDX-License-Identifier: GPL-2.0
/*
 * devlink params, both applied by devlink dev reload (cmode driverinit):
 *
 *   host_wqs    WQs the host keeps as dmaengine channels (from WQ 0);
 *               its first value is the module parameter's
 *   sf_wq_size  entries of each WQ carved for subfunctions
 *
 * A WQ's size can only be written while the device is disabled, so both
 * shape the carve made at probe and at each reload, never a running
 * device.  Values the device cannot hold are refused with the range.
 */

#include "idxd.h"

enum {
	IDXD_PARAM_SF_WQ_SIZE = DEVLINK_PARAM_GENERIC_ID_MAX + 1,
	IDXD_PARAM_HOST_WQS,
};

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

static int idxd_host_wqs_validate(struct devlink *devlink, u32 id,
				  union devlink_param_value val,
				  struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = devlink_priv(devlink);
	unsigned int max = idxd_host_wqs_max(idxd);

	if (!val.vu16 || val.vu16 > max) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "host_wqs must be 1..%u, the device's WQs",
				       max);
		return -EINVAL;
	}
	return 0;
}

static const struct devlink_param idxd_params[] = {
	DEVLINK_PARAM_DRIVER(IDXD_PARAM_SF_WQ_SIZE, "sf_wq_size",
			     DEVLINK_PARAM_TYPE_U16,
			     BIT(DEVLINK_PARAM_CMODE_DRIVERINIT), NULL, NULL,
			     idxd_sf_wq_size_validate),
	DEVLINK_PARAM_DRIVER(IDXD_PARAM_HOST_WQS, "host_wqs",
			     DEVLINK_PARAM_TYPE_U16,
			     BIT(DEVLINK_PARAM_CMODE_DRIVERINIT), NULL, NULL,
			     idxd_host_wqs_validate),
};

/**
 * idxd_params_register() - the params, with the values probe applied
 * @idxd: the device, its host share up; the instance not registered
 *
 * Return: 0 or an error (logged).
 */
int idxd_params_register(struct idxd_device *idxd)
{
	struct devlink *devlink = idxd_devlink(idxd);
	union devlink_param_value v;
	int ret;

	devl_lock(devlink);
	ret = devl_params_register(devlink, idxd_params,
				   ARRAY_SIZE(idxd_params));
	if (ret) {
		devl_unlock(devlink);
		dev_err(idxd_dev(idxd), "cannot register devlink params: %d\n",
			ret);
		return ret;
	}
	v.vu16 = idxd->sf_wq_size;
	devl_param_driverinit_value_set(devlink, IDXD_PARAM_SF_WQ_SIZE, v);
	v.vu16 = idxd->host_wqs;
	devl_param_driverinit_value_set(devlink, IDXD_PARAM_HOST_WQS, v);
	devl_unlock(devlink);
	return 0;
}

void idxd_params_unregister(struct idxd_device *idxd)
{
	devlink_params_unregister(idxd_devlink(idxd), idxd_params,
				  ARRAY_SIZE(idxd_params));
}

/**
 * idxd_params_driverinit() - the values a reload applies
 * @idxd: the device; devl_lock held
 * @host_wqs: where host_wqs goes
 * @sf_wq_size: where sf_wq_size goes
 */
void idxd_params_driverinit(struct idxd_device *idxd, unsigned int *host_wqs,
			    u16 *sf_wq_size)
{
	struct devlink *devlink = idxd_devlink(idxd);
	union devlink_param_value v;

	*host_wqs = idxd->host_wqs;
	*sf_wq_size = idxd->sf_wq_size;
	if (!devl_param_driverinit_value_get(devlink, IDXD_PARAM_HOST_WQS, &v))
		*host_wqs = v.vu16;
	if (!devl_param_driverinit_value_get(devlink, IDXD_PARAM_SF_WQ_SIZE, &v))
		*sf_wq_size = v.vu16;
}
