// SPDX-License-Identifier: GPL-2.0
/*
 * WQ, group and engine configuration: the registers behind them, written
 * and read back.  Today it sets up the host's own WQ: WQ 0, dedicated,
 * in group 0 with engine 0, the rest of the device left for subfunctions.
 */

#include <linux/io-64-nonatomic-lo-hi.h>

#include "idxd.h"

#define IDXD_HOST_WQ		0
#define IDXD_HOST_GROUP		0
#define IDXD_HOST_ENGINE	0
#define IDXD_HOST_WQ_PRIORITY	10
#define IDXD_HOST_BATCH_SHIFT	5

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

/* Write what the host WQ needs and check the device took it. */
static int idxd_host_config_write(struct idxd_device *idxd, u16 size)
{
	u32 grp = idxd_grpcfg_offset(idxd, IDXD_HOST_GROUP);
	union wqcfg cfg = {
		.wq_size = size,
		.mode = IDXD_WQ_MODE_DEDICATED,
		.priority = IDXD_HOST_WQ_PRIORITY,
		.max_xfer_shift = idxd->caps.gen.max_xfer_shift,
		.max_batch_shift = min_t(u32, IDXD_HOST_BATCH_SHIFT,
					 idxd->caps.gen.max_batch_shift),
	};
	union wqcfg back;

	writeq(BIT_ULL(IDXD_HOST_WQ), idxd->regs + grp);
	writeq(BIT_ULL(IDXD_HOST_ENGINE), idxd->regs + grp + IDXD_GRPENGCFG_OFS);
	idxd_wqcfg_write(idxd, IDXD_HOST_WQ, &cfg);
	idxd_wqcfg_read(idxd, IDXD_HOST_WQ, &back);
	if (memcmp(back.bits, cfg.bits, IDXD_WQCFG_STATUS_IDX * sizeof(u32))) {
		dev_err(idxd_dev(idxd), "WQ %d configuration did not read back\n",
			IDXD_HOST_WQ);
		return -EIO;
	}
	return 0;
}

/**
 * idxd_host_wq_enable() - configure, enable the device and the host WQ
 * @idxd: the device, reset and disabled
 * @size: WQ entries of the host WQ
 *
 * Return: 0 or the error of the step that failed (logged).
 */
int idxd_host_wq_enable(struct idxd_device *idxd, u16 size)
{
	union wqcfg back;
	int ret;

	ret = idxd_host_config_write(idxd, size);
	if (ret)
		return ret;
	ret = idxd_cmd_exec(idxd, IDXD_CMD_ENABLE_DEVICE, 0, NULL);
	if (ret)
		return ret;
	ret = idxd_cmd_exec(idxd, IDXD_CMD_ENABLE_WQ, IDXD_HOST_WQ, NULL);
	if (ret)
		return ret;
	idxd_wqcfg_read(idxd, IDXD_HOST_WQ, &back);
	if (back.wq_state != IDXD_WQ_DEV_ENABLED) {
		dev_err(idxd_dev(idxd), "WQ %d not enabled after ENABLE_WQ\n",
			IDXD_HOST_WQ);
		return -EIO;
	}
	idxd->occ[IDXD_RES_WQS] = 1;
	idxd->occ[IDXD_RES_WQ_ENTRIES] = size;
	idxd->occ[IDXD_RES_ENGINES] = 1;
	idxd->occ[IDXD_RES_GROUPS] = 1;
	return 0;
}

/* The host WQ's portal: unlimited, MSI-X completion interrupts. */
void __iomem *idxd_host_wq_portal(struct idxd_device *idxd)
{
	return idxd->portals + IDXD_PORTAL_OFFSET(IDXD_HOST_WQ,
						  IDXD_PORTAL_UNLIMITED,
						  IDXD_IRQ_MSIX);
}
