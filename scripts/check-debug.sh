#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: every suite on the debug kernel (scripts/debug-kernel.sh:
# lockdep, KASAN, kmemleak, fault injection, debugobjects).  Our modules,
# tools and selftests are built against that kernel in a copy of this
# tree (build/debug/tree), so the normal build's objects stay as they
# are; the VM boots the debug kernel with its own modules.  A program
# fails on any report those checkers make: the harness fails a program
# that taints the kernel or after which the console shows a WARNING, BUG,
# ODEBUG or kmemleak record (tools/testing/vm/init scans for leaks after
# each program).  Time limits are DSA_TIMEOUT_SCALE (default 4) times the
# suites' own.  The VM runs without 5-level paging (DSA_CPU_FLAGS).
#
# usage: check-debug.sh [SUITE...]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
	local krel kdir tree
	krel=$("$DSA_ROOT/scripts/debug-kernel.sh")
	kdir=$DSA_CACHE/kernel-debug/build-$krel
	tree=$DSA_BUILD/debug/tree
	log "check-debug: $krel; building in $tree"
	rm -rf "$tree"
	mkdir -p "$tree"
	# the sources as they are now, without what the normal build made
	tar -C "$DSA_ROOT" --exclude=./build --exclude=./.git \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude=modules.order \
		--exclude=Module.symvers -cf - . | tar -C "$tree" -xf -
	make -C "$tree" --no-print-directory ABI="$krel" KDIR="$kdir" all >&2
	# 5-level paging: under TCG, 2 of 5 boots of this kernel died early
	DSA_VM_NO_BUILD=1 ABI=$krel DSA_TIMEOUT_SCALE=${DSA_TIMEOUT_SCALE:-4} \
		DSA_CPU_FLAGS=${DSA_CPU_FLAGS-la57=off} \
		exec "$tree/tools/testing/vm/run" "$@"
}

main "$@"
