/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The growing output buffer of the image writers. */
#include "image_out.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void image_out_put(struct image_out *o, const void *data, size_t n)
{
	if (o->failed)
		return;
	if (n > o->cap - o->len) {
		size_t cap = o->cap == 0 ? 4096 : o->cap;
		uint8_t *p;

		while (cap - o->len < n) {
			if (cap > SIZE_MAX / 2) {
				o->failed = true;
				return;
			}
			cap *= 2;
		}
		p = realloc(o->p, cap);
		if (p == NULL) {
			o->failed = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, data, n);
	o->len += n;
}

void image_out_hex(struct image_out *o, const uint8_t *data, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char pair[2];

	for (size_t i = 0; i < n; i++) {
		pair[0] = digits[data[i] >> 4];
		pair[1] = digits[data[i] & 0xF];
		image_out_put(o, pair, 2);
	}
}
