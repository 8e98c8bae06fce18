/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VFIO user of vfio_idxd_aux acting as a guest's DSA driver: the
 * container, group and device fd of an SF, its config space and BAR0,
 * its commands and interrupts, buffers mapped with guard pages, and
 * descriptors through the trapped portal.  Shared by the test client
 * (vfio_idxd_test.c) and the benchmark (vfio_idxd_bench.c); wq_up()
 * enables an SF with its WQ and gets an interrupt handle.
 */
#ifndef VFIO_CLIENT_H
#define VFIO_CLIENT_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kernel_types.h"
#include "registers.h"
#include "dsa_model_test.h"
#include <linux/idxd_hw.h>
#include "kselftest_harness.h"

#define V(x)		((unsigned long long)(x))
#define IRQ_WAIT_MS	2000

/* What a VFIO user holds of the device. */
struct vfio_ctx {
	int container, group, device;
	char name[64];
	struct vfio_region_info region[VFIO_PCI_NUM_REGIONS];
	int efd[2];
};

/* The IOMMU group of the auxiliary device: /dev/vfio/<n>. */
static inline int group_of(const char *dev)
{
	char link[256], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/auxiliary/devices/%s/iommu_group",
		 dev);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = 0;
	return atoi(basename(target));
}

static inline int open_device(struct __test_metadata *_metadata,
			      struct vfio_ctx *self)
{
	int fd = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, self->name);
	unsigned int i;

	ASSERT_LE(0, fd) TH_LOG("VFIO_GROUP_GET_DEVICE_FD %s: %s", self->name,
				strerror(errno));
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		self->region[i].argsz = sizeof(self->region[i]);
		self->region[i].index = i;
		ASSERT_EQ(0, ioctl(fd, VFIO_DEVICE_GET_REGION_INFO,
				   &self->region[i]));
	}
	return fd;
}

/* The container and the group of @dev (idxd.sf.<n>), not its fd yet. */
static inline void ctx_open_group(struct __test_metadata *_metadata,
				  struct vfio_ctx *self, const char *dev)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int g;

	self->efd[0] = self->efd[1] = -1;
	self->container = self->group = self->device = -1;
	ASSERT_NE(NULL, dev) TH_LOG("no idxd.sf.<n> given (VIDXD_DEV, VIDXD_DEV2)");
	snprintf(self->name, sizeof(self->name), "%s", dev);
	g = group_of(dev);
	ASSERT_LE(0, g) TH_LOG("%s has no IOMMU group", dev);
	self->container = open("/dev/vfio/vfio", O_RDWR);
	ASSERT_LE(0, self->container);
	ASSERT_EQ(VFIO_API_VERSION, ioctl(self->container, VFIO_GET_API_VERSION));
	ASSERT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_TYPE1v2_IOMMU));
	snprintf(path, sizeof(path), "/dev/vfio/%d", g);
	self->group = open(path, O_RDWR);
	ASSERT_LE(0, self->group) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_TRUE(status.flags & VFIO_GROUP_FLAGS_VIABLE);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU,
			   VFIO_TYPE1v2_IOMMU));
}

/* The container, the group and the device fd of @dev. */
static inline void ctx_open_dev(struct __test_metadata *_metadata,
				struct vfio_ctx *self, const char *dev)
{
	ctx_open_group(_metadata, self, dev);
	self->device = open_device(_metadata, self);
}

static inline void ctx_open(struct __test_metadata *_metadata,
			    struct vfio_ctx *self)
{
	ctx_open_dev(_metadata, self, getenv("VIDXD_DEV"));
}

/* Everything closed; again is harmless (a test may close first). */
static inline void ctx_close(struct vfio_ctx *self)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (self->efd[i] >= 0)
			close(self->efd[i]);
		self->efd[i] = -1;
	}
	if (self->device >= 0)
		close(self->device);
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
	self->device = self->group = self->container = -1;
}


#define CFG	(&self->c.region[VFIO_PCI_CONFIG_REGION_INDEX])
#define BAR0	(&self->c.region[VFIO_PCI_BAR0_REGION_INDEX])
#define BAR2	(&self->c.region[VFIO_PCI_BAR2_REGION_INDEX])

static inline uint64_t rd(int fd, const struct vfio_region_info *r,
			  uint64_t off, size_t len)
{
	uint64_t v = 0;

	if (pread(fd, &v, len, r->offset + off) != (ssize_t)len)
		return ~0ULL;
	return v;
}

static inline bool wr(int fd, const struct vfio_region_info *r, uint64_t off,
		      uint64_t v, size_t len)
{
	return pwrite(fd, &v, len, r->offset + off) == (ssize_t)len;
}

#define CFG_RD(off, len)	rd(self->c.device, CFG, off, len)
#define CFG_WR(off, v, len)	ASSERT_TRUE(wr(self->c.device, CFG, off, v, len))
#define REG_RD(off, len)	rd(self->c.device, BAR0, off, len)
#define REG_WR(off, v, len)	ASSERT_TRUE(wr(self->c.device, BAR0, off, v, len))

/* A command as a driver runs one; returns CMDSTS. */
static inline uint32_t cmd(int fd, const struct vfio_region_info *bar0,
			   uint32_t code, uint32_t operand, bool int_req)
{
	union idxd_command_reg c = { .bits = 0 };

	c.cmd = code;
	c.operand = operand;
	c.int_req = int_req;
	if (!wr(fd, bar0, IDXD_CMD_OFFSET, c.bits, 4))
		return ~0U;
	return rd(fd, bar0, IDXD_CMDSTS_OFFSET, 4);
}

#define CMD(code, op)	cmd(self->c.device, BAR0, code, op, false)
#define CMD_EXPECT(err, code, op)					\
	ASSERT_EQ(V(err), V(CMD(code, op) & IDXD_CMDSTS_ERR_MASK))	\
		TH_LOG("command %u operand %#x", code, (unsigned int)(op))

static inline void bus_master(struct __test_metadata *_metadata,
			      struct vfio_ctx *self, bool on)
{
	ASSERT_TRUE(wr(self->device,
		       &self->region[VFIO_PCI_CONFIG_REGION_INDEX], PCI_COMMAND,
		       on ? PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER : 0, 2));
}

static inline int set_eventfds(int device, unsigned int index, int *fds,
			       unsigned int n)
{
	char buf[sizeof(struct vfio_irq_set) + 4 * sizeof(int)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	if (n > 4)
		return -1;

	set->argsz = sizeof(*set) + n * sizeof(int);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = n;
	memcpy(set->data, fds, n * sizeof(int));
	return ioctl(device, VFIO_DEVICE_SET_IRQS, set);
}

static inline bool eventfd_fired(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t n;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(fd, &n, sizeof(n)) == sizeof(n) && n;
}

/* ------------------------------------------------------------------ */
/* The data path: descriptors through the trapped portal               */

#define PAGE		4096
#define IOVA_BASE	0x10000000ULL
#define PORTAL_OFF	IDXD_PORTAL_OFFSET(0, IDXD_PORTAL_LIMITED, IDXD_IRQ_MSIX)

/*
 * Buffers for the device: each page mapped at its IOVA with an unmapped
 * guard page on either side (so the user's own memory around it is
 * never the device's), plus the completion records.
 */
enum { B_SRC, B_SRC2, B_DST, B_DST2, B_CR, NBUF };

struct bufs {
	uint8_t *mem;		/* 2 * NBUF + 1 pages: guard, buffer, guard... */
};

static inline uint8_t *buf_va(struct bufs *b, int i)
{
	return b->mem + (2 * i + 1) * PAGE;
}

static inline uint64_t buf_iova(int i)
{
	return IOVA_BASE + (2 * i + 1) * PAGE;
}

static inline volatile struct dsa_completion_record *
cr_va(struct bufs *b, int slot)
{
	return (volatile struct dsa_completion_record *)
		(buf_va(b, B_CR) + slot * DSA_COMP_RECORD_SIZE);
}

static inline uint64_t cr_iova(int slot)
{
	return buf_iova(B_CR) + slot * DSA_COMP_RECORD_SIZE;
}

static inline int map_bufs(int container, struct bufs *b)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	int i;

	b->mem = mmap(NULL, (2 * NBUF + 1) * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->mem == MAP_FAILED)
		return -1;
	memset(b->mem, 0xa5, (2 * NBUF + 1) * PAGE);
	for (i = 0; i < NBUF; i++) {
		map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
		map.vaddr = (uintptr_t)buf_va(b, i);
		map.iova = buf_iova(i);
		map.size = PAGE;
		memset(buf_va(b, i), 0, PAGE);
		if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
			return -1;
	}
	return 0;
}

/* What map_bufs() mapped, if it got as far as the mmap. */
static inline void unmap_bufs(struct bufs *b)
{
	if (b->mem && b->mem != MAP_FAILED)
		munmap(b->mem, (2 * NBUF + 1) * PAGE);
}

/* The guard pages still hold what map_bufs() put there. */
static inline bool guards_intact(struct bufs *b)
{
	int i, j;

	for (i = 0; i <= NBUF; i++)
		for (j = 0; j < PAGE; j++)
			if (b->mem[2 * i * PAGE + j] != 0xa5)
				return false;
	return true;
}

static inline uint8_t cr_wait(volatile struct dsa_completion_record *cr)
{
	int i;

	for (i = 0; i < IRQ_WAIT_MS * 10 && !cr->status; i++)
		usleep(100);
	__sync_synchronize();
	return cr->status;
}


/*
 * @c's device and its WQ enabled, with bus mastering; returns the
 * interrupt handle the device granted.
 */
static inline uint16_t wq_enable(struct __test_metadata *_metadata,
				 struct vfio_ctx *c)
{
	struct vfio_region_info *bar0 = &c->region[VFIO_PCI_BAR0_REGION_INDEX];
	uint32_t st;

	bus_master(_metadata, c, true);
	ASSERT_EQ(V(0), V(cmd(c->device, bar0, IDXD_CMD_ENABLE_DEVICE, 0, false) &
			  IDXD_CMDSTS_ERR_MASK));
	ASSERT_EQ(V(0), V(cmd(c->device, bar0, IDXD_CMD_ENABLE_WQ, 0, false) &
			  IDXD_CMDSTS_ERR_MASK));
	st = cmd(c->device, bar0, IDXD_CMD_REQUEST_INT_HANDLE, 1, false);
	ASSERT_EQ(V(0), V(st & IDXD_CMDSTS_ERR_MASK));
	return (st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;
}

/*
 * @c's device enabled with its WQ, MSI-X on (eventfds for both vectors),
 * @b mapped; returns the interrupt handle the device granted.
 */
static inline uint16_t wq_up(struct __test_metadata *_metadata,
			     struct vfio_ctx *c, struct bufs *b)
{
	struct vfio_region_info *cfg = &c->region[VFIO_PCI_CONFIG_REGION_INDEX];
	uint32_t msix;

	ASSERT_EQ(0, map_bufs(c->container, b));
	c->efd[0] = eventfd(0, EFD_NONBLOCK);
	c->efd[1] = eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(0, set_eventfds(c->device, VFIO_PCI_MSIX_IRQ_INDEX, c->efd, 2));
	msix = rd(c->device, cfg, rd(c->device, cfg, PCI_CAPABILITY_LIST, 1) +
		  PCI_CAP_LIST_NEXT, 1);
	ASSERT_TRUE(wr(c->device, cfg, msix + PCI_MSIX_FLAGS,
		       PCI_MSIX_FLAGS_ENABLE, 2));
	return wq_enable(_metadata, c);
}

/* One descriptor as one 64-byte write to the portal page. */
static inline bool submit64(struct vfio_ctx *c, const struct dsa_hw_desc *d)
{
	return pwrite(c->device, d, sizeof(*d),
		      c->region[VFIO_PCI_BAR2_REGION_INDEX].offset +
		      PORTAL_OFF) == sizeof(*d);
}

/* The same as eight 8-byte writes in order, as QEMU forwards MOVDIR64B. */
static inline bool submit8(struct vfio_ctx *c, const struct dsa_hw_desc *d)
{
	uint64_t q[8];
	int i;

	memcpy(q, d, sizeof(q));
	for (i = 0; i < 8; i++)
		if (pwrite(c->device, &q[i], 8,
			   c->region[VFIO_PCI_BAR2_REGION_INDEX].offset +
			   PORTAL_OFF + 8 * i) != 8)
			return false;
	return true;
}

static inline void desc_init(struct dsa_hw_desc *d, uint8_t opcode, int slot,
			     uint16_t handle)
{
	memset(d, 0, sizeof(*d));
	d->opcode = opcode;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_RCI |
		   IDXD_OP_FLAG_CC;
	d->completion_addr = cr_iova(slot);
	d->int_handle = handle;
}

static inline void fill_random(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rand();
}

#define SUBMIT(how, d)	ASSERT_TRUE(how(&self->c, d))
#define EXPECT_CR(st, slot)						\
	ASSERT_EQ(V(st), V(cr_wait(cr_va(&self->b, slot)) & 0x7f))	\
		TH_LOG("completion record %d", slot)


/*
 * A page of random bytes copied B_SRC -> B_DST, record in @slot (cleared
 * first: a record left there would end the wait at once), checked.
 */
#define COPY_PAGE(slot) do {						\
	struct dsa_hw_desc __d;						\
									\
	cr_va(&self->b, slot)->status = 0;				\
	fill_random(buf_va(&self->b, B_SRC), PAGE);			\
	desc_init(&__d, DSA_OPCODE_MEMMOVE, slot, self->handle);	\
	__d.src_addr = buf_iova(B_SRC);					\
	__d.dst_addr = buf_iova(B_DST);					\
	__d.xfer_size = PAGE;						\
	SUBMIT(submit64, &__d);						\
	EXPECT_CR(DSA_COMP_SUCCESS, slot);				\
	ASSERT_EQ(0, memcmp(buf_va(&self->b, B_DST),			\
			    buf_va(&self->b, B_SRC), PAGE));		\
} while (0)

/*
 * The core brought the SF's WQ back: the guest's handle is revoked
 * (INTCAUSE, acknowledged here) and asked again.
 */
#define HANDLE_AGAIN() do {						\
	uint32_t __st;							\
	int __i;							\
									\
	for (__i = 0; __i < 50; __i++) {				\
		if (REG_RD(IDXD_INTCAUSE_OFFSET, 4) &			\
		    IDXD_INTC_INT_HANDLE_REVOKED)			\
			break;						\
		usleep(100000);						\
	}								\
	ASSERT_TRUE(REG_RD(IDXD_INTCAUSE_OFFSET, 4) &			\
		    IDXD_INTC_INT_HANDLE_REVOKED);			\
	REG_WR(IDXD_INTCAUSE_OFFSET, IDXD_INTC_INT_HANDLE_REVOKED, 4);	\
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX,			\
		   IDXD_CMD_RELEASE_INT_HANDLE, self->handle);		\
	__st = CMD(IDXD_CMD_REQUEST_INT_HANDLE, 1);			\
	ASSERT_EQ(V(0), V(__st & IDXD_CMDSTS_ERR_MASK));		\
	self->handle = (__st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;	\
} while (0)

#endif /* VFIO_CLIENT_H */
