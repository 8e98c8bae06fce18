#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (make demo -> tools/testing/vm/run --script):
# subfunctions of the DSA model at 0000:00:0a.0 with stock devlink.  It
# loads idxd, shows the devlink instance, adds two SF ports (pcisf with
# an sfnum, and "flavour dsa"), activates one with a consumer bound
# (selftests/modules/idxd_sf_test.ko, a test consumer of the SF API),
# shows its auxiliary device and what the device holds for it, copies
# through it (its PASID domain, its own interrupt), breaks its WQ and
# recovers it while the host channel copies, then deactivates and
# deletes everything.  Last, SF 9 bound by vfio_idxd_aux: a VFIO client
# copies through it as a guest would.

SF_TEST=/selftests/idxd-sf
RUN=/sys/kernel/debug/idxd_sf_test/run
LAST=/sys/kernel/debug/idxd_sf_test/last
MEMCPY_RESULTS=/sys/kernel/debug/dma_memcpy_test/results

cd "$SF_TEST" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

section() {
	printf '\n===== %s\n' "$*"
}

run() {
	echo "# $*"
	"$@"
}

# the test consumer's command $1, and what it found
consumer() {
	echo "# echo '$1' > $RUN"
	echo "$1" >"$RUN"
	cat "$LAST"
}

if [ ! -d "$PCI" ]; then
	echo "demo: no PCI device at $DEV"
	exit 1
fi

section "load idxd"
run modprobe idxd || exit 1
dmesg | grep -F "idxd $DEV"

section "the devlink instance"
run devlink dev info "$DL"
run devlink resource show "$DL"
run devlink dev param show "$DL" name sf_wq_size
run devlink dev param show "$DL" name host_wqs

section "add two subfunction ports"
run devlink port add "$DL" flavour pcisf pfnum 0 sfnum 7
run devlink port add "$DL" flavour dsa pfnum 0
run devlink port add "$DL" flavour pcisf pfnum 0 sfnum 7

section "activate SF 7, with a consumer for its auxiliary device"
run insmod ./idxd_sf_test.ko
run devlink port function set "$DL/1" state active
run devlink port show "$DL/1"
dmesg | grep -F "idxd $DEV: SF 7"
AUX=$(sf_auxdev 1)
echo "# ls /sys/bus/auxiliary/devices/$AUX: sfnum $(cat /sys/bus/auxiliary/devices/"$AUX"/sfnum), wq $(cat /sys/bus/auxiliary/devices/"$AUX"/wq), pasid $(cat /sys/bus/auxiliary/devices/"$AUX"/pasid)"
cfg=$(wqcfg_dword 1 2)
ctl=$(ims_ctrl 1)
echo "# the device (model's test window): WQ 1 enabled $(wqcfg_enabled 1 && echo yes || echo no), $(wqcfg_size 1) entries, PASID enabled $((cfg >> 28 & 1)), PASID $((cfg >> 8 & 0xfffff)); IMS entry 1 masked $((ctl & 1)), PASID $((ctl >> 12)), address $(printf '%#x' "$(ims_addr 1)")"
run devlink resource show "$DL"

section "DSA copies through SF 7"
consumer "copy $AUX"
consumer "fault $AUX"
grep "$AUX" /proc/interrupts

section "an error on SF 7's WQ (injected): SF 7 alone goes down"
devlink health set "$DL" reporter device auto_recover false
window_write "$DSA_TEST_RAISE_SWERR" \
	$((0x42 | DSA_TEST_SWERR_WQ_VALID | (1 << DSA_TEST_SWERR_WQ_SHIFT)))
wait_errors 1
dmesg | grep -F "idxd $DEV" | tail -n 2
run devlink -j health dump show "$DL" reporter device
echo
echo "# the host channel $(our_chan 0) copies meanwhile:"
copies "$(our_chan 0)"
run devlink health recover "$DL" reporter device
consumer "copy $AUX"

section "deactivate, delete"
run devlink port function set "$DL/1" state inactive
echo "# auxiliary devices now: $(ls /sys/bus/auxiliary/devices | tr '\n' ' ')"
run devlink port del "$DL/1"
run devlink port del "$DL/2"
run devlink resource show "$DL"

section "SF 9 as a VFIO device (vfio_idxd_aux), copied through by a VFIO client"
run rmmod idxd_sf_test
run modprobe vfio_iommu_type1
run modprobe vfio_idxd_aux
P9=$(sf_add flavour pcisf pfnum 0 sfnum 9)
run devlink port function set "$DL/$P9" state active
run devlink port show "$DL/$P9"
AUX9=$(sf_auxdev "$P9")
GROUP=$(basename "$(readlink /sys/bus/auxiliary/devices/"$AUX9"/iommu_group)")
echo "# $AUX9: driver $(basename "$(readlink /sys/bus/auxiliary/devices/"$AUX9"/driver)"), IOMMU group $GROUP (/dev/vfio/$GROUP)"
echo "# a VM gets it with: qemu-system-x86_64 ... -device vfio-pci,sysfsdev=/sys/bus/auxiliary/devices/$AUX9"
echo "# the VFIO client (selftests/vfio-idxd) maps its buffers, enables the"
echo "# virtual DSA and copies a page through the trapped portal:"
(cd /selftests/vfio-idxd &&
	VIDXD_DEV=$AUX9 ./vfio_idxd_test -r wq.memmove -r wq.operations 2>&1 |
	grep -E '^(ok|not ok|#  RUN)')
run devlink port function set "$DL/$P9" state inactive
run devlink port del "$DL/$P9"
run rmmod vfio_idxd_aux

section "unload"
run rmmod idxd
devlink dev show | grep -q "$DL" || echo "the devlink instance is gone"
