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

# operator N: its own sfnum (100 + N), so no two race for one port; a
# step that fails is counted, not fatal
operator() {
	fails=0 r=0
	while [ $r -lt $ROUNDS ]; do
		p=$(sf_add flavour pcisf pfnum 0 sfnum $((100 + $1))) &&
			set_state "$p" active && set_state "$p" inactive &&
			devlink port del "$DL/$p" || fails=$((fails + 1))
		r=$((r + 1))
	done
	echo "$fails" >"/tmp/operator.$1"
}

test_concurrent() {
	modprobe idxd
	n=0
	while [ $n -lt $OPERATORS ]; do
		operator $n &
		n=$((n + 1))
	done
	wait
	fails=$(cat /tmp/operator.* | awk '{ n += $1 } END { print n }')
	expect "$((OPERATORS * ROUNDS * 4)) operations, none failed" 0 "$fails"
	expect "no port left" 0 "$(ports)"
	expect "no auxiliary device left" 0 \
		"$(ls /sys/bus/auxiliary/devices | grep -c idxd.sf)"
	expect "resources: the host's alone, no PASID" "1 32 2 0" \
		"$(resource_occ wqs) $(resource_occ wq_entries) $(resource_occ msix_vectors) $(resource_occ pasids)"
}

# the same, with every operator's port left active: all agree
test_consistent() {
	n=0
	while [ $n -lt $OPERATORS ]; do
		{ p=$(sf_add flavour pcisf pfnum 0 sfnum $((200 + n))) &&
			set_state "$p" active; } &
		n=$((n + 1))
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
