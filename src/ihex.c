/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel HEX (Intel "Hexadecimal Object File Format Specification" rev. A,
 * 1988): record types 00-05, read into image records and written back from
 * pieces. Pure: bytes in, bytes out.
 */
#include "ihex.h"

#include <stdlib.h>
#include <string.h>

#include "image_rec.h"

/* The longest record: count, 2 address bytes, type, 255 data bytes, checksum. */
#define IHEX_RECORD_MAX (1 + 2 + 1 + 255 + 1)

enum {
	IHEX_DATA = 0x00,
	IHEX_EOF = 0x01,
	IHEX_SEGMENT = 0x02, /* extended segment address: USBA, base = USBA * 16 */
	IHEX_START_SEGMENT = 0x03,
	IHEX_LINEAR = 0x04, /* extended linear address: ULBA, base = ULBA << 16 */
	IHEX_START_LINEAR = 0x05,
};

/* The payload length each non-data record type must have. */
static int ihex_fixed_len(uint8_t type)
{
	switch (type) {
	case IHEX_EOF:
		return 0;
	case IHEX_SEGMENT:
	case IHEX_LINEAR:
		return 2;
	case IHEX_START_SEGMENT:
	case IHEX_START_LINEAR:
		return 4;
	}
	return -1;
}

/* One non-empty line, decoded into @rec, its payload length in *@count. */
static int ihex_record(const uint8_t *s, size_t n, size_t line, uint8_t *rec, long *count,
		       struct error *err)
{
	size_t bad = 0;
	long got;
	uint8_t sum = 0;

	if (s[0] != ':')
		return error_set(err, ERR_DATA, "line %zu: does not start with ':'", line);
	s++;
	n--;
	if (n % 2 != 0)
		return error_set(err, ERR_DATA, "line %zu: odd number of hex digits (%zu)", line,
				 n);
	if (n < 10)
		return error_set(err, ERR_DATA,
				 "line %zu: record too short (%zu hex digits, at least 10)", line,
				 n);
	if (n / 2 > IHEX_RECORD_MAX)
		return error_set(err, ERR_DATA, "line %zu: record too long (%zu bytes, at most %d)",
				 line, n / 2, IHEX_RECORD_MAX);
	got = image_hex_decode(s, n, rec, &bad);
	if (got < 0)
		return error_set(err, ERR_DATA, "line %zu: column %zu: '%c' is not a hex digit",
				 line, bad + 2, s[bad] >= ' ' && s[bad] < 0x7f ? s[bad] : '?');
	if ((size_t)rec[0] + 5 != (size_t)got)
		return error_set(err, ERR_DATA,
				 "line %zu: byte count 0x%02x, but the record holds %ld data "
				 "bytes",
				 line, rec[0], got - 5);
	for (long i = 0; i < got - 1; i++)
		sum = (uint8_t)(sum + rec[i]);
	sum = (uint8_t)(0x100 - sum);
	if (rec[got - 1] != sum)
		return error_set(err, ERR_DATA, "line %zu: checksum 0x%02x, computed 0x%02x", line,
				 rec[got - 1], sum);
	*count = rec[0];
	return ERR_OK;
}

int ihex_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err)
{
	struct image_records recs = { 0 };
	uint8_t *bytes = malloc(len / 2 + 1); /* every data byte takes two digits */
	uint8_t rec[IHEX_RECORD_MAX];
	size_t used = 0, pos = 0, line = 0, eof_line = 0, n;
	const uint8_t *s;
	uint32_t base = 0;
	bool segment = false;
	int rc = ERR_OK;

	if (bytes == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %zu bytes", len / 2 + 1);
	while (rc == ERR_OK && image_next_line(buf, len, &pos, &s, &n)) {
		long count = 0;
		uint32_t offset, value;
		uint8_t type;

		line++;
		if (n == 0)
			continue;
		if (eof_line != 0) {
			rc = error_set(err, ERR_DATA,
				       "line %zu: text after the end-of-file record of line %zu",
				       line, eof_line);
			break;
		}
		rc = ihex_record(s, n, line, rec, &count, err);
		if (rc != ERR_OK)
			break;
		offset = (uint32_t)rec[1] << 8 | rec[2];
		type = rec[3];
		if (type != IHEX_DATA && ihex_fixed_len(type) < 0) {
			rc = error_set(err, ERR_DATA, "line %zu: unknown record type 0x%02x", line,
				       type);
			break;
		}
		if (type != IHEX_DATA && count != ihex_fixed_len(type)) {
			rc = error_set(err, ERR_DATA,
				       "line %zu: record type 0x%02x with %ld data bytes (%d "
				       "expected)",
				       line, type, count, ihex_fixed_len(type));
			break;
		}
		value = 0;
		for (long i = 0; i < count && i < 4; i++)
			value = value << 8 | rec[4 + i];
		switch (type) {
		case IHEX_DATA:
			/* Segment addresses wrap inside 64 KiB (spec, type 02): refuse instead. */
			if (segment && offset + (uint32_t)count > 0x10000) {
				rc = error_set(err, ERR_DATA,
					       "line %zu: data at offset 0x%04x + %ld crosses the "
					       "64 KiB segment boundary",
					       line, offset, count);
				break;
			}
			memcpy(bytes + used, rec + 4, (size_t)count);
			rc = image_records_add(&recs, IMAGE_WHERE_LINE, (uint64_t)base + offset,
					       bytes + used, (uint32_t)count, line, 0, err);
			used += (size_t)count;
			break;
		case IHEX_EOF:
			eof_line = line;
			break;
		case IHEX_SEGMENT:
			base = value << 4;
			segment = true;
			break;
		case IHEX_LINEAR:
			base = value << 16;
			segment = false;
			break;
		case IHEX_START_SEGMENT:
			/* CS:IP, recorded as the linear address it names. */
			img->has_start = true;
			img->start = (value >> 16 << 4) + (value & 0xFFFF);
			break;
		case IHEX_START_LINEAR:
			img->has_start = true;
			img->start = value;
			break;
		}
	}
	if (rc == ERR_OK && eof_line == 0)
		rc = error_set(err, ERR_DATA,
			       "no end-of-file record (type 01) after line %zu: truncated?", line);
	if (rc == ERR_OK)
		rc = image_from_records(img, &recs, IMAGE_WHERE_LINE, err);
	image_records_free(&recs);
	free(bytes);
	return rc;
}

/* One record: ':' count, offset, type, data, checksum, LF. */
static void ihex_put(struct image_out *o, uint8_t type, uint16_t offset, const uint8_t *data,
		     size_t n)
{
	uint8_t head[4] = { (uint8_t)n, (uint8_t)(offset >> 8), (uint8_t)offset, type };
	uint8_t sum = 0;

	for (size_t i = 0; i < 4; i++)
		sum = (uint8_t)(sum + head[i]);
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + data[i]);
	sum = (uint8_t)(0x100 - sum);
	image_out_put(o, ":", 1);
	image_out_hex(o, head, 4);
	image_out_hex(o, data, n);
	image_out_hex(o, &sum, 1);
	image_out_put(o, "\n", 1);
}

void ihex_write(const struct image_piece *v, size_t n, bool has_start, uint32_t start,
		unsigned record_len, struct image_out *o)
{
	bool have_ulba = false;
	uint32_t ulba = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t a = v[i].addr;
		const uint8_t *d = v[i].data;
		uint32_t left = v[i].len;

		while (left > 0) {
			uint32_t chunk = left < record_len ? left : record_len;
			uint32_t room = 0x10000 - (uint32_t)(a & 0xFFFF);

			if (chunk > room)
				chunk = room; /* a record never crosses a 64 KiB boundary */
			if (!have_ulba || (uint32_t)(a >> 16) != ulba) {
				uint8_t hi[2] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16) };

				ulba = (uint32_t)(a >> 16);
				have_ulba = true;
				ihex_put(o, IHEX_LINEAR, 0, hi, 2);
			}
			ihex_put(o, IHEX_DATA, (uint16_t)(a & 0xFFFF), d, chunk);
			a += chunk;
			d += chunk;
			left -= chunk;
		}
	}
	if (has_start) {
		uint8_t s[4] = { (uint8_t)(start >> 24), (uint8_t)(start >> 16),
				 (uint8_t)(start >> 8), (uint8_t)start };

		ihex_put(o, IHEX_START_LINEAR, 0, s, 4);
	}
	ihex_put(o, IHEX_EOF, 0, NULL, 0);
}
