// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts.  MSI-X vector 0 reports device commands, software errors
 * and halts (INTCAUSE); completion vectors come with the WQs.
 */

#include <linux/interrupt.h>
#include <linux/io.h>

#include "idxd.h"

static irqreturn_t idxd_misc_irq(int irq, void *data)
{
	struct idxd_device *idxd = data;
	u32 cause = ioread32(idxd->regs + IDXD_INTCAUSE_OFFSET);

	if (!cause)
		return IRQ_NONE;
	/* write-one-to-clear, before acting, so no new cause is lost */
	iowrite32(cause, idxd->regs + IDXD_INTCAUSE_OFFSET);
	if (cause & IDXD_INTC_CMD)
		complete(&idxd->cmd_done);
	cause &= ~IDXD_INTC_CMD;
	if (cause)
		dev_warn_ratelimited(idxd_dev(idxd), "unhandled interrupt cause %#x\n",
				     cause);
	return IRQ_HANDLED;
}

/* MSI-X vector 0; released with the device (managed). */
int idxd_irq_setup(struct idxd_device *idxd)
{
	struct pci_dev *pdev = idxd->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(&pdev->dev, "cannot allocate MSI-X vector 0: %d\n", ret);
		return ret;
	}
	ret = devm_request_irq(&pdev->dev, pci_irq_vector(pdev, 0),
			       idxd_misc_irq, 0, "idxd-misc", idxd);
	if (ret)
		dev_err(&pdev->dev, "cannot request the misc interrupt: %d\n", ret);
	return ret;
}
