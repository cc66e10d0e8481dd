/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --trace FILE (trace.h): decorators of struct dev_backend and struct
 * transport that record each call after the inner one returned and hand its
 * results back untouched. Nothing here waits, retries or decides: the only
 * cost is formatting one line into a buffered stream. --all drives boards
 * from several threads: one lock keeps each line whole.
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

struct trace {
	FILE *f;
	char *path, *version;
	bool keep_serial;
	bool failed; /* a line could not be written */
	pthread_mutex_t lock;
	uint64_t start_us;
	bool started;
	unsigned next_handle;
	struct dev_backend inner;
};

/* One opened device: the transport the tool holds points here. */
struct trace_handle {
	struct trace *t;
	struct transport inner;
	unsigned id;
};

/* A TR_* status as the trace names it (trace.h). */
static const char *result_name(int tr)
{
	switch ((enum transport_status)tr) {
	case TR_PIPES_RESET:
		return "pipes-reset";
	case TR_OK:
		return "ok";
	case TR_STALL:
		return "stall";
	case TR_TIMEOUT:
		return "timeout";
	case TR_NODEV:
		return "nodev";
	case TR_IO:
		break;
	}
	return "io";
}

/* A line begins: {"t_us": ..., "ev": ... (the caller holds no lock yet). */
static void line_begin(struct trace *t, struct json *j, const char *ev, uint64_t now)
{
	json_init(j);
	json_object_begin(j);
	json_member_uint(j, "t_us", now >= t->start_us ? now - t->start_us : 0);
	json_member_string(j, "ev", ev);
}

/*
 * The line ends: the writer's text on one line (a raw newline is always
 * between tokens, strings escape theirs), written whole under the lock.
 */
static void line_end(struct trace *t, struct json *j)
{
	const char *text;
	char *line = NULL;
	size_t len, n = 0;

	json_object_end(j);
	if (json_finish(j, &text, &len, NULL) == ERR_OK)
		line = malloc(len + 1);
	for (size_t i = 0; line != NULL && i < len; i++) {
		if (text[i] != '\n') {
			line[n++] = text[i];
			continue;
		}
		while (i + 1 < len && text[i + 1] == ' ')
			i++;
	}
	pthread_mutex_lock(&t->lock);
	if (line == NULL || fwrite(line, 1, n, t->f) != n || fputc('\n', t->f) == EOF)
		t->failed = true;
	pthread_mutex_unlock(&t->lock);
	free(line);
	json_free(j);
}

static void member_hex16(struct json *j, const char *key, unsigned v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "0x%04x", v & 0xFFFFu);
	json_member_string(j, key, buf);
}

static void member_hex_data(struct json *j, const char *key, const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *hex = malloc(2 * len + 1);

	if (hex == NULL) {
		json_key(j, key);
		json_null(j);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[data[i] >> 4];
		hex[2 * i + 1] = digits[data[i] & 15];
	}
	hex[2 * len] = '\0';
	json_member_string(j, key, hex);
	free(hex);
}

/* A serial as recorded: itself with --trace-keep-serial, else one '*' per byte. */
static void member_serial(struct trace *t, struct json *j, const char *serial)
{
	char masked[sizeof(((struct dev_info *)0)->serial)];
	size_t n = strlen(serial);

	if (t->keep_serial || strcmp(serial, "UNKNOWN") == 0) {
		json_member_string(j, "serial", serial);
		return;
	}
	if (n >= sizeof(masked))
		n = sizeof(masked) - 1;
	memset(masked, '*', n);
	masked[n] = '\0';
	json_member_string(j, "serial", masked);
}

/* ---- the transport ---- */

static int tt_control(void *ctx, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
		      uint16_t wIndex, uint8_t *data, uint16_t wLength, unsigned timeout_ms,
		      size_t *actual)
{
	struct trace_handle *h = ctx;
	const struct transport_ops *in = h->inner.ops;
	uint64_t t0 = in->now_us(h->inner.ctx);
	int r = in->control(h->inner.ctx, bmRequestType, bRequest, wValue, wIndex, data, wLength,
			    timeout_ms, actual);
	uint64_t t1 = in->now_us(h->inner.ctx);
	bool is_in = (bmRequestType & 0x80) != 0;
	size_t shown = is_in ? (r == TR_OK && *actual <= wLength ? *actual : 0) : wLength;
	struct json j;

	line_begin(h->t, &j, "control", t0);
	json_member_uint(&j, "handle", h->id);
	json_member_uint(&j, "bmRequestType", bmRequestType);
	json_member_uint(&j, "bRequest", bRequest);
	json_member_uint(&j, "wValue", wValue);
	json_member_uint(&j, "wIndex", wIndex);
	json_member_uint(&j, "wLength", wLength);
	json_member_uint(&j, "timeout_ms", timeout_ms);
	member_hex_data(&j, "data", data, shown);
	json_member_uint(&j, "actual", *actual);
	json_member_string(&j, "result", result_name(r));
	json_member_uint(&j, "dur_us", t1 - t0);
	line_end(h->t, &j);
	return r;
}

static int tt_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	struct trace_handle *h = ctx;
	uint64_t t0 = h->inner.ops->now_us(h->inner.ctx);
	int r = h->inner.ops->set_alt(h->inner.ctx, intf, alt);
	struct json j;

	line_begin(h->t, &j, "set_alt", t0);
	json_member_uint(&j, "handle", h->id);
	json_member_uint(&j, "intf", intf);
	json_member_uint(&j, "alt", alt);
	json_member_string(&j, "result", result_name(r));
	line_end(h->t, &j);
	return r;
}

static int tt_reset(void *ctx)
{
	struct trace_handle *h = ctx;
	uint64_t t0 = h->inner.ops->now_us(h->inner.ctx);
	int r = h->inner.ops->reset(h->inner.ctx);
	struct json j;

	line_begin(h->t, &j, "reset", t0);
	json_member_uint(&j, "handle", h->id);
	json_member_string(&j, "result", result_name(r));
	line_end(h->t, &j);
	return r;
}

static void tt_sleep_us(void *ctx, uint64_t us)
{
	struct trace_handle *h = ctx;

	h->inner.ops->sleep_us(h->inner.ctx, us);
}

static uint64_t tt_now_us(void *ctx)
{
	struct trace_handle *h = ctx;

	return h->inner.ops->now_us(h->inner.ctx);
}

static int tt_present(void *ctx)
{
	struct trace_handle *h = ctx;
	uint64_t t0 = h->inner.ops->now_us(h->inner.ctx);
	int r = h->inner.ops->present(h->inner.ctx);
	struct json j;

	line_begin(h->t, &j, "present", t0);
	json_member_uint(&j, "handle", h->id);
	json_member_string(&j, "result", result_name(r));
	line_end(h->t, &j);
	return r;
}

static const struct transport_ops trace_tr_ops = {
	.control = tt_control,
	.set_alt = tt_set_alt,
	.reset = tt_reset,
	.sleep_us = tt_sleep_us,
	.now_us = tt_now_us,
	.present = tt_present,
};
/* The same, for an inner transport that cannot tell whether the device is listed. */
static const struct transport_ops trace_tr_ops_nopresent = {
	.control = tt_control,
	.set_alt = tt_set_alt,
	.reset = tt_reset,
	.sleep_us = tt_sleep_us,
	.now_us = tt_now_us,
	.present = NULL,
};

/* ---- the backend ---- */

static void record_device(struct trace *t, const struct dev_info *d, uint64_t now)
{
	struct json j;

	line_begin(t, &j, "device", now);
	json_member_uint(&j, "bus", d->busnum);
	json_member_uint(&j, "devnum", d->devnum);
	json_member_string(&j, "path", d->path);
	member_hex16(&j, "vid", d->vid);
	member_hex16(&j, "pid", d->pid);
	member_hex16(&j, "bcd_device", d->bcdDevice);
	member_serial(t, &j, d->serial);
	json_member_bool(&j, "serial_unreadable", d->serial_unreadable);
	json_member_string(&j, "product", d->product);
	json_member_bool(&j, "product_unreadable", d->product_unreadable);
	json_member_uint(&j, "cfg", d->cfg);
	json_member_uint(&j, "intf", d->intf);
	json_member_bool(&j, "runtime", d->runtime);
	json_member_uint(&j, "max_packet_size", d->bMaxPacketSize0);
	if (d->has_func) {
		json_key(&j, "func");
		json_object_begin(&j);
		json_member_uint(&j, "length", d->func.bLength);
		json_member_uint(&j, "attributes", d->func.bmAttributes);
		json_member_uint(&j, "detach_timeout", d->func.wDetachTimeOut);
		json_member_uint(&j, "transfer_size", d->func.wTransferSize);
		member_hex16(&j, "dfu_version", d->func.bcdDFUVersion);
		json_object_end(&j);
	}
	json_key(&j, "alts");
	json_array_begin(&j);
	for (size_t i = 0; i < d->nalts; i++) {
		json_object_begin(&j);
		json_member_uint(&j, "alt", d->alts[i].alt);
		json_member_string(&j, "name", d->alts[i].name);
		json_member_bool(&j, "unread", d->alts[i].name_unread);
		json_object_end(&j);
	}
	json_array_end(&j);
	if (d->open_error != ERR_OK)
		json_member_string(&j, "open_error", d->open_cause);
	line_end(t, &j);
}

static int tb_scan(void *ctx, struct dev_info **list, size_t *n, struct error *err)
{
	struct trace *t = ctx;
	uint64_t t0 = t->inner.ops->now_us(t->inner.ctx);
	int r = t->inner.ops->scan(t->inner.ctx, list, n, err);
	struct json j;

	line_begin(t, &j, "scan", t0);
	json_member_string(&j, "result", r == ERR_OK ? "ok" : "error");
	json_member_uint(&j, "devices", r == ERR_OK ? *n : 0);
	line_end(t, &j);
	for (size_t i = 0; r == ERR_OK && i < *n; i++)
		record_device(t, &(*list)[i], t0);
	return r;
}

static int tb_open(void *ctx, const struct dev_info *info, uint8_t alt, struct transport *tr,
		   struct error *err)
{
	struct trace *t = ctx;
	uint64_t t0 = t->inner.ops->now_us(t->inner.ctx);
	struct trace_handle *h = calloc(1, sizeof(*h));
	int r;
	struct json j;

	if (h == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	r = t->inner.ops->open(t->inner.ctx, info, alt, &h->inner, err);
	pthread_mutex_lock(&t->lock);
	h->id = ++t->next_handle;
	pthread_mutex_unlock(&t->lock);
	line_begin(t, &j, "open", t0);
	json_member_string(&j, "path", info->path);
	json_member_uint(&j, "intf", info->intf);
	json_member_uint(&j, "alt", alt);
	json_member_string(&j, "result", r == ERR_OK ? "ok" : "error");
	json_member_uint(&j, "handle", h->id);
	line_end(t, &j);
	if (r != ERR_OK) {
		free(h);
		return r;
	}
	h->t = t;
	tr->ops = h->inner.ops->present != NULL ? &trace_tr_ops : &trace_tr_ops_nopresent;
	tr->ctx = h;
	return ERR_OK;
}

static void tb_close(void *ctx, struct transport *tr)
{
	struct trace *t = ctx;
	struct trace_handle *h = tr->ctx;
	struct json j;

	line_begin(t, &j, "close", t->inner.ops->now_us(t->inner.ctx));
	json_member_uint(&j, "handle", h->id);
	line_end(t, &j);
	t->inner.ops->close(t->inner.ctx, &h->inner);
	free(h);
}

static uint64_t tb_now_us(void *ctx)
{
	struct trace *t = ctx;

	return t->inner.ops->now_us(t->inner.ctx);
}

static void tb_sleep_us(void *ctx, uint64_t us)
{
	struct trace *t = ctx;

	t->inner.ops->sleep_us(t->inner.ctx, us);
}

static const struct dev_backend_ops trace_be_ops = {
	.scan = tb_scan,
	.open = tb_open,
	.close = tb_close,
	.now_us = tb_now_us,
	.sleep_us = tb_sleep_us,
};

struct dev_backend trace_backend(struct trace *t, struct dev_backend inner)
{
	struct json j;

	t->inner = inner;
	if (!t->started) {
		t->started = true;
		t->start_us = inner.ops->now_us(inner.ctx);
		line_begin(t, &j, "trace", t->start_us);
		json_member_uint(&j, "format", TRACE_FORMAT);
		json_member_string(&j, "tool", "dfuse-util");
		json_member_string(&j, "version", t->version);
		line_end(t, &j);
	}
	return (struct dev_backend){ .ops = &trace_be_ops, .ctx = t };
}

int trace_open(const char *path, bool keep_serial, const char *version, struct trace **out,
	       struct error *err)
{
	struct trace *t = calloc(1, sizeof(*t));
	int fd;

	*out = NULL;
	if (t == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	/* Created, never opened if it exists: an existing file is never replaced. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	t->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (t->f == NULL) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		free(t);
		return error_set(err, ERR_CANTCREAT, "--trace %s: %s", path,
				 e == EEXIST ? "file exists (not replaced)" : strerror(e));
	}
	t->keep_serial = keep_serial;
	t->path = strdup(path);
	t->version = strdup(version);
	if (t->path == NULL || t->version == NULL) {
		fclose(t->f);
		free(t->path);
		free(t->version);
		free(t);
		return error_set(err, ERR_NOMEM, "out of memory");
	}
	pthread_mutex_init(&t->lock, NULL);
	*out = t;
	return ERR_OK;
}

int trace_close(struct trace *t, struct error *err)
{
	bool failed;

	if (t == NULL)
		return ERR_OK;
	failed = t->failed;
	if (fclose(t->f) != 0)
		failed = true;
	if (failed)
		error_set(err, ERR_IO, "--trace %s: the trace could not be written in full",
			  t->path);
	pthread_mutex_destroy(&t->lock);
	free(t->path);
	free(t->version);
	free(t);
	return failed ? ERR_IO : ERR_OK;
}
