// SPDX-License-Identifier: GPL-2.0
/*
 * The host's share of the device, and the carve of the rest: brought up
 * at probe and by devlink reload, taken down at unbind and by reload.
 *
 * Up: the host WQs are claimed with their channels and vectors, the
 * other WQs carved for subfunctions (sf_wq_size entries each), the
 * device configured and enabled with every WQ in service, and only then
 * are the channels registered with dmaengine.  Down: the device is
 * quiesced (owners stopped, reset, their work failed), the channels go,
 * and the carve is undone.  Subfunction ports must be gone first: they
 * hold carved WQs.
 */

#include "idxd.h"

/* Configure and enable the device and every WQ in service. */
static int idxd_device_up(struct idxd_device *idxd, u16 sf_wq_size)
{
	unsigned int i;
	int ret;

	mutex_lock(&idxd->dev_lock);
	/* sizes take only on a disabled device; a reload's may not be */
	ret = idxd_device_reset(idxd);
	if (ret) {
		mutex_unlock(&idxd->dev_lock);
		return ret;
	}
	idxd->sf_wq_size = sf_wq_size;
	idxd_wqs_carve(idxd, sf_wq_size);
	ret = idxd_device_config(idxd);
	for (i = 0; !ret && i < idxd->caps.wq.num_wqs; i++)
		if (idxd_wq_in_service(&idxd->wqs[i]))
			ret = idxd_wq_start(&idxd->wqs[i]);
	if (!ret)
		idxd->failed = false;
	mutex_unlock(&idxd->dev_lock);
	return ret;
}

/**
 * idxd_host_up() - the host's WQs and channels, and the carve
 * @idxd: the device, with MSI-X vector 0 and no WQ owned (reset here)
 * @host_wqs: the WQs the host takes, checked (idxd_host_wqs_check())
 * @sf_wq_size: the entries of each WQ carved for subfunctions
 *
 * Return: 0 or the error of the step that failed (logged), with
 * everything undone.
 */
int idxd_host_up(struct idxd_device *idxd, unsigned int host_wqs,
		 u16 sf_wq_size)
{
	int ret;

	idxd->host_wqs = host_wqs;
	/* a quiesce that could not reset the device turned it off */
	pci_set_master(idxd->pdev);
	ret = idxd_dma_setup(idxd);
	if (ret)
		return ret;
	ret = idxd_device_up(idxd, sf_wq_size);
	if (!ret)
		ret = idxd_dma_register(idxd);
	if (ret)
		idxd_host_down(idxd);
	return ret;
}

/**
 * idxd_host_down() - quiesce the device; the channels and the carve go
 * @idxd: the device, no subfunction port left
 */
void idxd_host_down(struct idxd_device *idxd)
{
	idxd_device_quiesce(idxd);
	idxd_dma_teardown(idxd);
	mutex_lock(&idxd->dev_lock);
	idxd_wqs_uncarve(idxd);
	mutex_unlock(&idxd->dev_lock);
}
