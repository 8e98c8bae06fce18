// SPDX-License-Identifier: GPL-2.0
/*
 * tx_status of our idxd's host channel: each cookie reports its own
 * outcome, whatever order the device finished in and however many
 * failures came after it.  The model's test window (BAR4, test-bar=on)
 * sets a descriptor aside (DEFER, as a second engine finishes out of
 * order), halts the device and fails descriptors (FAIL_DESC).  For the
 * channel named by @channel, which must be idxd's on the DSA model.
 * Results are KTAP lines in debugfs: dma_status_test/results.
 */

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "dsa_model_test.h"

static char *channel;
module_param(channel, charp, 0444);
MODULE_PARM_DESC(channel, "idxd's DMA channel, as in /sys/class/dma");

#define COPY_LEN		256
#define WAIT_MS			5000
#define RESULTS_SIZE		4096
/* a status silicon reports (page fault), for FAIL_DESC */
#define FAILED_STATUS		0x03
/* DEFER: later descriptors that run before the one set aside */
#define DEFER_LONG		1000

struct copy {
	dma_cookie_t cookie;
	struct completion done;
	enum dmaengine_tx_result result;
};

static struct {
	struct dma_chan *chan;
	void __iomem *window;
	void *buf;
	dma_addr_t buf_dma;
	unsigned int nr_tests;
	size_t len;
	char text[RESULTS_SIZE];
	struct dentry *debugfs;
} t;

static __printf(2, 3) void report(bool ok, const char *fmt, ...)
{
	va_list args;

	t.len += scnprintf(t.text + t.len, sizeof(t.text) - t.len, "%sok %u ",
			   ok ? "" : "not ", ++t.nr_tests);
	va_start(args, fmt);
	t.len += vscnprintf(t.text + t.len, sizeof(t.text) - t.len, fmt, args);
	va_end(args);
	t.len += scnprintf(t.text + t.len, sizeof(t.text) - t.len, "\n");
}

static void window_write(unsigned int reg, u64 val)
{
	writeq(val, t.window + reg);
}

static void copy_done(void *arg, const struct dmaengine_result *res)
{
	struct copy *c = arg;

	c->result = res->result;
	complete(&c->done);
}

/*
 * Submit one copy within the buffer; while the channel is stopped (a
 * recovery under way) prep refuses, so try again for a while.
 */
static int copy_submit(struct copy *c)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(WAIT_MS);
	struct dma_async_tx_descriptor *tx;

	init_completion(&c->done);
	do {
		tx = dmaengine_prep_dma_memcpy(t.chan, t.buf_dma + COPY_LEN,
					       t.buf_dma, COPY_LEN,
					       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
		if (!tx)
			msleep(20);
	} while (!tx && time_before(jiffies, deadline));
	if (!tx)
		return -EBUSY;
	tx->callback_result = copy_done;
	tx->callback_param = c;
	c->cookie = dmaengine_submit(tx);
	return dma_submit_error(c->cookie) ? -EIO : 0;
}

/* Every copy ends before the module may go: pin it if one does not. */
static bool copy_wait(struct copy *c)
{
	if (wait_for_completion_timeout(&c->done, msecs_to_jiffies(WAIT_MS)))
		return true;
	pr_err("a copy never ended: staying loaded\n");
	__module_get(THIS_MODULE);
	return false;
}

static enum dma_status status_of(struct copy *c)
{
	return dmaengine_tx_status(t.chan, c->cookie, NULL);
}

/* Two copies, the first set aside by the device: both submitted. */
static int submit_pair(struct copy *a, struct copy *b)
{
	int ret;

	window_write(DSA_TEST_DEFER, DEFER_LONG);
	ret = copy_submit(a);
	if (!ret)
		ret = copy_submit(b);
	dma_async_issue_pending(t.chan);
	return ret;
}

static void test_out_of_order(void)
{
	struct copy a, b;
	bool ok;

	ok = !submit_pair(&a, &b) && copy_wait(&b);
	report(ok && b.result == DMA_TRANS_NOERROR && status_of(&b) == DMA_COMPLETE &&
	       status_of(&a) == DMA_IN_PROGRESS,
	       "a copy done before an older one reads DMA_COMPLETE, the older DMA_IN_PROGRESS");
	window_write(DSA_TEST_DEFER, 0);
	ok = ok && copy_wait(&a);
	report(ok && a.result == DMA_TRANS_NOERROR && status_of(&a) == DMA_COMPLETE,
	       "the older one completes once the device runs it");
}

/*
 * A halt while the older copy is set aside: the driver fails it, and
 * only it.  Returns that copy's cookie, or 0.
 */
static dma_cookie_t halt_between(const char *which)
{
	struct copy a, b;
	bool ok;

	ok = !submit_pair(&a, &b) && copy_wait(&b);
	if (ok)
		window_write(DSA_TEST_HALT, 1);
	ok = ok && copy_wait(&a);
	report(ok && a.result == DMA_TRANS_ABORTED &&
	       status_of(&a) == DMA_ERROR && status_of(&b) == DMA_COMPLETE,
	       "%s halt: the copy in the device reads DMA_ERROR, the one done before DMA_COMPLETE",
	       which);
	return ok ? a.cookie : 0;
}

static void test_halts(void)
{
	dma_cookie_t first;

	first = halt_between("first");
	halt_between("second");
	report(first && dmaengine_tx_status(t.chan, first, NULL) == DMA_ERROR,
	       "after the second halt the first failure still reads DMA_ERROR");
}

/* A copy the device fails (FAIL_DESC) when @fail. */
static bool copy_one(struct copy *c, bool fail)
{
	if (fail)
		window_write(DSA_TEST_FAIL_DESC, FAILED_STATUS);
	if (copy_submit(c))
		return false;
	dma_async_issue_pending(t.chan);
	return copy_wait(c);
}

static void test_device_failures(void)
{
	struct copy c, d, e;
	bool ok;

	ok = copy_one(&c, true) && copy_one(&d, false) && copy_one(&e, true);
	report(ok && c.result == DMA_TRANS_ABORTED &&
	       d.result == DMA_TRANS_NOERROR && e.result == DMA_TRANS_ABORTED,
	       "copies the device fails are called back failed, the one between succeeds");
	report(ok && status_of(&c) == DMA_ERROR && status_of(&d) == DMA_COMPLETE &&
	       status_of(&e) == DMA_ERROR,
	       "two device failures in a row each read DMA_ERROR, the copy between DMA_COMPLETE");
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

/* The channel, its buffer, and the test window of its PCI device. */
static int setup(void)
{
	struct pci_dev *pdev;
	dma_cap_mask_t mask;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	t.chan = dma_request_channel(mask, chan_named, channel ?: "");
	if (!t.chan)
		return -ENODEV;
	if (!dev_is_pci(t.chan->device->dev))
		return -ENODEV;
	pdev = to_pci_dev(t.chan->device->dev);
	if (pci_resource_len(pdev, DSA_TEST_BAR) < DSA_TEST_BAR_SIZE)
		return -ENODEV;
	t.window = ioremap(pci_resource_start(pdev, DSA_TEST_BAR),
			   DSA_TEST_BAR_SIZE);
	if (!t.window)
		return -ENOMEM;
	if (readq(t.window + DSA_TEST_MAGIC) != DSA_TEST_MAGIC_VALUE)
		return -ENODEV;
	t.buf = dma_alloc_coherent(t.chan->device->dev, 2 * COPY_LEN,
				   &t.buf_dma, GFP_KERNEL);
	return t.buf ? 0 : -ENOMEM;
}

static void teardown(void)
{
	if (t.buf)
		dma_free_coherent(t.chan->device->dev, 2 * COPY_LEN, t.buf,
				  t.buf_dma);
	if (t.window)
		iounmap(t.window);
	if (t.chan)
		dma_release_channel(t.chan);
}

static int __init dma_status_test_init(void)
{
	int ret = setup();

	if (ret) {
		pr_err("no idxd channel '%s' with the model's test window: %d\n",
		       channel ?: "", ret);
		teardown();
		return ret;
	}
	test_out_of_order();
	test_halts();
	test_device_failures();
	t.debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("results", 0444, t.debugfs, NULL, &results_fops);
	return 0;
}

static void __exit dma_status_test_exit(void)
{
	debugfs_remove_recursive(t.debugfs);
	dmaengine_terminate_sync(t.chan);
	teardown();
}

module_init(dma_status_test_init);
module_exit(dma_status_test_exit);

MODULE_DESCRIPTION("idxd tx_status: each cookie's own outcome");
MODULE_LICENSE("GPL");
