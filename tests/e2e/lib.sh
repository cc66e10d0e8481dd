# SPDX-License-Identifier: GPL-2.0-or-later
# Shared setup of the end-to-end tests (source it first): the real dfuse-util
# through the real libusb against dfuse-sim. Finds the binaries or skips, keeps
# a scratch directory, runs commands under the simulator and reads back its
# dumps and counters, builds deterministic images and expected memory.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

SIM="$top_builddir/tests/sim/dfuse-sim"
DFUSE="$top_builddir/dfuse-util"
[ -x "$SIM" ] || skip_all "umockdev not available (tests/sim/dfuse-sim not built)"
[ -x "$DFUSE" ] || skip_all "dfuse-util not built"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dfuse-e2e.XXXXXX") || exit 1
tap_cleanup='rm -rf "$WORK"'
trap 'rm -rf "$WORK"' EXIT
# Poll timeouts at 1/50 of the chips' own: a 1 MiB F4 erase is about 0.3 s.
SCALE=0.02
F4_FLASH='@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg'

# sim NAME SIM-OPTIONS... -- COMMAND...: runs COMMAND (in $WORK) under the
# simulator; its exit status is $rc, its output $WORK/NAME.out and .err, the
# simulator's files $WORK/NAME.stats, .log and .dump/.
# umockdev 0.17's uevent sender kills the simulator when a client closes its
# event socket just as a device is added or removed (newer umockdev ignores
# that): such a run, which says nothing of our code, is made once more.
sim() {
	sim_name=$1
	shift
	sim_try=1
	while :; do
		rm -rf "$WORK/$sim_name.dump"
		(cd "$WORK" && exec "$SIM" --time-scale "$SCALE" --stats "$WORK/$sim_name.stats" \
			--log "$WORK/$sim_name.log" --dump "$WORK/$sim_name.dump" "$@") \
			>"$WORK/$sim_name.out" 2>"$WORK/$sim_name.err"
		rc=$?
		if [ "$sim_try" -eq 1 ] && [ "$rc" -ne 0 ] &&
			grep -q 'uevent_sender.*Connection refused' "$WORK/$sim_name.err"; then
			diag "$sim_name: umockdev's uevent sender failed (exit $rc); running it again"
			sim_try=2
			continue
		fi
		break
	done
}

# st NAME KEY [LABEL]: a --stats value: of device LABEL, of the first device
# listed when LABEL is omitted, or a global one (elapsed_ms).
st() {
	if [ -n "${3:-}" ]; then
		sed -n "s/^$3\.$2=//p" "$WORK/$1.stats"
	else
		sed -n "s/^\([^=]*\.\)\{0,1\}$2=//p" "$WORK/$1.stats" | head -n 1
	fi
}

# stat_is NAME KEY VALUE [LABEL]: whether that counter has that value.
stat_is() {
	[ "$(st "$1" "$2" "${4:-}")" = "$3" ]
}

# mem NAME [LABEL [ALT [ADDR]]]: the dumped memory of an alt (default: alt 0 at
# 0x08000000 of the first device dumped).
mem() {
	mem_dir="$WORK/$1.dump/${2:-}"
	if [ -z "${2:-}" ]; then
		for mem_dir in "$WORK/$1.dump"/*; do
			break
		done
	fi
	echo "$mem_dir/alt${3:-0}-${4:-0x08000000}.bin"
}

# clean NAME [LABEL]: the host waited as told, never wrote unerased flash and
# never sent a request the state forbids.
clean() {
	stat_is "$1" early_polls 0 "${2:-}" && stat_is "$1" unerased_writes 0 "${2:-}" &&
		stat_is "$1" forbidden 0 "${2:-}"
}

# gen FILE BYTES SEED: deterministic bytes without long runs of one value
# (compressed text), different for each SEED.
gen() {
	seq "$3" 7 $(($3 + 7 * ($2 + 4096))) | gzip -n -1 | tail -c +11 | head -c "$2" >"$1"
	[ "$(wc -c <"$1")" -eq "$2" ] || { echo "gen: short image $1" >&2; exit 1; }
}

# blank_file FILE BYTES: erased flash (0xFF).
blank_file() {
	head -c "$2" /dev/zero | tr '\0' '\377' >"$1"
}

# put FILE OFFSET SRC: SRC's bytes into FILE at OFFSET.
put() {
	dd if="$3" of="$1" bs=65536 seek="$2" oflag=seek_bytes conv=notrunc status=none
}

# erase_range FILE OFFSET BYTES: 0xFF over that stretch of FILE.
erase_range() {
	head -c "$3" /dev/zero | tr '\0' '\377' |
		dd of="$1" bs=65536 seek="$2" oflag=seek_bytes conv=notrunc status=none
}

# blank FILE OFFSET LENGTH: whether that stretch of FILE is all 0xFF.
blank() {
	[ "$(tail -c +$(($2 + 1)) "$1" | head -c "$3" | tr -d '\377' | wc -c)" -eq 0 ]
}

# same_at FILE OFFSET REF: whether FILE holds REF's bytes at OFFSET.
same_at() {
	tail -c +$(($2 + 1)) "$1" | head -c "$(wc -c <"$3")" | cmp -s - "$3"
}

# one_error NAME ERE: stderr of that run is exactly one line, prefixed
# "dfuse-util: ", matching ERE.
one_error() {
	[ "$(wc -l <"$WORK/$1.err")" -eq 1 ] && grep -q '^dfuse-util: ' "$WORK/$1.err" &&
		grep -Eq -- "$2" "$WORK/$1.err"
}

# no_stderr NAME: the run printed nothing on stderr (no warning).
no_stderr() {
	[ ! -s "$WORK/$1.err" ]
}

# now_ms: the wall clock in milliseconds.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# show NAME: the run's exit status and output as diagnostics (after a failure).
show() {
	diag "$1: exit $rc"
	sed 's/^/  out: /' "$WORK/$1.out" | diag
	sed 's/^/  err: /' "$WORK/$1.err" | diag
}

# quiet_ok NAME: the last run (NAME) exited 0 and printed nothing on stderr.
quiet_ok() {
	[ "$rc" -eq 0 ] && no_stderr "$1"
}

# log_after NAME ERE1 ERE2: in that run's device log, a line matching ERE2
# comes after the first line matching ERE1.
log_after() {
	awk -v a="$2" -v b="$3" 'seen && $0 ~ b { found = 1 } $0 ~ a { seen = 1 }
		END { exit !found }' "$WORK/$1.log"
}

# erased NAME: the addresses the device erased, in order, on one line.
erased() {
	sed -n 's/.*EVENT erase addr=\(0x[0-9a-f]*\).*/\1/p' "$WORK/$1.log" | tr '\n' ' ' |
		sed 's/ $//'
}

# json_holds FILE PYTHON-EXPRESSION: the JSON document d in FILE satisfies the
# expression (python3).
json_holds() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2"
}

# json NAME PYTHON-EXPRESSION: true when the expression holds for the document d
# of that run's report (NAME.json), parsed by python3.
json() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ok = eval("(" + sys.argv[2] + ")")
sys.exit(0 if ok else 1)' "$WORK/$1.json" "$2"
}

# hexfile NAME ADDR BYTES: $WORK/NAME.hex, an Intel HEX of $WORK/app.hex (the
# flash image) plus the option bytes BYTES (printf escapes) at ADDR, which
# are also kept raw in $WORK/NAME.ob and as a HEX alone in $WORK/NAME.obhex.
hexfile() {
	printf "$3" >"$WORK/$1.ob"
	objcopy -I binary -O ihex --change-addresses "$2" "$WORK/$1.ob" "$WORK/$1.obhex"
	{ grep -v '^:00000001FF' "$WORK/$1.obhex"; cat "$WORK/app.hex"; } >"$WORK/$1.hex"
}

# hex_written NAME FILE: that run left $WORK/app.bin at 0x08000000 and the
# option bytes of hexfile FILE in alt 1 at 0x1FFFC000.
hex_written() {
	same_at "$(mem "$1")" 0 "$WORK/app.bin" && cmp -s "$WORK/$2.ob" "$(mem "$1" "" 1 0x1fffc000)"
}

# check_eq DESCRIPTION GOT WANT: ok when the two strings are equal; on a
# failure both are shown.
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  $2"
		diag "want: $3"
	fi
}
