#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What the file's suffix and targets mean end to end: VID/PID mismatches
# (warning, or error with an explicit -d), 0xFFFF wildcards, targets for
# missing alts, a forced bad CRC, and a raw image carrying a plain DFU suffix.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v dfuse-pack >/dev/null 2>&1 || skip_all "dfuse-pack not installed"
command -v dfu-suffix >/dev/null 2>&1 || skip_all "dfu-suffix not installed"

plan 15

FLASH=1048576
gen "$WORK/e.bin" 5000 90
blank_file "$WORK/want.bin" $FLASH
put "$WORK/want.bin" 0 "$WORK/e.bin"
pack() { # OUT ARGS...: dfuse-pack, quietly
	pack_out=$1
	shift
	dfuse-pack "$@" "$WORK/$pack_out" >"$WORK/pack.out" 2>&1
}

# 1. A file for another device.
pack other.dfu -D 0x1234:0x5678 -b "0x08000000:$WORK/e.bin"
sim other -- "$DFUSE" -a 0 -D "$WORK/other.dfu"
check "suffix for 1234:5678, no -d: exit 0, flashed" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/want.bin" "$(mem other)"'
check "suffix for 1234:5678, no -d: one warning naming both IDs" \
	one_error other 'warning:.*1234:5678.*0483:df11'
sim otherd -- "$DFUSE" -d 0483:df11 -a 0 -D "$WORK/other.dfu"
check "suffix for 1234:5678 with -d 0483:df11: exit 65, one line naming both IDs" \
	eval '[ "$rc" -eq 65 ] && one_error otherd "1234:5678.*0483:df11"'
check "suffix for 1234:5678 with -d 0483:df11: nothing sent to the device" \
	eval 'stat_is otherd dnload 0 && blank "$(mem otherd)" 0 $FLASH'
check "suffix for 1234:5678 with -d: the line names the step (dfuse-util: download: ...)" \
	grep -q "^dfuse-util: download: " "$WORK/otherd.err"
sim otherf -- "$DFUSE" -d 0483:df11 -a 0 -s :force -D "$WORK/other.dfu"
check "... and with :force: exit 0, flashed, the mismatch still said" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/want.bin" "$(mem otherf)" &&
		grep -q "1234:5678" "$WORK/otherf.err"'

# 2. 0xFFFF matches any device, silently.
pack any.dfu -D 0xffff:0xffff -b "0x08000000:$WORK/e.bin"
sim any -- "$DFUSE" -d 0483:df11 -a 0 -D "$WORK/any.dfu"
check "suffix ffff:ffff with -d: exit 0, flashed, no warning" \
	eval 'quiet_ok any && cmp -s "$WORK/want.bin" "$(mem any)"'

# 3. A target for an alt the device does not have.
pack alt5.dfu -b "0x08000000@5:$WORK/e.bin"
sim alt5 -- "$DFUSE" -D "$WORK/alt5.dfu"
check "target for alt 5 (device has 4): exit 65, one line naming alt 5, nothing sent" \
	eval '[ "$rc" -eq 65 ] && one_error alt5 "alt 5" && stat_is alt5 dnload 0'
pack mixed.dfu -b "0x08000000@0:$WORK/e.bin" -b "0x08010000@5:$WORK/e.bin"
sim mixed -- "$DFUSE" -s :force -D "$WORK/mixed.dfu"
check "alt 0 + alt 5 with :force: exit 0, alt 0 flashed, a warning names alt 5" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/want.bin" "$(mem mixed)" &&
		one_error mixed "warning:.*alt 5"'

# 4. A wrong CRC is refused, and flashed with a warning under :force.
size=$(wc -c <"$WORK/any.dfu")
cp "$WORK/any.dfu" "$WORK/crc.dfu"
printf '\000\000' | dd of="$WORK/crc.dfu" bs=1 seek=$((size - 4)) conv=notrunc status=none
sim crc -- "$DFUSE" -a 0 -D "$WORK/crc.dfu"
check "wrong CRC: exit 65 before the device is opened" \
	eval '[ "$rc" -eq 65 ] && one_error crc CRC && stat_is crc requests 0'
sim crcf -- "$DFUSE" -a 0 -s :force -D "$WORK/crc.dfu"
check "wrong CRC with :force: exit 0, flashed, one warning about the CRC" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/want.bin" "$(mem crcf)" &&
		one_error crcf "warning:.*CRC"'

# 5. A raw image with a plain DFU suffix: the suffix is not flashed.
cp "$WORK/e.bin" "$WORK/suffixed.bin"
dfu-suffix -v 0483 -p df11 -a "$WORK/suffixed.bin" >"$WORK/suffix.out" 2>&1
sim sfx -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/suffixed.bin"
check "raw image with a DFU suffix: exit 0, only the payload flashed" \
	eval 'quiet_ok sfx && cmp -s "$WORK/want.bin" "$(mem sfx)" && stat_is sfx bytes_written 5000'
if command -v dfu-util >/dev/null 2>&1; then
	sim sfxref -- dfu-util -a 0 -s 0x08000000 -D "$WORK/suffixed.bin"
	check "raw image with a DFU suffix: dfu-util leaves the same flash" \
		eval '[ "$rc" -eq 0 ] && cmp -s "$(mem sfxref)" "$(mem sfx)"'
else
	skip "raw image with a DFU suffix: dfu-util leaves the same flash" "dfu-util not installed"
fi
# A raw image without a suffix is written whole.
sim raw -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/e.bin"
check "raw image without a suffix: exit 0, written whole" \
	eval 'quiet_ok raw && cmp -s "$WORK/want.bin" "$(mem raw)"'

check "all runs above: the host behaved" \
	eval 'clean other && clean otherf && clean any && clean mixed && clean crcf && clean sfx'
