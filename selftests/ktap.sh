# SPDX-License-Identifier: GPL-2.0
#
# KTAP results for the shell suites: source it (suites stage it next to
# their script, see shell.mk), print "KTAP version 1" and the plan, then
# report each result with one of these (or skip).  Also:
# dmesg_mark/dmesg_new.

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

# dmesg_mark, then dmesg_new: the kernel's messages since the mark
dmesg_mark() {
	DMESG_MARK=$(dmesg | wc -l)
}

dmesg_new() {
	dmesg | tail -n +"$((DMESG_MARK + 1))"
}

# expect_match DESCRIPTION REGEX TEXT: TEXT has a line matching REGEX
expect_match() {
	echo "$3" | grep -qE "$2"
	status=$?
	[ $status -eq 0 ] || echo "$3" | sed "s/^/# /"
	result $status "$1"
}
