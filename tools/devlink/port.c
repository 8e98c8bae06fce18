// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf: devlink ports, as the kernel reports them, and the requests
 * that add, delete and activate them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/devlink.h>
#include "port.h"

static const char *const dl_flavours[] = {
	[DEVLINK_PORT_FLAVOUR_PHYSICAL] = "physical",
	[DEVLINK_PORT_FLAVOUR_CPU] = "cpu",
	[DEVLINK_PORT_FLAVOUR_DSA] = "dsa",
	[DEVLINK_PORT_FLAVOUR_PCI_PF] = "pcipf",
	[DEVLINK_PORT_FLAVOUR_PCI_VF] = "pcivf",
	[DEVLINK_PORT_FLAVOUR_VIRTUAL] = "virtual",
	[DEVLINK_PORT_FLAVOUR_PCI_SF] = "pcisf",
};

/* What dsa-sf reads of a port message, and the shape each must have. */
static const enum mnl_attr_data_type dl_policy[DEVLINK_ATTR_MAX + 1] = {
	[DEVLINK_ATTR_BUS_NAME] = MNL_TYPE_NUL_STRING,
	[DEVLINK_ATTR_DEV_NAME] = MNL_TYPE_NUL_STRING,
	[DEVLINK_ATTR_PORT_INDEX] = MNL_TYPE_U32,
	[DEVLINK_ATTR_PORT_TYPE] = MNL_TYPE_U16,
	[DEVLINK_ATTR_PORT_DESIRED_TYPE] = MNL_TYPE_U16,
	[DEVLINK_ATTR_PORT_NETDEV_NAME] = MNL_TYPE_NUL_STRING,
	[DEVLINK_ATTR_PORT_IBDEV_NAME] = MNL_TYPE_NUL_STRING,
	[DEVLINK_ATTR_PORT_FLAVOUR] = MNL_TYPE_U16,
	[DEVLINK_ATTR_PORT_CONTROLLER_NUMBER] = MNL_TYPE_U32,
	[DEVLINK_ATTR_PORT_PCI_PF_NUMBER] = MNL_TYPE_U16,
	[DEVLINK_ATTR_PORT_PCI_VF_NUMBER] = MNL_TYPE_U16,
	[DEVLINK_ATTR_PORT_PCI_SF_NUMBER] = MNL_TYPE_U32,
	[DEVLINK_ATTR_PORT_EXTERNAL] = MNL_TYPE_U8,
	[DEVLINK_ATTR_LINECARD_INDEX] = MNL_TYPE_U32,
	[DEVLINK_ATTR_PORT_NUMBER] = MNL_TYPE_U32,
	[DEVLINK_ATTR_PORT_SPLIT_GROUP] = MNL_TYPE_U32,
	[DEVLINK_ATTR_PORT_SPLITTABLE] = MNL_TYPE_U8,
	[DEVLINK_ATTR_PORT_LANES] = MNL_TYPE_U32,
	[DEVLINK_ATTR_PORT_FUNCTION] = MNL_TYPE_NESTED,
};

static const enum mnl_attr_data_type
dl_fn_policy[DEVLINK_PORT_FUNCTION_ATTR_MAX + 1] = {
	[DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR] = MNL_TYPE_BINARY,
	[DEVLINK_PORT_FN_ATTR_STATE] = MNL_TYPE_U8,
	[DEVLINK_PORT_FN_ATTR_OPSTATE] = MNL_TYPE_U8,
};

static const char *const dl_types[] = {
	[DEVLINK_PORT_TYPE_NOTSET] = "notset",
	[DEVLINK_PORT_TYPE_AUTO] = "auto",
	[DEVLINK_PORT_TYPE_ETH] = "eth",
	[DEVLINK_PORT_TYPE_IB] = "ib",
};

const char *dl_type_name(uint16_t type)
{
	return type < ARRAY_SIZE(dl_types) ? dl_types[type] : "<unknown type>";
}

const char *dl_flavour_name(uint16_t flavour)
{
	if (flavour < ARRAY_SIZE(dl_flavours) && dl_flavours[flavour])
		return dl_flavours[flavour];
	return "<unknown flavour>";
}

int dl_flavour_parse(const char *name, uint16_t *flavour)
{
	uint16_t i;

	for (i = 0; i < ARRAY_SIZE(dl_flavours); i++) {
		if (dl_flavours[i] && !strcmp(name, dl_flavours[i])) {
			*flavour = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *dl_state_name(uint8_t state)
{
	switch (state) {
	case DEVLINK_PORT_FN_STATE_INACTIVE:
		return "inactive";
	case DEVLINK_PORT_FN_STATE_ACTIVE:
		return "active";
	}
	return "<unknown state>";
}

const char *dl_opstate_name(uint8_t opstate)
{
	switch (opstate) {
	case DEVLINK_PORT_FN_OPSTATE_DETACHED:
		return "detached";
	case DEVLINK_PORT_FN_OPSTATE_ATTACHED:
		return "attached";
	}
	return "<unknown state>";
}

/* "BUS/NAME"; NAME may not hold another slash (devlink's own rule). */
int dl_dev_parse(const char *handle, struct dl_dev *dev)
{
	const char *slash = strchr(handle, '/');
	size_t bus_len;

	if (!slash || slash == handle || !slash[1] || strchr(slash + 1, '/'))
		return -EINVAL;
	bus_len = slash - handle;
	if (bus_len >= sizeof(dev->bus) || strlen(slash + 1) >= sizeof(dev->name))
		return -EINVAL;
	memcpy(dev->bus, handle, bus_len);
	dev->bus[bus_len] = '\0';
	strcpy(dev->name, slash + 1);
	return 0;
}

/*
 * A decimal number of at most @max in @s, whole, as devlink reads one;
 * -EINVAL or -ERANGE otherwise.
 */
int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* "BUS/NAME/INDEX" */
int dl_port_handle_parse(const char *handle, struct dl_dev *dev,
			 uint32_t *index)
{
	const char *slash = strrchr(handle, '/');
	char devh[sizeof(dev->bus) + sizeof(dev->name)];

	if (!slash || (size_t)(slash - handle) >= sizeof(devh))
		return -EINVAL;
	memcpy(devh, handle, slash - handle);
	devh[slash - handle] = '\0';
	if (dl_dev_parse(devh, dev))
		return -EINVAL;
	return parse_u32(slash + 1, UINT32_MAX, index);
}

/*
 * The PF number devlink wants with an SF: a PCI device's function, as
 * the kernel's driver reads it (PCI_FUNC of "DDDD:BB:DD.F").
 */
int dl_pfnum(const struct dl_dev *dev, uint16_t *pfnum)
{
	unsigned int dom, bus, slot, fn;
	char end;

	if (strcmp(dev->bus, "pci") ||
	    sscanf(dev->name, "%x:%x:%x.%x%c", &dom, &bus, &slot, &fn,
		   &end) != 4 || fn > 7)
		return -EINVAL;
	*pfnum = fn;
	return 0;
}

static void dl_put_dev(struct nlmsghdr *nlh, const struct dl_dev *dev)
{
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_BUS_NAME, dev->bus);
	mnl_attr_put_strz(nlh, DEVLINK_ATTR_DEV_NAME, dev->name);
}

/* A string attribute into @buf, "" if it did not come. */
static void dl_str(const struct nlattr *attr, char *buf, size_t size)
{
	snprintf(buf, size, "%s", attr ? mnl_attr_get_str(attr) : "");
}

/* An optional attribute: whether it came, and its value if so. */
static bool dl_u8(const struct nlattr *attr, uint8_t *v)
{
	if (attr)
		*v = mnl_attr_get_u8(attr);
	return attr;
}

static bool dl_u16(const struct nlattr *attr, uint16_t *v)
{
	if (attr)
		*v = mnl_attr_get_u16(attr);
	return attr;
}

static bool dl_u32(const struct nlattr *attr, uint32_t *v)
{
	if (attr)
		*v = mnl_attr_get_u32(attr);
	return attr;
}

static int dl_port_fn(const struct nlattr *fn, struct dl_port *port)
{
	const struct nlattr *tb[DEVLINK_PORT_FUNCTION_ATTR_MAX + 1], *attr;

	if (nl_nested(fn, tb, dl_fn_policy, DEVLINK_PORT_FUNCTION_ATTR_MAX))
		return -EBADMSG;
	attr = tb[DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR];
	if (attr && mnl_attr_get_payload_len(attr) <= sizeof(port->hw_addr)) {
		port->hw_addr_len = mnl_attr_get_payload_len(attr);
		memcpy(port->hw_addr, mnl_attr_get_payload(attr),
		       port->hw_addr_len);
	}
	port->has_state = dl_u8(tb[DEVLINK_PORT_FN_ATTR_STATE], &port->state);
	port->has_opstate = dl_u8(tb[DEVLINK_PORT_FN_ATTR_OPSTATE],
				  &port->opstate);
	port->has_fn = true;
	return 0;
}

/* A port message into @port; -EBADMSG if it is not a well-formed one. */
static int dl_port_parse(const struct nlmsghdr *nlh, struct dl_port *port)
{
	const struct nlattr *tb[DEVLINK_ATTR_MAX + 1];

	memset(port, 0, sizeof(*port));
	if (nl_attrs(nlh, tb, dl_policy, DEVLINK_ATTR_MAX) ||
	    !tb[DEVLINK_ATTR_BUS_NAME] || !tb[DEVLINK_ATTR_DEV_NAME] ||
	    !tb[DEVLINK_ATTR_PORT_INDEX])
		return -EBADMSG;
	snprintf(port->dev.bus, sizeof(port->dev.bus), "%s",
		 mnl_attr_get_str(tb[DEVLINK_ATTR_BUS_NAME]));
	snprintf(port->dev.name, sizeof(port->dev.name), "%s",
		 mnl_attr_get_str(tb[DEVLINK_ATTR_DEV_NAME]));
	port->index = mnl_attr_get_u32(tb[DEVLINK_ATTR_PORT_INDEX]);
	port->has_type = dl_u16(tb[DEVLINK_ATTR_PORT_TYPE], &port->type);
	port->has_des_type = dl_u16(tb[DEVLINK_ATTR_PORT_DESIRED_TYPE],
				    &port->des_type);
	dl_str(tb[DEVLINK_ATTR_PORT_NETDEV_NAME], port->netdev,
	       sizeof(port->netdev));
	dl_str(tb[DEVLINK_ATTR_PORT_IBDEV_NAME], port->ibdev,
	       sizeof(port->ibdev));
	port->has_flavour = dl_u16(tb[DEVLINK_ATTR_PORT_FLAVOUR],
				   &port->flavour);
	port->has_controller = dl_u32(tb[DEVLINK_ATTR_PORT_CONTROLLER_NUMBER],
				      &port->controller);
	port->has_pfnum = dl_u16(tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER],
				 &port->pfnum);
	port->has_vfnum = dl_u16(tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER],
				 &port->vfnum);
	port->has_sfnum = dl_u32(tb[DEVLINK_ATTR_PORT_PCI_SF_NUMBER],
				 &port->sfnum);
	port->has_lc = dl_u32(tb[DEVLINK_ATTR_LINECARD_INDEX], &port->lc);
	port->has_number = dl_u32(tb[DEVLINK_ATTR_PORT_NUMBER], &port->number);
	port->has_split_group = dl_u32(tb[DEVLINK_ATTR_PORT_SPLIT_GROUP],
				       &port->split_group);
	port->has_lanes = dl_u32(tb[DEVLINK_ATTR_PORT_LANES], &port->lanes);
	port->has_splittable = dl_u8(tb[DEVLINK_ATTR_PORT_SPLITTABLE],
				     &port->splittable);
	port->has_external = dl_u8(tb[DEVLINK_ATTR_PORT_EXTERNAL],
				   &port->external);
	if (tb[DEVLINK_ATTR_PORT_FUNCTION])
		return dl_port_fn(tb[DEVLINK_ATTR_PORT_FUNCTION], port);
	return 0;
}

struct dl_dump_data {
	const struct dl_dev *dev;
	dl_port_cb cb;
	void *data;
};

static int dl_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dl_dump_data *d = data;
	struct dl_port port;
	int ret;

	/* a reply dsa-sf cannot read ends the dump, not silently skipped */
	if (dl_port_parse(nlh, &port)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (d->dev && (strcmp(port.dev.bus, d->dev->bus) ||
		       strcmp(port.dev.name, d->dev->name)))
		return MNL_CB_OK;
	ret = d->cb(&port, d->data);
	if (!ret)
		return MNL_CB_OK;
	errno = ret < 0 ? -ret : EINVAL;
	return MNL_CB_ERROR;
}

/* Every port (of @dev, or of every device if NULL), in the kernel's order. */
int dl_port_dump(struct nl *nl, const struct dl_dev *dev, dl_port_cb cb,
		 void *data)
{
	struct dl_dump_data d = { dev, cb, data };
	struct nlmsghdr *nlh;

	nlh = nl_request(nl, DEVLINK_CMD_PORT_GET, NLM_F_DUMP);
	/* the kernel dumps that instance only, or says it has none */
	if (dev)
		dl_put_dev(nlh, dev);
	return nl_talk(nl, nlh, dl_dump_cb, &d);
}

static int dl_one_cb(const struct nlmsghdr *nlh, void *data)
{
	if (!dl_port_parse(nlh, data))
		return MNL_CB_OK;
	errno = EBADMSG;
	return MNL_CB_ERROR;
}

int dl_port_get(struct nl *nl, const struct dl_dev *dev, uint32_t index,
		struct dl_port *port)
{
	struct nlmsghdr *nlh;

	nlh = nl_request(nl, DEVLINK_CMD_PORT_GET, 0);
	dl_put_dev(nlh, dev);
	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, index);
	memset(port, 0, sizeof(*port));
	return nl_talk(nl, nlh, dl_one_cb, port);
}

/* The kernel answers a new port with the port it made. */
int dl_port_add(struct nl *nl, const struct dl_dev *dev,
		const struct dl_port_new *req, struct dl_port *port)
{
	struct nlmsghdr *nlh;

	nlh = nl_request(nl, DEVLINK_CMD_PORT_NEW, NLM_F_ACK);
	dl_put_dev(nlh, dev);
	if (req->index)
		mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, *req->index);
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_FLAVOUR, req->flavour);
	mnl_attr_put_u16(nlh, DEVLINK_ATTR_PORT_PCI_PF_NUMBER, req->pfnum);
	if (req->sfnum)
		mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_PCI_SF_NUMBER,
				 *req->sfnum);
	if (req->controller)
		mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_CONTROLLER_NUMBER,
				 *req->controller);
	memset(port, 0, sizeof(*port));
	return nl_talk(nl, nlh, dl_one_cb, port);
}

int dl_port_del(struct nl *nl, const struct dl_dev *dev, uint32_t index)
{
	struct nlmsghdr *nlh;

	nlh = nl_request(nl, DEVLINK_CMD_PORT_DEL, NLM_F_ACK);
	dl_put_dev(nlh, dev);
	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, index);
	return nl_talk(nl, nlh, NULL, NULL);
}

int dl_port_set_state(struct nl *nl, const struct dl_dev *dev,
		      uint32_t index, uint8_t state)
{
	struct nlmsghdr *nlh;
	struct nlattr *fn;

	nlh = nl_request(nl, DEVLINK_CMD_PORT_SET, NLM_F_ACK);
	dl_put_dev(nlh, dev);
	mnl_attr_put_u32(nlh, DEVLINK_ATTR_PORT_INDEX, index);
	fn = mnl_attr_nest_start(nlh, DEVLINK_ATTR_PORT_FUNCTION);
	mnl_attr_put_u8(nlh, DEVLINK_PORT_FN_ATTR_STATE, state);
	mnl_attr_nest_end(nlh, fn);
	return nl_talk(nl, nlh, NULL, NULL);
}
