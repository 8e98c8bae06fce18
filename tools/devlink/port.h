/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsa-sf: devlink ports, as the kernel reports them.
 */
#ifndef DSA_SF_PORT_H
#define DSA_SF_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include "nl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* "pci/0000:00:0a.0": a devlink instance's handle, split. */
struct dl_dev {
	char bus[16];
	char name[64];
};

/* A port as the kernel reports it; has_* says which attributes came. */
struct dl_port {
	struct dl_dev dev;
	uint32_t index;
	bool has_type, has_des_type, has_flavour, has_controller, has_pfnum;
	bool has_vfnum, has_sfnum, has_external, has_lc, has_number;
	bool has_split_group, has_splittable, has_lanes;
	uint16_t type, des_type;	/* DEVLINK_PORT_TYPE_* */
	char netdev[64], ibdev[64];	/* empty: none */
	uint16_t flavour;		/* DEVLINK_PORT_FLAVOUR_* */
	uint32_t controller;
	uint16_t pfnum, vfnum;
	uint32_t sfnum;
	uint8_t external;
	uint32_t lc, number, split_group;
	uint8_t splittable;
	uint32_t lanes;
	bool has_fn, has_state, has_opstate;	/* a port function */
	uint8_t hw_addr[32];
	uint8_t hw_addr_len;		/* 0: none */
	uint8_t state;			/* DEVLINK_PORT_FN_STATE_* */
	uint8_t opstate;		/* DEVLINK_PORT_FN_OPSTATE_* */
};

typedef int (*dl_port_cb)(const struct dl_port *port, void *data);

int dl_dev_parse(const char *handle, struct dl_dev *dev);
int parse_u32(const char *s, uint32_t max, uint32_t *out);
int dl_port_handle_parse(const char *handle, struct dl_dev *dev,
			 uint32_t *index);
int dl_pfnum(const struct dl_dev *dev, uint16_t *pfnum);

int dl_port_dump(struct nl *nl, const struct dl_dev *dev, dl_port_cb cb,
		 void *data);
int dl_port_get(struct nl *nl, const struct dl_dev *dev, uint32_t index,
		struct dl_port *port);
/* What a new port is asked with; NULL leaves an attribute out. */
struct dl_port_new {
	uint16_t flavour, pfnum;
	const uint32_t *sfnum, *index, *controller;
};

int dl_port_add(struct nl *nl, const struct dl_dev *dev,
		const struct dl_port_new *req, struct dl_port *port);
int dl_port_del(struct nl *nl, const struct dl_dev *dev, uint32_t index);
int dl_port_set_state(struct nl *nl, const struct dl_dev *dev,
		      uint32_t index, uint8_t state);

const char *dl_type_name(uint16_t type);
const char *dl_flavour_name(uint16_t flavour);
int dl_flavour_parse(const char *name, uint16_t *flavour);
const char *dl_state_name(uint8_t state);
const char *dl_opstate_name(uint8_t opstate);

#endif
