/*
 * Intel Data Streaming Accelerator (DSA) device model: BAR0 registers
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The register block and the GRPCFG, WQCFG, MSI-X permission and IMS
 * tables.  Accesses are 4 or 8 bytes; a 4-byte access to a 64-bit
 * register is merged into the 64-bit value under a byte-enable mask.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "dsa.h"

/* Bytes of a WQCFG entry software may change while the WQ is disabled. */
#define DSA_WQCFG_RW_FIRST      4
#define DSA_WQCFG_RW_END        24

static uint64_t dsa_bytes_mask(hwaddr addr, unsigned size)
{
    return MAKE_64BIT_MASK((addr & 7) * 8, size * 8);
}

static uint64_t dsa_reg_value(DsaState *s, hwaddr reg)
{
    switch (reg) {
    case IDXD_VER_OFFSET:
        return IDXD_VER_1_0;
    case IDXD_GENCAP_OFFSET:
        return s->gencap.bits;
    case IDXD_WQCAP_OFFSET:
        return s->wqcap.bits;
    case IDXD_GRPCAP_OFFSET:
        return s->grpcap.bits;
    case IDXD_ENGCAP_OFFSET:
        return s->engcap.bits;
    case IDXD_OPCAP_OFFSET ... IDXD_OPCAP_OFFSET + 8 * IDXD_OPCAP_WORDS - 1:
        return s->opcap[(reg - IDXD_OPCAP_OFFSET) / 8];
    case IDXD_TABLE_OFFSET:
        return s->offsets.bits[0];
    case IDXD_TABLE_OFFSET + 8:
        return s->offsets.bits[1];
    case IDXD_GENCFG_OFFSET:
        return s->gencfg.bits;
    case IDXD_GENCTRL_OFFSET:
        return s->genctrl.bits;
    case IDXD_GENSTATS_OFFSET:
        return s->gensts.bits;
    case IDXD_INTCAUSE_OFFSET:
        return s->intcause;
    case IDXD_CMD_OFFSET:
        return s->cmd.bits;
    case IDXD_CMDSTS_OFFSET:
        return s->cmdsts.bits;
    case IDXD_CMDCAP_OFFSET:
        return s->cmdcap;
    case IDXD_SWERR_OFFSET ... IDXD_SWERR_OFFSET + 31:
        return s->swerr.bits[(reg - IDXD_SWERR_OFFSET) / 8];
    case IDXD_EVLCFG_OFFSET ... IDXD_EVLSTATUS_OFFSET + 7:
        return dsa_evl_read(s, reg);
    default:
        return 0;
    }
}

static void dsa_reg_write(DsaState *s, hwaddr reg, uint64_t val,
                          uint64_t mask)
{
    switch (reg) {
    case IDXD_GENCFG_OFFSET:
        if (s->gensts.state == IDXD_DEVICE_STATE_DISABLED) {
            s->gencfg.bits = (s->gencfg.bits & ~mask) | (val & mask);
        }
        break;
    case IDXD_GENCTRL_OFFSET:
        s->genctrl.bits = ((s->genctrl.bits & ~mask) | (val & mask)) & 0x7;
        break;
    case IDXD_INTCAUSE_OFFSET:
        s->intcause &= ~(val & mask);
        break;
    case IDXD_CMD_OFFSET:
        if ((mask & 0xffffffff) == 0xffffffff) {
            dsa_cmd_submit(s, (uint32_t)val);
        }
        break;
    case IDXD_SWERR_OFFSET:
        s->swerr.bits[0] &= ~(val & mask & IDXD_SWERR_ACK);
        break;
    case IDXD_EVLCFG_OFFSET ... IDXD_EVLSTATUS_OFFSET + 7:
        dsa_evl_write(s, reg, val, mask);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "intel-dsa: write to read-only "
                      "register 0x%" HWADDR_PRIx "\n", reg);
        break;
    }
}

/* Tables: byte images of the hardware layout, addressed in place. */
static void *dsa_table_ptr(DsaState *s, hwaddr addr, hwaddr *rel,
                           int *table)
{
    if (addr >= s->grpcfg_off &&
        addr < s->grpcfg_off + s->num_groups * IDXD_GRPCFG_SIZE) {
        *rel = addr - s->grpcfg_off;
        *table = 0;
        return (uint8_t *)s->grpcfg + *rel;
    }
    if (addr >= s->wqcfg_off &&
        addr < s->wqcfg_off + s->num_wqs * sizeof(union wqcfg)) {
        *rel = addr - s->wqcfg_off;
        *table = 1;
        return (uint8_t *)&s->wqs[*rel / sizeof(union wqcfg)].cfg +
               *rel % sizeof(union wqcfg);
    }
    if (addr >= s->msix_perm_off &&
        addr < s->msix_perm_off + s->msix_vectors * IDXD_MSIX_PERM_STRIDE) {
        *rel = addr - s->msix_perm_off;
        *table = 2;
        return &s->msix_perm[*rel / IDXD_MSIX_PERM_STRIDE];
    }
    if (addr >= s->ims_off &&
        addr < s->ims_off + s->ims_entries * IDXD_IMS_ENTRY_SIZE) {
        *rel = addr - s->ims_off;
        *table = 3;
        return (uint8_t *)s->ims + *rel;
    }
    return NULL;
}

static void dsa_wqcfg_write(DsaState *s, hwaddr rel, const uint8_t *src,
                            unsigned size)
{
    DsaWq *wq = &s->wqs[rel / sizeof(union wqcfg)];
    uint8_t *cfg = (uint8_t *)&wq->cfg;
    unsigned i, ofs = rel % sizeof(union wqcfg);

    for (i = 0; i < size; i++, ofs++) {
        if (ofs < DSA_WQCFG_RW_FIRST) {
            /* the WQ size partitions the device: fixed once enabled */
            if (s->gensts.state == IDXD_DEVICE_STATE_DISABLED &&
                ofs < sizeof(uint16_t)) {
                cfg[ofs] = src[i];
            }
        } else if (ofs < DSA_WQCFG_RW_END &&
                   wq->cfg.wq_state == IDXD_WQ_DEV_DISABLED) {
            cfg[ofs] = src[i];
        }
    }
}

static void dsa_ims_write(DsaState *s, hwaddr rel, const uint8_t *src,
                          unsigned size)
{
    uint32_t index = rel / IDXD_IMS_ENTRY_SIZE;
    union ims_entry *e = &s->ims[index];
    bool pending = e->pending;

    memcpy((uint8_t *)e + rel % IDXD_IMS_ENTRY_SIZE, src, size);
    e->pending = pending;
    e->rsvd = 0;
    e->rsvd2 = 0;
    if (e->pending && !e->mask) {
        dsa_ims_deliver_pending(s, index);
    }
}

static void dsa_table_write(DsaState *s, hwaddr addr, uint64_t val,
                            unsigned size)
{
    uint8_t src[8];
    hwaddr rel;
    int table;
    void *p = dsa_table_ptr(s, addr, &rel, &table);

    if (!p) {
        return;
    }
    stq_le_p(src, val);
    switch (table) {
    case 0:
        if (s->gensts.state == IDXD_DEVICE_STATE_DISABLED) {
            memcpy(p, src, size);
        }
        break;
    case 1:
        dsa_wqcfg_write(s, rel, src, size);
        break;
    case 2:
        /* only the low dword of an 8-byte permission entry exists */
        if (rel % IDXD_MSIX_PERM_STRIDE == 0) {
            ((union msix_perm *)p)->bits = (uint32_t)val & 0xfffff00c;
        }
        break;
    case 3:
        dsa_ims_write(s, rel, src, size);
        break;
    }
}

static uint64_t dsa_table_read(DsaState *s, hwaddr addr, unsigned size)
{
    hwaddr rel;
    int table;
    void *p = dsa_table_ptr(s, addr, &rel, &table);

    if (!p) {
        return 0;
    }
    if (table == 2) {
        return rel % IDXD_MSIX_PERM_STRIDE ? 0 :
               ((union msix_perm *)p)->bits;
    }
    return size == 8 ? ldq_le_p(p) : ldl_le_p(p);
}

static bool dsa_is_perfmon(DsaState *s, hwaddr addr)
{
    return addr >= s->perfmon_off &&
           addr < s->perfmon_off + IDXD_PERFMON_SIZE;
}

static uint64_t dsa_regs_read(void *opaque, hwaddr addr, unsigned size)
{
    DsaState *s = opaque;
    uint64_t val;

    if (addr < s->grpcfg_off) {
        val = dsa_reg_value(s, addr & ~7ULL);
        if ((addr & ~7ULL) == IDXD_SWERR_OFFSET) {
            dsa_test_swerr_read_hook(s);
        }
    } else if (dsa_is_perfmon(s, addr)) {
        val = dsa_perf_read(s, (addr - s->perfmon_off) & ~7ULL);
    } else {
        return dsa_table_read(s, addr, size);
    }
    return extract64(val, (addr & 7) * 8, size * 8);
}

static void dsa_regs_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    DsaState *s = opaque;
    uint64_t mask = dsa_bytes_mask(addr, size);
    uint64_t shifted = val << ((addr & 7) * 8);
    hwaddr reg;

    if (addr < s->grpcfg_off) {
        dsa_reg_write(s, addr & ~7ULL, shifted, mask);
    } else if (dsa_is_perfmon(s, addr)) {
        reg = (addr - s->perfmon_off) & ~7ULL;
        dsa_perf_write(s, reg,
                       (dsa_perf_read(s, reg) & ~mask) | (shifted & mask));
    } else {
        dsa_table_write(s, addr, val, size);
    }
}

const MemoryRegionOps dsa_regs_ops = {
    .read = dsa_regs_read,
    .write = dsa_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
        .unaligned = false,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};

/* Configuration and state after a RESET_DEVICE command. */
void dsa_regs_reset(DsaState *s)
{
    int i;

    for (i = 0; i < s->num_wqs; i++) {
        dsa_wq_reset_queue(s, i);
        memset(&s->wqs[i].cfg, 0, sizeof(s->wqs[i].cfg));
        s->wqs[i].group = -1;
    }
    memset(s->grpcfg, 0, s->num_groups * sizeof(*s->grpcfg));
    memset(s->msix_perm, 0, s->msix_vectors * sizeof(*s->msix_perm));
    for (i = 0; i < s->ims_entries; i++) {
        memset(&s->ims[i], 0, sizeof(s->ims[i]));
        s->ims[i].mask = 1;
    }
    bitmap_zero(s->msix_handles, s->msix_vectors);
    bitmap_zero(s->ims_handles, s->ims_entries);
    s->gencfg.bits = 0;
    s->genctrl.bits = 0;
    s->gensts.bits = 0;
    s->intcause = 0;
    s->cmd.bits = 0;
    s->cmdsts.bits = 0;
    memset(&s->swerr, 0, sizeof(s->swerr));
    dsa_evl_reset(s);
    dsa_perf_reset(s);
}
