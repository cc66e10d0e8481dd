# SPDX-License-Identifier: GPL-2.0-or-later
# Shared setup of the dfuse-sim shell tests (source after tap.sh): finds the
# runner and Debian's dfu-util or skips with the reason, makes a scratch
# directory that is removed at exit, and reads the runner's --stats files.

: "${top_builddir:=$(pwd)}"
SIM="$top_builddir/tests/sim/dfuse-sim"
[ -x "$SIM" ] || skip_all "umockdev not available (tests/sim/dfuse-sim not built)"
command -v dfu-util >/dev/null 2>&1 || skip_all "dfu-util not installed"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dfuse-sim-test.XXXXXX") || exit 1
tap_cleanup='rm -rf "$WORK"'
# Poll timeouts at 1/100 of the chips' own: each dfu-util run stays well under a second.
SCALE=0.01

# sim_run OUT ARGS...: "$SIM" ARGS with stdout and stderr in OUT, its exit
# status returned. Run once more when umockdev's uevent sender failed at a
# plug or unplug ("uevent_sender ... Connection refused", a umockdev 0.17
# race that kills the runner), as tests/e2e/lib.sh's sim() does.
sim_run() {
	sim_out=$1
	shift
	"$SIM" "$@" >"$sim_out" 2>&1
	sim_rc=$?
	if [ "$sim_rc" -ne 0 ] && grep -q 'uevent_sender.*Connection refused' "$sim_out"; then
		diag "umockdev's uevent sender failed (exit $sim_rc); running it again"
		"$SIM" "$@" >"$sim_out" 2>&1
		sim_rc=$?
	fi
	return "$sim_rc"
}

# stat_get FILE KEY: the value of KEY in a --stats file (empty if absent).
stat_get() {
	sed -n "s/^$2=//p" "$1"
}

# random FILE BYTES: a file of random bytes.
random() {
	head -c "$2" /dev/urandom >"$1"
}

# blank FILE OFFSET LENGTH: whether that stretch of FILE is all 0xFF (erased flash).
blank() {
	[ "$(tail -c +$(($2 + 1)) "$1" | head -c "$3" | tr -d '\377' | wc -c)" -eq 0 ]
}

# same_at FILE OFFSET REF: whether FILE holds REF's bytes at OFFSET.
same_at() {
	tail -c +$(($2 + 1)) "$1" | head -c "$(wc -c <"$3")" | cmp -s - "$3"
}
