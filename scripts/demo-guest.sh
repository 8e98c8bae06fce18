#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (make demo -> tools/testing/vm/run --script):
# show what the guest sees of the DSA model at 0000:00:0a.0.  Later work
# extends it with the devlink subfunction flow.

DEV=0000:00:0a.0
SYS=/sys/bus/pci/devices/$DEV

section() {
	printf '\n===== %s\n' "$*"
}

if [ ! -d "$SYS" ]; then
	echo "demo: no PCI device at $DEV"
	exit 1
fi

section "lspci -vv -nn -s $DEV"
lspci -vv -nn -s "$DEV"

section "sysfs: $SYS"
for f in vendor device class revision; do
	printf '%-9s %s\n' "$f" "$(cat "$SYS/$f")"
done
# resource: one "start end flags" line per BAR (then ROM, bridge windows).
i=0
while read -r start end flags; do
	[ "$((start))" -ne 0 ] && printf 'BAR%-5s %s-%s flags %s\n' "$i" "$start" "$end" "$flags"
	i=$((i + 1))
done <"$SYS/resource"

section "dmesg lines about $DEV"
dmesg | grep -F "$DEV"

section "IOMMU"
dmesg | grep -E 'DMAR|IOMMU' | grep -iE 'scalable|pasid|enabled|translation' | head -n 10
