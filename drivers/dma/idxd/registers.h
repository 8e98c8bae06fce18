/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel Data Streaming Accelerator: BAR0 register and table layout.
 *
 * The only description of the hardware layout in this project.  The
 * driver, the QEMU model (tools/qemu/) and the test clients (selftests/)
 * all include this file; userspace builds include
 * tools/include/kernel_types.h first for the kernel's type names.
 */
#ifndef _IDXD_REGISTERS_H_
#define _IDXD_REGISTERS_H_

#define PCI_DEVICE_ID_INTEL_DSA		0x0b25

#define IDXD_MMIO_BAR			0
#define IDXD_WQ_BAR			2
#define IDXD_PORTAL_SIZE		0x1000
#define IDXD_PORTALS_PER_WQ		4

/* BAR2 holds four portals per WQ, selected by limit and interrupt type. */
enum idxd_portal_prot {
	IDXD_PORTAL_UNLIMITED = 0,
	IDXD_PORTAL_LIMITED,
};

enum idxd_interrupt_type {
	IDXD_IRQ_MSIX = 0,
	IDXD_IRQ_IMS,
};

#define IDXD_PORTAL_OFFSET(wq, prot, irq_type)				\
	((((wq) * IDXD_PORTALS_PER_WQ) + (irq_type) * 2 + (prot)) *	\
	 IDXD_PORTAL_SIZE)

#define IDXD_VER_OFFSET			0x00
#define IDXD_VER_1_0			0x100

#define IDXD_GENCAP_OFFSET		0x10
union gen_cap_reg {
	struct {
		u64 block_on_fault:1;
		u64 overlap_copy:1;
		u64 cache_control_mem:1;
		u64 cache_control_cache:1;
		u64 cmd_cap:1;
		u64 rsvd:3;
		u64 dest_readback:1;
		u64 drain_readback:1;
		u64 rsvd2:3;
		u64 evl_support:2;
		u64 batch_continuation:1;
		u64 max_xfer_shift:5;
		u64 max_batch_shift:4;
		u64 max_ims_mult:6;
		u64 config_en:1;
		u64 rsvd3:32;
	};
	u64 bits;
} __packed;

/* GENCAP.max_ims_mult counts IMS entries in units of this. */
#define IDXD_IMS_MULT			256

#define IDXD_WQCAP_OFFSET		0x20
union wq_cap_reg {
	struct {
		u64 total_wq_size:16;
		u64 num_wqs:8;
		u64 wqcfg_size:4;
		u64 rsvd:20;
		u64 shared_mode:1;
		u64 dedicated_mode:1;
		u64 wq_ats_support:1;
		u64 priority:1;
		u64 occupancy:1;
		u64 occupancy_int:1;
		u64 op_config:1;
		u64 wq_prs_support:1;
		u64 rsvd4:8;
	};
	u64 bits;
} __packed;

/* A WQCFG entry is 1 << (WQCAP.wqcfg_size + IDXD_WQCFG_MIN) bytes. */
#define IDXD_WQCFG_MIN			5

#define IDXD_GRPCAP_OFFSET		0x30
union group_cap_reg {
	struct {
		u64 num_groups:8;
		u64 total_rdbufs:8;
		u64 rdbuf_ctrl:1;
		u64 rdbuf_limit:1;
		u64 progress_limit:1;
		u64 rsvd:45;
	};
	u64 bits;
} __packed;

#define IDXD_ENGCAP_OFFSET		0x38
union engine_cap_reg {
	struct {
		u64 num_engines:8;
		u64 rsvd:56;
	};
	u64 bits;
} __packed;

/* OPCAP is a 256-bit map indexed by opcode. */
#define IDXD_OPCAP_OFFSET		0x40
#define IDXD_OPCAP_WORDS		4

/* Table offsets are in units of IDXD_TABLE_MULT bytes from BAR0. */
#define IDXD_TABLE_OFFSET		0x60
#define IDXD_TABLE_MULT			0x100
union offsets_reg {
	struct {
		u64 grpcfg:16;
		u64 wqcfg:16;
		u64 msix_perm:16;
		u64 ims:16;
		u64 perfmon:16;
		u64 rsvd:48;
	};
	u64 bits[2];
} __packed;

#define IDXD_GENCFG_OFFSET		0x80
union gencfg_reg {
	struct {
		u32 rdbuf_limit:8;
		u32 rsvd:4;
		u32 user_int_en:1;
		u32 evl_en:1;
		u32 rsvd2:18;
	};
	u32 bits;
} __packed;

#define IDXD_GENCTRL_OFFSET		0x88
union genctrl_reg {
	struct {
		u32 softerr_int_en:1;
		u32 halt_int_en:1;
		u32 evl_int_en:1;
		u32 rsvd:29;
	};
	u32 bits;
} __packed;

#define IDXD_GENSTATS_OFFSET		0x90
union gensts_reg {
	struct {
		u32 state:2;
		u32 reset_type:2;
		u32 rsvd:28;
	};
	u32 bits;
} __packed;

enum idxd_device_state {
	IDXD_DEVICE_STATE_DISABLED = 0,
	IDXD_DEVICE_STATE_ENABLED,
	IDXD_DEVICE_STATE_DRAIN,
	IDXD_DEVICE_STATE_HALT,
};

enum idxd_device_reset_type {
	IDXD_DEVICE_RESET_SOFTWARE = 0,
	IDXD_DEVICE_RESET_FLR,
	IDXD_DEVICE_RESET_WARM,
	IDXD_DEVICE_RESET_COLD,
};

/* INTCAUSE bits are write-one-to-clear. */
#define IDXD_INTCAUSE_OFFSET		0x98
#define IDXD_INTC_ERR			0x01
#define IDXD_INTC_CMD			0x02
#define IDXD_INTC_OCCUPY		0x04
#define IDXD_INTC_PERFMON_OVFL		0x08
#define IDXD_INTC_HALT_STATE		0x10
#define IDXD_INTC_EVL			0x20
#define IDXD_INTC_INT_HANDLE_REVOKED	0x80000000

#define IDXD_CMD_OFFSET			0xa0
union idxd_command_reg {
	struct {
		u32 operand:20;
		u32 cmd:5;
		u32 rsvd:6;
		u32 int_req:1;
	};
	u32 bits;
} __packed;

enum idxd_cmd {
	IDXD_CMD_ENABLE_DEVICE = 1,
	IDXD_CMD_DISABLE_DEVICE,
	IDXD_CMD_DRAIN_ALL,
	IDXD_CMD_ABORT_ALL,
	IDXD_CMD_RESET_DEVICE,
	IDXD_CMD_ENABLE_WQ,
	IDXD_CMD_DISABLE_WQ,
	IDXD_CMD_DRAIN_WQ,
	IDXD_CMD_ABORT_WQ,
	IDXD_CMD_RESET_WQ,
	IDXD_CMD_DRAIN_PASID,
	IDXD_CMD_ABORT_PASID,
	IDXD_CMD_REQUEST_INT_HANDLE,
	IDXD_CMD_RELEASE_INT_HANDLE,
	IDXD_CMD_MAX = IDXD_CMD_RELEASE_INT_HANDLE,
};

/*
 * Operand of the WQ commands other than ENABLE_WQ: a mask of 16 WQs in
 * bits 15:0 and the index of that block of 16 in bits 19:16.
 */
#define IDXD_CMD_WQ_MASK_BITS		16
static inline u32 idxd_cmd_wq_operand(unsigned int wq)
{
	return (1U << (wq % IDXD_CMD_WQ_MASK_BITS)) |
	       ((wq / IDXD_CMD_WQ_MASK_BITS) << IDXD_CMD_WQ_MASK_BITS);
}

/* Interrupt handle commands: bit 16 of the operand selects IMS. */
#define IDXD_CMD_INT_HANDLE_IMS		0x10000
#define IDXD_CMD_INT_INDEX_MASK		0xffff

#define IDXD_CMDSTS_OFFSET		0xa8
/*
 * 32-bit fields: upstream's u8/u16/u8 layout puts "active" in a sixth
 * byte, since only the union is packed (caught by the size checks below).
 */
union cmdsts_reg {
	struct {
		u32 err:8;
		u32 result:16;
		u32 rsvd:7;
		u32 active:1;
	};
	u32 bits;
} __packed;
#define IDXD_CMDSTS_ACTIVE		0x80000000
#define IDXD_CMDSTS_ERR_MASK		0xff
#define IDXD_CMDSTS_RES_SHIFT		8

enum idxd_cmdsts_err {
	IDXD_CMDSTS_SUCCESS = 0,
	IDXD_CMDSTS_INVAL_CMD,
	IDXD_CMDSTS_INVAL_WQIDX,
	IDXD_CMDSTS_HW_ERR,
	/* enable device */
	IDXD_CMDSTS_ERR_DEV_ENABLED = 0x10,
	IDXD_CMDSTS_ERR_CONFIG,
	IDXD_CMDSTS_ERR_BUSMASTER_EN,
	IDXD_CMDSTS_ERR_PASID_INVAL,
	IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE,
	IDXD_CMDSTS_ERR_GRP_CONFIG,
	IDXD_CMDSTS_ERR_GRP_CONFIG2,
	IDXD_CMDSTS_ERR_GRP_CONFIG3,
	IDXD_CMDSTS_ERR_GRP_CONFIG4,
	/* enable WQ */
	IDXD_CMDSTS_ERR_DEV_NOTEN = 0x20,
	IDXD_CMDSTS_ERR_WQ_ENABLED,
	IDXD_CMDSTS_ERR_WQ_SIZE,
	IDXD_CMDSTS_ERR_WQ_PRIOR,
	IDXD_CMDSTS_ERR_WQ_MODE,
	IDXD_CMDSTS_ERR_BOF_EN,
	IDXD_CMDSTS_ERR_PASID_EN,
	IDXD_CMDSTS_ERR_MAX_BATCH_SIZE,
	IDXD_CMDSTS_ERR_MAX_XFER_SIZE,
	/* disable device */
	IDXD_CMDSTS_ERR_DIS_DEV_EN = 0x31,
	/* disable, drain, abort and reset WQ */
	IDXD_CMDSTS_ERR_DEV_NOT_EN,
	/* request and release interrupt handle */
	IDXD_CMDSTS_ERR_INVAL_INT_IDX = 0x41,
	IDXD_CMDSTS_ERR_NO_HANDLE,
};

/* CMDCAP: bit n set when command n is supported. */
#define IDXD_CMDCAP_OFFSET		0xb0

#define IDXD_SWERR_OFFSET		0xc0
#define IDXD_SWERR_VALID		0x00000001
#define IDXD_SWERR_OVERFLOW		0x00000002
#define IDXD_SWERR_ACK			(IDXD_SWERR_VALID | IDXD_SWERR_OVERFLOW)
union sw_err_reg {
	struct {
		u64 valid:1;
		u64 overflow:1;
		u64 desc_valid:1;
		u64 wq_idx_valid:1;
		u64 batch:1;
		u64 fault_rw:1;
		u64 priv:1;
		u64 err_info_valid:1;
		u64 error:8;
		u64 wq_idx:8;
		u64 rsvd2:8;
		u64 operation:8;
		u64 pasid:20;
		u64 rsvd3:4;

		u16 batch_idx;
		u16 rsvd4;
		union {
			/* valid with err_info_valid; see qemu-model.rst */
			u32 invalid_flags;		/* error 0x11 */
			struct {			/* 0x19, 0x1a, faults */
				u16 int_handle;
				u16 rci:1;
				u16 ims:1;
				u16 rcr:1;
				u16 first_err_in_batch:1;
				u16 rsvd_info:9;
				u16 operand_id:3;
			};
		};

		u64 fault_addr;

		u64 rsvd5;
	};
	u64 bits[4];
} __packed;

/*
 * SWERR.error codes.  A descriptor error that cannot be reported in a
 * completion record is logged with its completion status code (see
 * <linux/idxd_hw.h>); errors in submission itself use the codes below.
 */
enum idxd_swerr_code {
	IDXD_SWERR_WQ_NOT_ENABLED = 0x30,	/* portal of a disabled WQ */
	IDXD_SWERR_DWQ_FULL = 0x31,		/* dedicated WQ full: dropped */
	IDXD_SWERR_CMD_ACTIVE = 0x32,		/* command while one is active */
	IDXD_SWERR_PORTAL_PARTIAL = 0x33,	/* portal stores not one desc */
};

/* Event log: where errors go instead of SWERR while GENCFG.evl_en is set */
#define IDXD_EVLCFG_OFFSET		0xe0
union evlcfg_reg {
	struct {
		u64 pasid_en:1;
		u64 priv:1;
		u64 rsvd:10;
		u64 base_addr:52;

		u64 size:16;
		u64 pasid:20;
		u64 rsvd2:28;
	};
	u64 bits[2];
} __packed;

#define IDXD_EVL_SIZE_MIN		0x0040
#define IDXD_EVL_SIZE_MAX		0xffff

/* Software moves head; the device moves tail.  int_pending is W1C. */
#define IDXD_EVLSTATUS_OFFSET		0xf0
union evl_status_reg {
	struct {
		u32 head:16;
		u32 rsvd:16;
		u32 tail:16;
		u32 rsvd2:14;
		u32 int_pending:1;
		u32 rsvd3:1;
	};
	struct {
		u32 bits_lower32;
		u32 bits_upper32;
	};
	u64 bits;
} __packed;

/*
 * An event log entry: this header, then the 32-byte completion record of
 * the failed descriptor.  GENCAP.evl_support 1 means 64-byte entries.
 */
struct idxd_evl_entry_head {
	u64 rsvd:2;
	u64 desc_valid:1;
	u64 wq_idx_valid:1;
	u64 batch:1;
	u64 fault_rw:1;
	u64 priv:1;
	u64 err_info_valid:1;
	u64 error:8;
	u64 wq_idx:8;
	u64 batch_id:8;
	u64 operation:8;
	u64 pasid:20;
	u64 rsvd2:4;

	u16 batch_idx;
	u16 rsvd3;
	union {
		/* valid with err_info_valid; see qemu-model.rst */
		u32 invalid_flags;		/* error 0x11 */
		struct {			/* 0x19, 0x1a, faults */
			u16 int_handle;
			u16 rci:1;
			u16 ims:1;
			u16 rcr:1;
			u16 first_err_in_batch:1;
			u16 rsvd_info:9;
			u16 operand_id:3;
		};
	};

	u64 fault_addr;
	u64 rsvd5;
} __packed;
#define IDXD_EVL_ENTRY_SIZE		64

/* MSI-X permission table, one 8-byte entry per MSI-X vector. */
#define IDXD_MSIX_PERM_STRIDE		8
union msix_perm {
	struct {
		u32 rsvd:2;
		u32 ignore:1;
		u32 pasid_en:1;
		u32 rsvd2:8;
		u32 pasid:20;
	};
	u32 bits;
} __packed;

/*
 * Interrupt Message Storage: 16 bytes per entry.  The device writes
 * @data to @addr like an MSI-X entry; the control word masks the entry
 * and, with PASID enabled, only descriptors of that PASID may use it.
 */
#define IDXD_IMS_ENTRY_SIZE		16
union ims_entry {
	struct {
		u64 addr;
		u32 data;
		u32 mask:1;
		u32 pending:1;
		u32 rsvd:1;
		u32 pasid_en:1;
		u32 rsvd2:8;
		u32 pasid:20;
	};
	u32 bits[4];
} __packed;
#define IDXD_IMS_CTRL_DWORD		3

union group_flags {
	struct {
		u64 tc_a:3;
		u64 tc_b:3;
		u64 rsvd:1;
		u64 use_rdbuf_limit:1;
		u64 rdbufs_reserved:8;
		u64 rsvd2:4;
		u64 rdbufs_allowed:8;
		u64 rsvd3:4;
		u64 desc_progress_limit:2;
		u64 rsvd4:2;
		u64 batch_progress_limit:2;
		u64 rsvd5:26;
	};
	u64 bits;
} __packed;

/* GRPCFG: per group a 256-bit WQ map, an engine map and the flags. */
#define IDXD_GRPCFG_SIZE		64
#define IDXD_GRPWQCFG_WORDS		4
#define IDXD_GRPENGCFG_OFS		32
#define IDXD_GRPFLGCFG_OFS		40
struct grpcfg {
	u64 wqs[IDXD_GRPWQCFG_WORDS];
	u64 engines;
	union group_flags flags;
	u64 rsvd[2];
} __packed;

enum idxd_wq_mode {
	IDXD_WQ_MODE_SHARED = 0,
	IDXD_WQ_MODE_DEDICATED,
};

enum idxd_wq_hw_state {
	IDXD_WQ_DEV_DISABLED = 0,
	IDXD_WQ_DEV_ENABLED,
};

#define IDXD_WQCFG_DWORDS		8
union wqcfg {
	struct {
		/* bytes 0-3 */
		u16 wq_size;
		u16 rsvd;

		/* bytes 4-7 */
		u16 wq_thresh;
		u16 rsvd1;

		/* bytes 8-11 */
		u32 mode:1;
		u32 bof:1;
		u32 wq_ats_disable:1;
		u32 wq_prs_disable:1;
		u32 priority:4;
		u32 pasid:20;
		u32 pasid_en:1;
		u32 priv:1;
		u32 rsvd3:2;

		/* bytes 12-15 */
		u32 max_xfer_shift:5;
		u32 max_batch_shift:4;
		u32 rsvd4:23;

		/* bytes 16-19 */
		u16 occupancy_inth;
		u16 occupancy_table_sel:1;
		u16 rsvd5:15;

		/* bytes 20-23 */
		u16 occupancy_limit;
		u16 occupancy_int_en:1;
		u16 rsvd6:15;

		/* bytes 24-27: read-only status */
		u16 occupancy;
		u16 occupancy_int:1;
		u16 rsvd7:12;
		u16 mode_support:1;
		u16 wq_state:2;

		/* bytes 28-31 */
		u32 rsvd8;
	};
	u32 bits[IDXD_WQCFG_DWORDS];
} __packed;

/* Dword indexes of the WQCFG fields software rewrites on its own. */
#define IDXD_WQCFG_PASID_IDX		2
#define IDXD_WQCFG_STATUS_IDX		6

/*
 * Performance monitoring: registers at the perfmon table offset
 * (TABLE_OFFSET.perfmon), one page.
 */
#define IDXD_PERFMON_SIZE		0x1000
#define IDXD_PERFCAP_OFFSET		0x0
union idxd_perfcap {
	struct {
		u64 num_perf_counter:6;
		u64 rsvd1:2;
		u64 counter_width:8;
		u64 num_event_category:4;
		u64 global_event_category:16;
		u64 filter:8;
		u64 rsvd2:8;
		u64 cap_per_counter:1;
		u64 writeable_counter:1;
		u64 counter_freeze:1;
		u64 overflow_interrupt:1;
		u64 rsvd3:8;
	};
	u64 bits;
} __packed;

/* PERFRST: write to reset the counter configuration or the counters */
#define IDXD_PERFRST_OFFSET		0x10
#define IDXD_PERFRST_CONFIG		0x1
#define IDXD_PERFRST_COUNTERS		0x2

/* PERFFRZ: bit n freezes counter n */
#define IDXD_PERFFRZ_OFFSET		0x20
/* OVFSTATUS: bit n set when counter n wrapped; write one to clear */
#define IDXD_OVFSTATUS_OFFSET		0x30

/* EVNTCAP: per event category, the events it supports */
#define IDXD_EVNTCAP_OFFSET		0x80
#define IDXD_CNTRCFG_OFFSET		0x100
union idxd_cntrcfg {
	struct {
		u64 enable:1;
		u64 interrupt_ovf:1;
		u64 global_freeze_ovf:1;
		u64 rsvd1:5;
		u64 event_category:4;
		u64 rsvd2:20;
		u64 events:28;
		u64 rsvd3:4;
	};
	u64 val;
} __packed;

#define IDXD_CNTRDATA_OFFSET		0x200
#define IDXD_FLTCFG_OFFSET		0x300
#define IDXD_CNTRCAP_OFFSET		0x800
#define IDXD_PERFMON_STRIDE		8

/* Each union is exactly its register or table entry. */
static_assert(sizeof(union gen_cap_reg) == 8, "GENCAP");
static_assert(sizeof(union wq_cap_reg) == 8, "WQCAP");
static_assert(sizeof(union group_cap_reg) == 8, "GRPCAP");
static_assert(sizeof(union engine_cap_reg) == 8, "ENGCAP");
static_assert(sizeof(union offsets_reg) == 16, "TABLE_OFFSET");
static_assert(sizeof(union gencfg_reg) == 4, "GENCFG");
static_assert(sizeof(union genctrl_reg) == 4, "GENCTRL");
static_assert(sizeof(union gensts_reg) == 4, "GENSTS");
static_assert(sizeof(union idxd_command_reg) == 4, "CMD");
static_assert(sizeof(union cmdsts_reg) == 4, "CMDSTS");
static_assert(sizeof(union sw_err_reg) == 32, "SWERR");
static_assert(sizeof(union wqcfg) == 32, "WQCFG entry");
static_assert(sizeof(union msix_perm) == 4, "MSI-X permission entry");
static_assert(sizeof(union ims_entry) == IDXD_IMS_ENTRY_SIZE, "IMS entry");
static_assert(sizeof(union evlcfg_reg) == 16, "EVLCFG");
static_assert(sizeof(union evl_status_reg) == 8, "EVLSTATUS");

#endif /* _IDXD_REGISTERS_H_ */
