#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The devlink instance of our idxd: it exists while the driver is bound,
# reports what the device is and what it has to share (resources), holds
# the default WQ size of a subfunction (param sf_wq_size), and its
# "device" health reporter turns a software error or a halt (injected
# through the model's test window) into an event with a decoded dump.
# An error naming a WQ disables that WQ alone: with two host WQs the
# other channel keeps copying until recovery enables the WQ again; a halt
# takes the device, and recovery resets it.  Failed recoveries say why
# and leave things as they were, also when a command times out.

DEV=0000:00:0a.0
DL=pci/$DEV
PCI=/sys/bus/pci/devices/$DEV
# the model's test window (BAR4, tools/include/dsa_model_test.h)
TEST_HOLD=0x08
HOLD_ENGINES=0x1
HOLD_CMDS=0x2
TEST_QUEUED=0x38
TEST_FAIL_CMD=0x18
TEST_RAISE_SWERR=0x20
TEST_HALT=0x28
SWERR_WQ_VALID=0x100
CMDSTS_HW_ERR=0x03
CMD_RESET_DEVICE=5
CMD_ENABLE_WQ=6
CMD_DISABLE_WQ=7
RESULTS=/sys/kernel/debug/dma_memcpy_test/results
WAIT_S=5

test_window() {
	bar4=$(sed -n 5p "$PCI/resource" | cut -d' ' -f1)
	devmem $((bar4 + $1)) 64 "$2"
}

# a test window register, in decimal (nothing if it cannot be read)
test_window_read() {
	bar4=$(sed -n 5p "$PCI/resource" | cut -d' ' -f1)
	v=$(devmem $((bar4 + $1)) 64) && printf '%d\n' "$v"
}

# a software error with code $1 naming WQ $2; devlink keeps the first
# dump until cleared, so the event's own is the one shown after
raise_swerr() {
	devlink health dump clear $DL reporter device
	test_window $TEST_RAISE_SWERR $(($1 | SWERR_WQ_VALID | ($2 << 16)))
}

# the next command with code $1 fails, after ${2:-0} of them pass
fail_command() {
	test_window $TEST_FAIL_CMD $(((${2:-0} << 16) | ($1 << 8) | CMDSTS_HW_ERR))
}

# the scalar "$1":VALUE of the JSON $2 (devlink -j), first one
json_field() {
	echo "$2" | grep -o "\"$1\":[^,}]*" | head -n1 | cut -d: -f2 | tr -d '"'
}

# "state S error N recover N" of the device reporter, from devlink -j;
# devlink's error message if it fails
health() {
	j=$(devlink -j health show $DL reporter device 2>&1) ||
		{ echo "$j"; return; }
	echo "state $(json_field state "$j") error $(json_field error "$j")" \
	     "recover $(json_field recover "$j")"
}

# wait until the reporter's error count reaches $1
wait_errors() {
	i=0
	while [ $i -lt $((WAIT_S * 10)) ]; do
		[ "$(json_field error "$(devlink -j health show $DL reporter device)")" = "$1" ] &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

dump() {
	devlink -j health dump show $DL reporter device 2>&1
}

test_instance() {
	modprobe idxd
	expect_match "devlink dev show lists $DL" "^$DL\$" "$(devlink dev show)"
	info=$(devlink dev info $DL 2>&1)
	expect_match "dev info: driver" "driver idxd" "$info"
	expect_match "dev info: asic.id" "asic.id 0b25" "$info"
	expect_match "dev info: asic.rev" "asic.rev 1.0" "$info"
	expect_match "health reporter starts healthy" \
		"state healthy error 0 recover 0" "$(health)"
}

test_software_error() {
	raise_swerr 0x42 3
	wait_errors 1
	result $? "a software error is a health event"
	# WQ 3 is not the host's: nothing is down, recovery has nothing to do
	expect_match "auto recovery ran" \
		"state healthy error 1 recover 1" "$(health)"
	expect_match "dump holds the decoded error" \
		'"error":66,"overflow":false,"wq":3' "$(dump)"
	expect_match "dmesg decodes it" "idxd $DEV: software error 0x42: wq 3" \
		"$(dmesg | tail -n 20)"
}

test_halt() {
	devlink health dump clear $DL reporter device
	test_window $TEST_HALT 1
	wait_errors 2
	result $? "a halt is a health event"
	expect_match "dump says halted" '"state":"halted",.*"halted":true' "$(dump)"
	expect_match "dump: the host WQ failed with the device" \
		'"wqs":\[\{"wq":0,"owner":"host","state":"failed"\}\]' "$(dump)"
	expect_match "recovered from the halt" \
		"state healthy error 2 recover 2" "$(health)"
	expect_match "dmesg reports the halt" "idxd $DEV: device halted" \
		"$(dmesg | tail -n 20)"
	# devlink calls no recover for a healthy reporter: nothing to undo
	devlink health recover $DL reporter device
	result $? "manual recover of the healthy reporter succeeds"
	expect_match "and changes nothing" "error 2 recover 2" "$(health)"
}

test_resources() {
	res=$(devlink resource show $DL 2>&1)
	# the host WQ (WQ 0, 32 entries, group 0, engine 0) is taken
	expect_match "resource wqs" "name wqs size 8 occ 1 unit entry" "$res"
	expect_match "resource wq_entries" \
		"name wq_entries size 128 occ 32 unit entry" "$res"
	expect_match "resource engines" "name engines size 4 occ 1 unit entry" \
		"$res"
	expect_match "resource groups" "name groups size 4 occ 1 unit entry" \
		"$res"
	expect_match "resource msix_vectors: vectors 0 and 1 in use" \
		"name msix_vectors size 64 occ 2 unit entry" "$res"
	expect_match "resource pasids: 20-bit PASIDs" \
		"name pasids size 1048576 occ 0 unit entry" "$res"
}

# sf_wq_size's driverinit value, from devlink -j
param() {
	json_field value "$(devlink -j dev param show $DL name sf_wq_size 2>&1)"
}

# two results: setting sf_wq_size to $1 fails, and says why
param_refused() {
	out=$(devlink dev param set $DL name sf_wq_size value "$1" cmode driverinit 2>&1)
	result $((!$?)) "sf_wq_size $1 fails"
	expect_match "sf_wq_size $1 is refused with a clear message" \
		"sf_wq_size must be 1\.\.128, the device's WQ entries" "$out"
}

# a driverinit param: the next reload applies it (selftests/idxd-reload)
test_param() {
	expect "sf_wq_size defaults to 16" 16 "$(param)"
	devlink dev param set $DL name sf_wq_size value 32 cmode driverinit
	result $? "sf_wq_size set to 32"
	expect "sf_wq_size reads back 32" 32 "$(param)"
	param_refused 0
	# beyond the device's 128 WQ entries
	param_refused 129
	expect "a refused value leaves 32" 32 "$(param)"
	devlink dev param set $DL name sf_wq_size value 32 cmode runtime \
		2>/dev/null
	result $((!$?)) "sf_wq_size has no runtime cmode: the carve needs a reload"
}

# recovery resets the device and brings the host WQ back
test_channel_after_recovery() {
	chan=$(dma_chans $DEV | head -n1)
	insmod ./dma_memcpy_test.ko channel="${chan:-none}" inflight=8 rounds=4
	grep -q '^ok 2 4 rounds of 8 copies in flight match: 0$' \
		/sys/kernel/debug/dma_memcpy_test/results
	result $? "the host channel copies again after two recoveries"
	rmmod dma_memcpy_test
}

# copies through channel $1; prints the test module's verdict on them
copies() {
	insmod ./dma_memcpy_test.ko channel="$1" inflight=8 rounds=2 ||
		{ echo "insmod failed"; return; }
	grep '^ok 2 \|^not ok 2 ' $RESULTS
	rmmod dma_memcpy_test
}

COPIES_OK='^ok 2 2 rounds of 8 copies in flight match: 0$'
# prep refuses while the WQ is down
COPIES_REFUSED='^not ok 2 1 rounds of 8 copies in flight match: -12$'

# two results: recovery fails $1 (a description), its extack says $2
recover_fails() {
	out=$(devlink health recover $DL reporter device 2>&1)
	result $((!$?)) "recover fails $1"
	expect_match "extack: $2" "$2" "$out"
}

# two results: each host channel copies (again)
both_channels_copy() {
	expect_match "WQ 0's channel copies again" "$COPIES_OK" \
		"$(copies ${DMA}chan0)"
	expect_match "WQ 1's channel copies again" "$COPIES_OK" \
		"$(copies ${DMA}chan1)"
}

wq_json() {
	echo "{\"wq\":$1,\"owner\":\"host\",\"state\":\"$2\"}"
}

# Two host WQs, each its own channel; errors are handled by hand from here
test_two_host_wqs() {
	rmmod idxd
	modprobe idxd host_wqs=2
	chans=$(dma_chans $DEV)
	our_idxd_bound $DEV && [ "$(echo "$chans" | grep -c .)" -eq 2 ]
	result $? "host_wqs=2: two channels of $DEV, from our idxd ($(echo $chans))"
	DMA=$(echo "$chans" | sed -n 's/chan0$//p')
	res=$(devlink resource show $DL 2>&1)
	expect_match "two WQs taken" "name wqs size 8 occ 2 " "$res"
	expect_match "of 32 entries each" "name wq_entries size 128 occ 64 " \
		"$res"
	expect_match "vectors 0-2 in use" "name msix_vectors size 64 occ 3 " \
		"$res"
	devlink health set $DL reporter device auto_recover false
	result $? "auto recovery off"
}

test_wq_error_isolated() {
	raise_swerr 0x42 1
	wait_errors 1
	result $? "a software error naming WQ 1 is a health event"
	expect_match "the reporter is in error until recovered" \
		"state error error 1 recover 0" "$(health)"
	expect_match "dump: WQ 0 enabled, WQ 1 failed" \
		"\"wqs\":\\[$(wq_json 0 enabled),$(wq_json 1 failed)\\]" "$(dump)"
	expect_match "dmesg: WQ 1 disabled, the others keep running" \
		"idxd $DEV: WQ 1 \\(host\\) disabled after software error 0x42; the other WQs keep running" \
		"$(dmesg | tail -n 20)"
	expect_match "WQ 0's channel still copies" "$COPIES_OK" \
		"$(copies ${DMA}chan0)"
	expect_match "WQ 1's channel takes no work" "$COPIES_REFUSED" \
		"$(copies ${DMA}chan1)"
	out=$(devlink health recover $DL reporter device 2>&1)
	result $? "recover succeeds${out:+: $out}"
	expect_match "the reporter is healthy again" \
		"state healthy error 1 recover 1" "$(health)"
	expect_match "dmesg: WQ 1 reset and enabled again" \
		"idxd $DEV: WQ 1 \\(host\\) reset and enabled again" \
		"$(dmesg | tail -n 5)"
	expect_match "WQ 1's channel copies again" "$COPIES_OK" \
		"$(copies ${DMA}chan1)"
}

# an error naming a WQ the driver does not run takes nothing down
test_unused_wq_error() {
	raise_swerr 0x42 5
	wait_errors 2
	result $? "a software error naming unused WQ 5 is a health event"
	expect_match "both WQs stay enabled" \
		"\"wqs\":\\[$(wq_json 0 enabled),$(wq_json 1 enabled)\\]" "$(dump)"
	devlink health recover $DL reporter device
	result $? "recover has nothing to bring back, and succeeds"
}

test_failed_wq_recovery() {
	raise_swerr 0x43 1
	wait_errors 3
	result $? "WQ 1 fails again"
	fail_command $CMD_ENABLE_WQ
	recover_fails "when ENABLE_WQ fails" "WQ 1 not enabled again, see dmesg"
	expect_match "dmesg names the command and the code" \
		"idxd $DEV: command ENABLE_WQ \\(operand 0x1\\) failed: CMDSTS error 0x3" \
		"$(dmesg | tail -n 5)"
	# a fresh dump: the state now, not at the event
	devlink health dump clear $DL reporter device
	expect_match "WQ 1 stays failed, WQ 0 enabled" \
		"\"wqs\":\\[$(wq_json 0 enabled),$(wq_json 1 failed)\\]" "$(dump)"
	expect_match "WQ 0's channel copies meanwhile" "$COPIES_OK" \
		"$(copies ${DMA}chan0)"
	devlink health recover $DL reporter device
	result $? "the next recover succeeds"
	expect_match "WQ 1's channel copies again" "$COPIES_OK" \
		"$(copies ${DMA}chan1)"
}

# a WQ the device will not disable takes the device down: reset
test_disable_wq_fails() {
	fail_command $CMD_DISABLE_WQ
	raise_swerr 0x44 1
	wait_errors 4
	result $? "WQ 1 fails, and DISABLE_WQ with it"
	expect_match "dmesg: the device is failed instead" \
		"idxd $DEV: WQ 1 cannot be disabled: failing the device" \
		"$(dmesg | tail -n 5)"
	expect_match "dump: both WQs failed" \
		"\"wqs\":\\[$(wq_json 0 failed),$(wq_json 1 failed)\\]" "$(dump)"
	expect_match "WQ 0's channel takes no work either" "$COPIES_REFUSED" \
		"$(copies ${DMA}chan0)"
	devlink health recover $DL reporter device
	result $? "recover resets the device"
	expect_match "dmesg: reset, WQs enabled again" \
		"idxd $DEV: device reset and its WQs enabled again" \
		"$(dmesg | tail -n 5)"
	both_channels_copy
}

# a command the device sits on times out; the next is not even sent
test_command_timeout() {
	raise_swerr 0x45 1
	wait_errors 5
	result $? "WQ 1 fails once more"
	dmesg_mark
	test_window $TEST_HOLD $HOLD_CMDS
	out=$(devlink health recover $DL reporter device 2>&1)
	result $? "recover succeeds although the device sits on RESET_WQ${out:+: $out}"
	log=$(dmesg_new)
	expect_match "dmesg: RESET_WQ timed out" \
		"idxd $DEV: command RESET_WQ \\(operand 0x2\\) timed out after 1000 ms" \
		"$log"
	# a WQ that cannot be reset takes the device down, to be reset
	expect_match "WQ 0 went down with the device" \
		"idxd $DEV: the failed device did not reset: its WQs' work waits for a reset" \
		"$log"
	expect_match "dmesg: the stuck command is ended by a function reset" \
		"idxd $DEV: a device command is stuck: resetting the function" "$log"
	expect_match "dmesg: the function is configured again" \
		"idxd $DEV: function level reset: configuration and WQs restored" \
		"$log"
	expect "the reset ended the model's command hold too" 0 \
		"$(test_window_read $TEST_HOLD)"
	both_channels_copy
}

# a halt whose reset fails stays down until a reset works
test_failed_reset() {
	devlink health dump clear $DL reporter device
	test_window $TEST_HALT 1
	wait_errors 6
	result $? "the device halts"
	fail_command $CMD_RESET_DEVICE
	recover_fails "when RESET_DEVICE fails" "device reset failed, see dmesg"
	expect_match "dmesg names the command and the code" \
		"idxd $DEV: command RESET_DEVICE \\(operand 0x0\\) failed: CMDSTS error 0x3" \
		"$(dmesg | tail -n 5)"
	devlink health recover $DL reporter device
	result $? "the next recover resets the device"
	both_channels_copy
}

# wait until the device's WQs hold $1 descriptors (BAR0, where the
# occupancies are, is the driver's: the test window counts them too)
wait_queued() {
	i=0
	while [ $i -lt $((WAIT_S * 10)) ]; do
		[ "$(test_window_read $TEST_QUEUED)" = "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# 8 copies queued on WQ 1 (engines held) while $1 happens ($2 says
# what); one result: they were queued when it happened.  The test
# module's verdict on them goes to QUEUED.
copies_queued_during() {
	test_window $TEST_HOLD $HOLD_ENGINES
	insmod ./dma_memcpy_test.ko channel="${DMA}chan1" inflight=8 rounds=1 &
	pid=$!
	wait_queued 8
	result $? "8 copies wait in WQ 1 when $2"
	$1
	wait $pid
	QUEUED=$(grep '^ok 2 \|^not ok 2 ' $RESULTS)
	rmmod dma_memcpy_test
	test_window $TEST_HOLD 0
}

halt() {
	devlink health dump clear $DL reporter device
	test_window $TEST_HALT 1
}

# What a WQ held when it went down: the device finishes it when only the
# WQ is disabled (DISABLE_WQ drains), and fails it at once on a halt.
test_inflight() {
	copies_queued_during "raise_swerr 0x46 1" "the software error comes"
	expect_match "copies queued on WQ 1 complete as it is disabled" \
		'^ok 2 1 rounds of 8 copies in flight match: 0$' "$QUEUED"
	wait_errors 7
	result $? "that software error is a health event"
	devlink health recover $DL reporter device
	result $? "WQ 1 recovered"
	copies_queued_during halt "the device halts"
	expect_match "copies queued when the device halts fail, DMA_TRANS_ABORTED" \
		'^not ok 2 1 rounds of 8 copies in flight match: -125$' "$QUEUED"
	wait_errors 8
	result $? "that halt is a health event"
	devlink health recover $DL reporter device
	result $? "the device recovered"
	expect_match "WQ 1's channel copies again" "$COPIES_OK" \
		"$(copies ${DMA}chan1)"
}

# a device recovery that enables WQ 0 but not WQ 1 takes WQ 0 down again
test_partial_recovery() {
	halt
	wait_errors 9
	result $? "the device halts again"
	fail_command $CMD_ENABLE_WQ 1
	recover_fails "at WQ 1's ENABLE_WQ" "WQ 1 not enabled again, see dmesg"
	devlink health dump clear $DL reporter device
	expect_match "dump: WQ 0 is down again too, not left running" \
		"\"wqs\":\\[$(wq_json 0 failed),$(wq_json 1 failed)\\]" "$(dump)"
	expect_match "WQ 0's channel takes no work" "$COPIES_REFUSED" \
		"$(copies ${DMA}chan0)"
	devlink health recover $DL reporter device
	result $? "the next recover brings the device back"
	both_channels_copy
}

test_unload() {
	rmmod idxd
	devlink dev show | grep -q "^$DL\$"
	result $((!$?)) "rmmod removes the devlink instance"
}

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
echo "KTAP version 1"
echo "1..100"
test_instance
test_resources
test_param
test_software_error
test_halt
test_channel_after_recovery
test_two_host_wqs
test_wq_error_isolated
test_unused_wq_error
test_failed_wq_recovery
test_disable_wq_fails
test_command_timeout
test_failed_reset
test_inflight
test_partial_recovery
test_unload
