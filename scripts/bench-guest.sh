#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (make bench -> tools/testing/vm/run --script),
# on a model with 64 WQs.  The data path: 4 KiB and 64 KiB MEMMOVE
# through an SF from the VFIO client (vfio_idxd_bench, the trapped
# portal written with pwrite) and through the host's dmaengine channel
# (dma_bench.ko), one at a time (latency) and 8 in flight (ops/s).  The
# control path's cost per SF: for N SFs (1, 8, 32 and as many as the
# device holds) add + activate + bind and the teardown, by dsa-sf over
# one netlink socket and by stock devlink forked once per step
# (activation binds vfio_idxd_aux, the SF's driver, in both).  Tables go
# between BENCH-BEGIN and BENCH-END, which make bench keeps in
# build/bench/results.txt.

DEV=0000:00:0a.0
DL=pci/$DEV
VFIO_DIR=/selftests/vfio-idxd
MOD_DIR=/selftests/idxd-dma

# bash's clock in microseconds (busybox date has no %N)
now_us() {
	echo "${EPOCHREALTIME/./}"
}

# The port index devlink -j port add printed
port_of() {
	sed -n "s|.*\"$DL/\([0-9]*\)\".*|\1|p"
}

# devlink_up N: N SFs added and activated, one devlink process per step
devlink_up() {
	i=0
	while [ $i -lt "$1" ]; do
		p=$(devlink -j port add "$DL" flavour pcisf pfnum 0 sfnum $((1000 + i)) | port_of)
		devlink port function set "$DL/$p" state active || return 1
		i=$((i + 1))
	done
}

# devlink_down: every SF port deactivated and deleted, the same way
devlink_down() {
	for p in $(devlink -j port show | grep -o "\"$DL/[0-9]*\"" | tr -d '"'); do
		devlink port function set "$p" state inactive &&
			devlink port del "$p" || return 1
	done
}

# sfs_bound N: N SFs, each bound to vfio_idxd_aux
sfs_bound() {
	[ "$(ls -d /sys/bus/auxiliary/drivers/vfio_idxd_aux.vfio_idxd_aux/idxd.sf.* 2>/dev/null | wc -l)" -eq "$1" ]
}

# timed N WHAT COMMAND...: microseconds COMMAND took; it must succeed
timed() {
	t0=$(now_us)
	shift 2
	"$@" >/dev/null 2>/tmp/bench.err || { cat /tmp/bench.err >&2; return 1; }
	echo $(($(now_us) - t0))
}

modprobe idxd && modprobe vfio_iommu_type1 && modprobe vfio_idxd_aux || exit 1

# field LINE-PREFIX KEY: the number after KEY on the line starting so
field() {
	grep "^$1 " /tmp/bench.data | sed -n "s|.* $2 \([0-9.]*\).*|\1|p" | head -n1
}

# the data path first, with the default 16-entry SF WQ
: >/tmp/bench.data
AUX=$(dsa-sf create "$DL" --sfnum 500 --bind vfio | sed -n 's/.* device \(idxd\.sf\.[0-9]*\) .*/\1/p')
[ -n "$AUX" ] || { echo "no SF for the data path" >&2; exit 1; }
VIDXD_DEV=$AUX "$VFIO_DIR/vfio_idxd_bench" | grep '^BENCH' >>/tmp/bench.data
dsa-sf destroy --all >/dev/null || exit 1
. "$MOD_DIR/ktap.sh"	# dma_chans
chan=$(dma_chans "$DEV" | head -n1)
for size in 4096 65536; do
	insmod "$MOD_DIR/dma_bench.ko" channel="$chan" size=$size &&
		cat /sys/kernel/debug/dma_bench/results >>/tmp/bench.data &&
		rmmod dma_bench || exit 1
done
# every WQ entry the host does not keep goes to SFs of 2 entries each
devlink dev param set "$DL" name sf_wq_size value 2 cmode driverinit &&
	devlink dev reload "$DL" || exit 1
# free NAME: what is left of a devlink resource (size less occupancy)
free() {
	devlink -j resource show "$DL" | sed 's/},{/}\n{/g' | grep "\"name\":\"$1\"" |
		sed -n 's/.*"size":\([0-9]*\).*"occ":\([0-9]*\).*/\1 \2/p' |
		{ read -r size occ; echo $((size - occ)); }
}
# an SF takes a WQ and an MSI-X vector
MAX=$(free wqs)
[ "$(free msix_vectors)" -lt "$MAX" ] && MAX=$(free msix_vectors)
[ "$MAX" -gt 0 ] || { echo "no WQ left for SFs" >&2; exit 1; }

echo BENCH-BEGIN
echo "data path: MEMMOVE, SF (VFIO client, trapped portal by pwrite) vs the host's"
echo "dmaengine channel ($chan); ratio: SF over host (ops/s), host over SF (latency);"
echo "the directly mapped portal is not offered on 6.12 (Documentation/vfio-idxd.rst)"
printf '%6s  %10s %10s %6s  %14s %14s  %14s %14s\n' size host-ops/s sf-ops/s ratio \
	host-med/p99us sf-med/p99us med-ratio p99-ratio
for size in 4096 65536; do
	ho=$(field "BENCH host $size throughput" ops/s)
	so=$(field "BENCH sf-pwrite $size throughput" ops/s)
	hm=$(field "BENCH host $size latency" median-us)
	hp=$(field "BENCH host $size latency" p99-us)
	sm=$(field "BENCH sf-pwrite $size latency" median-us)
	sp=$(field "BENCH sf-pwrite $size latency" p99-us)
	[ -n "$ho" ] && [ -n "$so" ] && [ -n "$hm" ] && [ -n "$sm" ] ||
		{ echo "missing data for $size:" >&2; cat /tmp/bench.data >&2; exit 1; }
	awk -v s="$size" -v ho="$ho" -v so="$so" -v hm="$hm" -v hp="$hp" \
		-v sm="$sm" -v sp="$sp" 'BEGIN {
		printf "%6d  %10.0f %10.0f %6.2f  %6.1f/%-7.1f %6.1f/%-7.1f  %14.2f %14.2f\n",
			s, ho, so, so / ho, hm, hp, sm, sp, hm / sm, hp / sp
	}'
done
echo
echo "control path: add + activate + bind N SFs, then deactivate + delete"
echo "(microseconds per SF; x1: per-SF cost as a ratio to N=1;"
echo " devlink/dsa-sf: stock devlink forked per step over dsa-sf --count)"
printf '%5s  %12s %6s %12s %6s  %12s %12s  %8s %8s\n' N dsa-sf-up x1 \
	dsa-sf-down x1 devlink-up devlink-down up-ratio down-ratio
for n in 1 8 32 "$MAX"; do
	[ "$n" -le "$MAX" ] || continue
	up=$(timed "$n" dsa-sf-up dsa-sf create "$DL" --count "$n" --sfnum 1000 --bind vfio) &&
		sfs_bound "$n" || { echo "dsa-sf: $n SFs not bound" >&2; exit 1; }
	down=$(timed "$n" dsa-sf-down dsa-sf destroy --all) || exit 1
	dup=$(timed "$n" devlink-up devlink_up "$n") && sfs_bound "$n" ||
		{ echo "devlink: $n SFs not bound" >&2; exit 1; }
	ddown=$(timed "$n" devlink-down devlink_down) || exit 1
	[ "$n" -eq 1 ] && { up1=$up; down1=$down; }
	awk -v n="$n" -v up="$up" -v down="$down" -v dup="$dup" \
		-v ddown="$ddown" -v up1="$up1" -v down1="$down1" 'BEGIN {
		printf "%5d  %12.0f %6.2f %12.0f %6.2f  %12.0f %12.0f  %8.2f %8.2f\n",
			n, up / n, (up / n) / up1, down / n, (down / n) / down1,
			dup / n, ddown / n, dup / up, ddown / down
	}'
done
echo "max SFs: $MAX (model: num-wqs=64, wq-entries=1024, msix-vectors=128; sf_wq_size=2)"
echo BENCH-END
