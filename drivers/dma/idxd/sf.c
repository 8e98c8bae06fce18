// SPDX-License-Identifier: GPL-2.0
/*
 * Subfunction ports: devlink port add/del and the port function's state.
 *
 * An SF is a devlink port of flavour pcisf that holds one WQ carved for
 * subfunctions (wq.c) from add to del.  Activating it gives the WQ the
 * SF's own PASID and IMS entry, behind a host vector of its own, enables
 * it, and only then creates the auxiliary device idxd.sf.<n> for a
 * consumer (sf_dev.c); deactivating undoes that in reverse.  Everything
 * here runs under devl_lock (the devlink core holds it around these
 * callbacks, and unbinding takes it to remove what is left); it decides
 * and bookkeeps, and leaves the registers to wq.c and irq.c.
 *
 * Deactivation waits for the consumer to let go of idxd.sf.<n>, which a
 * user of it (a VM, through VFIO) decides: it runs in a work item, and
 * devlink waits for it at most IDXD_SF_WAIT_MS, so a held device never
 * stalls every devlink operation.  Until it is done the port shows state
 * inactive, opstate attached; it cannot be activated or deleted (-EBUSY).
 *
 * "flavour dsa" is what users of this driver type: the devlink core
 * passes no sfnum for it, so such a port gets the lowest free sfnum, as
 * a pcisf add without sfnum does, and the extack says which.
 */

#include <linux/pci-ats.h>

#include "idxd.h"

#define IDXD_SF_WAIT_MS		2000

static struct idxd_sf *to_idxd_sf(struct devlink_port *port)
{
	return container_of(port, struct idxd_sf, port);
}

static struct idxd_sf *idxd_sf_find(struct idxd_device *idxd, u32 sfnum)
{
	struct idxd_sf *sf;

	list_for_each_entry(sf, &idxd->sfs, node)
		if (sf->sfnum == sfnum)
			return sf;
	return NULL;
}

static u32 idxd_sfnum_free(struct idxd_device *idxd)
{
	u32 sfnum = 0;

	while (idxd_sf_find(idxd, sfnum))
		sfnum++;
	return sfnum;
}

/* What the user asked for, before anything is taken. */
static int idxd_sf_new_check(struct idxd_device *idxd,
			     const struct devlink_port_new_attrs *attrs,
			     struct netlink_ext_ack *extack)
{
	u16 pfnum = PCI_FUNC(idxd->pdev->devfn);

	if (attrs->flavour != DEVLINK_PORT_FLAVOUR_PCI_SF &&
	    attrs->flavour != DEVLINK_PORT_FLAVOUR_DSA) {
		NL_SET_ERR_MSG_MOD(extack,
				   "only subfunction ports can be added: flavour pcisf (or dsa)");
		return -EOPNOTSUPP;
	}
	if (attrs->pfnum != pfnum) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "pfnum %u: this device is PF %u",
				       attrs->pfnum, pfnum);
		return -EINVAL;
	}
	if (attrs->controller_valid) {
		NL_SET_ERR_MSG_MOD(extack,
				   "no external controller: leave controller out");
		return -EOPNOTSUPP;
	}
	if (attrs->port_index_valid) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the driver picks the port index: leave it out");
		return -EOPNOTSUPP;
	}
	if (attrs->sfnum_valid && idxd_sf_find(idxd, attrs->sfnum)) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "sfnum %u is taken",
				       attrs->sfnum);
		return -EEXIST;
	}
	if (!idxd->pasid) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the IOMMU did not enable PASIDs (needs VT-d scalable mode): no subfunctions");
		return -EOPNOTSUPP;
	}
	if (!idxd->ims) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the device has no usable IMS table: no subfunctions");
		return -EOPNOTSUPP;
	}
	/* the IMS entry must send a message that never changes */
	if (!msi_device_has_isolated_msi(idxd_dev(idxd))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "no interrupt remapping (intremap): no subfunctions");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The SF's WQ ops: what the core tells the consumer. */
static void idxd_sf_wq_error(struct idxd_wq *wq, const union sw_err_reg *err)
{
	struct idxd_sf *sf = wq->priv;
	/* later errors (OVERFLOW) may be other tenants': not this one's */
	union sw_err_reg own = *err;

	BUILD_BUG_ON(ARRAY_SIZE(err->bits) != IDXD_SF_SWERR_QWORDS);
	own.overflow = 0;
	if (sf->ops && sf->ops->error)
		sf->ops->error(sf->sfdev, own.bits, sf->ops_priv);
}

static void idxd_sf_wq_stop(struct idxd_wq *wq)
{
	struct idxd_sf *sf = wq->priv;

	if (sf->ops && sf->ops->stop)
		sf->ops->stop(sf->sfdev, sf->ops_priv);
}

/* The guest's completion records are its own: nothing to fail here. */
static void idxd_sf_wq_flush(struct idxd_wq *wq)
{
}

static void idxd_sf_wq_start(struct idxd_wq *wq)
{
	struct idxd_sf *sf = wq->priv;

	/* a reset revoked the handle; the one granted now may differ */
	if (sf->sfdev)
		WRITE_ONCE(sf->sfdev->int_handle, wq->int_handle);
	if (sf->ops && sf->ops->start)
		sf->ops->start(sf->sfdev, sf->ops_priv);
}

static const struct idxd_wq_ops idxd_sf_wq_ops = {
	.error = idxd_sf_wq_error,
	.stop = idxd_sf_wq_stop,
	.flush = idxd_sf_wq_flush,
	.start = idxd_sf_wq_start,
};

static int idxd_sf_take_wq(struct idxd_sf *sf, struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = sf->idxd;
	struct idxd_wq *wq;

	mutex_lock(&idxd->dev_lock);
	wq = idxd_wq_take(idxd, sf->name, &idxd_sf_wq_ops, sf);
	mutex_unlock(&idxd->dev_lock);
	if (PTR_ERR(wq) == -EBUSY)
		NL_SET_ERR_MSG_MOD(extack,
				   "no free WQ: every WQ carved for subfunctions is taken");
	else if (PTR_ERR(wq) == -ENOSPC)
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "no WQ entries left for another WQ of sf_wq_size %u",
				       idxd->sf_wq_size);
	if (IS_ERR(wq))
		return PTR_ERR(wq);
	sf->wq = wq;
	return 0;
}

static void idxd_sf_put_wq(struct idxd_sf *sf)
{
	mutex_lock(&sf->idxd->dev_lock);
	idxd_wq_put(sf->wq);
	mutex_unlock(&sf->idxd->dev_lock);
}

static const struct devlink_port_ops idxd_sf_port_ops;
static void idxd_sf_deactivate_work(struct work_struct *work);

/**
 * idxd_sf_port_new() - devlink port add: reserve a WQ for a new SF
 * @devlink: the instance (devl_lock held)
 * @attrs: what the user asked for
 * @extack: where a refusal is explained, and the sfnum picked said
 * @dl_port: the new port
 *
 * Return: 0, or the refusal's error with nothing changed.
 */
int idxd_sf_port_new(struct devlink *devlink,
		     const struct devlink_port_new_attrs *attrs,
		     struct netlink_ext_ack *extack,
		     struct devlink_port **dl_port)
{
	struct idxd_device *idxd = devlink_priv(devlink);
	struct idxd_sf *sf;
	int ret;

	if (idxd->sfs_closed) {
		NL_SET_ERR_MSG_MOD(extack, "the device is going away");
		return -ENODEV;
	}
	ret = idxd_sf_new_check(idxd, attrs, extack);
	if (ret)
		return ret;
	sf = kzalloc(sizeof(*sf), GFP_KERNEL);
	if (!sf)
		return -ENOMEM;
	sf->idxd = idxd;
	sf->sfnum = attrs->sfnum_valid ? attrs->sfnum : idxd_sfnum_free(idxd);
	sf->pasid = IOMMU_PASID_INVALID;
	INIT_WORK(&sf->deactivate_work, idxd_sf_deactivate_work);
	/* not deactivating: done */
	init_completion(&sf->deactivated);
	complete_all(&sf->deactivated);
	snprintf(sf->name, sizeof(sf->name), "sf%u", sf->sfnum);
	ret = idxd_sf_take_wq(sf, extack);
	if (ret)
		goto err_free;
	devlink_port_attrs_pci_sf_set(&sf->port, 0, attrs->pfnum, sf->sfnum,
				      false);
	/* the port index is the WQ's: unique while the port holds it */
	ret = devl_port_register_with_ops(devlink, &sf->port, sf->wq->id,
					  &idxd_sf_port_ops);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot register the port");
		goto err_wq;
	}
	list_add_tail(&sf->node, &idxd->sfs);
	if (!attrs->sfnum_valid)
		NL_SET_ERR_MSG_FMT_MOD(extack, "sfnum %u assigned%s", sf->sfnum,
				       attrs->flavour == DEVLINK_PORT_FLAVOUR_DSA ?
				       " (flavour dsa takes no sfnum), port registered as pcisf" :
				       "");
	dev_info(idxd_dev(idxd), "SF %u: port %u, WQ %d (%u entries)\n",
		 sf->sfnum, sf->port.index, sf->wq->id, sf->wq->size);
	*dl_port = &sf->port;
	return 0;

err_wq:
	idxd_sf_put_wq(sf);
err_free:
	kfree(sf);
	return ret;
}

/* devlink reads the occupancy without our locks */
static void idxd_sf_count_pasid(struct idxd_device *idxd, int n)
{
	atomic64_add(n, &idxd->occ[IDXD_RES_PASIDS]);
}

static void idxd_sf_put_pasid(struct idxd_sf *sf)
{
	iommu_free_global_pasid(sf->pasid);
	idxd_sf_count_pasid(sf->idxd, -1);
	sf->pasid = IOMMU_PASID_INVALID;
}

/* The WQ out of service, then its vector and PASID given back. */
static void idxd_sf_put_resources(struct idxd_sf *sf)
{
	mutex_lock(&sf->idxd->dev_lock);
	idxd_wq_quiesce(sf->wq);
	mutex_unlock(&sf->idxd->dev_lock);
	idxd_sf_irq_free(sf);
	idxd_sf_put_pasid(sf);
}

/*
 * Activate: a PASID, a vector and its IMS entry, the WQ enabled with
 * them, and only then the auxiliary device.
 */
static int idxd_sf_activate(struct idxd_sf *sf, struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = sf->idxd;
	struct msi_msg msg;
	int ret;

	sf->pasid = iommu_alloc_global_pasid(idxd_dev(idxd));
	if (sf->pasid == IOMMU_PASID_INVALID) {
		NL_SET_ERR_MSG_MOD(extack, "no PASID left in the IOMMU");
		return -ENOSPC;
	}
	idxd_sf_count_pasid(idxd, 1);
	ret = idxd_sf_irq_alloc(sf, &msg, extack);
	if (ret)
		goto err_pasid;
	mutex_lock(&idxd->dev_lock);
	idxd_wq_set_pasid(sf->wq, sf->pasid, false);
	idxd_wq_set_ims(sf->wq, sf->wq->id, &msg);
	ret = idxd->failed ? -EIO : idxd_wq_start(sf->wq);
	mutex_unlock(&idxd->dev_lock);
	if (ret) {
		if (idxd->resetting)
			NL_SET_ERR_MSG_MOD(extack,
					   "the device is being reset: try again");
		else if (idxd->failed)
			NL_SET_ERR_MSG_MOD(extack,
					   "the device is failed: recover it first (devlink health recover)");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "the SF's WQ was not enabled, see dmesg");
		goto err_wq;
	}
	ret = idxd_sf_dev_add(sf, extack);
	if (ret)
		goto err_wq;
	sf->active = true;
	dev_info(idxd_dev(idxd), "SF %u active: WQ %d, PASID %u, IMS entry %u, %s\n",
		 sf->sfnum, sf->wq->id, sf->pasid, sf->wq->vector,
		 dev_name(&sf->sfdev->adev.dev));
	return 0;

err_wq:
	idxd_sf_put_resources(sf);
	return ret;
err_pasid:
	idxd_sf_put_pasid(sf);
	return ret;
}

/*
 * The auxiliary device first (its consumer lets go, which may take the
 * consumer's user as long as it likes), then the rest.  No devl_lock:
 * devlink may be waiting for this, holding it.
 */
static void idxd_sf_deactivate_work(struct work_struct *work)
{
	struct idxd_sf *sf = container_of(work, struct idxd_sf,
					  deactivate_work);
	struct idxd_device *idxd = sf->idxd;

	idxd_sf_dev_del(sf);
	idxd_sf_put_resources(sf);
	dev_info(idxd_dev(idxd), "SF %u inactive\n", sf->sfnum);
	/* for every waiter, and for any later look */
	complete_all(&sf->deactivated);
}

/* Done deactivating within @ms: the port is the admin's again. */
static bool idxd_sf_deactivated(struct idxd_sf *sf, unsigned int ms)
{
	if (!sf->deactivating)
		return true;
	if (!completion_done(&sf->deactivated) &&
	    (!ms || !wait_for_completion_timeout(&sf->deactivated,
						 msecs_to_jiffies(ms))))
		return false;
	sf->deactivating = false;
	return true;
}

/* Start deactivating; wait a while for it, which is normally enough. */
static bool idxd_sf_deactivate(struct idxd_sf *sf, unsigned int ms)
{
	sf->active = false;
	sf->deactivating = true;
	reinit_completion(&sf->deactivated);
	queue_work(system_unbound_wq, &sf->deactivate_work);
	return idxd_sf_deactivated(sf, ms);
}

/* Its consumer still holds idxd.sf.<n>: say so, the admin may retry. */
static int idxd_sf_busy(struct idxd_sf *sf, struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_FMT_MOD(extack,
			       "SF %u: its consumer still holds it; retry once detached",
			       sf->sfnum);
	return -EBUSY;
}

/* Unregistered and freed; it holds nothing any more.  devl_lock held. */
static void idxd_sf_free(struct idxd_sf *sf)
{
	/* the work may still be returning from complete_all() */
	flush_work(&sf->deactivate_work);
	devl_port_unregister(&sf->port);
	list_del(&sf->node);
	idxd_sf_put_wq(sf);
	dev_info(idxd_dev(sf->idxd), "SF %u deleted\n", sf->sfnum);
	kfree(sf);
}

static int idxd_sf_port_del(struct devlink *devlink, struct devlink_port *port,
			    struct netlink_ext_ack *extack)
{
	struct idxd_sf *sf = to_idxd_sf(port);

	if (sf->active && !idxd_sf_deactivate(sf, IDXD_SF_WAIT_MS))
		return idxd_sf_busy(sf, extack);
	if (!idxd_sf_deactivated(sf, IDXD_SF_WAIT_MS))
		return idxd_sf_busy(sf, extack);
	idxd_sf_free(sf);
	return 0;
}

static int idxd_sf_state_get(struct devlink_port *port,
			     enum devlink_port_fn_state *state,
			     enum devlink_port_fn_opstate *opstate,
			     struct netlink_ext_ack *extack)
{
	struct idxd_sf *sf = to_idxd_sf(port);

	*state = sf->active ? DEVLINK_PORT_FN_STATE_ACTIVE :
			      DEVLINK_PORT_FN_STATE_INACTIVE;
	/* a deactivation that finished meanwhile */
	idxd_sf_deactivated(sf, 0);
	*opstate = READ_ONCE(sf->attached) ? DEVLINK_PORT_FN_OPSTATE_ATTACHED :
					     DEVLINK_PORT_FN_OPSTATE_DETACHED;
	return 0;
}

static int idxd_sf_state_set(struct devlink_port *port,
			     enum devlink_port_fn_state state,
			     struct netlink_ext_ack *extack)
{
	struct idxd_sf *sf = to_idxd_sf(port);
	bool active = state == DEVLINK_PORT_FN_STATE_ACTIVE;

	if (active == sf->active)
		return 0;
	if (!active) {
		if (!idxd_sf_deactivate(sf, IDXD_SF_WAIT_MS))
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "SF %u: its consumer still holds it; it goes once released",
					       sf->sfnum);
		return 0;
	}
	if (!idxd_sf_deactivated(sf, IDXD_SF_WAIT_MS))
		return idxd_sf_busy(sf, extack);
	if (sf->idxd->sfs_closed) {
		NL_SET_ERR_MSG_MOD(extack, "the device is going away");
		return -ENODEV;
	}
	return idxd_sf_activate(sf, extack);
}

static const struct devlink_port_ops idxd_sf_port_ops = {
	.port_del = idxd_sf_port_del,
	.port_fn_state_get = idxd_sf_state_get,
	.port_fn_state_set = idxd_sf_state_set,
};

/**
 * idxd_sfs_remove() - unbinding: every SF goes, active or not, and no
 * new one may come
 * @idxd: the device, its devlink instance still registered
 */
void idxd_sfs_remove(struct idxd_device *idxd)
{
	struct devlink *devlink = idxd_devlink(idxd);
	struct idxd_sf *sf, *next;

	devl_lock(devlink);
	idxd->sfs_closed = true;
	list_for_each_entry_safe(sf, next, &idxd->sfs, node) {
		/* unbinding must wait for every consumer, however long */
		if (sf->active)
			idxd_sf_deactivate(sf, 0);
		wait_for_completion(&sf->deactivated);
		idxd_sf_free(sf);
	}
	devl_unlock(devlink);
}
