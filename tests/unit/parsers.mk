# SPDX-License-Identifier: GPL-2.0-or-later
# Unit and interop tests of the parsers of outside input: the DfuSe layout
# string (dfuse_mem.c), .dfu/.bin files (dfu_file.c) and string descriptors
# (device.c).

check_PROGRAMS += tests/unit/test-dfuse-mem tests/unit/test-dfu-file tests/unit/dfu-file-dump \
	tests/unit/test-quirks tests/unit/test-strings
TESTS += tests/unit/test-dfuse-mem tests/unit/test-dfu-file tests/unit/dfu-file-interop.sh \
	tests/unit/test-quirks tests/unit/test-strings

tests_unit_test_dfuse_mem_SOURCES = tests/unit/test-dfuse-mem.c tests/unit/tap.h
tests_unit_test_dfuse_mem_LDADD = src/libdfuse.a

tests_unit_test_dfu_file_SOURCES = tests/unit/test-dfu-file.c tests/unit/tap.h
tests_unit_test_dfu_file_LDADD = src/libdfuse.a

# The quirk table (quirks.c): pure data and its lookup.
tests_unit_test_quirks_SOURCES = tests/unit/test-quirks.c tests/unit/tap.h
tests_unit_test_quirks_LDADD = src/libdfuse.a

# String descriptors as devices send them (dev_string_decode in device.c).
tests_unit_test_strings_SOURCES = tests/unit/test-strings.c tests/unit/tap.h
tests_unit_test_strings_LDADD = src/libdfuse.a

# Prints what dfu_file_parse() found, for dfu-file-interop.sh to compare with
# what Debian's dfuse-pack and dfu-suffix were asked to write.
tests_unit_dfu_file_dump_SOURCES = tests/unit/dfu-file-dump.c
tests_unit_dfu_file_dump_LDADD = src/libdfuse.a

dist_noinst_SCRIPTS += tests/unit/dfu-file-interop.sh

# The image model and its readers and writers (image_pieces.c, image_rec.c, image.c,
# ihex.c, srec.c, elf.c).
check_PROGRAMS += tests/unit/test-image
TESTS += tests/unit/test-image
tests_unit_test_image_SOURCES = tests/unit/test-image.c tests/unit/tap.h
tests_unit_test_image_LDADD = src/libdfuse.a

check_PROGRAMS += tests/unit/test-elf
TESTS += tests/unit/test-elf
tests_unit_test_elf_SOURCES = tests/unit/test-elf.c tests/unit/tap.h
tests_unit_test_elf_LDADD = src/libdfuse.a

check_PROGRAMS += tests/unit/test-image-write
TESTS += tests/unit/test-image-write
tests_unit_test_image_write_SOURCES = tests/unit/test-image-write.c tests/unit/tap.h
tests_unit_test_image_write_LDADD = src/libdfuse.a

# The JSON writer behind --json.
check_PROGRAMS += tests/unit/test-json
TESTS += tests/unit/test-json
tests_unit_test_json_SOURCES = tests/unit/test-json.c tests/unit/tap.h
tests_unit_test_json_LDADD = src/libdfuse.a

# The readers against real toolchain output and a .dfu from another project.
check_PROGRAMS += tests/unit/test-image-fixtures
TESTS += tests/unit/test-image-fixtures
tests_unit_test_image_fixtures_SOURCES = tests/unit/test-image-fixtures.c tests/unit/tap.h
tests_unit_test_image_fixtures_LDADD = src/libdfuse.a
EXTRA_DIST += tests/fixtures

# --info and --convert through the real binary, cross-checked with srec_cat.
TESTS += tests/unit/image-cli.sh
dist_noinst_SCRIPTS += tests/unit/image-cli.sh
