/*
 * Intel Data Streaming Accelerator (DSA) device model: PCI function
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Configuration space, BARs, capabilities and properties.  The register
 * file lives in dsa-regs.c, the commands in dsa-cmd.c, descriptor
 * submission in dsa-portal.c and execution in dsa-engine.c.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "qemu/units.h"
#include "hw/pci/msix.h"
#include "hw/pci/pcie.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "dsa.h"

#define DSA_PCIE_CAP_OFFSET     0x40
#define DSA_MSIX_CAP_OFFSET     0x80
#define DSA_PASID_MAX_WIDTH     20
#define DSA_TOTAL_RDBUFS        96

/* Opcodes the engines implement (dsa-ops.c); OPCAP reports exactly these. */
static const uint8_t dsa_supported_ops[] = {
    DSA_OPCODE_NOOP, DSA_OPCODE_BATCH, DSA_OPCODE_DRAIN, DSA_OPCODE_MEMMOVE,
    DSA_OPCODE_MEMFILL, DSA_OPCODE_COMPARE, DSA_OPCODE_COMPVAL,
    DSA_OPCODE_DUALCAST, DSA_OPCODE_CRCGEN, DSA_OPCODE_COPY_CRC,
    DSA_OPCODE_CFLUSH,
};

static bool dsa_check_props(DsaState *s, Error **errp)
{
    if (!s->num_wqs || s->num_wqs > DSA_MAX_WQS) {
        error_setg(errp, "num-wqs must be 1..%d", DSA_MAX_WQS);
        return false;
    }
    if (!s->num_engines || s->num_engines > DSA_MAX_ENGINES) {
        error_setg(errp, "num-engines must be 1..%d", DSA_MAX_ENGINES);
        return false;
    }
    if (!s->num_groups || s->num_groups > DSA_MAX_GROUPS) {
        error_setg(errp, "num-groups must be 1..%d", DSA_MAX_GROUPS);
        return false;
    }
    if (!s->wq_entries || s->wq_entries > UINT16_MAX) {
        error_setg(errp, "wq-entries must be 1..%d", UINT16_MAX);
        return false;
    }
    if (s->msix_vectors < 2 || s->msix_vectors > DSA_MAX_MSIX) {
        error_setg(errp, "msix-vectors must be 2..%d", DSA_MAX_MSIX);
        return false;
    }
    /* GENCAP.max_ims_mult is 6 bits wide */
    if (!s->ims_entries || s->ims_entries % IDXD_IMS_MULT ||
        s->ims_entries / IDXD_IMS_MULT > 63) {
        error_setg(errp, "ims-entries must be a multiple of %d up to %d",
                   IDXD_IMS_MULT, 63 * IDXD_IMS_MULT);
        return false;
    }
    /* the widths of WQCAP.num_wqs, WQCAP.total_wq_size, OFFSETS.wqcfg */
    if (s->num_wqs_reported > UINT8_MAX ||
        s->wq_entries_reported > UINT16_MAX ||
        s->wqcfg_table_reported > UINT16_MAX) {
        error_setg(errp, "x-*-reported values must fit their register field");
        return false;
    }
    if (s->max_xfer_shift > 31 || s->max_batch_shift > 15 ||
        s->max_batch_shift < 1) {
        error_setg(errp, "max-xfer-shift must be <= 31, "
                   "max-batch-shift 1..15");
        return false;
    }
    return true;
}

static void dsa_init_caps(DsaState *s)
{
    int i;

    s->gencap.bits = 0;
    s->gencap.overlap_copy = 1;
    s->gencap.cache_control_mem = 1;
    s->gencap.cache_control_cache = 1;
    s->gencap.cmd_cap = 1;
    s->gencap.evl_support = 1;      /* 64-byte event log entries */
    s->gencap.max_xfer_shift = s->max_xfer_shift;
    s->gencap.max_batch_shift = s->max_batch_shift;
    s->gencap.max_ims_mult = s->ims_entries / IDXD_IMS_MULT;
    s->gencap.config_en = 1;

    s->wqcap.bits = 0;
    s->wqcap.total_wq_size = s->wq_entries;
    s->wqcap.num_wqs = s->num_wqs;
    s->wqcap.dedicated_mode = 1;
    s->wqcap.priority = 1;
    s->wqcap.occupancy = 1;

    s->grpcap.bits = 0;
    s->grpcap.num_groups = s->num_groups;
    s->grpcap.total_rdbufs = DSA_TOTAL_RDBUFS;
    s->grpcap.rdbuf_ctrl = 1;
    s->grpcap.rdbuf_limit = 1;

    s->engcap.bits = 0;
    s->engcap.num_engines = s->num_engines;

    /* hostile values a driver must survive (x-*-reported properties) */
    if (s->num_wqs_reported >= 0) {
        s->wqcap.num_wqs = s->num_wqs_reported;
    }
    if (s->wq_entries_reported >= 0) {
        s->wqcap.total_wq_size = s->wq_entries_reported;
    }

    memset(s->opcap, 0, sizeof(s->opcap));
    for (i = 0; i < ARRAY_SIZE(dsa_supported_ops); i++) {
        s->opcap[dsa_supported_ops[i] / 64] |=
            1ULL << (dsa_supported_ops[i] % 64);
    }
    s->cmdcap = MAKE_64BIT_MASK(IDXD_CMD_ENABLE_DEVICE, IDXD_CMD_MAX);
}

/*
 * Tables follow the registers at IDXD_TABLE_MULT granularity; the IMS
 * table and the MSI-X structures start on their own pages, as on
 * silicon, so that they can be mapped apart.
 */
static void dsa_layout_bar0(DsaState *s)
{
    uint32_t off = 0x400;

    s->grpcfg_off = off;
    off = ROUND_UP(off + s->num_groups * IDXD_GRPCFG_SIZE, IDXD_TABLE_MULT);
    s->wqcfg_off = off;
    off = ROUND_UP(off + s->num_wqs * sizeof(union wqcfg), IDXD_TABLE_MULT);
    s->msix_perm_off = off;
    off += s->msix_vectors * IDXD_MSIX_PERM_STRIDE;
    s->ims_off = ROUND_UP(off, 4 * KiB);
    off = s->ims_off + s->ims_entries * IDXD_IMS_ENTRY_SIZE;
    s->perfmon_off = ROUND_UP(off, 4 * KiB);
    off = s->perfmon_off + IDXD_PERFMON_SIZE;
    s->msix_table_off = ROUND_UP(off, 4 * KiB);
    off = s->msix_table_off + s->msix_vectors * PCI_MSIX_ENTRY_SIZE;
    s->msix_pba_off = ROUND_UP(off, 4 * KiB);
    off = s->msix_pba_off + DIV_ROUND_UP(s->msix_vectors, 64) * 8;
    s->bar0_size = pow2ceil(off);

    s->offsets.bits[0] = 0;
    s->offsets.bits[1] = 0;
    s->offsets.grpcfg = s->grpcfg_off / IDXD_TABLE_MULT;
    s->offsets.wqcfg = s->wqcfg_off / IDXD_TABLE_MULT;
    s->offsets.msix_perm = s->msix_perm_off / IDXD_TABLE_MULT;
    s->offsets.ims = s->ims_off / IDXD_TABLE_MULT;
    s->offsets.perfmon = s->perfmon_off / IDXD_TABLE_MULT;
    if (s->wqcfg_table_reported >= 0) {
        s->offsets.wqcfg = s->wqcfg_table_reported;
    }

    s->bar2_size = pow2ceil(s->num_wqs * IDXD_PORTALS_PER_WQ *
                            IDXD_PORTAL_SIZE);
}

static void dsa_alloc_tables(DsaState *s)
{
    int i;

    s->grpcfg = g_new0(struct grpcfg, s->num_groups);
    s->wqs = g_new0(DsaWq, s->num_wqs);
    for (i = 0; i < s->num_wqs; i++) {
        s->wqs[i].ring = g_new0(DsaQueuedDesc, s->wq_entries);
    }
    s->msix_perm = g_new0(union msix_perm, s->msix_vectors);
    s->ims = g_new0(union ims_entry, s->ims_entries);
    s->msix_handles = bitmap_new(s->msix_vectors);
    s->ims_handles = bitmap_new(s->ims_entries);
}

static void dsa_free_tables(DsaState *s)
{
    int i;

    for (i = 0; i < s->num_wqs; i++) {
        g_free(s->wqs[i].ring);
    }
    g_free(s->wqs);
    g_free(s->grpcfg);
    g_free(s->msix_perm);
    g_free(s->ims);
    g_free(s->msix_handles);
    g_free(s->ims_handles);
}

static void dsa_init_pasid_cap(PCIDevice *pdev)
{
    uint16_t off = DSA_PASID_CAP_OFFSET;

    pcie_add_capability(pdev, PCI_EXT_CAP_ID_PASID, 1, off,
                        PCI_EXT_CAP_PASID_SIZEOF);
    pci_set_word(pdev->config + off + PCI_PASID_CAP,
                 PCI_PASID_CAP_PRIV | (DSA_PASID_MAX_WIDTH << 8));
    pci_set_word(pdev->wmask + off + PCI_PASID_CTRL,
                 PCI_PASID_CTRL_ENABLE | PCI_PASID_CTRL_PRIV);
}

static void dsa_init_bars(DsaState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint8_t type = PCI_BASE_ADDRESS_SPACE_MEMORY |
                   PCI_BASE_ADDRESS_MEM_TYPE_64;

    memory_region_init(&s->bar0, OBJECT(s), "dsa-bar0", s->bar0_size);
    memory_region_init_io(&s->regs, OBJECT(s), &dsa_regs_ops, s, "dsa-regs",
                          s->msix_table_off);
    memory_region_add_subregion(&s->bar0, 0, &s->regs);
    pci_register_bar(pdev, IDXD_MMIO_BAR, type, &s->bar0);

    memory_region_init_io(&s->portals, OBJECT(s), &dsa_portal_ops, s,
                          "dsa-portals", s->bar2_size);
    pci_register_bar(pdev, IDXD_WQ_BAR, type, &s->portals);

    if (s->test_bar) {
        memory_region_init_io(&s->test, OBJECT(s), &dsa_test_ops, s,
                              "dsa-test", DSA_TEST_BAR_SIZE);
        pci_register_bar(pdev, DSA_TEST_BAR, type, &s->test);
    }
}

/*
 * Power-on state, also after a function level reset: the registers, an
 * idle command unit, no test faults.  Work and commands in progress are
 * abandoned; the PASID capability is disabled again (software restores
 * it, as after any FLR).
 */
static void dsa_reset(DeviceState *dev)
{
    DsaState *s = INTEL_DSA(dev);
    PCIDevice *pdev = PCI_DEVICE(s);

    qatomic_inc(&s->reset_gen);
    dsa_engine_drop_deferred(s, -1);
    pci_set_word(pdev->config + DSA_PASID_CAP_OFFSET + PCI_PASID_CTRL, 0);
    dsa_regs_reset(s);
    s->cmd.bits = 0;
    s->cmdsts.bits = 0;
    s->cmd_pending = false;
    s->hold = false;
    s->hold_cmds = false;
    s->fail_desc = 0;
    s->fail_cmd = 0;
    s->desc_count = 0;
    s->swerr_on_read = 0;
    qatomic_set(&s->delay_us, 0);
    s->defer_arm = 0;
    s->defer_left = 0;
}

/* A write of Initiate Function Level Reset resets the function. */
static void dsa_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
                             int len)
{
    pci_default_write_config(pdev, addr, val, len);
    pcie_cap_flr_write_config(pdev, addr, val, len);
}

static void dsa_realize(PCIDevice *pdev, Error **errp)
{
    DsaState *s = INTEL_DSA(pdev);
    int i;

    if (!dsa_check_props(s, errp)) {
        return;
    }
    dsa_init_caps(s);
    dsa_layout_bar0(s);
    dsa_alloc_tables(s);

    pdev->config[PCI_INTERRUPT_PIN] = 0;
    if (pcie_endpoint_cap_init(pdev, DSA_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "cannot add the PCI Express capability");
        goto err_tables;
    }
    pcie_cap_flr_init(pdev);
    dsa_init_bars(s);
    if (msix_init(pdev, s->msix_vectors, &s->bar0, IDXD_MMIO_BAR,
                  s->msix_table_off, &s->bar0, IDXD_MMIO_BAR,
                  s->msix_pba_off, DSA_MSIX_CAP_OFFSET, errp)) {
        goto err_pcie;
    }
    for (i = 0; i < s->msix_vectors; i++) {
        msix_vector_use(pdev, i);
    }
    dsa_init_pasid_cap(pdev);

    /* the threads wait for the BQL, held until realize returns */
    dsa_engine_start(s);
    dsa_reset(DEVICE(s));
    return;

err_pcie:
    pcie_cap_exit(pdev);
err_tables:
    dsa_free_tables(s);
}

static void dsa_exit(PCIDevice *pdev)
{
    DsaState *s = INTEL_DSA(pdev);

    dsa_engine_stop(s);
    msix_uninit(pdev, &s->bar0, &s->bar0);
    pcie_cap_exit(pdev);
    dsa_free_tables(s);
}

static Property dsa_properties[] = {
    DEFINE_PROP_UINT32("num-wqs", DsaState, num_wqs, 8),
    DEFINE_PROP_UINT32("num-engines", DsaState, num_engines, 4),
    DEFINE_PROP_UINT32("num-groups", DsaState, num_groups, 4),
    DEFINE_PROP_UINT32("wq-entries", DsaState, wq_entries, 128),
    DEFINE_PROP_UINT32("msix-vectors", DsaState, msix_vectors, 64),
    DEFINE_PROP_UINT32("ims-entries", DsaState, ims_entries, 1024),
    DEFINE_PROP_UINT8("max-xfer-shift", DsaState, max_xfer_shift, 31),
    DEFINE_PROP_UINT8("max-batch-shift", DsaState, max_batch_shift, 10),
    DEFINE_PROP_BOOL("test-bar", DsaState, test_bar, false),
    DEFINE_PROP_INT32("x-num-wqs-reported", DsaState, num_wqs_reported, -1),
    DEFINE_PROP_INT32("x-wq-entries-reported", DsaState, wq_entries_reported,
                      -1),
    DEFINE_PROP_INT32("x-wqcfg-table-reported", DsaState,
                      wqcfg_table_reported, -1),
    DEFINE_PROP_END_OF_LIST(),
};

/* Queued descriptors and the engine thread are not migrated. */
static const VMStateDescription vmstate_dsa = {
    .name = TYPE_INTEL_DSA,
    .unmigratable = 1,
};

static void dsa_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = dsa_realize;
    k->exit = dsa_exit;
    k->config_write = dsa_config_write;
    k->vendor_id = PCI_VENDOR_ID_INTEL;
    k->device_id = PCI_DEVICE_ID_INTEL_DSA;
    k->revision = 0;
    k->class_id = PCI_CLASS_SYSTEM_OTHER;
    dc->desc = "Intel Data Streaming Accelerator";
    dc->reset = dsa_reset;
    dc->vmsd = &vmstate_dsa;
    device_class_set_props(dc, dsa_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo dsa_info = {
    .name = TYPE_INTEL_DSA,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(DsaState),
    .class_init = dsa_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { },
    },
};

static void dsa_register_types(void)
{
    type_register_static(&dsa_info);
}

type_init(dsa_register_types)
