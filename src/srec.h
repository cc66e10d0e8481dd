/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Motorola S-records (S0-S9): the reader behind image_parse() and the writer behind image_write(). */
#ifndef DFUSE_SREC_H
#define DFUSE_SREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_out.h"
#include "image_pieces.h"

/*
 * Read @len bytes at @buf into @img (initialised by the caller). Errors are
 * ERR_DATA or ERR_NOMEM, naming the line, not yet wrapped with the format.
 */
int srec_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err);

/*
 * Write @n pieces at @v (sorted by address, not overlapping, alts ignored) to
 * @o, @record_len data bytes per record (1..64), with the start address when
 * @has_start. A failed allocation is left in @o->failed.
 */
void srec_write(const struct image_piece *v, size_t n, bool has_start, uint32_t start,
		unsigned record_len, struct image_out *o);

#endif
