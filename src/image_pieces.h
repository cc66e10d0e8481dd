/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A firmware image independent of its file format: pieces of bytes at device
 * addresses (with an alt setting when a .dfu target gave one), plus what the
 * file said about itself (DFU suffix, start address). Readers fill it, writers
 * read it; building one by hand (the upload path) goes through it too.
 */
#ifndef DFUSE_IMAGE_PIECES_H
#define DFUSE_IMAGE_PIECES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu_file.h"
#include "error.h"

/* The end of the 32-bit address space: no piece may reach past it. */
#define IMAGE_FOUR_GIB ((uint64_t)1 << 32)

/* Caps: after merging, an image has at most this many pieces ... */
#define IMAGE_MAX_PIECES 65536
/* ... decoded from at most this many records (HEX/SREC lines, ELF segments) ... */
#define IMAGE_MAX_RECORDS (1u << 21)
/* ... and holds at most DFU_FILE_MAX_SIZE bytes of data in all. */

enum image_format {
	IMAGE_FORMAT_AUTO = 0, /* image_parse(): detect by content */
	IMAGE_FORMAT_BIN,      /* raw bytes, optional DFU suffix */
	IMAGE_FORMAT_DFUSE,    /* DfuSe container (UM0391) with its DFU suffix */
	IMAGE_FORMAT_IHEX,     /* Intel HEX, record types 00-05 */
	IMAGE_FORMAT_SREC,     /* Motorola S-record, S0-S9 */
	IMAGE_FORMAT_ELF,      /* ELF32/ELF64 executable: PT_LOAD segments */
};

/*
 * One run of bytes to write at @addr (@addr + @len <= 4 GiB, @len > 0).
 * @data points into the buffer given to image_parse() or into storage the
 * image owns. @has_alt only for pieces read from a .dfu target (@alt is its
 * bAlternateSetting) or added with one (image_add()).
 */
struct image_piece {
	uint32_t addr;
	uint32_t len;
	const uint8_t *data;
	bool has_alt;
	uint8_t alt;
};

/* A .dfu target's identity, one per alt setting (the first target's name wins). */
struct image_target {
	uint8_t alt;
	bool named;	/* bTargetNamed != 0 */
	char name[256]; /* NUL-terminated */
};

/* Non-fatal findings (image.warnings), for the caller to report. */
enum {
	IMAGE_WARN_DFU = 1 << 0, /* see image.dfu_warnings (DFU_FILE_WARN_*) */
};

struct image {
	enum image_format format; /* what was read (never AUTO after image_parse()) */
	/*
	 * False only for a raw .bin: one piece at address 0 that the caller
	 * places (image_place(), from -s ADDRESS). True for every other format.
	 */
	bool addressed;
	struct dfu_file_suffix suffix; /* .bin/.dfu: the DFU suffix, if any */
	bool has_start;		       /* HEX 03/05, SREC S7-S9, ELF e_entry */
	uint32_t start;		       /* entry point, reported, never written to memory */
	size_t npieces;
	struct image_piece *pieces; /* sorted by (has_alt, alt, addr); no overlap per alt */
	size_t ntargets;
	struct image_target *targets; /* .dfu only: sorted by alt, one per alt */
	unsigned warnings;	      /* IMAGE_WARN_* */
	unsigned dfu_warnings;	      /* DFU_FILE_WARN_* from dfu_file_parse() */
	size_t trailing_bytes;	      /* with DFU_FILE_WARN_TRAILING */
	/* bookkeeping and owned storage: free with image_free() */
	uint64_t total; /* bytes over all pieces, kept by the functions below */
	size_t nblocks, blocks_cap;
	uint8_t **blocks;
	size_t pieces_cap;
};

/* "bin", "dfu", "ihex", "srec", "elf" ("auto" for AUTO). Never NULL. */
const char *image_format_name(enum image_format fmt);

/* A longer name for messages: "Intel HEX", "S-record", "DfuSe .dfu" ... */
const char *image_format_title(enum image_format fmt);

/* Release what @img owns; @img may be zeroed, parsed or built. Leaves it zeroed. */
void image_free(struct image *img);

/*
 * Building an image by hand (the upload path, tests): image_init() zeroes
 * @img and sets its format (addressed = true); image_add() copies @len > 0
 * bytes into storage @img owns as a piece at @addr (alt @alt when @has_alt);
 * image_name_alt() records a .dfu target name for @alt. Then image_finish()
 * sorts, refuses overlaps within an alt (ERR_DATA) and merges adjacent pieces
 * of one alt whose bytes are contiguous in memory. Returns ERR_OK, ERR_DATA
 * (past 4 GiB, over the caps), ERR_NOMEM.
 */
void image_init(struct image *img, enum image_format fmt);
int image_add(struct image *img, uint32_t addr, const uint8_t *data, uint32_t len, bool has_alt,
	      uint8_t alt, struct error *err);
int image_name_alt(struct image *img, uint8_t alt, const char *name, struct error *err);
int image_finish(struct image *img, struct error *err);

/*
 * Give a raw image (addressed == false) its address: its one piece moves to
 * @addr. ERR_DATA when it would end past 4 GiB. The image is then addressed.
 */
int image_place(struct image *img, uint32_t addr, struct error *err);

/* Total bytes over all pieces. */
uint64_t image_size(const struct image *img);

/* The name of @alt's .dfu target, or NULL when the image has none. */
const char *image_alt_name(const struct image *img, uint8_t alt);

/*
 * For the readers that build an image themselves (image.c, image_rec.c):
 * image_adopt_block() keeps @block (malloc'd) until image_free(), and frees it
 * on failure (ERR_NOMEM); image_push_piece() appends *@p as it is, without a
 * copy, checking the caps and the 4 GiB end (ERR_DATA, ERR_NOMEM).
 */
int image_adopt_block(struct image *img, uint8_t *block, struct error *err);
int image_push_piece(struct image *img, const struct image_piece *p, struct error *err);

#endif
