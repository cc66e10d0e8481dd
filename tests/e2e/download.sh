#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Downloads end to end: erase plans on the F4's mixed sectors, .dfu files with
# shared sectors, out-of-order elements and several targets, alt selection by
# address, the F1/H7/GD32 chips, devices with quirks (immediate completion,
# busy STALLs, vanishing at leave), --verify and --diff.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 44

FLASH=1048576
gen "$WORK/pattern.bin" $FLASH 20

# 1. Mid-sector start across the 16/64/128 KiB boundaries: 0x0800e000 (in
# sector 3) to 0x08023000 (in sector 5), over a preloaded pattern.
gen "$WORK/span.bin" 86016 21
sim span --load "$WORK/pattern.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x0800e000 -D "$WORK/span.bin"
[ "$rc" -eq 0 ] || show span
check "16/64/128 KiB span: exit 0, nothing on stderr" quiet_ok span
is "$(erased span)" "0x0800c000 0x08010000 0x08020000" \
	"16/64/128 KiB span: sectors 3, 4 and 5 erased, in order, nothing else"
check "16/64/128 KiB span: no sector erased twice" stat_is span erases_per_sector_max 1
cp "$WORK/pattern.bin" "$WORK/want.bin"
erase_range "$WORK/want.bin" 49152 $((262144 - 49152))
put "$WORK/want.bin" 57344 "$WORK/span.bin"
check "16/64/128 KiB span: the image, sectors 3-5 blank around it, the pattern elsewhere" \
	cmp -s "$WORK/want.bin" "$(mem span)"
check "16/64/128 KiB span: one Set Address Pointer, host behaved" \
	eval 'stat_is span set_address 1 && clean span'

# 2. A .dfu whose elements share sector 0 and come out of address order.
if command -v dfuse-pack >/dev/null 2>&1; then
	gen "$WORK/a.bin" 5000 22
	gen "$WORK/b.bin" 7000 23
	gen "$WORK/c.bin" 300 24
	gen "$WORK/d.bin" 1000 25
	dfuse-pack -b "0x08006000:$WORK/a.bin" -b "0x08020100:$WORK/d.bin" \
		-b "0x08001000:$WORK/b.bin" -b "0x08000100:$WORK/c.bin" \
		"$WORK/shared.dfu" >"$WORK/pack.out" 2>&1
	sim shared --load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -a 0 -D "$WORK/shared.dfu"
	[ "$rc" -eq 0 ] || show shared
	check "shared-sector .dfu: exit 0, nothing on stderr" quiet_ok shared
	check "shared-sector .dfu: sectors 0, 1 and 5 erased once each, in address order" \
		eval '[ "$(erased shared)" = "0x08000000 0x08004000 0x08020000" ] &&
			stat_is shared erases_per_sector_max 1'
	cp "$WORK/pattern.bin" "$WORK/want.bin"
	erase_range "$WORK/want.bin" 0 32768
	erase_range "$WORK/want.bin" 131072 131072
	put "$WORK/want.bin" 24576 "$WORK/a.bin"
	put "$WORK/want.bin" 131328 "$WORK/d.bin"
	put "$WORK/want.bin" 4096 "$WORK/b.bin"
	put "$WORK/want.bin" 256 "$WORK/c.bin"
	check "shared-sector .dfu: all four elements in place, the pattern elsewhere" \
		cmp -s "$WORK/want.bin" "$(mem shared)"
	check "shared-sector .dfu: erases all come before the first write" \
		eval '! log_after shared "EVENT write" "EVENT erase"'
	check "shared-sector .dfu: host behaved" clean shared
else
	for t in exit erase memory order clean; do
		skip "shared-sector .dfu: $t" "dfuse-pack not available"
	done
fi

# 3. Two targets (alt 0 flash, alt 2 OTP): -a 0 skips the other, saying so.
if command -v dfuse-pack >/dev/null 2>&1; then
	gen "$WORK/t0.bin" 5000 26
	gen "$WORK/t2.bin" 300 27
	dfuse-pack -b "0x08000000@0:$WORK/t0.bin" -b "0x1FFF7800@2:$WORK/t2.bin" \
		"$WORK/two.dfu" >"$WORK/pack.out" 2>&1
	sim two -- "$DFUSE" -a 0 -D "$WORK/two.dfu"
	[ "$rc" -eq 0 ] || show two
	check "two targets, -a 0: exit 0" [ "$rc" -eq 0 ]
	check "two targets, -a 0: one warning line naming the skipped target and its alt" \
		eval 'one_error two "^dfuse-util: warning: .*target 2.*alt 2"'
	check "two targets, -a 0: alt 0 written" same_at "$(mem two)" 0 "$WORK/t0.bin"
	check "two targets, -a 0: the OTP (alt 2) left blank" \
		blank "$(mem two "" 2 0x1fff7800)" 0 528
	sim twoall -- "$DFUSE" -D "$WORK/two.dfu"
	[ "$rc" -eq 0 ] || show twoall
	good=false
	[ "$rc" -eq 0 ] && same_at "$(mem twoall)" 0 "$WORK/t0.bin" &&
		same_at "$(mem twoall "" 2 0x1fff7800)" 0 "$WORK/t2.bin" && good=true
	check "two targets, no -a: each target lands on its own alt" $good
else
	for t in exit warning alt0 alt2 both; do
		skip "two targets: $t" "dfuse-pack not available"
	done
fi

# 4. Raw download without -a: the alt whose layout holds the address.
gen "$WORK/otp.bin" 200 28
sim otp -- "$DFUSE" -s 0x1fff7800 -D "$WORK/otp.bin"
[ "$rc" -eq 0 ] || show otp
check "raw, no -a, 0x1fff7800: exit 0 and stdout names alt 2" \
	eval '[ "$rc" -eq 0 ] && grep -q "alt 2" "$WORK/otp.out"'
check "raw, no -a, 0x1fff7800: the bytes are in the OTP alt, flash untouched" \
	eval 'same_at "$(mem otp "" 2 0x1fff7800)" 0 "$WORK/otp.bin" &&
		blank "$(mem otp)" 0 $FLASH && stat_is otp erase 0'
gen "$WORK/small.bin" 9000 29
sim noalt -- "$DFUSE" -s 0x08008000 -D "$WORK/small.bin"
check "raw, no -a, 0x08008000: exit 0, written to the flash alt" \
	eval '[ "$rc" -eq 0 ] && same_at "$(mem noalt)" 32768 "$WORK/small.bin"'

# 5. Other chips. F1: 1 KiB pages, start mid-page.
gen "$WORK/f1.bin" 5000 30
sim f1 --device f1 --serial F1E2E -- "$DFUSE" -a 0 -s 0x08000c00 -D "$WORK/f1.bin"
[ "$rc" -eq 0 ] || show f1
check "f1: exit 0, nothing on stderr" quiet_ok f1
is "$(erased f1)" "0x08000c00 0x08001000 0x08001400 0x08001800 0x08001c00" \
	"f1: pages 3-7 erased, once each"
blank_file "$WORK/want.bin" 131072
put "$WORK/want.bin" 3072 "$WORK/f1.bin"
check "f1: flash holds the image, 0xFF elsewhere; host behaved" \
	eval 'cmp -s "$WORK/want.bin" "$(mem f1)" && clean f1'

# H7: 128 KiB sectors, 1024-byte transfers.
gen "$WORK/h7.bin" 300000 31
sim h7 --device h7 --serial H7E2E -- "$DFUSE" -a 0 -s 0x08020000 -D "$WORK/h7.bin"
[ "$rc" -eq 0 ] || show h7
check "h7: exit 0, nothing on stderr" quiet_ok h7
is "$(erased h7)" "0x08020000 0x08040000 0x08060000" \
	"h7: sectors 1-3 erased, once each"
blank_file "$WORK/want.bin" 2097152
put "$WORK/want.bin" 131072 "$WORK/h7.bin"
check "h7: flash holds the image, 0xFF elsewhere; host behaved" \
	eval 'cmp -s "$WORK/want.bin" "$(mem h7)" && clean h7'
check "h7: 1024-byte blocks (293 of them) under one pointer" \
	eval '[ "$(grep -c "EVENT write addr=.* len=1024" "$WORK/h7.log")" -eq 292 ] &&
		stat_is h7 dnload $((1 + 3 + 293)) && stat_is h7 set_address 1'

# GD32: another VID:PID, 2 KiB pages, 100 ms polls for everything.
gen "$WORK/gd.bin" 10000 32
sim gd --device gd32 --serial GDE2E -- "$DFUSE" -a 0 -s 0x08001000 -D "$WORK/gd.bin"
[ "$rc" -eq 0 ] || show gd
check "gd32: exit 0, nothing on stderr" quiet_ok gd
is "$(erased gd)" "0x08001000 0x08001800 0x08002000 0x08002800 0x08003000" \
	"gd32: pages 2-6 erased, once each"
blank_file "$WORK/want.bin" $FLASH
put "$WORK/want.bin" 4096 "$WORK/gd.bin"
check "gd32: flash holds the image, 0xFF elsewhere; host behaved" \
	eval 'cmp -s "$WORK/want.bin" "$(mem gd)" && clean gd'

# 6. Device quirks. The image for all: 40000 bytes at 0x08000000 (sectors 0-2).
gen "$WORK/img.bin" 40000 33
blank_file "$WORK/want.bin" $FLASH
put "$WORK/want.bin" 0 "$WORK/img.bin"

# Commands complete at the first GETSTATUS (dfuDNLOAD-IDLE, no dfuDNBUSY).
sim imm --immediate -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show imm
check "--immediate: exit 0, nothing on stderr" quiet_ok imm
check "--immediate: memory right, host behaved" \
	eval 'cmp -s "$WORK/want.bin" "$(mem imm)" && clean imm'

# GETSTATUS STALLed twice per busy period (erase included).
sim stall --stall-busy 2 -- "$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show stall
check "--stall-busy 2: exit 0, nothing on stderr" quiet_ok stall
check "--stall-busy 2: the device did STALL GETSTATUS during the erase" \
	log_after stall "EVENT erase" "GETSTATUS .*-> STALL"
check "--stall-busy 2: memory right, three erases, host behaved" \
	eval 'cmp -s "$WORK/want.bin" "$(mem stall)" && stat_is stall erase 3 &&
		stat_is stall early_polls 0 && stat_is stall unerased_writes 0'

# The device is gone when the host asks for the status after the leave request.
sim van --vanish-on-leave -- "$DFUSE" -a 0 -s 0x08000000:leave -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show van
check "--vanish-on-leave: exit 0, nothing on stderr" quiet_ok van
check "--vanish-on-leave: memory right, the device left" \
	eval 'cmp -s "$WORK/want.bin" "$(mem van)" && log_after van "EVENT leave" "EVENT gone"'

# 7. --verify reads everything back.
sim ver -- "$DFUSE" -a 0 -s 0x08000000 --verify -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show ver
check "--verify: exit 0, nothing on stderr" quiet_ok ver
check "--verify: the whole image read back after writing" \
	eval 'stat_is ver bytes_read 40000 && log_after ver "EVENT write" "UPLOAD"'
check "--verify: memory right" cmp -s "$WORK/want.bin" "$(mem ver)"

# --diff on a device that already holds the image: nothing erased or written.
sim same --load "$WORK/want.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000 --diff -D "$WORK/img.bin"
[ "$rc" -eq 0 ] || show same
check "--diff, unchanged image: exit 0, nothing on stderr" quiet_ok same
check "--diff, unchanged image: zero erases, zero bytes written" \
	eval 'stat_is same erase 0 && stat_is same bytes_written 0 && stat_is same mass_erase 0 &&
		stat_is same dnload "$(st same set_address)"'
check "--diff, unchanged image: memory identical" cmp -s "$WORK/want.bin" "$(mem same)"

# --diff with one changed sector: only that one is erased and written.
cp "$WORK/img.bin" "$WORK/img2.bin"
printf 'changed' | dd of="$WORK/img2.bin" bs=1 seek=20000 conv=notrunc status=none
cp "$WORK/want.bin" "$WORK/want2.bin"
put "$WORK/want2.bin" 0 "$WORK/img2.bin"
sim diff1 --load "$WORK/want.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000 --diff -D "$WORK/img2.bin"
[ "$rc" -eq 0 ] || show diff1
check "--diff, one sector changed: exit 0" [ "$rc" -eq 0 ]
check "--diff, one sector changed: only sector 1 erased and rewritten" \
	eval '[ "$(erased diff1)" = 0x08004000 ] && stat_is diff1 bytes_written 16384'
check "--diff, one sector changed: memory is the new image; host behaved" \
	eval 'cmp -s "$WORK/want2.bin" "$(mem diff1)" && clean diff1'
