/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness both TAP programs of the device model share (test-model.c,
 * test-model-flash.c): one device and its clock, each DFU request as a
 * call, the DfuSe commands as a DNLOAD plus its GETSTATUS polls.
 */
#ifndef DFUSE_SIM_TEST_MODEL_H
#define DFUSE_SIM_TEST_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model.h"

enum {
	APP_IDLE = 0,
	APP_DETACH = 1,
	DFU_IDLE = 2,
	DNLOAD_SYNC = 3,
	DNBUSY = 4,
	DNLOAD_IDLE = 5,
	MANIFEST_SYNC = 6,
	MANIFEST = 7,
	UPLOAD_IDLE = 9,
	DFU_ERROR = 10,
};

enum {
	OK = 0,
	errTARGET = 1,
	errWRITE = 3,
	errPROG = 6,
	errADDRESS = 8,
	errVENDOR = 11,
	errSTALLEDPKT = 15,
};

/* One device under test, its clock and the last reply. */
struct h {
	struct sim_device *d;
	const struct sim_chip *chip;
	uint64_t now;
	size_t actual;
	uint8_t buf[4096];
	uint32_t poll; /* bwPollTimeout of the last GETSTATUS */
};

static inline bool h_open(struct h *h, const char *chip)
{
	memset(h, 0, sizeof(*h));
	h->chip = sim_chip_find(chip);
	h->d = h->chip ? sim_device_new(h->chip, NULL) : NULL;
	h->now = 1000;
	return h->d != NULL;
}

static inline void h_close(struct h *h)
{
	sim_device_free(h->d);
	h->d = NULL;
}

static inline enum sim_result req(struct h *h, uint8_t type, uint8_t r, uint16_t wValue,
				  uint8_t *data, uint16_t wLength)
{
	h->now += 100;
	return sim_device_control(h->d, h->now, type, r, wValue, 0, data, wLength, &h->actual);
}

static inline enum sim_result dnload(struct h *h, uint16_t block, const uint8_t *p, uint16_t len)
{
	if (len)
		memcpy(h->buf, p, len);
	return req(h, 0x21, 1, block, h->buf, len);
}

static inline enum sim_result upload(struct h *h, uint16_t block, uint16_t len)
{
	return req(h, 0xA1, 2, block, h->buf, len);
}

static inline enum sim_result getstatus(struct h *h)
{
	enum sim_result r = req(h, 0xA1, 3, 0, h->buf, 6);

	if (r == SIM_OK)
		h->poll = h->buf[1] | (uint32_t)h->buf[2] << 8 | (uint32_t)h->buf[3] << 16;
	return r;
}

static inline enum sim_result clrstatus(struct h *h)
{
	return req(h, 0x21, 4, 0, h->buf, 0);
}

static inline enum sim_result abort_req(struct h *h)
{
	return req(h, 0x21, 6, 0, h->buf, 0);
}

static inline enum sim_result getstate(struct h *h)
{
	return req(h, 0xA1, 5, 0, h->buf, 1);
}

/* bStatus of the last GETSTATUS. */
static inline int st_status(const struct h *h)
{
	return h->buf[0];
}

/*
 * DNLOAD, GETSTATUS (must be dfuDNBUSY), wait the announced time, GETSTATUS.
 * Returns the final bStatus, or -1 if the exchange broke; *first_poll gets
 * the first bwPollTimeout.
 */
static inline int run_dnload(struct h *h, uint16_t block, const uint8_t *p, uint16_t len,
			     uint32_t *first_poll)
{
	if (dnload(h, block, p, len) != SIM_OK || getstatus(h) != SIM_OK)
		return -1;
	if (first_poll)
		*first_poll = h->poll;
	if (h->buf[4] != DNBUSY)
		return -1;
	h->now += (uint64_t)h->poll * 1000u;
	if (getstatus(h) != SIM_OK)
		return -1;
	return st_status(h);
}

static inline int cmd_addr(struct h *h, uint8_t cmd, uint32_t addr, uint32_t *poll)
{
	uint8_t c[5] = { cmd, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
			 (uint8_t)(addr >> 24) };

	return run_dnload(h, 0, c, 5, poll);
}

static inline int set_address(struct h *h, uint32_t addr)
{
	return cmd_addr(h, 0x21, addr, NULL);
}

static inline int erase(struct h *h, uint32_t addr, uint32_t *poll)
{
	return cmd_addr(h, 0x41, addr, poll);
}

static inline int cmd1(struct h *h, uint8_t cmd, uint32_t *poll)
{
	return run_dnload(h, 0, &cmd, 1, poll);
}

/* Bytes UPLOAD returns from the pointer on, block after block, until a short one. */
static inline size_t readable_run(struct h *h)
{
	size_t total = 0;
	uint16_t ts = h->chip->wTransferSize;

	for (uint16_t block = 2; block < 0xFFFF; block++) {
		if (upload(h, block, ts) != SIM_OK)
			break;
		total += h->actual;
		if (h->actual < ts)
			break;
	}
	return total;
}

static inline void pattern(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31u + seed * 7u + (i >> 8));
}

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif
