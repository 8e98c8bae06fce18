// SPDX-License-Identifier: GPL-2.0
/*
 * A consumer of idxd subfunctions, as vfio_idxd_aux will be: it binds
 * every idxd.sf.<n>, says attached, builds a paging domain holding a few
 * pages at IOVAs of its own, attaches it to the SF's PASID and requests
 * the SF's interrupt.  Commands written to debugfs idxd_sf_test/run then
 * submit descriptors through the SF's portal:
 *
 *   copy SF         MEMMOVE between two mapped pages; the completion comes
 *                   by the SF's own interrupt; data checked byte for byte
 *   fault SF        MEMMOVE to an IOVA the domain does not map: the
 *                   completion record says page fault, nothing else moved
 *   cross SF OTHER  SF's descriptor names OTHER's interrupt handle: it
 *                   completes with the invalid-handle status and raises
 *                   neither SF's interrupt
 *   hold MS         from now on, letting go of an SF (remove) takes MS
 *                   milliseconds, as a user holding the device would
 *   errors SF       the software errors the core passed on for SF, and
 *                   the WQ taken down and brought back (stop, start)
 *
 * A write succeeds when the check passes, else fails with -EIO; the
 * reason is in idxd_sf_test/last.  This proves the PASID and the vector
 * of each SF before any VFIO code exists.
 */

#include <linux/auxiliary_bus.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/idxd_hw.h>
#include <linux/idxd_sf.h>
#include <linux/interrupt.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>

#define WAIT_MS		5000
#define IOVA_SRC	0x100000UL
#define IOVA_DST	0x200000UL
#define IOVA_COMP	0x300000UL
#define IOVA_UNMAPPED	0x400000UL
#define COPY_LEN	3000
#define LAST_SIZE	512

/* What the test holds for one bound SF. */
struct sf_ctx {
	struct idxd_sf_dev *sfdev;
	struct list_head node;
	struct iommu_domain *domain;
	struct page *src, *dst, *comp;
	atomic_t irqs;
	wait_queue_head_t wait;
	atomic_t errors, stops, starts;
	u64 swerr[IDXD_SF_SWERR_QWORDS];	/* the last */
};

static LIST_HEAD(sfs);
static DEFINE_MUTEX(sfs_lock);
static struct dentry *dir;
static char last[LAST_SIZE];
static unsigned int hold_ms;

static irqreturn_t sf_irq(int irq, void *data)
{
	struct sf_ctx *ctx = data;

	atomic_inc(&ctx->irqs);
	wake_up(&ctx->wait);
	return IRQ_HANDLED;
}

static void sf_error(struct idxd_sf_dev *sfdev, const u64 *swerr, void *priv)
{
	struct sf_ctx *ctx = priv;

	memcpy(ctx->swerr, swerr, sizeof(ctx->swerr));
	atomic_inc(&ctx->errors);
}

static void sf_stop(struct idxd_sf_dev *sfdev, void *priv)
{
	atomic_inc(&((struct sf_ctx *)priv)->stops);
}

static void sf_start(struct idxd_sf_dev *sfdev, void *priv)
{
	atomic_inc(&((struct sf_ctx *)priv)->starts);
}

static const struct idxd_sf_ops sf_ops = {
	.error = sf_error,
	.stop = sf_stop,
	.start = sf_start,
};

/* The SWERR error code sits in bits 15:8 of its first qword. */
static int test_errors(struct sf_ctx *ctx)
{
	snprintf(last, sizeof(last), "errors %d, last code %#llx, stops %d, starts %d\n",
		 atomic_read(&ctx->errors), (ctx->swerr[0] >> 8) & 0xff,
		 atomic_read(&ctx->stops), atomic_read(&ctx->starts));
	return 0;
}

static struct dsa_completion_record *comp_of(struct sf_ctx *ctx)
{
	return page_address(ctx->comp);
}

/* One descriptor through the SF's portal, as silicon wants it. */
static void submit(struct sf_ctx *ctx, u64 dst, u16 handle)
{
	struct dsa_hw_desc desc = {
		.opcode = DSA_OPCODE_MEMMOVE,
		.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR |
			 IDXD_OP_FLAG_RCI | IDXD_OP_FLAG_CC,
		.src_addr = IOVA_SRC,
		.dst_addr = dst,
		.xfer_size = COPY_LEN,
		.completion_addr = IOVA_COMP,
		.int_handle = handle,
	};

	memset(comp_of(ctx), 0, sizeof(struct dsa_completion_record));
	memset(page_address(ctx->dst), 0, PAGE_SIZE);
	get_random_bytes(page_address(ctx->src), PAGE_SIZE);
	/* descriptor memory and the pages before the device reads them */
	wmb();
	if (boot_cpu_has(X86_FEATURE_MOVDIR64B))
		movdir64b_io(ctx->sfdev->portal, &desc);
	else
		__iowrite64_copy(ctx->sfdev->portal, &desc, sizeof(desc) / 8);
	/* MOVDIR64B is weakly ordered: out before the wait starts */
	wmb();
}

/* The completion record's status, once the device wrote it (0: never). */
static u8 wait_record(struct sf_ctx *ctx)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(WAIT_MS);
	u8 status;

	do {
		status = READ_ONCE(comp_of(ctx)->status);
		if (status)
			return status;
		usleep_range(10000, 20000);
	} while (time_before(jiffies, deadline));
	return 0;
}

static int test_copy(struct sf_ctx *ctx)
{
	int irqs = atomic_read(&ctx->irqs);
	u8 status;

	submit(ctx, IOVA_DST, ctx->sfdev->int_handle);
	if (!wait_event_timeout(ctx->wait, atomic_read(&ctx->irqs) != irqs,
				msecs_to_jiffies(WAIT_MS))) {
		snprintf(last, sizeof(last),
			 "no interrupt on %d within %d ms (record status %#x)\n",
			 ctx->sfdev->irq, WAIT_MS,
			 READ_ONCE(comp_of(ctx)->status));
		return -EIO;
	}
	status = READ_ONCE(comp_of(ctx)->status);
	if (DSA_COMP_STATUS(status) != DSA_COMP_SUCCESS) {
		snprintf(last, sizeof(last), "completion status %#x\n", status);
		return -EIO;
	}
	if (memcmp(page_address(ctx->src), page_address(ctx->dst), COPY_LEN) ||
	    memchr_inv(page_address(ctx->dst) + COPY_LEN, 0,
		       PAGE_SIZE - COPY_LEN)) {
		snprintf(last, sizeof(last), "the copy does not match\n");
		return -EIO;
	}
	snprintf(last, sizeof(last), "%u bytes copied by PASID %u, completed by interrupt %d\n",
		 COPY_LEN, ctx->sfdev->pasid, ctx->sfdev->irq);
	return 0;
}

static int test_fault(struct sf_ctx *ctx)
{
	u8 status;

	submit(ctx, IOVA_UNMAPPED, ctx->sfdev->int_handle);
	status = wait_record(ctx);
	snprintf(last, sizeof(last), "status %#x, fault address %#llx\n",
		 status, comp_of(ctx)->fault_addr);
	if (DSA_COMP_STATUS(status) != DSA_COMP_PAGE_FAULT_NOBOF ||
	    comp_of(ctx)->fault_addr != IOVA_UNMAPPED)
		return -EIO;
	return memchr_inv(page_address(ctx->dst), 0, PAGE_SIZE) ? -EIO : 0;
}

static int test_cross(struct sf_ctx *ctx, struct sf_ctx *other)
{
	int mine = atomic_read(&ctx->irqs), theirs = atomic_read(&other->irqs);
	u8 status;

	submit(ctx, IOVA_DST, other->sfdev->int_handle);
	status = wait_record(ctx);
	/* an interrupt, had there been one, has had the record's time */
	msleep(100);
	snprintf(last, sizeof(last),
		 "status %#x naming handle %u; interrupts: own +%d, other's +%d\n",
		 status, other->sfdev->int_handle,
		 atomic_read(&ctx->irqs) - mine,
		 atomic_read(&other->irqs) - theirs);
	if (DSA_COMP_STATUS(status) != DSA_COMP_INT_HANDLE_INVAL)
		return -EIO;
	return atomic_read(&ctx->irqs) != mine ||
	       atomic_read(&other->irqs) != theirs ? -EIO : 0;
}

static struct sf_ctx *find(const char *name)
{
	struct sf_ctx *ctx;

	list_for_each_entry(ctx, &sfs, node)
		if (!strcmp(dev_name(&ctx->sfdev->adev.dev), name))
			return ctx;
	return NULL;
}

static int run(char *cmd)
{
	char *op = strsep(&cmd, " "), *a = strsep(&cmd, " "), *b = cmd;
	struct sf_ctx *ctx = a ? find(a) : NULL;
	struct sf_ctx *other = b ? find(b) : NULL;

	if (!strcmp(op, "hold") && a)
		return kstrtouint(a, 0, &hold_ms);
	if (!ctx) {
		snprintf(last, sizeof(last), "no bound SF '%s'\n", a ?: "");
		return -ENODEV;
	}
	if (!strcmp(op, "copy"))
		return test_copy(ctx);
	if (!strcmp(op, "fault"))
		return test_fault(ctx);
	if (!strcmp(op, "errors"))
		return test_errors(ctx);
	if (!strcmp(op, "cross") && other)
		return test_cross(ctx, other);
	snprintf(last, sizeof(last), "unknown command\n");
	return -EINVAL;
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char buf[64];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	strim(buf);
	mutex_lock(&sfs_lock);
	ret = run(buf);
	mutex_unlock(&sfs_lock);
	return ret ? ret : len;
}

static const struct file_operations run_fops = {
	.write = run_write,
};

static ssize_t last_read(struct file *file, char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	return simple_read_from_buffer(ubuf, len, ppos, last, strlen(last));
}

static const struct file_operations last_fops = {
	.read = last_read,
};

static int map_page(struct sf_ctx *ctx, struct page **page, unsigned long iova)
{
	*page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!*page)
		return -ENOMEM;
	return iommu_map(ctx->domain, iova, page_to_phys(*page), PAGE_SIZE,
			 IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
}

static void ctx_free(struct sf_ctx *ctx)
{
	struct page *pages[] = { ctx->src, ctx->dst, ctx->comp };
	unsigned long iovas[] = { IOVA_SRC, IOVA_DST, IOVA_COMP };
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		if (!pages[i])
			continue;
		iommu_unmap(ctx->domain, iovas[i], PAGE_SIZE);
		__free_page(pages[i]);
	}
	if (ctx->domain)
		iommu_domain_free(ctx->domain);
	kfree(ctx);
}

/* The domain with the three pages, attached to the SF's PASID. */
static int ctx_setup(struct sf_ctx *ctx, struct device *parent)
{
	int ret;

	ctx->domain = iommu_paging_domain_alloc(parent);
	if (IS_ERR(ctx->domain)) {
		ret = PTR_ERR(ctx->domain);
		ctx->domain = NULL;
		return ret;
	}
	ret = map_page(ctx, &ctx->src, IOVA_SRC);
	if (!ret)
		ret = map_page(ctx, &ctx->dst, IOVA_DST);
	if (!ret)
		ret = map_page(ctx, &ctx->comp, IOVA_COMP);
	if (!ret)
		ret = idxd_sf_attach_domain(ctx->sfdev, ctx->domain);
	return ret;
}

static int sf_probe(struct auxiliary_device *adev,
		    const struct auxiliary_device_id *id)
{
	struct idxd_sf_dev *sfdev = to_idxd_sf_dev(adev);
	struct sf_ctx *ctx;
	int ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->sfdev = sfdev;
	init_waitqueue_head(&ctx->wait);
	ret = ctx_setup(ctx, adev->dev.parent);
	if (ret)
		goto err_free;
	ret = request_irq(sfdev->irq, sf_irq, IRQF_NOBALANCING,
			  dev_name(&adev->dev), ctx);
	if (ret)
		goto err_detach;
	auxiliary_set_drvdata(adev, ctx);
	idxd_sf_set_ops(sfdev, &sf_ops, ctx);
	mutex_lock(&sfs_lock);
	list_add_tail(&ctx->node, &sfs);
	mutex_unlock(&sfs_lock);
	idxd_sf_set_attached(sfdev, true);
	return 0;

err_detach:
	idxd_sf_detach_domain(sfdev);
err_free:
	ctx_free(ctx);
	dev_err(&adev->dev, "cannot set up: %d\n", ret);
	return ret;
}

static void sf_remove(struct auxiliary_device *adev)
{
	struct sf_ctx *ctx = auxiliary_get_drvdata(adev);

	if (READ_ONCE(hold_ms))
		msleep(READ_ONCE(hold_ms));
	mutex_lock(&sfs_lock);
	list_del(&ctx->node);
	mutex_unlock(&sfs_lock);
	/* idxd_sf.h: the domain first, which drops the WQ's work, then the irq */
	idxd_sf_set_ops(ctx->sfdev, NULL, NULL);
	idxd_sf_detach_domain(ctx->sfdev);
	free_irq(ctx->sfdev->irq, ctx);
	idxd_sf_set_attached(ctx->sfdev, false);
	ctx_free(ctx);
}

static const struct auxiliary_device_id sf_ids[] = {
	{ .name = IDXD_SF_AUXDEV_NAME },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, sf_ids);

static struct auxiliary_driver sf_driver = {
	.name = "sf_test",
	.probe = sf_probe,
	.remove = sf_remove,
	.id_table = sf_ids,
};

static int __init idxd_sf_test_init(void)
{
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, dir, NULL, &run_fops);
	debugfs_create_file("last", 0400, dir, NULL, &last_fops);
	return auxiliary_driver_register(&sf_driver);
}

static void __exit idxd_sf_test_exit(void)
{
	auxiliary_driver_unregister(&sf_driver);
	debugfs_remove_recursive(dir);
}

module_init(idxd_sf_test_init);
module_exit(idxd_sf_test_exit);

MODULE_DESCRIPTION("idxd subfunction consumer: PASID and interrupt per SF");
MODULE_LICENSE("GPL");
