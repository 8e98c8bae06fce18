// SPDX-License-Identifier: GPL-2.0
/*
 * Device commands: the CMD/CMDSTS handshake.  Each command asks for a
 * completion interrupt; the wait is bounded, and a failure names the
 * command and the CMDSTS error code.  The device ignores a command
 * written while another is active, so after a timeout the next command
 * first waits for the old one to end.
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
 * Wait for the completion interrupt, but let CMDSTS decide: a lost
 * interrupt does not fail a finished command, and a late one (from a
 * command that timed out before) does not end the wait early.
 */
static u32 idxd_cmd_wait(struct idxd_device *idxd)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(IDXD_CMD_TIMEOUT_MS);
	long left;
	u32 sts;

	for (;;) {
		sts = idxd_cmdsts(idxd);
		left = (long)(deadline - jiffies);
		if (!(sts & IDXD_CMDSTS_ACTIVE) || left <= 0)
			return sts;
		wait_for_completion_timeout(&idxd->cmd_done, left);
	}
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
	sts = idxd_cmd_wait(idxd);
	err = sts & IDXD_CMDSTS_ERR_MASK;
	if (sts & IDXD_CMDSTS_ACTIVE) {
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
