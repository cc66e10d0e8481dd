#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The rack rows of `make bench` (issue 13): one simulated F4 alone, then 4 and
# 8 at once with --all, four dfu-util processes started in parallel with -S
# for reference (see ref4), and 4 boards of which one vanishes at its 20th
# DNLOAD. 300 KB
# image, the chips' own timings (strict), one run each. Prints a table and
# the targets; run.sh calls it, or run it alone: bench/rack.sh [BUILDDIR].
# Environment: BENCH_SCALE, BENCH_OUT, DFU_UTIL as for run.sh.
# Not a test: it measures and asserts nothing.
set -eu

builddir=$(cd "${1:-.}" && pwd)
sim=$builddir/tests/sim/dfuse-sim
ours=$builddir/dfuse-util
ref=${DFU_UTIL:-dfu-util}
scale=${BENCH_SCALE:-1}
A=0x08000000
SIZE=300000

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$sim" ] || die "$sim is missing: configure found no umockdev (install libumockdev-dev)"
[ -x "$ours" ] || die "$ours is missing: run make first"
command -v python3 >/dev/null 2>&1 || die "python3 not found (reads the --json report)"
have_ref=true
command -v "$ref" >/dev/null 2>&1 || have_ref=false

if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT/rack
	rm -rf "$out"
	mkdir -p "$out"
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/dfuse-bench-rack.XXXXXX")
	trap 'rm -rf "$out"' EXIT
fi
head -c $SIZE /dev/urandom >"$out/fw.bin"
: >"$out/rows.tsv"

stat_get() { # FILE KEY: the first value of KEY (any device's, or the global one)
	sed -n "s/^[^=]*\\.$2=//p; s/^$2=//p" "$1" | head -n 1
}

# devices N [FAIL_LABEL FAIL_AFTER]: --device options for boards B1..BN.
devices() {
	i=1
	while [ "$i" -le "$1" ]; do
		printf ' --device f4 --serial B%s' "$i"
		[ "B$i" != "${2:-}" ] || printf ' --disconnect-after %s' "$3"
		i=$((i + 1))
	done
}

# rack NAME BOARDS DEVICE-OPTIONS -- COMMAND...: one run; the command's own
# CPU time (user+sys, from the shell's times) goes to NAME/cpu.
rack() {
	name=$1 boards=$2
	shift 2
	d=$out/$name
	mkdir -p "$d"
	opts=
	while [ "$1" != "--" ]; do
		opts="$opts $1"
		shift
	done
	shift
	rc=0
	# shellcheck disable=SC2086 # the device options are words on purpose
	(cd "$d" && "$sim" --strict-timing --time-scale "$scale" --stats "$d/stats" \
		--log "$d/log" --dump "$d/dump" $opts -- \
		sh -c '"$@"; rc=$?; times >"$0"; exit $rc' "$d/times" "$@") \
		>"$d/output" 2>&1 || rc=$?
	cpu=$(sed -n 2p "$d/times" | tr 'ms' '  ' |
		awk '{ printf "%.2f", $1 * 60 + $2 + $3 * 60 + $4 }')
	good=0
	i=1
	while [ "$i" -le "$boards" ]; do
		if head -c $SIZE "$d/dump/B$i/alt0-$A.bin" 2>/dev/null | cmp -s - "$out/fw.bin"; then
			good=$((good + 1))
		fi
		i=$((i + 1))
	done
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$boards" "$rc" \
		"$(stat_get "$d/stats" elapsed_ms)" "$cpu" "$good" >>"$out/rows.tsv"
	printf 'bench: %-12s rc=%s %s ms\n' "$name" "$rc" "$(stat_get "$d/stats" elapsed_ms)" >&2
}

# ref4: four dfu-util processes started together by a shell loop, -S each.
# umockdev 0.17's preload aborts when several client processes drive one
# simulated bus at once (dfu-util opens every device to read its serial),
# so each process gets a simulator of its own with its one board: a bus
# shared by nobody, which can only favour the reference.
ref4() {
	d=$out/ref4
	mkdir -p "$d"
	t0=$(date +%s%N)
	pids=
	for i in 1 2 3 4; do
		mkdir -p "$d/$i"
		(cd "$d/$i" && "$sim" --strict-timing --time-scale "$scale" --stats "$d/$i/stats" \
			--dump "$d/$i/dump" --device f4 --serial B$i -- \
			"$ref" -S B$i -a 0 -s $A -D "$out/fw.bin") >"$d/$i/output" 2>&1 &
		pids="$pids $!"
	done
	rc=0
	for p in $pids; do
		wait "$p" || rc=$?
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	good=0
	for i in 1 2 3 4; do
		if head -c $SIZE "$d/$i/dump/B$i/alt0-$A.bin" 2>/dev/null | cmp -s - "$out/fw.bin"; then
			good=$((good + 1))
		fi
	done
	printf 'ref4\t4\t%s\t%s\t-\t%s\n' "$rc" "$ms" "$good" >>"$out/rows.tsv"
	printf 'bench: %-12s rc=%s %s ms\n' ref4 "$rc" "$ms" >&2
}

# shellcheck disable=SC2046 # the device options are words on purpose
{
	rack one 1 $(devices 1) -- "$ours" -a 0 -s $A -D "$out/fw.bin"
	rack all4 4 $(devices 4) -- "$ours" --all -a 0 -s $A -D "$out/fw.bin"
	if $have_ref; then
		ref4
	fi
	rack all8 8 $(devices 8) -- "$ours" --all -a 0 -s $A -D "$out/fw.bin"
	# The 20th DNLOAD of a board, counted in the requests of the run alone.
	n20=$(awk '$2 != "EVENT" { n++ } $2 == "DNLOAD" && ++dn == 20 { print n; exit }' \
		"$out/one/log")
	rack fail4 4 $(devices 4 B3 "$n20") -- \
		"$ours" --all -a 0 --json "$out/fail4.json" -s $A -D "$out/fw.bin"
}

echo "dfuse-util --all, 300000 bytes per F4 board, time scale $scale, strict timing, one run each"
printf '%-8s %6s %4s %8s %7s %6s %6s\n' run boards rc "wall s" "cpu s" ratio images
awk -F '\t' '{ if ($1 == "one") one = $4; r[NR] = $0; n = NR }
END {
	for (i = 1; i <= n; i++) {
		split(r[i], f, "\t")
		printf "%-8s %6d %4d %8.2f %7s %6.3f %4d/%d\n", f[1], f[2], f[3], f[4] / 1000,
			f[5], (one > 0 ? f[4] / one : 0), f[6], f[2]
	}
}' "$out/rows.tsv"
echo
python3 - "$out/rows.tsv" "$out/fail4.json" "$n20" <<'EOF'
import json, sys

rows = {}
for line in open(sys.argv[1]):
    name, boards, rc, ms, cpu, good = line.rstrip("\n").split("\t")
    rows[name] = dict(boards=int(boards), rc=int(rc), ms=float(ms), cpu=cpu, good=int(good))


def target(label, value, limit, met):
    print("target %-42s %s (limit %s): %s" % (label, value, limit, "met" if met else "NOT MET"))


one = rows["one"]["ms"]
for name, limit in (("all4", 1.15), ("all8", 1.30)):
    r = rows[name]
    ratio = r["ms"] / one
    target("%d boards --all / one board alone, wall" % r["boards"], "%.3f" % ratio,
           "%.2f" % limit, ratio <= limit and r["rc"] == 0 and r["good"] == r["boards"])
if "ref4" in rows:
    ratio = rows["all4"]["ms"] / rows["ref4"]["ms"]
    target("4 boards --all / 4 parallel dfu-util -S", "%.3f" % ratio, "1.00",
           ratio <= 1.0 and rows["all4"]["rc"] == 0)
else:
    print("target %-42s not run (no dfu-util)" % "4 boards --all / 4 parallel dfu-util -S")
print("cpu    dfuse-util user+sys: 1 board %s s, 4 boards %s s, 8 boards %s s"
      % (rows["one"]["cpu"], rows["all4"]["cpu"], rows["all8"]["cpu"]))
f = rows["fail4"]
doc = json.load(open(sys.argv[2]))
failed = [d for d in doc["devices"] if d["result"] != "ok"]
named = len(failed) == 1 and failed[0]["serial"] == "B3" and failed[0]["error"]
target("B3 gone at its 20th DNLOAD (request %s)" % sys.argv[3],
       "exit %d, %d/3 others hold the image, JSON: %s" % (
           f["rc"], f["good"], "B3: " + failed[0]["error"] if named else "?"),
       "exit != 0, 3/3, B3 named", f["rc"] != 0 and f["good"] == 3 and bool(named))
EOF
[ -n "${BENCH_OUT:-}" ] && echo "bench: rack logs, stats and dumps in $out" >&2
exit 0
