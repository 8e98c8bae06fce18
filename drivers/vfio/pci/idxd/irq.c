// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: interrupts.
 *
 * MSI-X vector 0 reports the guest's commands and errors, emulated here;
 * vector 1 reports completions of the WQ: the subfunction's own host
 * interrupt (its IMS entry, which only its PASID's descriptors can raise)
 * signals the eventfd the user gave for it.  The request interrupt asks
 * the user to let go of the device when the subfunction goes away.
 */

#include <linux/interrupt.h>
#include <linux/slab.h>
#include "vidxd.h"

/* With v->lock held, or from the SF's interrupt (triggers are RCU-safe). */
void vidxd_irq_signal(struct vidxd *v, unsigned int vector)
{
	struct eventfd_ctx *trigger = READ_ONCE(v->msix_trigger[vector]);

	if (trigger && vidxd_msix_enabled(v))
		eventfd_signal(trigger);
}

static irqreturn_t vidxd_completion_irq(int irq, void *data)
{
	struct vidxd *v = data;

	vidxd_irq_signal(v, 1);
	return IRQ_HANDLED;
}

/* The SF's completions reach the user from open until close. */
int vidxd_irq_open(struct vidxd *v)
{
	return request_irq(v->sfdev->irq, vidxd_completion_irq, 0,
			   dev_name(&v->vdev.device), v);
}

/*
 * The SF's interrupt handler reads the triggers without the lock: an old
 * one is put only once no handler can be using it.
 */
static void vidxd_trigger_set(struct vidxd *v, struct eventfd_ctx **slot,
			      struct eventfd_ctx *trigger)
{
	struct eventfd_ctx *old = *slot;

	WRITE_ONCE(*slot, trigger);
	if (old) {
		synchronize_irq(v->sfdev->irq);
		eventfd_ctx_put(old);
	}
}

void vidxd_irq_close(struct vidxd *v)
{
	unsigned int i;

	free_irq(v->sfdev->irq, v);
	mutex_lock(&v->lock);
	for (i = 0; i < VIDXD_MSIX_VECTORS; i++)
		vidxd_trigger_set(v, &v->msix_trigger[i], NULL);
	vidxd_trigger_set(v, &v->req_trigger, NULL);
	mutex_unlock(&v->lock);
}

/* An eventfd from user space, or NULL for fd -1. */
static int vidxd_eventfd(s32 fd, struct eventfd_ctx **trigger)
{
	*trigger = NULL;
	if (fd < 0)
		return 0;
	*trigger = eventfd_ctx_fdget(fd);
	return PTR_ERR_OR_ZERO(*trigger);
}

/* DATA_EVENTFD: the eventfds for vectors @start..@start + @count - 1. */
static int vidxd_set_eventfds(struct vidxd *v, struct eventfd_ctx **slots,
			      u32 start, u32 count, const s32 *fds)
{
	struct eventfd_ctx *new[VIDXD_MSIX_VECTORS] = { };
	u32 i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = vidxd_eventfd(fds[i], &new[i]);
		if (ret) {
			while (i--)
				if (new[i])
					eventfd_ctx_put(new[i]);
			return ret;
		}
	}
	for (i = 0; i < count; i++)
		vidxd_trigger_set(v, &slots[start + i], new[i]);
	return 0;
}

/* DATA_NONE or DATA_BOOL: the user fires the interrupts itself. */
static void vidxd_fire(struct eventfd_ctx **slots, u32 start, u32 count,
		       u32 flags, const u8 *bools)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if ((flags & VFIO_IRQ_SET_DATA_BOOL) && !bools[i])
			continue;
		if (slots[start + i])
			eventfd_signal(slots[start + i]);
	}
}

static int vidxd_irq_set(struct vidxd *v, struct vfio_irq_set *hdr, void *data)
{
	static const s32 none[VIDXD_MSIX_VECTORS] = { -1, -1 };
	u32 data_type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	struct eventfd_ctx **slots;

	if ((hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) !=
	    VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;
	switch (hdr->index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		slots = v->msix_trigger;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		slots = &v->req_trigger;
		break;
	default:
		return -EINVAL;
	}
	/* count 0 with DATA_NONE: the interrupts are torn down */
	if (!hdr->count) {
		if (data_type != VFIO_IRQ_SET_DATA_NONE)
			return -EINVAL;
		return vidxd_set_eventfds(v, slots, 0,
					  hdr->index == VFIO_PCI_REQ_IRQ_INDEX ?
					  1 : VIDXD_MSIX_VECTORS, none);
	}
	if (data_type == VFIO_IRQ_SET_DATA_EVENTFD)
		return vidxd_set_eventfds(v, slots, hdr->start, hdr->count,
					  data);
	vidxd_fire(slots, hdr->start, hdr->count, data_type, data);
	return 0;
}

static u32 vidxd_irq_count(u32 index)
{
	switch (index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return VIDXD_MSIX_VECTORS;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/* VFIO_DEVICE_SET_IRQS */
int vidxd_set_irqs(struct vidxd *v, unsigned long arg)
{
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, (void __user *)arg,
			   offsetofend(struct vfio_irq_set, count)))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 vidxd_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user((void __user *)(arg + sizeof(hdr)),
				   data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	mutex_lock(&v->lock);
	ret = vidxd_irq_set(v, &hdr, data);
	mutex_unlock(&v->lock);
	kfree(data);
	return ret;
}

/*
 * The subfunction is going away while a user holds the device: ask it
 * to let go, every 10 s as the VFIO core calls again.
 */
void vidxd_request(struct vfio_device *vdev, unsigned int count)
{
	struct vidxd *v = to_vidxd(vdev);

	mutex_lock(&v->lock);
	if (v->req_trigger) {
		dev_info(&vdev->device,
			 "asking the user to release the device (%u)\n", count);
		eventfd_signal(v->req_trigger);
	} else if (!count) {
		dev_notice(&vdev->device,
			   "no request interrupt: waiting for the user to close the device\n");
	}
	mutex_unlock(&v->lock);
}
