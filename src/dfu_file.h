/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Firmware files: raw images, the DfuSe container (UM0391) and the 16-byte
 * DFU suffix (DFU 1.1 appendix B). dfu_file_parse() is pure; dfu_file_load()
 * is the only function here that touches the file system.
 */
#ifndef DFUSE_DFU_FILE_H
#define DFUSE_DFU_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define DFU_FILE_MAX_SIZE	   (64u * 1024 * 1024) /* larger files are refused */
#define DFU_FILE_MAX_TARGETS	   255
#define DFU_FILE_MAX_ELEMENTS	   4096 /* per target */
#define DFU_FILE_SUFFIX_LEN	   16
#define DFU_FILE_DFUSE_PREFIX_LEN  11
#define DFU_FILE_TARGET_PREFIX_LEN 274

enum dfu_file_format {
	DFU_FILE_RAW,	/* bytes to write as they are (suffix removed) */
	DFU_FILE_DFUSE, /* DfuSe container: targets and elements */
};

struct dfu_file_suffix {
	bool present; /* "UFD" signature and bLength 16 found */
	/*
	 * The "UFD" signature alone, with bLength as found: the fields below
	 * and both CRCs are filled whenever it is there (dfu-util's tools
	 * accept any bLength of 16 or more with a good CRC).
	 */
	bool signature;
	uint8_t bLength;
	uint16_t bcdDevice, idProduct, idVendor; /* 0xFFFF = any */
	uint16_t bcdDFU;
	uint32_t crc_stored;
	uint32_t crc_computed;
	bool crc_ok;
};

struct dfu_file_element {
	uint32_t address;
	uint32_t size;
	const uint8_t *data; /* points into the buffer given to dfu_file_parse() */
};

struct dfu_file_target {
	uint8_t alt;	/* bAlternateSetting */
	bool named;	/* bTargetNamed != 0 */
	char name[256]; /* szTargetName, NUL-terminated */
	size_t nelements;
	struct dfu_file_element *elements; /* owned by the image */
};

/* Non-fatal findings, for the caller to report. */
enum {
	DFU_FILE_WARN_IMAGESIZE = 1 << 0,    /* DFUImageSize fits neither convention */
	DFU_FILE_WARN_CRC_FORCED = 1 << 1,   /* bad CRC accepted because of :force */
	DFU_FILE_WARN_TRAILING = 1 << 2,     /* bytes after the last target ignored */
	DFU_FILE_WARN_TARGET_COUNT = 1 << 3, /* bTargets disagrees with what was found */
	DFU_FILE_WARN_DFUSE_SUFFIX = 1 << 4, /* raw file, suffix claims DfuSe: kept by :force */
};

struct dfu_file_image {
	enum dfu_file_format format;
	struct dfu_file_suffix suffix;
	const uint8_t *payload; /* raw: the bytes to write (file minus suffix) */
	size_t payload_len;
	size_t ntargets;		 /* DfuSe only */
	struct dfu_file_target *targets; /* owned by the image */
	unsigned warnings;		 /* DFU_FILE_WARN_* */
	size_t trailing_bytes;		 /* with DFU_FILE_WARN_TRAILING */
};

enum {
	DFU_FILE_FORCE = 1 << 0, /* accept a suffix whose CRC is wrong (warns) */
};

/*
 * Parse @len bytes at @buf into @img. @buf must outlive @img (elements point
 * into it). Returns ERR_OK; ERR_DATA with the cause in @err for: a DfuSe file
 * (by its "DfuSe" magic) with a missing or broken suffix, a wrong CRC (unless
 * DFU_FILE_FORCE), truncated prefixes, element sizes past what is left,
 * overlapping elements in one target, address + size past 4 GiB, counts over
 * the caps; ERR_NOMEM. On error @img holds nothing to free.
 */
int dfu_file_parse(const uint8_t *buf, size_t len, unsigned flags, struct dfu_file_image *img,
		   struct error *err);

/*
 * Read the DFU suffix in the last 16 bytes of @buf, if any, into @sfx
 * (present = false when there is none); the CRC is computed, not enforced.
 */
void dfu_file_parse_suffix(const uint8_t *buf, size_t len, struct dfu_file_suffix *sfx);

/* Release what dfu_file_parse() allocated; @img may be zeroed or parsed. */
void dfu_file_free(struct dfu_file_image *img);

/*
 * Serialise a DfuSe container (UM0391) into a malloc'd buffer (*@out, *@len;
 * caller frees): the prefix, @ntargets targets in the order given (each with
 * its alt, name when named, and elements), then a DFU suffix with @idVendor,
 * @idProduct, @bcdDevice (0xFFFF = any), bcdDFU 0x011A and the CRC.
 * DFUImageSize counts the file without its suffix, as dfuse-pack writes it.
 * Returns ERR_OK; ERR_DATA when a count is over its cap (targets, elements)
 * or the file would exceed DFU_FILE_MAX_SIZE; ERR_NOMEM.
 */
int dfu_file_write_dfuse(const struct dfu_file_target *targets, size_t ntargets, uint16_t idVendor,
			 uint16_t idProduct, uint16_t bcdDevice, uint8_t **out, size_t *len,
			 struct error *err);

/* dfu_file_write_dfuse_ex() flags. */
enum {
	/* DFUImageSize counts the suffix too, as Debian's dfuse-pack (dfu-util 0.11) writes it */
	DFU_FILE_SIZE_WITH_SUFFIX = 1 << 0,
};

/* dfu_file_write_dfuse() with @flags (DFU_FILE_SIZE_WITH_SUFFIX). */
int dfu_file_write_dfuse_ex(const struct dfu_file_target *targets, size_t ntargets,
			    uint16_t idVendor, uint16_t idProduct, uint16_t bcdDevice,
			    unsigned flags, uint8_t **out, size_t *len, struct error *err);

/*
 * Write a 16-byte DFU suffix with these fields at @buf + @at (room for it is
 * the caller's), its CRC over the @at bytes before it and its own first 12.
 */
void dfu_file_put_suffix(uint8_t *buf, size_t at, uint16_t bcdDevice, uint16_t idProduct,
			 uint16_t idVendor, uint16_t bcdDFU);

/* The vendor prefixes of dfu-prefix: TI Stellaris and NXP LPC (see dfu_file.c). */
#define DFU_FILE_STELLARIS_PREFIX_LEN 8
#define DFU_FILE_LPC_PREFIX_LEN	      16

enum dfu_file_prefix_type {
	DFU_FILE_PREFIX_NONE,
	DFU_FILE_PREFIX_STELLARIS,
	DFU_FILE_PREFIX_LPC,
};

struct dfu_file_prefix {
	enum dfu_file_prefix_type type;
	size_t len;	      /* bytes of prefix, 0 for NONE */
	uint32_t address;     /* Stellaris: flash address (a multiple of 1 KiB) */
	uint32_t payload_len; /* Stellaris: the length field */
	uint16_t lpc_blocks;  /* LPC: the size field, in 512-byte blocks */
};

/* Recognise a vendor prefix at the start of @len bytes at @buf (NONE if none). */
void dfu_file_parse_prefix(const uint8_t *buf, size_t len, struct dfu_file_prefix *pfx);

/*
 * Build a prefix of @type into @out (*@n bytes; 0 for NONE): Stellaris with
 * @address and the length field @count, LPC with @count bytes rounded up to
 * 512-byte blocks. ERR_USAGE for an address that is not a multiple of 1 KiB
 * below 64 MiB; ERR_DATA when @count does not fit the field.
 */
int dfu_file_make_prefix(enum dfu_file_prefix_type type, uint32_t address, size_t count,
			 uint8_t out[DFU_FILE_LPC_PREFIX_LEN], size_t *n, struct error *err);

/*
 * Read the whole file at @path ("-" = standard input) into a malloc'd buffer
 * (*@buf, *@len; caller frees). Returns ERR_OK, ERR_NOINPUT (missing or
 * unreadable), ERR_DATA (over DFU_FILE_MAX_SIZE), ERR_NOMEM.
 */
int dfu_file_load(const char *path, uint8_t **buf, size_t *len, struct error *err);

/*
 * The DFU suffix CRC of @len bytes: reflected CRC-32 (0xEDB88320), initial
 * 0xFFFFFFFF, no final XOR (the complement of zlib's crc32()).
 */
uint32_t dfu_file_crc(const uint8_t *buf, size_t len);

#endif
