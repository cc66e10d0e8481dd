/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for everything a device says: the DFU functional descriptor,
 * and the replies to every request of dfu.c and dfuse.c (status, state, poll
 * timeouts, upload data, short and long answers, stalls, disconnects), fed
 * from the input through a scripted transport with a virtual clock.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dfu.h"
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

static int fz_reset(void *ctx)
{
	(void)ctx;
	return TR_NODEV;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t image[5000];
	static uint8_t back[3000];
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

	/* The functional descriptor parser sees the raw bytes first. */
	if (dfu_parse_func_desc(data, size, &fd) && fd.bLength != 7 && fd.bLength < 9)
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
	return 0;
}
