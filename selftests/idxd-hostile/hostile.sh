#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Device-reported values are checked at probe.  The boot file gives this
# suite five DSA functions whose capability registers lie (no WQs, no WQ
# entries, a WQCFG table beyond BAR0, 255 WQs whose table runs into the
# next one, more WQs than BAR2 has portals for) beside a sound one: each
# liar is refused with its reason, nothing of it is left behind, and the
# sound one works.  A sound but small device (3 WQs, 3 MSI-X vectors)
# runs out of WQs and vectors for subfunctions: each is refused with the
# reason, and nothing is held after.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

# BDF and the reason its probe must give
refused() {
	cat <<'LIST'
0000:00:0b.0 the device reports 0 WQs, 4 groups, 4 engines: it needs one of each at least
0000:00:0c.0 host_wqs=1 needs as many WQ entries, the device has 0
0000:00:0d.0 WQCFG table at 0xffff00 \(256 bytes\) is not inside BAR0 \(32768 bytes\) after its registers
0000:00:0e.0 WQCFG table at 0x500 \(8160 bytes\) overlaps IMS at 0x1000 \(16384 bytes\)
0000:00:0f.0 6 WQs need 98304 bytes of portals, BAR2 has 65536
LIST
}

instances() {
	devlink -j dev show
}

test_refused() {
	dmesg_mark
	modprobe idxd
	result $? "idxd loads"
	log=$(dmesg_new)
	refused >/tmp/refused
	while read -r bdf why; do
		expect_match "$bdf refused: $why" "idxd $bdf: $why" "$log"
		[ ! -e "/sys/bus/pci/devices/$bdf/driver" ]
		result $? "$bdf: no driver bound"
		instances | grep -q "\"pci/$bdf\""
		result $((!$?)) "$bdf: no devlink instance"
	done </tmp/refused
	echo "$log" | grep -E "idxd 0000:00:0[b-f].0" | sed 's/^/# /'
}

# 3 WQs: the host's and two of 16 entries; 3 vectors: 0, the host's, one
test_small_device() {
	DL=pci/0000:00:10.0
	a=$(sf_add flavour pcisf pfnum 0) && b=$(sf_add flavour pcisf pfnum 0)
	result $? "the small device takes two SF ports"
	out=$(devlink port add "$DL" flavour pcisf pfnum 0 2>&1)
	result $((!$?)) "a third is refused"
	expect_match "extack: no free WQ" \
		"Error: idxd: no free WQ: every WQ carved for subfunctions is taken" \
		"$out"
	expect_match "errno" "kernel answers: Device or resource busy" "$out"
	set_state "$a" active
	result $? "the first SF activates (the last free vector)"
	out=$(set_state "$b" active 2>&1)
	result $((!$?)) "the second's activation is refused"
	expect_match "extack: no free vector" \
		"Error: idxd: no free MSI-X vector \\(3 in use\\): see the msix_vectors resource" \
		"$out"
	expect_match "errno" "kernel answers: No space left on device" "$out"
	expect "it stays inactive; one PASID and 3 vectors in use" \
		"inactive 1 3" \
		"$(port_field "$b" state) $(resource_occ pasids) $(resource_occ msix_vectors)"
	delete_all
	expect "all given back" "0 2" \
		"$(resource_occ pasids) $(resource_occ msix_vectors)"
	DL=pci/$DEV
}

test_sound_device() {
	expect "0000:00:0a.0 is bound to idxd" idxd \
		"$(basename "$(readlink /sys/bus/pci/devices/0000:00:0a.0/driver)")"
	instances | grep -q '"pci/0000:00:0a.0"'
	result $? "and has its devlink instance"
	rmmod idxd
	result $? "idxd unloads"
}

echo "KTAP version 1"
echo "1..29"
test_refused
test_small_device
test_sound_device
