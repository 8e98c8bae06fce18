#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel `make check-debug` boots, once, and print its
# release (uname -r).  Debian's 6.12 source (linux-source-6.12) with
# Debian's own config, cut down by localmodconfig to the modules the test
# VM carries (tools/testing/vm/modules.list and their dependencies), plus
# the checkers of tools/testing/vm/debug.config (lockdep, KASAN, kmemleak,
# fault injection, debugobjects), without debug info or signatures.
#
# Cached like the image kernel-image.sh unpacks, in the same layout:
#   $DSA_CACHE/kernel/<release>/{boot/vmlinuz-<release>,lib/modules/<release>}
# and the build tree, which out-of-tree modules build against, in
#   $DSA_CACHE/kernel-debug/build-<release>
# The release names the source version and a hash of what shapes the
# build (this script, debug.config, modules.list), so a change rebuilds.
#
# usage: debug-kernel.sh [--print-release]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PKG=linux-source-6.12
TARBALL=/usr/src/$PKG.tar.xz
VM_DIR=$DSA_ROOT/tools/testing/vm
FRAGMENT=$VM_DIR/debug.config
# Debian's release the config comes from: the image the VM boots
BASE_ABI=${ABI:-$(dsa_abi)}

version() {
	local v
	v=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null) ||
		die "$PKG is not installed (scripts/deps.sh installs it)"
	echo "${v%%-*}"
}

release() {
	local h
	h=$(cat "${BASH_SOURCE[0]}" "$FRAGMENT" "$VM_DIR/modules.list" |
		sha256sum | cut -c1-8)
	echo "$(version)-dsa-debug-$h"
}

# "name size 0" per module of the VM image: localmodconfig's lsmod input.
# The modules are those mkinitramfs copies (modules.list, and what they
# depend on), read from the Debian image's modules.dep.
vm_modules() {
	local kimg=$1 mdir entry
	mdir=$kimg/lib/modules/$BASE_ABI
	echo "Module Size Used by"
	# our idxd needs devlink, which only modules select: netdevsim's
	# select keeps it, as the NICs' did in Debian's build
	echo "netdevsim 0 0"
	sed -n 's/#.*//; /[^[:space:]]/p' "$VM_DIR/modules.list" |
		while read -r entry; do
			grep -E "^kernel/$entry[/.:]" "$mdir/modules.dep" |
				tr ' :' '\n\n'
		done | sed -n 's|.*/\([^/]*\)\.ko\(\.xz\)\{0,1\}$|\1|p' |
		tr - _ | sort -u | sed 's/$/ 0 0/'
}

configure() {
	local src=$1 out=$2 kimg=$3 krel=$4
	cp "$kimg/boot/config-$BASE_ABI" "$out/.config"
	vm_modules "$kimg" >"$out/lsmod"
	log "debug kernel: localmodconfig keeps $(($(wc -l <"$out/lsmod") - 1)) modules"
	# localmodconfig asks nothing with LMC_KEEP empty; olddefconfig after
	make -s -C "$src" O="$out" LSMOD="$out/lsmod" localmodconfig </dev/null >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$FRAGMENT" >&2
	"$src/scripts/config" --file "$out/.config" \
		--set-str LOCALVERSION "${krel#"$(version)"}" \
		--disable LOCALVERSION_AUTO
	make -s -C "$src" O="$out" olddefconfig >&2
	check_fragment "$out/.config"
}

# Every option of debug.config as asked, or the build is not what the
# checks claim (a dependency Kconfig dropped silently).
check_fragment() {
	local line missing=0
	while read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qx "$line" "$1" || { log "debug kernel: $line did not stick"; missing=1; } ;;
		"# CONFIG_"*" is not set")
			! grep -q "^${line#\# }=" "$1" ||
				{ log "debug kernel: $line did not stick"; missing=1; } ;;
		esac
	done <"$FRAGMENT"
	[ "$missing" -eq 0 ] || die "debug kernel: the config lost options of $FRAGMENT"
}

# The build tree of an earlier config of the same source, renamed: kbuild
# rebuilds only what the changed options touch.  Its image goes.
reuse_build() {
	local build=$1 old
	old=$(ls -d "$DSA_CACHE/kernel-debug/build-$(version)-dsa-debug-"* 2>/dev/null |
		grep -vx "$build" | head -n1 || true)
	if [ -n "$old" ]; then
		log "debug kernel: starting from ${old##*/}"
		rm -rf "$build" "$DSA_CACHE/kernel/${old##*/build-}"
		mv "$old" "$build"
	else
		mkdir -p "$build"
	fi
}

main() {
	local krel dir build src kimg jobs
	krel=$(release)
	if [ "${1:-}" = --print-release ]; then
		echo "$krel"
		return
	fi
	dir=$DSA_CACHE/kernel/$krel
	build=$DSA_CACHE/kernel-debug/build-$krel
	src=$DSA_CACHE/kernel-debug/linux-source-$(version)
	if [ -f "$dir/boot/vmlinuz-$krel" ] && [ -f "$build/Module.symvers" ]; then
		echo "$krel"
		return
	fi
	kimg=$("$DSA_ROOT/scripts/kernel-image.sh" "$BASE_ABI")
	if [ ! -f "$src/Makefile" ]; then
		log "debug kernel: extracting $TARBALL"
		rm -rf "$src.tmp" && mkdir -p "$src.tmp"
		tar -xJf "$TARBALL" -C "$src.tmp" --strip-components=1
		mv "$src.tmp" "$src"
	fi
	rm -rf "$dir"
	reuse_build "$build"
	configure "$src" "$build" "$kimg" "$krel"
	jobs=$(nproc)
	log "debug kernel: building $krel with $jobs jobs"
	make -s -C "$src" O="$build" -j"$jobs" bzImage modules >&2
	mkdir -p "$dir/boot"
	make -s -C "$src" O="$build" INSTALL_MOD_PATH="$dir" \
		INSTALL_MOD_STRIP=1 modules_install >&2
	cp "$build/arch/x86/boot/bzImage" "$dir/boot/vmlinuz-$krel"
	cp "$build/.config" "$dir/boot/config-$krel"
	echo "$krel"
}

main "$@"
