/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A firmware image independent of its file format: pieces of bytes at device
 * addresses (with an alt setting when a .dfu target gave one), plus what the
 * file said about itself (DFU suffix, start address). Readers and writers of
 * .bin, .dfu, Intel HEX, S-records and ELF meet here; all are pure.
 */
#ifndef DFUSE_IMAGE_H
#define DFUSE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu_file.h"
#include "error.h"

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

/* Flags for image_parse(). */
enum {
	IMAGE_FORCE = 1 << 0, /* .bin/.dfu: accept a bad suffix CRC (DFU_FILE_FORCE) */
};

/* "bin", "dfu", "ihex", "srec", "elf" ("auto" for AUTO). Never NULL. */
const char *image_format_name(enum image_format fmt);

/* A longer name for messages: "Intel HEX", "S-record", "DfuSe .dfu" ... */
const char *image_format_title(enum image_format fmt);

/*
 * The format a --format value names: bin, dfu (or dfuse), hex (or ihex,
 * ihx), srec (or s19, s28, s37, mot), elf (or axf, out): the extensions
 * below. Case-sensitive. Returns false if none.
 */
bool image_format_from_name(const char *name, enum image_format *fmt);

/*
 * The format @path's extension suggests (.bin .dfu .hex .ihex .ihx .srec .s19
 * .s28 .s37 .mot .elf .axf .out, case-insensitive); IMAGE_FORMAT_AUTO when
 * the extension says nothing. A hint only: the contents decide.
 */
enum image_format image_format_from_extension(const char *path);

/*
 * The format of @len bytes at @buf by content: ELF magic, "DfuSe" magic, a
 * first non-blank line starting ":" + hex digits (HEX) or "S" + a digit and
 * hex digits (SREC); anything else is BIN.
 */
enum image_format image_detect(const uint8_t *buf, size_t len);

/*
 * Parse @len bytes at @buf as @fmt (AUTO: image_detect()) into @img. @buf
 * must outlive @img. Every error is ERR_DATA (or ERR_NOMEM) with one line
 * naming the place: "Intel HEX: line 12: checksum 0x3a, computed 0x3b",
 * "ELF: program header 2 at file offset 0x54: ...". HEX, SREC and ELF files
 * must not carry a DFU suffix (no tool writes one; refused with a hint).
 * BIN and DFUSE share dfu_file_parse(), which goes by the "DfuSe" magic:
 * BIN on a file with it still reads the container, DFUSE without it fails.
 * On error @img holds nothing to free.
 */
int image_parse(const uint8_t *buf, size_t len, enum image_format fmt, unsigned flags,
		struct image *img, struct error *err);

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

/* ---- writers ---- */

struct image_write_opts {
	unsigned record_len; /* HEX, SREC: data bytes per record, 1..64 (0: 16) */
	/* .dfu: the DFU suffix IDs (0xFFFF = any) */
	uint16_t idVendor, idProduct, bcdDevice;
	/* .dfu: the alt for pieces without one, and its name (NULL: unnamed) */
	uint8_t alt;
	const char *alt_name;
};

/* Defaults: 16-byte records, suffix IDs 0xFFFF, alt 0 unnamed. */
void image_write_opts_init(struct image_write_opts *wo);

/*
 * Serialise @img as @fmt into a malloc'd buffer (*@out, *@len; caller
 * frees). BIN: only a single contiguous range, never filling gaps; DFUSE:
 * one target per alt (pieces without one go to @wo->alt), named from the
 * image (image_alt_name()) or else, for @wo->alt, @wo->alt_name, with a DFU
 * suffix with @wo's IDs, bcdDFU 0x011A and the CRC; IHEX:
 * type 04 records as needed, 05 for the start address, 01 at the end; SREC:
 * S0 header, S1/S2/S3 by the highest address, S5/S6 count, S9/S8/S7 end.
 * HEX, SREC and BIN hold no alt: pieces of different alts at one address are
 * refused (ERR_DATA). @wo may be NULL (defaults). Returns ERR_OK, ERR_DATA,
 * ERR_USAGE (AUTO/ELF: no writer), ERR_NOMEM.
 */
int image_write(const struct image *img, enum image_format fmt, const struct image_write_opts *wo,
		uint8_t **out, size_t *len, struct error *err);

/* ---- for the readers and writers (ihex.c, srec.c, elf.c) ---- */

/* The readers behind image_parse(): @img is initialised, errors unwrapped. */
int ihex_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err);
int srec_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err);
int elf_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err);

/* A growing output buffer; a failed allocation sticks and is reported at the end. */
struct image_out {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

void image_out_put(struct image_out *o, const void *data, size_t n);
/* Two upper-case hex digits per byte of @data. */
void image_out_hex(struct image_out *o, const uint8_t *data, size_t n);

/*
 * The writers behind image_write(): @v holds @n pieces sorted by address,
 * not overlapping, alts ignored. @record_len data bytes per record (1..64).
 */
void ihex_write(const struct image_piece *v, size_t n, bool has_start, uint32_t start,
		unsigned record_len, struct image_out *o);
void srec_write(const struct image_piece *v, size_t n, bool has_start, uint32_t start,
		unsigned record_len, struct image_out *o);

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
