// SPDX-License-Identifier: GPL-2.0
/*
 * devlink messages a hostile or careless operator could send, generated
 * and sent over a raw generic netlink socket: port add, delete, function
 * state, split, type, get, dumps, params, resources and info, valid and
 * malformed (wrong types and lengths, missing, repeated and unknown
 * attributes, broken nests, attribute lengths past the message, out of
 * range flavours, pfnums, sfnums, port indexes and states), interleaved
 * on the same and on different ports; any other command now and then,
 * but reload.  Every message must be answered;
 * what the device is left in is checked by fuzz.sh.
 *
 *   devlink_fuzz DEV [COUNT [SEED]]      DEV: 0000:00:0a.0
 *
 * Prints "# " lines with the figures, and one line "fuzz: N sent, A
 * accepted, R refused, U unanswered" that fuzz.sh reads.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "../fuzz_rng.h"

#define BUF_SIZE	(64 * 1024)
#define MAX_PORTS	64
#define NLA_HDR		((int)NLA_ALIGN(sizeof(struct nlattr)))

struct msg {
	char buf[BUF_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
};

static void *tail(struct msg *m)
{
	return m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len);
}

/* An attribute of @len bytes; @len_lie is added to what nla_len says. */
static void put(struct msg *m, uint16_t type, const void *data, int len,
		int len_lie)
{
	struct nlattr *a = tail(m);

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDR + NLA_ALIGN(len) >
	    BUF_SIZE / 2)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDR + len + len_lie;
	memcpy((char *)a + NLA_HDR, data, len);
	memset((char *)a + NLA_HDR + len, 0, NLA_ALIGN(len) - len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDR +
			    NLA_ALIGN(len);
	if (m->nest)
		m->nest->nla_len = (char *)tail(m) - (char *)m->nest;
}

static void put_u8(struct msg *m, uint16_t t, uint8_t v)
{
	put(m, t, &v, 1, 0);
}

static void put_u16(struct msg *m, uint16_t t, uint16_t v)
{
	put(m, t, &v, 2, 0);
}

static void put_u32(struct msg *m, uint16_t t, uint32_t v)
{
	put(m, t, &v, 4, 0);
}

static void put_str(struct msg *m, uint16_t t, const char *s)
{
	put(m, t, s, strlen(s) + 1, 0);
}

static void nest_start(struct msg *m, uint16_t type)
{
	put(m, type | NLA_F_NESTED, NULL, 0, 0);
	m->nest = (struct nlattr *)((char *)tail(m) - NLA_HDR);
}

static void nest_end(struct msg *m)
{
	m->nest = NULL;
}

static struct nlmsghdr *start(struct msg *m, uint16_t family, uint8_t cmd,
			      uint16_t flags, uint32_t seq)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_SPACE(GENL_HDRLEN) + 64);
	m->nest = NULL;
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = family;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlh->nlmsg_seq = seq;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = DEVLINK_GENL_VERSION;
	return m->nlh;
}

struct fuzz {
	int fd;
	uint16_t family;
	uint32_t seq;
	const char *dev;
	uint32_t ports[MAX_PORTS];	/* indexes the kernel gave us */
	unsigned int nports;
	unsigned long sent, accepted, refused, unanswered, malformed;
	unsigned long by_errno[1024];	/* the last: any other answer */
	int odd[8];			/* the first of those */
	unsigned int nodd;
};

/* A port the kernel told of (a new one, a dump's): a target for later. */
static void note_port(struct fuzz *f, struct nlmsghdr *h)
{
	int len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) +
					     GENL_HDRLEN);
	uint32_t index;
	unsigned int i;

	for (; len >= NLA_HDR && a->nla_len >= NLA_HDR && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) != DEVLINK_ATTR_PORT_INDEX ||
		    a->nla_len != NLA_HDR + 4)
			continue;
		memcpy(&index, (char *)a + NLA_HDR, 4);
		for (i = 0; i < f->nports; i++)
			if (f->ports[i] == index)
				return;
		if (f->nports < MAX_PORTS)
			f->ports[f->nports++] = index;
		else
			f->ports[below(MAX_PORTS)] = index;
	}
}

/*
 * Reads to the answer of @seq: 0 or the kernel's -errno, -ETIMEDOUT if
 * none came.  A new port's index is remembered for later messages.
 */
static int answer(struct fuzz *f, uint32_t seq)
{
	static char buf[BUF_SIZE];
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(f->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		len = n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			/* devlink's dpipe replies end with a bare DONE */
			if (h->nlmsg_type == NLMSG_DONE)
				return h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ?
				       *(int *)NLMSG_DATA(h) : 0;
			if (h->nlmsg_type == f->family)
				note_port(f, h);
		}
	}
}

/* The device's handle, now and then wrong. */
static void put_handle(struct fuzz *f, struct msg *m)
{
	static const char *const buses[] = { "pci", "pci", "pci", "pci",
					     "auxiliary", "", "netdevsim" };
	static const char *const devs[] = { "0000:00:1f.7", "", "0000:00:0a",
					    "0000:00:0a.0/1", "x" };
	char longname[300];

	if (below(20)) {
		put_str(m, DEVLINK_ATTR_BUS_NAME, buses[below(4)]);
		put_str(m, DEVLINK_ATTR_DEV_NAME, f->dev);
		return;
	}
	switch (below(5)) {
	case 0:
		put_str(m, DEVLINK_ATTR_BUS_NAME, buses[below(7)]);
		put_str(m, DEVLINK_ATTR_DEV_NAME, devs[below(5)]);
		break;
	case 1:			/* no bus */
		put_str(m, DEVLINK_ATTR_DEV_NAME, f->dev);
		break;
	case 2:			/* not NUL-terminated */
		put_str(m, DEVLINK_ATTR_BUS_NAME, "pci");
		put(m, DEVLINK_ATTR_DEV_NAME, f->dev, strlen(f->dev), 0);
		break;
	case 3:
		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		put_str(m, DEVLINK_ATTR_BUS_NAME, "pci");
		put_str(m, DEVLINK_ATTR_DEV_NAME, longname);
		break;
	default:		/* nothing */
		break;
	}
}

/* A port index: one the kernel gave us mostly, else anything. */
static uint32_t pick_port(struct fuzz *f)
{
	static const uint32_t odd[] = { 0, 1, 2, 63, 64, 255, 65535,
					0x7fffffff, 0xffffffff };

	if (f->nports && below(4))
		return f->ports[below(f->nports)];
	return below(2) ? odd[below(9)] : rnd();
}

static uint32_t pick_sfnum(void)
{
	static const uint32_t odd[] = { 0, 1, 0x7fffffff, 0xfffffffe,
					0xffffffff };

	return below(4) ? below(16) : below(2) ? odd[below(5)] : rnd();
}

/* A function nest: state, hw_addr, opstate (the kernel's to say), junk. */
static void put_function(struct msg *m)
{
	uint8_t mac[8] = { 2, 0, 0, 0, 0, 1, 2, 3 };

	nest_start(m, DEVLINK_ATTR_PORT_FUNCTION);
	switch (below(8)) {
	case 0:
		put(m, DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR, mac, 1 + below(8), 0);
		break;
	case 1:
		put_u8(m, DEVLINK_PORT_FN_ATTR_OPSTATE, below(3));
		break;
	case 2:
		put_u32(m, DEVLINK_PORT_FN_ATTR_STATE, below(2));
		break;
	case 3:
		put_u8(m, below(16), rnd());
		break;
	default:
		put_u8(m, DEVLINK_PORT_FN_ATTR_STATE, below(8) ? below(2) : rnd());
		break;
	}
	if (!below(10))
		put_u8(m, DEVLINK_PORT_FN_ATTR_STATE, below(2));
	nest_end(m);
}

/* The request: a command and its attributes, mostly the right ones. */
static void build(struct fuzz *f, struct msg *m, uint32_t seq)
{
	static const uint8_t cmds[] = {
		DEVLINK_CMD_PORT_NEW, DEVLINK_CMD_PORT_NEW, DEVLINK_CMD_PORT_NEW,
		DEVLINK_CMD_PORT_DEL, DEVLINK_CMD_PORT_DEL,
		DEVLINK_CMD_PORT_SET, DEVLINK_CMD_PORT_SET,
		DEVLINK_CMD_PORT_SET, DEVLINK_CMD_PORT_GET,
		DEVLINK_CMD_PORT_SPLIT, DEVLINK_CMD_PORT_UNSPLIT,
		DEVLINK_CMD_GET, DEVLINK_CMD_RESOURCE_DUMP,
		DEVLINK_CMD_INFO_GET, DEVLINK_CMD_PARAM_GET,
		DEVLINK_CMD_PARAM_SET,
	};
	uint8_t cmd = below(50) ? cmds[below(sizeof(cmds))] : rnd();
	uint16_t flags = NLM_F_ACK;

	/* a reload would apply fuzzed params: idxd-reload tests reloads */
	if (cmd == DEVLINK_CMD_RELOAD)
		cmd = DEVLINK_CMD_GET;
	if ((cmd == DEVLINK_CMD_PORT_GET || cmd == DEVLINK_CMD_PARAM_GET) &&
	    below(2))
		flags |= NLM_F_DUMP;
	start(m, f->family, cmd, flags, seq);
	put_handle(f, m);
	switch (cmd) {
	case DEVLINK_CMD_PORT_NEW:
		if (below(10))
			put_u16(m, DEVLINK_ATTR_PORT_FLAVOUR, below(8) ?
				DEVLINK_PORT_FLAVOUR_PCI_SF : rnd());
		if (below(10))
			put_u16(m, DEVLINK_ATTR_PORT_PCI_PF_NUMBER,
				below(8) ? 0 : rnd());
		if (below(2))
			put_u32(m, DEVLINK_ATTR_PORT_PCI_SF_NUMBER, pick_sfnum());
		if (!below(20))
			put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		if (!below(20))
			put_u32(m, DEVLINK_ATTR_PORT_CONTROLLER_NUMBER, rnd());
		break;
	case DEVLINK_CMD_PORT_SET:
		put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		if (below(6))
			put_function(m);
		else
			put_u16(m, DEVLINK_ATTR_PORT_TYPE, below(5));
		break;
	case DEVLINK_CMD_PORT_SPLIT:
		put_u32(m, DEVLINK_ATTR_PORT_SPLIT_COUNT, below(5));
		put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		break;
	case DEVLINK_CMD_PARAM_GET:
	case DEVLINK_CMD_PARAM_SET:
		put_str(m, DEVLINK_ATTR_PARAM_NAME,
			below(4) ? "sf_wq_size" : "host_wqs");
		put_u8(m, DEVLINK_ATTR_PARAM_VALUE_CMODE, below(4));
		put_u8(m, DEVLINK_ATTR_PARAM_TYPE, below(8) ? 2 : rnd());
		put_u16(m, DEVLINK_ATTR_PARAM_VALUE_DATA, below(64));
		break;
	default:
		if (below(2))
			put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		break;
	}
}

/* One fault in @m now and then; returns whether it made one. */
static int mutate(struct msg *m)
{
	struct nlattr *a;
	uint32_t junk[4] = { rnd(), rnd(), rnd(), rnd() };
	int len;

	if (below(3))
		return 0;
	switch (below(6)) {
	case 0:			/* an attribute of the wrong size */
		put(m, 1 + below(DEVLINK_ATTR_MAX), junk, below(9), 0);
		break;
	case 1:			/* an attribute devlink does not know */
		put(m, DEVLINK_ATTR_MAX + 1 + below(64), junk, 4, 0);
		break;
	case 2:			/* a length past the message */
		put(m, 1 + below(DEVLINK_ATTR_MAX), junk, 4, 4 + below(64));
		break;
	case 3:			/* a nest that holds garbage */
		put(m, (1 + below(DEVLINK_ATTR_MAX)) | NLA_F_NESTED, junk,
		    below(16), 0);
		break;
	case 4:			/* the message cut short */
		len = m->nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		if (len > 0)
			m->nlh->nlmsg_len -= 1 + below(len);
		break;
	default:		/* the first attribute's length broken */
		a = (struct nlattr *)((char *)NLMSG_DATA(m->nlh) + GENL_HDRLEN);
		if (m->nlh->nlmsg_len > NLMSG_LENGTH(GENL_HDRLEN))
			a->nla_len = below(2) ? 1 : 0xffff;
		break;
	}
	return 1;
}

static int family_id(struct fuzz *f)
{
	struct msg *m = calloc(1, sizeof(*m));
	static char buf[BUF_SIZE];
	struct nlmsghdr *h;
	struct nlattr *a;
	int len, alen, id = -1;
	ssize_t n;

	if (!m)
		return -1;
	start(m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK, 1);
	((struct genlmsghdr *)NLMSG_DATA(m->nlh))->version = 1;
	put_str(m, CTRL_ATTR_FAMILY_NAME, DEVLINK_GENL_NAME);
	if (send(f->fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		goto out;
	n = recv(f->fd, buf, sizeof(buf), 0);
	len = n;
	for (h = (struct nlmsghdr *)buf; n > 0 && NLMSG_OK(h, len);
	     h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type != GENL_ID_CTRL)
			continue;
		alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		for (; alen >= NLA_HDR && a->nla_len >= NLA_HDR;
		     alen -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				id = *(uint16_t *)((char *)a + NLA_HDR);
	}
	answer(f, 1);
out:
	free(m);
	return id;
}

/* A refusal by its errno; anything else is kept to be shown. */
static void note_refusal(struct fuzz *f, int ret)
{
	f->refused++;
	if (ret < 0 && -ret < 1023) {
		f->by_errno[-ret]++;
		return;
	}
	f->by_errno[1023]++;
	if (f->nodd < sizeof(f->odd) / sizeof(f->odd[0]))
		f->odd[f->nodd++] = ret;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 10 };
	struct fuzz f = { .seq = 1 };
	unsigned long count = 10000, i;
	struct msg *m;
	int ret, one = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: devlink_fuzz DEV [COUNT [SEED]]\n");
		return 2;
	}
	f.dev = argv[1];
	if (argc > 2)
		count = strtoul(argv[2], NULL, 10);
	fuzz_rng = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	fuzz_rng = fuzz_rng ? fuzz_rng : 1;
	m = malloc(sizeof(*m));
	f.fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (!m || f.fd < 0 || bind(f.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(f.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(f.fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		perror("devlink_fuzz: socket");
		return 2;
	}
	ret = family_id(&f);
	if (ret < 0) {
		fprintf(stderr, "devlink_fuzz: no devlink family\n");
		return 2;
	}
	f.family = ret;
	printf("# seed %llu, %lu messages to %s\n",
	       (unsigned long long)(argc > 3 ? strtoull(argv[3], NULL, 10) : 1),
	       count, f.dev);
	for (i = 0; i < count; i++) {
		build(&f, m, ++f.seq);
		f.malformed += mutate(m);
		if (send(f.fd, m->buf, m->nlh->nlmsg_len, 0) < 0) {
			/* the socket layer refused it: still an answer */
			f.refused++;
			f.by_errno[errno < 1023 ? errno : 1023]++;
			f.sent++;
			continue;
		}
		f.sent++;
		ret = answer(&f, f.seq);
		if (ret == -ETIMEDOUT)
			f.unanswered++;
		else if (ret)
			note_refusal(&f, ret);
		else
			f.accepted++;
	}
	for (i = 0; i < 1024; i++)
		if (f.by_errno[i])
			printf("# refused with errno %lu (%s): %lu\n", i,
			       i < 1023 ? strerror(i) : "not an errno",
			       f.by_errno[i]);
	for (i = 0; i < f.nodd; i++)
		printf("# an answer that is no errno: %d\n", f.odd[i]);
	printf("# %lu malformed on purpose, %u port indexes seen\n",
	       f.malformed, f.nports);
	printf("fuzz: %lu sent, %lu accepted, %lu refused, %lu unanswered\n",
	       f.sent, f.accepted, f.refused, f.unanswered);
	free(m);
	close(f.fd);
	return f.unanswered ? 1 : 0;
}
