#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Software we did not write, run against the model: Debian's own idxd
# driver probes it, accel-config configures a kernel-type dedicated WQ and
# reads the configuration back, the device's own WQCFG (the model's test
# window) holds that configuration, and dma_memcpy_test.ko
# (selftests/modules; Debian builds no dmatest) copies through the
# dmaengine channel the upstream driver registers on that WQ.
#
# Loads the image's modules by path (modprobe idxd would load ours from
# updates/) and unloads them at the end.

DEV=0000:00:0a.0
PCI=/sys/bus/pci/devices/$DEV
IDXD=/lib/modules/$(uname -r)/kernel/drivers/dma/idxd
SYS=/sys/bus/dsa/devices
ACCEL="./accel-config"
# The vIOMMU has no first-level translation, so there is no SVA to turn on:
# idxd warns either way; sva=0 makes that the only warning it prints.
SVA_WARNING="User forced SVA off via module param."
# the model's test window (BAR4, tools/include/dsa_model_test.h): an image
# of the device's WQCFG table, 32 bytes per WQ, read 64 bits at a time
TEST_WQCFG=0x800

# with levels (dmesg -r); after the mark dmesg_mark left (ktap.sh), which
# a full ring buffer does not lose as it would a line count
dmesg_since_start() {
	dmesg -r | awk -v mark="$DMESG_MARK" 'found; index($0, mark) { found = 1 }'
}

attr() {
	cat "$SYS/$1/$2" 2>/dev/null
}

# "key":value among the scalar fields of the JSON object of "dev":"$1" in
# accel-config list (each object cut at its first nested object or end)
listed() {
	tr -d ' \n' <"$LIST" | sed 's/{/\n{/g' | grep "^{\"dev\":\"$1\"" |
		head -n1 | sed 's/[[}].*//' | grep -o "\"$2\":[^,]*" |
		head -n1 | cut -d: -f2 | tr -d '"'
}

test_probe() {
	insmod "$IDXD/idxd_bus.ko" && insmod "$IDXD/idxd.ko" sva=0
	result $? "image's idxd_bus and idxd load"
	expect "idxd binds $DEV" idxd \
		"$(basename "$(readlink "/sys/bus/pci/devices/$DEV/driver")")"
	dmesg_since_start | grep -q "idxd $DEV: Intel(R) Accelerator Device (v100)"
	result $? "probe reports a v1.0 device"
	# kernel log levels 0-4: emergency to warning
	bad=$(dmesg_since_start | grep '^<[0-4]>' | grep idxd |
		grep -vF "$SVA_WARNING")
	[ -z "$bad" ]
	result $? "idxd logs no error and no warning but the SVA one"
	[ -n "$bad" ] && echo "$bad" | sed 's/^/# /'
	check "perfmon PMU dsa0 registered" test -d /sys/bus/event_source/devices/dsa0
}

# dword $2 (0-7, union wqcfg in registers.h) of WQ $1's WQCFG as the
# device holds it: accel-config and sysfs show the driver's copy
wqcfg_dword() {
	bar4=$(sed -n 5p "$PCI/resource" | cut -d' ' -f1)
	q=$(devmem $((bar4 + TEST_WQCFG + 32 * $1 + 8 * ($2 / 2))) 64) ||
		return 1
	q=${q#0x}
	[ ${#q} -eq 16 ] || return 1
	# halves, each below 2^32: dash's arithmetic is signed 64-bit
	if [ $(($2 % 2)) -eq 0 ]; then
		echo $((0x${q#????????}))
	else
		echo $((0x${q%????????}))
	fi
}

# WQCFG field of WQ $1: dword $2, bits from $3, $4 bits wide
wqcfg_field() {
	d=$(wqcfg_dword "$1" "$2") || return 1
	echo $(((d >> $3) & ((1 << $4) - 1)))
}

test_capabilities() {
	expect "version" 0x100 "$(attr dsa0 version)"
	expect "max_work_queues" 8 "$(attr dsa0 max_work_queues)"
	expect "max_engines" 4 "$(attr dsa0 max_engines)"
	expect "max_groups" 4 "$(attr dsa0 max_groups)"
	expect "max_work_queues_size" 128 "$(attr dsa0 max_work_queues_size)"
	expect "max_batch_size" 1024 "$(attr dsa0 max_batch_size)"
	expect "max_transfer_size" 2147483648 "$(attr dsa0 max_transfer_size)"
	expect "max_read_buffers" 96 "$(attr dsa0 max_read_buffers)"
}

test_configure() {
	$ACCEL config-engine dsa0/engine0.0 --group-id=0 &&
	$ACCEL config-engine dsa0/engine0.1 --group-id=0 &&
	$ACCEL config-wq dsa0/wq0.0 --group-id=0 --type=kernel \
		--name=dmaengine --driver-name=dmaengine --mode=dedicated \
		--priority=10 --wq-size=16 --max-batch-size=32 \
		--max-transfer-size=1048576 &&
	$ACCEL enable-device dsa0 &&
	$ACCEL enable-wq dsa0/wq0.0
	result $? "accel-config configures and enables dsa0 and wq0.0"

	LIST=$(mktemp)
	$ACCEL list >"$LIST"
	result $? "accel-config list"
	expect "device state" enabled "$(listed dsa0 state)"
	expect "wq state" enabled "$(listed wq0.0 state)"
	expect "wq mode" dedicated "$(listed wq0.0 mode)"
	expect "wq size" 16 "$(listed wq0.0 size)"
	expect "wq priority" 10 "$(listed wq0.0 priority)"
	expect "wq group" 0 "$(listed wq0.0 group_id)"
	expect "wq type" kernel "$(listed wq0.0 type)"
	expect "wq max batch size" 32 "$(listed wq0.0 max_batch_size)"
	expect "wq max transfer size" 1048576 \
		"$(listed wq0.0 max_transfer_size)"
	expect "engine0.1 group" 0 "$(listed engine0.1 group_id)"
	expect "sysfs wq size" 16 "$(attr wq0.0 size)"
	rm -f "$LIST"
	test_device_wqcfg
}

# what the driver wrote to the device, not what it remembers writing
test_device_wqcfg() {
	expect "device's WQCFG: wq_size" 16 "$(wqcfg_field 0 0 0 16)"
	expect "device's WQCFG: mode dedicated" 1 "$(wqcfg_field 0 2 0 1)"
	expect "device's WQCFG: priority" 10 "$(wqcfg_field 0 2 4 4)"
	expect "device's WQCFG: max_xfer_shift (1 MiB)" 20 \
		"$(wqcfg_field 0 3 0 5)"
	expect "device's WQCFG: max_batch_shift (32)" 5 "$(wqcfg_field 0 3 5 4)"
	expect "device's WQCFG: wq_state enabled" 1 "$(wqcfg_field 0 6 30 2)"
}

test_memcpy() {
	chan=$(dma_chans $DEV | head -n1)
	insmod ./dma_memcpy_test.ko channel="${chan:-none}" inflight=16 rounds=8
	result $? "dma_memcpy_test gets $DEV's memcpy channel (${chan:-none})"
	# its two results, renumbered into ours
	results=$(grep '^\(not \)\{0,1\}ok ' \
		/sys/kernel/debug/dma_memcpy_test/results 2>/dev/null)
	for i in 1 2; do
		line=$(echo "$results" | sed -n "${i}p")
		echo "$line" | grep -q '^ok '
		result $? "memcpy: $(echo "$line" | sed 's/^\(not \)\{0,1\}ok [0-9]* //')"
	done
	rmmod dma_memcpy_test
}

test_teardown() {
	$ACCEL disable-wq dsa0/wq0.0 && $ACCEL disable-device dsa0
	result $? "accel-config disables wq0.0 and dsa0"
	expect "device state after disable" disabled "$(attr dsa0 state)"
	expect "device's WQCFG: wq_state disabled" 0 "$(wqcfg_field 0 6 30 2)"
	rmmod idxd && rmmod idxd_bus
	result $? "idxd and idxd_bus unload"
	check "$DEV has no driver" test ! -e "/sys/bus/pci/devices/$DEV/driver"
	bad=$(dmesg_since_start | grep -E "WARNING|BUG|Oops")
	[ -z "$bad" ]
	result $? "dmesg free of WARNING, BUG and Oops"
}

echo "KTAP version 1"
echo "1..41"
cd "$(dirname "$0")" || exit 1
. ./ktap.sh
dmesg_mark
test_probe
test_capabilities
test_configure
test_memcpy
test_teardown
