#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite, as CI runs it: a gcc build with warnings as errors and
# `make check`; a clang build with AddressSanitizer + UndefinedBehaviorSanitizer
# and `make check` again; every libFuzzer target for a bounded time; each file
# of src/ compiled as on macOS, with nothing beyond C11 and POSIX.1-2008. Ends
# with one line "N passed, N failed, N skipped" summed over both builds and the
# POSIX compiles. Also checks the formatting (clang-format) and that
# `make distcheck` passes, without and with --enable-dfu-util-names.
# The builds are out of tree, under BUILD_ROOT, whatever the source tree holds:
# a tree configured in place (README command 1) is built from a clean copy.
# Environment: BUILD_ROOT (default ./_build), FUZZ_SECONDS (default 60; 0 skips).
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build_root=${BUILD_ROOT:-$src/_build}
fuzz_seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-2}
status=0

step() { printf '\n=== %s\n' "$*"; }

# What the suite needs, on a fresh machine too (README command 2 may come first).
if command -v dpkg-query >/dev/null 2>&1; then
	"$src/tests/install-deps.sh" || exit 1
fi
[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh) || exit 1
. "$src/tests/source-tree.sh"
source_tree || exit 1

build() { # name, configure arguments...
	name=$1
	shift
	dir=$build_root/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	step "$name: configure $*"
	(cd "$dir" && "$tree/configure" -q "$@") || return 1
	step "$name: make"
	(cd "$dir" && make -j"$jobs" >make.log 2>&1) || { tail -50 "$dir/make.log"; return 1; }
	step "$name: make check"
	(cd "$dir" && make -j"$jobs" check) || return 1
}

if command -v clang-format >/dev/null 2>&1; then
	step "clang-format: every C file follows .clang-format"
	files=$(cd "$src" && find src tests bench -name '*.[ch]' | sort)
	# shellcheck disable=SC2086 # one word per file name, none has spaces
	(cd "$src" && clang-format --style=file --dry-run --Werror $files) || status=1
fi

if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	step ".editorconfig: no trailing white space in tracked text files"
	if git -C "$src" grep -n -I -E '[[:blank:]]+$' -- . ':!COPYING'; then
		status=1
	fi
fi

# macOS as far as Linux can tell: src/ must not lean on glibc. Without
# _GNU_SOURCE glibc declares only what C11 and POSIX.1-2008 have, so a call
# to anything else is an implicit declaration, and an error.
step "posix: src/*.c with -std=c11 -D_POSIX_C_SOURCE=200809L, no _GNU_SOURCE"
posix_pass=0 posix_fail=0
libusb_cflags=$(pkg-config --cflags libusb-1.0 2>/dev/null)
for f in "$src"/src/*.c; do
	# shellcheck disable=SC2086 # pkg-config's flags are split on purpose
	if gcc -std=c11 -D_POSIX_C_SOURCE=200809L -fsyntax-only -Wall -Wextra \
		-Wno-unused-parameter -Werror -I"$src/src" $libusb_cflags "$f"; then
		posix_pass=$((posix_pass + 1))
	else
		echo "not ok - ${f#"$src"/} needs more than C11 and POSIX.1-2008"
		posix_fail=$((posix_fail + 1))
	fi
done
echo "$posix_pass of $((posix_pass + posix_fail)) files compile with C11 and POSIX.1-2008 only"

build gcc --enable-werror CC=gcc || status=1
step "gcc: make distcheck"
(cd "$build_root/gcc" && make -j"$jobs" distcheck >distcheck.log 2>&1) ||
	{ tail -40 "$build_root/gcc/distcheck.log"; status=1; }
# Again configured with the dfu-util names, which only the install differs in:
# its test alone (the install and uninstall checks of distcheck run anyway).
step "gcc: make distcheck with --enable-dfu-util-names"
(cd "$build_root/gcc" && make -j"$jobs" distcheck TESTS=tests/unit/install.sh \
	DISTCHECK_CONFIGURE_FLAGS=--enable-dfu-util-names >distcheck-names.log 2>&1) ||
	{ tail -40 "$build_root/gcc/distcheck-names.log"; status=1; }
build asan --enable-werror --enable-asan --enable-ubsan --enable-fuzzing CC=clang || status=1

if [ "$fuzz_seconds" -gt 0 ] && [ -x "$src/tests/fuzz/run-fuzzers.sh" ]; then
	step "fuzzing: ${fuzz_seconds}s per target"
	(cd "$build_root/asan" && "$src/tests/fuzz/run-fuzzers.sh" "$fuzz_seconds") || status=1
fi

pass=$posix_pass fail=$posix_fail skip=0
for log in "$build_root"/gcc/test-suite.log "$build_root"/asan/test-suite.log; do
	[ -f "$log" ] || { fail=$((fail + 1)); continue; }
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	x=$(sed -n 's/^# XFAIL: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
	xp=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
	s=$(sed -n 's/^# SKIP: *//p' "$log" | head -1)
	pass=$((pass + ${p:-0} + ${x:-0}))
	fail=$((fail + ${f:-0} + ${e:-0} + ${xp:-0}))
	skip=$((skip + ${s:-0}))
done
[ "$fail" -eq 0 ] || status=1
echo
echo "$pass passed, $fail failed, $skip skipped"
exit $status
