#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dfu-util -l through dfuse-sim: the simulated devices enumerate through the
# real libusb with their IDs, alt settings and names, several at once; and the
# runner passes the command's exit status through.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/sim/tap.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/sim/sim-lib.sh"

plan 12

# One f4: its four alt settings with their exact layout strings.
"$SIM" --serial ENUM1 -- dfu-util -l >"$WORK/f4.out" 2>"$WORK/f4.err"
check "one f4: dfu-util -l exits 0" [ $? -eq 0 ]
n=0
for alt in \
	'alt=0, name="@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", serial="ENUM1"' \
	'alt=1, name="@Option Bytes  /0x1FFFC000/01*016 e", serial="ENUM1"' \
	'alt=2, name="@OTP Memory /0x1FFF7800/01*512 e,01*016 e", serial="ENUM1"' \
	'alt=3, name="@Device Feature/0xFFFF0000/01*004 e", serial="ENUM1"'; do
	grep -F "Found DFU: [0483:df11] ver=2200, devnum=2, cfg=1, intf=0, path=\"1-1\", $alt" \
		"$WORK/f4.out" >/dev/null && n=$((n + 1))
done
check "one f4: the four alt settings with exact names" [ "$n" -eq 4 ]
check "one f4: nothing else found" [ "$(grep -c '^Found' "$WORK/f4.out")" -eq 4 ]
[ "$n" -eq 4 ] || diag <"$WORK/f4.out"

# Two f4 with their own serials plus a run-time device, on one bus.
"$SIM" --device f4 --serial AAA111 --device f4 --serial BBB222 \
	--device runtime --serial RUN333 -- dfu-util -l >"$WORK/three.out" 2>&1
check "three devices: dfu-util -l exits 0" [ $? -eq 0 ]
# count PATTERN FILE: how many lines of FILE match.
count() {
	grep -c "$1" "$2"
}
f4='Found DFU: \[0483:df11\]'
check "three devices: first f4 at 1-1" \
	[ "$(count "$f4.*path=\"1-1\".*serial=\"AAA111\"" "$WORK/three.out")" -eq 4 ]
check "three devices: second f4 at 1-2" \
	[ "$(count "$f4.*path=\"1-2\".*serial=\"BBB222\"" "$WORK/three.out")" -eq 4 ]
check "three devices: the run-time one is 'Found Runtime:'" \
	grep -q 'Found Runtime: \[0483:5740\].*path="1-3".*serial="RUN333"' "$WORK/three.out"

# A GD32 shows its own VID:PID. (Not its serial: dfu-util 0.11 decodes a GD32's
# serial string as 8-bit characters, a real part's quirk, and shows one letter.)
"$SIM" --device gd32 --serial GD1 -- dfu-util -l >"$WORK/gd.out" 2>&1
check "gd32: listed as 28e9:0189" \
	[ "$(grep -c 'Found DFU: \[28e9:0189\] ver=1000, devnum=2' "$WORK/gd.out")" -eq 2 ]

# Bus and device numbers as asked.
"$SIM" --busnum 3 --devnum 17 --port-path 3-4 -- dfu-util -l >"$WORK/num.out" 2>&1
check "--busnum/--devnum/--port-path reach libusb" \
	grep -q 'devnum=17, cfg=1, intf=0, path="3-4", alt=0' "$WORK/num.out"

# The runner itself: exit status and chip table.
"$SIM" -- sh -c 'exit 3'
check "the command's exit status passes through" [ $? -eq 3 ]
"$SIM" -- sh -c 'kill -TERM $$'
check "a signal death becomes 128+N" [ $? -eq 143 ]
check "--list-chips (--list-profiles) lists the seven chips" \
	[ "$("$SIM" --list-chips | grep -c -E '^(f4|f7|f1|h7|protboot|gd32|runtime)	')" -eq 7 ]
