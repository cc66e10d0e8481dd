#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The programs that run dfu-util for their users, end to end: each caller's
# own command lines and its own test of success (re-implemented from its code
# in callers.py), with dfuse-util installed as "dfu-util" first on PATH, and
# the same with Debian's dfu-util, against simulated boards. Memory, exit
# statuses and the callers' checks are asserted for both; where Debian's
# dfu-util fails, its known failure is asserted instead.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 53

CALLERS="$top_srcdir/tests/e2e/callers.py"
REF=/usr/bin/dfu-util
command -v python3 >/dev/null 2>&1 || skip_all "python3 not available (the callers are Python)"
# The callers need dfu-suffix and dfuse-pack (Debian's dfu-util package), and
# every case runs with that package's dfu-util too.
if ! [ -x "$REF" ] || ! command -v dfu-suffix >/dev/null 2>&1 ||
	! command -v dfuse-pack >/dev/null 2>&1; then
	skip_all "Debian's dfu-util package (dfu-util, dfu-suffix, dfuse-pack) not installed"
fi
mkdir -p "$WORK/ours" "$WORK/debian"
ln -s "$DFUSE" "$WORK/ours/dfu-util"
ln -s "$REF" "$WORK/debian/dfu-util"

FLASH=1048576
gen "$WORK/app.bin" 20000 90

# run NAME TOOL SIM-OPTIONS... -- CALLER ARGS...: the caller under the
# simulator with TOOL's (ours/debian) dfu-util first on PATH; sim's files
# are NAME.TOOL.*.
run() {
	run_name=$1.$2
	run_tool=$2
	shift 2
	run_opts=
	while [ "$1" != "--" ]; do
		run_opts="$run_opts $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # the simulator options are words
	sim "$run_name" $run_opts -- env PATH="$WORK/$run_tool:$PATH" python3 "$CALLERS" "$@"
}

# holds NAME ADDR-OFFSET FILE [LABEL [ALT [BASE]]]: the dumped memory holds FILE at
# that offset of the region.
holds() {
	same_at "$(mem "$1" "${4:-}" "${5:-0}" "${6:-0x08000000}")" "$2" "$3"
}

# image_only NAME FILE: FILE at 0x08000000 and 0xFF in the rest of the 1 MiB flash.
image_only() {
	blank_file "$WORK/want.bin" $FLASH
	put "$WORK/want.bin" 0 "$2"
	cmp -s "$WORK/want.bin" "$(mem "$1")"
}

# 1. Klipper, scripts/flash_usb.py, ST ROM path (FLASH_DEVICE=0483:df11):
#    dfu-util -d ,0483:df11 -R -a 0 -s 0x8000000:leave -D klipper.bin
run klipper ours -- klipper 0483:df11 0x8000000 "$WORK/app.bin"
check "klipper (dfuse-util): the caller's check passes (exit 0), image at 0x08000000, host behaved" \
	eval '[ "$rc" -eq 0 ] && image_only klipper.ours "$WORK/app.bin" && clean klipper.ours'
run klipper debian -- klipper 0483:df11 0x8000000 "$WORK/app.bin"
[ "$rc" -eq 0 ] || grep -q "error resetting after download" "$WORK/klipper.debian.err" ||
	show klipper.debian
# dfu-util 0.11 resets after :leave and, when the device has already left,
# exits non-zero (usually "error resetting after download"; how it fails
# depends on how fast the device goes), which Klipper reports as a failure.
check "klipper (dfu-util): image written; exit 0, or its known failure after the write (exit 1)" \
	eval 'image_only klipper.debian "$WORK/app.bin" && { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; }'

# 2. Zephyr runners/dfu.py (--dfuse, -d,0483:df11 as one argument): -l shows
#    no ", alt=0," until the board is plugged in 2.5 s later; it waits, checks
#    -l again, then -s 0x8000000:leave -a 0 -D zephyr.bin.
for t in ours debian; do
	run zephyr $t --appear-after 2500 -- zephyr-dfu 0483:df11 0 "$WORK/app.bin" 0x08000000 leave
	check "zephyr dfu ($t): waited for the board (asked for a reset), then exit 0" \
		eval '[ "$rc" -eq 0 ] && grep -q "Please reset your board" "$WORK/zephyr.$t.out"'
	check "zephyr dfu ($t): image at 0x08000000, 0xFF elsewhere, host behaved" \
		eval 'image_only zephyr.$t "$WORK/app.bin" && clean zephyr.$t'
done

# 3. Zephyr runners/rtsflash.py: "-d 0483:df11" as ONE argument (a blank
#    after -d). Its -l check must find the board; its download of a raw
#    image without -s is refused by both tools on a DfuSe ROM.
for t in ours debian; do
	cp "$WORK/app.bin" "$WORK/rts.$t.bin"
	run rts $t -- zephyr-rtsflash 0483:df11 0 "$WORK/rts.$t.bin"
	check "zephyr rtsflash ($t): '-d 0483:df11' accepted (the -l check found the board)" \
		eval '! grep -q "not 1-4 hex digits\|Invalid\|exited 64.*-l" "$WORK/rts.$t.err" &&
			grep -q "exited 64" "$WORK/rts.$t.err"'
	check "zephyr rtsflash ($t): raw image without -s refused (exit 64), nothing written" \
		eval '[ "$rc" -eq 1 ] && stat_is rts.$t dnload 0 && blank "$(mem rts.$t)" 0 $FLASH'
done
check "zephyr rtsflash (dfuse-util): the refusal names the exact -s" \
	grep -q 'add -s 0x08000000 (the start of alt 0 "Internal Flash")' "$WORK/rts.ours.err"
run rtsl ours -- make "dfu-util '-d 0483:df11' -l"
check "'-d 0483:df11' (one argument): dfuse-util lists the board" \
	eval '[ "$rc" -eq 0 ] && grep -q "^Found DFU: \[0483:df11\]" "$WORK/rtsl.ours.out"'

# 4. QMK platforms/chibios/flash.mk (stm32-dfu): wait for "Found DFU" in
#    dfu-util -l, then dfu-util -d 0483:DF11 -a 0 -s 0x08000000:leave -D
#    x.bin, the .bin carrying QMK's suffix (dfu-suffix -v 0483 -p DF11 -a).
for t in ours debian; do
	cp "$WORK/app.bin" "$WORK/qmk.$t.bin"
	dfu-suffix -v 0483 -p DF11 -a "$WORK/qmk.$t.bin" >/dev/null
	run qmk $t --appear-after 2000 -- qmk-flash-mk "-d 0483:DF11 -a 0 -s 0x08000000:leave" \
		"$WORK/qmk.$t.bin"
	check "qmk flash.mk stm32-dfu ($t): make succeeds after the retry loop" \
		eval '[ "$rc" -eq 0 ] && grep -q "Bootloader not found" "$WORK/qmk.$t.out"'
	check "qmk flash.mk stm32-dfu ($t): image (without its suffix) at 0x08000000" \
		eval 'image_only qmk.$t "$WORK/app.bin" && clean qmk.$t'
done

# 5. QMK gd32v-dfu with SERIAL=3CBJ: DFU_ARGS "-d 28E9:0189 -a 0 -s
#    0x08000000:leave -S 3CBJ". Two GD32VF103 ROMs on the bus, both sending
#    their serial as 8-bit text as the real ROM does; -S picks one.
GD="--device gd32vf103 --serial 3CBJ --serial-8bit --device gd32vf103 --serial 3C8J --serial-8bit"
for t in ours debian; do
	cp "$WORK/app.bin" "$WORK/gd.$t.bin"
	dfu-suffix -v 28E9 -p 0189 -a "$WORK/gd.$t.bin" >/dev/null
	run gd $t $GD -- qmk-flash-mk "-d 28E9:0189 -a 0 -s 0x08000000:leave -S 3CBJ" \
		"$WORK/gd.$t.bin"
	check "qmk gd32v SERIAL=3CBJ ($t): make succeeds" [ "$rc" -eq 0 ]
	check "qmk gd32v SERIAL=3CBJ ($t): the image went to 3CBJ only" \
		eval 'holds gd.$t 0 "$WORK/app.bin" 3CBJ && blank "$(mem gd.$t 3C8J)" 0 $FLASH &&
			stat_is gd.$t dnload 0 3C8J'
done
sim gdl $GD -- "$DFUSE" -l
check "gd32v: -l prints serial=\"3CBJ\" (8-bit serial decoded), exit 0" \
	eval '[ "$rc" -eq 0 ] && grep -q "\[28e9:0189\].*alt=0, .*serial=\"3CBJ\"$" "$WORK/gdl.out" &&
		grep -q "serial=\"3C8J\"$" "$WORK/gdl.out"'

# 6. QMK lib/python/qmk/flashers.py (qmk flash): dfu-util -a 0 -d 0483:df11
#    -s 0x08000000:leave -D file; it ignores the exit status, so the memory
#    is the only check.
for t in ours debian; do
	run qf $t -- qmk-flashers 0483 df11 "$WORK/app.bin"
	check "qmk flashers.py ($t): image at 0x08000000, left DFU mode" \
		eval 'image_only qf.$t "$WORK/app.bin" && stat_is qf.$t leave 1'
done

# 7. PlatformIO platform-ststm32: the suffix carries the application's IDs
#    (dfu-suffix -v 0x1209 -p 0x6665 -d 0xffff -a), then dfu-util -d
#    0x1209:0x6665,0x0483:0xDF11 -a 0 -s 0x08000000:leave -D firmware.bin;
#    once with the board already in DFU mode, once with it running.
for t in ours debian; do
	cp "$WORK/app.bin" "$WORK/pio.$t.bin"
	run pio $t -- platformio "$WORK/pio.$t.bin"
	check "platformio, board in DFU mode ($t): upload succeeds, image at 0x08000000" \
		eval '[ "$rc" -eq 0 ] && image_only pio.$t "$WORK/app.bin" && clean pio.$t'
	cp "$WORK/app.bin" "$WORK/piort.$t.bin"
	run piort $t --device pio-app -- platformio "$WORK/piort.$t.bin"
	check "platformio, board running 1209:6665 ($t): detached once, upload succeeds" \
		eval '[ "$rc" -eq 0 ] && stat_is piort.$t detach 1 && image_only piort.$t "$WORK/app.bin"'
done
# A file for neither half of -d is refused before the running board hears anything.
cp "$WORK/app.bin" "$WORK/other.bin"
dfu-suffix -v 0x1234 -p 0x5678 -a "$WORK/other.bin" >/dev/null
sim pioref --device pio-app -- "$DFUSE" -d 0x1209:0x6665,0x0483:0xDF11 -a 0 \
	-s 0x08000000:leave -D "$WORK/other.bin"
check "platformio-style -d with a file for 1234:5678: exit 65 before any request (no detach)" \
	eval '[ "$rc" -eq 65 ] && stat_is pioref detach 0 && stat_is pioref dfu_requests 0 &&
		one_error pioref "1234:5678.*-d 1209:6665,0483:df11"'

# 8. particle-cli src/lib/dfu.js on a Photon: list (Found DFU lines, the
#    [VID:PID] regex), flash user firmware (-d 2b04:d006 -a 0 -i 0 -s
#    0x080A0000:leave), read the device key (-a 1 -s 34:612 -U).
gen "$WORK/dct.bin" 16384 91
tail -c +35 "$WORK/dct.bin" | head -c 612 >"$WORK/key.want"
for t in ours debian; do
	run pflash $t --device photon -- particle-flash "$WORK/app.bin"
	check "particle flash ($t): resolved, image at 0x080A0000, bootloader sectors untouched" \
		eval '[ "$rc" -eq 0 ] && holds pflash.$t 0xA0000 "$WORK/app.bin" &&
			blank "$(mem pflash.$t)" $((0xC000)) $((0xA0000 - 0xC000)) && clean pflash.$t'
	rm -f "$WORK/key.$t.der"
	run pkey $t --device photon --load "$WORK/dct.bin@0x00000000" -- particle-keyread \
		"$WORK/key.$t.der"
	check "particle key read -s 34:612 -U ($t): 612 bytes from DCT offset 34" \
		eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/key.$t.der" "$WORK/key.want" &&
			stat_is pkey.$t bytes_written 0'
done

# 9. MicroPython ports/stm32 `make deploy`: dfu-util -a 0 -d 0483:df11 -D
#    build/firmware.dfu (tools/dfu.py's DfuSe file: -D 0483:df11 -b ADDR:bin).
#    Plain boards at 0x08000000; mboot boards at 0x08008000 with mboot's own
#    32 KiB kept.
gen "$WORK/mboot.bin" 32768 92
dfuse-pack -D 0x0483:0xdf11 -b "0x08000000:$WORK/app.bin" "$WORK/mp.dfu" >/dev/null
dfuse-pack -D 0x0483:0xdf11 -b "0x08008000:$WORK/app.bin" "$WORK/mpb.dfu" >/dev/null
for t in ours debian; do
	run mp $t -- make "dfu-util -a 0 -d 0483:df11 -D $WORK/mp.dfu"
	check "micropython make deploy ($t): exit 0, image at 0x08000000" \
		eval '[ "$rc" -eq 0 ] && image_only mp.$t "$WORK/app.bin" && clean mp.$t'
	run mpb $t --load "$WORK/mboot.bin@0x08000000" -- \
		make "dfu-util -a 0 -d 0483:df11 -D $WORK/mpb.dfu"
	check "micropython with mboot ($t): exit 0, firmware at 0x08008000, mboot intact" \
		eval '[ "$rc" -eq 0 ] && holds mpb.$t 0 "$WORK/mboot.bin" &&
			holds mpb.$t 0x8000 "$WORK/app.bin"'
done
# The raw firmware.bin of an mboot board, flashed without -s: never at 0x08000000.
for t in ours debian; do
	run mpraw $t --load "$WORK/mboot.bin@0x08000000" -- \
		make "dfu-util -a 0 -d 0483:df11 -D $WORK/app.bin"
	check "micropython raw .bin without -s ($t): make fails (exit 64), mboot intact" \
		eval '[ "$rc" -eq 2 ] && grep -q "Error 64" "$WORK/mpraw.$t.err" &&
			holds mpraw.$t 0 "$WORK/mboot.bin" && stat_is mpraw.$t dnload 0'
done

# 10. Betaflight `make dfu_flash`: dfu-util -a 0 -D obj/betaflight.dfu -s :leave
#     (no -d: on a Mac the Bluetooth controller's run-time DFU interface is on
#     the bus too).
dfuse-pack -b "0x08000000:$WORK/app.bin" "$WORK/bf.dfu" >/dev/null
for t in ours debian; do
	run bf $t -- make "dfu-util -a 0 -D $WORK/bf.dfu -s :leave"
	check "betaflight dfu_flash ($t): exit 0, image at 0x08000000, left DFU mode" \
		eval '[ "$rc" -eq 0 ] && image_only bf.$t "$WORK/app.bin" && stat_is bf.$t leave 1'
done
run bfbt ours --device apple-bt --device f4 -- make "dfu-util -a 0 -D $WORK/bf.dfu -s :leave"
check "betaflight with a Mac's Bluetooth controller (dfuse-util): exit 0, flashed, BT untouched" \
	eval '[ "$rc" -eq 0 ] && stat_is bfbt.ours detach 0 APPLEBT && stat_is bfbt.ours dfu_requests 0 APPLEBT &&
		holds bfbt.ours 0 "$WORK/app.bin" 336F38743037'
run bfbt1 ours --device apple-bt -- make "dfu-util -a 0 -D $WORK/bf.dfu -s :leave"
check "only the Bluetooth controller (dfuse-util): exit 74, it is sent nothing, -d named" \
	eval '[ "$rc" -eq 2 ] && stat_is bfbt1.ours dfu_requests 0 &&
		grep -q "Apple Bluetooth controller.*not detached; -d 05ac:8290 selects it" "$WORK/bfbt1.ours.err"'
run bfbt debian --device apple-bt --device f4 -- \
		make "dfu-util -a 0 -D $WORK/bf.dfu -s :leave"
# dfu-util takes the IDs of the file's suffix as -d when none is given.
check "betaflight with a Mac's Bluetooth controller (dfu-util): exit 0, flashed, BT untouched" \
	eval '[ "$rc" -eq 0 ] && stat_is bfbt.debian detach 0 APPLEBT &&
		holds bfbt.debian 0 "$WORK/app.bin" 336F38743037'
run bfbt1 debian --device apple-bt -- make "dfu-util -a 0 -D $WORK/bf.dfu -s :leave"
check "only the Bluetooth controller (dfu-util): exit 74, it is not detached" \
	eval '[ "$rc" -eq 2 ] && stat_is bfbt1.debian detach 0'
# A raw image has no IDs to go by: with no -d, dfu-util detaches the bystander
# and flashes whatever comes back; dfuse-util sends it nothing.
run bt ours --device apple-bt -- make "dfu-util -a 0 -s 0x08000000:leave -D $WORK/app.bin"
check "raw image, only the Bluetooth controller (dfuse-util): exit 74, not one request to it" \
	eval '[ "$rc" -eq 2 ] && grep -q "Error 74" "$WORK/bt.ours.err" && stat_is bt.ours dfu_requests 0'
run bt debian --device apple-bt -- make "dfu-util -a 0 -s 0x08000000:leave -D $WORK/app.bin"
check "raw image, only the Bluetooth controller (dfu-util): known failure: detached and written" \
	eval 'stat_is bt.debian detach 1 && ! stat_is bt.debian dnload 0'

# 11. libDaisy core/Makefile program-dfu: dfu-util -a 0 -s ADDR:leave -D
#     build/x.bin -d ,0483:df11; 0x08000000 on the H7 ROM (APP_TYPE
#     BOOT_NONE), 0x90040000 through the Daisy bootloader (QSPI).
gen "$WORK/daisyboot.bin" 262144 93
for t in ours debian; do
	run daisy $t --device h7 -- make \
		"dfu-util -a 0 -s 0x08000000:leave -D $WORK/app.bin -d ,0483:df11"
	check "libdaisy program-dfu BOOT_NONE ($t): exit 0, image at 0x08000000 of the H7" \
		eval '[ "$rc" -eq 0 ] && holds daisy.$t 0 "$WORK/app.bin" && clean daisy.$t'
	run daisyq $t --device qspiboot --load "$WORK/daisyboot.bin@0x90000000" -- make \
		"dfu-util -a 0 -s 0x90040000:leave -D $WORK/app.bin -d ,0483:df11"
	check "libdaisy program-dfu QSPI ($t): exit 0, image at 0x90040000, first 256 KiB intact" \
		eval '[ "$rc" -eq 0 ] && holds daisyq.$t 0x40000 "$WORK/app.bin" "" 0 0x90000000 &&
			holds daisyq.$t 0 "$WORK/daisyboot.bin" "" 0 0x90000000'
done

# 12. particle-cli's permission case: dfu-util -l with a Photon whose device
#     node the user may not open. -l must still exit 0 and say "Cannot open
#     DFU device" on stderr, for particle-cli to offer its udev rules. As root
#     the node's mode stops no one, so the caller then runs as nobody.
as_user=
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 0755 "$WORK" "$WORK/ours" "$WORK/debian"
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
	for t in ours debian; do
		# shellcheck disable=SC2086 # $as_user is a command and its words
		sim perm.$t --device photon --no-access -- $as_user \
			env PATH="$WORK/$t:/usr/local/bin:/usr/bin:/bin" python3 "$CALLERS" \
			particle-permissions
		check "particle permission case ($t): the caller finds 'Cannot open DFU device', -l exit 0" \
			eval '[ "$rc" -eq 0 ] && grep -q "^Missing permissions to use DFU$" "$WORK/perm.$t.out"'
	done
	check "particle permission case (dfuse-util): dfu-util's line, then the node and the udev rule" \
		eval 'grep -q "Cannot open DFU device 2b04:d006 found on devnum 2 (LIBUSB_ERROR_ACCESS)" \
			"$WORK/perm.ours.err" && grep -q "cannot open /dev/bus/usb/001/002: permission denied (install the udev rule" \
			"$WORK/perm.ours.err"'
else
	skip "particle permission case (ours)" "root without setpriv: a device node cannot be made unopenable"
	skip "particle permission case (debian)" "root without setpriv"
	skip "particle permission case (dfuse-util): the udev hint" "root without setpriv"
fi
