#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The 2026 ROMs of tests/sim/chips_2026.c end to end: each flashes an image
# and reads it back (-U, and the model's memory), with the quirk that row
# brings: the STM32C5's CLRSTATUS outside dfuERROR (never sent), the U5's
# 16-byte flash words, the G474's option bytes in two zones of one alt, the
# L0's 128-byte pages and data EEPROM, the AT32F43x's read-only first 32 KiB,
# the GD32H7-like ROM's wTransferSize 0, the APM32's IDs, the ESP32-S2 as a
# plain DFU device, and F0/F3 ROMs that all report serial FFFFFFFEFFFF.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v dfu-util >/dev/null 2>&1 || skip_all "Debian's dfu-util is not installed"

plan 24

gen "$WORK/img.bin" 20000 9

# rom NAME CHIP ADDR [SIM-OPTIONS...]: flash img.bin at ADDR with --verify,
# read it back with -U; checks both, and that the host stayed clean.
rom() {
	rom_name=$1 rom_chip=$2 rom_addr=$3
	shift 3
	sim "$rom_name" --device "$rom_chip" "$@" -- sh -c '
		"$1" -a 0 -s "$2" --verify -D img.bin &&
		"$1" -a 0 -s "$2:20000" -U "$3.up.bin"' sh "$DFUSE" "$rom_addr" "$rom_name"
	[ "$rc" -eq 0 ] || show "$rom_name"
	is "$rc $(cmp -s "$WORK/img.bin" "$WORK/$rom_name.up.bin" && echo same)" \
		"0 same" "$rom_chip: -D --verify and -U at $rom_addr exit 0, the read equals the image"
	is "$(st "$rom_name" forbidden) $(st "$rom_name" unerased_writes) $(st "$rom_name" early_polls)" \
		"0 0 0" \
		"$rom_chip: nothing forbidden, no unerased write, no early poll"
}

cd "$WORK" || exit 1
rom c5 c5 0x08000000
is "$(st c5 clrstatus)" 0 "c5: the ROM never saw a CLRSTATUS (outside dfuERROR it STALLs)"
rom u5 u5 0x08000000 --flash-word 16
rom g474 g474 0x08000000
sim g474ob --device g474 -- "$DFUSE" -a 1 -s 0x1FFFF800:48 -U "$WORK/ob2.bin"
is "$rc $(wc -c <"$WORK/ob2.bin" 2>/dev/null)" \
	"0 48" "g474: the second option-byte zone of alt 1 reads as 48 bytes"
rom l0 l0 0x08000000
gen "$WORK/ee.bin" 512 4
sim l0ee --device l0 -- "$DFUSE" -a 1 -s 0x08080000 -D "$WORK/ee.bin"
is "$rc $(head -c 512 "$(mem l0ee "" 1 0x08080000)" | cmp -s - "$WORK/ee.bin" && echo same)" \
	"0 same" \
	"l0: the data EEPROM alt takes 512 bytes"
rom at32 at32f43x 0x08008000
sim at32ro --device at32f43x -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "at32f43x: the read-only first 32 KiB are refused (64) before any DNLOAD" \
	eval '[ "$rc" -eq 64 ] && stat_is at32ro dnload 0'
rom gd32h7 gd32h7 0x08000000
rom apm32 apm32 0x08000000
sim apm0 --device apm32 -- dfu-util -d 314b:0106 -a 0 -s 0x08000000 -D "$WORK/img.bin"
is "$rc $(head -c 20000 "$(mem apm0)" | cmp -s - "$WORK/img.bin" && echo same)" \
	"0 same" "apm32: dfu-util 0.11 writes the same image (the model holds it to it)"

# The ESP32-S2 ROM, plain DFU: -D, then -U of the same length.
sim esp --device esp32s2 -- sh -c '"$1" -D img.bin && "$1" -U esp.up.bin -Z 20000' sh "$DFUSE"
is "$rc $(cmp -s "$WORK/img.bin" "$WORK/esp.up.bin" && echo same)" \
	"0 same" "esp32s2: -D and -U exit 0, the read equals the image"

# F0 and F3 ROMs: every part reports FFFFFFFEFFFF.
sim ff --device f0 --device f3 -- "$DFUSE" --all -a 0 -s 0x08000000 -D "$WORK/img.bin"
is "$rc $(head -c 20000 "$(mem ff FFFFFFFEFFFF)" | cmp -s - "$WORK/img.bin" && echo 1)$(head -c 20000 "$(mem ff FFFFFFFEFFFF~2)" | cmp -s - "$WORK/img.bin" && echo 2)" \
	"0 12" \
	"F0 + F3 --all: exit 0, both boards hold the image"
check "F0 + F3 --all: one warning names the shared serial and both paths" \
	grep -q 'warning: 2 boards report the same serial FFFFFFFEFFFF (at 1-1, 1-2)' "$WORK/ff.err"
check "F0 + F3 --all: the warning comes before any board is erased or read" \
	eval '[ "$(grep -n "same serial" "$WORK/ff.err" | cut -d: -f1)" -eq 1 ] &&
		[ "$(head -n 1 "$WORK/ff.out")" = "Running on 2 boards" ] &&
		! sed -n 2p "$WORK/ff.out" | grep -q Erasing'
sim ffu --device f0 --device f3 -- "$DFUSE" --all -a 0 -s 0x08000000:64 -U "$WORK/up-{serial}.bin"
is "$(grep -c 'is also the file of board' "$WORK/ffu.out") $(st ffu upload 'FFFFFFFEFFFF~2')" \
	"1 0" "F0 + F3 --all -U up-{serial}.bin: refused for the second board, nothing read from it"
