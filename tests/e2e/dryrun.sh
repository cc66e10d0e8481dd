#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --dry-run: the plan is printed as the real run would execute it, and the
# device's memory is untouched: no erase, no data block, and without --diff
# no DNLOAD at all.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 12

gen "$WORK/pattern.bin" 1048576 30
gen "$WORK/app.bin" 102400 31

# 1. A plain dry run over a programmed chip.
sim dry --load "$WORK/pattern.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000 --dry-run -D "$WORK/app.bin"
[ "$rc" -eq 0 ] || show dry
check "dry run: exit 0, nothing on stderr" quiet_ok dry
check "dry run: the erase plan, sectors 0-4 merged into one line" \
	grep -q '^  sectors 0x08000000-0x0801ffff (5, 131072 bytes): erase$' "$WORK/dry.out"
check "dry run: the piece to write" \
	grep -q '^  write   0x08000000-0x08018fff (102400 bytes)$' "$WORK/dry.out"
check "dry run: says that nothing was written" \
	grep -q '^Dry run: nothing was erased or written$' "$WORK/dry.out"
check "dry run: no DNLOAD at all, no erase" eval 'stat_is dry dnload 0 && stat_is dry erase 0'
check "dry run: the memory is untouched" cmp -s "$WORK/pattern.bin" "$(mem dry)"

# 2. --diff --dry-run: the device is read, the plan says what differs.
cp "$WORK/pattern.bin" "$WORK/flashed.bin"
blank_file "$WORK/ff.bin" 131072
put "$WORK/flashed.bin" 0 "$WORK/ff.bin"
put "$WORK/flashed.bin" 0 "$WORK/app.bin"
cp "$WORK/app.bin" "$WORK/app2.bin"
gen "$WORK/patch.bin" 4096 32
put "$WORK/app2.bin" 65536 "$WORK/patch.bin"
sim ddiff --load "$WORK/flashed.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000 --diff --dry-run -D "$WORK/app2.bin"
[ "$rc" -eq 0 ] || show ddiff
check "--diff --dry-run: exit 0" [ "$rc" -eq 0 ]
check "--diff --dry-run: sectors 0-3 unchanged, sector 4 (64 KiB) to erase" \
	eval 'grep -q "^  sectors 0x08000000-0x0800ffff (4, 65536 bytes): unchanged, skipped$" \
		"$WORK/ddiff.out" &&
	grep -q "^  sectors 0x08010000-0x0801ffff (1, 65536 bytes): erase$" "$WORK/ddiff.out"'
check "--diff --dry-run: only reads (Set Address Pointer and UPLOAD), no erase, no data" \
	eval 'stat_is ddiff erase 0 && stat_is ddiff bytes_written 0 &&
		[ "$(st ddiff dnload)" = "$(st ddiff set_address)" ] && [ "$(st ddiff upload)" -gt 0 ]'
check "--diff --dry-run: the memory is untouched" cmp -s "$WORK/flashed.bin" "$(mem ddiff)"

# 3. A dry run refuses what the real run refuses, before any request.
sim dprot --device protboot -- "$DFUSE" -a 0 -s 0x08000000 --dry-run -D "$WORK/app.bin"
check "dry run into the read-only bootloader: exit 64, one line naming the range" \
	eval '[ "$rc" -eq 64 ] && one_error dprot "0x08000000-0x0800ffff .*write-protected"'
check "dry run into the read-only bootloader: no DNLOAD" stat_is dprot dnload 0
