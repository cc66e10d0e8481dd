# SPDX-License-Identifier: GPL-2.0-or-later
# The umockdev front end of the simulated DfuSe device (dfuse-sim) and the
# shell tests that hold the device model to Debian's dfu-util.

if HAVE_UMOCKDEV
# Built by plain `make`: the README demo and the e2e tests run it. Installed
# as dfuse-sim (with its page, doc/local.mk) unless configured --without-sim.
# Its sources stay beside the device model they drive, which the unit tests
# link as well (libsimmodel.a): one model, one place.
if INSTALL_SIM
bin_PROGRAMS += tests/sim/dfuse-sim
else
noinst_PROGRAMS += tests/sim/dfuse-sim
endif
tests_sim_dfuse_sim_SOURCES = tests/sim/dfuse-sim.c tests/sim/sim.h tests/sim/sim_bus.c \
	tests/sim/sim_ioctl.c tests/sim/sim_report.c tests/sim/sim_profiles.c tests/sim/sim_replay.c \
	tests/sim/sim_faults.h tests/sim/sim_profile.h
tests_sim_dfuse_sim_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/sim $(UMOCKDEV_CFLAGS) \
	-DSIM_PRELOAD_LIB_DEFAULT='"$(UMOCKDEV_PRELOAD_LIB)"'
tests_sim_dfuse_sim_LDADD = tests/sim/libsimmodel.a $(UMOCKDEV_LIBS)
endif

# Listed either way: without umockdev (no dfuse-sim) they skip and say why.
TESTS += tests/sim/sim-enumerate.sh tests/sim/sim-dfu-util.sh tests/sim/sim-hotplug.sh \
	tests/sim/sim-installed.sh tests/sim/sim-readme-ci.sh
dist_noinst_SCRIPTS += tests/sim/tap.sh tests/sim/sim-lib.sh \
	tests/sim/sim-enumerate.sh tests/sim/sim-dfu-util.sh tests/sim/sim-hotplug.sh \
	tests/sim/sim-installed.sh tests/sim/sim-readme-ci.sh
