#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Holds doc/dfuse-util.1 to the built binary: every option and every -s
# modifier that `dfuse-util --help` lists has its entry in the man page, and
# the page formats without warnings. The same both ways for the programs it
# is when called dfu-suffix, dfu-prefix or dfuse-pack, whose options have
# their own section. TAP output.

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

# The .It lines of the page, the only place an option is documented; the
# section on dfu-util's other programs documents theirs, not dfuse-util's.
# (An escaped hyphen in a name, "stellaris\-address", is a hyphen.)
awk '/^\.Sh /{ other = /OTHER PROGRAMS/ } !other' "$page" | grep '^\.It ' |
	sed 's/\\-/-/g' >"$tmp/items"

# both_ways PROGRAM OPTS ITEMS: each option of OPTS ("SHORT LONG" rows) has
# an entry among the .It lines in ITEMS, and each entry there is in OPTS.
both_ways() {
	while read -r short long; do
		if [ "$short" = "-" ]; then
			grep -q "^\.It Fl Fl $long\( \|$\)" "$3"
			is $? 0 "$1: --$long has an .It Fl Fl $long entry"
		else
			# The entry documents both spellings: ".It Fl x ... , Fl Fl long".
			grep "^\.It Fl $short\( \|$\)" "$3" |
				grep -q "Fl Fl $long\( \|$\)"
			is $? 0 "$1: -$short and --$long share an .It entry"
		fi
	done <"$2"

	# And the other way: every option the page documents is one --help lists, so
	# the page and the option table (which writes --help) name the same options.
	sed -n -e 's/^\.It Fl Fl \([a-z][a-z-]*\).*/- \1/p' \
		-e 's/^\.It Fl \([A-Za-z]\) .*Fl Fl \([a-z][a-z0-9-]*\).*/\1 \2/p' \
		-e 's/^\.It Fl \([A-Za-z]\)$/\1 -/p' "$3" >"$tmp/documented"
	while read -r short long; do
		grep -qx -e "$short $long" "$2"
		is $? 0 "$1: the page's -$short --$long is an option --help lists"
	done <"$tmp/documented"
}
both_ways dfuse-util "$tmp/opts" "$tmp/items"

# dfu-suffix, dfu-prefix, dfuse-pack: their -h through a link of that name,
# against the .Ss of that name in the section on them.
for name in dfu-suffix dfu-prefix dfuse-pack; do
	ln -s "$(cd "$(dirname "$bin")" && pwd)/dfuse-util" "$tmp/$name"
	"$tmp/$name" -h >"$tmp/help-$name" 2>&1
	is $? 0 "$name -h exits 0"
	sed -n 's/^  -\([A-Za-z]\) --\([a-z][a-z0-9-]*\).*/\1 \2/p' "$tmp/help-$name" \
		>"$tmp/opts-$name"
	awk -v n="$name" '/^\.S[sh] /{ in_ss = ($0 ~ "^\\.Ss " n "( |$)") } in_ss' "$page" |
		grep '^\.It ' | sed 's/\\-/-/g' >"$tmp/items-$name"
	count=$(wc -l <"$tmp/opts-$name")
	[ "$count" -ge 3 ]
	is $? 0 "$name -h lists $count options (at least 3 expected)"
	both_ways "$name" "$tmp/opts-$name" "$tmp/items-$name"
done

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
