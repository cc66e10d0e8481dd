#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Holds the device model to Debian's dfu-util 0.11: upload, raw download with
# leave, a .dfu download, the host-behaviour counters, and the F1, H7 and
# protected-bootloader chips, all through dfuse-sim and the real libusb.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/sim/tap.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/sim/sim-lib.sh"

plan 30

# run NAME SIM-OPTIONS... -- DFU-UTIL-ARGS...: runs dfu-util under the runner with
# stats, log and dump in $WORK/NAME.*; its exit status is $rc.
run() {
	name=$1
	shift
	rm -rf "$WORK/$name.dump"
	sim_run "$WORK/$name.out" --time-scale "$SCALE" --stats "$WORK/$name.stats" \
		--log "$WORK/$name.log" --dump "$WORK/$name.dump" "$@"
	rc=$?
	[ "$rc" -eq 0 ] || diag "$name: exit $rc: $(grep 'dfu-util:' "$WORK/$name.out" | tail -n 2)"
}

# flash NAME SERIAL: the dumped internal flash (alt 0) of that run.
flash() {
	echo "$WORK/$1.dump/$2/alt0-0x08000000.bin"
}

# clean NAME SERIAL: the host waited as told and never wrote unerased flash.
clean() {
	[ "$(stat_get "$WORK/$1.stats" "$2.early_polls")" = 0 ] &&
		[ "$(stat_get "$WORK/$1.stats" "$2.unerased_writes")" = 0 ]
}

# (a) upload
random "$WORK/in.bin" 65536
run up --serial F4UP --load "$WORK/in.bin@0x08000000" -- \
	dfu-util -a 0 -s 0x08000000:65536 -U "$WORK/out.bin"
check "f4 upload: dfu-util exits 0" [ "$rc" -eq 0 ]
check "f4 upload: 64 KiB read back equal the preloaded bytes" cmp -s "$WORK/in.bin" "$WORK/out.bin"
check "f4 upload: 65536 bytes went over the wire" \
	[ "$(stat_get "$WORK/up.stats" F4UP.bytes_read)" -eq 65536 ]

# (b) raw download with leave
random "$WORK/img.bin" 40000
run dl --serial F4DL -- dfu-util -a 0 -s 0x08004000:leave -D "$WORK/img.bin"
f=$(flash dl F4DL)
check "f4 raw download + leave: dfu-util exits 0" [ "$rc" -eq 0 ]
check "f4 raw download: the image sits at 0x08004000" same_at "$f" 16384 "$WORK/img.bin"
check "f4 raw download: sector 0 untouched (0xFF)" blank "$f" 0 16384
check "f4 raw download: flash after the image is 0xFF" \
	blank "$f" $((16384 + 40000)) $((1048576 - 16384 - 40000))
check "f4 raw download: the log shows the leave" grep -q 'EVENT leave' "$WORK/dl.log"
check "f4 raw download: the device left the bus" grep -q 'EVENT gone' "$WORK/dl.log"
is "$(stat_get "$WORK/dl.stats" F4DL.leave)" 1 "f4 raw download: one leave counted"

# (c) .dfu download built by Debian's dfuse-pack
random "$WORK/pack.bin" 20000
if command -v dfuse-pack >/dev/null 2>&1 &&
	dfuse-pack -b "0x08000000:$WORK/pack.bin" "$WORK/x.dfu" >"$WORK/pack.out" 2>&1; then
	dfu-suffix -c "$WORK/x.dfu" >"$WORK/suffix.out" 2>&1
	check "dfuse-pack wrote a DfuSe suffix" grep -q 'BCD DFU:.*0x011A' "$WORK/suffix.out"
	run dfu --serial F4DFU -- dfu-util -a 0 -D "$WORK/x.dfu"
	check ".dfu download: dfu-util exits 0" [ "$rc" -eq 0 ]
	check ".dfu download: memory holds the element" \
		same_at "$(flash dfu F4DFU)" 0 "$WORK/pack.bin"
	check ".dfu download: host waited and erased first" clean dfu F4DFU
else
	for t in suffix exit memory clean; do
		skip ".dfu download: $t" "dfuse-pack not available"
	done
fi

# (d) dfu-util's polling and erasing, on the runs above
check "upload: no early GETSTATUS, no unerased write" clean up F4UP
check "raw download: no early GETSTATUS, no unerased write" clean dl F4DL
is "$(stat_get "$WORK/dl.stats" F4DL.forbidden)" "0" \
	"raw download: nothing the state forbids"

# (e) other chips: an upload and a download in a writeable region each.
# chip serial upload-address download-address
for spec in "f1 F1X 0x08001000 0x08004000" "h7 H7X 0x08020000 0x08040000" \
	"protboot PBX 0x08000000 0x08010000"; do
	set -- $spec
	random "$WORK/$1.in" 8192
	run "$1up" --device "$1" --serial "$2" --load "$WORK/$1.in@$3" -- \
		dfu-util -a 0 -s "$3:8192" -U "$WORK/$1.out"
	good=false
	[ "$rc" -eq 0 ] && cmp -s "$WORK/$1.in" "$WORK/$1.out" && good=true
	check "$1: upload at $3 reads back what was loaded" $good
	random "$WORK/$1.img" 12000
	run "$1dl" --device "$1" --serial "$2" -- dfu-util -a 0 -s "$4" -D "$WORK/$1.img"
	check "$1: download at $4 exits 0" [ "$rc" -eq 0 ]
	good=false
	same_at "$(flash "$1dl" "$2")" $(($4 - 0x08000000)) "$WORK/$1.img" &&
		clean "$1dl" "$2" && good=true
	check "$1: download at $4 lands in memory and the host behaved" $good
done

# protboot: the first 64 KiB are read-only; a download there fails, memory unchanged.
# dfu-util itself refuses from the layout string; with :force it tries, and
# then the device must refuse the write.
random "$WORK/boot.bin" 65536
random "$WORK/evil.bin" 4096
run ro --device protboot --serial PBRO --load "$WORK/boot.bin@0x08000000" -- \
	dfu-util -a 0 -s 0x08000000 -D "$WORK/evil.bin"
check "protboot: download into the read-only 64 KiB fails" [ "$rc" -ne 0 ]
check "protboot: the read-only 64 KiB are unchanged" same_at "$(flash ro PBRO)" 0 "$WORK/boot.bin"
run rof --device protboot --serial PBRO --load "$WORK/boot.bin@0x08000000" -- \
	dfu-util -a 0 -s 0x08000000:force -D "$WORK/evil.bin"
good=false
[ "$rc" -ne 0 ] && grep -q 'status(3) = Device is unable to write memory' "$WORK/rof.out" &&
	good=true
check "protboot: with :force the device answers errWRITE and dfu-util fails" $good
check "protboot: ... and the read-only 64 KiB are still unchanged" \
	same_at "$(flash rof PBRO)" 0 "$WORK/boot.bin"
