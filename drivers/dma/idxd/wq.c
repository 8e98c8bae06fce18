// SPDX-License-Identifier: GPL-2.0
/*
 * WQ, group and engine configuration: the registers behind them, written
 * and read back, and the commands that enable and disable WQs.
 *
 * Sizes (and groups) can only be written while the device is disabled,
 * so the device is carved once, at probe: the host's WQs get their size,
 * and the others sf_wq_size entries each for as long as entries remain
 * (free WQs, for subfunctions); idxd_device_config() writes them all and
 * enables the device.  Everything else in a WQCFG entry may be written
 * while that WQ alone is disabled, so an owner (the host's DMA channels,
 * a subfunction) takes a WQ and gives it back at run time, its whole
 * configuration (PASID and privilege included) kept in struct idxd_wq
 * and written again by every reset and recovery; each WQ is enabled on
 * its own, so one can fail and come back while the others run.
 */

#include <linux/io-64-nonatomic-lo-hi.h>

#include "idxd.h"

#define IDXD_HOST_GROUP		0
#define IDXD_HOST_ENGINE	0
#define IDXD_WQ_PRIORITY	10
#define IDXD_WQ_BATCH_SHIFT	5

static int idxd_wq_config(struct idxd_wq *wq);
static int idxd_wq_enable(struct idxd_wq *wq);

static const char * const idxd_wq_state_names[] = {
	[IDXD_WQ_UNUSED] = "unused",
	[IDXD_WQ_FREE] = "free",
	[IDXD_WQ_RESERVED] = "reserved",
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

/* Owned: an owner's ops may be called. */
bool idxd_wq_owned(struct idxd_wq *wq)
{
	return wq->state >= IDXD_WQ_RESERVED;
}

/* In service: enabled, or to be enabled again by recovery. */
bool idxd_wq_in_service(struct idxd_wq *wq)
{
	return wq->state >= IDXD_WQ_STOPPED;
}

/* What the resources show as taken: owned WQs and their entries. */
static void idxd_occ_update(struct idxd_device *idxd)
{
	unsigned int i, wqs = 0, entries = 0;

	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		if (!idxd_wq_owned(&idxd->wqs[i]))
			continue;
		wqs++;
		entries += idxd->wqs[i].size;
	}
	atomic64_set(&idxd->occ[IDXD_RES_WQS], wqs);
	atomic64_set(&idxd->occ[IDXD_RES_WQ_ENTRIES], entries);
}

/* What an owner set for one use of its WQ: its PASID and interrupt. */
static void idxd_wq_end_use(struct idxd_wq *wq)
{
	wq->pasid_en = false;
	wq->priv_mode = false;
	wq->pasid = 0;
	wq->ims = false;
}

static void idxd_wq_forget(struct idxd_wq *wq)
{
	wq->ops = NULL;
	wq->priv = NULL;
	wq->owner = NULL;
	idxd_wq_end_use(wq);
}

/**
 * idxd_wq_unclaim() - an owner of idxd_wq_claim() lets go; the WQ is unused
 * @wq: the WQ, quiesced
 *
 * Error handling no longer calls an owner that is going away.
 */
void idxd_wq_unclaim(struct idxd_wq *wq)
{
	mutex_lock(&wq->idxd->dev_lock);
	wq->state = IDXD_WQ_UNUSED;
	idxd_wq_forget(wq);
	idxd_occ_update(wq->idxd);
	mutex_unlock(&wq->idxd->dev_lock);
}

/**
 * idxd_wq_claim() - take an unused WQ, in service, for an owner
 * @wq: the WQ
 * @size: its entries
 * @vector: the MSI-X vector of its completions
 * @owner: who has it, for logs and the health dump
 * @ops: how the driver stops and starts the owner
 * @priv: the owner's, for @ops
 *
 * The WQ is written to the device by the next idxd_device_config();
 * idxd_wq_unclaim() gives it back.
 */
void idxd_wq_claim(struct idxd_wq *wq, u16 size, unsigned int vector,
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
	idxd_occ_update(idxd);
	mutex_unlock(&idxd->dev_lock);
}

/**
 * idxd_wqs_uncarve() - every WQ unused, without entries
 * @idxd: the device, no WQ owned; dev_lock held
 */
void idxd_wqs_uncarve(struct idxd_device *idxd)
{
	unsigned int i;

	lockdep_assert_held(&idxd->dev_lock);
	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		if (idxd->wqs[i].state != IDXD_WQ_FREE)
			continue;
		idxd->wqs[i].state = IDXD_WQ_UNUSED;
		idxd->wqs[i].size = 0;
	}
}

/**
 * idxd_wqs_carve() - size the WQs the host does not claim, for subfunctions
 * @idxd: the device, host WQs claimed; dev_lock held
 * @size: the entries each gets (sf_wq_size)
 *
 * Each unclaimed WQ becomes free with @size entries while the device has
 * that many left; the rest stay unused (no entries).  Written to the
 * device by the next idxd_device_config().
 */
void idxd_wqs_carve(struct idxd_device *idxd, u16 size)
{
	unsigned int i, left = idxd->caps.wq.total_wq_size;

	lockdep_assert_held(&idxd->dev_lock);
	for (i = 0; i < idxd->caps.wq.num_wqs; i++)
		if (idxd_wq_owned(&idxd->wqs[i]))
			left -= idxd->wqs[i].size;
	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		struct idxd_wq *wq = &idxd->wqs[i];

		if (wq->state != IDXD_WQ_UNUSED || !size || left < size)
			continue;
		wq->size = size;
		wq->state = IDXD_WQ_FREE;
		left -= size;
	}
}

/**
 * idxd_wq_take() - a free WQ for an owner that comes and goes
 * @idxd: the device; dev_lock held
 * @owner: who has it, for logs and the health dump
 * @ops: how the driver stops and starts the owner
 * @priv: the owner's, for @ops
 *
 * The lowest free WQ becomes the owner's, reserved (out of service); it
 * configures the WQ's PASID and interrupt (idxd_wq_set_pasid(),
 * idxd_wq_set_ims()) before idxd_wq_start() puts it in service.
 *
 * Return: the WQ; ERR_PTR(-EBUSY) when every carved WQ is taken,
 * -ENOSPC when the WQs left have no entries.
 */
struct idxd_wq *idxd_wq_take(struct idxd_device *idxd, const char *owner,
			     const struct idxd_wq_ops *ops, void *priv)
{
	unsigned int i;
	bool unused = false;

	lockdep_assert_held(&idxd->dev_lock);
	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		struct idxd_wq *wq = &idxd->wqs[i];

		unused |= wq->state == IDXD_WQ_UNUSED;
		if (wq->state != IDXD_WQ_FREE)
			continue;
		wq->owner = owner;
		wq->ops = ops;
		wq->priv = priv;
		WRITE_ONCE(wq->gen, wq->gen + 1);
		wq->state = IDXD_WQ_RESERVED;
		idxd_occ_update(idxd);
		return wq;
	}
	return ERR_PTR(unused ? -ENOSPC : -EBUSY);
}

/**
 * idxd_wq_set_pasid() - the PASID every descriptor of the WQ is tagged with
 * @wq: a WQ taken, not enabled; dev_lock held
 * @pasid: the PASID
 * @priv: whether its requests are privileged (supervisor)
 *
 * Written with the rest of the configuration by idxd_wq_start(), and by
 * every reset and recovery after: the WQ never runs untagged.
 */
void idxd_wq_set_pasid(struct idxd_wq *wq, u32 pasid, bool priv)
{
	lockdep_assert_held(&wq->idxd->dev_lock);
	WRITE_ONCE(wq->gen, wq->gen + 1);
	wq->pasid = pasid;
	wq->pasid_en = true;
	wq->priv_mode = priv;
}

/**
 * idxd_wq_set_ims() - the WQ's descriptors signal IMS entry @index
 * @wq: a WQ taken, not enabled; dev_lock held
 * @index: the IMS entry
 * @msg: the message it sends (a host vector's)
 *
 * idxd_wq_start() programs the entry (with the WQ's PASID, so only its
 * descriptors may raise it) and asks for its interrupt handle.
 */
void idxd_wq_set_ims(struct idxd_wq *wq, unsigned int index,
		     const struct msi_msg *msg)
{
	lockdep_assert_held(&wq->idxd->dev_lock);
	wq->ims = true;
	wq->vector = index;
	wq->ims_msg = *msg;
	wq->handle_valid = false;
}

/*
 * The handle the device granted goes back.  A refusal costs only the
 * handle; a command that never completed blocks every later one, so
 * the device is failed (recovery resets it).
 */
static void idxd_wq_release_int_handle(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	u32 operand = wq->int_handle;
	int ret;

	if (!(idxd->caps.cmdcap & BIT_ULL(IDXD_CMD_RELEASE_INT_HANDLE)))
		return;
	if (wq->ims)
		operand |= IDXD_CMD_INT_HANDLE_IMS;
	ret = idxd_cmd_exec(idxd, IDXD_CMD_RELEASE_INT_HANDLE, operand, NULL);
	if (ret == -ETIMEDOUT || ret == -EBUSY) {
		dev_err(idxd_dev(idxd), "WQ %d: RELEASE_INT_HANDLE did not complete: failing the device\n",
			wq->id);
		idxd_device_fail_reported(idxd);
	} else if (ret) {
		dev_warn(idxd_dev(idxd), "WQ %d: interrupt handle %u not released\n",
			 wq->id, wq->int_handle);
	}
}

/**
 * idxd_wq_quiesce() - an owner's WQ out of service, still the owner's
 * @wq: the owner's WQ; dev_lock held
 *
 * The owner is stopped, the WQ drained and disabled (DISABLE_WQ, or
 * RESET_WQ when that fails) and reset, its interrupt handle released,
 * the owner's work flushed, its IMS entry masked, and its PASID and
 * interrupt forgotten.  A WQ the device will not reset fails the device
 * (recovery resets it).  A WQ sent no ENABLE_WQ since it was last
 * quiesced (an SF never activated) needs none: no failed command of its
 * can fail the device.
 */
void idxd_wq_quiesce(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	int ret = 0;

	lockdep_assert_held(&idxd->dev_lock);
	if (wq->state == IDXD_WQ_ENABLED) {
		wq->ops->stop(wq);
		/*
		 * A subfunction's user is gone: its work is dropped by the
		 * RESET_WQ below, not drained for as long as it likes.
		 */
		if (!wq->pasid_en)
			ret = idxd_wq_disable(wq);
	}
	if (wq->enable_sent && !idxd->failed && !idxd->resetting) {
		ret = idxd_cmd_exec(idxd, IDXD_CMD_RESET_WQ,
				    idxd_cmd_wq_operand(wq->id), NULL);
		if (ret) {
			dev_err(idxd_dev(idxd), "WQ %d (%s) cannot be reset: failing the device\n",
				wq->id, wq->owner);
			idxd_device_fail_reported(idxd);
		} else {
			wq->enable_sent = false;
		}
	}
	if (wq->handle_valid && !idxd->failed && !idxd->resetting)
		idxd_wq_release_int_handle(wq);
	/*
	 * Owners that come and go (subfunctions) are isolated by their
	 * PASID: once its domain is detached the device cannot reach their
	 * memory, reset or not.
	 */
	wq->ops->flush(wq);
	wq->unflushed = false;
	if (wq->ims && !idxd->resetting)
		idxd_ims_clear(idxd, wq->vector);
	idxd_wq_end_use(wq);
	wq->handle_valid = false;
	wq->benched = false;
	wq->err_count = 0;
	/* errors of the use that ends here never reach the next one */
	WRITE_ONCE(wq->gen, wq->gen + 1);
	wq->state = IDXD_WQ_RESERVED;
	if (!idxd->failed && !idxd->resetting)
		idxd_wq_config(wq);
}

/**
 * idxd_wq_drop_work() - the device drops what an enabled WQ holds and
 * takes descriptors again; the owner is not told
 * @wq: a WQ in service; dev_lock held
 *
 * For a subfunction's consumer letting go of its memory: nothing queued
 * may reach it after.  A WQ that will not come back fails the device.
 */
void idxd_wq_drop_work(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	int ret;

	lockdep_assert_held(&idxd->dev_lock);
	if (wq->state != IDXD_WQ_ENABLED)
		return;
	ret = idxd_wq_reset(wq);
	/*
	 * An error logged until the reset ended, while it ran too, is of
	 * the work dropped: taken now (its interrupt may still be on its
	 * way), then the next use never sees it.
	 */
	idxd_swerr_poll(idxd);
	WRITE_ONCE(wq->gen, wq->gen + 1);
	if (!ret && !idxd_wq_enable(wq))
		return;
	dev_err(idxd_dev(idxd), "WQ %d (%s) did not come back from RESET_WQ: failing the device\n",
		wq->id, wq->owner);
	idxd_device_fail_reported(idxd);
}

/**
 * idxd_wq_put() - an owner gives its WQ back
 * @wq: the owner's WQ; dev_lock held
 *
 * Quiesced (idxd_wq_quiesce()), then the driver forgets the owner, so
 * nothing calls it again, and the WQ is free.
 */
void idxd_wq_put(struct idxd_wq *wq)
{
	lockdep_assert_held(&wq->idxd->dev_lock);
	idxd_wq_quiesce(wq);
	idxd_wq_forget(wq);
	WRITE_ONCE(wq->gen, wq->gen + 1);
	wq->state = IDXD_WQ_FREE;
	idxd_occ_update(wq->idxd);
}

/* Write one WQ's configuration and check the device took it. */
static int idxd_wq_config(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	union wqcfg cfg = {
		.wq_size = wq->size,
		.mode = IDXD_WQ_MODE_DEDICATED,
		.priority = IDXD_WQ_PRIORITY,
		.pasid = wq->pasid,
		.pasid_en = wq->pasid_en,
		.priv = wq->priv_mode,
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
		if (idxd_wq_in_service(wq))
			wq->state = IDXD_WQ_STOPPED;
		/* a reset revokes every interrupt handle */
		wq->handle_valid = false;
		__set_bit(i, wqs);
	}
	idxd_group_config(idxd, wqs);
	ret = idxd_cmd_exec(idxd, IDXD_CMD_ENABLE_DEVICE, 0, NULL);
	if (ret)
		return ret;
	idxd_occ_update(idxd);
	atomic64_set(&idxd->occ[IDXD_RES_ENGINES], 1);
	atomic64_set(&idxd->occ[IDXD_RES_GROUPS], 1);
	return 0;
}

/* Where the device supports it, descriptors name a granted handle. */
static int idxd_wq_int_handle(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	u32 handle = wq->vector;
	u32 operand = wq->vector;
	int ret;

	if (wq->handle_valid)
		return 0;
	if (wq->ims)
		operand |= IDXD_CMD_INT_HANDLE_IMS;
	if (idxd->caps.cmdcap & BIT_ULL(IDXD_CMD_REQUEST_INT_HANDLE)) {
		ret = idxd_cmd_exec(idxd, IDXD_CMD_REQUEST_INT_HANDLE,
				    operand, &handle);
		if (ret)
			return ret;
	}
	wq->int_handle = handle;
	wq->handle_valid = true;
	return 0;
}

/* Configure and enable a WQ; its owner is not told. */
static int idxd_wq_enable(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	union wqcfg back;
	int ret;

	lockdep_assert_held(&idxd->dev_lock);
	/* the owner's whole configuration, its PASID included */
	ret = idxd_wq_config(wq);
	if (ret)
		return ret;
	if (wq->ims)
		idxd_ims_program(idxd, wq->vector, &wq->ims_msg, wq->pasid_en,
				 wq->pasid);
	ret = idxd_wq_int_handle(wq);
	if (ret)
		return ret;
	/* one that times out may still enable it: a reset is owed from now */
	wq->enable_sent = true;
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
	return 0;
}

/**
 * idxd_wq_start() - enable a configured WQ and hand it to its owner
 * @wq: a WQ of an enabled device, reserved, stopped or failed; dev_lock
 *	held
 *
 * Return: 0, or the error of the command that failed (logged); the WQ
 * then stays as it was.
 */
int idxd_wq_start(struct idxd_wq *wq)
{
	int ret;

	ret = idxd_wq_enable(wq);
	if (!ret)
		wq->ops->start(wq);
	return ret;
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
