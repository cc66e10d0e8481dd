/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Matching enumerated DFU interfaces against the user's selection options. */
#include "device.h"
#include "quirks.h"

#include <stdio.h>
#include <string.h>

bool dev_matches(const struct opts *o, const struct dev_info *d)
{
	const struct opt_id *id = d->runtime ? &o->id_runtime : &o->id_dfu;
	const struct opt_serial *serial = d->runtime ? &o->serial_runtime : &o->serial_dfu;

	if (!opt_id_match(id, d->vid, d->pid))
		return false;
	if (serial->given && strcmp(serial->value, d->serial) != 0)
		return false;
	if (o->has_path && strcmp(o->path, d->path) != 0)
		return false;
	if (o->has_devnum && o->devnum != d->devnum)
		return false;
	if (o->has_cfg && o->cfg != d->cfg)
		return false;
	if (o->has_intf && o->intf != d->intf)
		return false;
	return true;
}

bool dev_is_dfuse(const struct dev_info *d)
{
	struct dfu_quirks q;
	bool layouts = false;

	/* dfu-util's quirks force some devices that claim more to plain DFU 1.1 */
	if (quirks_lookup(d->vid, d->pid, d->bcdDevice, d->serial, &q) &&
	    (q.flags & QUIRK_FORCE_DFU11))
		return false;
	/* A name that could not be read may have been a layout: its read is what failed. */
	for (size_t i = 0; i < d->nalts; i++)
		if (d->alts[i].name[0] == '@' || d->alts[i].name_unread)
			layouts = true;
	/*
	 * DfuSe (UM0391) is bcdDFUVersion 0x011A together with layout names; a
	 * device whose functional descriptor could not be read is judged by
	 * its names alone. Everything else is plain DFU 1.1.
	 */
	return layouts && (!d->has_func || d->func.bcdDFUVersion == 0x011A);
}

const char *dev_describe(const struct dev_info *d, char *buf, size_t len)
{
	snprintf(buf, len, "[%04x:%04x] path=\"%s\" devnum=%u serial=\"%s\"%s", d->vid, d->pid,
		 d->path, d->devnum, d->serial, d->runtime ? " (run-time mode)" : "");
	return buf;
}
