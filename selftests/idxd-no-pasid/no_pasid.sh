#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Our idxd where the platform gives no PASIDs (this suite's boot file
# turns VT-d scalable mode off): probe says so, devlink offers no PASIDs
# to share, a subfunction port is refused with the reason, and the host
# channel, which needs none, still copies.

DEV=0000:00:0a.0
DL=pci/$DEV
RESULTS=/sys/kernel/debug/dma_memcpy_test/results

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
echo "KTAP version 1"
echo "1..9"

dmesg_mark
modprobe idxd && our_idxd_bound $DEV
result $? "our idxd loads and binds $DEV"
dmesg_new | grep -q "idxd $DEV: PASID: not enabled (needs an IOMMU in scalable mode): no subfunctions$"
result $? "probe says PASIDs are not enabled"
expect_match "devlink has no PASIDs to share" \
	"name pasids size 0 occ 0 " "$(devlink resource show $DL 2>&1)"
out=$(devlink port add $DL flavour pcisf pfnum 0 2>&1)
result $((!$?)) "a subfunction port is refused"
expect_match "errno" "kernel answers: Operation not supported" "$out"
expect_match "extack: why" \
	"Error: idxd: the IOMMU did not enable PASIDs \\(needs VT-d scalable mode\\): no subfunctions" \
	"$out"
expect "no port added" 0 "$(devlink -j port show | grep -c "$DL/")"
chan=$(dma_chans $DEV | head -n1)
insmod ./dma_memcpy_test.ko channel="${chan:-none}" inflight=8 rounds=4
grep -q '^ok 2 4 rounds of 8 copies in flight match: 0$' "$RESULTS"
result $? "the host channel copies without PASIDs"
rmmod dma_memcpy_test && rmmod idxd
result $? "memcpy test and idxd unload"
