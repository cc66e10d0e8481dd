/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image model: a firmware image as pieces of bytes at device addresses,
 * whatever file it came from, and building one piece by piece. The readers
 * (ihex.c, srec.c, elf.c, image.c) fill it; the writers (image_write.c) read it.
 */
#include "image_pieces.h"

#include <stdlib.h>
#include <string.h>

const char *image_format_name(enum image_format fmt)
{
	switch (fmt) {
	case IMAGE_FORMAT_AUTO:
		return "auto";
	case IMAGE_FORMAT_BIN:
		return "bin";
	case IMAGE_FORMAT_DFUSE:
		return "dfu";
	case IMAGE_FORMAT_IHEX:
		return "ihex";
	case IMAGE_FORMAT_SREC:
		return "srec";
	case IMAGE_FORMAT_ELF:
		return "elf";
	}
	return "?";
}

const char *image_format_title(enum image_format fmt)
{
	switch (fmt) {
	case IMAGE_FORMAT_AUTO:
		return "image";
	case IMAGE_FORMAT_BIN:
		return "raw binary";
	case IMAGE_FORMAT_DFUSE:
		return "DfuSe .dfu";
	case IMAGE_FORMAT_IHEX:
		return "Intel HEX";
	case IMAGE_FORMAT_SREC:
		return "S-record";
	case IMAGE_FORMAT_ELF:
		return "ELF";
	}
	return "?";
}

void image_init(struct image *img, enum image_format fmt)
{
	memset(img, 0, sizeof(*img));
	img->format = fmt;
	img->addressed = true;
}

void image_free(struct image *img)
{
	for (size_t i = 0; i < img->nblocks; i++)
		free(img->blocks[i]);
	free(img->blocks);
	free(img->pieces);
	free(img->targets);
	memset(img, 0, sizeof(*img));
}

int image_adopt_block(struct image *img, uint8_t *block, struct error *err)
{
	if (img->nblocks == img->blocks_cap) {
		size_t cap = img->blocks_cap == 0 ? 8 : img->blocks_cap * 2;
		uint8_t **v = realloc(img->blocks, cap * sizeof(*v));

		if (v == NULL) {
			free(block);
			return error_set(err, ERR_NOMEM, "out of memory");
		}
		img->blocks = v;
		img->blocks_cap = cap;
	}
	img->blocks[img->nblocks++] = block;
	return ERR_OK;
}

int image_push_piece(struct image *img, const struct image_piece *p, struct error *err)
{
	if ((uint64_t)p->addr + p->len > IMAGE_FOUR_GIB)
		return error_set(err, ERR_DATA, "0x%08x + %u bytes ends past 4 GiB", p->addr,
				 p->len);
	if (img->npieces >= IMAGE_MAX_PIECES)
		return error_set(err, ERR_DATA, "more than %d pieces", IMAGE_MAX_PIECES);
	if (img->total + p->len > DFU_FILE_MAX_SIZE)
		return error_set(err, ERR_DATA, "more than %u bytes of data", DFU_FILE_MAX_SIZE);
	if (img->npieces == img->pieces_cap) {
		size_t cap = img->pieces_cap == 0 ? 16 : img->pieces_cap * 2;
		struct image_piece *v = realloc(img->pieces, cap * sizeof(*v));

		if (v == NULL)
			return error_set(err, ERR_NOMEM, "out of memory for %zu pieces", cap);
		img->pieces = v;
		img->pieces_cap = cap;
	}
	img->pieces[img->npieces++] = *p;
	img->total += p->len;
	return ERR_OK;
}

int image_add(struct image *img, uint32_t addr, const uint8_t *data, uint32_t len, bool has_alt,
	      uint8_t alt, struct error *err)
{
	struct image_piece p = { addr, len, NULL, has_alt, has_alt ? alt : 0 };
	uint8_t *copy;
	int rc;

	if (len == 0)
		return ERR_OK;
	if ((uint64_t)addr + len > IMAGE_FOUR_GIB)
		return error_set(err, ERR_DATA, "0x%08x + %u bytes ends past 4 GiB", addr, len);
	if (len > DFU_FILE_MAX_SIZE)
		return error_set(err, ERR_DATA, "more than %u bytes of data", DFU_FILE_MAX_SIZE);
	copy = malloc(len);
	if (copy == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %u bytes", len);
	memcpy(copy, data, len);
	rc = image_adopt_block(img, copy, err);
	if (rc != ERR_OK)
		return rc;
	p.data = copy;
	return image_push_piece(img, &p, err);
}

static int target_cmp(const void *pa, const void *pb)
{
	const struct image_target *a = pa, *b = pb;

	return (int)a->alt - (int)b->alt;
}

int image_name_alt(struct image *img, uint8_t alt, const char *name, struct error *err)
{
	struct image_target *t = NULL;

	for (size_t i = 0; i < img->ntargets; i++)
		if (img->targets[i].alt == alt)
			t = &img->targets[i];
	if (t == NULL) {
		struct image_target *v = realloc(img->targets, (img->ntargets + 1) * sizeof(*v));

		if (v == NULL)
			return error_set(err, ERR_NOMEM, "out of memory for target names");
		img->targets = v;
		t = &v[img->ntargets++];
		t->alt = alt;
	}
	t->named = name != NULL;
	t->name[0] = '\0';
	if (name != NULL) {
		size_t n = strnlen(name, sizeof(t->name) - 1);

		memcpy(t->name, name, n);
		t->name[n] = '\0';
	}
	qsort(img->targets, img->ntargets, sizeof(*img->targets), target_cmp);
	return ERR_OK;
}

static int piece_cmp(const void *pa, const void *pb)
{
	const struct image_piece *a = pa, *b = pb;

	if (a->has_alt != b->has_alt)
		return a->has_alt ? 1 : -1;
	if (a->alt != b->alt)
		return a->alt < b->alt ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return 0;
}

static bool same_alt(const struct image_piece *a, const struct image_piece *b)
{
	return a->has_alt == b->has_alt && a->alt == b->alt;
}

int image_finish(struct image *img, struct error *err)
{
	size_t out = 0;

	if (img->npieces == 0)
		return ERR_OK;
	qsort(img->pieces, img->npieces, sizeof(*img->pieces), piece_cmp);
	for (size_t i = 1; i < img->npieces; i++) {
		const struct image_piece *a = &img->pieces[i - 1], *b = &img->pieces[i];

		if (same_alt(a, b) && (uint64_t)a->addr + a->len > b->addr)
			return error_set(err, ERR_DATA,
					 "[0x%08x, 0x%08llx) overlaps [0x%08x, 0x%08llx)", b->addr,
					 (unsigned long long)b->addr + b->len, a->addr,
					 (unsigned long long)a->addr + a->len);
	}
	for (size_t i = 1; i < img->npieces; i++) {
		struct image_piece *last = &img->pieces[out];
		const struct image_piece *p = &img->pieces[i];

		if (same_alt(last, p) && (uint64_t)last->addr + last->len == p->addr &&
		    last->data + last->len == p->data) {
			last->len += p->len;
			continue;
		}
		img->pieces[++out] = *p;
	}
	img->npieces = out + 1;
	return ERR_OK;
}

int image_place(struct image *img, uint32_t addr, struct error *err)
{
	if (img->addressed)
		return error_set(err, ERR_USAGE, "a %s file carries its own addresses",
				 image_format_title(img->format));
	for (size_t i = 0; i < img->npieces; i++) {
		uint64_t end = (uint64_t)addr + img->pieces[i].addr + img->pieces[i].len;

		if (end > IMAGE_FOUR_GIB)
			return error_set(err, ERR_DATA,
					 "%u bytes at 0x%08x end past the 4 GiB address space",
					 img->pieces[i].len, addr);
	}
	for (size_t i = 0; i < img->npieces; i++)
		img->pieces[i].addr += addr;
	img->addressed = true;
	return ERR_OK;
}

uint64_t image_size(const struct image *img)
{
	return img->total;
}

const char *image_alt_name(const struct image *img, uint8_t alt)
{
	for (size_t i = 0; i < img->ntargets; i++)
		if (img->targets[i].alt == alt && img->targets[i].named)
			return img->targets[i].name;
	return NULL;
}
