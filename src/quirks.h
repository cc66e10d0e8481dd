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
	/* GD32VF103: alt 0's layout is wrong; quirks_gd32vf103_layout() gives the real one. */
	QUIRK_GD32VF103_LAYOUT = 1u << 2,
	/* Leaves DFU mode (resets) without answering the GETSTATUS after the leave request. */
	QUIRK_LEAVE_NO_STATUS = 1u << 3,
	/* Some erases stay dfuDNBUSY for ever: recover after dfu_quirks.stuck_after_ms. */
	QUIRK_STUCK_BUSY = 1u << 4,
	/* Drops a final partial flash word: pad writes to dfu_quirks.flash_word bytes. */
	QUIRK_FLASH_WORD = 1u << 5,
	/* Refuses a data block now and then: clear, read it back, go on (up to 3 tries). */
	QUIRK_BLOCK_RETRY = 1u << 6,
};

/* The quirks of one device: every matching row, OR'ed together. */
struct dfu_quirks {
	unsigned flags;		  /* QUIRK_* */
	uint32_t poll_timeout_ms; /* with QUIRK_POLL_TIMEOUT */
	uint32_t stuck_after_ms;  /* with QUIRK_STUCK_BUSY: margin after the announced time */
	uint16_t flash_word;	  /* with QUIRK_FLASH_WORD: bytes */
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
 * ST's ROMs share 0483:df11 and their bcdDevice across families; what tells
 * them apart is the internal flash they describe. Add to *@out (without
 * clearing it) the quirks of the device @vid:@pid whose alt 0 reports
 * @layout. Returns true when a row matched.
 */
bool quirks_lookup_layout(uint16_t vid, uint16_t pid, const char *layout, struct dfu_quirks *out);

/*
 * Does @serial match the row pattern @pat? '?' matches one character, '*'
 * any run of them, anything else itself. Both are NUL-terminated.
 */
bool quirks_serial_match(const char *pat, const char *serial);

/*
 * The GD32VF103 ROM reports 512 pages of 2 KiB for its flash, which really
 * has 1 KiB pages, as many as the part's size: the third character of its
 * serial is the datasheet's flash-size code (4: 16 KiB, 6: 32 KiB, 8:
 * 64 KiB, B: 128 KiB). Writes into @out the layout @name with its groups
 * replaced by the real one; false (and @out untouched) when @name is not
 * the wrong claim or the size code is unknown.
 */
bool quirks_gd32vf103_layout(const char *serial, const char *name, char *out, size_t len);

/* "force-dfu11,poll-timeout" for -v output, into @buf; "none" when @flags is 0. */
const char *quirks_describe(unsigned flags, char *buf, size_t len);

#endif
