#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Protected memory end to end: a read-only bootloader region refused before
# any USB write (and by the device under :force), mass erase and read
# unprotect with and without :force, and a read-protected device.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 19

FLASH=1048576

# 1. protboot: its first 64 KiB are read-only in the layout.
gen "$WORK/boot.bin" 65536 40
gen "$WORK/evil.bin" 4096 41
sim ro --device protboot --serial PBE2E --load "$WORK/boot.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000 -D "$WORK/evil.bin"
check "read-only region: refused as a usage error (exit 64)" [ "$rc" -eq 64 ]
check "read-only region: one line naming the range and the first writeable address" \
	one_error ro '0x08000000-0x08000fff.*write-protected.*0x08010000'
check "read-only region: nothing sent to the device (no DNLOAD at all)" \
	eval 'stat_is ro dnload 0 && stat_is ro dfu_requests 0'
check "read-only region: the bootloader bytes are unchanged" \
	same_at "$(mem ro)" 0 "$WORK/boot.bin"

# With :force the host tries, and the device itself refuses.
sim rof --device protboot --serial PBE2E --load "$WORK/boot.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000:force -D "$WORK/evil.bin"
check "read-only region with :force: fails with the device error (exit 76)" [ "$rc" -eq 76 ]
check "read-only region with :force: the message names the device status" \
	one_error rof 'errWRITE'
check "read-only region with :force: the bootloader bytes are unchanged" \
	same_at "$(mem rof)" 0 "$WORK/boot.bin"

# 2. Mass erase.
gen "$WORK/pattern.bin" $FLASH 42
sim me --load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -s :mass-erase
check "-s :mass-erase without force: exit 64, one line asking for force" \
	eval '[ "$rc" -eq 64 ] && one_error me "force"'
check "-s :mass-erase without force: the device was never opened, flash intact" \
	eval 'stat_is me requests 0 && cmp -s "$WORK/pattern.bin" "$(mem me)"'
sim mef --load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -s :mass-erase:force
[ "$rc" -eq 0 ] || show mef
check "-s :mass-erase:force: exit 0, nothing on stderr" quiet_ok mef
check "-s :mass-erase:force: one mass erase, flash all 0xFF" \
	eval 'stat_is mef mass_erase 1 && blank "$(mem mef)" 0 $FLASH'

# 3. Read protection.
sim unp --read-protected --load "$WORK/pattern.bin@0x08000000" -- "$DFUSE" -s :unprotect
check "-s :unprotect without force: exit 64, never opened" \
	eval '[ "$rc" -eq 64 ] && stat_is unp requests 0 && one_error unp force'
sim unpf --read-protected --load "$WORK/pattern.bin@0x08000000" -- \
	"$DFUSE" -s :unprotect:force
[ "$rc" -eq 0 ] || show unpf
check "-s :unprotect:force: exit 0, nothing on stderr" quiet_ok unpf
check "-s :unprotect:force: one read unprotect, then the device is gone" \
	eval 'stat_is unpf unprotect 1 && log_after unpf "EVENT unprotect" "EVENT gone"'
check "-s :unprotect:force: the flash is erased" blank "$(mem unpf)" 0 $FLASH
check "-s :unprotect:force: stdout reports the reset" grep -q 'reset' "$WORK/unpf.out"

gen "$WORK/img.bin" 20000 43
sim rdp --read-protected --load "$WORK/pattern.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000 -D "$WORK/img.bin"
check "download to a read-protected device: fails (exit 76)" [ "$rc" -eq 76 ]
check "download to a read-protected device: one line saying read protection, :unprotect" \
	one_error rdp 'read protection.*unprotect'
check "download to a read-protected device: flash unchanged" \
	cmp -s "$WORK/pattern.bin" "$(mem rdp)"
