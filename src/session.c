/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The selected device of one run: opening it on an alternate setting with a
 * sane transfer size, closing it, and choosing the alt an operation uses.
 */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "quirks.h"

/* Linux usbfs refuses control transfers larger than a page. */
#define SESSION_MAX_TRANSFER 4096

uint64_t session_now_us(const struct session *s)
{
	return s->be.ops->now_us(s->be.ctx);
}

static uint16_t transfer_size(struct session *s)
{
	unsigned size = s->info.has_func ? s->info.func.wTransferSize : 0;
	unsigned min = s->info.bMaxPacketSize0 ? s->info.bMaxPacketSize0 : 8;

	if (s->o->has_transfer_size)
		size = s->o->transfer_size;
	if (size == 0) {
		size = 1024;
		ui_warn(s->ui, "the device reports no transfer size; using %u bytes", size);
	}
	if (size < min) {
		ui_warn(s->ui, "transfer size %u is below the control endpoint's %u; using %u",
			size, min, min);
		size = min;
	}
	if (size > SESSION_MAX_TRANSFER) {
		ui_debug(s->ui, 1, "transfer size %u clamped to %u", size, SESSION_MAX_TRANSFER);
		size = SESSION_MAX_TRANSFER;
	}
	return (uint16_t)size;
}

void session_close(struct session *s)
{
	if (s->opened) {
		if (s->stats != NULL) {
			s->stats->requests += s->dfu.requests;
			s->stats->polls += s->dfu.polls;
			s->stats->device_busy_us += s->dfu.busy_us;
			s->stats->announced_us += s->dfu.announced_us;
		}
		s->be.ops->close(s->be.ctx, &s->dfu.tr);
	}
	s->opened = false;
	s->alt_index = -1;
}

/* Open the selected device on alt setting @index (into info.alts). */
int session_open_alt(struct session *s, int index, struct error *err)
{
	struct transport tr;
	int r;

	if (s->opened && s->alt_index == index)
		return ERR_OK;
	if (s->opened) {
		r = s->dfu.tr.ops->set_alt(s->dfu.tr.ctx, s->info.intf, s->info.alts[index].alt);
		if (r != TR_OK)
			return error_set(err, ERR_IO, "selecting alternate setting %u: %s",
					 s->info.alts[index].alt, transport_status_str(r));
		s->alt_index = index;
		return ERR_OK;
	}
	r = s->be.ops->open(s->be.ctx, &s->info, s->info.alts[index].alt, &tr, err);
	if (r != ERR_OK)
		return r;
	s->opened = true;
	s->alt_index = index;
	dfu_if_init(&s->dfu, tr, s->info.intf, transfer_size(s), s->ui);
	s->dfu.quirks = &s->quirks;
	s->dfu.pointer_per_block =
		s->dfu.transfer_size != (s->info.has_func ? s->info.func.wTransferSize : 0);
	s->dfu.fast.on = s->o->dfuse.fast;
	if (s->o->has_usb_timeout)
		s->dfu.limits.request_timeout_ms = s->o->usb_timeout_ms;
	if (s->o->has_poll_timeout_max)
		s->dfu.limits.max_poll_ms = s->o->poll_timeout_max_ms;
	return ERR_OK;
}

void session_select(struct session *s, const struct dev_info *d)
{
	char buf[80];
	bool found;

	s->info = *d;
	memset(s->layouts, 0, sizeof(s->layouts));
	found = quirks_lookup(s->info.vid, s->info.pid, s->info.bcdDevice, s->info.serial,
			      &s->quirks);

	for (size_t i = 0; i < s->info.nalts; i++)
		if (s->info.alts[i].alt == 0 && !s->info.alts[i].name_unread &&
		    quirks_lookup_layout(s->info.vid, s->info.pid, s->info.alts[i].name,
					 &s->quirks))
			found = true;
	if (!found)
		return;
	ui_debug(s->ui, 1, "quirks of [%04x:%04x] serial \"%s\": %s", s->info.vid, s->info.pid,
		 s->info.serial, quirks_describe(s->quirks.flags, buf, sizeof(buf)));
	if (!(s->quirks.flags & QUIRK_GD32VF103_LAYOUT))
		return;
	for (size_t i = 0; i < s->info.nalts; i++) {
		struct dev_alt *a = &s->info.alts[i];
		char fixed[sizeof(a->name)];

		if (a->alt != 0 || a->name_unread ||
		    !quirks_gd32vf103_layout(s->info.serial, a->name, fixed, sizeof(fixed)))
			continue;
		ui_debug(s->ui, 1, "GD32VF103: alt 0 layout \"%s\" is really \"%s\"", a->name,
			 fixed);
		snprintf(a->name, sizeof(a->name), "%s", fixed);
	}
}

int session_alt_by_number(const struct dev_info *d, unsigned alt)
{
	for (size_t i = 0; i < d->nalts; i++)
		if (d->alts[i].alt == alt)
			return (int)i;
	return -1;
}

/* -a N or -a NAME into *@index (-1 when -a was not given). */
int session_alt_from_option(const struct session *s, int *index, struct error *err)
{
	const struct opts *o = s->o;

	*index = -1;
	if (!o->has_alt)
		return ERR_OK;
	if (o->alt_is_name) {
		for (size_t i = 0; i < s->info.nalts; i++)
			if (strcmp(s->info.alts[i].name, o->alt_name) == 0) {
				*index = (int)i;
				return ERR_OK;
			}
		return error_set(err, ERR_USAGE,
				 "-a: the device has no alternate setting named \"%s\"",
				 o->alt_name);
	}
	*index = session_alt_by_number(&s->info, o->alt);
	if (*index < 0) {
		char have[ERROR_MSG_MAX] = "";
		size_t used = 0;

		for (size_t i = 0; i < s->info.nalts && used + 1 < sizeof(have); i++) {
			snprintf(have + used, sizeof(have) - used, "%s%u \"%.40s\"", i ? ", " : "",
				 s->info.alts[i].alt, s->info.alts[i].name);
			used = strlen(have);
		}
		return error_set(err, ERR_USAGE,
				 "-a: the device has no alternate setting %u; it has %.300s",
				 o->alt, have);
	}
	return ERR_OK;
}

void session_gone(struct session *s)
{
	s->gone = true;
}

/* Parse alt @index's layout into its slot, once per selected device. */
static int layout_slot(struct session *s, int index, struct session_layout **out, struct error *err)
{
	struct session_layout *sl = &s->layouts[index];
	const char *name = s->info.alts[index].name;
	struct dfuse_mem_layout scratch;

	*out = NULL;
	/* Not a layout to blame: the device never delivered it (issue 11, case 4). */
	if (s->info.alts[index].name_unread)
		return error_set(err, ERR_IO,
				 "alt %u memory layout could not be read from the device (did it "
				 "disconnect?)",
				 s->info.alts[index].alt);
	if (!sl->parsed) {
		sl->parsed = true;
		sl->ok = dfuse_mem_parse(name, strlen(name), &sl->l, NULL) == ERR_OK;
	}
	if (sl->ok) {
		*out = sl;
		return ERR_OK;
	}
	if (err == NULL)
		return ERR_DATA;
	/* The error in words: the same parse once more, on the way out. */
	dfuse_mem_parse(name, strlen(name), &scratch, err);
	return error_wrap(err, "alt %u memory layout \"%s\"", s->info.alts[index].alt, name);
}

int session_layout(struct session *s, int index, const struct dfuse_mem_layout **l,
		   struct error *err)
{
	struct session_layout *sl;
	int r = layout_slot(s, index, &sl, err);

	*l = NULL;
	if (r != ERR_OK)
		return r;
	if (sl->l.trailing_garbage && !sl->warned) {
		sl->warned = true;
		ui_warn(s->ui,
			"alt %u memory layout \"%s\" has characters after its last group; "
			"they are ignored",
			s->info.alts[index].alt, s->info.alts[index].name);
	}
	*l = &sl->l;
	return ERR_OK;
}

const struct dfuse_mem_layout *session_layout_quiet(struct session *s, int index)
{
	struct session_layout *sl;

	return layout_slot(s, index, &sl, NULL) == ERR_OK ? &sl->l : NULL;
}

/* The alt whose layout holds @addr; -1 if none. */
static int alt_for_address(struct session *s, uint32_t addr)
{
	for (size_t i = 0; i < s->info.nalts; i++) {
		const struct dfuse_mem_layout *l = session_layout_quiet(s, (int)i);

		if (l != NULL && dfuse_mem_find(l, addr) != NULL)
			return (int)i;
	}
	return -1;
}

void session_hint_alt(struct session *s, uint32_t addr, struct error *err)
{
	int i = alt_for_address(s, addr);

	if (err == NULL)
		return;
	if (i >= 0)
		error_append(err, "; 0x%08x is in alt %u: use -a %u (\"%s\")", addr,
			     s->info.alts[i].alt, s->info.alts[i].alt,
			     session_layout_quiet(s, i)->name);
	else
		error_append(err, "; no alt of this device holds 0x%08x", addr);
}

/*
 * Select the alt for a raw upload/download at @addr (when @has_addr): -a, or
 * the alt whose layout contains the address, or the first alt.
 */
int session_choose_alt(struct session *s, bool has_addr, uint32_t addr, int *index,
		       struct error *err)
{
	int r = session_alt_from_option(s, index, err);

	if (r != ERR_OK || *index >= 0)
		return r;
	if (s->info.nalts == 0)
		return error_set(err, ERR_PROTOCOL, "the device has no alternate settings");
	*index = has_addr ? alt_for_address(s, addr) : -1;
	if (*index >= 0) {
		if (s->info.nalts > 1)
			ui_info(s->ui, "Using alt %u \"%s\" (it contains 0x%08x)",
				s->info.alts[*index].alt, s->info.alts[*index].name, addr);
		return ERR_OK;
	}
	*index = 0;
	return ERR_OK;
}

static void print_device(struct session *s)
{
	ui_info(s->ui, "Device [%04x:%04x] ver=%04x path=\"%s\" serial=\"%s\", transfer size %u",
		s->info.vid, s->info.pid, s->info.bcdDevice, s->info.path, s->info.serial,
		s->dfu.transfer_size);
	if (s->info.serial_absent || s->info.serial_unreadable)
		ui_debug(s->ui, 1, "serial \"UNKNOWN\": %s",
			 s->info.serial_absent ? "the device has no serial number string"
					       : "the device did not deliver its serial number");
}

/* Open the device on @index and bring it to dfuIDLE. */
int session_start_alt(struct session *s, int index, struct error *err)
{
	bool first = !s->opened;
	int r = session_open_alt(s, index, err);

	if (r != ERR_OK)
		return r;
	if (first)
		print_device(s);
	r = dfu_make_idle(&s->dfu, err);
	return r;
}
