#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Our idxd's host channels as dmaengine sees them.  They are private
# (DMA_PRIVATE): async_tx, which md raid456 loads and which takes every
# public DMA_MEMCPY channel, must leave them alone, since they recycle
# descriptors without waiting for DMA_CTRL_ACK and report failures that
# async_tx treats as fatal; a client that asks for one still gets it.
# tx_status reports each cookie's own outcome (dma_status_test.ko).

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

STATUS_RESULTS=/sys/kernel/debug/dma_status_test/results
# what dma_status_test.ko reports
STATUS_TESTS=7

test_private() {
	modprobe idxd
	CHAN=$(our_chan 0)
	result $? "idxd's host channel is ${CHAN:-missing}"
	modprobe raid456
	result $? "md raid456 loads, and async_tx with it"
	grep -q '^async_tx ' /proc/modules
	result $? "async_tx is loaded"
	expect "async_tx did not take our channel (in_use)" 0 \
		"$(cat "/sys/class/dma/$CHAN/in_use" 2>&1)"
	expect_match "a client that asks for it still copies" "$COPIES_OK" \
		"$(copies "$CHAN")"
	modprobe -r raid456
	result $? "raid456 unloads"
}

# each of the module's results, as ours
test_tx_status() {
	insmod ./dma_status_test.ko channel="$CHAN"
	result $? "dma_status_test takes the channel"
	grep -E '^(not )?ok ' "$STATUS_RESULTS" >/tmp/status_results
	while read -r line; do
		st=0
		case $line in "not ok "*) st=1 ;; esac
		result $st "$(echo "$line" | sed 's/^\(not \)\{0,1\}ok [0-9]* //')"
	done </tmp/status_results
	rmmod dma_status_test
	result $? "and lets it go"
}

test_unload() {
	rmmod idxd
	result $? "idxd unloads"
}

echo "KTAP version 1"
echo "1..$((9 + STATUS_TESTS))"
test_private
test_tx_status
test_unload
