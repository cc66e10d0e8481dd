/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace reader of sim_trace.h: one JSON document per line (sim_json.c),
 * "device" lines become chips, the requests of each "open" handle go to its
 * device, and each reset learns from what followed whether the device left
 * the bus.
 */
#include "sim_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_json.h"

struct reader {
	struct sim_trace *t;
	const struct sj_doc *doc;
	unsigned line;
	char *err;
	size_t errlen;
	int handle_dev[SIM_TRACE_MAX_HANDLES + 1]; /* handle -> device index, -1: none */
	/* Per device: the reset waiting for what follows it (index + 1, 0: none). */
	size_t pending_reset[SIM_TRACE_MAX_DEVICES];
};

static bool bad(struct reader *r, const char *field, const char *what)
{
	snprintf(r->err, r->errlen, "line %u: %s: %s", r->line, field, what);
	sj_one_line(r->err);
	return false;
}

static bool num(struct reader *r, const struct sj_node *obj, const char *key, uint64_t max,
		uint64_t *out)
{
	if (!sj_uint(sj_get(r->doc, obj, key), max, out))
		return bad(r, key, "missing or not a number in range");
	return true;
}

static bool str(struct reader *r, const struct sj_node *obj, const char *key, char *buf,
		size_t size)
{
	const struct sj_node *n = sj_get(r->doc, obj, key);

	if (n == NULL || n->type != SJ_STRING || n->len >= size || strlen(n->text) != n->len)
		return bad(r, key, "missing, not a string, or too long");
	memcpy(buf, n->text, n->len + 1);
	return true;
}

static bool result(struct reader *r, const struct sj_node *obj, enum sim_trace_result *out)
{
	static const char *const names[] = {
		"ok", "stall", "timeout", "nodev", "io", "pipes-reset"
	};
	const struct sj_node *n = sj_get(r->doc, obj, "result");

	for (size_t i = 0; n != NULL && n->type == SJ_STRING && i < 6; i++) {
		if (strcmp(n->text, names[i]) == 0) {
			*out = (enum sim_trace_result)i;
			return true;
		}
	}
	return bad(r, "result", "expected ok, stall, timeout, nodev, io or pipes-reset");
}

static int find_dev(const struct sim_trace *t, const char *path)
{
	for (size_t i = 0; i < t->ndevs; i++)
		if (strcmp(t->devs[i].path, path) == 0)
			return (int)i;
	return -1;
}

static bool read_alts(struct reader *r, const struct sj_node *arr, struct sim_trace_dev *d)
{
	size_t i = 0;

	if (arr == NULL || arr->type != SJ_ARRAY || arr->count == 0 || arr->count > SIM_MAX_ALTS)
		return bad(r, "alts", "expected an array of 1..8 alt settings");
	for (const struct sj_node *a = sj_first(r->doc, arr); a != NULL; a = sj_next(r->doc, a)) {
		uint64_t alt;

		if (!num(r, a, "alt", 255, &alt) || !str(r, a, "name", d->names[i], 256))
			return false;
		if (alt != i)
			return bad(r, "alts", "alt settings not numbered 0, 1, 2 ...");
		d->chip.alt_names[i] = d->names[i];
		d->chip.plain_mem[i] = ""; /* no memory: requests are answered from the trace */
		i++;
	}
	d->chip.nalts = i;
	return true;
}

static bool read_func(struct reader *r, const struct sj_node *f, struct sim_trace_dev *d)
{
	uint64_t len, attr, detach, xfer, ver;

	if (f == NULL) {
		d->chip.wTransferSize = 1024; /* none found: the tool used its default */
		return true;
	}
	if (!num(r, f, "length", 255, &len) || !num(r, f, "attributes", 255, &attr) ||
	    !num(r, f, "detach_timeout", 0xFFFF, &detach) ||
	    !num(r, f, "transfer_size", 0xFFFF, &xfer) || !num(r, f, "dfu_version", 0xFFFF, &ver))
		return false;
	d->chip.bmAttributes = (uint8_t)attr;
	d->chip.wDetachTimeOut = (uint16_t)detach;
	d->chip.wTransferSize = (uint16_t)xfer;
	d->chip.bcdDFUVersion = (uint16_t)ver;
	d->func_dfu10 = len == 7;
	return true;
}

/* The first "device" line of a path makes the device; later ones are the same device. */
static bool read_device(struct reader *r, const struct sj_node *o)
{
	struct sim_trace *t = r->t;
	struct sim_trace_dev *d;
	char path[64];
	uint64_t bus, devnum, vid, pid, bcd, mps;
	const struct sj_node *rt = sj_get(r->doc, o, "runtime");

	if (!str(r, o, "path", path, sizeof(path)))
		return false;
	if (find_dev(t, path) >= 0)
		return true;
	if (t->ndevs == SIM_TRACE_MAX_DEVICES)
		return bad(r, "path", "more than 16 devices");
	if (rt != NULL && rt->type == SJ_BOOL && rt->boolean)
		return bad(r, "runtime", "a run-time device cannot be replayed (only DFU mode)");
	d = &t->devs[t->ndevs];
	memset(d, 0, sizeof(*d));
	memcpy(d->path, path, sizeof(path));
	if (!num(r, o, "bus", 255, &bus) || !num(r, o, "devnum", 127, &devnum) ||
	    !num(r, o, "vid", 0xFFFF, &vid) || !num(r, o, "pid", 0xFFFF, &pid) ||
	    !num(r, o, "bcd_device", 0xFFFF, &bcd) || !num(r, o, "max_packet_size", 64, &mps) ||
	    !str(r, o, "serial", d->serial, sizeof(d->serial)) ||
	    !str(r, o, "product", d->product, sizeof(d->product)) ||
	    !read_func(r, sj_get(r->doc, o, "func"), d) ||
	    !read_alts(r, sj_get(r->doc, o, "alts"), d))
		return false;
	d->busnum = (unsigned)bus;
	d->devnum = (unsigned)devnum;
	d->chip.name = "replay";
	d->chip.description = "a device replayed from a dfuse-util trace";
	d->chip.idVendor = (uint16_t)vid;
	d->chip.idProduct = (uint16_t)pid;
	d->chip.bcdDevice = (uint16_t)bcd;
	d->chip.bMaxPacketSize0 = (uint8_t)(mps != 0 ? mps : 64);
	d->chip.product = d->product[0] != '\0' ? d->product : NULL;
	d->chip.serial = d->serial;
	d->chip.plain = true; /* every class request comes from the trace, none from the model */
	t->ndevs++;
	return true;
}

static bool read_open(struct reader *r, const struct sj_node *o)
{
	char path[64];
	uint64_t handle;
	int dev;

	if (!str(r, o, "path", path, sizeof(path)) ||
	    !num(r, o, "handle", SIM_TRACE_MAX_HANDLES, &handle))
		return false;
	dev = find_dev(r->t, path);
	if (dev < 0)
		return bad(r, "path", "opened before any \"device\" line named it");
	r->handle_dev[handle] = dev;
	return true;
}

static bool hex_data(struct reader *r, const struct sj_node *o, struct sim_trace_rec *rec)
{
	const struct sj_node *n = sj_get(r->doc, o, "data");

	if (n == NULL || n->type != SJ_STRING || n->len % 2 != 0 || n->len / 2 > 0xFFFF)
		return bad(r, "data", "expected hexadecimal bytes");
	rec->len = n->len / 2;
	rec->data = malloc(rec->len + 1);
	if (rec->data == NULL)
		return bad(r, "data", "out of memory");
	for (size_t i = 0; i < rec->len; i++) {
		unsigned v;

		if (sscanf(n->text + 2 * i, "%2x", &v) != 1 ||
		    strchr("0123456789abcdefABCDEF", n->text[2 * i + 1]) == NULL ||
		    strchr("0123456789abcdefABCDEF", n->text[2 * i]) == NULL)
			return bad(r, "data", "expected hexadecimal bytes");
		rec->data[i] = (uint8_t)v;
	}
	return true;
}

static bool read_control(struct reader *r, const struct sj_node *o, struct sim_trace_rec *rec)
{
	uint64_t rt, req, val, idx, len;

	if (!num(r, o, "bmRequestType", 255, &rt) || !num(r, o, "bRequest", 255, &req) ||
	    !num(r, o, "wValue", 0xFFFF, &val) || !num(r, o, "wIndex", 0xFFFF, &idx) ||
	    !num(r, o, "wLength", 0xFFFF, &len) || !hex_data(r, o, rec))
		return false;
	rec->bmRequestType = (uint8_t)rt;
	rec->bRequest = (uint8_t)req;
	rec->wValue = (uint16_t)val;
	rec->wIndex = (uint16_t)idx;
	rec->wLength = (uint16_t)len;
	if (rec->len > rec->wLength || ((rt & 0x80) == 0 && rec->len != rec->wLength))
		return bad(r, "data", "does not fit wLength");
	return true;
}

/* A request on an open handle: appended to its device's list. */
static bool read_request(struct reader *r, const struct sj_node *o, enum sim_trace_kind kind)
{
	struct sim_trace_rec rec = { .kind = kind, .line = r->line };
	struct sim_trace_dev *d;
	uint64_t handle, v;
	int dev;
	bool ok;

	if (!num(r, o, "handle", SIM_TRACE_MAX_HANDLES, &handle))
		return false;
	dev = r->handle_dev[handle];
	if (dev < 0)
		return bad(r, "handle", "not opened");
	d = &r->t->devs[dev];
	ok = result(r, o, &rec.result);
	if (ok && kind == SIM_TREC_CONTROL)
		ok = read_control(r, o, &rec);
	if (ok && kind == SIM_TREC_SET_ALT) {
		ok = num(r, o, "intf", 255, &v);
		rec.intf = (uint8_t)v;
		ok = ok && num(r, o, "alt", 255, &v);
		rec.alt = (uint8_t)v;
	}
	if (ok && d->nrecs == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct sim_trace_rec *nr = realloc(d->recs, cap * sizeof(*nr));

		ok = nr != NULL ? (d->recs = nr, d->cap = cap, true)
				: bad(r, "ev", "out of memory");
	}
	if (!ok) {
		free(rec.data);
		return false;
	}
	/* What follows a reset tells whether the device left: a present() that found it gone. */
	if (r->pending_reset[dev] != 0 && kind == SIM_TREC_PRESENT && rec.result == SIM_TRES_NODEV)
		d->recs[r->pending_reset[dev] - 1].gone_after = true;
	r->pending_reset[dev] = 0;
	if (kind == SIM_TREC_RESET && rec.result == SIM_TRES_OK)
		r->pending_reset[dev] = d->nrecs + 1;
	d->recs[d->nrecs++] = rec;
	return true;
}

/* A scan after a reset that does not list the device: it had left. */
static void scan_seen(struct reader *r, const char *path)
{
	int dev = find_dev(r->t, path);

	if (dev >= 0)
		r->pending_reset[dev] = 0; /* still there */
}

static void scan_done(struct reader *r)
{
	for (size_t i = 0; i < r->t->ndevs; i++) {
		if (r->pending_reset[i] != 0) {
			r->t->devs[i].recs[r->pending_reset[i] - 1].gone_after = true;
			r->pending_reset[i] = 0;
		}
	}
}

static bool read_line(struct reader *r, const struct sj_node *o, bool *in_scan)
{
	const struct sj_node *ev = sj_get(r->doc, o, "ev");
	const char *e = ev != NULL && ev->type == SJ_STRING ? ev->text : "";
	char path[64];

	if (*in_scan && strcmp(e, "device") != 0) {
		scan_done(r);
		*in_scan = false;
	}
	if (strcmp(e, "device") == 0) {
		if (!read_device(r, o) || !str(r, o, "path", path, sizeof(path)))
			return false;
		scan_seen(r, path);
		return true;
	}
	if (strcmp(e, "scan") == 0) {
		*in_scan = true;
		return true;
	}
	if (strcmp(e, "open") == 0)
		return read_open(r, o);
	if (strcmp(e, "control") == 0)
		return read_request(r, o, SIM_TREC_CONTROL);
	if (strcmp(e, "set_alt") == 0)
		return read_request(r, o, SIM_TREC_SET_ALT);
	if (strcmp(e, "reset") == 0)
		return read_request(r, o, SIM_TREC_RESET);
	if (strcmp(e, "present") == 0)
		return read_request(r, o, SIM_TREC_PRESENT);
	if (strcmp(e, "trace") == 0 || strcmp(e, "close") == 0)
		return true;
	return bad(r, "ev", "unknown event");
}

bool sim_trace_parse(const char *text, size_t len, struct sim_trace *t, char *err, size_t errlen)
{
	struct reader r = { .t = t, .err = err, .errlen = errlen };
	size_t pos = 0, nrecs = 0;
	bool in_scan = false;

	memset(t, 0, sizeof(*t));
	memset(r.handle_dev, -1, sizeof(r.handle_dev));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		struct sj_doc doc;
		char msg[160];
		bool ok;

		r.line++;
		if (end > pos) {
			if (!sj_parse(text + pos, end - pos, &doc, msg, sizeof(msg)))
				return bad(&r, "JSON", msg);
			r.doc = &doc;
			ok = sj_root(&doc)->type == SJ_OBJECT
				     ? read_line(&r, sj_root(&doc), &in_scan)
				     : bad(&r, "JSON", "expected an object");
			sj_free(&doc);
			if (!ok)
				return false;
			if (++nrecs > SIM_TRACE_MAX_RECORDS)
				return bad(&r, "trace", "too many lines");
		}
		pos = end + 1;
	}
	if (in_scan)
		scan_done(&r);
	if (t->ndevs == 0) {
		snprintf(err, errlen, "no \"device\" line: the tool found no device");
		return false;
	}
	return true;
}

void sim_trace_free(struct sim_trace *t)
{
	for (size_t i = 0; i < t->ndevs; i++) {
		for (size_t k = 0; k < t->devs[i].nrecs; k++)
			free(t->devs[i].recs[k].data);
		free(t->devs[i].recs);
	}
	memset(t, 0, sizeof(*t));
}

const char *sim_trace_setup_str(uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
				uint16_t wIndex, uint16_t wLength, char *buf, size_t len)
{
	static const char *const dfu[] = { "DETACH",	"DNLOAD",   "UPLOAD", "GETSTATUS",
					   "CLRSTATUS", "GETSTATE", "ABORT" };
	const char *name = (bmRequestType & 0x60) == 0x20 && bRequest < 7 ? dfu[bRequest] : NULL;

	snprintf(buf, len, "bmRequestType=0x%02x bRequest=%u%s%s%s wValue=%u wIndex=%u wLength=%u",
		 bmRequestType, bRequest, name ? " (" : "", name ? name : "", name ? ")" : "",
		 wValue, wIndex, wLength);
	return buf;
}
