#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's checkpatch.pl (from the linux-source-6.12 tarball, see
# scripts/linux-source.sh) on our files, outside a kernel tree.
#
#   scripts/checkpatch.sh FILE...          check source files
#   git format-patch -1 --stdout | scripts/checkpatch.sh -   check a patch
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
	local ksrc
	ksrc=$("$DSA_ROOT/scripts/linux-source.sh")
	[ $# -gt 0 ] || die "usage: ${0##*/} FILE... | -"
	if [ "$1" = - ]; then
		exec perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict -
	fi
	exec perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --file "$@"
}

main "$@"
