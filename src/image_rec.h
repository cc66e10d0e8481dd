/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the readers (ihex.c, srec.c, elf.c): the record list they fill and turn
 * into an image once, the line splitter and the hex digit decoder.
 */
#ifndef DFUSE_IMAGE_REC_H
#define DFUSE_IMAGE_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_pieces.h"

/*
 * The next line of a text file at *@pos (advanced past it), with leading and
 * trailing blanks and the CR of CRLF removed, in *@line and *@n. False at the end.
 */
bool image_next_line(const uint8_t *buf, size_t len, size_t *pos, const uint8_t **line, size_t *n);

/*
 * Decode @n hex digits (n even) at @s into @out. Returns @n/2, or -1 with
 * the index of the first bad digit in *@bad.
 */
long image_hex_decode(const uint8_t *s, size_t n, uint8_t *out, size_t *bad);

/*
 * Where a reader found a record, for messages: "line N" (HEX, SREC) or
 * "program header N at file offset 0x..." (ELF, @where = phdr index).
 */
enum image_where {
	IMAGE_WHERE_LINE,
	IMAGE_WHERE_PHDR,
};

/* One record's bytes as a reader found them, before sorting and merging. */
struct image_record {
	uint64_t addr;
	uint32_t len;
	const uint8_t *data; /* valid until image_from_records() returns */
	size_t where;	     /* line number or phdr index */
	size_t offset;	     /* ELF: the phdr's file offset */
};

/* A growable list of records (zero-initialise; image_records_free() releases). */
struct image_records {
	struct image_record *v;
	size_t n, cap;
	uint64_t total; /* sum of len */
};

/* Append one record (len 0 is ignored); ERR_DATA past the caps or 4 GiB, ERR_NOMEM. */
int image_records_add(struct image_records *r, enum image_where kind, uint64_t addr,
		      const uint8_t *data, uint32_t len, size_t where, size_t offset,
		      struct error *err);
void image_records_free(struct image_records *r);

/*
 * Sort @r by address, refuse overlaps naming both records, copy the bytes
 * into one block @img owns and make one piece per contiguous run. @r is
 * reordered. ERR_DATA when there is no data at all.
 */
int image_from_records(struct image *img, struct image_records *r, enum image_where kind,
		       struct error *err);

#endif
