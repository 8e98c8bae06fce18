#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A subfunction for the VFIO client: added and activated with stock
# devlink, bound by vfio_idxd_aux, handed to vfio_idxd_test (whose KTAP
# output is this suite's), then deactivated and deleted.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

SFNUM=42

# no KTAP of our own: a set-up failure is the client's one failed test
setup_failed() {
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 set-up: $1"
	exit 1
}

modprobe idxd || setup_failed "modprobe idxd"
modprobe vfio_iommu_type1 || setup_failed "modprobe vfio_iommu_type1"
modprobe vfio_idxd_aux || setup_failed "modprobe vfio_idxd_aux"
P=$(sf_add flavour pcisf pfnum 0 sfnum $SFNUM) ||
	setup_failed "devlink port add: $(cat "$EXTACK_FILE")"
set_state "$P" active || setup_failed "devlink port function set $DL/$P state active"
for d in /sys/bus/auxiliary/devices/idxd.sf.*; do
	[ "$(cat "$d/sfnum" 2>/dev/null)" = $SFNUM ] && AUXDEV=$(basename "$d")
done
[ -n "${AUXDEV:-}" ] || setup_failed "no idxd.sf.* with sfnum $SFNUM"

VIDXD_DEV=$AUXDEV VIDXD_PORT=$DL/$P ./vfio_idxd_test
rc=$?
set_state "$P" inactive >&2
devlink port del "$DL/$P" >&2
rmmod vfio_idxd_aux >&2
exit $rc
