#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Devices that come and go under dfuse-sim, seen by Debian's dfu-util: a
# run-time device re-enumerating in DFU mode after DETACH + reset, a device
# that appears late, one that leaves the bus, and the testbed's cleanup.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/sim/tap.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/sim/sim-lib.sh"

plan 13

# For sh -c: list quietly until a DFU-mode device shows up (10 s at most: a
# loaded machine may take longer than the re-enumeration delay to plug it
# back), then list once more for the record.
relisted='i=0
while [ $i -lt 100 ] && ! dfu-util -l 2>/dev/null | grep -q "^Found DFU"; do
	sleep 0.1
	i=$((i + 1))
done
dfu-util -l'

# Detach, list while it is away, list after it is back (2 s later: the list
# while away must run inside that window even on a loaded machine, where the
# next process can take hundreds of milliseconds to start).
sim_run "$WORK/re.out" --time-scale "$SCALE" --device runtime --serial HOT1 \
	--reenumerate-after 2000 --stats "$WORK/re.stats" -- sh -c '
	dfu-util -l; echo "== detach"; dfu-util -e; echo "== rc=$?"
	dfu-util -l; echo "== later"; '"$relisted"
check "re-enumeration: the runner exits 0" [ $? -eq 0 ]
sed -n '1,/^== detach/p' "$WORK/re.out" >"$WORK/re.before"
sed -n '/^== rc=/,/^== later/p' "$WORK/re.out" >"$WORK/re.away"
sed -n '/^== later/,$p' "$WORK/re.out" >"$WORK/re.after"
check "before: a run-time device 0483:5740" \
	grep -q 'Found Runtime: \[0483:5740\].*serial="HOT1"' "$WORK/re.before"
check "dfu-util -e detaches it and exits 0" grep -q '^== rc=0' "$WORK/re.away"
check "while away: dfu-util -l finds nothing" [ "$(grep -c '^Found' "$WORK/re.away")" -eq 0 ]
n=$(grep -c 'Found DFU: \[0483:df11\].*path="1-1".*serial="HOT1"' "$WORK/re.after")
check "after 2 s: back in DFU mode as 0483:df11 with its serial, four alts" [ "$n" -eq 4 ]
[ "$n" -eq 4 ] || diag <"$WORK/re.out"
check "after: on a new device number" grep -q 'Found DFU: .*devnum=3,' "$WORK/re.after"
is "$(stat_get "$WORK/re.stats" HOT1.detach)" 1 "the model saw one DETACH"

# --dfu-serial: the DFU-mode device reports another serial.
sim_run "$WORK/ds.out" --time-scale "$SCALE" --device runtime --serial APP7 \
	--dfu-serial BOOT7 --reenumerate-after 50 -- sh -c 'dfu-util -e; '"$relisted"
n=$(grep -c 'Found DFU: \[0483:df11\].*serial="BOOT7"' "$WORK/ds.out")
check "--dfu-serial: the re-enumerated device has the new serial" [ "$n" -eq 4 ]
[ "$n" -eq 4 ] || diag <"$WORK/ds.out"

# A device that appears 500 ms after the command started: dfu-util -w waits for it.
start=$(date +%s%N)
sim_run "$WORK/late.out" --time-scale "$SCALE" --appear-after 500 -- \
	dfu-util -w -a 0 -s 0x08000000:4096 -U "$WORK/late.bin"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
good=false
[ "$rc" -eq 0 ] && [ "$(wc -c <"$WORK/late.bin")" -eq 4096 ] && good=true
check "appear-after 500: dfu-util -w waits and uploads (exit 0, 4096 bytes)" $good
check "appear-after 500: it took at least 500 ms ($ms ms)" [ "$ms" -ge 500 ]
# dfu-util 0.11 lists at once with -w -l (the wait loop is after the list mode's exit).
sim_run "$WORK/wl.out" --appear-after 300 -- sh -c 'dfu-util -w -l; '"$relisted"
check "appear-after 300: dfu-util -w -l does not wait, a later -l sees it" \
	[ "$(grep -c '^Found' "$WORK/wl.out")" -eq 4 ]

# Leave: the device goes off the bus; a second dfu-util no longer finds it; and
# the testbed directory is gone when the runner exits. A real device takes a
# moment to drop off after its leave, and so may the simulated one on a loaded
# machine: list quietly until it is gone (10 s at most), then once for the
# record, which still lists it when it never left.
unlisted='i=0
while [ $i -lt 100 ] && dfu-util -l 2>/dev/null | grep -q "^Found"; do
	sleep 0.1
	i=$((i + 1))
done
dfu-util -l'
random "$WORK/img.bin" 4096
sim_run "$WORK/lv.out" --time-scale "$SCALE" -- sh -c 'echo "dir=$UMOCKDEV_DIR";
	dfu-util -a 0 -s 0x08000000:leave -D "$1"; echo "== rc=$?"; '"$unlisted" sh \
	"$WORK/img.bin"
dir=$(sed -n 's/^dir=//p' "$WORK/lv.out")
good=false
grep -q '^== rc=0' "$WORK/lv.out" && [ "$(grep -c '^Found' "$WORK/lv.out")" -eq 0 ] && good=true
check "leave: download exits 0, then dfu-util -l finds no device" $good
$good || diag <"$WORK/lv.out"
good=false
[ -n "$dir" ] && [ ! -e "$dir" ] && good=true
check "the testbed directory ($dir) is removed at exit" $good
