// SPDX-License-Identifier: GPL-2.0
/*
 * The "device" health reporter: a software error or a halt becomes a
 * health event whose dump holds the decoded error record and the state of
 * every WQ the driver runs.  Before reporting, err_work takes down what
 * the error broke (recover.c: the WQ it names, or the halted device);
 * recovery brings it back.
 */

#include "idxd.h"

/* What one event carries from err_work to the dump. */
struct idxd_health_ctx {
	union sw_err_reg err;
	DECLARE_BITMAP(wqs, IDXD_MAX_WQS);
	u16 gens[IDXD_MAX_WQS];
	u16 rec_gen;
	DECLARE_BITMAP(isolated, IDXD_MAX_WQS);
	bool failed;
	bool lost;
	bool halted;
};

static const char * const idxd_state_names[] = {
	[IDXD_DEVICE_STATE_DISABLED] = "disabled",
	[IDXD_DEVICE_STATE_ENABLED] = "enabled",
	[IDXD_DEVICE_STATE_DRAIN] = "draining",
	[IDXD_DEVICE_STATE_HALT] = "halted",
};

static void idxd_fmsg_swerr(struct devlink_fmsg *fmsg,
			    const union sw_err_reg *e)
{
	devlink_fmsg_u32_pair_put(fmsg, "error", e->error);
	devlink_fmsg_bool_pair_put(fmsg, "overflow", e->overflow);
	if (e->wq_idx_valid)
		devlink_fmsg_u32_pair_put(fmsg, "wq", e->wq_idx);
	if (!e->desc_valid)
		return;
	devlink_fmsg_u32_pair_put(fmsg, "operation", e->operation);
	devlink_fmsg_u32_pair_put(fmsg, "pasid", e->pasid);
	devlink_fmsg_bool_pair_put(fmsg, "priv", e->priv);
	if (e->batch)
		devlink_fmsg_u32_pair_put(fmsg, "batch_index", e->batch_idx);
	devlink_fmsg_u32_pair_put(fmsg, "invalid_flags", e->invalid_flags);
	devlink_fmsg_u64_pair_put(fmsg, "fault_address", e->fault_addr);
	devlink_fmsg_bool_pair_put(fmsg, "fault_on_write", e->fault_rw);
}

/* BAR0 is not readable while the PCI core resets the function. */
static void idxd_fmsg_state(struct devlink_fmsg *fmsg, struct idxd_device *idxd)
{
	union gensts_reg sts;
	bool resetting;

	mutex_lock(&idxd->dev_lock);
	resetting = idxd->resetting;
	if (!resetting)
		sts.bits = ioread32(idxd->regs + IDXD_GENSTATS_OFFSET);
	mutex_unlock(&idxd->dev_lock);
	devlink_fmsg_string_pair_put(fmsg, "state", resetting ? "resetting" :
				     idxd_state_names[sts.state]);
}

static void idxd_fmsg_wqs(struct devlink_fmsg *fmsg, struct idxd_device *idxd)
{
	unsigned int i;

	devlink_fmsg_arr_pair_nest_start(fmsg, "wqs");
	mutex_lock(&idxd->dev_lock);
	for (i = 0; i < idxd->caps.wq.num_wqs; i++) {
		struct idxd_wq *wq = &idxd->wqs[i];

		if (!idxd_wq_owned(wq))
			continue;
		devlink_fmsg_obj_nest_start(fmsg);
		devlink_fmsg_u32_pair_put(fmsg, "wq", i);
		devlink_fmsg_string_pair_put(fmsg, "owner", wq->owner);
		devlink_fmsg_string_pair_put(fmsg, "state",
					     idxd_wq_state_name(wq->state));
		devlink_fmsg_obj_nest_end(fmsg);
	}
	mutex_unlock(&idxd->dev_lock);
	devlink_fmsg_arr_pair_nest_end(fmsg);
}

static int idxd_health_dump(struct devlink_health_reporter *reporter,
			    struct devlink_fmsg *fmsg, void *priv_ctx,
			    struct netlink_ext_ack *extack)
{
	struct idxd_device *idxd = devlink_health_reporter_priv(reporter);
	const struct idxd_health_ctx *ctx = priv_ctx;

	idxd_fmsg_state(fmsg, idxd);
	idxd_fmsg_wqs(fmsg, idxd);
	if (!ctx)
		return 0;
	devlink_fmsg_bool_pair_put(fmsg, "halted", ctx->halted);
	if (ctx->err.valid)
		idxd_fmsg_swerr(fmsg, &ctx->err);
	else if (ctx->lost)
		devlink_fmsg_bool_pair_put(fmsg, "overflow", true);
	return 0;
}

static int idxd_health_recover(struct devlink_health_reporter *reporter,
			       void *priv_ctx, struct netlink_ext_ack *extack)
{
	return idxd_recover(devlink_health_reporter_priv(reporter), extack);
}

static const struct devlink_health_reporter_ops idxd_health_ops = {
	.name = "device",
	.dump = idxd_health_dump,
	.recover = idxd_health_recover,
};

static void idxd_log_error(struct idxd_device *idxd,
			   const struct idxd_health_ctx *ctx)
{
	const union sw_err_reg *e = &ctx->err;

	if (ctx->halted)
		dev_err(idxd_dev(idxd), "device halted\n");
	if (ctx->lost)
		dev_err(idxd_dev(idxd), "software errors lost: SWERR overflowed, what they named is unknown\n");
	if (!e->valid)
		return;
	dev_err(idxd_dev(idxd),
		"software error %#x%s: wq %d, operation %#x, pasid %#x, fault address %#llx\n",
		(u32)e->error, e->overflow ? " (and more)" : "",
		e->wq_idx_valid ? (int)e->wq_idx : -1, (u32)e->operation,
		(u32)e->pasid, (u64)e->fault_addr);
}

static bool idxd_live(struct idxd_device *idxd)
{
	bool live;

	mutex_lock(&idxd->dev_lock);
	live = idxd->live;
	mutex_unlock(&idxd->dev_lock);
	return live;
}

/*
 * Take down what the error names.  Errors on subfunction WQs that took
 * nothing down (already down, benched, or a later owner's now) are not
 * reported: a guest writing to its failed WQ must not keep devlink
 * recovering.  Returns whether to report.
 */
static bool idxd_err_take_down(struct idxd_device *idxd,
			       const struct idxd_health_ctx *ctx)
{
	/* an overflow may hide errors of any WQ, the host's included */
	bool report = ctx->lost || ctx->err.overflow || ctx->failed ||
		      bitmap_empty(ctx->wqs, IDXD_MAX_WQS);
	unsigned int wq;
	int down;

	for_each_set_bit(wq, ctx->wqs, IDXD_MAX_WQS) {
		down = idxd_wq_fail(idxd, wq, &ctx->err, ctx->rec_gen,
				    ctx->gens[wq]);
		if (down > 0 || (!down && !test_bit(wq, ctx->isolated)))
			report = true;
	}
	return report;
}

/*
 * Logs the error, takes down what it broke, then reports it.  Before
 * probe finished the error waits (there is no devlink instance to report
 * to yet, and probe owns the device); once unbinding began, it is left
 * for the teardown's reset.
 */
void idxd_err_work(struct work_struct *work)
{
	struct idxd_device *idxd = container_of(work, struct idxd_device,
						err_work);
	struct idxd_health_ctx ctx;
	unsigned long flags;

	/* left for idxd_health_start(), or dropped with the device */
	if (!idxd_live(idxd))
		return;
	spin_lock_irqsave(&idxd->err_lock, flags);
	ctx.err = idxd->err;
	ctx.lost = idxd->lost;
	ctx.halted = idxd->halted;
	bitmap_copy(ctx.wqs, idxd->err_wqs, IDXD_MAX_WQS);
	memcpy(ctx.gens, idxd->err_gen, sizeof(ctx.gens));
	ctx.rec_gen = idxd->err_rec_gen;
	bitmap_copy(ctx.isolated, idxd->err_isolated, IDXD_MAX_WQS);
	ctx.failed = idxd->fail_event;
	idxd->fail_event = false;
	memset(&idxd->err, 0, sizeof(idxd->err));
	bitmap_zero(idxd->err_wqs, IDXD_MAX_WQS);
	idxd->lost = false;
	idxd->halted = false;
	spin_unlock_irqrestore(&idxd->err_lock, flags);
	if (!ctx.err.valid && !ctx.lost && !ctx.halted && !ctx.failed)
		return;

	if (ctx.halted) {
		idxd_log_error(idxd, &ctx);
		idxd_device_fail_halted(idxd);
	} else if (idxd_err_take_down(idxd, &ctx)) {
		idxd_log_error(idxd, &ctx);
	} else {
		/* a guest writing to its WQ that is down: no recovery loop */
		dev_info_ratelimited(idxd_dev(idxd), "error %#x on a subfunction WQ already down: not reported\n",
				     (u32)ctx.err.error);
		return;
	}
	devlink_health_report(idxd->health,
			      ctx.halted ? "device halted" :
			      ctx.err.valid ? "software error" :
			      ctx.lost ? "software errors lost" :
			      "device failed", &ctx);
}

/**
 * idxd_err_forget() - a function reset: errors captured before it are gone
 * @idxd: the device
 *
 * What the interrupt captured before the reset names a device and WQs
 * the reset replaced; err_work must not act on it afterwards.
 */
void idxd_err_forget(struct idxd_device *idxd)
{
	unsigned long flags;

	spin_lock_irqsave(&idxd->err_lock, flags);
	memset(&idxd->err, 0, sizeof(idxd->err));
	bitmap_zero(idxd->err_wqs, IDXD_MAX_WQS);
	idxd->lost = false;
	idxd->halted = false;
	idxd->fail_event = false;
	spin_unlock_irqrestore(&idxd->err_lock, flags);
}

/**
 * idxd_health_start() - errors are handled and reported from now on
 * @idxd: the device, its devlink instance registered
 */
void idxd_health_start(struct idxd_device *idxd)
{
	mutex_lock(&idxd->dev_lock);
	idxd->live = true;
	mutex_unlock(&idxd->dev_lock);
	/* what happened while probe ran */
	schedule_work(&idxd->err_work);
}

/**
 * idxd_health_stop() - errors are only logged from now on
 * @idxd: the device, its devlink instance still registered
 *
 * Returns once no error handling runs any more.
 */
void idxd_health_stop(struct idxd_device *idxd)
{
	mutex_lock(&idxd->dev_lock);
	idxd->live = false;
	mutex_unlock(&idxd->dev_lock);
	cancel_work_sync(&idxd->err_work);
}

static void idxd_health_release(void *data)
{
	struct idxd_device *idxd = data;

	cancel_work_sync(&idxd->err_work);
	devlink_health_reporter_destroy(idxd->health);
}

/* Before the interrupt exists: the error work must have a reporter. */
int idxd_health_create(struct idxd_device *idxd)
{
	idxd->health = devlink_health_reporter_create(idxd_devlink(idxd),
						      &idxd_health_ops, 0, idxd);
	if (IS_ERR(idxd->health)) {
		dev_err(idxd_dev(idxd), "cannot create the health reporter: %ld\n",
			PTR_ERR(idxd->health));
		return PTR_ERR(idxd->health);
	}
	INIT_WORK(&idxd->err_work, idxd_err_work);
	return devm_add_action_or_reset(idxd_dev(idxd), idxd_health_release,
					idxd);
}
