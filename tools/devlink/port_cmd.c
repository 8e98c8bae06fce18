// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf port: devlink's own syntax for port add/del/show and port
 * function set ... state, so an operator can switch verbatim.  What
 * differs: "port add" fills in pfnum (the device's PCI function) when it
 * is left out, which iproute2 6.1 refuses before asking the kernel.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/devlink.h>
#include "cmd.h"

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

static void port_print(const struct dl_port *p, bool json, bool *first)
{
	if (json) {
		printf("%s\"%s/%s/%u\":{\"flavour\":\"%s\",\"pfnum\":%u",
		       *first ? "" : ",", p->dev.bus, p->dev.name, p->index,
		       dl_flavour_name(p->flavour), p->pfnum);
		if (p->has_sfnum)
			printf(",\"sfnum\":%u", p->sfnum);
		if (p->has_fn)
			printf(",\"function\":{\"state\":\"%s\",\"opstate\":\"%s\"}",
			       dl_state_name(p->state),
			       dl_opstate_name(p->opstate));
		putchar('}');
	} else {
		printf("%s/%s/%u: flavour %s pfnum %u", p->dev.bus,
		       p->dev.name, p->index, dl_flavour_name(p->flavour),
		       p->pfnum);
		if (p->has_sfnum)
			printf(" sfnum %u", p->sfnum);
		putchar('\n');
		if (p->has_fn)
			printf("  function:\n    state %s opstate %s\n",
			       dl_state_name(p->state),
			       dl_opstate_name(p->opstate));
	}
	*first = false;
}

struct show_data {
	bool json, first;
};

static int show_cb(const struct dl_port *port, void *data)
{
	struct show_data *d = data;

	port_print(port, d->json, &d->first);
	return 0;
}

/* port show [DEV[/PORT]] [-j | --json] */
static int port_show(struct ctx *ctx, int argc, char **argv)
{
	struct show_data d = { .first = true };
	const char *handle = NULL;
	struct dl_port port;
	struct dl_dev dev;
	uint32_t index;
	bool is_port;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			d.json = true;
		else if (!handle)
			handle = argv[i];
		else
			return fail(EXIT_USAGE, "port show: unexpected \"%s\"",
				    argv[i]);
	}
	is_port = handle && !dl_port_handle_parse(handle, &dev, &index);
	if (handle && !is_port && dl_dev_parse(handle, &dev))
		return fail(EXIT_USAGE, "\"%s\" is neither DEV nor DEV/PORT (e.g. pci/0000:00:0a.0/1)",
			    handle);
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	if (is_port) {
		ret = dl_port_get(&ctx->nl, &dev, index, &port);
		if (!ret) {
			if (d.json)
				printf("{\"port\":{");
			port_print(&port, d.json, &d.first);
		}
	} else {
		/* a dump's ports go out as they come: the braces follow */
		if (d.json)
			printf("{\"port\":{");
		ret = dl_port_dump(&ctx->nl, handle ? &dev : NULL, show_cb,
				   &d);
	}
	if (d.json && (!ret || !is_port))
		printf("}}\n");
	return ret ? kernel_fail(ctx, ret, "port show") : EXIT_OK;
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

/* port add DEV flavour FLAVOUR [pfnum N] [sfnum N] */
static int port_add(struct ctx *ctx, int argc, char **argv)
{
	bool has_flavour = false, has_sfnum = false, first = true;
	uint32_t pfnum = UINT32_MAX, sfnum;
	uint16_t flavour, pf16;
	struct dl_port port;
	struct dl_dev dev;
	int i, ret;

	if (argc < 1 || dl_dev_parse(argv[0], &dev))
		return fail(EXIT_USAGE, "port add: DEV (e.g. pci/0000:00:0a.0) is expected");
	for (i = 1; i < argc; i += 2) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "flavour")) {
			if (!val || dl_flavour_parse(val, &flavour))
				return fail(EXIT_USAGE, "flavour \"%s\": unknown",
					    val ? val : "");
			has_flavour = true;
		} else if (!strcmp(argv[i], "pfnum")) {
			ret = arg_u32("pfnum", val, 0, UINT16_MAX, &pfnum);
			if (ret)
				return ret;
		} else if (!strcmp(argv[i], "sfnum")) {
			ret = arg_u32("sfnum", val, 0, UINT32_MAX, &sfnum);
			if (ret)
				return ret;
			has_sfnum = true;
		} else {
			return fail(EXIT_USAGE, "port add: unknown option \"%s\"",
				    argv[i]);
		}
	}
	if (!has_flavour)
		return fail(EXIT_USAGE, "port add: flavour is expected (pcisf)");
	if (pfnum == UINT32_MAX) {
		if (dl_pfnum(&dev, &pf16))
			return fail(EXIT_USAGE, "port add: pfnum is expected (%s is not a PCI address)",
				    dev.name);
		pfnum = pf16;
	}
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	ret = dl_port_add(&ctx->nl, &dev, flavour, pfnum,
			  has_sfnum ? &sfnum : NULL, &port);
	if (ret)
		return kernel_fail(ctx, ret, "port add");
	port_print(&port, false, &first);
	return EXIT_OK;
}

/* port del DEV/PORT */
static int port_del(struct ctx *ctx, int argc, char **argv)
{
	struct dl_dev dev;
	uint32_t index;
	int ret;

	if (argc != 1 || dl_port_handle_parse(argv[0], &dev, &index))
		return fail(EXIT_USAGE, "port del: DEV/PORT (e.g. pci/0000:00:0a.0/1) is expected");
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	ret = dl_port_del(&ctx->nl, &dev, index);
	return ret ? kernel_fail(ctx, ret, "port del") : EXIT_OK;
}

/* port function set DEV/PORT state {active|inactive} */
static int port_function(struct ctx *ctx, int argc, char **argv)
{
	struct dl_dev dev;
	uint32_t index;
	uint8_t state;
	int ret;

	if (argc != 4 || strcmp(argv[0], "set") ||
	    dl_port_handle_parse(argv[1], &dev, &index) ||
	    strcmp(argv[2], "state"))
		return fail(EXIT_USAGE, "port function: set DEV/PORT state {active|inactive} is expected");
	if (!strcmp(argv[3], "active"))
		state = DEVLINK_PORT_FN_STATE_ACTIVE;
	else if (!strcmp(argv[3], "inactive"))
		state = DEVLINK_PORT_FN_STATE_INACTIVE;
	else
		return fail(EXIT_USAGE, "state \"%s\": active or inactive is expected",
			    argv[3]);
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	ret = dl_port_set_state(&ctx->nl, &dev, index, state);
	return ret ? kernel_fail(ctx, ret, "port function set") : EXIT_OK;
}

int cmd_port(struct ctx *ctx, int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return port_show(ctx, argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "add"))
		return port_add(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[0], "del"))
		return port_del(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[0], "function"))
		return port_function(ctx, argc - 1, argv + 1);
	return fail(EXIT_USAGE, "port: unknown command \"%s\"", argv[0]);
}
