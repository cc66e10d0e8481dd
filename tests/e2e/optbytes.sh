#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Option bytes in a download (issue 19, 3): read protection level 2 (0xCC in
# the RDP byte) is refused without :force before any request, because it
# locks the part for good; a file for several alts given without -a names
# the option bytes it writes, in one line.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v objcopy >/dev/null 2>&1 || skip_all "objcopy (binutils) not installed"

plan 17

gen "$WORK/app.bin" 4096 80
objcopy -I binary -O ihex --change-addresses 0x08000000 "$WORK/app.bin" "$WORK/app.hex"

# F4: USER 0xEC, RDP 0xCC (level 2) at 0x1FFFC001, complements, no WRP.
hexfile lock 0x1FFFC000 '\354\314\023\063\377\377\377\377\377\017\000\360\377\377\377\377'
sim l2 -- "$DFUSE" -D "$WORK/lock.hex"
is "$rc" 64 "F4 RDP 0xCC without :force: exit 64"
check "F4 RDP 0xCC without :force: one line saying irreversible and :force" \
	one_error l2 "0xcc at 0x1fffc001 .*level 2, which is irreversible.*:force"
check "F4 RDP 0xCC without :force: refused before any request, flash untouched" \
	eval 'stat_is l2 dnload 0 && stat_is l2 dfu_requests 0 && blank "$(mem l2)" 0 4096'

sim l2f -- "$DFUSE" -s :force -D "$WORK/lock.hex"
[ "$rc" -eq 0 ] || show l2f
is "$rc" 0 "F4 RDP 0xCC with :force: exit 0"
check "F4 RDP 0xCC with :force: the option bytes hold 0xCC" \
	cmp -s "$WORK/lock.ob" "$(mem l2f "" 1 0x1fffc000)"
check "F4 RDP 0xCC with :force: one warning line naming the level-2 write" \
	one_error l2f "warning: .*lock.hex sets read protection level 2 \(:force\).*RDP 0xcc at 0x1fffc001"

# GD32F103 (option bytes at 0x1FFFF800, SPC first): 0xCC is its high level.
hexfile gdlock 0x1FFFF800 '\314\063\377\000\377\000\377\000\377\000\377\000\377\000\377\000'
sim gd --device gd32 -- "$DFUSE" -a 1 -D "$WORK/gdlock.obhex"
is "$rc" 64 "GD32 SPC 0xCC with -a 1 and no :force: exit 64"
check "GD32 SPC 0xCC: one line naming 0x1ffff800, no DNLOAD" \
	eval 'one_error gd "0xcc at 0x1ffff800 .*irreversible" && stat_is gd dnload 0'

# Level 0 in a file for two alts without -a: written, with one line naming them.
hexfile both 0x1FFFC000 '\354\252\023\125\377\377\377\377\377\017\000\360\377\377\377\377'
sim two -- "$DFUSE" -D "$WORK/both.hex"
[ "$rc" -eq 0 ] || show two
is "$rc" 0 "flash + option bytes (RDP 0xAA) without -a: exit 0"
check "flash + option bytes (RDP 0xAA) without -a: both written" \
	hex_written two both
check "without -a: one line naming the option bytes written, RDP and its level" \
	one_error two 'warning: .*both.hex also writes option bytes: alt 1 "Option Bytes *", 16 bytes from 0x1fffc000: RDP 0xaa at 0x1fffc001, read protection level 0$'
sim one -- "$DFUSE" -a 1 -D "$WORK/both.obhex"
check "the option bytes alone with -a 1: exit 0, no such line" quiet_ok one
sim fl -- "$DFUSE" -D "$WORK/app.hex"
check "the flash alone: exit 0, no such line" quiet_ok fl

# A raw image with -s at the option bytes: the same check.
sim raw -- "$DFUSE" -a 1 -s 0x1FFFC000 -D "$WORK/lock.ob"
is "$rc" 64 "raw option bytes with RDP 0xCC: exit 64"
check "raw option bytes with RDP 0xCC: one line, no DNLOAD" \
	eval 'one_error raw "irreversible" && stat_is raw dnload 0'
sim rawf -- "$DFUSE" -a 1 -s 0x1FFFC000:force -D "$WORK/lock.ob"
is "$rc" 0 "raw option bytes with RDP 0xCC and :force: exit 0"
check "raw option bytes with RDP 0xCC and :force: written" \
	cmp -s "$WORK/lock.ob" "$(mem rawf "" 1 0x1fffc000)"
