#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Plain DFU 1.1 devices end to end, with the command lines their callers run
# and the success checks those callers apply (all judge by exit status 0):
# Klipper's scripts/flash_usb.py and QMK's stm32duino rule on the Maple,
# PlatformIO's maple_upload and its -s ADDRESS:leave on a plain board,
# TinyUSB -D / -U / -Z, and a run-time application switching into a plain
# bootloader. Debian's dfu-util runs the same lines: it writes the Maple
# correctly and still exits 74 when the reset finds the device re-enumerated.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v dfu-util >/dev/null 2>&1 || skip_all "Debian's dfu-util is not installed"

plan 39

MAPLE_ALT2=122880 # 0x08002000 to the end of the F103RB's 128 KiB
gen "$WORK/klipper.bin" 30000 11
blank_file "$WORK/maple-want.bin" $MAPLE_ALT2
put "$WORK/maple-want.bin" 0 "$WORK/klipper.bin"
maple_mem() {
	mem "$1" "LLM 003" 2 0x08002000
}

# maple NAME TOOL ARGS...: one run against the Maple bootloader.
maple() {
	maple_name=$1
	shift
	sim "$maple_name" --device maple -- "$@"
}

# 1. Klipper scripts/flash_usb.py, flash_dfuutil() for a VID:PID device:
#    dfu-util -d ,1eaf:0003 -R -a 2 -D klipper.bin; non-zero exit = "Error running dfu-util".
maple kl "$DFUSE" -d ,1eaf:0003 -R -a 2 -D "$WORK/klipper.bin"
[ "$rc" -eq 0 ] || show kl
check "Klipper Maple line: dfuse-util exits 0" [ "$rc" -eq 0 ]
check "Klipper: alt 2 flash holds the image, 0xFF after it" cmp -s "$WORK/maple-want.bin" "$(maple_mem kl)"
check "Klipper: wait-reset, then the reset after which the Maple left the bus" \
	eval 'log_after kl "state=dfuMANIFEST-WAIT-RESET" "EVENT reset gone"'
check "Klipper: 30 data blocks and the zero-length one, no DETACH, nothing forbidden" \
	eval 'stat_is kl dnload 31 && stat_is kl detach 0 && stat_is kl forbidden 0 && stat_is kl early_polls 0'
check "Klipper: GETSTATUS once at the start, once per block, once for manifestation" \
	stat_is kl getstatus 32
check "Klipper: the output says the device left the bus" grep -q "left the bus" "$WORK/kl.out"
maple kl0 dfu-util -d ,1eaf:0003 -R -a 2 -D "$WORK/klipper.bin"
check "Klipper line under dfu-util 0.11: exit 74 although the flash is right" \
	eval '[ "$rc" -eq 74 ] && cmp -s "$WORK/maple-want.bin" "$(maple_mem kl0)"'
check "dfu-util 0.11: its reset hit the re-enumerated device" \
	eval 'grep -q "EVENT reset gone" "$WORK/kl0.log"'

# 2. QMK platforms/chibios/flash.mk, the stm32duino rule:
#    dfu-util -d 1EAF:0003 -a 2 -R -D $(BUILD_DIR)/$(TARGET).bin; make fails on non-zero.
maple qmk "$DFUSE" -d 1EAF:0003 -a 2 -R -D "$WORK/klipper.bin"
[ "$rc" -eq 0 ] || show qmk
check "QMK stm32duino rule: dfuse-util exits 0" [ "$rc" -eq 0 ]
check "QMK: flash holds the image" cmp -s "$WORK/maple-want.bin" "$(maple_mem qmk)"
check "QMK: nothing on stderr" no_stderr qmk
maple qmk0 dfu-util -d 1EAF:0003 -a 2 -R -D "$WORK/klipper.bin"
check "QMK rule under dfu-util 0.11: exit 74, flash right" \
	eval '[ "$rc" -eq 74 ] && cmp -s "$WORK/maple-want.bin" "$(maple_mem qmk0)"'

# 3. PlatformIO's maple_upload (Arduino_STM32 tools/linux), boot_version 2:
#    dfu-util -d 1EAF:0003 -a 2 -D firmware.bin -R (the script then ignores the exit status).
maple pio "$DFUSE" -d 1EAF:0003 -a 2 -D "$WORK/klipper.bin" -R
check "maple_upload line: dfuse-util exits 0 and the flash holds the image" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/maple-want.bin" "$(maple_mem pio)"'
maple pio0 dfu-util -d 1EAF:0003 -a 2 -D "$WORK/klipper.bin" -R
check "maple_upload line under dfu-util 0.11: exit 74 (hidden by the script)" [ "$rc" -eq 74 ]

# 4. -l: dfu-util's line format; the same lines as dfu-util (it lists alts in reverse).
maple ls "$DFUSE" -l
maple ls0 dfu-util -l
check "-l on the Maple: the same three Found DFU lines as dfu-util" \
	eval '[ "$(grep -c "^Found DFU: \[1eaf:0003\] ver=0200" "$WORK/ls.out")" -eq 3 ] &&
		[ "$(grep "^Found" "$WORK/ls.out" | sort)" = "$(grep "^Found" "$WORK/ls0.out" | sort)" ]'

# 5. Upload from the Maple and what a plain device refuses.
maple up "$DFUSE" -a 2 -U "$WORK/maple-up.bin"
check "Maple -U alt 2: 120 KiB, equal to the flash" \
	eval '[ "$rc" -eq 0 ] && [ "$(wc -c <"$WORK/maple-up.bin")" -eq $MAPLE_ALT2 ]'
dfuse-pack -b "0x08002000:$WORK/klipper.bin" -D 0x1eaf:0x0003 "$WORK/k.dfu" >/dev/null 2>&1 ||
	{ echo "dfuse-pack failed" >&2; exit 1; }
maple dfuse "$DFUSE" -a 2 -D "$WORK/k.dfu"
check "a DfuSe .dfu file on the Maple: exit 65, one line naming the mismatch, nothing sent" \
	eval '[ "$rc" -eq 65 ] && one_error dfuse "DfuSe .dfu file.*plain DFU 1.1" && stat_is dfuse dnload 0'
maple me "$DFUSE" -a 2 -s 0x08002000:mass-erase:force -D "$WORK/klipper.bin"
check "-s :mass-erase on a plain device: exit 64 before any DFU request" \
	eval '[ "$rc" -eq 64 ] && one_error me "mass-erase is DfuSe only" && stat_is me dfu_requests 0'
maple ram "$DFUSE" -a 0 -D "$WORK/klipper.bin"
check "Maple alt 0 (RAM): exit 76 naming block 0, no success claimed" \
	eval '[ "$rc" -eq 76 ] && one_error ram "block 0" && ! grep -q "Download done" "$WORK/ram.out"'
maple det "$DFUSE" -e
check "-e on the Maple (already in DFU mode): exit 0 and no DETACH, which it refuses" \
	eval '[ "$rc" -eq 0 ] && stat_is det detach 0'

# 6. PlatformIO's generic dfu upload: a suffix added by
#    dfu-suffix -v VID -p PID -d 0xffff -a, then
#    dfu-util -d 0xVID:0xPID -a 0 -s 0x08000000:leave -D firmware.bin.
gen "$WORK/fw.bin" 5000 12
cp "$WORK/fw.bin" "$WORK/firmware.bin"
dfu-suffix -v 0xcafe -p 0x4000 -d 0xffff -a "$WORK/firmware.bin" >/dev/null 2>&1 ||
	{ echo "dfu-suffix failed" >&2; exit 1; }
blank_file "$WORK/tiny-want.bin" 65536
put "$WORK/tiny-want.bin" 0 "$WORK/fw.bin"
sim pl --device tinyusb -- "$DFUSE" -d 0xcafe:0x4000 -a 0 -s 0x08000000:leave -D "$WORK/firmware.bin"
[ "$rc" -eq 0 ] || show pl
check "PlatformIO -s 0x08000000:leave on a plain board: dfuse-util exits 0" [ "$rc" -eq 0 ]
check "PlatformIO: one warning line, the address is ignored" \
	one_error pl "warning: .*plain DFU 1.1 device: the address 0x08000000 from -s is ignored"
check "PlatformIO: the payload without its suffix at the alt's start" \
	cmp -s "$WORK/tiny-want.bin" "$(mem pl "" 0 0x00000000)"
check "PlatformIO: :leave reset the device after it returned to dfuIDLE" \
	eval 'log_after pl "state=dfuIDLE" "EVENT reset gone"'
sim pl0 --device tinyusb -- dfu-util -d 0xcafe:0x4000 -a 0 -s 0x08000000:leave -D "$WORK/firmware.bin"
check "the same line under dfu-util 0.11: exit 74, no memory layout, nothing written" \
	eval '[ "$rc" -eq 74 ] && grep -q "Failed to parse memory layout" "$WORK/pl0.err" &&
		stat_is pl0 dnload 0'

# 7. TinyUSB: dfu-util -d cafe:4000 -a 0 -D fw.bin, -U, -Z.
sim td --device tinyusb -- "$DFUSE" -d cafe:4000 -a 0 -D "$WORK/fw.bin"
[ "$rc" -eq 0 ] || show td
check "TinyUSB -D: exit 0, nothing on stderr" quiet_ok td
check "TinyUSB -D: FLASH holds the image" cmp -s "$WORK/tiny-want.bin" "$(mem td "" 0 0x00000000)"
check "TinyUSB -D: 79 blocks of 64 bytes and the zero-length one, host behaved" \
	eval 'stat_is td dnload 80 && clean td'
check "TinyUSB -D: manifestation tolerant, the device stays on the bus in dfuIDLE" \
	eval '! grep -q "EVENT gone\|EVENT reset" "$WORK/td.log" &&
		tail -n 1 "$WORK/td.log" | grep -q "state=dfuIDLE"'
sim td0 --device tinyusb -- dfu-util -d cafe:4000 -a 0 -D "$WORK/fw.bin"
check "TinyUSB -D under dfu-util 0.11: exit 0, the same memory" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/tiny-want.bin" "$(mem td0 "" 0 0x00000000)"'
gen "$WORK/ee.bin" 1000 13
sim tu --device tinyusb --load "$WORK/ee.bin@0x00100000" -- "$DFUSE" -d cafe:4000 -a 1 -U "$WORK/ee-up.bin"
check "TinyUSB -U EEPROM: exit 0, 1000 bytes up to the short block, equal" \
	eval '[ "$rc" -eq 0 ] && cmp -s "$WORK/ee.bin" "$WORK/ee-up.bin" && stat_is tu upload 16'
sim tu0 --device tinyusb --load "$WORK/ee.bin@0x00100000" -- dfu-util -d cafe:4000 -a 1 -U "$WORK/ee-up0.bin"
check "TinyUSB -U under dfu-util 0.11: the same 1000 bytes" cmp -s "$WORK/ee.bin" "$WORK/ee-up0.bin"
sim tz --device tinyusb --load "$WORK/fw.bin@0" -- "$DFUSE" -d cafe:4000 -a 0 -Z 300 -U "$WORK/z.bin"
check "TinyUSB -Z 300: exactly 300 bytes, equal to the memory, upload ended by ABORT" \
	eval '[ "$rc" -eq 0 ] && [ "$(wc -c <"$WORK/z.bin")" -eq 300 ] &&
		head -c 300 "$WORK/fw.bin" | cmp -s - "$WORK/z.bin" && stat_is tz abort 1 && stat_is tz upload 5'
sim tz0 --device tinyusb --load "$WORK/fw.bin@0" -- dfu-util -d cafe:4000 -a 0 -Z 300 -U "$WORK/z0.bin"
check "dfu-util 0.11 takes -Z as an expectation: it reads the whole 64 KiB and warns" \
	eval '[ "$rc" -eq 0 ] && [ "$(wc -c <"$WORK/z0.bin")" -eq 65536 ] &&
		grep -q "Unexpected number of bytes" "$WORK/tz0.err"'
sim tx --device tinyusb -- "$DFUSE" -d cafe:4000 -a 0 -U "$WORK/z.bin"
check "-U onto an existing file: exit 73, the file untouched" \
	eval '[ "$rc" -eq 73 ] && [ "$(wc -c <"$WORK/z.bin")" -eq 300 ]'

# 8. A run-time application that re-enumerates as a plain DFU bootloader.
gen "$WORK/app.bin" 9000 14
blank_file "$WORK/boot-want.bin" 114688
put "$WORK/boot-want.bin" 0 "$WORK/app.bin"
sim rt --device plain-rt -- "$DFUSE" -d 1209:0001,1209:0002 -D "$WORK/app.bin"
[ "$rc" -eq 0 ] || show rt
check "run-time 1209:0001 -> plain DFU 1209:0002: exit 0, nothing on stderr" quiet_ok rt
check "run-time switch: the bootloader's flash holds the image" \
	cmp -s "$WORK/boot-want.bin" "$(mem rt "" 0 0x08004000)"
check "run-time switch: detach, re-enumeration, download, wait-reset, reset, gone, in order" \
	eval 'stat_is rt detach 1 && log_after rt "EVENT reset reenumerate" "EVENT write" &&
		log_after rt "state=dfuMANIFEST-WAIT-RESET" "EVENT reset gone" && clean rt'
sim rt0 --device plain-rt -- dfu-util -d 1209:0001,1209:0002 -D "$WORK/app.bin"
check "the same switch under dfu-util 0.11: exit 74 at the final reset, flash right" \
	eval '[ "$rc" -eq 74 ] && cmp -s "$WORK/boot-want.bin" "$(mem rt0 "" 0 0x08004000)"'
