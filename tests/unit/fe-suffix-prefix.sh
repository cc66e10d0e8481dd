#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dfuse-util called as dfu-suffix and dfu-prefix (through a link) against
# Debian's dfu-util 0.11 programs of those names: on the same inputs (raw,
# empty, short, with a suffix, a bad CRC, a long suffix, a Stellaris or LPC
# prefix), each option (-a -c -D, -v -p -d -S, -s -T -L) must give the same
# exit status and the same bytes. Then the bad inputs where ours is stricter
# (numbers dfu-util misreads, addresses it truncates). TAP output.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/unit/fe-lib.sh"

in=$tmp/in
mkdir "$in"
mkbin "$in/raw.bin" 1000 1
mkbin "$in/small.bin" 100 2
mkbin "$in/tiny.bin" 5 3
: >"$in/empty.bin"
# 500 bytes: with an LPC prefix and a suffix it crosses a 512-byte block.
head -c 500 /dev/zero >"$in/zero500.bin"

# Inputs made by Debian's tools, when they are here (else by ours: the
# comparisons below are skipped then anyway).
make_with() { # NAME OUT IN ARGS...: OUT = IN after NAME ARGS... OUT
	n=$1 out=$2 src=$3
	shift 3
	cp "$src" "$out"
	if have_debian "$n"; then "$n" "$@" "$out"; else "$tmp/ours/$n" "$@" "$out"; fi \
		>/dev/null 2>&1
}
make_with dfu-suffix "$in/suffixed.bin" "$in/raw.bin" -v 0483 -p df11 -a
make_with dfu-prefix "$in/stellaris.bin" "$in/small.bin" -s 0x2000 -a
make_with dfu-suffix "$in/stellaris-sfx.bin" "$in/stellaris.bin" -v 1cbe -p 00ff -a
make_with dfu-prefix "$in/lpc.bin" "$in/zero500.bin" -L -a
make_with dfu-suffix "$in/lpc-sfx.bin" "$in/lpc.bin" -v 1fc9 -p 000c -a
# A suffix whose CRC no longer matches: one payload byte changed.
cp "$in/suffixed.bin" "$in/badcrc.bin"
printf 'X' | dd of="$in/badcrc.bin" bs=1 seek=10 conv=notrunc 2>/dev/null
# A suffix that says bLength 8, or 32, with a CRC that matches.
suffix_len() { # OUT BLENGTH
	python3 - "$in/suffixed.bin" "$1" "$2" <<'EOF'
import struct, sys, zlib
d = bytearray(open(sys.argv[1], 'rb').read())
d[-5] = int(sys.argv[3])
d[-4:] = struct.pack('<I', zlib.crc32(bytes(d[:-4])) ^ 0xFFFFFFFF)  # DFU: no final XOR
open(sys.argv[2], 'wb').write(d)
EOF
}
suffix_len "$in/blength8.bin" 8
suffix_len "$in/blength32.bin" 32

inputs="raw small tiny empty suffixed badcrc blength8 blength32 stellaris stellaris-sfx lpc lpc-sfx"

for i in $inputs; do
	f=$in/$i.bin
	same_as_debian "dfu-suffix -a on $i" dfu-suffix "$f" fw.bin -a fw.bin
	same_as_debian "dfu-suffix -v -p -d -S 011a -a on $i" dfu-suffix "$f" fw.bin \
		-v 0483 -p df11 -d 2200 -S 011a -a fw.bin
	same_as_debian "dfu-suffix -c on $i" dfu-suffix "$f" fw.bin -c fw.bin
	same_as_debian "dfu-suffix -D on $i" dfu-suffix "$f" fw.bin -D fw.bin
	same_as_debian "dfu-prefix -s -a (Stellaris) on $i" dfu-prefix "$f" fw.bin \
		-s 0x2000 -a fw.bin
	same_as_debian "dfu-prefix -L -a (LPC) on $i" dfu-prefix "$f" fw.bin -L -a fw.bin
	same_as_debian "dfu-prefix -c on $i" dfu-prefix "$f" fw.bin -c fw.bin
	same_as_debian "dfu-prefix -T -c on $i" dfu-prefix "$f" fw.bin -T -c fw.bin
	same_as_debian "dfu-prefix -L -c on $i" dfu-prefix "$f" fw.bin -L -c fw.bin
	same_as_debian "dfu-prefix -D on $i" dfu-prefix "$f" fw.bin -D fw.bin
	same_as_debian "dfu-prefix -T -D on $i" dfu-prefix "$f" fw.bin -T -D fw.bin
	same_as_debian "dfu-prefix -L -D on $i" dfu-prefix "$f" fw.bin -L -D fw.bin
done

# Spellings and the command-line errors both tools see alike.
f=$in/raw.bin
same_as_debian "dfu-suffix long options with =" dfu-suffix "$f" fw.bin --vid=1209 --pid=0x0001 \
	--add=fw.bin
same_as_debian "dfu-suffix long options apart" dfu-suffix "$f" fw.bin --did 0100 --spec 0100 \
	--add fw.bin
same_as_debian "dfu-suffix: the last of -a/-c wins" dfu-suffix "$f" fw.bin -a fw.bin -c fw.bin
same_as_debian "dfu-suffix without a file" dfu-suffix "$f" fw.bin -v 0483
same_as_debian "dfu-suffix -a without its value" dfu-suffix "$f" fw.bin -a
same_as_debian "dfu-suffix unknown option" dfu-suffix "$f" fw.bin -x -a fw.bin
same_as_debian "dfu-suffix has no -s (dfu-prefix's)" dfu-suffix "$f" fw.bin -s 0x2000 -a fw.bin
same_as_debian "dfu-suffix -S 0200 (unknown DFU version)" dfu-suffix "$f" fw.bin -S 0200 -a fw.bin
same_as_debian "dfu-suffix -c on a missing file" dfu-suffix "" fw.bin -c missing.bin
same_as_debian "dfu-suffix -h" dfu-suffix "$f" fw.bin -h
same_as_debian "dfu-suffix -V" dfu-suffix "$f" fw.bin -V
same_as_debian "dfu-prefix -a without -s or -L" dfu-prefix "$f" fw.bin -a fw.bin
same_as_debian "dfu-prefix -s not a number" dfu-prefix "$f" fw.bin -s zz -a fw.bin
same_as_debian "dfu-prefix: the last of -s/-L wins" dfu-prefix "$f" fw.bin -L -s 0x4000 -a fw.bin
same_as_debian "dfu-prefix long options" dfu-prefix "$f" fw.bin --stellaris-address=0x10000 \
	--add fw.bin
same_as_debian "dfu-prefix has no -v (dfu-suffix's)" dfu-prefix "$f" fw.bin -v 0483 -c fw.bin
same_as_debian "dfu-prefix -D on a missing file" dfu-prefix "" fw.bin -D missing.bin
same_as_debian "dfu-prefix without a file" dfu-prefix "$f" fw.bin -L

# Where dfu-util 0.11 writes something other than what was asked, ours refuses.
ours_exits "dfu-suffix -v zz: not hex (dfu-util writes 0000)" 64 dfu-suffix "$f" fw.bin \
	-v zz -a fw.bin
ours_exits "dfu-suffix -p 12345: five digits (dfu-util keeps 2345)" 64 dfu-suffix "$f" fw.bin \
	-p 12345 -a fw.bin
ours_exits "dfu-prefix -s 0x2100: not a multiple of 1 KiB (dfu-util writes 0x2000)" 64 \
	dfu-prefix "$f" fw.bin -s 0x2100 -a fw.bin
ours_exits "dfu-prefix -s 0x4000000: past 64 MiB (dfu-util writes 0)" 64 dfu-prefix "$f" \
	fw.bin -s 0x4000000 -a fw.bin
ours_exits "dfu-prefix -s 010: octal refused (dfu-util reads 8)" 64 dfu-prefix "$f" fw.bin \
	-s 010 -a fw.bin
ours_exits "dfu-suffix -D on a bad CRC names it" 65 dfu-suffix "$in/badcrc.bin" fw.bin -D fw.bin
if grep -q "CRC" "$tmp/got.err"; then ok "the bad-CRC message says CRC"; else
	not_ok "the bad-CRC message says CRC"
	diag "got: $(cat "$tmp/got.err")"
fi

# The rewritten file keeps its permissions, as dfu-util's in-place write does.
cp "$f" "$tmp/mode.bin"
chmod 640 "$tmp/mode.bin"
"$tmp/ours/dfu-suffix" -a "$tmp/mode.bin" >/dev/null 2>&1
if [ -n "$(find "$tmp/mode.bin" -perm 640)" ]; then ok "-a keeps the file's mode"; else
	not_ok "-a keeps the file's mode"
	diag "got $(find "$tmp/mode.bin" -printf '%m'), want 640"
fi
# No temporary file is left beside it.
left=$(find "$tmp" -maxdepth 1 -name 'mode.bin?*')
if [ -z "$left" ]; then ok "no temporary file left"; else
	not_ok "no temporary file left"
	diag "got: $left"
fi

# Called by any other name, the binary is dfuse-util.
ln -s "$bin" "$tmp/ours/dfu-suffix-not"
out=$("$tmp/ours/dfu-suffix-not" -V 2>&1)
case $out in
"dfuse-util "*) ok "another name runs dfuse-util ($out)" ;;
*)
	not_ok "another name runs dfuse-util"
	diag "got: $out"
	;;
esac

done_testing
