#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dfuse-util --trace and dfuse-sim --replay: each case runs dfuse-util with
# --trace against the model, then the same command line against the replay
# of that trace; the exit status, stdout, stderr, the files written and the
# requests made (the replayed run's own trace, times aside) must be the same.
# Cases: a listing of two boards (DfuSe and plain), a flash with leave, an
# upload, a plain DFU flash, and faults (a STALLed data block, a
# transfer error). Then: a request that differs from the trace is an error
# naming both setups, serials are masked unless asked, an existing trace file
# is never replaced.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

plan 38

gen "$WORK/app.bin" 40000 71
gen "$WORK/other.bin" 40000 72

# run_sim DIR NAME ARGS...: the simulator with ARGS in DIR, output in DIR/NAME.out and
# .err, its status in $rc; once more after umockdev's uevent race (lib.sh's sim()).
run_sim() {
	run_dir=$1
	run_name=$2
	shift 2
	for run_try in 1 2; do
		(cd "$run_dir" && exec "$SIM" "$@") >"$run_dir/$run_name.out" 2>"$run_dir/$run_name.err"
		rc=$?
		[ "$run_try" = 1 ] && [ "$rc" -ne 0 ] &&
			grep -q 'uevent_sender.*Connection refused' "$run_dir/$run_name.err" && continue
		break
	done
}

# requests FILE: a trace without its times, for comparing two runs. Also
# without the looks at the bus and the requests that found the device gone:
# when a board resets off the bus, whether the host sees it gone at its first
# look or at its next request depends on when the hotplug event reaches
# libusb, in the traced run itself.
requests() {
	sed -e 's/"t_us": [0-9]*,//' -e 's/,"dur_us": [0-9]*//' "$1" |
		grep -v -e '"ev": "present"' -e '"result": "nodev"'
}

# same WHAT FILE1 FILE2: ok when equal, else the difference shown.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff "$2" "$3" | head -n 20 | diag
	fi
}

# pair NAME "SIM-OPTIONS" DFUSE-ARGS...: the traced run in NAME.o, the replay in NAME.r;
# 4 checks. $orc is the traced run's exit status.
pair() {
	pair_name=$1
	pair_opts=$2
	shift 2
	o=$WORK/$pair_name.o
	p=$WORK/$pair_name.r
	mkdir -p "$o" "$p"
	cp "$WORK/app.bin" "$o/"
	cp "$WORK/app.bin" "$p/"
	# shellcheck disable=SC2086 # the options are words
	run_sim "$o" run --time-scale "$SCALE" $pair_opts -- \
		"$DFUSE" --trace trace.jsonl --trace-keep-serial "$@"
	orc=$rc
	run_sim "$p" run --replay "$o/trace.jsonl" -- \
		"$DFUSE" --trace trace.jsonl --trace-keep-serial "$@"
	check "$pair_name: the replay exits as the traced run did ($rc, $orc)" test "$rc" = "$orc"
	same "$pair_name: the same stdout" "$o/run.out" "$p/run.out"
	same "$pair_name: the same stderr" "$o/run.err" "$p/run.err"
	requests "$o/trace.jsonl" >"$o/req"
	requests "$p/trace.jsonl" >"$p/req"
	same "$pair_name: the same requests and answers" "$o/req" "$p/req"
}

pair list "--profile f4 --profile maple" -l
check "list: it listed both boards" \
	eval 'grep -q "0483:df11" "$o/run.out" && grep -q "1eaf:0003" "$o/run.out"'

pair leave "" -a 0 -s 0x08000000:leave -D app.bin
check "leave: the traced run flashed and left (exit 0, the leave request in the trace)" \
	eval '[ "$orc" -eq 0 ] && grep -q "\"bRequest\": 1,\"wValue\": [0-9]*,\"wIndex\": 0,\"wLength\": 0," "$o/trace.jsonl"'

pair upload "--load $WORK/app.bin@0x08000000" -a 0 -s 0x08000000:40000 -U up.bin
same "upload: the replay wrote the same file" "$o/up.bin" "$p/up.bin"
check "upload: ... which is the image" cmp -s "$WORK/app.bin" "$o/up.bin"

# Without -R: when the reset after it makes the board leave, whether libusb
# sees it gone at the reset or at the next request depends on when the
# model's unplug lands, in the traced run itself.
pair plain "--profile maple" -a 2 -D app.bin
check "plain: the traced run flashed the plain DFU board" test "$orc" -eq 0

pair stall "--profile f411 --stall-data-block 3" -a 0 -s 0x08000000 -D app.bin
check "stall: the traced run met the STALL and recovered (exit $orc)" \
	eval '[ "$orc" -eq 0 ] && grep -q "\"result\": \"stall\"" "$o/trace.jsonl" &&
		grep -q recovering "$o/run.out"'

pair io "--fail-at 40 --fail-kind io" -a 0 -s 0x08000000 -D app.bin
check "io: the traced run failed on the transfer error (exit $orc)" test "$orc" -ne 0

# The leave case's trace, replayed with another image: the first data block differs.
mkdir -p "$WORK/diff"
cp "$WORK/other.bin" "$WORK/diff/app.bin"
run_sim "$WORK/diff" run --replay "$WORK/leave.o/trace.jsonl" -- \
	"$DFUSE" -a 0 -s 0x08000000:leave -D app.bin
check "a request that differs from the trace: dfuse-sim exits 125 ($rc)" test "$rc" -eq 125
check "... and says which, with the expected and the received setup" \
	grep -Eq '^dfuse-sim: replay: request [0-9]+ of 1-1 differs from the trace \(line [0-9]+\): expected bmRequestType=0x21 bRequest=1 \(DNLOAD\) wValue=2 wIndex=0 wLength=2048, received bmRequestType=0x21 bRequest=1 \(DNLOAD\) wValue=2 wIndex=0 wLength=2048 with other data \(from byte [0-9]+\)$' \
	"$WORK/diff/run.err"
check "... once; and dfuse-util, whose device vanished there, fails" \
	eval '[ "$(grep -c "^dfuse-sim: " "$WORK/diff/run.err")" -eq 1 ] &&
		grep -q "^dfuse-util: .*device disconnected" "$WORK/diff/run.err"'

# Fewer requests than the trace: replaying the flash with -l only.
run_sim "$WORK/diff" short --replay "$WORK/upload.o/trace.jsonl" -- "$DFUSE" -l
check "a command that stops short of the trace: exit 125 ($rc), the request it left" \
	eval '[ "$rc" -eq 125 ] && grep -q "^dfuse-sim: replay: the command ended before the trace of 1-1 did: request 1 (line [0-9]*) was" "$WORK/diff/short.err"'

# Serials are masked unless asked.
mkdir -p "$WORK/mask"
run_sim "$WORK/mask" run --time-scale "$SCALE" -- "$DFUSE" --trace t.jsonl -l
check "without --trace-keep-serial the serial is masked" \
	eval '[ "$rc" -eq 0 ] && ! grep -q 336F38743037 "$WORK/mask/t.jsonl" &&
		grep -q "\"serial\": \"\*\{12\}\"" "$WORK/mask/t.jsonl"'
check "every line of the trace is a JSON object with t_us and ev" \
	eval '[ "$(grep -c "^{\"t_us\": [0-9]*,\"ev\": \"[a-z_]*\",.*}$" "$WORK/mask/t.jsonl")" -eq "$(wc -l <"$WORK/mask/t.jsonl")" ]'
run_sim "$WORK/mask" again --time-scale "$SCALE" -- "$DFUSE" --trace t.jsonl -l
check "an existing trace file is not replaced: exit 73, one line" \
	eval '[ "$rc" -eq 73 ] && [ "$(cat "$WORK/mask/again.err")" = "dfuse-util: --trace t.jsonl already exists; remove it or choose another file name" ]'
