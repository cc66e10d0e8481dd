/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option bytes in a download: where each family keeps its read protection
 * byte relative to the option-byte alt's start, and whether the data about
 * to be written sets level 2, which locks the part for good. Pure: no
 * device, no I/O; run on the plan before any request.
 */
#ifndef DFUSE_OPTBYTES_H
#define DFUSE_OPTBYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

/* The read protection value every family listed takes as level 2. */
#define OPTBYTES_RDP_LEVEL2 0xCC

/* What a download writes into one option-byte alt. */
struct optbytes_write {
	const struct plan_alt *alt;
	uint64_t bytes;	      /* bytes of the image for it */
	uint32_t first;	      /* the lowest address written */
	const char *families; /* the table row its start address matched, or NULL */
	bool has_rdp;	      /* the image writes its RDP byte */
	uint32_t rdp_addr;    /* where (with has_rdp) */
	uint8_t rdp;	      /* the value written there (with has_rdp) */
};

/*
 * The families whose option-byte alt starts at @base (a layout's first
 * address), and in *@offsets (up to 2) and *@n the offsets of their RDP
 * bytes from it. NULL (and *@n = 0) for an address no row holds.
 */
const char *optbytes_family(uint32_t base, uint32_t offsets[2], size_t *n);

/*
 * What @p writes into option-byte alt @a (plan_is_option_bytes()), into
 * @w: the bytes, the family row, and the RDP byte when the image covers
 * it (the first RDP byte of the row that holds level 2, else the first
 * covered).
 */
void optbytes_inspect(const struct plan *p, const struct plan_alt *a, struct optbytes_write *w);

/*
 * Refuse a plan that sets read protection level 2 in any option-byte alt
 * unless @force: ERR_USAGE, one line naming the address, the value, the
 * alt and saying that it cannot be undone. ERR_OK otherwise.
 */
int optbytes_check(const struct plan *p, bool force, struct error *err);

/*
 * One line (into @buf, cut at @len) naming what @w writes: the alt, its
 * address range and bytes, and the RDP value with its level. Returns @buf.
 */
const char *optbytes_describe(const struct optbytes_write *w, char *buf, size_t len);

#endif
