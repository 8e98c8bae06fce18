#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocate and attach 256 PASIDs on the model and DMA through a few of
# them (dsa_pasid_test.ko); the module reports KTAP in debugfs.

cd "$(dirname "$0")" || exit 1
RESULTS=/sys/kernel/debug/dsa_pasid_test/results

if ! insmod ./dsa_pasid_test.ko npasids=256; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 dsa_pasid_test loads and binds 0000:00:0a.0"
	exit 1
fi
cat "$RESULTS"
rmmod dsa_pasid_test
