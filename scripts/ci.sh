#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What CI runs (.ci/run): `make check`, then, when the debug kernel is
# already built (scripts/debug-kernel.sh's cache) and the time CI has
# left fits them, the hardening suites on that kernel (make check-debug
# with CI_DEBUG_SUITES).  A cold debug kernel takes about 40 minutes to
# build on two CPUs, more than CI has: CI never builds it, `make
# check-debug` does.  The last line adds both runs up: "N passed,
# N failed" (", N skipped").
#
# Environment: CI_BUDGET_S (3300: CI's hour, less a margin),
# CI_DEBUG_SUITES, CI_DEBUG_NEED_S (what those suites took on the debug
# kernel, with a margin).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUDGET=${CI_BUDGET_S:-3300}
SUITES=${CI_DEBUG_SUITES:-idxd-faults idxd-fuzz}
NEED=${CI_DEBUG_NEED_S:-1200}

# "P F S" from a run's summary line
counts() {
	sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}.*$/\1 \2 \4/p' "$1" |
		tail -n1
}

main() {
	local start=$SECONDS logs=$DSA_BUILD/ci krel p f s p2 f2 s2 rc=0
	mkdir -p "$logs"
	make -C "$DSA_ROOT" --no-print-directory check 2>&1 | tee "$logs/check.log" ||
		rc=1
	read -r p f s <<<"$(counts "$logs/check.log")"
	p2=0 f2=0 s2=0
	krel=$("$DSA_ROOT/scripts/debug-kernel.sh" --print-release || true)
	if [ -z "$krel" ] || [ ! -f "$DSA_CACHE/kernel/$krel/boot/vmlinuz-$krel" ]; then
		log "check-debug skipped: $krel is not built (make check-debug builds it, about 40 min)"
	elif [ $((SECONDS - start + NEED)) -gt "$BUDGET" ]; then
		log "check-debug skipped: $((SECONDS - start)) s gone, $SUITES need ${NEED} s of ${BUDGET}"
	else
		log "check-debug: $SUITES on $krel"
		"$DSA_ROOT/scripts/check-debug.sh" $SUITES 2>&1 |
			tee "$logs/check-debug.log" || rc=1
		read -r p2 f2 s2 <<<"$(counts "$logs/check-debug.log")"
		[ -n "$p2" ] || { rc=1; p2=0 f2=1 s2=0; }
	fi
	[ -n "$p" ] || { rc=1; p=0 f=1; }
	echo "$((p + p2)) passed, $((f + f2)) failed, $((${s:-0} + ${s2:-0})) skipped"
	return $rc
}

main "$@"
