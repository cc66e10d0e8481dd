# SPDX-License-Identifier: GPL-2.0-or-later
# Unit tests of the host engine (dfu.c, dfu_plain.c, dfuse.c, ops.c, device.c, plan.c);
# all but test-plan run against the simulated bootloaders on a virtual clock.

check_PROGRAMS += tests/unit/test-dfu tests/unit/test-dfuse tests/unit/test-plan \
	tests/unit/test-plain tests/unit/test-plain-ops tests/unit/test-faults tests/unit/test-compat \
	tests/unit/test-outpath
TESTS += tests/unit/test-dfu tests/unit/test-dfuse tests/unit/test-plan \
	tests/unit/test-plain tests/unit/test-plain-ops tests/unit/test-faults tests/unit/test-compat \
	tests/unit/test-outpath

ENGINE_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/sim -I$(top_srcdir)/tests/unit
ENGINE_TEST_LDADD = tests/unit/libscratch.a src/libdfuse.a tests/sim/libsimmodel.a

# The scratch directory, output capture (POSIX and Windows) and the reading of
# captured text: every engine test, and the model's own (tests/sim/model.mk).
check_LIBRARIES += tests/unit/libscratch.a
tests_unit_libscratch_a_SOURCES = tests/unit/scratch.c tests/unit/scratch.h

# What the tests that run whole command lines share: the simulated bus,
# run() itself, and the test-ops-* helpers.
check_LIBRARIES += tests/unit/libopstest.a
tests_unit_libopstest_a_SOURCES = tests/unit/simbackend.c tests/unit/simbackend.h \
	tests/unit/oprun.c tests/unit/oprun.h tests/unit/ops-test.c tests/unit/ops-test.h
tests_unit_libopstest_a_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
OPS_TEST_LDADD = tests/unit/libopstest.a $(ENGINE_TEST_LDADD)

tests_unit_test_dfu_SOURCES = tests/unit/test-dfu.c tests/unit/tap.h tests/unit/fixture.h
tests_unit_test_dfu_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_dfu_LDADD = $(ENGINE_TEST_LDADD)

tests_unit_test_dfuse_SOURCES = tests/unit/test-dfuse.c tests/unit/tap.h tests/unit/fixture.h
tests_unit_test_dfuse_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_dfuse_LDADD = $(ENGINE_TEST_LDADD)

tests_unit_test_plain_SOURCES = tests/unit/test-plain.c tests/unit/tap.h tests/unit/fixture.h
tests_unit_test_plain_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_plain_LDADD = $(ENGINE_TEST_LDADD)

tests_unit_test_plain_ops_SOURCES = tests/unit/test-plain-ops.c tests/unit/tap.h
tests_unit_test_plain_ops_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_plain_ops_LDADD = $(OPS_TEST_LDADD)

# ops.c and device.c by theme: whole command lines against simulated devices.
check_PROGRAMS += tests/unit/test-ops-download tests/unit/test-ops-upload \
	tests/unit/test-ops-verify tests/unit/test-ops-commands tests/unit/test-ops-select
TESTS += tests/unit/test-ops-download tests/unit/test-ops-upload \
	tests/unit/test-ops-verify tests/unit/test-ops-commands tests/unit/test-ops-select
tests_unit_test_ops_download_SOURCES = tests/unit/test-ops-download.c tests/unit/tap.h
tests_unit_test_ops_download_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_ops_download_LDADD = $(OPS_TEST_LDADD)
tests_unit_test_ops_upload_SOURCES = tests/unit/test-ops-upload.c tests/unit/tap.h
tests_unit_test_ops_upload_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_ops_upload_LDADD = $(OPS_TEST_LDADD)
tests_unit_test_ops_verify_SOURCES = tests/unit/test-ops-verify.c tests/unit/tap.h
tests_unit_test_ops_verify_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_ops_verify_LDADD = $(OPS_TEST_LDADD)
tests_unit_test_ops_commands_SOURCES = tests/unit/test-ops-commands.c tests/unit/tap.h
tests_unit_test_ops_commands_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_ops_commands_LDADD = $(OPS_TEST_LDADD)
tests_unit_test_ops_select_SOURCES = tests/unit/test-ops-select.c tests/unit/tap.h
tests_unit_test_ops_select_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_ops_select_LDADD = $(OPS_TEST_LDADD)

# The download plan is pure: no device model needed.
tests_unit_test_plan_SOURCES = tests/unit/test-plan.c tests/unit/tap.h
tests_unit_test_plan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_plan_LDADD = src/libdfuse.a

# The option-byte check is pure too: one row per family.
check_PROGRAMS += tests/unit/test-optbytes
TESTS += tests/unit/test-optbytes
tests_unit_test_optbytes_SOURCES = tests/unit/test-optbytes.c tests/unit/tap.h
tests_unit_test_optbytes_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_test_optbytes_LDADD = src/libdfuse.a

# --all and --json: several simulated boards on one backend, one thread each.
check_PROGRAMS += tests/unit/test-rack
TESTS += tests/unit/test-rack
tests_unit_test_rack_SOURCES = tests/unit/test-rack.c tests/unit/tap.h
tests_unit_test_rack_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_rack_LDADD = $(OPS_TEST_LDADD)

tests_unit_test_faults_SOURCES = tests/unit/test-faults.c tests/unit/tap.h tests/unit/fixture.h
tests_unit_test_faults_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_faults_LDADD = $(ENGINE_TEST_LDADD)

# What the programs that call dfu-util rely on (bystanders, suffix IDs, raw
# images without -s, dfu-util's wording), over the same simulated bus.
tests_unit_test_compat_SOURCES = tests/unit/test-compat.c tests/unit/tap.h
tests_unit_test_compat_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_compat_LDADD = $(OPS_TEST_LDADD)

# Which output paths a run may write to (outpath.c), in a scratch directory.
tests_unit_test_outpath_SOURCES = tests/unit/test-outpath.c tests/unit/tap.h
tests_unit_test_outpath_CPPFLAGS = $(ENGINE_TEST_CPPFLAGS)
tests_unit_test_outpath_LDADD = tests/unit/libscratch.a src/libdfuse.a
