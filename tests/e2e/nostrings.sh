#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Devices without string descriptors (the devices of dfu-util 0.11's own
# device logs, tests/sim/chips_nostrings.c): listed line for line as Debian's
# dfu-util lists them (name="UNKNOWN", serial="UNKNOWN"), selected by
# -S UNKNOWN, told apart from an unreadable string in -v and --json; and a
# device whose functional descriptor clears bitCanUpload (LPC-Link) refused
# before any request, with no UPLOAD on the wire.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v dfu-util >/dev/null 2>&1 || skip_all "Debian's dfu-util is not installed"

plan 16

# found NAME: the run's "Found" lines, sorted (dfu-util lists alts in reverse).
found() {
	grep '^Found' "$WORK/$1.out" | sort
}

# 1. -l on each model, against dfu-util's lines.
for chip in openpcd simtrace lpclink lpclink2 atusb tdk-bt; do
	sim "l-$chip" --device "$chip" -- "$DFUSE" -l
	sim "l0-$chip" --device "$chip" -- dfu-util -l
	check_eq "$chip: -l lists what dfu-util 0.11 lists, line for line" \
		"$(found "l-$chip")" "$(found "l0-$chip")"
done
check_eq "openpcd: both alts as name=\"UNKNOWN\", serial=\"UNKNOWN\"" \
	"$(grep -c 'name="UNKNOWN", serial="UNKNOWN"$' "$WORK/l-openpcd.out")" 2

# 2. -S UNKNOWN selects the device, as it does for dfu-util; the image lands.
gen "$WORK/pcd.bin" 20000 5
blank_file "$WORK/pcd-want.bin" 61440
put "$WORK/pcd-want.bin" 0 "$WORK/pcd.bin"
sim pcd --device openpcd -- "$DFUSE" -S UNKNOWN -a 0 -D "$WORK/pcd.bin"
[ "$rc" -eq 0 ] || show pcd
check_eq "openpcd: -S UNKNOWN -a 0 -D exits 0" "$rc" 0
check "openpcd: alt 0 holds the image" cmp -s "$WORK/pcd-want.bin" \
	"$(mem pcd openpcd 0 0x00104000)"
sim pcd0 --device openpcd -- dfu-util -S UNKNOWN -a 0 -D "$WORK/pcd.bin"
check "dfu-util 0.11 takes the same -S UNKNOWN line" cmp -s "$WORK/pcd-want.bin" \
	"$(mem pcd0 openpcd 0 0x00104000)"

# 3. -v and --json keep "has none" apart from "did not deliver".
sim pcdv --device openpcd -- "$DFUSE" -v -S UNKNOWN -a 1 -U "$WORK/pcd1.bin" \
	--json "$WORK/pcdv.json"
check "-v: the serial is UNKNOWN because the device has none" \
	grep -q 'serial "UNKNOWN": the device has no serial number string' "$WORK/pcdv.err"
check_eq "--json: serial \"UNKNOWN\", serial_string \"absent\", alt names absent" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["devices"][0]
print(d["serial"], d["serial_string"], *[a["name_string"] for a in d["alts"]])' \
		"$WORK/pcdv.json")" "UNKNOWN absent absent absent"

# 4. LPC-Link: bitCanUpload 0. -U is refused before any request: no UPLOAD.
sim lpcu --device lpclink -- "$DFUSE" -S UNKNOWN -U "$WORK/lpc.bin"
check "LPC-Link -U: exit 64, one line naming bitCanUpload" \
	eval '[ "$rc" -eq 64 ] && one_error lpcu "cannot upload .*bitCanUpload"'
check_eq "LPC-Link -U: no UPLOAD (and no DFU request at all) on the wire, no file" \
	"$(st lpcu dfu_requests) $(st lpcu upload) $([ -e "$WORK/lpc.bin" ] && echo file)" "0 0 "
sim lpcv --device lpclink -- "$DFUSE" --verify -D "$WORK/pcd.bin"
check_eq "LPC-Link -D --verify: refused (64) before any DFU request" \
	"$rc $(st lpcv dfu_requests)" "64 0"
# LPCXpresso's boot line writes its image all the same.
sim lpcd --device lpclink -- "$DFUSE" -d 0x471:0xdf55 -c 0 -t 2048 -R -D "$WORK/pcd.bin"
check_eq "LPC-Link: LPCXpresso's boot line exits 0, the image in RAM, no UPLOAD" \
	"$rc $(cmp -s "$WORK/pcd.bin" "$(mem lpcd lpclink 0 0x10000000)" -n 20000 &&
		echo same) $(st lpcd upload)" "0 same 0"
