# SPDX-License-Identifier: GPL-2.0-or-later
# The command-line parser's unit test (src/options.c), linked against the
# pure library only: no libusb on this link line.

check_PROGRAMS += tests/unit/test-options
TESTS += tests/unit/test-options
tests_unit_test_options_SOURCES = tests/unit/test-options.c tests/unit/tap.h
tests_unit_test_options_LDADD = src/libdfuse.a
