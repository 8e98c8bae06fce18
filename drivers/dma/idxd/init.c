// SPDX-License-Identifier: GPL-2.0
/*
 * idxd: PCI probe and remove of the Intel Data Streaming Accelerator.
 *
 * Probe maps the BARs, reads and logs the capabilities and whether PASIDs
 * work, sets up the misc interrupt, resets the device, brings up the host
 * WQs and registers the devlink instance.  Every step is device-managed,
 * so a failing one unwinds the earlier ones, and unbinding undoes them in
 * reverse: error handling and devlink first, then the device is quiesced
 * (owners stopped, reset, their work failed) before the WQs' owners,
 * interrupts and memory go, and at last the health reporter and the
 * instance's memory.  Shutdown quiesces the device too.
 */

#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <asm/cpufeature.h>

#include "idxd.h"

static unsigned int host_wqs = 1;
module_param(host_wqs, uint, 0444);
MODULE_PARM_DESC(host_wqs,
		 "WQs that serve the host as dmaengine channels, from WQ 0 (default 1; the rest are left for subfunctions)");

/*
 * The IOMMU driver enables the PASID capability when it can translate
 * PASID-tagged requests (VT-d scalable mode); a device driver must not
 * enable it behind the IOMMU's back.  Subfunctions need it: look, and
 * say.
 */
static void idxd_pasid_check(struct idxd_device *idxd)
{
	int sts = pci_pasid_status(idxd->pdev);

	idxd->pasid = sts > 0 && (sts & PCI_PASID_CTRL_ENABLE);
	if (idxd->pasid)
		dev_info(idxd_dev(idxd), "PASID: %d PASIDs, enabled by the IOMMU\n",
			 pci_max_pasids(idxd->pdev));
	else
		dev_info(idxd_dev(idxd), "PASID: not enabled (needs an IOMMU in scalable mode): no subfunctions\n");
}

static int idxd_map_bars(struct idxd_device *idxd)
{
	struct pci_dev *pdev = idxd->pdev;

	idxd->regs = pcim_iomap_region(pdev, IDXD_MMIO_BAR, KBUILD_MODNAME);
	if (IS_ERR(idxd->regs)) {
		dev_err(&pdev->dev, "cannot map BAR%d\n", IDXD_MMIO_BAR);
		return PTR_ERR(idxd->regs);
	}
	idxd->portals = pcim_iomap_region(pdev, IDXD_WQ_BAR, KBUILD_MODNAME);
	if (IS_ERR(idxd->portals)) {
		dev_err(&pdev->dev, "cannot map BAR%d\n", IDXD_WQ_BAR);
		return PTR_ERR(idxd->portals);
	}
	return 0;
}

/**
 * idxd_device_reset() - RESET_DEVICE, then turn error interrupts back on
 * @idxd: the device
 *
 * The reset clears every configuration register, GENCTRL included.
 *
 * Return: 0 or the command's error.
 */
int idxd_device_reset(struct idxd_device *idxd)
{
	union genctrl_reg ctrl = { .softerr_int_en = 1, .halt_int_en = 1 };
	int ret;

	ret = idxd_cmd_exec(idxd, IDXD_CMD_RESET_DEVICE, 0, NULL);
	if (!ret)
		iowrite32(ctrl.bits, idxd->regs + IDXD_GENCTRL_OFFSET);
	return ret;
}

/* Released before the interrupt: the device is left as probe found it. */
static void idxd_reset_on_release(void *data)
{
	idxd_device_reset(data);
}

/* Released before vector 0 and the reset: the host's share goes first. */
static void idxd_host_down_on_release(void *data)
{
	idxd_host_down(data);
}

static int idxd_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct idxd_device *idxd;
	int ret;

	idxd = idxd_devlink_alloc(pdev);
	if (!idxd)
		return -ENOMEM;
	idxd->pdev = pdev;
	INIT_LIST_HEAD(&idxd->sfs);
	pci_set_drvdata(pdev, idxd);
	mutex_init(&idxd->dev_lock);
	mutex_init(&idxd->cmd_lock);
	init_completion(&idxd->cmd_done);
	spin_lock_init(&idxd->err_lock);
	/* submission picks its store once: silicon wants one 64-byte write */
	idxd->movdir64b = boot_cpu_has(X86_FEATURE_MOVDIR64B);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = idxd_map_bars(idxd);
	if (ret)
		return ret;
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	pci_set_master(pdev);

	idxd_read_caps(idxd);
	idxd_log_caps(idxd);
	ret = idxd_caps_check(idxd);
	if (!ret)
		ret = idxd_host_wqs_check(idxd, host_wqs);
	if (ret)
		return ret;
	idxd_pasid_check(idxd);
	/* before the error work that reads it */
	ret = idxd_wqs_init(idxd);
	if (ret)
		return ret;
	ret = idxd_health_create(idxd);
	if (ret)
		return ret;
	ret = idxd_irq_setup(idxd);
	if (ret)
		return ret;
	/* bringing the host up resets the device first (host.c) */
	ret = devm_add_action_or_reset(dev, idxd_reset_on_release, idxd);
	if (ret)
		return ret;
	ret = idxd_host_up(idxd, host_wqs,
			   min_t(u16, IDXD_SF_WQ_SIZE_DEFAULT,
				 idxd->caps.wq.total_wq_size));
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, idxd_host_down_on_release, idxd);
	if (ret)
		return ret;
	return idxd_devlink_setup(idxd);
}

static const struct pci_device_id idxd_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_DSA) },
	{ }
};
MODULE_DEVICE_TABLE(pci, idxd_pci_ids);

/*
 * The rest goes device-managed, but subfunctions go here: the driver core
 * releases the device's DMA ownership (iommu_device_unuse_default_domain())
 * between remove and the device-managed teardown, and no SF's PASID may
 * be attached by then.
 */
static void idxd_remove(struct pci_dev *pdev)
{
	idxd_sfs_remove(pci_get_drvdata(pdev));
}

/* Reboot or kexec: the device must not DMA into the next kernel. */
static void idxd_shutdown(struct pci_dev *pdev)
{
	struct idxd_device *idxd = pci_get_drvdata(pdev);

	/* no recovery may bring it back afterwards */
	idxd_health_stop(idxd);
	idxd_device_quiesce(idxd);
}

static struct pci_driver idxd_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = idxd_pci_ids,
	.probe = idxd_probe,
	.remove = idxd_remove,
	.shutdown = idxd_shutdown,
	.err_handler = &idxd_err_handlers,
};

static int __init idxd_init(void)
{
	return pci_register_driver(&idxd_pci_driver);
}
module_init(idxd_init);

static void __exit idxd_exit(void)
{
	pci_unregister_driver(&idxd_pci_driver);
	idxd_dma_orphans_free();
}
module_exit(idxd_exit);

MODULE_DESCRIPTION("Intel Data Streaming Accelerator core driver");
MODULE_LICENSE("GPL");
