#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -s :fast end to end: a busy device is polled again at once instead of after
# the bwPollTimeout it announced, on each kind of model: the F7 ROM that
# announces 104 ms per 2 KiB block and needs about 8, the same ROM when it
# STALLs a poll sent too early (the session falls back to the announced
# times and the block in flight is recovered), a device that answers
# dfuDNBUSY again, an F4 with :leave, and plain DFU devices (TinyUSB, and
# the ESP32-S2 ROM with its long erases). Every flash is read back from the
# model; --json says how many polls went out and how long the device took.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 17

# jget NAME KEY: a field of the first device of that run's --json report.
jget() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["devices"][0]
v = d
for k in sys.argv[2].split("."):
	v = v[k]
print(v)' "$WORK/$1.json" "$2"
}

gen "$WORK/img.bin" 131072 3
F7_WANT="$WORK/img.bin"
# f7mem NAME: the first 128 KiB (the four 32 KiB sectors) of that run's flash.
f7mem() {
	head -c 131072 "$(mem "$1")"
}

# 1. The F7 ROM, with and without :fast (its strict timing holds a poll
#    until the block is really written, as a ROM does), at a quarter of its
#    timings: at lib.sh's 1/50 the 8 ms it needs per block and the 104 ms
#    it announces both round to a few ms and would not tell apart.
sim f7 --device f7 --time-scale 0.25 --strict-timing -- "$DFUSE" -a 0 -s 0x08000000:fast -D "$WORK/img.bin" \
	--json "$WORK/f7.json"
[ "$rc" -eq 0 ] || show f7
is "$rc $(f7mem f7 | cmp -s - "$F7_WANT" && echo same)" \
	"0 same" "F7 :fast: exit 0, the flash holds the image"
is "$([ "$(st f7 early_polls)" -gt 0 ] && echo early) $(st f7 unerased_writes) $(st f7 forbidden)" \
	"early 0 0" \
	"F7 :fast: polls early by design, never onto unerased flash, nothing forbidden"
sim f7s --device f7 --time-scale 0.25 --strict-timing -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin" \
	--json "$WORK/f7s.json"
is "$rc $(f7mem f7s | cmp -s - "$F7_WANT" && echo same) $(st f7s early_polls)" \
	"0 same 0" "F7 without :fast: the same image, no early poll"
check "--json: with :fast the device took less than it announced" \
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))' \
	"$(jget f7 seconds.device_busy)" "$(jget f7 seconds.announced)"
check "--json: without :fast it took at least what it announced" \
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) >= float(sys.argv[2]))' \
	"$(jget f7s seconds.device_busy)" "$(jget f7s seconds.announced)"
check "--json: the polls are counted, with :fast no fewer than without" \
	python3 -c 'import sys; sys.exit(not int(sys.argv[1]) >= int(sys.argv[2]) > 0)' \
	"$(jget f7 polls)" "$(jget f7s polls)"

# 2. A ROM that STALLs an early poll (and goes to dfuERROR): one STALL, then
#    the announced times; the erase or block in flight is recovered.
sim f7e --device f7 --time-scale 0.25 --stall-early -- "$DFUSE" -v -a 0 -s 0x08000000:fast -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show f7e
is "$rc $(f7mem f7e | cmp -s - "$F7_WANT" && echo same)" \
	"0 same" "STALLed early poll: exit 0, the flash holds the image"
is "$(grep -c 'early-poll stall' "$WORK/f7e.log") $(st f7e early_polls)" \
	"1 1" "STALLed early poll: the device STALLed once, then no poll was early again"
check "-v says the session went back to the announced times" \
	grep -q ':fast: the device STALLed an early poll' "$WORK/f7e.err"
is "$(st f7e erase)" 4 \
	"the erase in flight read back blank instead of being sent again: 4 erases, 4 sectors"

# 3. A device that answers dfuDNBUSY again (5 more times per request).
sim f4r --device f4 --busy-repeat 5 -- "$DFUSE" -a 0 -s 0x08000000:fast -D "$WORK/img.bin"
is "$rc $(head -c 131072 "$(mem f4r)" | cmp -s - "$F7_WANT" && echo same) $(st f4r unerased_writes)" \
	"0 same 0" \
	"repeated dfuDNBUSY: exit 0, the image, no unerased write"
check "repeated dfuDNBUSY: no busy loop (fewer than 8 polls per request)" \
	[ "$(st f4r getstatus)" -lt $((8 * $(st f4r dnload))) ]

# 4. :fast with :leave: the device starts the application.
sim f4l --device f4 -- "$DFUSE" -a 0 -s 0x08000000:fast:leave -D "$WORK/img.bin"
is "$rc $(head -c 131072 "$(mem f4l)" | cmp -s - "$F7_WANT" && echo same) $(st f4l leave)" \
	"0 same 1" \
	":fast:leave: exit 0, the image, the device left"

# 5. Plain DFU devices: TinyUSB, and the ESP32-S2 ROM (long erases).
head -c 16384 "$WORK/img.bin" >"$WORK/esp.bin" # 256 blocks of 64 bytes
sim tu --device tinyusb -- "$DFUSE" -a 0 -s :fast -D "$WORK/esp.bin"
is "$rc $(head -c 16384 "$(mem tu "" 0 0x00000000)" | cmp -s - "$WORK/esp.bin" && echo same)" \
	"0 same" \
	"TinyUSB :fast: exit 0, the image at the start of alt 0"
# a quarter of its timings: its 600 ms erase then announces 150 ms, far
# more than a loaded machine takes to send the next poll
sim esp --device esp32s2 --time-scale 0.25 -- "$DFUSE" -s :fast -D "$WORK/esp.bin"
[ "$rc" -eq 0 ] || show esp
is "$rc $(head -c 16384 "$(mem esp "" 0 0x00000000)" | cmp -s - "$WORK/esp.bin" && echo same) $([ "$(st esp early_polls)" -gt 0 ] && echo early)" \
	"0 same early" \
	"ESP32-S2 :fast: exit 0, the image, polls sooner than its long erases announce"
sim esp0 --device esp32s2 --time-scale 0.25 -- "$DFUSE" -D "$WORK/esp.bin"
is "$rc $(head -c 16384 "$(mem esp0 "" 0 0x00000000)" | cmp -s - "$WORK/esp.bin" && echo same) $(st esp0 early_polls)" \
	"0 same 0" \
	"ESP32-S2 without :fast: the same image, never early"
sim bad -- "$DFUSE" -a 0 -s 0x08000000:fas -D "$WORK/img.bin"
check "a misspelt :fas is refused (64), not taken for :fast" \
	eval '[ "$rc" -eq 64 ] && one_error bad "unknown modifier .fas."'
