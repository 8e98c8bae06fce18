#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Error handling that timing decides.  An error that arrives between the
# driver's read of SWERR and its acknowledgement is not lost: the driver
# acknowledges only the bits it read, so OVERFLOW stays for the next
# interrupt.  DISABLE_WQ drains what its WQ holds: a slow drain is waited
# for as long as the WQ's occupancy keeps falling, so the WQ goes down
# alone and its copies complete; only a drain that stops moving times
# out, and then the device is failed and reset.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

RESULTS=/sys/kernel/debug/dma_memcpy_test/results
ENDED='^(not )?ok 2 1 rounds of [0-9]+ copies in flight match: (0|-125)$'

# a software error with code $1 naming WQ $2, as RAISE_SWERR encodes it
swerr() {
	echo $(($1 | DSA_TEST_SWERR_WQ_VALID | ($2 << DSA_TEST_SWERR_WQ_SHIFT)))
}

overflow_logged() {
	dmesg_new | grep -qE "idxd $DEV: (software error 0x42 \\(and more\\)|software errors lost)"
}

test_swerr_during_ack() {
	modprobe idxd
	dmesg_mark
	window_write "$DSA_TEST_SWERR_ON_READ" "$(swerr 0x47 5)"
	window_write "$DSA_TEST_RAISE_SWERR" "$(swerr 0x42 3)"
	wait_errors 1
	result $? "the first error is a health event"
	expect "the second error arrived as SWERR was read" 0 \
		"$(window_read "$DSA_TEST_SWERR_ON_READ")"
	wait_for "$WAIT_S" overflow_logged
	result $? "it is not lost: the driver reports the overflow"
	dmesg_new | grep 'idxd' | sed 's/^/# /'
}

wq_json() {
	echo "{\"wq\":$1,\"owner\":\"host\",\"state\":\"$2\"}"
}

dump() {
	devlink -j health dump show "$DL" reporter device
}

# copies on WQ 1's channel, $2 of them, while the engines take $1 us
# each; the engines are held until the caller lets go, so that a slow
# kernel's polls (a debug kernel's) see the copies queued
copies_in_background() {
	window_write "$DSA_TEST_HOLD" "$DSA_TEST_HOLD_ENGINES"
	window_write "$DSA_TEST_DELAY_US" "$1"
	insmod ./dma_memcpy_test.ko channel="$C1" inflight="$2" rounds=1 &
	pid=$!
}

test_slow_drain() {
	rmmod idxd
	modprobe idxd host_wqs=2
	C0=$(our_chan 0)
	C1=$(our_chan 1)
	devlink health set "$DL" reporter device auto_recover false
	result $? "two host WQs, auto recovery off"
	# 8 copies at 300 ms each: draining what is left takes over 1 s
	copies_in_background 300000 8
	wait_for "$WAIT_S" queued_at_least 6
	result $? "WQ 1 holds 6 copies or more"
	window_write "$DSA_TEST_HOLD" 0
	dmesg_mark
	window_write "$DSA_TEST_RAISE_SWERR" "$(swerr 0x46 1)"
	wait $pid
	window_write "$DSA_TEST_DELAY_US" 0
	expect_match "the copies WQ 1 held complete as it drains" \
		'^ok 2 1 rounds of 8 copies in flight match: 0$' \
		"$(grep '^ok 2 \|^not ok 2 ' $RESULTS)"
	rmmod dma_memcpy_test
	# the reporter is new with the module
	wait_errors 1
	result $? "the error is a health event"
	log=$(dmesg_new)
	expect_match "dmesg: WQ 1 disabled alone" \
		"idxd $DEV: WQ 1 \\(host\\) disabled after software error 0x46" "$log"
	echo "$log" | grep -q "timed out"
	result $((!$?)) "no command timed out during the slow drain"
	expect_match "dump: WQ 0 enabled, WQ 1 failed" \
		"\"wqs\":\\[$(wq_json 0 enabled),$(wq_json 1 failed)\\]" "$(dump)"
	expect_match "WQ 0's channel copies meanwhile" "$COPIES_OK" \
		"$(copies "$C0")"
	devlink health recover "$DL" reporter device
	result $? "recovery brings WQ 1 back"
	expect_match "WQ 1's channel copies again" "$COPIES_OK" \
		"$(copies "$C1")"
}

recovered() {
	devlink health recover "$DL" reporter device 2>/dev/null
}

drain_timed_out() {
	dmesg_new | grep -q "command DISABLE_WQ .* timed out"
}

test_stuck_drain() {
	# one copy of 7 s: longer than a drain may go without progress
	window_write "$DSA_TEST_DELAY_US" 7000000
	insmod ./dma_memcpy_test.ko channel="$C1" inflight=1 rounds=1 \
		wait_ms=20000 &
	pid=$!
	# the engine takes it at once, and holds it
	sleep 1
	dmesg_mark
	window_write "$DSA_TEST_RAISE_SWERR" "$(swerr 0x48 1)"
	wait_for 10 drain_timed_out
	log=$(dmesg_new)
	expect_match "dmesg: the drain timed out for want of progress" \
		"idxd $DEV: command DISABLE_WQ \\(operand 0x2\\) timed out: WQ 1 made no progress for [0-9]+ ms" \
		"$log"
	expect_match "dmesg: the device is failed instead" \
		"idxd $DEV: WQ 1 cannot be disabled: failing the device" "$log"
	wait_errors 2
	result $? "the error is a health event"
	# the device resets once the stuck command ended, and the copy ends
	wait_for 15 recovered
	result $? "recovery resets the device once the command ended"
	wait $pid
	window_write "$DSA_TEST_DELAY_US" 0
	expect_match "the copy ends, done or failed" "$ENDED" \
		"$(grep '^ok 2 \|^not ok 2 ' $RESULTS)"
	rmmod dma_memcpy_test
	expect_match "WQ 0's channel copies again" "$COPIES_OK" \
		"$(copies "$C0")"
	expect_match "WQ 1's channel copies again" "$COPIES_OK" \
		"$(copies "$C1")"
}

test_unload() {
	rmmod idxd
	result $? "idxd unloads"
}

echo "KTAP version 1"
echo "1..21"
test_swerr_during_ack
test_slow_drain
test_stuck_drain
test_unload
