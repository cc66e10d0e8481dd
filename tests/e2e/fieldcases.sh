#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 19's three field cases: a ROM that STALLs its leave and answers
# dfuMANIFEST before it resets has left (exit 0); a device answering
# dfuDNBUSY with the same short wait again and again gets the busy warning;
# padding a last partial flash word is said without -v, and --pad does it
# for a part the tool does not know.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 17

gen "$WORK/app.bin" 40000 90

# (a) The zero-length leave DNLOAD is STALLed; the device answers dfuMANIFEST
# for 100 ms (5000 ms at the tests' time scale), then resets.
sim lva --leave-manifest 5000 -- "$DFUSE" -a 0 -s 0x08000000:leave -D "$WORK/app.bin"
[ "$rc" -eq 0 ] || show lva
is "$rc" 0 "(a) leave DNLOAD STALLed, device in dfuMANIFEST, then gone: exit 0"
check "(a) nothing on stderr, stdout says it left" \
	eval 'no_stderr lva && grep -q "^The device left DFU mode$" "$WORK/lva.out"'
check "(a) it answered dfuMANIFEST after the STALL, then left; the image is in flash" \
	eval 'log_after lva "leave-manifest-stall" "GETSTATUS.*-> OK state=dfuMANIFEST" &&
		log_after lva "state=dfuMANIFEST" "EVENT gone" && same_at "$(mem lva)" 0 "$WORK/app.bin"'
# The same with the DNLOAD accepted and its GETSTATUS STALLed.
sim lvs --leave-manifest 5000 --leave-manifest-status -- "$DFUSE" -s 0x08000000:leave
is "$rc" 0 "(a) leave GETSTATUS STALLed, device in dfuMANIFEST, then gone: exit 0"
check "(a) nothing on stderr, and the device is gone" \
	eval 'no_stderr lvs && grep -q "EVENT gone" "$WORK/lvs.log"'
# A device that stays in dfuMANIFEST-SYNC has not taken it: still an error.
sim lvx --leave-status-stall -- "$DFUSE" -s 0x08000000:leave
is "$rc" 76 "(a) a device that stays in dfuMANIFEST-SYNC: still exit 76"

# (b) Each 2 KiB block keeps the device busy for 400 ms, and every GETSTATUS
# of that time says dfuDNBUSY, 20 ms. Real time (the poll count is the point).
gen "$WORK/two.bin" 4096 91
sim busy --time-scale 1 --busy-same 400 --busy-same-poll 20 -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/two.bin"
[ "$rc" -eq 0 ] || show busy
is "$rc" 0 "(b) busy 400 ms per block with 20 ms announced: exit 0"
check "(b) one warning naming the polls, the address, the 20 ms announced" \
	one_error busy 'warning: device busy for 0\.[0-9] s \([0-9]+ polls\) at 0x08000000, 20 ms announced'
check "(b) the image is in flash, the host waited as told" \
	eval 'same_at "$(mem busy)" 0 "$WORK/two.bin" && clean busy'
# A device that answers at once gets no such warning.
sim calm -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/two.bin"
check "(b) a device that is not slow: exit 0, no warning" quiet_ok calm

# (c) A 1000-byte image (31 words and 8 bytes) on a part whose ROM drops a last
# partial 32-byte word but that the tool does not know (an F4 with the H7's
# flash word): without --pad the last 8 bytes are lost, as on the real part.
gen "$WORK/w.bin" 1000 92
sim nopad --flash-word 32 -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/w.bin"
check "(c) unknown part, no --pad: the ROM dropped the last 8 bytes" \
	eval '[ "$rc" -eq 0 ] && ! same_at "$(mem nopad)" 0 "$WORK/w.bin" && blank "$(mem nopad)" 992 8'
sim pad --flash-word 32 -- "$DFUSE" --pad 32 -a 0 -s 0x08000000 -D "$WORK/w.bin"
[ "$rc" -eq 0 ] || show pad
is "$rc" 0 "(c) --pad 32: exit 0"
check "(c) --pad 32: every byte in flash, 0xFF after it" \
	eval 'same_at "$(mem pad)" 0 "$WORK/w.bin" && blank "$(mem pad)" 1000 4096'
check "(c) --pad 32: one line on stdout says so without -v" \
	eval '[ "$(grep -c "padded with 24 bytes of 0xFF to the 32-byte flash word (--pad)$" \
		"$WORK/pad.out")" -eq 1 ] && no_stderr pad'
# The H7, whose quirk the tool knows: the line without -v as well.
sim h7 --device h7 --flash-word 32 -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/w.bin"
check "(c) H7 without -v: one line says the write was padded (the device's quirk)" \
	eval '[ "$rc" -eq 0 ] &&
		grep -q "padded with 24 bytes of 0xFF to the 32-byte flash word (the device.s quirk)$" \
		"$WORK/h7.out" && same_at "$(mem h7)" 0 "$WORK/w.bin"'
sim padu -- "$DFUSE" --pad 32 -a 0 -s 0x08000000:1024 -U "$WORK/padu.bin"
is "$rc" 64 "(c) --pad without -D: exit 64"
check "(c) --pad without -D: one line saying so, nothing sent" \
	eval 'one_error padu "--pad only applies to -D" && stat_is padu requests 0'
