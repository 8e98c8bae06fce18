#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dsa-sf, the operator tool: each command does what it says, as stock
# devlink and sysfs see it; each bad input gets one line on stderr, its
# documented exit status (1 input, 2 the kernel refused, 3 the system,
# 128+N a signal) and leaves the ports as they were; a --count that fails
# midway, or is interrupted, deletes what it made; "port" reads and writes
# what stock devlink does, text and JSON (checked by jq, a real parser);
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
	run "$want" "$@" && one_line && [ ! -s "$OUT" ] &&
		[ "$before" = "$(port_indexes | tr '\n' ' ')" ]
	result $? "$desc: exit $want, one line ($(cat "$ERR")), nothing on stdout, ports as they were"
}

# sfnum_port SFNUM: the index of the port with SFNUM, from devlink
sfnum_port() {
	devlink -j port show | jq -r --argjson s "$1" \
		'.port | to_entries[] | select(.value.sfnum == $s) | .key' |
		sed 's|.*/||'
}

# jqf FILTER: jq's reading of $OUT, the one parser the JSON must pass
jqf() {
	jq -e -r "$1" <"$OUT"
}

# sf_devices: the SF auxiliary devices that exist
sf_devices() {
	ls /sys/bus/auxiliary/devices/ | grep -c '^idxd\.sf\.'
}

# fake_modprobe BODY: a modprobe first in PATH that runs BODY (sh), for
# the bind's module load; "$PPID" in BODY is dsa-sf
FAKE=/tmp/fake-modprobe
fake_modprobe() {
	mkdir -p $FAKE
	printf '#!/bin/sh\n%s\n' "$1" >$FAKE/modprobe
	chmod +x $FAKE/modprobe
}

echo "KTAP version 1"
echo "1..56"

rmmod vfio_idxd_aux 2>/dev/null
modprobe idxd && modprobe vfio_iommu_type1 &&
	[ ! -d /sys/bus/auxiliary/drivers/vfio_idxd_aux.vfio_idxd_aux ]
result $? "idxd and vfio_iommu_type1 load, vfio_idxd_aux is not loaded"

# --- port: devlink's syntax and output ---------------------------------
devlink port add "$DL" flavour pcisf sfnum 70 2>"$ERR"
[ $? -ne 0 ] && grep -q "PF number is expected" "$ERR"
result $? "stock devlink refuses 'port add $DL flavour pcisf' ($(cat "$ERR"))"
run 0 port add "$DL" flavour pcisf sfnum 70 && P=$(sfnum_port 70) &&
	[ "$(port_field "$P" flavour)" = pcisf ] &&
	devlink port show "$DL/$P" | cmp -s - "$OUT" ||
	{ sed 's/^/# /' "$OUT"; false; }
result $? "port add $DL flavour pcisf sfnum 70: pfnum filled in (port ${P:-none}), printed as devlink shows it"
run 0 port add "$DL" flavour dsa && P0=$(sfnum_port 0) && [ -n "$P0" ] &&
	[ "$(port_field "$P0" flavour)" = pcisf ] &&
	grep -q "^dsa-sf: kernel: .*sfnum 0 assigned" "$ERR" &&
	run 0 port del "$DL/$P0" && [ -z "$(sfnum_port 0)" ]
result $? "port add DEV flavour dsa, as users write it: sfnum 0, the kernel's note shown; port del"
run 0 p a "$DL" fl pcisf sf 71 && P1=$(sfnum_port 71) && [ -n "$P1" ] &&
	run 0 port d "$DL/$P1" && [ -z "$(sfnum_port 71)" ]
result $? "keywords shortened as devlink allows: p a DEV fl pcisf sf 71, port d DEV/PORT"
run 0 -j port add "$DL" flavour pcisf sfnum 71 && P1=$(sfnum_port 71) &&
	[ "$(jqf ".port[\"$DL/$P1\"].sfnum")" = 71 ] &&
	[ "$(jqf ".port[\"$DL/$P1\"].flavour")" = pcisf ] &&
	run 0 port del "$DL/$P1" || { sed 's/^/# /' "$OUT"; false; }
result $? "-j port add: the new port as JSON (jq)"
run 0 port show "$DL/$P" -j &&
	[ "$(jqf ".port[\"$DL/$P\"].sfnum")" = 70 ] &&
	[ "$(jqf ".port[\"$DL/$P\"].function.state")" = inactive ]
result $? "port show DEV/PORT -j: sfnum 70, state inactive (jq)"
run 0 port function set "$DL/$P" state active &&
	[ "$(port_field "$P" state)" = active ] &&
	[ "$(port_field "$P" opstate)" = detached ]
result $? "port function set DEV/PORT state active: devlink says active (no consumer: detached)"
run 0 port show && devlink port show | cmp -s - "$OUT" ||
	{ sed 's/^/# /' "$OUT"; devlink port show | sed 's/^/# devlink: /'; false; }
result $? "port show: byte for byte what devlink port show prints"
run 0 -j port show && jq -S . "$OUT" >/tmp/ours.json &&
	devlink -j port show | jq -S . | cmp -s - /tmp/ours.json &&
	run 0 port sh -jp && jq -S . "$OUT" | cmp -s - /tmp/ours.json &&
	[ "$(wc -l <"$OUT")" -gt 3 ] || { sed 's/^/# /' "$OUT"; false; }
result $? "-j port show and port sh -jp: the JSON devlink -j prints, jq reads the same"
run 0 port show "$DL" && grep -q "^$DL/$P: type notset flavour pcisf" "$OUT"
result $? "port show DEV lists that device's ports"
run 0 port fu se "$DL/$P" st inactive &&
	[ "$(port_field "$P" state)" = inactive ]
result $? "port fu se DEV/PORT st inactive: shortened, inactive"
devlink port add "$DL" flavour pcisf pfnum 3 sfnum 73 2>"$ERR.devlink"
msg=$(head -n1 "$ERR.devlink" | sed 's/^Error: //; s/\.$//')
refused 2 "port add with pfnum 3" port add "$DL" flavour pcisf pfnum 3 sfnum 73
[ -n "$msg" ] && grep -qF "$msg" "$ERR"
result $? "the kernel's words, as devlink prints them ($msg)"
refused 2 "port add DEV/PORT (devlink's syntax; the driver picks indexes)" \
	port add "$DL/5" flavour pcisf sfnum 73
grep -q "picks the port index" "$ERR"
result $? "the kernel says why ($(cat "$ERR"))"
refused 2 "port add ... controller 1" port add "$DL" flavour pcisf controller 1
refused 2 "port del of a port that is not there" port del "$DL/999"
refused 2 "port function set of a port that is not there" \
	port function set "$DL/999" state active
refused 1 "port function set ... state up" port function set "$DL/$P" state up
refused 1 "port function set ... hw_addr (not for these SFs)" \
	port function set "$DL/$P" hw_addr 00:11:22:33:44:55
refused 1 "port split (devlink's, not for SFs)" port split "$DL/$P" count 2
refused 1 "port add without flavour" port add "$DL" sfnum 73
refused 1 "port add of a flavour devlink does not know" port add "$DL" flavour pcixf
run 0 port del "$DL/$P" && [ -z "$(sfnum_port 70)" ]
result $? "port del: gone"

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
sf72=".sf[] | select(.sfnum == 72)"
run 0 list -j &&
	[ "$(jqf "$sf72.device")" = "$AUX" ] &&
	[ "$(jqf "$sf72.driver")" = vfio_idxd_aux.vfio_idxd_aux ] &&
	[ "$(jqf "$sf72.pasid")" = "$(cat /sys/bus/auxiliary/devices/$AUX/pasid)" ] &&
	[ "$(jqf "$sf72.wq")" = "$(cat /sys/bus/auxiliary/devices/$AUX/wq)" ] &&
	[ "$(jqf "$sf72.vfio_group")" = "$GRP" ] &&
	[ "$(jqf "$sf72.opstate")" = attached ] &&
	[ "$(jqf "$sf72.port")" = "$DL/$P" ]
result $? "list -j: device, driver, PASID, WQ and group as sysfs says, opstate attached (jq)"
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
	(for s in 80 81 82 83; do
		[ "$(port_field "$(sfnum_port $s)" state)" = active ] || exit 1
	done)
result $? "create --count 4 --sfnum 80 --activate: sfnums 80..83, all active"
run 0 create "$DL" --count 2 && [ "$(grep -c '^port ' "$OUT")" -eq 2 ] &&
	[ ! -s "$ERR" ]
result $? "create --count 2 without --sfnum: the driver numbers them, stderr quiet"
run 0 destroy --all && [ "$(ports)" -eq 0 ] && [ "$(sf_devices)" -eq 0 ]
result $? "destroy --all: no SF port, no SF device left"
run 0 -j create "$DL" --count 2 --sfnum 60 --bind vfio &&
	[ "$(jqf '.sf | length')" -eq 2 ] &&
	(for i in 0 1; do
		d=$(jqf ".sf[$i].device") &&
		[ "$(jqf ".sf[$i].qemu")" = "-device vfio-pci,sysfsdev=/sys/bus/auxiliary/devices/$d" ] &&
		[ "$(jqf ".sf[$i].vfio_group")" = "$(basename "$(readlink /sys/bus/auxiliary/devices/$d/iommu_group)")" ] &&
		[ "$(jqf ".sf[$i].sfnum")" -eq $((60 + i)) ] || exit 1
	done) || { sed 's/^/# /' "$OUT"; false; }
result $? "-j create --count 2 --bind vfio: each SF's port, device, group and QEMU argument (jq)"
run 0 destroy --all >/dev/null
run 0 create "$DL" --sfnum 80 >/dev/null
before=$(ports)
run 2 create "$DL" --count 3 --sfnum 79 --activate && grep -q "sfnum 80 is taken" "$ERR" &&
	grep -q "deleting the 1 port this run made" "$ERR" && [ -z "$(sfnum_port 79)" ] &&
	[ "$(ports)" -eq "$before" ] && [ ! -s "$OUT" ] || { sed 's/^/# /' "$ERR"; false; }
result $? "a --count failing midway (sfnum 80 taken) deletes what it made, says so, prints nothing"
run 0 destroy --all >/dev/null
# more SFs than the device has WQs: the kernel refuses one, bound ones too
# are taken back
run 2 create "$DL" --count 64 --bind vfio &&
	grep -q "deleting the [0-9]* ports this run made" "$ERR" &&
	[ "$(ports)" -eq 0 ] && [ "$(sf_devices)" -eq 0 ] && [ ! -s "$OUT" ] &&
	[ -z "$(ls /dev/vfio | grep -v '^vfio$')" ] || { sed 's/^/# /' "$ERR"; false; }
result $? "--count 64 --bind vfio past the WQs: exit 2 ($(grep -m1 -E "port add:|activate:" "$ERR")), nothing left"

# --- the system fails: status 3; a signal: 128+N; both undo -----------
rmmod vfio_idxd_aux
fake_modprobe 'exit 1'
PATH=$FAKE:$PATH run 3 create "$DL" --sfnum 77 --bind vfio &&
	grep -q "bind idxd\.sf\.[0-9]* to vfio_idxd_aux.vfio_idxd_aux" "$ERR" &&
	[ "$(ports)" -eq 0 ] && [ "$(sf_devices)" -eq 0 ] && [ ! -s "$OUT" ] ||
	{ sed 's/^/# /' "$ERR"; false; }
result $? "--bind vfio without a vfio_idxd_aux to load: exit 3, the SF deleted"
# as a terminal's Ctrl-C, to the process group: dsa-sf and its modprobe
fake_modprobe 'kill -INT $PPID $$; exec /usr/sbin/modprobe "$@"'
PATH=$FAKE:$PATH run 130 create "$DL" --count 3 --sfnum 76 --bind vfio &&
	grep -q "Interrupt: stopping" "$ERR" &&
	grep -q "deleting the 1 port this run made" "$ERR" &&
	[ "$(ports)" -eq 0 ] && [ "$(sf_devices)" -eq 0 ] && [ ! -s "$OUT" ] &&
	[ -d /sys/bus/auxiliary/drivers/vfio_idxd_aux.vfio_idxd_aux ] ||
	{ sed 's/^/# /' "$ERR"; false; }
result $? "SIGINT to dsa-sf and its modprobe during a --count: the load ends, the SF made is deleted, exit 130"
rm -rf $FAKE

# --- bad input: one line, a documented status, nothing changed --------
run 0 create "$DL" --sfnum 90 >/dev/null
refused 1 "create on a device idxd does not drive" create pci/0000:00:1f.7
refused 1 "create on a device that is not PCI" create platform/dsa0
refused 1 "--sfnum past 32 bits" create "$DL" --sfnum 4294967296
refused 1 "--sfnum in hex (devlink reads decimal)" create "$DL" --sfnum 0x10
refused 1 "--count 0" create "$DL" --count 0
refused 1 "--count past 1024" create "$DL" --count 1025
refused 1 "--bind to something but vfio" create "$DL" --bind uio
refused 2 "create --sfnum of a taken number" create "$DL" --sfnum 90
refused 1 "a port handle without the index" destroy "$DL"
refused 2 "destroy of a port that is not there" destroy "$DL/999"
refused 1 "an unknown command" frobnicate
refused 1 "an option devlink has but dsa-sf not (-v)" -v list
refused 2 "port show of a device devlink does not know" port show pci/0000:00:1f.7
run 0 destroy --all >/dev/null

# --- the JSON writer alone ----------------------------------------------
for style in compact pretty; do
	./json_escape /tmp/ascii $style >"$OUT" &&
		jqf .value | head -c -1 | cmp -s - /tmp/ascii &&
		jq -j 'keys_unsorted[1]' "$OUT" | cmp -s - /tmp/ascii &&
		[ "$(jq -c .nest "$OUT")" = '[{},-1,null,true]' ]
	result $? "JSON writer ($style): ASCII 1-127 as value and key, jq reads them back"
done

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
vg -j create "$DL" --count 2 --sfnum 95 --bind vfio || ok=1
vg list -jp || ok=1
vg list || ok=1
vg port show || ok=1
vg -j port show "$DL" || ok=1
vg create "$DL" --sfnum 95
[ $? -eq 2 ] || ok=1
vg create "$DL" --count 2 --sfnum 94 --activate
[ $? -eq 2 ] || ok=1
vg destroy --all || ok=1
vg frobnicate
[ $? -eq 1 ] || ok=1
cat /tmp/vg.log.* >/tmp/vg.log
[ $ok -eq 0 ] && [ "$(ls /tmp/vg.log.* | wc -l)" -eq 9 ] && [ ! -s /tmp/vg.log ] &&
	[ "$(ports)" -eq 0 ]
result $? "memcheck: create (-j, a refusal, an undo), list, port show, destroy: no leak, no bad access"
sed 's/^/# /' /tmp/vg.log | head -n 30
# as the suite found it: the next suites load idxd themselves
rmmod vfio_idxd_aux
rmmod idxd
exit 0
