# SPDX-License-Identifier: GPL-2.0-or-later
# The one TAP producer of the shell tests: source it, announce the count with
# plan (or end with done_testing), then call ok/not_ok, is, check, skip, diag
# or skip_all. Counts the tests and fails the script if any failed or the
# number run differs from the plan. Set tap_cleanup to a command run at exit.

tap_cleanup=
tap_planned=0
tap_run=0
tap_failed=0

# plan N: announce N tests.
plan() {
	tap_planned=$1
	echo "1..$1"
	trap tap_finish EXIT
}

# skip_all REASON: no test can run here; says why.
skip_all() {
	echo "1..0 # SKIP $*"
	trap - EXIT
	[ -z "$tap_cleanup" ] || eval "$tap_cleanup"
	exit 0
}

# diag TEXT...: a comment line (also each line of stdin when no argument is given).
diag() {
	if [ $# -gt 0 ]; then
		echo "# $*"
	else
		sed 's/^/# /'
	fi
}

# ok DESCRIPTION / not_ok DESCRIPTION: a passed / failed test.
ok() {
	tap_run=$((tap_run + 1))
	echo "ok $tap_run - $*"
}

not_ok() {
	tap_run=$((tap_run + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_run - $*"
}

# skip DESCRIPTION REASON: a planned test that cannot run here.
skip() {
	tap_run=$((tap_run + 1))
	echo "ok $tap_run - $1 # SKIP $2"
}

# is GOT WANT DESCRIPTION: ok if the strings GOT and WANT are equal; shows
# both, line by line, when they differ. Returns non-zero then.
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		printf '%s\n' "$1" | sed "s/^/#          got: /"
		printf '%s\n' "$2" | sed "s/^/#     expected: /"
		return 1
	fi
}

# check DESCRIPTION COMMAND [ARGS...]: ok if COMMAND succeeds.
check() {
	tap_desc=$1
	shift
	if "$@"; then
		ok "$tap_desc"
	else
		not_ok "$tap_desc"
	fi
}

# done_testing: for a script that does not know its count up front: prints the
# plan as the number run so far, then ends the script as tap_finish does.
done_testing() {
	tap_planned=$tap_run
	echo "1..$tap_run"
	tap_finish
}

tap_finish() {
	[ -z "$tap_cleanup" ] || eval "$tap_cleanup"
	if [ "$tap_run" -ne "$tap_planned" ]; then
		echo "# planned $tap_planned tests but ran $tap_run"
		exit 1
	fi
	if [ "$tap_failed" -ne 0 ]; then
		exit 1
	fi
	exit 0
}
