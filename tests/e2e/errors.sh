#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Failures end to end: exit codes, one-line messages, what reached the device
# and what was left on disk, for bad -s arguments, existing or vanishing upload
# files, broken .dfu files, missing files, no device and a missing alt.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 23

gen "$WORK/img.bin" 7000 50

# 1. A modifier is matched whole, never by prefix: "f" is not "force".
"$DFUSE" -a 0 -s 0x08000000:f -D "$WORK/img.bin" >"$WORK/f0.out" 2>"$WORK/f0.err"
rc=$?
check "-s 0x08000000:f without any device: exit 64, one line naming the modifier" \
	eval '[ "$rc" -eq 64 ] && one_error f0 "modifier .f."'
sim f -- "$DFUSE" -a 0 -s 0x08000000:f -D "$WORK/img.bin"
check "-s 0x08000000:f with a device: exit 64, the device never opened" \
	eval '[ "$rc" -eq 64 ] && stat_is f requests 0 && one_error f "modifier .f."'

# 2. Uploads never replace an existing file.
gen "$WORK/pattern.bin" 65536 51
mkdir "$WORK/ex"
echo "keep me" >"$WORK/ex/readout.bin"
cp "$WORK/ex/readout.bin" "$WORK/keep.txt"
sim ex --load "$WORK/pattern.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000:1024 -U "$WORK/ex/readout.bin"
check "upload to an existing file: exit 73, one line naming the file" \
	eval '[ "$rc" -eq 73 ] && one_error ex "readout.bin.*exists"'
check "upload to an existing file: the file is unchanged, nothing else created" \
	eval 'cmp -s "$WORK/keep.txt" "$WORK/ex/readout.bin" &&
		[ "$(ls -A "$WORK/ex")" = readout.bin ]'
check "upload to an existing file: nothing was read from the device" \
	eval 'stat_is ex bytes_read 0 && stat_is ex dfu_requests 0'

# 3. The device disconnects in the middle of an upload.
mkdir "$WORK/dc"
sim dc --disconnect-after 40 --load "$WORK/pattern.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000:65536 -U "$WORK/dc/out.bin"
check "disconnect mid-upload: exit 74, one line saying so" \
	eval '[ "$rc" -eq 74 ] &&
		one_error dc "^dfuse-util: upload: read 0x0800[0-9a-f]{4}: UPLOAD: device disconnected$"'
check "disconnect mid-upload: some data had been read before" \
	eval '[ "$(st dc bytes_read)" -gt 0 ]'
check "disconnect mid-upload: no output file and no temporary file left" \
	[ -z "$(ls -A "$WORK/dc")" ]

# 4. Broken .dfu files are refused before the device is touched.
if command -v dfuse-pack >/dev/null 2>&1 && command -v dfu-suffix >/dev/null 2>&1; then
	gen "$WORK/e.bin" 5000 52
	dfuse-pack -b "0x08000000:$WORK/e.bin" "$WORK/good.dfu" >"$WORK/pack.out" 2>&1
	size=$(wc -c <"$WORK/good.dfu")
	# Cut short: the suffix is gone with the tail.
	head -c $((size - 100)) "$WORK/good.dfu" >"$WORK/short.dfu"
	sim short -- "$DFUSE" -a 0 -D "$WORK/short.dfu"
	check "truncated .dfu: exit 65, one line, the device never opened" \
		eval '[ "$rc" -eq 65 ] && one_error short "short.dfu" && stat_is short requests 0'
	# Cut inside the element, then given a valid suffix again.
	head -c 3000 "$WORK/good.dfu" >"$WORK/cut.dfu"
	dfu-suffix -v 0483 -p df11 -S 0x011a -a "$WORK/cut.dfu" >"$WORK/suffix.out" 2>&1
	sim cut -- "$DFUSE" -a 0 -D "$WORK/cut.dfu"
	check "element past the end of a .dfu: exit 65, one line naming the size" \
		eval '[ "$rc" -eq 65 ] && one_error cut "5000" && stat_is cut requests 0'
	# One bit of the stored CRC flipped.
	cp "$WORK/good.dfu" "$WORK/crc.dfu"
	last=$(tail -c 1 "$WORK/good.dfu" | od -An -tu1 | tr -d ' ')
	printf "\\$(printf %03o $((last ^ 1)))" |
		dd of="$WORK/crc.dfu" bs=1 seek=$((size - 1)) conv=notrunc status=none
	sim crc -- "$DFUSE" -a 0 -D "$WORK/crc.dfu"
	check "flipped CRC bit: exit 65, one line saying CRC" \
		eval '[ "$rc" -eq 65 ] && one_error crc "CRC"'
	check "flipped CRC bit: the device never opened, flash blank" \
		eval 'stat_is crc requests 0 && blank "$(mem crc)" 0 1048576'
	# The good file goes through, so the failures above were the damage.
	sim good -- "$DFUSE" -a 0 -D "$WORK/good.dfu"
	check "the undamaged .dfu flashes (exit 0)" \
		eval '[ "$rc" -eq 0 ] && same_at "$(mem good)" 0 "$WORK/e.bin"'
else
	for t in truncated element crc crc-device undamaged; do
		skip "broken .dfu: $t" "dfuse-pack or dfu-suffix not available"
	done
fi

# 5. A missing file.
sim miss -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/no-such-file.bin"
check "missing file: exit 66, one line naming it, the device never opened" \
	eval '[ "$rc" -eq 66 ] && one_error miss "no-such-file.bin" && stat_is miss requests 0'

# 6. No device on the bus (the only one appears long after the command ends).
sim none --appear-after 600000 -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "no device: exit 74, one line saying no DFU device" \
	eval '[ "$rc" -eq 74 ] && one_error none "no DFU"'
sim nonel --appear-after 600000 -- "$DFUSE" -l
check "no device, -l: exit 0, nothing listed" \
	eval '[ "$rc" -eq 0 ] && ! grep -q "^Found" "$WORK/nonel.out"'
# (-d with run-time IDs alone also accepts any DFU-mode device, as in dfu-util.)
sim nonem --device gd32 -- "$DFUSE" -d ,0483:df11 -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "no matching device: exit 74, the message mentions the other DFU interface" \
	eval '[ "$rc" -eq 74 ] &&
		one_error nonem "no DFU device matches the selection: path=1-1: \[28e9:0189\] \(DFU mode\) is not -d ,0483:df11$"'

# 7. An alt the device does not have.
sim a9 -- "$DFUSE" -a 9 -s 0x08000000 -D "$WORK/img.bin"
check "-a 9: exit 64, one line, nothing written" \
	eval '[ "$rc" -eq 64 ] && one_error a9 "alternate setting 9" && stat_is a9 dnload 0'
check "-a 9: the message names the alt settings the device has" \
	eval 'grep -q "Internal Flash" "$WORK/a9.err" && grep -q "Option Bytes" "$WORK/a9.err"'
sim aname -- "$DFUSE" -a "@No Such Alt" -s 0x08000000 -D "$WORK/img.bin"
check "-a NAME that does not exist: exit 64, one line with the name" \
	eval '[ "$rc" -eq 64 ] && one_error aname "No Such Alt" && stat_is aname dnload 0'

# 8. Addresses outside the layout and a .dfu with an address on raw -s.
sim out -- "$DFUSE" -a 0 -s 0x08100000 -D "$WORK/img.bin"
check "download past the end of the flash: refused before any write" \
	eval '[ "$rc" -ne 0 ] && one_error out "0x08100000" && stat_is out dnload 0'
if [ -f "$WORK/good.dfu" ]; then
	sim dfuaddr -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/good.dfu"
	check ".dfu with an address in -s: exit 64 before the device is opened" \
		eval '[ "$rc" -eq 64 ] && one_error dfuaddr "own addresses" &&
			stat_is dfuaddr requests 0'
else
	skip ".dfu with an address in -s" "dfuse-pack not available"
fi
sim upout -- "$DFUSE" -a 0 -s 0x08100000:16 -U "$WORK/upout.bin"
check "upload outside the layout: refused, no file created" \
	eval '[ "$rc" -ne 0 ] && one_error upout "0x08100000" && [ ! -e "$WORK/upout.bin" ]'
