#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -Q, the option of Arduino's dfu-util (0.11.0-arduino5) that its
# ArduinoCore-renesas recipes pass: "dfu-util --device VID:PID,:DFU_PID -D
# sketch.bin -a0 -Q". After the operation the device leaves DFU mode and
# starts its firmware: a DfuSe leave request on a DfuSe ROM (no bus reset,
# so it works where -R cannot), a USB reset after manifestation on a plain
# DFU device. Each run below starts from the application, as an Arduino
# upload does, and the model's memory is read back.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 9

gen "$WORK/sketch.bin" 30000 6

# 1. A run-time application that detaches into the STM32F4 ROM (DfuSe).
sim ds --device runtime -- "$DFUSE" --device 0x0483:0x5740,:0xdf11 -s 0x08000000 \
	-D "$WORK/sketch.bin" -a0 -Q
[ "$rc" -eq 0 ] || show ds
is "$rc $(head -c 30000 "$(mem ds)" | cmp -s - "$WORK/sketch.bin" && echo same)" "0 same" \
	"DfuSe -Q: exit 0, the flash holds the sketch"
is "$(st ds leave) $(log_after ds "EVENT leave" "EVENT reset" && echo reset)" "1 " \
	"DfuSe -Q: one leave request, no bus reset after it (what WinUSB cannot do is not needed)"
check "DfuSe -Q: the leave set the pointer to the first address written" \
	log_after ds "set-address addr=0x08000000" "EVENT leave"

# 2. An application that detaches into a plain DFU 1.1 bootloader (the
#    shape of the UNO R4's: plain DFU, not manifestation tolerant).
blank_file "$WORK/plain-want.bin" 114688
put "$WORK/plain-want.bin" 0 "$WORK/sketch.bin"
sim pl --device plain-rt -- "$DFUSE" --device 0x1209:0x0001,:0x0002 -D "$WORK/sketch.bin" \
	-a0 -Q
[ "$rc" -eq 0 ] || show pl
is "$rc $(cmp -s "$WORK/plain-want.bin" "$(mem pl "" 0 0x08004000)" && echo same)" "0 same" \
	"plain DFU -Q: exit 0, the flash holds the sketch"
check "plain DFU -Q: manifestation, then the reset after which the device left the bus" \
	log_after pl "state=dfuMANIFEST-WAIT-RESET" "EVENT reset gone"

# 3. After -U as well; and -Q where it has nothing to apply to.
sim up --device f4 --load "$WORK/sketch.bin@0x08000000" -- "$DFUSE" -a 0 \
	-s 0x08000000:30000 -U "$WORK/up.bin" -Q
is "$rc $(cmp -s "$WORK/up.bin" "$WORK/sketch.bin" && echo same) $(st up leave)" "0 same 1" \
	"-U -Q: the file equals the flash, then the device left DFU mode"
sim alone -- "$DFUSE" -Q
check "-Q alone: exit 64, one line saying it applies to -D and -U" \
	eval '[ "$rc" -eq 64 ] && one_error alone "-Q only applies to -D and -U"'
sim lq -- "$DFUSE" -l -Q
check "-l -Q: exit 64 (listing starts nothing)" \
	eval '[ "$rc" -eq 64 ] && one_error lq "-l cannot be combined with -Q"'
head -c 8192 "$WORK/sketch.bin" >"$WORK/small.bin" # 128 blocks of 64 bytes
sim tiny --device tinyusb -- "$DFUSE" -a 0 -D "$WORK/small.bin" -Q
is "$rc $(head -c 8192 "$(mem tiny "" 0 0x00000000)" | cmp -s - "$WORK/small.bin" && echo same) $(grep -c 'EVENT reset' "$WORK/tiny.log")" \
	"0 same 1" "manifestation-tolerant plain DFU -Q: the sketch, then one bus reset"
