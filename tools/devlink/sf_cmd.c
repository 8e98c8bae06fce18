// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf create, list and destroy: SF ports joined with what sysfs says
 * of their auxiliary devices (driver, PASID, WQ, VFIO group).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/devlink.h>
#include "cmd.h"

#define SF_MAX_COUNT	1024

struct create_opts {
	struct dl_dev dev;
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

/* One SF as made: its port, and once active its device for QEMU. */
static void create_print(const struct dl_port *p, const struct sf_aux *aux)
{
	printf("port %s/%s/%u sfnum %u", p->dev.bus, p->dev.name, p->index,
	       p->sfnum);
	if (aux && aux->name[0]) {
		printf(" device %s driver %s", aux->name,
		       aux->driver[0] ? aux->driver : "none");
		if (aux->group >= 0)
			printf(" vfio /dev/vfio/%d", aux->group);
	}
	putchar('\n');
	if (aux && aux->group >= 0 && !strcmp(aux->driver, SF_VFIO_DRIVER))
		printf("  qemu: -device vfio-pci,sysfsdev=" SF_AUX_DIR "/%s\n",
		       aux->name);
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
	sf_aux_find(port, aux);
	return EXIT_OK;
}

/* Undo what a failed create made: deactivated, deleted. */
static void create_undo(struct ctx *ctx, const struct create_opts *o,
			const uint32_t *made, uint32_t n)
{
	int ret;

	while (n--) {
		dl_port_set_state(&ctx->nl, &o->dev, made[n],
				  DEVLINK_PORT_FN_STATE_INACTIVE);
		ret = dl_port_del(&ctx->nl, &o->dev, made[n]);
		if (ret)
			fprintf(stderr, "dsa-sf: could not delete port %u: %s\n",
				made[n], ctx->nl.extack[0] ? ctx->nl.extack :
				strerror(-ret));
	}
}

/*
 * create DEV [--sfnum N] [--count N] [--activate] [--bind vfio]: all
 * over one socket; if one fails, what this run made is deleted again.
 */
int cmd_create(struct ctx *ctx, int argc, char **argv)
{
	struct create_opts o;
	struct dl_port port;
	struct sf_aux aux;
	uint32_t *made, n, sfnum;
	uint16_t pfnum;
	int ret;

	ret = create_parse(argc, argv, &o);
	if (ret)
		return ret;
	if (dl_pfnum(&o.dev, &pfnum))
		return fail(EXIT_USAGE, "%s/%s: not a PCI device", o.dev.bus,
			    o.dev.name);
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	made = calloc(o.count, sizeof(*made));
	if (!made)
		return fail(EXIT_SYSTEM, "out of memory");
	for (n = 0; n < o.count; n++) {
		sfnum = o.sfnum + n;
		ret = dl_port_add(&ctx->nl, &o.dev, DEVLINK_PORT_FLAVOUR_PCI_SF,
				  pfnum, o.has_sfnum ? &sfnum : NULL, &port);
		if (ret) {
			ret = kernel_fail(ctx, ret, "port add");
			break;
		}
		made[n] = port.index;
		memset(&aux, 0, sizeof(aux));
		if (o.activate) {
			ret = create_up(ctx, &o, &port, &aux);
			if (ret) {
				n++;
				break;
			}
		}
		create_print(&port, o.activate ? &aux : NULL);
	}
	if (ret) {
		if (n)
			fprintf(stderr, "dsa-sf: deleting the %u port%s this run made\n",
				n, n == 1 ? "" : "s");
		create_undo(ctx, &o, made, n);
	}
	free(made);
	return ret;
}

struct list_data {
	bool json, first;
};

static void list_json(const struct dl_port *p, const struct sf_aux *a,
		      bool first)
{
	printf("%s{\"port\":\"%s/%s/%u\",\"sfnum\":%u,\"state\":\"%s\",\"opstate\":\"%s\"",
	       first ? "" : ",", p->dev.bus, p->dev.name, p->index, p->sfnum,
	       dl_state_name(p->state), dl_opstate_name(p->opstate));
	if (a->name[0])
		printf(",\"device\":\"%s\",\"driver\":%s%s%s,\"pasid\":%d,\"wq\":%d,\"vfio_group\":%d",
		       a->name, a->driver[0] ? "\"" : "",
		       a->driver[0] ? a->driver : "null",
		       a->driver[0] ? "\"" : "", a->pasid, a->wq, a->group);
	putchar('}');
}

static int list_cb(const struct dl_port *p, void *data)
{
	struct list_data *d = data;
	char handle[160];
	struct sf_aux a;

	if (p->flavour != DEVLINK_PORT_FLAVOUR_PCI_SF || !sf_dev_is_idxd(&p->dev))
		return 0;
	sf_aux_find(p, &a);
	if (d->json) {
		list_json(p, &a, d->first);
	} else {
		if (d->first)
			printf("%-22s %6s %-8s %-8s %-12s %-14s %5s %3s %5s\n",
			       "PORT", "SFNUM", "STATE", "OPSTATE", "DEVICE",
			       "DRIVER", "PASID", "WQ", "GROUP");
		snprintf(handle, sizeof(handle), "%s/%s/%u", p->dev.bus,
			 p->dev.name, p->index);
		printf("%-22s %6u %-8s %-8s %-12s %-14s %5d %3d %5d\n",
		       handle, p->sfnum, dl_state_name(p->state),
		       dl_opstate_name(p->opstate), a.name[0] ? a.name : "-",
		       a.driver[0] ? a.driver : "-", a.pasid, a.wq, a.group);
	}
	d->first = false;
	return 0;
}

/* list [--json]: every SF port of every device */
int cmd_list(struct ctx *ctx, int argc, char **argv)
{
	struct list_data d = { .first = true };
	int ret;

	if (argc > 1 || (argc == 1 && strcmp(argv[0], "--json") &&
			 strcmp(argv[0], "-j")))
		return fail(EXIT_USAGE, "list: only --json is known");
	d.json = argc == 1;
	ret = ctx_connect(ctx);
	if (ret)
		return ret;
	if (d.json)
		printf("[");
	ret = dl_port_dump(&ctx->nl, NULL, list_cb, &d);
	if (d.json)
		printf("]\n");
	return ret ? kernel_fail(ctx, ret, "list") : EXIT_OK;
}

/* One SF port gone: deactivated first if it is active. */
static int destroy_one(struct ctx *ctx, const struct dl_port *p)
{
	int ret;

	if (p->has_fn && p->state == DEVLINK_PORT_FN_STATE_ACTIVE) {
		ret = dl_port_set_state(&ctx->nl, &p->dev, p->index,
					DEVLINK_PORT_FN_STATE_INACTIVE);
		if (ret)
			return kernel_fail(ctx, ret, "deactivate");
	}
	ret = dl_port_del(&ctx->nl, &p->dev, p->index);
	if (ret)
		return kernel_fail(ctx, ret, "port del");
	printf("deleted %s/%s/%u\n", p->dev.bus, p->dev.name, p->index);
	return EXIT_OK;
}

struct sf_list {
	struct dl_port *port;
	unsigned int n, size;
};

static int collect_cb(const struct dl_port *p, void *data)
{
	struct sf_list *l = data;
	struct dl_port *grown;

	if (p->flavour != DEVLINK_PORT_FLAVOUR_PCI_SF || !sf_dev_is_idxd(&p->dev))
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
			ret = destroy_one(ctx, &l.port[i]);
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
	return destroy_one(ctx, &port);
}
