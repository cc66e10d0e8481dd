# SPDX-License-Identifier: GPL-2.0-or-later
# The end-to-end tests: the real dfuse-util through the real libusb against
# simulated DfuSe devices (dfuse-sim), with Debian's dfu-util as the reference.
# Listed either way: without umockdev, lib.sh skips them with the reason.

e2e_tests = \
	tests/e2e/seed.sh \
	tests/e2e/crosscheck.sh \
	tests/e2e/download.sh \
	tests/e2e/protect.sh \
	tests/e2e/errors.sh \
	tests/e2e/select.sh \
	tests/e2e/runtime.sh \
	tests/e2e/upload.sh \
	tests/e2e/dfufile.sh \
	tests/e2e/dryrun.sh \
	tests/e2e/formats.sh \
	tests/e2e/plain.sh \
	tests/e2e/rack.sh \
	tests/e2e/faults.sh \
	tests/e2e/devtrust.sh \
	tests/e2e/optbytes.sh \
	tests/e2e/fieldcases.sh \
	tests/e2e/callers.sh \
	tests/e2e/trace.sh \
	tests/e2e/nostrings.sh \
	tests/e2e/fast.sh \
	tests/e2e/family.sh \
	tests/e2e/quit.sh \
	tests/e2e/outputs.sh \
	tests/e2e/signals.sh \
	tests/e2e/strings.sh
TESTS += $(e2e_tests)
dist_noinst_SCRIPTS += $(e2e_tests) tests/e2e/callers.py
dist_noinst_DATA += tests/e2e/lib.sh
