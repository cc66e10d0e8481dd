#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Holds doc/dfuse-sim.1 to the built simulator: every option that
# `dfuse-sim --help` lists has its .It entry, every fault name its .It Cm
# entry in FAULTS, and the page formats without warnings. TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

bin="$top_builddir/tests/sim/dfuse-sim"
page="$top_srcdir/doc/dfuse-sim.1"
[ -x "$bin" ] || skip_all "umockdev not available (tests/sim/dfuse-sim not built)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/man-sim.XXXXXX") || exit 1
# shellcheck disable=SC2034 # tap.sh runs it at exit
tap_cleanup='rm -rf "$tmp"'

"$bin" --help >"$tmp/help" 2>&1
help_rc=$?
# Options: every --word of the help text; faults: "  name[=N]  help" lines.
grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sed 's/^--//' | sort -u >"$tmp/opts"
sed -n 's/^  \([a-z][a-z0-9-]*\)\(=[A-Z]*\)\{0,1\}  .*/\1/p' "$tmp/help" >"$tmp/faults"
grep '^\.It ' "$page" >"$tmp/items"
plan $((3 + $(wc -l <"$tmp/opts") + $(wc -l <"$tmp/faults")))

check "dfuse-sim --help exits 0" test "$help_rc" -eq 0
check "the help text lists at least 20 faults ($(wc -l <"$tmp/faults"))" \
	test "$(wc -l <"$tmp/faults")" -ge 20

while read -r opt; do
	# A fault's own option (--NAME) is documented as the fault NAME.
	if grep -qx "$opt" "$tmp/faults"; then
		check "--$opt is documented as the fault $opt" grep -q "^\.It Cm $opt\( \|$\)" "$tmp/items"
	else
		check "--$opt has an .It entry" grep -q "Fl Fl $opt\( \|$\)" "$tmp/items"
	fi
done <"$tmp/opts"
while read -r f; do
	check "fault $f has an .It Cm $f entry" grep -q "^\.It Cm $f\( \|$\)" "$tmp/items"
done <"$tmp/faults"

if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1
	lint_rc=$?
	lint_by="mandoc -Tlint"
else
	groff -mandoc -ww -z "$page" >"$tmp/lint" 2>&1
	lint_rc=$?
	lint_by="groff -mandoc -ww"
fi
if [ "$lint_rc" -eq 0 ] && [ ! -s "$tmp/lint" ]; then
	ok "$lint_by reports no warnings"
else
	not_ok "$lint_by reports no warnings"
	diag <"$tmp/lint"
fi
