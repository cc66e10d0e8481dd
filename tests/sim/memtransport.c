/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-memory transport: maps struct transport_ops onto the device model
 * and keeps a virtual clock that only sleeps and transfers advance.
 */
#include <stdlib.h>

#include "memtransport.h"

#define MEMTRANSPORT_DEFAULT_COST_US 200u

struct memtransport {
	struct sim_device *dev;
	uint64_t now_us;
	uint64_t cost_us;
	uint64_t slept_us;
	unsigned long timeouts;
};

static int result_to_tr(enum sim_result r)
{
	switch (r) {
	case SIM_OK:
		return TR_OK;
	case SIM_STALL:
		return TR_STALL;
	case SIM_NODEV:
		return TR_NODEV;
	case SIM_LATER:
		return TR_TIMEOUT;
	case SIM_IO:
		return TR_IO;
	}
	return TR_IO;
}

/*
 * A held answer (SIM_LATER, strict timing) blocks the transfer until the
 * device is ready, as a real device that NAKs the status stage would; a
 * timeout_ms of 0 waits for ever, as with libusb.
 */
static int mt_control(void *ctx, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
		      uint16_t wIndex, uint8_t *data, uint16_t wLength, unsigned timeout_ms,
		      size_t *actual)
{
	struct memtransport *mt = ctx;
	uint64_t start = mt->now_us;
	enum sim_result r;

	mt->now_us += mt->cost_us;
	for (;;) {
		uint64_t ready;

		r = sim_device_control(mt->dev, mt->now_us, bmRequestType, bRequest, wValue, wIndex,
				       data, wLength, actual);
		if (r != SIM_LATER)
			break;
		ready = sim_device_ready_at(mt->dev);
		if (timeout_ms && ready - start > (uint64_t)timeout_ms * 1000u) {
			mt->now_us = start + (uint64_t)timeout_ms * 1000u;
			mt->timeouts++;
			if (actual)
				*actual = 0;
			return TR_TIMEOUT;
		}
		if (ready > mt->now_us)
			mt->now_us = ready;
	}
	return result_to_tr(r);
}

static int mt_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	struct memtransport *mt = ctx;

	mt->now_us += mt->cost_us;
	return result_to_tr(sim_device_set_alt(mt->dev, intf, alt));
}

/* After a re-enumeration or when the device left, this handle is dead: TR_NODEV. */
static int mt_reset(void *ctx)
{
	struct memtransport *mt = ctx;

	mt->now_us += mt->cost_us;
	switch (sim_device_reset(mt->dev, mt->now_us)) {
	case SIM_RESET_SAME:
		return TR_OK;
	case SIM_RESET_REENUMERATE:
	case SIM_RESET_GONE:
		return TR_NODEV;
	case SIM_RESET_FAILED:
		return TR_IO;
	}
	return TR_IO;
}

static void mt_sleep_us(void *ctx, uint64_t us)
{
	struct memtransport *mt = ctx;

	mt->now_us += us;
	mt->slept_us += us;
}

static uint64_t mt_now_us(void *ctx)
{
	const struct memtransport *mt = ctx;

	return mt->now_us;
}

static int mt_present(void *ctx)
{
	const struct memtransport *mt = ctx;

	return sim_device_gone(mt->dev) ? TR_NODEV : TR_OK;
}

static const struct transport_ops memtransport_ops = {
	.control = mt_control,
	.set_alt = mt_set_alt,
	.reset = mt_reset,
	.sleep_us = mt_sleep_us,
	.now_us = mt_now_us,
	.present = mt_present,
};

struct memtransport *memtransport_new(struct sim_device *d)
{
	struct memtransport *mt;

	if (!d)
		return NULL;
	mt = calloc(1, sizeof(*mt));
	if (!mt)
		return NULL;
	mt->dev = d;
	mt->cost_us = MEMTRANSPORT_DEFAULT_COST_US;
	return mt;
}

void memtransport_free(struct memtransport *mt)
{
	free(mt);
}

struct transport memtransport_get(struct memtransport *mt)
{
	struct transport t = { .ops = &memtransport_ops, .ctx = mt };

	return t;
}

uint64_t memtransport_now(const struct memtransport *mt)
{
	return mt->now_us;
}

void memtransport_set_cost(struct memtransport *mt, uint64_t us)
{
	mt->cost_us = us;
}

uint64_t memtransport_slept_us(const struct memtransport *mt)
{
	return mt->slept_us;
}

unsigned long memtransport_timeouts(const struct memtransport *mt)
{
	return mt->timeouts;
}
