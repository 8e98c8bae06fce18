/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Systematic fault injection, one fault per try, for the programs of
 * selftests/idxd-faults.  Two kinds:
 *
 * - allocations: the kernel's fail-nth (Documentation/fault-injection):
 *   N written to /proc/thread-self/fail-nth fails the Nth slab or page
 *   allocation this thread makes from then on; reading 0 back says it
 *   was made.  faults.sh points failslab and fail_page_alloc at sleeping
 *   allocations and order 0 too, and keeps them quiet otherwise.
 * - device commands: the model's test window (BAR4, FAIL_CMD) fails the
 *   command after the first N with a hardware error; the register reads
 *   0 once it was.
 *
 * Either way the caller arms the Nth fault, makes one request, and
 * disarms: whether the fault was reached tells it when to stop.
 */
#ifndef FAULT_INJECT_H
#define FAULT_INJECT_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/devlink.h>

#include "dsa_model_test.h"
#include "genl_msg.h"

/* IDXD_CMDSTS_HW_ERR (registers.h): what a failed command reports */
#define FAULT_CMD_ERR		0x03
/* FAIL_CMD counts the commands to let pass in 8 bits */
#define FAULT_CMD_MAX		255

enum fault_kind { FAULT_ALLOC, FAULT_CMD };

struct faults {
	int nth;			/* /proc/thread-self/fail-nth, or -1 */
	volatile uint64_t *window;	/* the test window, or NULL */
	int window_fd;
	const char *dev;		/* the PF: 0000:00:0a.0 */
	int genl;			/* for its health reporter */
	uint16_t family;
	uint32_t seq;
};

static inline const char *fault_kind_name(enum fault_kind kind)
{
	return kind == FAULT_ALLOC ? "allocation" : "device command";
}

/*
 * The caller's own page faults allocate too: its memory is locked in
 * (and a stack's worth touched) so that only its requests reach a fault.
 */
static inline void faults_lock_memory(void)
{
	volatile char stack[256 * 1024];
	size_t i;

	for (i = 0; i < sizeof(stack); i += 4096)
		stack[i] = 0;
	mlockall(MCL_CURRENT | MCL_FUTURE);
}

/*
 * What @dev offers: the fail-nth file (nth -1 without
 * CONFIG_FAULT_INJECTION), its test window (NULL without), a socket for
 * its health reporter.  -1 if there is no devlink.
 */
static inline int faults_open(struct faults *f, const char *dev)
{
	char path[128];
	void *p;
	int id;

	f->dev = dev;
	f->window = NULL;
	f->window_fd = -1;
	f->nth = open("/proc/thread-self/fail-nth", O_RDWR);
	f->genl = genl_socket(30);
	id = f->genl < 0 ? -1 : genl_family(f->genl, DEVLINK_GENL_NAME);
	if (id < 0)
		return -1;
	f->family = id;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
		 dev, DSA_TEST_BAR);
	f->window_fd = open(path, O_RDWR | O_SYNC);
	if (f->window_fd >= 0) {
		p = mmap(NULL, DSA_TEST_BAR_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, f->window_fd, 0);
		if (p != MAP_FAILED &&
		    ((volatile uint64_t *)p)[DSA_TEST_MAGIC / 8] ==
		    DSA_TEST_MAGIC_VALUE)
			f->window = p;
	}
	faults_lock_memory();
	return 0;
}

static inline void faults_close(struct faults *f)
{
	if (f->window)
		munmap((void *)f->window, DSA_TEST_BAR_SIZE);
	if (f->window_fd >= 0)
		close(f->window_fd);
	if (f->nth >= 0)
		close(f->nth);
	if (f->genl >= 0)
		close(f->genl);
}

static inline uint64_t window_rd(struct faults *f, unsigned int reg)
{
	return f->window ? f->window[reg / 8] : 0;
}

static inline void window_wr(struct faults *f, unsigned int reg, uint64_t v)
{
	if (f->window)
		f->window[reg / 8] = v;
}

/*
 * The @n-th (from 1) fault of @kind armed; false if it cannot be.  Make
 * no system call between this and the request.
 */
static inline bool fault_arm(struct faults *f, enum fault_kind kind,
			     unsigned int n)
{
	char buf[16];
	int len;

	if (kind == FAULT_CMD) {
		if (!f->window || n > FAULT_CMD_MAX + 1)
			return false;
		window_wr(f, DSA_TEST_FAIL_CMD,
			  (uint64_t)(n - 1) << DSA_TEST_FAIL_CMD_SKIP_SHIFT |
			  FAULT_CMD_ERR);
		return true;
	}
	len = snprintf(buf, sizeof(buf), "%u", n);
	return f->nth >= 0 && pwrite(f->nth, buf, len, 0) == len;
}

/* Disarms; whether the armed fault was made. */
static inline bool fault_disarm(struct faults *f, enum fault_kind kind)
{
	char buf[16] = "";
	bool made;

	if (kind == FAULT_CMD) {
		made = !window_rd(f, DSA_TEST_FAIL_CMD);
		window_wr(f, DSA_TEST_FAIL_CMD, 0);
		return made;
	}
	/* read first: the write of 0 below must not count as the request's */
	made = pread(f->nth, buf, sizeof(buf) - 1, 0) > 0 && atoi(buf) == 0;
	if (pwrite(f->nth, "0", 1, 0) != 1)
		made = false;
	return made;
}

/* Why faults of @kind cannot be made here, or NULL if they can. */
static inline const char *fault_missing(struct faults *f,
					enum fault_kind kind)
{
	if (kind == FAULT_ALLOC && f->nth < 0)
		return "no /proc/thread-self/fail-nth: a kernel without CONFIG_FAULT_INJECTION (make check-debug)";
	if (kind == FAULT_CMD && !f->window)
		return "no test window on the device";
	return NULL;
}

/* DEVLINK_HEALTH_REPORTER_STATE_HEALTHY: net/devlink.h, not in the UAPI */
#define HEALTH_STATE_HEALTHY	0

/* The device reporter's counters and state */
struct health {
	uint64_t errors, recovers;
	unsigned int state;
};

static inline void note_health(struct nlmsghdr *h, void *arg)
{
	struct health *hs = arg;
	struct nlattr *a, *b;
	int left, left2;

	genl_for_each_msg_attr(a, h, left) {
		if ((a->nla_type & NLA_TYPE_MASK) != DEVLINK_ATTR_HEALTH_REPORTER)
			continue;
		genl_for_each_nested(b, a, left2) {
			switch (b->nla_type & NLA_TYPE_MASK) {
			case DEVLINK_ATTR_HEALTH_REPORTER_STATE:
				hs->state = genl_uint(b);
				break;
			case DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT:
				hs->errors = genl_uint(b);
				break;
			case DEVLINK_ATTR_HEALTH_REPORTER_RECOVER_COUNT:
				hs->recovers = genl_uint(b);
				break;
			}
		}
	}
}

static inline int health_get(struct faults *f, struct health *hs)
{
	static struct genl_msg m;

	memset(hs, 0xff, sizeof(*hs));
	genl_start(&m, f->family, DEVLINK_CMD_HEALTH_REPORTER_GET,
		   DEVLINK_GENL_VERSION, NLM_F_ACK, ++f->seq);
	genl_put_str(&m, DEVLINK_ATTR_BUS_NAME, "pci");
	genl_put_str(&m, DEVLINK_ATTR_DEV_NAME, f->dev);
	genl_put_str(&m, DEVLINK_ATTR_HEALTH_REPORTER_NAME, "device");
	if (send(f->genl, m.buf, m.nlh->nlmsg_len, 0) < 0)
		return -errno;
	return genl_answer(f->genl, f->family, f->seq, note_health, hs);
}

/*
 * Waits (30 s at most) for the device to be healthy with every error
 * recovered.  A failed command may fail the device; the failure reaches
 * devlink from a work item, so after one, up to @grace_ms pass first in
 * which the error count must move past @errors to count as settled
 * early.  The reporter as it is then goes to @hs; false if it never
 * settled.
 */
static inline bool faults_settle(struct faults *f, struct health *hs,
				 uint64_t errors, unsigned int grace_ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	unsigned int i;

	for (i = 0; i < 1500; i++) {
		if (!health_get(f, hs) &&
		    hs->state == HEALTH_STATE_HEALTHY &&
		    hs->errors == hs->recovers &&
		    (hs->errors != errors || i * 20 >= grace_ms))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

#endif /* FAULT_INJECT_H */
