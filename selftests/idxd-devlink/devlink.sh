#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The devlink instance of our idxd: it exists while the driver is bound,
# reports what the device is and what it has to share (resources), holds
# the default WQ size of a subfunction (param sf_wq_size), and its
# "device" health reporter turns a
# software error or a halt (injected through the model's test window)
# into an event with a decoded dump, then recovers by resetting.

DEV=0000:00:0a.0
DL=pci/$DEV
PCI=/sys/bus/pci/devices/$DEV
# the model's test window (BAR4, tools/include/dsa_model_test.h)
TEST_RAISE_SWERR=0x20
TEST_HALT=0x28
SWERR_WQ_VALID=0x100
WAIT_S=5

test_window() {
	bar4=$(sed -n 5p "$PCI/resource" | cut -d' ' -f1)
	devmem $((bar4 + $1)) 64 "$2"
}

health() {
	devlink health show $DL reporter device 2>&1
}

# wait until the reporter's error count reaches $1
wait_errors() {
	i=0
	while [ $i -lt $((WAIT_S * 10)) ]; do
		health | grep -q "error $1 " && return 0
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
	test_window $TEST_RAISE_SWERR $((0x42 | SWERR_WQ_VALID | (3 << 16)))
	wait_errors 1
	result $? "a software error is a health event"
	expect_match "auto recovery reset the device" \
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
	expect_match "dump says halted" '"state":"halted","halted":true' "$(dump)"
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

param() {
	devlink dev param show $DL name sf_wq_size 2>&1
}

test_param() {
	expect_match "sf_wq_size defaults to 16" "runtime value 16" "$(param)"
	devlink dev param set $DL name sf_wq_size value 32 cmode runtime
	result $? "sf_wq_size set to 32"
	expect_match "sf_wq_size reads back 32" "runtime value 32" "$(param)"
	out=$(devlink dev param set $DL name sf_wq_size value 0 cmode runtime 2>&1)
	rc=$?
	expect_match "sf_wq_size 0 is refused with a clear message" \
		"sf_wq_size must be 1..128" "$out"
	result $((!rc)) "sf_wq_size 0 fails"
	devlink dev param set $DL name sf_wq_size value 129 cmode runtime \
		2>/dev/null
	result $((!$?)) "sf_wq_size 129 (beyond the device) fails"
	expect_match "a refused value leaves 32" "runtime value 32" "$(param)"
}

# recovery resets the device and brings the host WQ back
test_channel_after_recovery() {
	insmod ./dma_memcpy_test.ko inflight=8 rounds=4
	grep -q '^ok 2 4 rounds of 8 copies in flight match: 0$' \
		/sys/kernel/debug/dma_memcpy_test/results
	result $? "the host channel copies again after two recoveries"
	rmmod dma_memcpy_test
}

test_unload() {
	rmmod idxd
	devlink dev show | grep -q "^$DL\$"
	result $((!$?)) "rmmod removes the devlink instance"
}

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
echo "KTAP version 1"
echo "1..30"
test_instance
test_resources
test_param
test_software_error
test_halt
test_channel_after_recovery
test_unload
