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

# our_chan N: channel N (dmaXchanN) of the device under test
our_chan() {
	dma_chans "$DEV" | grep "chan$1\$"
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

# wqcfg_dword WQ N: dword N of the device's WQCFG of WQ
wqcfg_dword() {
	q=$(window_read $((DSA_TEST_WQCFG + $1 * DSA_TEST_WQCFG_STRIDE + $2 / 2 * 8)))
	[ $(($2 % 2)) -eq 1 ] && q=$((q >> 32))
	echo $((q & 0xffffffff))
}

# ims_ctrl N: the control dword of the device's IMS entry N (mask bit 0,
# pasid_en bit 3, pasid bits 31:12); ims_addr N: its message address
ims_ctrl() {
	window_write "$DSA_TEST_IMS_INDEX" "$1"
	echo $(($(window_read "$DSA_TEST_IMS_CTRL") >> 32 & 0xffffffff))
}

ims_addr() {
	window_write "$DSA_TEST_IMS_INDEX" "$1"
	window_read "$DSA_TEST_IMS_ADDR"
}

# json_field KEY: the last KEY's scalar value in the JSON on stdin
json_field() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

# port_field INDEX KEY: a field of port INDEX, from devlink -j port show
port_field() {
	devlink -j port show "$DL/$1" 2>/dev/null | json_field "$2"
}

# port_indexes: the instance's port indexes
port_indexes() {
	devlink -j port show 2>/dev/null | grep -o "\"$DL/[0-9]*\"" |
		sed "s|\"$DL/||; s|\"||"
}

# ports: how many ports the instance has
ports() {
	port_indexes | wc -l
}

# resource_occ NAME: the occupancy of a devlink resource
resource_occ() {
	devlink -j resource show "$DL" | sed 's/},{/}\n{/g' |
		grep "\"name\":\"$1\"" | json_field occ
}

# sf_auxdev INDEX: the auxiliary device of the SF on port INDEX (its WQ)
sf_auxdev() {
	for d in /sys/bus/auxiliary/devices/idxd.sf.*; do
		[ -e "$d/wq" ] && [ "$(cat "$d/wq")" = "$1" ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

SLAB_BEFORE=/tmp/slab.before
SLAB_SLACK=${SLAB_SLACK:-10}

# "cache objects size" per kmalloc cache, objects in use.  Exact only
# with slub_debug=F on them (tools/testing/vm/run): otherwise each CPU's
# slab counts as full.  kfree_rcu() holds frees back for seconds; its
# shrinker, which drop_caches runs, sends them on, and a grace period
# later they are free.
kmalloc_objects() {
	echo 2 >/proc/sys/vm/drop_caches
	sleep 1
	awk '$1 ~ /^kmalloc-/ { print $1, $2, $4 }' /proc/slabinfo
}

slab_total() {
	awk '{ n += $2 } END { print n }' "$1"
}

# Caches of the snapshot $1 that gained SLAB_SLACK objects or more since
# the snapshot $2
slab_growth() {
	awk -v slack=$SLAB_SLACK '
		NR == FNR { was[$1] = $2; next }
		$2 - was[$1] >= slack {
			printf "%s +%d objects (%d bytes)\n", $1, $2 - was[$1],
			       ($2 - was[$1]) * $3
		}' "$2" "$1"
}

# Result $1: the cycles since kmalloc_objects >$SLAB_BEFORE left no
# kmalloc memory behind (no cache gained $SLAB_SLACK objects).
slab_result() {
	# make check-debug's kernel: KASAN's quarantine keeps freed objects
	# counted for a while, and kmemleak, which the harness runs after
	# every program, is the leak check there
	if [ -e /sys/kernel/debug/kmemleak ]; then
		skip "$1" "kmemleak checks leaks on this kernel (KASAN holds freed objects)"
		return
	fi
	if [ "$(cat /sys/kernel/slab/kmalloc-64/sanity_checks 2>/dev/null)" != 1 ]; then
		why="slab counts are inexact without slub_debug=F on kmalloc caches"
		# the harness's VM boots with it
		if [ "$DSA_VM" = 1 ]; then
			result 1 "$1 ($why)"
		else
			skip "$1" "$why"
		fi
		return
	fi
	kmalloc_objects >"$SLAB_BEFORE.after"
	echo "# kmalloc objects in use: $(slab_total "$SLAB_BEFORE") before," \
	     "$(slab_total "$SLAB_BEFORE.after") after"
	grown=$(slab_growth "$SLAB_BEFORE.after" "$SLAB_BEFORE")
	[ -n "$grown" ] && echo "$grown" | sed 's/^/# /'
	[ -z "$grown" ]
	result $? "$1"
}

# sf_add ARGS...: devlink port add with ARGS; prints the new port's
# index, and leaves its extack in $EXTACK_FILE
EXTACK_FILE=/tmp/extack
sf_add() {
	out=$(devlink -j port add "$DL" "$@" 2>"$EXTACK_FILE") || return 1
	echo "$out" | sed -n "s|.*\"$DL/\([0-9]*\)\".*|\1|p"
}

# set_state INDEX active|inactive
set_state() {
	devlink port function set "$DL/$1" state "$2"
}

# operator N ROUNDS: a devlink user looping over add, activate,
# deactivate and delete of its own SF port (sfnum 100 + N), so no two
# race for one port; the steps that failed go to /tmp/operator.N
operator() {
	fails=0 r=0
	while [ $r -lt "$2" ]; do
		p=$(sf_add flavour pcisf pfnum 0 sfnum $((100 + $1))) &&
			set_state "$p" active && set_state "$p" inactive &&
			devlink port del "$DL/$p" || fails=$((fails + 1))
		r=$((r + 1))
	done
	echo "$fails" >"/tmp/operator.$1"
}

# operators N ROUNDS: N operators at once; prints how many steps failed
operators() {
	rm -f /tmp/operator.*
	i=0
	while [ $i -lt "$1" ]; do
		operator $i "$2" &
		i=$((i + 1))
	done
	wait
	cat /tmp/operator.* | awk '{ n += $1 } END { print n }'
}

# delete_all: every port of the instance
delete_all() {
	for p in $(port_indexes); do
		devlink port del "$DL/$p" || return 1
	done
}
