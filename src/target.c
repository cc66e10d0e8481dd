/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two targets: the DfuSe one (its download in flash.c, its upload in
 * upload.c, its -s commands here) and the plain DFU 1.1 one (plain.c), and
 * the one place that picks between them.
 */
#include "target.h"

#include "dfuse.h"
#include "flash.h"
#include "plain.h"
#include "upload.h"

static int dfuse_download(struct session *s, const struct download_input *in, struct error *err)
{
	int r = flash_run(s, in, err);

	return r == ERR_OK ? r : error_wrap(err, "download");
}

/* :mass-erase of the open alt @index. */
static int dfuse_mass_erase_alt(struct session *s, int index, struct error *err)
{
	int r;

	ui_info(s->ui, "Mass erase of alt %u \"%s\"", s->info.alts[index].alt,
		s->info.alts[index].name);
	r = dfuse_mass_erase(&s->dfu, err);
	if (r == ERR_OK)
		ui_info(s->ui, "Mass erase done");
	return r;
}

/* -s without -U/-D on a DfuSe device: mass erase, read unprotect, leave. */
static int dfuse_command(struct session *s, struct error *err)
{
	const struct opts *o = s->o;
	const struct dfuse_mem_layout *l;
	int index, r;

	r = session_choose_alt(s, o->dfuse.has_address, o->dfuse.address, &index, err);
	if (r == ERR_OK)
		r = session_start_alt(s, index, err);
	if (r == ERR_OK && o->dfuse.mass_erase)
		r = dfuse_mass_erase_alt(s, index, err);
	if (r != ERR_OK)
		return r;
	if (o->dfuse.unprotect) {
		bool gone = false;

		ui_info(s->ui, "Removing read protection: the device erases its flash and resets");
		r = dfuse_unprotect(&s->dfu, &gone, err);
		if (r != ERR_OK)
			return r;
		session_gone(s);
		ui_info(s->ui, gone ? "Read protection removed; the device reset"
				    : "Read unprotect accepted; the device is resetting");
		return ERR_OK;
	}
	if (o->dfuse.leave) {
		uint32_t addr = o->dfuse.address;

		if (!o->dfuse.has_address) {
			r = session_layout(s, index, &l, err);
			if (r != ERR_OK)
				return r;
			addr = l->segments[0].start;
		}
		return flash_leave(s, true, addr, err);
	}
	return ERR_OK;
}

static const struct target_ops target_dfuse = {
	.download = dfuse_download,
	.upload = upload_dfuse,
	.command = dfuse_command,
};

static const struct target_ops target_plain = {
	.download = plain_download,
	.upload = plain_upload,
	.command = plain_command,
};

const struct target_ops *target_choose(const struct session *s)
{
	return dev_is_dfuse(&s->info, &s->quirks) ? &target_dfuse : &target_plain;
}
