/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the DfuSe layout parser: every layout from the protocol notes,
 * hostile strings, and the lookups (find, sector, contiguous_end, check).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dfuse_mem.h"
#include "tap.h"

#define K 1024u
#define M (1024u * 1024u)

struct seg_want {
	uint32_t start;
	uint64_t end;
	uint32_t sector_size;
	uint32_t count;
	uint8_t mode;
};

struct good_row {
	const char *what;
	const char *s;
	bool garbage;
	const char *name;
	size_t nsegments;
	struct seg_want seg[4];
};

static const struct good_row good_rows[] = {
	/* Real devices (spec section 3), then edge cases that must parse. */
	{ "F4 1 MiB",
	  "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
	  false,
	  "Internal Flash  ",
	  3,
	  { { 0x08000000, 0x08010000, 16 * K, 4, 7 },
	    { 0x08010000, 0x08020000, 64 * K, 1, 7 },
	    { 0x08020000, 0x08100000, 128 * K, 7, 7 } } },
	{ "option bytes",
	  "@Option Bytes  /0x1FFFC000/01*016 e",
	  false,
	  "Option Bytes  ",
	  1,
	  { { 0x1FFFC000, 0x1FFFC010, 16, 1, 5 } } },
	{ "OTP",
	  "@OTP Memory /0x1FFF7800/01*512 e,01*016 e",
	  false,
	  "OTP Memory ",
	  2,
	  { { 0x1FFF7800, 0x1FFF7A00, 512, 1, 5 }, { 0x1FFF7A00, 0x1FFF7A10, 16, 1, 5 } } },
	{ "device feature",
	  "@Device Feature/0xFFFF0000/01*004 e",
	  false,
	  "Device Feature",
	  1,
	  { { 0xFFFF0000, 0xFFFF0004, 4, 1, 5 } } },
	{ "F103 1 KiB pages",
	  "@Internal Flash  /0x08000000/128*0001Kg",
	  false,
	  "Internal Flash  ",
	  1,
	  { { 0x08000000, 0x08020000, K, 128, 7 } } },
	{ "H7 bank",
	  "@Internal Flash   /0x08000000/16*128Kg",
	  false,
	  "Internal Flash   ",
	  1,
	  { { 0x08000000, 0x08200000, 128 * K, 16, 7 } } },
	{ "multi-zone",
	  "@Flash/0x08000000/8*001Ka,56*001Kg/0x1FFF0000/01*016 e",
	  false,
	  "Flash",
	  3,
	  { { 0x08000000, 0x08002000, K, 8, 1 },
	    { 0x08002000, 0x08010000, K, 56, 7 },
	    { 0x1FFF0000, 0x1FFF0010, 16, 1, 5 } } },
	{ "GD32 B multiplier",
	  "@Option Bytes /0x1FFFF800/01*016Be",
	  false,
	  "Option Bytes ",
	  1,
	  { { 0x1FFFF800, 0x1FFFF810, 16, 1, 5 } } },
	{ "M multiplier, every type letter",
	  "@X/0x00000000/1*1Ma,1*1Mb,1*1Mc,1*1Md",
	  false,
	  "X",
	  4,
	  { { 0, M, M, 1, 1 },
	    { M, 2 * M, M, 1, 2 },
	    { 2 * M, 3 * M, M, 1, 3 },
	    { 3 * M, 4 * M, M, 1, 4 } } },
	{ "zones out of order",
	  "@F/0x08004000/1*16Kg/0x08000000/1*16Ka",
	  false,
	  "F",
	  2,
	  { { 0x08004000, 0x08008000, 16 * K, 1, 7 }, { 0x08000000, 0x08004000, 16 * K, 1, 1 } } },
	{ "region ending exactly at 4 GiB",
	  "@Top/0xFFFFF000/1*4Kg",
	  false,
	  "Top",
	  1,
	  { { 0xFFFFF000, 0x100000000, 4 * K, 1, 7 } } },
	{ "empty name", "@/0x0/1*1Kg", false, "", 1, { { 0, K, K, 1, 7 } } },
	{ "uppercase 0X and hex digits",
	  "@N/0X0800aBcD/1*1 g",
	  false,
	  "N",
	  1,
	  { { 0x0800ABCD, 0x0800ABCE, 1, 1, 7 } } },
	{ "trailing garbage kept",
	  "@F/0x08000000/04*016Kgxyz,01*064Kg junk",
	  true,
	  "F",
	  2,
	  { { 0x08000000, 0x08010000, 16 * K, 4, 7 }, { 0x08010000, 0x08020000, 64 * K, 1, 7 } } },
	{ "max sectors", "@F/0x0/65536*1 g", false, "F", 1, { { 0, 65536, 1, 65536, 7 } } },
	{ "non-ASCII name",
	  "@Fl\xc3\xa4sh \xff/0x0/1*1Kg",
	  false,
	  "Fl\xc3\xa4sh \xff",
	  1,
	  { { 0, K, K, 1, 7 } } },
};

struct bad_row {
	const char *what;
	const char *s;
	const char *reason; /* a substring of the error message */
};

/* Hostile or malformed strings: rejected with a reason. */
static const struct bad_row bad_rows[] = {
	{ "empty string", "", "start with '@'" },
	{ "missing @", "Internal Flash/0x08000000/1*1Kg", "start with '@'" },
	{ "missing / after name", "@Internal Flash", "missing '/' after the name" },
	{ "missing / after address", "@F/0x08000000", "missing '/' after address" },
	{ "no groups", "@F/0x08000000/", "no sector groups" },
	{ "no address", "@F//1*1Kg", "0x" },
	{ "decimal address", "@F/134217728/1*1Kg", "0x" },
	{ "0x without digits", "@F/0x/1*1Kg", "no hex digits" },
	{ "address over 32 bits", "@F/0x100000000/1*1Kg", "32 bits" },
	{ "empty count", "@F/0x0/*1Kg", "empty sector count" },
	{ "empty size", "@F/0x0/1*Kg", "empty sector size" },
	{ "empty group", "@F/0x0/1*1Kg,,1*1Kg", "empty sector count" },
	{ "trailing comma", "@F/0x0/1*1Kg,", "empty sector count" },
	{ "trailing slash", "@F/0x0/1*1Kg/", "0x" },
	{ "missing *", "@F/0x0/1x1Kg", "expected '*'" },
	{ "zero count", "@F/0x08000000/00*016Kg", "sector count is 0" },
	{ "zero size", "@F/0x08000000/4*0Kg", "sector size is 0" },
	{ "huge count", "@F/0x0/65537*1 g", "at most 65536" },
	{ "count over 32 bits", "@F/0x0/99999999999*1Kg", "count too large" },
	{ "size over 32 bits", "@F/0x0/1*99999999999 g", "size too large" },
	{ "multiplier overflow 4096*1024M", "@F/0x0/4096*1024Mg", "past 4 GiB" },
	{ "sector size 4096M", "@F/0x0/1*4096Mg", "size does not fit in 32 bits" },
	{ "count*size past 4 GiB", "@F/0x0/4096*1024Kg,4096*1024Kg", "past 4 GiB" },
	{ "address wrap", "@F/0xFFFFF000/2*4Kg", "past 4 GiB" },
	{ "unknown multiplier", "@F/0x0/1*16kg", "unknown size multiplier" },
	{ "type letter without multiplier", "@F/0x0/1*16g", "unknown size multiplier" },
	{ "missing multiplier", "@F/0x0/1*16", "missing size multiplier" },
	{ "missing type", "@F/0x0/1*16K", "missing type letter" },
	{ "type h", "@F/0x0/1*16Kh", "unknown type letter" },
	{ "type z", "@F/0x0/1*16Kz", "unknown type letter" },
	{ "type G", "@F/0x0/1*16KG", "unknown type letter" },
	{ "overlapping groups", "@F/0x08000000/4*16Kg/0x08008000/1*16Kg", "overlaps" },
	{ "same zone twice", "@F/0x0/1*1Kg/0x0/1*1Kg", "overlaps" },
};

static void check_good(const struct good_row *r)
{
	struct dfuse_mem_layout l;
	struct error err = { 0 };
	int rc = dfuse_mem_parse(r->s, strlen(r->s), &l, &err);

	if (!is_int(rc, ERR_OK, "%s: accepted", r->what)) {
		diag("error: %s", err.msg);
		return;
	}
	is_str(l.name, r->name, "%s: name", r->what);
	is_int(l.trailing_garbage, r->garbage, "%s: trailing_garbage", r->what);
	if (!is_int(l.nsegments, r->nsegments, "%s: segment count", r->what))
		return;
	for (size_t i = 0; i < r->nsegments; i++) {
		const struct dfuse_mem_segment *g = &l.segments[i];
		const struct seg_want *w = &r->seg[i];
		bool same = g->start == w->start && g->end == w->end &&
			    g->sector_size == w->sector_size && g->count == w->count &&
			    g->mode == w->mode && g->type == (char)('a' + w->mode - 1);

		if (!ok(same, "%s: segment %zu", r->what, i))
			diag("got start 0x%x end 0x%llx size %u count %u mode %u type %c", g->start,
			     (unsigned long long)g->end, g->sector_size, g->count, g->mode,
			     g->type);
	}
}

static void check_bad(const struct bad_row *r)
{
	struct dfuse_mem_layout l;
	struct error err = { 0 };
	int rc = dfuse_mem_parse(r->s, strlen(r->s), &l, &err);

	is_int(rc, ERR_DATA, "%s: rejected", r->what);
	ok(strstr(err.msg, r->reason) != NULL, "%s: reason names '%s' (%s)", r->what, r->reason,
	   err.msg);
	ok(l.nsegments == 0, "%s: layout left empty", r->what);
}

static int parse(const char *s, struct dfuse_mem_layout *l, struct error *err)
{
	return dfuse_mem_parse(s, strlen(s), l, err);
}

static void test_lengths(void)
{
	char buf[DFUSE_MEM_MAX_STRING + 64];
	struct dfuse_mem_layout l;
	struct error err = { 0 };
	size_t n;

	/* A 255-byte name is kept whole; a longer one is cut at 255 bytes. */
	buf[0] = '@';
	memset(buf + 1, 'N', 300);
	strcpy(buf + 256, "/0x08000000/1*1Kg");
	is_int(parse(buf, &l, &err), ERR_OK, "255-byte name accepted");
	is_int(strlen(l.name), 255, "255-byte name kept whole");
	memset(buf + 1, 'N', 300);
	strcpy(buf + 301, "/0x08000000/1*1Kg");
	is_int(parse(buf, &l, &err), ERR_OK, "300-byte name accepted");
	is_int(strlen(l.name), DFUSE_MEM_NAME_MAX, "300-byte name cut to 255 bytes");

	/* Exactly the cap is fine; one byte more is rejected. */
	strcpy(buf, "@F/0x0/1*1Kg");
	n = strlen(buf);
	memset(buf + n, ' ', DFUSE_MEM_MAX_STRING - n);
	is_int(dfuse_mem_parse(buf, DFUSE_MEM_MAX_STRING, &l, &err), ERR_OK,
	       "string of exactly %d bytes accepted", DFUSE_MEM_MAX_STRING);
	ok(l.trailing_garbage, "padding after the type letter is trailing garbage");
	memset(buf + n, ' ', sizeof(buf) - n);
	is_int(dfuse_mem_parse(buf, DFUSE_MEM_MAX_STRING + 1, &l, &err), ERR_DATA,
	       "string of %d bytes rejected", DFUSE_MEM_MAX_STRING + 1);
	ok(strstr(err.msg, "1025 bytes") != NULL, "reason names the length (%s)", err.msg);

	/* NUL inside the given length: rejected, naming its offset. */
	memcpy(buf, "@F/0x0/1*1Kg\0,1*1Kg", 20);
	is_int(dfuse_mem_parse(buf, 20, &l, &err), ERR_DATA, "NUL inside the string rejected");
	ok(strstr(err.msg, "offset 12") != NULL, "reason names the NUL's offset (%s)", err.msg);

	/* The length bounds the parse: no reading past it, no NUL needed. */
	memcpy(buf, "@F/0x0/1*1KgZZZZ", 16);
	is_int(dfuse_mem_parse(buf, 12, &l, &err), ERR_OK, "unterminated string parsed by length");
	ok(!l.trailing_garbage, "bytes past the length are not looked at");
	is_int(dfuse_mem_parse(buf, 11, &l, &err), ERR_DATA, "length cutting the type rejected");

	/* 64 groups fit, 65 do not. */
	strcpy(buf, "@F/0x0/");
	for (int i = 0; i < DFUSE_MEM_MAX_SEGMENTS; i++)
		strcat(buf, i == 0 ? "1*1Kg" : ",1*1Kg");
	is_int(parse(buf, &l, &err), ERR_OK, "%d groups accepted", DFUSE_MEM_MAX_SEGMENTS);
	is_int(l.nsegments, DFUSE_MEM_MAX_SEGMENTS, "all %d groups kept", DFUSE_MEM_MAX_SEGMENTS);
	strcat(buf, ",1*1Kg");
	is_int(parse(buf, &l, &err), ERR_DATA, "%d groups rejected", DFUSE_MEM_MAX_SEGMENTS + 1);
	ok(strstr(err.msg, "more than 64") != NULL, "reason names the cap (%s)", err.msg);

	/* The error struct is optional. */
	is_int(parse("@F", &l, NULL), ERR_DATA, "NULL error struct allowed");
}

static void test_error_offsets(void)
{
	struct dfuse_mem_layout l;
	struct error err = { 0 };

	parse("@F/0x08000000/04*016Kg,00*064Kg", &l, &err);
	ok(strstr(err.msg, "'00*064Kg' at offset 23") != NULL,
	   "zero count names group and offset (%s)", err.msg);
	parse("@F/0x08000000/04*016Kh", &l, &err);
	ok(strstr(err.msg, "at offset 21") != NULL, "unknown type names its offset (%s)", err.msg);
	parse("@F/0x0/1*1\x01g", &l, &err);
	ok(strchr(err.msg, '\x01') == NULL, "control characters are not echoed (%s)", err.msg);
	parse("@F/0x08000000/4*16Kg/0x0800C000/1*16Kg", &l, &err);
	is_substr(err.msg, "0x0800c000", "overlap names both ranges (%s)", err.msg);
	is_substr(err.msg, "0x08000000", "overlap names both ranges (%s)", err.msg);
}

static void test_lookups(void)
{
	struct dfuse_mem_layout l;
	struct error err = { 0 };
	const struct dfuse_mem_segment *g;
	uint32_t start = 0, size = 0;

	is_int(parse("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", &l, &err), ERR_OK,
	       "F4 layout for lookups");
	ok(dfuse_mem_find(&l, 0x07FFFFFF) == NULL, "find: below the flash");
	ok(dfuse_mem_find(&l, 0x08000000) == &l.segments[0], "find: first byte");
	ok(dfuse_mem_find(&l, 0x0800FFFF) == &l.segments[0], "find: last byte of 16K group");
	ok(dfuse_mem_find(&l, 0x08010000) == &l.segments[1], "find: end is exclusive");
	ok(dfuse_mem_find(&l, 0x080FFFFF) == &l.segments[2], "find: last byte");
	ok(dfuse_mem_find(&l, 0x08100000) == NULL, "find: one past the end");

	g = dfuse_mem_sector(&l, 0x0800C001, &start, &size);
	is_ptr(g, &l.segments[0], "sector: 16K sector 3 [g]");
	is_int(start, 0x0800C000, "sector: 16K sector 3 [start]");
	is_int(size, 16 * K, "sector: 16K sector 3 [size]");
	g = dfuse_mem_sector(&l, 0x08013456, &start, &size);
	is_ptr(g, &l.segments[1], "sector: the 64K sector [g]");
	is_int(start, 0x08010000, "sector: the 64K sector [start]");
	is_int(size, 64 * K, "sector: the 64K sector [size]");
	g = dfuse_mem_sector(&l, 0x08045678, &start, &size);
	is_ptr(g, &l.segments[2], "sector: second 128K sector [g]");
	is_int(start, 0x08040000, "sector: second 128K sector [start]");
	is_int(size, 128 * K, "sector: second 128K sector [size]");
	g = dfuse_mem_sector(&l, 0x08020000, &start, NULL);
	is_ptr(g, &l.segments[2], "sector: first byte of a sector, size NULL [g]");
	is_int(start, 0x08020000, "sector: first byte of a sector, size NULL [start]");
	ok(dfuse_mem_sector(&l, 0x08100000, NULL, NULL) == NULL, "sector: outside");
	is_int(dfuse_mem_contiguous_end(&l, 0x08000000), 0x08100000, "contiguous_end: whole flash");
	is_int(dfuse_mem_contiguous_end(&l, 0x09000000), 0, "contiguous_end: outside is 0");

	is_int(parse("@F/0x08000800/2*1Kg/0x20000000/1*4Kg/0x08000000/2*1Ka", &l, &err), ERR_OK,
	       "adjacent zones listed out of order");
	is_int(dfuse_mem_contiguous_end(&l, 0x08000000), 0x08001000,
	       "contiguous_end runs across adjacent zones whatever their modes");
	is_int(dfuse_mem_contiguous_end(&l, 0x08000C00), 0x08001000, "contiguous_end from mid-run");
	is_int(dfuse_mem_contiguous_end(&l, 0x20000FFF), 0x20001000, "contiguous_end: lone zone");

	is_int(parse("@Top/0xFFFFF000/1*4Kg", &l, &err), ERR_OK, "layout ending at 4 GiB");
	is_int(dfuse_mem_contiguous_end(&l, 0xFFFFFFFF), 0x100000000ULL, "contiguous_end = 2^32");
	ok(dfuse_mem_find(&l, 0xFFFFFFFF) == &l.segments[0], "find: last address of the space");
}

struct check_row {
	const char *what;
	const char *layout;
	uint64_t start, end;
	uint8_t need;
	bool good;
	uint64_t bad_start, bad_end;
};

#define PROTBOOT "@Internal Flash  /0x08000000/04*016Ka,04*016Kg,03*128Kg"
#define F4	 "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"
#define W	 DFUSE_MEM_WRITEABLE
#define E	 DFUSE_MEM_ERASABLE

static const struct check_row check_rows[] = {
	{ "protboot: write from the start", PROTBOOT, 0x08000000, 0x08080000, W, false, 0x08000000,
	  0x08010000 },
	{ "protboot: write inside the protected part", PROTBOOT, 0x08004000, 0x08005000, W, false,
	  0x08004000, 0x08005000 },
	{ "protboot: write after the protected part", PROTBOOT, 0x08010000, 0x08080000, W, true, 0,
	  0 },
	{ "protboot: last byte writeable", PROTBOOT, 0x0807FFFF, 0x08080000, W, true, 0, 0 },
	{ "protboot: one byte past the end", PROTBOOT, 0x08010000, 0x08080001, W, false, 0x08080000,
	  0x08080001 },
	{ "F4: whole flash writeable", F4, 0x08000000, 0x08100000, W | E, true, 0, 0 },
	{ "empty range is fine", F4, 0x08000000, 0x08000000, W, true, 0, 0 },
	{ "range below the flash", F4, 0x07FFFF00, 0x08000100, W, false, 0x07FFFF00, 0x08000000 },
	{ "option bytes not erasable", "@Option Bytes  /0x1FFFC000/01*016 e", 0x1FFFC000,
	  0x1FFFC010, E, false, 0x1FFFC000, 0x1FFFC010 },
	{ "option bytes writeable", "@Option Bytes  /0x1FFFC000/01*016 e", 0x1FFFC000, 0x1FFFC010,
	  W, true, 0, 0 },
	{ "adjacent read-only groups merge", "@X/0x08000000/01*016Ka,01*016Ka,02*016Kg", 0x08000000,
	  0x08010000, W, false, 0x08000000, 0x08008000 },
	{ "gap and read-only group merge", "@X/0x08000000/1*1Kg/0x08000800/1*1Ka/0x08000C00/1*1Kg",
	  0x08000000, 0x08001000, W, false, 0x08000400, 0x08000C00 },
	{ "gap between zones", "@X/0x08000000/1*1Kg/0x08000800/1*1Kg", 0x08000000, 0x08000C00, W,
	  false, 0x08000400, 0x08000800 },
	{ "past 4 GiB", "@Device Feature/0xFFFF0000/01*004 e", 0xFFFF0000, 0x100000010ULL, W, false,
	  0xFFFF0004, 0x100000010ULL },
	{ "whole space, nothing mapped", "@X/0x0/1*1Kg", 0x400, 0x100000000ULL, 0, false, 0x400,
	  0x100000000ULL },
};

static void test_check(void)
{
	for (size_t i = 0; i < sizeof(check_rows) / sizeof(check_rows[0]); i++) {
		const struct check_row *r = &check_rows[i];
		struct dfuse_mem_layout l;
		struct error err = { 0 };
		uint64_t bs = 1, be = 1;
		bool good;

		if (parse(r->layout, &l, &err) != ERR_OK) {
			ok(false, "%s: layout parses (%s)", r->what, err.msg);
			continue;
		}
		good = dfuse_mem_check(&l, r->start, r->end, r->need, &bs, &be);
		is_int(good, r->good, "%s: verdict", r->what);
		if (!r->good) {
			is_hex(bs, r->bad_start, "%s: bad range start", r->what);
			is_hex(be, r->bad_end, "%s: bad range end", r->what);
		}
	}
	{
		struct dfuse_mem_layout l;

		parse(PROTBOOT, &l, NULL);
		ok(!dfuse_mem_check(&l, 0x08000000, 0x08010000, W, NULL, NULL),
		   "check: NULL out-pointers allowed");
	}
}

static void test_mode_str(void)
{
	char buf[64];
	char tiny[6];

	is_str(dfuse_mem_mode_str(7, buf, sizeof(buf)), "readable, erasable, writeable", "mode 7");
	is_str(dfuse_mem_mode_str(5, buf, sizeof(buf)), "readable, writeable", "mode 5 (e)");
	is_str(dfuse_mem_mode_str(2, buf, sizeof(buf)), "erasable", "mode 2 (b)");
	is_str(dfuse_mem_mode_str(0, buf, sizeof(buf)), "no access", "mode 0");
	memset(tiny, 'x', sizeof(tiny));
	dfuse_mem_mode_str(7, tiny, sizeof(tiny));
	ok(memchr(tiny, '\0', sizeof(tiny)) != NULL, "small buffer stays terminated");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(good_rows) / sizeof(good_rows[0]); i++)
		check_good(&good_rows[i]);
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++)
		check_bad(&bad_rows[i]);
	test_lengths();
	test_error_offsets();
	test_lookups();
	test_check();
	test_mode_str();
	return done_testing();
}
