/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What enumeration found, and the small table of functions through which
 * operations reach the bus (usb.c over libusb; tests over the device model).
 * Matching a device against -d/-S/-p/-n/-c/-i is pure and lives here too.
 */
#ifndef DFUSE_DEVICE_H
#define DFUSE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu.h"
#include "error.h"
#include "options.h"
#include "transport.h"

#define DEV_MAX_ALTS 32

struct dev_alt {
	uint8_t alt;
	/* iInterface string; "UNKNOWN" (as dfu-util lists it) when absent or unread */
	char name[256];
	bool name_unread; /* the device did not deliver that string (name is then "UNKNOWN") */
	bool name_absent; /* iInterface is 0: the device has no such string */
};

/* One DFU interface (class FE, subclass 01) of one device on the bus. */
struct dev_info {
	uint16_t vid, pid, bcdDevice;
	uint8_t busnum, devnum;
	char path[64]; /* "BUS-PORT.PORT..." */
	/*
	 * "UNKNOWN" when the device has none (iSerialNumber 0) or it could not
	 * be read, as dfu-util 0.11 lists it and matches -S against it.
	 */
	char serial[256];
	char product[256];
	/* The device has the string but it could not be read (the text is "UNKNOWN"). */
	bool serial_unreadable, product_unreadable;
	bool serial_absent; /* iSerialNumber is 0: the device has no serial string */
	uint8_t cfg;	    /* bConfigurationValue */
	uint8_t intf;	    /* bInterfaceNumber */
	bool runtime;	    /* bInterfaceProtocol 1: application with a DFU run-time interface */
	bool has_func;	    /* a DFU functional descriptor was found */
	struct dfu_func_desc func;
	uint8_t bMaxPacketSize0;
	size_t nalts;
	struct dev_alt alts[DEV_MAX_ALTS];
	int open_error;	      /* ERR_OK, or why the device could not be opened to read strings */
	char open_msg[160];   /* with open_error: the cause and the device node */
	char open_cause[32];  /* with open_error: the backend's name for it (LIBUSB_ERROR_ACCESS) */
	size_t backend_index; /* the backend's own handle for reopening it */
};

struct dev_backend_ops {
	/*
	 * Scan the bus: every DFU interface of every device. *@list is
	 * malloc'd (caller frees), *@n its length. Returns ERR_OK or ERR_IO.
	 */
	int (*scan)(void *ctx, struct dev_info **list, size_t *n, struct error *err);
	/*
	 * Open @info's device, claim its interface and select @alt. *@tr is a
	 * handle of its own (tr->ctx): several devices may be open at once,
	 * each driven from its own thread, until close(@tr). Returns ERR_OK,
	 * ERR_ACCESS (permissions or a driver holds it: the message names the
	 * device node and the fix), ERR_NOTFOUND (it vanished), ERR_IO.
	 */
	int (*open)(void *ctx, const struct dev_info *info, uint8_t alt, struct transport *tr,
		    struct error *err);
	/* Release the handle open() gave in @tr; @tr is invalid afterwards. */
	void (*close)(void *ctx, struct transport *tr);
	/*
	 * Clock and sleep for waiting on the bus (detach, -w). scan(), open(),
	 * now_us() and sleep_us() may be called from several threads at once.
	 */
	uint64_t (*now_us)(void *ctx);
	void (*sleep_us)(void *ctx, uint64_t us);
};

struct dev_backend {
	const struct dev_backend_ops *ops;
	void *ctx;
};

/*
 * Scan the bus through @be: every DFU interface, in a stable order (bus,
 * device number, interface), so listings and choices do not depend on the
 * backend's. *@list is malloc'd (caller frees). Returns ERR_OK or ERR_IO.
 */
int dev_scan(struct dev_backend be, struct dev_info **list, size_t *n, struct error *err);

/*
 * Does @d pass the user's filters (-d by mode, -S by mode, -p, -n, -c, -i)?
 */
bool dev_matches(const struct opts *o, const struct dev_info *d);

/* The -d IDs as the user would write them ("0483:5740,0483:df11", ",0483:df11"); returns @buf. */
const char *dev_format_ids(const struct opts *o, char *buf, size_t len);

/*
 * Why @d does not pass the filters of dev_matches(): the first that fails,
 * as a phrase into @buf ("" when it passes), e.g. "[0483:5740] (run-time
 * mode) is not -d ,0483:df11, which takes no run-time device" or "serial
 * \"A\" is not -S B". Returns @buf. *@ids (may be NULL) tells whether the
 * IDs were what failed.
 */
const char *dev_mismatch(const struct opts *o, const struct dev_info *d, bool *ids, char *buf,
			 size_t len);

/*
 * Does @d speak DfuSe? bcdDFUVersion 0x011A (or no functional descriptor)
 * together with alt names that are layouts, unless a quirk forces plain
 * DFU 1.1. Everything else is driven as plain DFU 1.1.
 */
bool dev_is_dfuse(const struct dev_info *d, const struct dfu_quirks *q);

/*
 * Does the run-time device @d announce a DfuSe DFU-mode self? Its functional
 * descriptor says bcdDFUVersion 0x011A (it has no layouts to show yet).
 */
bool dev_runtime_is_dfuse(const struct dev_info *d);

/*
 * Why dev_is_dfuse(@d) is false, as a phrase naming the descriptor field or
 * the alt name that decided it ("functional descriptor is DFU 1.0, 7
 * bytes"), into @buf; returns @buf.
 */
const char *dev_plain_reason(const struct dev_info *d, char *buf, size_t len);

/*
 * The text of a string descriptor (USB 2.0 9.6.7: bLength, bDescriptorType 3,
 * then UTF-16LE code units) of @len bytes, as UTF-8 into @out (NUL-terminated,
 * cut at a character boundary to fit @size > 0). A bLength beyond the @len
 * bytes that arrived is cut to them (ROMs such as the STM32F427's send such
 * descriptors). Some ROMs send 8-bit text instead: the GD32VF103 bootloader
 * (28e9:0189) sends its serial "3CBJ" as the bytes 33 43 42 4A with bLength
 * 6. A text part without a zero byte, of odd length or of printable ASCII
 * bytes only, is read as 8-bit (Latin-1) text; UTF-16 text of Latin
 * characters always has zero high bytes, so it is never mistaken for it.
 * Unpaired surrogates become U+FFFD, a U+0000 ends the text. Returns false,
 * with "" in @out, when @desc is not a string descriptor.
 */
bool dev_string_decode(const uint8_t *desc, size_t len, char *out, size_t size);

/*
 * May @d be read (DFU 1.1 4.1.3, bitCanUpload)? A device whose functional
 * descriptor clears the bit (LPC-Link, Black Magic Probe's DFU) STALLs
 * every UPLOAD; one without a functional descriptor is given the benefit.
 */
bool dev_can_upload(const struct dev_info *d);

/*
 * What became of a string the listing shows as "UNKNOWN", for -v and
 * --json: "absent" (string index 0: the device has none), "unread" (it
 * has one but did not deliver it) or "read".
 */
const char *dev_string_state(bool absent, bool unread);

/* "[0483:df11] path=1-1 serial=..." for messages, into @buf; returns @buf. */
const char *dev_describe(const struct dev_info *d, char *buf, size_t len);

#endif
