// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf: one generic netlink socket speaking devlink.
 *
 * The family id is asked of the generic netlink controller at open; the
 * attributes are the kernel's UAPI (<linux/devlink.h>).  Extended acks
 * are on, so a refusal comes with the kernel's own message.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "nl.h"

static struct nlmsghdr *nl_request_family(struct nl *nl, uint16_t family,
					  uint8_t cmd, uint16_t flags,
					  uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* Every request but a dump is acked: the ack ends the exchange. */
struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, uint16_t flags)
{
	if (!(flags & NLM_F_DUMP))
		flags |= NLM_F_ACK;
	return nl_request_family(nl, nl->family, cmd, flags,
				 DEVLINK_GENL_VERSION);
}

/* The kernel's message in an error or in the done of a dump. */
static void nl_extack(struct nl *nl, const struct nlmsghdr *nlh,
		      size_t skip)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, skip) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		snprintf(nl->extack, sizeof(nl->extack), "%s",
			 mnl_attr_get_str(attr));
	}
}

/*
 * One exchange: the caller's callback sees each reply until it fails
 * (@err, a negative errno); the rest is read and dropped up to the ack or
 * the dump's end, so the socket is clean for the next request.
 */
struct nl_talk_data {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
	int err;
};

static int nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct nl_talk_data *t = data;
	size_t skip = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* without NLM_F_CAPPED the request comes back whole */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < sizeof(err->msg) ||
		    err->msg.nlmsg_len > nlh->nlmsg_len - mnl_nlmsg_size(0))
			return MNL_CB_STOP;
		skip += err->msg.nlmsg_len - sizeof(err->msg);
	}
	nl_extack(t->nl, nlh, skip);
	t->nl->acked = !err->error;
	if (err->error && !t->err)
		t->err = err->error;
	return MNL_CB_STOP;
}

/* A dump ends with its error, if any, and the kernel's message. */
static int nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_talk_data *t = data;
	int err;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(err))) {
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err < 0 && !t->err)
			t->err = err;
		nl_extack(t->nl, nlh, sizeof(err));
	}
	return MNL_CB_STOP;
}

/* libmnl takes the table as writable */
static mnl_cb_t nl_ctl_cb[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = nl_error_cb,
	[NLMSG_DONE] = nl_done_cb,
};

/* The caller's callback, until it fails; after that replies are dropped. */
static int nl_talk_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_talk_data *t = data;
	int ret;

	if (!t->cb || t->err)
		return MNL_CB_OK;
	errno = 0;
	ret = t->cb(nlh, t->data);
	if (ret <= MNL_CB_STOP)
		t->err = errno ? -errno : -EBADMSG;
	return MNL_CB_OK;
}

/*
 * Sends @nlh and runs @cb on each reply; 0, or the first error (the
 * kernel's, a reply @cb refused, the socket's).  A message the kernel
 * gave with a success is printed as devlink prints its warnings.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(nl->sock);
	struct nl_talk_data t = { nl, cb, data, 0 };
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t len;
	int ret;

	nl->extack[0] = '\0';
	nl->acked = false;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(nl->sock, nl->buf,
					  MNL_SOCKET_BUFFER_SIZE);
		if (len < 0)
			return -errno;
		ret = mnl_cb_run2(nl->buf, len, seq, portid, nl_talk_cb, &t,
				  nl_ctl_cb, NLMSG_MIN_TYPE);
	} while (ret == MNL_CB_OK);
	if (ret < 0)
		return errno ? -errno : -EBADMSG;
	if (!t.err && nl->extack[0] && !nl->quiet)
		fprintf(stderr, "dsa-sf: kernel: %s\n", nl->extack);
	return t.err;
}

struct nl_attrs_data {
	const struct nlattr **tb;
	const enum mnl_attr_data_type *policy;
	unsigned int max;
};

static int nl_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_attrs_data *d = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > d->max)
		return MNL_CB_OK;
	if (d->policy[type] != MNL_TYPE_UNSPEC &&
	    mnl_attr_validate(attr, d->policy[type]) < 0)
		return MNL_CB_ERROR;
	d->tb[type] = attr;
	return MNL_CB_OK;
}

int nl_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
	     const enum mnl_attr_data_type *policy, unsigned int max)
{
	struct nl_attrs_data d = { tb, policy, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), nl_attr_cb,
			   &d) < 0)
		return -EBADMSG;
	return 0;
}

int nl_nested(const struct nlattr *attr, const struct nlattr **tb,
	      const enum mnl_attr_data_type *policy, unsigned int max)
{
	struct nl_attrs_data d = { tb, policy, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse_nested(attr, nl_attr_cb, &d) < 0)
		return -EBADMSG;
	return 0;
}

static const enum mnl_attr_data_type nl_ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = MNL_TYPE_U16,
};

static int nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nl_attrs(nlh, tb, nl_ctrl_policy, CTRL_ATTR_MAX)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (tb[CTRL_ATTR_FAMILY_ID])
		*(uint16_t *)data = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return MNL_CB_OK;
}

/* devlink's family id, from the generic netlink controller. */
static int nl_resolve(struct nl *nl)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = nl_request_family(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
				NLM_F_ACK, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DEVLINK_GENL_NAME);
	nl->family = 0;
	ret = nl_talk(nl, nlh, nl_family_cb, &nl->family);
	if (!ret && !nl->family)
		ret = -ENOENT;
	return ret;
}

int nl_open(struct nl *nl)
{
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->seq = time(NULL);
	nl->buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->sock)
		goto err;
	/* best effort: without it errors come without the kernel's words */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	ret = nl_resolve(nl);
	if (ret) {
		nl_close(nl);
		return ret;
	}
	return 0;
err:
	ret = -errno;
	nl_close(nl);
	return ret;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
}
