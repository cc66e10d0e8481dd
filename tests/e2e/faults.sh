#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The ROM faults of issue 11 end to end: a transfer error does not prove that
# the device left (leave, read unprotect, option bytes), a descriptor read
# that fails is not a layout error, and no operation reports a success that
# did not happen when any of its requests fails.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 34

FLASH=1048576
gen "$WORK/pattern.bin" $FLASH 60
gen "$WORK/app.bin" 40000 61

# req_index NAME ERE: the 1-based position, among the requests in that run's
# device log (EVENT lines left out), of the first one matching ERE.
req_index() {
	grep -v ' EVENT ' "$WORK/$1.log" | grep -En -- "$2" | head -n 1 | cut -d: -f1
}

# Case 1: a Read Unprotect whose DNLOAD fails with "no device" never reached
# the chip: not "Read protection removed", exit 0.
sim unp0 --read-protected --load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -s :unprotect:force
AT=$(req_index unp0 'DNLOAD wValue=0 wLength=1 ')
sim unp1 --read-protected --fail-at "$AT" --fail-kind nodev \
	--load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -s :unprotect:force
check "1. unprotect whose DNLOAD finds no device: exit 74, one line saying so" \
	eval '[ "$rc" -eq 74 ] && one_error unp1 "read unprotect: DNLOAD: device disconnected"'
check "1. and nothing claims the protection was removed (flash intact)" \
	eval '! grep -q "protection removed" "$WORK/unp1.out" &&
		cmp -s "$WORK/pattern.bin" "$(mem unp1)"'

# Case 2: at :leave, a STALLed GETSTATUS while the device stays in dfuMANIFEST-SYNC.
sim lv2 --leave-status-stall -- "$DFUSE" -s 0x08000000:leave
check "2. leave whose GETSTATUS STALLs, device still there: exit 76" [ "$rc" -eq 76 ]
check "2. the one error line names the state the device is still in" \
	one_error lv2 'leave.*still on the bus \(state dfuMANIFEST-SYNC\)'

# Case 3: the zero-length DNLOAD STALLs, then the device resets with good flash.
sim lv3 --leave-stall-reset -- "$DFUSE" -a 0 -s 0x08000000:leave -D "$WORK/app.bin"
[ "$rc" -eq 0 ] || show lv3
check "3. leave that STALLs and resets: exit 0, nothing on stderr" quiet_ok lv3
check "3. the image is in flash and the device left" \
	eval 'same_at "$(mem lv3)" 0 "$WORK/app.bin" && grep -q "EVENT gone" "$WORK/lv3.log"'

# Case 4: the device disconnects while its strings are read (the 4th request
# is alt 0's name, after the language list, the serial and the product): a
# disconnect, not a layout that "does not start with '@'".
sim ds4 --disconnect-after 4 -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/app.bin"
check "4. disconnect while descriptors are read: exit 74" [ "$rc" -eq 74 ]
check "4. the one error line says the layout could not be read, not UNKNOWN" \
	eval 'one_error ds4 "layout could not be read" && ! grep -q UNKNOWN "$WORK/ds4.err"'

# Case 5: --diff flashes in full only when reading is not allowed; a read
# that fails (here an I/O error on the second UPLOAD) stops the run before
# anything is erased.
sim df0 -- "$DFUSE" -a 0 -s 0x08000000 --diff -D "$WORK/app.bin"
AT=$(($(req_index df0 'UPLOAD wValue=2 ') + 1))
sim df5 --load "$WORK/pattern.bin@0x08000000" --fail-at "$AT" --fail-kind io -- \
	"$DFUSE" -a 0 -s 0x08000000 --diff -D "$WORK/app.bin"
check "5. --diff whose read fails: exit 74, one line naming the step, not a full flash" \
	eval '[ "$rc" -eq 74 ] && one_error df5 "diff: comparing alt 0 .*nothing of it erased" &&
		! grep -q "in full" "$WORK/df5.out"'
check "5. nothing erased or written: the flash is as it was" \
	eval 'stat_is df5 erase 0 && cmp -s "$WORK/pattern.bin" "$(mem df5)"'
sim df5p --read-protected -- "$DFUSE" -a 0 -s 0x08000000 --diff -D "$WORK/app.bin"
check "5. --diff on a read-protected device still falls back to a full flash" \
	grep -q "flashing in full" "$WORK/df5p.out"

# Case 6: the H7 rev V ROM stays dfuDNBUSY after erasing a sector above
# 1 MiB; recovered (two CLRSTATUS, the sector reads blank) within seconds,
# not polled for 120 s.
gen "$WORK/h7.bin" 4000 65
T0=$(now_ms)
sim h76 --device h7 --stuck-busy-high -- "$DFUSE" -a 0 -s 0x08100000 -D "$WORK/h7.bin"
T1=$(now_ms)
[ "$rc" -eq 0 ] || show h76
check "6. H7 stuck-busy erase: exit 0 in $((T1 - T0)) ms (well under a request's 120 s)" \
	eval '[ "$rc" -eq 0 ] && [ $((T1 - T0)) -lt 30000 ]'
check "6. two CLRSTATUS, no forbidden request, the image in flash" \
	eval 'stat_is h76 clrstatus 2 && stat_is h76 forbidden 0 &&
		same_at "$(mem h76)" 1048576 "$WORK/h7.bin"'

# Case 9: H5/H7 ROMs drop a final partial flash word; a 1000-byte image
# (31 words and 8 bytes) is padded to 1024 inside the erased sector.
gen "$WORK/w.bin" 1000 66
sim fw9 --device h7 --flash-word 32 -- "$DFUSE" -v -a 0 -s 0x08000000 -D "$WORK/w.bin"
[ "$rc" -eq 0 ] || show fw9
check "9. H7 1000-byte image: exit 0, every byte in flash, 0xFF after it" \
	eval '[ "$rc" -eq 0 ] && same_at "$(mem fw9)" 0 "$WORK/w.bin" && blank "$(mem fw9)" 1000 4096'
check "9. -v says that the write was padded to the 32-byte flash word" \
	grep -q 'padded with 24 bytes of 0xFF.*32-byte flash word' "$WORK/fw9.out"

# Case 10: a device busy for hundreds of polls per request gets one warning.
sim br10 --device f1 --busy-repeat 300 -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/w.bin"
check "10. busy for 300 polls: exit 0 with one warning naming the address and the cure" \
	eval '[ "$rc" -eq 0 ] &&
		one_error br10 "warning: device busy for .* \(30[0-9] polls\) at 0x08000000.*USB hub"'

# Case 7: the F411 ROM STALLs a data block now and then. The block is
# cleared and read back: written already (go on), blank (send it again) or
# half written (erase its sector, write it again); three failures of one
# block stop the run naming it, and the same command with --diff resumes.
gen "$WORK/f411.bin" 100000 67
for how in lost written partial; do
	case $how in
	lost) opt= ;;
	written) opt=--stall-data-written ;;
	partial) opt=--stall-data-partial ;;
	esac
	sim "f7$how" --device f411 --stall-data-block 7 $opt -- \
		"$DFUSE" -a 0 -s 0x08000000 -D "$WORK/f411.bin"
	[ "$rc" -eq 0 ] || show "f7$how"
done
# f7_clean: each of the three runs behaved (no forbidden request, no unerased write).
f7_clean() {
	for h in lost written partial; do
		stat_is "f7$h" forbidden 0 && stat_is "f7$h" unerased_writes 0 || return 1
	done
}
check "7. a STALLed block, lost / written / half written: recovered, host behaved" \
	eval 'grep -q "refused the data block at 0x08003000" "$WORK/f7lost.out" && f7_clean'
check "7. each time the flash holds the whole image" \
	eval 'same_at "$(mem f7lost)" 0 "$WORK/f411.bin" &&
		same_at "$(mem f7written)" 0 "$WORK/f411.bin" &&
		same_at "$(mem f7partial)" 0 "$WORK/f411.bin"'
check "7. only the half-written block's sector was erased twice" \
	eval 'stat_is f7lost erases_per_sector_max 1 && stat_is f7written erases_per_sector_max 1 &&
		stat_is f7partial erases_per_sector_max 2'
sim f7stop --device f411 --stall-data-block 30 --stall-data-repeat -- \
	"$DFUSE" -a 0 -s 0x08000000 -D "$WORK/f411.bin"
check "7. a block refused three times: exit 76, naming it and --diff" \
	eval '[ "$rc" -eq 76 ] && one_error f7stop "data block at 0x0800e800 failed 3 times.*--diff"'
cp "$(mem f7stop)" "$WORK/f7half.bin"
sim f7diff --device f411 --load "$WORK/f7half.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000 --diff -D "$WORK/f411.bin"
check "7. the same command with --diff finishes it without erasing the good sectors" \
	eval '[ "$rc" -eq 0 ] && same_at "$(mem f7diff)" 0 "$WORK/f411.bin" &&
		! erased f7diff | grep -Eq "0x08000000|0x08004000|0x08008000"'

# Case 8: the GD32VF103 claims 512*2 KiB pages; it has 1 KiB pages, 128 of
# them when its serial's third character is B, 16 when it is 4.
gen "$WORK/gdpat.bin" 131072 62
gen "$WORK/gd.bin" 5000 63
sim gd8 --device gd32vf103 --load "$WORK/gdpat.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000:leave -D "$WORK/gd.bin"
[ "$rc" -eq 0 ] || show gd8
check "8. GD32VF103: exit 0, five 1 KiB pages erased, the image in flash, the device left" \
	eval '[ "$rc" -eq 0 ] && ! grep -q "^dfuse-util:" "$WORK/gd8.err" &&
		[ "$(erased gd8 | wc -w)" -eq 5 ] &&
		same_at "$(mem gd8)" 0 "$WORK/gd.bin" && grep -q "EVENT gone" "$WORK/gd8.log"'
check "8. GD32VF103: the rest of the flash is untouched" \
	eval 'tail -c +5121 "$(mem gd8)" | cmp -s - "$(tail -c +5121 "$WORK/gdpat.bin" >"$WORK/gdrest.bin"; echo "$WORK/gdrest.bin")"'
gen "$WORK/gd20k.bin" 20480 64
sim gd8s --device gd32vf103 --serial '3?4J' -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/gd20k.bin"
check "8. GD32VF103 with 16 KiB (serial 3?4J): 20 KiB refused before any write" \
	eval '[ "$rc" -ne 0 ] && one_error gd8s "outside the memory" && stat_is gd8s dnload 0'

# Case 11: an address outside the chosen alt names the alt's range and the
# alt that holds it (or that none does); an output path that cannot be
# created is refused before the device is touched.
printf 'sixteen bytes!!\n' >"$WORK/ob16.bin"
sim m11 -- "$DFUSE" -a 0 -s 0x1FFFC000 -D "$WORK/ob16.bin"
check "11. address in another alt: one line with alt 0's range and 'use -a 1'" \
	eval '[ "$rc" -eq 65 ] &&
		one_error m11 "outside the memory of alt 0 .*\(0x08000000-0x080fffff\).*use -a 1 \(\"Option Bytes"'
sim m11n -- "$DFUSE" -a 0 -s 0x30000000 -D "$WORK/ob16.bin"
check "11. address in no alt: the line says so" \
	one_error m11n 'no alt of this device holds 0x30000000'
ln -s "$WORK/no/such/dir/out.bin" "$WORK/dangling"
sim m11s -- "$DFUSE" -a 0 -s 0x08000000:4096 -U "$WORK/dangling"
check "11. upload to a dangling symlink: exit 73 before any request, saying what it is" \
	eval '[ "$rc" -eq 73 ] && stat_is m11s requests 0 &&
		one_error m11s "dangling is a symbolic link to nothing"'
mkdir "$WORK/outdir"
sim m11d -- "$DFUSE" -a 0 -s 0x08000000:4096 -U "$WORK/outdir"
check "11. upload to a directory: exit 73 before any request, saying it is one" \
	eval '[ "$rc" -eq 73 ] && stat_is m11d requests 0 && one_error m11d "outdir is a directory"'

# No false success: every request from the command on fails in turn, by
# disconnect, STALL or I/O error, before or after the device acted; exit 0
# must mean the operation took effect on the model. (Timeouts cost real
# seconds each here; test-faults injects them on the virtual clock.)
# sweep LABEL FIRST-REQUEST-ERE EFFECT-COMMAND SIM-OPTIONS -- COMMAND...
sweep() {
	sw_label=$1 sw_first=$2 sw_effect=$3
	shift 3
	sim "sw-$sw_label" "$@"
	sw_from=$(req_index "sw-$sw_label" "$sw_first")
	sw_to=$(grep -vc ' EVENT ' "$WORK/sw-$sw_label.log")
	sw_bad="" sw_runs=0 sw_ok=0
	[ -n "$sw_from" ] || sw_bad="no request matches $sw_first"
	at=${sw_from:-1}
	while [ -n "$sw_from" ] && [ "$at" -le "$sw_to" ]; do
		for kind in nodev stall io; do
			for acted in "" --fail-acted; do
				sim sweep --fail-at "$at" --fail-kind "$kind" $acted "$@"
				sw_runs=$((sw_runs + 1))
				[ "$rc" -eq 0 ] || continue
				sw_ok=$((sw_ok + 1))
				eval "$sw_effect" ||
					sw_bad="$sw_bad request $at $kind${acted:+ acted}"
			done
		done
		at=$((at + 1))
	done
	diag "$sw_label: $sw_runs runs from request $sw_from to $sw_to, $sw_ok exit 0"
	[ -z "$sw_bad" ] || diag "false success at:$sw_bad"
	[ -z "$sw_bad" ] && [ "$sw_runs" -gt 0 ]
}

check "no false success: read unprotect" sweep unprotect 'DNLOAD wValue=0 wLength=1 ' \
	'blank "$(mem sweep)" 0 $FLASH' \
	--read-protected --load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -s :unprotect:force
check "no false success: mass erase" sweep mass-erase 'DNLOAD wValue=0 wLength=1 ' \
	'blank "$(mem sweep)" 0 $FLASH' \
	--load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -s :mass-erase:force
check "no false success: leave" sweep leave 'DNLOAD wValue=0 wLength=5 ' \
	'grep -q "EVENT leave" "$WORK/sweep.log" && grep -q "EVENT gone" "$WORK/sweep.log"' \
	-- "$DFUSE" -s 0x08000000:leave
printf '\350\252\027\125\377\377\377\377\377\017\000\360\377\377\377\377' >"$WORK/ob.bin"
check "no false success: option-byte write" sweep options 'DNLOAD wValue=2 ' \
	'same_at "$(mem sweep "" 1 0x1fffc000)" 0 "$WORK/ob.bin"' \
	-- "$DFUSE" -a 1 -s 0x1FFFC000:will-reset -D "$WORK/ob.bin"

# The clean runs of the sweeps did what they say.
check "clean runs: unprotect and mass erase blank the flash, exit 0" \
	eval 'blank "$(mem sw-unprotect)" 0 $FLASH && blank "$(mem sw-mass-erase)" 0 $FLASH'
check "clean runs: the option bytes hold the new values" \
	same_at "$(mem sw-options "" 1 0x1fffc000)" 0 "$WORK/ob.bin"
