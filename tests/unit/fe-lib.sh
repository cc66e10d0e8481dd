# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the front-end tests (dfu-suffix, dfu-prefix, dfuse-pack): the
# dfuse-util binary called by those names through symbolic links, and a
# check that runs Debian's dfu-util 0.11 program and ours on copies of the
# same input and compares the exit status and every byte written.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

bin=$(cd "$top_builddir" && pwd)/dfuse-util
[ -x "$bin" ] || skip_all "$bin not built"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/frontends.XXXXXX") || exit 1
# shellcheck disable=SC2034,SC2016 # tap.sh runs it at exit
tap_cleanup='rm -rf "$tmp"'
# The plan comes last (done_testing: the count follows the inputs); a script
# that stops before it still cleans up and fails.
trap tap_finish EXIT
mkdir "$tmp/ours" "$tmp/want" "$tmp/got"
for name in dfu-suffix dfu-prefix dfuse-pack; do
	ln -s "$bin" "$tmp/ours/$name" || exit 1
done

# have_debian NAME: Debian's program NAME is on PATH (the package dfu-util).
have_debian() {
	command -v "$1" >/dev/null 2>&1
}

# same_as_debian DESCRIPTION NAME INPUT FILE ARGS...: copy INPUT to FILE in a
# directory of Debian's and in one of ours, run NAME ARGS... in each, and
# compare the exit statuses and the directories' contents byte for byte.
same_as_debian() {
	desc=$1 name=$2 input=$3 file=$4
	shift 4
	if ! have_debian "$name"; then
		skip "$desc" "Debian's $name is not installed (package dfu-util)"
		return
	fi
	rm -rf "$tmp/want" "$tmp/got"
	mkdir "$tmp/want" "$tmp/got"
	if [ -n "$input" ]; then
		cp "$input" "$tmp/want/$file"
		cp "$input" "$tmp/got/$file"
	fi
	(cd "$tmp/want" && "$name" "$@") >"$tmp/want.out" 2>&1
	want=$?
	(cd "$tmp/got" && "$tmp/ours/$name" "$@") >"$tmp/got.out" 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		not_ok "$desc: exit status"
		diag "got $got, want $want (Debian's $name); ours said:"
		diag <"$tmp/got.out"
		return
	fi
	if ! diff -r "$tmp/want" "$tmp/got" >"$tmp/diff" 2>&1; then
		not_ok "$desc: output files"
		diag "got (ours) and want (Debian's $name) differ:"
		diag <"$tmp/diff"
		for f in "$tmp/want"/*; do
			[ -f "$f" ] || continue
			g="$tmp/got/${f##*/}"
			diag "want ${f##*/}: $(od -A d -t x1 "$f" | head -n 3 | tr '\n' ' ')"
			[ -f "$g" ] && diag "got  ${f##*/}: $(od -A d -t x1 "$g" | head -n 3 | tr '\n' ' ')"
		done
		return
	fi
	ok "$desc (exit $got, same bytes)"
}

# ours_exits DESCRIPTION STATUS NAME INPUT FILE ARGS...: only ours, where it
# is stricter than dfu-util 0.11: exit STATUS, one line naming the program,
# and FILE left as it was.
ours_exits() {
	desc=$1 status=$2 name=$3 input=$4 file=$5
	shift 5
	rm -rf "$tmp/got"
	mkdir "$tmp/got"
	cp "$input" "$tmp/got/$file"
	(cd "$tmp/got" && "$tmp/ours/$name" "$@") >"$tmp/got.out" 2>"$tmp/got.err"
	got=$?
	if [ "$got" != "$status" ]; then
		not_ok "$desc"
		diag "got exit $got, want $status; stderr:"
		diag <"$tmp/got.err"
	elif ! grep -q "^$name: " "$tmp/got.err"; then
		not_ok "$desc"
		diag "got no line starting '$name: ' on stderr, which held:"
		diag <"$tmp/got.err"
	elif ! cmp -s "$input" "$tmp/got/$file"; then
		not_ok "$desc"
		diag "got $file changed, want it untouched"
	else
		ok "$desc (exit $got: $(head -n 1 "$tmp/got.err"))"
	fi
}

# mkbin FILE SIZE [SEED]: SIZE pseudo-random bytes, the same on every run.
mkbin() {
	python3 -c 'import random, sys
random.seed(int(sys.argv[2]))
sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(int(sys.argv[1]))))' \
		"$2" "${3:-1}" >"$1"
}
