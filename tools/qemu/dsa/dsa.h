/*
 * Intel Data Streaming Accelerator (DSA) device model: shared state
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DSA_H
#define HW_DSA_H

#include "hw/pci/pci.h"
#include "qemu/thread.h"
#include "qemu/units.h"
#include "qom/object.h"

/* One layout for driver, model and tests: the project's own headers. */
#include "kernel_types.h"
#include "registers.h"
#include "idxd_hw.h"
#include "dsa_model_test.h"

#if HOST_BIG_ENDIAN
#error "the register unions of registers.h assume a little-endian host"
#endif

#define TYPE_INTEL_DSA "intel-dsa"
OBJECT_DECLARE_SIMPLE_TYPE(DsaState, INTEL_DSA)

#define DSA_MAX_WQS             64
#define DSA_MAX_GROUPS          64
#define DSA_MAX_ENGINES         64
#define DSA_MAX_MSIX            2048
#define DSA_PORTAL_SLOTS        (IDXD_PORTAL_SIZE / DSA_DESC_SIZE)
#define DSA_PASID_CAP_OFFSET    0x100

/* A descriptor as queued in a WQ, with the portal it came through. */
typedef struct DsaQueuedDesc {
    uint8_t raw[DSA_DESC_SIZE];
    uint8_t irq_type;               /* enum idxd_interrupt_type */
} DsaQueuedDesc;

/* The 64 bytes of a descriptor being assembled from portal stores. */
typedef struct DsaPortalSlot {
    uint8_t raw[DSA_DESC_SIZE];
    uint32_t next;                  /* bytes received, in order */
    int slot;                       /* 64-byte slot within the page */
    int writer;                     /* the vCPU storing them, -1 if none */
} DsaPortalSlot;

/*
 * What an engine needs to run one descriptor, copied from the WQ
 * configuration when the descriptor leaves the queue so that execution
 * can proceed without the BQL, and how far it got: an engine runs it in
 * bounded steps.
 */
typedef struct DsaJob DsaJob;
struct DsaJob {
    union {
        struct dsa_hw_desc desc;
        uint8_t raw[DSA_DESC_SIZE];
    };
    int wq;
    enum idxd_interrupt_type irq_type;
    bool pasid_en;
    uint32_t pasid;
    bool priv;
    bool bof;
    uint32_t max_xfer;
    uint32_t max_batch;
    AddressSpace *as;               /* resolved with the BQL held */
    bool in_batch;
    uint16_t batch_idx;
    uint8_t batch_id;               /* the batch's, for the event log */
    bool first_err;                 /* no earlier member of its batch failed */
    DsaState *dev;
    uint32_t gen;                   /* dev->reset_gen when it was taken */
    uint32_t abort_gen;             /* its WQ's abort_gen then */
    uint32_t delay_us;              /* DSA_TEST_DELAY_US then */

    /* progress, kept between steps */
    bool started;                   /* checked, and begun */
    uint32_t done;                  /* bytes processed */
    uint32_t crc;                   /* CRC of the bytes processed */
    uint32_t batch_next;            /* the member to run next */
    uint32_t batch_ok;              /* members that succeeded */
    bool batch_failed;              /* a member failed: fences stop */
    bool batch_error;               /* ... with an error, not a predicate */
    DsaJob *member;                 /* the member being run */
    bool xlat_failed;               /* the last access found no tables */
    struct dsa_completion_record cr;
};

typedef struct DsaWq {
    union wqcfg cfg;
    DsaQueuedDesc *ring;            /* wq-entries slots */
    uint32_t head;
    uint32_t count;
    DsaPortalSlot portal[IDXD_PORTALS_PER_WQ];
    uint32_t abort_gen;             /* bumped by an abort of the WQ */
    bool draining;                  /* DISABLE_WQ runs: accepts nothing */
    int group;                      /* set by ENABLE_DEVICE; -1: none */
    DsaJob job;                     /* the descriptor its engine runs */
    bool active;                    /* job holds one */
    bool stepping;                  /* an engine runs a step of it now */
    uint32_t drain_req;             /* drains waiting: it runs when held */
    uint32_t seq_in;                /* descriptors accepted, ever */
    uint32_t seq_done;              /* of those: run, dropped, abandoned */
} DsaWq;

typedef struct DsaEngine {
    DsaState *dev;
    int group;                      /* the group whose WQs it serves */
    uint32_t next_wq;               /* round robin over them */
    QemuThread thread;
} DsaEngine;

struct DsaState {
    PCIDevice parent_obj;

    /* properties */
    uint32_t num_wqs;
    uint32_t num_engines;
    uint32_t num_groups;
    uint32_t wq_entries;
    uint32_t msix_vectors;
    uint32_t ims_entries;
    uint8_t max_xfer_shift;
    uint8_t max_batch_shift;
    bool test_bar;
    /* hostile capability values for driver tests; -1: the real ones */
    int32_t num_wqs_reported;
    int32_t wq_entries_reported;
    int32_t wqcfg_table_reported;

    /* BAR0 layout, computed at realize */
    uint32_t grpcfg_off;
    uint32_t wqcfg_off;
    uint32_t msix_perm_off;
    uint32_t ims_off;
    uint32_t perfmon_off;
    uint32_t msix_table_off;
    uint32_t msix_pba_off;
    uint64_t bar0_size;
    uint64_t bar2_size;

    MemoryRegion bar0;
    MemoryRegion regs;
    MemoryRegion portals;
    MemoryRegion test;

    /* registers; everything below is protected by the BQL */
    union gen_cap_reg gencap;
    union wq_cap_reg wqcap;
    union group_cap_reg grpcap;
    union engine_cap_reg engcap;
    uint64_t opcap[IDXD_OPCAP_WORDS];
    union offsets_reg offsets;
    uint64_t cmdcap;
    union gencfg_reg gencfg;
    union genctrl_reg genctrl;
    union gensts_reg gensts;
    uint32_t intcause;
    union idxd_command_reg cmd;
    union cmdsts_reg cmdsts;
    union sw_err_reg swerr;
    union evlcfg_reg evlcfg;
    union evl_status_reg evlsts;

    struct grpcfg *grpcfg;
    DsaWq *wqs;
    union msix_perm *msix_perm;
    union ims_entry *ims;
    unsigned long *msix_handles;
    unsigned long *ims_handles;

    /* one engine thread per group, and the command unit's thread */
    DsaEngine *engines;
    QemuThread cmd_thread;
    QemuCond engine_wakeup;         /* work for an engine */
    QemuCond cmd_wakeup;            /* a command, or a WQ's progress */
    bool stopping;
    bool cmd_pending;
    /*
     * Bumped by a function reset (FLR, power-on): work and commands
     * begun before it write nothing and signal nothing after.  Work
     * abandoned by an abort of its WQ (abort, reset, halt) is told by its
     * WQ's abort_gen.
     */
    uint32_t reset_gen;
    uint32_t batch_ids;             /* the next batch's identifier */

    /* performance monitor */
    uint64_t perf_cfg[DSA_PERF_COUNTERS];
    uint64_t perf_data[DSA_PERF_COUNTERS];
    uint32_t perf_frozen;
    uint32_t perf_ovf;

    /* test window */
    bool hold;              /* DSA_TEST_HOLD_ENGINES */
    bool hold_cmds;         /* DSA_TEST_HOLD_CMDS */
    uint8_t fail_desc;
    uint32_t fail_cmd;      /* DSA_TEST_FAIL_CMD: error, command, skip, hold */
    uint64_t desc_count;
    uint64_t swerr_on_read; /* DSA_TEST_SWERR_ON_READ */
    uint32_t delay_us;      /* DSA_TEST_DELAY_US */
    uint32_t defer_arm;     /* DSA_TEST_DEFER: the next job waits this many */
    uint32_t defer_left;    /* jobs still to run before the deferred one */
    uint32_t ims_index;     /* DSA_TEST_IMS_INDEX */
    bool deferred;          /* defer_job holds a descriptor set aside */
    DsaJob defer_job;
};

/* dsa-regs.c */
extern const MemoryRegionOps dsa_regs_ops;
void dsa_regs_reset(DsaState *s);
void dsa_ims_deliver_pending(DsaState *s, uint32_t index);

/* dsa-cmd.c */
void dsa_cmd_submit(DsaState *s, uint32_t value);
void dsa_cmd_start(DsaState *s);

/* dsa-portal.c */
extern const MemoryRegionOps dsa_portal_ops;
bool dsa_wq_pop(DsaState *s, int wq, DsaJob *job);
void dsa_wq_abort(DsaState *s, int wq);
void dsa_wq_reset_queue(DsaState *s, int wq);

/* dsa-engine.c: with the BQL */
void dsa_engine_start(DsaState *s);
void dsa_engine_stop(DsaState *s);
void dsa_engine_kick(DsaState *s);
void dsa_engine_retire(DsaState *s, DsaWq *w);
void dsa_engine_drop_deferred(DsaState *s, int wq);
void dsa_engine_release_deferred(DsaState *s);
void dsa_engine_drain_wq(DsaState *s, int wq);

/* dsa-job.c: without the BQL */
bool dsa_job_step(DsaState *s, DsaJob *job);
bool dsa_job_abandoned(const DsaJob *job);
void dsa_job_free_member(DsaJob *job);

/* dsa-ops.c */
#define DSA_STEP_BYTES          (64 * KiB)
uint8_t dsa_op_step(DsaState *s, DsaJob *job, struct dsa_completion_record *cr);

/* dsa-dma.c */
typedef enum DsaDmaResult {
    DSA_DMA_OK,
    DSA_DMA_FAULT,                  /* no page there: a page fault */
    DSA_DMA_XLAT,                   /* no translation tables: failure */
} DsaDmaResult;

AddressSpace *dsa_dma_as(DsaState *s, bool pasid_en, uint32_t pasid);
DsaDmaResult dsa_dma_rw(const DsaJob *job, uint64_t addr, void *buf,
                        uint64_t len, DMADirection dir);

/* dsa-irq.c: with the BQL held */
uint32_t dsa_int_handle_of(DsaState *s, bool ims, uint32_t index);
bool dsa_int_handle_index(DsaState *s, bool ims, uint32_t handle,
                          uint32_t *index);
void dsa_irq_misc(DsaState *s, uint32_t cause);
void dsa_irq_completion(DsaState *s, const DsaJob *job);
void dsa_swerr_record(DsaState *s, const union sw_err_reg *err);
void dsa_error_log(DsaState *s, const union sw_err_reg *err, uint8_t batch_id,
                   const struct dsa_completion_record *cr);
void dsa_halt(DsaState *s);

/* dsa-evl.c: with the BQL held */
bool dsa_evl_log(DsaState *s, const union sw_err_reg *err, uint8_t batch_id,
                 const struct dsa_completion_record *cr);
uint64_t dsa_evl_read(DsaState *s, hwaddr reg);
void dsa_evl_write(DsaState *s, hwaddr reg, uint64_t val, uint64_t mask);
void dsa_evl_reset(DsaState *s);

/* dsa-perfmon.c: with the BQL held */
uint64_t dsa_perfcap(void);
void dsa_perf_reset(DsaState *s);
void dsa_perf_count(DsaState *s, unsigned int category, uint32_t event,
                    uint64_t n);
uint64_t dsa_perf_read(DsaState *s, hwaddr reg);
void dsa_perf_write(DsaState *s, hwaddr reg, uint64_t val);

/* dsa-test.c */
extern const MemoryRegionOps dsa_test_ops;
void dsa_test_raise_swerr(DsaState *s, uint64_t val);
void dsa_test_swerr_read_hook(DsaState *s);

static inline bool dsa_enabled(DsaState *s)
{
    return s->gensts.state == IDXD_DEVICE_STATE_ENABLED;
}

#endif /* HW_DSA_H */
