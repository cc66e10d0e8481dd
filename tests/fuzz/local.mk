# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz targets for every parser of outside input. A target NAME has:
#   tests/fuzz/fuzz-NAME.c    LLVMFuzzerTestOneInput() over the parser
#   tests/fuzz/corpus/NAME/   seed inputs, replayed by `make check`
#   tests/fuzz/NAME.dict      libFuzzer dictionary (optional)
# `make check` runs tests/fuzz/replay-NAME: the same entry point behind the
# plain main() of replay.c, which finds corpus/NAME from its own file name, so
# the TESTS entry needs no arguments. With --enable-fuzzing (clang) the
# libFuzzer binary tests/fuzz/fuzz-NAME is built too; run-fuzzers.sh runs them.
# The parser's sources go into the fuzzer itself, not via libdfuse.a, so that
# libFuzzer's coverage instrumentation (-fsanitize=fuzzer) reaches them.
# To add a target: copy one block below, rename, list the sources it needs.

FUZZ_COMPILE_OPTS = $(AM_CFLAGS) -fsanitize=fuzzer
FUZZ_LINK_OPTS = $(AM_LDFLAGS) -fsanitize=fuzzer
# The image model, its readers and writers, which several targets reach.
FUZZ_IMAGE_SOURCES = src/image_pieces.c src/image_rec.c src/image_out.c src/ihex.c src/srec.c \
	src/elf.c src/dfu_file.c src/image.c src/image_write.c

EXTRA_DIST += tests/fuzz/corpus tests/fuzz/dfuse-mem.dict tests/fuzz/dfu-file.dict
dist_noinst_SCRIPTS += tests/fuzz/run-fuzzers.sh

# dfuse-mem: layout strings (dfuse_mem.c)
check_PROGRAMS += tests/fuzz/replay-dfuse-mem
TESTS += tests/fuzz/replay-dfuse-mem
tests_fuzz_replay_dfuse_mem_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-dfuse-mem.c
tests_fuzz_replay_dfuse_mem_LDADD = src/libdfuse.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-dfuse-mem
tests_fuzz_fuzz_dfuse_mem_SOURCES = tests/fuzz/fuzz-dfuse-mem.c src/dfuse_mem.c src/error.c
tests_fuzz_fuzz_dfuse_mem_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_dfuse_mem_LDFLAGS = $(FUZZ_LINK_OPTS)
endif

# dfu-file: .dfu/.bin files and the DFU suffix (dfu_file.c)
check_PROGRAMS += tests/fuzz/replay-dfu-file
TESTS += tests/fuzz/replay-dfu-file
tests_fuzz_replay_dfu_file_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-dfu-file.c
tests_fuzz_replay_dfu_file_LDADD = src/libdfuse.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-dfu-file
tests_fuzz_fuzz_dfu_file_SOURCES = tests/fuzz/fuzz-dfu-file.c src/dfu_file.c src/error.c
tests_fuzz_fuzz_dfu_file_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_dfu_file_LDFLAGS = $(FUZZ_LINK_OPTS)
endif

# options: the command line, -s, -d and numbers (options.c, opt_table.c, opt_values.c)
EXTRA_DIST += tests/fuzz/options.dict
check_PROGRAMS += tests/fuzz/replay-options
TESTS += tests/fuzz/replay-options
tests_fuzz_replay_options_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-options.c
tests_fuzz_replay_options_LDADD = src/libdfuse.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-options
tests_fuzz_fuzz_options_SOURCES = tests/fuzz/fuzz-options.c src/options.c src/opt_table.c \
	src/opt_values.c \
	src/error.c \
	$(FUZZ_IMAGE_SOURCES)
tests_fuzz_fuzz_options_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_options_LDFLAGS = $(FUZZ_LINK_OPTS)
endif

# device: whatever a device answers (functional descriptor, every reply of dfu.c, dfuse.c
# and dfu_plain.c)
check_PROGRAMS += tests/fuzz/replay-device
TESTS += tests/fuzz/replay-device
tests_fuzz_replay_device_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-device.c
tests_fuzz_replay_device_LDADD = src/libdfuse.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-device
tests_fuzz_fuzz_device_SOURCES = tests/fuzz/fuzz-device.c src/dfu.c src/dfu_fast.c \
	src/dfu_plain.c src/dfuse.c src/dfuse_mem.c src/error.c src/transport.c src/ui.c \
	src/device.c src/options.c src/opt_table.c src/opt_values.c \
	src/quirks.c $(FUZZ_IMAGE_SOURCES)
tests_fuzz_fuzz_device_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_device_LDFLAGS = $(FUZZ_LINK_OPTS)
endif

# ihex: Intel HEX (ihex.c), through image_parse() and back through every writer
EXTRA_DIST += tests/fuzz/ihex.dict
check_PROGRAMS += tests/fuzz/replay-ihex
TESTS += tests/fuzz/replay-ihex
tests_fuzz_replay_ihex_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-ihex.c tests/fuzz/fuzz-image.h
tests_fuzz_replay_ihex_LDADD = src/libdfuse.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-ihex
tests_fuzz_fuzz_ihex_SOURCES = tests/fuzz/fuzz-ihex.c tests/fuzz/fuzz-image.h \
	$(FUZZ_IMAGE_SOURCES) src/error.c
tests_fuzz_fuzz_ihex_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_ihex_LDFLAGS = $(FUZZ_LINK_OPTS)
endif

# srec: S-records (srec.c), through image_parse() and back through every writer
EXTRA_DIST += tests/fuzz/srec.dict
check_PROGRAMS += tests/fuzz/replay-srec
TESTS += tests/fuzz/replay-srec
tests_fuzz_replay_srec_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-srec.c tests/fuzz/fuzz-image.h
tests_fuzz_replay_srec_LDADD = src/libdfuse.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-srec
tests_fuzz_fuzz_srec_SOURCES = tests/fuzz/fuzz-srec.c tests/fuzz/fuzz-image.h \
	$(FUZZ_IMAGE_SOURCES) src/error.c
tests_fuzz_fuzz_srec_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_srec_LDFLAGS = $(FUZZ_LINK_OPTS)
endif

# elf: ELF executables (elf.c), through image_parse() and back through every writer
EXTRA_DIST += tests/fuzz/elf.dict
check_PROGRAMS += tests/fuzz/replay-elf
TESTS += tests/fuzz/replay-elf
tests_fuzz_replay_elf_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-elf.c tests/fuzz/fuzz-image.h
tests_fuzz_replay_elf_LDADD = src/libdfuse.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-elf
tests_fuzz_fuzz_elf_SOURCES = tests/fuzz/fuzz-elf.c tests/fuzz/fuzz-image.h \
	$(FUZZ_IMAGE_SOURCES) src/error.c
tests_fuzz_fuzz_elf_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_elf_LDFLAGS = $(FUZZ_LINK_OPTS)
endif

# sim-profile: what users hand dfuse-sim: its JSON reader, the profile keys, the
# fault grammar and --replay's traces (tests/sim/sim_json.c, sim_profile.c,
# sim_faults.c, sim_trace.c)
check_PROGRAMS += tests/fuzz/replay-sim-profile
TESTS += tests/fuzz/replay-sim-profile
tests_fuzz_replay_sim_profile_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-sim-profile.c
tests_fuzz_replay_sim_profile_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/sim
tests_fuzz_replay_sim_profile_LDADD = tests/sim/libsimmodel.a
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-sim-profile
tests_fuzz_fuzz_sim_profile_SOURCES = tests/fuzz/fuzz-sim-profile.c tests/sim/sim_json.c \
	tests/sim/sim_profile.c tests/sim/sim_faults.c tests/sim/sim_trace.c
tests_fuzz_fuzz_sim_profile_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/sim
tests_fuzz_fuzz_sim_profile_CFLAGS = $(FUZZ_COMPILE_OPTS)
tests_fuzz_fuzz_sim_profile_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_sim_profile_LDADD = tests/sim/libsimmodel.a
endif
