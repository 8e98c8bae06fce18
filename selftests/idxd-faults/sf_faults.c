// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation and every device command of the subfunction's life
 * failed once: devlink port add, function state active (which creates
 * the SF's auxiliary device, and vfio_idxd_aux probes it), state
 * inactive and port del (of an SF never activated, and of an active one,
 * whose deactivation the delete waits for), each sent over generic
 * netlink by this thread with one fault armed (fault_inject.h), for
 * N = 1, 2, ... until the request no longer reaches the Nth.  Device
 * commands fail wherever they are sent from; allocations only in this
 * thread, so not those of the deactivation's work item.
 *
 * After each try, what devlink, the auxiliary bus, the resources and
 * the device's own WQ table say must be either what they said before the
 * request (it was refused: an error came back) or what a successful
 * request leaves (the fault was absorbed, or only its answer was lost).
 * Then the request is made again without a fault: it must succeed.  One
 * more outcome is the driver core's: an SF device whose driver failed to
 * probe is up without it (its port detached); activating again must
 * bring it with its driver.  A failed command may fail the device, whose
 * recovery (devlink health) must end before the state is read.  Each
 * variant must reach at least one fault; port add and del of an SF never
 * activated send no command, so they have no command variant, and the
 * del of an active one has no allocation variant: its own allocations
 * are port del's, the rest its work item's.
 *
 *   DSA_DEV (0000:00:0a.0), SF_DRIVER (vfio_idxd_aux.vfio_idxd_aux):
 *   the driver expected on an active SF, as its driver link names it.
 *
 * Each test prints "# faults: <step> <kind>: N injected, R refused,
 * A absorbed, P probe failed, D device recoveries, 0 failures" for
 * faults.sh to add up.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/devlink.h>

#include "../genl_msg.h"
#include "../fault_inject.h"
#include "kselftest_harness.h"

#define SFNUM		77
#define FP_LEN		1024

/* What the device looks like from outside, index-free. */
struct fp {
	char ports[FP_LEN];	/* "sfnum:state:opstate" of each SF port */
	char res[FP_LEN];	/* "name=occupied" of each resource */
	char aux[FP_LEN];	/* "sfnum:driver" of each SF device */
	char wqs[FP_LEN];	/* "wq:state:pasid_en" of each configured WQ */
};

struct sf {
	int fd;
	uint16_t family;
	uint32_t seq;
	const char *dev;
	const char *driver;
	uint32_t port;		/* the SF port's index, once added */
	struct faults f;
};

static void put_handle(struct sf *s, struct genl_msg *m)
{
	genl_put_str(m, DEVLINK_ATTR_BUS_NAME, "pci");
	genl_put_str(m, DEVLINK_ATTR_DEV_NAME, s->dev);
}

static void note_new_port(struct nlmsghdr *h, void *arg)
{
	struct nlattr *a;
	int left;

	genl_for_each_msg_attr(a, h, left)
		if (a->nla_type == DEVLINK_ATTR_PORT_INDEX)
			*(uint32_t *)arg = genl_u32(a);
}

/*
 * Sends @m and reads its answer, with fault @n of @kind armed (n = 0:
 * none); the kernel's answer, and in *@made whether the fault was made.
 */
static int request(struct sf *s, struct genl_msg *m, enum fault_kind kind,
		   unsigned int n, bool *made)
{
	int ret;

	*made = false;
	if (n && !fault_arm(&s->f, kind, n))
		return -EINVAL;
	if (send(s->fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		ret = -errno;
	else
		ret = genl_answer(s->fd, s->family, m->nlh->nlmsg_seq,
				  note_new_port, &s->port);
	if (n)
		*made = fault_disarm(&s->f, kind);
	return ret;
}

static struct genl_msg *begin(struct sf *s, uint8_t cmd)
{
	static struct genl_msg m;

	genl_start(&m, s->family, cmd, DEVLINK_GENL_VERSION, NLM_F_ACK,
		   ++s->seq);
	put_handle(s, &m);
	return &m;
}

static int port_add(struct sf *s, enum fault_kind kind, unsigned int n,
		    bool *made)
{
	struct genl_msg *m = begin(s, DEVLINK_CMD_PORT_NEW);

	genl_put_u16(m, DEVLINK_ATTR_PORT_FLAVOUR, DEVLINK_PORT_FLAVOUR_PCI_SF);
	genl_put_u16(m, DEVLINK_ATTR_PORT_PCI_PF_NUMBER, 0);
	genl_put_u32(m, DEVLINK_ATTR_PORT_PCI_SF_NUMBER, SFNUM);
	return request(s, m, kind, n, made);
}

static int port_state(struct sf *s, uint8_t state, enum fault_kind kind,
		      unsigned int n, bool *made)
{
	struct genl_msg *m = begin(s, DEVLINK_CMD_PORT_SET);

	genl_put_u32(m, DEVLINK_ATTR_PORT_INDEX, s->port);
	genl_nest_start(m, DEVLINK_ATTR_PORT_FUNCTION);
	genl_put_u8(m, DEVLINK_PORT_FN_ATTR_STATE, state);
	genl_nest_end(m);
	return request(s, m, kind, n, made);
}

static int activate(struct sf *s, enum fault_kind kind, unsigned int n,
		    bool *made)
{
	return port_state(s, DEVLINK_PORT_FN_STATE_ACTIVE, kind, n, made);
}

static int deactivate(struct sf *s, enum fault_kind kind, unsigned int n,
		      bool *made)
{
	return port_state(s, DEVLINK_PORT_FN_STATE_INACTIVE, kind, n, made);
}

static int port_del(struct sf *s, enum fault_kind kind, unsigned int n,
		    bool *made)
{
	struct genl_msg *m = begin(s, DEVLINK_CMD_PORT_DEL);

	genl_put_u32(m, DEVLINK_ATTR_PORT_INDEX, s->port);
	return request(s, m, kind, n, made);
}

/* port del's undo when the SF was active: add it, and activate it */
static int port_add_active(struct sf *s, enum fault_kind kind, unsigned int n,
			   bool *made)
{
	int ret = port_add(s, kind, n, made);
	bool none;

	/* *@made says whether the add's fault was made */
	return ret ? ret : activate(s, FAULT_ALLOC, 0, &none);
}

/* ------------------------------------------------------------------ */
/* The fingerprint                                                    */

static void append(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void append(char *buf, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, FP_LEN - len, fmt, ap);
	va_end(ap);
}

/* the index of our SF's port, if the last dump showed one */
static uint32_t seen_port;

static void note_port(struct nlmsghdr *h, void *arg)
{
	uint32_t sfnum = ~0U, state = ~0U, opstate = ~0U, flavour = ~0U;
	uint32_t index = ~0U;
	struct nlattr *a, *b;
	int left, left2;

	genl_for_each_msg_attr(a, h, left) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case DEVLINK_ATTR_PORT_INDEX:
			index = genl_u32(a);
			break;
		case DEVLINK_ATTR_PORT_FLAVOUR:
			flavour = genl_uint(a);
			break;
		case DEVLINK_ATTR_PORT_PCI_SF_NUMBER:
			sfnum = genl_u32(a);
			break;
		case DEVLINK_ATTR_PORT_FUNCTION:
			genl_for_each_nested(b, a, left2) {
				if (b->nla_type == DEVLINK_PORT_FN_ATTR_STATE)
					state = genl_uint(b);
				else if (b->nla_type == DEVLINK_PORT_FN_ATTR_OPSTATE)
					opstate = genl_uint(b);
			}
			break;
		}
	}
	if (flavour != DEVLINK_PORT_FLAVOUR_PCI_SF)
		return;
	append(arg, "%u:%u:%u ", sfnum, state, opstate);
	if (sfnum == SFNUM)
		seen_port = index;
}

/* The resources of a RESOURCE_LIST nest, depth first. */
static void note_resources(struct nlattr *list, char *out)
{
	struct nlattr *r, *a;
	int left, left2;

	genl_for_each_nested(r, list, left) {
		const char *name = "?";
		uint64_t occ = ~0ULL;

		genl_for_each_nested(a, r, left2) {
			switch (a->nla_type & NLA_TYPE_MASK) {
			case DEVLINK_ATTR_RESOURCE_NAME:
				name = genl_data(a);
				break;
			case DEVLINK_ATTR_RESOURCE_OCC:
				occ = genl_uint(a);
				break;
			case DEVLINK_ATTR_RESOURCE_LIST:
				note_resources(a, out);
				break;
			}
		}
		append(out, "%s=%llu ", name, (unsigned long long)occ);
	}
}

static void note_resource_dump(struct nlmsghdr *h, void *arg)
{
	struct nlattr *a;
	int left;

	genl_for_each_msg_attr(a, h, left)
		if ((a->nla_type & NLA_TYPE_MASK) == DEVLINK_ATTR_RESOURCE_LIST)
			note_resources(a, arg);
}

static int dump(struct sf *s, uint8_t cmd, uint16_t flags,
		void (*cb)(struct nlmsghdr *h, void *arg), char *out)
{
	struct genl_msg *m = begin(s, cmd);

	m->nlh->nlmsg_flags |= flags;
	if (send(s->fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		return -errno;
	return genl_answer(s->fd, s->family, s->seq, cb, out);
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, len, f))
		snprintf(buf, len, "-");
	buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/* "sfnum:driver" of each SF device, in directory order */
static void note_aux(char *out)
{
	char path[320], sfnum[32], drv[256];
	DIR *d = opendir("/sys/bus/auxiliary/devices");
	struct dirent *e;
	ssize_t len;

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "idxd.sf.", 8))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/bus/auxiliary/devices/%s/sfnum", e->d_name);
		read_line(path, sfnum, sizeof(sfnum));
		snprintf(path, sizeof(path),
			 "/sys/bus/auxiliary/devices/%s/driver", e->d_name);
		len = readlink(path, drv, sizeof(drv) - 1);
		drv[len > 0 ? len : 0] = 0;
		append(out, "%s:%s ", sfnum, len > 0 ? basename(drv) : "-");
	}
	if (d)
		closedir(d);
}

/* "wq:state:pasid_en" of each WQ with a size, from the device's table */
static void note_wqs(struct sf *s, char *out)
{
	unsigned int wq, base;
	uint64_t q0, q1, q3;

	for (wq = 0; wq < (DSA_TEST_BAR_SIZE - DSA_TEST_WQCFG) /
			  DSA_TEST_WQCFG_STRIDE; wq++) {
		base = DSA_TEST_WQCFG + wq * DSA_TEST_WQCFG_STRIDE;
		q0 = window_rd(&s->f, base);		/* size: dword 0 */
		q1 = window_rd(&s->f, base + 8);	/* pasid_en: dword 2 */
		q3 = window_rd(&s->f, base + 24);	/* state: dword 6 */
		if (q0 & 0xffff)
			append(out, "%u:%u:%u ", wq, (unsigned int)(q3 >> 30 & 3),
			       (unsigned int)(q1 >> 28 & 1));
	}
}

static int fingerprint(struct sf *s, struct fp *fp)
{
	memset(fp, 0, sizeof(*fp));
	seen_port = ~0U;
	if (dump(s, DEVLINK_CMD_PORT_GET, NLM_F_DUMP, note_port, fp->ports) ||
	    dump(s, DEVLINK_CMD_RESOURCE_DUMP, 0, note_resource_dump, fp->res))
		return -1;
	note_aux(fp->aux);
	note_wqs(s, fp->wqs);
	/* an add whose answer was lost still named its port here */
	if (seen_port != ~0U)
		s->port = seen_port;
	return 0;
}

static bool fp_same(const struct fp *a, const struct fp *b)
{
	return !strcmp(a->ports, b->ports) && !strcmp(a->res, b->res) &&
	       !strcmp(a->aux, b->aux) && !strcmp(a->wqs, b->wqs);
}

/*
 * @now is @up but for our SF's device, which lacks its driver, so that
 * its port says detached: the driver's probe failed.
 */
static bool fp_unbound(const struct fp *now, const struct fp *up,
		       const char *driver)
{
	char bound[64], unbound[64], att[64], det[64];
	struct fp want = *up;
	char *p;

	snprintf(bound, sizeof(bound), "%u:%s ", SFNUM, driver);
	snprintf(unbound, sizeof(unbound), "%u:- ", SFNUM);
	snprintf(att, sizeof(att), "%u:%u:%u ", SFNUM,
		 DEVLINK_PORT_FN_STATE_ACTIVE, DEVLINK_PORT_FN_OPSTATE_ATTACHED);
	snprintf(det, sizeof(det), "%u:%u:%u ", SFNUM,
		 DEVLINK_PORT_FN_STATE_ACTIVE, DEVLINK_PORT_FN_OPSTATE_DETACHED);
	/* the same lengths: each is replaced in place */
	p = strstr(want.aux, bound);
	if (!p || strlen(bound) < strlen(unbound))
		return false;
	memmove(p + strlen(unbound), p + strlen(bound),
		strlen(p + strlen(bound)) + 1);
	memcpy(p, unbound, strlen(unbound));
	p = strstr(want.ports, att);
	if (!p)
		return false;
	memcpy(p, det, strlen(det));
	return fp_same(now, &want);
}

/* ------------------------------------------------------------------ */
/* The sweep                                                          */

typedef int (*step_fn)(struct sf *s, enum fault_kind kind, unsigned int n,
		       bool *made);

/* A request under test, the state it starts from and how to undo it. */
struct step {
	const char *name;
	step_fn setup[2];	/* from nothing to where the step starts */
	step_fn op;
	step_fn undo;
	step_fn teardown[2];	/* from where it starts back to nothing */
};

struct tally {
	unsigned int injected, refused, absorbed, unbound, recovered;
};

static void show(struct __test_metadata *_metadata, const char *what,
		 const struct fp *fp)
{
	TH_LOG("%s: ports [%s] resources [%s] devices [%s] wqs [%s]", what,
	       fp->ports, fp->res, fp->aux, fp->wqs);
}

/*
 * The fingerprint once any recovery is over; the reporter's error count
 * goes to @errors, after waiting @grace_ms for it to move past what it
 * was (a device command that failed).
 */
static int settled_fingerprint(struct sf *s, struct fp *fp, uint64_t *errors,
			       unsigned int grace_ms)
{
	struct health hs;

	if (!faults_settle(&s->f, &hs, errors ? *errors : 0, grace_ms))
		return -1;
	if (errors)
		*errors = hs.errors;
	return fingerprint(s, fp);
}

#define EXPECT_FP(want, what) do {					\
	struct fp __now;						\
									\
	ASSERT_EQ(0, settled_fingerprint(s, &__now, NULL, 0))		\
		TH_LOG("the device never settled: %s", what);		\
	if (!fp_same(&__now, want)) {					\
		show(_metadata, "expected", want);			\
		show(_metadata, "found", &__now);			\
	}								\
	ASSERT_TRUE(fp_same(&__now, want)) TH_LOG("%s", what);		\
} while (0)

static void run_steps(struct __test_metadata *_metadata, struct sf *s,
		      const step_fn *fns)
{
	bool made;
	int i;

	for (i = 0; i < 2 && fns[i]; i++)
		ASSERT_EQ(0, fns[i](s, FAULT_ALLOC, 0, &made));
}

static void sweep(struct __test_metadata *_metadata, struct sf *s,
		  const struct step *st, enum fault_kind kind,
		  unsigned int least)
{
	uint64_t errors0 = 0, errors;
	struct fp before, after, now;
	struct tally t = { 0 };
	unsigned int n;
	bool made;
	int ret;

	run_steps(_metadata, s, st->setup);
	ASSERT_EQ(0, settled_fingerprint(s, &before, &errors0, 0));
	ASSERT_EQ(0, st->op(s, FAULT_ALLOC, 0, &made)) TH_LOG("%s without a fault", st->name);
	ASSERT_EQ(0, settled_fingerprint(s, &after, NULL, 0));
	ASSERT_FALSE(fp_same(&before, &after));
	ASSERT_EQ(0, st->undo(s, FAULT_ALLOC, 0, &made));
	EXPECT_FP(&before, "undone");

	for (n = 1; ; n++) {
		ASSERT_GT(4096, n) TH_LOG("%s: no end to its faults", st->name);
		ret = st->op(s, kind, n, &made);
		errors = errors0;
		ASSERT_EQ(0, settled_fingerprint(s, &now, &errors,
						 made && kind == FAULT_CMD ?
						 2000 : 0))
			TH_LOG("%s, fault %u: the device never recovered",
			       st->name, n);
		/* a failed command may fail the device: recovered since */
		if (errors != errors0)
			t.recovered++;
		errors0 = errors;
		if (!made) {
			ASSERT_EQ(0, ret) TH_LOG("%s with no fault made", st->name);
			ASSERT_TRUE(fp_same(&now, &after));
			ASSERT_EQ(0, st->undo(s, FAULT_ALLOC, 0, &made));
			break;
		}
		t.injected++;
		if (fp_same(&now, &before)) {
			/* refused: and said so */
			if (!ret) {
				show(_metadata, "before and after", &now);
				ASSERT_NE(0, ret) TH_LOG("%s, fault %u: accepted, did nothing",
							 st->name, n);
			}
			t.refused++;
		} else if (fp_same(&now, &after) ||
			   fp_unbound(&now, &after, s->driver)) {
			/* done, or only the answer was lost */
			if (ret) {
				ASSERT_EQ(-ENOBUFS, ret)
					TH_LOG("%s, fault %u: done, yet refused",
					       st->name, n);
			}
			if (fp_same(&now, &after))
				t.absorbed++;
			else
				t.unbound++;
			ASSERT_EQ(0, st->undo(s, FAULT_ALLOC, 0, &made));
		} else {
			show(_metadata, "before", &before);
			show(_metadata, "done", &after);
			show(_metadata, "found", &now);
			ASSERT_TRUE(0) TH_LOG("%s, %s fault %u (returned %d): neither refused nor done",
					      st->name, fault_kind_name(kind), n, ret);
		}
		EXPECT_FP(&before, "after the fault, undone");
		ASSERT_EQ(0, st->op(s, FAULT_ALLOC, 0, &made))
			TH_LOG("%s, after fault %u: the next try", st->name, n);
		EXPECT_FP(&after, "the next try");
		ASSERT_EQ(0, st->undo(s, FAULT_ALLOC, 0, &made));
		EXPECT_FP(&before, "the next try undone");
	}
	run_steps(_metadata, s, st->teardown);
	ASSERT_LE(least, t.injected) TH_LOG("%s: fewer faults than it has", st->name);
	printf("# faults: %s %s: %u injected, %u refused, %u absorbed, %u probe failed, %u device recoveries, 0 failures\n",
	       st->name, fault_kind_name(kind), t.injected, t.refused,
	       t.absorbed, t.unbound, t.recovered);
	/* the harness ends a test with _exit() */
	fflush(stdout);
}

static const struct step steps[] = {
	{ "port add", { NULL }, port_add, port_del, { NULL } },
	{ "activate", { port_add }, activate, deactivate, { port_del } },
	{ "deactivate", { port_add, activate }, deactivate, activate,
	  { deactivate, port_del } },
	{ "port del", { port_add }, port_del, port_add, { port_del } },
	/* its deactivation (a work item) inside the delete */
	{ "port del active", { port_add, activate }, port_del, port_add_active,
	  { port_del } },
};

FIXTURE(sf) {
	struct sf s;
};

FIXTURE_VARIANT(sf) {
	int step;
	enum fault_kind kind;
	unsigned int least;	/* faults the request has at least */
};

FIXTURE_SETUP(sf)
{
	struct sf *s = &self->s;
	const char *missing;
	int id;

	s->dev = getenv("DSA_DEV") ? : "0000:00:0a.0";
	s->driver = getenv("SF_DRIVER") ? : "vfio_idxd_aux.vfio_idxd_aux";
	s->fd = -1;
	ASSERT_EQ(0, faults_open(&s->f, s->dev));
	missing = fault_missing(&s->f, variant->kind);
	if (missing)
		SKIP(return, "%s", missing);
	s->fd = genl_socket(30);
	ASSERT_LE(0, s->fd);
	id = genl_family(s->fd, DEVLINK_GENL_NAME);
	ASSERT_LE(0, id);
	s->family = id;
}

FIXTURE_TEARDOWN(sf)
{
	struct sf *s = &self->s;
	struct fp fp;
	bool made;

	/* a sweep that failed leaves its SF: the next starts without it */
	if (s->fd >= 0 && !fingerprint(s, &fp) && seen_port != ~0U) {
		deactivate(s, FAULT_ALLOC, 0, &made);
		port_del(s, FAULT_ALLOC, 0, &made);
	}
	if (s->fd >= 0)
		close(s->fd);
	faults_close(&s->f);
}

FIXTURE_VARIANT_ADD(sf, port_add_alloc) { 0, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(sf, activate_alloc) { 1, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(sf, activate_cmd) { 1, FAULT_CMD, 1 };
FIXTURE_VARIANT_ADD(sf, deactivate_alloc) { 2, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(sf, deactivate_cmd) { 2, FAULT_CMD, 1 };
FIXTURE_VARIANT_ADD(sf, port_del_alloc) { 3, FAULT_ALLOC, 1 };
FIXTURE_VARIANT_ADD(sf, port_del_active_cmd) { 4, FAULT_CMD, 1 };

TEST_F_TIMEOUT(sf, sweep, 3600)
{
	sweep(_metadata, &self->s, &steps[variant->step], variant->kind,
	      variant->least);
}

TEST_HARNESS_MAIN
