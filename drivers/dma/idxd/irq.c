// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts.  MSI-X vector 0 reports device commands, software errors
 * and halts (INTCAUSE); completion vectors come with the WQs.  Runs in
 * hard interrupt context: errors are captured here and reported by
 * err_work (health.c).
 */

#include <linux/interrupt.h>
#include <linux/io-64-nonatomic-lo-hi.h>

#include "idxd.h"

/*
 * Keep the first error until err_work has taken it, note every WQ an
 * error names, and free SWERR for the next one.  An overflow (errors the
 * register could not hold) marks the error kept, or is an event of its
 * own.  Only the bits read are acknowledged: an error that arrives after
 * the read sets OVERFLOW again, which the next interrupt reads.
 */
static bool idxd_swerr_capture(struct idxd_device *idxd)
{
	union sw_err_reg e;
	int i;

	for (i = 0; i < ARRAY_SIZE(e.bits); i++)
		e.bits[i] = readq(idxd->regs + IDXD_SWERR_OFFSET + i * 8);
	/* all ones: the function is being reset, or gone */
	if ((!e.valid && !e.overflow) || e.bits[0] == U64_MAX)
		return false;
	writeq(e.bits[0] & IDXD_SWERR_ACK, idxd->regs + IDXD_SWERR_OFFSET);
	if (e.valid && !idxd->err.valid) {
		idxd->err = e;
		/* the use the kept record belongs to, for its owner's error op */
		if (e.wq_idx_valid && e.wq_idx < idxd->caps.wq.num_wqs)
			idxd->err_rec_gen = READ_ONCE(idxd->wqs[e.wq_idx].gen);
	} else if (e.valid || idxd->err.valid) {
		idxd->err.overflow = 1;
	} else {
		/* lost errors alone: what they named is unknown */
		idxd->err.overflow = 1;
		idxd->lost = true;
	}
	if (e.valid && e.wq_idx_valid && e.wq_idx < idxd->caps.wq.num_wqs) {
		__set_bit(e.wq_idx, idxd->err_wqs);
		/* so the error never reaches a later owner of the WQ */
		idxd->err_gen[e.wq_idx] = READ_ONCE(idxd->wqs[e.wq_idx].gen);
		__assign_bit(e.wq_idx, idxd->err_isolated,
			     READ_ONCE(idxd->wqs[e.wq_idx].pasid_en));
	}
	return true;
}

/* Capture errors and halts here; err_work handles them. */
static void idxd_err_capture(struct idxd_device *idxd, u32 cause)
{
	spin_lock(&idxd->err_lock);
	if (cause & IDXD_INTC_ERR)
		idxd_swerr_capture(idxd);
	if (cause & IDXD_INTC_HALT_STATE)
		idxd->halted = true;
	spin_unlock(&idxd->err_lock);
	schedule_work(&idxd->err_work);
}

/**
 * idxd_swerr_poll() - capture what SWERR holds now, as the interrupt would
 * @idxd: the device
 *
 * For a step after which an error belongs to a WQ's next use: one the
 * device logged before it, whose interrupt may still be on its way, is
 * captured as the use's before.  The interrupt then finds SWERR empty.
 */
void idxd_swerr_poll(struct idxd_device *idxd)
{
	unsigned long flags;
	bool caught;

	spin_lock_irqsave(&idxd->err_lock, flags);
	caught = idxd_swerr_capture(idxd);
	spin_unlock_irqrestore(&idxd->err_lock, flags);
	if (caught)
		schedule_work(&idxd->err_work);
}

static irqreturn_t idxd_misc_irq(int irq, void *data)
{
	struct idxd_device *idxd = data;
	u32 cause = ioread32(idxd->regs + IDXD_INTCAUSE_OFFSET);

	/* all ones: the function is being reset, or gone */
	if (!cause || cause == U32_MAX)
		return IRQ_NONE;
	/* write-one-to-clear, before acting, so no new cause is lost */
	iowrite32(cause, idxd->regs + IDXD_INTCAUSE_OFFSET);
	/*
	 * Errors first: the waiter woken may move a WQ's generation.  One
	 * that never slept is covered by idxd_swerr_poll() instead.
	 */
	if (cause & (IDXD_INTC_ERR | IDXD_INTC_HALT_STATE))
		idxd_err_capture(idxd, cause);
	if (cause & IDXD_INTC_CMD)
		complete(&idxd->cmd_done);
	cause &= ~(IDXD_INTC_CMD | IDXD_INTC_ERR | IDXD_INTC_HALT_STATE);
	if (cause)
		dev_warn_ratelimited(idxd_dev(idxd), "unhandled interrupt cause %#x\n",
				     cause);
	return IRQ_HANDLED;
}

/*
 * MSI-X vector 0 for the device and its handler, released with the
 * device.  The host WQs' vectors (1 to host_wqs) and the subfunctions'
 * come and go at run time (reload, activation), so the table must take
 * vectors added later.
 */
int idxd_irq_setup(struct idxd_device *idxd)
{
	struct pci_dev *pdev = idxd->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(&pdev->dev, "cannot allocate MSI-X vector 0: %d\n", ret);
		return ret;
	}
	if (!pci_msix_can_alloc_dyn(pdev)) {
		dev_err(&pdev->dev, "MSI-X vectors cannot be added at run time here; the WQs need them\n");
		return -EOPNOTSUPP;
	}
	ret = devm_request_irq(&pdev->dev, pci_irq_vector(pdev, 0),
			       idxd_misc_irq, 0, "idxd-misc", idxd);
	if (ret) {
		dev_err(&pdev->dev, "cannot request the misc interrupt: %d\n", ret);
		return ret;
	}
	atomic64_set(&idxd->occ[IDXD_RES_VECTORS], 1);
	return 0;
}

/**
 * idxd_vector_alloc() - an MSI-X vector added at run time, counted in the
 * msix_vectors resource
 * @idxd: the device
 * @index: the table entry, or MSI_ANY_INDEX
 *
 * Return: the vector, or its index holding the error (-EBUSY or -ENOSPC:
 * the table is full).
 */
struct msi_map idxd_vector_alloc(struct idxd_device *idxd, unsigned int index)
{
	struct msi_map map = pci_msix_alloc_irq_at(idxd->pdev, index, NULL);

	if (map.index >= 0)
		atomic64_inc(&idxd->occ[IDXD_RES_VECTORS]);
	return map;
}

void idxd_vector_free(struct idxd_device *idxd, struct msi_map map)
{
	pci_msix_free_irq(idxd->pdev, map);
	atomic64_dec(&idxd->occ[IDXD_RES_VECTORS]);
}

static u32 idxd_ims_offset(struct idxd_device *idxd, unsigned int index)
{
	return idxd->caps.offsets.ims * IDXD_TABLE_MULT +
	       index * IDXD_IMS_ENTRY_SIZE;
}

/**
 * idxd_ims_program() - IMS entry @index sends @msg, for @pasid only
 * @idxd: the device
 * @index: the entry
 * @msg: the message (address, data) of the host vector behind it
 * @pasid_en: only descriptors of @pasid may raise it
 * @pasid: that PASID
 *
 * The entry is written masked and unmasked last, so it never sends a
 * half-written message.
 */
void idxd_ims_program(struct idxd_device *idxd, unsigned int index,
		      const struct msi_msg *msg, bool pasid_en, u32 pasid)
{
	u32 off = idxd_ims_offset(idxd, index);
	union ims_entry e = {
		.addr = ((u64)msg->address_hi << 32) | msg->address_lo,
		.data = msg->data,
		.mask = 1,
		.pasid_en = pasid_en,
		.pasid = pasid,
	};

	iowrite32(e.bits[IDXD_IMS_CTRL_DWORD],
		  idxd->regs + off + IDXD_IMS_CTRL_DWORD * sizeof(u32));
	writeq(e.addr, idxd->regs + off);
	iowrite32(e.data, idxd->regs + off + sizeof(u64));
	e.mask = 0;
	iowrite32(e.bits[IDXD_IMS_CTRL_DWORD],
		  idxd->regs + off + IDXD_IMS_CTRL_DWORD * sizeof(u32));
}

/**
 * idxd_ims_clear() - IMS entry @index masked, sending nothing
 * @idxd: the device
 * @index: the entry
 */
void idxd_ims_clear(struct idxd_device *idxd, unsigned int index)
{
	u32 off = idxd_ims_offset(idxd, index);
	union ims_entry e = { .mask = 1 };

	iowrite32(e.bits[IDXD_IMS_CTRL_DWORD],
		  idxd->regs + off + IDXD_IMS_CTRL_DWORD * sizeof(u32));
	writeq(0, idxd->regs + off);
	iowrite32(0, idxd->regs + off + sizeof(u64));
}
