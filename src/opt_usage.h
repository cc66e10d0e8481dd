/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The usage text for -h, written from the option table. */
#ifndef DFUSE_OPT_USAGE_H
#define DFUSE_OPT_USAGE_H

#include <stddef.h>

/* Room for the whole usage text (opt_usage() needs less; its test checks). */
#define OPT_USAGE_MAX 8192

/*
 * Write the usage text for -h into @buf of @size bytes (@buf may be NULL when
 * @size is 0): cut and NUL-terminated as snprintf() does. Returns its full
 * length.
 */
size_t opt_usage(char *buf, size_t size);

#endif
