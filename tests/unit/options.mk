# SPDX-License-Identifier: GPL-2.0-or-later
# The command-line parser's unit tests (src/options.c, src/opt_values.c),
# linked against the pure library only: no libusb on this link line.

check_PROGRAMS += tests/unit/test-options tests/unit/test-opt-values
TESTS += tests/unit/test-options tests/unit/test-opt-values
tests_unit_test_options_SOURCES = tests/unit/test-options.c tests/unit/describe-opts.h \
	tests/unit/tap.h
tests_unit_test_options_LDADD = src/libdfuse.a
tests_unit_test_opt_values_SOURCES = tests/unit/test-opt-values.c tests/unit/describe-opts.h \
	tests/unit/tap.h
tests_unit_test_opt_values_LDADD = src/libdfuse.a
