#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Our idxd's host WQ as a dmaengine DMA_MEMCPY provider: many copies in
# flight through dma_memcpy_test.ko (selftests/modules), each checked byte
# for byte, completed by interrupt; the WQ shows up in the resources.

DEV=0000:00:0a.0
RESULTS=/sys/kernel/debug/dma_memcpy_test/results

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
echo "KTAP version 1"
echo "1..7"
modprobe idxd
ls /sys/class/dma 2>/dev/null | grep -q '^dma[0-9]*chan0$'
result $? "idxd registers a DMA channel"
grep -q idxd-wq0 /proc/interrupts
result $? "the host WQ has its completion interrupt"
res=$(devlink resource show pci/$DEV)
echo "$res" | grep -q "name wqs size 8 occ 1 " && \
	echo "$res" | grep -q "name wq_entries size 128 occ 32 "
result $? "resources count the host WQ and its 32 entries"

insmod ./dma_memcpy_test.ko inflight=32 rounds=16
result $? "dma_memcpy_test takes the channel"
grep -E '^(not )?ok ' "$RESULTS" | sed 's/^/# /'
grep -q '^ok 2 16 rounds of 32 copies in flight match: 0$' "$RESULTS"
result $? "16 rounds of 32 copies in flight, byte for byte"
# the driver never polls: no interrupt, no completion (several
# completions may share one interrupt)
irqs=$(grep idxd-wq0 /proc/interrupts | awk '{ print $2 + $3 }')
[ "${irqs:-0}" -ge 1 ]
result $? "completions came by interrupt (${irqs:-0} on idxd-wq0)"
rmmod dma_memcpy_test && rmmod idxd
result $? "memcpy test and idxd unload"
