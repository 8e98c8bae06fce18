#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Function level resets (FLR) of our idxd.  The PCI core resets the
# function when asked (echo 1 > .../reset): the driver stops its owners
# first and, after, configures the device again, so copies in flight end
# (done or failed, never hung) and the host channel works again.  A halt
# whose GENSTS.reset_type asks for an FLR gets one from recovery; one
# that needs the platform (a warm reset) is refused with a message.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

RESULTS=/sys/kernel/debug/dma_memcpy_test/results
IDXD_RESET_FLR=1
IDXD_RESET_WARM=2

# copies that end: done (0) or failed by the driver (-ECANCELED), not
# timed out (-ETIMEDOUT, the device still holds them)
ENDED='^(not )?ok 2 1 rounds of 8 copies in flight match: (0|-125)$'

test_reset_file() {
	modprobe idxd
	CHAN=$(our_chan 0)
	result $? "idxd's host channel is ${CHAN:-missing}"
	[ -w "$PCI/reset" ] && grep -qw flr "$PCI/reset_method"
	result $? "the function offers FLR ($(cat "$PCI/reset_method" 2>&1))"
}

test_flr_during_copies() {
	# 200 ms a descriptor: 8 copies keep the WQ busy well past the reset
	window_write "$DSA_TEST_DELAY_US" 200000
	insmod ./dma_memcpy_test.ko channel="$CHAN" inflight=8 rounds=1 &
	pid=$!
	wait_for "$WAIT_S" queued_at_least 4
	result $? "copies are queued in the device"
	dmesg_mark
	echo 1 >"$PCI/reset"
	result $? "echo 1 > reset while they are in flight"
	wait $pid
	window_write "$DSA_TEST_DELAY_US" 0
	expect_match "the copies in flight end, none hangs" "$ENDED" \
		"$(grep '^ok 2 \|^not ok 2 ' $RESULTS)"
	rmmod dma_memcpy_test
	log=$(dmesg_new)
	expect_match "dmesg: WQs stopped before the reset" \
		"idxd $DEV: function level reset: WQs stopped" "$log"
	expect_match "dmesg: configuration and WQs restored after it" \
		"idxd $DEV: function level reset: configuration and WQs restored" \
		"$log"
	wqcfg_enabled 0
	result $? "the device holds WQ 0 enabled again"
	expect "with its 32 entries" 32 "$(wqcfg_size 0)"
	expect_match "the host channel copies again" "$COPIES_OK" \
		"$(copies "$CHAN")"
	expect "the health reporter stays healthy" healthy \
		"$(health_field state)"
	expect "and counted no error" 0 "$(health_field error)"
}

restored_since_mark() {
	dmesg_new | grep -q 'configuration and WQs restored'
}

# a halt asking for reset type $1
halt_for() {
	devlink health dump clear "$DL" reporter device
	window_write "$DSA_TEST_HALT" $((1 | ($1 << DSA_TEST_HALT_RESET_SHIFT)))
}

test_halt_needs_flr() {
	dmesg_mark
	halt_for $IDXD_RESET_FLR
	wait_errors 1
	result $? "a halt needing an FLR is a health event"
	wait_for "$WAIT_S" restored_since_mark
	expect_match "recovery resets the function" \
		"idxd $DEV: the halted device needs a function level reset: resetting it" \
		"$(dmesg_new)"
	expect "the reporter recovered" "healthy 1" \
		"$(health_field state) $(health_field recover)"
	expect_match "the host channel copies again" "$COPIES_OK" \
		"$(copies "$CHAN")"
}

test_halt_needs_warm_reset() {
	devlink health set "$DL" reporter device auto_recover false
	halt_for $IDXD_RESET_WARM
	wait_errors 2
	result $? "a halt needing a warm reset is a health event"
	out=$(devlink health recover "$DL" reporter device 2>&1)
	result $((!$?)) "recover refuses it"
	expect_match "extack: only the platform can give a warm reset" \
		"the halted device needs a warm reset, which only the platform can give" \
		"$out"
	expect "the reporter stays in error" error "$(health_field state)"
	echo 1 >"$PCI/reset"
	result $? "an FLR by the admin"
	expect "brings the device back: the reporter is healthy" healthy \
		"$(health_field state)"
	expect_match "and the host channel copies" "$COPIES_OK" \
		"$(copies "$CHAN")"
	devlink health set "$DL" reporter device auto_recover true
}

test_unload() {
	rmmod idxd
	result $? "idxd unloads after the resets"
	[ -w "$PCI/reset" ] && echo 1 >"$PCI/reset"
	result $? "an FLR of the unbound function is harmless"
}

echo "KTAP version 1"
echo "1..25"
test_reset_file
test_flr_during_copies
test_halt_needs_flr
test_halt_needs_warm_reset
test_unload
