// SPDX-License-Identifier: GPL-2.0
/*
 * WQ, group and engine configuration: the registers behind them, written
 * and read back, and the commands that enable and disable WQs.
 *
 * A WQ is claimed by an owner (today the host's DMA channels), which
 * gives it a size and the ops through which the driver stops and starts
 * it.  Sizes can only be written while the device is disabled, so
 * idxd_device_config() writes every claimed WQ at once and then enables
 * the device; each WQ is enabled on its own, so one can fail and come
 * back while the others run.
 */

#include <linux/io-64-nonatomic-lo-hi.h>

#include "idxd.h"

#define IDXD_HOST_GROUP		0
#define IDXD_HOST_ENGINE	0
#define IDXD_WQ_PRIORITY	10
#define IDXD_WQ_BATCH_SHIFT	5

static const char * const idxd_wq_state_names[] = {
	[IDXD_WQ_UNUSED] = "unused",
	[IDXD_WQ_STOPPED] = "stopped",
	[IDXD_WQ_ENABLED] = "enabled",
	[IDXD_WQ_FAILED] = "failed",
};

const char *idxd_wq_state_name(enum idxd_wq_state state)
{
	return idxd_wq_state_names[state];
}

static u32 idxd_wqcfg_offset(struct idxd_device *idxd, int wq)
{
	u32 size = 1U << (idxd->caps.wq.wqcfg_size + IDXD_WQCFG_MIN);

	return idxd->caps.offsets.wqcfg * IDXD_TABLE_MULT + wq * size;
}

static u32 idxd_grpcfg_offset(struct idxd_device *idxd, int group)
{
	return idxd->caps.offsets.grpcfg * IDXD_TABLE_MULT +
	       group * IDXD_GRPCFG_SIZE;
}

static void idxd_wqcfg_write(struct idxd_device *idxd, int wq,
			     const union wqcfg *cfg)
{
	u32 off = idxd_wqcfg_offset(idxd, wq);
	int i;

	/* the last dwords hold read-only status */
	for (i = 0; i < IDXD_WQCFG_STATUS_IDX; i++)
		iowrite32(cfg->bits[i], idxd->regs + off + i * sizeof(u32));
}

static void idxd_wqcfg_read(struct idxd_device *idxd, int wq, union wqcfg *cfg)
{
	u32 off = idxd_wqcfg_offset(idxd, wq);
	int i;

	for (i = 0; i < IDXD_WQCFG_DWORDS; i++)
		cfg->bits[i] = ioread32(idxd->regs + off + i * sizeof(u32));
}

/**
 * idxd_wqs_init() - the table of WQs, all unused
 * @idxd: the device, capabilities read
 *
 * Return: 0 or -ENOMEM; device-managed.
 */
int idxd_wqs_init(struct idxd_device *idxd)
{
	unsigned int i, n = idxd->caps.wq.num_wqs;

	idxd->wqs = devm_kcalloc(idxd_dev(idxd), n, sizeof(*idxd->wqs),
				 GFP_KERNEL);
	if (!idxd->wqs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		idxd->wqs[i].idxd = idxd;
		idxd->wqs[i].id = i;
	}
	return 0;
}

static void idxd_wq_unclaim(void *data)
{
	struct idxd_wq *wq = data;

	mutex_lock(&wq->idxd->dev_lock);
	wq->state = IDXD_WQ_UNUSED;
	wq->ops = NULL;
	wq->priv = NULL;
	mutex_unlock(&wq->idxd->dev_lock);
}

/**
 * idxd_wq_claim() - take an unused WQ for an owner
 * @wq: the WQ
 * @size: its entries
 * @vector: the MSI-X vector of its completions
 * @owner: who has it, for logs and the health dump
 * @ops: how the driver stops and starts the owner
 * @priv: the owner's, for @ops
 *
 * The WQ is written to the device by the next idxd_device_config().  The
 * claim is device-managed: released, the WQ is unused again, so error
 * handling no longer calls an owner that is going away.
 *
 * Return: 0 or -ENOMEM.
 */
int idxd_wq_claim(struct idxd_wq *wq, u16 size, unsigned int vector,
		  const char *owner, const struct idxd_wq_ops *ops, void *priv)
{
	struct idxd_device *idxd = wq->idxd;

	mutex_lock(&idxd->dev_lock);
	wq->size = size;
	wq->vector = vector;
	wq->owner = owner;
	wq->ops = ops;
	wq->priv = priv;
	wq->state = IDXD_WQ_STOPPED;
	mutex_unlock(&idxd->dev_lock);
	return devm_add_action_or_reset(idxd_dev(idxd), idxd_wq_unclaim, wq);
}

/* Write one WQ's configuration and check the device took it. */
static int idxd_wq_config(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	union wqcfg cfg = {
		.wq_size = wq->size,
		.mode = IDXD_WQ_MODE_DEDICATED,
		.priority = IDXD_WQ_PRIORITY,
		.max_xfer_shift = idxd->caps.gen.max_xfer_shift,
		.max_batch_shift = min_t(u32, IDXD_WQ_BATCH_SHIFT,
					 idxd->caps.gen.max_batch_shift),
	};
	union wqcfg back;

	idxd_wqcfg_write(idxd, wq->id, &cfg);
	idxd_wqcfg_read(idxd, wq->id, &back);
	if (memcmp(back.bits, cfg.bits, IDXD_WQCFG_STATUS_IDX * sizeof(u32))) {
		dev_err(idxd_dev(idxd), "WQ %d configuration did not read back\n",
			wq->id);
		return -EIO;
	}
	return 0;
}

/* Every claimed WQ goes to group 0, which runs on engine 0. */
static void idxd_group_config(struct idxd_device *idxd,
			      const unsigned long *wqs)
{
	u32 grp = idxd_grpcfg_offset(idxd, IDXD_HOST_GROUP);
	u64 words[IDXD_MAX_WQS / 64];
	int i;

	/* GRPCFG's WQ bitmap: 4 little-endian qwords, WQs 0-255 */
	bitmap_to_arr64(words, wqs, IDXD_MAX_WQS);
	for (i = 0; i < ARRAY_SIZE(words); i++)
		writeq(words[i], idxd->regs + grp + i * sizeof(u64));
	writeq(BIT_ULL(IDXD_HOST_ENGINE), idxd->regs + grp + IDXD_GRPENGCFG_OFS);
}

/**
 * idxd_device_config() - write the claimed WQs, then enable the device
 * @idxd: the device, reset (so disabled), dev_lock held
 *
 * Return: 0 or the error of the step that failed (logged).
 */
int idxd_device_config(struct idxd_device *idxd)
{
	DECLARE_BITMAP(wqs, IDXD_MAX_WQS) = { };
	u64 entries = 0;
	unsigned int i;
	int ret;

	lockdep_assert_held(&idxd->dev_lock);
	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		struct idxd_wq *wq = &idxd->wqs[i];

		if (wq->state == IDXD_WQ_UNUSED)
			continue;
		ret = idxd_wq_config(wq);
		if (ret)
			return ret;
		wq->state = IDXD_WQ_STOPPED;
		/* a reset revokes every interrupt handle */
		wq->handle_valid = false;
		__set_bit(i, wqs);
		entries += wq->size;
	}
	idxd_group_config(idxd, wqs);
	ret = idxd_cmd_exec(idxd, IDXD_CMD_ENABLE_DEVICE, 0, NULL);
	if (ret)
		return ret;
	/* devlink reads them without dev_lock */
	WRITE_ONCE(idxd->occ[IDXD_RES_WQS], bitmap_weight(wqs, IDXD_MAX_WQS));
	WRITE_ONCE(idxd->occ[IDXD_RES_WQ_ENTRIES], entries);
	WRITE_ONCE(idxd->occ[IDXD_RES_ENGINES], 1);
	WRITE_ONCE(idxd->occ[IDXD_RES_GROUPS], 1);
	return 0;
}

/* Where the device supports it, descriptors name a granted handle. */
static int idxd_wq_int_handle(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	u32 handle = wq->vector;
	int ret;

	if (wq->handle_valid)
		return 0;
	if (idxd->caps.cmdcap & BIT_ULL(IDXD_CMD_REQUEST_INT_HANDLE)) {
		ret = idxd_cmd_exec(idxd, IDXD_CMD_REQUEST_INT_HANDLE,
				    wq->vector, &handle);
		if (ret)
			return ret;
	}
	wq->int_handle = handle;
	wq->handle_valid = true;
	return 0;
}

/**
 * idxd_wq_start() - enable a configured WQ and hand it to its owner
 * @wq: a WQ of an enabled device, stopped or failed; dev_lock held
 *
 * Return: 0, or the error of the command that failed (logged); the WQ
 * then stays as it was.
 */
int idxd_wq_start(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	union wqcfg back;
	int ret;

	lockdep_assert_held(&idxd->dev_lock);
	ret = idxd_wq_int_handle(wq);
	if (ret)
		return ret;
	ret = idxd_cmd_exec(idxd, IDXD_CMD_ENABLE_WQ, wq->id, NULL);
	if (ret)
		return ret;
	idxd_wqcfg_read(idxd, wq->id, &back);
	if (back.wq_state != IDXD_WQ_DEV_ENABLED) {
		dev_err(idxd_dev(idxd), "WQ %d not enabled after ENABLE_WQ\n",
			wq->id);
		return -EIO;
	}
	wq->state = IDXD_WQ_ENABLED;
	wq->ops->start(wq);
	return 0;
}

/**
 * idxd_wq_reset() - RESET_WQ, then the WQ's configuration written again
 * @wq: a WQ of an enabled device, its owner stopped; dev_lock held
 *
 * RESET_WQ drops whatever the WQ still holds (enabled late by a command
 * that timed out, say), disables it and returns its configuration to the
 * defaults but for its size, which the device keeps while enabled.
 *
 * Return: 0 or the error of the step that failed (logged).
 */
int idxd_wq_reset(struct idxd_wq *wq)
{
	int ret;

	lockdep_assert_held(&wq->idxd->dev_lock);
	ret = idxd_cmd_exec(wq->idxd, IDXD_CMD_RESET_WQ,
			    idxd_cmd_wq_operand(wq->id), NULL);
	return ret ? ret : idxd_wq_config(wq);
}

/**
 * idxd_wq_disable() - DISABLE_WQ: the device finishes what the WQ holds
 * @wq: an enabled WQ, its owner stopped; dev_lock held
 *
 * The drain takes as long as the WQ's work: the wait goes on while the
 * WQ's occupancy falls (idxd_cmd_exec_drain()).
 *
 * Return: 0 or the command's error (logged).
 */
int idxd_wq_disable(struct idxd_wq *wq)
{
	lockdep_assert_held(&wq->idxd->dev_lock);
	return idxd_cmd_exec_drain(wq->idxd, IDXD_CMD_DISABLE_WQ,
				   idxd_cmd_wq_operand(wq->id), wq->id);
}

/**
 * idxd_wq_occupancy() - descriptors the device holds in WQ @wq
 * @idxd: the device
 * @wq: the WQ
 *
 * Return: WQCFG's occupancy field.
 */
unsigned int idxd_wq_occupancy(struct idxd_device *idxd, int wq)
{
	union wqcfg cfg;

	cfg.bits[IDXD_WQCFG_STATUS_IDX] =
		ioread32(idxd->regs + idxd_wqcfg_offset(idxd, wq) +
			 IDXD_WQCFG_STATUS_IDX * sizeof(u32));
	return cfg.occupancy;
}

/* The WQ's unlimited portal; completions by MSI-X. */
void __iomem *idxd_wq_portal(struct idxd_wq *wq)
{
	return wq->idxd->portals + IDXD_PORTAL_OFFSET(wq->id,
						      IDXD_PORTAL_UNLIMITED,
						      IDXD_IRQ_MSIX);
}
