#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Device selection end to end: two F4 boards and a run-time device on one bus;
# the listing, the ambiguity error, -S/-p/-n/-d/-c/-i picking the right board
# (checked in the memory of each), and -a by name.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 22

FLASH=1048576
gen "$WORK/img.bin" 7000 60
gen "$WORK/pre.bin" 4096 61
# Two F4 boards (paths 1-1 and 1-2, device numbers 7 and 9) and a run-time device.
THREE="--device f4 --serial AAA111 --devnum 7 --load $WORK/pre.bin@0x08000000
	--device f4 --serial BBB222 --devnum 9 --load $WORK/pre.bin@0x08000000
	--device runtime --serial RUN333 --devnum 11"

# only_on NAME LABEL: the image went to that board, the other board's flash
# and the run-time device are untouched.
only_on() {
	case $2 in
	AAA111) only_other=BBB222 ;;
	*) only_other=AAA111 ;;
	esac
	same_at "$(mem "$1" "$2")" 0 "$WORK/img.bin" &&
		same_at "$(mem "$1" $only_other)" 0 "$WORK/pre.bin" &&
		blank "$(mem "$1" $only_other)" 4096 $((FLASH - 4096)) &&
		stat_is "$1" dnload 0 $only_other && stat_is "$1" detach 0 RUN333
}

# 1. -l lists every alt of both boards and the run-time device.
# shellcheck disable=SC2086 # $THREE is a list of words
sim list $THREE -- "$DFUSE" -l
check "-l: exit 0, nothing on stderr" quiet_ok list
check "-l: eight 'Found DFU' lines (4 alts x 2 boards), one 'Found Runtime'" \
	eval '[ "$(grep -c "^Found DFU: " "$WORK/list.out")" -eq 8 ] &&
		[ "$(grep -c "^Found Runtime: " "$WORK/list.out")" -eq 1 ]'
line="Found DFU: [0483:df11] ver=2200, devnum=9, cfg=1, intf=0, path=\"1-2\", alt=0,"
line="$line name=\"$F4_FLASH\", serial=\"BBB222\""
check "-l: dfu-util 0.11's line format" grep -qxF "$line" "$WORK/list.out"
line='Found Runtime: [0483:5740] ver=0200, devnum=11, cfg=1, intf=0, path="1-3", alt=0,'
line="$line name=\"DFU runtime\", serial=\"RUN333\""
check "-l: the run-time device's line" grep -qxF "$line" "$WORK/list.out"
check "-l: nothing was sent to any device beyond descriptors" \
	eval 'stat_is list dfu_requests 0 AAA111 && stat_is list dfu_requests 0 BBB222 &&
		stat_is list dfu_requests 0 RUN333'

# 2. Without a choice: an error naming both boards and how to choose.
# shellcheck disable=SC2086
sim amb $THREE -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "two boards, no -S: exit 64" [ "$rc" -eq 64 ]
check "two boards, no -S: one line naming both serials and suggesting -S and -p" \
	eval 'one_error amb "AAA111" && grep -q BBB222 "$WORK/amb.err" &&
		grep -q -- "-S" "$WORK/amb.err" && grep -q -- "-p" "$WORK/amb.err"'
check "two boards, no -S: neither board received a DFU request" \
	eval 'stat_is amb dfu_requests 0 AAA111 && stat_is amb dfu_requests 0 BBB222'
# shellcheck disable=SC2086
sim ambd $THREE -- "$DFUSE" -d 0483:df11 -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "-d 0483:df11 alone: still ambiguous (exit 64), nothing written" \
	eval '[ "$rc" -eq 64 ] && one_error ambd "serial=.AAA111.; .* serial=.BBB222.; choose one" &&
		stat_is ambd dnload 0 AAA111 && stat_is ambd dnload 0 BBB222'

# 3. Each selection option picks one board.
# pick NAME LABEL OPTIONS...: download with those options; the image must land on LABEL.
pick() {
	pick_name=$1
	pick_label=$2
	shift 2
	# shellcheck disable=SC2086
	sim "$pick_name" $THREE -- "$DFUSE" "$@" -a 0 -s 0x08000000 -D "$WORK/img.bin"
	[ "$rc" -eq 0 ] || show "$pick_name"
	good=false
	quiet_ok "$pick_name" && only_on "$pick_name" "$pick_label" &&
		clean "$pick_name" "$pick_label" && good=true
	check "$* picks $pick_label: exit 0, image there only" $good
}
pick sel-S BBB222 -S BBB222
pick sel-S2 AAA111 -S AAA111
pick sel-p AAA111 -p 1-1
pick sel-p2 BBB222 -p 1-2
pick sel-n BBB222 -n 9
pick sel-ci AAA111 -S AAA111 -c 1 -i 0
pick sel-dS BBB222 -d 0483:df11 -S BBB222
# shellcheck disable=SC2086
sim sel-i1 $THREE -- "$DFUSE" -S AAA111 -i 1 -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "-i 1 (no such interface): exit 74, nothing written" \
	eval '[ "$rc" -eq 74 ] && stat_is sel-i1 dnload 0 AAA111'
# shellcheck disable=SC2086
sim sel-px $THREE -- "$DFUSE" -p 1-9 -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "-p 1-9 (no such path): exit 74, one line" \
	eval '[ "$rc" -eq 74 ] && one_error sel-px "no DFU device matches"'

# 4. One board next to an unrelated run-time DFU device: no ambiguity.
sim pair --device f4 --serial ONLYF4 --device runtime --serial OTHERAPP -- \
	"$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show pair
check "one board + a run-time device: exit 0, nothing on stderr" quiet_ok pair
check "one board + a run-time device: the board flashed, the other never detached" \
	eval 'same_at "$(mem pair ONLYF4)" 0 "$WORK/img.bin" && stat_is pair detach 0 OTHERAPP &&
		stat_is pair dfu_requests 0 OTHERAPP'

# 5. -a by name, for a download and an upload of a whole alt.
sim name -- "$DFUSE" -a "$F4_FLASH" -s 0x08000000 -D "$WORK/img.bin"
check "-a \"$F4_FLASH\": exit 0, the image in flash" \
	eval 'quiet_ok name && same_at "$(mem name)" 0 "$WORK/img.bin"'
gen "$WORK/otp.bin" 528 62
sim otp --load "$WORK/otp.bin@0x1fff7800" -- \
	"$DFUSE" -a "@OTP Memory /0x1FFF7800/01*512 e,01*016 e" -U "$WORK/otp-out.bin"
check "-a \"@OTP Memory ...\" -U: the whole 528-byte region of that alt read" \
	eval 'quiet_ok otp && cmp -s "$WORK/otp.bin" "$WORK/otp-out.bin"'
