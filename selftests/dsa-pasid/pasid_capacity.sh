#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PASIDs for every subfunction: the vIOMMU advertises 20-bit PASIDs
# (ECAP.PSS, our QEMU patch 0003), and dsa_pasid_test.ko allocates and
# attaches 256 of them on the model and moves data through a few.

cd "$(dirname "$0")" || exit 1
RESULTS=/sys/kernel/debug/dsa_pasid_test/results
PSS_WANT=19	# PASID Size Supported: width - 1

echo "KTAP version 1"
echo "1..8"

# ECAP bits 39:35
ecap=$(dmesg | sed -n 's/.*DMAR: dmar0: .* ecap \([0-9a-f]*\).*/\1/p' | head -n1)
pss=$(( (0x${ecap:-0} >> 35) & 0x1f ))
if [ "$pss" -eq "$PSS_WANT" ]; then
	echo "ok 1 DMAR ecap $ecap: PSS $pss (20-bit PASIDs)"
else
	echo "not ok 1 DMAR ecap '$ecap': PSS $pss, want $PSS_WANT"
fi

if ! insmod ./dsa_pasid_test.ko npasids=256; then
	echo "not ok 2 dsa_pasid_test loads and binds 0000:00:0a.0"
	exit 1
fi
# the module's seven results, numbered after ours
grep -E '^(not )?ok ' "$RESULTS" |
	awk '{ i = $1 == "not" ? 3 : 2; $i += 1; print }'
rmmod dsa_pasid_test
