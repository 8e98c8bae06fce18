#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dsa-sf, the operator tool: each command does what it says, as stock
# devlink and sysfs see it; each bad input gets one line on stderr, its
# documented exit status (1 input, 2 the kernel refused) and leaves the
# ports as they were; a --count that fails midway deletes what it made;
# and memcheck finds no leak or bad access in a run of every command.

cd "$(dirname "$0")" || exit 1
. ./ktap.sh
. ./idxd_lib.sh

ERR=/tmp/dsa-sf.err
OUT=/tmp/dsa-sf.out

# run WANT_STATUS ARGS...: dsa-sf ARGS, its stdout in $OUT, stderr in
# $ERR; true if it exited WANT_STATUS
run() {
	want=$1
	shift
	dsa-sf "$@" >"$OUT" 2>"$ERR"
	st=$?
	[ $st -eq "$want" ] && return 0
	echo "# dsa-sf $*: exit $st, want $want; stderr: $(cat "$ERR")"
	return 1
}

# one_line: stderr holds exactly one line
one_line() {
	[ "$(wc -l <"$ERR")" -eq 1 ] ||
		{ echo "# stderr: $(cat "$ERR")"; return 1; }
}

# refused STATUS DESCRIPTION ARGS...: one line, STATUS, ports unchanged
refused() {
	want=$1 desc=$2
	shift 2
	before=$(port_indexes | tr '\n' ' ')
	run "$want" "$@" && one_line &&
		[ "$before" = "$(port_indexes | tr '\n' ' ')" ]
	result $? "$desc: exit $want, one line ($(cat "$ERR")), ports as they were"
}

# sfnum_port SFNUM: the index of the port with SFNUM, from devlink
sfnum_port() {
	devlink -j port show | sed 's/},"/}\n"/g' |
		sed -n "s|.*\"$DL/\([0-9]*\)\":{.*\"sfnum\":$1[,}].*|\1|p"
}

echo "KTAP version 1"
echo "1..32"

rmmod vfio_idxd_aux 2>/dev/null
modprobe idxd && modprobe vfio_iommu_type1 &&
	[ ! -d /sys/bus/auxiliary/drivers/vfio_idxd_aux.vfio_idxd_aux ]
result $? "idxd and vfio_iommu_type1 load, vfio_idxd_aux is not loaded"

# --- port: devlink's syntax -------------------------------------------
devlink port add "$DL" flavour pcisf sfnum 70 2>"$ERR"
[ $? -ne 0 ] && grep -q "PF number is expected" "$ERR"
result $? "stock devlink refuses 'port add $DL flavour pcisf' ($(cat "$ERR"))"
run 0 port add "$DL" flavour pcisf sfnum 70 && P=$(sfnum_port 70) &&
	[ "$(port_field "$P" flavour)" = pcisf ] &&
	grep -q "^$DL/$P: flavour pcisf pfnum 0 sfnum 70" "$OUT"
result $? "dsa-sf port add $DL flavour pcisf sfnum 70: pfnum filled in (port ${P:-none})"
run 0 port add "$DL" flavour dsa && P0=$(sfnum_port 0) && [ -n "$P0" ] &&
	[ "$(port_field "$P0" flavour)" = pcisf ] &&
	grep -q "^dsa-sf: kernel: .*sfnum 0 assigned" "$ERR" &&
	run 0 port del "$DL/$P0" && [ -z "$(sfnum_port 0)" ]
result $? "port add DEV flavour dsa, as users write it: sfnum 0, the kernel's note shown; port del"
run 0 port show "$DL/$P" -j &&
	[ "$(json_field sfnum <"$OUT")" = 70 ] &&
	[ "$(json_field state <"$OUT")" = inactive ]
result $? "port show DEV/PORT -j: sfnum 70, state inactive"
run 0 port show "$DL" && grep -q "^$DL/$P: flavour pcisf" "$OUT"
result $? "port show DEV lists it"
run 0 port function set "$DL/$P" state active &&
	[ "$(port_field "$P" state)" = active ] &&
	[ "$(port_field "$P" opstate)" = detached ]
result $? "port function set DEV/PORT state active: devlink says active (no consumer: detached)"
devlink port add "$DL" flavour pcisf pfnum 3 sfnum 73 2>"$ERR.devlink"
msg=$(head -n1 "$ERR.devlink" | sed 's/^Error: //; s/\.$//')
refused 2 "port add with pfnum 3" port add "$DL" flavour pcisf pfnum 3 sfnum 73
[ -n "$msg" ] && grep -qF "$msg" "$ERR"
result $? "the kernel's words, as devlink prints them ($msg)"
run 0 port function set "$DL/$P" state inactive && run 0 port del "$DL/$P" &&
	[ -z "$(sfnum_port 70)" ]
result $? "port function set ... state inactive, port del: gone"

# --- create, list, destroy --------------------------------------------
run 0 create "$DL" --sfnum 72 --bind vfio && P=$(sfnum_port 72) &&
	[ "$(port_field "$P" state)" = active ]
result $? "create --sfnum 72 --bind vfio: the port, active (loads vfio_idxd_aux)"
AUX=$(sed -n 's/.* device \(idxd\.sf\.[0-9]*\) .*/\1/p' "$OUT")
GRP=$(sed -n 's|.* vfio /dev/vfio/\([0-9]*\).*|\1|p' "$OUT")
[ -n "$AUX" ] && [ "$(basename "$(readlink /sys/bus/auxiliary/devices/$AUX/driver)")" = vfio_idxd_aux.vfio_idxd_aux ] &&
	[ "$(basename "$(readlink /sys/bus/auxiliary/devices/$AUX/iommu_group)")" = "$GRP" ] &&
	[ -c "/dev/vfio/$GRP" ]
result $? "it prints the device ($AUX), bound to vfio_idxd_aux, and its group /dev/vfio/$GRP"
grep -qx "  qemu: -device vfio-pci,sysfsdev=/sys/bus/auxiliary/devices/$AUX" "$OUT"
result $? "and QEMU's -device argument for it"
run 0 list --json && tr '}' '\n' <"$OUT" | grep "\"sfnum\":72," >/tmp/sf72 &&
	[ "$(json_field device </tmp/sf72)" = "$AUX" ] &&
	[ "$(json_field driver </tmp/sf72)" = vfio_idxd_aux.vfio_idxd_aux ] &&
	[ "$(json_field pasid </tmp/sf72)" = "$(cat /sys/bus/auxiliary/devices/$AUX/pasid)" ] &&
	[ "$(json_field wq </tmp/sf72)" = "$(cat /sys/bus/auxiliary/devices/$AUX/wq)" ] &&
	[ "$(json_field vfio_group </tmp/sf72)" = "$GRP" ] &&
	[ "$(json_field opstate </tmp/sf72)" = attached ]
result $? "list --json: device, driver, PASID, WQ and group as sysfs says, opstate attached"
run 0 list && head -n1 "$OUT" | grep -q "^PORT *SFNUM *STATE" &&
	grep -q "^$DL/$P  *72 active  *attached *$AUX *vfio_idxd_aux" "$OUT" ||
	{ sed 's/^/# /' "$OUT"; false; }
result $? "list: a table with the same"
run 0 destroy "$DL/$P" && [ -z "$(sfnum_port 72)" ] &&
	[ ! -e "/sys/bus/auxiliary/devices/$AUX" ] && grep -q "^deleted $DL/$P" "$OUT"
result $? "destroy DEV/PORT: deactivated and deleted, the device gone"
# --bind vfio takes the device from another driver: with only the test
# consumer loaded, an activated SF is its (SF 75); --bind vfio unbinds it
# from there, loads vfio_idxd_aux and binds (SF 74)
rmmod vfio_idxd_aux && insmod ./idxd_sf_test.ko &&
	run 0 create "$DL" --sfnum 75 --activate &&
	grep -q " driver idxd_sf_test\.sf_test" "$OUT" &&
	run 0 create "$DL" --sfnum 74 --bind vfio &&
	AUX=$(sed -n 's/.* device \(idxd\.sf\.[0-9]*\) .*/\1/p' "$OUT") &&
	[ "$(basename "$(readlink /sys/bus/auxiliary/devices/$AUX/driver)")" = vfio_idxd_aux.vfio_idxd_aux ] ||
	{ sed 's/^/# /' "$OUT" "$ERR"; false; }
result $? "create --bind vfio takes an SF from the driver holding it (the test consumer)"
run 0 destroy --all >/dev/null && rmmod idxd_sf_test
run 0 create "$DL" --count 4 --sfnum 80 --activate &&
	[ "$(grep -c '^port ' "$OUT")" -eq 4 ] &&
	for s in 80 81 82 83; do
		[ "$(port_field "$(sfnum_port $s)" state)" = active ] || exit 1
	done
result $? "create --count 4 --sfnum 80 --activate: sfnums 80..83, all active"
run 0 create "$DL" --count 2 && [ "$(grep -c '^port ' "$OUT")" -eq 2 ]
result $? "create --count 2 without --sfnum: the driver numbers them"
run 0 destroy --all && [ "$(ports)" -eq 0 ] &&
	[ -z "$(ls /sys/bus/auxiliary/devices/ | grep idxd.sf)" ]
result $? "destroy --all: no SF port, no SF device left"
run 0 create "$DL" --sfnum 80 >/dev/null
before=$(ports)
run 2 create "$DL" --count 3 --sfnum 79 --activate && grep -q "sfnum 80 is taken" "$ERR" &&
	grep -q "deleting the 1 port this run made" "$ERR" && [ -z "$(sfnum_port 79)" ] &&
	[ "$(ports)" -eq "$before" ] || { sed 's/^/# /' "$ERR"; false; }
result $? "a --count failing midway (sfnum 80 taken) deletes what it made, says so"

# --- bad input: one line, a documented status, nothing changed --------
run 0 create "$DL" --sfnum 90 >/dev/null
refused 2 "create on a device devlink does not know" create pci/0000:00:1f.7
refused 1 "--sfnum past 32 bits" create "$DL" --sfnum 4294967296
refused 1 "--sfnum in hex (devlink reads decimal)" create "$DL" --sfnum 0x10
refused 2 "port show of a device devlink does not know" port show pci/0000:00:1f.7
refused 1 "--count 0" create "$DL" --count 0
refused 1 "--bind to something but vfio" create "$DL" --bind uio
refused 2 "create --sfnum of a taken number" create "$DL" --sfnum 90
refused 1 "a port handle without the index" destroy "$DL"
refused 2 "destroy of a port that is not there" destroy "$DL/999"
refused 1 "an unknown command" frobnicate
run 0 destroy --all >/dev/null

# --- memcheck ---------------------------------------------------------
vg() {
	VALGRIND_LIB=$PWD/vg ./vg/valgrind -q --leak-check=full \
		--errors-for-leak-kinds=all --error-exitcode=99 \
		--log-file=/tmp/vg.log.%p dsa-sf "$@" >/dev/null 2>&1
}
# memcheck finds the loader's symbols where Debian's libc6-dbg puts them
mkdir -p /usr/lib/debug && cp -r vg/debug/.build-id /usr/lib/debug/
rm -f /tmp/vg.log.*
ok=0
vg create "$DL" --count 2 --sfnum 95 --bind vfio || ok=1
vg list --json || ok=1
vg list || ok=1
vg port show "$DL" -j || ok=1
vg create "$DL" --sfnum 95
[ $? -eq 2 ] || ok=1
vg destroy --all || ok=1
vg frobnicate
[ $? -eq 1 ] || ok=1
cat /tmp/vg.log.* >/tmp/vg.log
[ $ok -eq 0 ] && [ "$(ls /tmp/vg.log.* | wc -l)" -eq 7 ] && [ ! -s /tmp/vg.log ]
result $? "memcheck: create, list, port show, a refusal, destroy: no leak, no bad access"
sed 's/^/# /' /tmp/vg.log | head -n 30
# as the suite found it: the next suites load idxd themselves
rmmod vfio_idxd_aux
rmmod idxd
exit 0
