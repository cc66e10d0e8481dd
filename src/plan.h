/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The download plan, a value computed before the first USB write: the
 * pieces of the image with the alt each goes to, and per alt its memory
 * layout, the sectors to erase (each once, in address order) and what
 * --diff decided for each of them. Pure: no device, no I/O.
 */
#ifndef DFUSE_PLAN_H
#define DFUSE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfuse_mem.h"
#include "error.h"

/* A piece of an image: @len bytes at @start. */
struct plan_span {
	uint32_t start;
	uint32_t len;
};

/* A sector to erase. */
struct plan_sector {
	uint32_t start;
	uint32_t size;
};

/* At most this many pieces in one download. */
#define PLAN_MAX_JOBS 65536

/* One contiguous piece of the image, for one alt setting. */
struct plan_job {
	int alt_index; /* index into the device's alts */
	uint32_t addr;
	uint32_t len;
	const uint8_t *data; /* not owned */
};

enum plan_action {
	PLAN_ERASE, /* erase, then write */
	PLAN_BLANK, /* --diff or mass erase: already blank, write without erasing */
	PLAN_SAME,  /* --diff: already equal to the image, nothing to do */
};

/* Everything decided for one alt setting. */
struct plan_alt {
	int alt_index;
	uint8_t alt; /* bAlternateSetting, for messages */
	struct dfuse_mem_layout layout;
	struct plan_sector *sectors; /* to erase, in address order */
	enum plan_action *action;    /* one per sector */
	size_t nsectors;
	bool mass_erase; /* :mass-erase covers this alt */
	/*
	 * Writing this alt may reset the device (option bytes, :will-reset):
	 * it is written last, its device vanishing after the last block is
	 * success, and nothing is asked of the device after it.
	 */
	bool may_reset;
};

struct plan {
	struct plan_job *jobs;
	size_t njobs, cap;
	struct plan_alt *alts; /* in the order they are written */
	size_t nalts;
	/* plan_build() failed for a piece outside its alt: the first such address */
	bool outside;
	uint32_t outside_addr;
};

struct plan_opts {
	bool force;	 /* :force: write into read-only sectors */
	bool mass_erase; /* :mass-erase: the alt of the first piece is mass erased */
	bool will_reset; /* :will-reset: alts without erasable memory go last */
};

/*
 * Does @l look like an STM32 option-byte area ("@Option Bytes ..." with no
 * erasable sector)? Writing one makes the device reload them and reset.
 */
bool plan_is_option_bytes(const struct dfuse_mem_layout *l);

/*
 * The address ranges @l covers ("0x08000000-0x080fffff, 0x1fff0000-..."),
 * adjacent groups joined, into @buf (cut short when @len is too small);
 * returns @buf.
 */
const char *plan_ranges(const struct dfuse_mem_layout *l, char *buf, size_t len);

/*
 * The layout of alt @alt_index into @l and its bAlternateSetting into *@alt;
 * ERR_OK or an error naming the alt.
 */
typedef int (*plan_layout_fn)(void *ctx, int alt_index, uint8_t *alt, struct dfuse_mem_layout *l,
			      struct error *err);

/* Append a piece. ERR_NOMEM, or ERR_DATA past PLAN_MAX_JOBS pieces. */
int plan_add_job(struct plan *p, int alt_index, uint32_t addr, const uint8_t *data, uint32_t len,
		 struct error *err);

/*
 * Check every piece against its alt's layout (inside the memory: ERR_DATA;
 * writeable unless po->force: ERR_USAGE naming the range and the first
 * writeable address) and compute each alt's erase plan, every sector marked
 * PLAN_ERASE. Layouts come from @layout_of, once per alt used. Option-byte
 * alts (and with :will-reset every alt without erasable memory) are moved
 * after the others, and the last alt is marked may_reset when it is one.
 */
int plan_build(struct plan *p, const struct plan_opts *po, plan_layout_fn layout_of, void *ctx,
	       struct error *err);

/*
 * The erase plan: every erasable sector of @l that holds at least one byte
 * of @spans, each exactly once, in address order; nothing outside the
 * spans' sectors. Bytes in segments that are writeable but not erasable
 * (option bytes) need no erase. *@out is malloc'd (caller frees), *@n its
 * length. Returns ERR_OK; ERR_DATA when a byte lies in no segment of @l;
 * ERR_NOMEM.
 */
int plan_erase_sectors(const struct dfuse_mem_layout *l, const struct plan_span *spans,
		       size_t nspans, struct plan_sector **out, size_t *n, struct error *err);

/* Release what the plan allocated (not the pieces' data). */
void plan_free(struct plan *p);

/* The index of @a's planned sector containing @addr, or -1. */
long plan_sector_index(const struct plan_alt *a, uint32_t addr);

/* Bytes of all pieces for alt @a. */
uint64_t plan_alt_bytes(const struct plan *p, const struct plan_alt *a);

/*
 * --diff: sector @s of @a as read from the device (@cur) against what a full
 * flash would leave there (the pieces' bytes, 0xFF elsewhere; built in
 * @want, as large as the sector): PLAN_SAME, PLAN_BLANK or PLAN_ERASE.
 */
void plan_classify_sector(const struct plan *p, struct plan_alt *a, size_t s, const uint8_t *cur,
			  uint8_t *want);

/* --diff found every sector of @a equal to the image and no byte lies outside them. */
bool plan_all_same(const struct plan *p, const struct plan_alt *a);

/* Is job @j the last one written (the last job of the last alt)? */
bool plan_is_last_write(const struct plan *p, const struct plan_alt *a, size_t j);

#endif
