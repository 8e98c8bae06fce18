/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Intel DSA work descriptor and completion record formats.
 *
 * Shared by the idxd driver, vfio_idxd_aux, the QEMU model and every
 * userspace client in this project: the one copy of these layouts.
 */
#ifndef _UAPI_LINUX_IDXD_HW_H
#define _UAPI_LINUX_IDXD_HW_H

#include <linux/types.h>

#define DSA_DESC_SIZE			64
#define DSA_COMP_RECORD_SIZE		32
#define DSA_COMP_RECORD_ALIGN		32
#define DSA_DESC_LIST_ALIGN		64

/* Descriptor flags */
#define IDXD_OP_FLAG_FENCE		0x0001
#define IDXD_OP_FLAG_BOF		0x0002
#define IDXD_OP_FLAG_CRAV		0x0004
#define IDXD_OP_FLAG_RCR		0x0008
#define IDXD_OP_FLAG_RCI		0x0010
#define IDXD_OP_FLAG_CRSTS		0x0020
#define IDXD_OP_FLAG_CR			0x0080
#define IDXD_OP_FLAG_CC			0x0100
#define IDXD_OP_FLAG_ADDR1_TCS		0x0200
#define IDXD_OP_FLAG_ADDR2_TCS		0x0400
#define IDXD_OP_FLAG_ADDR3_TCS		0x0800
#define IDXD_OP_FLAG_CR_TCS		0x1000
#define IDXD_OP_FLAG_STORD		0x2000
#define IDXD_OP_FLAG_DRDBK		0x4000
#define IDXD_OP_FLAG_DSTS		0x8000

enum dsa_opcode {
	DSA_OPCODE_NOOP = 0,
	DSA_OPCODE_BATCH,
	DSA_OPCODE_DRAIN,
	DSA_OPCODE_MEMMOVE,
	DSA_OPCODE_MEMFILL,
	DSA_OPCODE_COMPARE,
	DSA_OPCODE_COMPVAL,
	DSA_OPCODE_CR_DELTA,
	DSA_OPCODE_AP_DELTA,
	DSA_OPCODE_DUALCAST,
	DSA_OPCODE_TRANSL_FETCH,
	DSA_OPCODE_CRCGEN = 0x10,
	DSA_OPCODE_COPY_CRC,
	DSA_OPCODE_DIF_CHECK,
	DSA_OPCODE_DIF_INS,
	DSA_OPCODE_DIF_STRP,
	DSA_OPCODE_DIF_UPDT,
	DSA_OPCODE_DIX_GEN = 0x17,
	DSA_OPCODE_CFLUSH = 0x20,
};

enum dsa_completion_status {
	DSA_COMP_NONE = 0,
	DSA_COMP_SUCCESS,
	DSA_COMP_SUCCESS_PRED,
	DSA_COMP_PAGE_FAULT_NOBOF,
	DSA_COMP_PAGE_FAULT_IR,
	DSA_COMP_BATCH_FAIL,
	DSA_COMP_BATCH_PAGE_FAULT,
	DSA_COMP_DR_OFFSET_NOINC,
	DSA_COMP_DR_OFFSET_ERANGE,
	DSA_COMP_DIF_ERR,
	DSA_COMP_BAD_OPCODE = 0x10,
	DSA_COMP_INVALID_FLAGS,
	DSA_COMP_NOZERO_RESERVE,
	DSA_COMP_XFER_ERANGE,
	DSA_COMP_DESC_CNT_ERANGE,
	DSA_COMP_DR_ERANGE,
	DSA_COMP_OVERLAP_BUFFERS,
	DSA_COMP_DCAST_ERR,
	DSA_COMP_DESCLIST_ALIGN,
	DSA_COMP_INT_HANDLE_INVAL,
	DSA_COMP_CRA_XLAT,
	DSA_COMP_CRA_ALIGN,
	DSA_COMP_ADDR_ALIGN,
	DSA_COMP_PRIV_BAD,
	DSA_COMP_TRAFFIC_CLASS_CONF,
	DSA_COMP_PFAULT_RDBA,
	DSA_COMP_HW_ERR1,
	DSA_COMP_HW_ERR_DRB,
	DSA_COMP_TRANSLATION_FAIL,
};

/* bit 7 of a fault's status: the faulting access was a write (0x83) */
#define DSA_COMP_STATUS_MASK		0x7f
#define DSA_COMP_STATUS_WRITE		0x80
#define DSA_COMP_STATUS(status)		((status) & DSA_COMP_STATUS_MASK)

struct dsa_hw_desc {
	__u32	pasid:20;
	__u32	rsvd:11;
	__u32	priv:1;
	__u32	flags:24;
	__u32	opcode:8;
	__u64	completion_addr;
	union {
		__u64	src_addr;
		__u64	pattern;
		__u64	desc_list_addr;
	};
	union {
		__u64	dst_addr;
		__u64	src2_addr;
		__u64	comp_pattern;
	};
	union {
		__u32	xfer_size;
		__u32	desc_count;
	};
	__u16	int_handle;
	__u16	rsvd1;
	union {
		__u8	expected_res;
		__u64	dest2;
		struct {
			__u32	crc_seed;
			__u32	crc_rsvd;
			__u64	seed_addr;
		};
		__u8	op_specific[24];
	};
} __attribute__((packed));

struct dsa_completion_record {
	__u8	status;
	__u8	result;
	__u8	fault_info;
	__u8	rsvd;
	union {
		__u32	bytes_completed;
		__u32	descs_completed;
	};
	__u64	fault_addr;
	union {
		struct {
			__u32	invalid_flags:24;
			__u32	rsvd2:8;
		};
		__u64	crc_val;
		__u8	op_specific[16];
	};
} __attribute__((packed));

#endif /* _UAPI_LINUX_IDXD_HW_H */
