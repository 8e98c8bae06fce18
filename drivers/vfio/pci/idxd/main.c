// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: an auxiliary driver for the idxd core's subfunctions
 * (idxd.sf.<n>) that makes each a VFIO device: a virtual DSA function
 * with one dedicated WQ that a VM (QEMU's vfio-pci with sysfsdev=) or a
 * VFIO user owns.  The control path is emulated (config.c, mmio.c);
 * memory is isolated by the SF's PASID (dma.c); completions arrive on the
 * SF's own interrupt (irq.c).  Documentation/vfio-idxd.rst has the theory
 * of operation.
 */

#include <linux/auxiliary_bus.h>
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/pci.h>
#include "vidxd.h"

/*
 * A close costs the PF's command unit (RESET_WQ and ENABLE_WQ, for the
 * WQ to drop the user's work): opens count against the guest's aborts,
 * and one past the budget waits for it (a second at most).
 */
static int vidxd_open_throttle(struct vidxd *v)
{
	unsigned int waited;

	for (waited = 0; !vidxd_abort_allowed(v); waited += 50) {
		if (waited >= MSEC_PER_SEC)
			return -EBUSY;
		if (msleep_interruptible(50))
			return -EINTR;
	}
	return 0;
}

static int vidxd_open_device(struct vfio_device *vdev)
{
	struct vidxd *v = to_vidxd(vdev);
	int ret;

	ret = vidxd_open_throttle(v);
	if (ret)
		return ret;
	ret = vidxd_dma_open(v);
	if (ret)
		return ret;
	ret = vidxd_irq_open(v);
	if (ret) {
		vidxd_dma_close(v);
		return ret;
	}
	mutex_lock(&v->lock);
	vidxd_cfg_reset(v);
	vidxd_regs_reset(v);
	v->portal.next = 0;
	mutex_unlock(&v->lock);
	/* up unless the core says otherwise, now or later: no op runs yet */
	WRITE_ONCE(v->wq_down, false);
	idxd_sf_set_ops(v->sfdev, &vidxd_sf_ops, v);
	return 0;
}

/* Also when a user crashed with work in flight: nothing is left behind. */
static void vidxd_close_device(struct vfio_device *vdev)
{
	struct vidxd *v = to_vidxd(vdev);

	idxd_sf_set_ops(v->sfdev, NULL, NULL);
	vidxd_errq_flush(v);
	vidxd_dma_close(v);
	vidxd_irq_close(v);
}

static int vidxd_region_info(struct vfio_region_info *info)
{
	info->offset = VIDXD_OFFSET(info->index);
	info->cap_offset = 0;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	switch (info->index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = VIDXD_CFG_SIZE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info->size = VIDXD_BAR0_SIZE;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info->size = VIDXD_BAR2_SIZE;
		break;
	default:
		/* the other BARs, the ROM and VGA: absent */
		if (info->index >= VFIO_PCI_NUM_REGIONS)
			return -EINVAL;
		info->size = 0;
		info->flags = 0;
	}
	return 0;
}

/*
 * No error interrupt (count 0): the device's errors reach the guest as
 * the device reports them, and none calls for stopping the VM.
 */
static int vidxd_irq_info(struct vfio_irq_info *info)
{
	if (info->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info->flags = VFIO_IRQ_INFO_EVENTFD;
	switch (info->index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		info->count = VIDXD_MSIX_VECTORS;
		info->flags |= VFIO_IRQ_INFO_NORESIZE;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		info->count = 1;
		break;
	default:
		info->count = 0;
		info->flags = 0;
		break;
	}
	return 0;
}

static void vidxd_device_info(struct vfio_device_info *info)
{
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
}

union vidxd_info {
	u32 argsz;
	struct vfio_device_info device;
	struct vfio_region_info region;
	struct vfio_irq_info irq;
};

/* The GET_*_INFO ioctls: the fields up to the last we fill, in and out. */
static int vidxd_info_ioctl(unsigned int cmd, unsigned long arg)
{
	union vidxd_info info;
	unsigned long minsz;
	int ret = 0;

	if (cmd == VFIO_DEVICE_GET_INFO)
		minsz = offsetofend(struct vfio_device_info, num_irqs);
	else if (cmd == VFIO_DEVICE_GET_REGION_INFO)
		minsz = offsetofend(struct vfio_region_info, offset);
	else
		minsz = offsetofend(struct vfio_irq_info, count);
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (cmd == VFIO_DEVICE_GET_INFO)
		vidxd_device_info(&info.device);
	else if (cmd == VFIO_DEVICE_GET_REGION_INFO)
		ret = vidxd_region_info(&info.region);
	else
		ret = vidxd_irq_info(&info.irq);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static int vidxd_reset(struct vidxd *v)
{
	mutex_lock(&v->lock);
	vidxd_function_reset(v);
	mutex_unlock(&v->lock);
	return 0;
}

static long vidxd_ioctl(struct vfio_device *vdev, unsigned int cmd,
			unsigned long arg)
{
	struct vidxd *v = to_vidxd(vdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
	case VFIO_DEVICE_GET_REGION_INFO:
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vidxd_info_ioctl(cmd, arg);
	case VFIO_DEVICE_SET_IRQS:
		return vidxd_set_irqs(v, arg);
	case VFIO_DEVICE_RESET:
		return vidxd_reset(v);
	default:
		return -ENOTTY;
	}
}

/* One access to a region: at most 8 bytes, not crossing it. */
static int vidxd_access(struct vidxd *v, u64 pos, void *buf, u32 len,
			bool write)
{
	u64 off64 = pos & VIDXD_OFFSET_MASK;
	u32 off = off64;
	int ret;

	/* every region is far smaller: no offset may alias another */
	if (off64 > U32_MAX)
		return -EINVAL;
	mutex_lock(&v->lock);
	switch (VIDXD_INDEX(pos)) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = vidxd_cfg_rw(v, off, buf, len, write);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		ret = vidxd_mmio_rw(v, off, buf, len, write);
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		/* portals read 0; writes are (parts of) descriptors */
		if (write) {
			ret = vidxd_portal_write(v, off, buf, len);
		} else {
			ret = off < VIDXD_BAR2_SIZE ? 0 : -EINVAL;
			memset(buf, 0, len);
		}
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&v->lock);
	return ret;
}

/*
 * The largest naturally aligned piece at @pos: 1, 2, 4 or 8 bytes, or a
 * whole descriptor (64) written to the portals.
 */
static u32 vidxd_piece(u64 pos, size_t count, bool write)
{
	u32 len = 8;

	if (write && VIDXD_INDEX(pos) == VFIO_PCI_BAR2_REGION_INDEX &&
	    !(pos % DSA_DESC_SIZE) && count >= DSA_DESC_SIZE)
		return DSA_DESC_SIZE;

	while (len > 1 && (pos % len || count < len))
		len /= 2;
	return len;
}

static ssize_t vidxd_rw(struct vidxd *v, char __user *ubuf, size_t count,
			loff_t *ppos, bool write)
{
	u64 val[DSA_DESC_SIZE / sizeof(u64)];
	size_t done = 0;
	u32 len;
	int ret;

	while (done < count) {
		len = vidxd_piece(*ppos, count - done, write);
		if (write && copy_from_user(val, ubuf + done, len))
			return -EFAULT;
		ret = vidxd_access(v, *ppos, val, len, write);
		if (ret)
			return done ? done : ret;
		if (!write && copy_to_user(ubuf + done, val, len))
			return -EFAULT;
		done += len;
		*ppos += len;
	}
	return done;
}

static ssize_t vidxd_read(struct vfio_device *vdev, char __user *buf,
			  size_t count, loff_t *ppos)
{
	return vidxd_rw(to_vidxd(vdev), buf, count, ppos, false);
}

static ssize_t vidxd_write(struct vfio_device *vdev, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	return vidxd_rw(to_vidxd(vdev), (char __user *)buf, count, ppos, true);
}

static int vidxd_init_dev(struct vfio_device *vdev)
{
	struct vidxd *v = to_vidxd(vdev);

	mutex_init(&v->lock);
	mutex_init(&v->dma_lock);
	xa_init(&v->pinned);
	init_waitqueue_head(&v->transit_wq);
	spin_lock_init(&v->submit_lock);
	vidxd_errq_init(v);
	vidxd_abort_init(v);
	return 0;
}

static void vidxd_release_dev(struct vfio_device *vdev)
{
	struct vidxd *v = to_vidxd(vdev);

	xa_destroy(&v->pinned);
	mutex_destroy(&v->dma_lock);
	mutex_destroy(&v->lock);
}

static const struct vfio_device_ops vidxd_ops = {
	.name = "vfio-idxd-aux",
	.init = vidxd_init_dev,
	.release = vidxd_release_dev,
	.open_device = vidxd_open_device,
	.close_device = vidxd_close_device,
	.read = vidxd_read,
	.write = vidxd_write,
	.ioctl = vidxd_ioctl,
	.request = vidxd_request,
	.dma_unmap = vidxd_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

/*
 * Runs under the parent's devlink lock when the SF is activated: nothing
 * here may call devlink on the parent.
 */
static int vidxd_probe(struct auxiliary_device *adev,
		       const struct auxiliary_device_id *id)
{
	struct idxd_sf_dev *sfdev = to_idxd_sf_dev(adev);
	struct vidxd *v;
	int ret;

	if (sfdev->wq_size < 2) {
		dev_err(&adev->dev,
			"SF %u: a WQ of %u entries; a VFIO device needs 2 (one for its drains)\n",
			sfdev->sfnum, sfdev->wq_size);
		return -EINVAL;
	}
	v = vfio_alloc_device(vidxd, vdev, &adev->dev, &vidxd_ops);
	if (IS_ERR(v))
		return PTR_ERR(v);
	v->sfdev = sfdev;
	vidxd_cfg_init(v);
	vidxd_regs_init(v);
	ret = vfio_register_emulated_iommu_dev(&v->vdev);
	if (ret) {
		vfio_put_device(&v->vdev);
		return ret;
	}
	auxiliary_set_drvdata(adev, v);
	idxd_sf_set_attached(sfdev, true);
	dev_info(&adev->dev, "SF %u: VFIO device, WQ of %u entries (%u the guest's)\n",
		 sfdev->sfnum, sfdev->wq_size, vidxd_guest_wq_size(v));
	return 0;
}

/*
 * The SF is deactivated or deleted, or the driver unbound: a user holding
 * the device is asked to let go (the request interrupt), and this waits
 * until it has.
 */
static void vidxd_remove(struct auxiliary_device *adev)
{
	struct vidxd *v = auxiliary_get_drvdata(adev);

	vfio_unregister_group_dev(&v->vdev);
	idxd_sf_set_ops(v->sfdev, NULL, NULL);
	idxd_sf_set_attached(v->sfdev, false);
	vfio_put_device(&v->vdev);
}

static const struct auxiliary_device_id vidxd_id_table[] = {
	{ .name = IDXD_SF_AUXDEV_NAME },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, vidxd_id_table);

static struct auxiliary_driver vidxd_driver = {
	.name = "vfio_idxd_aux",
	.probe = vidxd_probe,
	.remove = vidxd_remove,
	.id_table = vidxd_id_table,
};
module_auxiliary_driver(vidxd_driver);

MODULE_DESCRIPTION("VFIO driver for DSA work-queue subfunctions");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(IOMMUFD);
