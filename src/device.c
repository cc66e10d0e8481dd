/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Matching enumerated DFU interfaces against the user's selection options, and
 * the text of the string descriptors they were enumerated with.
 */
#include "device.h"
#include "quirks.h"

#include <stdio.h>
#include <stdlib.h>
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
	/* dfu-util takes -c 0 (an unconfigured device) as any configuration */
	if (o->has_cfg && o->cfg != 0 && o->cfg != d->cfg)
		return false;
	if (o->has_intf && o->intf != d->intf)
		return false;
	return true;
}

/* One half of -d as the user would write it: "0483:df11", "0483:*", "-". */
static void dev_format_id(const struct opt_id *id, char *buf, size_t len)
{
	char vid[8], pid[8];

	if (id->none) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(vid, sizeof(vid), id->any_vid ? "*" : "%04x", id->vid);
	snprintf(pid, sizeof(pid), id->any_pid ? "*" : "%04x", id->pid);
	snprintf(buf, len, "%s:%s", vid, pid);
}

const char *dev_format_ids(const struct opts *o, char *buf, size_t len)
{
	char rt[16] = "", dfu[16] = "";

	if (o->id_runtime.given && !(o->id_runtime.none && o->id_dfu.given))
		dev_format_id(&o->id_runtime, rt, sizeof(rt));
	if (o->id_dfu.given)
		dev_format_id(&o->id_dfu, dfu, sizeof(dfu));
	snprintf(buf, len, "%s%s%s", rt, o->id_dfu.given ? "," : "", dfu);
	return buf;
}

const char *dev_mismatch(const struct opts *o, const struct dev_info *d, bool *ids, char *buf,
			 size_t len)
{
	const struct opt_id *id = d->runtime ? &o->id_runtime : &o->id_dfu;
	const struct opt_serial *serial = d->runtime ? &o->serial_runtime : &o->serial_dfu;
	char sel[40];

	buf[0] = '\0';
	if (ids != NULL)
		*ids = false;
	if (!opt_id_match(id, d->vid, d->pid)) {
		dev_format_ids(o, sel, sizeof(sel));
		if (ids != NULL)
			*ids = true;
		snprintf(buf, len, "[%04x:%04x] (%s mode) is not -d %s%s", d->vid, d->pid,
			 d->runtime ? "run-time" : "DFU", sel,
			 id->none ? (d->runtime ? ", which takes no run-time device"
						: ", which takes no DFU-mode device")
				  : "");
	} else if (serial->given && strcmp(serial->value, d->serial) != 0) {
		snprintf(buf, len, "serial \"%s\" is not -S %s", d->serial, serial->value);
	} else if (o->has_path && strcmp(o->path, d->path) != 0) {
		snprintf(buf, len, "path %s is not -p %s", d->path, o->path);
	} else if (o->has_devnum && o->devnum != d->devnum) {
		snprintf(buf, len, "devnum %u is not -n %u", d->devnum, o->devnum);
	} else if (o->has_cfg && o->cfg != 0 && o->cfg != d->cfg) {
		snprintf(buf, len, "configuration %u is not -c %u", d->cfg, o->cfg);
	} else if (o->has_intf && o->intf != d->intf) {
		snprintf(buf, len, "interface %u is not -i %u", d->intf, o->intf);
	}
	return buf;
}

bool dev_is_dfuse(const struct dev_info *d, const struct dfu_quirks *q)
{
	bool layouts = false;

	/* dfu-util's quirks force some devices that claim more to plain DFU 1.1 */
	if (q->flags & QUIRK_FORCE_DFU11)
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

const char *dev_plain_reason(const struct dev_info *d, char *buf, size_t len)
{
	struct dfu_quirks q;
	bool layouts = false;

	if (quirks_lookup(d->vid, d->pid, d->bcdDevice, d->serial, &q) &&
	    (q.flags & QUIRK_FORCE_DFU11)) {
		snprintf(buf, len, "a quirk of [%04x:%04x] forces DFU 1.1", d->vid, d->pid);
		return buf;
	}
	for (size_t i = 0; i < d->nalts; i++)
		if (d->alts[i].name[0] == '@' || d->alts[i].name_unread)
			layouts = true;
	if (layouts && d->has_func && d->func.bLength == 7)
		snprintf(buf, len, "functional descriptor is DFU 1.0, 7 bytes");
	else if (layouts && d->has_func)
		snprintf(buf, len,
			 "functional descriptor says bcdDFUVersion 0x%04x, not DfuSe's 0x011a",
			 d->func.bcdDFUVersion);
	else if (d->nalts == 0)
		snprintf(buf, len, "no alternate setting");
	else if (d->alts[0].name[0] == '\0')
		snprintf(buf, len, "alt %u has an empty name, no memory layout", d->alts[0].alt);
	else
		snprintf(buf, len, "alt %u name \"%.64s\" has no memory layout (no '@')",
			 d->alts[0].alt, d->alts[0].name);
	return buf;
}

bool dev_runtime_is_dfuse(const struct dev_info *d)
{
	return d->has_func && d->func.bcdDFUVersion == 0x011A;
}

const char *dev_describe(const struct dev_info *d, char *buf, size_t len)
{
	snprintf(buf, len, "[%04x:%04x] path=\"%s\" devnum=%u serial=\"%s\"%s", d->vid, d->pid,
		 d->path, d->devnum, d->serial, d->runtime ? " (run-time mode)" : "");
	return buf;
}

/* Append code point @c as UTF-8 if it fits with the NUL; false when it does not. */
static bool dev_put_utf8(char *out, size_t size, size_t *n, uint32_t c)
{
	uint8_t b[4];
	size_t k;

	if (c < 0x80) {
		b[0] = (uint8_t)c;
		k = 1;
	} else if (c < 0x800) {
		b[0] = (uint8_t)(0xC0 | c >> 6);
		b[1] = (uint8_t)(0x80 | (c & 0x3F));
		k = 2;
	} else if (c < 0x10000) {
		b[0] = (uint8_t)(0xE0 | c >> 12);
		b[1] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
		b[2] = (uint8_t)(0x80 | (c & 0x3F));
		k = 3;
	} else {
		b[0] = (uint8_t)(0xF0 | c >> 18);
		b[1] = (uint8_t)(0x80 | (c >> 12 & 0x3F));
		b[2] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
		b[3] = (uint8_t)(0x80 | (c & 0x3F));
		k = 4;
	}
	if (*n + k >= size)
		return false;
	memcpy(out + *n, b, k);
	*n += k;
	return true;
}

/*
 * Is the text part @t (@n bytes) 8-bit characters rather than UTF-16LE? Only
 * without a zero byte (the high byte of every Latin character in UTF-16), and
 * then when its length is odd or every byte is printable ASCII. An odd length
 * with zero bytes is UTF-16 cut short, as some ROMs send it.
 */
static bool dev_string_is_8bit(const uint8_t *t, size_t n)
{
	bool printable = true;

	for (size_t i = 0; i < n; i++) {
		if (t[i] == 0)
			return false;
		if (t[i] < 0x20 || t[i] > 0x7E)
			printable = false;
	}
	return n > 0 && (n % 2 != 0 || printable);
}

bool dev_string_decode(const uint8_t *desc, size_t len, char *out, size_t size)
{
	const uint8_t *t = desc + 2;
	size_t n, used = 0;

	out[0] = '\0';
	if (len < 2 || desc[0] < 2 || desc[1] != 0x03)
		return false;
	n = (desc[0] < len ? desc[0] : len) - 2;
	if (dev_string_is_8bit(t, n)) {
		for (size_t i = 0; i < n; i++)
			if (!dev_put_utf8(out, size, &used, t[i]))
				break;
		out[used] = '\0';
		return true;
	}
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t c = (uint32_t)t[i] | (uint32_t)t[i + 1] << 8;

		if (c == 0)
			break;
		if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
			uint32_t lo = (uint32_t)t[i + 2] | (uint32_t)t[i + 3] << 8;

			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD;
		if (!dev_put_utf8(out, size, &used, c))
			break;
	}
	out[used] = '\0';
	return true;
}

static int by_bus_position(const void *a, const void *b)
{
	const struct dev_info *x = a, *y = b;

	if (x->busnum != y->busnum)
		return x->busnum < y->busnum ? -1 : 1;
	if (x->devnum != y->devnum)
		return x->devnum < y->devnum ? -1 : 1;
	return x->intf < y->intf ? -1 : x->intf > y->intf;
}

int dev_scan(struct dev_backend be, struct dev_info **list, size_t *n, struct error *err)
{
	int r = be.ops->scan(be.ctx, list, n, err);

	if (r == ERR_OK && *n > 1)
		qsort(*list, *n, sizeof(**list), by_bus_position);
	return r;
}

bool dev_can_upload(const struct dev_info *d)
{
	return !d->has_func || (d->func.bmAttributes & DFU_ATTR_CAN_UPLOAD) != 0;
}

const char *dev_string_state(bool absent, bool unread)
{
	return absent ? "absent" : unread ? "unread" : "read";
}
