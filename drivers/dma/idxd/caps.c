// SPDX-License-Identifier: GPL-2.0
/*
 * What the device says it has, read once at probe, checked and logged.
 *
 * The driver sizes its tables, loops and register offsets from these
 * values, so a device (or a hypervisor's model of one) reporting values
 * that do not fit its own BARs is refused here, with the reason, before
 * anything is written to it.
 */

#include <linux/io-64-nonatomic-lo-hi.h>

#include "idxd.h"

/* A table in BAR0, as the device places it; len 0: absent. */
struct idxd_table {
	const char *name;
	u64 start;
	u64 len;
};

void idxd_read_caps(struct idxd_device *idxd)
{
	struct idxd_caps *caps = &idxd->caps;
	int i;

	caps->version = ioread32(idxd->regs + IDXD_VER_OFFSET);
	caps->gen.bits = readq(idxd->regs + IDXD_GENCAP_OFFSET);
	caps->wq.bits = readq(idxd->regs + IDXD_WQCAP_OFFSET);
	caps->group.bits = readq(idxd->regs + IDXD_GRPCAP_OFFSET);
	caps->engine.bits = readq(idxd->regs + IDXD_ENGCAP_OFFSET);
	caps->offsets.bits[0] = readq(idxd->regs + IDXD_TABLE_OFFSET);
	caps->offsets.bits[1] = readq(idxd->regs + IDXD_TABLE_OFFSET + 8);
	for (i = 0; i < IDXD_OPCAP_WORDS; i++)
		caps->opcap[i] = readq(idxd->regs + IDXD_OPCAP_OFFSET + i * 8);
	if (caps->gen.cmd_cap)
		caps->cmdcap = readq(idxd->regs + IDXD_CMDCAP_OFFSET);
}

void idxd_log_caps(struct idxd_device *idxd)
{
	struct idxd_caps *caps = &idxd->caps;

	dev_info(idxd_dev(idxd),
		 "DSA %u.%u: %u WQs (%u entries), %u engines, %u groups, max transfer %llu bytes, max batch %u, opcap %#llx, portal writes by %s\n",
		 caps->version >> 8, (caps->version >> 4) & 0xf,
		 caps->wq.num_wqs, caps->wq.total_wq_size,
		 caps->engine.num_engines, caps->group.num_groups,
		 1ULL << caps->gen.max_xfer_shift,
		 1U << caps->gen.max_batch_shift, caps->opcap[0],
		 idxd->movdir64b ? "MOVDIR64B" : "8-byte stores (no MOVDIR64B)");
}

static int idxd_counts_check(struct idxd_device *idxd)
{
	struct idxd_caps *caps = &idxd->caps;

	if (!caps->wq.num_wqs || !caps->group.num_groups ||
	    !caps->engine.num_engines) {
		dev_err(idxd_dev(idxd), "the device reports %u WQs, %u groups, %u engines: it needs one of each at least\n",
			caps->wq.num_wqs, caps->group.num_groups,
			caps->engine.num_engines);
		return -ENODEV;
	}
	return 0;
}

/* GRPCFG sits at or after this on every DSA; below are the registers. */
#define IDXD_REG_BLOCK_END	0x200

static bool idxd_tables_overlap(const struct idxd_table *a,
				const struct idxd_table *b)
{
	return a->len && b->len && a->start < b->start + b->len &&
	       b->start < a->start + a->len;
}

/* The MSI-X table and PBA, which the PCI core writes, where in BAR0. */
static void idxd_msix_tables(struct idxd_device *idxd, struct idxd_table *t)
{
	struct pci_dev *pdev = idxd->pdev;
	int n = pci_msix_vec_count(pdev);
	u32 table, pba;

	t[0] = (struct idxd_table){ "MSI-X table" };
	t[1] = (struct idxd_table){ "MSI-X PBA" };
	if (n <= 0 || !pdev->msix_cap)
		return;
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);
	if ((table & PCI_MSIX_TABLE_BIR) == IDXD_MMIO_BAR)
		t[0] = (struct idxd_table){ "MSI-X table",
			table & PCI_MSIX_TABLE_OFFSET, n * PCI_MSIX_ENTRY_SIZE };
	if ((pba & PCI_MSIX_PBA_BIR) == IDXD_MMIO_BAR)
		t[1] = (struct idxd_table){ "MSI-X PBA",
			pba & PCI_MSIX_PBA_OFFSET, DIV_ROUND_UP(n, 64) * 8 };
}

/*
 * @t lies inside BAR0 and clear of the registers and of each of
 * @others; says which it is not.
 */
static bool idxd_table_fits(struct idxd_device *idxd,
			    const struct idxd_table *t,
			    const struct idxd_table *others, int n)
{
	u64 bar = pci_resource_len(idxd->pdev, IDXD_MMIO_BAR);
	int i;

	if (!t->len)
		return true;
	if (t->start + t->len > bar || t->start < IDXD_REG_BLOCK_END) {
		dev_err(idxd_dev(idxd), "%s table at %#llx (%llu bytes) is not inside BAR%d (%llu bytes) after its registers\n",
			t->name, t->start, t->len, IDXD_MMIO_BAR, bar);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (&others[i] == t || !idxd_tables_overlap(t, &others[i]))
			continue;
		dev_err(idxd_dev(idxd), "%s table at %#llx (%llu bytes) overlaps %s at %#llx (%llu bytes)\n",
			t->name, t->start, t->len, others[i].name,
			others[i].start, others[i].len);
		return false;
	}
	return true;
}

/*
 * The tables the driver writes lie inside BAR0, clear of the registers,
 * the MSI-X structures and every other table.  GRPCFG and WQCFG are
 * needed; without a sound IMS table there are no subfunctions.
 */
static int idxd_tables_check(struct idxd_device *idxd)
{
	struct idxd_caps *caps = &idxd->caps;
	int msix = pci_msix_vec_count(idxd->pdev);
	struct idxd_table t[] = {
		{ "GRPCFG", caps->offsets.grpcfg * IDXD_TABLE_MULT,
		  (u64)caps->group.num_groups * IDXD_GRPCFG_SIZE },
		{ "WQCFG", caps->offsets.wqcfg * IDXD_TABLE_MULT,
		  (u64)caps->wq.num_wqs <<
		  (caps->wq.wqcfg_size + IDXD_WQCFG_MIN) },
		{ "IMS", caps->offsets.ims * IDXD_TABLE_MULT,
		  (u64)caps->gen.max_ims_mult * IDXD_IMS_MULT *
		  IDXD_IMS_ENTRY_SIZE },
		{ "MSIX_PERM", caps->offsets.msix_perm * IDXD_TABLE_MULT,
		  (u64)max(msix, 0) * IDXD_MSIX_PERM_STRIDE },
		{ }, { },
	};

	idxd_msix_tables(idxd, &t[4]);
	if (!idxd_table_fits(idxd, &t[0], t, ARRAY_SIZE(t)) ||
	    !idxd_table_fits(idxd, &t[1], t, ARRAY_SIZE(t)))
		return -ENODEV;
	idxd->ims = t[2].len && idxd_table_fits(idxd, &t[2], t, 2);
	if (!idxd->ims)
		dev_warn(idxd_dev(idxd), "no usable IMS table: no subfunctions\n");
	return 0;
}

/* Four portal pages per WQ, all inside BAR2. */
static int idxd_portals_check(struct idxd_device *idxd)
{
	u64 bar = pci_resource_len(idxd->pdev, IDXD_WQ_BAR);
	u64 need = (u64)idxd->caps.wq.num_wqs * IDXD_PORTALS_PER_WQ *
		   IDXD_PORTAL_SIZE;

	if (need > bar) {
		dev_err(idxd_dev(idxd), "%u WQs need %llu bytes of portals, BAR%d has %llu\n",
			idxd->caps.wq.num_wqs, need, IDXD_WQ_BAR, bar);
		return -ENODEV;
	}
	return 0;
}

/**
 * idxd_caps_check() - refuse a device whose capabilities do not add up
 * @idxd: the device, capabilities read
 *
 * Return: 0, or -ENODEV for values that do not fit the device's own BARs
 * or counts; logged.
 */
int idxd_caps_check(struct idxd_device *idxd)
{
	int ret;

	ret = idxd_counts_check(idxd);
	if (!ret)
		ret = idxd_tables_check(idxd);
	if (!ret)
		ret = idxd_portals_check(idxd);
	return ret;
}

/**
 * idxd_host_wqs_max() - the most WQs the host can keep
 * @idxd: the device, capabilities checked
 *
 * Return: what the WQs, their entries and the MSI-X table (vector 0 and
 * one per host WQ) allow.
 */
unsigned int idxd_host_wqs_max(struct idxd_device *idxd)
{
	int msix = pci_msix_vec_count(idxd->pdev);

	return min3((unsigned int)idxd->caps.wq.num_wqs,
		    (unsigned int)idxd->caps.wq.total_wq_size,
		    (unsigned int)max(msix - 1, 0));
}

/**
 * idxd_host_wqs_check() - whether the device can give the host @host_wqs
 * @idxd: the device, capabilities checked
 * @host_wqs: the WQs the host's channels would take
 *
 * Return: 0 or -EINVAL (logged).
 */
int idxd_host_wqs_check(struct idxd_device *idxd, unsigned int host_wqs)
{
	struct idxd_caps *caps = &idxd->caps;

	if (!host_wqs || host_wqs > caps->wq.num_wqs) {
		dev_err(idxd_dev(idxd), "host_wqs=%u: this device takes 1 to %u\n",
			host_wqs, caps->wq.num_wqs);
		return -EINVAL;
	}
	if (caps->wq.total_wq_size < host_wqs) {
		dev_err(idxd_dev(idxd), "host_wqs=%u needs as many WQ entries, the device has %u\n",
			host_wqs, caps->wq.total_wq_size);
		return -EINVAL;
	}
	if (host_wqs > idxd_host_wqs_max(idxd)) {
		dev_err(idxd_dev(idxd), "host_wqs=%u needs %u MSI-X vectors, the device has %d\n",
			host_wqs, host_wqs + 1, pci_msix_vec_count(idxd->pdev));
		return -EINVAL;
	}
	return 0;
}
