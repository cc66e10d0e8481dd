#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Uploads of every form end to end: ADDR:LEN, ADDR alone (to the end of its
# region), -a N alone (the whole alt), -Z, :leave after reading, the alt found
# by address, other chips, against dfu-util's result; and failed uploads that
# must leave no file behind.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 20

FLASH=1048576
gen "$WORK/pattern.bin" $FLASH 80
LOAD="--load $WORK/pattern.bin@0x08000000"

# up NAME SIM-OPTIONS... -- ARGS...: an upload into $WORK/NAME.bin.
up() {
	sim "$@"
	[ "$rc" -eq 0 ] || show "$1"
}

# 1. ADDR:LEN in the middle of a sector.
# shellcheck disable=SC2086 # $LOAD is two words
up mid $LOAD -- "$DFUSE" -a 0 -s 0x08005000:10000 -U "$WORK/mid.bin"
tail -c +$((0x5000 + 1)) "$WORK/pattern.bin" | head -c 10000 >"$WORK/mid.want"
check "-s 0x08005000:10000 -U: exit 0, the 10000 bytes from there" \
	eval 'quiet_ok mid && cmp -s "$WORK/mid.want" "$WORK/mid.bin"'
check "-s 0x08005000:10000 -U: nothing erased or written on the device" \
	eval 'stat_is mid erase 0 && stat_is mid bytes_written 0 && stat_is mid bytes_read 10000 && clean mid'

# 2. ADDR alone: to the end of the contiguous region, the size printed.
# shellcheck disable=SC2086
up toend $LOAD -- "$DFUSE" -a 0 -s 0x08004000 -U "$WORK/toend.bin"
tail -c +$((0x4000 + 1)) "$WORK/pattern.bin" >"$WORK/toend.want"
check "-s 0x08004000 -U: exit 0, everything up to the end of flash" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/toend.want" "$WORK/toend.bin"'
check "-s 0x08004000 -U: the size is printed" grep -q '1032192' "$WORK/toend.out"

# 3. -a N alone: the whole region of the alt.
# shellcheck disable=SC2086
up whole $LOAD -- "$DFUSE" -a 0 -U "$WORK/whole.bin"
check "-a 0 -U: exit 0, the whole 1 MiB of flash" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/pattern.bin" "$WORK/whole.bin"'
up ob -- "$DFUSE" -a 1 -U "$WORK/ob.bin"
check "-a 1 -U: exit 0, the 16 option bytes" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$(mem ob "" 1 0x1fffc000)" "$WORK/ob.bin" &&
		[ "$(wc -c <"$WORK/ob.bin")" -eq 16 ]'

# 4. -Z gives the length; :leave after an upload starts the application.
# shellcheck disable=SC2086
up zed $LOAD -- "$DFUSE" -a 0 -s 0x08000000 -Z 4096 -U "$WORK/zed.bin"
head -c 4096 "$WORK/pattern.bin" >"$WORK/4k.want"
check "-Z 4096 -U: exit 0, 4096 bytes" \
	eval 'quiet_ok zed && cmp -s "$WORK/4k.want" "$WORK/zed.bin"'
# shellcheck disable=SC2086
up upl $LOAD -- "$DFUSE" -a 0 -s 0x08000000:4096:leave -U "$WORK/upl.bin"
check "-s 0x08000000:4096:leave -U: the data, then the device leaves (exit 0)" \
	eval 'quiet_ok upl && cmp -s "$WORK/4k.want" "$WORK/upl.bin" &&
		log_after upl "UPLOAD" "EVENT leave" && log_after upl "EVENT leave" "EVENT gone"'

# 5. The alt found by address, without -a.
up obaddr -- "$DFUSE" -s 0x1fffc000:16 -U "$WORK/obaddr.bin"
check "-s 0x1fffc000:16 -U without -a: read from the option-byte alt" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$(mem obaddr "" 1 0x1fffc000)" "$WORK/obaddr.bin" &&
		grep -q "alt 1" "$WORK/obaddr.out"'

# 6. Other chips: the H7 with 1024-byte transfers, the F1, protboot's read-only region.
gen "$WORK/h7.bin" 300000 81
up h7 --device h7 --load "$WORK/h7.bin@0x08020000" -- \
	"$DFUSE" -a 0 -s 0x08020000:300000 -U "$WORK/h7up.bin"
check "h7: 300000 bytes read back as loaded" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/h7.bin" "$WORK/h7up.bin"'
head -c 131072 "$WORK/pattern.bin" >"$WORK/f1.want"
up f1 --device f1 --load "$WORK/f1.want@0x08000000" -- "$DFUSE" -a 0 -U "$WORK/f1up.bin"
check "f1: -a 0 -U reads the 128 KiB" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/f1.want" "$WORK/f1up.bin"'
head -c 65536 "$WORK/pattern.bin" >"$WORK/64k.want"
up pb --device protboot --load "$WORK/64k.want@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000:65536 -U "$WORK/pbup.bin"
check "protboot: its read-only bootloader can be read" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/64k.want" "$WORK/pbup.bin"'

# 7. The same upload with dfu-util reads the same bytes.
if command -v dfu-util >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	up ref $LOAD -- dfu-util -a 0 -s 0x08005000:10000 -U "$WORK/ref.bin"
	check "dfu-util reads the same 10000 bytes as dfuse-util" \
		eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/ref.bin" "$WORK/mid.bin"'
	up refob -- dfu-util -a 1 -s 0x1fffc000:16 -U "$WORK/refob.bin"
	check "dfu-util reads the same option bytes as dfuse-util" \
		eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/refob.bin" "$WORK/ob.bin"'
else
	skip "dfu-util reads the same 10000 bytes" "dfu-util not installed"
	skip "dfu-util reads the same option bytes" "dfu-util not installed"
fi

# 8. Failed uploads leave nothing behind.
mkdir "$WORK/rdp"
# shellcheck disable=SC2086
sim rdp --read-protected $LOAD -- "$DFUSE" -a 0 -s 0x08000000:4096 -U "$WORK/rdp/out.bin"
check "read-protected device: the upload fails (exit 76), one line" \
	eval '[ "$rc" -eq 76 ] && one_error rdp "read 0x08000000"'
check "read-protected device: the message says read protection is active (:unprotect)" \
	grep -q "read protection" "$WORK/rdp.err"
check "read-protected device: no output file, no temporary file" [ -z "$(ls -A "$WORK/rdp")" ]
sim nodir -- "$DFUSE" -a 0 -s 0x08000000:16 -U "$WORK/no/such/dir/out.bin"
check "upload into a missing directory: exit 73, one line" \
	eval '[ "$rc" -eq 73 ] && one_error nodir "no/such/dir"'
mkdir "$WORK/dc2"
# shellcheck disable=SC2086
sim dc2 --disconnect-after 300 $LOAD -- "$DFUSE" -a 0 -U "$WORK/dc2/all.bin"
check "disconnect during a whole-flash upload: exit 74, nothing left in the directory" \
	eval '[ "$rc" -eq 74 ] && [ -z "$(ls -A "$WORK/dc2")" ] &&
		[ "$(st dc2 bytes_read)" -gt 65536 ]'
check "the device's memory is never changed by an upload" \
	eval 'cmp -s "$WORK/pattern.bin" "$(mem dc2)" && cmp -s "$WORK/pattern.bin" "$(mem whole)"'
