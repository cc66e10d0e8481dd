/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations behind the command line, dispatched to the files that do
 * them: select.c (-l, finding and switching the device), upload.c (-U),
 * flash.c (-D), plain.c (all three on plain DFU 1.1 devices); the DfuSe
 * commands of -s alone, -e and -R are here. Inputs
 * are read and checked before the first USB request, and nothing is claimed
 * that did not happen.
 */
#include "ops.h"

#include <string.h>

#include "dfuse.h"
#include "dfuse_mem.h"
#include "flash.h"
#include "plain.h"
#include "select.h"
#include "session.h"
#include "upload.h"

static double seconds(uint64_t us)
{
	return (double)us / 1e6;
}

/* -s without -U/-D: DfuSe commands. */
static int op_command(struct session *op, struct error *err)
{
	const struct opts *o = op->o;
	const struct dfuse_mem_layout *l;
	int index, r;

	r = select_dfu_device(op, err);
	if (r == ERR_OK && plain_is_plain(op))
		return plain_command(op, err);
	if (r == ERR_OK)
		r = session_choose_alt(op, o->dfuse.has_address, o->dfuse.address, &index, err);
	if (r == ERR_OK)
		r = session_start_alt(op, index, err);
	if (r != ERR_OK)
		return r;
	if (o->dfuse.mass_erase) {
		ui_info(op->ui, "Mass erase of alt %u \"%s\"", op->info.alts[index].alt,
			op->info.alts[index].name);
		r = dfuse_mass_erase(&op->dfu, err);
		if (r != ERR_OK)
			return r;
		ui_info(op->ui, "Mass erase done");
	}
	if (o->dfuse.unprotect) {
		bool gone = false;

		ui_info(op->ui, "Removing read protection: the device erases its flash and resets");
		r = dfuse_unprotect(&op->dfu, &gone, err);
		if (r != ERR_OK)
			return r;
		session_gone(op);
		ui_info(op->ui, gone ? "Read protection removed; the device reset"
				     : "Read unprotect accepted; the device is resetting");
		return ERR_OK;
	}
	if (o->dfuse.leave) {
		uint32_t addr = o->dfuse.address;

		if (!o->dfuse.has_address) {
			r = session_layout(op, index, &l, err);
			if (r != ERR_OK)
				return r;
			addr = l->segments[0].start;
		}
		return flash_leave(op, true, addr, err);
	}
	return ERR_OK;
}

/* -e alone. */
static int op_detach(struct session *op, struct error *err)
{
	int r = select_device(op, true, err);

	if (r != ERR_OK)
		return r;
	if (!op->info.runtime) {
		ui_info(op->ui, "[%04x:%04x] path=\"%s\" is already in DFU mode", op->info.vid,
			op->info.pid, op->info.path);
		return ERR_OK;
	}
	r = select_detach(op, err);
	if (r != ERR_OK)
		return r;
	ui_info(op->ui, "Detach requested; the device re-enumerates in DFU mode");
	return ERR_OK;
}

/* -R: a USB reset so the device runs its firmware. Gone already = done. */
static int reset_device(struct session *op, struct error *err)
{
	enum dfu_reset_end end;

	if (op->gone)
		return ERR_OK;
	if (!op->opened) {
		int r = select_device(op, false, err);

		if (r == ERR_OK)
			r = session_open_alt(op, 0, err);
		if (r != ERR_OK)
			return error_wrap(err, "reset");
	}
	ui_info(op->ui, "Resetting the USB device");
	if (dfu_reset(&op->dfu, &end, err) != ERR_OK)
		return error_wrap(err, "reset");
	if (end == DFU_RESET_PIPES) {
		/* What was asked is done as far as the platform allows: say what that was. */
		ui_warn(op->ui, "reset: the device was not reset: its driver (WinUSB) can only "
				"reset its pipes, which was done; replug it to restart it");
		return ERR_OK;
	}
	session_gone(op);
	return ERR_OK;
}

static void print_stats(const struct session *op)
{
	const struct ops_stats *s = op->stats;

	if (s == NULL || op->ui->verbose < 1)
		return;
	if (s->erase_us > 0 || s->sectors_erased > 0)
		ui_info(op->ui, "Erase:  %lu sectors in %.3f s", s->sectors_erased,
			seconds(s->erase_us));
	if (s->bytes_written > 0)
		ui_info(op->ui, "Write:  %llu bytes (%lu blocks sent) in %.3f s, %.1f KiB/s",
			s->bytes_written, s->blocks_written, seconds(s->write_us),
			s->write_us ? (double)s->bytes_written / 1024.0 / seconds(s->write_us)
				    : 0.0);
	if (s->verify_us > 0)
		ui_info(op->ui, "Verify: %.3f s", seconds(s->verify_us));
	if (s->bytes_read > 0)
		ui_info(op->ui, "Read:   %llu bytes in %.3f s, %.1f KiB/s", s->bytes_read,
			seconds(s->read_us + s->verify_us),
			s->read_us + s->verify_us ? (double)s->bytes_read / 1024.0 /
							    seconds(s->read_us + s->verify_us)
						  : 0.0);
	if (s->sectors_skipped > 0)
		ui_info(op->ui, "Diff:   %lu sectors already up to date", s->sectors_skipped);
	ui_info(op->ui, "USB:    %lu DFU requests", s->requests);
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
	struct session op;

	memset(&local, 0, sizeof(local));
	ops_session_init(&op, o, be, ui, stats != NULL ? stats : &local);
	return ops_session_run(&op, NULL, err);
}

int ops_session_run(struct session *s, const struct download_input *in, struct error *err)
{
	struct session *op = s;
	const struct opts *o = s->o;
	int r;

	switch (o->mode) {
	case OPT_MODE_LIST:
		r = select_list(op, err);
		break;
	case OPT_MODE_UPLOAD:
		r = upload_run(op, err);
		break;
	case OPT_MODE_DOWNLOAD:
		r = in != NULL ? flash_download_input(op, in, err) : flash_download(op, err);
		break;
	case OPT_MODE_COMMAND:
		r = op_command(op, err);
		break;
	case OPT_MODE_DETACH:
		r = op_detach(op, err);
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
		ui_info(op->ui, "Dry run: the device was not reset (-R)");
	else if (r == ERR_OK && o->reset)
		r = reset_device(op, err);
	session_close(op);
	print_stats(op);
	return r;
}
