#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Four operators at once, each looping over add, activate, deactivate
# and delete of its own SF port with stock devlink, 1000 operations in
# all.  devlink serialises them on the instance lock; afterwards what
# devlink, the auxiliary bus and the resources say agrees, nothing is
# left, and the kernel said nothing (the harness checks the console).

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

OPERATORS=4
ROUNDS=63	# 4 operations each: 4 x 63 x 4 = 1008

test_concurrent() {
	modprobe idxd
	fails=$(operators $OPERATORS $ROUNDS)
	expect "$((OPERATORS * ROUNDS * 4)) operations, none failed" 0 "$fails"
	expect "no port left" 0 "$(ports)"
	expect "no auxiliary device left" 0 \
		"$(ls /sys/bus/auxiliary/devices | grep -c idxd.sf)"
	expect "resources: the host's alone, no PASID" "1 32 2 0" \
		"$(resource_occ wqs) $(resource_occ wq_entries) $(resource_occ msix_vectors) $(resource_occ pasids)"
}

# the same, with every operator's port left active: all agree
test_consistent() {
	i=0	# not n: ktap.sh counts results in it
	while [ $i -lt $OPERATORS ]; do
		{ p=$(sf_add flavour pcisf pfnum 0 sfnum $((200 + i))) &&
			set_state "$p" active; } &
		i=$((i + 1))
	done
	wait
	expect "$OPERATORS ports" $OPERATORS "$(ports)"
	expect "as many auxiliary devices" $OPERATORS \
		"$(ls /sys/bus/auxiliary/devices | grep -c idxd.sf)"
	expect "as many WQs taken besides the host's" $((OPERATORS + 1)) \
		"$(resource_occ wqs)"
	expect "as many PASIDs" $OPERATORS "$(resource_occ pasids)"
	delete_all
	rmmod idxd
	result $? "idxd unloads"
}

echo "KTAP version 1"
echo "1..9"
test_concurrent
test_consistent
