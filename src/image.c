/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image model: format names and detection, the dispatch to each reader,
 * the record list the text and ELF readers fill (sorted, overlap-checked,
 * merged into pieces here once), and building images by hand. The writers
 * are in image_write.c.
 */
#include "image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOUR_GIB ((uint64_t)1 << 32)

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

static const struct {
	const char *name;
	enum image_format fmt;
} image_names[] = {
	{ "bin", IMAGE_FORMAT_BIN },	 { "dfu", IMAGE_FORMAT_DFUSE },
	{ "dfuse", IMAGE_FORMAT_DFUSE }, { "hex", IMAGE_FORMAT_IHEX },
	{ "ihex", IMAGE_FORMAT_IHEX },	 { "ihx", IMAGE_FORMAT_IHEX },
	{ "srec", IMAGE_FORMAT_SREC },	 { "s19", IMAGE_FORMAT_SREC },
	{ "s28", IMAGE_FORMAT_SREC },	 { "s37", IMAGE_FORMAT_SREC },
	{ "mot", IMAGE_FORMAT_SREC },	 { "elf", IMAGE_FORMAT_ELF },
	{ "axf", IMAGE_FORMAT_ELF },	 { "out", IMAGE_FORMAT_ELF },
};

/* --format takes every name an extension may have. */
bool image_format_from_name(const char *name, enum image_format *fmt)
{
	for (size_t i = 0; i < sizeof(image_names) / sizeof(image_names[0]); i++) {
		if (strcmp(name, image_names[i].name) == 0) {
			*fmt = image_names[i].fmt;
			return true;
		}
	}
	return false;
}

enum image_format image_format_from_extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash != NULL ? slash : path, '.');
	char ext[8];
	size_t n;

	if (dot == NULL)
		return IMAGE_FORMAT_AUTO;
	n = strlen(dot + 1);
	if (n == 0 || n >= sizeof(ext))
		return IMAGE_FORMAT_AUTO;
	for (size_t i = 0; i <= n; i++) {
		char c = dot[1 + i];

		ext[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	for (size_t i = 0; i < sizeof(image_names) / sizeof(image_names[0]); i++)
		if (strcmp(ext, image_names[i].name) == 0)
			return image_names[i].fmt;
	return IMAGE_FORMAT_AUTO;
}

static bool is_hex_digit(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

enum image_format image_detect(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	if (len >= 4 && memcmp(buf, "\177ELF", 4) == 0)
		return IMAGE_FORMAT_ELF;
	if (len >= 5 && memcmp(buf, "DfuSe", 5) == 0)
		return IMAGE_FORMAT_DFUSE;
	/* Text formats: the first non-blank line decides. */
	while (i < len && (buf[i] == '\r' || buf[i] == '\n' || buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (len - i >= 3 && buf[i] == ':' && is_hex_digit(buf[i + 1]) && is_hex_digit(buf[i + 2]))
		return IMAGE_FORMAT_IHEX;
	if (len - i >= 4 && buf[i] == 'S' && buf[i + 1] >= '0' && buf[i + 1] <= '9' &&
	    is_hex_digit(buf[i + 2]) && is_hex_digit(buf[i + 3]))
		return IMAGE_FORMAT_SREC;
	return IMAGE_FORMAT_BIN;
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

/* Keep @block (malloc'd) until image_free(); frees it on failure. */
static int image_own(struct image *img, uint8_t *block, struct error *err)
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

/* Append a piece (no copy); checks the caps and the 4 GiB end. */
static int image_push(struct image *img, const struct image_piece *p, struct error *err)
{
	if ((uint64_t)p->addr + p->len > FOUR_GIB)
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
	if ((uint64_t)addr + len > FOUR_GIB)
		return error_set(err, ERR_DATA, "0x%08x + %u bytes ends past 4 GiB", addr, len);
	if (len > DFU_FILE_MAX_SIZE)
		return error_set(err, ERR_DATA, "more than %u bytes of data", DFU_FILE_MAX_SIZE);
	copy = malloc(len);
	if (copy == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %u bytes", len);
	memcpy(copy, data, len);
	rc = image_own(img, copy, err);
	if (rc != ERR_OK)
		return rc;
	p.data = copy;
	return image_push(img, &p, err);
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

		if (end > FOUR_GIB)
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

/* ---- records (HEX, SREC, ELF) ---- */

static void record_where(char *buf, size_t size, enum image_where kind,
			 const struct image_record *r)
{
	switch (kind) {
	case IMAGE_WHERE_LINE:
		snprintf(buf, size, "line %zu", r->where);
		return;
	case IMAGE_WHERE_PHDR:
		snprintf(buf, size, "program header %zu at file offset 0x%zx", r->where, r->offset);
		return;
	}
	buf[0] = '\0';
}

int image_records_add(struct image_records *r, enum image_where kind, uint64_t addr,
		      const uint8_t *data, uint32_t len, size_t where, size_t offset,
		      struct error *err)
{
	struct image_record rec = { addr, len, data, where, offset };
	char at[96];

	if (len == 0)
		return ERR_OK;
	record_where(at, sizeof(at), kind, &rec);
	if (addr >= FOUR_GIB || len > FOUR_GIB - addr)
		return error_set(err, ERR_DATA, "%s: 0x%llx + %u bytes ends past 4 GiB", at,
				 (unsigned long long)addr, len);
	if (r->n >= IMAGE_MAX_RECORDS)
		return error_set(err, ERR_DATA, "%s: more than %u data records", at,
				 IMAGE_MAX_RECORDS);
	if (r->total + len > DFU_FILE_MAX_SIZE)
		return error_set(err, ERR_DATA, "%s: more than %u bytes of data", at,
				 DFU_FILE_MAX_SIZE);
	if (r->n == r->cap) {
		size_t cap = r->cap == 0 ? 256 : r->cap * 2;
		struct image_record *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return error_set(err, ERR_NOMEM, "out of memory for %zu records", cap);
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = rec;
	r->total += len;
	return ERR_OK;
}

void image_records_free(struct image_records *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* By address, then by position in the file, so messages name the earlier record first. */
static int record_cmp(const void *pa, const void *pb)
{
	const struct image_record *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->where != b->where)
		return a->where < b->where ? -1 : 1;
	return 0;
}

int image_from_records(struct image *img, struct image_records *r, enum image_where kind,
		       struct error *err)
{
	const struct image_record *reach = NULL; /* the record reaching furthest so far */
	uint8_t *block;
	size_t used = 0;
	int rc;

	if (r->n == 0)
		return error_set(err, ERR_DATA, "no data to write");
	qsort(r->v, r->n, sizeof(*r->v), record_cmp);
	for (size_t i = 0; i < r->n; i++) {
		const struct image_record *s = &r->v[i];

		if (reach != NULL && s->addr < reach->addr + reach->len) {
			char a[96], b[96];

			record_where(a, sizeof(a), kind, s);
			record_where(b, sizeof(b), kind, reach);
			return error_set(err, ERR_DATA,
					 "%s: [0x%08llx, 0x%08llx) overlaps %s [0x%08llx, "
					 "0x%08llx)",
					 a, (unsigned long long)s->addr,
					 (unsigned long long)(s->addr + s->len), b,
					 (unsigned long long)reach->addr,
					 (unsigned long long)(reach->addr + reach->len));
		}
		if (reach == NULL || s->addr + s->len > reach->addr + reach->len)
			reach = s;
	}
	block = malloc((size_t)r->total);
	if (block == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %llu bytes",
				 (unsigned long long)r->total);
	rc = image_own(img, block, err);
	if (rc != ERR_OK)
		return rc;
	for (size_t i = 0; i < r->n; i++) {
		const struct image_record *s = &r->v[i];
		struct image_piece *last = img->npieces > 0 ? &img->pieces[img->npieces - 1] : NULL;

		memcpy(block + used, s->data, s->len);
		if (last != NULL && (uint64_t)last->addr + last->len == s->addr) {
			last->len += s->len;
			img->total += s->len;
		} else {
			struct image_piece p = { (uint32_t)s->addr, s->len, block + used, false,
						 0 };

			rc = image_push(img, &p, err);
			if (rc != ERR_OK)
				return rc;
		}
		used += s->len;
	}
	return ERR_OK;
}

/* ---- text helpers ---- */

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

bool image_next_line(const uint8_t *buf, size_t len, size_t *pos, const uint8_t **line, size_t *n)
{
	const uint8_t *nl;
	size_t start = *pos, end;

	if (start >= len)
		return false;
	nl = memchr(buf + start, '\n', len - start);
	end = nl != NULL ? (size_t)(nl - buf) : len;
	*pos = nl != NULL ? end + 1 : len;
	while (start < end && is_blank(buf[start]))
		start++;
	while (end > start && is_blank(buf[end - 1]))
		end--;
	*line = buf + start;
	*n = end - start;
	return true;
}

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long image_hex_decode(const uint8_t *s, size_t n, uint8_t *out, size_t *bad)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);

		if (hi < 0 || lo < 0) {
			*bad = hi < 0 ? i : i + 1;
			return -1;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

/* ---- parsing ---- */

static int parse_dfu(const uint8_t *buf, size_t len, unsigned flags, struct image *img,
		     struct error *err)
{
	struct dfu_file_image f;
	int rc = dfu_file_parse(buf, len, (flags & IMAGE_FORCE) ? DFU_FILE_FORCE : 0, &f, err);

	if (rc != ERR_OK)
		return rc;
	img->suffix = f.suffix;
	img->dfu_warnings = f.warnings;
	img->trailing_bytes = f.trailing_bytes;
	if (f.warnings != 0)
		img->warnings |= IMAGE_WARN_DFU;
	if (f.format == DFU_FILE_RAW) {
		struct image_piece p = { 0, (uint32_t)f.payload_len, f.payload, false, 0 };

		img->format = IMAGE_FORMAT_BIN;
		img->addressed = false;
		rc = image_push(img, &p, err);
		dfu_file_free(&f);
		return rc;
	}
	img->format = IMAGE_FORMAT_DFUSE;
	for (size_t t = 0; t < f.ntargets && rc == ERR_OK; t++) {
		const struct dfu_file_target *tg = &f.targets[t];

		/* Several targets may share an alt: the first one's name stands for it. */
		if (tg->named && image_alt_name(img, tg->alt) == NULL)
			rc = image_name_alt(img, tg->alt, tg->name, err);
		else if (!tg->named) {
			bool known = false;

			for (size_t i = 0; i < img->ntargets; i++)
				known = known || img->targets[i].alt == tg->alt;
			if (!known)
				rc = image_name_alt(img, tg->alt, NULL, err);
		}
		for (size_t e = 0; e < tg->nelements && rc == ERR_OK; e++) {
			const struct dfu_file_element *el = &tg->elements[e];
			struct image_piece p = { el->address, el->size, el->data, true, tg->alt };

			if (el->size > 0)
				rc = image_push(img, &p, err);
		}
	}
	dfu_file_free(&f);
	if (rc != ERR_OK)
		return rc;
	/* dfu_file_parse() already refused overlaps within an alt. */
	return image_finish(img, err);
}

int image_parse(const uint8_t *buf, size_t len, enum image_format fmt, unsigned flags,
		struct image *img, struct error *err)
{
	int rc = ERR_DATA;

	image_init(img, fmt == IMAGE_FORMAT_AUTO ? image_detect(buf, len) : fmt);
	if (len > DFU_FILE_MAX_SIZE)
		return error_set(err, ERR_DATA, "image of %zu bytes (at most %u allowed)", len,
				 DFU_FILE_MAX_SIZE);
	switch (img->format) {
	case IMAGE_FORMAT_AUTO:
	case IMAGE_FORMAT_BIN:
	case IMAGE_FORMAT_DFUSE:
		if (img->format == IMAGE_FORMAT_DFUSE && (len < 5 || memcmp(buf, "DfuSe", 5))) {
			rc = error_set(err, ERR_DATA, "no \"DfuSe\" prefix at file offset 0");
			break;
		}
		/*
		 * dfu_file_parse() tells raw from DfuSe by the magic itself:
		 * --format bin on a .dfu file still reads the container.
		 */
		rc = parse_dfu(buf, len, flags, img, err);
		break;
	case IMAGE_FORMAT_IHEX:
	case IMAGE_FORMAT_SREC:
	case IMAGE_FORMAT_ELF:
		if (len == 0) {
			rc = error_set(err, ERR_DATA, "empty file");
			break;
		}
		/* A suffix would be read as garbage after the end record or the ELF data. */
		dfu_file_parse_suffix(buf, len, &img->suffix);
		if (img->suffix.present) {
			rc = error_set(err, ERR_DATA,
				       "the file ends in a DFU suffix, which a %s file never "
				       "carries (remove it, e.g. with dfu-suffix -D)",
				       image_format_title(img->format));
			memset(&img->suffix, 0, sizeof(img->suffix));
			break;
		}
		if (img->format == IMAGE_FORMAT_IHEX)
			rc = ihex_parse(buf, len, img, err);
		else if (img->format == IMAGE_FORMAT_SREC)
			rc = srec_parse(buf, len, img, err);
		else
			rc = elf_parse(buf, len, img, err);
		break;
	}
	if (rc != ERR_OK) {
		enum image_format f = img->format;

		image_free(img);
		return error_wrap(err, "%s", image_format_title(f));
	}
	return ERR_OK;
}
