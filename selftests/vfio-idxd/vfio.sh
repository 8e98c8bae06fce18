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

. ./vfio_sf.sh

vfio_up $SFNUM $SFNUM2

# the size of the SF's WQ as the device holds it
VIDXD_SF_WQ_SIZE=$(wqcfg_size "$(cat /sys/bus/auxiliary/devices/$AUXDEV/wq)")
VIDXD_DEV=$AUXDEV VIDXD_DEV2=$AUXDEV2 VIDXD_PORT=$DL/$P \
	VIDXD_SF_WQ_SIZE=$VIDXD_SF_WQ_SIZE ./vfio_idxd_test
rc=$?
vfio_down
exit $rc
