# SPDX-License-Identifier: GPL-2.0-or-later
# The simulated STM32 bootloader (model + chips) and the in-memory transport,
# as one library that unit tests and the umockdev front end link.

noinst_LIBRARIES += tests/sim/libsimmodel.a
tests_sim_libsimmodel_a_SOURCES = \
	tests/sim/model.c tests/sim/model.h tests/sim/model_priv.h \
	tests/sim/model_usb.c tests/sim/model_dfuse.c tests/sim/model_plain.c \
	tests/sim/model_flash.c tests/sim/model_log.c \
	tests/sim/chips.c tests/sim/chips_2026.c tests/sim/chips_nostrings.c \
	tests/sim/sim_json.c tests/sim/sim_json.h tests/sim/sim_faults.c tests/sim/sim_faults.h \
	tests/sim/sim_profile.c tests/sim/sim_profile.h tests/sim/sim_trace.c tests/sim/sim_trace.h \
	tests/sim/memtransport.c tests/sim/memtransport.h

# The model's own tests: its protocol, and its memory and DfuSe commands;
# the log and the dumps go through the unit tests' scratch directory.
check_PROGRAMS += tests/sim/test-model tests/sim/test-model-flash
TESTS += tests/sim/test-model tests/sim/test-model-flash
tests_sim_test_model_SOURCES = tests/sim/test-model.c tests/sim/test-model.h tests/unit/tap.h
tests_sim_test_model_LDADD = tests/sim/libsimmodel.a tests/unit/libscratch.a
tests_sim_test_model_flash_SOURCES = tests/sim/test-model-flash.c tests/sim/test-model.h \
	tests/unit/tap.h
tests_sim_test_model_flash_LDADD = tests/sim/libsimmodel.a tests/unit/libscratch.a
