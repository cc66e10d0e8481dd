#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completion (doc/dfuse-util.bash-completion) loads in bash and
# completes what `dfuse-util --help` lists (it asks the binary): every
# option, and exactly the -s modifiers after a ':'. Under the simulator (when
# umockdev is there) -a completes the alternate settings that
# `dfuse-util -l` lists. TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

script=$top_srcdir/doc/dfuse-util.bash-completion
bin=$top_builddir/dfuse-util
sim=$top_builddir/tests/sim/dfuse-sim
command -v bash >/dev/null 2>&1 || skip_all "bash is not installed"
[ -x "$bin" ] || skip_all "$bin not built"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/completion.XXXXXX") || exit 1
# shellcheck disable=SC2034,SC2016 # tap.sh runs it at exit
tap_cleanup='rm -rf "$tmp"'

# What the completion offers for the line $1 (the cursor at its end), one
# candidate a line, with dfuse-util found first in the build directory.
cat >"$tmp/complete.bash" <<'EOF'
. "$1" || exit 1
COMP_LINE=$2
COMP_POINT=${#2}
read -r -a COMP_WORDS <<<"$2"
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_dfuse_util
[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}"
EOF
complete_line() {
	PATH="$top_builddir:$PATH" bash "$tmp/complete.bash" "$script" "$1"
}

"$bin" --help >"$tmp/help" 2>&1
sed -n -e 's/^  -\([A-Za-z]\) --\([a-z][a-z-]*\).*/-\1\n--\2/p' \
	-e 's/^  --\([a-z][a-z-]*\).*/--\1/p' "$tmp/help" | sort >"$tmp/opts"
sed -n 's/^        \([a-z][a-z-]*\)  .*/\1/p' "$tmp/help" | sort >"$tmp/mods"
plan 9

if bash -c '. "$1" && complete -p dfuse-util' sh "$script" >"$tmp/loaded" 2>&1 &&
	grep -q -- '-F _dfuse_util dfuse-util$' "$tmp/loaded"; then
	ok "the script loads in bash and registers _dfuse_util for dfuse-util"
else
	not_ok "the script loads in bash and registers _dfuse_util for dfuse-util"
	diag <"$tmp/loaded"
fi

complete_line "dfuse-util -" | sort >"$tmp/got-opts"
check "--help lists $(wc -l <"$tmp/opts") option spellings (at least 40 expected)" \
	test "$(wc -l <"$tmp/opts")" -ge 40
if cmp -s "$tmp/opts" "$tmp/got-opts"; then
	ok "'dfuse-util -' offers exactly the options of --help"
else
	not_ok "'dfuse-util -' offers exactly the options of --help"
	diff "$tmp/opts" "$tmp/got-opts" | diag
fi
check "'dfuse-util --up' offers --upload and --upload-size" \
	test "$(complete_line "dfuse-util --up" | tr '\n' ' ')" = "--upload --upload-size "

complete_line "dfuse-util -a 0 -s 0x08000000:" | sort >"$tmp/got-mods"
if [ -s "$tmp/mods" ] && cmp -s "$tmp/mods" "$tmp/got-mods"; then
	ok "'-s 0x08000000:' offers exactly the modifiers of --help"
else
	not_ok "'-s 0x08000000:' offers exactly the modifiers of --help"
	diff "$tmp/mods" "$tmp/got-mods" | diag
fi
check "'-s 0x08000000:1024:le' offers leave" \
	test "$(complete_line "dfuse-util -s 0x08000000:1024:le")" = "leave"
check "'-s 0x0800' (an address being typed) offers nothing" \
	test -z "$(complete_line "dfuse-util -s 0x0800")"

# -a asks `dfuse-util -l`: under the simulator that is one STM32F4 ROM.
if [ -x "$sim" ]; then
	if (cd "$tmp" && PATH="$top_builddir:$PATH" "$sim" -- bash "$tmp/complete.bash" \
		"$script" "dfuse-util -a ") >"$tmp/alts" 2>"$tmp/alts.err" &&
		[ "$(grep -c '^[0-9]$' "$tmp/alts")" -eq 4 ] &&
		grep -q '^@Internal\\ Flash\\ \\ /0x08000000/' "$tmp/alts"; then
		ok "'-a ' offers the four alt numbers and names of a simulated F4"
	else
		not_ok "'-a ' offers the four alt numbers and names of a simulated F4"
		diag <"$tmp/alts"
		diag <"$tmp/alts.err"
	fi
	(cd "$tmp" && PATH="$top_builddir:$PATH" "$sim" -- bash "$tmp/complete.bash" "$script" "dfuse-util -a @Op") \
		>"$tmp/alts" 2>&1
	check "'-a @Op' offers the option bytes' name, quoted for the shell" \
		test "$(cat "$tmp/alts")" = '@Option\ Bytes\ \ /0x1FFFC000/01\*016\ e'
else
	skip "'-a ' offers the alt numbers and names of a simulated F4" "umockdev not available"
	skip "'-a @Op' offers the option bytes' name" "umockdev not available"
fi
