#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Signals and standard streams (issue 19, items 2, 8, 10 and 11): a reader
# that went away never stops a flash halfway (SIGPIPE ignored, the flash
# read back from the simulated device, exit 74 for the lost output);
# SIGTERM and SIGHUP stop a run as Ctrl-C does (one line, no temporary file,
# the report says "interrupted", exit 128+N); output that could not be
# written exits 74; -D - with standard input closed says so.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 not available (pipes, JSON checks)"

plan 15

SIZE=100000
gen "$WORK/fw.bin" $SIZE 61

# Item 2: stdout is a pipe whose reader is gone before the first line (as
# with `| head -1` once head has its line). The helper runs COMMAND so, with
# SIGPIPE at its default action, and exits with its status (128+N when a
# signal killed it).
sim pipe -- python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w)
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)' \
	"$DFUSE" -a 0 -s 0x08000000 -D "$WORK/fw.bin"
check "stdout lost (closed pipe) during -D: exit 74, not killed by SIGPIPE" \
	eval '[ "$rc" -eq 74 ] || { show pipe; false; }'
check "stdout lost during -D: the whole image is in the simulated flash" \
	eval 'head -c $SIZE "$(mem pipe)" | cmp -s - "$WORK/fw.bin" && clean pipe'
check "stdout lost during -D: one line on stderr says the output was lost" \
	one_error pipe "output lost"

# Item 8: SIGTERM and SIGHUP while an upload waits on a busy device (its
# temporary file exists): stop as Ctrl-C does.
# term NAME SIGNAL: upload under the simulator, SIGNAL once its device is busy.
term() {
	rm -f "$WORK/$1.pid"
	mkdir "$WORK/$1"
	(
		sim "$1" --time-scale 1 --busy-repeat 5000 -- \
			sh -c 'echo $$ >"$0"; exec "$@"' "$WORK/$1.pid" \
			"$DFUSE" -a 0 -U "$WORK/$1/out.bin" --json "$WORK/$1.json"
		exit $rc
	) &
	term_job=$!
	# The set-address command is in its busy polls: 10 s at most, however loaded the machine.
	i=0
	while { [ ! -s "$WORK/$1.pid" ] ||
		[ "$(cat "$WORK/$1.log" 2>/dev/null | grep -c GETSTATUS)" -lt 20 ]; } &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -"$2" "$(cat "$WORK/$1.pid")"
	wait $term_job
	rc=$?
}

for s in TERM:143 HUP:129; do
	sig=${s%:*}
	want=${s#*:}
	name=sig$sig
	term $name $sig
	check "SIG$sig during an upload: exit $want (128+N)" \
		eval '[ "$rc" -eq $want ] || { show $name; false; }'
	check "SIG$sig: one error line saying the run was interrupted" \
		eval '[ "$(grep -vc "^dfuse-util: warning:" "$WORK/$name.err")" -eq 1 ] &&
			grep -v "^dfuse-util: warning:" "$WORK/$name.err" |
			grep -q "^dfuse-util: upload: .*interrupted"'
	check "SIG$sig: no file left in the upload's directory (temporary file removed)" \
		eval '[ -z "$(ls -A "$WORK/$name")" ] || { ls -A "$WORK/$name" | diag; false; }'
	check "SIG$sig: the report says interrupted, with exit_code $want" \
		json_holds "$WORK/$name.json" "d['exit_code'] == $want and
			[(x['result'], x['exit_code']) for x in d['devices']] ==
			[('interrupted', $want)]"
done

# Item 10: a listing or --info whose output could not be written exits 74.
if [ -w /dev/full ]; then
	sim full -- sh -c '"$0" -l >/dev/full' "$DFUSE"
	check "-l >/dev/full: exit 74, one line saying the output was lost" \
		eval '[ "$rc" -eq 74 ] && one_error full "output lost"'
	"$DFUSE" --info "$WORK/fw.bin" -s 0x08000000 >/dev/full 2>"$WORK/info.err"
	rc=$?
	check "--info FILE >/dev/full: exit 74" eval '[ "$rc" -eq 74 ]'
else
	skip "-l >/dev/full: exit 74" "no /dev/full"
	skip "--info FILE >/dev/full: exit 74" "no /dev/full"
fi

# Item 11: -D - with standard input closed.
sim noin -- sh -c 'exec "$0" -a 0 -s 0x08000000 -D - <&-' "$DFUSE"
check "-D - with stdin closed: exit 66, one line saying standard input is closed" \
	eval '[ "$rc" -eq 66 ] && one_error noin "standard input is closed" || { show noin; false; }'
is "$(st noin dfu_requests)" 0 "-D - with stdin closed: the device saw no DFU request"
