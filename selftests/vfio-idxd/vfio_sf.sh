# SPDX-License-Identifier: GPL-2.0
#
# What vfio.sh and fuzz.sh share: two subfunctions for the VFIO client,
# added and activated with stock devlink and bound by vfio_idxd_aux.  A
# set-up failure is the client's one failed test.

setup_failed() {
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 set-up: $1"
	exit 1
}

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

# vfio_up SFNUM SFNUM2: the modules, and both SFs; P, AUXDEV, P2, AUXDEV2
vfio_up() {
	modprobe idxd || setup_failed "modprobe idxd"
	modprobe vfio_iommu_type1 || setup_failed "modprobe vfio_iommu_type1"
	modprobe vfio_idxd_aux || setup_failed "modprobe vfio_idxd_aux"
	sf_up "$1"
	P=$SF_P AUXDEV=$SF_DEV
	sf_up "$2"
	P2=$SF_P AUXDEV2=$SF_DEV
}

# vfio_down: both SFs gone, vfio_idxd_aux unloaded
vfio_down() {
	for p in $P $P2; do
		set_state "$p" inactive >&2
		devlink port del "$DL/$p" >&2
	done
	rmmod vfio_idxd_aux >&2
}
