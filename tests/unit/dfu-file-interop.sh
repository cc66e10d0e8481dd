#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Interop of dfu_file.c with files written by other tools: Debian's dfuse-pack
# and dfu-suffix (package dfu-util) generate .dfu/.bin files at run time, and
# dfu-file-dump must find exactly what they were asked to write. TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

dump=$top_builddir/tests/unit/dfu-file-dump

for tool in dfuse-pack dfu-suffix python3; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip_all "$tool not installed (Debian package dfu-util / python3)"
done
[ -x "$dump" ] || skip_all "$dump not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dfu-interop.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# gen NAME SIZE SEED: deterministic bytes, so a failure reproduces.
gen() {
	python3 -c 'import sys
n, seed = int(sys.argv[2]), int(sys.argv[3])
sys.stdout.buffer.write(bytes((i * 131 + seed * 7 + (i >> 8)) & 0xFF for i in range(n)))' \
		"$1" "$2" "$3" >"$tmp/$1"
}

# crc NAME: zlib CRC-32 of a file, as dfu-file-dump prints it.
crc() {
	python3 -c 'import sys, zlib
print("0x%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$tmp/$1"
}

# expect_same WHAT: compare $tmp/want with $tmp/got (only lines the generator controls).
expect_same() {
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "$1"
	else
		not_ok "$1"
		diff "$tmp/want" "$tmp/got" | sed 's/^/# /'
	fi
}

# 1. A DfuSe file with several alts, targets and elements.
gen a.bin 1000 1
gen b.bin 333 2
gen c.bin 16 3
gen d.bin 4096 4
gen e.bin 1 5
if dfuse-pack -D 0x0483:0xdf11 -b 0x08000000:"$tmp/a.bin" -b 0x08004000:"$tmp/b.bin" \
	-b 0x1FFFC000@1:"$tmp/c.bin" -b 0x20000000@3:"$tmp/d.bin" -b 0x08100000:"$tmp/e.bin" \
	"$tmp/multi.dfu" >"$tmp/pack.log" 2>&1; then
	ok "dfuse-pack wrote a multi-target file"
else
	not_ok "dfuse-pack wrote a multi-target file"
	sed 's/^/# /' "$tmp/pack.log"
fi
"$dump" "$tmp/multi.dfu" >"$tmp/out"
is $? 0 "dfu-file-dump parses the dfuse-pack file"
sed 's/^/# /' "$tmp/out"
grep -q '^format dfuse$' "$tmp/out"
is $? 0 "format is DfuSe"
grep -q '^suffix .*idProduct 0xdf11 idVendor 0x0483 bcdDFU 0x011a crc ok$' "$tmp/out"
is $? 0 "suffix 0483:df11, bcdDFU 0x011a, CRC ok"
grep -q '^warnings 0x0 trailing 0$' "$tmp/out"
is $? 0 "no warnings"
# dfuse-pack starts a new target whenever the alt changes, so the last alt-0
# binary lands in a second alt-0 target (allowed: it overlaps nothing).
{
	echo "alt 0 elements 2"
	echo "0x08000000 1000 $(crc a.bin)"
	echo "0x08004000 333 $(crc b.bin)"
	echo "alt 1 elements 1"
	echo "0x1fffc000 16 $(crc c.bin)"
	echo "alt 3 elements 1"
	echo "0x20000000 4096 $(crc d.bin)"
	echo "alt 0 elements 1"
	echo "0x08100000 1 $(crc e.bin)"
} >"$tmp/want"
sed -n -e 's/^target [0-9]* \(alt [0-9]*\) .* \(elements [0-9]*\)$/\1 \2/p' \
	-e 's/^element [0-9.]* address \(0x[0-9a-f]*\) size \([0-9]*\) crc32 \(0x[0-9a-f]*\)$/\1 \2 \3/p' \
	"$tmp/out" >"$tmp/got"
expect_same "targets, addresses, sizes and data match what dfuse-pack was given"
dfu-suffix -c "$tmp/multi.dfu" >/dev/null 2>&1
is $? 0 "dfu-suffix -c accepts the DfuSe file we accept"

# Overlapping binaries: dfuse-pack writes them, we refuse them, naming both.
dfuse-pack -b 0x08000000:"$tmp/a.bin" -b 0x08000100:"$tmp/b.bin" "$tmp/overlap.dfu" \
	>/dev/null 2>&1
if "$dump" "$tmp/overlap.dfu" >"$tmp/out"; then st=1; else st=0; fi
grep -q 'element 2 .* overlaps target 1: element 1' "$tmp/out" || st=1
is $st 0 "overlapping elements from dfuse-pack refused"
sed 's/^/# /' "$tmp/out"

# 2. A raw image with a suffix added by dfu-suffix.
gen fw.bin 5000 6
cp "$tmp/fw.bin" "$tmp/raw.bin"
dfu-suffix -a "$tmp/raw.bin" -v 0483 -p df11 >/dev/null 2>&1
is $? 0 "dfu-suffix -a added a suffix"
"$dump" "$tmp/raw.bin" >"$tmp/out"
is $? 0 "dfu-file-dump parses the suffixed raw file"
sed 's/^/# /' "$tmp/out"
{
	echo "format raw"
	echo "suffix bcdDevice 0xffff idProduct 0xdf11 idVendor 0x0483 bcdDFU 0x0100 crc ok"
	echo "warnings 0x0 trailing 0"
	echo "payload size 5000 $(crc fw.bin | sed 's/^/crc32 /')"
} >"$tmp/want"
cp "$tmp/out" "$tmp/got"
expect_same "raw payload is the original file, suffix fields as requested"
dfu-suffix -c "$tmp/raw.bin" >/dev/null 2>&1
is $? 0 "dfu-suffix -c accepts the raw file we accept"

# 3. The same image with its suffix removed again: a plain raw file.
cp "$tmp/raw.bin" "$tmp/stripped.bin"
dfu-suffix -D "$tmp/stripped.bin" >/dev/null 2>&1
"$dump" "$tmp/stripped.bin" >"$tmp/out"
grep -q '^suffix none$' "$tmp/out" && grep -q "^payload size 5000 crc32 $(crc fw.bin)$" "$tmp/out"
is $? 0 "suffix removed by dfu-suffix -D: raw, same payload"

# 4. A corrupted byte: both tools refuse the CRC, ours names it.
cp "$tmp/raw.bin" "$tmp/bad.bin"
printf '\377' | dd of="$tmp/bad.bin" bs=1 seek=100 conv=notrunc 2>/dev/null
if "$dump" "$tmp/bad.bin" >"$tmp/out"; then st=1; else st=0; fi
grep -q 'CRC mismatch' "$tmp/out" || st=1
is $st 0 "corrupted raw file refused for its CRC"
if dfu-suffix -c "$tmp/bad.bin" >/dev/null 2>&1; then st=1; else st=0; fi
is $st 0 "dfu-suffix -c refuses it too"
"$dump" "$tmp/bad.bin" force >"$tmp/out"
is $? 0 "accepted with force"

# 5. A raw file whose suffix claims DfuSe: refused unless forced.
cp "$tmp/fw.bin" "$tmp/claims.bin"
dfu-suffix -a "$tmp/claims.bin" -v 0483 -p df11 -S 0x011a >/dev/null 2>&1
if "$dump" "$tmp/claims.bin" >"$tmp/out"; then st=1; else st=0; fi
grep -q 'suffix says DfuSe but the file has no DfuSe prefix' "$tmp/out" || st=1
is $st 0 "raw file with a DfuSe suffix refused"
"$dump" "$tmp/claims.bin" force >"$tmp/out" &&
	grep -q "^payload size 5000 crc32 $(crc fw.bin)$" "$tmp/out"
is $? 0 "accepted with force, payload intact"

# 6. A real file written by another tool (MicroPython's mboot for an F413).
fixture=$top_srcdir/tests/fixtures/mboot-f413.dfu
dfu-suffix -c "$fixture" >/dev/null 2>&1
is $? 0 "dfu-suffix -c accepts mboot-f413.dfu"
"$dump" "$fixture" >"$tmp/out"
is $? 0 "dfu-file-dump parses mboot-f413.dfu"
is "$(sed -n 's/^\(element 0\.0 address 0x[0-9a-f]* size [0-9]*\) .*/\1/p' "$tmp/out")" \
	"element 0.0 address 0x08008000 size 32752" "dfu-file-dump agrees on mboot-f413.dfu"

done_testing
