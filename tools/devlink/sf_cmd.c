// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf create, list and destroy: SF ports joined with what sysfs says
 * of their auxiliary devices (driver, PASID, WQ, VFIO group).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/devlink.h>
#include "cmd.h"

#define SF_MAX_COUNT	1024

struct create_opts {
	struct dl_dev dev;
	uint16_t pfnum;
	uint32_t sfnum, count;
	bool has_sfnum, activate, bind;
};

static int create_parse(int argc, char **argv, struct create_opts *o)
{
	int i, ret;

	memset(o, 0, sizeof(*o));
	o->count = 1;
	if (argc < 1 || dl_dev_parse(argv[0], &o->dev))
		return fail(EXIT_USAGE, "create: DEV (e.g. pci/0000:00:0a.0) is expected");
	if (dl_pfnum(&o->dev, &o->pfnum))
		return fail(EXIT_USAGE, "create: %s is not a PCI device (pci/DDDD:BB:DD.F)",
			    argv[0]);
	if (!sf_dev_is_idxd(&o->dev))
		return fail(EXIT_USAGE, "create: %s is not a device the idxd driver drives",
			    argv[0]);
	for (i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--activate")) {
			o->activate = true;
		} else if (!strcmp(argv[i], "--bind")) {
			if (!val || strcmp(val, "vfio"))
				return fail(EXIT_USAGE, "--bind \"%s\": only vfio is known",
					    val ? val : "");
			o->bind = o->activate = true;
			i++;
		} else if (!strcmp(argv[i], "--sfnum")) {
			ret = arg_u32("--sfnum", val, 0, UINT32_MAX, &o->sfnum);
			if (ret)
				return ret;
			o->has_sfnum = true;
			i++;
		} else if (!strcmp(argv[i], "--count")) {
			ret = arg_u32("--count", val, 1, SF_MAX_COUNT, &o->count);
			if (ret)
				return ret;
			i++;
		} else {
			return fail(EXIT_USAGE, "create: unknown option \"%s\"",
				    argv[i]);
		}
	}
	if (o->has_sfnum && o->sfnum > UINT32_MAX - (o->count - 1))
		return fail(EXIT_USAGE, "--sfnum %u --count %u: past the last sfnum",
			    o->sfnum, o->count);
	return EXIT_OK;
}

/* A signal that asks a create to stop: it undoes what it made, then exits. */
static volatile sig_atomic_t create_stop;

static void create_signal(int sig)
{
	create_stop = sig;
}

/*
 * SA_RESTART: a netlink exchange or a modprobe the signal lands in runs
 * to its end, so no port is made without dsa-sf knowing its index.
 */
static void create_catch(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = create_signal,
				.sa_flags = SA_RESTART };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* One SF as made: its port, and once active its device for QEMU. */
static void create_text(FILE *f, const struct dl_port *p,
			const struct sf_aux *aux)
{
	fprintf(f, "port %s/%s/%u sfnum %u", p->dev.bus, p->dev.name,
		p->index, p->sfnum);
	if (aux && aux->name[0]) {
		fprintf(f, " device %s driver %s", aux->name,
			aux->driver[0] ? aux->driver : "none");
		if (aux->group >= 0)
			fprintf(f, " vfio /dev/vfio/%d", aux->group);
	}
	fputc('\n', f);
	if (aux && aux->group >= 0 && !strcmp(aux->driver, SF_VFIO_DRIVER))
		fprintf(f, "  qemu: -device vfio-pci,sysfsdev=" SF_AUX_DIR "/%s\n",
			aux->name);
}

/* What sysfs says of an SF's device, as JSON members. */
static void aux_json(struct json *j, const struct sf_aux *a)
{
	json_key(j, "device");
	json_str(j, a->name);
	json_key(j, "driver");
	if (a->driver[0])
		json_str(j, a->driver);
	else
		json_null(j);
	json_key(j, "pasid");
	json_int(j, a->pasid);
	json_key(j, "wq");
	json_int(j, a->wq);
	json_key(j, "vfio_group");
	json_int(j, a->group);
}

/* An SF's object opened, with its port and sfnum. */
static void sf_json_open(struct json *j, const struct dl_port *p)
{
	json_open(j, '{');
	json_key(j, "port");
	json_strf(j, "%s/%s/%u", p->dev.bus, p->dev.name, p->index);
	json_key(j, "sfnum");
	json_uint(j, p->sfnum);
}

static void create_json(struct json *j, const struct dl_port *p,
			const struct sf_aux *aux)
{
	sf_json_open(j, p);
	if (aux && aux->name[0]) {
		aux_json(j, aux);
		if (aux->group >= 0 && !strcmp(aux->driver, SF_VFIO_DRIVER)) {
			json_key(j, "qemu");
			json_strf(j, "-device vfio-pci,sysfsdev=" SF_AUX_DIR "/%s",
				  aux->name);
		}
	}
	json_close(j, '}');
}

/* Activate and bind one SF the way @o asks. */
static int create_up(struct ctx *ctx, const struct create_opts *o,
		     struct dl_port *port, struct sf_aux *aux)
{
	int ret;

	ret = dl_port_set_state(&ctx->nl, &o->dev, port->index,
				DEVLINK_PORT_FN_STATE_ACTIVE);
	if (ret)
		return kernel_fail(ctx, ret, "activate");
	if (sf_aux_find(port, aux))
		return fail(EXIT_SYSTEM, "port %u is active, but no idxd.sf.* device says sfnum %u",
			    port->index, port->sfnum);
	if (!o->bind)
		return EXIT_OK;
	ret = sf_aux_bind(aux, SF_VFIO_DRIVER, SF_VFIO_MODULE);
	if (ret)
		return fail(EXIT_SYSTEM, "bind %s to %s: %s", aux->name,
			    SF_VFIO_DRIVER, strerror(-ret));
	/* the group appears once the VFIO driver has it */
	if (sf_aux_find(port, aux) || strcmp(aux->driver, SF_VFIO_DRIVER) ||
	    aux->group < 0)
		return fail(EXIT_SYSTEM, "%s: not bound to %s with a VFIO group after the bind (driver \"%s\")",
			    aux->name, SF_VFIO_DRIVER, aux->driver);
	return EXIT_OK;
}

/* A port this run made, as it made it. */
struct made {
	uint32_t index, sfnum;
};

/*
 * Whether port @m is still the one this run made: 1, 0 if it is gone
 * (the driver reuses indexes, and another operator may have deleted ours
 * and made theirs), or the error that kept us from knowing.  Only the
 * sfnum tells SFs apart; a port deleted and made again with the same
 * sfnum and index between this check and the delete cannot be told.
 */
static int made_is_ours(struct ctx *ctx, const struct dl_dev *dev,
			const struct made *m)
{
	struct dl_port now;
	int ret;

	ret = dl_port_get(&ctx->nl, dev, m->index, &now);
	if (ret == -ENODEV)
		return 0;
	if (ret)
		return ret;
	return now.has_sfnum && now.sfnum == m->sfnum;
}

/*
 * Undo what a failed create made: deactivated, deleted, newest first.
 * What cannot be deleted is listed, and the status says so.
 */
static int create_undo(struct ctx *ctx, const struct create_opts *o,
		       const struct made *made, uint32_t n, int status)
{
	uint32_t left = 0;
	int ret;

	if (n)
		fprintf(stderr, "dsa-sf: deleting the %u port%s this run made\n",
			n, n == 1 ? "" : "s");
	while (n--) {
		ret = made_is_ours(ctx, &o->dev, &made[n]);
		if (!ret) {
			fprintf(stderr, "dsa-sf: port %u (sfnum %u) is gone already\n",
				made[n].index, made[n].sfnum);
			continue;
		}
		if (ret == 1) {
			dl_port_set_state(&ctx->nl, &o->dev, made[n].index,
					  DEVLINK_PORT_FN_STATE_INACTIVE);
			ret = dl_port_del(&ctx->nl, &o->dev, made[n].index);
			if (!ret)
				continue;
		}
		fprintf(stderr, "dsa-sf: left behind: %s/%s/%u (%s)\n",
			o->dev.bus, o->dev.name, made[n].index,
			ctx->nl.extack[0] ? ctx->nl.extack : strerror(-ret));
		left++;
	}
	return left ? EXIT_LEFT : status;
}

/* One SF: added, then activated and bound as @o asks; @made grows. */
static int create_one(struct ctx *ctx, const struct create_opts *o,
		      uint32_t n, struct made *made, uint32_t *nmade)
{
	struct dl_port_new req = { .flavour = DEVLINK_PORT_FLAVOUR_PCI_SF };
	uint32_t sfnum = o->sfnum + n;
	struct dl_port port;
	struct sf_aux aux;
	int ret;

	req.pfnum = o->pfnum;
	req.sfnum = o->has_sfnum ? &sfnum : NULL;
	ret = dl_port_add(&ctx->nl, &o->dev, &req, &port);
	if (ret && ctx->nl.acked)
		return fail(EXIT_LEFT, "port add: the kernel made a port, but its reply is unreadable (%s): see dsa-sf list",
			    strerror(-ret));
	if (ret)
		return kernel_fail(ctx, ret, "port add");
	made[*nmade].index = port.index;
	made[(*nmade)++].sfnum = port.sfnum;
	memset(&aux, 0, sizeof(aux));
	if (o->activate) {
		ret = create_up(ctx, o, &port, &aux);
		if (ret)
			return ret;
	}
	if (ctx->json)
		create_json(&ctx->js, &port, o->activate ? &aux : NULL);
	else
		create_text(ctx->out, &port, o->activate ? &aux : NULL);
	return EXIT_OK;
}

/*
 * create DEV [--sfnum N] [--count N] [--activate] [--bind vfio]: all
 * over one socket.  If one fails, or a signal asks to stop, what this
 * run made is deleted again and nothing goes to stdout.
 */
int cmd_create(struct ctx *ctx, int argc, char **argv)
{
	uint32_t n, nmade = 0;
	struct create_opts o;
	struct made *made;
	bool lost;
	int ret;

	ret = create_parse(argc, argv, &o);
	if (ret)
		return ret;
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	/* stdout says what each SF got: "sfnum N assigned" is no news */
	ctx->nl.quiet = true;
	made = calloc(o.count, sizeof(*made));
	if (!made)
		return fail(EXIT_SYSTEM, "out of memory");
	create_catch();
	if (ctx->json) {
		json_open(&ctx->js, '{');
		json_key(&ctx->js, "sf");
		json_open(&ctx->js, '[');
	}
	for (n = 0; n < o.count && !ret && !create_stop; n++)
		ret = create_one(ctx, &o, n, made, &nmade);
	/* a port made but not known to us: the undo cannot take it */
	lost = ret == EXIT_LEFT;
	/* a signal wins: the step it cut short may have failed of it */
	if (create_stop)
		ret = fail(EXIT_SIGNAL + create_stop, "%s: stopping",
			   strsignal(create_stop));
	if (ctx->json) {
		json_close(&ctx->js, ']');
		json_close(&ctx->js, '}');
	}
	if (ret)
		ret = create_undo(ctx, &o, made, nmade, ret);
	free(made);
	return lost ? EXIT_LEFT : ret;
}

struct list_data {
	struct ctx *ctx;
	bool header;
};

static void list_json(struct json *j, const struct dl_port *p,
		      const struct sf_aux *a)
{
	sf_json_open(j, p);
	json_key(j, "state");
	json_str(j, dl_state_name(p->state));
	json_key(j, "opstate");
	json_str(j, dl_opstate_name(p->opstate));
	if (a->name[0])
		aux_json(j, a);
	json_close(j, '}');
}

static void list_text(FILE *f, const struct dl_port *p,
		      const struct sf_aux *a, bool header)
{
	char handle[160];

	if (header)
		fprintf(f, "%-22s %6s %-8s %-8s %-12s %-14s %5s %3s %5s\n",
			"PORT", "SFNUM", "STATE", "OPSTATE", "DEVICE", "DRIVER",
			"PASID", "WQ", "GROUP");
	snprintf(handle, sizeof(handle), "%s/%s/%u", p->dev.bus, p->dev.name,
		 p->index);
	fprintf(f, "%-22s %6u %-8s %-8s %-12s %-14s %5d %3d %5d\n", handle,
		p->sfnum, dl_state_name(p->state), dl_opstate_name(p->opstate),
		a->name[0] ? a->name : "-", a->driver[0] ? a->driver : "-",
		a->pasid, a->wq, a->group);
}

/* Our SFs: PCI SF ports of a device the idxd driver drives. */
static bool sf_port_is_ours(const struct dl_port *p)
{
	return p->has_flavour && p->flavour == DEVLINK_PORT_FLAVOUR_PCI_SF &&
	       sf_dev_is_idxd(&p->dev);
}

static int list_cb(const struct dl_port *p, void *data)
{
	struct list_data *d = data;
	struct sf_aux a;

	if (!sf_port_is_ours(p))
		return 0;
	sf_aux_find(p, &a);
	if (d->ctx->json)
		list_json(&d->ctx->js, p, &a);
	else
		list_text(d->ctx->out, p, &a, d->header);
	d->header = false;
	return 0;
}

/* list: every SF port of every device */
int cmd_list(struct ctx *ctx, int argc, char **argv)
{
	struct list_data d = { ctx, true };
	int ret;

	if (argc)
		return fail(EXIT_USAGE, "list: unexpected \"%s\" (only -j, -p are known)",
			    argv[0]);
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	if (ctx->json) {
		json_open(&ctx->js, '{');
		json_key(&ctx->js, "sf");
		json_open(&ctx->js, '[');
	}
	ret = dl_port_dump(&ctx->nl, NULL, list_cb, &d);
	if (ctx->json) {
		json_close(&ctx->js, ']');
		json_close(&ctx->js, '}');
	}
	return ret ? kernel_fail(ctx, ret, "list") : EXIT_OK;
}

/* One SF port gone: deactivated first if it is active. */
static int destroy_one(struct ctx *ctx, const struct dl_port *p)
{
	int ret;

	if (p->has_state && p->state == DEVLINK_PORT_FN_STATE_ACTIVE) {
		ret = dl_port_set_state(&ctx->nl, &p->dev, p->index,
					DEVLINK_PORT_FN_STATE_INACTIVE);
		if (ret)
			return kernel_fail(ctx, ret, "deactivate");
	}
	ret = dl_port_del(&ctx->nl, &p->dev, p->index);
	if (ret)
		return kernel_fail(ctx, ret, "port del");
	fprintf(ctx->out, "deleted %s/%s/%u\n", p->dev.bus, p->dev.name,
		p->index);
	return EXIT_OK;
}

/*
 * A port of the dump, deleted if it is still that SF: the driver reuses
 * indexes, and the dump may be stale by now.
 */
static int destroy_again(struct ctx *ctx, const struct dl_port *p)
{
	struct dl_port now;
	int ret;

	ret = dl_port_get(&ctx->nl, &p->dev, p->index, &now);
	if (ret && ret != -ENODEV)
		return kernel_fail(ctx, ret, "port show");
	if (ret || !now.has_sfnum || now.sfnum != p->sfnum) {
		fprintf(stderr, "dsa-sf: %s/%s/%u (sfnum %u) is gone already\n",
			p->dev.bus, p->dev.name, p->index, p->sfnum);
		return EXIT_OK;
	}
	return destroy_one(ctx, &now);
}

struct sf_list {
	struct dl_port *port;
	unsigned int n, size;
};

static int collect_cb(const struct dl_port *p, void *data)
{
	struct sf_list *l = data;
	struct dl_port *grown;

	if (!sf_port_is_ours(p))
		return 0;
	if (l->n == l->size) {
		grown = realloc(l->port, (l->size * 2 + 8) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		l->port = grown;
		l->size = l->size * 2 + 8;
	}
	l->port[l->n++] = *p;
	return 0;
}

/* destroy DEV/PORT | --all */
int cmd_destroy(struct ctx *ctx, int argc, char **argv)
{
	struct sf_list l = { };
	struct dl_port port;
	struct dl_dev dev;
	unsigned int i;
	uint32_t index;
	int ret, worst = EXIT_OK;

	if (argc != 1 || (strcmp(argv[0], "--all") &&
			  dl_port_handle_parse(argv[0], &dev, &index)))
		return fail(EXIT_USAGE, "destroy: DEV/PORT (e.g. pci/0000:00:0a.0/1) or --all is expected");
	if (ctx->json)
		return fail(EXIT_USAGE, "destroy: no JSON out (it prints the ports it deletes)");
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	if (!strcmp(argv[0], "--all")) {
		/* the dump first: the kernel's walk must not see us delete */
		ret = dl_port_dump(&ctx->nl, NULL, collect_cb, &l);
		if (ret) {
			free(l.port);
			return kernel_fail(ctx, ret, "list");
		}
		for (i = 0; i < l.n; i++) {
			ret = destroy_again(ctx, &l.port[i]);
			if (ret)
				worst = ret;
		}
		free(l.port);
		return worst;
	}
	ret = dl_port_get(&ctx->nl, &dev, index, &port);
	if (ret)
		return kernel_fail(ctx, ret, argv[0]);
	if (port.flavour != DEVLINK_PORT_FLAVOUR_PCI_SF)
		return fail(EXIT_USAGE, "%s is a %s port, not a subfunction",
			    argv[0], dl_flavour_name(port.flavour));
	if (!sf_port_is_ours(&port))
		return fail(EXIT_USAGE, "%s: not an SF of the idxd driver (left to its own tools)",
			    argv[0]);
	return destroy_one(ctx, &port);
}
