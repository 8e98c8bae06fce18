// SPDX-License-Identifier: GPL-2.0
/*
 * Device commands: the CMD/CMDSTS handshake.  Each command asks for a
 * completion interrupt; the wait is bounded, and a failure names the
 * command and the CMDSTS error code.  The device ignores a command
 * written while another is active, so after a timeout the next command
 * first waits for the old one to end.
 *
 * A command that drains a WQ (DISABLE_WQ) runs as long as the WQ's work
 * does: its bound restarts whenever the WQ's occupancy falls, so a slow
 * but moving drain is waited for and only a stuck one times out.
 */

#include <linux/io.h>
#include <linux/iopoll.h>

#include "idxd.h"

#define IDXD_CMD_TIMEOUT_MS	1000

static const char * const idxd_cmd_names[] = {
	[IDXD_CMD_ENABLE_DEVICE] = "ENABLE_DEVICE",
	[IDXD_CMD_DISABLE_DEVICE] = "DISABLE_DEVICE",
	[IDXD_CMD_DRAIN_ALL] = "DRAIN_ALL",
	[IDXD_CMD_ABORT_ALL] = "ABORT_ALL",
	[IDXD_CMD_RESET_DEVICE] = "RESET_DEVICE",
	[IDXD_CMD_ENABLE_WQ] = "ENABLE_WQ",
	[IDXD_CMD_DISABLE_WQ] = "DISABLE_WQ",
	[IDXD_CMD_DRAIN_WQ] = "DRAIN_WQ",
	[IDXD_CMD_ABORT_WQ] = "ABORT_WQ",
	[IDXD_CMD_RESET_WQ] = "RESET_WQ",
	[IDXD_CMD_DRAIN_PASID] = "DRAIN_PASID",
	[IDXD_CMD_ABORT_PASID] = "ABORT_PASID",
	[IDXD_CMD_REQUEST_INT_HANDLE] = "REQUEST_INT_HANDLE",
	[IDXD_CMD_RELEASE_INT_HANDLE] = "RELEASE_INT_HANDLE",
};

static const char *idxd_cmd_name(enum idxd_cmd cmd)
{
	if (cmd >= ARRAY_SIZE(idxd_cmd_names) || !idxd_cmd_names[cmd])
		return "unknown";
	return idxd_cmd_names[cmd];
}

static u32 idxd_cmdsts(struct idxd_device *idxd)
{
	return ioread32(idxd->regs + IDXD_CMDSTS_OFFSET);
}

/*
 * How long a drain may go without progress: a second, plus what the
 * descriptor in flight may take at 1 GB/s (up to 2 s more at the largest
 * transfer).
 */
static unsigned long idxd_drain_step(struct idxd_device *idxd)
{
	u64 max_xfer = 1ULL << idxd->caps.gen.max_xfer_shift;

	return msecs_to_jiffies(IDXD_CMD_TIMEOUT_MS + (max_xfer >> 20));
}

/*
 * A drain's deadline moves on while the WQ's occupancy falls (where the
 * device reports occupancy), but never past one step per entry the WQ
 * has and one more: a device cannot hold the command unit for ever.
 */
static unsigned long idxd_drain_deadline(struct idxd_device *idxd, int wq,
					 unsigned long deadline,
					 unsigned long cap, unsigned int *low)
{
	unsigned int occ;

	if (!idxd->caps.wq.occupancy)
		return deadline;
	occ = idxd_wq_occupancy(idxd, wq);
	if (occ >= *low)
		return deadline;
	*low = occ;
	deadline = jiffies + idxd_drain_step(idxd);
	return time_after(deadline, cap) ? cap : deadline;
}

/*
 * Wait for the completion interrupt, but let CMDSTS decide: a lost
 * interrupt does not fail a finished command, and a late one (from a
 * command that timed out before) does not end the wait early.  With
 * @drain_wq >= 0, the bound follows the drain (idxd_drain_deadline()).
 */
static u32 idxd_cmd_wait(struct idxd_device *idxd, int drain_wq)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(IDXD_CMD_TIMEOUT_MS);
	unsigned long cap = 0;
	unsigned int low = UINT_MAX;
	long left;
	u32 sts;

	if (drain_wq >= 0) {
		deadline = jiffies + idxd_drain_step(idxd);
		cap = jiffies + (idxd->wqs[drain_wq].size + 1) *
				idxd_drain_step(idxd);
	}
	for (;;) {
		sts = idxd_cmdsts(idxd);
		if (!(sts & IDXD_CMDSTS_ACTIVE))
			return sts;
		if (drain_wq >= 0)
			deadline = idxd_drain_deadline(idxd, drain_wq, deadline,
						       cap, &low);
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return sts;
		/* a drain is watched at least every 100 ms */
		if (drain_wq >= 0)
			left = min_t(long, left, msecs_to_jiffies(100));
		wait_for_completion_timeout(&idxd->cmd_done, left);
	}
}

static int __idxd_cmd_exec(struct idxd_device *idxd, enum idxd_cmd cmd,
			   u32 operand, u32 *result, int drain_wq)
{
	union idxd_command_reg reg = {
		.cmd = cmd,
		.operand = operand,
		.int_req = 1,
	};
	u32 sts, err;
	int ret = 0;

	mutex_lock(&idxd->cmd_lock);
	if (read_poll_timeout(idxd_cmdsts, sts, !(sts & IDXD_CMDSTS_ACTIVE),
			      1000, IDXD_CMD_TIMEOUT_MS * USEC_PER_MSEC, false,
			      idxd)) {
		dev_err(idxd_dev(idxd), "command %s (operand %#x) not sent: an earlier command is still active\n",
			idxd_cmd_name(cmd), operand);
		mutex_unlock(&idxd->cmd_lock);
		return -EBUSY;
	}
	reinit_completion(&idxd->cmd_done);
	iowrite32(reg.bits, idxd->regs + IDXD_CMD_OFFSET);
	sts = idxd_cmd_wait(idxd, drain_wq);
	err = sts & IDXD_CMDSTS_ERR_MASK;
	if (sts & IDXD_CMDSTS_ACTIVE) {
		if (drain_wq >= 0)
			dev_err(idxd_dev(idxd), "command %s (operand %#x) timed out: WQ %d made no progress for %u ms\n",
				idxd_cmd_name(cmd), operand, drain_wq,
				jiffies_to_msecs(idxd_drain_step(idxd)));
		else
			dev_err(idxd_dev(idxd), "command %s (operand %#x) timed out after %u ms\n",
				idxd_cmd_name(cmd), operand, IDXD_CMD_TIMEOUT_MS);
		ret = -ETIMEDOUT;
	} else if (err) {
		dev_err(idxd_dev(idxd), "command %s (operand %#x) failed: CMDSTS error %#x\n",
			idxd_cmd_name(cmd), operand, err);
		ret = -EIO;
	} else if (result) {
		*result = (sts >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;
	}
	mutex_unlock(&idxd->cmd_lock);
	return ret;
}

/**
 * idxd_cmd_exec() - run one device command and wait for it
 * @idxd: the device
 * @cmd: the command
 * @operand: its operand
 * @result: where CMDSTS.result goes on success, or NULL
 *
 * Return: 0, -EBUSY if an earlier command never ended (not sent),
 * -ETIMEDOUT if this one is still active after the timeout, or -EIO if
 * the device reported an error; each is logged naming the command.
 */
int idxd_cmd_exec(struct idxd_device *idxd, enum idxd_cmd cmd, u32 operand,
		  u32 *result)
{
	return __idxd_cmd_exec(idxd, cmd, operand, result, -1);
}

/**
 * idxd_cmd_exec_drain() - run a command that drains WQ @wq, and wait
 * @idxd: the device
 * @cmd: the command (DISABLE_WQ, DRAIN_WQ)
 * @operand: its operand
 * @wq: the WQ it drains, whose occupancy measures progress
 *
 * Return: as idxd_cmd_exec(); -ETIMEDOUT only once the WQ stopped
 * draining.
 */
int idxd_cmd_exec_drain(struct idxd_device *idxd, enum idxd_cmd cmd,
			u32 operand, int wq)
{
	return __idxd_cmd_exec(idxd, cmd, operand, NULL, wq);
}
