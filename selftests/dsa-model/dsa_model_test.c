// SPDX-License-Identifier: GPL-2.0
/*
 * Conformance tests of the QEMU DSA model (tools/qemu/) against
 * Documentation/qemu-model.rst.
 *
 * Runs as root inside the test VM with no driver bound to the device.
 * Registers through sysfs resource0 (BAR0), descriptors through resource2
 * (portals), the model's test window through resource4, configuration
 * space through the config file.  The guest boots with
 * "intel_iommu=on,sm_on iommu=pt", so the device's requester-ID DMA is
 * identity mapped and the buffers' physical addresses (from
 * /proc/self/pagemap) are their DMA addresses.  Every buffer is one
 * locked, touched page.
 *
 * Each test runs in a fresh process whose fixture setup resets the
 * device (RESET_DEVICE) and configures what that fixture needs; the
 * teardown releases the test window's HOLD, disables MSI-X and the PASID
 * capability again and resets the device.
 *
 * The suite's boot file adds a second model at 00:0b.0 with another
 * GENCAP.max_xfer_shift, for the one check the default device cannot
 * show (fixture dsa_xfer24).
 *
 * Environment: DSA_MODEL_BDF overrides the device (default 0000:00:0a.0).
 * DSA_VM=1 (tools/testing/vm/init) says this is the harness's VM, set up
 * as selftests/dsa-model/boot asks: there a missing precondition fails
 * the test instead of skipping it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/pci_regs.h>

/* The project's one copy of the layouts: kernel_types.h goes first. */
#include "kernel_types.h"
#include "registers.h"
#include <linux/idxd_hw.h>
#include "dsa_model_test.h"

#include "kselftest_harness.h"

#define DSA_BDF_DEFAULT		"0000:00:0a.0"
/* The second model of the suite's boot file, and its GENCAP.max_xfer_shift */
#define XFER24_BDF		"0000:00:0b.0"
#define XFER24_SHIFT		24
#define PAGE			4096UL

/* How long the device may take (TCG is slow); then the test fails. */
#define POLL_MS			3000
/* How long we wait before concluding that something did not happen. */
#define QUIET_MS		200

/* What Documentation/qemu-model.rst documents with the default properties. */
#define EXP_NUM_WQS		8
#define EXP_TOTAL_WQ_SIZE	128
#define EXP_NUM_ENGINES		4
#define EXP_NUM_GROUPS		4
#define EXP_MSIX_VECTORS	64
#define EXP_IMS_ENTRIES		1024
#define EXP_MAX_XFER_SHIFT	31
#define EXP_MAX_BATCH_SHIFT	10
#define EXP_TOTAL_RDBUFS	96
#define EXP_PASID_WIDTH		20
#define EXP_GRPCFG_OFF		0x400
#define EXP_WQCFG_OFF		0x500
#define EXP_MSIX_PERM_OFF	0x600
#define EXP_IMS_OFF		0x1000
#define EXP_PERFMON_OFF		0x5000
#define EXP_MSIX_TABLE_OFF	0x6000
#define EXP_MSIX_PBA_OFF	0x7000
/* End of the register block: the last register, SWERR, is 32 bytes. */
#define REGS_END		(IDXD_SWERR_OFFSET + 32)

/* An address with no memory behind it, unless /proc/iomem says otherwise */
#define NO_MEMORY_ADDR		0x4000000000ULL

#define V(x)			((unsigned long long)(x))

/* ------------------------------------------------------------------ */
/* Device access                                                        */

struct dsa_dev {
	char path[128];			/* /sys/bus/pci/devices/<bdf> */
	int cfg_fd;
	volatile uint8_t *bar0, *bar2, *bar4;
	size_t bar0_size, bar2_size, bar4_size;
	uint16_t pcie_cap, msix_cap, pasid_cap;
	/* what the kernel set up (the IOMMU enables PASID): put back after */
	uint16_t saved_command, saved_pasid_ctrl;
	uint32_t grpcfg, wqcfg, perm, ims, perfmon;	/* tables in BAR0 */
	uint32_t wqcfg_stride;
	uint32_t msix_table, msix_pba, msix_size;
	unsigned int num_wqs, num_groups, num_engines, total_wq_size;
	unsigned int ims_size;
	union gen_cap_reg gencap;
};

#define NPAGES		12
enum {				/* roles of the pool's pages */
	P_CR,			/* completion records, 32 bytes each */
	P_LIST,			/* batch descriptor lists */
	P_IRQ,			/* interrupt message targets */
	P_SRC,
	P_DST,
	P_DST2,
	P_SRC2,
	P_SPARE,
};

struct dma_buf {
	uint8_t *va;
	uint64_t pa;
};

struct ctx {
	struct dsa_dev d;
	uint8_t *pool_base;
	struct dma_buf pg[NPAGES];
	uint64_t msix_used;		/* vectors 0..63 this test programmed */
	bool msix_on, hold;
};

static inline uint64_t rd64(const struct dsa_dev *d, uint32_t off)
{
	return *(volatile uint64_t *)(d->bar0 + off);
}

static inline uint32_t rd32(const struct dsa_dev *d, uint32_t off)
{
	return *(volatile uint32_t *)(d->bar0 + off);
}

static inline void wr64(const struct dsa_dev *d, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(d->bar0 + off) = v;
}

static inline void wr32(const struct dsa_dev *d, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(d->bar0 + off) = v;
}

static inline uint64_t tb_rd(const struct dsa_dev *d, uint32_t off)
{
	return *(volatile uint64_t *)(d->bar4 + off);
}

static inline void tb_wr(const struct dsa_dev *d, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(d->bar4 + off) = v;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void relax(unsigned int iter)
{
	/* MMIO polls take QEMU's big lock: leave the device room to work */
	if (iter > 100)
		usleep(100);
}

/* Evaluates @cond until it holds or @ms pass; true if it held. */
#define POLL_FOR(ms, cond) ({						\
	uint64_t __end = now_ms() + (ms);				\
	unsigned int __i = 0;						\
	bool __ok;							\
									\
	while (!(__ok = (cond)) && now_ms() < __end)			\
		relax(__i++);						\
	__ok;								\
})

#define POLL(cond)	POLL_FOR(POLL_MS, cond)

static void msleep(unsigned int ms)
{
	usleep(ms * 1000);
}

static int cfg_read(const struct dsa_dev *d, unsigned int off, void *buf,
		    size_t len)
{
	return pread(d->cfg_fd, buf, len, off) == (ssize_t)len ? 0 : -1;
}

static uint32_t cfg_rd(const struct dsa_dev *d, unsigned int off, size_t len)
{
	uint32_t v = 0;

	if (cfg_read(d, off, &v, len))
		return ~0U;
	return v;
}

static int cfg_wr(const struct dsa_dev *d, unsigned int off, uint32_t v,
		  size_t len)
{
	return pwrite(d->cfg_fd, &v, len, off) == (ssize_t)len ? 0 : -1;
}

static uint16_t find_cap(const struct dsa_dev *d, uint8_t id)
{
	unsigned int pos, n = 0;

	if (!(cfg_rd(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg_rd(d, PCI_CAPABILITY_LIST, 1) & ~3U;
	while (pos >= 0x40 && n++ < 48) {
		if (cfg_rd(d, pos, 1) == id)
			return pos;
		pos = cfg_rd(d, pos + 1, 1) & ~3U;
	}
	return 0;
}

static uint16_t find_ext_cap(const struct dsa_dev *d, uint16_t id)
{
	unsigned int pos = 0x100, n = 0;
	uint32_t hdr;

	while (pos >= 0x100 && pos < 0x1000 && n++ < 480) {
		hdr = cfg_rd(d, pos, 4);
		if (hdr == ~0U || !hdr)
			return 0;
		if (PCI_EXT_CAP_ID(hdr) == id)
			return pos;
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

static const char *dsa_bdf(void)
{
	const char *bdf = getenv("DSA_MODEL_BDF");

	return bdf && *bdf ? bdf : DSA_BDF_DEFAULT;
}

static bool in_reference_vm(void)
{
	const char *v = getenv("DSA_VM");

	return v && !strcmp(v, "1");
}

/*
 * A test's precondition on the machine (a CPU feature, an unclaimed
 * address, a second device): skip without it, unless this is the
 * harness's VM, which has them all.  There a skip would hide a broken
 * VM or a broken search, so the test fails.
 */
#define REQUIRE(cond, why) do {						\
	bool __ok = (cond);						\
									\
	if (!__ok && in_reference_vm()) {				\
		ASSERT_TRUE(__ok)					\
			TH_LOG("%s, in the harness's VM (DSA_VM=1)", why); \
	}								\
	if (!__ok)							\
		SKIP(return, "%s", why);				\
} while (0)

/*
 * PASID control as the IOMMU set it at boot, read before any test runs.
 * Tests turn PASID off and on; one whose teardown never ran (a failed
 * assertion) must not leave it changed for the suites after this one,
 * so the process puts it back when it ends.
 */
static struct {
	bool valid;
	uint16_t pos, ctrl;
} boot_pasid;

static int cfg_open(struct dsa_dev *d)
{
	char path[192];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
		 dsa_bdf());
	d->cfg_fd = open(path, O_RDWR);
	return d->cfg_fd;
}

static void __attribute__((constructor)) boot_pasid_save(void)
{
	struct dsa_dev d = { };

	if (cfg_open(&d) < 0)
		return;
	boot_pasid.pos = find_ext_cap(&d, PCI_EXT_CAP_ID_PASID);
	if (boot_pasid.pos) {
		boot_pasid.ctrl = cfg_rd(&d, boot_pasid.pos + PCI_PASID_CTRL, 2);
		boot_pasid.valid = true;
	}
	close(d.cfg_fd);
}

static void __attribute__((destructor)) boot_pasid_restore(void)
{
	struct dsa_dev d = { };

	if (!boot_pasid.valid || cfg_open(&d) < 0)
		return;
	cfg_wr(&d, boot_pasid.pos + PCI_PASID_CTRL, boot_pasid.ctrl, 2);
	close(d.cfg_fd);
}

static volatile uint8_t *map_resource(const struct dsa_dev *d, int bar,
				      size_t *size)
{
	char path[160];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%d", d->path, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*size = st.st_size;
	return p;
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */

#define CMD_TIMEOUT	UINT32_MAX

static const char *cmd_name(uint32_t cmd)
{
	static const char *const names[] = {
		"cmd0", "ENABLE_DEVICE", "DISABLE_DEVICE", "DRAIN_ALL",
		"ABORT_ALL", "RESET_DEVICE", "ENABLE_WQ", "DISABLE_WQ",
		"DRAIN_WQ", "ABORT_WQ", "RESET_WQ", "DRAIN_PASID",
		"ABORT_PASID", "REQUEST_INT_HANDLE", "RELEASE_INT_HANDLE",
	};

	return cmd < sizeof(names) / sizeof(names[0]) ? names[cmd] : "invalid";
}

static bool cmd_idle(const struct dsa_dev *d)
{
	return POLL(!(rd32(d, IDXD_CMDSTS_OFFSET) & IDXD_CMDSTS_ACTIVE));
}

/* Runs one command; returns CMDSTS, or CMD_TIMEOUT if it never ends. */
static uint32_t dsa_cmd_sts(const struct dsa_dev *d, uint32_t cmd,
			    uint32_t operand, bool int_req)
{
	union idxd_command_reg c = { .bits = 0 };

	if (!cmd_idle(d))
		return CMD_TIMEOUT;
	c.cmd = cmd;
	c.operand = operand;
	c.int_req = int_req;
	wr32(d, IDXD_CMD_OFFSET, c.bits);
	if (!cmd_idle(d))
		return CMD_TIMEOUT;
	return rd32(d, IDXD_CMDSTS_OFFSET);
}

#define CMDSTS_RAW(d, cmd, op, irq) ({					\
	uint32_t __s = dsa_cmd_sts(d, cmd, op, irq);			\
	ASSERT_NE(CMD_TIMEOUT, __s)					\
		TH_LOG("%s operand %#x: CMDSTS.active still set after %d ms", \
		       cmd_name(cmd), (unsigned int)(op), POLL_MS);	\
	__s;								\
})

#define CMD_EXPECT_IRQ(err, d, cmd, op, irq) do {			\
	uint32_t __e = CMDSTS_RAW(d, cmd, op, irq) & IDXD_CMDSTS_ERR_MASK; \
	ASSERT_EQ((uint32_t)(err), __e)					\
		TH_LOG("%s operand %#x: CMDSTS error %#x, expected %#x", \
		       cmd_name(cmd), (unsigned int)(op), __e,		\
		       (unsigned int)(err));				\
} while (0)

#define CMD_EXPECT(err, d, cmd, op) CMD_EXPECT_IRQ(err, d, cmd, op, false)

/* The handle REQUEST_INT_HANDLE grants for @operand (index, IMS bit). */
#define HANDLE(d, operand) ({						\
	uint32_t __h = CMDSTS_RAW(d, IDXD_CMD_REQUEST_INT_HANDLE,	\
				  operand, false);			\
	ASSERT_EQ(0U, __h & IDXD_CMDSTS_ERR_MASK);			\
	(__h >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;			\
})

/* ------------------------------------------------------------------ */
/* Configuration tables                                                 */

static uint32_t wqcfg_off(const struct dsa_dev *d, int wq)
{
	return d->wqcfg + wq * d->wqcfg_stride;
}

static void wqcfg_read(const struct dsa_dev *d, int wq, union wqcfg *c)
{
	int i;

	for (i = 0; i < IDXD_WQCFG_DWORDS; i++)
		c->bits[i] = rd32(d, wqcfg_off(d, wq) + 4 * i);
}

/* Writes the writable dwords (0-5); 6 and 7 are status. */
static void wqcfg_write(const struct dsa_dev *d, int wq, const union wqcfg *c)
{
	int i;

	for (i = 0; i < IDXD_WQCFG_STATUS_IDX; i++)
		wr32(d, wqcfg_off(d, wq) + 4 * i, c->bits[i]);
}

static void wq_setup(const struct dsa_dev *d, int wq, unsigned int size,
		     unsigned int prio, unsigned int xfer_shift,
		     unsigned int batch_shift)
{
	union wqcfg c;

	memset(&c, 0, sizeof(c));
	c.wq_size = size;
	c.mode = IDXD_WQ_MODE_DEDICATED;
	c.priority = prio;
	c.max_xfer_shift = xfer_shift;
	c.max_batch_shift = batch_shift;
	wqcfg_write(d, wq, &c);
}

static unsigned int wq_occupancy(const struct dsa_dev *d, int wq)
{
	union wqcfg c;

	wqcfg_read(d, wq, &c);
	return c.occupancy;
}

static unsigned int wq_state(const struct dsa_dev *d, int wq)
{
	union wqcfg c;

	wqcfg_read(d, wq, &c);
	return c.wq_state;
}

static uint32_t grp_off(const struct dsa_dev *d, int g)
{
	return d->grpcfg + g * IDXD_GRPCFG_SIZE;
}

static void grp_setup(const struct dsa_dev *d, int g, uint64_t wqs,
		      uint64_t engines, uint64_t flags)
{
	uint32_t base = grp_off(d, g);
	int i;

	wr64(d, base, wqs);
	for (i = 1; i < IDXD_GRPWQCFG_WORDS; i++)
		wr64(d, base + 8 * i, 0);
	wr64(d, base + IDXD_GRPENGCFG_OFS, engines);
	wr64(d, base + IDXD_GRPFLGCFG_OFS, flags);
}

static unsigned int gensts_state(const struct dsa_dev *d)
{
	union gensts_reg g = { .bits = rd32(d, IDXD_GENSTATS_OFFSET) };

	return g.state;
}

static void swerr_read(const struct dsa_dev *d, union sw_err_reg *e)
{
	int i;

	for (i = 0; i < 4; i++)
		e->bits[i] = rd64(d, IDXD_SWERR_OFFSET + 8 * i);
}

static bool swerr_wait(const struct dsa_dev *d, union sw_err_reg *e)
{
	return POLL((swerr_read(d, e), e->valid));
}

#define SWERR_WAIT(d, e) do {						\
	ASSERT_TRUE(swerr_wait(d, e))					\
		TH_LOG("SWERR.valid not set within %d ms", POLL_MS);	\
} while (0)

static bool intcause_wait(const struct dsa_dev *d, uint32_t bit)
{
	return POLL(rd32(d, IDXD_INTCAUSE_OFFSET) & bit);
}

/* ------------------------------------------------------------------ */
/* DMA buffers                                                          */

static int virt_to_phys(const void *va, uint64_t *pa)
{
	uint64_t ent;
	int fd, ret;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -errno;
	ret = pread(fd, &ent, sizeof(ent), (uintptr_t)va / PAGE * 8);
	close(fd);
	if (ret != sizeof(ent))
		return -EIO;
	if (!(ent >> 63))		/* present */
		return -ENOENT;
	ent &= (1ULL << 55) - 1;	/* PFN; 0 without CAP_SYS_ADMIN */
	if (!ent)
		return -EPERM;
	*pa = ent * PAGE + (uintptr_t)va % PAGE;
	return 0;
}

static void pool_alloc(struct __test_metadata *_metadata, struct ctx *c)
{
	size_t len = NPAGES * PAGE;
	int i, j, fd;

	/* keep compaction from moving our locked pages under the device */
	fd = open("/proc/sys/vm/compact_unevictable_allowed", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "0\n", 2) != 2)
			TH_LOG("cannot set vm.compact_unevictable_allowed");
		close(fd);
	}
	c->pool_base = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c->pool_base);
	madvise(c->pool_base, len, MADV_NOHUGEPAGE);
	memset(c->pool_base, 0, len);			/* touch */
	ASSERT_EQ(0, mlock(c->pool_base, len))
		TH_LOG("mlock: %s", strerror(errno));
	for (i = 0; i < NPAGES; i++) {
		struct dma_buf *b = &c->pg[i];
		int ret;

		b->va = c->pool_base + i * PAGE;
		ret = virt_to_phys(b->va, &b->pa);
		ASSERT_EQ(0, ret)
			TH_LOG("pagemap of %p: %s (page not present or no "
			       "CAP_SYS_ADMIN)", b->va, strerror(-ret));
		ASSERT_EQ(V(0), V(b->pa % PAGE));
		for (j = 0; j < i; j++)
			ASSERT_NE(V(c->pg[j].pa), V(b->pa));
	}
}

/* Checks that nothing of our pool moved while the device used it. */
static void pool_check(struct __test_metadata *_metadata, struct ctx *c)
{
	uint64_t pa;
	int i;

	for (i = 0; i < NPAGES; i++) {
		ASSERT_EQ(0, virt_to_phys(c->pg[i].va, &pa));
		ASSERT_EQ(V(c->pg[i].pa), V(pa))
			TH_LOG("page %d moved during the test", i);
	}
}

static volatile struct dsa_completion_record *cr_va(struct ctx *c, int i)
{
	return (volatile struct dsa_completion_record *)
		(c->pg[P_CR].va + i * DSA_COMP_RECORD_SIZE);
}

static uint64_t cr_pa(struct ctx *c, int i)
{
	return c->pg[P_CR].pa + i * DSA_COMP_RECORD_SIZE;
}

static uint8_t cr_status(struct ctx *c, int i)
{
	return cr_va(c, i)->status;
}

static volatile uint32_t *irq_va(struct ctx *c, int slot)
{
	return (volatile uint32_t *)(c->pg[P_IRQ].va + slot * 64);
}

static uint64_t irq_pa(struct ctx *c, int slot)
{
	return c->pg[P_IRQ].pa + slot * 64;
}

static bool irq_wait(struct ctx *c, int slot, uint32_t data)
{
	return POLL(*irq_va(c, slot) == data);
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd64(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void fill_random(void *p, size_t len)
{
	uint8_t *b = p;

	while (len--)
		*b++ = rnd64() >> 56;
}

/* Software CRC-32C (Castagnoli, reflected); seed 0 = standard CRC-32C. */
static uint32_t crc32c_sw(uint32_t seed, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t crc = ~seed;
	int k;

	while (len--) {
		crc ^= *b++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return ~crc;
}

/* ------------------------------------------------------------------ */
/* /proc/iomem                                                          */

struct iomem_ent {
	uint64_t start, end;
	int depth;
	char name[64];
};

static int iomem_load(struct iomem_ent *e, int max)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		int sp = strspn(line, " ");

		if (sscanf(line + sp, "%" SCNx64 "-%" SCNx64 " : %63[^\n]",
			   &e[n].start, &e[n].end, e[n].name) != 3)
			continue;
		e[n].depth = sp / 2;
		n++;
	}
	fclose(f);
	return n;
}

/* Is any byte of [addr, addr + len) claimed by something not a bus window? */
static bool iomem_claimed(const struct iomem_ent *e, int n, uint64_t addr,
			  uint64_t len)
{
	int i;

	for (i = 0; i < n; i++) {
		if (e[i].end < addr || e[i].start > addr + len - 1)
			continue;
		if (!strncmp(e[i].name, "PCI Bus", 7))
			continue;
		return true;
	}
	return false;
}

#define IOMEM_MAX	512

/* A physical address with nothing behind it (no RAM, no device). */
static bool find_no_memory_addr(uint64_t *addr)
{
	static const uint64_t cand[] = {
		NO_MEMORY_ADDR, 0x2000000000ULL, 0x6000000000ULL,
	};
	struct iomem_ent *e = calloc(IOMEM_MAX, sizeof(*e));
	int n = e ? iomem_load(e, IOMEM_MAX) : -1;
	unsigned int i;
	bool ok = false;

	for (i = 0; n > 0 && i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (!iomem_claimed(e, n, cand[i], PAGE)) {
			*addr = cand[i];
			ok = true;
			break;
		}
	}
	free(e);
	return ok;
}

/*
 * The first address after the memory that ends the last System RAM range
 * below 4 GiB (firmware-reserved RAM right after it counts as RAM), if no
 * device claims the page there.
 */
static bool find_ram_end(uint64_t *end)
{
	struct iomem_ent *e = calloc(IOMEM_MAX, sizeof(*e));
	int n = e ? iomem_load(e, IOMEM_MAX) : -1;
	uint64_t b = 0;
	bool ok = false, grew;
	int i;

	for (i = 0; i < n; i++)
		if (!e[i].depth && !strcmp(e[i].name, "System RAM") &&
		    e[i].end < 0x100000000ULL)
			b = e[i].end + 1;
	do {
		grew = false;
		for (i = 0; b && i < n; i++) {
			if (e[i].depth || e[i].start != b)
				continue;
			if (!strcmp(e[i].name, "Reserved") ||
			    !strncmp(e[i].name, "ACPI", 4)) {
				b = e[i].end + 1;
				grew = true;
			}
		}
	} while (grew);
	if (b && b < 0x100000000ULL && !(b % PAGE) &&
	    !iomem_claimed(e, n, b, PAGE)) {
		*end = b;
		ok = true;
	}
	free(e);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Fixture plumbing                                                     */

/* Nothing held, slowed or armed to fail: what a test may have left. */
static void test_window_quiet(const struct dsa_dev *d)
{
	tb_wr(d, DSA_TEST_HOLD, 0);
	tb_wr(d, DSA_TEST_DELAY_US, 0);
	if (tb_rd(d, DSA_TEST_FAIL_DESC))
		tb_wr(d, DSA_TEST_FAIL_DESC, 0);
	if (tb_rd(d, DSA_TEST_FAIL_CMD))
		tb_wr(d, DSA_TEST_FAIL_CMD, 0);
}

static void dsa_open(struct __test_metadata *_metadata, struct dsa_dev *d,
		     const char *bdf)
{
	union offsets_reg offs;
	union wq_cap_reg wqcap;
	union group_cap_reg grpcap;
	union engine_cap_reg engcap;
	char path[192];
	uint32_t t;
	int i;

	snprintf(d->path, sizeof(d->path), "/sys/bus/pci/devices/%s", bdf);
	snprintf(path, sizeof(path), "%s/config", d->path);
	d->cfg_fd = open(path, O_RDWR);
	ASSERT_LE(0, d->cfg_fd)
		TH_LOG("%s: %s (is the intel-dsa model at %s?)", path,
		       strerror(errno), bdf);
	snprintf(path, sizeof(path), "%s/driver", d->path);
	ASSERT_NE(0, access(path, F_OK))
		TH_LOG("a driver is bound to %s: unbind it first", bdf);
	ASSERT_EQ(0x8086U, cfg_rd(d, PCI_VENDOR_ID, 2));
	ASSERT_EQ((uint32_t)PCI_DEVICE_ID_INTEL_DSA, cfg_rd(d, PCI_DEVICE_ID, 2));

	d->pcie_cap = find_cap(d, PCI_CAP_ID_EXP);
	d->msix_cap = find_cap(d, PCI_CAP_ID_MSIX);
	d->pasid_cap = find_ext_cap(d, PCI_EXT_CAP_ID_PASID);

	/* memory decoding and bus mastering: the device may DMA */
	t = cfg_rd(d, PCI_COMMAND, 2);
	d->saved_command = t;
	if (d->pasid_cap)
		d->saved_pasid_ctrl = boot_pasid.valid && !strcmp(bdf, dsa_bdf()) ?
				      boot_pasid.ctrl :
				      cfg_rd(d, d->pasid_cap + PCI_PASID_CTRL, 2);
	ASSERT_EQ(0, cfg_wr(d, PCI_COMMAND,
			    t | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2));
	/* leftovers of a test that could not tear down */
	if (d->msix_cap) {
		t = cfg_rd(d, d->msix_cap + PCI_MSIX_FLAGS, 2);
		cfg_wr(d, d->msix_cap + PCI_MSIX_FLAGS,
		       t & ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL), 2);
	}
	if (d->pasid_cap)
		cfg_wr(d, d->pasid_cap + PCI_PASID_CTRL, 0, 2);

	d->bar0 = map_resource(d, IDXD_MMIO_BAR, &d->bar0_size);
	ASSERT_NE(NULL, d->bar0) TH_LOG("cannot map %s/resource0", d->path);
	d->bar2 = map_resource(d, IDXD_WQ_BAR, &d->bar2_size);
	ASSERT_NE(NULL, d->bar2) TH_LOG("cannot map %s/resource2", d->path);
	d->bar4 = map_resource(d, DSA_TEST_BAR, &d->bar4_size);
	if (d->bar4 && tb_rd(d, DSA_TEST_MAGIC) != DSA_TEST_MAGIC_VALUE)
		d->bar4 = NULL;
	if (d->bar4)
		test_window_quiet(d);

	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, d, IDXD_CMD_RESET_DEVICE, 0);

	d->gencap.bits = rd64(d, IDXD_GENCAP_OFFSET);
	wqcap.bits = rd64(d, IDXD_WQCAP_OFFSET);
	grpcap.bits = rd64(d, IDXD_GRPCAP_OFFSET);
	engcap.bits = rd64(d, IDXD_ENGCAP_OFFSET);
	for (i = 0; i < 2; i++)
		offs.bits[i] = rd64(d, IDXD_TABLE_OFFSET + 8 * i);
	d->num_wqs = wqcap.num_wqs;
	d->total_wq_size = wqcap.total_wq_size;
	d->num_groups = grpcap.num_groups;
	d->num_engines = engcap.num_engines;
	d->ims_size = d->gencap.max_ims_mult * IDXD_IMS_MULT;
	d->wqcfg_stride = 1U << (wqcap.wqcfg_size + IDXD_WQCFG_MIN);
	d->grpcfg = offs.grpcfg * IDXD_TABLE_MULT;
	d->wqcfg = offs.wqcfg * IDXD_TABLE_MULT;
	d->perm = offs.msix_perm * IDXD_TABLE_MULT;
	d->ims = offs.ims * IDXD_TABLE_MULT;
	d->perfmon = offs.perfmon * IDXD_TABLE_MULT;
	if (d->msix_cap) {
		d->msix_size = (cfg_rd(d, d->msix_cap + PCI_MSIX_FLAGS, 2) &
				PCI_MSIX_FLAGS_QSIZE) + 1;
		d->msix_table = cfg_rd(d, d->msix_cap + PCI_MSIX_TABLE, 4) &
				PCI_MSIX_TABLE_OFFSET;
		d->msix_pba = cfg_rd(d, d->msix_cap + PCI_MSIX_PBA, 4) &
			      PCI_MSIX_PBA_OFFSET;
	}
	/* the fixtures use WQs 0-4, groups 0-1, engines 0-1 */
	ASSERT_LE(5U, d->num_wqs);
	ASSERT_LE(2U, d->num_groups);
	ASSERT_LE(2U, d->num_engines);
	ASSERT_NE(0U, d->grpcfg);
	ASSERT_NE(0U, d->wqcfg);
}

/*
 * The model takes a descriptor written with plain stores only as one
 * vCPU's eight stores in order: a test must not migrate in between.
 */
static void pin_to_cpu0(struct __test_metadata *_metadata)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
}

static void ctx_setup_at(struct __test_metadata *_metadata, struct ctx *c,
			 const char *bdf)
{
	pin_to_cpu0(_metadata);
	memset(c, 0, sizeof(*c));
	c->d.cfg_fd = -1;
	dsa_open(_metadata, &c->d, bdf);
	pool_alloc(_metadata, c);
}

static void ctx_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	ctx_setup_at(_metadata, c, dsa_bdf());
}

static void msix_program(const struct dsa_dev *d, unsigned int v,
			 uint64_t addr, uint32_t data, bool masked)
{
	volatile uint32_t *e = (volatile uint32_t *)
		(d->bar0 + d->msix_table + v * PCI_MSIX_ENTRY_SIZE);

	e[PCI_MSIX_ENTRY_VECTOR_CTRL / 4] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	e[PCI_MSIX_ENTRY_LOWER_ADDR / 4] = (uint32_t)addr;
	e[PCI_MSIX_ENTRY_UPPER_ADDR / 4] = addr >> 32;
	e[PCI_MSIX_ENTRY_DATA / 4] = data;
	if (!masked)
		e[PCI_MSIX_ENTRY_VECTOR_CTRL / 4] = 0;
}

static void ctx_teardown(struct ctx *c)
{
	struct dsa_dev *d = &c->d;
	unsigned int v;

	if (d->cfg_fd < 0)
		return;
	if (d->bar4)
		test_window_quiet(d);
	if (d->bar0) {
		/* wait out a command a failed test left running */
		cmd_idle(d);
		for (v = 0; v < 64 && v < d->msix_size; v++)
			if (c->msix_used & (1ULL << v))
				msix_program(d, v, 0, 0, true);
	}
	if (d->msix_cap && c->msix_on)
		cfg_wr(d, d->msix_cap + PCI_MSIX_FLAGS, 0, 2);
	if (d->bar0)
		dsa_cmd_sts(d, IDXD_CMD_RESET_DEVICE, 0, false);
	if (d->pasid_cap)
		cfg_wr(d, d->pasid_cap + PCI_PASID_CTRL, d->saved_pasid_ctrl, 2);
	cfg_wr(d, PCI_COMMAND, d->saved_command, 2);
	if (d->bar0)
		munmap((void *)d->bar0, d->bar0_size);
	if (d->bar2)
		munmap((void *)d->bar2, d->bar2_size);
	if (d->bar4)
		munmap((void *)d->bar4, d->bar4_size);
	close(d->cfg_fd);
	if (c->pool_base)
		munmap(c->pool_base, NPAGES * PAGE);
}

#define REQUIRE_TEST_BAR(c)						\
	ASSERT_NE(NULL, (c)->d.bar4)					\
		TH_LOG("no test window: boot the model with test-bar=on")

static void hold(struct __test_metadata *_metadata, struct ctx *c, bool on)
{
	REQUIRE_TEST_BAR(c);
	if (on)
		c->hold = true;
	tb_wr(&c->d, DSA_TEST_HOLD, on);
}

static void msix_enable(struct __test_metadata *_metadata, struct ctx *c,
			bool on)
{
	struct dsa_dev *d = &c->d;

	ASSERT_NE(0, d->msix_cap);
	if (on)
		c->msix_on = true;
	ASSERT_EQ(0, cfg_wr(d, d->msix_cap + PCI_MSIX_FLAGS,
			    on ? PCI_MSIX_FLAGS_ENABLE : 0, 2));
	ASSERT_EQ(V(on ? PCI_MSIX_FLAGS_ENABLE : 0),
		  V(cfg_rd(d, d->msix_cap + PCI_MSIX_FLAGS, 2) &
		    (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)));
}

static bool msix_pending(const struct dsa_dev *d, unsigned int v)
{
	volatile uint32_t *pba = (volatile uint32_t *)(d->bar0 + d->msix_pba);

	return (pba[v / 32] >> (v % 32)) & 1;
}

/*
 * Points vector @v at irq slot @slot with @data, masked or not, after
 * flushing a pending bit an earlier test may have left (the pending
 * message goes to a scratch slot when the vector is unmasked).
 */
static void msix_arm(struct __test_metadata *_metadata, struct ctx *c,
		     unsigned int v, int slot, uint32_t data, bool masked)
{
	struct dsa_dev *d = &c->d;

	ASSERT_LT(v, d->msix_size);
	ASSERT_GT(64U, v);
	c->msix_used |= 1ULL << v;
	msix_program(d, v, irq_pa(c, 63), 0xdeadbeef, false);
	msix_program(d, v, irq_pa(c, 63), 0xdeadbeef, true);
	ASSERT_FALSE(msix_pending(d, v))
		TH_LOG("unmasking vector %u did not clear its PBA bit", v);
	*irq_va(c, slot) = 0;
	msix_program(d, v, irq_pa(c, slot), data, masked);
}

static void ims_program(const struct dsa_dev *d, unsigned int i,
			uint64_t addr, uint32_t data, bool masked,
			bool pasid_en, uint32_t pasid)
{
	volatile uint32_t *e = (volatile uint32_t *)
		(d->bar0 + d->ims + i * IDXD_IMS_ENTRY_SIZE);
	union ims_entry ent;

	memset(&ent, 0, sizeof(ent));
	ent.mask = 1;
	e[IDXD_IMS_CTRL_DWORD] = ent.bits[IDXD_IMS_CTRL_DWORD];
	e[0] = (uint32_t)addr;
	e[1] = addr >> 32;
	e[2] = data;
	ent.mask = masked;
	ent.pasid_en = pasid_en;
	ent.pasid = pasid;
	e[IDXD_IMS_CTRL_DWORD] = ent.bits[IDXD_IMS_CTRL_DWORD];
}

static void ims_read(const struct dsa_dev *d, unsigned int i,
		     union ims_entry *ent)
{
	volatile uint32_t *e = (volatile uint32_t *)
		(d->bar0 + d->ims + i * IDXD_IMS_ENTRY_SIZE);
	int k;

	for (k = 0; k < 4; k++)
		ent->bits[k] = e[k];
}

static void pasid_enable(struct __test_metadata *_metadata, struct ctx *c,
			 bool on)
{
	struct dsa_dev *d = &c->d;

	ASSERT_NE(0, d->pasid_cap);
	ASSERT_EQ(0, cfg_wr(d, d->pasid_cap + PCI_PASID_CTRL,
			    on ? PCI_PASID_CTRL_ENABLE : 0, 2));
	ASSERT_EQ(V(on), V(cfg_rd(d, d->pasid_cap + PCI_PASID_CTRL, 2) &
			   PCI_PASID_CTRL_ENABLE));
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                          */

static void desc_init(struct dsa_hw_desc *h, uint8_t opcode, uint32_t flags,
		      uint64_t completion_addr)
{
	memset(h, 0, sizeof(*h));
	h->opcode = opcode;
	h->flags = flags;
	h->completion_addr = completion_addr;
}

/* A descriptor as eight aligned 8-byte stores, the model's fallback path. */
static void submit_portal(const struct dsa_dev *d, int wq,
			  enum idxd_portal_prot prot,
			  enum idxd_interrupt_type it, const struct dsa_hw_desc *h)
{
	volatile uint64_t *portal = (volatile uint64_t *)
		(d->bar2 + IDXD_PORTAL_OFFSET(wq, prot, it));
	uint64_t q[DSA_DESC_SIZE / 8];
	unsigned int i;

	memcpy(q, h, sizeof(q));
	__sync_synchronize();
	for (i = 0; i < DSA_DESC_SIZE / 8; i++)
		portal[i] = q[i];
	__sync_synchronize();
}

static void dsa_submit(const struct dsa_dev *d, int wq,
		       enum idxd_interrupt_type it, const struct dsa_hw_desc *h)
{
	submit_portal(d, wq, IDXD_PORTAL_UNLIMITED, it, h);
}

/* The descriptor as one MOVDIR64B store, as silicon expects it. */
static void dsa_submit_movdir64b(const struct dsa_dev *d, int wq,
				 const struct dsa_hw_desc *h)
{
	volatile uint8_t *portal = d->bar2 +
		IDXD_PORTAL_OFFSET(wq, IDXD_PORTAL_UNLIMITED, IDXD_IRQ_MSIX);

	__sync_synchronize();
	asm volatile("movdir64b (%1), %0" : : "r"(portal), "r"(h) : "memory");
}

static uint8_t cr_wait(volatile struct dsa_completion_record *cr)
{
	uint8_t s = 0;

	if (POLL((s = cr->status) != 0))
		__sync_synchronize();	/* the record before what it vouches for */
	return s;
}

/* Waits for completion record @i; fails the test on timeout. */
#define WAIT_CR(c, i) ({						\
	uint8_t __st = cr_wait(cr_va(c, i));				\
	ASSERT_NE(0, __st)						\
		TH_LOG("completion record %d not written within %d ms", \
		       (int)(i), POLL_MS);				\
	(uint8_t)DSA_COMP_STATUS(__st);					\
})

#define EXPECT_STATUS(exp, c, i) do {					\
	uint8_t __s = WAIT_CR(c, i);					\
	ASSERT_EQ((uint8_t)(exp), __s)					\
		TH_LOG("completion record %d: status %#x, expected %#x", \
		       (int)(i), __s, (unsigned int)(exp));		\
} while (0)

/* Submits @h with its record in slot @i and checks the status. */
#define RUN_EXPECT(exp, c, wq, h, i) do {				\
	dsa_submit(&(c)->d, wq, IDXD_IRQ_MSIX, h);			\
	EXPECT_STATUS(exp, c, i);					\
} while (0)

/*
 * A NOOP with a record in slot @i: once it completes, everything the WQ
 * held before it has run (one engine thread, FIFO per WQ).
 */
static void marker(struct __test_metadata *_metadata, struct ctx *c, int wq,
		   int i)
{
	struct dsa_hw_desc h;

	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(c, i));
	RUN_EXPECT(DSA_COMP_SUCCESS, c, wq, &h, i);
}

static void memmove_desc(struct dsa_hw_desc *h, uint64_t src, uint64_t dst,
			 uint32_t len, uint64_t cr)
{
	desc_init(h, DSA_OPCODE_MEMMOVE, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr);
	h->src_addr = src;
	h->dst_addr = dst;
	h->xfer_size = len;
}

/*
 * The "dsa" fixture's device: group 0 = engine 0 + WQs 0-3; WQ0 (32
 * entries) enabled; WQ1 (2 entries), WQ2 (8, max_xfer_shift 12) and WQ3
 * (8) configured but disabled; WQ4 has size 0.
 */
#define WQ_MAIN		0
#define WQ_SMALL	1
#define WQ_XFER12	2
#define WQ_PASID	3
#define WQ_NOSIZE	4
#define BATCH_SHIFT	5
#define XFER_SHIFT	20

static void configure_default(struct __test_metadata *_metadata,
			      struct dsa_dev *d)
{
	grp_setup(d, 0, 0xf, 0x1, 0);
	wq_setup(d, WQ_MAIN, 32, 1, XFER_SHIFT, BATCH_SHIFT);
	wq_setup(d, WQ_SMALL, 2, 1, XFER_SHIFT, BATCH_SHIFT);
	wq_setup(d, WQ_XFER12, 8, 1, 12, BATCH_SHIFT);
	wq_setup(d, WQ_PASID, 8, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, d, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, d, IDXD_CMD_ENABLE_WQ, WQ_MAIN);
}

/* Fixture "dsa_cfg": reset device, disabled, nothing configured. */
FIXTURE(dsa_cfg) {
	struct ctx c;
};

FIXTURE_SETUP(dsa_cfg)
{
	ctx_setup(_metadata, &self->c);
}

FIXTURE_TEARDOWN(dsa_cfg)
{
	ctx_teardown(&self->c);
}

/* Fixture "dsa": device enabled with configure_default(). */
FIXTURE(dsa) {
	struct ctx c;
};

FIXTURE_SETUP(dsa)
{
	ctx_setup(_metadata, &self->c);
	configure_default(_metadata, &self->c.d);
}

FIXTURE_TEARDOWN(dsa)
{
	ctx_teardown(&self->c);
}

/*
 * Fixture "dsa_xfer24": the suite's second model, whose
 * GENCAP.max_xfer_shift (24) leaves room above it in WQCFG's 5-bit field;
 * reset, group 0 = WQ0 (2 entries, disabled) + engine 0, device enabled.
 */
FIXTURE(dsa_xfer24) {
	struct ctx c;
};

FIXTURE_SETUP(dsa_xfer24)
{
	REQUIRE(!access("/sys/bus/pci/devices/" XFER24_BDF, F_OK),
		"no second model at " XFER24_BDF " (selftests/dsa-model/boot)");
	ctx_setup_at(_metadata, &self->c, XFER24_BDF);
	ASSERT_EQ(V(XFER24_SHIFT), V(self->c.d.gencap.max_xfer_shift));
	grp_setup(&self->c.d, 0, 0x1, 0x1, 0);
	/* sizes are set while the device is disabled */
	wq_setup(&self->c.d, 0, 2, 1, XFER24_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, &self->c.d, IDXD_CMD_ENABLE_DEVICE, 0);
}

FIXTURE_TEARDOWN(dsa_xfer24)
{
	ctx_teardown(&self->c);
}

#define C	(&self->c)
#define D	(&self->c.d)
#define PG(i)	(&self->c.pg[i])

/* Minimal valid configuration: group 0 = WQ0 (16 entries) + engine 0. */
static void config_minimal(const struct dsa_dev *d)
{
	grp_setup(d, 0, 0x1, 0x1, 0);
	wq_setup(d, 0, 16, 1, XFER_SHIFT, BATCH_SHIFT);
}

/*
 * A precondition of the tests that compare the device's CRC with
 * crc32c_sw(): with a wrong reference they would fail a right device, or
 * pass a wrong one.  Not a result of its own: it checks this file, not
 * the device.
 */
static void crc_reference_check(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0xe3069283U, crc32c_sw(0, "123456789", 9))
		TH_LOG("crc32c_sw() misses the CRC-32C check value");
	ASSERT_EQ(crc32c_sw(0, "123456789", 9),
		  crc32c_sw(crc32c_sw(0, "1234", 4), "56789", 5))
		TH_LOG("crc32c_sw() does not chain through its seed");
}

/* ------------------------------------------------------------------ */
/* Byte checks                                                          */

static long first_diff(const volatile uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

static long first_not(const volatile uint8_t *a, uint8_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != v)
			return i;
	return -1;
}

#define ASSERT_SAME(a, b, n) do {					\
	long __i = first_diff(a, b, n);					\
	ASSERT_EQ(-1L, __i)						\
		TH_LOG("byte %ld is %#x, expected %#x", __i,		\
		       (a)[__i], (b)[__i]);				\
} while (0)

#define ASSERT_FILLED(a, v, n) do {					\
	long __i = first_not(a, v, n);					\
	ASSERT_EQ(-1L, __i)						\
		TH_LOG("byte %ld is %#x, expected %#x", __i,		\
		       (a)[__i], (unsigned int)(v));			\
} while (0)

/* ================================================================== */
/* Identity: configuration space                                        */

TEST_F(dsa_cfg, pci_identity)
{
	uint32_t class_rev = cfg_rd(D, PCI_CLASS_REVISION, 4);

	ASSERT_EQ(0x8086U, cfg_rd(D, PCI_VENDOR_ID, 2));
	ASSERT_EQ((uint32_t)PCI_DEVICE_ID_INTEL_DSA, cfg_rd(D, PCI_DEVICE_ID, 2));
	ASSERT_EQ(0x088000U, class_rev >> 8);
	ASSERT_EQ(0U, class_rev & 0xff);
	ASSERT_EQ(0U, cfg_rd(D, PCI_HEADER_TYPE, 1) & 0x7f);
	ASSERT_NE(0U, cfg_rd(D, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
}

TEST_F(dsa_cfg, pcie_capability)
{
	uint32_t flags;

	ASSERT_NE(0, D->pcie_cap) TH_LOG("no PCI Express capability");
	flags = cfg_rd(D, D->pcie_cap + PCI_EXP_FLAGS, 2);
	ASSERT_EQ((uint32_t)PCI_EXP_TYPE_RC_END,
		  (flags & PCI_EXP_FLAGS_TYPE) >> 4)
		TH_LOG("device/port type %#x, expected a root complex "
		       "integrated endpoint", (flags & PCI_EXP_FLAGS_TYPE) >> 4);
	ASSERT_LE(2U, flags & PCI_EXP_FLAGS_VERS);
}

TEST_F(dsa_cfg, msix_capability)
{
	uint32_t tbl, pba, tbl_end, pba_end;

	ASSERT_NE(0, D->msix_cap) TH_LOG("no MSI-X capability");
	tbl = cfg_rd(D, D->msix_cap + PCI_MSIX_TABLE, 4);
	pba = cfg_rd(D, D->msix_cap + PCI_MSIX_PBA, 4);
	ASSERT_EQ((uint32_t)IDXD_MMIO_BAR, tbl & PCI_MSIX_TABLE_BIR)
		TH_LOG("MSI-X table not in BAR0");
	ASSERT_EQ((uint32_t)IDXD_MMIO_BAR, pba & PCI_MSIX_PBA_BIR)
		TH_LOG("MSI-X PBA not in BAR0");
	ASSERT_EQ((uint32_t)EXP_MSIX_VECTORS, D->msix_size);
	/* the doc's reasoning: 1 + one per WQ + one per possible SF */
	ASSERT_LE(1 + 2 * D->num_wqs, D->msix_size);
	ASSERT_EQ((uint32_t)EXP_MSIX_TABLE_OFF, D->msix_table);
	ASSERT_EQ((uint32_t)EXP_MSIX_PBA_OFF, D->msix_pba);
	tbl_end = D->msix_table + D->msix_size * PCI_MSIX_ENTRY_SIZE;
	pba_end = D->msix_pba + (D->msix_size + 63) / 64 * 8;
	ASSERT_LE(V(tbl_end), V(D->bar0_size));
	ASSERT_LE(V(pba_end), V(D->bar0_size));
	ASSERT_TRUE(tbl_end <= D->msix_pba || pba_end <= D->msix_table)
		TH_LOG("MSI-X table and PBA overlap");
	/* disabled until software enables it (the setup leaves it so) */
	ASSERT_EQ(0U, cfg_rd(D, D->msix_cap + PCI_MSIX_FLAGS, 2) &
		      PCI_MSIX_FLAGS_ENABLE);
}

TEST_F(dsa_cfg, pasid_capability)
{
	uint32_t hdr, cap;

	ASSERT_NE(0, D->pasid_cap)
		TH_LOG("no PASID extended capability (ID 0x1b)");
	hdr = cfg_rd(D, D->pasid_cap, 4);
	ASSERT_EQ((uint32_t)PCI_EXT_CAP_ID_PASID, PCI_EXT_CAP_ID(hdr));
	ASSERT_EQ(1U, PCI_EXT_CAP_VER(hdr));
	cap = cfg_rd(D, D->pasid_cap + PCI_PASID_CAP, 2);
	ASSERT_EQ((uint32_t)EXP_PASID_WIDTH, (cap >> 8) & 0x1f)
		TH_LOG("max PASID width %u", (cap >> 8) & 0x1f);
	ASSERT_NE(0U, cap & PCI_PASID_CAP_PRIV);
	ASSERT_EQ(0U, cap & PCI_PASID_CAP_EXEC);
	ASSERT_EQ(0U, cfg_rd(D, D->pasid_cap + PCI_PASID_CTRL, 2) &
		      PCI_PASID_CTRL_ENABLE);
	pasid_enable(_metadata, C, true);
	pasid_enable(_metadata, C, false);
}

TEST_F(dsa_cfg, bars)
{
	uint32_t bar;

	bar = cfg_rd(D, PCI_BASE_ADDRESS_0, 4);
	/* 64-bit memory, non-prefetchable */
	ASSERT_EQ((uint32_t)(PCI_BASE_ADDRESS_SPACE_MEMORY |
			     PCI_BASE_ADDRESS_MEM_TYPE_64), bar & 0xf);
	bar = cfg_rd(D, PCI_BASE_ADDRESS_2, 4);
	ASSERT_EQ((uint32_t)PCI_BASE_ADDRESS_MEM_TYPE_64,
		  bar & (PCI_BASE_ADDRESS_SPACE | PCI_BASE_ADDRESS_MEM_TYPE_MASK));
	ASSERT_LE(V(D->num_wqs * IDXD_PORTALS_PER_WQ * IDXD_PORTAL_SIZE),
		  V(D->bar2_size));
	/* portal reads return 0 */
	ASSERT_EQ(V(0), V(*(volatile uint64_t *)D->bar2));
	ASSERT_EQ(V(0), V(*(volatile uint64_t *)(D->bar2 +
		IDXD_PORTAL_OFFSET(1, IDXD_PORTAL_LIMITED, IDXD_IRQ_IMS) + 8)));
	REQUIRE_TEST_BAR(C);
	ASSERT_EQ(V(DSA_TEST_BAR_SIZE), V(D->bar4_size));
	ASSERT_EQ(V(DSA_TEST_MAGIC_VALUE), V(tb_rd(D, DSA_TEST_MAGIC)));
}

/* ================================================================== */
/* Capability registers                                                 */

TEST_F(dsa_cfg, version)
{
	ASSERT_EQ(V(IDXD_VER_1_0), V(rd32(D, IDXD_VER_OFFSET)));
}

TEST_F(dsa_cfg, gencap)
{
	union gen_cap_reg g = { .bits = rd64(D, IDXD_GENCAP_OFFSET) };

	EXPECT_EQ(V(0), V(g.block_on_fault));
	EXPECT_EQ(V(1), V(g.overlap_copy));
	EXPECT_EQ(V(1), V(g.cache_control_mem));
	EXPECT_EQ(V(1), V(g.cache_control_cache));
	EXPECT_EQ(V(1), V(g.cmd_cap));
	EXPECT_EQ(V(1), V(g.config_en));
	EXPECT_EQ(V(EXP_MAX_XFER_SHIFT), V(g.max_xfer_shift));
	EXPECT_EQ(V(EXP_MAX_BATCH_SHIFT), V(g.max_batch_shift));
	EXPECT_EQ(V(EXP_IMS_ENTRIES / IDXD_IMS_MULT), V(g.max_ims_mult));
}

TEST_F(dsa_cfg, wqcap)
{
	union wq_cap_reg w = { .bits = rd64(D, IDXD_WQCAP_OFFSET) };

	EXPECT_EQ(V(EXP_NUM_WQS), V(w.num_wqs));
	EXPECT_EQ(V(EXP_TOTAL_WQ_SIZE), V(w.total_wq_size));
	EXPECT_EQ(V(0), V(w.wqcfg_size));
	EXPECT_EQ(V(1), V(w.dedicated_mode));
	EXPECT_EQ(V(0), V(w.shared_mode));
	EXPECT_EQ(V(1), V(w.priority));
	EXPECT_EQ(V(1), V(w.occupancy));
}

TEST_F(dsa_cfg, grpcap)
{
	union group_cap_reg g = { .bits = rd64(D, IDXD_GRPCAP_OFFSET) };

	EXPECT_EQ(V(EXP_NUM_GROUPS), V(g.num_groups));
	EXPECT_EQ(V(EXP_TOTAL_RDBUFS), V(g.total_rdbufs));
	EXPECT_EQ(V(1), V(g.rdbuf_ctrl));
	EXPECT_EQ(V(1), V(g.rdbuf_limit));
}

TEST_F(dsa_cfg, engcap)
{
	union engine_cap_reg e = { .bits = rd64(D, IDXD_ENGCAP_OFFSET) };

	ASSERT_EQ(V(EXP_NUM_ENGINES), V(e.num_engines));
}

TEST_F(dsa_cfg, opcap)
{
	static const uint8_t ops[] = {
		DSA_OPCODE_NOOP, DSA_OPCODE_BATCH, DSA_OPCODE_DRAIN,
		DSA_OPCODE_MEMMOVE, DSA_OPCODE_MEMFILL, DSA_OPCODE_COMPARE,
		DSA_OPCODE_COMPVAL, DSA_OPCODE_DUALCAST, DSA_OPCODE_CRCGEN,
		DSA_OPCODE_COPY_CRC, DSA_OPCODE_CFLUSH,
	};
	uint64_t exp[IDXD_OPCAP_WORDS] = { 0 }, got;
	unsigned int i;

	for (i = 0; i < sizeof(ops); i++)
		exp[ops[i] / 64] |= 1ULL << (ops[i] % 64);
	for (i = 0; i < IDXD_OPCAP_WORDS; i++) {
		got = rd64(D, IDXD_OPCAP_OFFSET + 8 * i);
		EXPECT_EQ(V(exp[i]), V(got))
			TH_LOG("OPCAP word %u: %#" PRIx64 ", expected %#" PRIx64,
			       i, got, exp[i]);
	}
}

TEST_F(dsa_cfg, cmdcap)
{
	/* bits 1-14: every command of enum idxd_cmd */
	ASSERT_EQ(V(((1U << (IDXD_CMD_MAX + 1)) - 1) & ~1U),
		  V(rd32(D, IDXD_CMDCAP_OFFSET)));
	ASSERT_EQ(V(0x7ffe), V(rd32(D, IDXD_CMDCAP_OFFSET)));
}

TEST_F(dsa_cfg, table_offsets)
{
	union offsets_reg o;
	struct {
		const char *name;
		uint64_t start, len;
	} t[7];
	int i, j;

	o.bits[0] = rd64(D, IDXD_TABLE_OFFSET);
	o.bits[1] = rd64(D, IDXD_TABLE_OFFSET + 8);
	EXPECT_EQ(V(EXP_GRPCFG_OFF), V(o.grpcfg * IDXD_TABLE_MULT));
	EXPECT_EQ(V(EXP_WQCFG_OFF), V(o.wqcfg * IDXD_TABLE_MULT));
	EXPECT_EQ(V(EXP_MSIX_PERM_OFF), V(o.msix_perm * IDXD_TABLE_MULT));
	EXPECT_EQ(V(EXP_IMS_OFF), V(o.ims * IDXD_TABLE_MULT));
	EXPECT_EQ(V(EXP_PERFMON_OFF), V(o.perfmon * IDXD_TABLE_MULT));
	EXPECT_EQ(V(EXP_IMS_ENTRIES), V(D->ims_size));

	t[0].name = "GRPCFG";
	t[0].start = D->grpcfg;
	t[0].len = D->num_groups * IDXD_GRPCFG_SIZE;
	t[1].name = "WQCFG";
	t[1].start = D->wqcfg;
	t[1].len = D->num_wqs * D->wqcfg_stride;
	t[2].name = "MSI-X permissions";
	t[2].start = D->perm;
	t[2].len = D->msix_size * IDXD_MSIX_PERM_STRIDE;
	t[3].name = "IMS";
	t[3].start = D->ims;
	t[3].len = D->ims_size * IDXD_IMS_ENTRY_SIZE;
	t[4].name = "MSI-X table";
	t[4].start = D->msix_table;
	t[4].len = D->msix_size * PCI_MSIX_ENTRY_SIZE;
	t[5].name = "MSI-X PBA";
	t[5].start = D->msix_pba;
	t[5].len = (D->msix_size + 63) / 64 * 8;
	t[6].name = "perfmon";
	t[6].start = D->perfmon;
	t[6].len = IDXD_PERFMON_SIZE;
	for (i = 0; i < 7; i++) {
		ASSERT_NE(V(0), V(t[i].len));
		ASSERT_LE(V(REGS_END), V(t[i].start))
			TH_LOG("%s at %#" PRIx64 " overlaps the registers",
			       t[i].name, t[i].start);
		ASSERT_LE(V(t[i].start + t[i].len), V(D->bar0_size))
			TH_LOG("%s ends beyond BAR0 (%#zx)", t[i].name,
			       D->bar0_size);
		for (j = 0; j < i; j++)
			ASSERT_TRUE(t[i].start + t[i].len <= t[j].start ||
				    t[j].start + t[j].len <= t[i].start)
				TH_LOG("%s overlaps %s", t[i].name, t[j].name);
	}
}

TEST_F(dsa_cfg, reset_state)
{
	union sw_err_reg e;
	union ims_entry ie;
	unsigned int i, k;

	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_GENCFG_OFFSET)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_GENCTRL_OFFSET)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_INTCAUSE_OFFSET)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_CMDSTS_OFFSET)));
	swerr_read(D, &e);
	for (k = 0; k < 4; k++)
		ASSERT_EQ(V(0), V(e.bits[k]));
	for (i = 0; i < D->num_groups; i++)
		for (k = 0; k < IDXD_GRPCFG_SIZE; k += 8)
			ASSERT_EQ(V(0), V(rd64(D, grp_off(D, i) + k)))
				TH_LOG("GRPCFG %u byte %u", i, k);
	for (i = 0; i < D->num_wqs; i++)
		for (k = 0; k < IDXD_WQCFG_DWORDS; k++)
			ASSERT_EQ(V(0), V(rd32(D, wqcfg_off(D, i) + 4 * k)))
				TH_LOG("WQCFG %u dword %u", i, k);
	for (i = 0; i < D->msix_size; i++)
		ASSERT_EQ(V(0), V(rd32(D, D->perm + i * IDXD_MSIX_PERM_STRIDE)));
	for (i = 0; i < D->ims_size; i++) {
		ims_read(D, i, &ie);
		ASSERT_EQ(V(0), V(ie.addr)) TH_LOG("IMS entry %u", i);
		ASSERT_EQ(V(0), V(ie.data)) TH_LOG("IMS entry %u", i);
		ASSERT_EQ(V(1), V(ie.bits[IDXD_IMS_CTRL_DWORD]))
			TH_LOG("IMS entry %u: control %#x, expected masked", i,
			       ie.bits[IDXD_IMS_CTRL_DWORD]);
	}
}

/* ================================================================== */
/* Commands: enable-time errors                                         */

TEST_F(dsa_cfg, cmd_invalid)
{
	CMD_EXPECT(IDXD_CMDSTS_INVAL_CMD, D, 0, 0);
	CMD_EXPECT(IDXD_CMDSTS_INVAL_CMD, D, IDXD_CMD_MAX + 1, 0);
	CMD_EXPECT(IDXD_CMDSTS_INVAL_CMD, D, 31, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
}

TEST_F(dsa_cfg, enable_disable_device)
{
	config_minimal(D);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_ENABLED), V(gensts_state(D)));
	/* enabling the device does not enable its WQs */
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, 0)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
}

TEST_F(dsa_cfg, enable_device_already_enabled)
{
	config_minimal(D);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_ENABLED, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_ENABLED), V(gensts_state(D)));
}

TEST_F(dsa_cfg, enable_device_bus_master_off)
{
	uint32_t cmd = cfg_rd(D, PCI_COMMAND, 2);

	config_minimal(D);
	ASSERT_EQ(0, cfg_wr(D, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER, 2));
	CMD_EXPECT(IDXD_CMDSTS_ERR_BUSMASTER_EN, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	ASSERT_EQ(0, cfg_wr(D, PCI_COMMAND, cmd | PCI_COMMAND_MASTER, 2));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
}

TEST_F(dsa_cfg, enable_device_wq_sizes_exceed_total)
{
	grp_setup(D, 0, 0x3, 0x1, 0);
	wq_setup(D, 0, 100, 1, XFER_SHIFT, BATCH_SHIFT);
	wq_setup(D, 1, D->total_wq_size - 99, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	/* exactly the total is fine */
	wq_setup(D, 1, D->total_wq_size - 100, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
}

TEST_F(dsa_cfg, enable_device_wq_in_two_groups)
{
	grp_setup(D, 0, 0x1, 0x1, 0);
	grp_setup(D, 1, 0x1, 0x2, 0);
	wq_setup(D, 0, 16, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_GRP_CONFIG, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
}

TEST_F(dsa_cfg, enable_device_engine_in_two_groups)
{
	grp_setup(D, 0, 0x1, 0x1, 0);
	grp_setup(D, 1, 0x2, 0x1, 0);
	wq_setup(D, 0, 16, 1, XFER_SHIFT, BATCH_SHIFT);
	wq_setup(D, 1, 16, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_GRP_CONFIG, D, IDXD_CMD_ENABLE_DEVICE, 0);
	/* the same with the engines apart is valid */
	grp_setup(D, 1, 0x2, 0x2, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
}

TEST_F(dsa_cfg, enable_device_group_without_engine)
{
	grp_setup(D, 0, 0x1, 0x0, 0);
	wq_setup(D, 0, 16, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_GRP_CONFIG2, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
}

TEST_F(dsa_cfg, enable_device_rdbufs_reserved)
{
	union group_flags f0 = { .bits = 0 }, f1 = { .bits = 0 };

	f0.rdbufs_reserved = 60;
	f1.rdbufs_reserved = EXP_TOTAL_RDBUFS - 60 + 1;
	config_minimal(D);
	grp_setup(D, 0, 0x1, 0x1, f0.bits);
	grp_setup(D, 1, 0x0, 0x2, f1.bits);	/* an engine, no WQ: fine */
	CMD_EXPECT(IDXD_CMDSTS_ERR_GRP_CONFIG3, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	f1.rdbufs_reserved = EXP_TOTAL_RDBUFS - 60;
	grp_setup(D, 1, 0x0, 0x2, f1.bits);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
}

TEST_F(dsa_cfg, enable_device_wq_without_group)
{
	config_minimal(D);
	wq_setup(D, 1, 4, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_GRP_CONFIG4, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
}

TEST_F(dsa_cfg, enable_device_rdbuf_limit)
{
	union gencfg_reg g = { .bits = 0 };

	config_minimal(D);
	g.rdbuf_limit = EXP_TOTAL_RDBUFS + 1;
	wr32(D, IDXD_GENCFG_OFFSET, g.bits);
	CMD_EXPECT(IDXD_CMDSTS_ERR_CONFIG, D, IDXD_CMD_ENABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	g.rdbuf_limit = EXP_TOTAL_RDBUFS;
	wr32(D, IDXD_GENCFG_OFFSET, g.bits);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
}

TEST_F(dsa_cfg, disable_device_not_enabled)
{
	CMD_EXPECT(IDXD_CMDSTS_ERR_DIS_DEV_EN, D, IDXD_CMD_DISABLE_DEVICE, 0);
}

TEST_F(dsa_cfg, wq_commands_device_disabled)
{
	static const uint32_t cmds[] = {
		IDXD_CMD_DISABLE_WQ, IDXD_CMD_DRAIN_WQ, IDXD_CMD_ABORT_WQ,
		IDXD_CMD_RESET_WQ,
	};
	unsigned int i;

	config_minimal(D);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOT_EN, D, cmds[i],
			   idxd_cmd_wq_operand(0));
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOT_EN, D, IDXD_CMD_DRAIN_ALL, 0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOT_EN, D, IDXD_CMD_ABORT_ALL, 0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOT_EN, D, IDXD_CMD_DRAIN_PASID, 1);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOT_EN, D, IDXD_CMD_ABORT_PASID, 1);
}

TEST_F(dsa_cfg, enable_wq_device_disabled)
{
	config_minimal(D);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOTEN, D, IDXD_CMD_ENABLE_WQ, 0);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, 0)));
}

/*
 * A handle is what REQUEST_INT_HANDLE returns, not the index asked for:
 * the model's differ (index plus the table's size), so that a driver
 * naming indexes is caught; MSI-X and IMS handles never coincide.
 * RELEASE takes the handle, once.
 */
TEST_F(dsa_cfg, int_handle_request_release)
{
	uint32_t h5, hlast, hims, himslast;

	h5 = HANDLE(D, 5);
	hlast = HANDLE(D, D->msix_size - 1);
	hims = HANDLE(D, IDXD_CMD_INT_HANDLE_IMS | 300);
	himslast = HANDLE(D, IDXD_CMD_INT_HANDLE_IMS | (D->ims_size - 1));
	ASSERT_NE(5U, h5);
	ASSERT_NE(300U, hims);
	ASSERT_NE(h5, hlast);
	ASSERT_NE(hims, himslast);
	ASSERT_NE(h5, hims);
	/* asked again, the same handle */
	ASSERT_EQ(h5, HANDLE(D, 5));

	/* beyond the tables */
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_REQUEST_INT_HANDLE, D->msix_size);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_REQUEST_INT_HANDLE,
		   IDXD_CMD_INT_HANDLE_IMS | D->ims_size);

	/* release: the handle, not the index; once; per table */
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_RELEASE_INT_HANDLE, 5);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_RELEASE_INT_HANDLE, IDXD_CMD_INT_HANDLE_IMS | h5);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RELEASE_INT_HANDLE, h5);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_RELEASE_INT_HANDLE, h5);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_RELEASE_INT_HANDLE, h5 + 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RELEASE_INT_HANDLE,
		   IDXD_CMD_INT_HANDLE_IMS | hims);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_RELEASE_INT_HANDLE, IDXD_CMD_INT_HANDLE_IMS | hims);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RELEASE_INT_HANDLE, hlast);
}

TEST_F(dsa_cfg, reset_device_clears_config)
{
	union gencfg_reg g = { .bits = 0 };
	union msix_perm p = { .bits = 0 };
	struct dsa_hw_desc h;
	union sw_err_reg e;
	union ims_entry ie;
	unsigned int k;
	uint32_t h3;

	config_minimal(D);
	g.rdbuf_limit = 8;
	wr32(D, IDXD_GENCFG_OFFSET, g.bits);
	wr32(D, IDXD_GENCTRL_OFFSET, 0x3);
	p.ignore = 1;
	p.pasid_en = 1;
	p.pasid = 5;
	wr32(D, D->perm + 3 * IDXD_MSIX_PERM_STRIDE, p.bits);
	ims_program(D, 5, PG(P_IRQ)->pa, 0x1234, false, true, 9);
	h3 = HANDLE(D, 3);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, 0);
	CMD_EXPECT_IRQ(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 4,
		       true);
	desc_init(&h, DSA_OPCODE_NOOP, 0, 0);
	dsa_submit(D, 1, IDXD_IRQ_MSIX, &h);		/* WQ1: SWERR */
	SWERR_WAIT(D, &e);
	/* what the reset must clear is really there */
	ASSERT_EQ(V(g.bits), V(rd32(D, IDXD_GENCFG_OFFSET)));
	ASSERT_EQ(V(0x3), V(rd32(D, IDXD_GENCTRL_OFFSET)));
	ASSERT_EQ(V(p.bits), V(rd32(D, D->perm + 3 * IDXD_MSIX_PERM_STRIDE)));
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_CMD));
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, 0)));
	ims_read(D, 5, &ie);
	ASSERT_EQ(V(0), V(ie.mask));

	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RESET_DEVICE, 0);

	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_GENCFG_OFFSET)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_GENCTRL_OFFSET)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_INTCAUSE_OFFSET)));
	swerr_read(D, &e);
	for (k = 0; k < 4; k++)
		ASSERT_EQ(V(0), V(e.bits[k])) TH_LOG("SWERR word %u", k);
	for (k = 0; k < IDXD_GRPCFG_SIZE; k += 8)
		ASSERT_EQ(V(0), V(rd64(D, grp_off(D, 0) + k)));
	for (k = 0; k < IDXD_WQCFG_DWORDS; k++)
		ASSERT_EQ(V(0), V(rd32(D, wqcfg_off(D, 0) + 4 * k)))
			TH_LOG("WQCFG 0 dword %u", k);
	ASSERT_EQ(V(0), V(rd32(D, D->perm + 3 * IDXD_MSIX_PERM_STRIDE)));
	ims_read(D, 5, &ie);
	ASSERT_EQ(V(0), V(ie.addr));
	ASSERT_EQ(V(0), V(ie.data));
	ASSERT_EQ(V(1), V(ie.bits[IDXD_IMS_CTRL_DWORD]));
	/* the handles went with it */
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, D,
		   IDXD_CMD_RELEASE_INT_HANDLE, h3);
}

TEST_F(dsa_cfg, cmd_int_req_intcause)
{
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_CMD);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 1);
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_CMD)
		TH_LOG("INTCAUSE.CMD set by a command without int_req");
	CMD_EXPECT_IRQ(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 2,
		       true);
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_CMD));
	/* write-one-to-clear: 0 leaves it, 1 clears it */
	wr32(D, IDXD_INTCAUSE_OFFSET, 0);
	ASSERT_NE(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_CMD);
	wr32(D, IDXD_INTCAUSE_OFFSET, IDXD_INTC_CMD);
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_CMD);
	/* a failing command completes too */
	CMD_EXPECT_IRQ(IDXD_CMDSTS_INVAL_CMD, D, 0, 0, true);
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_CMD));
	wr32(D, IDXD_INTCAUSE_OFFSET, IDXD_INTC_CMD);
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET));
}

TEST_F(dsa_cfg, gencfg_genctrl_writable_while_disabled)
{
	union gencfg_reg g = { .bits = 0 };
	union genctrl_reg c = { .bits = 0 };

	g.rdbuf_limit = 0x20;
	wr32(D, IDXD_GENCFG_OFFSET, g.bits);
	ASSERT_EQ(V(g.bits), V(rd32(D, IDXD_GENCFG_OFFSET)));
	c.softerr_int_en = 1;
	c.halt_int_en = 1;
	wr32(D, IDXD_GENCTRL_OFFSET, c.bits);
	ASSERT_EQ(V(c.bits), V(rd32(D, IDXD_GENCTRL_OFFSET)));
	wr32(D, IDXD_GENCTRL_OFFSET, 0);
	ASSERT_EQ(V(0), V(rd32(D, IDXD_GENCTRL_OFFSET)));
}

TEST_F(dsa_cfg, submit_device_disabled)
{
	struct dsa_hw_desc h;
	union sw_err_reg e;

	config_minimal(D);
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	dsa_submit(D, 0, IDXD_IRQ_MSIX, &h);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	ASSERT_EQ(V(1), V(e.wq_idx_valid));
	ASSERT_EQ(V(0), V(e.wq_idx));
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("a dropped descriptor completed");
}

/* ================================================================== */
/* WQ configuration and ENABLE_WQ errors (device enabled)               */

TEST_F(dsa, default_config_enabled)
{
	union wqcfg w;

	ASSERT_EQ(V(IDXD_DEVICE_STATE_ENABLED), V(gensts_state(D)));
	wqcfg_read(D, WQ_MAIN, &w);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(w.wq_state));
	ASSERT_EQ(V(32), V(w.wq_size));
	ASSERT_EQ(V(1), V(w.priority));
	ASSERT_EQ(V(IDXD_WQ_MODE_DEDICATED), V(w.mode));
	ASSERT_EQ(V(XFER_SHIFT), V(w.max_xfer_shift));
	ASSERT_EQ(V(BATCH_SHIFT), V(w.max_batch_shift));
	ASSERT_EQ(V(0), V(w.occupancy));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
	ASSERT_EQ(V(2), V(rd32(D, wqcfg_off(D, WQ_SMALL)) & 0xffff));
}

TEST_F(dsa, enable_wq_index_out_of_range)
{
	CMD_EXPECT(IDXD_CMDSTS_INVAL_WQIDX, D, IDXD_CMD_ENABLE_WQ, D->num_wqs);
	CMD_EXPECT(IDXD_CMDSTS_INVAL_WQIDX, D, IDXD_CMD_ENABLE_WQ, 0xfffff);
}

TEST_F(dsa, enable_wq_already_enabled)
{
	CMD_EXPECT(IDXD_CMDSTS_ERR_WQ_ENABLED, D, IDXD_CMD_ENABLE_WQ, WQ_MAIN);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
}

TEST_F(dsa, enable_wq_size_zero)
{
	wq_setup(D, WQ_NOSIZE, 0, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_WQ_SIZE, D, IDXD_CMD_ENABLE_WQ, WQ_NOSIZE);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_NOSIZE)));
}

TEST_F(dsa, enable_wq_priority_zero)
{
	wq_setup(D, WQ_SMALL, 2, 0, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_WQ_PRIOR, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
	wq_setup(D, WQ_SMALL, 2, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_SMALL)));
}

TEST_F(dsa, enable_wq_shared_mode)
{
	union wqcfg w;

	wqcfg_read(D, WQ_SMALL, &w);
	w.mode = IDXD_WQ_MODE_SHARED;
	wqcfg_write(D, WQ_SMALL, &w);
	CMD_EXPECT(IDXD_CMDSTS_ERR_WQ_MODE, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
}

TEST_F(dsa, enable_wq_block_on_fault)
{
	union wqcfg w;

	wqcfg_read(D, WQ_SMALL, &w);
	w.bof = 1;
	wqcfg_write(D, WQ_SMALL, &w);
	CMD_EXPECT(IDXD_CMDSTS_ERR_BOF_EN, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
}

TEST_F(dsa, enable_wq_pasid_cap_disabled)
{
	union wqcfg w;

	wqcfg_read(D, WQ_PASID, &w);
	w.pasid_en = 1;
	w.pasid = 0x42;
	wqcfg_write(D, WQ_PASID, &w);
	CMD_EXPECT(IDXD_CMDSTS_ERR_PASID_EN, D, IDXD_CMD_ENABLE_WQ, WQ_PASID);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_PASID)));
	pasid_enable(_metadata, C, true);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_PASID);
	wqcfg_read(D, WQ_PASID, &w);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(w.wq_state));
	ASSERT_EQ(V(1), V(w.pasid_en));
	ASSERT_EQ(V(0x42), V(w.pasid));
}

/*
 * A dedicated WQ with PASID enabled may be privileged only while the
 * PASID capability's Privileged Mode Enable is set (upstream device.c
 * quotes the rule); without PASID, priv needs nothing.
 */
TEST_F(dsa, enable_wq_priv_needs_pasid_priv)
{
	union wqcfg w;

	pasid_enable(_metadata, C, true);
	wqcfg_read(D, WQ_PASID, &w);
	w.pasid_en = 1;
	w.pasid = 0x42;
	w.priv = 1;
	wqcfg_write(D, WQ_PASID, &w);
	CMD_EXPECT(IDXD_CMDSTS_ERR_PASID_EN, D, IDXD_CMD_ENABLE_WQ, WQ_PASID);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_PASID)));
	ASSERT_EQ(0, cfg_wr(D, D->pasid_cap + PCI_PASID_CTRL,
			    PCI_PASID_CTRL_ENABLE | PCI_PASID_CTRL_PRIV, 2));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_PASID);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_WQ,
		   idxd_cmd_wq_operand(WQ_PASID));
	/* privileged without a PASID: requests carry none, nothing to check */
	pasid_enable(_metadata, C, true);
	wqcfg_read(D, WQ_PASID, &w);
	w.pasid_en = 0;
	wqcfg_write(D, WQ_PASID, &w);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_PASID);
}

TEST_F(dsa, enable_wq_max_batch_shift)
{
	unsigned int cap = D->gencap.max_batch_shift;

	ASSERT_GT(15U, cap) TH_LOG("GENCAP.max_batch_shift fills its field");
	wq_setup(D, WQ_SMALL, 2, 1, XFER_SHIFT, cap + 1);
	CMD_EXPECT(IDXD_CMDSTS_ERR_MAX_BATCH_SIZE, D, IDXD_CMD_ENABLE_WQ,
		   WQ_SMALL);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
	wq_setup(D, WQ_SMALL, 2, 1, XFER_SHIFT, cap);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
}

/* 31, the most WQCFG's field holds: nothing above it to refuse here */
TEST_F(dsa, enable_wq_max_xfer_shift_31)
{
	ASSERT_EQ(V(31), V(D->gencap.max_xfer_shift));
	wq_setup(D, WQ_SMALL, 2, 1, 31, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_SMALL)));
}

/* above GENCAP's, 0x28; at GENCAP's, enabled */
TEST_F(dsa_xfer24, enable_wq_max_xfer_shift)
{
	const struct dsa_dev *d = &self->c.d;

	wq_setup(d, 0, 2, 1, XFER24_SHIFT + 1, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_ERR_MAX_XFER_SIZE, d, IDXD_CMD_ENABLE_WQ, 0);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(d, 0)));
	wq_setup(d, 0, 2, 1, XFER24_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, d, IDXD_CMD_ENABLE_WQ, 0);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(d, 0)));
}

TEST_F(dsa, wq_commands_index_out_of_range)
{
	static const uint32_t cmds[] = {
		IDXD_CMD_DISABLE_WQ, IDXD_CMD_DRAIN_WQ, IDXD_CMD_ABORT_WQ,
		IDXD_CMD_RESET_WQ,
	};
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		CMD_EXPECT(IDXD_CMDSTS_INVAL_WQIDX, D, cmds[i],
			   idxd_cmd_wq_operand(D->num_wqs));
		CMD_EXPECT(IDXD_CMDSTS_INVAL_WQIDX, D, cmds[i],
			   idxd_cmd_wq_operand(16));
	}
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
}

TEST_F(dsa, disable_enable_wq)
{
	/* a disabled WQ stays so and is no error */
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_WQ,
		   idxd_cmd_wq_operand(WQ_SMALL));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_WQ,
		   idxd_cmd_wq_operand(WQ_MAIN));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_MAIN)));
	ASSERT_EQ(V(IDXD_DEVICE_STATE_ENABLED), V(gensts_state(D)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_MAIN);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
	marker(_metadata, C, WQ_MAIN, 0);
}

TEST_F(dsa, wq_size_fixed_while_device_enabled)
{
	uint32_t dw0;

	dw0 = rd32(D, wqcfg_off(D, WQ_MAIN));
	wr32(D, wqcfg_off(D, WQ_MAIN), (dw0 & ~0xffffU) | 5);
	ASSERT_EQ(V(32), V(rd32(D, wqcfg_off(D, WQ_MAIN)) & 0xffff));
	/* a disabled WQ of an enabled device: still fixed */
	dw0 = rd32(D, wqcfg_off(D, WQ_SMALL));
	wr32(D, wqcfg_off(D, WQ_SMALL), (dw0 & ~0xffffU) | 5);
	ASSERT_EQ(V(2), V(rd32(D, wqcfg_off(D, WQ_SMALL)) & 0xffff));
	/* and writable again once the device is disabled */
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_DEVICE, 0);
	wr32(D, wqcfg_off(D, WQ_SMALL), (dw0 & ~0xffffU) | 5);
	ASSERT_EQ(V(5), V(rd32(D, wqcfg_off(D, WQ_SMALL)) & 0xffff));
}

TEST_F(dsa, grpcfg_fixed_while_device_enabled)
{
	wr64(D, grp_off(D, 1) + IDXD_GRPENGCFG_OFS, 0x2);
	ASSERT_EQ(V(0), V(rd64(D, grp_off(D, 1) + IDXD_GRPENGCFG_OFS)));
	wr64(D, grp_off(D, 0), 0);
	ASSERT_EQ(V(0xf), V(rd64(D, grp_off(D, 0))));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_DEVICE, 0);
	wr64(D, grp_off(D, 1) + IDXD_GRPENGCFG_OFS, 0x2);
	ASSERT_EQ(V(0x2), V(rd64(D, grp_off(D, 1) + IDXD_GRPENGCFG_OFS)));
}

TEST_F(dsa, gencfg_fixed_while_device_enabled)
{
	union gencfg_reg g = { .bits = 0 };
	union genctrl_reg c = { .bits = 0 };

	g.rdbuf_limit = 5;
	wr32(D, IDXD_GENCFG_OFFSET, g.bits);
	ASSERT_EQ(V(0), V(rd32(D, IDXD_GENCFG_OFFSET)));
	/* GENCTRL is no configuration: writable at any time */
	c.softerr_int_en = 1;
	wr32(D, IDXD_GENCTRL_OFFSET, c.bits);
	ASSERT_EQ(V(c.bits), V(rd32(D, IDXD_GENCTRL_OFFSET)));
}

TEST_F(dsa, wqcfg_fixed_while_wq_enabled)
{
	union wqcfg w;

	/* enabled WQ: priority and max_xfer_shift stay */
	wqcfg_read(D, WQ_MAIN, &w);
	w.priority = 7;
	w.max_xfer_shift = 10;
	wqcfg_write(D, WQ_MAIN, &w);
	wqcfg_read(D, WQ_MAIN, &w);
	ASSERT_EQ(V(1), V(w.priority));
	ASSERT_EQ(V(XFER_SHIFT), V(w.max_xfer_shift));
	/* disabled WQ of the same enabled device: they change */
	wqcfg_read(D, WQ_SMALL, &w);
	w.priority = 7;
	w.max_xfer_shift = 10;
	wqcfg_write(D, WQ_SMALL, &w);
	wqcfg_read(D, WQ_SMALL, &w);
	ASSERT_EQ(V(7), V(w.priority));
	ASSERT_EQ(V(10), V(w.max_xfer_shift));
}

TEST_F(dsa, wqcfg_status_bytes_readonly)
{
	uint32_t dw6, dw7;

	/* disabled WQ: bytes 24-31 ignore writes */
	dw6 = rd32(D, wqcfg_off(D, WQ_SMALL) + 24);
	dw7 = rd32(D, wqcfg_off(D, WQ_SMALL) + 28);
	wr32(D, wqcfg_off(D, WQ_SMALL) + 24, 0xffffffff);
	wr32(D, wqcfg_off(D, WQ_SMALL) + 28, 0xffffffff);
	ASSERT_EQ(V(dw6), V(rd32(D, wqcfg_off(D, WQ_SMALL) + 24)));
	ASSERT_EQ(V(dw7), V(rd32(D, wqcfg_off(D, WQ_SMALL) + 28)));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
	/* enabled WQ: state cannot be written away either */
	wr32(D, wqcfg_off(D, WQ_MAIN) + 24, 0);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
	/* 8-byte write over dwords 6-7 */
	wr64(D, wqcfg_off(D, WQ_SMALL) + 24, ~0ULL);
	ASSERT_EQ(V(dw6), V(rd32(D, wqcfg_off(D, WQ_SMALL) + 24)));
}

TEST_F(dsa, reset_wq_clears_config)
{
	union wqcfg w;

	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RESET_WQ,
		   idxd_cmd_wq_operand(WQ_MAIN));
	wqcfg_read(D, WQ_MAIN, &w);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(w.wq_state));
	ASSERT_EQ(V(32), V(w.wq_size));
	ASSERT_EQ(V(0), V(w.priority));
	ASSERT_EQ(V(0), V(w.mode));
	ASSERT_EQ(V(0), V(w.max_xfer_shift));
	ASSERT_EQ(V(0), V(w.max_batch_shift));
	ASSERT_EQ(V(IDXD_DEVICE_STATE_ENABLED), V(gensts_state(D)));
	/* the other WQs keep theirs */
	wqcfg_read(D, WQ_SMALL, &w);
	ASSERT_EQ(V(1), V(w.priority));
}

/* ================================================================== */
/* Operations                                                           */

TEST_F(dsa, noop)
{
	struct dsa_hw_desc h;

	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
}

TEST_F(dsa, memmove)
{
	uint8_t *src = PG(P_SRC)->va, *dst = PG(P_DST)->va;
	struct dsa_hw_desc h;

	fill_random(src, PAGE);
	memset(dst, 0xa5, PAGE);
	memmove_desc(&h, PG(P_SRC)->pa + 16, PG(P_DST)->pa + 32, 4000,
		     cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_SAME(dst + 32, src + 16, 4000);
	ASSERT_FILLED(dst, 0xa5, 32);
	ASSERT_FILLED(dst + 4032, 0xa5, PAGE - 4032);
	/* a whole page */
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, PAGE, cr_pa(C, 1));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_SAME(dst, src, PAGE);
	pool_check(_metadata, C);
}

TEST_F(dsa, memmove_movdir64b)
{
	uint8_t *src = PG(P_SRC)->va, *dst = PG(P_DST)->va;
	unsigned int eax, ebx, ecx, edx;
	struct dsa_hw_desc h;

	REQUIRE(__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) &&
		(ecx & (1U << 28)), "this CPU has no MOVDIR64B");
	fill_random(src, PAGE);
	memset(dst, 0, PAGE);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, PAGE, cr_pa(C, 0));
	dsa_submit_movdir64b(D, WQ_MAIN, &h);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 0);
	ASSERT_SAME(dst, src, PAGE);
	pool_check(_metadata, C);
}

static void overlap_case(struct __test_metadata *_metadata, struct ctx *c,
			 uint32_t from, uint32_t to, uint32_t len, int slot)
{
	uint8_t *buf = c->pg[P_SRC].va;
	uint8_t *ref = malloc(PAGE);
	struct dsa_hw_desc h;

	ASSERT_NE(NULL, ref);
	fill_random(buf, PAGE);
	memcpy(ref, buf, PAGE);
	memmove(ref + to, ref + from, len);
	memmove_desc(&h, c->pg[P_SRC].pa + from, c->pg[P_SRC].pa + to, len,
		     cr_pa(c, slot));
	RUN_EXPECT(DSA_COMP_SUCCESS, c, WQ_MAIN, &h, slot);
	ASSERT_SAME(buf, ref, PAGE);
	free(ref);
}

TEST_F(dsa, memmove_overlap_forward)
{
	/* destination above the source: a naive forward copy smears */
	overlap_case(_metadata, C, 0, 100, 3000, 0);
	overlap_case(_metadata, C, 8, 9, 4000, 1);
}

TEST_F(dsa, memmove_overlap_backward)
{
	overlap_case(_metadata, C, 100, 0, 3000, 0);
	overlap_case(_metadata, C, 9, 8, 4000, 1);
}

TEST_F(dsa, memfill_tail)
{
	const uint64_t pattern = 0x0102030405060708ULL;
	uint8_t *dst = PG(P_DST)->va, pat[8];
	struct dsa_hw_desc h;
	uint32_t i, len = 4093;		/* 511 patterns and 5 bytes */

	memcpy(pat, &pattern, 8);	/* little endian */
	memset(dst, 0xee, PAGE);
	desc_init(&h, DSA_OPCODE_MEMFILL, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	h.pattern = pattern;
	h.dst_addr = PG(P_DST)->pa;
	h.xfer_size = len;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	for (i = 0; i < len; i++)
		ASSERT_EQ(pat[i % 8], dst[i]) TH_LOG("byte %u", i);
	ASSERT_FILLED(dst + len, 0xee, PAGE - len);
	/* an unaligned start: the pattern starts at the first byte */
	memset(dst, 0xee, PAGE);
	h.dst_addr = PG(P_DST)->pa + 3;
	h.xfer_size = 13;
	h.completion_addr = cr_pa(C, 1);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_FILLED(dst, 0xee, 3);
	for (i = 0; i < 13; i++)
		ASSERT_EQ(pat[i % 8], dst[3 + i]) TH_LOG("byte %u", i);
	ASSERT_FILLED(dst + 16, 0xee, PAGE - 16);
}

static void compare_desc(struct dsa_hw_desc *h, struct ctx *c, uint32_t flags,
			 uint32_t len, int slot)
{
	desc_init(h, DSA_OPCODE_COMPARE,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | flags, cr_pa(c, slot));
	h->src_addr = c->pg[P_SRC].pa;
	h->src2_addr = c->pg[P_SRC2].pa;
	h->xfer_size = len;
}

TEST_F(dsa, compare_equal)
{
	struct dsa_hw_desc h;

	fill_random(PG(P_SRC)->va, PAGE);
	memcpy(PG(P_SRC2)->va, PG(P_SRC)->va, PAGE);
	compare_desc(&h, C, 0, PAGE, 0);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(0, cr_va(C, 0)->result);
}

TEST_F(dsa, compare_difference)
{
	struct dsa_hw_desc h;

	fill_random(PG(P_SRC)->va, PAGE);
	memcpy(PG(P_SRC2)->va, PG(P_SRC)->va, PAGE);
	PG(P_SRC2)->va[1234] ^= 0x10;
	PG(P_SRC2)->va[3000] ^= 0x10;
	compare_desc(&h, C, 0, PAGE, 0);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(1, cr_va(C, 0)->result);
	ASSERT_EQ(V(1234), V(cr_va(C, 0)->bytes_completed));
	/* the difference beyond xfer_size does not count */
	compare_desc(&h, C, 0, 1234, 1);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_EQ(0, cr_va(C, 1)->result);
	/* a difference in the very first byte */
	PG(P_SRC2)->va[0] ^= 1;
	compare_desc(&h, C, 0, PAGE, 2);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 2);
	ASSERT_EQ(1, cr_va(C, 2)->result);
	ASSERT_EQ(V(0), V(cr_va(C, 2)->bytes_completed));
}

TEST_F(dsa, compare_check_result)
{
	struct dsa_hw_desc h;

	fill_random(PG(P_SRC)->va, PAGE);
	memcpy(PG(P_SRC2)->va, PG(P_SRC)->va, PAGE);
	PG(P_SRC2)->va[77] ^= 0x80;
	/* differ (result 1), expected 0: success with false predicate */
	compare_desc(&h, C, IDXD_OP_FLAG_CR, PAGE, 0);
	h.expected_res = 0;
	RUN_EXPECT(DSA_COMP_SUCCESS_PRED, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(1, cr_va(C, 0)->result);
	/* differ, expected 1: success */
	compare_desc(&h, C, IDXD_OP_FLAG_CR, PAGE, 1);
	h.expected_res = 1;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	/* equal (result 0), expected 1: false predicate */
	compare_desc(&h, C, IDXD_OP_FLAG_CR, 77, 2);
	h.expected_res = 1;
	RUN_EXPECT(DSA_COMP_SUCCESS_PRED, C, WQ_MAIN, &h, 2);
	ASSERT_EQ(0, cr_va(C, 2)->result);
	/* without CR the expectation is ignored */
	compare_desc(&h, C, 0, PAGE, 3);
	h.expected_res = 0;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 3);
}

TEST_F(dsa, compval)
{
	const uint64_t pattern = 0x1122334455667788ULL;
	uint64_t *p = (uint64_t *)PG(P_SRC)->va;
	struct dsa_hw_desc h;
	unsigned int i;

	for (i = 0; i < PAGE / 8; i++)
		p[i] = pattern;
	desc_init(&h, DSA_OPCODE_COMPVAL, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	h.src_addr = PG(P_SRC)->pa;
	h.comp_pattern = pattern;
	h.xfer_size = PAGE;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(0, cr_va(C, 0)->result);

	PG(P_SRC)->va[777] ^= 0x01;
	h.completion_addr = cr_pa(C, 1);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_EQ(1, cr_va(C, 1)->result);
	ASSERT_EQ(V(777), V(cr_va(C, 1)->bytes_completed));

	/* with CR and expected_res 0 a mismatch is a false predicate */
	h.flags |= IDXD_OP_FLAG_CR;
	h.expected_res = 0;
	h.completion_addr = cr_pa(C, 2);
	RUN_EXPECT(DSA_COMP_SUCCESS_PRED, C, WQ_MAIN, &h, 2);
}

TEST_F(dsa, dualcast)
{
	uint8_t *src = PG(P_SRC)->va;
	struct dsa_hw_desc h;

	fill_random(src, PAGE);
	memset(PG(P_DST)->va, 0x11, PAGE);
	memset(PG(P_DST2)->va, 0x22, PAGE);
	desc_init(&h, DSA_OPCODE_DUALCAST, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	h.src_addr = PG(P_SRC)->pa + 40;
	h.dst_addr = PG(P_DST)->pa + 0x100;
	h.dest2 = PG(P_DST2)->pa + 0x100;
	h.xfer_size = 2000;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_SAME(PG(P_DST)->va + 0x100, src + 40, 2000);
	ASSERT_SAME(PG(P_DST2)->va + 0x100, src + 40, 2000);
	ASSERT_FILLED(PG(P_DST)->va, 0x11, 0x100);
	ASSERT_FILLED(PG(P_DST2)->va, 0x22, 0x100);
	ASSERT_FILLED(PG(P_DST)->va + 0x100 + 2000, 0x11, PAGE - 0x100 - 2000);
	ASSERT_FILLED(PG(P_DST2)->va + 0x100 + 2000, 0x22,
		      PAGE - 0x100 - 2000);
}

TEST_F(dsa, dualcast_low_bits_differ)
{
	struct dsa_hw_desc h;

	fill_random(PG(P_SRC)->va, PAGE);
	memset(PG(P_DST)->va, 0x11, PAGE);
	memset(PG(P_DST2)->va, 0x22, PAGE);
	desc_init(&h, DSA_OPCODE_DUALCAST, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	h.src_addr = PG(P_SRC)->pa;
	h.dst_addr = PG(P_DST)->pa + 0x100;
	h.dest2 = PG(P_DST2)->pa + 0x140;
	h.xfer_size = 256;
	RUN_EXPECT(DSA_COMP_DCAST_ERR, C, WQ_MAIN, &h, 0);
	ASSERT_FILLED(PG(P_DST)->va, 0x11, PAGE);
	ASSERT_FILLED(PG(P_DST2)->va, 0x22, PAGE);
}

static void crc_desc(struct dsa_hw_desc *h, struct ctx *c, uint64_t src,
		     uint32_t len, uint32_t seed, int slot)
{
	desc_init(h, DSA_OPCODE_CRCGEN, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(c, slot));
	h->src_addr = src;
	h->xfer_size = len;
	h->crc_seed = seed;
}

TEST_F(dsa, crcgen_check_value)
{
	struct dsa_hw_desc h;

	memset(PG(P_SRC)->va, 0xff, PAGE);
	memcpy(PG(P_SRC)->va, "123456789", 9);
	crc_desc(&h, C, PG(P_SRC)->pa, 9, 0, 0);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(0xe3069283U, (uint32_t)cr_va(C, 0)->crc_val)
		TH_LOG("crc_val %#" PRIx64, (uint64_t)cr_va(C, 0)->crc_val);
}

TEST_F(dsa, crcgen_seed_and_chaining)
{
	uint8_t *src = PG(P_SRC)->va;
	uint32_t part;
	struct dsa_hw_desc h;

	crc_reference_check(_metadata);
	fill_random(src, PAGE);
	/* nonzero seed */
	crc_desc(&h, C, PG(P_SRC)->pa, PAGE, 0x1234abcd, 0);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(crc32c_sw(0x1234abcd, src, PAGE),
		  (uint32_t)cr_va(C, 0)->crc_val);
	/* seed 0 over an odd length at an odd offset */
	crc_desc(&h, C, PG(P_SRC)->pa + 3, 1001, 0, 1);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_EQ(crc32c_sw(0, src + 3, 1001), (uint32_t)cr_va(C, 1)->crc_val);
	/* a CRC seeded with the CRC of what precedes continues it */
	crc_desc(&h, C, PG(P_SRC)->pa, 1000, 0, 2);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 2);
	part = cr_va(C, 2)->crc_val;
	crc_desc(&h, C, PG(P_SRC)->pa + 1000, PAGE - 1000, part, 3);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 3);
	ASSERT_EQ(crc32c_sw(0, src, PAGE), (uint32_t)cr_va(C, 3)->crc_val);
}

TEST_F(dsa, copy_crc)
{
	uint8_t *src = PG(P_SRC)->va, *dst = PG(P_DST)->va;
	struct dsa_hw_desc h;

	crc_reference_check(_metadata);
	fill_random(src, PAGE);
	memset(dst, 0x5c, PAGE);
	desc_init(&h, DSA_OPCODE_COPY_CRC, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	h.src_addr = PG(P_SRC)->pa + 1;
	h.dst_addr = PG(P_DST)->pa + 64;
	h.xfer_size = 3000;
	h.crc_seed = 0x5a5a5a5a;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_SAME(dst + 64, src + 1, 3000);
	ASSERT_FILLED(dst, 0x5c, 64);
	ASSERT_FILLED(dst + 3064, 0x5c, PAGE - 3064);
	ASSERT_EQ(crc32c_sw(0x5a5a5a5a, src + 1, 3000),
		  (uint32_t)cr_va(C, 0)->crc_val);
}

TEST_F(dsa, cflush)
{
	uint8_t *ref = malloc(PAGE);
	struct dsa_hw_desc h;

	ASSERT_NE(NULL, ref);
	fill_random(PG(P_DST)->va, PAGE);
	memcpy(ref, PG(P_DST)->va, PAGE);
	desc_init(&h, DSA_OPCODE_CFLUSH, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	h.dst_addr = PG(P_DST)->pa;
	h.xfer_size = PAGE;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_SAME(PG(P_DST)->va, ref, PAGE);
	free(ref);
}

TEST_F(dsa, drain_descriptor)
{
	struct dsa_hw_desc h;

	fill_random(PG(P_SRC)->va, PAGE);
	hold(_metadata, C, true);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, PAGE, cr_pa(C, 0));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST2)->pa, PAGE, cr_pa(C, 1));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	desc_init(&h, DSA_OPCODE_DRAIN, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 2));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	ASSERT_EQ(V(3), V(wq_occupancy(D, WQ_MAIN)));
	hold(_metadata, C, false);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 2);
	/* the drain completed after what came before it */
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 0));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, PAGE);
	ASSERT_SAME(PG(P_DST2)->va, PG(P_SRC)->va, PAGE);
}

/* ================================================================== */
/* Batches                                                              */

static struct dsa_hw_desc *list_va(struct ctx *c)
{
	return (struct dsa_hw_desc *)c->pg[P_LIST].va;
}

static void batch_desc(struct dsa_hw_desc *h, uint64_t list, uint32_t count,
		       uint64_t cr)
{
	desc_init(h, DSA_OPCODE_BATCH, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr);
	h->desc_list_addr = list;
	h->desc_count = count;
}

TEST_F(dsa, batch_success)
{
	struct dsa_hw_desc *m = list_va(C), h;
	uint8_t *src = PG(P_SRC)->va, *dst = PG(P_DST)->va;
	int i;

	crc_reference_check(_metadata);
	fill_random(src, PAGE);
	memset(dst, 0, PAGE);
	memmove_desc(&m[0], PG(P_SRC)->pa, PG(P_DST)->pa, 512, cr_pa(C, 1));
	desc_init(&m[1], DSA_OPCODE_MEMFILL,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR, cr_pa(C, 2));
	m[1].pattern = 0xa5a5a5a5a5a5a5a5ULL;
	m[1].dst_addr = PG(P_DST)->pa + 1024;
	m[1].xfer_size = 256;
	/* FENCE in a batch without an earlier failure: runs normally */
	desc_init(&m[2], DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR |
		  IDXD_OP_FLAG_FENCE, cr_pa(C, 3));
	crc_desc(&m[3], C, PG(P_SRC)->pa, 512, 0, 4);
	batch_desc(&h, PG(P_LIST)->pa, 4, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(4), V(cr_va(C, 0)->descs_completed));
	for (i = 1; i <= 4; i++)
		ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, i))
			TH_LOG("member %d", i - 1);
	ASSERT_SAME(dst, src, 512);
	ASSERT_FILLED(dst + 512, 0, 512);
	ASSERT_FILLED(dst + 1024, 0xa5, 256);
	ASSERT_FILLED(dst + 1280, 0, PAGE - 1280);
	ASSERT_EQ(crc32c_sw(0, src, 512), (uint32_t)cr_va(C, 4)->crc_val);
}

TEST_F(dsa, batch_member_fails)
{
	struct dsa_hw_desc *m = list_va(C), h;
	uint8_t *src = PG(P_SRC)->va, *dst = PG(P_DST)->va;

	fill_random(src, PAGE);
	memset(dst, 0, PAGE);
	memmove_desc(&m[0], PG(P_SRC)->pa, PG(P_DST)->pa, 512, cr_pa(C, 1));
	desc_init(&m[1], DSA_OPCODE_CR_DELTA,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR, cr_pa(C, 2));
	memmove_desc(&m[2], PG(P_SRC)->pa + 512, PG(P_DST)->pa + 2048, 512,
		     cr_pa(C, 3));
	batch_desc(&h, PG(P_LIST)->pa, 3, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_BATCH_FAIL, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(2), V(cr_va(C, 0)->descs_completed));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_EQ(DSA_COMP_BAD_OPCODE, cr_status(C, 2));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 3));
	ASSERT_SAME(dst, src, 512);
	ASSERT_SAME(dst + 2048, src + 512, 512);
}

TEST_F(dsa, batch_fence_after_failure)
{
	struct dsa_hw_desc *m = list_va(C), h;
	uint8_t *src = PG(P_SRC)->va, *dst = PG(P_DST)->va;

	fill_random(src, PAGE);
	memset(dst, 0, PAGE);
	memset(PG(P_DST2)->va, 0, PAGE);
	memmove_desc(&m[0], PG(P_SRC)->pa, PG(P_DST)->pa, 512, cr_pa(C, 1));
	desc_init(&m[1], DSA_OPCODE_CR_DELTA,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR, cr_pa(C, 2));
	memmove_desc(&m[2], PG(P_SRC)->pa, PG(P_DST)->pa + 2048, 512,
		     cr_pa(C, 3));
	m[2].flags |= IDXD_OP_FLAG_FENCE;
	memmove_desc(&m[3], PG(P_SRC)->pa, PG(P_DST2)->pa, 512, cr_pa(C, 4));
	batch_desc(&h, PG(P_LIST)->pa, 4, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_BATCH_FAIL, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(1), V(cr_va(C, 0)->descs_completed));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_EQ(DSA_COMP_BAD_OPCODE, cr_status(C, 2));
	ASSERT_EQ(0, cr_status(C, 3)) TH_LOG("fenced member ran");
	ASSERT_EQ(0, cr_status(C, 4)) TH_LOG("member after the fence ran");
	ASSERT_SAME(dst, src, 512);
	ASSERT_FILLED(dst + 2048, 0, 512);
	ASSERT_FILLED(PG(P_DST2)->va, 0, PAGE);
}

/*
 * A false predicate (a compare with CR whose result is not the expected
 * one) stops a later fenced member as a failure does: the batch runs the
 * rest only if the compare came out as expected.
 */
TEST_F(dsa, batch_fence_after_false_predicate)
{
	struct dsa_hw_desc *m = list_va(C), h;

	fill_random(PG(P_SRC)->va, PAGE);
	memcpy(PG(P_SRC2)->va, PG(P_SRC)->va, PAGE);
	PG(P_SRC2)->va[5] ^= 1;
	memset(PG(P_DST)->va, 0, PAGE);
	compare_desc(&m[0], C, IDXD_OP_FLAG_CR, PAGE, 1);
	m[0].expected_res = 0;
	memmove_desc(&m[1], PG(P_SRC)->pa, PG(P_DST)->pa, 512, cr_pa(C, 2));
	m[1].flags |= IDXD_OP_FLAG_FENCE;
	batch_desc(&h, PG(P_LIST)->pa, 2, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_BATCH_FAIL, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(DSA_COMP_SUCCESS_PRED, cr_status(C, 1));
	ASSERT_EQ(V(1), V(cr_va(C, 0)->descs_completed));
	ASSERT_EQ(0, cr_status(C, 2)) TH_LOG("fenced member ran");
	ASSERT_FILLED(PG(P_DST)->va, 0, 512);
	/* the predicate true: the fenced member runs, the batch succeeds */
	memset((void *)cr_va(C, 0), 0, 3 * DSA_COMP_RECORD_SIZE);
	m[0].expected_res = 1;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(2), V(cr_va(C, 0)->descs_completed));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 2));
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, 512);
}

TEST_F(dsa, batch_inside_batch)
{
	struct dsa_hw_desc *m = list_va(C), h;

	desc_init(&m[0], DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 1));
	batch_desc(&m[1], PG(P_LIST)->pa, 2, cr_pa(C, 2));
	desc_init(&m[2], DSA_OPCODE_DRAIN, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 3));
	batch_desc(&h, PG(P_LIST)->pa, 3, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_BATCH_FAIL, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(1), V(cr_va(C, 0)->descs_completed));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_EQ(DSA_COMP_BAD_OPCODE, cr_status(C, 2));
	ASSERT_EQ(DSA_COMP_BAD_OPCODE, cr_status(C, 3));
}

TEST_F(dsa, batch_count_out_of_range)
{
	struct dsa_hw_desc *m = list_va(C), h;
	uint32_t max = 1U << BATCH_SHIFT, i;

	ASSERT_LE(V((max + 1) * DSA_DESC_SIZE), V(PAGE));
	for (i = 0; i <= max; i++)
		desc_init(&m[i], DSA_OPCODE_NOOP, 0, 0);
	batch_desc(&h, PG(P_LIST)->pa, 1, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_DESC_CNT_ERANGE, C, WQ_MAIN, &h, 0);
	batch_desc(&h, PG(P_LIST)->pa, 0, cr_pa(C, 1));
	RUN_EXPECT(DSA_COMP_DESC_CNT_ERANGE, C, WQ_MAIN, &h, 1);
	batch_desc(&h, PG(P_LIST)->pa, max + 1, cr_pa(C, 2));
	RUN_EXPECT(DSA_COMP_DESC_CNT_ERANGE, C, WQ_MAIN, &h, 2);
	/* the WQ's maximum itself is fine */
	batch_desc(&h, PG(P_LIST)->pa, max, cr_pa(C, 3));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 3);
	ASSERT_EQ(V(max), V(cr_va(C, 3)->descs_completed));
}

TEST_F(dsa, batch_list_misaligned)
{
	struct dsa_hw_desc *m = list_va(C), h;
	int i;

	for (i = 0; i < 4; i++)
		desc_init(&m[i], DSA_OPCODE_NOOP, 0, 0);
	batch_desc(&h, PG(P_LIST)->pa + 32, 2, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_DESCLIST_ALIGN, C, WQ_MAIN, &h, 0);
}

TEST_F(dsa, batch_list_unreadable)
{
	struct dsa_hw_desc h;
	uint64_t nomem;

	REQUIRE(find_no_memory_addr(&nomem),
		"no unclaimed physical address found");
	batch_desc(&h, nomem, 2, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_BATCH_PAGE_FAULT, C, WQ_MAIN, &h, 0);
}

/* ================================================================== */
/* Completion status                                                    */

TEST_F(dsa, invalid_opcode)
{
	static const uint8_t ops[] = {
		DSA_OPCODE_CR_DELTA, DSA_OPCODE_AP_DELTA,
		DSA_OPCODE_TRANSL_FETCH, DSA_OPCODE_DIF_CHECK,
		DSA_OPCODE_DIF_INS, DSA_OPCODE_DIX_GEN, 0x0b, 0x21, 0xff,
	};
	struct dsa_hw_desc h;
	unsigned int i;
	uint8_t st;

	for (i = 0; i < sizeof(ops); i++) {
		desc_init(&h, ops[i], IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
			  cr_pa(C, i));
		dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
		st = WAIT_CR(C, i);
		ASSERT_EQ((uint8_t)DSA_COMP_BAD_OPCODE, st)
			TH_LOG("opcode %#x: status %#x", ops[i], st);
	}
}

static void flags_case(struct __test_metadata *_metadata, struct ctx *c,
		       uint32_t extra, uint32_t offending, int slot)
{
	struct dsa_hw_desc h;

	desc_init(&h, DSA_OPCODE_NOOP,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | extra, cr_pa(c, slot));
	RUN_EXPECT(DSA_COMP_INVALID_FLAGS, c, WQ_MAIN, &h, slot);
	ASSERT_EQ(V(offending), V(cr_va(c, slot)->invalid_flags))
		TH_LOG("flags %#x", extra);
}

TEST_F(dsa, invalid_flags_reserved)
{
	flags_case(_metadata, C, 0x40, 0x40, 0);
	flags_case(_metadata, C, IDXD_OP_FLAG_DSTS, IDXD_OP_FLAG_DSTS, 1);
}

TEST_F(dsa, invalid_flags_multiple)
{
	uint32_t bad = IDXD_OP_FLAG_CRSTS | IDXD_OP_FLAG_DRDBK | 0x800000;

	flags_case(_metadata, C, bad, bad, 0);
}

TEST_F(dsa, fence_outside_batch)
{
	flags_case(_metadata, C, IDXD_OP_FLAG_FENCE, IDXD_OP_FLAG_FENCE, 0);
}

TEST_F(dsa, bof_without_wq_bof)
{
	flags_case(_metadata, C, IDXD_OP_FLAG_BOF, IDXD_OP_FLAG_BOF, 0);
}

TEST_F(dsa, valid_flags_accepted)
{
	uint32_t ok = IDXD_OP_FLAG_CC | IDXD_OP_FLAG_ADDR1_TCS |
		      IDXD_OP_FLAG_ADDR2_TCS | IDXD_OP_FLAG_ADDR3_TCS |
		      IDXD_OP_FLAG_CR_TCS | IDXD_OP_FLAG_STORD;
	struct dsa_hw_desc h;

	desc_init(&h, DSA_OPCODE_NOOP,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | ok, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	fill_random(PG(P_SRC)->va, PAGE);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, PAGE, cr_pa(C, 1));
	h.flags |= ok;
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, PAGE);
}

TEST_F(dsa, rcr_without_crav)
{
	struct dsa_hw_desc h;
	union sw_err_reg e;

	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_RCR, cr_pa(C, 0));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(DSA_COMP_INVALID_FLAGS), V(e.error));
	marker(_metadata, C, WQ_MAIN, 1);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("record written without CRAV");
}

TEST_F(dsa, xfer_size_zero)
{
	static const uint8_t ops[] = {
		DSA_OPCODE_MEMMOVE, DSA_OPCODE_MEMFILL, DSA_OPCODE_COMPARE,
		DSA_OPCODE_CRCGEN,
	};
	struct dsa_hw_desc h;
	unsigned int i;
	uint8_t st;

	for (i = 0; i < sizeof(ops); i++) {
		desc_init(&h, ops[i], IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
			  cr_pa(C, i));
		h.src_addr = PG(P_SRC)->pa;
		h.dst_addr = PG(P_DST)->pa;
		h.xfer_size = 0;
		dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
		st = WAIT_CR(C, i);
		ASSERT_EQ((uint8_t)DSA_COMP_XFER_ERANGE, st)
			TH_LOG("opcode %#x: status %#x", ops[i], st);
	}
}

TEST_F(dsa, xfer_size_above_wq_max)
{
	struct dsa_hw_desc h;
	uint64_t nomem;

	/* addresses without memory: if the check were missing, the copy
	 * would fault instead of overrunning a page of someone else */
	REQUIRE(find_no_memory_addr(&nomem),
		"no unclaimed physical address found");
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_XFER12);
	memmove_desc(&h, PG(P_SRC)->pa, nomem, 4097, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_XFER_ERANGE, C, WQ_XFER12, &h, 0);
	fill_random(PG(P_SRC)->va, PAGE);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, 4096, cr_pa(C, 1));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_XFER12, &h, 1);
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, PAGE);
	/* WQ0's limit is 1 << XFER_SHIFT */
	memmove_desc(&h, nomem, nomem + (4ULL << 20),
		     (1U << XFER_SHIFT) + 1, cr_pa(C, 2));
	RUN_EXPECT(DSA_COMP_XFER_ERANGE, C, WQ_MAIN, &h, 2);
}

TEST_F(dsa, page_fault_read)
{
	struct dsa_hw_desc h;
	uint64_t nomem;

	REQUIRE(find_no_memory_addr(&nomem),
		"no unclaimed physical address found");
	memset(PG(P_DST)->va, 0x77, PAGE);
	memmove_desc(&h, nomem, PG(P_DST)->pa, 256, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_PAGE_FAULT_NOBOF, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(nomem), V(cr_va(C, 0)->fault_addr));
	ASSERT_EQ(V(0), V(cr_va(C, 0)->bytes_completed));
	/* a read fault: 0x03, bit 7 clear */
	ASSERT_EQ(DSA_COMP_PAGE_FAULT_NOBOF, cr_va(C, 0)->status);
	ASSERT_FILLED(PG(P_DST)->va, 0x77, PAGE);
}

TEST_F(dsa, page_fault_write)
{
	struct dsa_hw_desc h;
	uint64_t nomem;

	REQUIRE(find_no_memory_addr(&nomem),
		"no unclaimed physical address found");
	fill_random(PG(P_SRC)->va, PAGE);
	memmove_desc(&h, PG(P_SRC)->pa, nomem + 0x100, 256, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_PAGE_FAULT_NOBOF, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(nomem + 0x100), V(cr_va(C, 0)->fault_addr));
	ASSERT_EQ(V(0), V(cr_va(C, 0)->bytes_completed));
	/* a write fault: bit 7 of the status, 0x83, as silicon reports it */
	ASSERT_EQ(DSA_COMP_PAGE_FAULT_NOBOF | DSA_COMP_STATUS_WRITE,
		  cr_va(C, 0)->status);
	ASSERT_EQ(0, cr_va(C, 0)->fault_info);
}

TEST_F(dsa, page_fault_at_ram_end)
{
	struct dsa_hw_desc h;
	uint64_t end;

	REQUIRE(find_ram_end(&end),
		"no unclaimed page right after RAM below 4 GiB");
	TH_LOG("RAM ends at %#" PRIx64, end);
	/* read the last 256 bytes of RAM and 256 beyond: only reads there */
	memset(PG(P_DST)->va, 0x5a, PAGE);
	memmove_desc(&h, end - 256, PG(P_DST)->pa, 512, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_PAGE_FAULT_NOBOF, C, WQ_MAIN, &h, 0);
	ASSERT_EQ(V(256), V(cr_va(C, 0)->bytes_completed));
	ASSERT_EQ(V(end), V(cr_va(C, 0)->fault_addr));
	ASSERT_EQ(DSA_COMP_PAGE_FAULT_NOBOF, cr_va(C, 0)->status);
	ASSERT_FILLED(PG(P_DST)->va + 256, 0x5a, PAGE - 256);
}

TEST_F(dsa, cr_written_only_when_requested)
{
	struct dsa_hw_desc h;

	/* CRAV without RCR, success: no record */
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV, cr_pa(C, 0));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	/* neither flag, success: no record */
	desc_init(&h, DSA_OPCODE_NOOP, 0, cr_pa(C, 1));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	marker(_metadata, C, WQ_MAIN, 2);
	ASSERT_EQ(0, cr_status(C, 0));
	ASSERT_EQ(0, cr_status(C, 1));
	/* CRAV without RCR, error: a record */
	desc_init(&h, DSA_OPCODE_CR_DELTA, IDXD_OP_FLAG_CRAV, cr_pa(C, 3));
	RUN_EXPECT(DSA_COMP_BAD_OPCODE, C, WQ_MAIN, &h, 3);
}

TEST_F(dsa, error_without_crav_to_swerr)
{
	struct dsa_hw_desc h;
	union sw_err_reg e;

	desc_init(&h, DSA_OPCODE_CR_DELTA, 0, cr_pa(C, 0));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(DSA_COMP_BAD_OPCODE), V(e.error));
	marker(_metadata, C, WQ_MAIN, 1);
	ASSERT_EQ(0, cr_status(C, 0));
}

TEST_F(dsa, cr_misaligned)
{
	struct dsa_hw_desc h;
	union sw_err_reg e;

	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0) + 16);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(DSA_COMP_CRA_ALIGN), V(e.error));
	marker(_metadata, C, WQ_MAIN, 4);
	ASSERT_FILLED((volatile uint8_t *)cr_va(C, 0), 0,
		      4 * DSA_COMP_RECORD_SIZE);
}

TEST_F(dsa, cr_unwritable)
{
	struct dsa_hw_desc h;
	union sw_err_reg e;
	uint64_t nomem;

	REQUIRE(find_no_memory_addr(&nomem),
		"no unclaimed physical address found");
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  nomem);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(DSA_COMP_CRA_XLAT), V(e.error));
}

/* ================================================================== */
/* Interrupts                                                           */

static bool pba_wait(const struct dsa_dev *d, unsigned int v)
{
	return POLL(msix_pending(d, v));
}

/*
 * A NOOP that signals entry @index of the MSI-X table (@ims false) or
 * the IMS table: its handle is asked for first, as descriptors may only
 * name granted handles (an index beyond the table is refused, and the
 * descriptor then names the raw index).
 */
static void rci_noop_to(struct dsa_hw_desc *h, struct ctx *c,
			unsigned int index, bool ims, int slot)
{
	uint32_t st;

	st = dsa_cmd_sts(&c->d, IDXD_CMD_REQUEST_INT_HANDLE,
			 index | (ims ? IDXD_CMD_INT_HANDLE_IMS : 0), false);
	desc_init(h, DSA_OPCODE_NOOP,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_RCI,
		  cr_pa(c, slot));
	h->int_handle = (st & IDXD_CMDSTS_ERR_MASK) || st == CMD_TIMEOUT ?
			index : (st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;
}

#define rci_noop(h, c, index, slot)	rci_noop_to(h, c, index, false, slot)
#define rci_noop_ims(h, c, index, slot)	rci_noop_to(h, c, index, true, slot)

TEST_F(dsa, msix_masked_sets_pba)
{
	const unsigned int v = 2;
	const uint32_t data = 0xd5a00002;
	struct dsa_hw_desc h;

	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, v, v, data, true);
	rci_noop(&h, C, v, 0);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_TRUE(pba_wait(D, v)) TH_LOG("PBA bit %u not set", v);
	ASSERT_EQ(0U, *irq_va(C, v)) TH_LOG("masked vector delivered");
	/* unmasking sends the pending message and clears the bit */
	msix_program(D, v, irq_pa(C, v), data, false);
	ASSERT_TRUE(irq_wait(C, v, data))
		TH_LOG("pending message not delivered on unmask: %#x",
		       *irq_va(C, v));
	ASSERT_FALSE(msix_pending(D, v));
}

TEST_F(dsa, msix_message_written)
{
	const unsigned int v = 3;
	const uint32_t data = 0xd5a00003;
	struct dsa_hw_desc h;

	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, v, v, data, false);
	rci_noop(&h, C, v, 0);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	ASSERT_TRUE(irq_wait(C, v, data))
		TH_LOG("MSI-X message not in memory: %#x", *irq_va(C, v));
	ASSERT_FALSE(msix_pending(D, v));
	/* every completion with RCI signals again */
	*irq_va(C, v) = 0;
	rci_noop(&h, C, v, 1);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_TRUE(irq_wait(C, v, data));
	/* without RCI nothing is signalled */
	*irq_va(C, v) = 0;
	marker(_metadata, C, WQ_MAIN, 2);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, v));
}

TEST_F(dsa, msix_permission_ignore)
{
	const unsigned int v = 4;
	const uint32_t data = 0xd5a00004;
	union msix_perm p = { .bits = 0 };
	struct dsa_hw_desc h;

	p.ignore = 1;
	wr32(D, D->perm + v * IDXD_MSIX_PERM_STRIDE, p.bits);
	ASSERT_EQ(V(p.bits), V(rd32(D, D->perm + v * IDXD_MSIX_PERM_STRIDE)));
	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, v, v, data, false);
	rci_noop(&h, C, v, 0);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 0);
	marker(_metadata, C, WQ_MAIN, 1);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, v)) TH_LOG("ignored vector delivered");
	/* the same vector without the ignore bit */
	wr32(D, D->perm + v * IDXD_MSIX_PERM_STRIDE, 0);
	rci_noop(&h, C, v, 2);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 2);
	ASSERT_TRUE(irq_wait(C, v, data));
}

/* A descriptor naming the index of a granted entry, not its handle: 0x19. */
TEST_F(dsa, int_handle_not_index)
{
	const unsigned int v = 9;
	const uint32_t data = 0xd5a00009;
	struct dsa_hw_desc h;

	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, v, v, data, false);
	rci_noop(&h, C, v, 0);
	ASSERT_NE(V(v), V(h.int_handle));
	h.int_handle = v;
	RUN_EXPECT(DSA_COMP_INT_HANDLE_INVAL, C, WQ_MAIN, &h, 0);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, v)) TH_LOG("an index signalled");
}

/* only granted handles signal: never granted, released, 0x19 and silence */
TEST_F(dsa, int_handle_must_be_granted)
{
	const unsigned int v = 6, i = 20;
	const uint32_t data = 0xd5a00006;
	struct dsa_hw_desc h;

	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, v, v, data, false);
	rci_noop(&h, C, v, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RELEASE_INT_HANDLE,
		   h.int_handle);
	/* h names v, released: as if never granted */
	RUN_EXPECT(DSA_COMP_INT_HANDLE_INVAL, C, WQ_MAIN, &h, 0);
	marker(_metadata, C, WQ_MAIN, 1);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, v)) TH_LOG("a released handle signalled");
	/* granted again, it signals */
	rci_noop(&h, C, v, 2);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 2);
	ASSERT_TRUE(irq_wait(C, v, data));
	/* an IMS entry programmed but never granted */
	*irq_va(C, i) = 0;
	ims_program(D, i, irq_pa(C, i), 0xcafe0014, false, false, 0);
	desc_init(&h, DSA_OPCODE_NOOP,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_RCI,
		  cr_pa(C, 3));
	h.int_handle = i;
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_IMS, &h);
	EXPECT_STATUS(DSA_COMP_INT_HANDLE_INVAL, C, 3);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, i)) TH_LOG("an ungranted IMS entry signalled");
}

/*
 * A completion record that cannot be written: SWERR 0x1a names the
 * record's address, a write fault, and the completion signals nothing
 */
TEST_F(dsa, cr_unwritable_reported)
{
	const unsigned int v = 7;
	const uint32_t data = 0xd5a00007;
	struct dsa_hw_desc h;
	union sw_err_reg e;
	uint64_t nomem;

	REQUIRE(find_no_memory_addr(&nomem),
		"no unclaimed physical address found");
	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, v, v, data, false);
	rci_noop(&h, C, v, 0);
	h.completion_addr = nomem;
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(DSA_COMP_CRA_XLAT), V(e.error));
	ASSERT_EQ(V(1), V(e.desc_valid));
	ASSERT_EQ(V(WQ_MAIN), V(e.wq_idx));
	ASSERT_EQ(V(nomem), V(e.fault_addr));
	ASSERT_EQ(V(1), V(e.fault_rw));
	/* what software must do in the device's stead */
	ASSERT_EQ(V(1), V(e.err_info_valid));
	ASSERT_EQ(V(h.int_handle), V(e.int_handle));
	ASSERT_EQ(V(1), V(e.rci));
	ASSERT_EQ(V(1), V(e.rcr));
	ASSERT_EQ(V(0), V(e.ims));
	marker(_metadata, C, WQ_MAIN, 1);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, v)) TH_LOG("a lost record still signalled");
}

TEST_F(dsa, msix_handle_beyond_table)
{
	struct dsa_hw_desc h;

	rci_noop(&h, C, D->msix_size, 0);
	RUN_EXPECT(DSA_COMP_INT_HANDLE_INVAL, C, WQ_MAIN, &h, 0);
	/* an index valid for IMS is not for the MSI-X portal */
	ASSERT_LT(D->msix_size + 10, D->ims_size);
	rci_noop(&h, C, D->msix_size + 10, 1);
	RUN_EXPECT(DSA_COMP_INT_HANDLE_INVAL, C, WQ_MAIN, &h, 1);
	/* the last vector is fine */
	rci_noop(&h, C, D->msix_size - 1, 2);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 2);
}

TEST_F(dsa, msix_permission_pasid_mismatch)
{
	const unsigned int v = 5;
	const uint32_t data = 0xd5a00005;
	union msix_perm p = { .bits = 0 };
	struct dsa_hw_desc h;

	p.pasid_en = 1;
	p.pasid = 5;		/* WQ0 has no PASID */
	wr32(D, D->perm + v * IDXD_MSIX_PERM_STRIDE, p.bits);
	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, v, v, data, false);
	rci_noop(&h, C, v, 0);
	RUN_EXPECT(DSA_COMP_INT_HANDLE_INVAL, C, WQ_MAIN, &h, 0);
	marker(_metadata, C, WQ_MAIN, 1);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, v));
}

TEST_F(dsa, misc_vector0)
{
	const uint32_t data = 0xd5a00000;
	union genctrl_reg g = { .bits = 0 };
	struct dsa_hw_desc h;
	union sw_err_reg e;

	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, 0, 0, data, false);
	/* command completion with int_req */
	CMD_EXPECT_IRQ(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 1,
		       true);
	ASSERT_TRUE(irq_wait(C, 0, data)) TH_LOG("no vector 0 for a command");
	ASSERT_NE(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_CMD);
	/* a software error with softerr_int_en */
	*irq_va(C, 0) = 0;
	g.softerr_int_en = 1;
	wr32(D, IDXD_GENCTRL_OFFSET, g.bits);
	desc_init(&h, DSA_OPCODE_NOOP, 0, 0);
	dsa_submit(D, WQ_SMALL, IDXD_IRQ_MSIX, &h);	/* disabled WQ */
	SWERR_WAIT(D, &e);
	ASSERT_TRUE(irq_wait(C, 0, data)) TH_LOG("no vector 0 for SWERR");
	ASSERT_NE(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
}

TEST_F(dsa, ims_message_written)
{
	const unsigned int i = 7;
	const uint32_t data = 0xcafe0007;
	struct dsa_hw_desc h;
	union ims_entry ie;

	*irq_va(C, i) = 0;
	ims_program(D, i, irq_pa(C, i), data, false, false, 0);
	ims_read(D, i, &ie);
	ASSERT_EQ(V(irq_pa(C, i)), V(ie.addr));
	ASSERT_EQ(V(data), V(ie.data));
	ASSERT_EQ(V(0), V(ie.mask));
	rci_noop_ims(&h, C, i, 0);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_IMS, &h);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 0);
	ASSERT_TRUE(irq_wait(C, i, data))
		TH_LOG("IMS message not in memory: %#x", *irq_va(C, i));
	ims_read(D, i, &ie);
	ASSERT_EQ(V(0), V(ie.pending));
}

TEST_F(dsa, ims_masked_pending)
{
	const unsigned int i = 8;
	const uint32_t data = 0xcafe0008;
	struct dsa_hw_desc h;
	union ims_entry ie;
	unsigned int k;
	uint64_t end;

	*irq_va(C, i) = 0;
	ims_program(D, i, irq_pa(C, i), data, true, false, 0);
	rci_noop_ims(&h, C, i, 0);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_IMS, &h);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 0);
	end = now_ms() + POLL_MS;
	for (k = 0;; k++) {
		ims_read(D, i, &ie);
		if (ie.pending || now_ms() > end)
			break;
		relax(k);
	}
	ASSERT_EQ(V(1), V(ie.pending)) TH_LOG("IMS pending bit not set");
	ASSERT_EQ(0U, *irq_va(C, i)) TH_LOG("masked IMS entry delivered");
	/* unmask: the pending message goes out */
	ie.mask = 0;
	ie.pending = 0;
	*(volatile uint32_t *)(D->bar0 + D->ims + i * IDXD_IMS_ENTRY_SIZE +
			       4 * IDXD_IMS_CTRL_DWORD) =
		ie.bits[IDXD_IMS_CTRL_DWORD];
	ASSERT_TRUE(irq_wait(C, i, data))
		TH_LOG("pending IMS message not delivered on unmask");
	ims_read(D, i, &ie);
	ASSERT_EQ(V(0), V(ie.pending));
	ASSERT_EQ(V(0), V(ie.mask));
}

TEST_F(dsa, ims_handle_beyond_table)
{
	struct dsa_hw_desc h;

	rci_noop_ims(&h, C, D->ims_size, 0);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_IMS, &h);
	EXPECT_STATUS(DSA_COMP_INT_HANDLE_INVAL, C, 0);
	/* the last entry is fine (masked after reset: no message) */
	rci_noop_ims(&h, C, D->ims_size - 1, 1);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_IMS, &h);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 1);
}

TEST_F(dsa, ims_pasid_mismatch)
{
	const unsigned int i = 9;
	const uint32_t data = 0xcafe0009;
	struct dsa_hw_desc h;

	*irq_va(C, i) = 0;
	ims_program(D, i, irq_pa(C, i), data, false, true, 9);
	rci_noop_ims(&h, C, i, 0);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_IMS, &h);
	EXPECT_STATUS(DSA_COMP_INT_HANDLE_INVAL, C, 0);
	marker(_metadata, C, WQ_MAIN, 1);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, *irq_va(C, i));
}

/* ================================================================== */
/* Queues: HOLD, full dedicated WQ, drain/abort/disable                 */

static void queue_noops(struct ctx *c, int wq, int first, int n)
{
	struct dsa_hw_desc h;
	int i;

	for (i = first; i < first + n; i++) {
		desc_init(&h, DSA_OPCODE_NOOP,
			  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR, cr_pa(c, i));
		dsa_submit(&c->d, wq, IDXD_IRQ_MSIX, &h);
	}
}

/* ================================================================== */
/* Portals                                                              */

TEST_F(dsa, portals_all_four)
{
	static const struct {
		enum idxd_portal_prot prot;
		enum idxd_interrupt_type it;
	} p[] = {
		{ IDXD_PORTAL_UNLIMITED, IDXD_IRQ_MSIX },
		{ IDXD_PORTAL_LIMITED, IDXD_IRQ_MSIX },
		{ IDXD_PORTAL_UNLIMITED, IDXD_IRQ_IMS },
		{ IDXD_PORTAL_LIMITED, IDXD_IRQ_IMS },
	};
	const uint32_t data = 0xcafe000a;
	struct dsa_hw_desc h;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		desc_init(&h, DSA_OPCODE_NOOP,
			  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR, cr_pa(C, i));
		submit_portal(D, WQ_MAIN, p[i].prot, p[i].it, &h);
		EXPECT_STATUS(DSA_COMP_SUCCESS, C, i);
	}
	/* the limited IMS portal signals through IMS */
	*irq_va(C, 10) = 0;
	ims_program(D, 10, irq_pa(C, 10), data, false, false, 0);
	rci_noop_ims(&h, C, 10, 4);
	submit_portal(D, WQ_MAIN, IDXD_PORTAL_LIMITED, IDXD_IRQ_IMS, &h);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 4);
	ASSERT_TRUE(irq_wait(C, 10, data));
	/* and the limited MSI-X portal checks against the MSI-X table */
	rci_noop(&h, C, D->msix_size, 5);
	submit_portal(D, WQ_MAIN, IDXD_PORTAL_LIMITED, IDXD_IRQ_MSIX, &h);
	EXPECT_STATUS(DSA_COMP_INT_HANDLE_INVAL, C, 5);
}

static volatile uint64_t *portal_slot(const struct dsa_dev *d, int slot)
{
	return (volatile uint64_t *)(d->bar2 +
		IDXD_PORTAL_OFFSET(WQ_MAIN, IDXD_PORTAL_UNLIMITED,
				   IDXD_IRQ_MSIX) + slot * 64);
}

/* Nothing queued, SWERR 0x33 (and then cleared), record @i unwritten. */
static void expect_portal_discard(struct __test_metadata *_metadata,
				  struct ctx *c, int i)
{
	union sw_err_reg e;

	SWERR_WAIT(&c->d, &e);
	ASSERT_EQ(V(IDXD_SWERR_PORTAL_PARTIAL), V(e.error));
	ASSERT_EQ(V(1), V(e.wq_idx_valid));
	ASSERT_EQ(V(WQ_MAIN), V(e.wq_idx));
	ASSERT_EQ(V(0), V(e.desc_valid));
	wr64(&c->d, IDXD_SWERR_OFFSET, IDXD_SWERR_ACK);
	msleep(QUIET_MS);
	ASSERT_EQ(V(0), V(wq_occupancy(&c->d, WQ_MAIN)));
	ASSERT_EQ(0, cr_status(c, i)) TH_LOG("a discarded descriptor ran");
}

/* One writer's eight 8-byte stores in order: the model's second path. */
TEST_F(dsa, portal_8byte_stores_in_order)
{
	volatile uint64_t *portal = portal_slot(D, 3);
	uint64_t q[DSA_DESC_SIZE / 8];
	struct dsa_hw_desc h;
	union sw_err_reg e;
	int i;

	fill_random(PG(P_SRC)->va, PAGE);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, 1000, cr_pa(C, 0));
	memcpy(q, &h, sizeof(q));
	for (i = 0; i < 7; i++)
		portal[i] = q[i];
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("submitted before complete");
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	portal[7] = q[7];
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 0);
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, 1000);
	swerr_read(D, &e);
	ASSERT_EQ(V(0), V(e.valid));
}

/* Stores out of order are no descriptor: dropped and logged, not run. */
TEST_F(dsa, portal_stores_out_of_order)
{
	volatile uint64_t *portal = portal_slot(D, 0);
	uint64_t q[DSA_DESC_SIZE / 8];
	struct dsa_hw_desc h;
	int i;

	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	memcpy(q, &h, sizeof(q));
	for (i = 7; i >= 0; i--)
		portal[i] = q[i];
	expect_portal_discard(_metadata, C, 0);
	/* the portal takes the next descriptor as if nothing happened */
	marker(_metadata, C, WQ_MAIN, 1);
	ASSERT_EQ(0, cr_status(C, 0));
}

/* 4-byte stores are no part of a descriptor. */
TEST_F(dsa, portal_4byte_stores)
{
	volatile uint32_t *portal = (volatile uint32_t *)portal_slot(D, 0);
	uint32_t q[DSA_DESC_SIZE / 4];
	struct dsa_hw_desc h;
	int i;

	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	memcpy(q, &h, sizeof(q));
	for (i = 0; i < 16; i++)
		portal[i] = q[i];
	expect_portal_discard(_metadata, C, 0);
}

/*
 * A descriptor half-written by one vCPU and finished by another (here:
 * the writer moves) is not taken, even with the stores in order; nor is
 * the first half of one abandoned for another slot.
 */
TEST_F(dsa, portal_stores_interleaved)
{
	volatile uint64_t *portal = portal_slot(D, 0);
	uint64_t q[DSA_DESC_SIZE / 8];
	struct dsa_hw_desc h;
	cpu_set_t set;
	int i;

	REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) >= 2, "one CPU");
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	memcpy(q, &h, sizeof(q));
	for (i = 0; i < 4; i++)
		portal[i] = q[i];
	CPU_ZERO(&set);
	CPU_SET(1, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	ASSERT_EQ(1, sched_getcpu());
	for (i = 4; i < 8; i++)
		portal[i] = q[i];
	expect_portal_discard(_metadata, C, 0);

	/* half a descriptor in slot 1, then a whole one in slot 2 */
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 1));
	memcpy(q, &h, sizeof(q));
	for (i = 0; i < 4; i++)
		portal_slot(D, 1)[i] = q[i];
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 2));
	memcpy(q, &h, sizeof(q));
	for (i = 0; i < 8; i++)
		portal_slot(D, 2)[i] = q[i];
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 2);
	expect_portal_discard(_metadata, C, 1);
}

TEST_F(dsa, wq_mask_operand)
{
	uint32_t both = idxd_cmd_wq_operand(WQ_MAIN) |
			idxd_cmd_wq_operand(WQ_SMALL);

	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 1);
	queue_noops(C, WQ_SMALL, 1, 1);
	/* one command, two WQs */
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ABORT_WQ, both);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_SMALL)));
	queue_noops(C, WQ_MAIN, 2, 1);
	queue_noops(C, WQ_SMALL, 3, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_WQ, both);
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 2));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 3));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_MAIN)));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_SMALL)));
	ASSERT_EQ(0, cr_status(C, 0));
	ASSERT_EQ(0, cr_status(C, 1));
	/* WQs not in the mask are untouched */
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_MAIN);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_WQ,
		   idxd_cmd_wq_operand(WQ_SMALL));
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
}

TEST_F(dsa, hold_defers_execution)
{
	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 1);
	ASSERT_EQ(V(1), V(wq_occupancy(D, WQ_MAIN)));
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("ran while held");
	ASSERT_EQ(V(1), V(wq_occupancy(D, WQ_MAIN)));
	hold(_metadata, C, false);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 0);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
}

TEST_F(dsa, dwq_full_drops)
{
	union sw_err_reg e;

	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	hold(_metadata, C, true);
	queue_noops(C, WQ_SMALL, 0, 3);
	ASSERT_EQ(V(2), V(wq_occupancy(D, WQ_SMALL)));
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_DWQ_FULL), V(e.error));
	ASSERT_EQ(V(1), V(e.wq_idx_valid));
	ASSERT_EQ(V(WQ_SMALL), V(e.wq_idx));
	ASSERT_EQ(V(0), V(e.overflow));
	hold(_metadata, C, false);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 0);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 1);
	marker(_metadata, C, WQ_SMALL, 3);
	ASSERT_EQ(0, cr_status(C, 2)) TH_LOG("the dropped descriptor ran");
}

TEST_F(dsa, submit_to_disabled_wq)
{
	union sw_err_reg e;

	queue_noops(C, WQ_SMALL, 0, 1);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	ASSERT_EQ(V(1), V(e.wq_idx_valid));
	ASSERT_EQ(V(WQ_SMALL), V(e.wq_idx));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_SMALL)));
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0));
}

TEST_F(dsa, drain_wq_runs_queued)
{
	struct dsa_hw_desc h;
	int i;

	fill_random(PG(P_SRC)->va, PAGE);
	hold(_metadata, C, true);
	for (i = 0; i < 3; i++) {
		memmove_desc(&h, PG(P_SRC)->pa + i * 1024,
			     PG(P_DST)->pa + i * 1024, 1024, cr_pa(C, i));
		dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	}
	ASSERT_EQ(V(3), V(wq_occupancy(D, WQ_MAIN)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DRAIN_WQ,
		   idxd_cmd_wq_operand(WQ_MAIN));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, i))
			TH_LOG("record %d not written when DRAIN_WQ ended", i);
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, 3072);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
	hold(_metadata, C, false);
	marker(_metadata, C, WQ_MAIN, 3);
}

TEST_F(dsa, abort_wq_drops_queued)
{
	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 3);
	ASSERT_EQ(V(3), V(wq_occupancy(D, WQ_MAIN)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ABORT_WQ,
		   idxd_cmd_wq_operand(WQ_MAIN));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
	hold(_metadata, C, false);
	marker(_metadata, C, WQ_MAIN, 3);
	ASSERT_EQ(0, cr_status(C, 0));
	ASSERT_EQ(0, cr_status(C, 1));
	ASSERT_EQ(0, cr_status(C, 2));
}

TEST_F(dsa, disable_wq_runs_queued)
{
	union sw_err_reg e;

	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 2);
	ASSERT_EQ(V(2), V(wq_occupancy(D, WQ_MAIN)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_WQ,
		   idxd_cmd_wq_operand(WQ_MAIN));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 0));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_MAIN)));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	hold(_metadata, C, false);
	queue_noops(C, WQ_MAIN, 2, 1);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	ASSERT_EQ(V(WQ_MAIN), V(e.wq_idx));
}

/* the WQ takes nothing once DISABLE_WQ starts, and ends up empty */
TEST_F(dsa, disable_wq_refuses_during_drain)
{
	union idxd_command_reg c = { .bits = 0 };
	union sw_err_reg e;

	REQUIRE_TEST_BAR(C);
	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 2);
	/* 300 ms a descriptor: the drain outlasts the next submission */
	tb_wr(D, DSA_TEST_DELAY_US, 300000);
	c.cmd = IDXD_CMD_DISABLE_WQ;
	c.operand = idxd_cmd_wq_operand(WQ_MAIN);
	wr32(D, IDXD_CMD_OFFSET, c.bits);
	msleep(100);
	ASSERT_NE(0U, rd32(D, IDXD_CMDSTS_OFFSET) & IDXD_CMDSTS_ACTIVE)
		TH_LOG("the drain ended before the test could submit");
	queue_noops(C, WQ_MAIN, 2, 1);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	ASSERT_EQ(V(WQ_MAIN), V(e.wq_idx));
	ASSERT_TRUE(cmd_idle(D));
	tb_wr(D, DSA_TEST_DELAY_US, 0);
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 0));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_MAIN)));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	hold(_metadata, C, false);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_MAIN);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	marker(_metadata, C, WQ_MAIN, 3);
	ASSERT_EQ(0, cr_status(C, 2)) TH_LOG("the refused descriptor ran");
}

TEST_F(dsa, reset_wq_drops_queued)
{
	union wqcfg w;

	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 2);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RESET_WQ,
		   idxd_cmd_wq_operand(WQ_MAIN));
	wqcfg_read(D, WQ_MAIN, &w);
	ASSERT_EQ(V(0), V(w.occupancy));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(w.wq_state));
	ASSERT_EQ(V(32), V(w.wq_size));
	hold(_metadata, C, false);
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0));
	ASSERT_EQ(0, cr_status(C, 1));
}

TEST_F(dsa, drain_all_runs_queued)
{
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 2);
	queue_noops(C, WQ_SMALL, 2, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DRAIN_ALL, 0);
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 0));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 2));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_SMALL)));
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_MAIN)));
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_SMALL)));
}

TEST_F(dsa, abort_all_drops_queued)
{
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, WQ_SMALL);
	hold(_metadata, C, true);
	queue_noops(C, WQ_MAIN, 0, 2);
	queue_noops(C, WQ_SMALL, 2, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ABORT_ALL, 0);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_MAIN)));
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_SMALL)));
	hold(_metadata, C, false);
	marker(_metadata, C, WQ_MAIN, 3);
	marker(_metadata, C, WQ_SMALL, 4);
	ASSERT_EQ(0, cr_status(C, 0));
	ASSERT_EQ(0, cr_status(C, 1));
	ASSERT_EQ(0, cr_status(C, 2));
}

TEST_F(dsa, disable_device_runs_queued)
{
	struct dsa_hw_desc h;

	fill_random(PG(P_SRC)->va, PAGE);
	hold(_metadata, C, true);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, PAGE, cr_pa(C, 0));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	queue_noops(C, WQ_MAIN, 1, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_DEVICE, 0);
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 0));
	ASSERT_EQ(DSA_COMP_SUCCESS, cr_status(C, 1));
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, PAGE);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, WQ_MAIN)));
}

static void enable_pasid_wq(struct __test_metadata *_metadata,
			    struct ctx *c, uint32_t pasid)
{
	union wqcfg w;

	pasid_enable(_metadata, c, true);
	wqcfg_read(&c->d, WQ_PASID, &w);
	w.pasid_en = 1;
	w.pasid = pasid;
	wqcfg_write(&c->d, WQ_PASID, &w);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, &c->d, IDXD_CMD_ENABLE_WQ, WQ_PASID);
}

TEST_F(dsa, abort_pasid_only_that_wq)
{
	/*
	 * The PASID WQ's descriptors must never run: PASID-tagged DMA has
	 * no PASID table entry in this guest.
	 */
	enable_pasid_wq(_metadata, C, 0x42);
	hold(_metadata, C, true);
	queue_noops(C, WQ_PASID, 0, 2);
	queue_noops(C, WQ_MAIN, 2, 2);
	ASSERT_EQ(V(2), V(wq_occupancy(D, WQ_PASID)));
	ASSERT_EQ(V(2), V(wq_occupancy(D, WQ_MAIN)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ABORT_PASID, 0x42);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_PASID)));
	ASSERT_EQ(V(2), V(wq_occupancy(D, WQ_MAIN)));
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(D, WQ_PASID)));
	hold(_metadata, C, false);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 2);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 3);
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0));
	ASSERT_EQ(0, cr_status(C, 1));
}

TEST_F(dsa, drain_pasid_other_pasid)
{
	enable_pasid_wq(_metadata, C, 0x42);
	hold(_metadata, C, true);
	queue_noops(C, WQ_PASID, 0, 1);
	queue_noops(C, WQ_MAIN, 1, 1);
	/* no WQ has PASID 0x43: nothing to drain, held work stays */
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DRAIN_PASID, 0x43);
	ASSERT_EQ(V(1), V(wq_occupancy(D, WQ_PASID)));
	ASSERT_EQ(V(1), V(wq_occupancy(D, WQ_MAIN)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ABORT_PASID, 0x43);
	ASSERT_EQ(V(1), V(wq_occupancy(D, WQ_PASID)));
	/* clean up: the PASID WQ's work must not run */
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ABORT_PASID, 0x42);
	ASSERT_EQ(V(0), V(wq_occupancy(D, WQ_PASID)));
	ASSERT_EQ(V(1), V(wq_occupancy(D, WQ_MAIN)));
	hold(_metadata, C, false);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 1);
	ASSERT_EQ(0, cr_status(C, 0));
}

/* ================================================================== */
/* SWERR                                                                */

static bool swerr_overflow_wait(const struct dsa_dev *d, union sw_err_reg *e)
{
	return POLL((swerr_read(d, e), e->overflow));
}

TEST_F(dsa, swerr_valid_overflow_w1c)
{
	union sw_err_reg e;

	queue_noops(C, WQ_SMALL, 0, 1);		/* disabled WQ */
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	ASSERT_EQ(V(WQ_SMALL), V(e.wq_idx));
	ASSERT_EQ(V(0), V(e.overflow));
	queue_noops(C, WQ_XFER12, 1, 1);	/* another one */
	ASSERT_TRUE(swerr_overflow_wait(D, &e))
		TH_LOG("second error did not set SWERR.overflow");
	ASSERT_EQ(V(1), V(e.valid));
	/* the first error is kept */
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	ASSERT_EQ(V(WQ_SMALL), V(e.wq_idx));
	/* write one to clear: 0 changes nothing */
	wr64(D, IDXD_SWERR_OFFSET, 0);
	swerr_read(D, &e);
	ASSERT_EQ(V(1), V(e.valid));
	ASSERT_EQ(V(1), V(e.overflow));
	wr64(D, IDXD_SWERR_OFFSET, IDXD_SWERR_OVERFLOW);
	swerr_read(D, &e);
	ASSERT_EQ(V(1), V(e.valid));
	ASSERT_EQ(V(0), V(e.overflow));
	wr64(D, IDXD_SWERR_OFFSET, IDXD_SWERR_VALID);
	swerr_read(D, &e);
	ASSERT_EQ(V(0), V(e.valid));
	/* cleared: the next error is recorded afresh */
	queue_noops(C, WQ_XFER12, 2, 1);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	ASSERT_EQ(V(WQ_XFER12), V(e.wq_idx));
	ASSERT_EQ(V(0), V(e.overflow));
}

TEST_F(dsa, swerr_error_interrupt)
{
	union genctrl_reg g = { .bits = 0 };
	union sw_err_reg e;

	/* softerr_int_en clear: no INTCAUSE.ERR */
	queue_noops(C, WQ_SMALL, 0, 1);
	SWERR_WAIT(D, &e);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
	wr64(D, IDXD_SWERR_OFFSET, IDXD_SWERR_ACK);
	swerr_read(D, &e);
	ASSERT_EQ(V(0), V(e.valid));
	/* set: INTCAUSE.ERR, write-one-to-clear */
	g.softerr_int_en = 1;
	wr32(D, IDXD_GENCTRL_OFFSET, g.bits);
	queue_noops(C, WQ_SMALL, 1, 1);
	SWERR_WAIT(D, &e);
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_ERR));
	wr32(D, IDXD_INTCAUSE_OFFSET, IDXD_INTC_ERR);
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
}

/* Event log: with GENCFG.evl_en, errors go to a ring in memory. */

struct evl_entry {
	struct idxd_evl_entry_head head;
	struct dsa_completion_record cr;
} __attribute__((packed));

static void evl_enable(const struct dsa_dev *d, uint64_t base, uint16_t size)
{
	union evlcfg_reg cfg = { .size = size };
	union genctrl_reg ctrl = { .evl_int_en = 1 };
	union gencfg_reg gen = { .evl_en = 1 };

	cfg.base_addr = base >> 12;
	wr64(d, IDXD_EVLCFG_OFFSET, cfg.bits[0]);
	wr64(d, IDXD_EVLCFG_OFFSET + 8, cfg.bits[1]);
	wr32(d, IDXD_GENCTRL_OFFSET, ctrl.bits);
	wr32(d, IDXD_GENCFG_OFFSET, gen.bits);
}

static union evl_status_reg evl_status(const struct dsa_dev *d)
{
	union evl_status_reg st = { .bits = rd64(d, IDXD_EVLSTATUS_OFFSET) };

	return st;
}

TEST_F(dsa_cfg, evl_logs_errors)
{
	volatile struct evl_entry *log = (void *)PG(P_SPARE)->va;
	union evl_status_reg st;
	union sw_err_reg e;
	uint64_t base = PG(P_SPARE)->pa;

	REQUIRE_TEST_BAR(C);
	ASSERT_EQ(V(1), V(D->gencap.evl_support));
	ASSERT_EQ(V(64), V(sizeof(struct evl_entry)));
	evl_enable(D, base, IDXD_EVL_SIZE_MIN);
	ASSERT_EQ(V(base >> 12), V(rd64(D, IDXD_EVLCFG_OFFSET) >> 12));
	tb_wr(D, DSA_TEST_RAISE_SWERR, 0x42 | DSA_TEST_SWERR_WQ_VALID |
	      (3 << DSA_TEST_SWERR_WQ_SHIFT));
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_EVL));
	st = evl_status(D);
	ASSERT_EQ(V(0), V(st.head));
	ASSERT_EQ(V(1), V(st.tail));
	ASSERT_EQ(V(1), V(st.int_pending));
	ASSERT_EQ(V(0x42), V(log[0].head.error));
	ASSERT_EQ(V(1), V(log[0].head.wq_idx_valid));
	ASSERT_EQ(V(3), V(log[0].head.wq_idx));
	ASSERT_EQ(V(0x42), V(log[0].cr.status));
	swerr_read(D, &e);
	ASSERT_EQ(V(0), V(e.valid)) TH_LOG("the log took the error, not SWERR");

	/* the log's place is fixed while enabled */
	wr64(D, IDXD_EVLCFG_OFFSET, 0);
	ASSERT_EQ(V(base >> 12), V(rd64(D, IDXD_EVLCFG_OFFSET) >> 12));
	/* software consumes: head moves, int_pending is write-one-to-clear */
	st.bits = 0;
	st.int_pending = 1;
	wr32(D, IDXD_EVLSTATUS_OFFSET + 4, st.bits_upper32);
	wr32(D, IDXD_EVLSTATUS_OFFSET, 1);
	st = evl_status(D);
	ASSERT_EQ(V(1), V(st.head));
	ASSERT_EQ(V(0), V(st.int_pending));
}

TEST_F(dsa_cfg, evl_full_falls_back_to_swerr)
{
	union evl_status_reg st;
	union sw_err_reg e;
	int i;

	REQUIRE_TEST_BAR(C);
	evl_enable(D, PG(P_SPARE)->pa, IDXD_EVL_SIZE_MIN);
	/* a ring of N entries holds N - 1 */
	for (i = 0; i < IDXD_EVL_SIZE_MIN - 1; i++)
		tb_wr(D, DSA_TEST_RAISE_SWERR, 0x40 + (i & 0xf));
	st = evl_status(D);
	ASSERT_EQ(V(IDXD_EVL_SIZE_MIN - 1), V(st.tail));
	swerr_read(D, &e);
	ASSERT_EQ(V(0), V(e.valid));
	tb_wr(D, DSA_TEST_RAISE_SWERR, 0x77);
	swerr_read(D, &e);
	ASSERT_EQ(V(1), V(e.valid));
	ASSERT_EQ(V(0x77), V(e.error));
	ASSERT_EQ(V(IDXD_EVL_SIZE_MIN - 1), V(evl_status(D).tail));
}

/*
 * A batch member whose record cannot be written: the entry carries the
 * batch (index, identifier, first error), the interrupt it asked for and
 * the record itself, which software writes in the device's stead.
 */
TEST_F(dsa_cfg, evl_lost_record_entry)
{
	volatile struct evl_entry *log = (void *)PG(P_SPARE)->va;
	struct dsa_hw_desc *list = list_va(C), h;
	uint64_t nomem;

	REQUIRE(find_no_memory_addr(&nomem),
		"no unclaimed physical address found");
	evl_enable(D, PG(P_SPARE)->pa, IDXD_EVL_SIZE_MIN);
	configure_default(_metadata, D);
	desc_init(&list[0], DSA_OPCODE_NOOP, 0, 0);
	desc_init(&list[1], DSA_OPCODE_NOOP,
		  IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_RCI,
		  nomem);
	list[1].int_handle = 0x3ff;
	batch_desc(&h, PG(P_LIST)->pa, 2, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_BATCH_FAIL, C, WQ_MAIN, &h, 0);
	ASSERT_TRUE(POLL(evl_status(D).tail == 1));
	ASSERT_EQ(V(DSA_COMP_CRA_XLAT), V(log[0].head.error));
	ASSERT_EQ(V(1), V(log[0].head.fault_rw));
	ASSERT_EQ(V(nomem), V(log[0].head.fault_addr));
	ASSERT_EQ(V(1), V(log[0].head.batch));
	ASSERT_EQ(V(1), V(log[0].head.batch_idx));
	ASSERT_EQ(V(1), V(log[0].head.err_info_valid));
	ASSERT_EQ(V(0x3ff), V(log[0].head.int_handle));
	ASSERT_EQ(V(1), V(log[0].head.rci));
	ASSERT_EQ(V(1), V(log[0].head.rcr));
	ASSERT_EQ(V(1), V(log[0].head.first_err_in_batch));
	/* the record the member should have had: its handle was never granted */
	ASSERT_EQ(V(DSA_COMP_INT_HANDLE_INVAL), V(log[0].cr.status));
	/* a second batch has its own identifier */
	batch_desc(&h, PG(P_LIST)->pa, 2, cr_pa(C, 1));
	RUN_EXPECT(DSA_COMP_BATCH_FAIL, C, WQ_MAIN, &h, 1);
	ASSERT_TRUE(POLL(evl_status(D).tail == 2));
	ASSERT_NE(V(log[0].head.batch_id), V(log[1].head.batch_id));
}

/* ================================================================== */
/* Engines and the command unit                                         */

/* Longer than POLL_MS: a command or a completion that waits fails. */
#define SLOW_US		5000000

/*
 * WQ 0 (transfers up to 2 GiB) and WQ 1: in one group with one engine,
 * or each in a group of its own with an engine each.
 */
static void config_two_wqs(struct __test_metadata *_metadata,
			   const struct dsa_dev *d, bool one_group)
{
	if (one_group) {
		grp_setup(d, 0, 0x3, 0x1, 0);
	} else {
		grp_setup(d, 0, 0x1, 0x1, 0);
		grp_setup(d, 1, 0x2, 0x2, 0);
	}
	wq_setup(d, 0, 8, 1, 31, BATCH_SHIFT);
	wq_setup(d, 1, 8, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, d, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, d, IDXD_CMD_ENABLE_WQ, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, d, IDXD_CMD_ENABLE_WQ, 1);
}

/*
 * A NOOP with its record in slot @i that occupies its engine for SLOW_US
 * (the window's delay, taken with the descriptor; off again once taken).
 */
static void submit_slow(struct __test_metadata *_metadata, struct ctx *c,
			int wq, int i)
{
	struct dsa_hw_desc h;

	tb_wr(&c->d, DSA_TEST_DELAY_US, SLOW_US);
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(c, i));
	dsa_submit(&c->d, wq, IDXD_IRQ_MSIX, &h);
	ASSERT_TRUE(POLL(!tb_rd(&c->d, DSA_TEST_QUEUED)));
	tb_wr(&c->d, DSA_TEST_DELAY_US, 0);
}

/*
 * Commands do not wait for descriptors they do not drain; an abort
 * abandons the one in flight (no record, ever) and the WQ works on.
 */
TEST_F(dsa_cfg, cmd_not_delayed_by_engine)
{
	REQUIRE_TEST_BAR(C);
	config_two_wqs(_metadata, D, true);
	submit_slow(_metadata, C, 0, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 3);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_WQ,
		   idxd_cmd_wq_operand(1));
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("the slow descriptor completed");
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ABORT_WQ,
		   idxd_cmd_wq_operand(0));
	marker(_metadata, C, 0, 1);
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("an aborted descriptor completed");
}

/* RESET_WQ abandons the descriptor in flight as well. */
TEST_F(dsa_cfg, reset_wq_abandons_in_flight)
{
	REQUIRE_TEST_BAR(C);
	config_two_wqs(_metadata, D, true);
	submit_slow(_metadata, C, 0, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RESET_WQ,
		   idxd_cmd_wq_operand(0));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(D, 0)));
	msleep(QUIET_MS);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("a reset WQ's descriptor completed");
}

/* Each group has its engine: one group's long work does not stop another. */
TEST_F(dsa_cfg, groups_run_in_parallel)
{
	struct dsa_hw_desc h;

	REQUIRE_TEST_BAR(C);
	config_two_wqs(_metadata, D, false);
	submit_slow(_metadata, C, 0, 0);
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 1));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, 1, &h, 1);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("the slow descriptor completed");
}

/*
 * Within a group the engine runs a huge transfer in bounded steps, taking
 * the group's WQs in turn: a NOOP behind another WQ's 256 MiB CRC
 * completes first, and the CRC completes too.
 */
TEST_F(dsa_cfg, group_shares_engine_fairly)
{
	const uint64_t base = 16ULL << 20, len = 256ULL << 20;
	struct dsa_hw_desc big, h;
	uint64_t end;
	uint8_t st;

	REQUIRE(find_ram_end(&end) && end >= base + len,
		"less than 272 MiB of RAM below 4 GiB");
	config_two_wqs(_metadata, D, true);
	desc_init(&big, DSA_OPCODE_CRCGEN, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	big.src_addr = base;
	big.xfer_size = len;
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 1));
	dsa_submit(D, 0, IDXD_IRQ_MSIX, &big);
	dsa_submit(D, 1, IDXD_IRQ_MSIX, &h);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 1);
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("the CRC ran to its end first");
	ASSERT_TRUE(POLL_FOR(30000, (st = cr_status(C, 0)) != 0));
	ASSERT_EQ(V(DSA_COMP_SUCCESS), V(st));
}

/*
 * A WQ whose descriptor is abandoned mid-run (RESET_DEVICE) and that then
 * moves to another group's engine: the new engine waits for the old one
 * to leave it, runs the WQ's next descriptor, and a drain completes.
 */
TEST_F(dsa_cfg, wq_changes_group_while_busy)
{
	struct dsa_hw_desc h;

	REQUIRE_TEST_BAR(C);
	config_two_wqs(_metadata, D, true);
	submit_slow(_metadata, C, 0, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RESET_DEVICE, 0);
	grp_setup(D, 0, 0x2, 0x1, 0);
	grp_setup(D, 1, 0x1, 0x2, 0);
	wq_setup(D, 0, 8, 1, XFER_SHIFT, BATCH_SHIFT);
	wq_setup(D, 1, 8, 1, XFER_SHIFT, BATCH_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_ENABLE_WQ, 0);
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 1));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, 0, &h, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DRAIN_WQ,
		   idxd_cmd_wq_operand(0));
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("an abandoned descriptor completed");
}

/*
 * A function reset while DISABLE_WQ drains ends the command: CMDSTS is
 * idle and says nothing, no command interrupt comes later, and the
 * abandoned descriptor writes no record.
 */
TEST_F(dsa, flr_during_drain)
{
	union idxd_command_reg cmd = { .bits = 0 };
	char path[128];
	int fd;

	REQUIRE_TEST_BAR(C);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset",
		 dsa_bdf());
	fd = open(path, O_WRONLY);
	REQUIRE(fd >= 0, "no reset file for the device");
	submit_slow(_metadata, C, WQ_MAIN, 0);
	cmd.cmd = IDXD_CMD_DISABLE_WQ;
	cmd.operand = idxd_cmd_wq_operand(WQ_MAIN);
	cmd.int_req = 1;
	wr32(D, IDXD_CMD_OFFSET, cmd.bits);
	msleep(100);
	ASSERT_NE(0U, rd32(D, IDXD_CMDSTS_OFFSET) & IDXD_CMDSTS_ACTIVE);
	ASSERT_EQ(1, write(fd, "1", 1)) TH_LOG("FLR: %s", strerror(errno));
	close(fd);
	msleep(QUIET_MS);
	ASSERT_EQ(0U, rd32(D, IDXD_CMDSTS_OFFSET));
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET));
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	ASSERT_EQ(0, cr_status(C, 0)) TH_LOG("an abandoned descriptor completed");
}

/* ================================================================== */
/* Fault injection through the test window                              */

TEST_F(dsa, fail_desc_one_shot)
{
	struct dsa_hw_desc h;

	REQUIRE_TEST_BAR(C);
	fill_random(PG(P_SRC)->va, PAGE);
	memset(PG(P_DST)->va, 0x33, PAGE);
	tb_wr(D, DSA_TEST_FAIL_DESC, DSA_COMP_HW_ERR1);
	ASSERT_NE(V(0), V(tb_rd(D, DSA_TEST_FAIL_DESC)));
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, PAGE, cr_pa(C, 0));
	RUN_EXPECT(DSA_COMP_HW_ERR1, C, WQ_MAIN, &h, 0);
	ASSERT_FILLED(PG(P_DST)->va, 0x33, PAGE);
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_FAIL_DESC)));
	/* one shot: the next one runs */
	h.completion_addr = cr_pa(C, 1);
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	ASSERT_SAME(PG(P_DST)->va, PG(P_SRC)->va, PAGE);
}

TEST_F(dsa, fail_cmd_one_shot)
{
	REQUIRE_TEST_BAR(C);
	tb_wr(D, DSA_TEST_FAIL_CMD, IDXD_CMDSTS_HW_ERR);
	ASSERT_NE(V(0), V(tb_rd(D, DSA_TEST_FAIL_CMD)));
	CMD_EXPECT(IDXD_CMDSTS_HW_ERR, D, IDXD_CMD_REQUEST_INT_HANDLE, 1);
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_FAIL_CMD)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 1);
	/* also a command that would otherwise fail */
	tb_wr(D, DSA_TEST_FAIL_CMD, 0x7f);
	CMD_EXPECT(0x7f, D, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_ENABLED, D, IDXD_CMD_ENABLE_DEVICE, 0);
}

/* bits 15:8 pick the command: others run normally until it comes */
TEST_F(dsa, fail_cmd_targeted)
{
	uint32_t h1;

	REQUIRE_TEST_BAR(C);
	tb_wr(D, DSA_TEST_FAIL_CMD, IDXD_CMDSTS_HW_ERR |
	      IDXD_CMD_RELEASE_INT_HANDLE << DSA_TEST_FAIL_CMD_CODE_SHIFT);
	h1 = HANDLE(D, 1);
	ASSERT_NE(V(0), V(tb_rd(D, DSA_TEST_FAIL_CMD)));
	CMD_EXPECT(IDXD_CMDSTS_HW_ERR, D, IDXD_CMD_RELEASE_INT_HANDLE, h1);
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_FAIL_CMD)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RELEASE_INT_HANDLE, h1);

	/* bits 23:16: that many of them pass first */
	tb_wr(D, DSA_TEST_FAIL_CMD, IDXD_CMDSTS_HW_ERR |
	      IDXD_CMD_REQUEST_INT_HANDLE << DSA_TEST_FAIL_CMD_CODE_SHIFT |
	      2 << DSA_TEST_FAIL_CMD_SKIP_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RELEASE_INT_HANDLE, h1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 1);
	ASSERT_NE(V(0), V(tb_rd(D, DSA_TEST_FAIL_CMD)));
	CMD_EXPECT(IDXD_CMDSTS_HW_ERR, D, IDXD_CMD_REQUEST_INT_HANDLE, 1);
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_FAIL_CMD)));
}

/* bit 24: the command picked is held, not failed, until HOLD is written */
TEST_F(dsa, fail_cmd_hold)
{
	uint32_t st;

	REQUIRE_TEST_BAR(C);
	/* one REQUEST_INT_HANDLE passes, the next is held */
	tb_wr(D, DSA_TEST_FAIL_CMD, DSA_TEST_FAIL_CMD_HOLD |
	      IDXD_CMD_REQUEST_INT_HANDLE << DSA_TEST_FAIL_CMD_CODE_SHIFT |
	      1 << DSA_TEST_FAIL_CMD_SKIP_SHIFT);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_REQUEST_INT_HANDLE, 1);
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_HOLD)));
	ASSERT_EQ(CMD_TIMEOUT,
		  dsa_cmd_sts(D, IDXD_CMD_REQUEST_INT_HANDLE, 7, false));
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_FAIL_CMD)));
	ASSERT_EQ(V(DSA_TEST_HOLD_CMDS), V(tb_rd(D, DSA_TEST_HOLD)));
	tb_wr(D, DSA_TEST_HOLD, 0);
	ASSERT_TRUE(cmd_idle(D));
	/* it ran, as itself: the handle for 7 */
	st = rd32(D, IDXD_CMDSTS_OFFSET);
	ASSERT_EQ(0U, st & IDXD_CMDSTS_ERR_MASK);
	ASSERT_EQ(HANDLE(D, 7), (st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff);
}

/* HOLD bit 1 keeps a command active, unrun, until it is cleared */
TEST_F(dsa, hold_cmds)
{
	uint32_t st;

	REQUIRE_TEST_BAR(C);
	tb_wr(D, DSA_TEST_HOLD, DSA_TEST_HOLD_CMDS);
	ASSERT_EQ(V(DSA_TEST_HOLD_CMDS), V(tb_rd(D, DSA_TEST_HOLD)));
	ASSERT_EQ(CMD_TIMEOUT,
		  dsa_cmd_sts(D, IDXD_CMD_REQUEST_INT_HANDLE, 7, false));
	tb_wr(D, DSA_TEST_HOLD, 0);
	ASSERT_TRUE(cmd_idle(D));
	st = rd32(D, IDXD_CMDSTS_OFFSET);
	ASSERT_EQ(0U, st & IDXD_CMDSTS_ERR_MASK);
	ASSERT_EQ(HANDLE(D, 7), (st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff);
}

/* a command written while another is active is not run: SWERR says so */
TEST_F(dsa, cmd_while_active)
{
	union idxd_command_reg c = { .bits = 0 };
	union sw_err_reg e;
	uint32_t st;

	REQUIRE_TEST_BAR(C);
	tb_wr(D, DSA_TEST_HOLD, DSA_TEST_HOLD_CMDS);
	ASSERT_EQ(CMD_TIMEOUT,
		  dsa_cmd_sts(D, IDXD_CMD_REQUEST_INT_HANDLE, 7, false));
	c.cmd = IDXD_CMD_REQUEST_INT_HANDLE;
	c.operand = 9;
	wr32(D, IDXD_CMD_OFFSET, c.bits);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(IDXD_SWERR_CMD_ACTIVE), V(e.error));
	ASSERT_EQ(V(0), V(e.wq_idx_valid));
	ASSERT_EQ(V(0), V(e.desc_valid));
	wr64(D, IDXD_SWERR_OFFSET, IDXD_SWERR_ACK);
	tb_wr(D, DSA_TEST_HOLD, 0);
	ASSERT_TRUE(cmd_idle(D));
	/* the first command ran, and only it */
	st = rd32(D, IDXD_CMDSTS_OFFSET);
	ASSERT_EQ(0U, st & IDXD_CMDSTS_ERR_MASK);
	ASSERT_EQ(HANDLE(D, 7), (st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff);
	ASSERT_NE(HANDLE(D, 9), (st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff);
}

TEST_F(dsa, raise_swerr)
{
	union genctrl_reg g = { .bits = 0 };
	union sw_err_reg e;

	REQUIRE_TEST_BAR(C);
	g.softerr_int_en = 1;
	wr32(D, IDXD_GENCTRL_OFFSET, g.bits);
	tb_wr(D, DSA_TEST_RAISE_SWERR, 0x1e | DSA_TEST_SWERR_WQ_VALID |
	      (3 << DSA_TEST_SWERR_WQ_SHIFT));
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(0x1e), V(e.error));
	ASSERT_EQ(V(1), V(e.wq_idx_valid));
	ASSERT_EQ(V(3), V(e.wq_idx));
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_ERR));
	wr64(D, IDXD_SWERR_OFFSET, IDXD_SWERR_ACK);
	wr32(D, IDXD_INTCAUSE_OFFSET, IDXD_INTC_ERR);
	ASSERT_EQ(0U, rd32(D, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
	/* without a WQ */
	tb_wr(D, DSA_TEST_RAISE_SWERR, 0x1f);
	SWERR_WAIT(D, &e);
	ASSERT_EQ(V(0x1f), V(e.error));
	ASSERT_EQ(V(0), V(e.wq_idx_valid));
}

TEST_F(dsa, halt_and_reset)
{
	union genctrl_reg g = { .bits = 0 };
	uint64_t end;

	REQUIRE_TEST_BAR(C);
	msix_enable(_metadata, C, true);
	msix_arm(_metadata, C, 0, 0, 0xd5a0f000, false);
	g.halt_int_en = 1;
	wr32(D, IDXD_GENCTRL_OFFSET, g.bits);
	tb_wr(D, DSA_TEST_HALT, 1);
	end = now_ms() + POLL_MS;
	while (gensts_state(D) != IDXD_DEVICE_STATE_HALT && now_ms() < end)
		usleep(100);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_HALT), V(gensts_state(D)));
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_HALT_STATE));
	ASSERT_TRUE(irq_wait(C, 0, 0xd5a0f000)) TH_LOG("no vector 0 for HALT");
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_ENABLED, D, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_RESET_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	ASSERT_EQ(V(0), V(rd32(D, IDXD_INTCAUSE_OFFSET)));
	/* the device works again */
	configure_default(_metadata, D);
	marker(_metadata, C, WQ_MAIN, 0);
}

/* Doc: DISABLE_DEVICE fails with 0x31 when the device is not enabled. */
TEST_F(dsa, disable_device_halted)
{
	uint64_t end;

	REQUIRE_TEST_BAR(C);
	tb_wr(D, DSA_TEST_HALT, 1);
	end = now_ms() + POLL_MS;
	while (gensts_state(D) != IDXD_DEVICE_STATE_HALT && now_ms() < end)
		usleep(100);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_HALT), V(gensts_state(D)));
	/* WQ commands need an enabled device */
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOT_EN, D, IDXD_CMD_DRAIN_WQ,
		   idxd_cmd_wq_operand(WQ_MAIN));
	/* a halted device can still be disabled; a disabled one cannot */
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, D, IDXD_CMD_DISABLE_DEVICE, 0);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED), V(gensts_state(D)));
	CMD_EXPECT(IDXD_CMDSTS_ERR_DIS_DEV_EN, D, IDXD_CMD_DISABLE_DEVICE, 0);
}

TEST_F(dsa, desc_count)
{
	struct dsa_hw_desc *m = list_va(C), h;
	uint64_t before, delta;

	REQUIRE_TEST_BAR(C);
	before = tb_rd(D, DSA_TEST_DESC_COUNT);
	marker(_metadata, C, WQ_MAIN, 0);
	marker(_metadata, C, WQ_MAIN, 1);
	marker(_metadata, C, WQ_MAIN, 2);
	ASSERT_EQ(V(3), V(tb_rd(D, DSA_TEST_DESC_COUNT) - before));
	/* batch members count */
	before = tb_rd(D, DSA_TEST_DESC_COUNT);
	desc_init(&m[0], DSA_OPCODE_NOOP, 0, 0);
	desc_init(&m[1], DSA_OPCODE_NOOP, 0, 0);
	batch_desc(&h, PG(P_LIST)->pa, 2, cr_pa(C, 3));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 3);
	delta = tb_rd(D, DSA_TEST_DESC_COUNT) - before;
	ASSERT_LE(V(2), V(delta));
	ASSERT_GE(V(3), V(delta));
}

/* QUEUED counts what waits in every WQ, as the occupancies do */
TEST_F(dsa, queued)
{
	struct dsa_hw_desc h;

	REQUIRE_TEST_BAR(C);
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_QUEUED)));
	hold(_metadata, C, true);
	desc_init(&h, DSA_OPCODE_NOOP, IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		  cr_pa(C, 0));
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	h.completion_addr = cr_pa(C, 1);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	h.completion_addr = cr_pa(C, 2);
	dsa_submit(D, WQ_MAIN, IDXD_IRQ_MSIX, &h);
	ASSERT_EQ(V(wq_occupancy(D, WQ_MAIN)), V(tb_rd(D, DSA_TEST_QUEUED)));
	ASSERT_EQ(V(3), V(tb_rd(D, DSA_TEST_QUEUED)));
	hold(_metadata, C, false);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 0);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 1);
	EXPECT_STATUS(DSA_COMP_SUCCESS, C, 2);
	ASSERT_EQ(V(0), V(tb_rd(D, DSA_TEST_QUEUED)));
}

/* ------------------------------------------------------------------ */
/* Performance monitor                                                  */

static uint32_t perf_reg(const struct dsa_dev *d, uint32_t base, int i)
{
	return d->perfmon + base + i * IDXD_PERFMON_STRIDE;
}

static void perf_counter(const struct dsa_dev *d, int i, unsigned int cat,
			 uint32_t events, bool irq)
{
	union idxd_cntrcfg cfg = {
		.enable = 1,
		.interrupt_ovf = irq,
		.event_category = cat,
		.events = events,
	};

	wr64(d, perf_reg(d, IDXD_CNTRCFG_OFFSET, i), cfg.val);
}

static uint64_t perf_data(const struct dsa_dev *d, int i)
{
	return rd64(d, perf_reg(d, IDXD_CNTRDATA_OFFSET, i));
}

TEST_F(dsa_cfg, perfmon_caps)
{
	union idxd_perfcap cap;

	cap.bits = rd64(D, D->perfmon + IDXD_PERFCAP_OFFSET);
	ASSERT_EQ(V(DSA_PERF_COUNTERS), V(cap.num_perf_counter));
	ASSERT_EQ(V(DSA_PERF_COUNTER_WIDTH), V(cap.counter_width));
	ASSERT_EQ(V(2), V(cap.num_event_category));
	ASSERT_EQ(V(3), V(cap.global_event_category));
	ASSERT_EQ(V(0), V(cap.filter));
	ASSERT_EQ(V(0), V(cap.cap_per_counter));
	ASSERT_EQ(V(1), V(cap.counter_freeze));
	ASSERT_EQ(V(1), V(cap.overflow_interrupt));
	ASSERT_EQ(V(DSA_PERF_WQ_ACCEPTED | DSA_PERF_WQ_DROPPED),
		  V(rd64(D, perf_reg(D, IDXD_EVNTCAP_OFFSET,
				     DSA_PERF_CAT_WQ))));
	ASSERT_EQ(V(DSA_PERF_ENG_COMPLETED | DSA_PERF_ENG_ERRORS |
		    DSA_PERF_ENG_BYTES),
		  V(rd64(D, perf_reg(D, IDXD_EVNTCAP_OFFSET,
				     DSA_PERF_CAT_ENGINE))));
}

/* Each counter counts its own events; a frozen one does not move. */
TEST_F(dsa, perfmon_counts)
{
	struct dsa_hw_desc h;

	wr32(D, D->perfmon + IDXD_PERFRST_OFFSET,
	     IDXD_PERFRST_CONFIG | IDXD_PERFRST_COUNTERS);
	perf_counter(D, 0, DSA_PERF_CAT_WQ, DSA_PERF_WQ_ACCEPTED, false);
	perf_counter(D, 1, DSA_PERF_CAT_ENGINE, DSA_PERF_ENG_COMPLETED, false);
	perf_counter(D, 2, DSA_PERF_CAT_ENGINE, DSA_PERF_ENG_BYTES, false);
	perf_counter(D, 3, DSA_PERF_CAT_ENGINE, DSA_PERF_ENG_ERRORS, false);
	marker(_metadata, C, WQ_MAIN, 0);
	memmove_desc(&h, PG(P_SRC)->pa, PG(P_DST)->pa, 1000, cr_pa(C, 1));
	RUN_EXPECT(DSA_COMP_SUCCESS, C, WQ_MAIN, &h, 1);
	desc_init(&h, 0x3f, IDXD_OP_FLAG_CRAV, cr_pa(C, 2));
	RUN_EXPECT(DSA_COMP_BAD_OPCODE, C, WQ_MAIN, &h, 2);
	ASSERT_EQ(V(3), V(perf_data(D, 0)));
	ASSERT_EQ(V(3), V(perf_data(D, 1)));
	ASSERT_EQ(V(1000), V(perf_data(D, 2)));
	ASSERT_EQ(V(1), V(perf_data(D, 3)));

	wr32(D, D->perfmon + IDXD_PERFFRZ_OFFSET, 0x2);
	marker(_metadata, C, WQ_MAIN, 3);
	ASSERT_EQ(V(4), V(perf_data(D, 0)));
	ASSERT_EQ(V(3), V(perf_data(D, 1)));

	wr32(D, D->perfmon + IDXD_PERFRST_OFFSET, IDXD_PERFRST_COUNTERS);
	ASSERT_EQ(V(0), V(perf_data(D, 0)));
	ASSERT_EQ(V(0), V(perf_data(D, 2)));
}

/* A wrap sets OVFSTATUS and, when asked, the misc interrupt cause. */
TEST_F(dsa, perfmon_overflow)
{
	wr32(D, D->perfmon + IDXD_PERFRST_OFFSET,
	     IDXD_PERFRST_CONFIG | IDXD_PERFRST_COUNTERS);
	wr32(D, IDXD_INTCAUSE_OFFSET, IDXD_INTC_PERFMON_OVFL);
	perf_counter(D, 2, DSA_PERF_CAT_ENGINE, DSA_PERF_ENG_COMPLETED, true);
	wr64(D, perf_reg(D, IDXD_CNTRDATA_OFFSET, 2), 0xffffffffULL);
	ASSERT_EQ(V(0xffffffffULL), V(perf_data(D, 2)));
	marker(_metadata, C, WQ_MAIN, 0);
	ASSERT_EQ(V(0), V(perf_data(D, 2)));
	ASSERT_EQ(V(0x4), V(rd32(D, D->perfmon + IDXD_OVFSTATUS_OFFSET)));
	ASSERT_TRUE(intcause_wait(D, IDXD_INTC_PERFMON_OVFL));
	wr32(D, D->perfmon + IDXD_OVFSTATUS_OFFSET, 0x4);
	ASSERT_EQ(V(0), V(rd32(D, D->perfmon + IDXD_OVFSTATUS_OFFSET)));
}

TEST_HARNESS_MAIN
