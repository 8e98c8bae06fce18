/*
 * Intel Data Streaming Accelerator (DSA) device model: device commands
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A write to CMD only latches the command; the command unit, a thread of
 * its own, runs it, so that drains wait for the engines while the vCPU
 * polls CMDSTS, and no command waits for descriptors it does not drain.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "dsa.h"

typedef void (*DsaWqAction)(DsaState *s, int wq);

/*
 * Software must not write a command while one is active; the device does
 * not run it, and says so in SWERR (the code is the model's choice, in
 * the range the architecture leaves to submission errors).
 */
static void dsa_cmd_refuse(DsaState *s, uint32_t value)
{
    union sw_err_reg err = { };

    qemu_log_mask(LOG_GUEST_ERROR, "intel-dsa: command 0x%x written "
                  "while another is active: not run\n", value);
    err.error = IDXD_SWERR_CMD_ACTIVE;
    dsa_swerr_record(s, &err);
}

void dsa_cmd_submit(DsaState *s, uint32_t value)
{
    if (s->cmdsts.active) {
        dsa_cmd_refuse(s, value);
        return;
    }
    s->cmd.bits = value;
    s->cmdsts.bits = IDXD_CMDSTS_ACTIVE;
    s->cmd_pending = true;
    qemu_cond_broadcast(&s->cmd_wakeup);
}

static bool dsa_pasid_ctrl(DsaState *s, uint16_t bit)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    return pci_get_word(pdev->config + DSA_PASID_CAP_OFFSET +
                        PCI_PASID_CTRL) & bit;
}

static uint8_t dsa_check_groups(DsaState *s, const int *wq_group)
{
    uint64_t engines_seen = 0, engine_mask;
    uint32_t rdbufs = 0;
    int g, w;

    engine_mask = MAKE_64BIT_MASK(0, s->num_engines);
    for (g = 0; g < s->num_groups; g++) {
        uint64_t engines = s->grpcfg[g].engines & engine_mask;
        bool has_wq = false;

        for (w = 0; w < s->num_wqs; w++) {
            has_wq |= wq_group[w] == g;
        }
        if (engines & engines_seen) {
            return IDXD_CMDSTS_ERR_GRP_CONFIG;
        }
        engines_seen |= engines;
        if (has_wq && !engines) {
            return IDXD_CMDSTS_ERR_GRP_CONFIG2;
        }
        rdbufs += s->grpcfg[g].flags.rdbufs_reserved;
    }
    if (rdbufs > s->grpcap.total_rdbufs) {
        return IDXD_CMDSTS_ERR_GRP_CONFIG3;
    }
    return IDXD_CMDSTS_SUCCESS;
}

/* The configuration checks ENABLE_DEVICE makes, in the documented order. */
static uint8_t dsa_check_config(DsaState *s)
{
    int wq_group[DSA_MAX_WQS];
    uint32_t total = 0;
    uint8_t err;
    int g, w;

    for (w = 0; w < s->num_wqs; w++) {
        total += s->wqs[w].cfg.wq_size;
        wq_group[w] = -1;
    }
    if (total > s->wq_entries) {
        return IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE;
    }
    for (g = 0; g < s->num_groups; g++) {
        for (w = 0; w < s->num_wqs; w++) {
            if (!(s->grpcfg[g].wqs[w / 64] & BIT_ULL(w % 64))) {
                continue;
            }
            if (wq_group[w] >= 0) {
                return IDXD_CMDSTS_ERR_GRP_CONFIG;
            }
            wq_group[w] = g;
        }
    }
    err = dsa_check_groups(s, wq_group);
    if (err) {
        return err;
    }
    for (w = 0; w < s->num_wqs; w++) {
        if (s->wqs[w].cfg.wq_size && wq_group[w] < 0) {
            return IDXD_CMDSTS_ERR_GRP_CONFIG4;
        }
    }
    if (s->gencfg.rdbuf_limit > s->grpcap.total_rdbufs) {
        return IDXD_CMDSTS_ERR_CONFIG;
    }
    /* each group's engine serves its WQs until the next ENABLE_DEVICE */
    for (w = 0; w < s->num_wqs; w++) {
        s->wqs[w].group = wq_group[w];
    }
    return IDXD_CMDSTS_SUCCESS;
}

static uint8_t dsa_enable_device(DsaState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint8_t err;

    if (s->gensts.state != IDXD_DEVICE_STATE_DISABLED) {
        return IDXD_CMDSTS_ERR_DEV_ENABLED;
    }
    if (!(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        return IDXD_CMDSTS_ERR_BUSMASTER_EN;
    }
    err = dsa_check_config(s);
    if (!err) {
        s->gensts.state = IDXD_DEVICE_STATE_ENABLED;
    }
    return err;
}

static uint8_t dsa_enable_wq(DsaState *s, uint32_t index)
{
    union wqcfg *cfg;

    if (index >= s->num_wqs) {
        return IDXD_CMDSTS_INVAL_WQIDX;
    }
    if (!dsa_enabled(s)) {
        return IDXD_CMDSTS_ERR_DEV_NOTEN;
    }
    cfg = &s->wqs[index].cfg;
    if (cfg->wq_state == IDXD_WQ_DEV_ENABLED) {
        return IDXD_CMDSTS_ERR_WQ_ENABLED;
    }
    if (!cfg->wq_size) {
        return IDXD_CMDSTS_ERR_WQ_SIZE;
    }
    if (!cfg->priority) {
        return IDXD_CMDSTS_ERR_WQ_PRIOR;
    }
    if (cfg->mode == IDXD_WQ_MODE_SHARED && !s->wqcap.shared_mode) {
        return IDXD_CMDSTS_ERR_WQ_MODE;
    }
    if (cfg->bof && !s->gencap.block_on_fault) {
        return IDXD_CMDSTS_ERR_BOF_EN;
    }
    if (cfg->pasid_en && !dsa_pasid_ctrl(s, PCI_PASID_CTRL_ENABLE)) {
        return IDXD_CMDSTS_ERR_PASID_EN;
    }
    /* the spec's rule for dedicated WQs, which upstream's device.c quotes */
    if (cfg->mode == IDXD_WQ_MODE_DEDICATED && cfg->pasid_en && cfg->priv &&
        !dsa_pasid_ctrl(s, PCI_PASID_CTRL_PRIV)) {
        return IDXD_CMDSTS_ERR_PASID_EN;
    }
    if (cfg->max_batch_shift > s->gencap.max_batch_shift) {
        return IDXD_CMDSTS_ERR_MAX_BATCH_SIZE;
    }
    if (cfg->max_xfer_shift > s->gencap.max_xfer_shift) {
        return IDXD_CMDSTS_ERR_MAX_XFER_SIZE;
    }
    dsa_wq_reset_queue(s, index);
    cfg->wq_state = IDXD_WQ_DEV_ENABLED;
    return IDXD_CMDSTS_SUCCESS;
}

/*
 * The WQ takes no descriptor from the moment the command starts: one
 * written during the drain is dropped and logged like one written to a
 * disabled WQ, so nothing is left queued in the disabled WQ.
 */
static void dsa_wq_disable(DsaState *s, int wq)
{
    s->wqs[wq].draining = true;
    dsa_engine_drain_wq(s, wq);
    s->wqs[wq].draining = false;
    s->wqs[wq].cfg.wq_state = IDXD_WQ_DEV_DISABLED;
}

static void dsa_wq_reset(DsaState *s, int wq)
{
    union wqcfg *cfg = &s->wqs[wq].cfg;
    uint16_t size = cfg->wq_size;

    dsa_wq_abort(s, wq);
    memset(cfg, 0, sizeof(*cfg));
    cfg->wq_size = size;
}

/* DISABLE/DRAIN/ABORT/RESET_WQ: the operand names up to 16 WQs at once. */
static uint8_t dsa_wq_mask_cmd(DsaState *s, uint32_t operand,
                               DsaWqAction action)
{
    uint32_t mask = operand & MAKE_64BIT_MASK(0, IDXD_CMD_WQ_MASK_BITS);
    uint32_t base = (operand >> IDXD_CMD_WQ_MASK_BITS) *
                    IDXD_CMD_WQ_MASK_BITS;
    int bit;

    if (!dsa_enabled(s)) {
        return IDXD_CMDSTS_ERR_DEV_NOT_EN;
    }
    for (bit = 0; bit < IDXD_CMD_WQ_MASK_BITS; bit++) {
        if ((mask & BIT(bit)) && base + bit >= s->num_wqs) {
            return IDXD_CMDSTS_INVAL_WQIDX;
        }
    }
    /* a DISABLE_WQ stops intake on every WQ it names at once */
    for (bit = 0; action == dsa_wq_disable && bit < IDXD_CMD_WQ_MASK_BITS;
         bit++) {
        if (mask & BIT(bit)) {
            s->wqs[base + bit].draining = true;
        }
    }
    for (bit = 0; bit < IDXD_CMD_WQ_MASK_BITS; bit++) {
        if (mask & BIT(bit)) {
            action(s, base + bit);
        }
    }
    return IDXD_CMDSTS_SUCCESS;
}

static uint8_t dsa_all_wqs_cmd(DsaState *s, DsaWqAction action)
{
    int wq;

    if (!dsa_enabled(s)) {
        return IDXD_CMDSTS_ERR_DEV_NOT_EN;
    }
    for (wq = 0; wq < s->num_wqs; wq++) {
        action(s, wq);
    }
    return IDXD_CMDSTS_SUCCESS;
}

static uint8_t dsa_pasid_cmd(DsaState *s, uint32_t pasid, DsaWqAction action)
{
    int wq;

    if (!dsa_enabled(s)) {
        return IDXD_CMDSTS_ERR_DEV_NOT_EN;
    }
    for (wq = 0; wq < s->num_wqs; wq++) {
        union wqcfg *cfg = &s->wqs[wq].cfg;

        if (cfg->wq_state == IDXD_WQ_DEV_ENABLED && cfg->pasid_en &&
            cfg->pasid == pasid) {
            action(s, wq);
        }
    }
    return IDXD_CMDSTS_SUCCESS;
}

static uint8_t dsa_disable_device(DsaState *s)
{
    int wq;

    if (s->gensts.state == IDXD_DEVICE_STATE_DISABLED) {
        return IDXD_CMDSTS_ERR_DIS_DEV_EN;
    }
    for (wq = 0; dsa_enabled(s) && wq < s->num_wqs; wq++) {
        s->wqs[wq].draining = true;
    }
    for (wq = 0; wq < s->num_wqs; wq++) {
        /* a halted device runs nothing more: what it holds is lost */
        if (dsa_enabled(s)) {
            dsa_wq_disable(s, wq);
        } else {
            dsa_wq_abort(s, wq);
            s->wqs[wq].cfg.wq_state = IDXD_WQ_DEV_DISABLED;
        }
    }
    s->gensts.state = IDXD_DEVICE_STATE_DISABLED;
    return IDXD_CMDSTS_SUCCESS;
}

static uint8_t dsa_reset_device(DsaState *s)
{
    int wq;

    for (wq = 0; wq < s->num_wqs; wq++) {
        dsa_wq_abort(s, wq);
    }
    dsa_regs_reset(s);
    return IDXD_CMDSTS_SUCCESS;
}

/* REQUEST_INT_HANDLE: operand the table index, result the handle. */
static uint8_t dsa_int_handle_request(DsaState *s, uint32_t operand,
                                      uint32_t *result)
{
    bool ims = operand & IDXD_CMD_INT_HANDLE_IMS;
    uint32_t index = operand & IDXD_CMD_INT_INDEX_MASK;

    if (index >= (ims ? s->ims_entries : s->msix_vectors)) {
        return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
    }
    set_bit(index, ims ? s->ims_handles : s->msix_handles);
    *result = dsa_int_handle_of(s, ims, index);
    return IDXD_CMDSTS_SUCCESS;
}

/* RELEASE_INT_HANDLE: operand a handle granted before. */
static uint8_t dsa_int_handle_release(DsaState *s, uint32_t operand)
{
    bool ims = operand & IDXD_CMD_INT_HANDLE_IMS;
    uint32_t index;

    if (!dsa_int_handle_index(s, ims, operand & IDXD_CMD_INT_INDEX_MASK,
                              &index)) {
        return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
    }
    clear_bit(index, ims ? s->ims_handles : s->msix_handles);
    return IDXD_CMDSTS_SUCCESS;
}

static uint8_t dsa_cmd_exec(DsaState *s, uint32_t cmd, uint32_t operand,
                            uint32_t *result)
{
    switch (cmd) {
    case IDXD_CMD_ENABLE_DEVICE:
        return dsa_enable_device(s);
    case IDXD_CMD_DISABLE_DEVICE:
        return dsa_disable_device(s);
    case IDXD_CMD_DRAIN_ALL:
        return dsa_all_wqs_cmd(s, dsa_engine_drain_wq);
    case IDXD_CMD_ABORT_ALL:
        return dsa_all_wqs_cmd(s, dsa_wq_abort);
    case IDXD_CMD_RESET_DEVICE:
        return dsa_reset_device(s);
    case IDXD_CMD_ENABLE_WQ:
        return dsa_enable_wq(s, operand);
    case IDXD_CMD_DISABLE_WQ:
        return dsa_wq_mask_cmd(s, operand, dsa_wq_disable);
    case IDXD_CMD_DRAIN_WQ:
        return dsa_wq_mask_cmd(s, operand, dsa_engine_drain_wq);
    case IDXD_CMD_ABORT_WQ:
        return dsa_wq_mask_cmd(s, operand, dsa_wq_abort);
    case IDXD_CMD_RESET_WQ:
        return dsa_wq_mask_cmd(s, operand, dsa_wq_reset);
    case IDXD_CMD_DRAIN_PASID:
        return dsa_pasid_cmd(s, operand, dsa_engine_drain_wq);
    case IDXD_CMD_ABORT_PASID:
        return dsa_pasid_cmd(s, operand, dsa_wq_abort);
    case IDXD_CMD_REQUEST_INT_HANDLE:
        return dsa_int_handle_request(s, operand, result);
    case IDXD_CMD_RELEASE_INT_HANDLE:
        return dsa_int_handle_release(s, operand);
    default:
        return IDXD_CMDSTS_INVAL_CMD;
    }
}

/*
 * A FAIL_CMD armed by the test window for any command, or for this one
 * once the commands it lets through have passed.
 */
static bool dsa_test_fails_cmd(DsaState *s, uint32_t code)
{
    uint32_t target = (s->fail_cmd >> DSA_TEST_FAIL_CMD_CODE_SHIFT) & 0xff;
    uint32_t skip = (s->fail_cmd >> DSA_TEST_FAIL_CMD_SKIP_SHIFT) & 0xff;

    if (!s->fail_cmd || (target && target != code)) {
        return false;
    }
    if (skip) {
        s->fail_cmd -= 1U << DSA_TEST_FAIL_CMD_SKIP_SHIFT;
        return false;
    }
    return true;
}

/* Called by the command unit, with the BQL, when a command is latched. */
static void dsa_cmd_run(DsaState *s)
{
    union idxd_command_reg cmd = s->cmd;
    uint32_t gen = s->reset_gen;
    uint32_t result = 0;
    uint8_t err;

    if (!dsa_test_fails_cmd(s, cmd.cmd)) {
        s->cmd_pending = false;
        err = dsa_cmd_exec(s, cmd.cmd, cmd.operand, &result);
    } else if (s->fail_cmd & DSA_TEST_FAIL_CMD_HOLD) {
        /* still pending, held as HOLD_CMDS holds it */
        s->fail_cmd = 0;
        s->hold_cmds = true;
        return;
    } else {
        s->cmd_pending = false;
        err = s->fail_cmd & 0xff;
        s->fail_cmd = 0;
    }
    /* a drain drops the BQL: a reset meanwhile ended the command */
    if (gen != s->reset_gen) {
        return;
    }
    s->cmdsts.bits = err | (result << IDXD_CMDSTS_RES_SHIFT);
    if (cmd.int_req) {
        dsa_irq_misc(s, IDXD_INTC_CMD);
    }
}

static void *dsa_cmd_thread(void *opaque)
{
    DsaState *s = opaque;

    qemu_mutex_lock_iothread();
    while (!s->stopping) {
        if (s->cmd_pending && !s->hold_cmds) {
            dsa_cmd_run(s);
        } else {
            qemu_cond_wait_iothread(&s->cmd_wakeup);
        }
    }
    qemu_mutex_unlock_iothread();
    return NULL;
}

/* The command unit's thread; dsa_engine_stop() joins it. */
void dsa_cmd_start(DsaState *s)
{
    qemu_thread_create(&s->cmd_thread, "dsa-cmd", dsa_cmd_thread, s,
                       QEMU_THREAD_JOINABLE);
}
