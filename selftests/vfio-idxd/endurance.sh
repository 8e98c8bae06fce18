#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Endurance.  CYCLES (50) times: idxd and vfio_idxd_aux loaded, two
# active SFs, a VFIO client (vfio_idxd_hold) holding one and copying;
# neither module may go while it does (rmmod refused, the client copies
# on); then the client stops, vfio_idxd_aux and idxd go with the SFs
# still active, and nothing of them is left.  Then four operators do
# 1,008 devlink operations on SF ports of their own while the client
# copies through another.  The harness fails the run on any kernel
# report; make check-debug runs it with kmemleak and KASAN.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh
. ./vfio_sf.sh

CYCLES=${CYCLES:-50}
OPERATORS=4
ROUNDS=63	# 4 x 63 x 4 = 1008 operations

# hold_start DEV: the client on DEV, once it holds it; its pid in HOLD
hold_start() {
	rm -f /tmp/hold.ready /tmp/hold.stop
	VIDXD_DEV=$1 HOLD_READY=/tmp/hold.ready HOLD_STOP=/tmp/hold.stop \
		./vfio_idxd_hold >/tmp/hold.out 2>&1 &
	HOLD=$!
	wait_for 60 test -e /tmp/hold.ready ||
		{ sed 's/^/# /' /tmp/hold.out; return 1; }
}

# hold_stop: the client's verdict (0: every copy matched)
hold_stop() {
	touch /tmp/hold.stop
	wait $HOLD
	st=$?
	grep '^hold:' /tmp/hold.out | sed 's/^/# /'
	[ $st -eq 0 ] && grep -q '^ok 1 hold.copies' /tmp/hold.out
}

# one_cycle: 0, or the step that failed
one_cycle() {
	vfio_up 60 61 >/tmp/setup.out || { echo "set-up: $(cat /tmp/setup.out)"; return; }
	hold_start "$AUXDEV" || { echo "the client did not start"; return; }
	rmmod vfio_idxd_aux 2>/dev/null && { echo "vfio_idxd_aux went while held"; return; }
	sleep 0.3
	hold_stop >&2 || { echo "the client failed"; return; }
	rmmod vfio_idxd_aux || { echo "rmmod vfio_idxd_aux"; return; }
	# the SFs still active: idxd takes them down as it goes
	rmmod idxd || { echo "rmmod idxd"; return; }
	[ -z "$(ls /sys/bus/auxiliary/devices | grep idxd.sf)" ] &&
		[ ! -d /sys/module/idxd ] && [ ! -d /sys/module/vfio_idxd_aux ] ||
		{ echo "something was left"; return; }
	echo 0
}

echo "KTAP version 1"
echo "1..3"
failed=0 first=
i=0	# not n: ktap.sh counts results in it
while [ $i -lt "$CYCLES" ]; do
	why=$(one_cycle)
	if [ "$why" != 0 ]; then
		failed=$((failed + 1))
		[ -n "$first" ] || first="cycle $i: $why"
		rmmod vfio_idxd_aux 2>/dev/null
		rmmod idxd 2>/dev/null
	fi
	i=$((i + 1))
done
[ $failed -eq 0 ]
result $? "$CYCLES cycles of load, 2 SFs, a VFIO client holding one, unload: $failed failures${first:+ ($first)}"

vfio_up 60 61
hold_start "$AUXDEV"
fails=$(operators $OPERATORS $ROUNDS)
expect "$((OPERATORS * ROUNDS * 4)) devlink operations by $OPERATORS operators while the client copies: ${fails:-?} failures" \
	0 "$fails"
hold_stop
result $? "the client copied all along, every copy matched"
vfio_down
rmmod idxd
exit 0
