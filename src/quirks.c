/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The quirk table. Facts come from dfu-util's documented quirks and the
 * devices' own sources; a row matches when VID and PID are equal, bcdDevice
 * lies in [bcd_min, bcd_max] and, if the row has one, the serial matches its
 * pattern ('?' one character, '*' any run, everything else literally).
 */
#include "quirks.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* dfu-util's fallback for devices with bogus bwPollTimeout values. */
#define QUIRK_SMALL_POLL_MS 5

struct quirk_row {
	uint16_t vid, pid;
	uint16_t bcd_min, bcd_max;
	const char *serial; /* pattern, NULL = any serial */
	unsigned flags;
	uint32_t poll_timeout_ms;
};

static const struct quirk_row quirk_table[] = {
	/*
	 * LeafLabs Maple rev 3 and 5 bootloader (1eaf:0003, bcdDevice 0x0200):
	 * reports the wrong DFU version in its functional descriptor; it
	 * speaks plain DFU 1.1 and knows no DfuSe command.
	 */
	{ 0x1eaf, 0x0003, 0x0200, 0x0200, NULL, QUIRK_FORCE_DFU11, 0 },
	/* Siemens AG PXM 40 (0908:02c4), old devices with bcdDevice 0: bogus bwPollTimeout. */
	{ 0x0908, 0x02c4, 0x0000, 0x0000, NULL, QUIRK_POLL_TIMEOUT, QUIRK_SMALL_POLL_MS },
	/* Siemens AG PXM 50 (0908:02c5), old devices with bcdDevice 0: bogus bwPollTimeout. */
	{ 0x0908, 0x02c5, 0x0000, 0x0000, NULL, QUIRK_POLL_TIMEOUT, QUIRK_SMALL_POLL_MS },
	/* M-Audio (Midiman) Transit (0763:2806), every release: bogus bwPollTimeout. */
	{ 0x0763, 0x2806, 0x0000, 0xffff, NULL, QUIRK_POLL_TIMEOUT, QUIRK_SMALL_POLL_MS },
	/*
	 * GigaDevice GD32VF103 ROM (28e9:0189, serials like "3?BJ"): claims
	 * 512*2 KiB pages for a flash of 1 KiB pages sized by the part, and
	 * resets at leave without answering the GETSTATUS (dfu-util 0.10+ fixes
	 * the layout up the same way).
	 */
	{ 0x28e9, 0x0189, 0x0000, 0xffff, "3??J", QUIRK_GD32VF103_LAYOUT | QUIRK_LEAVE_NO_STATUS,
	  0 },
};

/* Rows keyed on the flash layout alt 0 reports (its groups, after the address). */
struct quirk_layout_row {
	uint16_t vid, pid;
	const char *groups; /* "/ADDRESS/GROUPS", matched up to the end or the next '/' */
	unsigned flags;
	uint32_t stuck_after_ms;
	uint16_t flash_word;
};

/* How long past its announced time an H7 erase must stay busy to count as stuck. */
#define QUIRK_STUCK_MARGIN_MS 1000

static const struct quirk_layout_row quirk_layout_table[] = {
	/*
	 * STM32H743/H753 ROM (2 MiB, 128 KiB sectors): rev V stays dfuDNBUSY
	 * after erasing a sector above 1 MiB (STM32CubeProgrammer recovers it
	 * with two CLRSTATUS); and like every H7 it programs 32-byte flash
	 * words, dropping a final partial one (MicroPython and PX4 pad for it).
	 */
	{ 0x0483, 0xdf11, "/0x08000000/16*128Kg", QUIRK_STUCK_BUSY | QUIRK_FLASH_WORD,
	  QUIRK_STUCK_MARGIN_MS, 32 },
	/* STM32H7 ROMs with 1 MiB of 128 KiB sectors (H723/H733, H750): 32-byte flash words. */
	{ 0x0483, 0xdf11, "/0x08000000/8*128Kg", QUIRK_FLASH_WORD, 0, 32 },
	/*
	 * STM32F401/F411 ROM (512 KiB: 4*16, 1*64, 3*128 KiB): STALLs a data
	 * DNLOAD at random, aborting a flash anywhere in its first 13 % (a
	 * silicon bug, in QMK's and dfu-util's trackers). The block is cleared,
	 * read back and written again or skipped.
	 */
	{ 0x0483, 0xdf11, "/0x08000000/04*016Kg,01*064Kg,03*128Kg", QUIRK_BLOCK_RETRY, 0, 0 },
	/* STM32H5/U5 ROMs (8 KiB pages, 2 MiB and 1 MiB): 16-byte flash words, dropped alike. */
	{ 0x0483, 0xdf11, "/0x08000000/256*08Kg", QUIRK_FLASH_WORD, 0, 16 },
	{ 0x0483, 0xdf11, "/0x08000000/128*08Kg", QUIRK_FLASH_WORD, 0, 16 },
};

bool quirks_lookup_layout(uint16_t vid, uint16_t pid, const char *layout, struct dfu_quirks *out)
{
	bool found = false;

	for (size_t i = 0; i < sizeof(quirk_layout_table) / sizeof(quirk_layout_table[0]); i++) {
		const struct quirk_layout_row *q = &quirk_layout_table[i];
		const char *at = layout != NULL ? strstr(layout, q->groups) : NULL;
		char next;

		if (q->vid != vid || q->pid != pid || at == NULL)
			continue;
		next = at[strlen(q->groups)];
		if (next != '\0' && next != '/')
			continue;
		out->flags |= q->flags;
		if (q->stuck_after_ms != 0)
			out->stuck_after_ms = q->stuck_after_ms;
		if (q->flash_word != 0)
			out->flash_word = q->flash_word;
		found = true;
	}
	return found;
}

/* Iterative, with one backtrack point: linear in practice, never recursive. */
bool quirks_serial_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

bool quirks_lookup(uint16_t vid, uint16_t pid, uint16_t bcdDevice, const char *serial,
		   struct dfu_quirks *out)
{
	bool found = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(quirk_table) / sizeof(quirk_table[0]); i++) {
		const struct quirk_row *q = &quirk_table[i];

		if (q->vid != vid || q->pid != pid || bcdDevice < q->bcd_min ||
		    bcdDevice > q->bcd_max)
			continue;
		if (q->serial != NULL && (serial == NULL || serial[0] == '\0' ||
					  !quirks_serial_match(q->serial, serial)))
			continue;
		out->flags |= q->flags;
		if (q->poll_timeout_ms != 0)
			out->poll_timeout_ms = q->poll_timeout_ms;
		found = true;
	}
	return found;
}

/* What the GD32VF103 ROM claims for alt 0 after its address. */
#define GD32VF103_WRONG_GROUPS "/0x08000000/512*002Kg"

bool quirks_gd32vf103_layout(const char *serial, const char *name, char *out, size_t len)
{
	static const struct {
		char code;
		unsigned kib;
	} sizes[] = { { '4', 16 }, { '6', 32 }, { '8', 64 }, { 'B', 128 } };
	const char *groups = strstr(name, GD32VF103_WRONG_GROUPS);
	int n;

	if (serial == NULL || strlen(serial) < 3 || groups == NULL ||
	    strcmp(groups, GD32VF103_WRONG_GROUPS) != 0)
		return false;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i].code != serial[2])
			continue;
		/* Keep the name and address; 1 KiB pages, one per KiB of flash. */
		n = snprintf(out, len, "%.*s/0x08000000/%u*001Kg", (int)(groups - name), name,
			     sizes[i].kib);
		return n > 0 && (size_t)n < len;
	}
	return false;
}

const char *quirks_describe(unsigned flags, char *buf, size_t len)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{ QUIRK_FORCE_DFU11, "force-dfu11" },
		{ QUIRK_POLL_TIMEOUT, "poll-timeout" },
		{ QUIRK_GD32VF103_LAYOUT, "gd32vf103-layout" },
		{ QUIRK_LEAVE_NO_STATUS, "leave-no-status" },
		{ QUIRK_STUCK_BUSY, "stuck-busy" },
		{ QUIRK_FLASH_WORD, "flash-word" },
		{ QUIRK_BLOCK_RETRY, "block-retry" },
	};
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(flags & names[i].flag))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, len, "%s", flags ? "unknown" : "none");
	return buf;
}
