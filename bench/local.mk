# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench`: the benchmark of issue 6 (dfuse-util against Debian's dfu-util
# on the same simulated chip). Not a test: it measures and is in no TESTS list.

bench: all
	UMOCKDEV_PRELOAD_LIB='$(UMOCKDEV_PRELOAD_LIB)' $(SHELL) $(srcdir)/bench/run.sh $(abs_top_builddir)
.PHONY: bench
EXTRA_DIST += bench/run.sh bench/rack.sh bench/README
