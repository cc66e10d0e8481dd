#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dfuse-sim as its users run it: installed with `make install DESTDIR=...`,
# started from there, driving Debian's dfu-util. The default board, the
# built-in profiles, a JSON profile with a layout of its own (flash, read
# back, dump), a plain DFU profile with preloaded memory, a bad profile,
# injected faults, the request log and the command's exit status. TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

[ -f "$top_builddir/Makefile" ] || skip_all "no Makefile in $top_builddir"
[ "$(sed -n 's/^INSTALL_SIM = //p' "$top_builddir/Makefile")" = yes ] ||
	skip_all "the simulator is not installed (no umockdev, or --without-sim)"
command -v dfu-util >/dev/null 2>&1 || skip_all "dfu-util not installed"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sim-installed.XXXXXX") || exit 1
# shellcheck disable=SC2034 # tap.sh runs it at exit
tap_cleanup='rm -rf "$tmp"'
cd "$tmp" || exit 1
plan 19

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$top_builddir" install \
	DESTDIR="$tmp/root" prefix=/usr >install.log 2>&1
install_rc=$?
check "make install DESTDIR=... exits 0" test "$install_rc" -eq 0
[ "$install_rc" -eq 0 ] || diag <install.log
SIM=$tmp/root/usr/bin/dfuse-sim
check "dfuse-sim is installed as /usr/bin/dfuse-sim" test -x "$SIM"

# run NAME ARGS...: the installed simulator (fast poll timeouts), output in NAME.out; $rc.
# umockdev 0.17's uevent sender can kill it at a plug or unplug (sim-lib.sh): once more then.
run() {
	run_name=$1
	shift
	"$SIM" --time-scale 0.01 "$@" >"$run_name.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && grep -q 'uevent_sender.*Connection refused' "$run_name.out"; then
		"$SIM" --time-scale 0.01 "$@" >"$run_name.out" 2>&1
		rc=$?
	fi
}
# got_want WHAT GOT WANT: ok when equal, else both shown.
got_want() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  $2"
		diag "want: $3"
	fi
}

run list -- dfu-util -l
got_want "dfuse-sim -- dfu-util -l lists the default board (f4, its 4 alts)" \
	"$(grep -c '^Found DFU: \[0483:df11\].*serial="336F38743037"' list.out)/$rc" "4/0"

"$SIM" --list-profiles >profiles.out 2>&1
rc=$?
got_want "--list-profiles names every built-in profile" \
	"$(grep -c '^[a-z0-9-]*	[0-9a-f]\{4\}:[0-9a-f]\{4\}  ' profiles.out)/$rc" \
	"$(cat "$top_srcdir"/tests/sim/chips*.c | grep -c '^		\.name = "')/0"
check "--list-profiles shows layouts, timings and quirks" \
	grep -q 'alt 0: "@Internal Flash  /0x08000000/04\*016Kg,01\*064Kg,07\*128Kg"' profiles.out
check "... and the quirks of a plain DFU profile" grep -q 'DETACH in DFU mode is refused' profiles.out

# The issue's profile, as written, with a layout of its own.
cat >board.json <<'JSON'
{"vid": "0x1209", "pid": "0xdf11", "serial": "CIBOARD01", "transfer_size": 1024, "alts": [{"name": "@Internal Flash  /0x08000000/64*1Kg,32*2Kg"}]}
JSON
head -c 100000 /dev/urandom >fw.bin
run flash --profile ./board.json --dump dump --log req.log -- \
	sh -c 'dfu-util -l && dfu-util -a 0 -s 0x08000000 -D fw.bin &&
		dfu-util -a 0 -s 0x08000000:100000 -U back.bin'
check "dfu-util flashes and reads back a JSON-profile board (exit 0)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || diag <flash.out
check "the board enumerates as 1209:df11 with its own layout" \
	grep -q 'Found DFU: \[1209:df11\].*name="@Internal Flash  /0x08000000/64\*1Kg,32\*2Kg", serial="CIBOARD01"' flash.out
check "the read back equals the image" cmp -s fw.bin back.bin
check "the memory dump holds the image" cmp -s -n 100000 fw.bin dump/CIBOARD01/alt0-0x08000000.bin
got_want "the dump is the layout's size (64*1K + 32*2K)" \
	"$(wc -c <dump/CIBOARD01/alt0-0x08000000.bin | tr -d ' ')" 131072
got_want "the request log has the 97 whole 1 KiB blocks and the last 672 bytes" \
	"$(grep -c 'DNLOAD wValue=[0-9]* wLength=1024 ' req.log)/$(grep -c 'DNLOAD wValue=[0-9]* wLength=672 ' req.log)" \
	97/1

# Plain DFU 1.1 with memory preloaded from a file beside the profile.
head -c 3000 /dev/urandom >pre.bin
mkdir prof
mv pre.bin prof/
cat >prof/plain.json <<'JSON'
{"protocol": "plain", "vid": "0x1209", "pid": "0x0001", "attributes": 7, "transfer_size": 256,
 "alts": [{"name": "Flash", "memory": "/0x00000000/16*1Kg"}],
 "load": [{"file": "pre.bin", "address": 0}]}
JSON
run plain --profile prof/plain.json -- dfu-util -a 0 -U up.bin
check "dfu-util reads the preloaded memory of a plain DFU profile" \
	cmp -s -n 3000 prof/pre.bin up.bin

printf '{"vid": "0x1209", "alts": [{"name": 5}]}\n' >bad.json
run bad --profile ./bad.json -- true
got_want "a bad profile: one line naming the field, exit 125" "$(cat bad.out)/$rc" \
	"dfuse-sim: profile ./bad.json: alts[0].name: expected a string/125"

run fault --fault stall-data-block=2 --dump fdump -- dfu-util -a 0 -s 0x08000000 -D fw.bin
check "--fault stall-data-block=2: dfu-util fails, its status is dfuse-sim's" \
	test "$rc" -ne 0 -a "$rc" -ne 125
check "... and the board holds only the first block" \
	cmp -s -n 2048 fw.bin fdump/336F38743037/alt0-0x08000000.bin
run badfault --fault fail@0 -- true
got_want "a bad fault: one line, exit 125" "$(cat badfault.out)/$rc" \
	"dfuse-sim: --fault fail@0: fail@N: expected a request number 1..1000000/125"
run status -- sh -c 'exit 7'
got_want "the command's exit status is dfuse-sim's" "$rc" 7
check "the man page is installed" test -s "$tmp/root/usr/share/man/man1/dfuse-sim.1"
