// SPDX-License-Identifier: GPL-2.0
/*
 * PASID capacity test for the DSA model and the vIOMMU.
 *
 * Binds 8086:0b25 (load it only when no other driver owns the device),
 * allocates many global PASIDs, attaches each to one paging domain and runs
 * a MEMMOVE through a dedicated WQ tagged with a few of them, checking the
 * data.  A PASID that is allocated but not attached must not reach memory.
 * Results are KTAP lines in debugfs: dsa_pasid_test/results.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/idxd_hw.h>
#include "registers.h"

static unsigned int npasids = 256;
module_param(npasids, uint, 0444);
MODULE_PARM_DESC(npasids, "number of PASIDs to allocate and attach");

#define TEST_IOVA		0x40000000UL
#define TEST_CMD_TIMEOUT_US	2000000
#define TEST_DESC_TIMEOUT_MS	2000
#define TEST_WQ_SIZE		8
#define TEST_RESULTS_SIZE	4096

enum { BUF_SRC, BUF_DST, BUF_COMP, NR_BUFS };

struct pasid_test {
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *portal;
	struct iommu_domain *domain;
	struct page *pages[NR_BUFS];
	ioasid_t *pasids;
	unsigned int nr_attached;
	unsigned int nr_tests;
	size_t results_len;
	char results[TEST_RESULTS_SIZE];
	struct dentry *debugfs;
};

static __printf(2, 3) void report(struct pasid_test *t, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	t->results_len += vscnprintf(t->results + t->results_len,
				     sizeof(t->results) - t->results_len,
				     fmt, args);
	va_end(args);
}

/* One KTAP result line. */
static __printf(3, 4) void ktap(struct pasid_test *t, bool ok,
				const char *fmt, ...)
{
	char what[128];
	va_list args;

	va_start(args, fmt);
	vscnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	report(t, "%sok %u %s\n", ok ? "" : "not ", ++t->nr_tests, what);
}

static u64 buf_iova(int buf)
{
	return TEST_IOVA + buf * PAGE_SIZE;
}

static int dsa_cmd(struct pasid_test *t, u32 cmd, u32 operand)
{
	union idxd_command_reg reg = { .cmd = cmd, .operand = operand };
	u32 sts;
	int ret;

	iowrite32(reg.bits, t->regs + IDXD_CMD_OFFSET);
	ret = readl_poll_timeout(t->regs + IDXD_CMDSTS_OFFSET, sts,
				 !(sts & IDXD_CMDSTS_ACTIVE), 10,
				 TEST_CMD_TIMEOUT_US);
	if (ret)
		return ret;
	return sts & IDXD_CMDSTS_ERR_MASK ? -EIO : 0;
}

static u32 dsa_table(struct pasid_test *t, bool wqcfg)
{
	union offsets_reg off;

	off.bits[0] = readq(t->regs + IDXD_TABLE_OFFSET);
	return (wqcfg ? off.wqcfg : off.grpcfg) * IDXD_TABLE_MULT;
}

/* Group 0 gets WQ 0 and engine 0; WQ 0 runs under @pasid. */
static int dsa_setup_wq(struct pasid_test *t, ioasid_t pasid)
{
	u32 grpcfg = dsa_table(t, false), wqcfg = dsa_table(t, true);
	union wqcfg wq = {
		.wq_size = TEST_WQ_SIZE,
		.mode = IDXD_WQ_MODE_DEDICATED,
		.priority = 1,
		.pasid_en = 1,
		.pasid = pasid,
		.max_xfer_shift = PAGE_SHIFT,
		.max_batch_shift = 1,
	};
	int i, ret;

	ret = dsa_cmd(t, IDXD_CMD_RESET_DEVICE, 0);
	if (ret)
		return ret;
	writeq(BIT_ULL(0), t->regs + grpcfg);
	writeq(BIT_ULL(0), t->regs + grpcfg + IDXD_GRPENGCFG_OFS);
	for (i = 0; i < IDXD_WQCFG_DWORDS; i++)
		iowrite32(wq.bits[i], t->regs + wqcfg + i * sizeof(u32));
	ret = dsa_cmd(t, IDXD_CMD_ENABLE_DEVICE, 0);
	return ret ? ret : dsa_cmd(t, IDXD_CMD_ENABLE_WQ, 0);
}

/* Where no buffer is mapped, in any domain. */
#define TEST_IOVA_UNMAPPED	(TEST_IOVA + NR_BUFS * PAGE_SIZE)

/*
 * One MEMMOVE of a page from @src through WQ 0; returns the completion
 * status, with the fault address in @fault_addr.
 */
static int dsa_memmove_from(struct pasid_test *t, u8 seed, u64 src_iova,
			    u64 *fault_addr)
{
	struct dsa_completion_record *comp = page_address(t->pages[BUF_COMP]);
	u8 *src = page_address(t->pages[BUF_SRC]);
	u8 *dst = page_address(t->pages[BUF_DST]);
	struct dsa_hw_desc desc = {
		.opcode = DSA_OPCODE_MEMMOVE,
		.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		.completion_addr = buf_iova(BUF_COMP),
		.src_addr = src_iova,
		.dst_addr = buf_iova(BUF_DST),
		.xfer_size = PAGE_SIZE,
	};
	unsigned long timeout;
	int i;

	for (i = 0; i < PAGE_SIZE; i++)
		src[i] = seed + i * 3;
	memset(dst, 0, PAGE_SIZE);
	memset(comp, 0, sizeof(*comp));
	/* descriptor contents visible to the device before the portal write */
	wmb();
	movdir64b_io(t->portal, &desc);

	timeout = jiffies + msecs_to_jiffies(TEST_DESC_TIMEOUT_MS);
	while (!READ_ONCE(comp->status)) {
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		usleep_range(100, 200);
	}
	rmb();	/* status read before the data it vouches for */
	*fault_addr = comp->fault_addr;
	if (comp->status != DSA_COMP_SUCCESS)
		return comp->status;
	return memcmp(src, dst, PAGE_SIZE) ? -EILSEQ : DSA_COMP_SUCCESS;
}

static int dsa_memmove(struct pasid_test *t, u8 seed)
{
	u64 fault_addr;

	return dsa_memmove_from(t, seed, buf_iova(BUF_SRC), &fault_addr);
}

static void test_dma_through(struct pasid_test *t, unsigned int idx)
{
	ioasid_t pasid = t->pasids[idx];
	int ret;

	ret = dsa_setup_wq(t, pasid);
	if (!ret)
		ret = dsa_memmove(t, idx);
	ktap(t, ret == DSA_COMP_SUCCESS, "memmove through PASID %u (#%u): %d",
	     pasid, idx, ret);
}

/*
 * A page absent from an attached PASID's domain is a page fault (0x03)
 * at that address, reported in the record.
 */
static void test_unmapped_page(struct pasid_test *t)
{
	u64 fault_addr = 0;
	int ret;

	ret = dsa_setup_wq(t, t->pasids[0]);
	if (!ret)
		ret = dsa_memmove_from(t, 0x33, TEST_IOVA_UNMAPPED, &fault_addr);
	ktap(t, ret == DSA_COMP_PAGE_FAULT_NOBOF &&
	     fault_addr == TEST_IOVA_UNMAPPED,
	     "unmapped page of PASID %u: page fault (status %d at 0x%llx)",
	     t->pasids[0], ret, fault_addr);
}

/* SWERR once it is valid (false after the timeout), then acknowledged. */
static bool swerr_take(struct pasid_test *t, union sw_err_reg *e)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(TEST_DESC_TIMEOUT_MS);
	int i;

	do {
		for (i = 0; i < ARRAY_SIZE(e->bits); i++)
			e->bits[i] = readq(t->regs + IDXD_SWERR_OFFSET + 8 * i);
		if (e->valid) {
			writeq(IDXD_SWERR_ACK, t->regs + IDXD_SWERR_OFFSET);
			return true;
		}
		usleep_range(100, 200);
	} while (time_before(jiffies, timeout));
	return false;
}

/* A MEMMOVE of a page from @src_iova that asks for no record. */
static void dsa_memmove_unrecorded(struct pasid_test *t, u64 src_iova)
{
	struct dsa_hw_desc desc = {
		.opcode = DSA_OPCODE_MEMMOVE,
		.src_addr = src_iova,
		.dst_addr = buf_iova(BUF_DST),
		.xfer_size = PAGE_SIZE,
	};

	wmb();	/* the destination's contents before the device writes */
	movdir64b_io(t->portal, &desc);
}

/*
 * A PASID nobody attached has no PASID entry: the first access is a
 * translation failure (0x22), not a page fault.  With a record asked
 * for, the record cannot be written either: SWERR reports it lost
 * (0x1a) at its address, and nothing completes.
 */
static void test_unattached_pasid(struct pasid_test *t)
{
	ioasid_t pasid = iommu_alloc_global_pasid(&t->pdev->dev);
	union sw_err_reg e = { };
	bool seen;
	int ret;

	if (pasid == IOMMU_PASID_INVALID) {
		ktap(t, false, "unattached PASID: allocation failed");
		ktap(t, false, "unattached PASID: record");
		return;
	}
	ret = dsa_setup_wq(t, pasid);
	if (!ret) {
		dsa_memmove_unrecorded(t, buf_iova(BUF_SRC));
		seen = swerr_take(t, &e);
		ktap(t, seen && e.error == DSA_COMP_TRANSLATION_FAIL &&
		     e.fault_addr == buf_iova(BUF_SRC),
		     "unattached PASID %u: translation failure (SWERR error 0x%x at 0x%llx)",
		     pasid, e.error, (u64)e.fault_addr);
		ret = dsa_memmove(t, 0x5a);
		seen = swerr_take(t, &e);
		ktap(t, ret == -ETIMEDOUT && seen &&
		     e.error == DSA_COMP_CRA_XLAT &&
		     e.fault_addr == buf_iova(BUF_COMP),
		     "unattached PASID %u: record lost (status %d, SWERR error 0x%x at 0x%llx)",
		     pasid, ret, e.error, (u64)e.fault_addr);
	} else {
		ktap(t, false, "unattached PASID: WQ setup failed: %d", ret);
		ktap(t, false, "unattached PASID: record");
	}
	iommu_free_global_pasid(pasid);
}

static void test_attach_many(struct pasid_test *t)
{
	struct device *dev = &t->pdev->dev;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < npasids; i++) {
		t->pasids[i] = iommu_alloc_global_pasid(dev);
		if (t->pasids[i] == IOMMU_PASID_INVALID) {
			ret = -ENOSPC;
			break;
		}
		ret = iommu_attach_device_pasid(t->domain, dev, t->pasids[i],
						NULL);
		if (ret) {
			iommu_free_global_pasid(t->pasids[i]);
			break;
		}
		t->nr_attached++;
	}
	ktap(t, t->nr_attached == npasids,
	     "allocated and attached %u of %u PASIDs (%d), max_pasids %u",
	     t->nr_attached, npasids, ret, dev->iommu->max_pasids);
}

static int map_buffers(struct pasid_test *t)
{
	int i, ret;

	for (i = 0; i < NR_BUFS; i++) {
		t->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!t->pages[i])
			return -ENOMEM;
		ret = iommu_map(t->domain, buf_iova(i),
				page_to_phys(t->pages[i]), PAGE_SIZE,
				IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
		if (ret)
			return ret;
	}
	return 0;
}

static void unmap_buffers(struct pasid_test *t)
{
	int i;

	for (i = 0; i < NR_BUFS; i++) {
		if (!t->pages[i])
			continue;
		iommu_unmap(t->domain, buf_iova(i), PAGE_SIZE);
		__free_page(t->pages[i]);
	}
}

static void run_tests(struct pasid_test *t)
{
	report(t, "KTAP version 1\n");
	test_attach_many(t);
	if (t->nr_attached) {
		test_dma_through(t, 0);
		test_dma_through(t, t->nr_attached / 2);
		test_dma_through(t, t->nr_attached - 1);
		test_unmapped_page(t);
	}
	test_unattached_pasid(t);
	dsa_cmd(t, IDXD_CMD_RESET_DEVICE, 0);
	report(t, "1..%u\n", t->nr_tests);
}

static int results_show(struct seq_file *m, void *unused)
{
	struct pasid_test *t = m->private;

	seq_puts(m, t->results);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results);

static int pasid_test_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct pasid_test *t;
	int ret;

	t = devm_kzalloc(dev, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->pasids = devm_kcalloc(dev, npasids, sizeof(*t->pasids), GFP_KERNEL);
	if (!t->pasids)
		return -ENOMEM;
	t->pdev = pdev;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	t->regs = pcim_iomap_region(pdev, IDXD_MMIO_BAR, KBUILD_MODNAME);
	if (IS_ERR(t->regs))
		return PTR_ERR(t->regs);
	t->portal = pcim_iomap_region(pdev, IDXD_WQ_BAR, KBUILD_MODNAME);
	if (IS_ERR(t->portal))
		return PTR_ERR(t->portal);
	pci_set_master(pdev);

	t->domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(t->domain))
		return PTR_ERR(t->domain);
	ret = map_buffers(t);
	if (ret)
		goto err_buffers;

	run_tests(t);
	t->debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("results", 0444, t->debugfs, t, &results_fops);
	pci_set_drvdata(pdev, t);
	return 0;

err_buffers:
	unmap_buffers(t);
	iommu_domain_free(t->domain);
	return ret;
}

static void pasid_test_remove(struct pci_dev *pdev)
{
	struct pasid_test *t = pci_get_drvdata(pdev);
	unsigned int i;

	debugfs_remove_recursive(t->debugfs);
	for (i = 0; i < t->nr_attached; i++) {
		iommu_detach_device_pasid(t->domain, &pdev->dev, t->pasids[i]);
		iommu_free_global_pasid(t->pasids[i]);
	}
	unmap_buffers(t);
	iommu_domain_free(t->domain);
}

static const struct pci_device_id pasid_test_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_DSA) },
	{ }
};
MODULE_DEVICE_TABLE(pci, pasid_test_ids);

static struct pci_driver pasid_test_driver = {
	.name = KBUILD_MODNAME,
	.id_table = pasid_test_ids,
	.probe = pasid_test_probe,
	.remove = pasid_test_remove,
};
module_pci_driver(pasid_test_driver);

MODULE_DESCRIPTION("PASID capacity test for the DSA model");
MODULE_LICENSE("GPL");
