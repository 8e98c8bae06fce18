// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptors a hostile guest could write, through an SF's portal:
 * FUZZ_COUNT (100,000 by default) random and mutated descriptors, every
 * opcode (0-255), every flag, sizes from 0 to 4 GiB, addresses in and
 * around the mapped buffers, on the unmapped guard pages between them,
 * at the host's canary pages (host_canary.ko: their DMA and physical
 * addresses) and anywhere, batch lists of random descriptors, completion
 * records misaligned or unmapped, interrupt handles made up; each
 * written as one 64-byte write or as eight 8-byte writes, and now and
 * then an assembly left half done.  Every 14, a DRAIN of the client's
 * own must complete: if it does not, the device is reset and brought up
 * again (counted) and must copy.  Afterwards the guard pages and the host's canaries
 * hold what they held, and the SF and another tenant's SF (VIDXD_DEV2)
 * copy correctly.  fuzz.sh checks the host's channel around it, and
 * cycles the port when the host leaves the SF's WQ down.
 */
#include "vfio_client.h"
#include "../fuzz_rng.h"

#define FUZZ_BURST	14		/* and a DRAIN: the guest's 15 entries */
#define FUZZ_SLOTS	64		/* records 0-63 for the burst */
#define SENTINEL_SLOT	100
#define CANARY_MAX	16

struct fuzz_stats {
	unsigned long sent, sent8, halves, bursts, recoveries;
	unsigned long status[128];	/* the records the device wrote */
	unsigned long unwritten;
	unsigned long leaked;	/* host canary bytes found in the buffers */
};

static uint64_t canary[2 * CANARY_MAX];	/* DMA and physical addresses */
static unsigned int ncanary;
/* The host's canary pages, as host_canary.ko lists them. */
static void read_canaries(void)
{
	FILE *f = fopen("/sys/kernel/debug/host_canary/addrs", "r");
	unsigned long long dma, phys;

	while (f && ncanary < 2 * CANARY_MAX &&
	       fscanf(f, "%llx %llx", &dma, &phys) == 2) {
		canary[ncanary++] = dma;
		canary[ncanary++] = phys;
	}
	if (f)
		fclose(f);
}

static long canary_changed(void)
{
	FILE *f = fopen("/sys/kernel/debug/host_canary/changed", "r");
	long n = -1;

	if (f && fscanf(f, "%ld", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	return n;
}

/* An address a descriptor may name: ours, near ours, the host's, any. */
static uint64_t pick_addr(void)
{
	switch (below(10)) {
	case 0:			/* a guard page, or just past a buffer */
		return buf_iova(below(NBUF)) - PAGE + below(2 * PAGE);
	case 1:
		if (ncanary)
			return canary[below(ncanary)] + below(PAGE);
		return rnd64();
	case 2:
		return rnd64();
	case 3:			/* the top of the IOVA space, page 0 */
		return below(2) ? ~0ULL - below(2 * PAGE) : below(PAGE);
	default:		/* one of ours, at an offset */
		return buf_iova(below(NBUF - 1)) + below(PAGE);
	}
}

static uint32_t pick_size(void)
{
	static const uint32_t odd[] = { 0, 1, 7, 8, 63, 64, 4095, 4096, 4097,
					8192, 1 << 20, 1 << 21, (1 << 21) + 1,
					0x7fffffff, 0xffffffff };

	return below(3) ? below(PAGE + 1) : odd[below(sizeof(odd) / 4)];
}

static uint8_t pick_opcode(void)
{
	static const uint8_t ops[] = {
		DSA_OPCODE_NOOP, DSA_OPCODE_BATCH, DSA_OPCODE_DRAIN,
		DSA_OPCODE_MEMMOVE, DSA_OPCODE_MEMFILL, DSA_OPCODE_COMPARE,
		DSA_OPCODE_COMPVAL, DSA_OPCODE_CR_DELTA, DSA_OPCODE_AP_DELTA,
		DSA_OPCODE_DUALCAST, DSA_OPCODE_CRCGEN, DSA_OPCODE_COPY_CRC,
		DSA_OPCODE_DIF_CHECK, DSA_OPCODE_DIF_INS, DSA_OPCODE_DIF_STRP,
		DSA_OPCODE_DIF_UPDT, DSA_OPCODE_CFLUSH,
	};

	return below(4) ? ops[below(sizeof(ops))] : rnd();
}

/* A random descriptor, record in @slot (mostly), handle @h (mostly). */
static void fuzz_desc(struct dsa_hw_desc *d, int slot, uint16_t h)
{
	uint64_t q;
	int i;

	desc_init(d, pick_opcode(), slot, h);
	/* the operation's own fields, for the opcodes that read them */
	for (i = 4; i < 8; i++) {
		if (below(3))
			continue;
		q = rnd64();
		memcpy((char *)d + 8 * i, &q, sizeof(q));
	}
	if (!below(4))
		d->flags = rnd() & 0xffffff;
	else if (!below(3))
		d->flags ^= 1 << below(24);
	/*
	 * Mostly with a record asked for: an error without one is a software
	 * error, and the host leaves a WQ down after four in 60 s, which
	 * fuzz.sh answers by cycling the port; every 16th may go without.
	 */
	if (below(16))
		d->flags |= IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	d->src_addr = pick_addr();
	d->dst_addr = pick_addr();
	d->xfer_size = pick_size();
	if (d->opcode == DSA_OPCODE_BATCH) {
		d->desc_list_addr = below(2) ? buf_iova(B_SRC2) : pick_addr();
		d->desc_count = below(2) ? below(8) : rnd();
	}
	if (!below(64))
		d->completion_addr = below(2) ? pick_addr() :
					       cr_iova(slot) + 1 + below(31);
	if (!below(10))
		d->int_handle = rnd();
}

/*
 * A batch list for BATCH to read: random descriptors in the second
 * source page, some of them valid copies.
 */
static void fill_batch_list(struct bufs *b, uint16_t h)
{
	struct dsa_hw_desc *list = (struct dsa_hw_desc *)buf_va(b, B_SRC2);
	unsigned int i;

	for (i = 0; i < PAGE / sizeof(*list); i++)
		fuzz_desc(&list[i], i % FUZZ_SLOTS, h);
}

/* Half a descriptor by 8-byte writes, then given up: the portal drops it. */
static void submit_half(struct vfio_ctx *c, const struct dsa_hw_desc *d)
{
	uint64_t q[8];
	int i, n = 1 + below(7);

	memcpy(q, d, sizeof(q));
	for (i = 0; i < n; i++)
		pwrite(c->device, &q[i], 8,
		       c->region[VFIO_PCI_BAR2_REGION_INDEX].offset + PORTAL_OFF +
		       8 * i);
}

FIXTURE(fuzz) {
	struct vfio_ctx c;
	struct bufs b;
	uint16_t handle;
};

FIXTURE_SETUP(fuzz)
{
	ctx_open(_metadata, &self->c);
	self->handle = wq_up(_metadata, &self->c, &self->b);
}

FIXTURE_TEARDOWN(fuzz)
{
	ctx_close(&self->c);
	unmap_bufs(&self->b);
}

/*
 * A DRAIN in its own slot: it completes once everything before it has, so
 * its success says the WQ still works and the burst is over (a DWQ's
 * descriptors may finish out of order on the group's engines).
 */
static bool drained(struct vfio_ctx *c, struct bufs *b, uint16_t h)
{
	volatile struct dsa_completion_record *cr = cr_va(b, SENTINEL_SLOT);
	struct dsa_hw_desc d;

	cr->status = 0;
	desc_init(&d, DSA_OPCODE_DRAIN, SENTINEL_SLOT, h);
	return submit64(c, &d) && (cr_wait(cr) & 0x7f) == DSA_COMP_SUCCESS;
}

/* The client's own copy, in its own slot: whether the device still copies. */
static bool copies(struct vfio_ctx *c, struct bufs *b, uint16_t h)
{
	volatile struct dsa_completion_record *cr = cr_va(b, SENTINEL_SLOT + 1);
	struct dsa_hw_desc d;

	cr->status = 0;
	desc_init(&d, DSA_OPCODE_MEMMOVE, SENTINEL_SLOT + 1, h);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST2);
	d.xfer_size = 64;
	return submit64(c, &d) && (cr_wait(cr) & 0x7f) == DSA_COMP_SUCCESS;
}

/* A device the fuzz stopped: reset through VFIO and brought up again. */
static uint16_t recover(struct __test_metadata *_metadata,
			struct vfio_ctx *c)
{
	ASSERT_EQ(0, ioctl(c->device, VFIO_DEVICE_RESET));
	return wq_enable(_metadata, c);
}

/*
 * A read of the host's canary (host_canary.ko: byte i of a page is
 * 0x5a ^ i) into a buffer of ours: CANARY_RUN bytes in a row of that
 * pattern, from any offset.  Random data makes such a run with odds of
 * 2^-248.
 */
#define CANARY_RUN	32

static unsigned long canary_bytes_in(const uint8_t *p, size_t len)
{
	unsigned long found = 0;
	size_t i, run = 1;

	for (i = 1; i < len; i++) {
		if ((uint8_t)((p[i] ^ 0x5a) - (p[i - 1] ^ 0x5a)) == 1) {
			if (++run == CANARY_RUN)
				found += CANARY_RUN;
			else if (run > CANARY_RUN)
				found++;
		} else {
			run = 1;
		}
	}
	return found;
}

/* What the burst's records say, counted by status. */
static void tally(struct fuzz_stats *s, struct bufs *b, int n)
{
	volatile struct dsa_completion_record *cr;
	int i;

	for (i = 0; i < NBUF; i++)
		s->leaked += canary_bytes_in(buf_va(b, i), PAGE);

	for (i = 0; i < n; i++) {
		cr = cr_va(b, i);
		if (cr->status)
			s->status[cr->status & 0x7f]++;
		else
			s->unwritten++;
		cr->status = 0;
	}
}

/* The figures of a run, and the checks every run ends with. */
static void report(struct __test_metadata *_metadata, struct fuzz_stats *s,
		   struct bufs *b)
{
	long changed = canary_changed();
	int i;

	printf("# %lu descriptors (%lu as 8-byte writes, %lu half-written first), %lu bursts\n",
	       s->sent, s->sent8, s->halves, s->bursts);
	printf("# records the device wrote: %lu, by status:",
	       s->sent - s->unwritten);
	for (i = 0; i < 128; i++)
		if (s->status[i])
			printf(" %#x:%lu", i, s->status[i]);
	printf("\n# no record (refused by the filter or the portal, or lost): %lu\n",
	       s->unwritten);
	printf("# resets to bring the SF back: %lu; host canary bytes changed: %ld, read into the guest's buffers: %lu\n",
	       s->recoveries, changed, s->leaked);
	printf("fuzz-sent: %lu\n", s->sent);
	fflush(stdout);
	ASSERT_EQ(0, changed) TH_LOG("the host's canary pages changed");
	ASSERT_EQ(0, s->leaked) TH_LOG("the host's canary read into the guest's buffers");
	ASSERT_TRUE(guards_intact(b))
		TH_LOG("the user's pages around the mapped buffers changed");
}

/* Another tenant's SF copies: untouched by all this. */
static void other_copies(struct __test_metadata *_metadata)
{
	struct vfio_ctx other;
	struct bufs ob = { };
	struct dsa_hw_desc d;
	uint16_t oh;

	ctx_open_dev(_metadata, &other, getenv("VIDXD_DEV2"));
	oh = wq_up(_metadata, &other, &ob);
	fill_random(buf_va(&ob, B_SRC), PAGE);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, oh);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = PAGE;
	ASSERT_TRUE(submit64(&other, &d));
	ASSERT_EQ(V(DSA_COMP_SUCCESS), V(cr_wait(cr_va(&ob, 0)) & 0x7f));
	ASSERT_EQ(0, memcmp(buf_va(&ob, B_SRC), buf_va(&ob, B_DST), PAGE));
	ctx_close(&other);
	unmap_bufs(&ob);
}

/*
 * FUZZ_COUNT descriptors from seed FUZZ_SEED.  A guest that keeps making
 * the device fail gets its WQ left down by the host (four software
 * errors in 60 s, Documentation/idxd.rst): this run then stops, skipped,
 * saying "fuzz-left-down" and what it sent ("fuzz-sent: N"), for fuzz.sh
 * to cycle the port as an operator would and go on.
 */
TEST_F_TIMEOUT(fuzz, descriptors, 3600)
{
	const char *env = getenv("FUZZ_COUNT");
	unsigned long count = env ? strtoul(env, NULL, 10) : 100000;
	struct fuzz_stats s = { };
	struct dsa_hw_desc d;
	int i;

	env = getenv("FUZZ_SEED");
	/* odd, and a different stream for each seed */
	fuzz_rng = env ? strtoull(env, NULL, 10) * 2 + 1 : 1;
	read_canaries();
	ASSERT_LT(0, ncanary) TH_LOG("no host canary (host_canary.ko)");
	ASSERT_EQ(0, canary_changed());
	fill_random(buf_va(&self->b, B_SRC), PAGE);
	while (s.sent < count) {
		fill_batch_list(&self->b, self->handle);
		for (i = 0; i < FUZZ_BURST; i++) {
			fuzz_desc(&d, i, self->handle);
			if (!below(50)) {
				submit_half(&self->c, &d);
				s.halves++;
			}
			if (below(2)) {
				submit64(&self->c, &d);
			} else {
				submit8(&self->c, &d);
				s.sent8++;
			}
			s.sent++;
		}
		s.bursts++;
		if (!drained(&self->c, &self->b, self->handle)) {
			self->handle = recover(_metadata, &self->c);
			s.recoveries++;
			if (!copies(&self->c, &self->b, self->handle)) {
				tally(&s, &self->b, FUZZ_BURST);
				report(_metadata, &s, &self->b);
				printf("fuzz-left-down\n");
				SKIP(return, "the SF's WQ is left down: its port must be cycled");
			}
		}
		tally(&s, &self->b, FUZZ_BURST);
	}
	report(_metadata, &s, &self->b);
	ASSERT_TRUE(drained(&self->c, &self->b, self->handle));
	COPY_PAGE(SENTINEL_SLOT);
	other_copies(_metadata);
}

TEST_HARNESS_MAIN
