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

static uint16_t transfer_size(struct session *op)
{
	unsigned size = op->info.has_func ? op->info.func.wTransferSize : 0;
	unsigned min = op->info.bMaxPacketSize0 ? op->info.bMaxPacketSize0 : 8;

	if (op->o->has_transfer_size)
		size = op->o->transfer_size;
	if (size == 0) {
		size = 1024;
		ui_warn(op->ui, "the device reports no transfer size; using %u bytes", size);
	}
	if (size < min) {
		ui_warn(op->ui, "transfer size %u is below the control endpoint's %u; using %u",
			size, min, min);
		size = min;
	}
	if (size > SESSION_MAX_TRANSFER) {
		ui_debug(op->ui, 1, "transfer size %u clamped to %u", size, SESSION_MAX_TRANSFER);
		size = SESSION_MAX_TRANSFER;
	}
	return (uint16_t)size;
}

void session_close(struct session *op)
{
	if (op->opened) {
		if (op->stats != NULL)
			op->stats->requests += op->dfu.requests;
		op->be.ops->close(op->be.ctx, &op->dfu.tr);
	}
	op->opened = false;
	op->alt_index = -1;
}

/* Open the selected device on alt setting @index (into info.alts). */
int session_open_alt(struct session *op, int index, struct error *err)
{
	struct transport tr;
	int r;

	if (op->opened && op->alt_index == index)
		return ERR_OK;
	if (op->opened) {
		r = op->dfu.tr.ops->set_alt(op->dfu.tr.ctx, op->info.intf,
					    op->info.alts[index].alt);
		if (r != TR_OK)
			return error_set(err, ERR_IO, "selecting alternate setting %u: %s",
					 op->info.alts[index].alt, transport_status_str(r));
		op->alt_index = index;
		return ERR_OK;
	}
	r = op->be.ops->open(op->be.ctx, &op->info, op->info.alts[index].alt, &tr, err);
	if (r != ERR_OK)
		return r;
	op->opened = true;
	op->alt_index = index;
	dfu_if_init(&op->dfu, tr, op->info.intf, transfer_size(op), op->ui);
	op->dfu.quirks = &op->quirks;
	op->dfu.pointer_per_block =
		op->dfu.transfer_size != (op->info.has_func ? op->info.func.wTransferSize : 0);
	if (op->o->has_usb_timeout)
		op->dfu.limits.request_timeout_ms = op->o->usb_timeout_ms;
	if (op->o->has_poll_timeout_max)
		op->dfu.limits.max_poll_ms = op->o->poll_timeout_max_ms;
	return ERR_OK;
}

void session_select(struct session *op, const struct dev_info *d)
{
	char buf[80];
	bool found;

	op->info = *d;
	memset(op->layouts, 0, sizeof(op->layouts));
	found = quirks_lookup(op->info.vid, op->info.pid, op->info.bcdDevice, op->info.serial,
			      &op->quirks);

	for (size_t i = 0; i < op->info.nalts; i++)
		if (op->info.alts[i].alt == 0 && !op->info.alts[i].name_unread &&
		    quirks_lookup_layout(op->info.vid, op->info.pid, op->info.alts[i].name,
					 &op->quirks))
			found = true;
	if (!found)
		return;
	ui_debug(op->ui, 1, "quirks of [%04x:%04x] serial \"%s\": %s", op->info.vid, op->info.pid,
		 op->info.serial, quirks_describe(op->quirks.flags, buf, sizeof(buf)));
	if (!(op->quirks.flags & QUIRK_GD32VF103_LAYOUT))
		return;
	for (size_t i = 0; i < op->info.nalts; i++) {
		struct dev_alt *a = &op->info.alts[i];
		char fixed[sizeof(a->name)];

		if (a->alt != 0 || a->name_unread ||
		    !quirks_gd32vf103_layout(op->info.serial, a->name, fixed, sizeof(fixed)))
			continue;
		ui_debug(op->ui, 1, "GD32VF103: alt 0 layout \"%s\" is really \"%s\"", a->name,
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
int session_alt_from_option(const struct session *op, int *index, struct error *err)
{
	const struct opts *o = op->o;

	*index = -1;
	if (!o->has_alt)
		return ERR_OK;
	if (o->alt_is_name) {
		for (size_t i = 0; i < op->info.nalts; i++)
			if (strcmp(op->info.alts[i].name, o->alt_name) == 0) {
				*index = (int)i;
				return ERR_OK;
			}
		return error_set(err, ERR_USAGE,
				 "-a: the device has no alternate setting named \"%s\"",
				 o->alt_name);
	}
	*index = session_alt_by_number(&op->info, o->alt);
	if (*index < 0) {
		char have[ERROR_MSG_MAX] = "";
		size_t used = 0;

		for (size_t i = 0; i < op->info.nalts && used + 1 < sizeof(have); i++) {
			snprintf(have + used, sizeof(have) - used, "%s%u \"%.40s\"", i ? ", " : "",
				 op->info.alts[i].alt, op->info.alts[i].name);
			used = strlen(have);
		}
		return error_set(err, ERR_USAGE,
				 "-a: the device has no alternate setting %u; it has %.300s",
				 o->alt, have);
	}
	return ERR_OK;
}

void session_gone(struct session *op)
{
	op->gone = true;
}

/* Parse alt @index's layout into its slot, once per selected device. */
static int layout_slot(struct session *op, int index, struct session_layout **out,
		       struct error *err)
{
	struct session_layout *sl = &op->layouts[index];
	const char *name = op->info.alts[index].name;
	struct dfuse_mem_layout scratch;

	*out = NULL;
	/* Not a layout to blame: the device never delivered it (issue 11, case 4). */
	if (op->info.alts[index].name_unread)
		return error_set(err, ERR_IO,
				 "alt %u memory layout could not be read from the device (did it "
				 "disconnect?)",
				 op->info.alts[index].alt);
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
	return error_wrap(err, "alt %u memory layout \"%s\"", op->info.alts[index].alt, name);
}

int session_layout(struct session *op, int index, const struct dfuse_mem_layout **l,
		   struct error *err)
{
	struct session_layout *sl;
	int r = layout_slot(op, index, &sl, err);

	*l = NULL;
	if (r != ERR_OK)
		return r;
	if (sl->l.trailing_garbage && !sl->warned) {
		sl->warned = true;
		ui_warn(op->ui,
			"alt %u memory layout \"%s\" has characters after its last group; "
			"they are ignored",
			op->info.alts[index].alt, op->info.alts[index].name);
	}
	*l = &sl->l;
	return ERR_OK;
}

const struct dfuse_mem_layout *session_layout_quiet(struct session *op, int index)
{
	struct session_layout *sl;

	return layout_slot(op, index, &sl, NULL) == ERR_OK ? &sl->l : NULL;
}

/* The alt whose layout holds @addr; -1 if none. */
static int alt_for_address(struct session *op, uint32_t addr)
{
	for (size_t i = 0; i < op->info.nalts; i++) {
		const struct dfuse_mem_layout *l = session_layout_quiet(op, (int)i);

		if (l != NULL && dfuse_mem_find(l, addr) != NULL)
			return (int)i;
	}
	return -1;
}

void session_hint_alt(struct session *op, uint32_t addr, struct error *err)
{
	int i = alt_for_address(op, addr);

	if (err == NULL)
		return;
	if (i >= 0)
		error_append(err, "; 0x%08x is in alt %u: use -a %u (\"%s\")", addr,
			     op->info.alts[i].alt, op->info.alts[i].alt,
			     session_layout_quiet(op, i)->name);
	else
		error_append(err, "; no alt of this device holds 0x%08x", addr);
}

/*
 * Select the alt for a raw upload/download at @addr (when @has_addr): -a, or
 * the alt whose layout contains the address, or the first alt.
 */
int session_choose_alt(struct session *op, bool has_addr, uint32_t addr, int *index,
		       struct error *err)
{
	int r = session_alt_from_option(op, index, err);

	if (r != ERR_OK || *index >= 0)
		return r;
	if (op->info.nalts == 0)
		return error_set(err, ERR_PROTOCOL, "the device has no alternate settings");
	*index = has_addr ? alt_for_address(op, addr) : -1;
	if (*index >= 0) {
		if (op->info.nalts > 1)
			ui_info(op->ui, "Using alt %u \"%s\" (it contains 0x%08x)",
				op->info.alts[*index].alt, op->info.alts[*index].name, addr);
		return ERR_OK;
	}
	*index = 0;
	return ERR_OK;
}

static void print_device(struct session *op)
{
	ui_info(op->ui, "Device [%04x:%04x] ver=%04x path=\"%s\" serial=\"%s\", transfer size %u",
		op->info.vid, op->info.pid, op->info.bcdDevice, op->info.path, op->info.serial,
		op->dfu.transfer_size);
	if (op->info.serial_absent || op->info.serial_unreadable)
		ui_debug(op->ui, 1, "serial \"UNKNOWN\": %s",
			 op->info.serial_absent ? "the device has no serial number string"
						: "the device did not deliver its serial number");
}

/* Open the device on @index and bring it to dfuIDLE. */
int session_start_alt(struct session *op, int index, struct error *err)
{
	bool first = !op->opened;
	int r = session_open_alt(op, index, err);

	if (r != ERR_OK)
		return r;
	if (first)
		print_device(op);
	r = dfu_make_idle(&op->dfu, err);
	return r;
}
