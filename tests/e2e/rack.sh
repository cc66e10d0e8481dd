#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --all and --json end to end: racks of 4 and 8 simulated F4 boards driven at
# once through the real libusb, one of them disconnecting in the middle of
# its write; every board's memory, the JSON document (parsed by python3),
# the exit status and the per-board prefixed output. Also --json -, -U with
# one file per board, run-time boards detached together, and Ctrl-C.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 not available (JSON checks)"

plan 40

SIZE=100000
gen "$WORK/fw.bin" $SIZE 41

# devices N FAILING: the simulator options for N F4 boards with serials B1..BN,
# board FAILING vanishing at its 100th control request (inside the write).
devices() {
	i=1
	while [ "$i" -le "$1" ]; do
		printf ' --device f4 --serial B%s' "$i"
		[ "$i" -ne "$2" ] || printf ' --disconnect-after 100'
		i=$((i + 1))
	done
}

# holds NAME LABEL: that board's flash starts with the image.
holds() {
	head -c $SIZE "$(mem "$1" "$2")" | cmp -s - "$WORK/fw.bin"
}

# prefixed NAME: every stdout line before the summary table names its board.
prefixed() {
	awk '/^Board / { table = 1; next } table { next }
		/^Running on / { next } !/^\[1-[0-9]+ B[0-9]+\] / { bad = 1 }
		END { exit bad }' "$WORK/$1.out"
}

for n in 4 8; do
	bad=3
	[ "$n" -eq 8 ] && bad=6
	name=rack$n
	# shellcheck disable=SC2046 # the device options are words on purpose
	sim $name $(devices $n $bad) -- \
		"$DFUSE" --all --verify --json "$WORK/$name.json" -s 0x08000000 -D "$WORK/fw.bin"
	check "$n boards, B$bad failing: exit 74, the failed board's error" [ "$rc" -eq 74 ]
	good=1
	i=1
	while [ "$i" -le $n ]; do
		if [ "$i" -ne $bad ]; then
			holds $name B$i && clean $name B$i || good=0
		fi
		i=$((i + 1))
	done
	check "$n boards: the other $((n - 1)) hold the image, host behaved on each" [ $good -eq 1 ]
	check "$n boards: B$bad does not hold the image" eval "! holds $name B$bad"
	check "$n boards: the JSON has $n devices, $((n - 1)) ok and verified" \
		json $name "len(d['devices']) == $n and
			sum(x['result'] == 'ok' and x['verified'] and
			    x['bytes_written'] == $SIZE for x in d['devices']) == $n - 1"
	check "$n boards: the JSON names B$bad, its exit code and its write error" \
		json $name "[(x['serial'], x['exit_code'], x['verified']) for x in d['devices']
			if x['result'] == 'error'] == [('B$bad', 74, False)] and
			'write' in [x for x in d['devices'] if x['serial'] == 'B$bad'][0]['error']"
	# What B$bad took before it vanished: its error names the block that did
	# not go through, its bytes_written the image's bytes up to there, and
	# its flash holds exactly those.
	written=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = [x for x in d["devices"] if x["serial"] == sys.argv[2]][0]
at = int(b["error"].split("write 0x")[1][:8], 16) - 0x08000000
print(b["bytes_written"] if b["bytes_written"] == at else -1)' "$WORK/$name.json" "B$bad" 2>/dev/null)
	check "$n boards: B$bad's bytes_written ($written) is how far it got, and it holds them" \
		eval '[ "${written:--1}" -gt 0 ] && [ "$written" -lt $SIZE ] &&
			head -c "$written" "$(mem $name B$bad)" | cmp -s - "$WORK/fw.bin" -n "$written"'
	check "$n boards: the document's own fields" \
		json $name "d['tool'] == 'dfuse-util' and d['operation'] == 'download' and
			d['file'].endswith('fw.bin') and d['exit_code'] == 74 and
			all(set(x['seconds']) == {'erase', 'write', 'verify', 'read', 'total'}
			    and x['requests'] > 0 for x in d['devices'])"
	check "$n boards: every line names its board" prefixed $name
	check "$n boards: one error line naming B$bad" \
		one_error $name "1 of $n boards failed: \[1-$bad B$bad\] download: write"
	check "$n boards: the summary table has every board" \
		eval "[ \$(grep -c '^\[1-[0-9]* B[0-9]*\] *\(ok\|error (74)\)' '$WORK/$name.out') -eq $n ]"
	[ "$rc" -eq 74 ] || show $name
done

# --json -: the document alone on stdout, the lines for people on stderr.
sim stdout --device f4 --serial S1 --device f4 --serial S2 -- \
	"$DFUSE" --all --json - -s 0x08000000 -D "$WORK/fw.bin"
cp "$WORK/stdout.out" "$WORK/stdout.json"
check "--json -: exit 0" [ "$rc" -eq 0 ]
check "--json -: stdout is one JSON document with both boards" \
	json stdout "sorted(x['serial'] for x in d['devices']) == ['S1', 'S2']"
check "--json -: the board lines went to stderr" \
	grep -q '^\[1-2 S2\] Writing 100000 bytes' "$WORK/stdout.err"

# -U: one file per board from the {serial} placeholder.
gen "$WORK/one.bin" 8192 42
gen "$WORK/two.bin" 8192 43
sim up --device f4 --serial U1 --load "$WORK/one.bin@0x08000000" \
	--device f4 --serial U2 --load "$WORK/two.bin@0x08000000" -- \
	"$DFUSE" --all -s 0x08000000:8192 -U "readout-{serial}.bin"
check "--all -U: exit 0" [ "$rc" -eq 0 ]
check "--all -U: each board's memory in its own file" \
	eval 'cmp -s "$WORK/readout-U1.bin" "$WORK/one.bin" &&
		cmp -s "$WORK/readout-U2.bin" "$WORK/two.bin"'
sim up2 --device f4 --serial U1 -- "$DFUSE" --all -s 0x08000000:8192 -U "readout.bin"
check "--all -U without {serial} or {path}: exit 64" [ "$rc" -eq 64 ]
check "--all -U without {serial} or {path}: one line saying why" \
	one_error up2 "must contain \{serial\} or \{path\}"
check "--all -U without {serial} or {path}: nothing written" [ ! -e "$WORK/readout.bin" ]

# Run-time boards: detached together, each followed back to its DFU-mode self.
sim rt --device runtime --serial R1 --device runtime --serial R2 -- \
	"$DFUSE" --all -d 0483:5740 --json "$WORK/rt.json" -s 0x08000000 -D "$WORK/fw.bin"
check "run-time boards: exit 0" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || show rt
check "run-time boards: both detached, then both found in DFU mode" \
	eval '[ "$(grep -c "Detaching" "$WORK/rt.out")" -eq 2 ] &&
		[ "$(grep -c "Device is in DFU mode after" "$WORK/rt.out")" -eq 2 ]'
check "run-time boards: both detaches came before either board was flashed" \
	eval '[ "$(grep -n -m 1 "Erasing" "$WORK/rt.out" | cut -d: -f1)" -gt \
		"$(grep -n "Detaching" "$WORK/rt.out" | tail -n 1 | cut -d: -f1)" ]'
check "run-time boards: the JSON reports their DFU-mode selves, both ok" \
	json rt "sorted((x['serial'], x['pid'], x['result']) for x in d['devices']) ==
		[('R1', 'df11', 'ok'), ('R2', 'df11', 'ok')]"
check "run-time boards: both hold the image" \
	eval 'holds rt R1 && holds rt R2'

# No filter: a run-time interface is a bystander, left alone.
sim by --device f4 --serial F1 --device runtime --serial R9 -- \
	"$DFUSE" --all -s 0x08000000 -D "$WORK/fw.bin"
check "no filter: only the DFU-mode board runs" \
	eval '[ "$rc" -eq 0 ] && grep -q "^1 board: 1 ok" "$WORK/by.out"'
check "no filter: the run-time device saw no DETACH" stat_is by detach 0 R9

# Ctrl-C: SIGINT while two boards are busy (their own timings, so it lands
# inside the work); each board's current request completes, none starts.
rm -f "$WORK/int.pid"
(
	sim int --device f4 --serial C1 --time-scale 1 --device f4 --serial C2 --time-scale 1 -- \
		sh -c 'echo $$ >"$0"; exec "$@"' "$WORK/int.pid" \
		"$DFUSE" --all --json "$WORK/int.json" -s 0x08000000 -D "$WORK/fw.bin"
	exit $rc
) &
int_job=$!
i=0
while [ ! -s "$WORK/int.pid" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
# Both boards at work: each has had a DNLOAD (the simulator's log is written
# line by line); 10 s at most, however loaded the machine.
i=0
while ! { grep -q '^C1: .* DNLOAD' "$WORK/int.log" && grep -q '^C2: .* DNLOAD' "$WORK/int.log"; } \
	2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$(cat "$WORK/int.pid")"
wait $int_job
rc=$?
check "Ctrl-C: exit 130" [ "$rc" -eq 130 ]
[ "$rc" -eq 130 ] || show int
check "Ctrl-C: the JSON is complete and says both boards were interrupted" \
	json int "[x['result'] for x in d['devices']] == ['interrupted', 'interrupted'] and
		d['exit_code'] == 130"
check "Ctrl-C: one line saying so" one_error int "2 of 2 boards failed or were interrupted"
check "Ctrl-C: neither board holds the image; neither saw a forbidden request" \
	eval '! holds int C1 && ! holds int C2 && stat_is int forbidden 0 C1 && stat_is int forbidden 0 C2'

# -l --json: the listing as usual, and the document of every device.
sim list --device f4 --serial L1 --device f4 --serial L2 -- \
	"$DFUSE" -l --json "$WORK/list.json"
check "-l --json: both devices in the document, listing on stdout" \
	eval '[ "$rc" -eq 0 ] && json list "d[\"operation\"] == \"list\" and
		len(d[\"devices\"]) == 2" && [ "$(grep -c "^Found DFU" "$WORK/list.out")" -eq 8 ]'

tap_finish
