// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf: DSA subfunctions for operators, over devlink generic netlink.
 *
 *   dsa-sf create DEV [--sfnum N] [--count N] [--activate] [--bind vfio]
 *   dsa-sf list [--json]
 *   dsa-sf destroy DEV/PORT | --all
 *   dsa-sf port add DEV flavour FLAVOUR [pfnum N] [sfnum N]
 *   dsa-sf port del DEV/PORT
 *   dsa-sf port show [DEV[/PORT]] [-j]
 *   dsa-sf port function set DEV/PORT state {active|inactive}
 *
 * Exit status: 0 done, 1 bad usage or input (nothing was asked of the
 * kernel), 2 the kernel refused (its message is printed), 3 the system
 * failed us (no devlink, sysfs, binding).  See dsa-sf.8.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/devlink.h>
#include "cmd.h"

static void usage(FILE *f)
{
	fputs("usage: dsa-sf create DEV [--sfnum N] [--count N] [--activate] [--bind vfio]\n"
	      "       dsa-sf list [--json]\n"
	      "       dsa-sf destroy DEV/PORT | --all\n"
	      "       dsa-sf port add DEV flavour FLAVOUR [pfnum N] [sfnum N]\n"
	      "       dsa-sf port del DEV/PORT\n"
	      "       dsa-sf port show [DEV[/PORT]] [-j]\n"
	      "       dsa-sf port function set DEV/PORT state {active|inactive}\n",
	      f);
}

static const struct cmd cmds[] = {
	{ "create", cmd_create },
	{ "list", cmd_list },
	{ "destroy", cmd_destroy },
	{ "port", cmd_port },
};

int ctx_connect(struct ctx *ctx)
{
	int ret;

	if (ctx->connected)
		return EXIT_OK;
	ret = nl_open(&ctx->nl);
	if (ret)
		return fail(EXIT_SYSTEM, "no devlink in this kernel: %s",
			    strerror(-ret));
	ctx->connected = true;
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct ctx ctx = { };
	unsigned int i;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		ret = cmds[i].run(&ctx, argc - 2, argv + 2);
		if (ctx.connected)
			nl_close(&ctx.nl);
		return ret;
	}
	return fail(EXIT_USAGE, "unknown command \"%s\" (dsa-sf --help)",
		    argv[1]);
}
