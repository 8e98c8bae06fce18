/* SPDX-License-Identifier: GPL-2.0 */
/*
 * idxd: the core driver of the Intel Data Streaming Accelerator.
 */
#ifndef _IDXD_H_
#define _IDXD_H_

#include <linux/completion.h>
#include <linux/idxd_hw.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/workqueue.h>
#include <net/devlink.h>

#include "registers.h"

/* devlink resources; ids start at 1 (0 is the devlink top level) */
enum idxd_resource {
	IDXD_RES_WQS = 1,
	IDXD_RES_WQ_ENTRIES,
	IDXD_RES_ENGINES,
	IDXD_RES_GROUPS,
	IDXD_RES_VECTORS,
	IDXD_RES_PASIDS,
	IDXD_RES_MAX,
};

/* What the device reports about itself, read once at probe. */
struct idxd_caps {
	union gen_cap_reg gen;
	union wq_cap_reg wq;
	union group_cap_reg group;
	union engine_cap_reg engine;
	union offsets_reg offsets;
	u64 opcap[IDXD_OPCAP_WORDS];
	u64 cmdcap;
	u32 version;
};

struct idxd_dma;

struct idxd_device {
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *portals;
	struct idxd_caps caps;
	bool movdir64b;

	struct idxd_dma *dma;		/* the host WQ's channel */

	/* devlink: resource occupancy, and the WQ size a new SF gets */
	u64 occ[IDXD_RES_MAX];
	u16 sf_wq_size;

	/* device commands: one at a time, completed by the misc interrupt */
	struct mutex cmd_lock;
	struct completion cmd_done;

	/*
	 * Errors: the interrupt snapshots SWERR (or notes a halt) and frees
	 * the register; err_work logs it and reports it to devlink health,
	 * which may sleep.
	 */
	spinlock_t err_lock;
	union sw_err_reg err;
	bool err_pending;
	bool halted;
	struct work_struct err_work;
	struct devlink_health_reporter *health;
};

static inline struct devlink *idxd_devlink(struct idxd_device *idxd)
{
	return priv_to_devlink(idxd);
}

static inline struct device *idxd_dev(struct idxd_device *idxd)
{
	return &idxd->pdev->dev;
}

/* cmd.c */
int idxd_cmd_exec(struct idxd_device *idxd, enum idxd_cmd cmd, u32 operand,
		  u32 *result);

/* init.c */
int idxd_device_reset(struct idxd_device *idxd);

/* irq.c */
int idxd_irq_setup(struct idxd_device *idxd);

/* devlink.c */
struct idxd_device *idxd_devlink_alloc(struct pci_dev *pdev);
int idxd_devlink_setup(struct idxd_device *idxd);

/* wq.c */
int idxd_host_wq_enable(struct idxd_device *idxd, u16 size);
void __iomem *idxd_host_wq_portal(struct idxd_device *idxd);

/* dma.c */
int idxd_dma_setup(struct idxd_device *idxd);
int idxd_dma_restart(struct idxd_device *idxd);

/* resources.c */
int idxd_resources_register(struct idxd_device *idxd);

/* health.c */
int idxd_health_create(struct idxd_device *idxd);
void idxd_health_destroy(struct idxd_device *idxd);
void idxd_err_work(struct work_struct *work);

#endif /* _IDXD_H_ */
