#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bounded run of every built libFuzzer binary (tests/fuzz/fuzz-NAME), for CI:
#   tests/fuzz/run-fuzzers.sh [SECONDS]     (default 60 each, or $FUZZ_SECONDS)
# Run from the build directory (or set top_builddir). Each fuzzer works on a
# temporary copy of its seed corpus, never the source tree; a crash, leak or
# timeout fails the run and its input is kept under ./fuzz-artifacts/NAME/.

secs=${1:-${FUZZ_SECONDS:-60}}
builddir=${top_builddir:-.}
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
found=0
failed=0

case $secs in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 64
	;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-fuzzers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

for bin in "$builddir"/tests/fuzz/fuzz-*; do
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		continue
	fi
	name=${bin##*/fuzz-}
	name=${name%.exe}
	found=$((found + 1))
	work="$tmp/$name"
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "$srcdir/tests/fuzz/corpus/$name" ]; then
		cp "$srcdir/tests/fuzz/corpus/$name"/* "$work/corpus/" 2>/dev/null
	fi
	set -- -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/"
	if [ -f "$srcdir/tests/fuzz/$name.dict" ]; then
		set -- "$@" -dict="$srcdir/tests/fuzz/$name.dict"
	fi
	echo "run-fuzzers: $name for ${secs}s"
	"$bin" "$@" "$work/corpus" >"$work/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -n "$(find "$work/artifacts" -type f)" ]; then
		failed=$((failed + 1))
		echo "run-fuzzers: $name FAILED (exit $rc); last lines of its log:"
		tail -n 40 "$work/log" | sed 's/^/    /'
		mkdir -p "fuzz-artifacts/$name"
		cp "$work/artifacts"/* "fuzz-artifacts/$name/" 2>/dev/null &&
			echo "run-fuzzers: inputs kept in fuzz-artifacts/$name/"
	else
		echo "run-fuzzers: $name ok: ${execs:-?} executions, ${cov:-cov: ?}," \
			"corpus $(find "$work/corpus" -type f | wc -l) inputs"
	fi
done

if [ "$found" -eq 0 ]; then
	echo "run-fuzzers: no tests/fuzz/fuzz-* binaries in $builddir" \
		"(configure --enable-fuzzing CC=clang, then make)" >&2
	exit 1
fi
echo "run-fuzzers: $found fuzzers, $failed failed"
[ "$failed" -eq 0 ]
