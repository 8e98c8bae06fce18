// SPDX-License-Identifier: GPL-2.0
/*
 * Function level resets.  The PCI core resets the function when asked
 * (sysfs "reset", pci_reset_function() callers) and calls back around
 * it: before, every owner stops, since the device is about to forget its
 * WQs; after, the device is configured again, its WQs enabled, and the
 * owners' work that the reset dropped is failed.  Recovery asks for the
 * same reset when a halt's GENSTS.reset_type says RESET_DEVICE is not
 * enough, or when a command the device sits on blocks RESET_DEVICE.
 * (AER recovery does not call these: the driver has no error_detected.)
 *
 * The PCI core holds the device lock around the callbacks; recovery holds
 * devl_lock, which unbinding takes under the device lock.  Recovery thus
 * only tries the device lock (pci_try_reset_function()): a busy device
 * makes recovery fail with -EAGAIN, never a deadlock.
 */

#include "idxd.h"

static const char * const idxd_reset_names[] = {
	[IDXD_DEVICE_RESET_SOFTWARE] = "RESET_DEVICE",
	[IDXD_DEVICE_RESET_FLR] = "function level",
	[IDXD_DEVICE_RESET_WARM] = "warm",
	[IDXD_DEVICE_RESET_COLD] = "cold",
};

/* Owners stop writing: the reset drops whatever the WQs hold. */
static void idxd_reset_prepare(struct pci_dev *pdev)
{
	struct idxd_device *idxd = pci_get_drvdata(pdev);

	mutex_lock(&idxd->dev_lock);
	idxd->failed_before_reset = idxd->failed;
	idxd->resetting = true;
	idxd_owners_stop(idxd);
	mutex_unlock(&idxd->dev_lock);
	dev_info(&pdev->dev, "function level reset: WQs stopped\n");
}

/*
 * The health reporter follows what the reset did, unless the reset is
 * recovery's own (the devlink core then accounts for it).  Device lock
 * held and the driver bound: the instance is registered while live.
 */
static void idxd_reset_report(struct idxd_device *idxd, bool live,
			      bool revived, bool recovering, int ret)
{
	if (!live || recovering)
		return;
	if (ret) {
		devlink_health_reporter_state_update(idxd->health,
						     DEVLINK_HEALTH_REPORTER_STATE_ERROR);
		return;
	}
	if (revived)
		devlink_health_reporter_recovery_done(idxd->health);
	devlink_health_reporter_state_update(idxd->health,
					     DEVLINK_HEALTH_REPORTER_STATE_HEALTHY);
}

/* The PCI core restored config space and MSI-X: configure the device. */
static void idxd_reset_done(struct pci_dev *pdev)
{
	struct idxd_device *idxd = pci_get_drvdata(pdev);
	bool live, revived, recovering;
	int ret;

	/* what was captured before the reset names what it replaced */
	idxd_err_forget(idxd);
	mutex_lock(&idxd->dev_lock);
	idxd->resetting = false;
	ret = idxd_device_recover(idxd, NULL);
	idxd->reset_err = ret;
	live = idxd->live;
	revived = idxd->failed_before_reset;
	recovering = idxd->recovering;
	mutex_unlock(&idxd->dev_lock);
	if (ret)
		dev_err(&pdev->dev, "function level reset: the device is not configured again (%d); devlink health recover retries\n",
			ret);
	else
		dev_info(&pdev->dev, "function level reset: configuration and WQs restored\n");
	idxd_reset_report(idxd, live, revived, recovering, ret);
}

const struct pci_error_handlers idxd_err_handlers = {
	.reset_prepare = idxd_reset_prepare,
	.reset_done = idxd_reset_done,
};

/**
 * idxd_recover_by_reset() - recover a halt that needs more than RESET_DEVICE
 * @idxd: the device, dev_lock not held
 * @type: GENSTS.reset_type of the halt
 * @extack: where a failure is explained
 *
 * Return: 0 once the function was reset and configured again; -EOPNOTSUPP
 * when only the platform can reset it; -EAGAIN when the PCI device is
 * busy; else the reset's or the configuration's error.
 */
int idxd_recover_by_reset(struct idxd_device *idxd, unsigned int type,
			  struct netlink_ext_ack *extack)
{
	int ret;

	if (type != IDXD_DEVICE_RESET_FLR) {
		dev_err(idxd_dev(idxd), "the halted device needs a %s reset, which only the platform can give\n",
			idxd_reset_names[type]);
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "the halted device needs a %s reset, which only the platform can give",
				       idxd_reset_names[type]);
		return -EOPNOTSUPP;
	}
	mutex_lock(&idxd->dev_lock);
	idxd->recovering = true;
	mutex_unlock(&idxd->dev_lock);
	ret = pci_try_reset_function(idxd->pdev);
	mutex_lock(&idxd->dev_lock);
	idxd->recovering = false;
	mutex_unlock(&idxd->dev_lock);
	if (ret == -EAGAIN) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the PCI device is busy (bound, unbound or reset meanwhile): try again");
		return ret;
	}
	if (ret) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "function level reset failed: %d",
				       ret);
		return ret;
	}
	mutex_lock(&idxd->dev_lock);
	ret = idxd->reset_err;
	mutex_unlock(&idxd->dev_lock);
	if (ret)
		NL_SET_ERR_MSG_MOD(extack,
				   "the function was reset but not configured again, see dmesg");
	return ret;
}
