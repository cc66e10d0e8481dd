/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an image file: format names, detection by content and the dispatch
 * to each reader (dfu_file.c, ihex.c, srec.c, elf.c). The model is in
 * image_pieces.c, the writers in image_write.c.
 */
#include "image.h"

#include <string.h>

#include "elf.h"
#include "hexdigit.h"
#include "ihex.h"
#include "srec.h"

static const struct {
	const char *name;
	enum image_format fmt;
} image_names[] = {
	{ "bin", IMAGE_FORMAT_BIN },	 { "dfu", IMAGE_FORMAT_DFUSE },
	{ "dfuse", IMAGE_FORMAT_DFUSE }, { "hex", IMAGE_FORMAT_IHEX },
	{ "ihex", IMAGE_FORMAT_IHEX },	 { "ihx", IMAGE_FORMAT_IHEX },
	{ "srec", IMAGE_FORMAT_SREC },	 { "s19", IMAGE_FORMAT_SREC },
	{ "s28", IMAGE_FORMAT_SREC },	 { "s37", IMAGE_FORMAT_SREC },
	{ "mot", IMAGE_FORMAT_SREC },	 { "elf", IMAGE_FORMAT_ELF },
	{ "axf", IMAGE_FORMAT_ELF },	 { "out", IMAGE_FORMAT_ELF },
};

/* --format takes every name an extension may have. */
bool image_format_from_name(const char *name, enum image_format *fmt)
{
	for (size_t i = 0; i < sizeof(image_names) / sizeof(image_names[0]); i++) {
		if (strcmp(name, image_names[i].name) == 0) {
			*fmt = image_names[i].fmt;
			return true;
		}
	}
	return false;
}

enum image_format image_format_from_extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash != NULL ? slash : path, '.');
	char ext[8];
	size_t n;

	if (dot == NULL)
		return IMAGE_FORMAT_AUTO;
	n = strlen(dot + 1);
	if (n == 0 || n >= sizeof(ext))
		return IMAGE_FORMAT_AUTO;
	for (size_t i = 0; i <= n; i++) {
		char c = dot[1 + i];

		ext[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	for (size_t i = 0; i < sizeof(image_names) / sizeof(image_names[0]); i++)
		if (strcmp(ext, image_names[i].name) == 0)
			return image_names[i].fmt;
	return IMAGE_FORMAT_AUTO;
}

enum image_format image_detect(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	if (len >= 4 && memcmp(buf, "\177ELF", 4) == 0)
		return IMAGE_FORMAT_ELF;
	if (len >= 5 && memcmp(buf, "DfuSe", 5) == 0)
		return IMAGE_FORMAT_DFUSE;
	/* Text formats: the first non-blank line decides. */
	while (i < len && (buf[i] == '\r' || buf[i] == '\n' || buf[i] == ' ' || buf[i] == '\t'))
		i++;
	if (len - i >= 3 && buf[i] == ':' && hex_digit_value(buf[i + 1]) >= 0 &&
	    hex_digit_value(buf[i + 2]) >= 0)
		return IMAGE_FORMAT_IHEX;
	if (len - i >= 4 && buf[i] == 'S' && buf[i + 1] >= '0' && buf[i + 1] <= '9' &&
	    hex_digit_value(buf[i + 2]) >= 0 && hex_digit_value(buf[i + 3]) >= 0)
		return IMAGE_FORMAT_SREC;
	return IMAGE_FORMAT_BIN;
}

/* ---- parsing ---- */

static int parse_dfu(const uint8_t *buf, size_t len, unsigned flags, struct image *img,
		     struct error *err)
{
	struct dfu_file_image f;
	int rc = dfu_file_parse(buf, len, (flags & IMAGE_FORCE) ? DFU_FILE_FORCE : 0, &f, err);

	if (rc != ERR_OK)
		return rc;
	img->suffix = f.suffix;
	img->dfu_warnings = f.warnings;
	img->trailing_bytes = f.trailing_bytes;
	if (f.warnings != 0)
		img->warnings |= IMAGE_WARN_DFU;
	if (f.format == DFU_FILE_RAW) {
		struct image_piece p = { 0, (uint32_t)f.payload_len, f.payload, false, 0 };

		img->format = IMAGE_FORMAT_BIN;
		img->addressed = false;
		rc = image_push_piece(img, &p, err);
		dfu_file_free(&f);
		return rc;
	}
	img->format = IMAGE_FORMAT_DFUSE;
	for (size_t t = 0; t < f.ntargets && rc == ERR_OK; t++) {
		const struct dfu_file_target *tg = &f.targets[t];

		/* Several targets may share an alt: the first one's name stands for it. */
		if (tg->named && image_alt_name(img, tg->alt) == NULL)
			rc = image_name_alt(img, tg->alt, tg->name, err);
		else if (!tg->named) {
			bool known = false;

			for (size_t i = 0; i < img->ntargets; i++)
				known = known || img->targets[i].alt == tg->alt;
			if (!known)
				rc = image_name_alt(img, tg->alt, NULL, err);
		}
		for (size_t e = 0; e < tg->nelements && rc == ERR_OK; e++) {
			const struct dfu_file_element *el = &tg->elements[e];
			struct image_piece p = { el->address, el->size, el->data, true, tg->alt };

			if (el->size > 0)
				rc = image_push_piece(img, &p, err);
		}
	}
	dfu_file_free(&f);
	if (rc != ERR_OK)
		return rc;
	/* dfu_file_parse() already refused overlaps within an alt. */
	return image_finish(img, err);
}

int image_parse(const uint8_t *buf, size_t len, enum image_format fmt, unsigned flags,
		struct image *img, struct error *err)
{
	int rc = ERR_DATA;

	image_init(img, fmt == IMAGE_FORMAT_AUTO ? image_detect(buf, len) : fmt);
	if (len > DFU_FILE_MAX_SIZE)
		return error_set(err, ERR_DATA, "image of %zu bytes (at most %u allowed)", len,
				 DFU_FILE_MAX_SIZE);
	switch (img->format) {
	case IMAGE_FORMAT_AUTO:
	case IMAGE_FORMAT_BIN:
	case IMAGE_FORMAT_DFUSE:
		if (img->format == IMAGE_FORMAT_DFUSE && (len < 5 || memcmp(buf, "DfuSe", 5))) {
			rc = error_set(err, ERR_DATA, "no \"DfuSe\" prefix at file offset 0");
			break;
		}
		/*
		 * dfu_file_parse() tells raw from DfuSe by the magic itself:
		 * --format bin on a .dfu file still reads the container.
		 */
		rc = parse_dfu(buf, len, flags, img, err);
		break;
	case IMAGE_FORMAT_IHEX:
	case IMAGE_FORMAT_SREC:
	case IMAGE_FORMAT_ELF:
		if (len == 0) {
			rc = error_set(err, ERR_DATA, "empty file");
			break;
		}
		/* A suffix would be read as garbage after the end record or the ELF data. */
		dfu_file_parse_suffix(buf, len, &img->suffix);
		if (img->suffix.present) {
			rc = error_set(err, ERR_DATA,
				       "the file ends in a DFU suffix, which a %s file never "
				       "carries (remove it, e.g. with dfu-suffix -D)",
				       image_format_title(img->format));
			memset(&img->suffix, 0, sizeof(img->suffix));
			break;
		}
		if (img->format == IMAGE_FORMAT_IHEX)
			rc = ihex_parse(buf, len, img, err);
		else if (img->format == IMAGE_FORMAT_SREC)
			rc = srec_parse(buf, len, img, err);
		else
			rc = elf_parse(buf, len, img, err);
		break;
	}
	if (rc != ERR_OK) {
		enum image_format f = img->format;

		image_free(img);
		return error_wrap(err, "%s", image_format_title(f));
	}
	return ERR_OK;
}
