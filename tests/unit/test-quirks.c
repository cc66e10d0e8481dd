/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TAP tests of the quirk table lookup (quirks.c): every row, its edges, and the serial patterns. */
#include <stdio.h>
#include <string.h>

#include "quirks.h"
#include "tap.h"

static const struct {
	uint16_t vid, pid, bcd;
	const char *serial;
	bool found;
	unsigned flags;
	uint32_t poll_ms;
	const char *what;
} rows[] = {
	{ 0x1eaf, 0x0003, 0x0200, "LLM 003", true, QUIRK_FORCE_DFU11, 0, "Maple rev 3/5" },
	{ 0x1eaf, 0x0003, 0x0200, NULL, true, QUIRK_FORCE_DFU11, 0, "Maple without serial" },
	{ 0x1eaf, 0x0003, 0x0201, "LLM 003", false, 0, 0, "STM32duino bcdDevice 0x0201" },
	{ 0x1eaf, 0x0004, 0x0200, "LLM 003", false, 0, 0, "another LeafLabs PID" },
	{ 0x0908, 0x02c4, 0x0000, "", true, QUIRK_POLL_TIMEOUT, 5, "Siemens PXM40, bcdDevice 0" },
	{ 0x0908, 0x02c5, 0x0000, NULL, true, QUIRK_POLL_TIMEOUT, 5, "Siemens PXM50, bcdDevice 0" },
	{ 0x0908, 0x02c4, 0x0001, NULL, false, 0, 0, "Siemens PXM40, newer bcdDevice" },
	{ 0x0908, 0x02c6, 0x0000, NULL, false, 0, 0, "Siemens, other PID" },
	{ 0x0763, 0x2806, 0x0000, NULL, true, QUIRK_POLL_TIMEOUT, 5, "M-Audio Transit 0x0000" },
	{ 0x0763, 0x2806, 0xffff, "x", true, QUIRK_POLL_TIMEOUT, 5, "M-Audio Transit 0xffff" },
	{ 0x0483, 0xdf11, 0x2200, "336F38743037", false, 0, 0, "STM32 ROM: no quirk" },
	{ 0x0000, 0x0000, 0x0000, NULL, false, 0, 0, "all zero IDs" },
};

static const struct {
	const char *pat, *serial;
	bool match;
} pats[] = {
	{ "abc", "abc", true },	  { "abc", "abd", false },    { "abc", "ab", false },
	{ "abc", "abcd", false }, { "a?c", "abc", true },     { "a?c", "ac", false },
	{ "*", "", true },	  { "*", "anything", true },  { "3*", "3CBJ", true },
	{ "??B*", "3CBJ", true }, { "??B*", "3CAJ", false },  { "*J", "3CBJ", true },
	{ "*B*J", "3CBJ", true }, { "*x*y", "axbxcy", true }, { "*x*y", "axbxc", false },
	{ "", "", true },	  { "", "a", false },	      { "a**", "a", true },
};

int main(void)
{
	char buf[64];

	plan((unsigned)(3 * sizeof(rows) / sizeof(rows[0]) + sizeof(pats) / sizeof(pats[0])) + 5);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dfu_quirks q;
		bool found =
			quirks_lookup(rows[i].vid, rows[i].pid, rows[i].bcd, rows[i].serial, &q);

		ok(found == rows[i].found, "%s: %s", rows[i].what,
		   rows[i].found ? "a row matches" : "no row matches");
		is_int(q.flags, rows[i].flags, "%s: flags %s, poll %u ms [q.flags]", rows[i].what,
		       quirks_describe(q.flags, buf, sizeof(buf)), q.poll_timeout_ms);
		is_int(q.poll_timeout_ms, rows[i].poll_ms,
		       "%s: flags %s, poll %u ms [q.poll_timeout_ms]", rows[i].what,
		       quirks_describe(q.flags, buf, sizeof(buf)), q.poll_timeout_ms);
	}
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		ok(quirks_serial_match(pats[i].pat, pats[i].serial) == pats[i].match,
		   "serial pattern \"%s\" %s \"%s\"", pats[i].pat,
		   pats[i].match ? "matches" : "does not match", pats[i].serial);
	is_str(quirks_describe(0, buf, sizeof(buf)), "none", "describe: no flags");
	is_str(quirks_describe(QUIRK_FORCE_DFU11 | QUIRK_POLL_TIMEOUT, buf, sizeof(buf)),
	       "force-dfu11,poll-timeout", "describe: both flags");
	is_str(quirks_describe(1u << 30, buf, sizeof(buf)), "unknown", "describe: unknown flag");
	is_str(quirks_describe(QUIRK_FORCE_DFU11 | QUIRK_POLL_TIMEOUT, buf, 12), "force-dfu11",
	       "describe: a short buffer keeps whole names");
	buf[0] = 'x';
	quirks_describe(QUIRK_FORCE_DFU11, buf, 0);
	ok(buf[0] == 'x', "describe: a zero-length buffer is not written");
	return done_testing();
}
