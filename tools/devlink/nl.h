/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsa-sf: one generic netlink socket speaking devlink.
 */
#ifndef DSA_SF_NL_H
#define DSA_SF_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl {
	struct mnl_socket *sock;
	uint16_t family;		/* devlink's id, resolved at open */
	uint32_t seq;
	char *buf;			/* MNL_SOCKET_BUFFER_SIZE bytes */
	char extack[256];		/* the kernel's message for the last error */
	bool acked;			/* the last request's ack said success */
	bool quiet;			/* keep a success's message to oneself */
};

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);

/* A devlink request of @cmd (@flags: NLM_F_DUMP, NLM_F_ACK...). */
struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, uint16_t flags);

/* Sends @nlh, runs @cb on each reply; -errno, with nl->extack if any. */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * The attributes of a devlink message (or of a nest), indexed by type up
 * to @max; each type @policy names must be of that shape, or the message
 * is refused (-EBADMSG) rather than read past its end.
 */
int nl_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
	     const enum mnl_attr_data_type *policy, unsigned int max);
int nl_nested(const struct nlattr *attr, const struct nlattr **tb,
	      const enum mnl_attr_data_type *policy, unsigned int max);

#endif
