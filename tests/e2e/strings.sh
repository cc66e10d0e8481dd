#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Strings from devices and files reach the terminal harmless (issue 19, item
# 6): a serial number or a .dfu target name holding ESC, BEL or a newline is
# printed with them escaped (\e, \x07, \n as text), on the line it belongs
# to, in the listing, in prefixed rack lines and inside a one-line error;
# printable text stays as dfu-util prints it; JSON keeps its own escaping.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 not available (JSON checks, .dfu crafting)"

plan 10

ESC=$(printf '\033')
BEL=$(printf '\007')
# A serial that would colour the terminal, ring its bell, and forge a listing line.
EVIL=$(printf 'A\033[31mB\007C\nFound DFU: [dead:beef] forged')
SHOWN='A\e[31mB\x07C\nFound DFU: [dead:beef] forged'

# raw FILE: whether FILE holds an ESC or a BEL byte.
raw() {
	grep -q "[$ESC$BEL]" "$1"
}

sim list --serial "$EVIL" -- "$DFUSE" -l
check "-l: exit 0, one line per alt (4), no forged line" \
	eval '[ "$rc" -eq 0 ] && [ "$(wc -l <"$WORK/list.out")" -eq 4 ] &&
		[ "$(grep -c "^Found DFU: \[0483:df11\]" "$WORK/list.out")" -eq 4 ] || { show list; false; }'
check "-l: no ESC or BEL byte reaches the terminal" eval '! raw "$WORK/list.out"'
check "-l: the serial is shown escaped, the rest of the line as dfu-util prints it" \
	grep -qF "path=\"1-1\", alt=0, name=\"@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg\", serial=\"$SHOWN\"" \
	"$WORK/list.out"

# Two devices match: the error names both serials, on one line.
sim two --device f4 --serial "$EVIL" --device f4 --serial OK2 -- \
	"$DFUSE" -a 0 -s 0x08000000:16 -U "$WORK/two.bin"
check "error naming the device: exit 64, one line, the serial escaped" \
	eval '[ "$rc" -eq 64 ] && one_error two "serial=\"A\\\\e\\[31mB\\\\x07C\\\\nFound DFU" &&
		! raw "$WORK/two.err" || { show two; false; }'

# --all: every line carries the board's prefix, serial included.
sim rack --device f4 --serial "$EVIL" -- \
	"$DFUSE" --all -s 0x08000000:16 -U "$WORK/rack-{path}.bin" --json "$WORK/rack.json"
check "--all: no ESC or BEL byte in the prefixed lines; each line names its board" \
	eval '[ "$rc" -eq 0 ] && ! raw "$WORK/rack.out" &&
		[ "$(grep -c "^\[1-1 " "$WORK/rack.out")" -eq "$(grep -vc "^Running\|^Board\|board" \
			"$WORK/rack.out")" ] || { show rack; false; }'
check "--json keeps the serial exactly, in JSON's own escaping" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["devices"][0]["serial"] == sys.argv[2] else 1)' "$WORK/rack.json" "$EVIL"
check "--json: the text of the document escapes the control characters" \
	eval '! raw "$WORK/rack.json" && grep -qF "\\u001b[31mB\\u0007C\\nFound" "$WORK/rack.json"'

# A .dfu file whose target name would end the line and forge "Download done".
gen "$WORK/t.bin" 64 7
"$DFUSE" --convert "$WORK/t.dfu" -D "$WORK/t.bin" -s 0x08000000 -a 0 -d 0483:df11 >/dev/null
python3 -c '
import sys, zlib
f = bytearray(open(sys.argv[1], "rb").read())
name = b"T\x1b]0;owned\x07\nDownload done"
f[18:22] = (1).to_bytes(4, "little")
f[22:22 + 255] = name + bytes(255 - len(name))
f[-4:] = (zlib.crc32(bytes(f[:-4])) ^ 0xFFFFFFFF).to_bytes(4, "little")
open(sys.argv[1], "wb").write(bytes(f))' "$WORK/t.dfu"
"$DFUSE" --info "$WORK/t.dfu" >"$WORK/info.out" 2>"$WORK/info.err"
rc=$?
check "--info of a .dfu with a hostile target name: exit 0, no forged line" \
	eval '[ "$rc" -eq 0 ] && ! grep -q "^Download done" "$WORK/info.out" || { show info; false; }'
check "--info: the target name escaped on its own line" \
	grep -qF 'Target: alt 0, name "T\e]0;owned\x07\nDownload done"' "$WORK/info.out"
check "--info: no ESC or BEL byte reaches the terminal" eval '! raw "$WORK/info.out"'
