/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the image model and its text formats: detection, names and
 * extensions, the Intel HEX and S-record readers over real and hostile rows,
 * and every writer checked by reading its output back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "tap.h"

#define MAX_PIECES 4

struct want_piece {
	uint32_t addr;
	uint32_t len;
};

struct parse_row {
	const char *name;
	enum image_format fmt; /* as given to image_parse() */
	const char *text;
	int rc;
	const char *msg; /* substring of the error, or NULL */
	size_t npieces;
	struct want_piece p[MAX_PIECES];
	const char *bytes; /* all data bytes in hex, or NULL */
	bool has_start;
	uint32_t start;
};

/* Three records at 0x08000000, the middle one in another order, plus type 05. */
#define HEX_GOOD                                                                                   \
	":020000040800F2\n"                                                                        \
	":0400000001020304F2\n"                                                                    \
	":04000800090A0B0CCA\n"                                                                    \
	":0400040005060708DE\n"                                                                    \
	":0400000508000101ED\n"                                                                    \
	":00000001FF\n"

static const struct parse_row hex_rows[] = {
	{ "HEX: three records merge, start address from type 05",
	  IMAGE_FORMAT_AUTO,
	  HEX_GOOD,
	  ERR_OK,
	  NULL,
	  1,
	  { { 0x08000000, 12 } },
	  "0102030405060708090A0B0C",
	  true,
	  0x08000101 },
	{ "HEX: CRLF, blank lines, lower case",
	  IMAGE_FORMAT_IHEX,
	  "\r\n:020000040800f2\r\n\r\n:0400000001020304f2\r\n:00000001ff\r\n\r\n",
	  ERR_OK,
	  NULL,
	  1,
	  { { 0x08000000, 4 } },
	  "01020304",
	  false,
	  0 },
	{ "HEX: no 04 record: addresses from 0",
	  IMAGE_FORMAT_IHEX,
	  ":0300300002337A1E\n:00000001FF",
	  ERR_OK,
	  NULL,
	  1,
	  { { 0x30, 3 } },
	  "02337A",
	  false,
	  0 },
	{ "HEX: a gap gives two pieces",
	  IMAGE_FORMAT_IHEX,
	  ":0100000011EE\n:0100100022CD\n:00000001FF\n",
	  ERR_OK,
	  NULL,
	  2,
	  { { 0, 1 }, { 0x10, 1 } },
	  "1122",
	  false,
	  0 },
	{ "HEX: extended segment address (02) times 16",
	  IMAGE_FORMAT_IHEX,
	  ":020000021000EC\n:0100000055AA\n:0400000300001000E9\n:00000001FF\n",
	  ERR_OK,
	  NULL,
	  1,
	  { { 0x10000, 1 } },
	  "55",
	  true,
	  0x1000 },
	{ "HEX: start segment address (03) is CS*16+IP",
	  IMAGE_FORMAT_IHEX,
	  ":0100000055AA\n:0400000312340005AE\n:00000001FF\n",
	  ERR_OK,
	  NULL,
	  1,
	  { { 0, 1 } },
	  "55",
	  true,
	  0x12345 },
	{ "HEX: bad checksum names the line",
	  IMAGE_FORMAT_IHEX,
	  ":020000040800F2\n:0400000001020304F3\n:00000001FF\n",
	  ERR_DATA,
	  "line 2: checksum 0xf3, computed 0xf2",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: no EOF record (truncated)",
	  IMAGE_FORMAT_IHEX,
	  ":0400000001020304F2\n",
	  ERR_DATA,
	  "no end-of-file record (type 01) after line 1",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: truncated record",
	  IMAGE_FORMAT_IHEX,
	  ":0400000001020304F2\n:04000400050607\n",
	  ERR_DATA,
	  "line 2: byte count 0x04, but the record holds 2 data bytes",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: odd number of digits",
	  IMAGE_FORMAT_IHEX,
	  ":0400000001020304F\n:00000001FF\n",
	  ERR_DATA,
	  "line 1: odd number of hex digits (17)",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: overlapping records name both lines",
	  IMAGE_FORMAT_IHEX,
	  ":0400000001020304F2\n:010002009964\n:00000001FF\n",
	  ERR_DATA,
	  "line 2: [0x00000002, 0x00000003) overlaps line 1 [0x00000000, 0x00000004)",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: unknown record type 06",
	  IMAGE_FORMAT_IHEX,
	  ":00000006FA\n:00000001FF\n",
	  ERR_DATA,
	  "line 1: unknown record type 0x06",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: type 04 with 1 byte",
	  IMAGE_FORMAT_IHEX,
	  ":0100000408F3\n:00000001FF\n",
	  ERR_DATA,
	  "line 1: record type 0x04 with 1 data bytes (2 expected)",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: data past 4 GiB",
	  IMAGE_FORMAT_IHEX,
	  ":02000004FFFFFC\n:04FFFE0001020304F5\n:00000001FF\n",
	  ERR_DATA,
	  "line 2: 0xfffffffe + 4 bytes ends past 4 GiB",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: segment record crossing 64 KiB",
	  IMAGE_FORMAT_IHEX,
	  ":020000021000EC\n:02FFFF00AABB9B\n:00000001FF\n",
	  ERR_DATA,
	  "line 2: data at offset 0xffff + 2 crosses the 64 KiB segment boundary",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: text after EOF",
	  IMAGE_FORMAT_IHEX,
	  ":0100000055AA\n:00000001FF\n:0100000055AA\n",
	  ERR_DATA,
	  "line 3: text after the end-of-file record of line 2",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: not a hex digit",
	  IMAGE_FORMAT_IHEX,
	  ":01000000G5AA\n:00000001FF\n",
	  ERR_DATA,
	  "line 1: column 10: 'G' is not a hex digit",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: no data at all",
	  IMAGE_FORMAT_IHEX,
	  ":00000001FF\n",
	  ERR_DATA,
	  "no data to write",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: forced on a binary file",
	  IMAGE_FORMAT_IHEX,
	  "\x7f\x45LF",
	  ERR_DATA,
	  "line 1: does not start with ':'",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "HEX: 255-byte count on a short line",
	  IMAGE_FORMAT_IHEX,
	  ":FF00000000\n:00000001FF\n",
	  ERR_DATA,
	  "byte count 0xff, but the record holds 0 data bytes",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
};

static const struct parse_row srec_rows[] = {
	{ "SREC: S0, S3 data, S5 count, S7 start",
	  IMAGE_FORMAT_AUTO,
	  "S00600004844521B\n"
	  "S3090800000001020304E4\n"
	  "S3090800000405060708D0\n"
	  "S5030002FA\n"
	  "S70508000101F0\n",
	  ERR_OK,
	  NULL,
	  1,
	  { { 0x08000000, 8 } },
	  "0102030405060708",
	  true,
	  0x08000101 },
	{ "SREC: S1 and S2 data, S9 end, CRLF",
	  IMAGE_FORMAT_SREC,
	  "S1050010AABB85\r\nS2060100001122C5\r\nS9030000FC\r\n",
	  ERR_OK,
	  NULL,
	  2,
	  { { 0x10, 2 }, { 0x10000, 2 } },
	  "AABB1122",
	  true,
	  0 },
	{ "SREC: bad checksum names the line",
	  IMAGE_FORMAT_SREC,
	  "S00600004844521B\nS3090800000001020304E5\nS70508000101F0\n",
	  ERR_DATA,
	  "line 2: checksum 0xe5, computed 0xe4",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: wrong S5 count",
	  IMAGE_FORMAT_SREC,
	  "S3090800000001020304E4\nS5030002FA\nS70508000101F0\n",
	  ERR_DATA,
	  "line 2: S5 says 2 data records, 1 came before it",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: an S5 count ends it too (srec_cat)",
	  IMAGE_FORMAT_SREC,
	  "S3090800000001020304E4\nS5030001FB\n",
	  ERR_OK,
	  NULL,
	  1,
	  { { 0x08000000, 4 } },
	  "01020304",
	  false,
	  0 },
	{ "SREC: no termination (truncated)",
	  IMAGE_FORMAT_SREC,
	  "S3090800000001020304E4\n",
	  ERR_DATA,
	  "no count (S5, S6) or termination (S7, S8, S9) record after line 1",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: overlap names both lines",
	  IMAGE_FORMAT_SREC,
	  "S3090800000001020304E4\nS306080000020FE0\nS70508000101F0\n",
	  ERR_DATA,
	  "line 2: [0x08000002, 0x08000003) overlaps line 1",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: S4 is reserved",
	  IMAGE_FORMAT_SREC,
	  "S4030000FC\n",
	  ERR_DATA,
	  "line 1: record type S4 is reserved",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: count too small for S3",
	  IMAGE_FORMAT_SREC,
	  "S3030000FC\nS70508000101F0\n",
	  ERR_DATA,
	  "line 1: byte count 3 too small for an S3 record (at least 5)",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: count says more than the line holds",
	  IMAGE_FORMAT_SREC,
	  "S3FF08000000\nS70508000101F0\n",
	  ERR_DATA,
	  "line 1: byte count 0xff, but 4 bytes follow",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: S3 past 4 GiB",
	  IMAGE_FORMAT_SREC,
	  "S307FFFFFFFF0102F9\nS70500000000FA\n",
	  ERR_DATA,
	  "line 1: 0xffffffff + 2 bytes ends past 4 GiB",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: odd digits",
	  IMAGE_FORMAT_SREC,
	  "S3090800000001020304E\nS70508000101F0\n",
	  ERR_DATA,
	  "line 1: odd number of hex digits (19)",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: text after the end",
	  IMAGE_FORMAT_SREC,
	  "S3090800000001020304E4\nS70508000101F0\nS3090800000001020304E4\n",
	  ERR_DATA,
	  "line 3: text after the termination record of line 2",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
	{ "SREC: not S",
	  IMAGE_FORMAT_SREC,
	  "X3090800000001020304E4\n",
	  ERR_DATA,
	  "line 1: does not start with S0..S9",
	  0,
	  { { 0, 0 } },
	  NULL,
	  false,
	  0 },
};

static void hex_string(char *out, size_t size, const uint8_t *p, size_t n)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && at + 3 < size; i++)
		at += (size_t)snprintf(out + at, size - at, "%02X", p[i]);
}

static void check_parse(const struct parse_row *r)
{
	struct image img;
	struct error err = { ERR_OK, "" };
	int rc = image_parse((const uint8_t *)r->text, strlen(r->text), r->fmt, 0, &img, &err);
	char got[512], all[512] = "";
	size_t at = 0;

	is_int(rc, r->rc, "%s: rc", r->name);
	if (r->rc != ERR_OK) {
		if (r->msg != NULL)
			is_substr(err.msg, r->msg, "%s: message", r->name);
		is_int(img.npieces, 0, "%s: nothing left to free [img.npieces]", r->name);
		is_ptr(img.pieces, NULL, "%s: nothing left to free [img.pieces]", r->name);
		return;
	}
	is_int(img.npieces, r->npieces, "%s: pieces", r->name);
	for (size_t i = 0; i < r->npieces && i < img.npieces; i++) {
		is_int(img.pieces[i].addr, r->p[i].addr,
		       "%s: piece %zu at 0x%08x + %u [img.pieces[i].addr]", r->name, i,
		       img.pieces[i].addr, img.pieces[i].len);
		is_int(img.pieces[i].len, r->p[i].len,
		       "%s: piece %zu at 0x%08x + %u [img.pieces[i].len]", r->name, i,
		       img.pieces[i].addr, img.pieces[i].len);
		is_int(img.pieces[i].has_alt, false,
		       "%s: piece %zu at 0x%08x + %u [img.pieces[i].has_alt]", r->name, i,
		       img.pieces[i].addr, img.pieces[i].len);
		hex_string(got, sizeof(got), img.pieces[i].data, img.pieces[i].len);
		at += (size_t)snprintf(all + at, sizeof(all) - at, "%s", got);
	}
	if (r->bytes != NULL) {
		is_str(all, r->bytes, "%s: bytes", r->name);
		is_int(image_size(&img), strlen(r->bytes) / 2, "%s: image_size()", r->name);
	}
	is_int(img.addressed, true, "%s: start address 0x%08x [img.addressed]", r->name, img.start);
	is_int(img.has_start, r->has_start, "%s: start address 0x%08x [img.has_start]", r->name,
	       img.start);
	is_int(img.start, r->start, "%s: start address 0x%08x [img.start]", r->name, img.start);
	image_free(&img);
}

static void test_names(void)
{
	static const struct {
		const char *path;
		enum image_format fmt;
	} ext[] = {
		{ "a.bin", IMAGE_FORMAT_BIN },	   { "dir.x/fw.DFU", IMAGE_FORMAT_DFUSE },
		{ "fw.hex", IMAGE_FORMAT_IHEX },   { "fw.ihex", IMAGE_FORMAT_IHEX },
		{ "fw.srec", IMAGE_FORMAT_SREC },  { "fw.s19", IMAGE_FORMAT_SREC },
		{ "fw.S28", IMAGE_FORMAT_SREC },   { "fw.s37", IMAGE_FORMAT_SREC },
		{ "fw.mot", IMAGE_FORMAT_SREC },   { "fw.elf", IMAGE_FORMAT_ELF },
		{ "fw.axf", IMAGE_FORMAT_ELF },	   { "a.out", IMAGE_FORMAT_ELF },
		{ "firmware", IMAGE_FORMAT_AUTO }, { "dir.hex/firmware", IMAGE_FORMAT_AUTO },
		{ "fw.", IMAGE_FORMAT_AUTO },	   { "fw.verylongext", IMAGE_FORMAT_AUTO },
		{ "fw.txt", IMAGE_FORMAT_AUTO },
	};
	static const struct {
		const char *text;
		size_t len;
		enum image_format fmt;
	} det[] = {
		{ "\177ELF\1\1\1", 7, IMAGE_FORMAT_ELF },
		{ "DfuSe\1", 6, IMAGE_FORMAT_DFUSE },
		{ ":020000040800F2", 15, IMAGE_FORMAT_IHEX },
		{ "\r\n  :10", 7, IMAGE_FORMAT_IHEX },
		{ "S00600004844521B", 16, IMAGE_FORMAT_SREC },
		{ "S3", 2, IMAGE_FORMAT_BIN },
		{ ":", 1, IMAGE_FORMAT_BIN },
		{ "\0\x20\0\x20", 4, IMAGE_FORMAT_BIN },
		{ "", 0, IMAGE_FORMAT_BIN },
		{ "Sx0", 3, IMAGE_FORMAT_BIN },
	};
	static const char *const names[] = { "bin", "dfu", "hex", "ihex", "srec", "s19", "elf" };
	enum image_format f;

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		is_int(image_format_from_extension(ext[i].path), ext[i].fmt, "extension of %s",
		       ext[i].path);
	for (size_t i = 0; i < sizeof(det) / sizeof(det[0]); i++)
		is_int(image_detect((const uint8_t *)det[i].text, det[i].len), det[i].fmt,
		       "detect row %zu", i);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		f = IMAGE_FORMAT_AUTO;
		is_int(image_format_from_name(names[i], &f), true, "--format %s is known",
		       names[i]);
		isnt_int(f, IMAGE_FORMAT_AUTO, "--format %s names a format", names[i]);
	}
	is_int(image_format_from_name("HEX", &f), false, "--format HEX is not a name");
	is_int(image_format_from_name("", &f), false, "--format '' is not a name");
	is_int(image_format_from_name("auto", &f), false, "--format auto is not a name");
	is_str(image_format_name(IMAGE_FORMAT_AUTO), "auto", "auto names detection, no format");
	for (f = IMAGE_FORMAT_AUTO + 1; f <= IMAGE_FORMAT_ELF; f++) {
		enum image_format back = IMAGE_FORMAT_AUTO;

		is_int(image_format_from_name(image_format_name(f), &back), true, "%s is a name",
		       image_format_name(f));
		is_int(back, f, "%s names itself", image_format_name(f));
	}
}

/* A suffix on a text format is refused; on a .bin it is stripped. */
static void test_suffix(void)
{
	static const char hex[] = ":0100000055AA\n:00000001FF\n";
	uint8_t buf[64];
	size_t n = strlen(hex);
	struct image img;
	struct error err = { ERR_OK, "" };
	uint32_t crc;

	memcpy(buf, hex, n);
	memcpy(buf + n, "\xff\xff\xff\xff\xff\xff\x00\x01UFD\x10", 12);
	crc = dfu_file_crc(buf, n + 12);
	for (int i = 0; i < 4; i++)
		buf[n + 12 + i] = (uint8_t)(crc >> (8 * i));
	is_int(image_parse(buf, n + 16, IMAGE_FORMAT_AUTO, 0, &img, &err), ERR_DATA,
	       "HEX with a DFU suffix is refused");
	ok(strstr(err.msg, "DFU suffix") != NULL, "... saying so: %s", err.msg);
	is_int(image_parse(buf, n + 16, IMAGE_FORMAT_BIN, 0, &img, &err), ERR_OK,
	       "--format bin takes the same bytes raw");
	is_int(img.format, IMAGE_FORMAT_BIN,
	       "... suffix stripped, one unplaced piece of %zu bytes [img.format]", n);
	is_int(img.addressed, false,
	       "... suffix stripped, one unplaced piece of %zu bytes [img.addressed]", n);
	is_int(img.npieces, 1, "... suffix stripped, one unplaced piece of %zu bytes [img.npieces]",
	       n);
	is_int(img.pieces[0].len, n,
	       "... suffix stripped, one unplaced piece of %zu bytes [img.pieces[0].len]", n);
	is_int(img.suffix.present, true,
	       "... suffix stripped, one unplaced piece of %zu bytes [img.suffix.present]", n);
	is_int(img.suffix.crc_ok, true,
	       "... suffix stripped, one unplaced piece of %zu bytes [img.suffix.crc_ok]", n);
	is_int(image_place(&img, 0xFFFFFFF0u, &err), ERR_DATA, "placing it past 4 GiB fails");
	is_int(image_place(&img, 0x08000000, &err), ERR_OK, "placing it at 0x08000000");
	is_int(img.addressed, true, "... moves the piece [img.addressed]");
	is_int(img.pieces[0].addr, 0x08000000, "... moves the piece [img.pieces[0].addr]");
	is_int(image_place(&img, 0, &err), ERR_USAGE, "an addressed image cannot be placed");
	image_free(&img);
	is_int(image_parse(buf, n + 16, IMAGE_FORMAT_DFUSE, 0, &img, &err), ERR_DATA,
	       "--format dfu on a file without the prefix");
}

/* Many records: one piece each when spaced out, refused past IMAGE_MAX_PIECES. */
static void test_caps(void)
{
	const size_t nrec = IMAGE_MAX_PIECES + 1;
	char *text = malloc(nrec * 32 + 64);
	size_t at = 0;
	struct image img;
	struct error err = { ERR_OK, "" };
	int rc;

	/* One byte every other address from 0x10000 on: never adjacent, never merged. */
	at += (size_t)sprintf(text + at, ":020000040001F9\n");
	for (size_t i = 0; i < nrec; i++) {
		unsigned off = (unsigned)(i * 2) & 0xFFFF;
		uint8_t sum = (uint8_t)(1 + (off >> 8) + off + 0xA5);

		if (i > 0 && off == 0) {
			unsigned hi = 1 + (unsigned)(i * 2 >> 16);

			at += (size_t)sprintf(text + at, ":02000004%04X%02X\n", hi,
					      (uint8_t)(0x100 - (6 + (hi >> 8) + (hi & 0xFF))) &
						      0xFF);
		}
		at += (size_t)sprintf(text + at, ":01%04X00A5%02X\n", off, (uint8_t)(0x100 - sum));
	}
	at += (size_t)sprintf(text + at, ":00000001FF\n");
	rc = image_parse((const uint8_t *)text, at, IMAGE_FORMAT_AUTO, 0, &img, &err);
	is_int(rc, ERR_DATA, "%zu separate records are refused", nrec);
	ok(strstr(err.msg, "more than 65536 pieces") != NULL, "... by the piece cap: %s", err.msg);
	/* Without the last record it fits exactly. */
	at = (size_t)(strrchr(text, ':') - text);
	text[at] = '\0';
	at = (size_t)(strrchr(text, ':') - text);
	at += (size_t)sprintf(text + at, ":00000001FF\n");
	rc = image_parse((const uint8_t *)text, at, IMAGE_FORMAT_AUTO, 0, &img, &err);
	is_int(rc, ERR_OK, "%d separate records parse (%s)", IMAGE_MAX_PIECES, rc ? err.msg : "ok");
	is_int(rc, ERR_OK, "... into %d one-byte pieces [rc]", IMAGE_MAX_PIECES);
	is_int(img.npieces, IMAGE_MAX_PIECES, "... into %d one-byte pieces [img.npieces]",
	       IMAGE_MAX_PIECES);
	is_int(image_size(&img), IMAGE_MAX_PIECES, "... into %d one-byte pieces [image_size(&img)]",
	       IMAGE_MAX_PIECES);
	if (rc == ERR_OK)
		image_free(&img);
	free(text);
}

int main(void)
{
	test_caps();
	test_names();
	for (size_t i = 0; i < sizeof(hex_rows) / sizeof(hex_rows[0]); i++)
		check_parse(&hex_rows[i]);
	for (size_t i = 0; i < sizeof(srec_rows) / sizeof(srec_rows[0]); i++)
		check_parse(&srec_rows[i]);
	test_suffix();
	return done_testing();
}
