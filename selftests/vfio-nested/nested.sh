#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A second-level guest owns a subfunction through vfio_idxd_aux: our
# QEMU (TCG in TCG: the guest takes minutes) boots the Debian kernel with
# -device vfio-pci,sysfsdev=/sys/bus/auxiliary/devices/idxd.sf.<n>; in
# it, Debian's idxd binds 8086:0b25, accel-config enables the WQ and
# dma_memcpy_test copies through the dmaengine channel, data checked.
# After the guest powers off, the SF deactivates and goes.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

SFNUM=60
L2_LOG=/tmp/l2.log
L2_MEM=384M

# l2 PATTERN: the guest printed a line "L2 " PATTERN
l2() {
	grep -q "^L2 $1" "$L2_LOG"
}

# The guest's lines, shown without its printk timestamps: the harness
# reads a timestamped line on this console as this kernel's own.
l2_show() {
	sed 's/\[ *[0-9]*\.[0-9]*\] /[L2] /g; s/^/# /'
}

echo "KTAP version 1"
echo "1..12"

modprobe idxd && modprobe vfio_iommu_type1 && modprobe vfio_idxd_aux
result $? "idxd, vfio_iommu_type1 and vfio_idxd_aux load"
P=$(sf_add flavour pcisf pfnum 0 sfnum $SFNUM) && set_state "$P" active
result $? "an SF, active (port ${P:-none})"
AUX=
for d in /sys/bus/auxiliary/devices/idxd.sf.*; do
	[ "$(cat "$d/sfnum" 2>/dev/null)" = $SFNUM ] && AUX=$(basename "$d")
done

# With 5-level paging (-cpu max has la57) the guest's kernel died in its
# first minute in 2 of 6 boots, a page fault or double fault in the idle
# task, with or without the SF (TCG in TCG); with la57=off none of 12
# did.  Still, up to three boots, each said; what the guest does is
# tested once.
boot_guest() {
	./qemu -machine q35 -accel tcg,thread=single -cpu max,la57=off \
		-m $L2_MEM \
		-nographic -no-reboot -L ./fw -nic none -vga none \
		-kernel ./vmlinuz -initrd ./l2.cpio \
		-append "console=ttyS0 quiet panic=-1" \
		-device vfio-pci,sysfsdev=/sys/bus/auxiliary/devices/$AUX \
		>"$L2_LOG" 2>&1
}

start=$(date +%s)
for try in 1 2 3; do
	boot_guest
	qrc=$?
	# any line of its init: the console may put it after kernel output
	grep -q "L2 " "$L2_LOG" && break
	echo "# boot $try of the guest never reached its init (QEMU exit $qrc); its console's end:"
	tail -n 15 "$L2_LOG" | l2_show
done
grep '^L2 ' "$L2_LOG" | l2_show
l2 done
result $? "the guest ran to its end ($(($(date +%s) - start)) s, QEMU exit $qrc)"
l2 "pci 0x8086:0x0b25 0x088000"
result $? "the guest enumerates 8086:0b25, class 0x088000"
l2 "idxd 0"
result $? "Debian's idxd loads"
l2 "dmesg .*Intel(R) Accelerator Device"
result $? "and binds the virtual DSA"
l2 "config-wq 0" && l2 "enable-wq 0"
result $? "accel-config enables wq0.0 as a dmaengine WQ"
l2 "memcpy ok 1 "
result $? "dma_memcpy_test maps its buffers on $(sed -n 's/^L2 channel //p' "$L2_LOG")"
l2 "memcpy ok 2 "
result $? "its copies through the SF match, byte for byte"
l2 "disable-wq 0" && l2 "disable-device 0"
result $? "accel-config disables wq0.0 and dsa0"
! l2 trouble
result $? "the guest's kernel logged no WARNING, BUG or Oops"
set_state "$P" inactive && devlink port del "$DL/$P" &&
	[ ! -e "/sys/bus/auxiliary/devices/$AUX" ]
result $? "after the guest, the SF deactivates and goes"
