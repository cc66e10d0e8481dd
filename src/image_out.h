/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The growing output buffer the text writers (ihex.c, srec.c) fill and
 * image_write() hands to its caller.
 */
#ifndef DFUSE_IMAGE_OUT_H
#define DFUSE_IMAGE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing output buffer; a failed allocation sticks and is reported at the end. */
struct image_out {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

/*
 * Append @n bytes of @data to @o (zero-initialised), growing it; on a failed
 * allocation set @o->failed and ignore every later call. The caller frees @o->p.
 */
void image_out_put(struct image_out *o, const void *data, size_t n);
/* Append two upper-case hex digits per byte of @data, as image_out_put(). */
void image_out_hex(struct image_out *o, const uint8_t *data, size_t n);

#endif
