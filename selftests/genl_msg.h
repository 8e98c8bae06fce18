/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink by hand, for the programs that must control every byte
 * or every system call of a devlink request: the fuzzer (malformed
 * messages) and the fault injector (one request per armed fault, in the
 * task that armed it).  A message is built in place; attribute helpers
 * keep the open nest's length up to date.
 */
#ifndef GENL_MSG_H
#define GENL_MSG_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <unistd.h>

#define GENL_MSG_SIZE	(64 * 1024)
#define NLA_HDR		((int)NLA_ALIGN(sizeof(struct nlattr)))

struct genl_msg {
	char buf[GENL_MSG_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
};

static inline void *genl_tail(struct genl_msg *m)
{
	return m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len);
}

/*
 * An attribute of @len bytes; @len_lie is added to what nla_len says (a
 * fuzzer's lie).  Attributes past half the buffer are dropped, so a lie
 * never makes the kernel read past what we own.
 */
static inline void genl_put(struct genl_msg *m, uint16_t type,
			    const void *data, int len, int len_lie)
{
	struct nlattr *a = genl_tail(m);

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDR + NLA_ALIGN(len) >
	    GENL_MSG_SIZE / 2)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDR + len + len_lie;
	if (len)
		memcpy((char *)a + NLA_HDR, data, len);
	memset((char *)a + NLA_HDR + len, 0, NLA_ALIGN(len) - len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDR +
			    NLA_ALIGN(len);
	if (m->nest)
		m->nest->nla_len = (char *)genl_tail(m) - (char *)m->nest;
}

static inline void genl_put_u8(struct genl_msg *m, uint16_t t, uint8_t v)
{
	genl_put(m, t, &v, 1, 0);
}

static inline void genl_put_u16(struct genl_msg *m, uint16_t t, uint16_t v)
{
	genl_put(m, t, &v, 2, 0);
}

static inline void genl_put_u32(struct genl_msg *m, uint16_t t, uint32_t v)
{
	genl_put(m, t, &v, 4, 0);
}

static inline void genl_put_str(struct genl_msg *m, uint16_t t, const char *s)
{
	genl_put(m, t, s, strlen(s) + 1, 0);
}

static inline void genl_nest_start(struct genl_msg *m, uint16_t type)
{
	genl_put(m, type | NLA_F_NESTED, NULL, 0, 0);
	m->nest = (struct nlattr *)((char *)genl_tail(m) - NLA_HDR);
}

static inline void genl_nest_end(struct genl_msg *m)
{
	m->nest = NULL;
}

static inline struct nlmsghdr *genl_start(struct genl_msg *m, uint16_t family,
					  uint8_t cmd, uint8_t version,
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
	g->version = version;
	return m->nlh;
}

/* Each well-formed attribute in the @len bytes at @head. */
#define genl_for_each_attr(a, head, len, left)				\
	for ((a) = (struct nlattr *)(head), (left) = (len);		\
	     (left) >= NLA_HDR && (a)->nla_len >= NLA_HDR &&		\
	     (a)->nla_len <= (left);					\
	     (left) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))

/* The attributes of a generic netlink message, and of a nest. */
#define genl_for_each_msg_attr(a, h, left)				\
	genl_for_each_attr(a, (char *)NLMSG_DATA(h) + GENL_HDRLEN,	\
			   (int)((h)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)), \
			   left)
#define genl_for_each_nested(a, nest, left)				\
	genl_for_each_attr(a, (char *)(nest) + NLA_HDR,			\
			   (int)((nest)->nla_len - NLA_HDR), left)

static inline void *genl_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDR;
}

static inline uint32_t genl_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a->nla_len >= NLA_HDR + 4)
		memcpy(&v, genl_data(a), 4);
	return v;
}

/* A u64 attribute, or the u8/u16/u32 one where the kernel sent less. */
static inline uint64_t genl_uint(const struct nlattr *a)
{
	uint64_t v = 0;
	int len = a->nla_len - NLA_HDR;

	memcpy(&v, genl_data(a), len < 8 ? len : 8);
	return v;
}

/*
 * Reads to the answer of @seq: 0 (the ack, or a dump's end) or the
 * kernel's -errno; -ETIMEDOUT if none came, or the recv() error.  Each
 * message of @family before it goes to @cb.
 */
static inline int genl_answer(int fd, uint16_t family, uint32_t seq,
			      void (*cb)(struct nlmsghdr *h, void *arg),
			      void *arg)
{
	static char buf[GENL_MSG_SIZE];
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
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
			if (h->nlmsg_type == family && cb)
				cb(h, arg);
		}
	}
}

/* A bound generic netlink socket whose reads give up after @timeout_s. */
static inline int genl_socket(int timeout_s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = timeout_s };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline void genl_note_family(struct nlmsghdr *h, void *arg)
{
	struct nlattr *a;
	int left;

	genl_for_each_msg_attr(a, h, left)
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			*(int *)arg = *(uint16_t *)genl_data(a);
}

/* The id of the generic netlink family @name, or -1. */
static inline int genl_family(int fd, const char *name)
{
	struct genl_msg *m = calloc(1, sizeof(*m));
	int id = -1;

	if (!m)
		return -1;
	genl_start(m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK, 1);
	genl_put_str(m, CTRL_ATTR_FAMILY_NAME, name);
	if (send(fd, m->buf, m->nlh->nlmsg_len, 0) < 0 ||
	    genl_answer(fd, GENL_ID_CTRL, 1, genl_note_family, &id))
		id = -1;
	free(m);
	return id;
}

#endif /* GENL_MSG_H */
