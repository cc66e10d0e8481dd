# SPDX-License-Identifier: GPL-2.0-or-later
# Everything but main.c and usb.c builds into libdfuse.a, which unit tests and
# fuzzers link without libusb: the link line keeps the boundary honest.

noinst_LIBRARIES += src/libdfuse.a
src_libdfuse_a_SOURCES = \
	src/error.c src/error.h \
	src/transport.c src/transport.h \
	src/ui.c src/ui.h \
	src/options.c src/options.h src/opt_values.c src/opt_values.h \
	src/dfuse_mem.c src/dfuse_mem.h \
	src/dfu_file.c src/dfu_file.h \
	src/image.c src/image.h src/image_write.c src/ihex.c src/srec.c src/elf.c \
	src/quirks.c src/quirks.h \
	src/convert.c src/convert.h \
	src/frontend.c src/frontend.h src/fe_suffix.c src/fe_prefix.c src/fe_pack.c \
	src/dfu.c src/dfu.h \
	src/dfu_plain.c src/dfu_plain.h \
	src/plain.c src/plain.h \
	src/dfuse.c src/dfuse.h \
	src/device.c src/device.h \
	src/session.c src/session.h \
	src/select.c src/select.h \
	src/outfile.c src/outfile.h \
	src/upload.c src/upload.h \
	src/plan.c src/plan.h \
	src/download.c src/download.h \
	src/flash.c src/flash.h \
	src/json.c src/json.h \
	src/report.c src/report.h \
	src/rack.c src/rack.h \
	src/ops.c src/ops.h src/compat.h

bin_PROGRAMS += dfuse-util
dfuse_util_SOURCES = src/main.c src/usb.c src/usb.h
dfuse_util_CFLAGS = $(AM_CFLAGS) $(LIBUSB_CFLAGS)
dfuse_util_LDADD = src/libdfuse.a $(LIBUSB_LIBS)
