#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dfuse-util called as dfuse-pack (through a link) against the dfuse-pack of
# Debian's dfu-util 0.11 package: -b ADDRESS[@ALT]:FILE (one or several, alt
# changes starting targets), -a, -D in its spellings, -i (one or several
# Intel HEX files; Debian's needs python3-intelhex), -s (S-records, the S0
# header naming the target), the dump of -d, and the errors (a binary with
# a suffix, missing files and values, bad numbers) must give the same exit
# status and the same bytes. TAP output.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/unit/fe-lib.sh"

fix=$top_srcdir/tests/fixtures/cortex-m
in=$tmp/in
mkdir "$in"
cp "$fix/fw.bin" "$fix/fw.hex" "$fix/fw.srec" "$in/"
mkbin "$in/r1.bin" 777 4
mkbin "$in/r2.bin" 3000 5
mkbin "$in/opt.bin" 16 6
# A second HEX file, and an S-record file of two runs with srec_cat's own
# S0 header (package srecord), when it is installed; written by hand else.
if command -v srec_cat >/dev/null 2>&1; then
	srec_cat "$in/r1.bin" -binary -offset 0x08010000 -o "$in/r1.hex" -intel
	srec_cat "$fix/fw.bin" -binary -offset 0x08000000 "$in/r1.bin" -binary \
		-offset 0x08010000 -o "$in/two.s19" -motorola
else
	python3 - "$in" <<'EOF'
import sys
d = sys.argv[1]
def rec(t, addr, data, alen):
    body = bytes([len(data) + alen + 1]) + addr.to_bytes(alen, 'big') + data
    return t + (body + bytes([~sum(body) & 0xFF])).hex().upper()
r1 = open(d + '/r1.bin', 'rb').read()
fw = open(d + '/fw.bin', 'rb').read()
with open(d + '/r1.hex', 'w') as f:
    f.write(':020000040801F1\n')
    for i in range(0, len(r1), 16):
        c = r1[i:i + 16]
        body = bytes([len(c)]) + i.to_bytes(2, 'big') + b'\0' + c
        f.write(':' + (body + bytes([-sum(body) & 0xFF])).hex().upper() + '\n')
    f.write(':00000001FF\n')
with open(d + '/two.s19', 'w') as f:
    f.write(rec('S0', 0, b'two runs', 2) + '\n')
    for base, blob in ((0x08000000, fw), (0x08010000, r1)):
        for i in range(0, len(blob), 16):
            f.write(rec('S3', base + i, blob[i:i + 16], 4) + '\n')
    f.write(rec('S7', 0x08000000, b'', 4) + '\n')
EOF
fi
# A binary that carries a DFU suffix (dfuse-pack refuses it).
cp "$in/r1.bin" "$in/suffixed.bin"
"$tmp/ours/dfu-suffix" -v 0483 -p df11 -a "$in/suffixed.bin" >/dev/null

# same_as_debian copies one input; dfuse-pack takes several: run it in $in.
same_as_debian_in() {
	desc=$1
	shift
	if ! have_debian dfuse-pack; then
		skip "$desc" "Debian's dfuse-pack is not installed (package dfu-util)"
		return
	fi
	rm -rf "$tmp/want" "$tmp/got"
	mkdir "$tmp/want" "$tmp/got"
	(cd "$in" && dfuse-pack "$@") >"$tmp/want.out" 2>&1
	want=$?
	[ -f "$in/out.dfu" ] && mv "$in/out.dfu" "$tmp/want/"
	(cd "$in" && "$tmp/ours/dfuse-pack" "$@") >"$tmp/got.out" 2>&1
	got=$?
	[ -f "$in/out.dfu" ] && mv "$in/out.dfu" "$tmp/got/"
	if [ "$got" != "$want" ]; then
		not_ok "$desc: exit status"
		diag "got $got, want $want (Debian's dfuse-pack); ours said:"
		diag <"$tmp/got.out"
	elif ! diff -r "$tmp/want" "$tmp/got" >"$tmp/diff" 2>&1; then
		not_ok "$desc: out.dfu"
		diag "got (ours) and want (Debian's dfuse-pack) differ:"
		diag <"$tmp/diff"
		[ -f "$tmp/want/out.dfu" ] && [ -f "$tmp/got/out.dfu" ] &&
			cmp -l "$tmp/want/out.dfu" "$tmp/got/out.dfu" | head -n 5 | diag
	else
		ok "$desc (exit $got, same bytes)"
	fi
}

same_as_debian_in "-b one binary" -b 0x08000000:fw.bin out.dfu
same_as_debian_in "-b two binaries, one target" -b 0x08000000:fw.bin -b 0x08010000:r2.bin out.dfu
same_as_debian_in "-b with @ALT: a target per run of alts" -b 0x08000000:fw.bin \
	-b 0x08010000@1:r1.bin -b 0x1FFF7800@1:opt.bin -b 0x08020000:r2.bin out.dfu
same_as_debian_in "-a sets the alt of -b without @, @ empty too" -a 2 -b 0x08000000:fw.bin \
	-b 0x08010000@:r1.bin out.dfu
same_as_debian_in "-D 0xVID:0xPID" -b 0x08000000:fw.bin -D 0x1209:0x0001 out.dfu
same_as_debian_in "-D in decimal" -b 0x08000000:fw.bin -D 1155:57105 out.dfu
same_as_debian_in "--build= and --device= spellings" --build=0x08000000:fw.bin \
	--device=0x0483:0xdf11 out.dfu
same_as_debian_in "-b decimal address" -b 134217728:fw.bin out.dfu

# Debian's dfuse-pack reads HEX with python3-intelhex, in the interpreter it names.
debian_python=$(sed -n '1s/^#! *//p' "$(command -v dfuse-pack 2>/dev/null || echo /dev/null)")
if [ -n "$debian_python" ] && $debian_python -c 'import intelhex' 2>/dev/null; then
	same_as_debian_in "-i one HEX file" -i fw.hex out.dfu
	same_as_debian_in "-i two HEX files, one target" -i fw.hex -i r1.hex out.dfu
	same_as_debian_in "-i with -a and -D" -i r1.hex -a 1 -D 0x0483:0xdf11 out.dfu
else
	for d in "-i one HEX file" "-i two HEX files" "-i with -a and -D"; do
		skip "$d" "Debian's dfuse-pack -i needs python3-intelhex"
	done
fi
same_as_debian_in "-s S-record file (S0 names the target)" -s fw.srec out.dfu
same_as_debian_in "-s with two runs, -a and -D" -s two.s19 -a 3 -D 0x1234:0x5678 out.dfu

# Errors: exit 1 for what dfuse-pack checks, 2 for what its option parser does.
same_as_debian_in "-b binary with a DFU suffix" -b 0x08000000:suffixed.bin out.dfu
same_as_debian_in "-b missing file" -b 0x08000000:missing.bin out.dfu
same_as_debian_in "-b without :FILE" -b 0x08000000 out.dfu
same_as_debian_in "-b bad address" -b zz:fw.bin out.dfu
same_as_debian_in "-b bad @ALT" -b 0x08000000@x:fw.bin out.dfu
same_as_debian_in "-a not a number" -a x -b 0x08000000:fw.bin out.dfu
same_as_debian_in "-D without :PID" -b 0x08000000:fw.bin -D 0x0483 out.dfu
same_as_debian_in "-D 0483:df11 (no 0x: not numbers to dfuse-pack)" -b 0x08000000:fw.bin \
	-D 0483:df11 out.dfu
same_as_debian_in "no output file" -b 0x08000000:fw.bin
same_as_debian_in "two output files" -b 0x08000000:fw.bin a.dfu out.dfu
same_as_debian_in "no arguments"
same_as_debian_in "unknown option" -x out.dfu
same_as_debian_in "-b without its value" -b
same_as_debian_in "-h" -h
same_as_debian_in "-s missing file" -s missing.s19 out.dfu

# Show and dump: -d writes each element beside the .dfu, byte for byte.
if have_debian dfuse-pack; then
	(cd "$in" && dfuse-pack -b 0x08000000:fw.bin -b 0x08010000@1:r1.bin \
		-b 0x08011000@1:opt.bin dump.dfu) >/dev/null
	mkdir "$tmp/dw" "$tmp/dg"
	cp "$in/dump.dfu" "$tmp/dw/"
	cp "$in/dump.dfu" "$tmp/dg/"
	(cd "$tmp/dw" && dfuse-pack -d dump.dfu) >/dev/null 2>&1
	want=$?
	(cd "$tmp/dg" && "$tmp/ours/dfuse-pack" -d dump.dfu) >"$tmp/dump.out" 2>&1
	got=$?
	if [ "$got" = "$want" ] && diff -r "$tmp/dw" "$tmp/dg" >"$tmp/diff" 2>&1; then
		ok "-d dumps the same element files (exit $got; $(find "$tmp/dg" -type f | wc -l) files)"
	else
		not_ok "-d dumps the same element files"
		diag "got exit $got, want $want; differences:"
		diag <"$tmp/diff"
	fi
	if grep -q "0x08011000" "$tmp/dump.out"; then
		ok "showing a .dfu lists each element's address"
	else
		not_ok "showing a .dfu lists each element's address"
		diag <"$tmp/dump.out"
	fi
else
	skip "-d dumps the same element files" "Debian's dfuse-pack is not installed"
	skip "showing a .dfu lists each element's address" "Debian's dfuse-pack is not installed"
fi

# Ours only: the combination dfuse-pack 0.11 gets wrong is refused, nothing written.
(cd "$in" && "$tmp/ours/dfuse-pack" -b 0x08000000:fw.bin -i fw.hex mixed.dfu) \
	>/dev/null 2>"$tmp/err"
got=$?
if [ "$got" = 1 ] && [ ! -e "$in/mixed.dfu" ] && grep -q '^dfuse-pack: ' "$tmp/err"; then
	ok "-b with -i is refused (exit 1, nothing written): $(cat "$tmp/err")"
else
	not_ok "-b with -i is refused"
	diag "got exit $got (want 1), file: $(ls "$in/mixed.dfu" 2>&1), stderr:"
	diag <"$tmp/err"
fi
# What ours writes, dfuse-util reads back as the same pieces.
(cd "$in" && "$tmp/ours/dfuse-pack" -b 0x08000000:fw.bin -b 0x08010000@1:r1.bin rt.dfu) \
	>/dev/null 2>&1
"$bin" --info "$in/rt.dfu" >"$tmp/info" 2>&1
got=$?
if [ "$got" = 0 ] && grep -q "0x08010000" "$tmp/info" && grep -q "0483" "$tmp/info"; then
	ok "dfuse-util --info reads dfuse-pack's output"
else
	not_ok "dfuse-util --info reads dfuse-pack's output"
	diag "got exit $got:"
	diag <"$tmp/info"
fi

done_testing
