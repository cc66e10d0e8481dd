#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark of issue 6 (`make bench`): dfuse-util against Debian's dfu-util
# on the same simulated DfuSe chip (tests/sim/dfuse-sim), scenario by scenario,
# with a fresh device per run; prints the table and the targets met or missed.
#
# Usage: bench/run.sh [BUILDDIR]        (default: the current directory)
# Environment:
#   BENCH_SCALE  --time-scale for every device (default 1: the chips' own timings)
#   BENCH_ONLY   space-separated scenario names to run (default: all; "rack":
#                the rows of bench/rack.sh)
#   BENCH_REPEAT runs of a scenario shorter than 10 s; the median is kept (default 5)
#   BENCH_OUT    keep images, logs, stats and dumps in this directory
#   DFU_UTIL     the reference tool (default: dfu-util on PATH)
# Not a test: nothing here is timed against a limit; it only measures.
set -eu

builddir=$(cd "${1:-.}" && pwd)
sim=$builddir/tests/sim/dfuse-sim
ours=$builddir/dfuse-util
ref=${DFU_UTIL:-dfu-util}
scale=${BENCH_SCALE:-1}
only=${BENCH_ONLY:-}
repeat=${BENCH_REPEAT:-5}
short_ms=10000

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$sim" ] || die "$sim is missing: configure found no umockdev (install libumockdev-dev)"
[ -x "$ours" ] || die "$ours is missing: run make first"
command -v "$ref" >/dev/null 2>&1 || die "$ref not found: install Debian's dfu-util (0.11)"

if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT
	rm -rf "$out"
	mkdir -p "$out"
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/dfuse-bench.XXXXXX")
	trap 'rm -rf "$out"' EXIT
fi
img=$out/img
mkdir -p "$img"
results=$out/results.tsv
: >"$results"

# ---- images ----

blank() { # FILE BYTES: a file of 0xFF
	head -c "$2" /dev/zero | tr '\000' '\377' >"$1"
}
patch_random() { # FILE OFFSET_KIB KIB: overwrite a range with random bytes
	dd if=/dev/urandom of="$1" bs=1024 seek="$2" count="$3" conv=notrunc 2>/dev/null
}

head -c 1048576 /dev/urandom >"$img/full.bin"
# 4 KiB changed inside the 16 KiB sector 1 (0x08004000) and inside the 128 KiB
# sector 6 (0x08040000) of the F4 layout.
cp "$img/full.bin" "$img/chg16k.bin"
patch_random "$img/chg16k.bin" 20 4
cp "$img/full.bin" "$img/chg128k.bin"
patch_random "$img/chg128k.bin" 288 4
# 256 KiB, three quarters 0xFF: 40 KiB of code, 16 KiB of data at the start of
# the first 128 KiB sector, 8 KiB at the very end; 0xFF everywhere between.
blank "$img/gappy.bin" 262144
patch_random "$img/gappy.bin" 0 40
patch_random "$img/gappy.bin" 128 16
patch_random "$img/gappy.bin" 248 8
# A .dfu with three elements in three sector sizes (16, 64 and 128 KiB).
head -c 49152 /dev/urandom >"$img/e1.bin"
head -c 16384 /dev/urandom >"$img/e2.bin"
head -c 65536 /dev/urandom >"$img/e3.bin"
have_pack=false
if command -v dfuse-pack >/dev/null 2>&1 &&
	dfuse-pack -b "0x08000000:$img/e1.bin" -b "0x08010000:$img/e2.bin" \
		-b "0x08040000:$img/e3.bin" "$img/multi.dfu" >/dev/null 2>&1; then
	have_pack=true
fi

# ---- one run ----

stat_get() { # FILE KEY: the value of KEY (the device's counter, or a global one)
	sed -n "s/^[^=]*\\.$2=//p; s/^$2=//p" "$1" | head -n 1
}

# Lateness of every GETSTATUS that follows a busy answer, in microseconds:
# its log time minus (the busy answer's time + the poll timeout announced).
samples() {
	awk '$2 == "GETSTATUS" {
		if (pending) {
			print $1 - due
			pending = 0
		}
		if ($0 ~ /state=dfuDNBUSY/ && match($0, /poll=[0-9]+/)) {
			due = $1 + substr($0, RSTART + 5, RLENGTH - 5) * 1000
			pending = 1
		}
	}' "$@"
}

# Reads numbers; prints "count median max" (0 0 0 when there are none).
summary() {
	sort -n | awk '{ v[NR] = $1 }
	END {
		if (NR == 0) { print "0 0 0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print NR, m, v[NR]
	}'
}

lateness() {
	samples "$1" | summary
}

# once DIR COMMAND...: one fresh device ($chip, preloads $loads), one command.
once() {
	od=$1
	shift
	rm -rf "$od"
	mkdir -p "$od"
	# $loads is a list of options: split on purpose (no spaces in our paths).
	# shellcheck disable=SC2086
	set -- --device "$chip" --strict-timing --time-scale "$scale" $loads \
		--stats "$od/stats" --log "$od/log" --dump "$od/dump" -- "$@"
	rc=0
	(cd "$od" && "$sim" "$@") >"$od/output" 2>&1 || rc=$?
	echo "$rc" >"$od/rc"
}

# run SCENARIO TOOL CHIP "PRELOADS" COMMAND...: one fresh device, one command.
# A run shorter than $short_ms is repeated ($repeat runs in all) and the one
# with the median wall time is kept: on a shared machine a second of noise
# would otherwise decide the ratio of a one-second scenario.
run() {
	scen=$1 tool=$2 chip=$3 loads=$4
	shift 4
	d=$out/$scen/$tool
	once "$d" "$@"
	if [ "$(stat_get "$d/stats" elapsed_ms)" -lt "$short_ms" ] && [ "$repeat" -gt 1 ]; then
		i=2
		while [ "$i" -le "$repeat" ]; do
			once "$d.$i" "$@"
			i=$((i + 1))
		done
		median=$(for r in "$d" "$d".*; do
			printf '%s %s\n' "$(stat_get "$r/stats" elapsed_ms)" "$r"
		done | sort -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
		if [ "$median" != "$d" ]; then
			rm -rf "$d"
			mv "$median" "$d"
		fi
		rm -rf "$d".*
	fi
	rc=$(cat "$d/rc")
	# shellcheck disable=SC2046 # three numbers, split on purpose
	set -- $(lateness "$d/log")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$tool" "$rc" \
		"$(stat_get "$d/stats" elapsed_ms)" "$(stat_get "$d/stats" dfu_requests)" \
		"$(stat_get "$d/stats" bytes_written)" "$(stat_get "$d/stats" device_wait_us)" \
		"$(stat_get "$d/stats" early_polls)" "$1" "$2" "$3" >>"$results"
	printf 'bench: %-10s %-10s rc=%s %s ms\n' "$scen" "$tool" "$rc" \
		"$(stat_get "$d/stats" elapsed_ms)" >&2
}

# same SCENARIO [OTHER]: do dfuse-util and OTHER (default dfu-util) leave the
# same memory? (every alt of the device)
same() {
	if diff -r "$out/$1/dfuse-util/dump" "$out/$1/${2:-dfu-util}/dump" >/dev/null 2>&1; then
		printf '%s\tyes\n' "$1" >>"$out/same.tsv"
	else
		printf '%s\tNO\n' "$1" >>"$out/same.tsv"
	fi
}

want() {
	[ -z "$only" ] && return 0
	case " $only " in *" $1 "*) return 0 ;; esac
	return 1
}

: >"$out/same.tsv"
A=0x08000000
start=$(date +%s)

# Both tools get the same command line where dfu-util has one; dfuse-util adds
# --diff where the scenario is about re-flashing.
if want f4-full; then
	run f4-full dfuse-util f4 "" "$ours" -a 0 -s $A -D "$img/full.bin"
	run f4-full dfu-util f4 "" "$ref" -a 0 -s $A -D "$img/full.bin"
	same f4-full
fi
if want f4-same; then
	run f4-same dfuse-util f4 "--load $img/full.bin@$A" \
		"$ours" -a 0 -s $A -D "$img/full.bin" --diff
	run f4-same dfu-util f4 "--load $img/full.bin@$A" "$ref" -a 0 -s $A -D "$img/full.bin"
	same f4-same
fi
if want f4-chg16k; then
	run f4-chg16k dfuse-util f4 "--load $img/full.bin@$A" \
		"$ours" -a 0 -s $A -D "$img/chg16k.bin" --diff
	run f4-chg16k dfu-util f4 "--load $img/full.bin@$A" \
		"$ref" -a 0 -s $A -D "$img/chg16k.bin"
	same f4-chg16k
fi
if want f4-chg128k; then
	run f4-chg128k dfuse-util f4 "--load $img/full.bin@$A" \
		"$ours" -a 0 -s $A -D "$img/chg128k.bin" --diff
	run f4-chg128k dfu-util f4 "--load $img/full.bin@$A" \
		"$ref" -a 0 -s $A -D "$img/chg128k.bin"
	same f4-chg128k
fi
if want f4-gappy; then
	run f4-gappy dfuse-util f4 "" "$ours" -a 0 -s $A -D "$img/gappy.bin"
	run f4-gappy dfu-util f4 "" "$ref" -a 0 -s $A -D "$img/gappy.bin"
	same f4-gappy
fi
if want f4-dfu3; then
	if $have_pack; then
		run f4-dfu3 dfuse-util f4 "" "$ours" -a 0 -D "$img/multi.dfu"
		run f4-dfu3 dfu-util f4 "" "$ref" -a 0 -D "$img/multi.dfu"
		same f4-dfu3
	else
		echo "bench: f4-dfu3 skipped: dfuse-pack missing or failed" >&2
	fi
fi
if want f4-upload; then
	run f4-upload dfuse-util f4 "--load $img/full.bin@$A" \
		"$ours" -a 0 -s $A:1048576 -U up.bin
	run f4-upload dfu-util f4 "--load $img/full.bin@$A" "$ref" -a 0 -s $A:1048576 -U up.bin
	# An upload changes no memory: what counts is the file each tool wrote.
	if cmp -s "$out/f4-upload/dfuse-util/up.bin" "$img/full.bin" &&
		cmp -s "$out/f4-upload/dfu-util/up.bin" "$img/full.bin"; then
		printf 'f4-upload\tyes\n' >>"$out/same.tsv"
	else
		printf 'f4-upload\tNO\n' >>"$out/same.tsv"
	fi
fi
if want f4-verify; then
	# dfu-util has no verify: its equivalent is a download, an upload, a cmp.
	run f4-verify dfuse-util f4 "" "$ours" -a 0 -s $A -D "$img/full.bin" --verify
	run f4-verify dfu-util f4 "" sh -c "'$ref' -a 0 -s $A -D '$img/full.bin' &&
		'$ref' -a 0 -s $A:1048576 -U rb.bin && cmp '$img/full.bin' rb.bin"
	same f4-verify
fi
if want gd32-full; then
	run gd32-full dfuse-util gd32 "" "$ours" -a 0 -s $A -D "$img/full.bin"
	run gd32-full dfu-util gd32 "" "$ref" -a 0 -s $A -D "$img/full.bin"
	same gd32-full
fi
if want f7-full; then
	run f7-full dfuse-util f7 "" "$ours" -a 0 -s $A -D "$img/full.bin"
	run f7-full dfu-util f7 "" "$ref" -a 0 -s $A -D "$img/full.bin"
	same f7-full
fi
# -s :fast (issue 20): against dfu-util 0.11 without it; then on an F7 that
# STALLs a poll sent before its time and on one that answers dfuDNBUSY three
# more times, each against dfuse-util without :fast ("dfuse-slow").
if want f7-fast; then
	run f7-fast dfuse-util f7 "" "$ours" -a 0 -s $A:fast -D "$img/full.bin"
	run f7-fast dfu-util f7 "" "$ref" -a 0 -s $A -D "$img/full.bin"
	same f7-fast
fi
for sc in f7-stall f7-repeat; do
	want $sc || continue
	faults=--stall-early
	[ $sc = f7-repeat ] && faults="--busy-repeat 3"
	run $sc dfuse-util f7 "$faults" "$ours" -a 0 -s $A:fast -D "$img/full.bin"
	run $sc dfuse-slow f7 "$faults" "$ours" -a 0 -s $A -D "$img/full.bin"
	same $sc dfuse-slow
done
total=$(($(date +%s) - start))

# ---- the table ----

echo "$("$ours" --version 2>/dev/null | head -n 1 || true)" \
	"vs $("$ref" --version 2>/dev/null | head -n 1 || true)," \
	"time scale $scale, strict timing, $total s in all"
awk -F '\t' -v samefile="$out/same.tsv" -v scale="$scale" '
BEGIN {
	while ((getline line < samefile) > 0) {
		split(line, f, "\t")
		same[f[1]] = f[2]
	}
	printf "%-10s %-10s %8s %6s %8s %6s %6s %8s %8s %5s %5s %7s %7s %4s\n",
		"scenario", "tool", "wall s", "reqs", "written", "t/ref", "r/ref",
		"min s", "over s", "over%", "early", "lat med", "lat max", "mem"
}
{
	sc = $1; tool = $2
	if ($3 != 0)
		tool = tool "!" $3
	wall = $4 / 1000; wait = $7 / 1e6
	if ($2 == "dfu-util" || ($2 == "dfuse-slow" && !(sc in rw))) {
		rw[sc] = wall; rr[sc] = $5
	}
	row[NR] = $0
	n = NR
}
END {
	for (i = 1; i <= n; i++) {
		split(row[i], f, "\t")
		sc = f[1]; tool = f[2]
		if (f[3] != 0)
			tool = tool "!" f[3]
		wall = f[4] / 1000; wait = f[7] / 1e6
		tr = "-"; qr = "-"
		if (f[2] == "dfuse-util" && rw[sc] > 0) {
			tr = sprintf("%.3f", wall / rw[sc])
			qr = sprintf("%.3f", f[5] / rr[sc])
		}
		over = wall - wait
		op = wait > 0 ? sprintf("%.0f", 100 * over / wait) : "-"
		printf "%-10s %-10s %8.2f %6d %8d %6s %6s %8.2f %8.2f %5s %5d %7.2f %7.2f %4s\n",
			sc, tool, wall, f[5], f[6], tr, qr, wait, over, op, f[8],
			f[10] / 1000, f[11] / 1000, (sc in same) ? same[sc] : "-"
	}
}' "$results"

# ---- the targets of issue 6 ----

# Poll lateness of dfuse-util pooled over every scenario: one median, not the
# worst of per-scenario medians (an upload has a single busy wait).
# shellcheck disable=SC2046 # three numbers, split on purpose
# :fast polls early on purpose: its scenarios are left out.
set -- $(for f in "$out"/*/dfuse-util/log; do
	case $f in */f7-fast/* | */f7-stall/* | */f7-repeat/*) ;; *) cat "$f" ;; esac
done | samples | summary)
echo
awk -F '\t' -v pooled_n="$1" -v pooled_med="$2" -v pooled_max="$3" '
{ w[$1 "/" $2] = $4; q[$1 "/" $2] = $5; rc[$1 "/" $2] = $3
  if ($1 !~ /^f7-(fast|stall|repeat)$/) e[$2] += $8  # :fast polls early on purpose
  if ($9 > 0) { lm[$1 "/" $2] = $10; lx[$1 "/" $2] = $11 } }
# :fast against dfuse-util without it on the same faulty device: no slower.
function slow(sc, label,   a, b, r) {
	a = sc "/dfuse-util"; b = sc "/dfuse-slow"
	if (!(a in w) || !(b in w) || w[b] == 0) {
		printf "target %-34s not run\n", label
		return
	}
	r = w[a] / w[b]
	printf "target %-34s %.3f of without (limit 1.00): %s\n", label, r,
		(r <= 1.00 && rc[a] == 0) ? "met" : "NOT MET"
}
function ratio(sc, what, lim, label,   a, b, r) {
	a = sc "/dfuse-util"; b = sc "/dfu-util"
	if (!(a in w) || !(b in w) || w[b] == 0) {
		printf "target %-34s not run\n", label
		return
	}
	r = what == "t" ? w[a] / w[b] : q[a] / q[b]
	printf "target %-34s %.3f (limit %.2f): %s\n", label, r, lim,
		(r <= lim && rc[a] == 0) ? "met" : "NOT MET"
}
END {
	ratio("f4-full", "t", 0.90, "F4 1 MiB full flash, time")
	ratio("f4-full", "q", 0.55, "F4 1 MiB full flash, requests")
	ratio("gd32-full", "t", 0.78, "GD32 full flash, time")
	ratio("f4-gappy", "t", 0.80, "256 KiB gappy image, time")
	ratio("f4-same", "t", 0.05, "--diff unchanged 1 MiB, time")
	ratio("f4-chg16k", "t", 0.08, "--diff 4 KiB in a 16 KiB sector")
	ratio("f4-chg128k", "t", 0.20, "--diff 4 KiB in a 128 KiB sector")
	ratio("f7-fast", "t", 0.30, "F7 1 MiB, :fast vs dfu-util, time")
	ratio("f7-full", "t", 1.00, "F7 1 MiB without :fast, time")
	slow("f7-stall", "F7 STALLing early polls, :fast")
	slow("f7-repeat", "F7 repeating dfuDNBUSY, :fast")
	if (("f4-verify/dfuse-util" in w) && ("f4-full/dfuse-util" in w)) {
		r = w["f4-verify/dfuse-util"] / w["f4-full/dfuse-util"] - 1
		printf "target %-34s %+.1f%% (limit +10%%): %s\n", "--verify overhead on F4 full",
			100 * r, r <= 0.10 ? "met" : "NOT MET"
	}
	early = e["dfuse-util"]
	printf "target %-34s %d early, median %.2f ms over %d polls (max %.2f): %s\n",
		"dfuse-util polls never early, med<2ms", early, pooled_med / 1000, pooled_n,
		pooled_max / 1000, (early == 0 && pooled_med < 2000) ? "met" : "NOT MET"
}' "$results"
if grep -q 'NO$' "$out/same.tsv"; then
	echo "target identical memory in every scenario       NOT MET:" \
		"$(grep 'NO$' "$out/same.tsv" | cut -f 1 | tr '\n' ' ')"
else
	echo "target identical memory in every scenario       met ($(wc -l <"$out/same.tsv") scenarios)"
fi
[ -n "${BENCH_OUT:-}" ] && echo "bench: logs, stats and dumps in $out" >&2
# The rack rows (issue 13): several boards at once; BENCH_ONLY=rack runs them alone.
if want rack; then
	echo
	BENCH_OUT=${BENCH_OUT:+$out} sh "$(dirname "$0")/rack.sh" "$builddir"
fi
exit 0
