#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the build, the VM harness and the QEMU build need, once;
# with --host [PKG...], only what a DSA host needs to build and install
# (make install, make dkms), and PKGs.
# Idempotent: every step checks before it acts, so `make` can call it on
# every run.  Prints the kernel ABI it resolved (e.g. 6.12.117+deb12-amd64).
set -euo pipefail

PKGS=(build-essential git bc kmod cpio xz-utils zstd busybox-static iproute2
      pciutils jq libmnl-dev libelf-dev libssl-dev sparse linux-source-6.12 accel-config valgrind libc6-dbg
      ninja-build meson libglib2.0-dev libpixman-1-dev flex bison pkg-config
      zlib1g-dev python3-venv dpkg-dev libfdt-dev qemu-system-data seabios)
SRC_LIST=/etc/apt/sources.list.d/dsa-sf-src.sources

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_update() {
	[ "$apt_updated" -eq 1 ] && return
	as_root apt-get update -qq >&2
	apt_updated=1
}

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_pkgs() {
	local todo
	todo=$(missing_pkgs "$@")
	[ -z "$todo" ] && return
	apt_update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
		--no-install-recommends $todo >&2
}

# `apt-get source qemu` needs deb-src entries for the suites we build from.
ensure_deb_src() {
	[ -f "$SRC_LIST" ] && return
	as_root tee "$SRC_LIST" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt_updated=0
}

# The 6.12 ABI name moves with security updates: resolve it from the
# metapackage so image and headers are always the same version.
kernel_abi() {
	apt-cache depends linux-headers-6.12-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(6\.12\..*-amd64\)$/\1/p' | head -n1
}

# A DSA host (make install, dkms): only what building the modules and the
# tool needs, and the packages the Makefile names (dkms, the headers of
# the kernel it builds for when they are not there).
host_main() {
	install_pkgs build-essential kmod libmnl-dev "$@"
}

main() {
	if [ "${1:-}" = --host ]; then
		shift
		host_main "$@"
		return
	fi
	ensure_deb_src
	if [ -z "$(kernel_abi)" ] || [ -n "$(missing_pkgs "${PKGS[@]}")" ]; then
		apt_update
	fi
	local abi
	abi=$(kernel_abi)
	if [ -z "$abi" ]; then
		echo "deps: cannot resolve the linux-headers-6.12-amd64 ABI" >&2
		exit 1
	fi
	install_pkgs "${PKGS[@]}" "linux-headers-$abi"
	echo "$abi"
}

main "$@"
