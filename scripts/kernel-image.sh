#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and unpack the Debian kernel image the VM boots, and print the
# directory it was unpacked into: $DSA_CACHE/kernel/$ABI, holding
# boot/vmlinuz-$ABI and lib/modules/$ABI.
#
# `apt-get download` + `dpkg-deb -x` rather than `apt-get install`: the
# build machine must not run the image's initramfs and bootloader hooks,
# and a non-root user can do it.  The .deb stays cached next to it.
#
# usage: kernel-image.sh [ABI]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fetch_deb() {
	local abi=$1 debs=$2 deb
	deb=$(ls "$debs"/linux-image-"$abi"_*.deb 2>/dev/null | tail -n1 || true)
	if [ -z "$deb" ]; then
		log "downloading linux-image-$abi"
		mkdir -p "$debs"
		# As root, apt's sandbox user cannot write to our cache:
		# download as root instead of printing a warning.
		(cd "$debs" && apt-get download -q -o APT::Sandbox::User="$(id -un)" \
			"linux-image-$abi" >&2)
		deb=$(ls "$debs"/linux-image-"$abi"_*.deb | tail -n1)
	fi
	echo "$deb"
}

# The .deb carries no modules.dep (its postinst would run depmod): build
# one so the initramfs builder can resolve module dependencies.
unpack() {
	local abi=$1 deb=$2 dir=$3 tmp
	tmp=$(mktemp -d "$dir.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb -x "$deb" "$tmp"
	[ -f "$tmp/boot/vmlinuz-$abi" ] || die "$deb has no boot/vmlinuz-$abi"
	[ -d "$tmp/lib/modules/$abi" ] || die "$deb has no lib/modules/$abi"
	depmod -b "$tmp" "$abi"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
}

main() {
	local abi=${1:-$(dsa_abi)} dir deb
	dir=$DSA_CACHE/kernel/$abi
	if [ ! -f "$dir/boot/vmlinuz-$abi" ] || [ ! -f "$dir/lib/modules/$abi/modules.dep" ]; then
		mkdir -p "$DSA_CACHE/kernel"
		deb=$(fetch_deb "$abi" "$DSA_CACHE/kernel/debs")
		log "unpacking $(basename "$deb")"
		unpack "$abi" "$deb" "$dir"
	fi
	echo "$dir"
}

main "$@"
