// SPDX-License-Identifier: GPL-2.0
/*
 * The auxiliary device of an active subfunction, idxd.sf.<n>, and the
 * calls its consumer makes (include/linux/idxd_sf.h).
 *
 * The device is added last when the SF is activated, so its consumer
 * finds the WQ enabled with the SF's PASID and interrupt; it is deleted
 * first when the SF is deactivated, so the consumer has let go (its
 * remove ran) before the WQ, the vector and the PASID go.  The consumer
 * may keep a reference to the device after that: what it can still read
 * (the fields, the sysfs attributes) is its own copy, and the link to
 * the SF is cut.  Its <n> comes from one IDA for all DSA devices; the
 * sysfs attributes sfnum, wq and pasid tie it to its port.
 */

#include <linux/idr.h>

#include "idxd.h"

static DEFINE_IDA(idxd_sf_ida);

static ssize_t sfnum_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", to_idxd_sf_dev(to_auxiliary_dev(dev))->sfnum);
}
static DEVICE_ATTR_RO(sfnum);

static ssize_t wq_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", to_idxd_sf_dev(to_auxiliary_dev(dev))->wq);
}
static DEVICE_ATTR_RO(wq);

static ssize_t pasid_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", to_idxd_sf_dev(to_auxiliary_dev(dev))->pasid);
}
static DEVICE_ATTR_RO(pasid);

static struct attribute *idxd_sf_attrs[] = {
	&dev_attr_sfnum.attr,
	&dev_attr_wq.attr,
	&dev_attr_pasid.attr,
	NULL
};
ATTRIBUTE_GROUPS(idxd_sf);

static void idxd_sf_dev_release(struct device *dev)
{
	struct idxd_sf_dev *sfdev = to_idxd_sf_dev(to_auxiliary_dev(dev));

	ida_free(&idxd_sf_ida, sfdev->adev.id);
	kfree(sfdev);
}

/* What the consumer needs of the SF, copied so it outlives the link. */
static void idxd_sf_dev_fill(struct idxd_sf_dev *sfdev, struct idxd_sf *sf)
{
	struct idxd_device *idxd = sf->idxd;
	struct idxd_wq *wq = sf->wq;
	u32 off = IDXD_PORTAL_OFFSET(wq->id, IDXD_PORTAL_UNLIMITED,
				     IDXD_IRQ_IMS);

	sfdev->sfnum = sf->sfnum;
	sfdev->wq = wq->id;
	sfdev->wq_size = wq->size;
	sfdev->pasid = sf->pasid;
	sfdev->portal_phys = pci_resource_start(idxd->pdev, IDXD_WQ_BAR) + off;
	sfdev->portal = idxd->portals + off;
	sfdev->int_handle = wq->int_handle;
	sfdev->irq = sf->vec.virq;
	sfdev->max_xfer_size = 1U << idxd->caps.gen.max_xfer_shift;
	sfdev->max_batch_size = 1U << idxd->caps.gen.max_batch_shift;
	BUILD_BUG_ON(IDXD_SF_OPCAP_WORDS != IDXD_OPCAP_WORDS);
	memcpy(sfdev->opcap, idxd->caps.opcap, sizeof(sfdev->opcap));
	sfdev->sf = sf;
}

/**
 * idxd_sf_dev_add() - the SF's auxiliary device appears; its consumer's
 * probe may run before this returns
 * @sf: the SF, its WQ enabled
 * @extack: where a failure is explained
 *
 * Return: 0 or an error, with nothing left behind.
 */
int idxd_sf_dev_add(struct idxd_sf *sf, struct netlink_ext_ack *extack)
{
	struct idxd_sf_dev *sfdev;
	int id, ret;

	sfdev = kzalloc(sizeof(*sfdev), GFP_KERNEL);
	if (!sfdev) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the auxiliary device");
		return -ENOMEM;
	}
	id = ida_alloc(&idxd_sf_ida, GFP_KERNEL);
	if (id < 0) {
		NL_SET_ERR_MSG_MOD(extack, "no auxiliary device number left");
		kfree(sfdev);
		return id;
	}
	idxd_sf_dev_fill(sfdev, sf);
	sfdev->adev.name = "sf";
	sfdev->adev.id = id;
	sfdev->adev.dev.parent = idxd_dev(sf->idxd);
	sfdev->adev.dev.release = idxd_sf_dev_release;
	sfdev->adev.dev.groups = idxd_sf_groups;
	ret = auxiliary_device_init(&sfdev->adev);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot set up the auxiliary device");
		ida_free(&idxd_sf_ida, id);
		kfree(sfdev);
		return ret;
	}
	sf->sfdev = sfdev;
	ret = __auxiliary_device_add(&sfdev->adev, KBUILD_MODNAME);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot add the auxiliary device");
		sf->sfdev = NULL;
		auxiliary_device_uninit(&sfdev->adev);
		return ret;
	}
	return 0;
}

/**
 * idxd_sf_dev_del() - the consumer lets go, the auxiliary device goes
 * @sf: the SF, active
 *
 * What the consumer left (an attached domain, its ops, opstate) is
 * undone here, so the SF's teardown never depends on it.
 */
void idxd_sf_dev_del(struct idxd_sf *sf)
{
	struct idxd_sf_dev *sfdev = sf->sfdev;

	auxiliary_device_delete(&sfdev->adev);
	/* a consumer's remove must have undone these; if not, do it now */
	WARN_ONCE(sf->domain || sf->ops, "idxd: the consumer of %s left a domain or ops behind\n",
		  dev_name(&sfdev->adev.dev));
	idxd_sf_detach_domain(sfdev);
	idxd_sf_set_ops(sfdev, NULL, NULL);
	WRITE_ONCE(sf->attached, false);
	sfdev->sf = NULL;
	sf->sfdev = NULL;
	auxiliary_device_uninit(&sfdev->adev);
}

/**
 * idxd_sf_set_ops() - what the consumer hears about its WQ
 * @sfdev: the consumer's SF
 * @ops: the callbacks, or NULL for none
 * @priv: passed to them
 */
void idxd_sf_set_ops(struct idxd_sf_dev *sfdev, const struct idxd_sf_ops *ops,
		     void *priv)
{
	struct idxd_sf *sf = sfdev->sf;

	mutex_lock(&sf->idxd->dev_lock);
	sf->ops = ops;
	sf->ops_priv = priv;
	/* a new consumer is a new use: no earlier error reaches it */
	WRITE_ONCE(sf->wq->gen, sf->wq->gen + 1);
	/* the WQ is down already: the consumer hears it as if now */
	if (ops && ops->stop && sf->wq->state != IDXD_WQ_ENABLED)
		ops->stop(sfdev, priv);
	mutex_unlock(&sf->idxd->dev_lock);
}
EXPORT_SYMBOL_GPL(idxd_sf_set_ops);

/**
 * idxd_sf_attach_domain() - the SF's PASID translates through @domain
 * @sfdev: the consumer's SF
 * @domain: a paging domain holding exactly what the SF may reach
 *
 * Every access of every descriptor on the SF's WQ is tagged with its
 * PASID: with @domain attached, an address @domain does not map faults.
 *
 * Return: 0, -EBUSY if a domain is attached already, or the IOMMU's error.
 */
int idxd_sf_attach_domain(struct idxd_sf_dev *sfdev,
			  struct iommu_domain *domain)
{
	struct idxd_sf *sf = sfdev->sf;
	struct idxd_device *idxd = sf->idxd;
	int ret = -EBUSY;

	mutex_lock(&idxd->dev_lock);
	if (!sf->domain) {
		ret = iommu_attach_device_pasid(domain, idxd_dev(idxd),
						sf->pasid, NULL);
		if (!ret)
			sf->domain = domain;
	}
	mutex_unlock(&idxd->dev_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(idxd_sf_attach_domain);

/**
 * idxd_sf_detach_domain() - the SF's PASID reaches nothing any more
 * @sfdev: the consumer's SF
 *
 * The device first drops what the SF's WQ holds, so no descriptor
 * queued before reaches the domain's pages after, nor faults on their
 * absence; the WQ takes descriptors again (which fault until a domain
 * is attached).  Free the SF's interrupt only after this.
 */
void idxd_sf_detach_domain(struct idxd_sf_dev *sfdev)
{
	struct idxd_sf *sf = sfdev->sf;
	struct idxd_device *idxd = sf->idxd;

	mutex_lock(&idxd->dev_lock);
	if (sf->domain) {
		idxd_wq_drop_work(sf->wq);
		iommu_detach_device_pasid(sf->domain, idxd_dev(idxd),
					  sf->pasid);
	}
	sf->domain = NULL;
	mutex_unlock(&idxd->dev_lock);
}
EXPORT_SYMBOL_GPL(idxd_sf_detach_domain);

/**
 * idxd_sf_drop_work() - the device drops what the SF's WQ holds
 * @sfdev: the consumer's SF
 *
 * For a consumer's abort or reset of the WQ it exposes: nothing queued
 * before completes, writes memory or signals after; the WQ takes
 * descriptors again.  The consumer's own lock may be held (lock order:
 * the consumer's, then the core's).
 */
void idxd_sf_drop_work(struct idxd_sf_dev *sfdev)
{
	struct idxd_device *idxd = sfdev->sf->idxd;

	mutex_lock(&idxd->dev_lock);
	idxd_wq_drop_work(sfdev->sf->wq);
	mutex_unlock(&idxd->dev_lock);
}
EXPORT_SYMBOL_GPL(idxd_sf_drop_work);

/**
 * idxd_sf_set_attached() - the consumer says whether it serves the SF
 * @sfdev: the consumer's SF
 * @attached: true on probe, false on remove
 *
 * devlink port show reports it as the function's opstate.
 */
void idxd_sf_set_attached(struct idxd_sf_dev *sfdev, bool attached)
{
	WRITE_ONCE(sfdev->sf->attached, attached);
}
EXPORT_SYMBOL_GPL(idxd_sf_set_attached);
