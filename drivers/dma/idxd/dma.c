// SPDX-License-Identifier: GPL-2.0
/*
 * The host's dmaengine DMA_MEMCPY channels, one per host WQ.
 *
 * A channel has as many descriptor slots as its WQ has entries, each with
 * its completion record, so the WQ can never be full when a slot is
 * written to the portal.  A slot moves from "free" to "prepared" (prep),
 * "pending" (submit), "active" (issue_pending writes it to the portal) and
 * back to "free" when the completion thread finds its record written, or
 * when the driver fails it.  While the driver has the WQ stopped (an
 * error, a reset, unbinding) the channel takes no work: prep returns NULL
 * and submit an error.
 *
 * Each cookie's outcome (in flight, done, failed) is kept in a ring
 * indexed by the cookie, so tx_status answers for every one of the last
 * IDXD_OUTCOMES cookies whatever order they finished in; an older cookie
 * reads DMA_COMPLETE.
 *
 * The channels are private (DMA_PRIVATE): only a client that asks for one
 * by dma_request_channel() gets it.  async_tx, which takes every public
 * DMA_MEMCPY channel, reuses descriptors only once acked (DMA_CTRL_ACK)
 * and treats a failed transfer as fatal; these channels recycle slots
 * without waiting for the ack and report failures.
 *
 * The channels' memory belongs to the DMA device and is freed by its
 * release callback, after the last client let go: a client may hold a
 * channel across an unbind, and then finds it stopped.
 */

#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/interrupt.h>
#include <linux/wait.h>
#include <asm/special_insns.h>

#include "idxd.h"

#define IDXD_HOST_WQ_SIZE	32
#define IDXD_SYNC_TIMEOUT_MS	5000
/* cookies whose outcome tx_status remembers; a power of two */
#define IDXD_OUTCOMES		1024

enum idxd_outcome {
	IDXD_OUTCOME_IN_FLIGHT,
	IDXD_OUTCOME_DONE,
	IDXD_OUTCOME_FAILED,
};

struct idxd_cookie_outcome {
	dma_cookie_t cookie;
	enum idxd_outcome outcome;
};

struct idxd_desc {
	struct dma_async_tx_descriptor txd;
	struct dsa_hw_desc hw;
	struct dsa_completion_record *comp;
	dma_addr_t comp_dma;
	struct list_head node;
};

/* One channel per host WQ; what it needs after unbind is its own. */
struct idxd_chan {
	struct dma_chan chan;
	struct idxd_wq *wq;		/* only while not stopped */
	void __iomem *portal;
	bool movdir64b;
	u16 size;
	u32 max_xfer;
	char irq_name[24];

	spinlock_t lock;		/* lists, cookies, stopped, outcomes */
	bool stopped;			/* the WQ is not ours to write to */
	bool ready;			/* its vector, interrupt and WQ held */
	struct msi_map vec;		/* its completion vector */
	unsigned int completing;	/* taken off the lists, not called back */
	struct list_head free, prepared, pending, active;
	dma_cookie_t issued;		/* the newest cookie written */
	struct idxd_cookie_outcome *outcomes;	/* IDXD_OUTCOMES of them */
	wait_queue_head_t idle;		/* active became empty */
	struct idxd_desc *descs;
	struct dsa_completion_record *comps;
	dma_addr_t comps_dma;
};

struct idxd_dma {
	struct pci_dev *pdev;		/* referenced until release */
	struct dma_device dma;
	bool registered;
	bool gone;			/* unbound: no new client */
	struct task_struct *unregistering;
	bool released;
	struct list_head orphan;
	unsigned int nr_chans;
	struct idxd_chan chans[] __counted_by(nr_chans);
};

static struct idxd_chan *to_idxd_chan(struct dma_chan *chan)
{
	return container_of(chan, struct idxd_chan, chan);
}

static struct idxd_cookie_outcome *idxd_outcome(struct idxd_chan *c,
						dma_cookie_t cookie)
{
	return &c->outcomes[cookie & (IDXD_OUTCOMES - 1)];
}

/* How @desc ended, for tx_status.  Channel lock held. */
static void idxd_outcome_set(struct idxd_chan *c, struct idxd_desc *desc,
			     enum idxd_outcome outcome)
{
	struct idxd_cookie_outcome *o = idxd_outcome(c, desc->txd.cookie);

	o->cookie = desc->txd.cookie;
	o->outcome = outcome;
}

/* While the WQ is stopped nothing is queued: the client hears at once. */
static dma_cookie_t idxd_tx_submit(struct dma_async_tx_descriptor *txd)
{
	struct idxd_chan *c = to_idxd_chan(txd->chan);
	struct idxd_desc *desc = container_of(txd, struct idxd_desc, txd);
	unsigned long flags;
	dma_cookie_t cookie;

	spin_lock_irqsave(&c->lock, flags);
	if (c->stopped) {
		list_move_tail(&desc->node, &c->free);
		spin_unlock_irqrestore(&c->lock, flags);
		dma_descriptor_unmap(txd);
		return -EIO;
	}
	cookie = c->chan.cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	c->chan.cookie = cookie;
	txd->cookie = cookie;
	idxd_outcome_set(c, desc, IDXD_OUTCOME_IN_FLIGHT);
	list_move_tail(&desc->node, &c->pending);
	spin_unlock_irqrestore(&c->lock, flags);
	return cookie;
}

static struct idxd_desc *idxd_desc_get(struct idxd_chan *c)
{
	struct idxd_desc *desc = NULL;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	if (!c->stopped) {
		desc = list_first_entry_or_null(&c->free, struct idxd_desc,
						node);
		if (desc)
			list_move_tail(&desc->node, &c->prepared);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return desc;
}

static struct dma_async_tx_descriptor *
idxd_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		 size_t len, unsigned long flags)
{
	struct idxd_chan *c = to_idxd_chan(chan);
	struct idxd_desc *desc;

	if (!len || len > c->max_xfer)
		return NULL;
	desc = idxd_desc_get(c);
	if (!desc)
		return NULL;

	memset(&desc->hw, 0, sizeof(desc->hw));
	desc->hw.opcode = DSA_OPCODE_MEMMOVE;
	desc->hw.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR |
			 IDXD_OP_FLAG_RCI | IDXD_OP_FLAG_CC;
	desc->hw.completion_addr = desc->comp_dma;
	desc->hw.src_addr = src;
	desc->hw.dst_addr = dst;
	desc->hw.xfer_size = len;
	memset(desc->comp, 0, sizeof(*desc->comp));
	/* a reused slot keeps nothing of its last user */
	dma_async_tx_descriptor_init(&desc->txd, chan);
	desc->txd.flags = flags;
	desc->txd.tx_submit = idxd_tx_submit;
	desc->txd.callback = NULL;
	desc->txd.callback_result = NULL;
	desc->txd.callback_param = NULL;
	desc->txd.unmap = NULL;
	return &desc->txd;
}

/* One 64-byte store where the CPU can; else the fallback the model takes. */
static void idxd_portal_write(struct idxd_chan *c, const struct dsa_hw_desc *hw)
{
	if (c->movdir64b)
		movdir64b_io(c->portal, hw);
	else
		__iowrite64_copy(c->portal, hw, sizeof(*hw) / sizeof(u64));
}

static void idxd_issue_pending(struct dma_chan *chan)
{
	struct idxd_chan *c = to_idxd_chan(chan);
	struct idxd_desc *desc, *next;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	list_for_each_entry_safe(desc, next, &c->pending, node) {
		/* the handle of now: a reset since prep revoked the old one */
		desc->hw.int_handle = c->wq->int_handle;
		/* descriptor and completion record before the device reads */
		wmb();
		idxd_portal_write(c, &desc->hw);
		c->issued = desc->txd.cookie;
		list_move_tail(&desc->node, &c->active);
	}
	/*
	 * MOVDIR64B stores are weakly ordered: fence them before the lock
	 * goes, so none reaches the device after a stop that took the lock
	 * (and then a DISABLE_WQ) has run.
	 */
	wmb();
	spin_unlock_irqrestore(&c->lock, flags);
}

/*
 * Nothing in the device and no callback left to run: synchronize may
 * return.  Channel lock held.
 */
static bool idxd_chan_idle_locked(struct idxd_chan *c)
{
	return list_empty(&c->active) && !c->completing;
}

/*
 * Take descriptors off the channel's lists for completion, failed.  Lock
 * held.
 */
static void idxd_take_failed(struct idxd_chan *c, struct list_head *from,
			     struct list_head *to)
{
	struct idxd_desc *desc;

	list_for_each_entry(desc, from, node)
		idxd_outcome_set(c, desc, IDXD_OUTCOME_FAILED);
	c->completing += list_count_nodes(from);
	list_splice_tail_init(from, to);
}

/* The callback as terminate_all may have left it: read under the lock. */
static void idxd_callback(struct idxd_chan *c, struct idxd_desc *desc,
			  bool ok)
{
	struct dmaengine_result res = {
		.result = ok ? DMA_TRANS_NOERROR : DMA_TRANS_ABORTED,
	};
	dma_async_tx_callback_result callback_result;
	dma_async_tx_callback callback;
	unsigned long flags;
	void *param;

	spin_lock_irqsave(&c->lock, flags);
	callback_result = desc->txd.callback_result;
	callback = desc->txd.callback;
	param = desc->txd.callback_param;
	spin_unlock_irqrestore(&c->lock, flags);
	dma_descriptor_unmap(&desc->txd);
	if (callback_result)
		callback_result(param, &res);
	else if (callback)
		callback(param);
}

/*
 * Call back for each of @list, failed if @abort or by its record, and
 * free it.  @list was taken off the channel's lists under its lock.
 */
static void idxd_complete_list(struct idxd_chan *c, struct list_head *list,
			       bool abort)
{
	struct idxd_desc *desc, *next;
	unsigned long flags;
	u8 status;

	list_for_each_entry_safe(desc, next, list, node) {
		status = DSA_COMP_STATUS(desc->comp->status);
		if (!abort && status != DSA_COMP_SUCCESS)
			pr_err_ratelimited("%s: memcpy completed with status %#x\n",
					   dma_chan_name(&c->chan), status);
		idxd_callback(c, desc, !abort && status == DSA_COMP_SUCCESS);
		spin_lock_irqsave(&c->lock, flags);
		list_move_tail(&desc->node, &c->free);
		c->completing--;
		if (idxd_chan_idle_locked(c))
			wake_up(&c->idle);
		spin_unlock_irqrestore(&c->lock, flags);
	}
}

/*
 * Cookies up to the oldest unfinished one are complete: the device may
 * finish a WQ's descriptors out of order, but tx_status must never call
 * one complete before it is.  Channel lock held.
 */
static void idxd_cookies_update(struct idxd_chan *c)
{
	struct idxd_desc *oldest;

	oldest = list_first_entry_or_null(&c->active, struct idxd_desc, node);
	if (!oldest) {
		c->chan.completed_cookie = c->issued;
		if (!c->completing)
			wake_up(&c->idle);
	} else if (oldest->txd.cookie == DMA_MIN_COOKIE) {
		/* cookies wrap from INT_MAX to DMA_MIN_COOKIE */
		c->chan.completed_cookie = INT_MAX;
	} else {
		c->chan.completed_cookie = oldest->txd.cookie - 1;
	}
}

/* Complete every active descriptor whose record the device has written. */
static void idxd_reap(struct idxd_chan *c)
{
	struct idxd_desc *desc, *next;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&c->lock, flags);
	list_for_each_entry_safe(desc, next, &c->active, node) {
		u8 status = READ_ONCE(desc->comp->status);

		if (status) {
			idxd_outcome_set(c, desc,
					 DSA_COMP_STATUS(status) == DSA_COMP_SUCCESS ?
					 IDXD_OUTCOME_DONE : IDXD_OUTCOME_FAILED);
			list_move_tail(&desc->node, &done);
			c->completing++;
		}
	}
	idxd_cookies_update(c);
	spin_unlock_irqrestore(&c->lock, flags);

	/* the record's status before the data it vouches for */
	rmb();
	idxd_complete_list(c, &done, false);
}

static irqreturn_t idxd_completion_thread(int irq, void *data)
{
	idxd_reap(data);
	return IRQ_HANDLED;
}

static enum dma_status idxd_tx_status(struct dma_chan *chan,
				      dma_cookie_t cookie,
				      struct dma_tx_state *state)
{
	struct idxd_chan *c = to_idxd_chan(chan);
	struct idxd_cookie_outcome *o;
	enum dma_status status;
	dma_cookie_t used, done;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	used = chan->cookie;
	done = chan->completed_cookie;
	status = dma_async_is_complete(cookie, done, used);
	/* its own outcome, also when it finished before older cookies */
	o = idxd_outcome(c, cookie);
	if (o->cookie == cookie && o->outcome == IDXD_OUTCOME_FAILED)
		status = DMA_ERROR;
	else if (o->cookie == cookie && o->outcome == IDXD_OUTCOME_DONE)
		status = DMA_COMPLETE;
	spin_unlock_irqrestore(&c->lock, flags);
	dma_set_tx_state(state, done, used, 0);
	return status;
}

/*
 * Take what was submitted but never written onto @list: it will never
 * run, so its cookies count as ended, failed.  Channel lock held.
 */
static void idxd_take_pending(struct idxd_chan *c, struct list_head *list)
{
	struct idxd_desc *last;

	if (list_empty(&c->pending))
		return;
	last = list_last_entry(&c->pending, struct idxd_desc, node);
	c->issued = last->txd.cookie;
	idxd_take_failed(c, &c->pending, list);
	idxd_cookies_update(c);
}

/*
 * Drop what was submitted but never written, and silence what the device
 * still has: dmaengine calls back no aborted transfer.
 */
static int idxd_terminate_all(struct dma_chan *chan)
{
	struct idxd_chan *c = to_idxd_chan(chan);
	struct idxd_desc *desc;
	unsigned long flags;
	LIST_HEAD(dropped);

	spin_lock_irqsave(&c->lock, flags);
	idxd_take_pending(c, &dropped);
	list_for_each_entry(desc, &dropped, node)
		dma_descriptor_unmap(&desc->txd);
	list_for_each_entry(desc, &c->active, node) {
		desc->txd.callback = NULL;
		desc->txd.callback_result = NULL;
	}
	c->completing -= list_count_nodes(&dropped);
	list_splice_tail_init(&dropped, &c->free);
	spin_unlock_irqrestore(&c->lock, flags);
	return 0;
}

static bool idxd_chan_idle(struct idxd_chan *c)
{
	unsigned long flags;
	bool idle;

	spin_lock_irqsave(&c->lock, flags);
	idle = idxd_chan_idle_locked(c);
	spin_unlock_irqrestore(&c->lock, flags);
	return idle;
}

/*
 * What the device has cannot be recalled: wait until it is done, however
 * long, since the client frees what they point to once this returns.  A
 * device that sits on them is reported every IDXD_SYNC_TIMEOUT_MS; error
 * handling or a reset ends the wait by failing them.
 */
static void idxd_synchronize(struct dma_chan *chan)
{
	struct idxd_chan *c = to_idxd_chan(chan);
	unsigned int waited = 0;

	while (!wait_event_timeout(c->idle, idxd_chan_idle(c),
				   msecs_to_jiffies(IDXD_SYNC_TIMEOUT_MS))) {
		waited += IDXD_SYNC_TIMEOUT_MS;
		pr_err("%s: descriptors still in the device after %u ms\n",
		       dma_chan_name(chan), waited);
	}
}

static struct idxd_dma *to_idxd_dma(struct dma_device *dma)
{
	return container_of(dma, struct idxd_dma, dma);
}

/* Not -ENODEV: dmaengine would drop the device from its list twice. */
static int idxd_alloc_chan_resources(struct dma_chan *chan)
{
	if (READ_ONCE(to_idxd_dma(chan->device)->gone))
		return -EIO;
	return to_idxd_chan(chan)->size;
}

/* The client is gone: take back what it prepared and left. */
static void idxd_free_chan_resources(struct dma_chan *chan)
{
	struct idxd_chan *c = to_idxd_chan(chan);
	unsigned long flags;

	idxd_terminate_all(chan);
	idxd_synchronize(chan);
	spin_lock_irqsave(&c->lock, flags);
	list_splice_tail_init(&c->prepared, &c->free);
	spin_unlock_irqrestore(&c->lock, flags);
}

/* idxd_wq_ops: the driver takes the WQ away and gives it back. */

static void idxd_chan_stop(struct idxd_wq *wq)
{
	struct idxd_chan *c = wq->priv;
	unsigned long flags;
	LIST_HEAD(unsent);

	spin_lock_irqsave(&c->lock, flags);
	c->stopped = true;
	idxd_take_pending(c, &unsent);
	spin_unlock_irqrestore(&c->lock, flags);
	idxd_complete_list(c, &unsent, true);
}

static void idxd_chan_flush(struct idxd_wq *wq)
{
	struct idxd_chan *c = wq->priv;
	unsigned int irq = pci_irq_vector(wq->idxd->pdev, wq->vector);
	unsigned long flags;
	LIST_HEAD(lost);

	/* the completion thread must not run the lists meanwhile */
	disable_irq(irq);
	idxd_reap(c);
	spin_lock_irqsave(&c->lock, flags);
	idxd_take_failed(c, &c->active, &lost);
	idxd_cookies_update(c);
	spin_unlock_irqrestore(&c->lock, flags);
	idxd_complete_list(c, &lost, true);
	enable_irq(irq);
}

static void idxd_chan_start(struct idxd_wq *wq)
{
	struct idxd_chan *c = wq->priv;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->stopped = false;
	spin_unlock_irqrestore(&c->lock, flags);
}

static const struct idxd_wq_ops idxd_chan_ops = {
	.stop = idxd_chan_stop,
	.flush = idxd_chan_flush,
	.start = idxd_chan_start,
};

/* While bound: after unbind, DMA memory may outlive the IOMMU's hold. */
static void idxd_chan_free_comps(struct idxd_dma *d, struct idxd_chan *c)
{
	if (c->comps)
		dma_free_coherent(&d->pdev->dev, c->size * sizeof(*c->comps),
				  c->comps, c->comps_dma);
	c->comps = NULL;
}

static void idxd_chan_free(struct idxd_dma *d, struct idxd_chan *c)
{
	idxd_chan_free_comps(d, c);
	kfree(c->descs);
	kfree(c->outcomes);
}

static void idxd_dma_free(struct idxd_dma *d)
{
	unsigned int i;

	for (i = 0; i < d->nr_chans; i++)
		idxd_chan_free(d, &d->chans[i]);
	pci_dev_put(d->pdev);
	kfree(d);
}

/*
 * DMA devices whose last client let go after the unbind.  That client's
 * dma_release_channel() still touches the channel after the release
 * callback returns, so their memory goes at module unload.
 */
static DEFINE_SPINLOCK(idxd_dma_orphans_lock);
static LIST_HEAD(idxd_dma_orphans);

static void idxd_dma_release(struct dma_device *dma)
{
	struct idxd_dma *d = to_idxd_dma(dma);

	/* within our own unregister, which frees it when done */
	if (d->unregistering == current) {
		d->released = true;
		return;
	}
	spin_lock(&idxd_dma_orphans_lock);
	list_add_tail(&d->orphan, &idxd_dma_orphans);
	spin_unlock(&idxd_dma_orphans_lock);
}

static bool idxd_dma_no_chan(struct dma_chan *chan, void *param)
{
	return false;
}

/*
 * Module unload: no client holds a channel of ours any more, but the
 * last one's dma_release_channel() may still be finishing, under
 * dmaengine's list mutex, after it dropped the module.  Asking for a
 * channel nobody matches takes and releases that mutex: a barrier.
 */
void idxd_dma_orphans_free(void)
{
	struct idxd_dma *d, *next;
	dma_cap_mask_t mask;

	if (list_empty(&idxd_dma_orphans))
		return;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	dma_request_channel(mask, idxd_dma_no_chan, NULL);
	list_for_each_entry_safe(d, next, &idxd_dma_orphans, orphan)
		idxd_dma_free(d);
}

static void idxd_dma_put(struct idxd_dma *d)
{
	unsigned int i;

	if (!d->registered) {
		idxd_dma_free(d);
		return;
	}
	WRITE_ONCE(d->gone, true);
	d->unregistering = current;
	dma_async_device_unregister(&d->dma);
	d->unregistering = NULL;
	if (d->released) {
		idxd_dma_free(d);
		return;
	}
	/*
	 * A client still holds a channel: it keeps the descriptors it may
	 * point to, but the stopped channel never reads a completion record
	 * again, so those go now, with the device still bound.
	 */
	for (i = 0; i < d->nr_chans; i++)
		idxd_chan_free_comps(d, &d->chans[i]);
}

static int idxd_chan_slots_init(struct idxd_dma *d, struct idxd_chan *c)
{
	int i;

	c->descs = kcalloc(c->size, sizeof(*c->descs), GFP_KERNEL);
	if (!c->descs)
		return -ENOMEM;
	c->outcomes = kcalloc(IDXD_OUTCOMES, sizeof(*c->outcomes), GFP_KERNEL);
	if (!c->outcomes)
		return -ENOMEM;
	c->comps = dma_alloc_coherent(&d->pdev->dev,
				      c->size * sizeof(*c->comps),
				      &c->comps_dma, GFP_KERNEL);
	if (!c->comps)
		return -ENOMEM;
	for (i = 0; i < c->size; i++) {
		c->descs[i].comp = &c->comps[i];
		c->descs[i].comp_dma = c->comps_dma + i * sizeof(*c->comps);
		list_add_tail(&c->descs[i].node, &c->free);
	}
	return 0;
}

/* Channel @c's completions: MSI-X vector 1 + its WQ, and its thread. */
static int idxd_chan_irq(struct idxd_device *idxd, struct idxd_chan *c,
			 unsigned int i)
{
	int ret;

	c->vec = idxd_vector_alloc(idxd, 1 + i);
	if (c->vec.index < 0) {
		dev_err(idxd_dev(idxd), "cannot allocate MSI-X vector %u: %d\n",
			1 + i, c->vec.index);
		return c->vec.index;
	}
	snprintf(c->irq_name, sizeof(c->irq_name), "idxd-wq%u", i);
	ret = request_threaded_irq(c->vec.virq, NULL, idxd_completion_thread,
				   IRQF_ONESHOT, c->irq_name, c);
	if (ret) {
		dev_err(idxd_dev(idxd), "cannot request the WQ %u interrupt: %d\n",
			i, ret);
		idxd_vector_free(idxd, c->vec);
		return ret;
	}
	return 0;
}

static void idxd_chan_irq_free(struct idxd_device *idxd, struct idxd_chan *c)
{
	free_irq(c->vec.virq, c);
	idxd_vector_free(idxd, c->vec);
}

/* Host WQ i is channel i and completes on MSI-X vector 1 + i. */
static int idxd_chan_init(struct idxd_device *idxd, struct idxd_dma *d,
			  unsigned int i, u16 size)
{
	struct idxd_chan *c = &d->chans[i];
	int ret;

	c->wq = &idxd->wqs[i];
	c->portal = idxd_wq_portal(c->wq);
	c->movdir64b = idxd->movdir64b;
	c->size = size;
	c->max_xfer = 1U << idxd->caps.gen.max_xfer_shift;
	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->idle);
	c->stopped = true;
	INIT_LIST_HEAD(&c->free);
	INIT_LIST_HEAD(&c->prepared);
	INIT_LIST_HEAD(&c->pending);
	INIT_LIST_HEAD(&c->active);
	ret = idxd_chan_slots_init(d, c);
	if (ret)
		return ret;
	ret = idxd_chan_irq(idxd, c, i);
	if (ret)
		return ret;
	idxd_wq_claim(c->wq, size, c->vec.index, "host", &idxd_chan_ops, c);
	c->ready = true;
	c->chan.device = &d->dma;
	list_add_tail(&c->chan.device_node, &d->dma.channels);
	return 0;
}

static void idxd_dma_device_init(struct idxd_device *idxd, struct idxd_dma *d)
{
	struct dma_device *dma = &d->dma;

	dma->dev = idxd_dev(idxd);
	dma_cap_set(DMA_MEMCPY, dma->cap_mask);
	/* no public use: async_tx would take the channels (see above) */
	dma_cap_set(DMA_PRIVATE, dma->cap_mask);
	dma->device_alloc_chan_resources = idxd_alloc_chan_resources;
	dma->device_free_chan_resources = idxd_free_chan_resources;
	dma->device_prep_dma_memcpy = idxd_prep_memcpy;
	dma->device_issue_pending = idxd_issue_pending;
	dma->device_tx_status = idxd_tx_status;
	dma->device_terminate_all = idxd_terminate_all;
	dma->device_synchronize = idxd_synchronize;
	dma->device_release = idxd_dma_release;
	INIT_LIST_HEAD(&dma->channels);
}

/**
 * idxd_dma_setup() - the host WQs and their DMA_MEMCPY channels
 * @idxd: the device, with MSI-X vector 0 (idxd_host_up() resets it next)
 *
 * Each host WQ gets an equal share of at most IDXD_HOST_WQ_SIZE entries,
 * a completion vector and the WQ claimed.  The channels start once the
 * device is up (idxd_device_up()) and are registered with dmaengine after
 * (idxd_dma_register()).  idxd_dma_teardown() undoes it, the device
 * quiesced first; the channels' memory goes with the DMA device.
 *
 * Return: 0 or an error (logged), with nothing left behind.
 */
int idxd_dma_setup(struct idxd_device *idxd)
{
	unsigned int i, n = idxd->host_wqs;
	u16 size = min_t(u16, IDXD_HOST_WQ_SIZE,
			 idxd->caps.wq.total_wq_size / n);
	struct idxd_dma *d;
	int ret;

	d = kzalloc(struct_size(d, chans, n), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->nr_chans = n;
	d->pdev = pci_dev_get(idxd->pdev);
	idxd->dma = d;
	idxd_dma_device_init(idxd, d);
	for (i = 0; i < n; i++) {
		ret = idxd_chan_init(idxd, d, i, size);
		if (ret) {
			idxd_dma_teardown(idxd);
			return ret;
		}
	}
	return 0;
}

/**
 * idxd_dma_teardown() - the channels go: WQ claims, interrupts, vectors,
 * then the DMA device (its memory once the last client let go)
 * @idxd: the device, quiesced (no owner runs)
 */
void idxd_dma_teardown(struct idxd_device *idxd)
{
	struct idxd_dma *d = idxd->dma;
	unsigned int i;

	if (!d)
		return;
	for (i = 0; i < d->nr_chans; i++) {
		struct idxd_chan *c = &d->chans[i];

		if (!c->ready)
			continue;
		idxd_wq_unclaim(c->wq);
		idxd_chan_irq_free(idxd, c);
		c->ready = false;
	}
	idxd->dma = NULL;
	idxd_dma_put(d);
}

/**
 * idxd_dma_register() - the channels appear to dmaengine's clients
 * @idxd: the device, up, its host WQs enabled
 *
 * Return: 0 or an error (logged).
 */
int idxd_dma_register(struct idxd_device *idxd)
{
	struct idxd_dma *d = idxd->dma;
	int ret;

	ret = dma_async_device_register(&d->dma);
	if (ret) {
		dev_err(idxd_dev(idxd), "cannot register the DMA device: %d\n",
			ret);
		return ret;
	}
	d->registered = true;
	return 0;
}
