/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations behind the command line: select.c finds and switches the
 * device (-l, -e), and the device's target (target.c: DfuSe or plain DFU
 * 1.1) does -D, -U and -s; -R is here. Inputs are read and checked before
 * the first USB request, and nothing is claimed that did not happen.
 */
#include "ops.h"

#include <string.h>

#include "download.h"
#include "outfile.h"
#include "select.h"
#include "session.h"
#include "target.h"
#include "upload.h"

static double seconds(uint64_t us)
{
	return (double)us / 1e6;
}

/* -s without -U/-D: the target's commands. */
static int op_command(struct session *s, struct error *err)
{
	int r = select_dfu_device(s, err);

	return r == ERR_OK ? target_choose(s)->command(s, err) : r;
}

/* -U: the file's name is checked before the device is touched (dfu-util never overwrites). */
static int op_upload(struct session *s, struct error *err)
{
	enum image_format fmt;
	int r = outfile_check(s->o->file, err);

	if (r == ERR_OK)
		r = upload_format(s->o->file, &fmt, err);
	if (r != ERR_OK)
		return r;
	r = select_dfu_device(s, err);
	if (r == ERR_OK && !dev_can_upload(&s->info))
		return error_set(err, ERR_USAGE,
				 "upload: the device cannot upload (its DFU functional descriptor "
				 "clears bitCanUpload); nothing was sent");
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	return target_choose(s)->upload(s, err);
}

/* -D of @in, read already: everything that needs no DFU-mode device comes first. */
static int op_download_input(struct session *s, const struct download_input *in, struct error *err)
{
	int r = download_check_ids(s, in, err);

	if (r == ERR_OK)
		r = select_device(s, false, err);
	if (r == ERR_OK)
		r = download_check_address(s, in, err);
	if (r == ERR_OK)
		r = select_enter_dfu(s, err);
	/* --verify and --diff read the device back: not from one that cannot upload. */
	if (r == ERR_OK && (s->o->verify || s->o->diff) && !dev_can_upload(&s->info))
		return error_set(err, ERR_USAGE,
				 "download: %s reads the device back, and it cannot upload (its DFU "
				 "functional descriptor clears bitCanUpload); nothing was sent",
				 s->o->verify ? "--verify" : "--diff");
	if (r != ERR_OK)
		return error_wrap(err, "download");
	return target_choose(s)->download(s, in, err);
}

/* -D: the file is read and checked once, before any device is looked for. */
static int op_download(struct session *s, struct error *err)
{
	struct download_input in;
	int r = download_load(s->o, s->ui, &in, err);

	if (r != ERR_OK)
		return error_wrap(err, "download");
	r = op_download_input(s, &in, err);
	download_input_free(&in);
	return r;
}

/* -e alone. */
static int op_detach(struct session *s, struct error *err)
{
	int r = select_device(s, true, err);

	if (r != ERR_OK)
		return r;
	if (!s->info.runtime) {
		ui_info(s->ui, "[%04x:%04x] path=\"%s\" is already in DFU mode", s->info.vid,
			s->info.pid, s->info.path);
		return ERR_OK;
	}
	r = select_detach(s, err);
	if (r != ERR_OK)
		return r;
	ui_info(s->ui, "Detach requested; the device re-enumerates in DFU mode");
	return ERR_OK;
}

/* -R: a USB reset so the device runs its firmware. Gone already = done. */
static int reset_device(struct session *s, struct error *err)
{
	enum dfu_reset_end end;

	if (s->gone)
		return ERR_OK;
	if (!s->opened) {
		int r = select_device(s, false, err);

		if (r == ERR_OK)
			r = session_open_alt(s, 0, err);
		if (r != ERR_OK)
			return error_wrap(err, "reset");
	}
	ui_info(s->ui, "Resetting the USB device");
	if (dfu_reset(&s->dfu, &end, err) != ERR_OK)
		return error_wrap(err, "reset");
	if (end == DFU_RESET_PIPES) {
		/* What was asked is done as far as the platform allows: say what that was. */
		ui_warn(s->ui, "reset: the device was not reset: its driver (WinUSB) can only "
			       "reset its pipes, which was done; replug it to restart it");
		return ERR_OK;
	}
	session_gone(s);
	return ERR_OK;
}

static void print_stats(const struct session *s)
{
	const struct ops_stats *st = s->stats;

	if (st == NULL || s->ui->verbose < 1)
		return;
	if (st->erase_us > 0 || st->sectors_erased > 0)
		ui_info(s->ui, "Erase:  %lu sectors in %.3f s", st->sectors_erased,
			seconds(st->erase_us));
	if (st->bytes_written > 0)
		ui_info(s->ui, "Write:  %llu bytes (%lu blocks sent) in %.3f s, %.1f KiB/s",
			st->bytes_written, st->blocks_written, seconds(st->write_us),
			st->write_us ? (double)st->bytes_written / 1024.0 / seconds(st->write_us)
				     : 0.0);
	if (st->verify_us > 0)
		ui_info(s->ui, "Verify: %.3f s", seconds(st->verify_us));
	if (st->bytes_read > 0)
		ui_info(s->ui, "Read:   %llu bytes in %.3f s, %.1f KiB/s", st->bytes_read,
			seconds(st->read_us + st->verify_us),
			st->read_us + st->verify_us ? (double)st->bytes_read / 1024.0 /
							      seconds(st->read_us + st->verify_us)
						    : 0.0);
	if (st->sectors_skipped > 0)
		ui_info(s->ui, "Diff:   %lu sectors already up to date", st->sectors_skipped);
	ui_info(s->ui, "USB:    %lu DFU requests", st->requests);
}

void ops_session_init(struct session *s, const struct opts *o, struct dev_backend be,
		      const struct ui *ui, struct ops_stats *stats)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->be = be;
	s->ui = ui;
	s->stats = stats;
	s->alt_index = -1;
}

int ops_run(const struct opts *o, struct dev_backend be, const struct ui *ui,
	    struct ops_stats *stats, struct error *err)
{
	struct ops_stats local;
	struct session s;

	memset(&local, 0, sizeof(local));
	ops_session_init(&s, o, be, ui, stats != NULL ? stats : &local);
	return ops_session_run(&s, NULL, err);
}

int ops_session_run(struct session *s, const struct download_input *in, struct error *err)
{
	const struct opts *o = s->o;
	int r;

	switch (o->mode) {
	case OPT_MODE_LIST:
		r = select_list(s, err);
		break;
	case OPT_MODE_UPLOAD:
		r = op_upload(s, err);
		break;
	case OPT_MODE_DOWNLOAD:
		r = in != NULL ? op_download_input(s, in, err) : op_download(s, err);
		break;
	case OPT_MODE_COMMAND:
		r = op_command(s, err);
		break;
	case OPT_MODE_DETACH:
		r = op_detach(s, err);
		break;
	case OPT_MODE_RESET:
		r = ERR_OK;
		break;
	case OPT_MODE_NONE:
	case OPT_MODE_VERSION:
	case OPT_MODE_HELP:
	default:
		r = error_set(err, ERR_USAGE, "no operation given (try -h)");
		break;
	}
	if (r == ERR_OK && o->reset && o->dry_run)
		ui_info(s->ui, "Dry run: the device was not reset (-R)");
	else if (r == ERR_OK && o->reset)
		r = reset_device(s, err);
	session_close(s);
	print_stats(s);
	return r;
}
