# SPDX-License-Identifier: GPL-2.0-or-later
# The command-line parser's unit tests (src/options.c, src/opt_values.c) and the
# error record they and every module fill (src/error.c), linked
# against the pure library only: no libusb on this link line.

check_PROGRAMS += tests/unit/test-options tests/unit/test-opt-values
TESTS += tests/unit/test-options tests/unit/test-opt-values
tests_unit_test_options_SOURCES = tests/unit/test-options.c tests/unit/describe-opts.h \
	tests/unit/tap.h
tests_unit_test_options_LDADD = src/libdfuse.a
tests_unit_test_opt_values_SOURCES = tests/unit/test-opt-values.c tests/unit/describe-opts.h \
	tests/unit/tap.h
tests_unit_test_opt_values_LDADD = src/libdfuse.a

# Error recording and context (error.c): the length caps and the exit codes.
check_PROGRAMS += tests/unit/test-error
TESTS += tests/unit/test-error
tests_unit_test_error_SOURCES = tests/unit/test-error.c tests/unit/tap.h
tests_unit_test_error_LDADD = src/libdfuse.a
