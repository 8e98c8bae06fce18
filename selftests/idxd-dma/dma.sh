#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Our idxd's host WQ as a dmaengine DMA_MEMCPY provider: many copies in
# flight through its channel with dma_memcpy_test.ko (selftests/modules),
# each checked byte for byte, each round completed by interrupt; the WQ
# shows up in the resources.

DEV=0000:00:0a.0
RESULTS=/sys/kernel/debug/dma_memcpy_test/results
ROUNDS=16

# completion interrupts of the host WQ so far, all CPUs
wq0_irqs() {
	awk '$NF == "idxd-wq0" {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++)
			n += $i
	} END { print n + 0 }' /proc/interrupts
}

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
echo "KTAP version 1"
echo "1..7"
modprobe idxd
CHAN=$(dma_chans $DEV | head -n1)
[ -n "$CHAN" ] && our_idxd_bound $DEV
result $? "our idxd registers a DMA channel of $DEV (${CHAN:-none})"
grep -q idxd-wq0 /proc/interrupts
result $? "the host WQ has its completion interrupt"
res=$(devlink resource show pci/$DEV)
echo "$res" | grep -q "name wqs size 8 occ 1 " && \
	echo "$res" | grep -q "name wq_entries size 128 occ 32 "
result $? "resources count the host WQ and its 32 entries"

irqs=$(wq0_irqs)
insmod ./dma_memcpy_test.ko channel="${CHAN:-none}" inflight=32 rounds=$ROUNDS
result $? "dma_memcpy_test takes ${CHAN:-none}"
grep -E '^(not )?ok ' "$RESULTS" | sed 's/^/# /'
grep -q "^ok 2 $ROUNDS rounds of 32 copies in flight match: 0$" "$RESULTS"
result $? "$ROUNDS rounds of 32 copies in flight, byte for byte"
irqs=$(($(wq0_irqs) - irqs))
# A round's copies are all complete before the next round is submitted,
# and the driver never polls: each round takes one interrupt at least
# (one may complete several copies of a round).
[ $irqs -ge $ROUNDS ]
result $? "completions came by interrupt ($irqs on idxd-wq0 for $ROUNDS rounds)"
rmmod dma_memcpy_test && rmmod idxd
result $? "memcpy test and idxd unload"
