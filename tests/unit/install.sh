#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install DESTDIR=...` (with prefix=/usr, as a distribution package
# builds) puts the binary, the man page, the udev rule, the bash completion
# and (where umockdev was found) the simulator with its page in their
# conventional places, and nothing else; `make uninstall` takes them
# all away again. The rule and the completion go to the directories configure
# chose (--with-udevrulesdir, --with-bashcompletiondir; "no": not installed).
# TAP output.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/sim/tap.sh"

[ -f "$top_builddir/Makefile" ] || skip_all "no Makefile in $top_builddir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/install.XXXXXX") || exit 1
# shellcheck disable=SC2034,SC2016 # tap.sh runs it at exit
tap_cleanup='rm -rf "$tmp"'
dest=$tmp/root

# A make of its own: not the jobserver of the `make check` that runs this.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$top_builddir" "$@"
}
configured() { # VARIABLE: its value in the Makefile configure wrote
	sed -n "s/^$1 = //p" "$top_builddir/Makefile"
}
rulesdir=$(configured udevrulesdir)
compdir=$(configured bashcompletiondir)
plan 9

mk install DESTDIR="$dest" prefix=/usr >"$tmp/install.log" 2>&1
rc=$?
check "make install DESTDIR=... prefix=/usr exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || diag <"$tmp/install.log"

check "the binary is /usr/bin/dfuse-util and runs" "$dest/usr/bin/dfuse-util" -V
check "the man page is /usr/share/man/man1/dfuse-util.1" \
	cmp -s "$top_srcdir/doc/dfuse-util.1" "$dest/usr/share/man/man1/dfuse-util.1"
want="/usr/bin/dfuse-util /usr/share/man/man1/dfuse-util.1"

case $rulesdir in
no | '')
	skip "the udev rule is in udev's rules.d" "configured without (--with-udevrulesdir=no)"
	;;
*)
	check "the udev rule is $rulesdir/50-dfuse-util.rules (udev's rules.d)" \
		cmp -s "$top_srcdir/doc/50-dfuse-util.rules" "$dest$rulesdir/50-dfuse-util.rules"
	want="$want $rulesdir/50-dfuse-util.rules"
	case $rulesdir in
	*/rules.d) ;;
	*) diag "udevrulesdir $rulesdir does not end in rules.d" ;;
	esac
	;;
esac

case $compdir in
no | '')
	skip "the bash completion is in bash-completion's directory" \
		"configured without (--with-bashcompletiondir=no)"
	;;
*)
	# bash-completion loads a completion by the name of the command.
	check "the bash completion is $compdir/dfuse-util" \
		cmp -s "$top_srcdir/doc/dfuse-util.bash-completion" "$dest$compdir/dfuse-util"
	want="$want $compdir/dfuse-util"
	;;
esac

case $(configured INSTALL_SIM) in
yes)
	check "the simulator is /usr/bin/dfuse-sim with its page dfuse-sim.1" \
		cmp -s "$top_srcdir/doc/dfuse-sim.1" "$dest/usr/share/man/man1/dfuse-sim.1"
	[ -x "$dest/usr/bin/dfuse-sim" ] || diag "/usr/bin/dfuse-sim is missing"
	want="$want /usr/bin/dfuse-sim /usr/share/man/man1/dfuse-sim.1"
	;;
*)
	skip "the simulator is /usr/bin/dfuse-sim with its page" "not configured (no umockdev, or --without-sim)"
	;;
esac

(cd "$dest" && find . -type f | sed 's/^\.//' | sort) >"$tmp/got"
# shellcheck disable=SC2086 # one word per path, none has blanks
printf '%s\n' $want | sort >"$tmp/want"
if cmp -s "$tmp/want" "$tmp/got"; then
	ok "nothing else is installed"
else
	not_ok "nothing else is installed"
	diff "$tmp/want" "$tmp/got" | diag
fi

mk uninstall DESTDIR="$dest" prefix=/usr >"$tmp/uninstall.log" 2>&1
check "make uninstall exits 0" test $? -eq 0
check "make uninstall leaves no file behind" test -z "$(find "$dest" -type f)"
