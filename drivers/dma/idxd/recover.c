// SPDX-License-Identifier: GPL-2.0
/*
 * What the driver does about errors, and how it comes back.
 *
 * A software error that names an enabled WQ takes that WQ out of service
 * and nothing else: its owner stops writing, DISABLE_WQ lets the device
 * finish what the WQ holds, and the owner fails whatever is left.  A halt
 * takes the device: every owner stops and fails its work at once, since a
 * halted device runs nothing.  Recovery, run by the health reporter
 * (automatically or when the admin asks), brings back what is down: a
 * failed WQ is reset and enabled again, a halted device is reset and
 * configured again with every WQ it had.  A halt whose GENSTS.reset_type
 * asks for more than RESET_DEVICE gets a function level reset (reset.c)
 * or, if it needs the platform, a clear refusal.  Everything here runs
 * under dev_lock.
 */

#include "idxd.h"

/* The device can no longer touch what stopped WQs held: fail it. */
void idxd_flush_stopped(struct idxd_device *idxd)
{
	unsigned int i;

	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		struct idxd_wq *wq = &idxd->wqs[i];

		if (wq->unflushed) {
			wq->ops->flush(wq);
			wq->unflushed = false;
		}
	}
}

/**
 * idxd_owners_stop() - stop every owner; recovery must reset the device
 * @idxd: the device, dev_lock held
 *
 * Their work stays with them until the device can no longer touch it
 * (idxd_flush_stopped()).
 */
void idxd_owners_stop(struct idxd_device *idxd)
{
	unsigned int i;

	lockdep_assert_held(&idxd->dev_lock);
	idxd->failed = true;
	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		struct idxd_wq *wq = &idxd->wqs[i];

		if (wq->state == IDXD_WQ_ENABLED) {
			wq->ops->stop(wq);
			wq->unflushed = true;
		}
		if (idxd_wq_in_service(wq))
			wq->state = IDXD_WQ_FAILED;
	}
}

/*
 * Stop every owner; recovery must reset the device.  Work is failed only
 * once the device cannot touch it any more: halted, or reset here.  If
 * the reset fails, the work stays with the stopped owners until one
 * works, since the device may still write where it points.
 */
static void idxd_device_fail_locked(struct idxd_device *idxd)
{
	union gensts_reg sts;

	idxd_owners_stop(idxd);
	/* the function reset under way resets it; reset_done flushes */
	if (idxd->resetting)
		return;
	sts.bits = ioread32(idxd->regs + IDXD_GENSTATS_OFFSET);
	if (sts.state != IDXD_DEVICE_STATE_HALT && idxd_device_reset(idxd)) {
		dev_err(idxd_dev(idxd), "the failed device did not reset: its WQs' work waits for a reset\n");
		return;
	}
	idxd_flush_stopped(idxd);
}

/**
 * idxd_device_fail_halted() - the device halted: take every WQ out of
 * service
 * @idxd: the device
 *
 * Only if it is still halted: a function reset since the halt was seen
 * brought it back already.
 */
void idxd_device_fail_halted(struct idxd_device *idxd)
{
	union gensts_reg sts;

	mutex_lock(&idxd->dev_lock);
	if (!idxd->resetting) {
		sts.bits = ioread32(idxd->regs + IDXD_GENSTATS_OFFSET);
		if (sts.state == IDXD_DEVICE_STATE_HALT)
			idxd_device_fail_locked(idxd);
	}
	mutex_unlock(&idxd->dev_lock);
}

/*
 * An isolated WQ that fails more than IDXD_WQ_ERRORS times within
 * IDXD_WQ_ERROR_WINDOW stays down (benched) until its owner puts it out
 * of service: one guest's error storm must not become a recovery loop.
 */
#define IDXD_WQ_ERRORS		3
#define IDXD_WQ_ERROR_WINDOW	(60 * HZ)

static void idxd_wq_count_error(struct idxd_wq *wq)
{
	if (!wq->pasid_en)
		return;
	if (!wq->err_count || time_after(jiffies, wq->err_since +
					 IDXD_WQ_ERROR_WINDOW)) {
		wq->err_since = jiffies;
		wq->err_count = 0;
	}
	if (++wq->err_count <= IDXD_WQ_ERRORS || wq->benched)
		return;
	wq->benched = true;
	dev_err(idxd_dev(wq->idxd), "WQ %d (%s) failed %u times in %u s: left down until its port is deactivated\n",
		wq->id, wq->owner, wq->err_count, IDXD_WQ_ERROR_WINDOW / HZ);
}

/**
 * idxd_wq_fail() - a software error named WQ @id: disable it alone
 * @idxd: the device
 * @id: the WQ the error record names
 * @err: the error record captured (the first, if several came)
 * @rec_gen: the owner generation of the WQ that record names, then
 * @gen: the WQ's owner generation when the error was captured
 *
 * An error naming a WQ the driver does not run, or one whose owner has
 * changed since, changes nothing.  If the device refuses to disable the
 * WQ (a subfunction's: to reset it), the whole device is failed.
 *
 * Return: 1 if the WQ was taken down, 0 if nothing was to do, -ESTALE if
 * the error belongs to an earlier owner or use of the WQ.
 */
int idxd_wq_fail(struct idxd_device *idxd, unsigned int id,
		 const union sw_err_reg *err, u16 rec_gen, u16 gen)
{
	u32 error = err->error;
	struct idxd_wq *wq;
	int down = 0, ret;

	mutex_lock(&idxd->dev_lock);
	if (id >= idxd->caps.wq.num_wqs)
		goto out;
	wq = &idxd->wqs[id];
	if (wq->gen != gen) {
		dev_info_ratelimited(idxd_dev(idxd), "error %#x for an earlier use of WQ %u: ignored\n",
				     error, id);
		down = -ESTALE;
		goto out;
	}
	/* the error is its owner's to see, the one it names and no other */
	if (idxd_wq_in_service(wq) && wq->ops->error && err->valid &&
	    err->wq_idx_valid && err->wq_idx == id && rec_gen == wq->gen)
		wq->ops->error(wq, err);
	if (wq->state != IDXD_WQ_ENABLED)
		goto out;
	wq->ops->stop(wq);
	/*
	 * A subfunction's queued work is its guest's: dropped (RESET_WQ),
	 * not drained for as long as the guest likes under our locks.
	 */
	if (wq->pasid_en)
		ret = idxd_cmd_exec(idxd, IDXD_CMD_RESET_WQ,
				    idxd_cmd_wq_operand(wq->id), NULL);
	else
		ret = idxd_wq_disable(wq);
	if (ret) {
		/* still enabled: failing the device stops and flushes it */
		dev_err(idxd_dev(idxd), "WQ %u cannot be disabled: failing the device\n",
			id);
		idxd_device_fail_locked(idxd);
		goto out;
	}
	wq->ops->flush(wq);
	wq->state = IDXD_WQ_FAILED;
	down = 1;
	dev_err(idxd_dev(idxd), "WQ %u (%s) disabled after software error %#x; the other WQs keep running\n",
		id, wq->owner, error);
	idxd_wq_count_error(wq);
out:
	mutex_unlock(&idxd->dev_lock);
	return down;
}

/**
 * idxd_device_fail_reported() - fail the device, and say so to devlink
 * @idxd: the device; dev_lock held
 *
 * For a failure found outside error handling (a WQ that will not reset
 * when its owner gives it back): err_work reports it, so recovery runs.
 */
void idxd_device_fail_reported(struct idxd_device *idxd)
{
	unsigned long flags;

	lockdep_assert_held(&idxd->dev_lock);
	idxd_device_fail_locked(idxd);
	spin_lock_irqsave(&idxd->err_lock, flags);
	idxd->fail_event = true;
	spin_unlock_irqrestore(&idxd->err_lock, flags);
	schedule_work(&idxd->err_work);
}

/**
 * idxd_device_recover() - reset, write every claimed WQ again, enable each
 * @idxd: the device, dev_lock held
 * @extack: where a failure is explained, or NULL
 *
 * Whatever still runs (a WQ an earlier, partial recovery enabled) is
 * stopped first; if a step fails, everything is failed again, so what is
 * down stays down alike.
 *
 * Return: 0 or the error of the step that failed (logged).
 */
int idxd_device_recover(struct idxd_device *idxd,
			struct netlink_ext_ack *extack)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&idxd->dev_lock);
	/* one RESET_DEVICE: the one below */
	idxd_owners_stop(idxd);
	ret = idxd_device_reset(idxd);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "device reset failed, see dmesg");
		return ret;
	}
	idxd_flush_stopped(idxd);
	ret = idxd_device_config(idxd);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "device not configured again, see dmesg");
		goto fail;
	}
	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		if (!idxd_wq_in_service(&idxd->wqs[i]) || idxd->wqs[i].benched)
			continue;
		ret = idxd_wq_start(&idxd->wqs[i]);
		if (ret) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "WQ %u not enabled again, see dmesg",
					       i);
			goto fail;
		}
	}
	idxd->failed = false;
	dev_info(idxd_dev(idxd), "device reset and its WQs enabled again\n");
	return 0;
fail:
	idxd_device_fail_locked(idxd);
	return ret;
}

/* Reset and enable again each WQ a software error took down. */
static int idxd_wqs_recover(struct idxd_device *idxd,
			    struct netlink_ext_ack *extack)
{
	unsigned int i;
	int ret;

	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		struct idxd_wq *wq = &idxd->wqs[i];

		if (wq->state != IDXD_WQ_FAILED || wq->benched)
			continue;
		ret = idxd_wq_reset(wq);
		if (ret) {
			/* the device does not do as told: reset it next time */
			idxd_device_fail_locked(idxd);
		} else {
			ret = idxd_wq_start(wq);
		}
		if (ret) {
			NL_SET_ERR_MSG_FMT_MOD(extack,
					       "WQ %u not enabled again, see dmesg",
					       i);
			return ret;
		}
		dev_info(idxd_dev(idxd), "WQ %u (%s) reset and enabled again\n",
			 i, wq->owner);
	}
	return 0;
}

/**
 * idxd_device_quiesce() - unbinding: nothing may run on the device after
 * @idxd: the device
 *
 * Every owner is stopped, the device reset and the owners' work failed,
 * before their memory and interrupts go (unbind), or the next kernel
 * starts (shutdown).  Should the reset fail, bus mastering goes off
 * instead, so the device can no longer write where the work points.
 */
void idxd_device_quiesce(struct idxd_device *idxd)
{
	unsigned int i;
	bool stuck = false;

	mutex_lock(&idxd->dev_lock);
	idxd_device_fail_locked(idxd);
	for (i = 0; i < idxd->caps.wq.num_wqs; i++)
		stuck |= idxd->wqs[i].unflushed;
	if (stuck) {
		dev_err(idxd_dev(idxd), "the device did not reset: bus mastering off\n");
		pci_clear_master(idxd->pdev);
	}
	idxd_flush_stopped(idxd);
	mutex_unlock(&idxd->dev_lock);
}

/**
 * idxd_recover() - bring back whatever errors took down
 * @idxd: the device
 * @extack: where a failure is explained
 *
 * What to do is read from the driver's and the device's state, not from
 * the event that started it: the admin may recover long after, and
 * several events may have piled up.  With nothing down this does nothing.
 * Called under devl_lock (devlink health), never under the device lock.
 *
 * Return: 0 or the error of the step that failed; what failed stays down
 * and a later recovery tries again.
 */
int idxd_recover(struct idxd_device *idxd, struct netlink_ext_ack *extack)
{
	union gensts_reg sts;
	int ret;

	mutex_lock(&idxd->dev_lock);
	if (!idxd->live) {
		NL_SET_ERR_MSG_MOD(extack, "the device is going away");
		mutex_unlock(&idxd->dev_lock);
		return -ENODEV;
	}
	if (idxd->resetting) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a function level reset is in progress; it restores the device");
		mutex_unlock(&idxd->dev_lock);
		return -EBUSY;
	}
	sts.bits = ioread32(idxd->regs + IDXD_GENSTATS_OFFSET);
	if (sts.state == IDXD_DEVICE_STATE_HALT &&
	    sts.reset_type != IDXD_DEVICE_RESET_SOFTWARE) {
		/* the PCI core's reset calls back and takes dev_lock */
		mutex_unlock(&idxd->dev_lock);
		if (sts.reset_type == IDXD_DEVICE_RESET_FLR)
			dev_warn(idxd_dev(idxd), "the halted device needs a function level reset: resetting it\n");
		return idxd_recover_by_reset(idxd, sts.reset_type, extack);
	}
	if (idxd->failed || sts.state != IDXD_DEVICE_STATE_ENABLED)
		ret = idxd_device_recover(idxd, extack);
	else
		ret = idxd_wqs_recover(idxd, extack);
	mutex_unlock(&idxd->dev_lock);
	/*
	 * A command the device sits on blocks RESET_DEVICE for ever (the
	 * device ignores commands while one is active): only a function
	 * reset ends it.
	 */
	if (ret == -EBUSY || ret == -ETIMEDOUT) {
		dev_warn(idxd_dev(idxd), "a device command is stuck: resetting the function\n");
		return idxd_recover_by_reset(idxd, IDXD_DEVICE_RESET_FLR, extack);
	}
	return ret;
}
