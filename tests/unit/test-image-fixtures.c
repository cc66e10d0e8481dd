/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the readers against real toolchain output: a Cortex-M program
 * built by gcc-arm-none-eabi (tests/fixtures/cortex-m/build.sh) as ELF and,
 * through objcopy, HEX, SREC and BIN; every reader must give exactly the BIN
 * at 0x08000000. And mboot-f413.dfu, a .dfu written by another project, read
 * both as an image and as a DfuSe container (dfu_file.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu_file.h"
#include "image.h"
#include "tap.h"

#define FLASH 0x08000000u
/* From `arm-none-eabi-readelf -l fw.elf`: .data runs at 0x20000000, loads here. */
#define DATA_LMA 0x080000D4u

static uint8_t *load(const char *rel, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct error err = { ERR_OK, "" };
	uint8_t *buf = NULL;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", top != NULL ? top : ".", rel);
	if (dfu_file_load(path, &buf, len, &err) != ERR_OK) {
		diag("%s", err.msg);
		return NULL;
	}
	return buf;
}

static void check_toolchain(void)
{
	static const char *const files[] = { "cortex-m/fw.elf", "cortex-m/fw.hex",
					     "cortex-m/fw.srec" };
	static const enum image_format fmts[] = { IMAGE_FORMAT_ELF, IMAGE_FORMAT_IHEX,
						  IMAGE_FORMAT_SREC };
	/* fw.c: fw_counter then fw_message, little-endian. */
	static const uint8_t data[20] = { 0x00, 0xEE, 0xFF, 0xC0, 'd', 'f', 'u', 's', 'e', '-',
					  'u',	't',  'i',  'l',  ' ', 'd', 'a', 't', 'a', 0 };
	size_t blen = 0;
	uint8_t *bin = load("cortex-m/fw.bin", &blen);

	if (!ok(bin != NULL, "cortex-m/fw.bin is read from tests/fixtures"))
		return;
	if (cmp_int(blen, >=, DATA_LMA - FLASH + sizeof(data), "fw.bin reaches past .data's image"))
		is_mem(bin + (DATA_LMA - FLASH), data, sizeof(data),
		       "fw.bin holds .data's initial values at its load address 0x%08x", DATA_LMA);
	else
		skip(1, "fw.bin is too short");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct image img;
		struct error err = { ERR_OK, "" };
		size_t len = 0;
		uint8_t *buf = load(files[i], &len);
		int rc;

		if (!ok(buf != NULL, "%s is read from tests/fixtures", files[i]))
			continue;
		rc = image_parse(buf, len, IMAGE_FORMAT_AUTO, 0, &img, &err);
		is_int(rc, ERR_OK, "%s parses (%s)", files[i], rc ? err.msg : "ok");
		if (rc != ERR_OK) {
			skip(8, "%s did not parse", files[i]);
			free(buf);
			continue;
		}
		is_int(img.format, fmts[i], "%s detected as %s", files[i],
		       image_format_name(fmts[i]));
		is_int(img.npieces, 1, "%s: one piece after merging", files[i]);
		if (cmp_int(img.npieces, >=, 1, "%s: a first piece", files[i])) {
			is_hex(img.pieces[0].addr, FLASH, "%s: at 0x%08x", files[i], FLASH);
			is_int(img.pieces[0].len, blen, "%s: %zu bytes like fw.bin", files[i],
			       blen);
			is_buf(img.pieces[0].data, img.pieces[0].len, bin, blen,
			       "%s: exactly the bytes of fw.bin", files[i]);
		} else {
			skip(3, "%s: no piece", files[i]);
		}
		is_int(img.has_start, true, "%s: entry point 0x%08x [img.has_start]", files[i],
		       img.start);
		is_int(img.start, 0x08000043, "%s: entry point 0x%08x [img.start]", files[i],
		       img.start);
		image_free(&img);
		free(buf);
	}
	free(bin);
}

static void check_mboot(void)
{
	struct image img;
	struct error err = { ERR_OK, "" };
	size_t len = 0;
	uint8_t *buf = load("mboot-f413.dfu", &len);
	int rc;

	if (!ok(buf != NULL, "mboot-f413.dfu is read from tests/fixtures"))
		return;
	rc = image_parse(buf, len, IMAGE_FORMAT_AUTO, 0, &img, &err);
	is_int(rc, ERR_OK, "mboot-f413.dfu parses (%s)", rc ? err.msg : "ok");
	is_int(img.format, IMAGE_FORMAT_DFUSE,
	       "one piece for alt 0: 32752 bytes at 0x08008000 [img.format]");
	if (!is_int(img.npieces, 1,
		    "one piece for alt 0: 32752 bytes at 0x08008000 [img.npieces]")) {
		skip(12, "not one piece");
		image_free(&img);
		free(buf);
		return;
	}
	is_int(img.pieces[0].has_alt, true,
	       "one piece for alt 0: 32752 bytes at 0x08008000 [img.pieces[0].has_alt]");
	is_int(img.pieces[0].alt, 0,
	       "one piece for alt 0: 32752 bytes at 0x08008000 [img.pieces[0].alt]");
	is_int(img.pieces[0].addr, 0x08008000,
	       "one piece for alt 0: 32752 bytes at 0x08008000 [img.pieces[0].addr]");
	is_int(img.pieces[0].len, 32752,
	       "one piece for alt 0: 32752 bytes at 0x08008000 [img.pieces[0].len]");
	is_int(img.ntargets, 1, "one named alt");
	is_str(image_alt_name(&img, 0), "ST...", "alt 0 is named \"ST...\"");
	is_int(img.suffix.present, true,
	       "suffix 0483:df11, bcdDFU 0x011a, CRC ok, no warnings [img.suffix.present]");
	is_int(img.suffix.crc_ok, true,
	       "suffix 0483:df11, bcdDFU 0x011a, CRC ok, no warnings [img.suffix.crc_ok]");
	is_int(img.suffix.idVendor, 0x0483,
	       "suffix 0483:df11, bcdDFU 0x011a, CRC ok, no warnings [img.suffix.idVendor]");
	is_int(img.suffix.idProduct, 0xDF11,
	       "suffix 0483:df11, bcdDFU 0x011a, CRC ok, no warnings [img.suffix.idProduct]");
	is_int(img.suffix.bcdDFU, 0x011A,
	       "suffix 0483:df11, bcdDFU 0x011a, CRC ok, no warnings [img.suffix.bcdDFU]");
	is_int(img.warnings, 0,
	       "suffix 0483:df11, bcdDFU 0x011a, CRC ok, no warnings [img.warnings]");
	image_free(&img);
	free(buf);
}

/* mboot-f413.dfu through dfu_file_parse(): the container's own fields. */
static void check_mboot_container(void)
{
	size_t len = 0;
	uint8_t *buf = load("mboot-f413.dfu", &len);
	struct dfu_file_image img;
	struct error err = { ERR_OK, "" };

	if (!ok(buf != NULL, "mboot-f413.dfu is read for dfu_file_parse"))
		return;
	is_int(len, 33061, "fixture size");
	if (!is_int(dfu_file_parse(buf, len, 0, &img, &err), ERR_OK, "mboot-f413.dfu parses (%s)",
		    err.msg)) {
		skip(12, "mboot-f413.dfu does not parse");
		free(buf);
		return;
	}
	is_int(img.format, DFU_FILE_DFUSE, "DfuSe");
	is_int(img.warnings, 0, "no warnings");
	is_hex(img.suffix.idVendor, 0x0483, "suffix idVendor 0x0483");
	is_hex(img.suffix.idProduct, 0xDF11, "suffix idProduct 0xdf11");
	is_hex(img.suffix.bcdDFU, 0x011A, "suffix bcdDFU 0x011a");
	is_int(img.suffix.crc_ok, true, "suffix CRC ok");
	is_int(img.ntargets, 1, "one target");
	is_int(img.targets[0].alt, 0, "alt 0");
	is_str(img.targets[0].name, "ST...", "name ST...");
	is_int(img.targets[0].nelements, 1, "one element");
	is_hex(img.targets[0].elements[0].address, 0x08008000, "element address");
	is_int(img.targets[0].elements[0].size, 32752, "element size");
	dfu_file_free(&img);
	free(buf);
}

int main(void)
{
	check_toolchain();
	check_mboot();
	check_mboot_container();
	return done_testing();
}
