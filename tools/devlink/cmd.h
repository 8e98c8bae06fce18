/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsa-sf: the commands, and what they share.
 */
#ifndef DSA_SF_CMD_H
#define DSA_SF_CMD_H

#include <stdio.h>
#include "json.h"
#include "nl.h"
#include "port.h"
#include "sysfs.h"

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,		/* bad usage or input: nothing asked */
	EXIT_KERNEL = 2,	/* the kernel refused */
	EXIT_SYSTEM = 3,	/* no devlink, sysfs, binding */
	EXIT_LEFT = 4,		/* a create failed and so did its undo */
	EXIT_SIGNAL = 128,	/* + the signal that ended a create */
};

struct ctx {
	struct nl nl;
	bool connected;
	bool json, pretty;	/* devlink's -j and -p, anywhere on the line */
	/*
	 * What a command prints goes to @out, and reaches stdout only when
	 * the command succeeds (or for destroy, always: each line is done).
	 */
	FILE *out;
	struct json js;		/* on @out */
};

/* The devlink socket, opened once the command line is known good. */
int ctx_connect(struct ctx *ctx);

struct cmd {
	const char *name;
	int (*run)(struct ctx *ctx, int argc, char **argv);
	bool out_on_error;
};

int cmd_create(struct ctx *ctx, int argc, char **argv);
int cmd_list(struct ctx *ctx, int argc, char **argv);
int cmd_destroy(struct ctx *ctx, int argc, char **argv);
int cmd_port(struct ctx *ctx, int argc, char **argv);

void usage(FILE *f);
/* devlink's keyword rule: a non-empty prefix of @kw stands for it. */
bool kw_match(const char *arg, const char *kw);
/* One line on stderr; returns @status. */
int fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A number argument of @key in @min..@max, or one line saying why not. */
int arg_u32(const char *key, const char *val, uint32_t min, uint32_t max,
	    uint32_t *out);
/* The kernel's refusal of @what: its extack message, else strerror. */
int kernel_fail(struct ctx *ctx, int err, const char *what);

#endif
