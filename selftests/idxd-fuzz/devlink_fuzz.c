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
#include <linux/devlink.h>
#include "../fuzz_rng.h"
#include "../genl_msg.h"

#define MAX_PORTS	64

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
static void note_port(struct nlmsghdr *h, void *arg)
{
	struct fuzz *f = arg;
	struct nlattr *a;
	uint32_t index;
	unsigned int i;
	int left;

	genl_for_each_msg_attr(a, h, left) {
		if ((a->nla_type & NLA_TYPE_MASK) != DEVLINK_ATTR_PORT_INDEX ||
		    a->nla_len != NLA_HDR + 4)
			continue;
		index = genl_u32(a);
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
 * The answer of @seq: 0 or the kernel's -errno, -ETIMEDOUT if none
 * came.  A new port's index is remembered for later messages.
 */
static int answer(struct fuzz *f, uint32_t seq)
{
	return genl_answer(f->fd, f->family, seq, note_port, f);
}

/* The device's handle, now and then wrong. */
static void put_handle(struct fuzz *f, struct genl_msg *m)
{
	static const char *const buses[] = { "pci", "pci", "pci", "pci",
					     "auxiliary", "", "netdevsim" };
	static const char *const devs[] = { "0000:00:1f.7", "", "0000:00:0a",
					    "0000:00:0a.0/1", "x" };
	char longname[300];

	if (below(20)) {
		genl_put_str(m, DEVLINK_ATTR_BUS_NAME, buses[below(4)]);
		genl_put_str(m, DEVLINK_ATTR_DEV_NAME, f->dev);
		return;
	}
	switch (below(5)) {
	case 0:
		genl_put_str(m, DEVLINK_ATTR_BUS_NAME, buses[below(7)]);
		genl_put_str(m, DEVLINK_ATTR_DEV_NAME, devs[below(5)]);
		break;
	case 1:			/* no bus */
		genl_put_str(m, DEVLINK_ATTR_DEV_NAME, f->dev);
		break;
	case 2:			/* not NUL-terminated */
		genl_put_str(m, DEVLINK_ATTR_BUS_NAME, "pci");
		genl_put(m, DEVLINK_ATTR_DEV_NAME, f->dev, strlen(f->dev), 0);
		break;
	case 3:
		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		genl_put_str(m, DEVLINK_ATTR_BUS_NAME, "pci");
		genl_put_str(m, DEVLINK_ATTR_DEV_NAME, longname);
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
static void put_function(struct genl_msg *m)
{
	uint8_t mac[8] = { 2, 0, 0, 0, 0, 1, 2, 3 };

	genl_nest_start(m, DEVLINK_ATTR_PORT_FUNCTION);
	switch (below(8)) {
	case 0:
		genl_put(m, DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR, mac, 1 + below(8), 0);
		break;
	case 1:
		genl_put_u8(m, DEVLINK_PORT_FN_ATTR_OPSTATE, below(3));
		break;
	case 2:
		genl_put_u32(m, DEVLINK_PORT_FN_ATTR_STATE, below(2));
		break;
	case 3:
		genl_put_u8(m, below(16), rnd());
		break;
	default:
		genl_put_u8(m, DEVLINK_PORT_FN_ATTR_STATE, below(8) ? below(2) : rnd());
		break;
	}
	if (!below(10))
		genl_put_u8(m, DEVLINK_PORT_FN_ATTR_STATE, below(2));
	genl_nest_end(m);
}

/* The request: a command and its attributes, mostly the right ones. */
static void build(struct fuzz *f, struct genl_msg *m, uint32_t seq)
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
	genl_start(m, f->family, cmd, DEVLINK_GENL_VERSION, flags, seq);
	put_handle(f, m);
	switch (cmd) {
	case DEVLINK_CMD_PORT_NEW:
		if (below(10))
			genl_put_u16(m, DEVLINK_ATTR_PORT_FLAVOUR, below(8) ?
				DEVLINK_PORT_FLAVOUR_PCI_SF : rnd());
		if (below(10))
			genl_put_u16(m, DEVLINK_ATTR_PORT_PCI_PF_NUMBER,
				below(8) ? 0 : rnd());
		if (below(2))
			genl_put_u32(m, DEVLINK_ATTR_PORT_PCI_SF_NUMBER, pick_sfnum());
		if (!below(20))
			genl_put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		if (!below(20))
			genl_put_u32(m, DEVLINK_ATTR_PORT_CONTROLLER_NUMBER, rnd());
		break;
	case DEVLINK_CMD_PORT_SET:
		genl_put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		if (below(6))
			put_function(m);
		else
			genl_put_u16(m, DEVLINK_ATTR_PORT_TYPE, below(5));
		break;
	case DEVLINK_CMD_PORT_SPLIT:
		genl_put_u32(m, DEVLINK_ATTR_PORT_SPLIT_COUNT, below(5));
		genl_put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		break;
	case DEVLINK_CMD_PARAM_GET:
	case DEVLINK_CMD_PARAM_SET:
		genl_put_str(m, DEVLINK_ATTR_PARAM_NAME,
			below(4) ? "sf_wq_size" : "host_wqs");
		genl_put_u8(m, DEVLINK_ATTR_PARAM_VALUE_CMODE, below(4));
		genl_put_u8(m, DEVLINK_ATTR_PARAM_TYPE, below(8) ? 2 : rnd());
		genl_put_u16(m, DEVLINK_ATTR_PARAM_VALUE_DATA, below(64));
		break;
	default:
		if (below(2))
			genl_put_u32(m, DEVLINK_ATTR_PORT_INDEX, pick_port(f));
		break;
	}
}

/* One fault in @m now and then; returns whether it made one. */
static int mutate(struct genl_msg *m)
{
	struct nlattr *a;
	uint32_t junk[4] = { rnd(), rnd(), rnd(), rnd() };
	int len;

	if (below(3))
		return 0;
	switch (below(6)) {
	case 0:			/* an attribute of the wrong size */
		genl_put(m, 1 + below(DEVLINK_ATTR_MAX), junk, below(9), 0);
		break;
	case 1:			/* an attribute devlink does not know */
		genl_put(m, DEVLINK_ATTR_MAX + 1 + below(64), junk, 4, 0);
		break;
	case 2:			/* a length past the message */
		genl_put(m, 1 + below(DEVLINK_ATTR_MAX), junk, 4, 4 + below(64));
		break;
	case 3:			/* a nest that holds garbage */
		genl_put(m, (1 + below(DEVLINK_ATTR_MAX)) | NLA_F_NESTED, junk,
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
	struct fuzz f = { .seq = 1 };
	unsigned long count = 10000, i;
	struct genl_msg *m;
	int ret;

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
	f.fd = genl_socket(10);
	if (!m || f.fd < 0) {
		perror("devlink_fuzz: socket");
		return 2;
	}
	ret = genl_family(f.fd, DEVLINK_GENL_NAME);
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
