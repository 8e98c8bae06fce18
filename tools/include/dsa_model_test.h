/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the QEMU DSA model (tools/qemu/) defines beyond the architecture,
 * shared by the model and the tests; the one definition.
 *
 * The test window: BAR4, present only with -device intel-dsa,test-bar=on.
 * Not silicon: it exists so tests in the guest can hold the engines and
 * inject faults.  Each register is 64-bit.
 */
#ifndef _DSA_MODEL_TEST_H
#define _DSA_MODEL_TEST_H

#define DSA_TEST_BAR			4
#define DSA_TEST_BAR_SIZE		0x1000

/* reads DSA_TEST_MAGIC_VALUE */
#define DSA_TEST_MAGIC			0x00
#define DSA_TEST_MAGIC_VALUE		0x3174736574617364ULL	/* "dsatest1" */

/*
 * bit 0: engines take no descriptor off any WQ while set;
 * bit 1: a command written stays active, not run, until cleared (so a
 *        driver's command timeout can be seen)
 */
#define DSA_TEST_HOLD			0x08
#define DSA_TEST_HOLD_ENGINES		0x1
#define DSA_TEST_HOLD_CMDS		0x2

/*
 * One-shot faults; each reads back non-zero until consumed.
 * FAIL_DESC: the next descriptor an engine executes completes with this
 *   status code (bits 7:0) without touching memory.
 * FAIL_CMD: the next command completes with the CMDSTS error code in
 *   bits 7:0 instead of running; when bits 15:8 name a command code,
 *   the next command with that code, after letting through as many of
 *   them as bits 23:16 say, so a test can fail one step deep in a
 *   driver's sequence.  With bit 24 set, that command is not failed but
 *   held: it stays active, unrun, as if HOLD_CMDS had been set just
 *   before it (which HOLD then reads), until HOLD is written or the
 *   device reset.
 */
#define DSA_TEST_FAIL_DESC		0x10
#define DSA_TEST_FAIL_CMD		0x18
#define DSA_TEST_FAIL_CMD_CODE_SHIFT	8
#define DSA_TEST_FAIL_CMD_SKIP_SHIFT	16
#define DSA_TEST_FAIL_CMD_HOLD		0x1000000

/*
 * Writes record a software error as the hardware would: bits 7:0 the
 * error code, bit 8 set when bits 23:16 name a WQ.  Raises the error
 * interrupt when GENCTRL enables it.
 */
#define DSA_TEST_RAISE_SWERR		0x20
#define DSA_TEST_SWERR_WQ_VALID		0x100
#define DSA_TEST_SWERR_WQ_SHIFT		16

/*
 * Writing bit 0 halts the device (GENSTS.state = HALT, halt interrupt);
 * bits 2:1 are the GENSTS.reset_type the halt reports (what it takes to
 * bring the device back: 0 RESET_DEVICE, 1 FLR, 2 warm, 3 cold reset).
 */
#define DSA_TEST_HALT			0x28
#define DSA_TEST_HALT_RESET_SHIFT	1

/* read-only: descriptors executed since reset, including batch members */
#define DSA_TEST_DESC_COUNT		0x30

/*
 * read-only: descriptors waiting in all WQs, as their occupancy says;
 * for tests that cannot map BAR0 while a driver owns it
 */
#define DSA_TEST_QUEUED			0x38

/*
 * An error that arrives between a driver's read of SWERR and its
 * acknowledgement: a non-zero value (encoded as for RAISE_SWERR) is
 * recorded right after the next read of SWERR's first 8 bytes has taken
 * its value.  One-shot; reads back non-zero until consumed.
 */
#define DSA_TEST_SWERR_ON_READ		0x40

/*
 * A slow engine: every descriptor takes at least this many microseconds
 * (bits 23:0) to execute, drains included.  0 turns it off.
 */
#define DSA_TEST_DELAY_US		0x48

/*
 * Out-of-order completion, as a device with several engines per group
 * gives: writing N (non-zero) sets the next descriptor an engine takes
 * aside, to run after N later descriptors have run; writing 0 runs it
 * now.  A halt, a reset or an abort of its WQ abandons it (no completion,
 * as for any descriptor in flight); DISABLE_WQ and drains run it.  Reads
 * 1 while a descriptor is set aside or the next one will be.
 */
#define DSA_TEST_DEFER			0x50

/*
 * The device's IMS table, one entry at a time: write the entry's index
 * to IMS_INDEX, then read its first 8 bytes (the message address) at
 * IMS_ADDR and its last 8 (data in bits 31:0, the control dword with
 * mask, pasid_en and pasid in 63:32) at IMS_CTRL.
 */
#define DSA_TEST_IMS_INDEX		0x58
#define DSA_TEST_IMS_ADDR		0x60
#define DSA_TEST_IMS_CTRL		0x68

/*
 * read-only: the device's own WQCFG table, 32 bytes per WQ from here,
 * for tests whose driver owns BAR0 (the driver's view may differ from
 * what the device holds)
 */
#define DSA_TEST_WQCFG			0x800
#define DSA_TEST_WQCFG_STRIDE		32

/*
 * Performance monitoring events the model counts (its own encoding: a
 * CNTRCFG event category and a mask of events within it).
 */
#define DSA_PERF_COUNTERS		4
#define DSA_PERF_COUNTER_WIDTH		32

#define DSA_PERF_CAT_WQ			0
#define DSA_PERF_WQ_ACCEPTED		0x1	/* descriptor queued */
#define DSA_PERF_WQ_DROPPED		0x2	/* disabled or full WQ */

#define DSA_PERF_CAT_ENGINE		1
#define DSA_PERF_ENG_COMPLETED		0x1	/* any status, batch members too */
#define DSA_PERF_ENG_ERRORS		0x2	/* status other than success */
#define DSA_PERF_ENG_BYTES		0x4	/* bytes of successful data ops */

#endif /* _DSA_MODEL_TEST_H */
