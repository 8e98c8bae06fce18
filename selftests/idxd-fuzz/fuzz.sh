#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# devlink_fuzz sends 10,000 generated devlink messages (devlink_fuzz.c
# says what they are), twice: with no driver for the SFs it activates,
# then with the test consumer (idxd_sf_test) bound to each.  Every
# message must be answered; afterwards devlink's ports, the auxiliary
# devices and the resources agree, every port goes, the resources come
# back to the host's, idxd unloads, and the kernel said nothing (the
# harness checks the console: no WARNING, BUG, KASAN or lockdep report).

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

MESSAGES=${MESSAGES:-10000}

# the resources the host holds, before any SF: what must come back
baseline() {
	echo "$(resource_occ wqs) $(resource_occ wq_entries) $(resource_occ msix_vectors) $(resource_occ pasids)"
}

# active_ports: how many ports devlink says are active
active_ports() {
	devlink -j port show | jq '[.port[] | select(.function.state == "active")] | length'
}

# sfnums_of_ports, sfnums_of_devices: the active ports' sfnums, and the
# SF devices', sorted.  The ports' from dsa-sf: iproute2 6.1 prints an
# sfnum cut to 16 bits (a uint16_t in pr_out_port_pfvfsf_num()), and the
# fuzzer asks for sfnums up to 2^32 - 1.
sfnums_of_ports() {
	dsa-sf -j port show "$DL" |
		jq -r '.port[] | select(.function.state == "active") | .sfnum' | sort -n
}
sfnums_of_devices() {
	cat /sys/bus/auxiliary/devices/idxd.sf.*/sfnum 2>/dev/null | sort -n
}

# fuzz_round SEED WHAT: one run of MESSAGES, then the checks
fuzz_round() {
	./devlink_fuzz "$DEV" "$MESSAGES" "$1" >/tmp/fuzz.out
	st=$?
	grep '^#' /tmp/fuzz.out
	line=$(grep '^fuzz:' /tmp/fuzz.out)
	echo "$line" | grep -qE "^fuzz: $MESSAGES sent, [0-9]+ accepted, [0-9]+ refused, 0 unanswered$" &&
		[ $st -eq 0 ]
	result $? "$2: $line (seed $1, exit $st)"
	# 512 and up are the kernel's own codes (ENOTSUPP...), not for users
	! grep -qE "^# refused with errno ([5-9][0-9][0-9]|1[0-9]{3}) " /tmp/fuzz.out &&
		! grep -q "^# an answer that is no errno" /tmp/fuzz.out
	result $? "$2: every refusal an errno user space knows"
	# not n: ktap.sh counts results in it
	nports=$(ports)
	active=$(active_ports)
	expect "$2: devlink's active ports and the SF devices agree ($active of $nports ports)" \
		"$(sfnums_of_ports | tr '\n' ' ')" "$(sfnums_of_devices | tr '\n' ' ')"
	expect "$2: a WQ and its entries taken for each of the $nports ports" \
		"$((host_wqs + nports)) $((host_entries + nports * 16))" \
		"$(resource_occ wqs) $(resource_occ wq_entries)"
	expect "$2: a PASID for each active port" "$active" "$(resource_occ pasids)"
	for p in $(port_indexes); do
		set_state "$p" inactive 2>/dev/null
		devlink port del "$DL/$p" || break
	done
	expect "$2: every port deleted, the resources the host's again" \
		"0 $base" "$(ports) $(baseline)"
	expect "$2: no SF device left" 0 "$(ls /sys/bus/auxiliary/devices | grep -c idxd.sf)"
}

echo "KTAP version 1"
echo "1..17"
modprobe idxd && [ "$(ports)" -eq 0 ]
result $? "idxd loads, no port"
base=$(baseline)
host_wqs=$(resource_occ wqs)
host_entries=$(resource_occ wq_entries)
# the SF size fuzz_round counts with
[ "$(devlink -j dev param show "$DL" name sf_wq_size | jq '.param[][0].values[] | select(.cmode == "runtime" or .cmode == "driverinit") | .value' | head -n1)" = 16 ]
result $? "SFs of 16 entries (sf_wq_size)"
fuzz_round 1 "no consumer"
insmod ./idxd_sf_test.ko
fuzz_round 2 "test consumer"
rmmod idxd_sf_test && rmmod idxd
result $? "idxd unloads after the fuzzing"
exit 0
