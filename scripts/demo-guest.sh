#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (make demo -> tools/testing/vm/run --script):
# what our idxd does today on the DSA model at 0000:00:0a.0.  It loads
# the driver with two host WQs, shows the devlink instance, copies
# through a host DMA channel, then breaks WQ 1 through the model's test
# window and recovers it while WQ 0 keeps copying.  Subfunctions
# (devlink port add ... flavour pcisf) are the next work; this script
# grows with them.

DEV=0000:00:0a.0
DL=pci/$DEV
SYS=/sys/bus/pci/devices/$DEV
MEMCPY=/selftests/idxd-dma/dma_memcpy_test.ko
RESULTS=/sys/kernel/debug/dma_memcpy_test/results
# the model's test window (tools/include/dsa_model_test.h)
TEST_RAISE_SWERR=0x20
SWERR_WQ1=$((0x42 | 0x100 | (1 << 16)))

section() {
	printf '\n===== %s\n' "$*"
}

run() {
	echo "# $*"
	"$@"
}

# copies through channel $1, and what the test module found
copy() {
	if insmod "$MEMCPY" channel="$1" inflight=8 rounds=4; then
		grep '^ok\|^not ok' "$RESULTS"
		rmmod dma_memcpy_test
	fi
}

if [ ! -d "$SYS" ]; then
	echo "demo: no PCI device at $DEV"
	exit 1
fi

section "load idxd with two host WQs"
run modprobe idxd host_wqs=2 || exit 1
dmesg | grep -F "idxd $DEV"
DMA=$(ls /sys/class/dma | sed -n 's/chan0$//p')

section "the devlink instance"
run devlink dev show
run devlink dev info $DL
run devlink resource show $DL
run devlink dev param show $DL name sf_wq_size

section "a copy through the host channel ${DMA}chan0"
copy "${DMA}chan0"

section "a software error on WQ 1 (injected), recovery by hand"
run devlink health set $DL reporter device auto_recover false
bar4=$(sed -n 5p "$SYS/resource" | cut -d' ' -f1)
devmem $((bar4 + TEST_RAISE_SWERR)) 64 $SWERR_WQ1
sleep 1
dmesg | grep -F "idxd $DEV" | tail -n 2
run devlink health show $DL reporter device
run devlink -j health dump show $DL reporter device
echo
echo "# WQ 0 keeps copying:"
copy "${DMA}chan0"
echo "# WQ 1 takes no work:"
copy "${DMA}chan1"
run devlink health recover $DL reporter device
run devlink health show $DL reporter device
echo "# WQ 1 copies again:"
copy "${DMA}chan1"

section "unload"
run rmmod idxd
devlink dev show | grep -q "$DL" || echo "the devlink instance is gone"
