// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory no guest may reach: @pages pages filled with a pattern and
 * mapped for DMA by the PCI device @bdf (its host domain, as the host's
 * own channel buffers are).  debugfs host_canary/addrs lists each page's
 * DMA and physical address, for a fuzzer to aim descriptors at;
 * host_canary/changed is how many bytes differ from the pattern now.
 */

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>

static char *bdf = "0000:00:0a.0";
module_param(bdf, charp, 0444);
MODULE_PARM_DESC(bdf, "the PCI device the pages are mapped for");

static unsigned int pages = 4;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "canary pages (1-16)");

#define CANARY_MAX	16
#define CANARY_BYTE(i)	((u8)(0x5a ^ (i)))

static struct {
	struct pci_dev *pdev;
	struct page *page[CANARY_MAX];
	dma_addr_t dma[CANARY_MAX];
	struct dentry *dir;
} c;

static int addrs_show(struct seq_file *s, void *unused)
{
	unsigned int i;

	for (i = 0; i < pages; i++)
		seq_printf(s, "%#llx %#llx\n", (u64)c.dma[i],
			   (u64)page_to_phys(c.page[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(addrs);

/* The device may have written: read what memory holds, not a cache. */
static int changed_show(struct seq_file *s, void *unused)
{
	unsigned long n = 0;
	unsigned int i, j;
	u8 *p;

	for (i = 0; i < pages; i++) {
		dma_sync_single_for_cpu(&c.pdev->dev, c.dma[i], PAGE_SIZE,
					DMA_BIDIRECTIONAL);
		p = page_address(c.page[i]);
		for (j = 0; j < PAGE_SIZE; j++)
			n += p[j] != CANARY_BYTE(j);
		dma_sync_single_for_device(&c.pdev->dev, c.dma[i], PAGE_SIZE,
					   DMA_BIDIRECTIONAL);
	}
	seq_printf(s, "%lu\n", n);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(changed);

static void canary_fill(u8 *p)
{
	unsigned int j;

	for (j = 0; j < PAGE_SIZE; j++)
		p[j] = CANARY_BYTE(j);
}

static void canary_free(void)
{
	unsigned int i;

	for (i = 0; i < pages; i++) {
		if (!c.page[i])
			continue;
		if (c.dma[i] && !dma_mapping_error(&c.pdev->dev, c.dma[i]))
			dma_unmap_page(&c.pdev->dev, c.dma[i], PAGE_SIZE,
				       DMA_BIDIRECTIONAL);
		__free_page(c.page[i]);
	}
	pci_dev_put(c.pdev);
}

static int __init host_canary_init(void)
{
	unsigned int domain, bus, slot, fn, i;

	if (!pages || pages > CANARY_MAX ||
	    sscanf(bdf, "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4)
		return -EINVAL;
	c.pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
	if (!c.pdev)
		return -ENODEV;
	for (i = 0; i < pages; i++) {
		c.page[i] = alloc_page(GFP_KERNEL);
		if (!c.page[i])
			goto err;
		canary_fill(page_address(c.page[i]));
		c.dma[i] = dma_map_page(&c.pdev->dev, c.page[i], 0, PAGE_SIZE,
					DMA_BIDIRECTIONAL);
		if (dma_mapping_error(&c.pdev->dev, c.dma[i]))
			goto err;
	}
	c.dir = debugfs_create_dir("host_canary", NULL);
	debugfs_create_file("addrs", 0444, c.dir, NULL, &addrs_fops);
	debugfs_create_file("changed", 0444, c.dir, NULL, &changed_fops);
	return 0;
err:
	canary_free();
	return -ENOMEM;
}

static void __exit host_canary_exit(void)
{
	debugfs_remove_recursive(c.dir);
	canary_free();
}

module_init(host_canary_init);
module_exit(host_canary_exit);
MODULE_DESCRIPTION("Host pages no guest may reach, for the descriptor fuzzer");
MODULE_LICENSE("GPL");
