/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Motorola S-records (the srec(5) format): S0 header, S1/S2/S3 data with
 * 16/24/32-bit addresses, S5/S6 record counts, S7/S8/S9 termination (a
 * file must hold a count or a termination record, so that a cut one is
 * noticed). Read into image records and written back from pieces. Pure.
 */
#include "srec.h"

#include <stdlib.h>
#include <string.h>

#include "image_rec.h"

/* The longest record: the count byte and the 255 bytes it counts. */
#define SREC_RECORD_MAX 256

/* Address bytes of each record type; 0 for the reserved S4. */
static const uint8_t srec_addr_len[10] = { 2, 2, 3, 4, 0, 2, 3, 4, 3, 2 };

/* One non-empty line, decoded into @rec (count byte first); its type in *@type. */
static int srec_record(const uint8_t *s, size_t n, size_t line, uint8_t *rec, unsigned *type,
		       size_t *nbytes, struct error *err)
{
	size_t bad = 0;
	long got;
	uint8_t sum = 0;

	if (s[0] != 'S' || n < 2 || s[1] < '0' || s[1] > '9')
		return error_set(err, ERR_DATA, "line %zu: does not start with S0..S9", line);
	*type = (unsigned)(s[1] - '0');
	if (*type == 4)
		return error_set(err, ERR_DATA, "line %zu: record type S4 is reserved", line);
	s += 2;
	n -= 2;
	if (n % 2 != 0)
		return error_set(err, ERR_DATA, "line %zu: odd number of hex digits (%zu)", line,
				 n);
	if (n < 2)
		return error_set(err, ERR_DATA, "line %zu: no byte count", line);
	if (n / 2 > SREC_RECORD_MAX)
		return error_set(err, ERR_DATA, "line %zu: record too long (%zu bytes, at most %d)",
				 line, n / 2, SREC_RECORD_MAX);
	got = image_hex_decode(s, n, rec, &bad);
	if (got < 0)
		return error_set(err, ERR_DATA, "line %zu: column %zu: '%c' is not a hex digit",
				 line, bad + 3, s[bad] >= ' ' && s[bad] < 0x7f ? s[bad] : '?');
	if ((size_t)rec[0] + 1 != (size_t)got)
		return error_set(err, ERR_DATA,
				 "line %zu: byte count 0x%02x, but %ld bytes follow it", line,
				 rec[0], got - 1);
	if (rec[0] < srec_addr_len[*type] + 1)
		return error_set(err, ERR_DATA,
				 "line %zu: byte count %u too small for an S%u record (at least "
				 "%u)",
				 line, rec[0], *type, srec_addr_len[*type] + 1u);
	for (long i = 0; i < got - 1; i++)
		sum = (uint8_t)(sum + rec[i]);
	sum = (uint8_t)~sum;
	if (rec[got - 1] != sum)
		return error_set(err, ERR_DATA, "line %zu: checksum 0x%02x, computed 0x%02x", line,
				 rec[got - 1], sum);
	*nbytes = (size_t)got;
	return ERR_OK;
}

int srec_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err)
{
	struct image_records recs = { 0 };
	uint8_t *bytes = malloc(len / 2 + 1);
	uint8_t rec[SREC_RECORD_MAX];
	size_t used = 0, pos = 0, line = 0, end_line = 0, count_line = 0, ndata = 0, n;
	const uint8_t *s;
	int rc = ERR_OK;

	if (bytes == NULL)
		return error_set(err, ERR_NOMEM, "out of memory for %zu bytes", len / 2 + 1);
	while (rc == ERR_OK && image_next_line(buf, len, &pos, &s, &n)) {
		unsigned type = 0;
		size_t nbytes = 0, alen, dlen;
		uint32_t addr = 0;

		line++;
		if (n == 0)
			continue;
		if (end_line != 0) {
			rc = error_set(err, ERR_DATA,
				       "line %zu: text after the termination record of line %zu",
				       line, end_line);
			break;
		}
		rc = srec_record(s, n, line, rec, &type, &nbytes, err);
		if (rc != ERR_OK)
			break;
		alen = srec_addr_len[type];
		dlen = nbytes - 2 - alen; /* count byte, address, checksum */
		for (size_t i = 0; i < alen; i++)
			addr = addr << 8 | rec[1 + i];
		switch (type) {
		case 0:
			break; /* header: free text, nothing to write */
		case 1:
		case 2:
		case 3:
			ndata++;
			memcpy(bytes + used, rec + 1 + alen, dlen);
			rc = image_records_add(&recs, IMAGE_WHERE_LINE, addr, bytes + used,
					       (uint32_t)dlen, line, 0, err);
			used += dlen;
			break;
		case 5:
		case 6:
			if (dlen != 0)
				rc = error_set(err, ERR_DATA,
					       "line %zu: S%u count record with %zu data bytes",
					       line, type, dlen);
			else if (addr != ndata)
				rc = error_set(err, ERR_DATA,
					       "line %zu: S%u says %u data records, %zu came "
					       "before it",
					       line, type, addr, ndata);
			count_line = line;
			break;
		case 7:
		case 8:
		case 9:
			if (dlen != 0) {
				rc = error_set(err, ERR_DATA,
					       "line %zu: S%u termination record with %zu data "
					       "bytes",
					       line, type, dlen);
				break;
			}
			img->has_start = true;
			img->start = addr;
			end_line = line;
			break;
		}
	}
	/*
	 * srec_cat ends with an S5 count and writes no termination record
	 * unless it knows a start address: either record proves the end.
	 */
	if (rc == ERR_OK && end_line == 0 && count_line == 0)
		rc = error_set(err, ERR_DATA,
			       "no count (S5, S6) or termination (S7, S8, S9) record after line "
			       "%zu: truncated?",
			       line);
	if (rc == ERR_OK)
		rc = image_from_records(img, &recs, IMAGE_WHERE_LINE, err);
	image_records_free(&recs);
	free(bytes);
	return rc;
}

/* One record of @type: count, @alen address bytes, data, checksum, LF. */
static void srec_put(struct image_out *o, unsigned type, unsigned alen, uint32_t addr,
		     const uint8_t *data, size_t n)
{
	uint8_t head[5];
	uint8_t sum = 0;
	char tag[2] = { 'S', (char)('0' + type) };

	head[0] = (uint8_t)(alen + n + 1);
	for (unsigned i = 0; i < alen; i++)
		head[1 + i] = (uint8_t)(addr >> (8 * (alen - 1 - i)));
	for (unsigned i = 0; i < alen + 1; i++)
		sum = (uint8_t)(sum + head[i]);
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + data[i]);
	sum = (uint8_t)~sum;
	image_out_put(o, tag, 2);
	image_out_hex(o, head, alen + 1);
	image_out_hex(o, data, n);
	image_out_hex(o, &sum, 1);
	image_out_put(o, "\n", 1);
}

void srec_write(const struct image_piece *v, size_t n, bool has_start, uint32_t start,
		unsigned record_len, struct image_out *o)
{
	static const uint8_t header[] = "dfuse-util";
	uint64_t top = has_start ? start : 0;
	unsigned data_type, alen;
	size_t nrec = 0;

	for (size_t i = 0; i < n; i++)
		if ((uint64_t)v[i].addr + v[i].len - 1 > top)
			top = (uint64_t)v[i].addr + v[i].len - 1;
	/* The shortest address that reaches the highest byte: S1, S2 or S3. */
	data_type = top <= 0xFFFF ? 1 : top <= 0xFFFFFF ? 2 : 3;
	alen = srec_addr_len[data_type];
	srec_put(o, 0, 2, 0, header, sizeof(header) - 1);
	for (size_t i = 0; i < n; i++) {
		uint32_t a = v[i].addr, left = v[i].len;
		const uint8_t *d = v[i].data;

		while (left > 0) {
			uint32_t chunk = left < record_len ? left : record_len;

			srec_put(o, data_type, alen, a, d, chunk);
			nrec++;
			a += chunk;
			d += chunk;
			left -= chunk;
		}
	}
	if (nrec <= 0xFFFF)
		srec_put(o, 5, 2, (uint32_t)nrec, NULL, 0);
	else if (nrec <= 0xFFFFFF)
		srec_put(o, 6, 3, (uint32_t)nrec, NULL, 0);
	/* S9 ends S1 data, S8 S2, S7 S3. */
	srec_put(o, 10 - data_type, alen, has_start ? start : 0, NULL, 0);
}
