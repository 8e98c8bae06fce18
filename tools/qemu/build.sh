#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build Debian bookworm's QEMU 7.2 with our intel-dsa device model and print
# the path of qemu-system-x86_64 as the last line of stdout.
#
# The result is cached under $DSA_CACHE/qemu, keyed by a hash of the model
# sources, the shared headers and this script: a second run with the same
# inputs only prints the path.  A changed model rebuilds incrementally in the
# same build directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${DSA_CACHE:-$HOME/.cache/dsa-sf}
QDIR=$CACHE/qemu
JOBS=${JOBS:-$(nproc)}

# What the model is built from; any change here means a rebuild.
MODEL_FILES=(
	"$ROOT"/tools/qemu/build.sh
	"$ROOT"/tools/qemu/dsa/*
	"$ROOT"/tools/qemu/patches/*
	"$ROOT"/drivers/dma/idxd/registers.h
	"$ROOT"/include/uapi/linux/idxd_hw.h
	"$ROOT"/tools/include/kernel_types.h
	"$ROOT"/tools/include/dsa_model_test.h
)

log() { echo "qemu-build: $*" >&2; }

model_hash() {
	sha256sum "${MODEL_FILES[@]}" | sed "s|$ROOT/||" | sha256sum | cut -c1-16
}

# Unpack Debian's source package (with its security patches applied) and
# record it in git, so our patches can be re-applied to a pristine tree.
fetch_source() {
	local dsc
	[ -f "$QDIR/src/.unpacked" ] && return
	mkdir -p "$QDIR/dl"
	if ! apt-cache showsrc qemu >/dev/null 2>&1 ||
	   [ -z "$(apt-cache showsrc qemu 2>/dev/null)" ]; then
		apt-get update -qq >&2
	fi
	(cd "$QDIR/dl" && apt-get source --download-only qemu >&2)
	dsc=$(ls -t "$QDIR"/dl/qemu_7.2*.dsc | head -n1)
	rm -rf "$QDIR/src"
	dpkg-source -x "$dsc" "$QDIR/src" >&2
	git -C "$QDIR/src" init -q
	git -C "$QDIR/src" add -A -f .
	git -C "$QDIR/src" -c user.name=dsa-sf -c user.email=dsa-sf@localhost \
		commit -q -m "Debian $(basename "$dsc" .dsc)"
	touch "$QDIR/src/.unpacked"
}

# Our changes to QEMU itself (tools/qemu/patches), applied in order.  Only
# a changed patch set touches the tree, so model edits stay incremental.
apply_patches() {
	local src=$QDIR/src hash

	hash=$(cat "$ROOT"/tools/qemu/patches/*.patch | sha256sum | cut -c1-16)
	[ "$(cat "$src/.patches" 2>/dev/null)" = "$hash" ] && return
	log "applying patches $hash"
	git -C "$src" checkout -q -f HEAD -- .
	git -C "$src" apply "$ROOT"/tools/qemu/patches/*.patch
	echo "$hash" >"$src/.patches"
}

# Copy the model and the headers it shares with the driver into hw/i386/dsa
# (0001-hw-i386-build-the-intel-dsa-model.patch builds that directory).
install_model() {
	local dst=$QDIR/src/hw/i386/dsa

	mkdir -p "$dst"
	cp "$ROOT"/tools/qemu/dsa/* "$dst/"
	cp "$ROOT/drivers/dma/idxd/registers.h" \
	   "$ROOT/include/uapi/linux/idxd_hw.h" \
	   "$ROOT/tools/include/kernel_types.h" \
	   "$ROOT/tools/include/dsa_model_test.h" "$dst/"
}

configure() {
	[ -f "$QDIR/src/build/build.ninja" ] && return
	log "configuring (first build takes several minutes)"
	# Debian's python and meson: a python from elsewhere in PATH (pyenv)
	# would lack the modules meson needs.
	(cd "$QDIR/src" && mkdir -p build && cd build &&
	 PATH=/usr/bin:$PATH ../configure --target-list=x86_64-softmmu \
		--without-default-features --enable-tcg --disable-docs \
		--disable-werror --meson=/usr/bin/meson >&2)
}

main() {
	local hash bin=$QDIR/bin/qemu-system-x86_64

	hash=$(model_hash)
	if [ -x "$bin" ] && [ "$(cat "$QDIR/bin/.hash" 2>/dev/null)" = "$hash" ]; then
		echo "$bin"
		return
	fi
	fetch_source
	apply_patches
	install_model
	configure
	log "building model $hash"
	ninja -C "$QDIR/src/build" -j "$JOBS" qemu-system-x86_64 >&2
	mkdir -p "$QDIR/bin"
	cp "$QDIR/src/build/qemu-system-x86_64" "$bin.tmp"
	mv "$bin.tmp" "$bin"
	echo "$hash" >"$QDIR/bin/.hash"
	echo "$bin"
}

main "$@"
