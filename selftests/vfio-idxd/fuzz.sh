#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vfio_idxd_fuzz's descriptors (FUZZ_COUNT, 100,000 by default) through
# one SF, with another tenant's SF beside it, the host's canary pages
# (host_canary.ko) mapped for the PF, and the host's own dmaengine
# channel copying all along: before, during (a loop of dma_memcpy_test)
# and after, every copy must match.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh
. ./vfio_sf.sh

vfio_up 52 53
insmod ./host_canary.ko bdf="$DEV" || setup_failed "insmod host_canary.ko"
CHAN=$(dma_chans "$DEV" | head -n1)
[ -n "$CHAN" ] || setup_failed "no host channel on $DEV"
# host_copies: the host's channel copies, every copy matching
host_copies() {
	verdict=$(copies "$CHAN")
	echo "$verdict" | grep -qE "$COPIES_OK"
}
host_copies || setup_failed "the host channel does not copy before the fuzz"

# the host's channel, copying while the guest fuzzes: rounds that failed
rm -f /tmp/fuzz.done /tmp/host.rounds /tmp/host.bad
(
	while [ ! -e /tmp/fuzz.done ]; do
		echo >>/tmp/host.rounds
		host_copies || echo >>/tmp/host.bad
		# one vCPU thread runs the VM (TCG): leave the fuzzer time
		sleep 1
	done
) &
host=$!
# runs of the fuzzer until FUZZ_COUNT are sent; a run stops when the
# host leaves the SF's WQ down (four software errors in 60 s), and the
# port is cycled as an operator would, each time the host said so
total=${FUZZ_COUNT:-100000} sent=0 cycles=0 rc=0 seed=1
: >/tmp/fuzz.all
while [ $sent -lt "$total" ] && [ $cycles -le 1000 ]; do
	dmesg_mark
	VIDXD_DEV=$AUXDEV VIDXD_DEV2=$AUXDEV2 FUZZ_COUNT=$((total - sent)) \
		FUZZ_SEED=$seed ./vfio_idxd_fuzz >/tmp/fuzz.out 2>&1
	rc=$?
	cat /tmp/fuzz.out >>/tmp/fuzz.all
	# not n: ktap.sh counts results in it
	got=$(sed -n 's/^fuzz-sent: //p' /tmp/fuzz.out)
	sent=$((sent + ${got:-0}))
	grep -q '^fuzz-left-down' /tmp/fuzz.out || break
	dmesg_new | grep -q "left down until its port is deactivated" ||
		{ echo "# left down without the host saying so" >>/tmp/fuzz.all; rc=1; break; }
	set_state "$P" inactive && set_state "$P" active || { rc=1; break; }
	for d in /sys/bus/auxiliary/devices/idxd.sf.*; do
		[ "$(cat "$d/sfnum")" = 52 ] && AUXDEV=$(basename "$d")
	done
	cycles=$((cycles + 1)) seed=$((seed + 1))
done
touch /tmp/fuzz.done
wait $host
rounds=$(wc -l </tmp/host.rounds)
bad=$(cat /tmp/host.bad 2>/dev/null | wc -l)

echo "KTAP version 1"
echo "1..3"
grep '^# \(resets\|no record\|records\|[0-9]* descriptors\)\|^# .*\(Expected\|LOG\|FAIL\)' /tmp/fuzz.all
[ $rc -eq 0 ] && [ $sent -ge "$total" ] && grep -q '^ok 1 fuzz.descriptors$' /tmp/fuzz.out
result $? "$sent descriptors in $((cycles + 1)) runs, the port cycled $cycles times when the host left the SF down; no canary changed, the SF and another copy after"
[ "$bad" -eq 0 ] && [ "$rounds" -gt 0 ]
result $? "the host channel meanwhile: $rounds rounds of 2 x 8 copies, $bad failed"
host_copies
result $? "the host channel copies after"
rmmod host_canary
vfio_down
exit 0
