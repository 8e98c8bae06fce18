/* SPDX-License-Identifier: GPL-2.0 */
/*
 * idxd: the core driver of the Intel Data Streaming Accelerator.
 */
#ifndef _IDXD_H_
#define _IDXD_H_

#include <linux/completion.h>
#include <linux/idxd_hw.h>
#include <linux/idxd_sf.h>
#include <linux/iommu.h>
#include <linux/msi.h>
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

/* WQCAP.num_wqs and SWERR.wq_idx are 8 bits wide */
#define IDXD_MAX_WQS		256

/* entries of each WQ carved for subfunctions, unless sf_wq_size says */
#define IDXD_SF_WQ_SIZE_DEFAULT	16

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

struct idxd_wq;

/*
 * What the owner of a WQ (the host's DMA channel; later a subfunction)
 * does when the driver takes the WQ away and gives it back.  Called with
 * idxd->dev_lock held.
 */
struct idxd_wq_ops {
	/* optional: a software error named the WQ (@err, as captured) */
	void (*error)(struct idxd_wq *wq, const union sw_err_reg *err);
	/*
	 * no portal write after this returns; fail what was never written.
	 * May be called again on a stopped owner.
	 */
	void (*stop)(struct idxd_wq *wq);
	/*
	 * the device will not touch the WQ's descriptors any more (drained,
	 * or reset): complete what finished, fail the rest
	 */
	void (*flush)(struct idxd_wq *wq);
	/* the WQ is enabled again and wq->int_handle valid: take work */
	void (*start)(struct idxd_wq *wq);
};

enum idxd_wq_state {
	IDXD_WQ_UNUSED,		/* no entries: not configured */
	IDXD_WQ_FREE,		/* carved (entries, group), no owner */
	IDXD_WQ_RESERVED,	/* an owner's, out of service (no PASID) */
	/* in service from here: enabled, or brought back by recovery */
	IDXD_WQ_STOPPED,	/* an owner's, configured, not enabled */
	IDXD_WQ_ENABLED,
	IDXD_WQ_FAILED,		/* disabled after an error, until recovery */
};

/* One WQ the driver has configured, with its completion interrupt. */
struct idxd_wq {
	struct idxd_device *idxd;
	int id;
	u16 size;
	enum idxd_wq_state state;
	bool ims;			/* completions by an IMS entry */
	unsigned int vector;		/* MSI-X or IMS index of completions */
	struct msi_msg ims_msg;		/* what the IMS entry sends */
	bool pasid_en;			/* descriptors tagged with pasid */
	bool priv_mode;			/* ... as privileged requests */
	u32 pasid;
	u16 int_handle;			/* what descriptors name for it */
	u16 gen;			/* bumped when its owner changes */
	unsigned int err_count;		/* errors since err_since */
	unsigned long err_since;
	bool benched;			/* too many errors: kept down */
	bool handle_valid;		/* granted since the last reset */
	bool unflushed;			/* stopped, its work not failed yet */
	bool enable_sent;		/* ENABLE_WQ since its last quiesce */
	const char *owner;
	const struct idxd_wq_ops *ops;
	void *priv;			/* the owner's */
};

struct idxd_device {
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *portals;
	struct idxd_caps caps;
	bool movdir64b;
	bool pasid;			/* the IOMMU enabled PASIDs for us */
	bool ims;			/* the IMS table is usable */

	/*
	 * dev_lock orders every change of device, WQ and owner state:
	 * configuration, error handling and recovery.  It nests inside
	 * devl_lock and outside cmd_lock.
	 */
	struct mutex dev_lock;
	struct idxd_wq *wqs;		/* caps.wq.num_wqs of them */
	unsigned int host_wqs;		/* WQs 0..host_wqs-1 serve the host */
	bool failed;			/* only a device reset helps now */
	bool live;			/* probed, devlink registered */
	bool resetting;			/* between reset_prepare and reset_done */
	bool recovering;		/* recovery asked for the reset */
	bool failed_before_reset;	/* the reset is to revive it */
	int reset_err;			/* how the last reset_done went */

	/* devlink: resource occupancy, and the WQ size a new SF gets */
	atomic64_t occ[IDXD_RES_MAX];	/* updated from several contexts */
	u16 sf_wq_size;
	struct idxd_dma *dma;		/* the host channels */
	struct list_head sfs;		/* subfunction ports, under devl_lock */
	bool sfs_closed;		/* unbinding: no new port */

	/* device commands: one at a time, completed by the misc interrupt */
	struct mutex cmd_lock;
	struct completion cmd_done;

	/*
	 * Errors: the interrupt snapshots SWERR (or notes a halt) and frees
	 * the register; err_work logs it and reports it to devlink health,
	 * which may sleep.
	 */
	spinlock_t err_lock;
	union sw_err_reg err;		/* the first error; overflow if more */
	DECLARE_BITMAP(err_wqs, IDXD_MAX_WQS);	/* every WQ one named */
	u16 err_gen[IDXD_MAX_WQS];	/* each one's owner generation then */
	u16 err_rec_gen;		/* the kept record's WQ's generation */
	DECLARE_BITMAP(err_isolated, IDXD_MAX_WQS);	/* a subfunction's then */
	bool fail_event;		/* the device failed outside err_work */
	bool lost;			/* errors lost, none kept: overflow only */
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

/*
 * A subfunction: a devlink port (flavour pcisf) that holds one carved WQ
 * from add to del; active, the WQ is enabled with the SF's PASID and IMS
 * entry, behind a host vector of its own, and the auxiliary device
 * idxd.sf.<n> exists.  Bookkept under devl_lock; what the WQ ops read
 * (sfdev, ops) under dev_lock.
 */
struct idxd_sf {
	struct devlink_port port;
	struct idxd_device *idxd;
	struct list_head node;
	u32 sfnum;
	char name[16];			/* "sf<sfnum>", the WQ's owner */
	struct idxd_wq *wq;
	bool active;			/* admin state */
	bool deactivating;		/* deactivate_work runs */
	struct work_struct deactivate_work;
	struct completion deactivated;
	ioasid_t pasid;
	struct msi_map vec;		/* the host vector behind its IMS entry */
	struct idxd_sf_dev *sfdev;	/* the auxiliary device, while active */
	struct iommu_domain *domain;	/* attached to pasid by the consumer */
	const struct idxd_sf_ops *ops;	/* the consumer's */
	void *ops_priv;
	bool attached;			/* opstate, as the consumer says */
};

/* cmd.c */
int idxd_cmd_exec(struct idxd_device *idxd, enum idxd_cmd cmd, u32 operand,
		  u32 *result);
int idxd_cmd_exec_drain(struct idxd_device *idxd, enum idxd_cmd cmd,
			u32 operand, int wq);

/* caps.c */
void idxd_read_caps(struct idxd_device *idxd);
void idxd_log_caps(struct idxd_device *idxd);
int idxd_caps_check(struct idxd_device *idxd);
int idxd_host_wqs_check(struct idxd_device *idxd, unsigned int host_wqs);
unsigned int idxd_host_wqs_max(struct idxd_device *idxd);

/* init.c */
int idxd_device_reset(struct idxd_device *idxd);

/* host.c */
int idxd_host_up(struct idxd_device *idxd, unsigned int host_wqs,
		 u16 sf_wq_size);
void idxd_host_down(struct idxd_device *idxd);

/* wq.c */
int idxd_wqs_init(struct idxd_device *idxd);
void idxd_wq_claim(struct idxd_wq *wq, u16 size, unsigned int vector,
		   const char *owner, const struct idxd_wq_ops *ops, void *priv);
void idxd_wq_unclaim(struct idxd_wq *wq);
void idxd_wqs_uncarve(struct idxd_device *idxd);
int idxd_device_config(struct idxd_device *idxd);
bool idxd_wq_owned(struct idxd_wq *wq);
bool idxd_wq_in_service(struct idxd_wq *wq);
void idxd_wqs_carve(struct idxd_device *idxd, u16 size);
struct idxd_wq *idxd_wq_take(struct idxd_device *idxd, const char *owner,
			     const struct idxd_wq_ops *ops, void *priv);
void idxd_wq_set_pasid(struct idxd_wq *wq, u32 pasid, bool priv);
void idxd_wq_set_ims(struct idxd_wq *wq, unsigned int index,
		     const struct msi_msg *msg);
void idxd_wq_quiesce(struct idxd_wq *wq);
void idxd_wq_drop_work(struct idxd_wq *wq);
void idxd_wq_put(struct idxd_wq *wq);
int idxd_wq_start(struct idxd_wq *wq);
int idxd_wq_disable(struct idxd_wq *wq);
int idxd_wq_reset(struct idxd_wq *wq);
void __iomem *idxd_wq_portal(struct idxd_wq *wq);
unsigned int idxd_wq_occupancy(struct idxd_device *idxd, int wq);
const char *idxd_wq_state_name(enum idxd_wq_state state);

/* recover.c */
void idxd_owners_stop(struct idxd_device *idxd);
void idxd_flush_stopped(struct idxd_device *idxd);
int idxd_device_recover(struct idxd_device *idxd,
			struct netlink_ext_ack *extack);
int idxd_wq_fail(struct idxd_device *idxd, unsigned int id,
		 const union sw_err_reg *err, u16 rec_gen, u16 gen);
void idxd_device_fail_reported(struct idxd_device *idxd);
void idxd_device_fail_halted(struct idxd_device *idxd);
void idxd_device_quiesce(struct idxd_device *idxd);
int idxd_recover(struct idxd_device *idxd, struct netlink_ext_ack *extack);

/* reset.c */
extern const struct pci_error_handlers idxd_err_handlers;
int idxd_recover_by_reset(struct idxd_device *idxd, unsigned int type,
			  struct netlink_ext_ack *extack);

/* irq.c */
int idxd_irq_setup(struct idxd_device *idxd);
void idxd_swerr_poll(struct idxd_device *idxd);
struct msi_map idxd_vector_alloc(struct idxd_device *idxd, unsigned int index);
void idxd_vector_free(struct idxd_device *idxd, struct msi_map map);
void idxd_ims_program(struct idxd_device *idxd, unsigned int index,
		      const struct msi_msg *msg, bool pasid_en, u32 pasid);
void idxd_ims_clear(struct idxd_device *idxd, unsigned int index);

/* devlink.c */
struct idxd_device *idxd_devlink_alloc(struct pci_dev *pdev);
int idxd_devlink_setup(struct idxd_device *idxd);

/* sf.c */
int idxd_sf_port_new(struct devlink *devlink,
		     const struct devlink_port_new_attrs *attrs,
		     struct netlink_ext_ack *extack,
		     struct devlink_port **dl_port);
void idxd_sfs_remove(struct idxd_device *idxd);

/* sf_irq.c */
int idxd_sf_irq_alloc(struct idxd_sf *sf, struct msi_msg *msg,
		      struct netlink_ext_ack *extack);
void idxd_sf_irq_free(struct idxd_sf *sf);

/* sf_dev.c */
int idxd_sf_dev_add(struct idxd_sf *sf, struct netlink_ext_ack *extack);
void idxd_sf_dev_del(struct idxd_sf *sf);

/* dma.c */
int idxd_dma_setup(struct idxd_device *idxd);
int idxd_dma_register(struct idxd_device *idxd);
void idxd_dma_teardown(struct idxd_device *idxd);
void idxd_dma_orphans_free(void);

/* params.c */
int idxd_params_register(struct idxd_device *idxd);
void idxd_params_unregister(struct idxd_device *idxd);
void idxd_params_driverinit(struct idxd_device *idxd, unsigned int *host_wqs,
			    u16 *sf_wq_size);

/* resources.c */
int idxd_resources_register(struct idxd_device *idxd);

/* health.c */
int idxd_health_create(struct idxd_device *idxd);
void idxd_health_destroy(struct idxd_device *idxd);
void idxd_err_work(struct work_struct *work);
void idxd_health_start(struct idxd_device *idxd);
void idxd_health_stop(struct idxd_device *idxd);
void idxd_err_forget(struct idxd_device *idxd);

#endif /* _IDXD_H_ */
