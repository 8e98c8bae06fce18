#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few files this project needs from Debian's kernel source
# tarball (package linux-source-6.12) into $DSA_CACHE/linux-source-$VERSION
# and print that directory.  Only named members are extracted: the full
# tree is ~1.5 GB and we need a handful of files.
#
#   tools/testing/selftests/kselftest{,_harness}.h   the selftests include them
#   scripts/checkpatch.pl + data files                scripts/checkpatch.sh
#   usr/gen_init_cpio.c                               builds the VM initramfs
#   drivers/dma/idxd, include/uapi/linux/idxd.h      upstream idxd, for reading
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PKG=linux-source-6.12
TARBALL=/usr/src/$PKG.tar.xz
MEMBERS=(
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	Documentation/dev-tools/checkpatch.rst
	usr/gen_init_cpio.c
	drivers/dma/idxd
	include/uapi/linux/idxd.h
)

# Upstream version of the installed package (6.12.117-1~deb12u1 -> 6.12.117):
# a new package gets a new directory instead of a stale mix.
version() {
	local v
	v=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null) ||
		die "$PKG is not installed (scripts/deps.sh installs it)"
	echo "${v%%-*}"
}

extract() {
	local dir=$1 tmp
	log "extracting ${#MEMBERS[@]} members of $TARBALL into $dir"
	mkdir -p "$(dirname "$dir")"
	tmp=$(mktemp -d "$dir.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$TARBALL" -C "$tmp" --strip-components=1 \
		"${MEMBERS[@]/#/$PKG/}"
	printf '%s\n' "${MEMBERS[@]}" >"$tmp/.members"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
}

main() {
	local dir
	dir=$DSA_CACHE/linux-source-$(version)
	# Re-extract when the member list changed, not only when missing.
	if ! printf '%s\n' "${MEMBERS[@]}" | cmp -s - "$dir/.members"; then
		extract "$dir"
	fi
	echo "$dir"
}

main "$@"
