# SPDX-License-Identifier: GPL-2.0-or-later
# Unit and interop tests of the two parsers of outside input: the DfuSe
# layout string (dfuse_mem.c) and .dfu/.bin files (dfu_file.c).

check_PROGRAMS += tests/unit/test-dfuse-mem
TESTS += tests/unit/test-dfuse-mem

tests_unit_test_dfuse_mem_SOURCES = tests/unit/test-dfuse-mem.c tests/unit/tap.h
tests_unit_test_dfuse_mem_LDADD = src/libdfuse.a
