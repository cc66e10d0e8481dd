/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DfuSe memory-layout strings (the iInterface string of each alt setting,
 * AN3156): "@Name/0xADDR/N*SIZE<mult><type>,.../0xADDR/...". Pure: no I/O,
 * no allocation, hostile input bounded.
 */
#ifndef DFUSE_MEM_H
#define DFUSE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Access bits: the type letter minus 'a' plus one ('a' = 1 = readable, 'g' = 7). */
enum {
	DFUSE_MEM_READABLE = 1 << 0,
	DFUSE_MEM_ERASABLE = 1 << 1,
	DFUSE_MEM_WRITEABLE = 1 << 2,
};

#define DFUSE_MEM_NAME_MAX     255   /* bytes of name kept, plus NUL */
#define DFUSE_MEM_MAX_SEGMENTS 64    /* sector groups in one layout */
#define DFUSE_MEM_MAX_STRING   1024  /* longer strings are rejected */
#define DFUSE_MEM_MAX_SECTORS  65536 /* per group: more is absurd */

/* One group "N*SIZE<mult><type>": @count sectors of @sector_size bytes. */
struct dfuse_mem_segment {
	uint32_t start;	      /* address of the first sector */
	uint64_t end;	      /* start + count * sector_size, at most 2^32 */
	uint32_t sector_size; /* bytes, > 0 */
	uint32_t count;	      /* sectors, 1..DFUSE_MEM_MAX_SECTORS */
	uint8_t mode;	      /* DFUSE_MEM_* bits */
	char type;	      /* the type letter as sent ('a'..'g') */
};

struct dfuse_mem_layout {
	char name[DFUSE_MEM_NAME_MAX + 1]; /* text between '@' and the first '/', as sent */
	size_t nsegments;
	struct dfuse_mem_segment segments[DFUSE_MEM_MAX_SEGMENTS]; /* in string order */
	bool trailing_garbage; /* characters after a type letter were ignored */
};

/*
 * Parse @len bytes of @s (need not be NUL-terminated) into @out.
 * Returns ERR_OK, or ERR_DATA with a reason in @err (which may be NULL):
 * missing '@' or '/', no groups, bad numbers, count*size overflow, a region
 * past 4 GiB, more than DFUSE_MEM_MAX_SECTORS sectors, an unknown multiplier
 * or type letter, overlapping groups.
 */
int dfuse_mem_parse(const char *s, size_t len, struct dfuse_mem_layout *out, struct error *err);

/* The segment containing @addr (start <= addr < end), or NULL. */
const struct dfuse_mem_segment *dfuse_mem_find(const struct dfuse_mem_layout *l, uint32_t addr);

/*
 * The sector containing @addr: its start in *@sector_start and size in
 * *@sector_size (either may be NULL). Returns the segment, or NULL.
 */
const struct dfuse_mem_segment *dfuse_mem_sector(const struct dfuse_mem_layout *l, uint32_t addr,
						 uint32_t *sector_start, uint32_t *sector_size);

/*
 * End (exclusive) of the run of adjacent segments that starts with the one
 * containing @addr, whatever their modes. 0 when @addr is in no segment.
 */
uint64_t dfuse_mem_contiguous_end(const struct dfuse_mem_layout *l, uint32_t addr);

/*
 * Is every byte of [@start, @end) inside a segment whose mode has all of
 * @need's bits? Returns true if so. If not, returns false and stores the
 * first offending range in *@bad_start, *@bad_end (either may be NULL): a
 * gap no segment covers, or a segment lacking a bit.
 */
bool dfuse_mem_check(const struct dfuse_mem_layout *l, uint64_t start, uint64_t end, uint8_t need,
		     uint64_t *bad_start, uint64_t *bad_end);

/* Are all @n bytes at @p 0xFF, as erased flash reads? */
bool dfuse_mem_is_blank(const uint8_t *p, size_t n);

/* "readable, erasable, writeable" style text for @mode into @buf; returns @buf. */
const char *dfuse_mem_mode_str(uint8_t mode, char *buf, size_t buflen);

#endif
