# SPDX-License-Identifier: GPL-2.0
#
# KTAP results for the shell suites: source it (suites stage it next to
# their script, see shell.mk), print "KTAP version 1" and the plan, then
# report each result with one of these (or skip).  Also:
# dmesg_mark/dmesg_new, and dma_chans/our_idxd_bound for the suites that
# copy through a dmaengine channel.

n=0

# result STATUS DESCRIPTION: "ok N DESCRIPTION" when STATUS is 0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
	fi
}

# skip DESCRIPTION REASON: "ok N DESCRIPTION # SKIP REASON"
skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# check DESCRIPTION COMMAND...: the command's exit status
check() {
	desc=$1
	shift
	"$@"
	result $? "$desc"
}

# expect DESCRIPTION WANT GOT: equal strings
expect() {
	[ "$2" = "$3" ]
	status=$?
	[ $status -eq 0 ] || echo "# $1: want '$2', got '$3'"
	result $status "$1"
}

# dmesg_mark, then dmesg_new: the kernel's messages since the mark.  The
# mark is a line of its own in the log: counting lines fails once the
# ring buffer is full and drops the oldest.
dmesg_mark() {
	DMESG_MARK="dsa-test-mark $$ $(cat /proc/uptime)"
	echo "$DMESG_MARK" >/dev/kmsg
}

dmesg_new() {
	dmesg | awk -v mark="$DMESG_MARK" 'found; index($0, mark) { found = 1 }'
}

# expect_match DESCRIPTION REGEX TEXT: TEXT has a line matching REGEX
expect_match() {
	echo "$3" | grep -qE "$2"
	status=$?
	[ $status -eq 0 ] || echo "$3" | sed "s/^/# /"
	result $status "$1"
}

# dma_chans BDF: the dmaengine channels (dmaXchanY) of PCI device BDF, one
# a line: a suite copies through the device it tests, not through
# whichever provider registered a channel first
dma_chans() {
	for c in /sys/class/dma/dma*chan*; do
		[ -e "$c/device" ] || continue
		[ "$(basename "$(readlink -f "$c/device")")" = "$1" ] &&
			basename "$c"
	done
}

# our_idxd_bound BDF: status 0 when PCI device BDF is bound to our idxd,
# the module from updates/ (built out of tree: taint O), not the image's
our_idxd_bound() {
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$1/driver")")" = idxd ] &&
		case $(modinfo -n idxd) in */updates/*) true ;; *) false ;; esac &&
		grep -q O /sys/module/idxd/taint
}
