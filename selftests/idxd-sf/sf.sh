#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Subfunctions with iproute2's own devlink: ports added (pcisf with or
# without sfnum, and "flavour dsa"), shown, activated (the WQ enabled
# with the SF's PASID, its IMS entry programmed with that PASID and a
# host vector's message, the auxiliary device idxd.sf.<n>), deactivated
# and deleted, each step checked in devlink -j, the resources, sysfs and
# the device itself (the model's test window); every refusal with its
# errno and extack, nothing changed; the device filled and emptied; a
# test consumer (idxd_sf_test.ko) copying through two SFs, each by its
# own PASID and interrupt; an error on one SF's WQ taking down that SF
# alone; unbinding with SFs active and consumers bound.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

RUN=/sys/kernel/debug/idxd_sf_test/run
LAST=/sys/kernel/debug/idxd_sf_test/last
CMD_ENABLE_WQ=6
CMDSTS_HW_ERR=0x03

# a refusal: $1 description, $2 expected errno text, $3 extack; the rest
# is the devlink port add line; nothing may change
refused() {
	desc=$1 errno=$2 msg=$3
	shift 3
	before="$(ports) $(resource_occ wqs) $(resource_occ wq_entries)"
	out=$(devlink port add "$DL" "$@" 2>&1)
	result $((!$?)) "$desc: refused"
	expect_match "$desc: errno" "kernel answers: $errno" "$out"
	expect_match "$desc: extack" "Error: idxd: $msg" "$out"
	expect "$desc: ports and resources unchanged" "$before" \
		"$(ports) $(resource_occ wqs) $(resource_occ wq_entries)"
}

test_add() {
	modprobe idxd
	P7=$(sf_add flavour pcisf pfnum 0 sfnum 7)
	result $? "port add flavour pcisf pfnum 0 sfnum 7 (port ${P7:-none})"
	j=$(devlink -j port show "$DL/$P7")
	for kv in flavour:pcisf controller:0 pfnum:0 sfnum:7 splittable:false \
		  state:inactive opstate:detached; do
		expect "port show: ${kv%%:*}" "${kv#*:}" \
			"$(echo "$j" | json_field "${kv%%:*}")"
	done
	PD=$(sf_add flavour dsa pfnum 0)
	result $? "port add flavour dsa pfnum 0 (port ${PD:-none})"
	expect_match "extack: the sfnum picked, and pcisf" \
		"Warning: idxd: sfnum 0 assigned \\(flavour dsa takes no sfnum\\), port registered as pcisf" \
		"$(cat $EXTACK_FILE)"
	expect "the dsa port is registered as pcisf" "pcisf 0" \
		"$(port_field "$PD" flavour) $(port_field "$PD" sfnum)"
	PN=$(sf_add flavour pcisf pfnum 0)
	expect_match "pcisf without sfnum: the lowest free one" \
		"Warning: idxd: sfnum 1 assigned" "$(cat $EXTACK_FILE)"
	expect "three ports" 3 "$(ports)"
	expect "resources: 4 WQs, 32 + 3 x 16 entries taken" "4 80" \
		"$(resource_occ wqs) $(resource_occ wq_entries)"
}

test_refusals() {
	refused "flavour pcivf" "Operation not supported" \
		"only subfunction ports can be added" flavour pcivf pfnum 0
	refused "flavour physical" "Operation not supported" \
		"only subfunction ports can be added" flavour physical pfnum 0
	refused "another PF" "Invalid argument" "pfnum 3: this device is PF 0" \
		flavour pcisf pfnum 3
	refused "a controller" "Operation not supported" "no external controller" \
		flavour pcisf pfnum 0 sfnum 9 controller 1
	refused "a duplicate sfnum" "File exists" "sfnum 7 is taken" \
		flavour pcisf pfnum 0 sfnum 7
	before="$(ports)"
	out=$(devlink port add "$DL/60" flavour pcisf pfnum 0 2>&1)
	result $((!$?)) "a port index of the user's: refused"
	expect_match "a port index of the user's: extack" \
		"Error: idxd: the driver picks the port index" "$out"
	expect "a port index of the user's: no port added" "$before" "$(ports)"
}

test_activate() {
	vectors=$(resource_occ msix_vectors)
	set_state "$P7" active
	result $? "state active"
	expect "state active, opstate detached (no consumer)" "active detached" \
		"$(port_field "$P7" state) $(port_field "$P7" opstate)"
	AUX=$(sf_auxdev "$P7")
	result $? "auxiliary device ${AUX:-none} appears"
	PASID=$(cat "/sys/bus/auxiliary/devices/$AUX/pasid" 2>/dev/null)
	expect "its sysfs sfnum and wq" "7 $P7" \
		"$(cat "/sys/bus/auxiliary/devices/$AUX/sfnum") $(cat "/sys/bus/auxiliary/devices/$AUX/wq")"
	expect "resources: a vector and a PASID more" "$((vectors + 1)) 1" \
		"$(resource_occ msix_vectors) $(resource_occ pasids)"
	wqcfg_enabled "$P7"
	result $? "the device holds the SF's WQ enabled"
	expect "with 16 entries" 16 "$(wqcfg_size "$P7")"
	cfg=$(wqcfg_dword "$P7" 2)
	expect "dedicated, PASID enabled, the SF's PASID, not privileged" \
		"1 1 $PASID 0" \
		"$((cfg & 1)) $((cfg >> 28 & 1)) $((cfg >> 8 & 0xfffff)) $((cfg >> 29 & 1))"
	ctl=$(ims_ctrl "$P7")
	expect "its IMS entry: unmasked, the SF's PASID only" "0 1 $PASID" \
		"$((ctl & 1)) $((ctl >> 3 & 1)) $((ctl >> 12))"
	# x86 MSI addresses are 0xfeeXXXXX, remappable or not
	expect "and a host vector's message" 0xfee \
		"$(printf '%#x' $(($(ims_addr "$P7") >> 20)))"
}

test_deactivate() {
	set_state "$P7" inactive
	result $? "state inactive"
	expect "state inactive, opstate detached" "inactive detached" \
		"$(port_field "$P7" state) $(port_field "$P7" opstate)"
	sf_auxdev "$P7" >/dev/null
	result $((!$?)) "the auxiliary device is gone"
	wqcfg_enabled "$P7"
	result $((!$?)) "the SF's WQ is disabled"
	expect "and tagged with no PASID any more" 0 \
		"$(($(wqcfg_dword "$P7" 2) >> 28 & 1))"
	expect "its IMS entry masked" 1 "$(($(ims_ctrl "$P7") & 1))"
	expect "resources: the vector and the PASID are back" "$vectors 0" \
		"$(resource_occ msix_vectors) $(resource_occ pasids)"
}

test_failed_activation() {
	window_write "$DSA_TEST_FAIL_CMD" \
		$(((CMD_ENABLE_WQ << DSA_TEST_FAIL_CMD_CODE_SHIFT) | CMDSTS_HW_ERR))
	out=$(set_state "$P7" active 2>&1)
	result $((!$?)) "an activation whose ENABLE_WQ fails: refused"
	expect_match "extack: the WQ was not enabled" \
		"Error: idxd: the SF's WQ was not enabled, see dmesg" "$out"
	expect "the port stays inactive, nothing held" "inactive $vectors 0" \
		"$(port_field "$P7" state) $(resource_occ msix_vectors) $(resource_occ pasids)"
	expect "the WQ holds no PASID" 0 "$(($(wqcfg_dword "$P7" 2) >> 28 & 1))"
	set_state "$P7" active
	result $? "the next activation succeeds"
	set_state "$P7" inactive
}

# every WQ left has 16 entries: 96 entries make 6 SFs; the 7th fails
fill() {
	n=0
	while sf_add flavour pcisf pfnum 0 >/dev/null; do
		n=$((n + 1))
		[ $n -gt 8 ] && break
	done
	echo $n
}

test_fill() {
	delete_all
	result $? "every port deleted"
	expect "resources back to the host's" "1 32 0" \
		"$(resource_occ wqs) $(resource_occ wq_entries) $(resource_occ pasids)"
	expect "6 SFs fill the device" 6 "$(fill)"
	expect_match "the 7th is refused: no entries left" \
		"no WQ entries left for another WQ of sf_wq_size 16" \
		"$(cat $EXTACK_FILE)"
	expect "all WQs and entries taken" "7 128" \
		"$(resource_occ wqs) $(resource_occ wq_entries)"
	delete_all
	expect "6 again after deleting all" 6 "$(fill)"
	delete_all
	expect "resources back to the host's again" "1 32" \
		"$(resource_occ wqs) $(resource_occ wq_entries)"
}

# run COMMAND: the test consumer's verdict; its reason goes to the log
run() {
	echo "$1" >"$RUN"
	st=$?
	echo "# $1: $(cat $LAST)"
	return $st
}

test_consumer() {
	insmod ./idxd_sf_test.ko
	result $? "the test consumer loads"
	A=$(sf_add flavour pcisf pfnum 0 sfnum 10)
	B=$(sf_add flavour pcisf pfnum 0 sfnum 11)
	set_state "$A" active && set_state "$B" active
	result $? "two SFs active"
	expect "the consumer says attached" "attached attached" \
		"$(port_field "$A" opstate) $(port_field "$B" opstate)"
	AA=$(sf_auxdev "$A")
	AB=$(sf_auxdev "$B")
	run "copy $AA"
	result $? "SF A copies through its PASID, completed by its own interrupt"
	run "copy $AB"
	result $? "SF B too"
	run "fault $AA"
	result $? "an IOVA A's domain does not map faults, nothing moves"
	run "cross $AA $AB"
	result $? "a descriptor of A naming B's handle: invalid handle, no interrupt"
	expect_match "the host channel copies meanwhile" "$COPIES_OK" \
		"$(copies "$(our_chan 0)")"
}

# a software error on A's WQ takes A down alone
test_error_isolated() {
	devlink health set "$DL" reporter device auto_recover false
	devlink health dump clear "$DL" reporter device
	window_write "$DSA_TEST_RAISE_SWERR" \
		$((0x42 | DSA_TEST_SWERR_WQ_VALID | (A << DSA_TEST_SWERR_WQ_SHIFT)))
	wait_errors 1
	result $? "an error on SF A's WQ is a health event"
	expect_match "the dump names SF A's WQ failed" \
		"\\{\"wq\":$A,\"owner\":\"sf10\",\"state\":\"failed\"\\}" \
		"$(devlink -j health dump show "$DL" reporter device)"
	run "errors $AA"
	expect_match "the consumer heard of it: the record, stop" \
		"errors 1, last code 0x42, stops 1, starts 0" "$(cat $LAST)"
	run "copy $AB"
	result $? "SF B still copies"
	expect_match "and the host channel" "$COPIES_OK" "$(copies "$(our_chan 0)")"
	devlink health recover "$DL" reporter device
	result $? "recovery"
	cfg=$(wqcfg_dword "$A" 2)
	expect "A's WQ comes back tagged with its PASID, never untagged" \
		"1 $(cat "/sys/bus/auxiliary/devices/$AA/pasid")" \
		"$((cfg >> 28 & 1)) $((cfg >> 8 & 0xfffff))"
	run "copy $AA"
	result $? "brings SF A back, its PASID and interrupt as before"
	run "errors $AA"
	expect_match "and the consumer heard it start again" "starts 1" \
		"$(cat $LAST)"
	devlink health set "$DL" reporter device auto_recover true
}

benched() {
	dmesg_new | grep -q "idxd $DEV: WQ $A (sf10) failed 4 times in 60 s: left down until its port is deactivated"
}

# a state now, not the dump of the first event
wq_state_now() {
	devlink health dump clear "$DL" reporter device
	devlink -j health dump show "$DL" reporter device |
		grep -o "{\"wq\":$1,[^}]*}" | json_field state
}

raise_on() {
	window_write "$DSA_TEST_RAISE_SWERR" \
		$((0x43 | DSA_TEST_SWERR_WQ_VALID | ($1 << DSA_TEST_SWERR_WQ_SHIFT)))
}

# errors on A, recovered automatically, until A is benched: the 4th
# within a minute (test_error_isolated made the first)
test_storm() {
	dmesg_mark
	n=0
	while [ $n -lt 5 ] && ! benched; do
		errors=$(health_field error)
		raise_on "$A"
		wait_for "$WAIT_S" errors_are $((errors + 1))
		sleep 0.5
		n=$((n + 1))
	done
	expect "the 4th error within a minute benches SF A" 3 "$n"
	expect "A stays failed after automatic recovery" failed \
		"$(wq_state_now "$A")"
	errors=$(health_field error)
	raise_on "$A"
	sleep 1
	expect "a further error on benched A is not reported" "$errors" \
		"$(health_field error)"
	run "copy $AB"
	result $? "SF B copies meanwhile"
	set_state "$A" inactive && set_state "$A" active
	result $? "A reactivated"
	AA=$(sf_auxdev "$A")
	run "copy $AA"
	result $? "A copies again"
}

opstate_is() {
	[ "$(port_field "$1" opstate)" = "$2" ]
}

# the consumer holds B for 6 s when it lets go: devlink waits 2 s at most
test_held() {
	echo "hold 6000" >"$RUN"
	out=$(set_state "$B" inactive 2>&1)
	result $? "state inactive returns while the consumer still holds SF B"
	expect_match "extack: it goes once released" \
		"Warning: idxd: SF 11: its consumer still holds it; it goes once released" \
		"$out"
	expect "B shows inactive, still attached" "inactive attached" \
		"$(port_field "$B" state) $(port_field "$B" opstate)"
	devlink dev info "$DL" >/dev/null
	result $? "devlink keeps answering meanwhile"
	out=$(devlink port del "$DL/$B" 2>&1)
	result $((!$?)) "B cannot be deleted yet"
	expect_match "extack: retry once detached" \
		"Error: idxd: SF 11: its consumer still holds it; retry once detached" \
		"$out"
	expect_match "errno" "kernel answers: Device or resource busy" "$out"
	wait_for 10 opstate_is "$B" detached
	result $? "B is detached once the consumer lets go"
	devlink port del "$DL/$B"
	result $? "and can be deleted"
	echo "hold 0" >"$RUN"
}

# the events devlink mon shows: "command:state" per notification
mon_events() {
	sed 's/{"command"/\n{"command"/g' "$1" | grep '"command"' |
		sed -n 's/.*"command":"\([a-z]*\)".*"state":"\([a-z]*\)".*/\1:\2/p' |
		tr '\n' ' '
}

test_mon() {
	devlink -j mon port >/tmp/mon 2>&1 &
	mon=$!
	sleep 0.5
	p=$(sf_add flavour pcisf pfnum 0 sfnum 20)
	set_state "$p" active && set_state "$p" inactive &&
		devlink port del "$DL/$p"
	sleep 0.5
	kill $mon
	expect "devlink mon port: new, state changes, del" \
		"new:inactive new:active new:inactive del:inactive " \
		"$(mon_events /tmp/mon)"
}

test_unbind() {
	echo "$DEV" >/sys/bus/pci/drivers/idxd/unbind
	result $? "unbind with SF A active and the consumer bound"
	expect "no auxiliary device left" 0 \
		"$(ls /sys/bus/auxiliary/devices | grep -c idxd.sf)"
	rmmod idxd_sf_test && rmmod idxd
	result $? "the consumer and idxd unload"
	echo "$DEV" >/sys/bus/pci/drivers_probe 2>/dev/null
}

echo "KTAP version 1"
echo "1..102"
test_add
test_refusals
test_activate
test_deactivate
test_failed_activation
test_fill
test_consumer
test_error_isolated
test_storm
test_held
test_mon
test_unbind
