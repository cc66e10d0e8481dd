# SPDX-License-Identifier: GPL-2.0-or-later
# What `make install` puts beside the binary: the manual page, the udev rule
# (into udev's rules directory) and the bash completion (into
# bash-completion's, named after the command); configure finds both
# directories (--with-udevrulesdir, --with-bashcompletiondir). Then the tests
# that keep the page in step with --help, the completion working, and the
# install in its places.

dist_man1_MANS += doc/dfuse-util.1
# The simulator's page goes with the simulator (configure: --without-sim).
EXTRA_DIST += doc/dfuse-sim.1
if INSTALL_SIM
man1_MANS += doc/dfuse-sim.1
endif
EXTRA_DIST += doc/50-dfuse-util.rules doc/dfuse-util.bash-completion

if INSTALL_UDEV_RULE
udevrules_DATA = doc/50-dfuse-util.rules
endif

# bash-completion looks a completion up by the command's name.
if INSTALL_BASH_COMPLETION
install-data-local: install-bash-completion
uninstall-local: uninstall-bash-completion
endif
install-bash-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	$(INSTALL_DATA) '$(srcdir)/doc/dfuse-util.bash-completion' \
		'$(DESTDIR)$(bashcompletiondir)/dfuse-util'
uninstall-bash-completion:
	rm -f '$(DESTDIR)$(bashcompletiondir)/dfuse-util'
.PHONY: install-bash-completion uninstall-bash-completion

# distcheck installs as a normal user under its own prefix: the two
# directories go there too, not into the system's.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-udevrulesdir=$$dc_install_base/lib/udev/rules.d \
	--with-bashcompletiondir=$$dc_install_base/share/bash-completion/completions

TESTS += tests/unit/man-options.sh tests/unit/completion.sh tests/unit/install.sh \
	tests/unit/man-sim.sh
dist_noinst_SCRIPTS += tests/unit/man-options.sh tests/unit/completion.sh tests/unit/install.sh \
	tests/unit/man-sim.sh
