/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsa-sf: the commands, and what they share.
 */
#ifndef DSA_SF_CMD_H
#define DSA_SF_CMD_H

#include "nl.h"
#include "port.h"
#include "sysfs.h"

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,		/* bad usage or input: nothing asked */
	EXIT_KERNEL = 2,	/* the kernel refused */
	EXIT_SYSTEM = 3,	/* no devlink, sysfs, binding */
};

struct ctx {
	struct nl nl;
	bool connected;
};

/* The devlink socket, opened once the command line is known good. */
int ctx_connect(struct ctx *ctx);

struct cmd {
	const char *name;
	int (*run)(struct ctx *ctx, int argc, char **argv);
};

int cmd_create(struct ctx *ctx, int argc, char **argv);
int cmd_list(struct ctx *ctx, int argc, char **argv);
int cmd_destroy(struct ctx *ctx, int argc, char **argv);
int cmd_port(struct ctx *ctx, int argc, char **argv);

/* One line on stderr; returns @status. */
int fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A number argument of @key in @min..@max, or one line saying why not. */
int arg_u32(const char *key, const char *val, uint32_t min, uint32_t max,
	    uint32_t *out);
/* The kernel's refusal of @what: its extack message, else strerror. */
int kernel_fail(struct ctx *ctx, int err, const char *what);

#endif
