#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make install DESTDIR=...` (with prefix=/usr, as a distribution package
# builds) puts the binary, the man page, the udev rule, the bash completion
# and (where umockdev was found) the simulator with its page in their
# conventional places, and nothing else; `make uninstall` takes them
# all away again. The rule and the completion go to the directories configure
# chose (--with-udevrulesdir, --with-bashcompletiondir; "no": not installed).
# With --enable-dfu-util-names, dfu-util, dfu-suffix, dfu-prefix and
# dfuse-pack come as links to the binary (and their pages to its page), and
# they run as those programs; without, none of them is installed. Both ways
# are installed here, the configured one and the other (DFU_UTIL_NAMES=yes
# or no on make's command line), each into a DESTDIR of its own. TAP output.

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
names=$(configured DFU_UTIL_NAMES)
case $names in
yes) other=no ;;
*) other=yes ;;
esac
plan 22

# check_names SETTING DEST: the four names and their pages are there as links
# (or copies) to dfuse-util and run as the front ends, or none is there.
check_names() {
	if [ "$1" != yes ]; then
		found=$(cd "$2" && ls usr/bin/dfu-util usr/bin/dfu-suffix usr/bin/dfu-prefix \
			usr/bin/dfuse-pack 2>/dev/null)
		if [ -z "$found" ]; then ok "names off: none of dfu-util's names is installed"; else
			not_ok "names off: none of dfu-util's names is installed"
			diag "got: $found"
		fi
		found=$(cd "$2/usr/share/man/man1" && ls dfu-util.1 dfu-suffix.1 dfu-prefix.1 \
			dfuse-pack.1 2>/dev/null)
		if [ -z "$found" ]; then ok "names off: none of their man pages is installed"; else
			not_ok "names off: none of their man pages is installed"
			diag "got: $found"
		fi
		return
	fi
	bad=""
	for n in dfu-suffix dfu-prefix; do
		v=$("$2/usr/bin/$n" -V 2>&1 | head -n 1)
		case $v in
		"$n (dfuse-util) "*) ;;
		*) bad="$bad $n:'$v'" ;;
		esac
	done
	# dfuse-pack has no -V (neither has dfu-util's): its help names it.
	v=$("$2/usr/bin/dfuse-pack" -h 2>&1 | head -n 1)
	case $v in
	"Usage: dfuse-pack "*) ;;
	*) bad="$bad dfuse-pack:'$v'" ;;
	esac
	v=$("$2/usr/bin/dfu-util" -V 2>&1 | head -n 1)
	case $v in
	"dfuse-util "*) ;;
	*) bad="$bad dfu-util:'$v'" ;;
	esac
	if [ -z "$bad" ]; then ok "names on: dfu-util, dfu-suffix, dfu-prefix, dfuse-pack run as such"
	else
		not_ok "names on: dfu-util, dfu-suffix, dfu-prefix, dfuse-pack run as such"
		diag "got:$bad"
	fi
	bad=""
	for n in dfu-util dfu-suffix dfu-prefix dfuse-pack; do
		cmp -s "$2/usr/share/man/man1/$n.1" "$top_srcdir/doc/dfuse-util.1" || bad="$bad $n.1"
	done
	if [ -z "$bad" ]; then ok "names on: their man pages are dfuse-util(1)"; else
		not_ok "names on: their man pages are dfuse-util(1)"
		diag "got missing or different:$bad"
	fi
}

# install_check SETTING: install with DFU_UTIL_NAMES=SETTING, check, uninstall.
install_check() {
	dest=$tmp/root-$1
	mk install DESTDIR="$dest" prefix=/usr DFU_UTIL_NAMES="$1" >"$tmp/install.log" 2>&1
	rc=$?
	check "names $1: make install DESTDIR=... prefix=/usr exits 0" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || diag <"$tmp/install.log"

	check "names $1: the binary is /usr/bin/dfuse-util and runs" "$dest/usr/bin/dfuse-util" -V
	check "names $1: the man page is /usr/share/man/man1/dfuse-util.1" \
		cmp -s "$top_srcdir/doc/dfuse-util.1" "$dest/usr/share/man/man1/dfuse-util.1"
	want="/usr/bin/dfuse-util /usr/share/man/man1/dfuse-util.1"
	if [ "$1" = yes ]; then
		for n in dfu-util dfu-suffix dfu-prefix dfuse-pack; do
			want="$want /usr/bin/$n /usr/share/man/man1/$n.1"
		done
	fi

	case $rulesdir in
	no | '')
		skip "names $1: the udev rule is in udev's rules.d" \
			"configured without (--with-udevrulesdir=no)"
		;;
	*)
		check "names $1: the udev rule is $rulesdir/50-dfuse-util.rules (udev's rules.d)" \
			cmp -s "$top_srcdir/doc/50-dfuse-util.rules" \
			"$dest$rulesdir/50-dfuse-util.rules"
		want="$want $rulesdir/50-dfuse-util.rules"
		case $rulesdir in
		*/rules.d) ;;
		*) diag "udevrulesdir $rulesdir does not end in rules.d" ;;
		esac
		;;
	esac

	case $compdir in
	no | '')
		skip "names $1: the bash completion is in bash-completion's directory" \
			"configured without (--with-bashcompletiondir=no)"
		;;
	*)
		# bash-completion loads a completion by the name of the command.
		check "names $1: the bash completion is $compdir/dfuse-util" \
			cmp -s "$top_srcdir/doc/dfuse-util.bash-completion" "$dest$compdir/dfuse-util"
		want="$want $compdir/dfuse-util"
		;;
	esac

	case $(configured INSTALL_SIM) in
	yes)
		check "names $1: the simulator is /usr/bin/dfuse-sim with its page dfuse-sim.1" \
			cmp -s "$top_srcdir/doc/dfuse-sim.1" "$dest/usr/share/man/man1/dfuse-sim.1"
		[ -x "$dest/usr/bin/dfuse-sim" ] || diag "/usr/bin/dfuse-sim is missing"
		want="$want /usr/bin/dfuse-sim /usr/share/man/man1/dfuse-sim.1"
		;;
	*)
		skip "names $1: the simulator is /usr/bin/dfuse-sim with its page" \
			"not configured (no umockdev, or --without-sim)"
		;;
	esac

	check_names "$1" "$dest"

	# Links count: everything but directories.
	(cd "$dest" && find . ! -type d | sed 's/^\.//' | sort) >"$tmp/got"
	# shellcheck disable=SC2086 # one word per path, none has blanks
	printf '%s\n' $want | sort >"$tmp/want"
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "names $1: nothing else is installed"
	else
		not_ok "names $1: nothing else is installed"
		diff "$tmp/want" "$tmp/got" | diag
	fi

	mk uninstall DESTDIR="$dest" prefix=/usr DFU_UTIL_NAMES="$1" >"$tmp/uninstall.log" 2>&1
	check "names $1: make uninstall exits 0" test $? -eq 0
	left=$(find "$dest" ! -type d)
	if [ -z "$left" ]; then ok "names $1: make uninstall leaves nothing behind"; else
		not_ok "names $1: make uninstall leaves nothing behind"
		diag "got: $left"
	fi
}

install_check "${names:-no}"
install_check "$other"
