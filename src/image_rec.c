/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the text and ELF readers share: the list of records they fill (sorted,
 * overlap-checked and merged into pieces here once), the line splitter and the
 * hex digit decoder.
 */
#include "image_rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"

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
	if (addr >= IMAGE_FOUR_GIB || len > IMAGE_FOUR_GIB - addr)
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
	rc = image_adopt_block(img, block, err);
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

			rc = image_push_piece(img, &p, err);
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

long image_hex_decode(const uint8_t *s, size_t n, uint8_t *out, size_t *bad)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		int hi = hex_digit_value(s[i]), lo = hex_digit_value(s[i + 1]);

		if (hi < 0 || lo < 0) {
			*bad = hi < 0 ? i : i + 1;
			return -1;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}
