#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# devlink dev reload applies the driverinit params host_wqs and
# sf_wq_size: it refuses while subfunction ports exist (they hold carved
# WQs) and leaves them be; with none, the host's channels and the carve
# come back as the params say.  Unbinding and unloading with
# subfunctions active and their consumer bound leaves no vector, PASID,
# interrupt or memory behind, 20 times over.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

CYCLES=20
SLAB_SLACK=$((CYCLES / 2))

param_set() {
	devlink dev param set "$DL" name "$1" value "$2" cmode driverinit
}

test_refused_with_sfs() {
	modprobe idxd
	P=$(sf_add flavour pcisf pfnum 0)
	set_state "$P" active
	out=$(devlink dev reload "$DL" 2>&1)
	result $((!$?)) "reload with an SF port: refused"
	expect_match "errno" "kernel answers: Device or resource busy" "$out"
	expect_match "extack" \
		"Error: idxd: delete the 1 subfunction port first: they hold WQs" \
		"$out"
	expect "the SF stays active" "1 active" "$(ports) $(port_field "$P" state)"
	expect_match "the host channel still copies" "$COPIES_OK" \
		"$(copies "$(our_chan 0)")"
	delete_all
}

test_reload() {
	out=$(param_set host_wqs 9 2>&1)
	result $((!$?)) "host_wqs 9 refused"
	expect_match "with the device's range" \
		"Error: idxd: host_wqs must be 1\\.\\.8, the device's WQs" "$out"
	param_set host_wqs 2 && param_set sf_wq_size 8
	result $? "host_wqs 2, sf_wq_size 8 (driverinit)"
	dmesg_mark
	devlink dev reload "$DL"
	result $? "reload"
	expect_match "dmesg says what it applied" \
		"idxd $DEV: reloaded: 2 host WQs, subfunction WQs of 8 entries" \
		"$(dmesg_new)"
	expect "resources: 2 host WQs of 32 entries, vectors 0-2" "2 64 3" \
		"$(resource_occ wqs) $(resource_occ wq_entries) $(resource_occ msix_vectors)"
	expect_match "channel 0 copies" "$COPIES_OK" "$(copies "$(our_chan 0)")"
	expect_match "channel 1 copies" "$COPIES_OK" "$(copies "$(our_chan 1)")"
	n=0
	while [ $n -lt 8 ] && sf_add flavour pcisf pfnum 0 >/dev/null; do
		n=$((n + 1))
	done
	expect "6 SFs of 8 entries take the other WQs" 6 "$n"
	expect_match "the 7th: no free WQ" \
		"Error: idxd: no free WQ: every WQ carved for subfunctions is taken" \
		"$(cat "$EXTACK_FILE")"
	expect "all 8 WQs, 64 + 48 entries" "8 112" \
		"$(resource_occ wqs) $(resource_occ wq_entries)"
	delete_all
	param_set host_wqs 1 && param_set sf_wq_size 16 &&
		devlink dev reload "$DL"
	result $? "reload back to 1 host WQ and SF WQs of 16"
	expect "resources as after probe" "1 32 2" \
		"$(resource_occ wqs) $(resource_occ wq_entries) $(resource_occ msix_vectors)"
}

# two SFs active, the test consumer bound to both, then the driver
# unbound under them and everything unloaded
sf_cycle() {
	modprobe idxd && insmod ./idxd_sf_test.ko &&
		a=$(sf_add flavour pcisf pfnum 0) && b=$(sf_add flavour pcisf pfnum 0) &&
		set_state "$a" active && set_state "$b" active &&
		[ "$(port_field "$a" opstate) $(port_field "$b" opstate)" = "attached attached" ] &&
		echo "$DEV" >/sys/bus/pci/drivers/idxd/unbind &&
		rmmod idxd_sf_test && rmmod idxd &&
		! grep -q idxd /proc/interrupts &&
		[ -z "$(ls /sys/bus/auxiliary/devices)" ]
}

test_cycles() {
	rmmod idxd
	sf_cycle
	kmalloc_objects >"$SLAB_BEFORE"
	i=0
	status=0
	while [ $i -lt $CYCLES ] && [ $status -eq 0 ]; do
		sf_cycle
		status=$?
		i=$((i + 1))
	done
	result $status "$i cycles of two SFs active with the consumer bound, unbind, unload: no interrupt or auxiliary device left"
	slab_result "$i cycles leave no kmalloc objects behind"
	modprobe idxd
	expect "after them, no PASID or vector in use" "0 2" \
		"$(resource_occ pasids) $(resource_occ msix_vectors)"
	a=$(sf_add flavour pcisf pfnum 0) && set_state "$a" active &&
		sf_add flavour pcisf pfnum 0 >/dev/null && rmmod idxd &&
		[ -z "$(ls /sys/bus/auxiliary/devices)" ] &&
		! grep -q idxd /proc/interrupts
	result $? "rmmod with an SF active and one inactive leaves nothing"
}

echo "KTAP version 1"
echo "1..22"
test_refused_with_sfs
test_reload
test_cycles
