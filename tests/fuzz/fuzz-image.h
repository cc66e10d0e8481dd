/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The body shared by the image reader fuzz targets (fuzz-ihex, fuzz-srec,
 * fuzz-elf): parse the input as one format, check every invariant the image
 * model promises, then write the image out as HEX, S-records and .dfu and
 * read each back: the same bytes at the same addresses, or abort().
 */
#ifndef DFUSE_FUZZ_IMAGE_H
#define DFUSE_FUZZ_IMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "image_write.h"

/* Round trips only for images up to this size, to keep executions fast. */
#define FUZZ_IMAGE_ROUND_TRIP_MAX (256u * 1024)

static void fuzz_require(bool cond)
{
	if (!cond)
		abort();
}

/* Pieces sorted by (alt, address), no overlap within an alt, inside 4 GiB and the caps. */
static uint32_t fuzz_image_walk(const struct image *img)
{
	uint64_t total = 0;
	uint32_t sum = 0;

	fuzz_require(img->npieces > 0 && img->npieces <= IMAGE_MAX_PIECES);
	for (size_t i = 0; i < img->npieces; i++) {
		const struct image_piece *p = &img->pieces[i];

		fuzz_require(p->len > 0 && (uint64_t)p->addr + p->len <= (uint64_t)1 << 32);
		if (i > 0) {
			const struct image_piece *q = &img->pieces[i - 1];
			bool same_alt = q->has_alt == p->has_alt && q->alt == p->alt;

			fuzz_require(!same_alt || (uint64_t)q->addr + q->len <= p->addr);
		}
		for (uint32_t k = 0; k < p->len; k++)
			sum = sum * 31 + p->data[k];
		total += p->len;
	}
	fuzz_require(total <= DFU_FILE_MAX_SIZE && total == image_size(img));
	return sum;
}

/* The next (address, byte) of an image seen as one stream, alts ignored. */
struct fuzz_cursor {
	const struct image *img;
	size_t piece;
	uint32_t off;
};

static bool fuzz_next(struct fuzz_cursor *c, uint64_t *addr, uint8_t *byte)
{
	if (c->piece >= c->img->npieces)
		return false;
	*addr = (uint64_t)c->img->pieces[c->piece].addr + c->off;
	*byte = c->img->pieces[c->piece].data[c->off];
	if (++c->off == c->img->pieces[c->piece].len) {
		c->piece++;
		c->off = 0;
	}
	return true;
}

/* Same bytes at the same addresses, however they are cut into pieces. */
static bool fuzz_same_bytes(const struct image *a, const struct image *b)
{
	struct fuzz_cursor ca = { a, 0, 0 }, cb = { b, 0, 0 };
	uint64_t aa, ab;
	uint8_t ba, bb;

	for (;;) {
		bool more_a = fuzz_next(&ca, &aa, &ba), more_b = fuzz_next(&cb, &ab, &bb);

		if (more_a != more_b)
			return false;
		if (!more_a)
			return true;
		if (aa != ab || ba != bb)
			return false;
	}
}

static void fuzz_round_trip(const struct image *img, enum image_format fmt)
{
	uint8_t *out = NULL;
	size_t len = 0;
	struct image back;
	int rc = image_write(img, fmt, NULL, &out, &len, NULL);

	/*
	 * Every parsed image is writable, but for memory and for the .dfu cap of
	 * DFU_FILE_MAX_ELEMENTS elements in one target.
	 */
	fuzz_require(rc == ERR_OK || rc == ERR_NOMEM ||
		     (fmt == IMAGE_FORMAT_DFUSE && img->npieces > DFU_FILE_MAX_ELEMENTS));
	if (rc != ERR_OK)
		return;
	rc = image_parse(out, len, IMAGE_FORMAT_AUTO, 0, &back, NULL);
	/* Our own HEX/SREC/.dfu output reads back; a huge HEX may exceed the input cap. */
	fuzz_require(rc == ERR_OK || len > DFU_FILE_MAX_SIZE);
	if (rc == ERR_OK) {
		fuzz_require(back.format == fmt);
		fuzz_require(fuzz_same_bytes(img, &back));
		/* .dfu holds no start address; S-records always end with one (0: none). */
		if (fmt == IMAGE_FORMAT_DFUSE)
			fuzz_require(!back.has_start);
		else if (img->has_start)
			fuzz_require(back.has_start && back.start == img->start);
		else
			fuzz_require(!back.has_start ||
				     (fmt == IMAGE_FORMAT_SREC && back.start == 0));
		image_free(&back);
	}
	free(out);
}

static int fuzz_image(const uint8_t *data, size_t size, enum image_format fmt)
{
	struct image img, autodetected;
	int rc = image_parse(data, size, fmt, 0, &img, NULL);

	if (image_detect(data, size) == fmt) {
		int rc2 = image_parse(data, size, IMAGE_FORMAT_AUTO, 0, &autodetected, NULL);

		fuzz_require(rc2 == rc);
		if (rc2 == ERR_OK) {
			fuzz_require(fuzz_same_bytes(&img, &autodetected));
			image_free(&autodetected);
		}
	}
	if (rc != ERR_OK) {
		fuzz_require(img.pieces == NULL && img.npieces == 0 && img.blocks == NULL);
		return 0;
	}
	fuzz_require(img.format == fmt && img.addressed);
	fuzz_image_walk(&img);
	if (image_size(&img) <= FUZZ_IMAGE_ROUND_TRIP_MAX) {
		/* No alts in these formats: nothing can clash at one address. */
		fuzz_round_trip(&img, IMAGE_FORMAT_IHEX);
		fuzz_round_trip(&img, IMAGE_FORMAT_SREC);
		fuzz_round_trip(&img, IMAGE_FORMAT_DFUSE);
	}
	image_free(&img);
	return 0;
}

#endif
