// SPDX-License-Identifier: GPL-2.0
/*
 * The host's dmaengine DMA_MEMCPY channels, one per host WQ.
 *
 * A channel has as many descriptor slots as its WQ has entries, each with
 * its completion record, so the WQ can never be full when a slot is
 * written to the portal.  Prepared descriptors wait on "pending" until
 * issue_pending writes them; the completion interrupt (a thread) finds
 * finished ones by their completion records and calls back.  While the
 * driver has the WQ stopped (an error, a reset) the channel takes no
 * work: prep returns NULL and submit an error.
 */

#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/interrupt.h>
#include <asm/special_insns.h>

#include "idxd.h"

#define IDXD_HOST_WQ_SIZE	32

struct idxd_desc {
	struct dma_async_tx_descriptor txd;
	struct dsa_hw_desc hw;
	struct dsa_completion_record *comp;
	dma_addr_t comp_dma;
	struct list_head node;
};

/* One channel per host WQ, with as many slots as the WQ has entries. */
struct idxd_chan {
	struct dma_chan chan;
	struct idxd_wq *wq;
	void __iomem *portal;
	char irq_name[24];

	spinlock_t lock;		/* the lists, the cookies, stopped */
	bool stopped;			/* the WQ is not ours to write to */
	struct list_head free, pending, active;
	struct idxd_desc *descs;
	struct dsa_completion_record *comps;
	dma_addr_t comps_dma;
};

struct idxd_dma {
	struct idxd_device *idxd;
	struct dma_device dma;
	unsigned int nr_chans;
	struct idxd_chan chans[] __counted_by(nr_chans);
};

static struct idxd_chan *to_idxd_chan(struct dma_chan *chan)
{
	return container_of(chan, struct idxd_chan, chan);
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
		return -EIO;
	}
	cookie = c->chan.cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	c->chan.cookie = cookie;
	txd->cookie = cookie;
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
			list_del_init(&desc->node);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return desc;
}

static struct dma_async_tx_descriptor *
idxd_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		 size_t len, unsigned long flags)
{
	struct idxd_chan *c = to_idxd_chan(chan);
	u32 max = 1U << c->wq->idxd->caps.gen.max_xfer_shift;
	struct idxd_desc *desc;

	if (!len || len > max)
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
	/* stable while the channel runs: a reset stops it first */
	desc->hw.int_handle = c->wq->int_handle;
	memset(desc->comp, 0, sizeof(*desc->comp));
	dma_async_tx_descriptor_init(&desc->txd, chan);
	desc->txd.flags = flags;
	desc->txd.tx_submit = idxd_tx_submit;
	return &desc->txd;
}

/* One 64-byte store where the CPU can; else the fallback the model takes. */
static void idxd_portal_write(struct idxd_chan *c, const struct dsa_hw_desc *hw)
{
	if (c->wq->idxd->movdir64b)
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
	/* descriptors and completion records written before the device reads */
	wmb();
	list_for_each_entry_safe(desc, next, &c->pending, node) {
		idxd_portal_write(c, &desc->hw);
		list_move_tail(&desc->node, &c->active);
	}
	spin_unlock_irqrestore(&c->lock, flags);
}

static void idxd_callback(struct idxd_desc *desc, u8 status)
{
	struct dmaengine_result res = {
		.result = status == DSA_COMP_SUCCESS ? DMA_TRANS_NOERROR :
						       DMA_TRANS_ABORTED,
	};

	if (desc->txd.callback_result)
		desc->txd.callback_result(desc->txd.callback_param, &res);
	else if (desc->txd.callback)
		desc->txd.callback(desc->txd.callback_param);
}

/* Call back for each of @list, with its status or @force, then free it. */
static void idxd_complete_list(struct idxd_chan *c, struct list_head *list,
			       u8 force)
{
	struct idxd_desc *desc, *next;
	unsigned long flags;
	u8 status;

	list_for_each_entry_safe(desc, next, list, node) {
		status = force ? force : DSA_COMP_STATUS(desc->comp->status);
		if (status != DSA_COMP_SUCCESS && !force)
			dev_err_ratelimited(idxd_dev(c->wq->idxd),
					    "WQ %d: memcpy completed with status %#x\n",
					    c->wq->id, status);
		idxd_callback(desc, status);
		spin_lock_irqsave(&c->lock, flags);
		list_move_tail(&desc->node, &c->free);
		spin_unlock_irqrestore(&c->lock, flags);
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
		if (!READ_ONCE(desc->comp->status))
			continue;
		list_move_tail(&desc->node, &done);
		/* one WQ runs in order: the last one done is the newest */
		c->chan.completed_cookie = desc->txd.cookie;
	}
	spin_unlock_irqrestore(&c->lock, flags);

	/* the record's status before the data it vouches for */
	rmb();
	idxd_complete_list(c, &done, 0);
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
	dma_cookie_t used, done;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	used = chan->cookie;
	done = chan->completed_cookie;
	spin_unlock_irqrestore(&c->lock, flags);
	dma_set_tx_state(state, done, used, 0);
	return dma_async_is_complete(cookie, done, used);
}

static int idxd_alloc_chan_resources(struct dma_chan *chan)
{
	return to_idxd_chan(chan)->wq->size;
}

static void idxd_free_chan_resources(struct dma_chan *chan)
{
}

/* idxd_wq_ops: the driver takes the WQ away and gives it back. */

static void idxd_chan_stop(struct idxd_wq *wq)
{
	struct idxd_chan *c = wq->priv;
	unsigned long flags;
	LIST_HEAD(unsent);

	spin_lock_irqsave(&c->lock, flags);
	c->stopped = true;
	list_splice_tail_init(&c->pending, &unsent);
	spin_unlock_irqrestore(&c->lock, flags);
	idxd_complete_list(c, &unsent, DSA_COMP_NONE);
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
	list_splice_tail_init(&c->active, &lost);
	/* all it was given has ended, failed or not: tx_status says so */
	c->chan.completed_cookie = c->chan.cookie;
	spin_unlock_irqrestore(&c->lock, flags);
	idxd_complete_list(c, &lost, DSA_COMP_NONE);
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

static int idxd_chan_slots_init(struct idxd_chan *c, u16 size)
{
	struct device *dev = idxd_dev(c->wq->idxd);
	int i;

	c->descs = devm_kcalloc(dev, size, sizeof(*c->descs), GFP_KERNEL);
	if (!c->descs)
		return -ENOMEM;
	c->comps = dmam_alloc_coherent(dev, size * sizeof(*c->comps),
				       &c->comps_dma, GFP_KERNEL);
	if (!c->comps)
		return -ENOMEM;
	spin_lock_init(&c->lock);
	c->stopped = true;
	INIT_LIST_HEAD(&c->free);
	INIT_LIST_HEAD(&c->pending);
	INIT_LIST_HEAD(&c->active);
	for (i = 0; i < size; i++) {
		c->descs[i].comp = &c->comps[i];
		c->descs[i].comp_dma = c->comps_dma + i * sizeof(*c->comps);
		list_add_tail(&c->descs[i].node, &c->free);
	}
	return 0;
}

/* Host WQ i is channel i and completes on MSI-X vector 1 + i. */
static int idxd_chan_init(struct idxd_dma *d, unsigned int i, u16 size)
{
	struct idxd_device *idxd = d->idxd;
	struct idxd_chan *c = &d->chans[i];
	int ret;

	c->wq = &idxd->wqs[i];
	c->portal = idxd_wq_portal(c->wq);
	ret = idxd_chan_slots_init(c, size);
	if (ret)
		return ret;
	snprintf(c->irq_name, sizeof(c->irq_name), "idxd-wq%u", i);
	ret = devm_request_threaded_irq(idxd_dev(idxd),
					pci_irq_vector(idxd->pdev, 1 + i),
					NULL, idxd_completion_thread,
					IRQF_ONESHOT, c->irq_name, c);
	if (ret) {
		dev_err(idxd_dev(idxd), "cannot request the WQ %u interrupt: %d\n",
			i, ret);
		return ret;
	}
	ret = idxd_wq_claim(c->wq, size, 1 + i, "host", &idxd_chan_ops, c);
	if (ret)
		return ret;
	c->chan.device = &d->dma;
	list_add_tail(&c->chan.device_node, &d->dma.channels);
	return 0;
}

static void idxd_dma_device_init(struct idxd_dma *d)
{
	struct dma_device *dma = &d->dma;

	dma->dev = idxd_dev(d->idxd);
	dma_cap_set(DMA_MEMCPY, dma->cap_mask);
	dma->device_alloc_chan_resources = idxd_alloc_chan_resources;
	dma->device_free_chan_resources = idxd_free_chan_resources;
	dma->device_prep_dma_memcpy = idxd_prep_memcpy;
	dma->device_issue_pending = idxd_issue_pending;
	dma->device_tx_status = idxd_tx_status;
	INIT_LIST_HEAD(&dma->channels);
}

/* Configure the device with the host WQs and enable each. */
static int idxd_dma_enable(struct idxd_dma *d)
{
	struct idxd_device *idxd = d->idxd;
	unsigned int i;
	int ret;

	mutex_lock(&idxd->dev_lock);
	ret = idxd_device_config(idxd);
	for (i = 0; !ret && i < d->nr_chans; i++)
		ret = idxd_wq_start(d->chans[i].wq);
	mutex_unlock(&idxd->dev_lock);
	return ret;
}

/**
 * idxd_dma_setup() - the host WQs and their DMA_MEMCPY channels
 * @idxd: the device, reset, with MSI-X vectors 0 to host_wqs
 *
 * Each host WQ gets an equal share of at most IDXD_HOST_WQ_SIZE entries.
 *
 * Return: 0 or an error (logged); device-managed on success.
 */
int idxd_dma_setup(struct idxd_device *idxd)
{
	unsigned int i, n = idxd->host_wqs;
	u16 size = min_t(u16, IDXD_HOST_WQ_SIZE,
			 idxd->caps.wq.total_wq_size / n);
	struct idxd_dma *d;
	int ret;

	d = devm_kzalloc(idxd_dev(idxd), struct_size(d, chans, n), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->idxd = idxd;
	d->nr_chans = n;
	idxd_dma_device_init(d);
	for (i = 0; i < n; i++) {
		ret = idxd_chan_init(d, i, size);
		if (ret)
			return ret;
	}
	ret = idxd_dma_enable(d);
	if (ret)
		return ret;
	ret = dmaenginem_async_device_register(&d->dma);
	if (ret) {
		dev_err(idxd_dev(idxd), "cannot register the DMA device: %d\n",
			ret);
		return ret;
	}
	idxd->dma = d;
	return 0;
}
