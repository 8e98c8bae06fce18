// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation and every device command on the VFIO path failed
 * once: a guest's life with its SF (vfio_idxd_aux), step by step: open
 * the device, set its MSI-X eventfds, enable it with its WQ and get an
 * interrupt handle, copy a page, VFIO_DEVICE_RESET, close.  For each
 * step and N = 1, 2, ..., a fresh client goes up to the step without
 * faults, makes it with the Nth fault armed (fault_inject.h), waits for
 * any recovery of the device to end, then:
 *
 *   - a step that failed is made again without a fault and must
 *     succeed;
 *   - the rest of a guest's way to a copy follows, and the copy must
 *     match (a reset or close is followed by enable or open again);
 *   - a copy that reports success must have copied: a fault may refuse
 *     a descriptor, never corrupt one.
 *
 * Until the step no longer reaches the Nth fault; each variant must
 * reach at least one.  Steps with no fault of a kind have no variant:
 * the enable is emulated (no allocation, no command), open and the
 * interrupts send no command, and the reset allocates nothing.
 *
 *   VIDXD_DEV: the SF (idxd.sf.<n>) bound to vfio_idxd_aux;
 *   DSA_DEV (0000:00:0a.0): the PF, whose test window fails commands.
 *
 * Each test prints "# faults: <step> <kind>: N injected, R refused,
 * A absorbed, D device recoveries, 0 failures" for faults.sh to add up.
 */

#include "../vfio-idxd/vfio_client.h"
#include "../fault_inject.h"

struct vf {
	struct vfio_ctx c;
	struct bufs b;
	uint16_t handle;
	struct faults f;
	uint64_t swerr, intcause;	/* the guest's, after a refused copy */
};

enum step { OPEN, IRQS, ENABLE, COPY, RESET, CLOSE, NSTEPS };

static const char *const step_names[] = {
	"open", "irqs", "enable", "copy", "reset", "close",
};

static bool arm(struct vf *v, enum fault_kind kind, unsigned int n)
{
	return !n || fault_arm(&v->f, kind, n);
}

static bool disarm(struct vf *v, enum fault_kind kind, unsigned int n)
{
	return n && fault_disarm(&v->f, kind);
}

static int step_open(struct vf *v, enum fault_kind kind, unsigned int n,
		     bool *made)
{
	unsigned int i;
	int fd;

	if (!arm(v, kind, n))
		return -EINVAL;
	fd = ioctl(v->c.group, VFIO_GROUP_GET_DEVICE_FD, v->c.name);
	*made = disarm(v, kind, n);
	if (fd < 0)
		return -errno;
	v->c.device = fd;
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		v->c.region[i].argsz = sizeof(v->c.region[i]);
		v->c.region[i].index = i;
		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &v->c.region[i]))
			return -errno;
	}
	return 0;
}

static int step_irqs(struct vf *v, enum fault_kind kind, unsigned int n,
		     bool *made)
{
	struct vfio_region_info *cfg = &v->c.region[VFIO_PCI_CONFIG_REGION_INDEX];
	uint32_t msix;
	int ret;

	if (!arm(v, kind, n))
		return -EINVAL;
	ret = set_eventfds(v->c.device, VFIO_PCI_MSIX_IRQ_INDEX, v->c.efd, 2);
	*made = disarm(v, kind, n);
	if (ret)
		return -errno;
	msix = rd(v->c.device, cfg, rd(v->c.device, cfg, PCI_CAPABILITY_LIST, 1) +
		  PCI_CAP_LIST_NEXT, 1);
	return wr(v->c.device, cfg, msix + PCI_MSIX_FLAGS,
		  PCI_MSIX_FLAGS_ENABLE, 2) ? 0 : -EIO;
}

/* ENABLE_DEVICE, ENABLE_WQ and REQUEST_INT_HANDLE: the first error */
static int step_enable(struct vf *v, enum fault_kind kind, unsigned int n,
		       bool *made)
{
	struct vfio_region_info *bar0 = &v->c.region[VFIO_PCI_BAR0_REGION_INDEX];
	uint32_t st[3];

	if (!wr(v->c.device, &v->c.region[VFIO_PCI_CONFIG_REGION_INDEX],
		PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2))
		return -EIO;
	if (!arm(v, kind, n))
		return -EINVAL;
	st[0] = cmd(v->c.device, bar0, IDXD_CMD_ENABLE_DEVICE, 0, false);
	st[1] = cmd(v->c.device, bar0, IDXD_CMD_ENABLE_WQ, 0, false);
	st[2] = cmd(v->c.device, bar0, IDXD_CMD_REQUEST_INT_HANDLE, 1, false);
	*made = disarm(v, kind, n);
	if ((st[0] | st[1] | st[2]) & IDXD_CMDSTS_ERR_MASK)
		return -EIO;
	v->handle = (st[2] >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;
	return 0;
}

/* A page of random bytes: 0 if it was copied, -EIO if refused */
static int step_copy(struct vf *v, enum fault_kind kind, unsigned int n,
		     bool *made)
{
	volatile struct dsa_completion_record *cr = cr_va(&v->b, 0);
	struct dsa_hw_desc d;
	bool sent;

	fill_random(buf_va(&v->b, B_SRC), PAGE);
	memset(buf_va(&v->b, B_DST), 0, PAGE);
	memset((void *)cr, 0, DSA_COMP_RECORD_SIZE);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, v->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = PAGE;
	if (!arm(v, kind, n))
		return -EINVAL;
	sent = submit64(&v->c, &d);
	*made = disarm(v, kind, n);
	if (!sent)
		return -errno;
	if ((cr_wait(cr) & 0x7f) != DSA_COMP_SUCCESS) {
		v->swerr = rd(v->c.device, &v->c.region[VFIO_PCI_BAR0_REGION_INDEX],
			      IDXD_SWERR_OFFSET, 8);
		v->intcause = rd(v->c.device, &v->c.region[VFIO_PCI_BAR0_REGION_INDEX],
				 IDXD_INTCAUSE_OFFSET, 4);
		return -EIO;
	}
	/* success that did not copy: a corruption, never a refusal */
	return memcmp(buf_va(&v->b, B_DST), buf_va(&v->b, B_SRC), PAGE) ?
	       -EBADMSG : 0;
}

static int step_reset(struct vf *v, enum fault_kind kind, unsigned int n,
		      bool *made)
{
	int ret;

	if (!arm(v, kind, n))
		return -EINVAL;
	ret = ioctl(v->c.device, VFIO_DEVICE_RESET);
	*made = disarm(v, kind, n);
	return ret ? -errno : 0;
}

static int step_close(struct vf *v, enum fault_kind kind, unsigned int n,
		      bool *made)
{
	int ret;

	if (!arm(v, kind, n))
		return -EINVAL;
	ret = close(v->c.device);
	*made = disarm(v, kind, n);
	v->c.device = -1;
	return ret ? -errno : 0;
}

typedef int (*step_fn)(struct vf *v, enum fault_kind kind, unsigned int n,
		       bool *made);

static const step_fn steps[NSTEPS] = {
	step_open, step_irqs, step_enable, step_copy, step_reset, step_close,
};

/*
 * After step @s (done, or refused and made again): the steps to a copy.
 * A reset disables the device; a close ends it.
 */
static const enum step *const to_copy[NSTEPS] = {
	[OPEN] = (const enum step[]){ IRQS, ENABLE, COPY, NSTEPS },
	[IRQS] = (const enum step[]){ ENABLE, COPY, NSTEPS },
	[ENABLE] = (const enum step[]){ COPY, NSTEPS },
	[COPY] = (const enum step[]){ NSTEPS },
	[RESET] = (const enum step[]){ ENABLE, COPY, NSTEPS },
	[CLOSE] = (const enum step[]){ OPEN, IRQS, ENABLE, COPY, NSTEPS },
};

#define STEP(s) do {							\
	bool __made;							\
	int __ret = steps[s](v, FAULT_ALLOC, 0, &__made);		\
									\
	ASSERT_EQ(0, __ret)						\
		TH_LOG("%s without a fault: %d (%s); record %#x, guest SWERR %#llx, INTCAUSE %#llx", \
		       step_names[s], __ret, strerror(-__ret),		\
		       cr_va(&v->b, 0)->status, V(v->swerr),		\
		       V(v->intcause));					\
} while (0)

/* A client as a guest has it just before step @s. */
static void client_up(struct __test_metadata *_metadata, struct vf *v,
		      enum step s)
{
	enum step i;

	ctx_open_group(_metadata, &v->c, getenv("VIDXD_DEV"));
	ASSERT_EQ(0, map_bufs(v->c.container, &v->b));
	v->c.efd[0] = eventfd(0, EFD_NONBLOCK);
	v->c.efd[1] = eventfd(0, EFD_NONBLOCK);
	for (i = OPEN; i < s && i <= COPY; i++)
		STEP(i);
}

static void client_down(struct vf *v)
{
	unmap_bufs(&v->b);
	v->b.mem = NULL;
	ctx_close(&v->c);
}

struct tally {
	unsigned int injected, refused, absorbed, recovered;
	uint64_t errors;	/* the reporter's count after the last */
};

/* Fault @n of @kind in step @s; false once the step no longer reaches it */
static bool try_fault(struct __test_metadata *_metadata, struct vf *v,
		      enum step s, enum fault_kind kind, unsigned int n,
		      struct tally *t)
{
	const enum step *next;
	struct health hs;
	bool made = false;
	int ret;

	client_up(_metadata, v, s);
	ret = steps[s](v, kind, n, &made);
	ASSERT_NE(-EBADMSG, ret) TH_LOG("%s, %s fault %u: a copy said done, the data differ",
					step_names[s], fault_kind_name(kind), n);
	ASSERT_NE(-EINVAL, ret) TH_LOG("fault %u could not be armed", n);
	if (!made) {
		ASSERT_EQ(0, ret) TH_LOG("%s with no fault made: %d",
					 step_names[s], ret);
	} else if (ret) {
		t->refused++;
		STEP(s);
	} else {
		t->absorbed++;
	}
	t->injected += made;
	/* a failed command may have failed the device: recovered first */
	ASSERT_TRUE(faults_settle(&v->f, &hs, t->errors,
				  made && kind == FAULT_CMD ? 2000 : 0))
		TH_LOG("the device never recovered");
	if (hs.errors != t->errors)
		t->recovered++;
	t->errors = hs.errors;
	for (next = to_copy[s]; *next != NSTEPS; next++)
		STEP(*next);
	client_down(v);
	return made;
}

FIXTURE(vf) {
	struct vf v;
};

FIXTURE_VARIANT(vf) {
	enum step step;
	enum fault_kind kind;
	unsigned int least;	/* faults the step has at least */
};

FIXTURE_SETUP(vf)
{
	const char *missing;

	memset(&self->v, 0, sizeof(self->v));
	self->v.c.container = self->v.c.group = self->v.c.device = -1;
	self->v.c.efd[0] = self->v.c.efd[1] = -1;
	ASSERT_EQ(0, faults_open(&self->v.f,
				 getenv("DSA_DEV") ? : "0000:00:0a.0"));
	missing = fault_missing(&self->v.f, variant->kind);
	if (missing)
		SKIP(return, "%s", missing);
}

FIXTURE_TEARDOWN(vf)
{
	client_down(&self->v);
	faults_close(&self->v.f);
}

FIXTURE_VARIANT_ADD(vf, open_alloc) { OPEN, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(vf, irqs_alloc) { IRQS, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(vf, copy_alloc) { COPY, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(vf, reset_cmd) { RESET, FAULT_CMD, 1 };
FIXTURE_VARIANT_ADD(vf, close_alloc) { CLOSE, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(vf, close_cmd) { CLOSE, FAULT_CMD, 1 };

TEST_F_TIMEOUT(vf, sweep, 3600)
{
	struct vf *v = &self->v;
	struct tally t = { 0 };
	struct health hs;
	unsigned int n;

	ASSERT_TRUE(faults_settle(&v->f, &hs, 0, 0));
	t.errors = hs.errors;
	for (n = 1; try_fault(_metadata, v, variant->step, variant->kind, n, &t);
	     n++)
		ASSERT_GT(4096, n) TH_LOG("no end to the faults");
	ASSERT_LE(variant->least, t.injected) TH_LOG("fewer faults than the step has");
	printf("# faults: %s %s: %u injected, %u refused, %u absorbed, %u device recoveries, 0 failures\n",
	       step_names[variant->step], fault_kind_name(variant->kind),
	       t.injected, t.refused, t.absorbed, t.recovered);
	/* the harness ends a test with _exit() */
	fflush(stdout);
}

TEST_HARNESS_MAIN
