#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's "Test your flash step in CI" example, taken from the README
# itself so that the two cannot drift: its Makefile (a `flash` target calling
# Debian's dfu-util) and its CI commands run as written, with dfuse-sim on
# PATH; then the same with the README's JSON profile; and the example must
# fail when the board drops a block. TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

simdir=$top_builddir/tests/sim
[ -x "$simdir/dfuse-sim" ] || skip_all "umockdev not available (tests/sim/dfuse-sim not built)"
command -v dfu-util >/dev/null 2>&1 || skip_all "dfu-util not installed"
command -v "${MAKE:-make}" >/dev/null 2>&1 || skip_all "no make"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sim-readme-ci.XXXXXX") || exit 1
# shellcheck disable=SC2034 # tap.sh runs it at exit
tap_cleanup='rm -rf "$tmp"'
plan 8

# The section, then its indented blocks, one file each (block1, block2 ...).
sed -n '/^Test your flash step in CI$/,/^A rack of boards$/p' "$top_srcdir/README" >"$tmp/section"
awk -v dir="$tmp" '
	/^    / { if (!inblock) { n++; inblock = 1 } print substr($0, 5) > (dir "/block" n); next }
	/^$/ { if (inblock) print "" > (dir "/block" n); next }
	{ inblock = 0 }' "$tmp/section"
check "the README has the section and its three blocks (Makefile, CI commands, profile)" \
	test -s "$tmp/block1" -a -s "$tmp/block2" -a -s "$tmp/block3"
check "its Makefile has a flash target that calls dfu-util" \
	sh -c "grep -q '^flash:' '$tmp/block1' && grep -q '^	dfu-util ' '$tmp/block1'"

# ci DIR [PATH-FIRST]: the README's CI commands in DIR (with its Makefile), dfuse-sim
# from PATH-FIRST (default the built one); output in DIR/ci.out, status in $rc.
# umockdev 0.17's uevent sender can kill a run at an unplug (sim-lib.sh): once more then.
ci() {
	mkdir -p "$1"
	cp "$tmp/block1" "$1/Makefile"
	for try in 1 2; do
		rm -rf "$1/dump" "$1/fw.bin"
		(cd "$1" && PATH="${2:-$simdir}:$PATH" MAKEFLAGS= MAKELEVEL= sh -e "$tmp/block2") \
			>"$1/ci.out" 2>&1
		rc=$?
		[ "$rc" -ne 0 ] && [ "$try" = 1 ] &&
			grep -q 'uevent_sender.*Connection refused' "$1/ci.out" && continue
		break
	done
}

ci "$tmp/plain"
check "the CI commands pass as written (make flash under dfuse-sim, cmp)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || diag <"$tmp/plain/ci.out"
check "dfu-util flashed and left (its output says so)" \
	grep -q 'Submitting leave request' "$tmp/plain/ci.out"
check "the board's memory holds the image" \
	cmp -s -n "$(wc -c <"$tmp/plain/fw.bin")" "$tmp/plain/fw.bin" \
	"$tmp/plain/dump/336F38743037/alt0-0x08000000.bin"

# The same commands with a board that STALLs its third block must fail.
mkdir -p "$tmp/faulty-bin"
cat >"$tmp/faulty-bin/dfuse-sim" <<EOF2
#!/bin/sh
exec "$simdir/dfuse-sim" --fault stall-data-block=3 "\$@"
EOF2
chmod +x "$tmp/faulty-bin/dfuse-sim"
ci "$tmp/faulty" "$tmp/faulty-bin"
check "... and fail when the board drops a block (exit $rc)" test "$rc" -ne 0

# The README's profile, with the first CI command given --profile as the text says.
mkdir -p "$tmp/profile"
cp "$tmp/block3" "$tmp/profile/board.json"
sed -n '1s/^dfuse-sim /dfuse-sim --profile .\/board.json /p' "$tmp/block2" >"$tmp/block2p"
sed -n '2s/336F38743037/CIBOARD01/p' "$tmp/block2" >>"$tmp/block2p"
cp "$tmp/block2p" "$tmp/block2"
ci "$tmp/profile"
check "the README's profile flashes as the F4 did (exit $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || diag <"$tmp/profile/ci.out"
check "... onto a 1209:df11 board with 1 KiB blocks" \
	sh -c "grep -q 'Device ID 1209:df11' '$tmp/profile/ci.out' &&
		grep -q 'Device returned transfer size 1024' '$tmp/profile/ci.out'"
