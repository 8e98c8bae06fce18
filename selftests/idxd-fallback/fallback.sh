#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Our idxd on a CPU without MOVDIR64B (this suite's boot file asks for
# -cpu max,movdir64b=off): probe says it writes descriptors to the
# portal with 8-byte stores, and copies through the host channel still
# match byte for byte.

DEV=0000:00:0a.0
RESULTS=/sys/kernel/debug/dma_memcpy_test/results

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
echo "KTAP version 1"
echo "1..6"

grep -qw movdir64b /proc/cpuinfo
result $((!$?)) "the CPU does not offer MOVDIR64B"
dmesg_mark
modprobe idxd && our_idxd_bound $DEV
result $? "our idxd loads and binds $DEV"
dmesg_new | grep -q "idxd $DEV: .*portal writes by 8-byte stores (no MOVDIR64B)$"
result $? "probe says it writes descriptors with 8-byte stores"

chan=$(dma_chans $DEV | head -n1)
insmod ./dma_memcpy_test.ko channel="${chan:-none}" inflight=32 rounds=16
grep -E '^(not )?ok ' "$RESULTS" | sed 's/^/# /'
grep -q '^ok 2 16 rounds of 32 copies in flight match: 0$' "$RESULTS"
result $? "16 rounds of 32 copies in flight, byte for byte"
rmmod dma_memcpy_test && rmmod idxd
result $? "memcpy test and idxd unload"
dmesg | grep -qE "WARNING|BUG|Oops"
result $((!$?)) "dmesg free of WARNING, BUG and Oops"
