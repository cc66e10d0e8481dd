#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The seed's three command lines, end to end on a simulated STM32F4: a .dfu
# download with -a 0 (Debian's dfuse-pack output and a real-world file), an
# upload of preloaded memory, and a raw download that leaves DFU mode.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 24

FLASH=1048576

# 1. -a 0 -D image.dfu, the file written by dfuse-pack.
gen "$WORK/elem.bin" 50000 1
if command -v dfuse-pack >/dev/null 2>&1 &&
	dfuse-pack -b "0x08000000:$WORK/elem.bin" "$WORK/image.dfu" >"$WORK/pack.out" 2>&1; then
	sim dfu -- "$DFUSE" -a 0 -D "$WORK/image.dfu"
	[ "$rc" -eq 0 ] || show dfu
	check "-a 0 -D image.dfu: exit 0, nothing on stderr" quiet_ok dfu
	blank_file "$WORK/want.bin" $FLASH
	put "$WORK/want.bin" 0 "$WORK/elem.bin"
	check "-a 0 -D image.dfu: flash holds the element, 0xFF elsewhere" \
		cmp -s "$WORK/want.bin" "$(mem dfu)"
	check "-a 0 -D image.dfu: the four 16 KiB sectors erased once each" \
		eval 'stat_is dfu erase 4 && stat_is dfu erases_per_sector_max 1'
	check "-a 0 -D image.dfu: one Set Address Pointer for the one run" stat_is dfu set_address 1
	check "-a 0 -D image.dfu: host waited as told, wrote only erased flash" clean dfu
else
	for t in exit memory erase pointer clean; do
		skip "-a 0 -D image.dfu: $t" "dfuse-pack not available"
	done
fi

# The same command with a DfuSe file this project did not write.
MBOOT=$top_srcdir/tests/fixtures/mboot-f413.dfu
# DfuSe prefix (11) + target prefix (274) + element header (8), then the data.
tail -c +294 "$MBOOT" | head -c 32752 >"$WORK/mboot.bin"
sim mboot -- "$DFUSE" -a 0 -D "$MBOOT"
[ "$rc" -eq 0 ] || show mboot
check "mboot-f413.dfu: exit 0, nothing on stderr" quiet_ok mboot
blank_file "$WORK/want.bin" $FLASH
put "$WORK/want.bin" 32768 "$WORK/mboot.bin"
check "mboot-f413.dfu: 32752 bytes at 0x08008000, 0xFF elsewhere" \
	cmp -s "$WORK/want.bin" "$(mem mboot)"
check "mboot-f413.dfu: sectors 2 and 3 erased, once each" \
	eval 'stat_is mboot erase 2 && stat_is mboot erases_per_sector_max 1'
is "$(erased mboot)" "0x08008000 0x0800c000" \
	"mboot-f413.dfu: the log erases 0x08008000 and 0x0800c000 only"
check "mboot-f413.dfu: host behaved" clean mboot

# 2. -a 0 -s 0x08000000:1024 -U readout.bin against preloaded memory.
gen "$WORK/pre.bin" 65536 2
mkdir "$WORK/up"
sim up --load "$WORK/pre.bin@0x08000000" -- \
	"$DFUSE" -a 0 -s 0x08000000:1024 -U "$WORK/up/readout.bin"
[ "$rc" -eq 0 ] || show up
check "-U readout.bin: exit 0, nothing on stderr" quiet_ok up
head -c 1024 "$WORK/pre.bin" >"$WORK/pre1k.bin"
check "-U readout.bin: the file holds the first 1024 preloaded bytes" \
	cmp -s "$WORK/pre1k.bin" "$WORK/up/readout.bin"
check "-U readout.bin: exactly 1024 bytes read from the device" stat_is up bytes_read 1024
check "-U readout.bin: nothing erased or written" \
	eval 'stat_is up erase 0 && stat_is up bytes_written 0 && stat_is up mass_erase 0'
is "$(ls -A "$WORK/up")" "readout.bin" \
	"-U readout.bin: no temporary file left beside it"
check "-U readout.bin: the device memory is unchanged" same_at "$(mem up)" 0 "$WORK/pre.bin"
check "-U readout.bin: stdout names the size and the address" \
	grep -q '1024 bytes from 0x08000000' "$WORK/up.out"

# 3. -a 0 -s 0x08004000:leave -D app.bin.
gen "$WORK/app.bin" 40000 3
sim leave -- "$DFUSE" -a 0 -s 0x08004000:leave -D "$WORK/app.bin"
[ "$rc" -eq 0 ] || show leave
check ":leave -D app.bin: exit 0, nothing on stderr" quiet_ok leave
blank_file "$WORK/want.bin" $FLASH
put "$WORK/want.bin" 16384 "$WORK/app.bin"
check ":leave -D app.bin: flash holds the image at 0x08004000, 0xFF elsewhere" \
	cmp -s "$WORK/want.bin" "$(mem leave)"
is "$(erased leave)" "0x08004000 0x08008000 0x0800c000" \
	":leave -D app.bin: sectors 1-3 erased once each, nothing else"
check ":leave -D app.bin: the log shows the leave, then the device gone" \
	log_after leave "EVENT leave" "EVENT gone"
check ":leave -D app.bin: the pointer is set to 0x08004000 for the leave" \
	[ "$(grep 'EVENT set-address\|EVENT leave' "$WORK/leave.log" | tail -n 2 | head -n 1 |
		sed 's/.*addr=//')" = 0x08004000 ]
check ":leave -D app.bin: one leave, host behaved" eval 'stat_is leave leave 1 && clean leave'
check ":leave -D app.bin: stdout says the device is leaving DFU mode" \
	grep -Fqx 'The device is leaving DFU mode' "$WORK/leave.out"
