#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Holds doc/dfuse-util.1 to the built binary: every option and every -s
# modifier that `dfuse-util --help` lists has its entry in the man page, and
# the page formats without warnings. TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

bin=$top_builddir/dfuse-util
page=$top_srcdir/doc/dfuse-util.1

[ -x "$bin" ] || skip_all "$bin not built"
if [ ! -r "$page" ]; then
	echo "Bail out! $page is missing"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/man-options.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

"$bin" --help >"$tmp/help" 2>"$tmp/help.err"
is $? 0 "dfuse-util --help exits 0"

# Option lines: "  -x --long ..." or, without a short letter, "  --long ...".
# Each row written to opts is "SHORT LONG", with "-" for no short letter.
sed -n -e 's/^  -\([A-Za-z]\) --\([a-z][a-z-]*\).*/\1 \2/p' \
	-e 's/^  --\([a-z][a-z-]*\).*/- \1/p' "$tmp/help" >"$tmp/opts"
# Modifier lines: indented 8 spaces under the -s entry, a lower-case word
# (the LENGTH line is upper case and is not a modifier).
sed -n 's/^        \([a-z][a-z-]*\)  .*/\1/p' "$tmp/help" >"$tmp/mods"

count=$(wc -l <"$tmp/opts")
[ "$count" -ge 20 ]
is $? 0 "the help text lists $count options (at least 20 expected)"
count=$(wc -l <"$tmp/mods")
[ "$count" -ge 5 ]
is $? 0 "the help text lists $count -s modifiers (at least 5 expected)"

# The .It lines of the page, the only place an option is documented.
grep '^\.It ' "$page" >"$tmp/items"

while read -r short long; do
	if [ "$short" = "-" ]; then
		grep -q "^\.It Fl Fl $long\( \|$\)" "$tmp/items"
		is $? 0 "--$long has an .It Fl Fl $long entry"
	else
		# The entry documents both spellings: ".It Fl x ... , Fl Fl long".
		grep "^\.It Fl $short\( \|$\)" "$tmp/items" |
			grep -q "Fl Fl $long\( \|$\)"
		is $? 0 "-$short and --$long share an .It entry"
	fi
done <"$tmp/opts"

# And the other way: every option the page documents is one --help lists, so
# the page and the option table (which writes --help) name the same options.
sed -n -e 's/^\.It Fl Fl \([a-z][a-z-]*\).*/- \1/p' \
	-e 's/^\.It Fl \([A-Za-z]\) .*Fl Fl \([a-z][a-z-]*\).*/\1 \2/p' \
	-e 's/^\.It Fl \([A-Za-z]\)$/\1 -/p' "$tmp/items" >"$tmp/documented"
while read -r short long; do
	grep -qx -e "$short $long" "$tmp/opts"
	is $? 0 "the page's -$short --$long is an option --help lists"
done <"$tmp/documented"

while read -r mod; do
	grep -q "^\.It Cm $mod$" "$tmp/items"
	is $? 0 "modifier $mod has an .It Cm $mod entry"
done <"$tmp/mods"

# The page itself formats cleanly: mandoc's linter if installed, else groff
# with all warnings enabled.
if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ ! -s "$tmp/lint" ]
	is $? 0 "mandoc -Tlint reports no warnings"
	sed 's/^/# /' "$tmp/lint"
elif command -v groff >/dev/null 2>&1; then
	groff -mandoc -ww -z "$page" >"$tmp/lint" 2>&1
	rc=$?
	[ "$rc" = 0 ] && [ ! -s "$tmp/lint" ]
	is $? 0 "groff -mandoc -ww reports no warnings"
	sed 's/^/# /' "$tmp/lint"
else
	skip "the page lints cleanly" "neither mandoc nor groff is installed to lint the page"
fi

done_testing
