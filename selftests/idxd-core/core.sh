#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Our idxd core driver (drivers/dma/idxd): it is the one modprobe loads,
# probes the model and logs its capabilities, survives bind/unbind and
# load/unload cycles without leaking interrupts, MMIO regions or kmalloc
# memory, and a failing device command (each one probe runs) fails the
# probe with an error naming it, and so does a host_wqs the device cannot
# give.

DEV=0000:00:0a.0
PCI=/sys/bus/pci/devices/$DEV
DRV=/sys/bus/pci/drivers/idxd
CYCLES=20
# Objects one kmalloc cache may gain over the cycles.  Measured: at most
# 3 in a cache (9 in all) over 20 cycles after a warm-up, none for most;
# a leak of one object per cycle gains 20.
SLAB_SLACK=$((CYCLES / 2))
# the model's test window (BAR4): make the next command with a given
# code (bits 15:8) fail with a CMDSTS error (bits 7:0)
TEST_FAIL_CMD=0x18
CMDSTS_HW_ERR=0x03

bound() {
	[ "$(basename "$(readlink "$PCI/driver" 2>/dev/null)")" = idxd ]
}

# no interrupt, MMIO region or devlink instance of ours is left behind
no_leaks() {
	! grep -q idxd /proc/interrupts && ! grep -q idxd /proc/iomem &&
		! devlink dev show | grep -q "^pci/$DEV\$"
}

test_probe() {
	dmesg_mark
	case $(modinfo -n idxd) in
	*/updates/*) status=0 ;;
	*) status=1 ;;
	esac
	result $status "modprobe resolves idxd to ours ($(modinfo -n idxd))"
	modprobe idxd
	check "idxd binds $DEV" bound
	dmesg_new | grep -q "idxd $DEV: DSA 1.0: 8 WQs (128 entries), 4 engines, 4 groups, max transfer 2147483648 bytes, max batch 1024"
	result $? "probe logs the capabilities"
	dmesg_new | grep -q "idxd $DEV: .*portal writes by MOVDIR64B"
	result $? "probe picks MOVDIR64B, which the CPU has"
	dmesg_new | grep -q "idxd $DEV: PASID: 1048576 PASIDs, enabled by the IOMMU$"
	result $? "probe finds PASIDs enabled by the IOMMU (scalable mode)"
	check "misc interrupt requested" grep -q idxd-misc /proc/interrupts
}

bind_cycle() {
	echo $DEV >"$DRV/unbind" && ! bound && no_leaks &&
		echo $DEV >"$DRV/bind" && bound
}

module_cycle() {
	rmmod idxd && no_leaks && modprobe idxd && bound
}

# $1 the cycle, $2 what it is; two results: what the cycles leave behind
# between them (interrupts, MMIO, devlink), and the kmalloc memory they
# leave after them all, counted after one warm-up cycle, which allocates
# what stays for good
test_cycles() {
	$1
	kmalloc_objects >"$SLAB_BEFORE"
	i=0
	status=0
	while [ $i -lt $CYCLES ] && [ $status -eq 0 ]; do
		$1
		status=$?
		i=$((i + 1))
	done
	result $status "$i $2 cycles, no interrupt, MMIO region or devlink instance left between"
	slab_result "$i $2 cycles leave no kmalloc objects behind"
}

# devmem needs BAR4's physical address: line 5 of the resource file
fail_command() {
	bar4=$(sed -n 5p "$PCI/resource" | cut -d' ' -f1)
	devmem $((bar4 + TEST_FAIL_CMD)) 64 $((($1 << 8) | CMDSTS_HW_ERR))
}

# $1 command code, $2 its name, $3 the operand probe gives it
test_failed_command() {
	rmmod idxd
	dmesg_mark
	fail_command "$1"
	modprobe idxd
	check "probe fails when $2 fails" test ! -e "$PCI/driver"
	dmesg_new | grep -q "idxd $DEV: command $2 (operand $3) failed: CMDSTS error 0x3"
	result $? "the error names $2, its operand and the CMDSTS code"
	check "the probe failed at $2 leaks nothing" no_leaks
	echo $DEV >"$DRV/bind"
	check "the next probe succeeds" bound
}

# each command probe runs, in the order it runs them
test_failed_commands() {
	test_failed_command 5 RESET_DEVICE 0x0
	test_failed_command 1 ENABLE_DEVICE 0x0
	test_failed_command 13 REQUEST_INT_HANDLE 0x1
	test_failed_command 6 ENABLE_WQ 0x0
}

# $1 the value, $2 what the device has
test_bad_host_wqs() {
	rmmod idxd
	dmesg_mark
	modprobe idxd host_wqs="$1"
	check "host_wqs=$1 fails the probe" test ! -e "$PCI/driver"
	dmesg_new | grep -q "idxd $DEV: host_wqs=$1: this device takes 1 to $2"
	result $? "and says what the device takes"
	rmmod idxd
	modprobe idxd
	check "idxd binds again with the default" bound
}

# A client keeps its channel across an unbind: the channel is stopped,
# its memory outlives the driver's hold on the device, and the client's
# release frees it without a warning.
test_unbind_with_client() {
	chan=$(dma_chans $DEV | head -n1)
	insmod ./dma_memcpy_test.ko channel="${chan:-none}" inflight=4 rounds=1
	result $? "a client takes $DEV's channel (${chan:-none})"
	echo $DEV >"$DRV/unbind"
	check "unbind succeeds under the client" sh -c "! test -e $PCI/driver"
	check "and leaks nothing of the device" no_leaks
	rmmod dma_memcpy_test
	result $? "the client lets go after the unbind"
	dmesg | grep -qE "WARNING|BUG|Oops"
	result $((!$?)) "no warning from dmaengine or the release"
	echo $DEV >"$DRV/bind"
	check "idxd binds again" bound
}

test_unload() {
	rmmod idxd
	check "rmmod leaves no interrupt, region or module" \
		sh -c "! grep -q idxd /proc/interrupts && ! grep -q idxd /proc/iomem && test ! -d /sys/module/idxd"
	dmesg | grep -qE "WARNING|BUG|Oops"
	check "dmesg free of WARNING, BUG and Oops" test $? -ne 0
}

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh
echo "KTAP version 1"
echo "1..40"
test_probe
test_cycles bind_cycle unbind/bind
test_cycles module_cycle rmmod/modprobe
test_failed_commands
test_bad_host_wqs 0 8
test_bad_host_wqs 9 8
test_unbind_with_client
test_unload
