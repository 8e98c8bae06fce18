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

# devlink_up N: N SFs added and activated, one devlink process per step;
# the index is read from port add's JSON by bash itself, so devlink's
# side pays for devlink's forks only
devlink_up() {
	local i out
	for ((i = 0; i < $1; i++)); do
		out=$(devlink -j port add "$DL" flavour pcisf pfnum 0 sfnum $((1000 + i))) &&
			[[ $out =~ \"$DL/([0-9]+)\" ]] &&
			devlink port function set "$DL/${BASH_REMATCH[1]}" state active ||
			return 1
	done
}

# devlink_down: every SF port deactivated and deleted, the same way
devlink_down() {
	local out p
	out=$(devlink -j port show) || return 1
	while [[ $out =~ \"($DL/[0-9]+)\" ]]; do
		p=${BASH_REMATCH[1]}
		out=${out#*"\"$p\""}
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

# The data path: ROUNDS rounds of the SF's client and the host's channel,
# which goes first alternating, every line of results tagged "rN".  One
# SF serves every round.
ROUNDS=3
: >/tmp/bench.data
AUX=$(dsa-sf create "$DL" --sfnum 500 --bind vfio | sed -n 's/.* device \(idxd\.sf\.[0-9]*\) .*/\1/p')
[ -n "$AUX" ] || { echo "no SF for the data path" >&2; exit 1; }
. "$MOD_DIR/ktap.sh"	# dma_chans
chan=$(dma_chans "$DEV" | head -n1)
# sf_round R, host_round R: one path's results of round R
sf_round() {
	VIDXD_DEV=$AUX "$VFIO_DIR/vfio_idxd_bench" | sed -n "s/^BENCH/r$1 BENCH/p" >>/tmp/bench.data
}
host_round() {
	for size in 4096 65536; do
		insmod "$MOD_DIR/dma_bench.ko" channel="$chan" size=$size &&
			sed "s/^/r$1 /" /sys/kernel/debug/dma_bench/results >>/tmp/bench.data &&
			rmmod dma_bench || exit 1
	done
}
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then
		sf_round $r && host_round $r
	else
		host_round $r && sf_round $r
	fi
done
dsa-sf destroy --all >/dev/null || exit 1
[ "$(grep -c ' latency .* submit-us ' /tmp/bench.data)" -eq $((4 * ROUNDS)) ] &&
	[ "$(grep -c ' throughput ops/s ' /tmp/bench.data)" -eq $((4 * ROUNDS)) ] ||
	{ echo "missing data path results:" >&2; cat /tmp/bench.data >&2; exit 1; }

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
echo "dmaengine channel ($chan), $ROUNDS rounds (SF first in odd ones); medians over the rounds;"
echo "ratio: SF over host for ops/s, host over SF for times (1.00: as the host), its"
echo "median and min..max over the rounds; submit-us: the submission alone (host:"
echo "prep+submit+issue_pending; SF: the pwrite); the directly mapped portal is not"
echo "offered on 6.12 (Documentation/vfio-idxd.rst)"
# "rN BENCH PATH SIZE latency median-us A p99-us B submit-us C" and
# "rN BENCH PATH SIZE throughput ops/s D"
awk -v R="$ROUNDS" '
function sort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
function med(a, n) {
	sort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	r = substr($1, 2)
	for (i = 6; i < NF; i += 2)
		v[$3, $4, $i, r] = $(i + 1)
}
END {
	printf "%6s  %-10s %10s %10s  %6s  %s\n", "size", "metric", "host",
		"sf", "ratio", "(min..max)"
	split("ops/s median-us p99-us submit-us", m, " ")
	for (s = 4096; s <= 65536; s *= 16) {
		for (k = 1; k <= 4; k++) {
			for (r = 1; r <= R; r++) {
				h[r] = v["host", s, m[k], r]
				f[r] = v["sf-pwrite", s, m[k], r]
				# a zero is a broken run: the check above
				# let it through, the table says so
				q[r] = (k == 1 ? h[r] : f[r]) ? \
					(k == 1 ? f[r] / h[r] : h[r] / f[r]) : -1
			}
			hm = med(h, R); fm = med(f, R); qm = med(q, R)
			printf "%6d  %-10s %10.1f %10.1f  %6.2f  (%.2f..%.2f)\n",
				s, m[k], hm, fm, qm, q[1], q[R]
		}
	}
}' /tmp/bench.data
echo
echo "control path: add + activate + bind N SFs, then deactivate + delete"
echo "(microseconds per SF; x1: per-SF cost as a ratio to N=1;"
echo " devlink/dsa-sf: stock devlink forked per step over dsa-sf --count;"
echo " which goes first alternates row by row, dsa-sf in the first)"
printf '%5s  %12s %6s %12s %6s  %12s %12s  %8s %8s\n' N dsa-sf-up x1 \
	dsa-sf-down x1 devlink-up devlink-down up-ratio down-ratio
# dsa_sf_n N, devlink_n N: "UP DOWN", microseconds, one way or the other
dsa_sf_n() {
	local up down
	up=$(timed "$1" dsa-sf-up dsa-sf create "$DL" --count "$1" --sfnum 1000 --bind vfio) &&
		sfs_bound "$1" || { echo "dsa-sf: $1 SFs not bound" >&2; return 1; }
	down=$(timed "$1" dsa-sf-down dsa-sf destroy --all) || return 1
	echo "$up $down"
}
devlink_n() {
	local up down
	up=$(timed "$1" devlink-up devlink_up "$1") && sfs_bound "$1" ||
		{ echo "devlink: $1 SFs not bound" >&2; return 1; }
	down=$(timed "$1" devlink-down devlink_down) || return 1
	echo "$up $down"
}
prev=0 row=0
for n in 1 8 32 "$MAX"; do
	# the device's own maximum may be one of the others
	[ "$n" -le "$MAX" ] && [ "$n" -gt "$prev" ] || continue
	prev=$n
	# which goes first alternates row by row
	if ((row++ % 2)); then
		d=$(devlink_n "$n") && s=$(dsa_sf_n "$n") || exit 1
	else
		s=$(dsa_sf_n "$n") && d=$(devlink_n "$n") || exit 1
	fi
	read -r up down <<<"$s"
	read -r dup ddown <<<"$d"
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
