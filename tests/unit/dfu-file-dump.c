/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dfu-file-dump FILE [force]: print what dfu_file_parse() finds in FILE in a
 * stable text form, for dfu-file-interop.sh to compare with what another
 * tool was asked to write. Exit 0 on success, 1 on a parse error (printed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu_file.h"

/* zlib-style CRC-32 of the data, as Python's zlib.crc32() prints it. */
static unsigned long crc32_of(const uint8_t *p, size_t n)
{
	return (unsigned long)(~dfu_file_crc(p, n) & 0xFFFFFFFFu);
}

int main(int argc, char **argv)
{
	struct dfu_file_image img;
	struct error err = { 0 };
	uint8_t *buf;
	size_t len;
	unsigned flags = 0;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "force") != 0)) {
		fprintf(stderr, "usage: dfu-file-dump FILE [force]\n");
		return 2;
	}
	if (argc == 3)
		flags |= DFU_FILE_FORCE;
	if (dfu_file_load(argv[1], &buf, &len, &err) != ERR_OK) {
		printf("error %s\n", err.msg);
		return 1;
	}
	if (dfu_file_parse(buf, len, flags, &img, &err) != ERR_OK) {
		printf("error %s\n", err.msg);
		free(buf);
		return 1;
	}
	printf("format %s\n", img.format == DFU_FILE_DFUSE ? "dfuse" : "raw");
	if (img.suffix.present)
		printf("suffix bcdDevice 0x%04x idProduct 0x%04x idVendor 0x%04x bcdDFU 0x%04x "
		       "crc %s\n",
		       img.suffix.bcdDevice, img.suffix.idProduct, img.suffix.idVendor,
		       img.suffix.bcdDFU, img.suffix.crc_ok ? "ok" : "bad");
	else
		printf("suffix none\n");
	printf("warnings 0x%x trailing %zu\n", img.warnings, img.trailing_bytes);
	if (img.format == DFU_FILE_RAW)
		printf("payload size %zu crc32 0x%08lx\n", img.payload_len,
		       crc32_of(img.payload, img.payload_len));
	for (size_t t = 0; t < img.ntargets; t++) {
		const struct dfu_file_target *tg = &img.targets[t];

		printf("target %zu alt %u named %d name \"%s\" elements %zu\n", t, tg->alt,
		       tg->named ? 1 : 0, tg->name, tg->nelements);
		for (size_t e = 0; e < tg->nelements; e++)
			printf("element %zu.%zu address 0x%08x size %u crc32 0x%08lx\n", t, e,
			       tg->elements[e].address, tg->elements[e].size,
			       crc32_of(tg->elements[e].data, tg->elements[e].size));
	}
	dfu_file_free(&img);
	free(buf);
	return 0;
}
