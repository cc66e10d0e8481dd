#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 19, the device side: a region that ends at 4 GiB is read in full
# and a 0-byte read is never "done" (4); "verified" in the report only when
# every written byte was compared, with the figures per alt (9); --dry-run
# resets nothing (13); a device driven as plain DFU says why (14).

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v objcopy >/dev/null 2>&1 || skip_all "objcopy (binutils) not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not available (JSON checks)"

plan 22

gen "$WORK/app.bin" 4096 70

# 4. An alt whose region ends exactly at 4 GiB: its length is 2^32, which a
# 32-bit sum cut to 0 ("Upload done: 0 bytes", exit 0). The simulated part
# has no memory at 0, so its ROM refuses the read: an error, and no file.
sim big --device f7 --alt-name '0=@Internal Flash /0x00000000/04*1024Mg' -- \
	"$DFUSE" -a 0 -U "$WORK/big.bin"
check "4. region ending at 4 GiB: the full 4294967296 bytes are asked for" \
	grep -q '^Reading 4294967296 bytes from 0x00000000' "$WORK/big.out"
is "$rc" 76 "4. the device refuses the read: exit 76"
check "4. one error line, no 'Upload done'" \
	eval 'one_error big "upload: read 0x00000000" && ! grep -q "Upload done" "$WORK/big.out"'
check "4. nothing read: no output file" [ ! -e "$WORK/big.bin" ]

# 9. Flash plus option bytes with --verify: the option bytes are not read
# back (the device may reset once they are written), so 16 of the 4112
# bytes written were never compared and the run is not "verified".
objcopy -I binary -O ihex --change-addresses 0x08000000 "$WORK/app.bin" "$WORK/app.hex"
hexfile both 0x1FFFC000 '\354\252\023\125\377\377\377\377\377\017\000\360\377\377\377\377'
sim ver9 -- "$DFUSE" --verify --json "$WORK/ver9.json" -D "$WORK/both.hex"
[ "$rc" -eq 0 ] || show ver9
is "$rc" 0 "9. flash + option bytes with --verify: exit 0"
check "9. both alts written" \
	hex_written ver9 both
check "9. the report says verified: false (16 of 4112 bytes never compared)" \
	json ver9 'd["devices"][0]["verified"] is False and d["devices"][0]["bytes_written"] == 4112'
check "9. per alt: alt 0 4096 written, 4096 verified; alt 1 16 written, 0 verified" \
	json ver9 '[(a["bytes_written"], a["bytes_verified"]) for a in d["devices"][0]["alts"]][:2]
		== [(4096, 4096), (16, 0)]'
check "9. a warning says the option bytes were not read back" \
	grep -q '^dfuse-util: warning: --verify: alt 1 "Option Bytes *" is not read back' \
	"$WORK/ver9.err"
sim ver9f -- "$DFUSE" --verify --json "$WORK/ver9f.json" -D "$WORK/app.hex"
is "$rc" 0 "9. the flash alone with --verify: exit 0"
check "9. the flash alone: verified: true, 4096 of 4096 bytes per alt" \
	json ver9f 'd["devices"][0]["verified"] is True and
		d["devices"][0]["alts"][0]["bytes_verified"] == 4096'

# 13. --dry-run -R: the plan is printed, and the device is not reset.
sim dr13 -- "$DFUSE" -a 0 -s 0x08000000 --dry-run -R -D "$WORK/app.bin"
[ "$rc" -eq 0 ] || show dr13
is "$rc" 0 "13. --dry-run -R: exit 0"
check "13. --dry-run -R: says the device was not reset" \
	grep -q "^Dry run: the device was not reset (-R)$" "$WORK/dr13.out"
check "13. --dry-run -R: no USB reset, no DNLOAD" \
	eval '! grep -q "EVENT reset" "$WORK/dr13.log" && stat_is dr13 dnload 0'
sim dr13p --device maple -- "$DFUSE" -a 1 --dry-run -R -D "$WORK/app.bin"
is "$rc" 0 "13. --dry-run -R on plain DFU: exit 0"
check "13. --dry-run -R on plain DFU: no USB reset, no DNLOAD" \
	eval '! grep -q "EVENT reset" "$WORK/dr13p.log" && stat_is dr13p dnload 0'

# 14. A DfuSe ROM with ST's IDs that looks like plain DFU: the error says why.
sim pl14a --dfu10-descriptor -- "$DFUSE" -D "$WORK/app.bin"
is "$rc" 76 "14. 7-byte functional descriptor: exit 76"
check "14. 7-byte functional descriptor: the error names it" \
	one_error pl14a "\(driven as plain DFU: functional descriptor is DFU 1\.0, 7 bytes\)$"
sim pl14b --device f7 --alt-name '0=Internal Flash' -- "$DFUSE" -D "$WORK/app.bin"
is "$rc" 76 "14. alt name without '@': exit 76"
check "14. alt name without '@': the error names the alt and its name" \
	one_error pl14b '\(driven as plain DFU: alt 0 name "Internal Flash" has no memory layout'
sim pl14c --device f7 --alt-name '0=' -- "$DFUSE" -D "$WORK/app.bin"
is "$rc" 76 "14. empty alt name: exit 76"
check "14. empty alt name: the error says the name is empty" \
	one_error pl14c "\(driven as plain DFU: alt 0 has an empty name"
