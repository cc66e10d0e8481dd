/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of dev_string_decode() (src/device.c): string descriptors as
 * devices send them, UTF-16LE by the book and the 8-bit text of ROMs that do
 * not follow it, short reads, hostile lengths and small output buffers. And
 * of ui_escape() (src/ui.c), which such strings pass before the terminal.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "tap.h"
#include "ui.h"

struct str_row {
	const char *what;
	uint8_t desc[24];
	size_t len;	  /* bytes received */
	size_t size;	  /* output buffer; 0 = 64 */
	bool ok;	  /* a string descriptor at all */
	const char *text; /* the UTF-8 result */
};

static const struct str_row rows[] = {
	{ "UTF-16 serial of the STM32 ROM",
	  { 10, 3, '3', 0, '3', 0, '6', 0, 'F', 0 },
	  10,
	  0,
	  true,
	  "336F" },
	{ "GD32VF103 ROM: 8-bit serial, bLength counts bytes",
	  { 6, 3, '3', 'C', 'B', 'J' },
	  6,
	  0,
	  true,
	  "3CBJ" },
	{ "8-bit text of odd length", { 5, 3, 'a', 'b', 'c' }, 5, 0, true, "abc" },
	{ "8-bit Latin-1 of odd length becomes UTF-8",
	  { 5, 3, 'c', 0xE9, 'e' },
	  5,
	  0,
	  true,
	  "c\xC3\xA9"
	  "e" },
	{ "UTF-16 Latin-1 becomes UTF-8", { 6, 3, 'c', 0, 0xE9, 0 }, 6, 0, true, "c\xC3\xA9" },
	{ "UTF-16 CJK (a zero-free even payload with a high byte) stays UTF-16",
	  { 6, 3, 0x2D, 0x4E, 0x87, 0x65 },
	  6,
	  0,
	  true,
	  "\xE4\xB8\xAD\xE6\x96\x87" },
	{ "UTF-16 surrogate pair", { 6, 3, 0x3D, 0xD8, 0x00, 0xDE }, 6, 0, true, "\xF0\x9F\x98\x80" },
	{ "unpaired high surrogate -> U+FFFD",
	  { 6, 3, 0x3D, 0xD8, 'A', 0 },
	  6,
	  0,
	  true,
	  "\xEF\xBF\xBD"
	  "A" },
	{ "unpaired low surrogate -> U+FFFD", { 4, 3, 0x00, 0xDE }, 4, 0, true, "\xEF\xBF\xBD" },
	{ "U+0000 ends the text", { 8, 3, 'a', 0, 0, 0, 'b', 0 }, 8, 0, true, "a" },
	{ "empty string", { 2, 3 }, 2, 0, true, "" },
	{ "bLength beyond what arrived: cut to the bytes received",
	  { 20, 3, 'S', 0, 'T', 0, 'M', 0 },
	  8,
	  0,
	  true,
	  "STM" },
	{ "UTF-16 cut short to an odd length stays UTF-16",
	  { 20, 3, 'S', 0, 'T', 0, 'M' },
	  7,
	  0,
	  true,
	  "ST" },
	{ "bytes after bLength are ignored", { 4, 3, 'A', 0, 'B', 0 }, 6, 0, true, "A" },
	{ "bLength 1", { 1, 3 }, 2, 0, false, "" },
	{ "bLength 0", { 0, 3 }, 2, 0, false, "" },
	{ "wrong descriptor type", { 4, 2, 'A', 0 }, 4, 0, false, "" },
	{ "one byte received", { 4 }, 1, 0, false, "" },
	{ "nothing received", { 0 }, 0, 0, false, "" },
	{ "output buffer of one byte", { 6, 3, 'a', 0, 'b', 0 }, 6, 1, true, "" },
	{ "output cut before a character that does not fit",
	  { 6, 3, 'a', 0, 0xE9, 0 },
	  6,
	  3,
	  true,
	  "a" },
	{ "8-bit text cut to the output", { 6, 3, '3', 'C', 'B', 'J' }, 6, 3, true, "3C" },
};

struct esc_row {
	const char *what;
	const char *in;
	size_t size; /* output buffer; 0 = 64 */
	const char *out;
};

static const struct esc_row esc_rows[] = {
	{ "printable ASCII as it is, quotes and backslash too", "a \"b\" \\ [x]~", 0,
	  "a \"b\" \\ [x]~" },
	{ "ESC, BEL, newline",
	  "A\x1b[31mB\x07"
	  "C\nD",
	  0, "A\\e[31mB\\x07C\\nD" },
	{ "carriage return, tab, DEL, NUL-adjacent C0", "\r\t\x7f\x01", 0, "\\r\\t\\x7f\\x01" },
	{ "UTF-8 letters and a 4-byte character as they are", "\xC3\xA9\xF0\x9F\x98\x80", 0,
	  "\xC3\xA9\xF0\x9F\x98\x80" },
	{ "C1 control CSI (U+009B) escaped", "x\xC2\x9By", 0, "x\\xc2\\x9by" },
	{ "U+00A0, the first after C1, as it is", "\xC2\xA0", 0, "\xC2\xA0" },
	{ "a lone 8-bit CSI byte escaped", "\x9B[2J", 0, "\\x9b[2J" },
	{ "UTF-8 cut short escaped", "\xE4\xB8", 0, "\\xe4\\xb8" },
	{ "overlong '/' escaped", "\xC0\xAF", 0, "\\xc0\\xaf" },
	{ "encoded surrogate escaped", "\xED\xA0\x80", 0, "\\xed\\xa0\\x80" },
	{ "beyond U+10FFFF escaped", "\xF4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80" },
	{ "cut before an escape that does not fit", "ab\x07", 5, "ab" },
	{ "cut before a character that does not fit", "a\xC3\xA9", 3, "a" },
	{ "buffer of one byte", "abc", 1, "" },
	{ "empty", "", 0, "" },
};

static void test_escape(void)
{
	for (size_t r = 0; r < sizeof(esc_rows) / sizeof(esc_rows[0]); r++) {
		const struct esc_row *row = &esc_rows[r];
		char out[64];
		size_t size = row->size ? row->size : sizeof(out), n;

		memset(out, 'x', sizeof(out));
		n = ui_escape(row->in, out, size);
		is_str(out, row->out, "escape: %s", row->what);
		is_int(n, strlen(row->out), "escape: %s: length returned", row->what);
	}
}

int main(void)
{
	test_escape();
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct str_row *row = &rows[r];
		char out[64];
		size_t size = row->size ? row->size : sizeof(out);
		bool decoded;

		memset(out, 'x', sizeof(out));
		decoded = dev_string_decode(row->desc, row->len, out, size);
		is_int(decoded, row->ok, "%s: %s", row->what, row->ok ? "decoded" : "refused");
		is_str(out, row->text, "%s: text", row->what);
		ok(strlen(out) < size, "%s: NUL within the buffer", row->what);
	}
	/* The longest descriptor there is: 126 UTF-16 units, then 253 bytes of 8-bit text. */
	{
		uint8_t desc[255];
		char out[256];

		desc[0] = 254;
		desc[1] = 3;
		for (size_t i = 2; i < 254; i += 2) {
			desc[i] = 'a';
			desc[i + 1] = 0;
		}
		is_int(dev_string_decode(desc, 254, out, sizeof(out)), true,
		       "126 UTF-16 units decode");
		is_int(strlen(out), 126, "126 UTF-16 units -> 126 characters");
		desc[0] = 255;
		memset(desc + 2, 'b', 253);
		is_int(dev_string_decode(desc, 255, out, sizeof(out)), true,
		       "253 bytes of 8-bit text decode");
		is_int(strlen(out), 253, "253 bytes of 8-bit text -> 253 characters");
		memset(desc + 2, 0xFF, 253);
		is_int(dev_string_decode(desc, 255, out, sizeof(out)), true,
		       "253 bytes of 0xFF decode");
		is_int(strlen(out), 254, "253 bytes of 0xFF: cut to the 256-byte buffer");
		is_hex((unsigned char)out[0], 0xC3, "253 bytes of 0xFF: Latin-1 to UTF-8");
	}
	return done_testing();
}
