/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The offline image commands: --info prints what a file holds, --convert
 * rewrites it in another format. Reading, parsing and writing are separate
 * steps; the output goes through outfile.c like an upload.
 */
#include "convert.h"

#include <stdlib.h>
#include <string.h>

#include "download.h"
#include "image_write.h"
#include "outfile.h"

/* -s ADDRESS places a raw image (download_load() refused it for any other). */
static int place(const struct opts *o, struct image *img, struct error *err)
{
	if (!o->dfuse.has_address)
		return ERR_OK;
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

/*
 * The input as -D would read it (download_load(): format by contents, the
 * extension only warns, -s ADDRESS only for a raw image), with :force's
 * leniency on the suffix CRC when @force.
 */
static int load(const struct opts *o, bool force, const struct ui *ui, struct download_input *in,
		struct error *err)
{
	struct opts lo = *o;

	lo.dfuse.force = force;
	return download_load(&lo, ui, in, err);
}

int convert_info(const struct opts *o, const struct ui *ui, struct error *err)
{
	struct download_input in;
	int rc;

	/* Forced, so that a bad CRC is shown with everything else before it is reported. */
	rc = load(o, true, ui, &in, err);
	if (rc != ERR_OK)
		return error_wrap(err, "info");
	rc = place(o, &in.img, err);
	if (rc != ERR_OK)
		goto out;
	ui_info(ui, "File: %s", o->file);
	ui_info(ui, "Format: %s (%s)", image_format_title(in.img.format),
		image_format_name(in.img.format));
	if (in.img.suffix.present)
		ui_info(ui,
			"DFU suffix: VID 0x%04x, PID 0x%04x, bcdDevice 0x%04x, bcdDFU 0x%04x, "
			"CRC 0x%08x %s",
			in.img.suffix.idVendor, in.img.suffix.idProduct, in.img.suffix.bcdDevice,
			in.img.suffix.bcdDFU, in.img.suffix.crc_stored,
			in.img.suffix.crc_ok ? "ok" : "BAD");
	else if (in.img.format == IMAGE_FORMAT_BIN)
		ui_info(ui, "DFU suffix: none");
	for (size_t i = 0; i < in.img.ntargets; i++) {
		if (in.img.targets[i].named)
			ui_info(ui, "Target: alt %u, name \"%s\"", in.img.targets[i].alt,
				in.img.targets[i].name);
		else
			ui_info(ui, "Target: alt %u, unnamed", in.img.targets[i].alt);
	}
	for (size_t i = 0; i < in.img.npieces; i++)
		print_piece(ui, &in.img, &in.img.pieces[i]);
	if (in.img.has_start)
		ui_info(ui, "Start address: 0x%08x", in.img.start);
	ui_info(ui, "Total: %zu piece%s, %llu bytes", in.img.npieces,
		in.img.npieces == 1 ? "" : "s", (unsigned long long)image_size(&in.img));
	if (in.img.suffix.present && !in.img.suffix.crc_ok)
		rc = error_set(err, ERR_DATA,
			       "%s: DFU suffix CRC mismatch: file says 0x%08x, contents give 0x%08x",
			       o->file, in.img.suffix.crc_stored, in.img.suffix.crc_computed);
out:
	download_input_free(&in);
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
	struct download_input in;
	uint8_t *data = NULL;
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
	rc = load(o, false, ui, &in, err);
	if (rc != ERR_OK)
		return rc;
	rc = place(o, &in.img, err);
	if (rc == ERR_OK && !in.img.addressed && out != IMAGE_FORMAT_BIN)
		rc = error_set(err, ERR_USAGE,
			       "%s is a raw binary: give its address with -s ADDRESS to write %s",
			       o->file, image_format_title(out));
	if (rc == ERR_OK && o->has_alt && in.img.format == IMAGE_FORMAT_DFUSE)
		rc = error_set(err, ERR_USAGE,
			       "-a: %s is a .dfu file, whose targets already name their alts",
			       o->file);
	image_write_opts_init(&wo);
	suffix_ids(o, &in.img, &wo);
	if (o->has_alt && o->alt_is_name)
		wo.alt_name = o->alt_name;
	else if (o->has_alt)
		wo.alt = o->alt;
	if (rc == ERR_OK)
		rc = image_write(&in.img, out, &wo, &data, &len, err);
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
			o->convert_out, image_format_title(out), in.img.npieces,
			in.img.npieces == 1 ? "" : "s", (unsigned long long)image_size(&in.img),
			len);
	free(data);
	download_input_free(&in);
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
