/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Download, upload and :leave on a plain DFU 1.1 device. Plain DFU has no
 * addresses: a download goes to the alt's own start, an upload reads the alt
 * from its start, so -s contributes only :leave ("reset when done").
 */
#include "plain.h"

#include "dfu_plain.h"
#include "outfile.h"

/* What a platform whose driver resets only the pipes (WinUSB) leaves to do. */
#define PIPES_ONLY                                                                                 \
	"this platform's driver cannot reset the device (only its pipes): replug it to start the " \
	"firmware"

/* What of -s and the dfuse-util additions a plain device cannot do: refused up front. */
static int check_options(struct session *s, const char *what, struct error *err)
{
	const struct opts *o = s->o;
	const char *refused = NULL;

	if (o->dfuse.mass_erase)
		refused = "-s :mass-erase";
	else if (o->dfuse.unprotect)
		refused = "-s :unprotect";
	else if (o->dfuse.has_length)
		refused = "a length in -s";
	else if (o->diff)
		refused = "--diff";
	else if (o->verify)
		refused = "--verify";
	if (refused != NULL)
		return error_set(err, ERR_USAGE,
				 "%s: [%04x:%04x] is a plain DFU 1.1 device; %s is DfuSe only",
				 what, s->info.vid, s->info.pid, refused);
	if (o->dfuse.has_address)
		ui_warn(s->ui,
			"[%04x:%04x] is a plain DFU 1.1 device: the address 0x%08x from -s is "
			"ignored",
			s->info.vid, s->info.pid, o->dfuse.address);
	return ERR_OK;
}

/* -a, or the first alt: plain devices have no layouts to choose by address. */
static int choose_alt(struct session *s, int *index, struct error *err)
{
	int r = session_alt_from_option(s, index, err);

	if (r != ERR_OK)
		return r;
	if (*index < 0) {
		if (s->info.nalts == 0)
			return error_set(err, ERR_PROTOCOL, "the device has no alternate settings");
		*index = 0;
	}
	return ERR_OK;
}

static void quirk_note(const struct session *s)
{
	char buf[64];

	if (s->quirks.flags != 0)
		ui_debug(s->ui, 1, "quirks for [%04x:%04x] ver=%04x: %s", s->info.vid, s->info.pid,
			 s->info.bcdDevice, quirks_describe(s->quirks.flags, buf, sizeof(buf)));
}

static int download_body(struct session *s, const struct download_input *in, struct error *err)
{
	const struct image *img = &in->img;
	const struct opts *o = s->o;
	struct dfu_plain_opts po = { .reset_after = o->reset || o->dfuse.leave };
	struct dfu_plain_result res;
	struct ui_progress p;
	const uint8_t *data;
	size_t len;
	uint64_t t0;
	int index, r;

	r = check_options(s, "download", err);
	if (r != ERR_OK)
		return r;
	if (img->addressed)
		return error_set(err, ERR_DATA,
				 "download: %s is a %s file (with addresses), but [%04x:%04x] is a "
				 "plain DFU 1.1 device; give it the raw image",
				 in->path, image_format_title(img->format), s->info.vid,
				 s->info.pid);
	download_check_suffix(s, in);
	if (img->npieces == 0 || img->pieces[0].len == 0)
		return error_set(err, ERR_DATA, "download: %s holds no data", in->path);
	data = img->pieces[0].data;
	len = img->pieces[0].len;
	r = choose_alt(s, &index, err);
	if (r != ERR_OK)
		return error_wrap(err, "download");
	if (o->dry_run) {
		ui_info(s->ui,
			"Plan for alt %u \"%s\" (plain DFU 1.1): write %zu bytes from its "
			"start",
			s->info.alts[index].alt, s->info.alts[index].name, len);
		ui_info(s->ui, "Dry run: nothing was erased or written");
		return ERR_OK;
	}
	r = session_start_alt(s, index, err);
	if (r != ERR_OK)
		return error_wrap(err, "download");
	quirk_note(s);
	ui_info(s->ui, "Writing %zu bytes to alt %u \"%s\" (plain DFU 1.1)", len,
		s->info.alts[index].alt, s->info.alts[index].name);
	t0 = session_now_us(s);
	ui_progress_begin(&p, s->ui, "Writing", len);
	r = dfu_plain_download(&s->dfu, data, len, &po, &p, &res, err);
	ui_progress_end(&p);
	s->stats->blocks_written += res.blocks;
	/* What the device acknowledged, also when it failed later: the report says how far it got. */
	s->stats->bytes_written += res.bytes;
	s->stats->alt_written[index] += res.bytes;
	s->stats->write_us += session_now_us(s) - t0;
	if (r != ERR_OK)
		return error_wrap(err, "download");
	ui_debug(s->ui, 1, "%lu blocks; manifestation: %s (last state %s)", res.blocks,
		 dfu_plain_end_str(res.end), dfu_state_str(res.final_state));
	ui_info(s->ui, "Download done");
	switch (res.end) {
	case DFU_PLAIN_END_IDLE:
		ui_info(s->ui, "The device is back in dfuIDLE (manifestation tolerant)");
		break;
	case DFU_PLAIN_END_RESET:
		session_gone(s); /* reset already: -R has nothing left to do */
		ui_info(s->ui, "The device was reset after manifestation");
		break;
	case DFU_PLAIN_END_GONE:
		session_gone(s);
		ui_info(s->ui, "The device reset and left the bus: it runs the new firmware");
		break;
	case DFU_PLAIN_END_NOT_RESET:
		ui_warn(s->ui, "the firmware is written, but " PIPES_ONLY);
		break;
	}
	return ERR_OK;
}

/* :leave on plain DFU: a USB reset, after which the device runs its firmware. */
static int reset_now(struct session *s, const char *what, struct error *err)
{
	enum dfu_reset_end end;

	ui_info(s->ui, "Resetting the device so it runs its firmware (:leave on plain DFU)");
	if (dfu_reset(&s->dfu, &end, err) != ERR_OK)
		return error_wrap(err, "%s: reset", what);
	if (end == DFU_RESET_PIPES) {
		ui_warn(s->ui, "%s: " PIPES_ONLY, what);
		return ERR_OK;
	}
	session_gone(s);
	return ERR_OK;
}

static int to_file(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	return outfile_write(ctx, data, n, err);
}

static int upload_body(struct session *s, struct error *err)
{
	const struct opts *o = s->o;
	struct outfile f;
	struct ui_progress p;
	enum image_format fmt;
	uint64_t t0;
	size_t got = 0;
	int index, r;

	r = check_options(s, "upload", err);
	if (r != ERR_OK)
		return r;
	fmt = image_format_from_extension(o->file);
	if (fmt != IMAGE_FORMAT_AUTO && fmt != IMAGE_FORMAT_BIN)
		return error_set(err, ERR_USAGE,
				 "upload: [%04x:%04x] is a plain DFU 1.1 device, whose memory has no "
				 "addresses to write as %s; name the file .bin",
				 s->info.vid, s->info.pid, image_format_title(fmt));
	r = choose_alt(s, &index, err);
	if (r == ERR_OK)
		r = session_start_alt(s, index, err);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	quirk_note(s);
	r = outfile_open(&f, o->file, err);
	if (r != ERR_OK)
		return r;
	if (o->has_upload_size)
		ui_info(s->ui, "Reading at most %u bytes of alt %u \"%s\" (plain DFU 1.1)",
			o->upload_size, s->info.alts[index].alt, s->info.alts[index].name);
	else
		ui_info(s->ui, "Reading alt %u \"%s\" until the device ends it (plain DFU 1.1)",
			s->info.alts[index].alt, s->info.alts[index].name);
	t0 = session_now_us(s);
	ui_progress_begin(&p, s->ui, "Reading", o->has_upload_size ? o->upload_size : 0);
	r = dfu_plain_upload(&s->dfu, o->has_upload_size ? o->upload_size : 0, to_file, &f, &got,
			     &p, err);
	ui_progress_end(&p);
	s->stats->bytes_read += got;
	s->stats->read_us += session_now_us(s) - t0;
	/* Nothing read is never an upload done: no empty file is left as if it were. */
	if (r == ERR_OK && got == 0)
		r = error_set(err, ERR_PROTOCOL, "the device sent no data (0 bytes)");
	if (r == ERR_OK)
		r = outfile_commit(&f, err);
	outfile_abort(&f);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	ui_info(s->ui, "Upload done: %zu bytes written to %s", got, o->file);
	return o->dfuse.leave ? reset_now(s, "leave", err) : ERR_OK;
}

static int command_body(struct session *s, struct error *err)
{
	int index, r = check_options(s, "-s", err);

	if (r != ERR_OK || !s->o->dfuse.leave)
		return r;
	r = choose_alt(s, &index, err);
	if (r == ERR_OK)
		r = session_open_alt(s, index, err);
	if (r != ERR_OK)
		return error_wrap(err, "leave");
	return reset_now(s, "leave", err);
}

/*
 * Any error on a device driven as plain DFU says why it was taken so: a
 * device with ST's IDs whose ROM stalls a plain download otherwise fails
 * with no hint that its descriptor or its alt name decided it (issue 19).
 */
static int explain(const struct session *s, int r, struct error *err)
{
	char why[128];

	if (r == ERR_OK || r == ERR_INTERRUPTED)
		return r;
	error_append(err, " (driven as plain DFU: %s)",
		     dev_plain_reason(&s->info, why, sizeof(why)));
	return r;
}

int plain_download(struct session *s, const struct download_input *in, struct error *err)
{
	return explain(s, download_body(s, in, err), err);
}

int plain_upload(struct session *s, struct error *err)
{
	return explain(s, upload_body(s, err), err);
}

int plain_command(struct session *s, struct error *err)
{
	return explain(s, command_body(s, err), err);
}
