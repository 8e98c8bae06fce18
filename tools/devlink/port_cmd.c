// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf port: devlink's own syntax for port add/del/show and port
 * function set ... state, so an operator can switch verbatim: keywords
 * may be shortened as devlink allows ("port fu se DEV/1 st active"), the
 * output is devlink's, text or JSON.  What differs: "port add" fills in
 * pfnum (the device's PCI function) when it is left out, which iproute2
 * 6.1 refuses before asking the kernel, and "port show DEV" lists one
 * device's ports.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/devlink.h>
#include "cmd.h"

/*
 * devlink's print_*(PRINT_ANY, key, fmt, value): a JSON member, or the
 * text as devlink formats it.
 */
static void out_str(struct ctx *ctx, const char *key, const char *fmt,
		    const char *val)
{
	if (ctx->json) {
		json_key(&ctx->js, key);
		json_str(&ctx->js, val);
	} else {
		fprintf(ctx->out, fmt, val);
	}
}

static void out_uint(struct ctx *ctx, const char *key, const char *fmt,
		     uint32_t val)
{
	if (ctx->json) {
		json_key(&ctx->js, key);
		json_uint(&ctx->js, val);
	} else {
		fprintf(ctx->out, fmt, val);
	}
}

static void out_bool(struct ctx *ctx, const char *key, const char *fmt,
		     bool val)
{
	if (ctx->json) {
		json_key(&ctx->js, key);
		json_bool(&ctx->js, val);
	} else {
		fprintf(ctx->out, fmt, val ? "true" : "false");
	}
}

/* The function nest: "  function:" and its line, or an object. */
static void port_fn_out(struct ctx *ctx, const struct dl_port *p)
{
	char mac[3 * sizeof(p->hw_addr)];
	unsigned int i, at = 0;

	if (ctx->json) {
		json_key(&ctx->js, "function");
		json_open(&ctx->js, '{');
	} else {
		fputs("\n  function:\n    ", ctx->out);
	}
	if (p->hw_addr_len) {
		for (i = 0; i < p->hw_addr_len; i++)
			at += snprintf(mac + at, sizeof(mac) - at, "%s%02x",
				       i ? ":" : "", p->hw_addr[i]);
		out_str(ctx, "hw_addr", "hw_addr %s", mac);
	}
	if (p->has_state)
		out_str(ctx, "state", " state %s", dl_state_name(p->state));
	if (p->has_opstate)
		out_str(ctx, "opstate", " opstate %s",
			dl_opstate_name(p->opstate));
	if (ctx->json)
		json_close(&ctx->js, '}');
}

/* The PF, VF and SF numbers of a PCI port. */
static void port_pci_out(struct ctx *ctx, const struct dl_port *p)
{
	if (p->has_controller)
		out_uint(ctx, "controller", " controller %u", p->controller);
	if (p->has_pfnum)
		out_uint(ctx, "pfnum", " pfnum %u", p->pfnum);
	if (p->has_vfnum)
		out_uint(ctx, "vfnum", " vfnum %u", p->vfnum);
	if (p->has_sfnum)
		out_uint(ctx, "sfnum", " sfnum %u", p->sfnum);
	if (p->has_external)
		out_bool(ctx, "external", " external %s", p->external);
}

/* A port as devlink 6.1's pr_out_port() prints it, attribute by attribute. */
static void port_out(struct ctx *ctx, const struct dl_port *p)
{
	if (ctx->json) {
		json_keyf(&ctx->js, "%s/%s/%u", p->dev.bus, p->dev.name,
			  p->index);
		json_open(&ctx->js, '{');
	} else {
		fprintf(ctx->out, "%s/%s/%u: ", p->dev.bus, p->dev.name,
			p->index);
	}
	if (p->has_type) {
		out_str(ctx, "type", "type %s", dl_type_name(p->type));
		if (p->has_des_type && p->des_type != p->type)
			out_str(ctx, "des_type", " des_type %s",
				dl_type_name(p->des_type));
	}
	if (p->netdev[0])
		out_str(ctx, "netdev", " netdev %s", p->netdev);
	if (p->ibdev[0])
		out_str(ctx, "ibdev", " ibdev %s", p->ibdev);
	if (p->has_flavour) {
		out_str(ctx, "flavour", " flavour %s",
			dl_flavour_name(p->flavour));
		if (p->flavour == DEVLINK_PORT_FLAVOUR_PCI_PF ||
		    p->flavour == DEVLINK_PORT_FLAVOUR_PCI_VF ||
		    p->flavour == DEVLINK_PORT_FLAVOUR_PCI_SF)
			port_pci_out(ctx, p);
	}
	if (p->has_lc)
		out_uint(ctx, "lc", " lc %u", p->lc);
	if (p->has_number)
		out_uint(ctx, "port", " port %u", p->number);
	if (p->has_split_group)
		out_uint(ctx, "split_group", " split_group %u", p->split_group);
	if (p->has_splittable)
		out_bool(ctx, "splittable", " splittable %s", p->splittable);
	if (p->has_lanes)
		out_uint(ctx, "lanes", " lanes %u", p->lanes);
	if (p->has_fn)
		port_fn_out(ctx, p);
	if (ctx->json)
		json_close(&ctx->js, '}');
	else
		fputc('\n', ctx->out);
}

/* devlink's frame: {"port":{ one member per port }} */
static void port_section(struct ctx *ctx, bool open)
{
	if (!ctx->json)
		return;
	if (open) {
		json_open(&ctx->js, '{');
		json_key(&ctx->js, "port");
		json_open(&ctx->js, '{');
	} else {
		json_close(&ctx->js, '}');
		json_close(&ctx->js, '}');
	}
}

static int show_cb(const struct dl_port *port, void *data)
{
	port_out(data, port);
	return 0;
}

/* port show [DEV[/PORT]] */
static int port_show(struct ctx *ctx, int argc, char **argv)
{
	struct dl_port port;
	struct dl_dev dev;
	uint32_t index;
	bool is_port;
	int ret;

	if (argc > 1)
		return fail(EXIT_USAGE, "port show: unexpected \"%s\"", argv[1]);
	is_port = argc && !dl_port_handle_parse(argv[0], &dev, &index);
	if (argc && !is_port && dl_dev_parse(argv[0], &dev))
		return fail(EXIT_USAGE, "\"%s\" is neither DEV nor DEV/PORT (e.g. pci/0000:00:0a.0/1)",
			    argv[0]);
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	port_section(ctx, true);
	if (is_port) {
		ret = dl_port_get(&ctx->nl, &dev, index, &port);
		if (!ret)
			show_cb(&port, ctx);
	} else {
		/* the kernel dumps the one instance, or says it has none */
		ret = dl_port_dump(&ctx->nl, argc ? &dev : NULL, show_cb, ctx);
	}
	port_section(ctx, false);
	return ret ? kernel_fail(ctx, ret, "port show") : EXIT_OK;
}

struct add_opts {
	struct dl_dev dev;
	bool has_index, has_flavour, has_pfnum, has_sfnum, has_controller;
	uint32_t index, pfnum, sfnum, controller;
	uint16_t flavour;
};

/* The keywords of port add, in the order devlink tries them. */
static int port_add_parse(int argc, char **argv, struct add_opts *o)
{
	int i, ret = EXIT_OK;

	memset(o, 0, sizeof(*o));
	if (argc < 1)
		return fail(EXIT_USAGE, "port add: DEV (e.g. pci/0000:00:0a.0) is expected");
	/* devlink takes DEV/PORT too: the kernel says what it makes of it */
	o->has_index = !dl_port_handle_parse(argv[0], &o->dev, &o->index);
	if (!o->has_index && dl_dev_parse(argv[0], &o->dev))
		return fail(EXIT_USAGE, "port add: DEV (e.g. pci/0000:00:0a.0) is expected");
	for (i = 1; i < argc && !ret; i += 2) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (kw_match(argv[i], "flavour")) {
			if (!val || dl_flavour_parse(val, &o->flavour))
				return fail(EXIT_USAGE, "flavour \"%s\": unknown",
					    val ? val : "");
			o->has_flavour = true;
		} else if (kw_match(argv[i], "pfnum")) {
			ret = arg_u32("pfnum", val, 0, UINT16_MAX, &o->pfnum);
			o->has_pfnum = true;
		} else if (kw_match(argv[i], "sfnum")) {
			ret = arg_u32("sfnum", val, 0, UINT32_MAX, &o->sfnum);
			o->has_sfnum = true;
		} else if (kw_match(argv[i], "controller")) {
			ret = arg_u32("controller", val, 0, UINT32_MAX,
				      &o->controller);
			o->has_controller = true;
		} else {
			return fail(EXIT_USAGE, "port add: unknown option \"%s\"",
				    argv[i]);
		}
	}
	if (ret)
		return ret;
	if (!o->has_flavour)
		return fail(EXIT_USAGE, "port add: flavour is expected (pcisf)");
	return EXIT_OK;
}

/* port add DEV[/PORT] flavour FLAVOUR [pfnum N] [sfnum N] [controller N] */
static int port_add(struct ctx *ctx, int argc, char **argv)
{
	struct dl_port_new req = { };
	struct add_opts o;
	struct dl_port port;
	uint16_t pf16;
	int ret;

	ret = port_add_parse(argc, argv, &o);
	if (ret)
		return ret;
	if (!o.has_pfnum) {
		if (dl_pfnum(&o.dev, &pf16))
			return fail(EXIT_USAGE, "port add: pfnum is expected (%s is not a PCI address)",
				    o.dev.name);
		o.pfnum = pf16;
	}
	req.flavour = o.flavour;
	req.pfnum = o.pfnum;
	req.sfnum = o.has_sfnum ? &o.sfnum : NULL;
	req.index = o.has_index ? &o.index : NULL;
	req.controller = o.has_controller ? &o.controller : NULL;
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	ret = dl_port_add(&ctx->nl, &o.dev, &req, &port);
	if (ret)
		return kernel_fail(ctx, ret, "port add");
	port_section(ctx, true);
	show_cb(&port, ctx);
	port_section(ctx, false);
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
static int port_function_set(struct ctx *ctx, int argc, char **argv)
{
	struct dl_dev dev;
	uint32_t index;
	uint8_t state;
	int ret;

	if (argc < 1 || dl_port_handle_parse(argv[0], &dev, &index))
		return fail(EXIT_USAGE, "port function set: DEV/PORT (e.g. pci/0000:00:0a.0/1) is expected");
	if (argc != 3 || !kw_match(argv[1], "state"))
		return fail(EXIT_USAGE, "port function set: only \"state {active|inactive}\" is known to dsa-sf");
	if (!strcmp(argv[2], "active"))
		state = DEVLINK_PORT_FN_STATE_ACTIVE;
	else if (!strcmp(argv[2], "inactive"))
		state = DEVLINK_PORT_FN_STATE_INACTIVE;
	else
		return fail(EXIT_USAGE, "state \"%s\": active or inactive is expected",
			    argv[2]);
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	ret = dl_port_set_state(&ctx->nl, &dev, index, state);
	return ret ? kernel_fail(ctx, ret, "port function set") : EXIT_OK;
}

static int port_function(struct ctx *ctx, int argc, char **argv)
{
	if (argc && kw_match(argv[0], "set"))
		return port_function_set(ctx, argc - 1, argv + 1);
	return fail(EXIT_USAGE, "port function: set DEV/PORT state {active|inactive} is expected");
}

/* devlink's port commands, tried in devlink's order. */
int cmd_port(struct ctx *ctx, int argc, char **argv)
{
	static const char *const devlink_only[] = {
		"set", "split", "unsplit", "param"
	};
	unsigned int i;

	/* devlink's help goes to stderr, and is no failure */
	if (argc && kw_match(argv[0], "help")) {
		usage(stderr);
		return EXIT_OK;
	}
	if (!argc || kw_match(argv[0], "show") || kw_match(argv[0], "list"))
		return port_show(ctx, argc ? argc - 1 : 0, argv + 1);
	for (i = 0; i < ARRAY_SIZE(devlink_only); i++)
		if (kw_match(argv[0], devlink_only[i]))
			return fail(EXIT_USAGE, "port %s: not for subfunctions; use devlink",
				    devlink_only[i]);
	if (kw_match(argv[0], "function"))
		return port_function(ctx, argc - 1, argv + 1);
	if (kw_match(argv[0], "add"))
		return port_add(ctx, argc - 1, argv + 1);
	if (kw_match(argv[0], "del"))
		return port_del(ctx, argc - 1, argv + 1);
	return fail(EXIT_USAGE, "port: unknown command \"%s\"", argv[0]);
}
