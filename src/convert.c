/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The offline image commands: --info prints what a file holds, --convert
 * rewrites it in another format. Reading, parsing and writing are separate
 * steps; the output goes through outfile.c like an upload.
 */
#include "convert.h"

#include <stdlib.h>
#include <string.h>

#include "dfu_file.h"
#include "outfile.h"

static void warn_findings(const char *path, const struct image *img, const struct ui *ui)
{
	unsigned w = img->dfu_warnings;

	if (w & DFU_FILE_WARN_CRC_FORCED)
		ui_warn(ui, "%s: DFU suffix CRC is wrong (0x%08x, computed 0x%08x)", path,
			img->suffix.crc_stored, img->suffix.crc_computed);
	if (w & DFU_FILE_WARN_IMAGESIZE)
		ui_warn(ui,
			"%s: DFUImageSize matches neither the file nor the file without its "
			"suffix",
			path);
	if (w & DFU_FILE_WARN_TRAILING)
		ui_warn(ui, "%s: %zu bytes after the last target ignored", path,
			img->trailing_bytes);
	if (w & DFU_FILE_WARN_TARGET_COUNT)
		ui_warn(ui, "%s: bTargets disagrees with the targets found", path);
	if (w & DFU_FILE_WARN_DFUSE_SUFFIX)
		ui_warn(ui, "%s: the suffix says DfuSe (bcdDFU 0x011a) but there is no prefix",
			path);
}

int convert_load(const char *path, enum image_format fmt, unsigned flags, const struct ui *ui,
		 uint8_t **buf, struct image *img, struct error *err)
{
	enum image_format content, named;
	size_t len = 0;
	int rc;

	memset(img, 0, sizeof(*img));
	rc = dfu_file_load(path, buf, &len, err);
	if (rc != ERR_OK)
		return rc;
	content = image_detect(*buf, len);
	named = image_format_from_extension(path);
	/* .bin and .dfu share one reader, which tells them apart by the DfuSe magic itself. */
	if (fmt == IMAGE_FORMAT_AUTO && named != IMAGE_FORMAT_AUTO && named != content &&
	    !(named == IMAGE_FORMAT_DFUSE && content == IMAGE_FORMAT_BIN))
		ui_warn(ui,
			"%s: the name says %s but the contents are %s: read as %s "
			"(--format overrides)",
			path, image_format_title(named), image_format_title(content),
			image_format_title(content));
	rc = image_parse(*buf, len, fmt, flags, img, err);
	if (rc != ERR_OK) {
		free(*buf);
		*buf = NULL;
		return error_wrap(err, "%s", path);
	}
	if (named == IMAGE_FORMAT_DFUSE && img->format == IMAGE_FORMAT_BIN)
		ui_warn(ui, "%s: no DfuSe prefix: read as a raw binary", path);
	warn_findings(path, img, ui);
	return ERR_OK;
}

/* -s ADDRESS places a raw image; with an addressed one it is a usage error. */
static int place(const struct opts *o, struct image *img, struct error *err)
{
	if (!o->dfuse.has_address)
		return ERR_OK;
	if (img->addressed)
		return error_set(err, ERR_USAGE,
				 "-s 0x%08x: %s is a %s file and carries its own addresses "
				 "(-s ADDRESS only places a raw binary)",
				 o->dfuse.address, o->file, image_format_title(img->format));
	return image_place(img, o->dfuse.address, err);
}

static void print_piece(const struct ui *ui, const struct image *img, const struct image_piece *p)
{
	char alt[16] = "";

	if (p->has_alt)
		snprintf(alt, sizeof(alt), "alt %u, ", p->alt);
	if (!img->addressed) {
		ui_info(ui, "Piece: %u bytes, no address (a raw binary goes where -s ADDRESS says)",
			p->len);
		return;
	}
	ui_info(ui, "Piece: %s0x%08x..0x%08x, %u bytes", alt, p->addr, p->addr + (p->len - 1),
		p->len);
}

int convert_info(const struct opts *o, const struct ui *ui, struct error *err)
{
	struct image img;
	uint8_t *buf = NULL;
	int rc;

	/* Forced, so that a bad CRC is shown with everything else before it is reported. */
	rc = convert_load(o->file, o->format, IMAGE_FORCE, ui, &buf, &img, err);
	if (rc != ERR_OK)
		return error_wrap(err, "info");
	rc = place(o, &img, err);
	if (rc != ERR_OK)
		goto out;
	ui_info(ui, "File: %s", o->file);
	ui_info(ui, "Format: %s (%s)", image_format_title(img.format),
		image_format_name(img.format));
	if (img.suffix.present)
		ui_info(ui,
			"DFU suffix: VID 0x%04x, PID 0x%04x, bcdDevice 0x%04x, bcdDFU 0x%04x, "
			"CRC 0x%08x %s",
			img.suffix.idVendor, img.suffix.idProduct, img.suffix.bcdDevice,
			img.suffix.bcdDFU, img.suffix.crc_stored, img.suffix.crc_ok ? "ok" : "BAD");
	else if (img.format == IMAGE_FORMAT_BIN)
		ui_info(ui, "DFU suffix: none");
	for (size_t i = 0; i < img.ntargets; i++) {
		if (img.targets[i].named)
			ui_info(ui, "Target: alt %u, name \"%s\"", img.targets[i].alt,
				img.targets[i].name);
		else
			ui_info(ui, "Target: alt %u, unnamed", img.targets[i].alt);
	}
	for (size_t i = 0; i < img.npieces; i++)
		print_piece(ui, &img, &img.pieces[i]);
	if (img.has_start)
		ui_info(ui, "Start address: 0x%08x", img.start);
	ui_info(ui, "Total: %zu piece%s, %llu bytes", img.npieces, img.npieces == 1 ? "" : "s",
		(unsigned long long)image_size(&img));
	if (img.suffix.present && !img.suffix.crc_ok)
		rc = error_set(err, ERR_DATA,
			       "%s: DFU suffix CRC mismatch: file says 0x%08x, contents give 0x%08x",
			       o->file, img.suffix.crc_stored, img.suffix.crc_computed);
out:
	image_free(&img);
	free(buf);
	return rc != ERR_OK ? error_wrap(err, "info") : ERR_OK;
}

/* The .dfu suffix IDs: -d (its DFU-mode half when given), else what the input carried. */
static void suffix_ids(const struct opts *o, const struct image *img, struct image_write_opts *wo)
{
	const struct opt_id *id = o->id_dfu.given ? &o->id_dfu : &o->id_runtime;

	if (id->given && !id->none) {
		wo->idVendor = id->any_vid ? 0xFFFF : id->vid;
		wo->idProduct = id->any_pid ? 0xFFFF : id->pid;
	} else if (img->suffix.present) {
		wo->idVendor = img->suffix.idVendor;
		wo->idProduct = img->suffix.idProduct;
		wo->bcdDevice = img->suffix.bcdDevice;
	}
}

static int convert_file(const struct opts *o, const struct ui *ui, struct error *err)
{
	enum image_format out = o->out_format;
	struct image_write_opts wo;
	struct outfile of;
	struct image img;
	uint8_t *buf = NULL, *data = NULL;
	size_t len = 0;
	int rc;

	if (out == IMAGE_FORMAT_AUTO)
		out = image_format_from_extension(o->convert_out);
	if (out == IMAGE_FORMAT_AUTO)
		return error_set(err, ERR_USAGE,
				 "cannot tell the output format from the name %s: give "
				 "--out-format (bin, dfu, hex, srec)",
				 o->convert_out);
	if (out == IMAGE_FORMAT_ELF)
		return error_set(err, ERR_USAGE,
				 "%s: ELF is read, not written (write bin, dfu, hex or srec)",
				 o->convert_out);
	if (out != IMAGE_FORMAT_DFUSE && (o->has_alt || o->id_runtime.given || o->id_dfu.given))
		return error_set(err, ERR_USAGE,
				 "-d and -a fill a .dfu output's suffix and target; %s is %s",
				 o->convert_out, image_format_title(out));
	rc = outfile_check(o->convert_out, err);
	if (rc != ERR_OK)
		return rc;
	rc = convert_load(o->file, o->format, 0, ui, &buf, &img, err);
	if (rc != ERR_OK)
		return rc;
	rc = place(o, &img, err);
	if (rc == ERR_OK && !img.addressed && out != IMAGE_FORMAT_BIN)
		rc = error_set(err, ERR_USAGE,
			       "%s is a raw binary: give its address with -s ADDRESS to write %s",
			       o->file, image_format_title(out));
	if (rc == ERR_OK && o->has_alt && img.format == IMAGE_FORMAT_DFUSE)
		rc = error_set(err, ERR_USAGE,
			       "-a: %s is a .dfu file, whose targets already name their alts",
			       o->file);
	image_write_opts_init(&wo);
	suffix_ids(o, &img, &wo);
	if (o->has_alt && o->alt_is_name)
		wo.alt_name = o->alt_name;
	else if (o->has_alt)
		wo.alt = o->alt;
	if (rc == ERR_OK)
		rc = image_write(&img, out, &wo, &data, &len, err);
	if (rc == ERR_OK)
		rc = outfile_open(&of, o->convert_out, err);
	if (rc == ERR_OK) {
		rc = outfile_write(&of, data, len, err);
		if (rc == ERR_OK)
			rc = outfile_commit(&of, err);
		else
			outfile_abort(&of);
	}
	if (rc == ERR_OK)
		ui_info(ui, "Wrote %s: %s, %zu piece%s, %llu bytes of data (%zu bytes of file)",
			o->convert_out, image_format_title(out), img.npieces,
			img.npieces == 1 ? "" : "s", (unsigned long long)image_size(&img), len);
	free(data);
	image_free(&img);
	free(buf);
	return rc;
}

int convert_run(const struct opts *o, const struct ui *ui, struct error *err)
{
	int rc;

	if (o->mode == OPT_MODE_INFO)
		return convert_info(o, ui, err);
	if (o->mode != OPT_MODE_CONVERT)
		return error_set(err, ERR_USAGE, "no offline operation given");
	rc = convert_file(o, ui, err);
	return rc != ERR_OK ? error_wrap(err, "convert") : ERR_OK;
}
