/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * image_write(): an image as a raw binary, a DfuSe .dfu (through
 * dfu_file_write_dfuse()), Intel HEX or S-records (ihex.c, srec.c).
 */
#include "image_write.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ihex.h"
#include "image_out.h"
#include "srec.h"

#define IMAGE_RECORD_LEN_MAX 64

void image_write_opts_init(struct image_write_opts *wo)
{
	memset(wo, 0, sizeof(*wo));
	wo->record_len = 16;
	wo->idVendor = 0xFFFF;
	wo->idProduct = 0xFFFF;
	wo->bcdDevice = 0xFFFF;
}

/* All pieces given an alt here, so (alt, address) orders them. */
static int alt_addr_cmp(const void *pa, const void *pb)
{
	const struct image_piece *a = pa, *b = pb;

	if (a->alt != b->alt)
		return a->alt < b->alt ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return 0;
}

static int addr_cmp(const void *pa, const void *pb)
{
	const struct image_piece *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return 0;
}

/* A copy of the pieces sorted by address alone, for formats that hold no alt. */
static int flat_pieces(const struct image *img, enum image_format fmt, struct image_piece **out,
		       struct error *err)
{
	struct image_piece *v = malloc(img->npieces * sizeof(*v));

	*out = NULL;
	if (v == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %zu pieces", img->npieces);
	memcpy(v, img->pieces, img->npieces * sizeof(*v));
	qsort(v, img->npieces, sizeof(*v), addr_cmp);
	for (size_t i = 1; i < img->npieces; i++) {
		if ((uint64_t)v[i - 1].addr + v[i - 1].len > v[i].addr) {
			error_set(err, ERR_DATA,
				  "alt %u and alt %u both hold bytes at 0x%08x: a %s file has no "
				  "alt settings to tell them apart (write .dfu)",
				  v[i - 1].alt, v[i].alt, v[i].addr, image_format_title(fmt));
			free(v);
			return ERR_DATA;
		}
	}
	*out = v;
	return ERR_OK;
}

static int write_bin(const struct image_piece *v, size_t n, uint8_t **out, size_t *len,
		     struct error *err)
{
	size_t total = 0;
	uint8_t *buf;

	for (size_t i = 1; i < n; i++)
		if ((uint64_t)v[i - 1].addr + v[i - 1].len != v[i].addr)
			return error_set(err, ERR_DATA,
					 "gap at [0x%08llx, 0x%08x) between two pieces: a raw binary "
					 "holds one contiguous range and gaps are never filled "
					 "(write .hex, .srec or .dfu)",
					 (unsigned long long)v[i - 1].addr + v[i - 1].len,
					 v[i].addr);
	for (size_t i = 0; i < n; i++)
		total += v[i].len;
	buf = malloc(total);
	if (buf == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %zu bytes", total);
	total = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(buf + total, v[i].data, v[i].len);
		total += v[i].len;
	}
	*out = buf;
	*len = total;
	return ERR_OK;
}

static int write_dfuse(const struct image *img, const struct image_write_opts *wo, uint8_t **out,
		       size_t *len, struct error *err)
{
	struct image_piece *v = malloc(img->npieces * sizeof(*v));
	struct dfu_file_element *els = calloc(img->npieces, sizeof(*els));
	struct dfu_file_target *tgs = calloc(img->npieces, sizeof(*tgs));
	size_t nt = 0;
	int rc = ERR_OK;

	if (v == NULL || els == NULL || tgs == NULL) {
		rc = error_set(err, ERR_NOMEM, "out of memory for %zu pieces", img->npieces);
		goto out;
	}
	/* Pieces without an alt go to @wo->alt; then one target per alt, in alt order. */
	for (size_t i = 0; i < img->npieces; i++) {
		v[i] = img->pieces[i];
		if (!v[i].has_alt) {
			v[i].has_alt = true;
			v[i].alt = wo->alt;
		}
	}
	qsort(v, img->npieces, sizeof(*v), alt_addr_cmp);
	for (size_t i = 0; i < img->npieces; i++) {
		struct dfu_file_target *t = nt > 0 ? &tgs[nt - 1] : NULL;
		const char *name;

		if (t != NULL && t->alt == v[i].alt &&
		    (uint64_t)v[i - 1].addr + v[i - 1].len > v[i].addr) {
			rc = error_set(err, ERR_DATA,
				       "two pieces for alt %u overlap at 0x%08x (pieces without "
				       "an alt go to alt %u)",
				       v[i].alt, v[i].addr, wo->alt);
			goto out;
		}
		if (t == NULL || t->alt != v[i].alt) {
			t = &tgs[nt++];
			t->alt = v[i].alt;
			t->elements = &els[i];
			name = image_alt_name(img, t->alt);
			if (name == NULL && t->alt == wo->alt)
				name = wo->alt_name;
			if (name != NULL) {
				t->named = true;
				memcpy(t->name, name, strnlen(name, sizeof(t->name) - 1));
			}
		}
		els[i].address = v[i].addr;
		els[i].size = v[i].len;
		els[i].data = v[i].data;
		t->nelements++;
	}
	rc = dfu_file_write_dfuse(tgs, nt, wo->idVendor, wo->idProduct, wo->bcdDevice, out, len,
				  err);
out:
	free(v);
	free(els);
	free(tgs);
	return rc;
}

int image_write(const struct image *img, enum image_format fmt, const struct image_write_opts *wo,
		uint8_t **out, size_t *len, struct error *err)
{
	struct image_write_opts defaults;
	struct image_out o = { 0 };
	struct image_piece *v = NULL;
	unsigned record_len;
	int rc;

	*out = NULL;
	*len = 0;
	if (wo == NULL) {
		image_write_opts_init(&defaults);
		wo = &defaults;
	}
	record_len = wo->record_len == 0 ? 16 : wo->record_len;
	if (record_len > IMAGE_RECORD_LEN_MAX)
		return error_set(err, ERR_USAGE, "%u bytes per record (at most %d)", record_len,
				 IMAGE_RECORD_LEN_MAX);
	if (fmt == IMAGE_FORMAT_AUTO || fmt == IMAGE_FORMAT_ELF)
		return error_set(err, ERR_USAGE, "cannot write %s files (bin, dfu, ihex, srec)",
				 fmt == IMAGE_FORMAT_ELF ? "ELF" : "\"auto\"");
	if (img->npieces == 0)
		return error_set(err, ERR_DATA, "nothing to write: the image holds no data");
	if (fmt == IMAGE_FORMAT_DFUSE)
		return write_dfuse(img, wo, out, len, err);
	rc = flat_pieces(img, fmt, &v, err);
	if (rc != ERR_OK)
		return rc;
	switch (fmt) {
	case IMAGE_FORMAT_BIN:
		rc = write_bin(v, img->npieces, out, len, err);
		break;
	case IMAGE_FORMAT_IHEX:
		ihex_write(v, img->npieces, img->has_start, img->start, record_len, &o);
		break;
	case IMAGE_FORMAT_SREC:
		srec_write(v, img->npieces, img->has_start, img->start, record_len, &o);
		break;
	case IMAGE_FORMAT_AUTO:
	case IMAGE_FORMAT_DFUSE:
	case IMAGE_FORMAT_ELF:
		break;
	}
	free(v);
	if (fmt == IMAGE_FORMAT_IHEX || fmt == IMAGE_FORMAT_SREC) {
		if (o.failed) {
			free(o.p);
			return error_set(err, ERR_NOMEM, "out of memory writing %s",
					 image_format_title(fmt));
		}
		*out = o.p;
		*len = o.len;
	}
	return rc;
}
