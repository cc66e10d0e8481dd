/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The value of one hexadecimal digit, for every parser that reads hex: the
 * layout strings (dfuse_mem.c), HEX and S-record lines (image_rec.c, and
 * image.c's detection), and the simulator's JSON profiles.
 */
#ifndef DFUSE_HEXDIGIT_H
#define DFUSE_HEXDIGIT_H

/* 0 to 15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for anything else. */
static inline int hex_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
