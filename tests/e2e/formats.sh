#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Images from every toolchain through one image model: Intel HEX and
# S-records go to the alt whose layout holds their addresses (flash, then
# option bytes last), bad files are refused before any request, and -U
# writes .hex, .srec and .dfu files that restore the memory.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 33

command -v objcopy >/dev/null 2>&1 || skip_all "objcopy (binutils) not installed"
gen "$WORK/app.bin" 70000 40
objcopy -I binary -O ihex --change-addresses 0x08000000 "$WORK/app.bin" "$WORK/app.hex"
objcopy -I binary -O srec --change-addresses 0x08000000 "$WORK/app.bin" "$WORK/app.srec"
blank_file "$WORK/ff.bin" 1048576
cp "$WORK/ff.bin" "$WORK/want.bin"
put "$WORK/want.bin" 0 "$WORK/app.bin"

# 1. HEX and S-record leave what the raw image at -s 0x08000000 leaves.
for f in hex srec; do
	sim "$f" -- "$DFUSE" -D "$WORK/app.$f"
	[ "$rc" -eq 0 ] || show "$f"
	check "-D app.$f: exit 0, nothing on stderr" quiet_ok "$f"
	check "-D app.$f: the flash holds the image, erased elsewhere" \
		cmp -s "$WORK/want.bin" "$(mem "$f")"
	check "-D app.$f: 5 sectors erased once, host behaved" \
		eval 'stat_is "$f" erase 5 && stat_is "$f" erases_per_sector_max 1 && clean "$f"'
done
if command -v dfu-util >/dev/null 2>&1; then
	sim ref -- dfu-util -a 0 -s 0x08000000 -D "$WORK/app.bin"
	check "Debian's dfu-util leaves the same memory from the .bin" \
		eval '[ "$rc" -eq 0 ] && cmp -s "$(mem ref)" "$(mem hex)"'
else
	skip "Debian's dfu-util leaves the same memory" "dfu-util not installed"
fi

# 1b. Real toolchain output (tests/fixtures/cortex-m, built by its build.sh
# with gcc-arm-none-eabi): ELF, HEX and SREC leave what Debian's dfu-util
# leaves after the .bin at 0x08000000, .data at its load address included.
fx="$top_srcdir/tests/fixtures/cortex-m"
if command -v dfu-util >/dev/null 2>&1; then
	sim fxref -- dfu-util -a 0 -s 0x08000000 -D "$fx/fw.bin"
	[ "$rc" -eq 0 ] || show fxref
	for f in elf hex srec; do
		sim "fx$f" -- "$DFUSE" -D "$fx/fw.$f"
		[ "$rc" -eq 0 ] || show "fx$f"
		check "cortex-m fw.$f: exit 0, the memory dfu-util leaves after fw.bin" \
			eval 'quiet_ok "fx$f" && cmp -s "$(mem fxref)" "$(mem "fx$f")"'
	done
	check "cortex-m fw.bin by dfu-util: the image at 0x08000000" \
		same_at "$(mem fxref)" 0 "$fx/fw.bin"
else
	for f in elf hex srec bin; do
		skip "cortex-m fw.$f against Debian's dfu-util" "dfu-util not installed"
	done
fi

# 2. A HEX with flash and option bytes: both alts, the option bytes last.
printf '\354\252\023\125\377\377\377\377\377\017\000\360\377\377\377\377' >"$WORK/ob.bin"
printf '\357\252\020\125\377\377\377\377\377\017\000\360\377\377\377\377' >"$WORK/ob2.bin"
objcopy -I binary -O ihex --change-addresses 0x1FFFC000 "$WORK/ob2.bin" "$WORK/ob.hex"
{ grep -v '^:00000001FF' "$WORK/ob.hex"; cat "$WORK/app.hex"; } >"$WORK/both.hex"
sim both -- "$DFUSE" --verify -D "$WORK/both.hex"
[ "$rc" -eq 0 ] || show both
check "flash + option bytes HEX: exit 0" [ "$rc" -eq 0 ]
check "flash + option bytes HEX: the flash holds the image" \
	cmp -s "$WORK/want.bin" "$(mem both)"
check "flash + option bytes HEX: the option bytes are written" \
	cmp -s "$WORK/ob2.bin" "$(mem both "" 1 0x1fffc000)"
check "flash + option bytes HEX: the flash is written (and verified) before the option bytes" \
	eval 'log_after both "EVENT write.*0x0800" "EVENT write.*0x1fffc000" &&
		! log_after both "EVENT write.*0x1fffc000" "EVENT write.*0x0800" &&
		grep -q "^Verifying 70000 bytes" "$WORK/both.out"'
check "flash + option bytes HEX: says the device may reset" \
	grep -q '^The device may reset now (option bytes written)$' "$WORK/both.out"

# 3. -a 0 with that file: the option bytes are refused, or skipped with :force.
sim only -- "$DFUSE" -a 0 -D "$WORK/both.hex"
check "-a 0 with option bytes in the HEX: exit 64 naming the alt, no DNLOAD" \
	eval '[ "$rc" -eq 64 ] && one_error only "0x1fffc000-0x1fffc00f of the image belongs to alt 1" &&
		stat_is only dnload 0'
sim onlyf -- "$DFUSE" -a 0 -s :force -D "$WORK/both.hex"
check "-a 0 -s :force: exit 0, the option bytes skipped with a warning" \
	eval '[ "$rc" -eq 0 ] && grep -q "warning: skipping 0x1fffc000-0x1fffc00f" "$WORK/onlyf.err" &&
		cmp -s "$WORK/want.bin" "$(mem onlyf)" && cmp -s "$WORK/ob.bin" "$(mem onlyf "" 1 0x1fffc000)"'

# 4. Refusals before any request.
objcopy -I binary -O ihex --change-addresses 0x20000000 "$WORK/ob.bin" "$WORK/ram.hex"
sim ram -- "$DFUSE" -D "$WORK/ram.hex"
check "a piece in no memory of the device: exit 65 naming it and the alts, no DNLOAD" \
	eval '[ "$rc" -eq 65 ] &&
		one_error ram "0x20000000-0x2000000f of the image is in no memory of the device \(alt 0 0x08000000-0x080fffff" &&
		stat_is ram dnload 0'
sed '3s/..$/00/' "$WORK/app.hex" >"$WORK/badsum.hex"
sim badsum -- "$DFUSE" -D "$WORK/badsum.hex"
check "a bad HEX checksum: exit 65 naming line 3, no USB request at all" \
	eval '[ "$rc" -eq 65 ] && one_error badsum "line 3" && stat_is badsum dfu_requests 0'
objcopy -I binary -O ihex --change-addresses 0x08001000 "$WORK/ob.bin" "$WORK/over.hex"
{ grep -v '^:00000001FF' "$WORK/over.hex"; cat "$WORK/app.hex"; } >"$WORK/overlap.hex"
sim overlap -- "$DFUSE" -D "$WORK/overlap.hex"
check "overlapping HEX records: exit 65 naming both lines, no USB request" \
	eval '[ "$rc" -eq 65 ] && one_error overlap "line [0-9]+.*line [0-9]+" &&
		stat_is overlap dfu_requests 0'
head -n 20 "$WORK/app.srec" >"$WORK/short.srec"
sim short -- "$DFUSE" -D "$WORK/short.srec"
check "a truncated S-record file: exit 65, no USB request" \
	eval '[ "$rc" -eq 65 ] && one_error short "S-record" && stat_is short dfu_requests 0'
sim addr -- "$DFUSE" -s 0x08000000 -D "$WORK/app.hex"
check "-s ADDRESS with a HEX file: exit 64, the file carries its addresses" \
	eval '[ "$rc" -eq 64 ] && one_error addr "Intel HEX file and carries its own addresses" &&
		stat_is addr dfu_requests 0'
cp "$WORK/app.hex" "$WORK/named.bin"
sim named -- "$DFUSE" -D "$WORK/named.bin"
check "a HEX file named .bin: read as HEX, with a warning about the name" \
	eval '[ "$rc" -eq 0 ] && grep -q "the name says raw binary but the contents are Intel HEX" \
		"$WORK/named.err" && cmp -s "$WORK/want.bin" "$(mem named)"'

# 5. -U writes the format its extension names, and the files restore the memory.
gen "$WORK/pattern.bin" 1048576 41
for f in hex srec dfu; do
	sim "up$f" --load "$WORK/pattern.bin@0x08000000" -- \
		"$DFUSE" -a 0 -s 0x08000000:65536 -U "$WORK/backup.$f"
	[ "$rc" -eq 0 ] || show "up$f"
	check "-U backup.$f: exit 0" [ "$rc" -eq 0 ]
done
head -c 65536 "$WORK/pattern.bin" >"$WORK/first64k.bin"
srec_cat "$WORK/backup.hex" -intel -offset -0x08000000 -o "$WORK/fromhex.bin" -binary 2>/dev/null
check "-U .hex: srec_cat reads back the 64 KiB" cmp -s "$WORK/first64k.bin" "$WORK/fromhex.bin"
srec_cat "$WORK/backup.srec" -offset -0x08000000 -o "$WORK/fromsrec.bin" -binary 2>/dev/null
check "-U .srec: srec_cat reads back the 64 KiB" cmp -s "$WORK/first64k.bin" "$WORK/fromsrec.bin"
cp "$WORK/ff.bin" "$WORK/restored.bin"
put "$WORK/restored.bin" 0 "$WORK/first64k.bin"
if command -v dfu-util >/dev/null 2>&1; then
	sim restore -- dfu-util -a 0 -D "$WORK/backup.dfu"
	check "-U .dfu: Debian's dfu-util restores the memory from it" \
		eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/restored.bin" "$(mem restore)"'
else
	skip "-U .dfu: Debian's dfu-util restores the memory from it" "dfu-util not installed"
fi
sim restore2 -- "$DFUSE" -D "$WORK/backup.dfu"
check "-U .dfu: dfuse-util restores the memory from it, no warning" \
	eval 'quiet_ok restore2 && cmp -s "$WORK/restored.bin" "$(mem restore2)"'
sim restore3 -- "$DFUSE" -D "$WORK/backup.hex"
check "-U .hex: dfuse-util restores the memory from it" \
	eval 'quiet_ok restore3 && cmp -s "$WORK/restored.bin" "$(mem restore3)"'
sim upelf -- "$DFUSE" -a 0 -s 0x08000000:1024 -U "$WORK/backup.elf"
check "-U .elf: exit 64 before the device is read, no file" \
	eval '[ "$rc" -eq 64 ] && one_error upelf "cannot be written as ELF" && stat_is upelf upload 0 &&
		[ ! -e "$WORK/backup.elf" ]'
