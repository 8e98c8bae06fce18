// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf: DSA subfunctions for operators, over devlink generic netlink.
 *
 *   dsa-sf [-j] [-p] create DEV [--sfnum N] [--count N] [--activate]
 *                               [--bind vfio]
 *   dsa-sf [-j] [-p] list
 *   dsa-sf destroy DEV/PORT | --all
 *   dsa-sf [-j] [-p] port ...	devlink's port add/del/show/function set
 *
 * Exit status: 0 done, 1 bad usage or input (nothing was asked of the
 * kernel), 2 the kernel refused (its message is printed), 3 the system
 * failed us (no devlink, sysfs, binding), 4 a create failed and could
 * not delete all it made, 128+N a create ended by signal N (what it made
 * is deleted).  See dsa-sf.8.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

void usage(FILE *f)
{
	fputs("usage: dsa-sf [-j] [-p] create DEV [--sfnum N] [--count N] [--activate] [--bind vfio]\n"
	      "       dsa-sf [-j] [-p] list\n"
	      "       dsa-sf destroy DEV/PORT | --all\n"
	      "       dsa-sf [-j] [-p] port show [DEV[/PORT]]\n"
	      "       dsa-sf [-j] [-p] port add DEV flavour FLAVOUR [pfnum N] [sfnum N]\n"
	      "       dsa-sf port del DEV/PORT\n"
	      "       dsa-sf port function set DEV/PORT state {active|inactive}\n"
	      "  -j, --json    JSON out, as devlink -j; -p, --pretty: indented\n",
	      f);
}

static const struct cmd cmds[] = {
	{ "create", cmd_create, false },
	{ "list", cmd_list, false },
	{ "destroy", cmd_destroy, true },
	{ "port", cmd_port, false },
};

bool kw_match(const char *arg, const char *kw)
{
	size_t n = strlen(arg);

	return n && n <= strlen(kw) && !strncmp(arg, kw, n);
}

int fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("dsa-sf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int kernel_fail(struct ctx *ctx, int err, const char *what)
{
	if (ctx->nl.extack[0])
		return fail(EXIT_KERNEL, "%s: %s", what, ctx->nl.extack);
	return fail(EXIT_KERNEL, "%s: %s", what, strerror(-err));
}

int arg_u32(const char *key, const char *val, uint32_t min, uint32_t max,
	    uint32_t *out)
{
	int ret;

	if (!val)
		return fail(EXIT_USAGE, "%s: a number is expected", key);
	ret = parse_u32(val, max, out);
	if (ret == -ERANGE || (!ret && *out < min))
		return fail(EXIT_USAGE, "%s %s: out of range (%u..%u)", key,
			    val, min, max);
	if (ret)
		return fail(EXIT_USAGE, "%s \"%s\": not a number", key, val);
	return EXIT_OK;
}

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

/* A global flag of devlink's: -j, -p, --json, --pretty, or "-jp". */
static bool global_flag(struct ctx *ctx, const char *arg)
{
	const char *c;

	if (!strcmp(arg, "--json") || !strcmp(arg, "--pretty")) {
		ctx->json |= arg[2] == 'j';
		ctx->pretty |= arg[2] == 'p';
		return true;
	}
	if (arg[0] != '-' || !arg[1] || strspn(arg + 1, "jp") != strlen(arg + 1))
		return false;
	for (c = arg + 1; *c; c++) {
		ctx->json |= *c == 'j';
		ctx->pretty |= *c == 'p';
	}
	return true;
}

/* Takes the global flags out of @argv, wherever they are (as getopt). */
static int global_flags(struct ctx *ctx, int argc, char **argv)
{
	int i, n = 1;

	for (i = 1; i < argc; i++)
		if (!global_flag(ctx, argv[i]))
			argv[n++] = argv[i];
	argv[n] = NULL;
	return n;
}

static int run(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	size_t len = 0;
	char *buf = NULL;
	int ret;

	ctx->out = open_memstream(&buf, &len);
	if (!ctx->out)
		return fail(EXIT_SYSTEM, "out of memory");
	json_init(&ctx->js, ctx->out, ctx->pretty);
	ret = cmd->run(ctx, argc, argv);
	if (ctx->connected)
		nl_close(&ctx->nl);
	if (fclose(ctx->out))
		ret = fail(EXIT_SYSTEM, "out of memory");
	else if (!ret || cmd->out_on_error)
		fwrite(buf, 1, len, stdout);
	free(buf);
	if (fflush(stdout) && !ret)
		ret = fail(EXIT_SYSTEM, "stdout: %s", strerror(errno));
	return ret;
}

int main(int argc, char **argv)
{
	struct ctx ctx = { };
	unsigned int i;

	argc = global_flags(&ctx, argc, argv);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		/* "port" is devlink's keyword: it may be shortened */
		if (!strcmp(argv[1], cmds[i].name) ||
		    (cmds[i].run == cmd_port && kw_match(argv[1], "port")))
			return run(&ctx, &cmds[i], argc - 2, argv + 2);
	}
	return fail(EXIT_USAGE, "unknown command \"%s\" (dsa-sf --help)",
		    argv[1]);
}
