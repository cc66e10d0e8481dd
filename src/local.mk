# SPDX-License-Identifier: GPL-2.0-or-later
# Everything but main.c and usb.c builds into libdfuse.a, which unit tests and
# fuzzers link without libusb: the link line keeps the boundary honest.

noinst_LIBRARIES += src/libdfuse.a
src_libdfuse_a_SOURCES = \
	src/error.c src/error.h src/hexdigit.h \
	src/transport.c src/transport.h \
	src/ui.c src/ui.h \
	src/options.c src/options.h src/opts.h src/opt_table.c src/opt_table.h \
	src/opt_values.c src/opt_values.h \
	src/opt_usage.c src/opt_usage.h \
	src/dfuse_mem.c src/dfuse_mem.h \
	src/dfu_file.c src/dfu_file.h \
	src/image_pieces.c src/image_pieces.h src/image_out.c src/image_out.h \
	src/image_rec.c src/image_rec.h src/ihex.c src/ihex.h src/srec.c src/srec.h \
	src/elf.c src/elf.h src/image.c src/image.h src/image_write.c src/image_write.h \
	src/quirks.c src/quirks.h \
	src/convert.c src/convert.h \
	src/frontend.c src/frontend.h src/fe_suffix.c src/fe_prefix.c src/fe_pack.c \
	src/dfu.c src/dfu.h src/dfu_fast.c src/dfu_fast.h \
	src/dfu_plain.c src/dfu_plain.h \
	src/plain.c src/plain.h \
	src/dfuse.c src/dfuse.h \
	src/device.c src/device.h \
	src/session.c src/session.h \
	src/select.c src/select.h \
	src/outfile.c src/outfile.h src/outpath.c src/outpath.h \
	src/upload.c src/upload.h \
	src/target.c src/target.h \
	src/plan.c src/plan.h \
	src/optbytes.c src/optbytes.h \
	src/download.c src/download.h \
	src/flash.c src/flash.h \
	src/json.c src/json.h \
	src/trace.c src/trace.h \
	src/report.c src/report.h \
	src/rack.c src/rack.h \
	src/ops.c src/ops.h src/compat.h

bin_PROGRAMS += dfuse-util
dfuse_util_SOURCES = src/main.c src/usb.c src/usb.h
dfuse_util_CFLAGS = $(AM_CFLAGS) $(LIBUSB_CFLAGS)
dfuse_util_LDADD = src/libdfuse.a $(LIBUSB_LIBS)

# With --enable-dfu-util-names (or DFU_UTIL_NAMES=yes on make's command line),
# the other programs' names, as links made inside the installed directories
# so that a symbolic link stays relative and $(LN_S)'s fallbacks (a hard link,
# a copy) find their source. The man pages follow the binaries.
dfu_util_names = dfu-util dfu-suffix dfu-prefix dfuse-pack
install-exec-hook:
	@if test "$(DFU_UTIL_NAMES)" = yes; then \
		cd '$(DESTDIR)$(bindir)' || exit 1; \
		for n in $(dfu_util_names); do \
			echo " $(LN_S) dfuse-util$(EXEEXT) $$n$(EXEEXT)"; \
			rm -f "$$n$(EXEEXT)" && $(LN_S) 'dfuse-util$(EXEEXT)' "$$n$(EXEEXT)" || exit 1; \
		done; \
	fi
install-data-hook:
	@if test "$(DFU_UTIL_NAMES)" = yes; then \
		cd '$(DESTDIR)$(man1dir)' || exit 1; \
		for n in $(dfu_util_names); do \
			echo " $(LN_S) dfuse-util.1 $$n.1"; \
			rm -f "$$n.1" && $(LN_S) dfuse-util.1 "$$n.1" || exit 1; \
		done; \
	fi
# What an install with the names left: a symbolic link to dfuse-util (or
# dfuse-util.1) whatever the setting now, and with the setting a hard link or
# copy. Never another program's file (a dfu-util package in the same bindir).
uninstall-hook:
	@for n in $(dfu_util_names); do \
		for f in '$(DESTDIR)$(bindir)'/"$$n$(EXEEXT)" '$(DESTDIR)$(man1dir)'/"$$n.1"; do \
			case $$f in *.1) t=dfuse-util.1 ;; *) t='dfuse-util$(EXEEXT)' ;; esac; \
			if { test -h "$$f" && test "`readlink "$$f"`" = "$$t"; } || \
			   { test "$(DFU_UTIL_NAMES)" = yes && test -f "$$f"; }; then \
				echo " rm -f $$f"; rm -f "$$f"; \
			fi; \
		done; \
	done
