/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for everything a device says: the DFU functional descriptor, a
 * string descriptor, and the replies to every request of dfu.c, dfuse.c and
 * dfu_plain.c (status, state, poll timeouts, upload data, short and long
 * answers, stalls, disconnects, what a bus reset reports), fed from the input
 * through a scripted transport with a virtual clock.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "device.h"
#include "dfu.h"
#include "dfu_plain.h"
#include "dfuse.h"

/* The scripted device: each request consumes bytes of the input. */
struct script {
	const uint8_t *p;
	size_t left;
	uint64_t now_us;
};

static int next_byte(struct script *s)
{
	if (s->left == 0)
		return -1;
	s->left--;
	return *s->p++;
}

/* One control transfer: a result selector byte, then (IN) a length and data. */
static int fz_control(void *ctx, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
		      uint16_t wIndex, uint8_t *data, uint16_t wLength, unsigned timeout_ms,
		      size_t *actual)
{
	struct script *s = ctx;
	int sel = next_byte(s);
	size_t n;

	(void)bRequest;
	(void)wValue;
	(void)wIndex;
	(void)timeout_ms;
	*actual = 0;
	s->now_us += 100;
	if (sel < 0)
		return TR_NODEV; /* the script ended: the device is gone */
	switch (sel & 7) {
	case 5:
		return TR_STALL;
	case 6:
		return TR_TIMEOUT;
	case 7:
		return (sel & 8) ? TR_NODEV : TR_IO;
	default:
		break;
	}
	if (!(bmRequestType & 0x80)) {
		*actual = wLength;
		return TR_OK;
	}
	n = (size_t)(sel >> 3); /* 0..31 bytes, so replies can be short */
	if (n > wLength)
		n = wLength;
	if (n > s->left)
		n = s->left;
	memcpy(data, s->p, n);
	s->p += n;
	s->left -= n;
	*actual = n;
	return TR_OK;
}

static int fz_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	(void)intf;
	(void)alt;
	return next_byte(ctx) < 0 ? TR_NODEV : TR_OK;
}

/* A bus reset: one byte says whether the device stayed, re-enumerated or failed. */
static int fz_reset(void *ctx)
{
	int sel = next_byte(ctx);

	if (sel < 0)
		return TR_NODEV;
	switch (sel & 3) {
	case 0:
		return TR_OK;
	case 2:
		return TR_IO;
	default:
		return TR_NODEV;
	}
}

static void fz_sleep_us(void *ctx, uint64_t us)
{
	((struct script *)ctx)->now_us += us;
}

static uint64_t fz_now_us(void *ctx)
{
	return ((struct script *)ctx)->now_us;
}

static const struct transport_ops fz_ops = {
	.control = fz_control,
	.set_alt = fz_set_alt,
	.reset = fz_reset,
	.sleep_us = fz_sleep_us,
	.now_us = fz_now_us,
};

/* Counts what a plain upload delivers; the engine must never exceed its limit. */
struct fz_sink {
	size_t total, limit;
};

static int fz_take(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	struct fz_sink *k = ctx;

	(void)data;
	(void)err;
	k->total += n;
	if (k->limit != 0 && k->total > k->limit)
		__builtin_trap();
	return ERR_OK;
}

/* A plain DFU 1.1 session: download with every manifestation ending, upload with -Z. */
static void plain_session(struct dfu_if *d, const uint8_t *image, size_t len, uint8_t flags)
{
	struct dfu_plain_opts po = { .reset_after = flags & 0x02 };
	struct dfu_plain_result res;
	struct fz_sink k = { 0, (flags & 0x04) ? 700 : 0 };
	struct error err;
	size_t got = 0;

	if (dfu_plain_download(d, image, len, &po, NULL, &res, &err) == ERR_OK &&
	    res.blocks != (len + d->transfer_size - 1) / d->transfer_size)
		__builtin_trap(); /* success claimed without every block acknowledged */
	dfu_make_idle(d, &err);
	if (dfu_plain_upload(d, k.limit, fz_take, &k, &got, NULL, &err) == ERR_OK && got != k.total)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t image[5000];
	static uint8_t back[3000];
	static char text[256];
	struct dfu_func_desc fd;
	struct script s = { .p = data, .left = size, .now_us = 0 };
	struct transport tr = { .ops = &fz_ops, .ctx = &s };
	struct dfuse_write_opts wo = { 0 };
	struct dfu_status st;
	struct error err;
	struct dfu_if d;
	uint8_t cmds[8];
	size_t n, got;
	bool gone;
	uint8_t state;

	/* The functional descriptor and string descriptor parsers see the raw bytes first. */
	if (dfu_parse_func_desc(data, size, &fd) && fd.bLength != 7 && fd.bLength < 9)
		__builtin_trap();
	dev_string_decode(data, size, text, sizeof(text));
	if (memchr(text, '\0', sizeof(text)) == NULL)
		__builtin_trap();
	if (size == 0)
		return 0;
	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i % 3 == 0 ? 0xFF : i);
	dfu_if_init(&d, tr, 0, (uint16_t)(8u << (data[0] & 7)), NULL);
	/* Keep runs short: hostile poll timeouts are clamped and polls capped. */
	d.limits.max_polls = 64;
	d.limits.max_busy_ms = 600000;
	wo.skip_blank = data[0] & 0x10;
	wo.pointer_per_chunk = data[0] & 0x20;
	wo.will_reset = data[0] & 0x40;

	/* Bit 7 of the first byte: the plain DFU paths first, else after the DfuSe ones. */
	if ((data[0] & 0x80) && size >= 2) {
		/* the two header bytes are configuration, not replies */
		s.p += 2;
		s.left -= 2;
		plain_session(&d, image, 1500, data[1]);
	}
	dfu_make_idle(&d, &err);
	dfu_get_state(&d, &state, &err);
	dfuse_get_commands(&d, cmds, sizeof(cmds), &n, &err);
	if (n > sizeof(cmds))
		__builtin_trap();
	dfuse_set_address(&d, 0x08000000, &err);
	dfuse_erase(&d, 0x08004000, 1000, &err);
	dfuse_write(&d, 0x08004000, image, sizeof(image), &wo, NULL, NULL, &err);
	got = 0;
	dfuse_read(&d, 0x08000000, back, sizeof(back), &got, NULL, &err);
	if (got > sizeof(back))
		__builtin_trap();
	dfuse_mass_erase(&d, &err);
	dfuse_unprotect(&d, &gone, &err);
	dfuse_leave(&d, true, 0x08000000, &gone, &err);
	dfu_wait_done(&d, &st, &err);
	if (!(data[0] & 0x80))
		plain_session(&d, image, sizeof(image), (uint8_t)(size > 1 ? data[1] : 0));
	return 0;
}
