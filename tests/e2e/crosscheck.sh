#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# dfuse-util against Debian's dfu-util 0.11 on the same simulated F4: a raw
# download into preloaded flash, a .dfu download and a 1 MiB image must leave
# the same memory after either tool; the request counts of the 1 MiB run are
# printed for comparison.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

command -v dfu-util >/dev/null 2>&1 || skip_all "dfu-util not installed"

plan 13

FLASH=1048576
gen "$WORK/pattern.bin" $FLASH 10

# both NAME SIM-OPTIONS -- ARGS...: the same arguments to dfuse-util (run
# NAME-new) and to dfu-util (run NAME-ref) on fresh, identical devices.
both() {
	both_name=$1
	shift
	both_sim=
	while [ "$1" != -- ]; do
		both_sim="$both_sim $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # the simulator options are single words
	sim "$both_name-new" $both_sim -- "$DFUSE" "$@"
	new_rc=$rc
	[ "$rc" -eq 0 ] || show "$both_name-new"
	# shellcheck disable=SC2086
	sim "$both_name-ref" $both_sim -- dfu-util "$@"
	ref_rc=$rc
	[ "$rc" -eq 0 ] || show "$both_name-ref"
}

# both_ok: both runs of the last `both` exited 0.
both_ok() {
	[ "$new_rc" -eq 0 ] && [ "$ref_rc" -eq 0 ]
}

# 1. Raw download starting mid-sector into preloaded flash.
gen "$WORK/raw.bin" 70000 11
both raw --load "$WORK/pattern.bin@0x08000000" -- -a 0 -s 0x08006000 -D "$WORK/raw.bin"
check "raw download: both tools exit 0" both_ok
check "raw download: the same flash after dfuse-util and after dfu-util" \
	cmp -s "$(mem raw-new)" "$(mem raw-ref)"
cp "$WORK/pattern.bin" "$WORK/want.bin"
erase_range "$WORK/want.bin" 16384 $((131072 - 16384))
put "$WORK/want.bin" 24576 "$WORK/raw.bin"
check "raw download: that flash is the image over sectors 1-4 erased" \
	cmp -s "$WORK/want.bin" "$(mem raw-new)"
check "raw download: both behaved (no early poll, no unerased write)" \
	eval 'clean raw-new && clean raw-ref'

# 2. A .dfu with three elements in separate sectors (dfu-util 0.11 re-erases a
# sector that two elements share, so that case is not compared here).
if command -v dfuse-pack >/dev/null 2>&1; then
	gen "$WORK/e1.bin" 3000 12
	gen "$WORK/e2.bin" 20000 13
	gen "$WORK/e3.bin" 140000 14
	dfuse-pack -b "0x08000000:$WORK/e1.bin" -b "0x08004000:$WORK/e2.bin" \
		-b "0x08020000:$WORK/e3.bin" "$WORK/three.dfu" >"$WORK/pack.out" 2>&1
	both dfu -- -a 0 -D "$WORK/three.dfu"
	check ".dfu download: both tools exit 0" both_ok
	check ".dfu download: the same flash after dfuse-util and after dfu-util" \
		cmp -s "$(mem dfu-new)" "$(mem dfu-ref)"
	blank_file "$WORK/want.bin" $FLASH
	put "$WORK/want.bin" 0 "$WORK/e1.bin"
	put "$WORK/want.bin" 16384 "$WORK/e2.bin"
	put "$WORK/want.bin" 131072 "$WORK/e3.bin"
	check ".dfu download: that flash holds the three elements, 0xFF elsewhere" \
		cmp -s "$WORK/want.bin" "$(mem dfu-new)"
	check ".dfu download: dfuse-util erased each sector once" \
		stat_is dfu-new erases_per_sector_max 1
else
	for t in exit same memory erase; do
		skip ".dfu download: $t" "dfuse-pack not available"
	done
fi

# 3. A 1 MiB image over the whole flash.
both big -- -a 0 -s 0x08000000 -D "$WORK/pattern.bin"
check "1 MiB: both tools exit 0" both_ok
check "1 MiB: the same flash after dfuse-util and after dfu-util" \
	cmp -s "$(mem big-new)" "$(mem big-ref)"
check "1 MiB: that flash is the image" cmp -s "$WORK/pattern.bin" "$(mem big-new)"
check "1 MiB: dfuse-util erased the 12 sectors once each, one pointer for the run" \
	eval 'stat_is big-new erase 12 && stat_is big-new erases_per_sector_max 1 && stat_is big-new set_address 1'
check "1 MiB: both behaved (no early poll, no unerased write)" \
	eval 'clean big-new && clean big-ref'
diag "1 MiB on the F4: dfuse-util $(st big-new dfu_requests) DFU requests" \
	"($(st big-new set_address) set-address, $(st big-new getstatus) GETSTATUS," \
	"$(st big-new elapsed_ms) ms);" \
	"dfu-util $(st big-ref dfu_requests) DFU requests ($(st big-ref set_address) set-address," \
	"$(st big-ref getstatus) GETSTATUS, $(st big-ref elapsed_ms) ms)"
