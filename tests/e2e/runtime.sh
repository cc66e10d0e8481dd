#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run-time devices and waiting, end to end: -e, a download that detaches the
# device and proceeds as soon as it re-enumerates, the -E timeout, -w/--wait
# with a device that appears late, and -R. Times are wall clock, with margins
# wide enough for a loaded CI machine.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 25

FLASH=1048576
gen "$WORK/img.bin" 20000 70
blank_file "$WORK/want.bin" $FLASH
put "$WORK/want.bin" 0 "$WORK/img.bin"

# timed NAME SIM-OPTIONS... -- ARGS...: sim with dfuse-util, wall time in $ms.
timed() {
	timed_t0=$(now_ms)
	sim "$@"
	ms=$(($(now_ms) - timed_t0))
}

# 1. -e: DETACH, then a USB reset (the run-time chip's bitWillDetach is clear).
sim det --device runtime --serial RTE2E -- "$DFUSE" -e
[ "$rc" -eq 0 ] || show det
check "-e: exit 0, nothing on stderr" quiet_ok det
check "-e: one DETACH, then the reset that re-enumerates the device" \
	eval 'stat_is det detach 1 && log_after det "^[0-9]* DETACH .* -> OK" "EVENT reset reenumerate"'
check "-e: nothing written" stat_is det dnload 0
sim det2 -- "$DFUSE" -e
check "-e on a device already in DFU mode: exit 0, says so, no DETACH" \
	eval 'quiet_ok det2 && grep -q "already in DFU mode" "$WORK/det2.out" && stat_is det2 detach 0'

# 2. A download to a run-time device: detach, wait, flash, leave.
timed auto --device runtime --serial RTE2E --reenumerate-after 300 -- \
	"$DFUSE" -a 0 -s 0x08000000:leave -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show auto
diag "download via detach (device back after 300 ms): $ms ms"
check "run-time download: exit 0, nothing on stderr" quiet_ok auto
check "run-time download: memory holds the image, 0xFF elsewhere" \
	cmp -s "$WORK/want.bin" "$(mem auto)"
check "run-time download: detach, re-enumeration, then leave and gone, in order" \
	eval 'log_after auto "EVENT reset reenumerate" "EVENT erase" &&
		log_after auto "EVENT write" "EVENT leave" &&
		log_after auto "EVENT leave" "EVENT gone" && stat_is auto detach 1'
check "run-time download: host behaved" clean auto
check "run-time download: it waited for the device (>= 300 ms)" [ "$ms" -ge 300 ]
check "run-time download: it went on as the device came back (< 4 s, not a fixed 5 s)" \
	[ "$ms" -lt 4000 ]

# The device never comes back within -E.
timed late --device runtime --serial RTE2E --reenumerate-after 3000 -- \
	"$DFUSE" -E 1 -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "-E 1, device back only after 3 s: exit 74" [ "$rc" -eq 74 ]
check "-E 1: one line saying it did not reappear within 1 s" \
	one_error late "did not reappear.*1 s"
check "-E 1: gave up after about 1 s (< 4 s)" eval '[ "$ms" -ge 1000 ] && [ "$ms" -lt 4000 ]'
check "-E 1: nothing was written" stat_is late bytes_written 0

# 3. -w: wait for a device that appears after 500 ms.
timed wdl --appear-after 500 -- "$DFUSE" -w -a 0 -s 0x08000000 -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show wdl
diag "-w download (device appears after 500 ms): $ms ms"
check "-w -D: exit 0, nothing on stderr" quiet_ok wdl
check "-w -D: said once that it waits" [ "$(grep -c 'Waiting' "$WORK/wdl.out")" -eq 1 ]
check "-w -D: memory holds the image" cmp -s "$WORK/want.bin" "$(mem wdl)"
check "-w -D: went on within a margin of the appearance (500 ms <= t < 3.5 s)" \
	eval '[ "$ms" -ge 500 ] && [ "$ms" -lt 3500 ]'
timed wl --appear-after 500 -- "$DFUSE" -w -l
diag "-w -l (device appears after 500 ms): $ms ms"
check "-w -l: waits for the device, then lists it" \
	eval '[ "$rc" -eq 0 ] && [ "$ms" -ge 500 ] && grep -q "^Found DFU" "$WORK/wl.out"'

# --wait does not swallow the next argument: -D is still the operation (a raw
# image without -s is then refused, naming the -s that writes at the start).
timed wlong --appear-after 300 -- "$DFUSE" --wait -D "$WORK/img.bin"
check "--wait -D img.bin: waited for the device, then exit 64 naming -s, nothing written" \
	eval '[ "$rc" -eq 64 ] && [ "$ms" -ge 300 ] && stat_is wlong dnload 0 &&
		one_error wlong "add -s 0x08000000 \\(the start of alt 0 \"Internal Flash\"\\)"'
timed wto --appear-after 60000 -- "$DFUSE" --wait=1 -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "--wait=1 with no device: exit 74 after about 1 s, one line" \
	eval '[ "$rc" -eq 74 ] && [ "$ms" -ge 1000 ] && [ "$ms" -lt 4000 ] &&
		one_error wto "1 s"'

# 4. -R after a download: a reset, no warning.
sim rst -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin" -R
[ "$rc" -eq 0 ] || show rst
check "-R after a download: exit 0, no warning on stderr" quiet_ok rst
check "-R after a download: memory right, then one USB reset" \
	eval 'cmp -s "$WORK/want.bin" "$(mem rst)" && log_after rst "EVENT write" "EVENT reset"'
sim rstl -- "$DFUSE" -a 0 -s 0x08000000:leave -D "$WORK/img.bin" -R
check "-R after :leave (the device is gone): exit 0, no warning" \
	eval 'quiet_ok rstl && stat_is rstl leave 1'
sim rsta -- "$DFUSE" -R
check "-R alone on a DfuSe ROM: exit 0, no warning, one reset" \
	eval 'quiet_ok rsta && grep -q "EVENT reset" "$WORK/rsta.log"'
