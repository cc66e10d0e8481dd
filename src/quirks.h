/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device quirks as data: one static const table keyed on VID, PID, a
 * bcdDevice range and an optional serial pattern, looked up when a device
 * is opened. Each row says which device misbehaves and how.
 */
#ifndef DFUSE_QUIRKS_H
#define DFUSE_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a quirk changes (struct dfu_quirks.flags). */
enum {
	/* Speaks plain DFU 1.1 whatever its functional descriptor claims. */
	QUIRK_FORCE_DFU11 = 1u << 0,
	/* bwPollTimeout is bogus: wait dfu_quirks.poll_timeout_ms instead. */
	QUIRK_POLL_TIMEOUT = 1u << 1,
};

/* The quirks of one device: every matching row, OR'ed together. */
struct dfu_quirks {
	unsigned flags;		  /* QUIRK_* */
	uint32_t poll_timeout_ms; /* with QUIRK_POLL_TIMEOUT */
};

/*
 * Fill *@out with the quirks of the device @vid:@pid with @bcdDevice and
 * @serial (NULL or "" when it has none; rows with a serial pattern then do
 * not match). Rows are applied in table order: flags accumulate, a later
 * row's non-zero value overrides an earlier one. Returns true when at least
 * one row matched; *@out is all zero otherwise.
 */
bool quirks_lookup(uint16_t vid, uint16_t pid, uint16_t bcdDevice, const char *serial,
		   struct dfu_quirks *out);

/*
 * Does @serial match the row pattern @pat? '?' matches one character, '*'
 * any run of them, anything else itself. Both are NUL-terminated.
 */
bool quirks_serial_match(const char *pat, const char *serial);

/* "force-dfu11,poll-timeout" for -v output, into @buf; "none" when @flags is 0. */
const char *quirks_describe(unsigned flags, char *buf, size_t len);

#endif
