// SPDX-License-Identifier: GPL-2.0
/*
 * The host's dmaengine DMA_MEMCPY channel on the host WQ.
 *
 * A channel has as many descriptor slots as its WQ has entries, each with
 * its completion record, so the WQ can never be full when a slot is
 * written to the portal.  Prepared descriptors wait on "pending" until
 * issue_pending writes them; the completion interrupt (a thread) finds
 * finished ones by their completion records and calls back.
 */

#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/interrupt.h>
#include <asm/special_insns.h>

#include "idxd.h"

#define IDXD_HOST_WQ_SIZE	32
#define IDXD_HOST_VECTOR	1

struct idxd_desc {
	struct dma_async_tx_descriptor txd;
	struct dsa_hw_desc hw;
	struct dsa_completion_record *comp;
	dma_addr_t comp_dma;
	struct list_head node;
};

struct idxd_dma {
	struct idxd_device *idxd;
	struct dma_device dma;
	struct dma_chan chan;
	void __iomem *portal;
	u16 int_handle;

	spinlock_t lock;		/* the three lists and the cookies */
	struct list_head free, pending, active;
	struct idxd_desc descs[IDXD_HOST_WQ_SIZE];
	struct dsa_completion_record *comps;
	dma_addr_t comps_dma;
};

static struct idxd_dma *to_idxd_dma(struct dma_chan *chan)
{
	return container_of(chan, struct idxd_dma, chan);
}

static dma_cookie_t idxd_tx_submit(struct dma_async_tx_descriptor *txd)
{
	struct idxd_dma *d = to_idxd_dma(txd->chan);
	struct idxd_desc *desc = container_of(txd, struct idxd_desc, txd);
	unsigned long flags;
	dma_cookie_t cookie;

	spin_lock_irqsave(&d->lock, flags);
	cookie = d->chan.cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	d->chan.cookie = cookie;
	txd->cookie = cookie;
	list_move_tail(&desc->node, &d->pending);
	spin_unlock_irqrestore(&d->lock, flags);
	return cookie;
}

static struct dma_async_tx_descriptor *
idxd_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
		 size_t len, unsigned long flags)
{
	struct idxd_dma *d = to_idxd_dma(chan);
	u32 max = 1U << d->idxd->caps.gen.max_xfer_shift;
	struct idxd_desc *desc;
	unsigned long lflags;

	if (!len || len > max)
		return NULL;
	spin_lock_irqsave(&d->lock, lflags);
	desc = list_first_entry_or_null(&d->free, struct idxd_desc, node);
	if (desc)
		list_del_init(&desc->node);
	spin_unlock_irqrestore(&d->lock, lflags);
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
	desc->hw.int_handle = d->int_handle;
	memset(desc->comp, 0, sizeof(*desc->comp));
	dma_async_tx_descriptor_init(&desc->txd, chan);
	desc->txd.flags = flags;
	desc->txd.tx_submit = idxd_tx_submit;
	return &desc->txd;
}

/* One 64-byte store where the CPU can; else the fallback the model takes. */
static void idxd_portal_write(struct idxd_dma *d, const struct dsa_hw_desc *hw)
{
	if (d->idxd->movdir64b)
		movdir64b_io(d->portal, hw);
	else
		__iowrite64_copy(d->portal, hw, sizeof(*hw) / sizeof(u64));
}

static void idxd_issue_pending(struct dma_chan *chan)
{
	struct idxd_dma *d = to_idxd_dma(chan);
	struct idxd_desc *desc, *next;
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	/* descriptors and completion records written before the device reads */
	wmb();
	list_for_each_entry_safe(desc, next, &d->pending, node) {
		idxd_portal_write(d, &desc->hw);
		list_move_tail(&desc->node, &d->active);
	}
	spin_unlock_irqrestore(&d->lock, flags);
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

static irqreturn_t idxd_completion_thread(int irq, void *data)
{
	struct idxd_dma *d = data;
	struct idxd_desc *desc, *next;
	unsigned long flags;
	LIST_HEAD(done);
	u8 status;

	spin_lock_irqsave(&d->lock, flags);
	list_for_each_entry_safe(desc, next, &d->active, node) {
		if (!READ_ONCE(desc->comp->status))
			continue;
		list_move_tail(&desc->node, &done);
		/* one WQ runs in order: the last one done is the newest */
		d->chan.completed_cookie = desc->txd.cookie;
	}
	spin_unlock_irqrestore(&d->lock, flags);

	/* the record's status before the data it vouches for */
	rmb();
	list_for_each_entry_safe(desc, next, &done, node) {
		status = DSA_COMP_STATUS(desc->comp->status);
		if (status != DSA_COMP_SUCCESS)
			dev_err_ratelimited(idxd_dev(d->idxd),
					    "memcpy completed with status %#x\n",
					    status);
		idxd_callback(desc, status);
		spin_lock_irqsave(&d->lock, flags);
		list_move_tail(&desc->node, &d->free);
		spin_unlock_irqrestore(&d->lock, flags);
	}
	return IRQ_HANDLED;
}

static enum dma_status idxd_tx_status(struct dma_chan *chan,
				      dma_cookie_t cookie,
				      struct dma_tx_state *state)
{
	struct idxd_dma *d = to_idxd_dma(chan);
	dma_cookie_t used, done;
	unsigned long flags;

	spin_lock_irqsave(&d->lock, flags);
	used = chan->cookie;
	done = chan->completed_cookie;
	spin_unlock_irqrestore(&d->lock, flags);
	dma_set_tx_state(state, done, used, 0);
	return dma_async_is_complete(cookie, done, used);
}

static int idxd_alloc_chan_resources(struct dma_chan *chan)
{
	return IDXD_HOST_WQ_SIZE;
}

static void idxd_free_chan_resources(struct dma_chan *chan)
{
}

static int idxd_dma_slots_init(struct idxd_dma *d)
{
	struct device *dev = idxd_dev(d->idxd);
	int i;

	d->comps = dmam_alloc_coherent(dev, IDXD_HOST_WQ_SIZE * sizeof(*d->comps),
				       &d->comps_dma, GFP_KERNEL);
	if (!d->comps)
		return -ENOMEM;
	spin_lock_init(&d->lock);
	INIT_LIST_HEAD(&d->free);
	INIT_LIST_HEAD(&d->pending);
	INIT_LIST_HEAD(&d->active);
	for (i = 0; i < IDXD_HOST_WQ_SIZE; i++) {
		d->descs[i].comp = &d->comps[i];
		d->descs[i].comp_dma = d->comps_dma + i * sizeof(*d->comps);
		list_add_tail(&d->descs[i].node, &d->free);
	}
	return 0;
}

/* Where the device supports it, descriptors name a granted handle. */
static int idxd_dma_request_handle(struct idxd_dma *d)
{
	u32 handle = IDXD_HOST_VECTOR;
	int ret = 0;

	if (d->idxd->caps.cmdcap & BIT_ULL(IDXD_CMD_REQUEST_INT_HANDLE))
		ret = idxd_cmd_exec(d->idxd, IDXD_CMD_REQUEST_INT_HANDLE,
				    IDXD_HOST_VECTOR, &handle);
	d->int_handle = handle;
	return ret;
}

/* Vector 1 signals the host WQ's completions. */
static int idxd_dma_irq_setup(struct idxd_dma *d)
{
	struct idxd_device *idxd = d->idxd;
	int ret;

	ret = idxd_dma_request_handle(d);
	if (ret)
		return ret;
	ret = devm_request_threaded_irq(idxd_dev(idxd),
					pci_irq_vector(idxd->pdev,
						       IDXD_HOST_VECTOR),
					NULL, idxd_completion_thread, IRQF_ONESHOT,
					"idxd-wq0", d);
	if (ret)
		dev_err(idxd_dev(idxd), "cannot request the WQ interrupt: %d\n",
			ret);
	return ret;
}

static void idxd_dma_register(struct idxd_dma *d)
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
	d->chan.device = dma;
	list_add_tail(&d->chan.device_node, &dma->channels);
}

/* Fail what the device will never complete after a reset. */
static void idxd_dma_abort(struct idxd_dma *d)
{
	struct idxd_desc *desc, *next;
	unsigned long flags;
	LIST_HEAD(lost);

	spin_lock_irqsave(&d->lock, flags);
	list_splice_tail_init(&d->active, &lost);
	list_splice_tail_init(&d->pending, &lost);
	spin_unlock_irqrestore(&d->lock, flags);
	list_for_each_entry_safe(desc, next, &lost, node) {
		idxd_callback(desc, DSA_COMP_NONE);
		spin_lock_irqsave(&d->lock, flags);
		list_move_tail(&desc->node, &d->free);
		spin_unlock_irqrestore(&d->lock, flags);
	}
}

/**
 * idxd_dma_restart() - bring the host WQ back after a device reset
 * @idxd: the device, just reset
 *
 * Descriptors the reset dropped complete with an error; the channel then
 * takes new work on the re-enabled WQ.
 *
 * Return: 0 or the error of re-enabling (logged).
 */
int idxd_dma_restart(struct idxd_device *idxd)
{
	struct idxd_dma *d = idxd->dma;
	int ret;

	if (!d)
		return 0;
	disable_irq(pci_irq_vector(idxd->pdev, IDXD_HOST_VECTOR));
	idxd_dma_abort(d);
	enable_irq(pci_irq_vector(idxd->pdev, IDXD_HOST_VECTOR));
	ret = idxd_host_wq_enable(idxd, IDXD_HOST_WQ_SIZE);
	return ret ? ret : idxd_dma_request_handle(d);
}

/**
 * idxd_dma_setup() - the host WQ and its DMA_MEMCPY channel
 * @idxd: the device, reset, with MSI-X vectors 0 and 1
 *
 * Return: 0 or an error (logged); device-managed on success.
 */
int idxd_dma_setup(struct idxd_device *idxd)
{
	struct idxd_dma *d;
	int ret;

	d = devm_kzalloc(idxd_dev(idxd), sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->idxd = idxd;
	d->portal = idxd_host_wq_portal(idxd);
	ret = idxd_dma_slots_init(d);
	if (ret)
		return ret;
	ret = idxd_host_wq_enable(idxd, IDXD_HOST_WQ_SIZE);
	if (ret)
		return ret;
	ret = idxd_dma_irq_setup(d);
	if (ret)
		return ret;
	idxd_dma_register(d);
	ret = dmaenginem_async_device_register(&d->dma);
	if (ret) {
		dev_err(idxd_dev(idxd), "cannot register the DMA device: %d\n",
			ret);
		return ret;
	}
	idxd->dma = d;
	return 0;
}
