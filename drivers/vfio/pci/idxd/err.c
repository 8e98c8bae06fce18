// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: the guest's software errors.
 *
 * A descriptor the portal filter refuses, and an error the device logged
 * for the subfunction's WQ, reach the guest as the device would report
 * them: in its event log when GENCFG.evl_en is set (written into guest
 * memory through the VFIO container), else in SWERR (the first error;
 * later ones set overflow).  INTCAUSE and MSI-X vector 0 say so when the
 * guest enabled the interrupt.
 */

#include <linux/vfio.h>
#include <linux/workqueue.h>
#include "vidxd.h"

static u32 vidxd_evl_size(struct vidxd *v)
{
	return max_t(u32, v->regs.evlcfg.size, IDXD_EVL_SIZE_MIN);
}

/* An event log entry at the tail; false if the log is full or unwritable. */
static bool vidxd_evl_log(struct vidxd *v, const union sw_err_reg *err)
{
	struct vidxd_regs *r = &v->regs;
	struct {
		struct idxd_evl_entry_head head;
		struct dsa_completion_record cr;
	} __packed e = { };
	u32 tail = r->evlsts.tail, next = (tail + 1) % vidxd_evl_size(v);
	u64 addr;

	BUILD_BUG_ON(sizeof(e) != IDXD_EVL_ENTRY_SIZE);
	if (!r->gencfg.evl_en || next == r->evlsts.head)
		return false;
	e.head.desc_valid = err->desc_valid;
	e.head.wq_idx_valid = err->wq_idx_valid;
	e.head.batch = err->batch;
	e.head.fault_rw = err->fault_rw;
	e.head.err_info_valid = err->err_info_valid;
	e.head.error = err->error;
	e.head.operation = err->operation;
	e.head.batch_idx = err->batch_idx;
	e.head.invalid_flags = err->invalid_flags;
	e.head.fault_addr = err->fault_addr;
	e.cr.status = err->error;
	e.cr.fault_addr = err->fault_addr;
	addr = ((u64)r->evlcfg.base_addr << 12) + (u64)tail * sizeof(e);
	if (vfio_dma_rw(&v->vdev, addr, &e, sizeof(e), true))
		return false;
	r->evlsts.tail = next;
	r->evlsts.int_pending = 1;
	if (r->genctrl.evl_int_en) {
		r->intcause |= IDXD_INTC_EVL;
		vidxd_irq_signal(v, 0);
	}
	return true;
}

/* With v->lock held.  The guest's WQ is always WQ 0. */
void vidxd_guest_error(struct vidxd *v, union sw_err_reg err)
{
	struct vidxd_regs *r = &v->regs;

	err.valid = 0;
	err.overflow = 0;
	err.pasid = 0;
	err.priv = 0;
	/* the guest's driver indexes its WQs by it: there is one, WQ 0 */
	err.wq_idx = 0;
	if (vidxd_evl_log(v, &err))
		return;
	if (r->swerr.valid) {
		r->swerr.overflow = 1;
	} else {
		r->swerr = err;
		r->swerr.valid = 1;
	}
	if (r->genctrl.softerr_int_en) {
		r->intcause |= IDXD_INTC_ERR;
		vidxd_irq_signal(v, 0);
	}
}

/*
 * The errors the core passed on reach the guest's registers; more than
 * the queue held are one overflow.  With v->lock held.
 */
void vidxd_errq_deliver(struct vidxd *v)
{
	struct vidxd_err_queue *q = &v->errq;
	union sw_err_reg err[VIDXD_ERR_QUEUE];
	unsigned int i, n;
	bool overflow, restarted;

	lockdep_assert_held(&v->lock);
	spin_lock_irq(&q->lock);
	n = q->count;
	memcpy(err, q->err, n * sizeof(err[0]));
	overflow = q->overflow;
	restarted = q->restarted;
	q->count = 0;
	q->overflow = false;
	q->restarted = false;
	spin_unlock_irq(&q->lock);

	for (i = 0; i < n; i++)
		vidxd_guest_error(v, err[i]);
	if (overflow && v->regs.swerr.valid)
		v->regs.swerr.overflow = 1;
	if (restarted)
		vidxd_handle_revoke(v);
}

static void vidxd_errq_work(struct work_struct *work)
{
	struct vidxd *v = container_of(work, struct vidxd, errq.work);

	mutex_lock(&v->lock);
	vidxd_errq_deliver(v);
	mutex_unlock(&v->lock);
}

/*
 * The core reset the SF's WQ and granted its interrupt again: the
 * guest's handle is revoked, as a device reset revokes handles, and the
 * guest asks for it again (the stock driver does on
 * INTCAUSE.INT_HANDLE_REVOKED).
 */
void vidxd_handle_revoke(struct vidxd *v)
{
	if (!v->regs.handle_granted)
		return;
	v->regs.handle_granted = false;
	v->regs.intcause |= IDXD_INTC_INT_HANDLE_REVOKED;
	vidxd_irq_signal(v, 0);
}

void vidxd_errq_init(struct vidxd *v)
{
	spin_lock_init(&v->errq.lock);
	INIT_WORK(&v->errq.work, vidxd_errq_work);
}

/*
 * What the core queued is dropped: errors of the device's life before a
 * reset never reach the next (nor revoke a handle it granted since).
 */
void vidxd_errq_discard(struct vidxd *v)
{
	struct vidxd_err_queue *q = &v->errq;

	spin_lock_irq(&q->lock);
	q->count = 0;
	q->overflow = false;
	q->restarted = false;
	spin_unlock_irq(&q->lock);
}

/* After the ops are cleared: no error of this use reaches the next. */
void vidxd_errq_flush(struct vidxd *v)
{
	cancel_work_sync(&v->errq.work);
	vidxd_errq_discard(v);
}

/*
 * The core passes on an error the device logged for the SF's WQ, with
 * its locks held: v->lock may not be taken here (the consumer contract
 * of <linux/idxd_sf.h>), so the error waits in a queue for a work item.
 */
static void vidxd_sf_error(struct idxd_sf_dev *sfdev, const u64 *swerr,
			   void *priv)
{
	struct vidxd *v = priv;
	struct vidxd_err_queue *q = &v->errq;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (q->count < VIDXD_ERR_QUEUE)
		memcpy(q->err[q->count++].bits, swerr, sizeof(q->err[0].bits));
	else
		q->overflow = true;
	spin_unlock_irqrestore(&q->lock, flags);
	schedule_work(&q->work);
}

/*
 * Down: the filter refuses what the guest writes as the device would
 * (0x30), rather than have the PF log an error for each descriptor.
 */
static void vidxd_sf_stop(struct idxd_sf_dev *sfdev, void *priv)
{
	struct vidxd *v = priv;

	spin_lock(&v->submit_lock);
	WRITE_ONCE(v->wq_down, true);
	spin_unlock(&v->submit_lock);
	atomic_inc(&v->stops);
}

/* Back, with the interrupt handle granted again: revoke the guest's. */
static void vidxd_sf_start(struct idxd_sf_dev *sfdev, void *priv)
{
	struct vidxd *v = priv;
	unsigned long flags;

	WRITE_ONCE(v->wq_down, false);

	spin_lock_irqsave(&v->errq.lock, flags);
	v->errq.restarted = true;
	spin_unlock_irqrestore(&v->errq.lock, flags);
	schedule_work(&v->errq.work);
}

const struct idxd_sf_ops vidxd_sf_ops = {
	.error = vidxd_sf_error,
	.stop = vidxd_sf_stop,
	.start = vidxd_sf_start,
};
