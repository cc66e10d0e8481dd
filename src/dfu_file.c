/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firmware files: the DFU suffix (DFU 1.1 appendix B) and its CRC, raw
 * images, and the DfuSe container (UM0391) split into targets and elements.
 */
#include "dfu_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOUR_GIB	   ((uint64_t)1 << 32)
#define DFUSE_BCD	   0x011A
#define ELEMENT_HEADER_LEN 8

/* UM0391 prefix, target prefix and DFU 1.1 suffix field offsets. */
enum {
	PREFIX_VERSION = 5,
	PREFIX_IMAGE_SIZE = 6,
	PREFIX_TARGETS = 10,
	TARGET_ALT = 6,
	TARGET_NAMED = 7,
	TARGET_NAME = 11,
	TARGET_NAME_LEN = 255,
	TARGET_SIZE = 266,
	TARGET_NB_ELEMENTS = 270,
	SUFFIX_BCD_DEVICE = 0,
	SUFFIX_PRODUCT = 2,
	SUFFIX_VENDOR = 4,
	SUFFIX_BCD_DFU = 6,
	SUFFIX_SIGNATURE = 8,
	SUFFIX_LENGTH = 11,
	SUFFIX_CRC = 12,
};

/* CRC-32 (reflected 0xEDB88320) four bits at a time: table[i] is i shifted through 4 steps. */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
	0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t dfu_file_crc(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 0xF];
		crc = (crc >> 4) ^ crc_nibble[crc & 0xF];
	}
	/* DFU 1.1 appendix B: no final XOR, unlike zlib's crc32(). */
	return crc;
}

/*
 * The one little-endian reader: @n bytes (<= 4) at @off, which the caller has
 * checked lie inside the buffer of length @len.
 */
static uint32_t get_le(const uint8_t *buf, size_t len, size_t off, size_t n)
{
	uint32_t v = 0;

	if (off > len || n > len - off || n > 4)
		return 0;
	for (size_t i = n; i > 0; i--)
		v = (v << 8) | buf[off + i - 1];
	return v;
}

static void parse_suffix(const uint8_t *buf, size_t len, struct dfu_file_suffix *sfx)
{
	size_t at;

	memset(sfx, 0, sizeof(*sfx));
	if (len < DFU_FILE_SUFFIX_LEN)
		return;
	at = len - DFU_FILE_SUFFIX_LEN;
	if (memcmp(buf + at + SUFFIX_SIGNATURE, "UFD", 3) != 0)
		return;
	sfx->signature = true;
	sfx->bLength = buf[at + SUFFIX_LENGTH];
	sfx->bcdDevice = (uint16_t)get_le(buf, len, at + SUFFIX_BCD_DEVICE, 2);
	sfx->idProduct = (uint16_t)get_le(buf, len, at + SUFFIX_PRODUCT, 2);
	sfx->idVendor = (uint16_t)get_le(buf, len, at + SUFFIX_VENDOR, 2);
	sfx->bcdDFU = (uint16_t)get_le(buf, len, at + SUFFIX_BCD_DFU, 2);
	sfx->crc_stored = get_le(buf, len, at + SUFFIX_CRC, 4);
	/* The CRC covers every byte of the file before the dwCRC field. */
	sfx->crc_computed = dfu_file_crc(buf, len - 4);
	sfx->present = sfx->bLength == DFU_FILE_SUFFIX_LEN;
	sfx->crc_ok = sfx->present && sfx->crc_stored == sfx->crc_computed;
}

void dfu_file_parse_suffix(const uint8_t *buf, size_t len, struct dfu_file_suffix *sfx)
{
	parse_suffix(buf, len, sfx);
}

static int check_crc(struct dfu_file_image *img, unsigned flags, struct error *err)
{
	if (img->suffix.crc_ok)
		return ERR_OK;
	if ((flags & DFU_FILE_FORCE) == 0)
		return error_set(err, ERR_DATA,
				 "DFU suffix CRC mismatch: file says 0x%08x, contents give 0x%08x",
				 img->suffix.crc_stored, img->suffix.crc_computed);
	img->warnings |= DFU_FILE_WARN_CRC_FORCED;
	return ERR_OK;
}

static int parse_raw(const uint8_t *buf, size_t len, unsigned flags, struct dfu_file_image *img,
		     struct error *err)
{
	int rc;

	img->format = DFU_FILE_RAW;
	img->payload = buf;
	img->payload_len = len;
	if (!img->suffix.present)
		return ERR_OK;
	img->payload_len = len - DFU_FILE_SUFFIX_LEN;
	rc = check_crc(img, flags, err);
	if (rc != ERR_OK)
		return rc;
	if (img->suffix.bcdDFU == DFUSE_BCD) {
		if ((flags & DFU_FILE_FORCE) == 0)
			return error_set(err, ERR_DATA,
					 "suffix says DfuSe but the file has no DfuSe prefix "
					 "(bcdDFU 0x011a, no \"DfuSe\" magic)");
		img->warnings |= DFU_FILE_WARN_DFUSE_SUFFIX;
	}
	if (img->payload_len == 0)
		return error_set(err, ERR_DATA, "empty image (the file holds only a DFU suffix)");
	return ERR_OK;
}

/* One address range of an element, for the overlap check across the whole file. */
struct span {
	uint64_t start, end;
	size_t target, element; /* 1-based, as in messages */
	size_t offset;		/* file offset of the element header */
	uint8_t alt;
};

struct span_list {
	struct span *v;
	size_t n, cap;
};

/* Make room for @more spans. */
static int span_reserve(struct span_list *l, size_t more, struct error *err)
{
	size_t cap = l->cap;
	struct span *v;

	if (l->n + more <= l->cap)
		return ERR_OK;
	while (cap < l->n + more)
		cap = cap == 0 ? 64 : cap * 2;
	v = realloc(l->v, cap * sizeof(*v));
	if (v == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %zu element ranges", cap);
	l->v = v;
	l->cap = cap;
	return ERR_OK;
}

static int span_cmp(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;

	if (a->alt != b->alt)
		return a->alt < b->alt ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

/*
 * No two non-empty elements written to the same alt setting may share an
 * address: within a target that is a broken file, across targets of one alt
 * the second would overwrite the first. Sorting keeps this O(n log n).
 */
static int check_overlaps(struct span *spans, size_t n, struct error *err)
{
	const struct span *reach = NULL; /* the span reaching furthest so far in this alt */

	if (n < 2)
		return ERR_OK;
	qsort(spans, n, sizeof(*spans), span_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct span *s = &spans[i];

		if (reach != NULL && reach->alt == s->alt && s->start < reach->end)
			return error_set(err, ERR_DATA,
					 "target %zu: element %zu at file offset 0x%zx "
					 "[0x%08llx, 0x%08llx) overlaps target %zu: element %zu at "
					 "file offset 0x%zx [0x%08llx, 0x%08llx) (alt %u)",
					 s->target, s->element, s->offset,
					 (unsigned long long)s->start, (unsigned long long)s->end,
					 reach->target, reach->element, reach->offset,
					 (unsigned long long)reach->start,
					 (unsigned long long)reach->end, s->alt);
		if (reach == NULL || reach->alt != s->alt || s->end > reach->end)
			reach = s;
	}
	return ERR_OK;
}

/*
 * One target at *@off of the DfuSe body buf[0, @len) (the file without its
 * suffix). Fills @t, appends the element ranges to @spans, advances *@off.
 */
static int parse_target(const uint8_t *buf, size_t len, size_t *off, size_t index,
			struct dfu_file_target *t, struct span_list *spans, struct error *err)
{
	size_t at = *off;
	size_t left = len - at;
	uint32_t target_size, nb;
	uint64_t used = 0;

	if (left < DFU_FILE_TARGET_PREFIX_LEN)
		return error_set(err, ERR_DATA,
				 "target %zu at file offset 0x%zx: prefix truncated (%zu bytes "
				 "left, %d needed)",
				 index, at, left, DFU_FILE_TARGET_PREFIX_LEN);
	if (memcmp(buf + at, "Target", 6) != 0)
		return error_set(err, ERR_DATA,
				 "target %zu at file offset 0x%zx: no \"Target\" signature", index,
				 at);
	t->alt = buf[at + TARGET_ALT];
	t->named = get_le(buf, len, at + TARGET_NAMED, 4) != 0;
	/* szTargetName need not be NUL-terminated: copy 255 bytes, terminate ourselves. */
	memcpy(t->name, buf + at + TARGET_NAME, TARGET_NAME_LEN);
	t->name[TARGET_NAME_LEN] = '\0';
	target_size = get_le(buf, len, at + TARGET_SIZE, 4);
	nb = get_le(buf, len, at + TARGET_NB_ELEMENTS, 4);
	at += DFU_FILE_TARGET_PREFIX_LEN;
	left = len - at;

	if (nb > DFU_FILE_MAX_ELEMENTS)
		return error_set(err, ERR_DATA,
				 "target %zu at file offset 0x%zx: %u elements (at most %d "
				 "allowed)",
				 index, *off, nb, DFU_FILE_MAX_ELEMENTS);
	/* Each element needs at least its header: refuse counts the file cannot hold. */
	if ((uint64_t)nb * ELEMENT_HEADER_LEN > left)
		return error_set(err, ERR_DATA,
				 "target %zu at file offset 0x%zx: %u elements need at least %llu "
				 "bytes, %zu left",
				 index, *off, nb, (unsigned long long)nb * ELEMENT_HEADER_LEN,
				 left);
	if (nb > 0) {
		t->elements = calloc(nb, sizeof(*t->elements));
		if (t->elements == NULL)
			return error_set(err, ERR_NOMEM, "out of memory for %u elements", nb);
		if (span_reserve(spans, nb, err) != ERR_OK)
			return ERR_NOMEM;
	}

	for (uint32_t e = 0; e < nb; e++) {
		struct dfu_file_element *el = &t->elements[e];
		uint64_t target_left = target_size - used;

		left = len - at;
		if (left < ELEMENT_HEADER_LEN)
			return error_set(err, ERR_DATA,
					 "target %zu: element %u at file offset 0x%zx: header "
					 "truncated (%zu bytes left)",
					 index, e + 1, at, left);
		if (target_left < ELEMENT_HEADER_LEN)
			return error_set(err, ERR_DATA,
					 "target %zu: element %u at file offset 0x%zx: header runs "
					 "past the end of the target (%llu bytes left of dwTargetSize "
					 "%u)",
					 index, e + 1, at, (unsigned long long)target_left,
					 target_size);
		el->address = get_le(buf, len, at, 4);
		el->size = get_le(buf, len, at + 4, 4);
		if (el->size > left - ELEMENT_HEADER_LEN)
			return error_set(err, ERR_DATA,
					 "target %zu: element %u at file offset 0x%zx: size %u runs "
					 "past the end of the file (%zu bytes left)",
					 index, e + 1, at, el->size, left - ELEMENT_HEADER_LEN);
		if (el->size > target_left - ELEMENT_HEADER_LEN)
			return error_set(err, ERR_DATA,
					 "target %zu: element %u at file offset 0x%zx: size %u runs "
					 "past the end of the target (%llu bytes left)",
					 index, e + 1, at, el->size,
					 (unsigned long long)(target_left - ELEMENT_HEADER_LEN));
		if ((uint64_t)el->address + el->size > FOUR_GIB)
			return error_set(err, ERR_DATA,
					 "target %zu: element %u at file offset 0x%zx: 0x%08x + %u "
					 "ends past 4 GiB",
					 index, e + 1, at, el->address, el->size);
		el->data = buf + at + ELEMENT_HEADER_LEN;
		if (el->size > 0) {
			struct span *s = &spans->v[spans->n++];

			s->start = el->address;
			s->end = (uint64_t)el->address + el->size;
			s->target = index;
			s->element = e + 1;
			s->offset = at;
			s->alt = t->alt;
		}
		t->nelements++;
		used += ELEMENT_HEADER_LEN + (uint64_t)el->size;
		at += ELEMENT_HEADER_LEN + el->size;
	}
	if (used != target_size)
		return error_set(err, ERR_DATA,
				 "target %zu at file offset 0x%zx: dwTargetSize is %u but its %u "
				 "elements take %llu bytes",
				 index, *off, target_size, nb, (unsigned long long)used);
	*off = at;
	return ERR_OK;
}

static int parse_dfuse(const uint8_t *buf, size_t len, unsigned flags, struct dfu_file_image *img,
		       struct error *err)
{
	size_t body = len >= DFU_FILE_SUFFIX_LEN ? len - DFU_FILE_SUFFIX_LEN : 0;
	size_t off = DFU_FILE_DFUSE_PREFIX_LEN;
	size_t nelements = 0;
	struct span_list spans = { 0 };
	uint32_t image_size;
	unsigned ntargets;
	int rc;

	img->format = DFU_FILE_DFUSE;
	/* A file with the DfuSe magic is never treated as raw: its suffix must be sound. */
	if (len < DFU_FILE_SUFFIX_LEN || memcmp(buf + body + SUFFIX_SIGNATURE, "UFD", 3) != 0)
		return error_set(err, ERR_DATA,
				 "DfuSe file without a DFU suffix (no \"UFD\" "
				 "signature in the last 16 bytes)");
	if (!img->suffix.present)
		return error_set(err, ERR_DATA,
				 "DfuSe file with a broken DFU suffix (bLength %u, "
				 "expected 16)",
				 buf[body + SUFFIX_LENGTH]);
	rc = check_crc(img, flags, err);
	if (rc != ERR_OK)
		return rc;
	if (body < DFU_FILE_DFUSE_PREFIX_LEN)
		return error_set(err, ERR_DATA,
				 "DfuSe prefix truncated (%zu bytes before the "
				 "suffix, %d needed)",
				 body, DFU_FILE_DFUSE_PREFIX_LEN);
	if (buf[PREFIX_VERSION] != 1)
		return error_set(err, ERR_DATA, "DfuSe prefix bVersion is %u (only 1 is known)",
				 buf[PREFIX_VERSION]);
	/* Writers disagree whether DFUImageSize counts the suffix: accept both. */
	image_size = get_le(buf, len, PREFIX_IMAGE_SIZE, 4);
	if (image_size != body && image_size != len)
		img->warnings |= DFU_FILE_WARN_IMAGESIZE;
	ntargets = buf[PREFIX_TARGETS];
	if (ntargets == 0)
		return error_set(err, ERR_DATA,
				 "nothing to write: the DfuSe prefix says 0 targets");

	img->targets = calloc(ntargets, sizeof(*img->targets));
	if (img->targets == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %u targets", ntargets);
	for (unsigned i = 0; i < ntargets; i++) {
		/* Counted before parsing so a failed target's elements are freed too. */
		img->ntargets++;
		rc = parse_target(buf, body, &off, i + 1, &img->targets[i], &spans, err);
		if (rc != ERR_OK) {
			free(spans.v);
			return rc;
		}
		nelements += img->targets[i].nelements;
	}
	rc = check_overlaps(spans.v, spans.n, err);
	free(spans.v);
	if (rc != ERR_OK)
		return rc;
	if (nelements == 0)
		return error_set(err, ERR_DATA, "nothing to write: no target holds an element");
	if (off < body) {
		img->warnings |= DFU_FILE_WARN_TRAILING;
		img->trailing_bytes = body - off;
		/* Another target after the announced ones: bTargets is probably wrong. */
		if (body - off >= 6 && memcmp(buf + off, "Target", 6) == 0)
			img->warnings |= DFU_FILE_WARN_TARGET_COUNT;
	}
	return ERR_OK;
}

int dfu_file_parse(const uint8_t *buf, size_t len, unsigned flags, struct dfu_file_image *img,
		   struct error *err)
{
	int rc;

	memset(img, 0, sizeof(*img));
	if (len == 0)
		return error_set(err, ERR_DATA, "empty image");
	if (len > DFU_FILE_MAX_SIZE)
		return error_set(err, ERR_DATA, "image of %zu bytes (at most %u allowed)", len,
				 DFU_FILE_MAX_SIZE);
	parse_suffix(buf, len, &img->suffix);
	/* UM0391: the "DfuSe" magic identifies the container, whatever the suffix says. */
	if (len >= 5 && memcmp(buf, "DfuSe", 5) == 0)
		rc = parse_dfuse(buf, len, flags, img, err);
	else
		rc = parse_raw(buf, len, flags, img, err);
	if (rc != ERR_OK)
		dfu_file_free(img);
	return rc;
}

void dfu_file_free(struct dfu_file_image *img)
{
	if (img->targets != NULL) {
		for (size_t i = 0; i < img->ntargets; i++)
			free(img->targets[i].elements);
		free(img->targets);
	}
	memset(img, 0, sizeof(*img));
}

static void put_le(uint8_t *p, uint32_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void dfu_file_put_suffix(uint8_t *buf, size_t at, uint16_t bcdDevice, uint16_t idProduct,
			 uint16_t idVendor, uint16_t bcdDFU)
{
	uint8_t *p = buf + at;

	put_le(p + SUFFIX_BCD_DEVICE, bcdDevice, 2);
	put_le(p + SUFFIX_PRODUCT, idProduct, 2);
	put_le(p + SUFFIX_VENDOR, idVendor, 2);
	put_le(p + SUFFIX_BCD_DFU, bcdDFU, 2);
	memcpy(p + SUFFIX_SIGNATURE, "UFD", 3);
	p[SUFFIX_LENGTH] = DFU_FILE_SUFFIX_LEN;
	/* DFU 1.1 appendix B: the CRC covers everything before dwCRC. */
	put_le(p + SUFFIX_CRC, dfu_file_crc(buf, at + SUFFIX_CRC), 4);
}

int dfu_file_write_dfuse(const struct dfu_file_target *targets, size_t ntargets, uint16_t idVendor,
			 uint16_t idProduct, uint16_t bcdDevice, uint8_t **out, size_t *len,
			 struct error *err)
{
	return dfu_file_write_dfuse_ex(targets, ntargets, idVendor, idProduct, bcdDevice, 0, out,
				       len, err);
}

int dfu_file_write_dfuse_ex(const struct dfu_file_target *targets, size_t ntargets,
			    uint16_t idVendor, uint16_t idProduct, uint16_t bcdDevice,
			    unsigned flags, uint8_t **out, size_t *len, struct error *err)
{
	uint64_t total = DFU_FILE_DFUSE_PREFIX_LEN + DFU_FILE_SUFFIX_LEN;
	uint8_t *buf, *p;

	*out = NULL;
	*len = 0;
	if (ntargets == 0 || ntargets > DFU_FILE_MAX_TARGETS)
		return error_set(err, ERR_DATA, "%zu targets (1 to %d can be written)", ntargets,
				 DFU_FILE_MAX_TARGETS);
	for (size_t t = 0; t < ntargets; t++) {
		if (targets[t].nelements > DFU_FILE_MAX_ELEMENTS)
			return error_set(err, ERR_DATA, "target %zu: %zu elements (at most %d)",
					 t + 1, targets[t].nelements, DFU_FILE_MAX_ELEMENTS);
		total += DFU_FILE_TARGET_PREFIX_LEN;
		for (size_t e = 0; e < targets[t].nelements; e++)
			total += ELEMENT_HEADER_LEN + (uint64_t)targets[t].elements[e].size;
		if (total > DFU_FILE_MAX_SIZE)
			return error_set(err, ERR_DATA, "the .dfu file would exceed %u bytes",
					 DFU_FILE_MAX_SIZE);
	}
	buf = calloc(1, (size_t)total);
	if (buf == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %llu bytes",
				 (unsigned long long)total);
	memcpy(buf, "DfuSe", 5);
	buf[PREFIX_VERSION] = 1;
	put_le(buf + PREFIX_IMAGE_SIZE,
	       (uint32_t)((flags & DFU_FILE_SIZE_WITH_SUFFIX) != 0 ? total
								   : total - DFU_FILE_SUFFIX_LEN),
	       4);
	buf[PREFIX_TARGETS] = (uint8_t)ntargets;
	p = buf + DFU_FILE_DFUSE_PREFIX_LEN;
	for (size_t t = 0; t < ntargets; t++) {
		const struct dfu_file_target *tg = &targets[t];
		uint64_t size = 0;

		for (size_t e = 0; e < tg->nelements; e++)
			size += ELEMENT_HEADER_LEN + (uint64_t)tg->elements[e].size;
		memcpy(p, "Target", 6);
		p[TARGET_ALT] = tg->alt;
		put_le(p + TARGET_NAMED, tg->named ? 1 : 0, 4);
		if (tg->named)
			memcpy(p + TARGET_NAME, tg->name, strnlen(tg->name, TARGET_NAME_LEN));
		put_le(p + TARGET_SIZE, (uint32_t)size, 4);
		put_le(p + TARGET_NB_ELEMENTS, (uint32_t)tg->nelements, 4);
		p += DFU_FILE_TARGET_PREFIX_LEN;
		for (size_t e = 0; e < tg->nelements; e++) {
			const struct dfu_file_element *el = &tg->elements[e];

			put_le(p, el->address, 4);
			put_le(p + 4, el->size, 4);
			if (el->size > 0)
				memcpy(p + ELEMENT_HEADER_LEN, el->data, el->size);
			p += ELEMENT_HEADER_LEN + el->size;
		}
	}
	dfu_file_put_suffix(buf, (size_t)(p - buf), bcdDevice, idProduct, idVendor, DFUSE_BCD);
	*out = buf;
	*len = (size_t)total;
	return ERR_OK;
}

int dfu_file_load(const char *path, uint8_t **buf, size_t *len, struct error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	const char *shown = is_stdin ? "standard input" : path;
	size_t cap = 64 * 1024, n = 0;
	uint8_t *data;
	int rc = ERR_OK;

	*buf = NULL;
	*len = 0;
	if (f == NULL)
		return error_set(err, ERR_NOINPUT, "cannot open %s: %s", path, strerror(errno));
	data = malloc(cap);
	if (data == NULL) {
		rc = error_set(err, ERR_NOMEM, "out of memory reading %s", shown);
		goto out;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			/* Grow up to one byte past the cap, to tell "exactly the cap" from "more". */
			size_t next = cap * 2 > (size_t)DFU_FILE_MAX_SIZE + 1
					      ? (size_t)DFU_FILE_MAX_SIZE + 1
					      : cap * 2;
			uint8_t *bigger;

			if (next == cap) {
				rc = error_set(err, ERR_DATA, "%s is larger than %u bytes", shown,
					       DFU_FILE_MAX_SIZE);
				goto out;
			}
			bigger = realloc(data, next);
			if (bigger == NULL) {
				rc = error_set(err, ERR_NOMEM, "out of memory reading %s", shown);
				goto out;
			}
			data = bigger;
			cap = next;
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				rc = error_set(err, ERR_NOINPUT, "cannot read %s: %s", shown,
					       strerror(errno));
				goto out;
			}
			break;
		}
	}
	if (n > DFU_FILE_MAX_SIZE) {
		rc = error_set(err, ERR_DATA, "%s is larger than %u bytes", shown,
			       DFU_FILE_MAX_SIZE);
		goto out;
	}
	*buf = data;
	*len = n;
	data = NULL;
out:
	free(data);
	if (!is_stdin)
		fclose(f);
	return rc;
}

/*
 * Vendor prefixes that dfu-prefix adds and a DFU host sends as part of the
 * payload. TI Stellaris (the boot loader's DFU download header, SPMU048 /
 * usblib's "DFU binary prefix"): 0x01 0x00, the flash address in KiB (LE16),
 * the payload length (LE32). NXP LPC18xx/43xx unencrypted boot image header
 * (UM10503, "Boot image header"): AES_ACTIVE/HASH_ACTIVE bits 0x1A, 0x3F,
 * HASH_SIZE in 512-byte blocks (LE16), 8 zero bytes, 4 bytes 0xFF. The
 * Stellaris header is recognised by its first two bytes, the LPC one by the
 * low six bits of its first two, as dfu-util 0.11 recognises them; either
 * only where the buffer holds all of it.
 */
void dfu_file_parse_prefix(const uint8_t *buf, size_t len, struct dfu_file_prefix *pfx)
{
	memset(pfx, 0, sizeof(*pfx));
	if (len < DFU_FILE_STELLARIS_PREFIX_LEN)
		return;
	if (buf[0] == 0x01 && buf[1] == 0x00) {
		pfx->type = DFU_FILE_PREFIX_STELLARIS;
		pfx->len = DFU_FILE_STELLARIS_PREFIX_LEN;
		pfx->address = 1024 * get_le(buf, len, 2, 2);
		pfx->payload_len = get_le(buf, len, 4, 4);
	} else if (len >= DFU_FILE_LPC_PREFIX_LEN && (buf[0] & 0x3F) == 0x1A &&
		   (buf[1] & 0x3F) == 0x3F) {
		pfx->type = DFU_FILE_PREFIX_LPC;
		pfx->len = DFU_FILE_LPC_PREFIX_LEN;
		pfx->lpc_blocks = (uint16_t)get_le(buf, len, 2, 2);
	}
}

int dfu_file_make_prefix(enum dfu_file_prefix_type type, uint32_t address, size_t count,
			 uint8_t out[DFU_FILE_LPC_PREFIX_LEN], size_t *n, struct error *err)
{
	uint64_t blocks = ((uint64_t)count + 511) / 512;

	*n = 0;
	memset(out, 0, DFU_FILE_LPC_PREFIX_LEN);
	switch (type) {
	case DFU_FILE_PREFIX_NONE:
		return ERR_OK;
	case DFU_FILE_PREFIX_STELLARIS:
		if (address % 1024 != 0 || address / 1024 > 0xFFFF)
			return error_set(err, ERR_USAGE,
					 "Stellaris address 0x%08x is not a multiple of 1 KiB "
					 "below 64 MiB",
					 (unsigned)address);
		if ((uint64_t)count > UINT32_MAX)
			return error_set(err, ERR_DATA, "%zu bytes do not fit a Stellaris prefix",
					 count);
		out[0] = 0x01;
		put_le(out + 2, address / 1024, 2);
		put_le(out + 4, (uint32_t)count, 4);
		*n = DFU_FILE_STELLARIS_PREFIX_LEN;
		return ERR_OK;
	case DFU_FILE_PREFIX_LPC:
		if (blocks > 0xFFFF)
			return error_set(err, ERR_DATA,
					 "%zu bytes are more than an LPC prefix can count "
					 "(65535 blocks of 512 bytes)",
					 count);
		out[0] = 0x1A;
		out[1] = 0x3F;
		put_le(out + 2, (uint32_t)blocks, 2);
		memset(out + 12, 0xFF, 4);
		*n = DFU_FILE_LPC_PREFIX_LEN;
		return ERR_OK;
	}
	return error_set(err, ERR_USAGE, "unknown prefix type %d", (int)type);
}
