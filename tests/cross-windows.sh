#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Windows, checked from Debian: cross-builds dfuse-util.exe and the unit tests
# with MinGW-w64 (--enable-werror) against a libusb-1.0 built for MinGW from
# Debian's own source package, then runs them under wine: every unit test's
# TAP points, and a smoke test of the .exe (-V, -h, exit statuses, binary
# standard input). Ends with one line "N passed, N failed, N skipped".
# Installs what it needs from Debian's packages (as root, or through sudo).
# Environment: BUILD_ROOT (default ./_build); MINGW_LIBUSB, a libusb-1.0 prefix
# already built for MinGW (default: built once and kept in the build root);
# JOBS (default 2); WINE_TIMEOUT, seconds allowed to each wine call (default 120).
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build_root=${BUILD_ROOT:-$src/_build}
jobs=${JOBS:-2}
wine_timeout=${WINE_TIMEOUT:-120}
host=x86_64-w64-mingw32
dir=$build_root/mingw
cache=$build_root/mingw-cache
pass=0 fail=0 skip=0

step() { printf '\n=== %s\n' "$*"; }
passed() {
	pass=$((pass + 1))
	echo "ok - $*"
}
failed() {
	fail=$((fail + 1))
	echo "not ok - $*"
}
finish() {
	# wineserver outlives the last program for a while: end it now.
	[ -n "${WINEPREFIX:-}" ] && timeout 30 wineserver -k >/dev/null 2>&1
	echo
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit
}
# Abandon the run: what could not be built counts as one failure.
give_up() {
	failed "$*"
	finish
}
if [ "$(id -u)" -eq 0 ]; then
	as_root=""
else
	as_root="sudo"
fi

# ---- tools ------------------------------------------------------------------
apt_updated=no
apt_update() {
	[ "$apt_updated" = yes ] && return 0
	$as_root apt-get update -q >"$cache/apt-update.log" 2>&1 || {
		tail -5 "$cache/apt-update.log"
		return 1
	}
	apt_updated=yes
}
need="" # Debian packages of the tools that are missing
command -v $host-gcc >/dev/null 2>&1 ||
	need="$need gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev"
command -v wine >/dev/null 2>&1 || need="$need wine wine64"
command -v timeout >/dev/null 2>&1 || need="$need coreutils"
if [ -z "${MINGW_LIBUSB:-}" ] && [ ! -f "$cache/libusb/lib/pkgconfig/libusb-1.0.pc" ]; then
	command -v dpkg-source >/dev/null 2>&1 || need="$need dpkg-dev"
	command -v make >/dev/null 2>&1 || need="$need make"
fi
mkdir -p "$cache"
if [ -n "$need" ]; then
	step "installing$need"
	# shellcheck disable=SC2086 # the list is split on purpose
	if ! apt_update || ! DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q \
		--no-install-recommends -o DPkg::Lock::Timeout=600 $need \
		>"$cache/apt-install.log" 2>&1; then
		tail -20 "$cache/apt-install.log"
		give_up "install$need"
	fi
fi

# ---- libusb-1.0 for MinGW, from Debian's source package ----------------------
# Debian 12 lists its archives in deb822 form without deb-src; apt-get source
# needs them. Add a deb-src twin of each list, once, beside the originals.
enable_deb_src() {
	apt-get source --print-uris libusb-1.0 >/dev/null 2>&1 && return 0
	srcs=/etc/apt/sources.list.d/dfuse-util-deb-src.sources
	step "enabling deb-src entries ($srcs)"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$srcs" ] && sed -e 's/^Types:.*/Types: deb-src/' "$f" && echo
	done >"$cache/deb-src.sources"
	if [ -f /etc/apt/sources.list ]; then
		# One-line format: the same lines, as deb-src.
		sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >"$cache/deb-src.list"
		[ -s "$cache/deb-src.list" ] &&
			$as_root cp "$cache/deb-src.list" /etc/apt/sources.list.d/dfuse-util-deb-src.list
	fi
	[ -s "$cache/deb-src.sources" ] && $as_root cp "$cache/deb-src.sources" "$srcs"
	apt_updated=no
	apt_update && apt-get source --print-uris libusb-1.0 >/dev/null 2>&1
}

if [ -n "${MINGW_LIBUSB:-}" ]; then
	libusb=$MINGW_LIBUSB
	step "libusb-1.0 for MinGW: $libusb (MINGW_LIBUSB)"
elif [ -f "$cache/libusb/lib/pkgconfig/libusb-1.0.pc" ]; then
	libusb=$cache/libusb
	step "libusb-1.0 for MinGW: $libusb (built before)"
else
	libusb=$cache/libusb
	step "libusb-1.0 for MinGW: building Debian's source package into $libusb"
	enable_deb_src || give_up "deb-src entries for apt-get source libusb-1.0"
	rm -rf "$cache/libusb-src" "$libusb"
	mkdir -p "$cache/libusb-src/build"
	(cd "$cache/libusb-src" && apt-get source -q libusb-1.0) >"$cache/libusb-src/source.log" 2>&1 ||
		{
			tail -20 "$cache/libusb-src/source.log"
			give_up "apt-get source libusb-1.0"
		}
	usrc=$(find "$cache/libusb-src" -maxdepth 1 -type d -name 'libusb-1.0-*' | head -1)
	[ -n "$usrc" ] || give_up "apt-get source libusb-1.0: no source directory"
	(cd "$cache/libusb-src/build" &&
		"$usrc/configure" -q --host=$host --build="$("$usrc/config.guess")" \
			--prefix="$libusb" --disable-shared --enable-static \
			--disable-examples-build --disable-tests-build &&
		make -j"$jobs" && make install) >"$cache/libusb-src/build.log" 2>&1 ||
		{
			tail -30 "$cache/libusb-src/build.log"
			rm -rf "$libusb"
			give_up "libusb-1.0 for MinGW from $(basename "$usrc")"
		}
	rm -rf "$cache/libusb-src"
fi
[ -f "$libusb/lib/pkgconfig/libusb-1.0.pc" ] ||
	give_up "no libusb-1.0.pc under $libusb/lib/pkgconfig"

# ---- the cross build ----------------------------------------------------------
[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh) || give_up "autogen.sh"
. "$src/tests/source-tree.sh"
source_tree || give_up "a source tree to build from"
rm -rf "$dir"
mkdir -p "$dir"
step "mingw: configure --host=$host --enable-werror"
# -static: winpthreads (the clock and sleep calls) and libgcc go into the .exe.
(cd "$dir" && "$tree/configure" -q --host=$host --build="$("$tree/build-aux/config.guess")" \
	--enable-werror --without-umockdev LDFLAGS=-static PKG_CONFIG=pkg-config \
	PKG_CONFIG_LIBDIR="$libusb/lib/pkgconfig" PKG_CONFIG_PATH=) ||
	give_up "configure for $host"
step "mingw: make"
if (cd "$dir" && make -j"$jobs" >make.log 2>&1); then
	passed "dfuse-util.exe builds with --enable-werror"
else
	tail -40 "$dir/make.log"
	give_up "dfuse-util.exe builds with --enable-werror"
fi
step "mingw: make the unit tests"
if (cd "$dir" && make -j"$jobs" check TESTS= >check-build.log 2>&1); then
	passed "the unit tests build with --enable-werror"
else
	tail -40 "$dir/check-build.log"
	give_up "the unit tests build with --enable-werror"
fi

# ---- wine ---------------------------------------------------------------------
# No display and no dialogs (Mono, Gecko), its own prefix in the build root,
# and never more than $wine_timeout seconds for any call.
unset DISPLAY
WINEPREFIX=$cache/wine
WINEDEBUG=-all
WINEDLLOVERRIDES="mscoree,mshtml="
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES
run_wine() {
	timeout -k 10 "$wine_timeout" wine "$@"
}
if [ ! -f "$WINEPREFIX/system.reg" ]; then
	step "wine: a new prefix in $WINEPREFIX"
	timeout -k 10 "$wine_timeout" wineboot -i </dev/null >"$cache/wineboot.log" 2>&1 ||
		{
			tail -20 "$cache/wineboot.log"
			give_up "wineboot -i"
		}
fi

# ---- unit tests under wine ------------------------------------------------------
# One TAP program, one count: each point passes, fails or skips; a missing or
# unmet plan, or a bad exit status, is one more failure.
tap_run() { # name, log, wine arguments...
	name=$1 log=$2
	shift 2
	run_wine "$@" </dev/null >"$log" 2>&1
	rc=$?
	# shellcheck disable=SC2046 # four numbers, split on purpose
	set -- $(awk '
		/^1\.\.0 *# *[Ss][Kk][Ii][Pp]/ { skipall = 1 }
		/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan = $1 + 0; planned = 1 }
		/^ok / { n++; if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) s++; else p++ }
		/^not ok / { n++; f++ }
		END {
			if (skipall) { s++ } else if (!planned || plan != n) { f++ }
			print p + 0, f + 0, s + 0, n + 0
		}' "$log")
	p=$1 f=$2 s=$3 n=$4
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	if [ "$f" -eq 0 ]; then
		echo "ok - $name: $p passed, $s skipped of $n points"
	else
		grep '^not ok' "$log" | head -10
		echo "not ok - $name: $f failed (exit status $rc; log: $log)"
	fi
}

step "wine: unit tests"
export top_srcdir="$src" top_builddir="$dir"
for t in "$dir"/tests/*/test-*.exe; do
	[ -f "$t" ] || continue
	tap_run "${t#"$dir"/}" "${t%.exe}.wine.log" "$t"
done
for t in "$dir"/tests/fuzz/replay-*.exe; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .exe)
	tap_run "tests/fuzz/$name.exe" "${t%.exe}.wine.log" "$t" \
		"$src/tests/fuzz/corpus/${name#replay-}"
done

# ---- smoke test of dfuse-util.exe -----------------------------------------------
step "wine: dfuse-util.exe"
exe=$dir/dfuse-util.exe
out=$dir/smoke.out
err=$dir/smoke.err
expect() { # what, exit status wanted, grep pattern for stdout+stderr, arguments...
	what=$1 want=$2 pattern=$3
	shift 3
	run_wine "$exe" "$@" </dev/null >"$out" 2>"$err"
	rc=$?
	if [ "$rc" -eq "$want" ] && cat "$out" "$err" | grep -q -e "$pattern"; then
		passed "$what"
	else
		failed "$what (exit status $rc, wanted $want; output:)"
		cat "$out" "$err" | head -5
	fi
}
expect "-V prints the version" 0 "^dfuse-util [0-9]" -V
expect "-h prints the usage" 0 "^Usage: dfuse-util" -h
expect "a bad -s exits 64 without a device" 64 "unknown modifier 'f'" \
	-a 0 -s 0x08000000:f -D fw.bin
expect "-D of a missing file exits 66" 66 "cannot open /nonexistent/fw.bin" \
	-a 0 -D /nonexistent/fw.bin

# A 700-byte image with CR LF and 0x1A (text mode's end of file) bytes, ending
# in a DFU suffix whose CRC is wrong on purpose: the error names the CRC of
# every byte read, so -D - must report the same one as -D FILE, which the CRT
# opens in binary mode. A text-mode stdin would lose the suffix (no error 65).
img=$dir/binary-stdin.bin
{
	printf 'AB\r\n\032CD\r\n\032\r'
	yes 'dfuse-util binary stdin' | head -c 673
	printf '\377\377\377\377\377\377\000\001UFD\020\000\000\000\000'
} >"$img"
run_wine "$exe" -a 0 -s 0x08000000 -D "$img" </dev/null >"$out" 2>"$err"
from_file=$(sed -n 's/.*DFU suffix CRC mismatch: .*contents give //p' "$err")
run_wine "$exe" -a 0 -s 0x08000000 -D - <"$img" >"$out" 2>"$err"
rc=$?
from_stdin=$(sed -n 's/.*DFU suffix CRC mismatch: .*contents give //p' "$err")
if [ "$(wc -c <"$img")" -eq 700 ] && [ -n "$from_file" ] && [ "$rc" -eq 65 ] &&
	[ "$from_stdin" = "$from_file" ]; then
	passed "-D - reads binary input whole (700 bytes with CR LF and 0x1A: CRC $from_stdin)"
else
	failed "-D - reads binary input whole (exit status $rc; CRC from the file" \
		"'$from_file', from stdin '$from_stdin')"
	cat "$err"
fi

finish
