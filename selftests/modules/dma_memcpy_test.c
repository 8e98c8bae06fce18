// SPDX-License-Identifier: GPL-2.0
/*
 * dmaengine memcpy test: takes a DMA_MEMCPY channel (any provider, or the
 * one named by @channel), keeps @inflight copies of varied sizes in flight
 * for @rounds rounds and checks every destination byte for byte; a copy
 * the provider reports failed (DMA_TRANS_ABORTED, ...) fails its round
 * with -ECANCELED.  Debian's
 * kernel has no dmatest, and this also serves our own idxd.  Results are
 * KTAP lines in debugfs: dma_memcpy_test/results.
 */

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>

static char *channel;
module_param(channel, charp, 0444);
MODULE_PARM_DESC(channel, "DMA channel name, as in /sys/class/dma (default: any memcpy channel)");

static unsigned int inflight = 16;
module_param(inflight, uint, 0444);
MODULE_PARM_DESC(inflight, "copies submitted before waiting (1-64)");

static unsigned int rounds = 8;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds of @inflight copies");

static unsigned int wait_ms = 5000;
module_param(wait_ms, uint, 0444);
MODULE_PARM_DESC(wait_ms, "how long a round may take (default 5000 ms)");

#define MAX_INFLIGHT		64
#define MAX_COPY		(3 * PAGE_SIZE + 100)
#define RESULTS_SIZE		2048

struct copy {
	u8 *src, *dst;
	dma_addr_t src_dma, dst_dma;
	size_t len;
	bool mapped;
	struct completion done;
	enum dmaengine_tx_result result;
};

static struct {
	struct dma_chan *chan;
	struct copy copies[MAX_INFLIGHT];
	unsigned int nr_tests;
	size_t len;
	char text[RESULTS_SIZE];
	struct dentry *debugfs;
} t;

static __printf(1, 2) void report(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	t.len += vscnprintf(t.text + t.len, sizeof(t.text) - t.len, fmt, args);
	va_end(args);
}

static void copy_done(void *arg, const struct dmaengine_result *res)
{
	struct copy *c = arg;

	c->result = res->result;
	complete(&c->done);
}

static int copy_submit(struct copy *c)
{
	struct dma_async_tx_descriptor *tx;

	reinit_completion(&c->done);
	tx = dmaengine_prep_dma_memcpy(t.chan, c->dst_dma, c->src_dma, c->len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return -ENOMEM;
	tx->callback_result = copy_done;
	tx->callback_param = c;
	return dma_submit_error(dmaengine_submit(tx)) ? -EIO : 0;
}

/*
 * Every copy must have ended before its buffers are looked at again.  One
 * that never does may still write them, or call back into this module:
 * the module then pins itself, so unloading cannot free what the device
 * still uses.
 */
static int wait_round(unsigned int n)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(wait_ms);
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		if (!wait_for_completion_timeout(&t.copies[i].done,
						 max_t(long, deadline - jiffies, 1))) {
			pr_err("copies still in flight after %u ms: staying loaded\n",
			       wait_ms);
			__module_get(THIS_MODULE);
			return -ETIMEDOUT;
		}
		if (t.copies[i].result != DMA_TRANS_NOERROR)
			ret = -ECANCELED;
	}
	return ret;
}

/* One round: @n copies in flight at once, then wait and compare. */
static int run_round(unsigned int n)
{
	struct device *dev = t.chan->device->dev;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		struct copy *c = &t.copies[i];

		c->len = 1 + get_random_u32_below(MAX_COPY);
		get_random_bytes(c->src, c->len);
		memset(c->dst, 0, MAX_COPY);
		dma_sync_single_for_device(dev, c->src_dma, MAX_COPY,
					   DMA_TO_DEVICE);
		dma_sync_single_for_device(dev, c->dst_dma, MAX_COPY,
					   DMA_FROM_DEVICE);
		ret = copy_submit(c);
		if (ret)
			break;
	}
	dma_async_issue_pending(t.chan);
	/* what was submitted runs out even when a later submit failed */
	if (ret) {
		wait_round(i);
		return ret;
	}
	ret = wait_round(n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		struct copy *c = &t.copies[i];

		dma_sync_single_for_cpu(dev, c->dst_dma, MAX_COPY,
					DMA_FROM_DEVICE);
		if (memcmp(c->src, c->dst, c->len) ||
		    memchr_inv(c->dst + c->len, 0, MAX_COPY - c->len))
			return -EILSEQ;
	}
	return 0;
}

static void free_copies(void)
{
	struct device *dev = t.chan->device->dev;
	unsigned int i;

	for (i = 0; i < MAX_INFLIGHT; i++) {
		struct copy *c = &t.copies[i];

		if (c->mapped) {
			dma_unmap_single(dev, c->src_dma, MAX_COPY,
					 DMA_TO_DEVICE);
			dma_unmap_single(dev, c->dst_dma, MAX_COPY,
					 DMA_FROM_DEVICE);
		}
		kfree(c->src);
		kfree(c->dst);
	}
}

static int alloc_copies(unsigned int n)
{
	struct device *dev = t.chan->device->dev;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct copy *c = &t.copies[i];

		init_completion(&c->done);
		c->src = kmalloc(MAX_COPY, GFP_KERNEL);
		c->dst = kmalloc(MAX_COPY, GFP_KERNEL);
		if (!c->src || !c->dst)
			return -ENOMEM;
		c->src_dma = dma_map_single(dev, c->src, MAX_COPY,
					    DMA_TO_DEVICE);
		if (dma_mapping_error(dev, c->src_dma))
			return -ENOMEM;
		c->dst_dma = dma_map_single(dev, c->dst, MAX_COPY,
					    DMA_FROM_DEVICE);
		if (dma_mapping_error(dev, c->dst_dma)) {
			dma_unmap_single(dev, c->src_dma, MAX_COPY,
					 DMA_TO_DEVICE);
			return -ENOMEM;
		}
		c->mapped = true;
	}
	return 0;
}

static void run_tests(void)
{
	unsigned int n = clamp(inflight, 1U, (unsigned int)MAX_INFLIGHT);
	unsigned int r;
	int ret;

	ret = alloc_copies(n);
	report("%sok %u %u buffers mapped for %s: %d\n", ret ? "not " : "",
	       ++t.nr_tests, 2 * n, dma_chan_name(t.chan), ret);
	for (r = 0; !ret && r < rounds; r++)
		ret = run_round(n);
	report("%sok %u %u rounds of %u copies in flight match: %d\n",
	       ret ? "not " : "", ++t.nr_tests, r, n, ret);
}

static int results_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "KTAP version 1\n1..%u\n%s", t.nr_tests, t.text);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results);

static bool chan_named(struct dma_chan *chan, void *name)
{
	return !strcmp(dma_chan_name(chan), name);
}

static struct dma_chan *request_chan(void)
{
	dma_cap_mask_t mask;
	struct dma_chan *chan;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	if (!channel || !*channel)
		return dma_request_chan_by_mask(&mask);
	chan = dma_request_channel(mask, chan_named, channel);
	return chan ?: ERR_PTR(-ENODEV);
}

static int __init dma_memcpy_test_init(void)
{
	t.chan = request_chan();
	if (IS_ERR(t.chan)) {
		pr_err("no DMA_MEMCPY channel%s%s: %ld\n", channel ? " " : "",
		       channel ?: "", PTR_ERR(t.chan));
		return PTR_ERR(t.chan);
	}
	run_tests();
	t.debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("results", 0444, t.debugfs, NULL, &results_fops);
	return 0;
}

static void __exit dma_memcpy_test_exit(void)
{
	debugfs_remove_recursive(t.debugfs);
	dmaengine_terminate_sync(t.chan);
	free_copies();
	dma_release_channel(t.chan);
}

module_init(dma_memcpy_test_init);
module_exit(dma_memcpy_test_exit);

MODULE_DESCRIPTION("dmaengine memcpy test with byte-for-byte checks");
MODULE_LICENSE("GPL");
