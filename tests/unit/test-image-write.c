/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the image writers: exact output for small images, and round
 * trips (write each format, read it back, same pieces and bytes) over images
 * that need 04 records, S1/S2/S3 addresses, several alts, or end at 4 GiB.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "image_write.h"
#include "tap.h"

struct spec_piece {
	uint32_t addr, len;
	bool has_alt;
	uint8_t alt;
};

struct rt_row {
	const char *name;
	size_t n;
	struct spec_piece p[3];
	bool contiguous; /* BIN can hold it */
	bool alts_clash; /* two alts at one address: only .dfu can hold it */
};

static const struct rt_row rt_rows[] = {
	{ "one piece in flash", 1, { { 0x08000000, 1000, false, 0 } }, true, false },
	{ "crossing a 64 KiB boundary, and RAM",
	  2,
	  { { 0x0800FFF0, 40, false, 0 }, { 0x20000000, 5, false, 0 } },
	  false,
	  false },
	{ "low addresses (S1)", 1, { { 0x100, 20, false, 0 } }, true, false },
	{ "24-bit addresses (S2)", 1, { { 0x100000, 300, false, 0 } }, true, false },
	{ "ending at 4 GiB", 1, { { 0xFFFFFFF0, 16, false, 0 } }, true, false },
	{ "two alts",
	  2,
	  { { 0x08000000, 64, true, 0 }, { 0x1FFFC000, 16, true, 1 } },
	  false,
	  false },
	{ "two alts at one address",
	  2,
	  { { 0x08000000, 8, true, 0 }, { 0x08000000, 8, true, 1 } },
	  false,
	  true },
};

static void build(const struct rt_row *r, struct image *img)
{
	uint8_t buf[1000];
	struct error err = { ERR_OK, "" };

	image_init(img, IMAGE_FORMAT_BIN);
	for (size_t i = 0; i < r->n; i++) {
		for (uint32_t k = 0; k < r->p[i].len; k++)
			buf[k] = (uint8_t)(r->p[i].addr + k * 7 + i);
		if (image_add(img, r->p[i].addr, buf, r->p[i].len, r->p[i].has_alt, r->p[i].alt,
			      &err) != ERR_OK)
			diag("image_add: %s", err.msg);
	}
	if (image_finish(img, &err) != ERR_OK)
		diag("image_finish: %s", err.msg);
}

/* Same pieces: addresses, lengths, bytes (and, with @alts, a .dfu's alts: 0 when none). */
static bool same(const struct image *a, const struct image *b, bool alts)
{
	if (a->npieces != b->npieces)
		return false;
	for (size_t i = 0; i < a->npieces; i++) {
		const struct image_piece *x = &a->pieces[i], *y = &b->pieces[i];

		if (x->addr != y->addr || x->len != y->len || memcmp(x->data, y->data, x->len) != 0)
			return false;
		if (alts && (!y->has_alt || y->alt != (x->has_alt ? x->alt : 0)))
			return false;
	}
	return true;
}

static void round_trip(const struct rt_row *r)
{
	static const enum image_format fmts[] = { IMAGE_FORMAT_IHEX, IMAGE_FORMAT_SREC,
						  IMAGE_FORMAT_DFUSE, IMAGE_FORMAT_BIN };
	struct image img;

	build(r, &img);
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		const char *fname = image_format_name(fmts[f]);
		struct error err = { ERR_OK, "" };
		struct image back;
		uint8_t *out = NULL;
		size_t len = 0;
		int want = ERR_OK, rc;

		if ((fmts[f] == IMAGE_FORMAT_BIN && !r->contiguous) ||
		    (fmts[f] != IMAGE_FORMAT_DFUSE && r->alts_clash))
			want = ERR_DATA;
		rc = image_write(&img, fmts[f], NULL, &out, &len, &err);
		is_int(rc, want, "%s: write %s (%s)", r->name, fname, rc ? err.msg : "ok");
		if (rc != ERR_OK) {
			is_ptr(out, NULL, "%s: %s: no output on failure [out]", r->name, fname);
			is_int(len, 0, "%s: %s: no output on failure [len]", r->name, fname);
			continue;
		}
		rc = image_parse(out, len, IMAGE_FORMAT_AUTO, 0, &back, &err);
		is_int(rc, ERR_OK, "%s: %s reads back (%s)", r->name, fname, rc ? err.msg : "ok");
		if (rc == ERR_OK && fmts[f] == IMAGE_FORMAT_BIN)
			rc = image_place(&back, img.pieces[0].addr, &err);
		if (rc == ERR_OK) {
			is_int(back.format, fmts[f], "%s: %s detected", r->name, fname);
			ok(same(&img, &back, fmts[f] == IMAGE_FORMAT_DFUSE), "%s: %s: same pieces",
			   r->name, fname);
		}
		image_free(&back);
		free(out);
	}
	image_free(&img);
}

static void check_text(const struct image *img, enum image_format fmt, unsigned record_len,
		       const char *want, const char *what)
{
	struct image_write_opts wo;
	struct error err = { ERR_OK, "" };
	uint8_t *out = NULL;
	size_t len = 0;
	char *s;

	image_write_opts_init(&wo);
	wo.record_len = record_len;
	is_int(image_write(img, fmt, &wo, &out, &len, &err), ERR_OK, "%s: written", what);
	s = calloc(1, len + 1);
	if (out != NULL)
		memcpy(s, out, len);
	is_str(s, want, "%s: exact text", what);
	free(s);
	free(out);
}

static void test_exact(void)
{
	static const uint8_t data[20] = { 1,  2,  3,  4,  5,  6,  7,  8,  9,
					  10, 11, 12, 13, 14, 15, 16, 17, 18 };
	struct image img;
	struct error err = { ERR_OK, "" };

	image_init(&img, IMAGE_FORMAT_IHEX);
	image_add(&img, 0x0800FFFC, data, 20, false, 0, &err);
	image_finish(&img, &err);
	img.has_start = true;
	img.start = 0x08000101;
	check_text(&img, IMAGE_FORMAT_IHEX, 16,
		   ":020000040800F2\n"
		   ":04FFFC0001020304F7\n"
		   ":020000040801F1\n"
		   ":1000000005060708090A0B0C0D0E0F10111200004F\n"
		   ":0400000508000101ED\n"
		   ":00000001FF\n",
		   "HEX across 64 KiB with a start address");
	check_text(&img, IMAGE_FORMAT_SREC, 16,
		   "S00D000064667573652D7574696CF0\n"
		   "S3150800FFFC0102030405060708090A0B0C0D0E0F105F\n"
		   "S3090801000C11120000BE\n"
		   "S5030002FA\n"
		   "S70508000101F0\n",
		   "SREC with S3 data");
	check_text(&img, IMAGE_FORMAT_IHEX, 32,
		   ":020000040800F2\n"
		   ":04FFFC0001020304F7\n"
		   ":020000040801F1\n"
		   ":1000000005060708090A0B0C0D0E0F10111200004F\n"
		   ":0400000508000101ED\n"
		   ":00000001FF\n",
		   "HEX with 32-byte records: the same when no record is longer");
	image_free(&img);
}

static void test_dfuse(void)
{
	static const uint8_t flash[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	static const uint8_t ob[4] = { 0xaa, 0x55, 0xff, 0x00 };
	struct image img;
	struct image_write_opts wo;
	struct dfu_file_image f;
	struct error err = { ERR_OK, "" };
	uint8_t *out = NULL;
	size_t len = 0;

	image_init(&img, IMAGE_FORMAT_DFUSE);
	image_add(&img, 0x1FFFC000, ob, 4, true, 1, &err);
	image_add(&img, 0x08000000, flash, 8, true, 0, &err);
	image_add(&img, 0x08010000, flash, 4, true, 0, &err);
	image_name_alt(&img, 1, "@Option Bytes  /0x1FFFC000/01*016 e", &err);
	image_finish(&img, &err);
	image_write_opts_init(&wo);
	wo.idVendor = 0x0483;
	wo.idProduct = 0xDF11;
	wo.bcdDevice = 0x2200;
	wo.alt = 0;
	wo.alt_name = "@Internal Flash  /0x08000000/04*016Kg";
	is_int(image_write(&img, IMAGE_FORMAT_DFUSE, &wo, &out, &len, &err), ERR_OK,
	       ".dfu with two alts written");
	is_int(dfu_file_parse(out, len, 0, &f, &err), ERR_OK, "dfu_file_parse() reads it (%s)",
	       err.msg);
	is_int(f.format, DFU_FILE_DFUSE, "two targets, no warnings [f.format]");
	is_int(f.ntargets, 2, "two targets, no warnings [f.ntargets]");
	is_int(f.warnings, 0, "two targets, no warnings [f.warnings]");
	is_int(f.suffix.present, true,
	       "suffix 0483:df11 bcdDevice 0x2200, bcdDFU 0x011a, CRC good [f.suffix.present]");
	is_int(f.suffix.crc_ok, true,
	       "suffix 0483:df11 bcdDevice 0x2200, bcdDFU 0x011a, CRC good [f.suffix.crc_ok]");
	is_int(f.suffix.idVendor, 0x0483,
	       "suffix 0483:df11 bcdDevice 0x2200, bcdDFU 0x011a, CRC good [f.suffix.idVendor]");
	is_int(f.suffix.idProduct, 0xDF11,
	       "suffix 0483:df11 bcdDevice 0x2200, bcdDFU 0x011a, CRC good [f.suffix.idProduct]");
	is_int(f.suffix.bcdDevice, 0x2200,
	       "suffix 0483:df11 bcdDevice 0x2200, bcdDFU 0x011a, CRC good [f.suffix.bcdDevice]");
	is_int(f.suffix.bcdDFU, 0x011A,
	       "suffix 0483:df11 bcdDevice 0x2200, bcdDFU 0x011a, CRC good [f.suffix.bcdDFU]");
	if (f.ntargets == 2) {
		is_int(f.targets[0].alt, 0,
		       "target 0: alt 0, named from the options, 2 elements [f.targets[0].alt]");
		is_int(f.targets[0].named, true,
		       "target 0: alt 0, named from the options, 2 elements [f.targets[0].named]");
		is_str(f.targets[0].name, wo.alt_name,
		       "target 0: alt 0, named from the options, 2 elements [f.targets[0].name]");
		is_int(f.targets[0].nelements, 2,
		       "target 0: alt 0, named from the options, 2 elements [f.targets[0].nelements]");
		is_int(f.targets[1].alt, 1,
		       "target 1: alt 1, named from the image, the option bytes [f.targets[1].alt]");
		is_int(f.targets[1].named, true,
		       "target 1: alt 1, named from the image, the option bytes [f.targets[1].named]");
		is_str(f.targets[1].name, "@Option Bytes  /0x1FFFC000/01*016 e",
		       "target 1: alt 1, named from the image, the option bytes [f.targets[1].name]");
		is_int(f.targets[1].nelements, 1,
		       "target 1: alt 1, named from the image, the option bytes [f.targets[1].nelements]");
		is_int(f.targets[1].elements[0].size, 4,
		       "target 1: alt 1, named from the image, the option bytes [f.targets[1].elements[0].size]");
		is_mem(f.targets[1].elements[0].data, ob, 4,
		       "target 1: alt 1, named from the image, the option bytes [f.targets[1].elements[0].data]");
	} else {
		skip(2, "no targets");
	}
	dfu_file_free(&f);
	free(out);
	image_free(&img);
}

static void test_model(void)
{
	static const uint8_t d[16] = { 0 };
	struct image img;
	struct error err = { ERR_OK, "" };
	uint8_t *out = (uint8_t *)&img;
	size_t len = 1;

	image_init(&img, IMAGE_FORMAT_BIN);
	is_int(image_write(&img, IMAGE_FORMAT_IHEX, NULL, &out, &len, &err), ERR_DATA,
	       "an empty image writes nothing");
	is_ptr(out, NULL, "... and hands back no buffer [out]");
	is_int(len, 0, "... and hands back no buffer [len]");
	image_add(&img, 0x100, d, 16, false, 0, &err);
	is_int(image_write(&img, IMAGE_FORMAT_ELF, NULL, &out, &len, &err), ERR_USAGE,
	       "no ELF writer");
	is_int(image_add(&img, 0xFFFFFFF8, d, 16, false, 0, &err), ERR_DATA,
	       "image_add past 4 GiB refused");
	image_add(&img, 0x108, d, 16, false, 0, &err);
	is_int(image_finish(&img, &err), ERR_DATA, "overlapping pieces refused");
	ok(strstr(err.msg, "[0x00000108, 0x00000118) overlaps [0x00000100, 0x00000110)") != NULL,
	   "... naming both: %s", err.msg);
	image_free(&img);

	image_init(&img, IMAGE_FORMAT_BIN);
	image_add(&img, 0x110, d, 16, false, 0, &err);
	image_add(&img, 0x100, d, 16, false, 0, &err);
	image_add(&img, 0x100, d, 16, true, 2, &err);
	is_int(image_finish(&img, &err), ERR_OK, "the same address in another alt is fine");
	is_int(img.npieces, 3,
	       "sorted by (alt, address); separate copies are not merged [img.npieces]");
	is_int(img.pieces[0].has_alt, false,
	       "sorted by (alt, address); separate copies are not merged [img.pieces[0].has_alt]");
	is_int(img.pieces[0].addr, 0x100,
	       "sorted by (alt, address); separate copies are not merged [img.pieces[0].addr]");
	is_int(img.pieces[1].addr, 0x110,
	       "sorted by (alt, address); separate copies are not merged [img.pieces[1].addr]");
	is_int(img.pieces[2].has_alt, true,
	       "sorted by (alt, address); separate copies are not merged [img.pieces[2].has_alt]");
	is_int(img.pieces[2].alt, 2,
	       "sorted by (alt, address); separate copies are not merged [img.pieces[2].alt]");
	is_int(image_size(&img), 48, "image_size()");
	{
		struct image_write_opts wo;

		image_write_opts_init(&wo);
		wo.record_len = 65;
		is_int(image_write(&img, IMAGE_FORMAT_IHEX, &wo, &out, &len, &err), ERR_USAGE,
		       "65 bytes per record refused");
	}
	image_free(&img);
	is_int(img.npieces, 0, "image_free() zeroes [img.npieces]");
	is_ptr(img.pieces, NULL, "image_free() zeroes [img.pieces]");
	is_ptr(img.blocks, NULL, "image_free() zeroes [img.blocks]");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(rt_rows) / sizeof(rt_rows[0]); i++)
		round_trip(&rt_rows[i]);
	test_exact();
	test_dfuse();
	test_model();
	return done_testing();
}
