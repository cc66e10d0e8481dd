/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the firmware file parser: DfuSe containers and raw images built
 * by a small generator here, broken in every way a file can be (the real file
 * written by another tool is read in test-image-fixtures.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dfu_file.h"
#include "tap.h"

#define BUF_MAX (64 * 1024)

/* ---- generator ---- */

struct gen_elem {
	uint32_t address;
	uint32_t size;
};

struct gen_target {
	uint8_t alt;
	uint32_t named; /* bTargetNamed as written */
	const char *name;
	size_t nelements;
	struct gen_elem el[4];
	int32_t size_delta; /* added to the correct dwTargetSize */
};

enum image_size_mode { SIZE_WITHOUT_SUFFIX, SIZE_WITH_SUFFIX, SIZE_BOGUS };

struct gen_opts {
	int btargets; /* -1: the number of targets given */
	enum image_size_mode image_size;
	size_t trailing;   /* junk bytes after the last target */
	bool extra_target; /* a target the prefix does not count */
	uint16_t bcdDevice, idProduct, idVendor, bcdDFU;
};

static const struct gen_opts defaults = {
	-1, SIZE_WITHOUT_SUFFIX, 0, false, 0xFFFF, 0xDF11, 0x0483, 0x011A
};

struct out {
	uint8_t b[BUF_MAX];
	size_t len;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->len + n > sizeof(o->b))
		abort();
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

static void put8(struct out *o, uint8_t v)
{
	put(o, &v, 1);
}

static void put16(struct out *o, uint16_t v)
{
	put8(o, (uint8_t)v);
	put8(o, (uint8_t)(v >> 8));
}

static void put32(struct out *o, uint32_t v)
{
	put16(o, (uint16_t)v);
	put16(o, (uint16_t)(v >> 16));
}

static void set32(struct out *o, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		o->b[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* Element data is a pattern of its address, so a wrong pointer shows. */
static uint8_t pattern(uint32_t address, uint32_t i)
{
	return (uint8_t)((address >> 8) ^ (address >> 16) ^ i ^ (i >> 8));
}

static void put_target(struct out *o, const struct gen_target *t)
{
	uint32_t size = 0;
	uint8_t name[255] = { 0 };

	for (size_t e = 0; e < t->nelements; e++)
		size += 8 + t->el[e].size;
	put(o, "Target", 6);
	put8(o, t->alt);
	put32(o, t->named);
	if (t->name != NULL)
		memcpy(name, t->name, strnlen(t->name, sizeof(name)));
	put(o, name, sizeof(name));
	put32(o, (uint32_t)((int64_t)size + t->size_delta));
	put32(o, (uint32_t)t->nelements);
	for (size_t e = 0; e < t->nelements; e++) {
		put32(o, t->el[e].address);
		put32(o, t->el[e].size);
		for (uint32_t i = 0; i < t->el[e].size; i++)
			put8(o, pattern(t->el[e].address, i));
	}
}

static void put_suffix(struct out *o, const struct gen_opts *g)
{
	put16(o, g->bcdDevice);
	put16(o, g->idProduct);
	put16(o, g->idVendor);
	put16(o, g->bcdDFU);
	put(o, "UFD", 3);
	put8(o, 16);
	put32(o, dfu_file_crc(o->b, o->len));
}

/* The DfuSe prefix and targets, without the suffix. */
static void gen_body(struct out *o, const struct gen_target *t, size_t n, const struct gen_opts *g)
{
	o->len = 0;
	put(o, "DfuSe", 5);
	put8(o, 1);
	put32(o, 0);
	put8(o, (uint8_t)(g->btargets < 0 ? (int)n : g->btargets));
	for (size_t i = 0; i < n; i++)
		put_target(o, &t[i]);
	if (g->extra_target)
		put_target(o, &t[0]);
	for (size_t i = 0; i < g->trailing; i++)
		put8(o, 0xA5);
	switch (g->image_size) {
	case SIZE_WITHOUT_SUFFIX:
		set32(o, 6, (uint32_t)o->len);
		break;
	case SIZE_WITH_SUFFIX:
		set32(o, 6, (uint32_t)o->len + 16);
		break;
	case SIZE_BOGUS:
		set32(o, 6, 12345);
		break;
	}
}

static void gen(struct out *o, const struct gen_target *t, size_t n, const struct gen_opts *g)
{
	gen_body(o, t, n, g);
	put_suffix(o, g);
}

static bool element_ok(const struct dfu_file_element *e, uint32_t address, uint32_t size)
{
	if (e->address != address || e->size != size)
		return false;
	for (uint32_t i = 0; i < size; i++) {
		if (e->data[i] != pattern(address, i))
			return false;
	}
	return true;
}

static bool has(const struct error *err, const char *what)
{
	return strstr(err->msg, what) != NULL;
}

/* ---- tests ---- */

static const struct gen_target multi[] = {
	{ 0, 1, "Internal Flash", 2, { { 0x08000000, 1024 }, { 0x08004000, 300 } }, 0 },
	{ 1, 0, NULL, 1, { { 0x1FFFC000, 16 } }, 0 },
	{ 0, 1, "ST...", 3, { { 0x08010000, 5 }, { 0x08020000, 0 }, { 0x08008000, 7 } }, 0 },
};

static struct out o;

static void test_crc(void)
{
	static const uint8_t one_bit[1] = { 0x80 };

	is_int(dfu_file_crc((const uint8_t *)"123456789", 9), 0x340BC6D9u,
	       "crc: complement of the CRC-32 check value 0xCBF43926");
	is_int(dfu_file_crc((const uint8_t *)"", 0), 0xFFFFFFFFu, "crc: empty input");
	is_int(dfu_file_crc(one_bit, 1), 0xC0459352u, "crc: one byte 0x80");
}

static void test_multi(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	int rc;

	gen(&o, multi, 3, &defaults);
	rc = dfu_file_parse(o.b, o.len, 0, &img, &err);
	if (!is_int(rc, ERR_OK, "multi-target file parses")) {
		diag("%s", err.msg);
		return;
	}
	is_int(img.format, DFU_FILE_DFUSE, "format DfuSe");
	is_int(img.warnings, 0, "no warnings");
	is_int(img.suffix.present, true, "suffix present, CRC ok [img.suffix.present]");
	is_int(img.suffix.crc_ok, true, "suffix present, CRC ok [img.suffix.crc_ok]");
	is_int(img.suffix.bcdDevice, 0xFFFF, "suffix fields [img.suffix.bcdDevice]");
	is_int(img.suffix.idProduct, 0xDF11, "suffix fields [img.suffix.idProduct]");
	is_int(img.suffix.idVendor, 0x0483, "suffix fields [img.suffix.idVendor]");
	is_int(img.suffix.bcdDFU, 0x011A, "suffix fields [img.suffix.bcdDFU]");
	is_int(img.ntargets, 3, "three targets");
	is_int(img.targets[0].alt, 0, "target 1 alt");
	ok(img.targets[0].named, "target 1 named");
	is_str(img.targets[0].name, "Internal Flash", "target 1 name");
	is_int(img.targets[0].nelements, 2, "target 1 has 2 elements");
	ok(element_ok(&img.targets[0].elements[0], 0x08000000, 1024), "target 1 element 1");
	ok(element_ok(&img.targets[0].elements[1], 0x08004000, 300), "target 1 element 2");
	is_int(img.targets[1].alt, 1, "target 2 alt 1");
	ok(!img.targets[1].named, "target 2 unnamed");
	is_str(img.targets[1].name, "", "target 2 empty name");
	ok(element_ok(&img.targets[1].elements[0], 0x1FFFC000, 16), "target 2 element");
	is_int(img.targets[2].nelements, 3, "target 3 keeps its zero-size element");
	ok(element_ok(&img.targets[2].elements[0], 0x08010000, 5), "target 3 element 1");
	ok(element_ok(&img.targets[2].elements[1], 0x08020000, 0), "target 3 element 2 is empty");
	ok(element_ok(&img.targets[2].elements[2], 0x08008000, 7),
	   "target 3 element 3, out of address order, accepted");
	dfu_file_free(&img);
	is_ptr(img.targets, NULL, "free leaves a zeroed image: no targets");
	is_int(img.ntargets, 0, "free leaves a zeroed image: count 0");
	dfu_file_free(&img);
	is_ptr(img.targets, NULL, "free twice is harmless: still no targets");
	is_int(img.ntargets, 0, "free twice is harmless: count still 0");
}

static void test_suffix_and_size(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	struct gen_opts g = defaults;

	g.bcdDevice = 0x0200;
	g.idProduct = 0xFFFF;
	g.idVendor = 0xFFFF;
	gen(&o, multi, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "wildcard VID/PID parse");
	is_int(img.suffix.bcdDevice, 0x0200, "wildcards kept as 0xFFFF [img.suffix.bcdDevice]");
	is_int(img.suffix.idProduct, 0xFFFF, "wildcards kept as 0xFFFF [img.suffix.idProduct]");
	is_int(img.suffix.idVendor, 0xFFFF, "wildcards kept as 0xFFFF [img.suffix.idVendor]");
	dfu_file_free(&img);

	g = defaults;
	g.image_size = SIZE_WITH_SUFFIX;
	gen(&o, multi, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "DFUImageSize with suffix");
	is_int(img.warnings, 0, "DFUImageSize with suffix: no warning");
	dfu_file_free(&img);

	g.image_size = SIZE_BOGUS;
	gen(&o, multi, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK,
	       "bogus DFUImageSize still parses");
	is_int(img.warnings, DFU_FILE_WARN_IMAGESIZE, "bogus DFUImageSize warns");
	dfu_file_free(&img);

	g = defaults;
	g.bcdDFU = 0x0100;
	gen(&o, multi, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK,
	       "DfuSe prefix with a plain-DFU bcdDFU: the magic decides");
	is_int(img.format, DFU_FILE_DFUSE, "still DfuSe");
	dfu_file_free(&img);
}

static void test_truncation(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	struct out cut;
	size_t body, bad = 0, bad_whole = 0;
	size_t last_hdr;

	gen_body(&o, multi, 2, &defaults);
	body = o.len;
	/* Cut the body at every byte, then add a valid suffix: each must be refused. */
	for (size_t n = 0; n < body; n++) {
		cut.len = 0;
		put(&cut, o.b, n);
		put_suffix(&cut, &defaults);
		if (dfu_file_parse(cut.b, cut.len, 0, &img, &err) != ERR_DATA) {
			if (bad++ == 0)
				diag("body cut at %zu accepted", n);
		}
		dfu_file_free(&img);
	}
	is_int(bad, 0, "body truncated at each of %zu bytes, suffix re-added: all refused", body);

	/* Header boundaries give a precise cause. */
	cut.len = 0;
	put(&cut, o.b, 8);
	put_suffix(&cut, &defaults);
	dfu_file_parse(cut.b, cut.len, 0, &img, &err);
	ok(has(&err, "prefix truncated"), "cut inside the DfuSe prefix (%s)", err.msg);
	cut.len = 0;
	put(&cut, o.b, 11 + 100);
	put_suffix(&cut, &defaults);
	dfu_file_parse(cut.b, cut.len, 0, &img, &err);
	ok(has(&err, "target 1 at file offset 0xb: prefix truncated"),
	   "cut inside the target prefix (%s)", err.msg);

	/* Every byte of the last element header: target 2's only element. */
	last_hdr = body - 16 - 8;
	for (size_t n = last_hdr; n < last_hdr + 8; n++) {
		cut.len = 0;
		put(&cut, o.b, n);
		put_suffix(&cut, &defaults);
		is_int(dfu_file_parse(cut.b, cut.len, 0, &img, &err), ERR_DATA,
		       "cut at byte %zu of the last element header refused (%s)", n - last_hdr,
		       err.msg);
	}
	cut.len = 0;
	put(&cut, o.b, body - 1);
	put_suffix(&cut, &defaults);
	dfu_file_parse(cut.b, cut.len, 0, &img, &err);
	is_substr(err.msg, "target 2: element 1", "last data byte missing (%s)", err.msg);
	is_substr(err.msg, "size 16 runs past the end of the file", "last data byte missing (%s)",
		  err.msg);

	/* Cutting the whole file (suffix included) anywhere after the magic: always refused. */
	gen(&o, multi, 2, &defaults);
	for (size_t n = 5; n < o.len; n++) {
		if (dfu_file_parse(o.b, n, 0, &img, &err) != ERR_DATA)
			bad_whole++;
		dfu_file_free(&img);
	}
	is_int(bad_whole, 0, "whole file truncated at each of %zu bytes: all refused", o.len);
	dfu_file_parse(o.b, o.len - 1, 0, &img, &err);
	ok(has(&err, "without a DFU suffix"), "DfuSe file without suffix (%s)", err.msg);
}

static void test_crc_errors(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };

	gen(&o, multi, 2, &defaults);
	o.b[o.len - 4] ^= 0x01;
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "CRC off by one bit refused");
	ok(has(&err, "CRC mismatch"), "reason: CRC mismatch (%s)", err.msg);
	is_int(dfu_file_parse(o.b, o.len, DFU_FILE_FORCE, &img, &err), ERR_OK,
	       "CRC off by one bit accepted with force");
	is_int(img.warnings, DFU_FILE_WARN_CRC_FORCED, "force: warning recorded");
	is_int(img.suffix.crc_ok, false, "force: both CRCs reported [img.suffix.crc_ok]");
	isnt_int(img.suffix.crc_stored, img.suffix.crc_computed,
		 "force: both CRCs reported [img.suffix.crc_stored]");
	dfu_file_free(&img);

	gen(&o, multi, 2, &defaults);
	o.b[300] ^= 0x40;
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "one data bit flipped refused");
}

static void test_structure_errors(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	struct gen_opts g = defaults;
	struct gen_target t[2];
	char want[128];

	/* Overlaps: within a target, across targets of one alt; other alts are separate. */
	t[0] = (struct gen_target){ 0, 0, NULL, 2, { { 0x08000000, 64 }, { 0x08000020, 8 } }, 0 };
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "overlapping elements refused");
	is_substr(err.msg, "target 1: element 2", "overlap names both elements (%s)", err.msg);
	is_substr(err.msg, "target 1: element 1", "overlap names both elements (%s)", err.msg);
	t[0] = (struct gen_target){ 0, 0, NULL, 2, { { 0x08000000, 64 }, { 0x08000040, 8 } }, 0 };
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "touching elements accepted");
	dfu_file_free(&img);
	t[0] = (struct gen_target){ 0, 0, NULL, 1, { { 0x08000000, 64 } }, 0 };
	t[1] = (struct gen_target){ 0, 0, NULL, 1, { { 0x0800003F, 1 } }, 0 };
	gen(&o, t, 2, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA,
	       "overlap across two targets of alt 0 refused");
	is_substr(err.msg, "target 2", "names both targets (%s)", err.msg);
	is_substr(err.msg, "target 1", "names both targets (%s)", err.msg);
	t[1].alt = 1;
	gen(&o, t, 2, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK,
	       "same addresses in different alts accepted");
	dfu_file_free(&img);
	t[1] = (struct gen_target){ 0, 0, NULL, 1, { { 0x08000010, 0 } }, 0 };
	gen(&o, t, 2, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK,
	       "zero-size element inside another's range accepted (nothing written)");
	dfu_file_free(&img);

	/* dwTargetSize must match the elements. */
	t[0] = (struct gen_target){ 0, 0, NULL, 1, { { 0x08000000, 64 } }, 8 };
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "dwTargetSize too big refused");
	is_substr(err.msg, "dwTargetSize is 80", "names both sizes (%s)", err.msg);
	is_substr(err.msg, "take 72 bytes", "names both sizes (%s)", err.msg);
	t[0].size_delta = -1;
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA,
	       "dwTargetSize too small refused");
	ok(has(&err, "size 64 runs past the end of the target (63 bytes left)"),
	   "element past the target end (%s)", err.msg);

	/* The message format the user sees, with the element's file offset. */
	t[0] = (struct gen_target){ 0,
				    0,
				    NULL,
				    3,
				    { { 0x08000000, 16 }, { 0x08001000, 16 }, { 0x08002000, 4096 } },
				    -(4096 - 1024) };
	t[1] = t[0];
	t[1].alt = 1;
	gen(&o, t, 2, &g);
	dfu_file_parse(o.b, o.len, 0, &img, &err);
	snprintf(want, sizeof(want),
		 "target 1: element 3 at file offset 0x%zx: size 4096 runs past the end of the "
		 "target (1024 bytes left)",
		 (size_t)(11 + 274 + 24 + 24));
	is_str(err.msg, want, "error names target, element, offset and sizes");
}

/* Limits of the structure: 4 GiB, target counts, trailing bytes. */
static void test_structure_limits(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	struct gen_opts g = defaults;
	struct gen_target t[2];

	/* Address + size past 4 GiB. */
	t[0] = (struct gen_target){ 0, 0, NULL, 1, { { 0xFFFFFF00, 0x100 } }, 0 };
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK,
	       "element ending at 4 GiB accepted");
	dfu_file_free(&img);
	t[0].el[0].size = 0x101;
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "element past 4 GiB refused");
	ok(has(&err, "past 4 GiB"), "reason (%s)", err.msg);

	/* Nothing to write. */
	g.btargets = 0;
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "bTargets 0 refused");
	ok(has(&err, "nothing to write"), "reason (%s)", err.msg);
	g = defaults;
	t[0] = (struct gen_target){ 0, 0, NULL, 0, { { 0, 0 } }, 0 };
	gen(&o, t, 1, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "no elements refused");
	ok(has(&err, "nothing to write"), "reason (%s)", err.msg);

	/* bTargets disagreeing with the targets present. */
	g.btargets = 3;
	gen(&o, multi, 2, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "bTargets 3 with 2 refused");
	is_substr(err.msg, "target 3 at file offset", "reason (%s)", err.msg);
	is_substr(err.msg, "0 bytes left", "reason (%s)", err.msg);
	g.btargets = 1;
	gen(&o, multi, 2, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "bTargets 1 with 2 parses");
	is_int(img.ntargets, 1, "only bTargets targets taken");
	is_int(img.warnings, DFU_FILE_WARN_TRAILING | DFU_FILE_WARN_TARGET_COUNT,
	       "trailing target warns");
	is_int(img.trailing_bytes, 274 + 8 + 16, "trailing_bytes is the second target");
	dfu_file_free(&img);
	g = defaults;
	g.trailing = 5;
	gen(&o, multi, 2, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "trailing junk parses");
	is_int(img.warnings, DFU_FILE_WARN_TRAILING, "trailing junk warns");
	is_int(img.trailing_bytes, 5, "trailing_bytes 5");
	dfu_file_free(&img);

	/* Signatures, version, suffix shape. */
	g = defaults;
	gen_body(&o, multi, 1, &g);
	o.b[11] = 't';
	put_suffix(&o, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "bad Target magic refused");
	ok(has(&err, "no \"Target\" signature"), "reason (%s)", err.msg);
	gen_body(&o, multi, 1, &g);
	o.b[5] = 2;
	put_suffix(&o, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "bVersion 2 refused");
	ok(has(&err, "bVersion is 2"), "reason (%s)", err.msg);
	gen(&o, multi, 1, &g);
	o.b[o.len - 5] = 15;
	is_int(dfu_file_parse(o.b, o.len, DFU_FILE_FORCE, &img, &err), ERR_DATA,
	       "bLength 15 refused even with force");
	ok(has(&err, "bLength 15"), "reason (%s)", err.msg);
	gen(&o, multi, 1, &g);
	o.b[o.len - 8] = 'X';
	is_int(dfu_file_parse(o.b, o.len, DFU_FILE_FORCE, &img, &err), ERR_DATA,
	       "DfuSe file with no UFD signature refused, never taken as raw");
	ok(has(&err, "without a DFU suffix"), "reason (%s)", err.msg);

	/* Element count cap and counts the file cannot hold. */
	gen(&o, multi, 1, &g);
	set32(&o, 11 + 270, DFU_FILE_MAX_ELEMENTS + 1);
	set32(&o, o.len - 4, dfu_file_crc(o.b, o.len - 4));
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "dwNbElements over the cap");
	ok(has(&err, "4097 elements"), "reason (%s)", err.msg);
	set32(&o, 11 + 270, 1000);
	set32(&o, o.len - 4, dfu_file_crc(o.b, o.len - 4));
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA,
	       "dwNbElements the file cannot hold");
	ok(has(&err, "1000 elements need at least 8000 bytes"), "reason (%s)", err.msg);
}

static void test_names(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	struct gen_target t = { 3, 7, NULL, 1, { { 0x20000000, 4 } }, 0 };
	char longname[256];

	memset(longname, 'n', 255);
	longname[255] = '\0';
	t.name = longname;
	gen(&o, &t, 1, &defaults);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "255-byte unterminated name");
	is_int(strlen(img.targets[0].name), 255, "name terminated after 255 bytes");
	is_int(img.targets[0].named, true, "bTargetNamed 7 is named, alt 3 [img.targets[0].named]");
	is_int(img.targets[0].alt, 3, "bTargetNamed 7 is named, alt 3 [img.targets[0].alt]");
	dfu_file_free(&img);
}

static void test_raw(void)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	struct gen_opts g = defaults;
	static const uint8_t fw[] = { 0x00, 0x50, 0x00, 0x20, 0x55, 0x46, 0x44, 0x10, 0xAA };

	o.len = 0;
	put(&o, fw, sizeof(fw));
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "raw without suffix");
	is_int(img.format, DFU_FILE_RAW, "raw payload is the whole file [img.format]");
	is_ptr(img.payload, o.b, "raw payload is the whole file [img.payload]");
	is_int(img.payload_len, sizeof(fw), "raw payload is the whole file [img.payload_len]");
	is_int(img.suffix.present, false, "raw payload is the whole file [img.suffix.present]");
	dfu_file_free(&img);

	g.bcdDFU = 0x0100;
	put_suffix(&o, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "raw with suffix");
	is_int(img.payload_len, sizeof(fw), "suffix removed from the payload [img.payload_len]");
	is_int(img.suffix.present, true, "suffix removed from the payload [img.suffix.present]");
	is_int(img.suffix.crc_ok, true, "suffix removed from the payload [img.suffix.crc_ok]");
	is_int(img.suffix.bcdDFU, 0x0100, "suffix removed from the payload [img.suffix.bcdDFU]");
	dfu_file_free(&img);
	o.b[0] ^= 1;
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "raw with a bad CRC refused");
	is_int(dfu_file_parse(o.b, o.len, DFU_FILE_FORCE, &img, &err), ERR_OK,
	       "raw with a bad CRC accepted with force");
	is_int(img.warnings, DFU_FILE_WARN_CRC_FORCED, "raw force warns");
	dfu_file_free(&img);

	o.len = sizeof(fw);
	put_suffix(&o, &defaults);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA,
	       "raw with a DfuSe-claiming suffix refused");
	ok(has(&err, "suffix says DfuSe but the file has no DfuSe prefix"), "reason (%s)", err.msg);
	is_int(dfu_file_parse(o.b, o.len, DFU_FILE_FORCE, &img, &err), ERR_OK,
	       "raw with a DfuSe-claiming suffix accepted with force");
	is_int(img.warnings, DFU_FILE_WARN_DFUSE_SUFFIX,
	       "force: warned, payload without suffix [img.warnings]");
	is_int(img.payload_len, sizeof(fw),
	       "force: warned, payload without suffix [img.payload_len]");
	dfu_file_free(&img);

	/* "UFD" with a wrong bLength is just data in a raw file. */
	o.len = sizeof(fw);
	put_suffix(&o, &g);
	o.b[o.len - 5] = 17;
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_OK, "raw, UFD with bLength 17");
	is_int(img.suffix.present, false, "not taken as a suffix [img.suffix.present]");
	is_int(img.payload_len, o.len, "not taken as a suffix [img.payload_len]");
	dfu_file_free(&img);

	is_int(dfu_file_parse(o.b, 0, 0, &img, &err), ERR_DATA, "empty file refused");
	is_str(err.msg, "empty image", "reason: empty image");
	o.len = 0;
	put_suffix(&o, &g);
	is_int(dfu_file_parse(o.b, o.len, 0, &img, &err), ERR_DATA, "suffix alone refused");
	ok(has(&err, "empty image"), "reason (%s)", err.msg);
	is_int(dfu_file_parse(o.b, 3, 0, &img, NULL), ERR_OK, "3-byte raw file, NULL error");
	dfu_file_free(&img);
}

/*
 * mkstemp(), but the file can be opened again by name while @fd is open:
 * MinGW's mkstemp() denies other opens on Windows, this test needs them.
 */
static int temp_file(char *path)
{
#ifdef _WIN32
	if (_mktemp(path) == NULL)
		return -1;
	return open(path, O_RDWR | O_CREAT | O_EXCL | O_BINARY, 0600);
#else
	return mkstemp(path);
#endif
}

static void test_load(void)
{
	char path[] = "/tmp/test-dfu-file-XXXXXX";
	uint8_t *buf = NULL;
	size_t len = 1;
	struct error err = { 0 };
	int fd;

	is_int(dfu_file_load("/nonexistent/dir/fw.bin", &buf, &len, &err), ERR_NOINPUT,
	       "missing file: ERR_NOINPUT");
	is_str(err.msg, "cannot open /nonexistent/dir/fw.bin: No such file or directory",
	       "missing file: message");
	is_ptr(buf, NULL, "missing file: nothing returned [buf]");
	is_int(len, 0, "missing file: nothing returned [len]");

	fd = temp_file(path);
	if (fd < 0) {
		skip(8, "temporary file: %s", strerror(errno));
		return;
	}
	gen(&o, multi, 3, &defaults);
	if (write(fd, o.b, o.len) != (ssize_t)o.len)
		diag("short write to %s", path);
	is_int(dfu_file_load(path, &buf, &len, &err), ERR_OK, "load a file");
	is_int(len, o.len, "loaded bytes match [len]");
	is_buf(buf, len, o.b, o.len, "loaded bytes match [buf]");
	free(buf);

	/* Standard input, bigger than one read chunk. */
	if (freopen(path, "rb", stdin) == NULL) {
		skip(2, "freopen: %s", strerror(errno));
	} else {
		is_int(dfu_file_load("-", &buf, &len, &err), ERR_OK, "load standard input");
		is_int(len, o.len, "stdin bytes match [len]");
		is_buf(buf, len, o.b, o.len, "stdin bytes match [buf]");
		free(buf);
	}

	if (ftruncate(fd, 0) != 0)
		diag("ftruncate: %s", strerror(errno));
	is_int(dfu_file_load(path, &buf, &len, &err), ERR_OK, "empty file loads");
	is_int(len, 0, "empty file: length 0");
	is_int(dfu_file_parse(buf, len, 0, &(struct dfu_file_image){ 0 }, &err), ERR_DATA,
	       "empty file: parse says empty image");
	free(buf);

	if (ftruncate(fd, (off_t)DFU_FILE_MAX_SIZE + 1) != 0)
		diag("ftruncate: %s", strerror(errno));
	is_int(dfu_file_load(path, &buf, &len, &err), ERR_DATA, "file over the cap refused");
	close(fd);
	unlink(path);
}

int main(void)
{
	test_crc();
	test_multi();
	test_suffix_and_size();
	test_truncation();
	test_crc_errors();
	test_structure_errors();
	test_structure_limits();
	test_names();
	test_raw();
	test_load();
	return done_testing();
}
