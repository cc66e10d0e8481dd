/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing an image as a file: raw binary, DfuSe .dfu, Intel HEX or S-records.
 */
#ifndef DFUSE_IMAGE_WRITE_H
#define DFUSE_IMAGE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_pieces.h"

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

#endif
