#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --info and --convert on real files, with no device: the Cortex-M fixtures
# and mboot-f413.dfu, bad files (exit 65 naming the line), the output rules
# (never replace, nothing left behind), and HEX/SREC cross-checked against
# Debian's srec_cat (package srecord) and .dfu against dfu-suffix. TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

bin=$top_builddir/dfuse-util
fix=$top_srcdir/tests/fixtures

[ -x "$bin" ] || skip_all "$bin not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/image-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# run EXPECTED_STATUS WHAT ARGS...: run dfuse-util, output in $tmp/out, $tmp/err.
run() {
	want=$1
	what=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	is "$got" "$want" "$what (exit $want)" || sed 's/^/# /' "$tmp/err"
}

# has FILE TEXT WHAT: FILE ($tmp/out or $tmp/err) contains TEXT.
has() {
	if grep -F -q -- "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3: '$2' not in:"
		sed 's/^/# /' "$1"
	fi
}

# only_files WHAT NAMES...: $tmp/w holds exactly these files (no temporary left).
only_files() {
	what=$1
	shift
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	got=$(ls "$tmp/w" | sort | tr '\n' ' ')
	[ "$want" = "$got" ]
	is $? 0 "$what: files are '$want' (got '$got')"
}

mkdir "$tmp/w"

# 1. --info on each fixture.
for f in fw.elf fw.hex fw.srec; do
	run 0 "--info cortex-m/$f" --info "$fix/cortex-m/$f"
	has "$tmp/out" "Piece: 0x08000000..0x080000e7, 232 bytes" "$f: one piece of 232 bytes"
	has "$tmp/out" "Start address: 0x08000043" "$f: entry point"
done
run 0 "--info mboot-f413.dfu" --info "$fix/mboot-f413.dfu"
has "$tmp/out" "Format: DfuSe .dfu (dfu)" "mboot: format"
has "$tmp/out" 'Target: alt 0, name "ST..."' "mboot: target and name"
has "$tmp/out" "VID 0x0483, PID 0xdf11, bcdDevice 0x0000, bcdDFU 0x011a" "mboot: suffix"
has "$tmp/out" "ok" "mboot: CRC ok"
run 0 "--info raw with -s" --info "$fix/cortex-m/fw.bin" -s 0x08000000
has "$tmp/out" "Piece: 0x08000000..0x080000e7, 232 bytes" "raw placed by -s"
run 64 "--info a HEX with -s" --info "$fix/cortex-m/fw.hex" -s 0x08000000
has "$tmp/err" "carries its own addresses" "... says why"

# 2. Bad files: exit 65, the line named, and never a device.
printf ':020000040800F2\r\n:0400000001020304F3\r\n:00000001FF\r\n' >"$tmp/bad.hex"
run 65 "--info a HEX with a bad checksum" --info "$tmp/bad.hex"
has "$tmp/err" "dfuse-util: info: $tmp/bad.hex: Intel HEX: line 2: checksum 0xf3, computed 0xf2" \
	"... names the line"
head -c 300 "$fix/cortex-m/fw.srec" >"$tmp/cut.srec"
run 65 "--info a truncated SREC" --info "$tmp/cut.srec"
has "$tmp/err" "S-record: line " "... names a line"
head -c 100 "$fix/cortex-m/fw.elf" >"$tmp/cut.elf"
run 65 "--info a truncated ELF" --info "$tmp/cut.elf"
has "$tmp/err" "ELF: program header table at file offset 0x34" "... names the offset"
cp "$fix/mboot-f413.dfu" "$tmp/crc.dfu"
printf 'X' | dd of="$tmp/crc.dfu" bs=1 seek=1000 conv=notrunc 2>/dev/null
run 65 "--info a .dfu with a bad CRC" --info "$tmp/crc.dfu"
has "$tmp/out" "BAD" "... prints the suffix with its CRC marked bad"
has "$tmp/err" "DFU suffix CRC mismatch" "... and reports it"
run 66 "--info a missing file" --info "$tmp/nothing.hex"

# 3. Conversions between every pair, each compared with fw.bin.
cp "$fix/cortex-m/fw.elf" "$tmp/w/fw.elf"
run 0 "--convert ELF to HEX" --convert "$tmp/w/a.hex" -D "$tmp/w/fw.elf"
run 0 "--convert HEX to .dfu" --convert "$tmp/w/a.dfu" -D "$tmp/w/a.hex" -d 0483:df11 \
	-a "@Internal Flash  /0x08000000/04*016Kg"
run 0 "--convert .dfu to SREC" --convert "$tmp/w/a.srec" -D "$tmp/w/a.dfu"
run 0 "--convert SREC to BIN" --convert "$tmp/w/a.bin" -D "$tmp/w/a.srec"
cmp -s "$tmp/w/a.bin" "$fix/cortex-m/fw.bin"
is $? 0 "ELF -> HEX -> .dfu -> SREC -> BIN gives objcopy's fw.bin"
run 0 "--convert BIN placed by -s to SREC" --convert "$tmp/w/b.srec" -D "$tmp/w/a.bin" \
	-s 0x08000000
run 0 "--info of the .dfu written" --info "$tmp/w/a.dfu"
has "$tmp/out" 'Target: alt 0, name "@Internal Flash  /0x08000000/04*016Kg"' ".dfu: alt name"
has "$tmp/out" "VID 0x0483, PID 0xdf11" ".dfu: suffix IDs from -d"
run 0 "--convert --out-format names the format" --convert "$tmp/w/c.out" -D "$tmp/w/a.dfu" \
	--out-format srec
cmp -s "$tmp/w/c.out" "$tmp/w/a.srec"
is $? 0 "... the same S-records as through .dfu"
only_files "after the conversions" fw.elf a.hex a.dfu a.srec a.bin b.srec c.out

# 4. Output rules: never replace, nothing left behind, usage errors before reading.
cp "$tmp/w/a.srec" "$tmp/keep"
run 73 "--convert onto an existing file" --convert "$tmp/w/a.srec" -D "$tmp/w/a.hex"
cmp -s "$tmp/keep" "$tmp/w/a.srec"
is $? 0 "... which is left as it was"
run 65 "--convert a bad input" --convert "$tmp/w/bad.dfu" -D "$tmp/bad.hex"
run 64 "--convert a raw input to HEX without -s" --convert "$tmp/w/d.hex" -D "$tmp/w/a.bin"
has "$tmp/err" "give its address with -s ADDRESS" "... says what is missing"
run 64 "--convert to a name without a format" --convert "$tmp/w/noext" -D "$tmp/w/a.hex"
run 64 "--convert to ELF" --convert "$tmp/w/e.elf" -D "$tmp/w/a.hex"
run 64 "--convert with -d to HEX" --convert "$tmp/w/f.hex" -D "$tmp/w/a.srec" -d 0483:df11
run 64 "--convert a .dfu with -a" --convert "$tmp/w/k.dfu" -D "$tmp/w/a.dfu" -a 1
has "$tmp/err" "already name their alts" "... says why"
run 0 "--format overrides the name" --convert "$tmp/w/g.bin" -D "$tmp/w/a.srec" --format srec
run 0 "a misleading name is read by its contents" --convert "$tmp/w/h.bin" -D "$tmp/w/fw.elf" \
	--out-format bin
cp "$tmp/w/a.hex" "$tmp/w/i.bin"
run 0 "a HEX named .bin" --convert "$tmp/w/j.srec" -D "$tmp/w/i.bin"
has "$tmp/err" "the name says raw binary but the contents are Intel HEX" "... warns"
rm -f "$tmp/w/g.bin" "$tmp/w/h.bin" "$tmp/w/i.bin" "$tmp/w/j.srec"
only_files "after the failures" fw.elf a.hex a.dfu a.srec a.bin b.srec c.out

# 5. Cross-checks with other tools.
if command -v srec_cat >/dev/null 2>&1; then
	srec_cat "$tmp/w/a.hex" -intel -offset -0x08000000 -o "$tmp/sc.bin" -binary
	cmp -s "$tmp/sc.bin" "$fix/cortex-m/fw.bin"
	is $? 0 "srec_cat reads our HEX as fw.bin"
	srec_cat "$tmp/w/a.srec" -motorola -offset -0x08000000 -o "$tmp/sc2.bin" -binary
	cmp -s "$tmp/sc2.bin" "$fix/cortex-m/fw.bin"
	is $? 0 "srec_cat reads our SREC as fw.bin"
	# A file srec_cat writes, with records of 32 bytes and a gap, back through us.
	srec_cat "$fix/cortex-m/fw.bin" -binary -offset 0x08000000 \
		"$fix/cortex-m/fw.bin" -binary -offset 0x08010000 \
		-o "$tmp/sc.hex" -intel -obs=32
	run 0 "--info a HEX written by srec_cat" --info "$tmp/sc.hex"
	has "$tmp/out" "Piece: 0x08010000..0x080100e7, 232 bytes" "... two pieces, the gap kept"
	srec_cat "$tmp/sc.hex" -intel -o "$tmp/sc.srec" -motorola -address-length=4
	run 0 "--convert srec_cat's SREC to HEX" --convert "$tmp/w2.hex" -D "$tmp/sc.srec"
	srec_cat "$tmp/w2.hex" -intel -o "$tmp/sc3.hex" -intel -obs=32
	cmp -s "$tmp/sc3.hex" "$tmp/sc.hex"
	is $? 0 "... and srec_cat sees the same data in our HEX"
	run 65 "a gapped image cannot be a .bin" --convert "$tmp/w3.bin" -D "$tmp/sc.hex"
	has "$tmp/err" "gaps are never filled" "... says why"
else
	for i in 1 2 3 4 5 6 7 8; do
		skip "srec_cat cross-check $i" "srec_cat not installed (Debian package srecord)"
	done
fi
if command -v dfu-suffix >/dev/null 2>&1; then
	dfu-suffix -c "$tmp/w/a.dfu" >"$tmp/suffix" 2>&1
	is $? 0 "dfu-suffix -c accepts our .dfu"
	has "$tmp/suffix" "0483" "... and reads its vendor ID"
else
	skip "dfu-suffix -c accepts our .dfu" "dfu-suffix not installed (Debian package dfu-util)"
	skip "... and reads its vendor ID" "dfu-suffix not installed (Debian package dfu-util)"
fi

# 6. No USB: libusb is never initialised (it would open /dev/bus/usb or
# /sys/bus/usb and a netlink socket for hotplug, as -l does).
if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null; then
	strace -f -e trace=open,openat,socket -o "$tmp/trace" \
		"$bin" --info "$fix/cortex-m/fw.elf" >/dev/null 2>&1
	strace -f -e trace=open,openat,socket -o "$tmp/trace2" \
		"$bin" --convert "$tmp/w/nousb.hex" -D "$fix/cortex-m/fw.elf" >/dev/null 2>&1
	! grep -E '/dev/bus/usb|/sys/bus/usb|AF_NETLINK' "$tmp/trace" "$tmp/trace2" >"$tmp/usb"
	is $? 0 "--info and --convert touch no USB device node and open no hotplug socket"
	sed 's/^/# /' "$tmp/usb"
	strace -f -e trace=open,openat,socket -o "$tmp/trace3" "$bin" -l >/dev/null 2>&1
	grep -q -E '/dev/bus/usb|/sys/bus/usb|AF_NETLINK' "$tmp/trace3"
	is $? 0 "... while -l does (the check above can fail)"
else
	skip "--info and --convert touch no USB device" "strace not installed or not permitted"
	skip "... while -l does" "strace not installed or not permitted"
fi

done_testing
