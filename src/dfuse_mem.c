/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DfuSe memory-layout strings (AN3156): parsing a device's iInterface string
 * into sector groups, and the address lookups the download and erase steps use.
 */
#include "dfuse_mem.h"

#include <stdio.h>
#include <string.h>

#include "hexdigit.h"

#define FOUR_GIB    ((uint64_t)1 << 32)
#define EXCERPT_MAX 24

struct cursor {
	const char *s;
	size_t len;
	size_t pos;
};

/*
 * A printable excerpt of s[from, to) for messages: at most EXCERPT_MAX bytes,
 * bytes outside printable ASCII shown as '?', so a hostile string cannot put
 * control characters on the user's terminal.
 */
static const char *excerpt(const struct cursor *c, size_t from, size_t to, char *buf, size_t size)
{
	size_t n = 0;

	if (to > c->len)
		to = c->len;
	for (size_t i = from; i < to && n + 4 < size && n < EXCERPT_MAX; i++) {
		unsigned char ch = (unsigned char)c->s[i];

		buf[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	if (from + n < to && n + 4 <= size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Offset of the end of the group that starts at @from: the next ',' or '/', or the end. */
static size_t group_end(const struct cursor *c, size_t from)
{
	while (from < c->len && c->s[from] != ',' && c->s[from] != '/')
		from++;
	return from;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * Decimal digits at the cursor (leading zeros allowed). Returns the number of
 * digits read; *@too_big is set when the value does not fit in 32 bits (the
 * digits are still consumed, so the caller can name them).
 */
static size_t read_decimal(struct cursor *c, uint64_t *value, bool *too_big)
{
	size_t start = c->pos;

	*value = 0;
	*too_big = false;
	while (c->pos < c->len && is_digit(c->s[c->pos])) {
		if (!*too_big) {
			*value = *value * 10 + (uint64_t)(c->s[c->pos] - '0');
			if (*value > UINT32_MAX)
				*too_big = true;
		}
		c->pos++;
	}
	return c->pos - start;
}

/* "0x" then hex digits, at most 32 bits, then '/'. */
static int read_address(struct cursor *c, uint32_t *addr, struct error *err)
{
	size_t start = c->pos;
	uint64_t value = 0;
	bool too_big = false;
	size_t ndigits = 0;
	char buf[EXCERPT_MAX + 4];

	if (c->len - c->pos < 2 || c->s[c->pos] != '0' ||
	    (c->s[c->pos + 1] != 'x' && c->s[c->pos + 1] != 'X'))
		return error_set(err, ERR_DATA,
				 "offset %zu: expected an address starting with 0x, "
				 "found '%s'",
				 start, excerpt(c, start, group_end(c, start), buf, sizeof(buf)));
	c->pos += 2;
	while (c->pos < c->len && hex_digit_value((unsigned char)c->s[c->pos]) >= 0) {
		if (!too_big) {
			value = value * 16 + (uint64_t)hex_digit_value((unsigned char)c->s[c->pos]);
			too_big = value > UINT32_MAX;
		}
		ndigits++;
		c->pos++;
	}
	if (ndigits == 0)
		return error_set(err, ERR_DATA, "offset %zu: address '0x' has no hex digits",
				 start);
	if (too_big)
		return error_set(err, ERR_DATA, "offset %zu: address '%s' does not fit in 32 bits",
				 start, excerpt(c, start, c->pos, buf, sizeof(buf)));
	if (c->pos == c->len || c->s[c->pos] != '/')
		return error_set(err, ERR_DATA, "offset %zu: missing '/' after address '%s'",
				 c->pos, excerpt(c, start, c->pos, buf, sizeof(buf)));
	c->pos++;
	*addr = (uint32_t)value;
	return ERR_OK;
}

/*
 * One group "N*SIZE<mult><type>" at the cursor, placed at *@next; advances
 * *@next past it. Leaves the cursor on the ',' or '/' that follows, or at the end.
 */
static int read_group(struct cursor *c, uint64_t *next, struct dfuse_mem_segment *seg,
		      bool *garbage, struct error *err)
{
	size_t start = c->pos;
	size_t end = group_end(c, start);
	uint64_t count, size, mult, total;
	bool too_big;
	char buf[EXCERPT_MAX + 4];
	const char *text = excerpt(c, start, end, buf, sizeof(buf));

	if (read_decimal(c, &count, &too_big) == 0)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: empty sector count",
				 text, start);
	if (too_big)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: sector count too large",
				 text, start);
	if (c->pos == c->len || c->s[c->pos] != '*')
		return error_set(err, ERR_DATA,
				 "group '%s' at offset %zu: expected '*' at offset %zu", text,
				 start, c->pos);
	c->pos++;
	if (read_decimal(c, &size, &too_big) == 0)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: empty sector size", text,
				 start);
	if (too_big)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: sector size too large",
				 text, start);
	if (c->pos == c->len)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: missing size multiplier",
				 text, start);
	/* AN3156: ' ' bytes, 'K' kilobytes, 'M' megabytes; GD32 parts send 'B' for bytes. */
	switch (c->s[c->pos]) {
	case ' ':
	case 'B':
		mult = 1;
		break;
	case 'K':
		mult = 1024;
		break;
	case 'M':
		mult = 1024 * 1024;
		break;
	default:
		return error_set(err, ERR_DATA,
				 "group '%s' at offset %zu: unknown size multiplier at offset %zu",
				 text, start, c->pos);
	}
	c->pos++;
	if (c->pos == c->len)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: missing type letter",
				 text, start);
	if (c->s[c->pos] < 'a' || c->s[c->pos] > 'g')
		return error_set(err, ERR_DATA,
				 "group '%s' at offset %zu: unknown type letter at offset %zu "
				 "(expected a..g)",
				 text, start, c->pos);
	seg->type = c->s[c->pos];
	seg->mode = (uint8_t)(seg->type - 'a' + 1);
	c->pos++;
	if (c->pos < end) {
		/* Some devices append text after the type letter: keep the group, note it. */
		*garbage = true;
		c->pos = end;
	}

	if (count == 0)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: sector count is 0", text,
				 start);
	if (count > DFUSE_MEM_MAX_SECTORS)
		return error_set(err, ERR_DATA,
				 "group '%s' at offset %zu: %llu sectors (at most %d allowed)",
				 text, start, (unsigned long long)count, DFUSE_MEM_MAX_SECTORS);
	if (size == 0)
		return error_set(err, ERR_DATA, "group '%s' at offset %zu: sector size is 0", text,
				 start);
	if (__builtin_mul_overflow(size, mult, &size) || size > UINT32_MAX)
		return error_set(err, ERR_DATA,
				 "group '%s' at offset %zu: sector size does not fit in 32 bits",
				 text, start);
	if (__builtin_mul_overflow(count, size, &total) || total > FOUR_GIB ||
	    *next + total > FOUR_GIB)
		return error_set(err, ERR_DATA,
				 "group '%s' at offset %zu: region at 0x%08llx ends past 4 GiB",
				 text, start, (unsigned long long)*next);
	seg->start = (uint32_t)*next;
	seg->end = *next + total;
	seg->sector_size = (uint32_t)size;
	seg->count = (uint32_t)count;
	*next = seg->end;
	return ERR_OK;
}

int dfuse_mem_parse(const char *s, size_t len, struct dfuse_mem_layout *out, struct error *err)
{
	struct cursor c = { .s = s, .len = len, .pos = 0 };
	size_t offsets[DFUSE_MEM_MAX_SEGMENTS];
	const char *slash;
	size_t name_len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > DFUSE_MEM_MAX_STRING)
		return error_set(err, ERR_DATA, "layout string of %zu bytes (at most %d allowed)",
				 len, DFUSE_MEM_MAX_STRING);
	if (len > 0 && memchr(s, '\0', len) != NULL)
		return error_set(err, ERR_DATA, "offset %zu: NUL byte inside the layout string",
				 (size_t)((const char *)memchr(s, '\0', len) - s));
	if (len == 0 || s[0] != '@')
		return error_set(err, ERR_DATA, "offset 0: layout string does not start with '@'");
	slash = memchr(s + 1, '/', len - 1);
	if (slash == NULL)
		return error_set(err, ERR_DATA, "offset %zu: missing '/' after the name", len);

	/* The name is kept as sent, trailing spaces included; only its length is capped. */
	name_len = (size_t)(slash - (s + 1));
	if (name_len > DFUSE_MEM_NAME_MAX)
		name_len = DFUSE_MEM_NAME_MAX;
	memcpy(out->name, s + 1, name_len);
	out->name[name_len] = '\0';

	c.pos = (size_t)(slash - s) + 1;
	for (;;) {
		uint32_t addr = 0;
		uint64_t next;

		rc = read_address(&c, &addr, err);
		if (rc != ERR_OK)
			goto fail;
		if (c.pos == c.len || c.s[c.pos] == ',' || c.s[c.pos] == '/') {
			rc = error_set(err, ERR_DATA,
				       "offset %zu: no sector groups after the address", c.pos);
			goto fail;
		}
		next = addr;
		for (;;) {
			if (out->nsegments == DFUSE_MEM_MAX_SEGMENTS) {
				rc = error_set(err, ERR_DATA,
					       "offset %zu: more than %d sector groups", c.pos,
					       DFUSE_MEM_MAX_SEGMENTS);
				goto fail;
			}
			offsets[out->nsegments] = c.pos;
			rc = read_group(&c, &next, &out->segments[out->nsegments],
					&out->trailing_garbage, err);
			if (rc != ERR_OK)
				goto fail;
			out->nsegments++;
			if (c.pos < c.len && c.s[c.pos] == ',') {
				c.pos++;
				continue;
			}
			break;
		}
		if (c.pos == c.len)
			break;
		/* A '/' here starts another zone: "/0xADDR/groups". */
		c.pos++;
	}

	/* Zones may come in any order, but no two groups may share an address. */
	for (size_t i = 0; i < out->nsegments; i++) {
		for (size_t j = i + 1; j < out->nsegments; j++) {
			const struct dfuse_mem_segment *a = &out->segments[i];
			const struct dfuse_mem_segment *b = &out->segments[j];

			if (a->start < b->end && b->start < a->end) {
				rc = error_set(err, ERR_DATA,
					       "group at offset %zu [0x%08x, 0x%08llx) overlaps group "
					       "at offset %zu [0x%08x, 0x%08llx)",
					       offsets[j], b->start, (unsigned long long)b->end,
					       offsets[i], a->start, (unsigned long long)a->end);
				goto fail;
			}
		}
	}
	return ERR_OK;

fail:
	memset(out, 0, sizeof(*out));
	return rc;
}

const struct dfuse_mem_segment *dfuse_mem_find(const struct dfuse_mem_layout *l, uint32_t addr)
{
	for (size_t i = 0; i < l->nsegments; i++) {
		if (addr >= l->segments[i].start && addr < l->segments[i].end)
			return &l->segments[i];
	}
	return NULL;
}

const struct dfuse_mem_segment *dfuse_mem_sector(const struct dfuse_mem_layout *l, uint32_t addr,
						 uint32_t *sector_start, uint32_t *sector_size)
{
	const struct dfuse_mem_segment *seg = dfuse_mem_find(l, addr);
	uint32_t index;

	if (seg == NULL)
		return NULL;
	index = (addr - seg->start) / seg->sector_size;
	if (sector_start != NULL)
		*sector_start = seg->start + index * seg->sector_size;
	if (sector_size != NULL)
		*sector_size = seg->sector_size;
	return seg;
}

/* The segment starting exactly at @addr (which may be 2^32: none), or NULL. */
static const struct dfuse_mem_segment *segment_at(const struct dfuse_mem_layout *l, uint64_t addr)
{
	for (size_t i = 0; i < l->nsegments; i++) {
		if (l->segments[i].start == addr)
			return &l->segments[i];
	}
	return NULL;
}

uint64_t dfuse_mem_contiguous_end(const struct dfuse_mem_layout *l, uint32_t addr)
{
	const struct dfuse_mem_segment *seg = dfuse_mem_find(l, addr);
	uint64_t end;

	if (seg == NULL)
		return 0;
	/* Segments never overlap, so each step moves forward: at most nsegments steps. */
	end = seg->end;
	while ((seg = segment_at(l, end)) != NULL)
		end = seg->end;
	return end;
}

/* The segment containing @addr (64-bit: addresses from 2^32 up are in none), or NULL. */
static const struct dfuse_mem_segment *find64(const struct dfuse_mem_layout *l, uint64_t addr)
{
	if (addr >= FOUR_GIB)
		return NULL;
	return dfuse_mem_find(l, (uint32_t)addr);
}

/* Where the gap starting at @addr ends: the next segment start above it, or @limit. */
static uint64_t gap_end(const struct dfuse_mem_layout *l, uint64_t addr, uint64_t limit)
{
	for (size_t i = 0; i < l->nsegments; i++) {
		if (l->segments[i].start > addr && l->segments[i].start < limit)
			limit = l->segments[i].start;
	}
	return limit;
}

bool dfuse_mem_check(const struct dfuse_mem_layout *l, uint64_t start, uint64_t end, uint8_t need,
		     uint64_t *bad_start, uint64_t *bad_end)
{
	uint64_t pos = start;
	uint64_t bad = 0;
	bool in_bad = false;

	/*
	 * Walk [start, end) piece by piece (a segment or a gap). The first
	 * offending piece opens a bad run; following offending pieces extend it,
	 * so a protected area made of several groups is reported as one range.
	 */
	while (pos < end) {
		const struct dfuse_mem_segment *seg = find64(l, pos);
		uint64_t next = seg != NULL ? seg->end : gap_end(l, pos, end);
		bool good = seg != NULL && (seg->mode & need) == need;

		if (next > end)
			next = end;
		if (good && in_bad)
			break;
		if (!good && !in_bad) {
			in_bad = true;
			bad = pos;
		}
		pos = next;
	}
	if (!in_bad)
		return true;
	if (bad_start != NULL)
		*bad_start = bad;
	if (bad_end != NULL)
		*bad_end = pos;
	return false;
}

const char *dfuse_mem_mode_str(uint8_t mode, char *buf, size_t buflen)
{
	static const struct {
		uint8_t bit;
		const char *word;
	} words[] = {
		{ DFUSE_MEM_READABLE, "readable" },
		{ DFUSE_MEM_ERASABLE, "erasable" },
		{ DFUSE_MEM_WRITEABLE, "writeable" },
	};
	size_t n = 0;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		int w;

		if ((mode & words[i].bit) == 0)
			continue;
		w = snprintf(buf + n, buflen - n, "%s%s", n > 0 ? ", " : "", words[i].word);
		if (w < 0 || (size_t)w >= buflen - n)
			return buf;
		n += (size_t)w;
	}
	if (n == 0)
		snprintf(buf, buflen, "no access");
	return buf;
}

bool dfuse_mem_is_blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF)
			return false;
	return true;
}
