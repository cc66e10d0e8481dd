# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by run-suite.sh and cross-windows.sh. source_tree sets $tree to a
# source tree that builds in their own directories can configure: $src itself,
# unless it is configured in place (the README's first command runs
# ./configure there), since automake then refuses every other build of it. In
# that case the builds use a clean copy made by `make distdir` from the build
# in place, in $build_root/source, and leave the one in place alone.
# Needs $src and $build_root; on failure prints why and returns non-zero.
# shellcheck disable=SC2154 # $src and $build_root come from the caller
source_tree() {
	tree=$src
	[ -f "$src/config.status" ] || return 0
	tree=$build_root/source
	echo "The source tree is configured in place: the builds use a clean copy, $tree"
	mkdir -p "$build_root"
	rm -rf "$tree"
	if ! (cd "$src" && make distdir distdir="$tree") >"$build_root/distdir.log" 2>&1; then
		tail -20 "$build_root/distdir.log"
		echo "make distdir in $src failed" >&2
		return 1
	fi
}
