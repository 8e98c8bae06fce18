// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's host path: DMA_MEMCPY of @size bytes on a dmaengine
 * channel (@channel, or any memcpy channel), @ops times one at a time
 * (submit-to-completion latency: median and p99) and @ops times with
 * @depth in flight (operations a second).  The last copy's data is
 * checked.  The results are lines in debugfs dma_bench/results:
 * "BENCH host SIZE latency median-us N p99-us N submit-us N" (the
 * median time to submit, portal write included) and
 * "BENCH host SIZE throughput ops/s N", or "BENCH host SIZE error E".
 */

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>

static char *channel;
module_param(channel, charp, 0444);
MODULE_PARM_DESC(channel, "DMA channel name, as in /sys/class/dma (default: any memcpy channel)");

static unsigned int size = 4096;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "bytes a copy (1..1 MiB)");

static unsigned int ops = 400;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "copies each way (1..4096)");

static unsigned int depth = 8;
module_param(depth, uint, 0444);
MODULE_PARM_DESC(depth, "copies in flight for the throughput (1..64)");

#define BENCH_MAX_SIZE	SZ_1M
#define BENCH_MAX_OPS	4096
#define BENCH_MAX_DEPTH	64
#define BENCH_WARMUP	20

struct bench_copy {
	struct completion done;
	enum dmaengine_tx_result result;
};

static struct {
	struct dma_chan *chan;
	struct device *dev;
	void *src, *dst;
	dma_addr_t src_dma, dst_dma;
	bool src_mapped, dst_mapped;
	struct bench_copy copies[BENCH_MAX_DEPTH];
	u64 *lat, *sub;
	char text[256];
	struct debugfs_blob_wrapper blob;
	struct dentry *debugfs;
} b;

static void bench_done(void *arg, const struct dmaengine_result *res)
{
	struct bench_copy *c = arg;

	c->result = res->result;
	complete(&c->done);
}

static int bench_submit(struct bench_copy *c)
{
	struct dma_async_tx_descriptor *tx;

	reinit_completion(&c->done);
	tx = dmaengine_prep_dma_memcpy(b.chan, b.dst_dma, b.src_dma, size,
				       DMA_PREP_INTERRUPT);
	if (!tx)
		return -ENOMEM;
	tx->callback_result = bench_done;
	tx->callback_param = c;
	if (dma_submit_error(dmaengine_submit(tx)))
		return -EIO;
	dma_async_issue_pending(b.chan);
	return 0;
}

static int bench_wait(struct bench_copy *c)
{
	if (!wait_for_completion_timeout(&c->done, 5 * HZ))
		return -ETIMEDOUT;
	return c->result == DMA_TRANS_NOERROR ? 0 : -EIO;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* " KEY N.N", @ns in microseconds, at @at of the results' text. */
static size_t bench_us(size_t at, const char *key, u64 ns)
{
	return at + scnprintf(b.text + at, sizeof(b.text) - at, " %s %llu.%llu",
			      key, ns / 1000, ns % 1000 / 100);
}

/*
 * Each copy timed from its submission to the waiter running again (as
 * the SF client's), and its submission alone: prep, submit and
 * issue_pending, which for idxd ends in the portal write.
 */
static int bench_latency(void)
{
	struct bench_copy *c = &b.copies[0];
	u64 t0, t1;
	size_t at;
	int i, ret;

	/* the first BENCH_WARMUP are not timed */
	for (i = -BENCH_WARMUP; i < (int)ops; i++) {
		t0 = ktime_get_ns();
		ret = bench_submit(c);
		t1 = ktime_get_ns();
		if (!ret)
			ret = bench_wait(c);
		if (ret)
			return ret;
		if (i >= 0) {
			b.lat[i] = ktime_get_ns() - t0;
			b.sub[i] = t1 - t0;
		}
	}
	sort(b.lat, ops, sizeof(b.lat[0]), cmp_u64, NULL);
	sort(b.sub, ops, sizeof(b.sub[0]), cmp_u64, NULL);
	at = scnprintf(b.text, sizeof(b.text), "BENCH host %u latency", size);
	at = bench_us(at, "median-us", b.lat[ops / 2]);
	at = bench_us(at, "p99-us", b.lat[ops * 99 / 100]);
	at = bench_us(at, "submit-us", b.sub[ops / 2]);
	scnprintf(b.text + at, sizeof(b.text) - at, "\n");
	return 0;
}

static int bench_throughput(void)
{
	unsigned int i, done = 0, next = 0;
	size_t len = strlen(b.text);
	u64 t0, ns;
	int ret;

	t0 = ktime_get_ns();
	for (i = 0; i < depth && next < ops; i++, next++) {
		ret = bench_submit(&b.copies[i]);
		if (ret)
			return ret;
	}
	while (done < ops) {
		struct bench_copy *c = &b.copies[done % depth];

		ret = bench_wait(c);
		if (ret)
			return ret;
		done++;
		if (next < ops) {
			ret = bench_submit(c);
			if (ret)
				return ret;
			next++;
		}
	}
	ns = ktime_get_ns() - t0;
	scnprintf(b.text + len, sizeof(b.text) - len,
		  "BENCH host %u throughput ops/s %llu\n", size,
		  div64_u64((u64)ops * NSEC_PER_SEC, ns ?: 1));
	return 0;
}

static int bench_buffers(void)
{
	b.src = kmalloc(size, GFP_KERNEL);
	b.dst = kzalloc(size, GFP_KERNEL);
	b.lat = kcalloc(ops, sizeof(*b.lat), GFP_KERNEL);
	b.sub = kcalloc(ops, sizeof(*b.sub), GFP_KERNEL);
	if (!b.src || !b.dst || !b.lat || !b.sub)
		return -ENOMEM;
	get_random_bytes(b.src, size);
	b.src_dma = dma_map_single(b.dev, b.src, size, DMA_TO_DEVICE);
	if (dma_mapping_error(b.dev, b.src_dma))
		return -ENOMEM;
	b.src_mapped = true;
	b.dst_dma = dma_map_single(b.dev, b.dst, size, DMA_FROM_DEVICE);
	if (dma_mapping_error(b.dev, b.dst_dma))
		return -ENOMEM;
	b.dst_mapped = true;
	return 0;
}

/* After the channel let go of every copy: nothing writes there after. */
static void bench_buffers_free(void)
{
	dmaengine_terminate_sync(b.chan);
	if (b.dst_mapped)
		dma_unmap_single(b.dev, b.dst_dma, size, DMA_FROM_DEVICE);
	if (b.src_mapped)
		dma_unmap_single(b.dev, b.src_dma, size, DMA_TO_DEVICE);
	kfree(b.sub);
	kfree(b.lat);
	kfree(b.dst);
	kfree(b.src);
}

static bool bench_filter(struct dma_chan *chan, void *param)
{
	return !channel || !strcmp(dma_chan_name(chan), channel);
}

static int bench_run(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < BENCH_MAX_DEPTH; i++)
		init_completion(&b.copies[i].done);
	ret = bench_buffers();
	if (!ret)
		ret = bench_latency();
	if (!ret)
		ret = bench_throughput();
	if (!ret) {
		dma_sync_single_for_cpu(b.dev, b.dst_dma, size, DMA_FROM_DEVICE);
		if (memcmp(b.src, b.dst, size))
			ret = -EILSEQ;
	}
	if (ret)
		scnprintf(b.text, sizeof(b.text), "BENCH host %u error %d\n",
			  size, ret);
	bench_buffers_free();
	return ret;
}

static int __init dma_bench_init(void)
{
	dma_cap_mask_t mask;

	if (!size || size > BENCH_MAX_SIZE || !ops || ops > BENCH_MAX_OPS ||
	    !depth || depth > BENCH_MAX_DEPTH)
		return -EINVAL;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	b.chan = dma_request_channel(mask, bench_filter, NULL);
	if (!b.chan)
		return -ENODEV;
	b.dev = b.chan->device->dev;
	bench_run();
	b.blob.data = b.text;
	b.blob.size = strlen(b.text);
	b.debugfs = debugfs_create_dir("dma_bench", NULL);
	debugfs_create_blob("results", 0444, b.debugfs, &b.blob);
	return 0;
}

static void __exit dma_bench_exit(void)
{
	debugfs_remove_recursive(b.debugfs);
	dma_release_channel(b.chan);
}

module_init(dma_bench_init);
module_exit(dma_bench_exit);

MODULE_DESCRIPTION("dmaengine memcpy latency and throughput, for make bench");
MODULE_LICENSE("GPL");
