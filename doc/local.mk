# SPDX-License-Identifier: GPL-2.0-or-later
# The manual page (installed), the udev rule (shipped in the tarball for users
# to install by hand) and the test that keeps the page in step with --help.

dist_man1_MANS += doc/dfuse-util.1
EXTRA_DIST += doc/50-dfuse-util.rules

TESTS += tests/unit/man-options.sh
dist_noinst_SCRIPTS += tests/unit/man-options.sh
