# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the build and harness scripts: where things live, and how
# to complain.  Everything expensive that does not depend on this tree
# (downloads, the extracted kernel image, kernel sources, QEMU) goes under
# $DSA_CACHE so that several clones and `make clean` share it; everything
# built from this tree goes under $DSA_ROOT/build.

DSA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DSA_CACHE=${DSA_CACHE:-$HOME/.cache/dsa-sf}
DSA_BUILD=${DSA_BUILD:-$DSA_ROOT/build}

# depmod and friends live in /sbin, which is not in a normal user's PATH.
PATH=$PATH:/usr/sbin:/sbin

log() { echo "${0##*/}: $*" >&2; }
die() { log "error: $*"; exit 1; }

# The kernel ABI (e.g. 6.12.117+deb12-amd64).  `make` exports ABI after
# running deps.sh once; scripts run by hand resolve it themselves.
dsa_abi() {
	if [ -n "${ABI:-}" ]; then
		echo "$ABI"
	else
		"$DSA_ROOT/scripts/deps.sh" | tail -n1
	fi
}
