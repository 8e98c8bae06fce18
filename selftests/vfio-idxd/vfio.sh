#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A subfunction for the VFIO client: added and activated with stock
# devlink, bound by vfio_idxd_aux, handed to vfio_idxd_test (whose KTAP
# output is this suite's), then deactivated and deleted.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

SFNUM=42	# the client's
SFNUM2=43	# another tenant's, for the isolation case

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

# sf_up SFNUM: an active SF; its port index in SF_P, its device in SF_DEV
sf_up() {
	SF_P=$(sf_add flavour pcisf pfnum 0 sfnum "$1") ||
		setup_failed "devlink port add: $(cat "$EXTACK_FILE")"
	set_state "$SF_P" active ||
		setup_failed "devlink port function set $DL/$SF_P state active"
	SF_DEV=
	for d in /sys/bus/auxiliary/devices/idxd.sf.*; do
		[ "$(cat "$d/sfnum" 2>/dev/null)" = "$1" ] && SF_DEV=$(basename "$d")
	done
	[ -n "$SF_DEV" ] || setup_failed "no idxd.sf.* with sfnum $1"
}

sf_up $SFNUM
P=$SF_P AUXDEV=$SF_DEV
sf_up $SFNUM2
P2=$SF_P AUXDEV2=$SF_DEV

# the size of the SF's WQ as the device holds it
VIDXD_SF_WQ_SIZE=$(wqcfg_size "$(cat /sys/bus/auxiliary/devices/$AUXDEV/wq)")
VIDXD_DEV=$AUXDEV VIDXD_DEV2=$AUXDEV2 VIDXD_PORT=$DL/$P \
	VIDXD_SF_WQ_SIZE=$VIDXD_SF_WQ_SIZE ./vfio_idxd_test
rc=$?
for p in $P $P2; do
	set_state "$p" inactive >&2
	devlink port del "$DL/$p" >&2
done
rmmod vfio_idxd_aux >&2
exit $rc
