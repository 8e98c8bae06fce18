/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsa-sf: what sysfs says of an SF's auxiliary device.
 */
#ifndef DSA_SF_SYSFS_H
#define DSA_SF_SYSFS_H

#include <stdbool.h>
#include "port.h"

#define SF_AUX_DIR	"/sys/bus/auxiliary/devices"
/* the auxiliary bus names a driver "<module>.<driver>" */
#define SF_VFIO_MODULE	"vfio_idxd_aux"
#define SF_VFIO_DRIVER	SF_VFIO_MODULE "." SF_VFIO_MODULE

struct sf_aux {
	char name[256];		/* idxd.sf.<n>; empty: none (inactive) */
	char driver[64];	/* empty: unbound */
	int pasid;		/* -1: unknown */
	int wq;
	int group;		/* the IOMMU group, -1: none */
};

bool sf_dev_is_idxd(const struct dl_dev *dev);
int sf_aux_find(const struct dl_port *port, struct sf_aux *aux);
int sf_aux_bind(const struct sf_aux *aux, const char *driver,
		const char *module);

#endif
