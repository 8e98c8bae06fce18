# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the suites that test our idxd on the DSA model: the
# model's test window (BAR4; its registers come from
# tools/include/dsa_model_test.h through dsa_model_test.sh, which
# shell.mk generates), our host channels, the devlink health reporter.
# Source ktap.sh first.

. ./dsa_model_test.sh

DEV=${DEV:-0000:00:0a.0}
DL=pci/$DEV
PCI=/sys/bus/pci/devices/$DEV
WAIT_S=${WAIT_S:-5}

window_base() {
	sed -n "$((DSA_TEST_BAR + 1))p" "$PCI/resource" | cut -d' ' -f1
}

# window_write REG VALUE
window_write() {
	devmem $(($(window_base) + $1)) 64 "$2"
}

# window_read REG: the register in decimal (nothing if unreadable)
window_read() {
	v=$(devmem $(($(window_base) + $1)) 64) && printf '%d\n' "$v"
}

# wqcfg_status WQ: dword 6 of the device's own WQCFG of WQ (occupancy in
# bits 15:0, wq_state in 31:30), from the window's image of the table
wqcfg_status() {
	echo $(($(window_read $((DSA_TEST_WQCFG + $1 * DSA_TEST_WQCFG_STRIDE + 24))) & 0xffffffff))
}

# wqcfg_enabled WQ: the device holds WQ enabled
wqcfg_enabled() {
	[ $(($(wqcfg_status "$1") >> 30)) -eq 1 ]
}

# wqcfg_size WQ: its wq_size as the device holds it
wqcfg_size() {
	echo $(($(window_read $((DSA_TEST_WQCFG + $1 * DSA_TEST_WQCFG_STRIDE))) & 0xffff))
}

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds
wait_for() {
	limit=$(($1 * 10))
	shift
	i=0
	while [ $i -lt $limit ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# the device holds at least $1 descriptors in its WQs
queued_at_least() {
	[ "$(window_read "$DSA_TEST_QUEUED")" -ge "$1" ]
}

# our_chan N: the name of our DMA channel N (dmaXchanN of our PCI device)
our_chan() {
	for c in /sys/class/dma/dma*chan"$1"; do
		case $(readlink -f "$c/device") in
		*/"$DEV") basename "$c"; return 0 ;;
		esac
	done
	return 1
}

# copies CHANNEL: dma_memcpy_test's verdict on 2 rounds of 8 copies
copies() {
	insmod ./dma_memcpy_test.ko channel="$1" inflight=8 rounds=2 ||
		{ echo "insmod failed"; return; }
	grep '^ok 2 \|^not ok 2 ' /sys/kernel/debug/dma_memcpy_test/results
	rmmod dma_memcpy_test
}
COPIES_OK='^ok 2 2 rounds of 8 copies in flight match: 0$'

# health_json: the device reporter, as devlink -j shows it
health_json() {
	devlink -j health show "$DL" reporter device
}

# health_field KEY: a field of the reporter ("state", "error", "recover")
health_field() {
	health_json | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

errors_are() {
	[ "$(health_field error)" = "$1" ]
}

# wait_errors N: the reporter counted N errors
wait_errors() {
	wait_for "$WAIT_S" errors_are "$1"
}
