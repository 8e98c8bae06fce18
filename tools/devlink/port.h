/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsa-sf: devlink ports, as the kernel reports them.
 */
#ifndef DSA_SF_PORT_H
#define DSA_SF_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include "nl.h"

/* "pci/0000:00:0a.0": a devlink instance's handle, split. */
struct dl_dev {
	char bus[16];
	char name[64];
};

struct dl_port {
	struct dl_dev dev;
	uint32_t index;
	uint16_t flavour;		/* DEVLINK_PORT_FLAVOUR_* */
	uint16_t pfnum;
	uint32_t sfnum;
	bool has_sfnum;
	bool has_fn;			/* a port function: state, opstate */
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
int dl_port_add(struct nl *nl, const struct dl_dev *dev, uint16_t flavour,
		uint16_t pfnum, const uint32_t *sfnum, struct dl_port *port);
int dl_port_del(struct nl *nl, const struct dl_dev *dev, uint32_t index);
int dl_port_set_state(struct nl *nl, const struct dl_dev *dev,
		      uint32_t index, uint8_t state);

const char *dl_flavour_name(uint16_t flavour);
int dl_flavour_parse(const char *name, uint16_t *flavour);
const char *dl_state_name(uint8_t state);
const char *dl_opstate_name(uint8_t opstate);

#endif
