/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an image file of any format into the image model (image_pieces.h):
 * format names and extensions, detection by content, and image_parse(), the
 * one entry above the readers. The writers are declared in image_write.h.
 */
#ifndef DFUSE_IMAGE_H
#define DFUSE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_pieces.h"

/* Flags for image_parse(). */
enum {
	IMAGE_FORCE = 1 << 0, /* .bin/.dfu: accept a bad suffix CRC (DFU_FILE_FORCE) */
};

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

#endif
