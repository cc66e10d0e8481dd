/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the simulated bootloader (model.c, chips.c) and of the
 * in-memory transport: descriptors, the DFU state machine, DfuSe commands,
 * flash rules, faults, timing, the log, dumps and the virtual clock.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/tap.h"
#include "memtransport.h"
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

static bool h_open(struct h *h, const char *chip)
{
	memset(h, 0, sizeof(*h));
	h->chip = sim_chip_find(chip);
	h->d = h->chip ? sim_device_new(h->chip, NULL) : NULL;
	h->now = 1000;
	return h->d != NULL;
}

static void h_close(struct h *h)
{
	sim_device_free(h->d);
	h->d = NULL;
}

static enum sim_result req(struct h *h, uint8_t type, uint8_t r, uint16_t wValue, uint8_t *data,
			   uint16_t wLength)
{
	h->now += 100;
	return sim_device_control(h->d, h->now, type, r, wValue, 0, data, wLength, &h->actual);
}

static enum sim_result dnload(struct h *h, uint16_t block, const uint8_t *p, uint16_t len)
{
	if (len)
		memcpy(h->buf, p, len);
	return req(h, 0x21, 1, block, h->buf, len);
}

static enum sim_result upload(struct h *h, uint16_t block, uint16_t len)
{
	return req(h, 0xA1, 2, block, h->buf, len);
}

static enum sim_result getstatus(struct h *h)
{
	enum sim_result r = req(h, 0xA1, 3, 0, h->buf, 6);

	if (r == SIM_OK)
		h->poll = h->buf[1] | (uint32_t)h->buf[2] << 8 | (uint32_t)h->buf[3] << 16;
	return r;
}

static enum sim_result clrstatus(struct h *h)
{
	return req(h, 0x21, 4, 0, h->buf, 0);
}

static enum sim_result abort_req(struct h *h)
{
	return req(h, 0x21, 6, 0, h->buf, 0);
}

static enum sim_result getstate(struct h *h)
{
	return req(h, 0xA1, 5, 0, h->buf, 1);
}

/* bStatus of the last GETSTATUS. */
static int st_status(const struct h *h)
{
	return h->buf[0];
}

/*
 * DNLOAD, GETSTATUS (must be dfuDNBUSY), wait the announced time, GETSTATUS.
 * Returns the final bStatus, or -1 if the exchange broke; *first_poll gets
 * the first bwPollTimeout.
 */
static int run_dnload(struct h *h, uint16_t block, const uint8_t *p, uint16_t len,
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

static int cmd_addr(struct h *h, uint8_t cmd, uint32_t addr, uint32_t *poll)
{
	uint8_t c[5] = { cmd, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
			 (uint8_t)(addr >> 24) };

	return run_dnload(h, 0, c, 5, poll);
}

static int set_address(struct h *h, uint32_t addr)
{
	return cmd_addr(h, 0x21, addr, NULL);
}

static int erase(struct h *h, uint32_t addr, uint32_t *poll)
{
	return cmd_addr(h, 0x41, addr, poll);
}

static int cmd1(struct h *h, uint8_t cmd, uint32_t *poll)
{
	return run_dnload(h, 0, &cmd, 1, poll);
}

/* Bytes UPLOAD returns from the pointer on, block after block, until a short one. */
static size_t readable_run(struct h *h)
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

static void pattern(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31u + seed * 7u + (i >> 8));
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* ---- descriptors ---- */

static void test_descriptors(void)
{
	for (const struct sim_chip *c = sim_chips; c->name; c++) {
		struct sim_device *d = sim_device_new(c, NULL);
		uint8_t b[512];
		size_t n, want = 18 + 9 + 9 * c->nalts + 9, off;
		bool alts_ok = true;

		if (!ok(d != NULL, "%s: device created", c->name))
			continue;
		n = sim_device_descriptors(d, b, sizeof(b));
		is_int(n, want, "%s: descriptor set length", c->name);
		ok(b[0] == 18 && b[1] == 1 && le16(b + 2) == 0x0200 && b[7] == 64 &&
			   le16(b + 8) == c->idVendor && le16(b + 10) == c->idProduct &&
			   le16(b + 12) == c->bcdDevice && b[14] == 1 && b[15] == 2 && b[16] == 3 &&
			   b[17] == 1,
		   "%s: device descriptor fields", c->name);
		ok(b[18] == 9 && b[19] == 2 && le16(b + 20) == want - 18 && b[22] == 1 &&
			   b[25] == 0xC0 && b[26] == 50,
		   "%s: configuration descriptor, wTotalLength %zu", c->name, want - 18);
		off = 27;
		for (size_t i = 0; i < c->nalts; i++, off += 9)
			if (b[off] != 9 || b[off + 1] != 4 || b[off + 2] != 0 || b[off + 3] != i ||
			    b[off + 4] != 0 || b[off + 5] != 0xFE || b[off + 6] != 1 ||
			    b[off + 7] != (c->runtime ? 1 : 2) || b[off + 8] != 4 + i)
				alts_ok = false;
		ok(alts_ok, "%s: %zu interface descriptors, protocol %d", c->name, c->nalts,
		   c->runtime ? 1 : 2);
		ok(off + 9 == n && b[off] == 9 && b[off + 1] == 0x21 &&
			   b[off + 2] == c->bmAttributes &&
			   le16(b + off + 3) == c->wDetachTimeOut &&
			   le16(b + off + 5) == c->wTransferSize &&
			   le16(b + off + 7) == c->bcdDFUVersion,
		   "%s: functional descriptor after the last alt", c->name);
		is_int(sim_device_descriptors(d, b, 10), want,
		       "%s: short buffer still tells the size", c->name);
		sim_device_free(d);
	}
	ok(sim_chip_find("nope") == NULL && sim_chip_find(NULL) == NULL, "unknown chip: NULL");
}

static void test_standard_requests(void)
{
	struct h h;
	enum sim_result r;
	const char *name;
	bool same = true;

	if (!h_open(&h, "f4"))
		return;
	r = req(&h, 0x80, 6, 0x0300, h.buf, 255);
	ok(r == SIM_OK && h.actual == 4 && h.buf[0] == 4 && h.buf[1] == 3 &&
		   le16(h.buf + 2) == 0x0409,
	   "string 0: langid 0x0409");
	r = req(&h, 0x80, 6, 0x0302, h.buf, 255);
	name = h.chip->product;
	same = h.actual == 2 + 2 * strlen(name) && h.buf[0] == h.actual && h.buf[1] == 3;
	for (size_t i = 0; same && i < strlen(name); i++)
		same = h.buf[2 + 2 * i] == (uint8_t)name[i] && h.buf[3 + 2 * i] == 0;
	ok(r == SIM_OK && same, "string 2: product in UTF-16LE");
	r = req(&h, 0x80, 6, 0x0304, h.buf, 255);
	name = h.chip->alt_names[0];
	same = h.actual == 2 + 2 * strlen(name);
	for (size_t i = 0; same && i < strlen(name); i++)
		same = h.buf[2 + 2 * i] == (uint8_t)name[i];
	ok(r == SIM_OK && same, "string 4: alt 0 layout");
	r = req(&h, 0x80, 6, 0x0303, h.buf, 8);
	ok(r == SIM_OK && h.actual == 8 && h.buf[0] == 2 + 2 * strlen(h.chip->serial) &&
		   h.buf[2] == (uint8_t)h.chip->serial[0],
	   "string 3 truncated to wLength, bLength kept");
	is_int(req(&h, 0x80, 6, 0x0363, h.buf, 255), SIM_STALL, "unknown string index STALLs");
	r = req(&h, 0x80, 6, 0x0200, h.buf, 9);
	ok(r == SIM_OK && h.actual == 9 && le16(h.buf + 2) == 9 + 4 * 9 + 9,
	   "config with wLength 9: header only, wTotalLength 54");
	r = req(&h, 0x80, 6, 0x0200, h.buf, 255);
	is_int(h.actual, 54, "config with wLength 255: whole set");
	r = req(&h, 0x80, 6, 0x0100, h.buf, 64);
	ok(r == SIM_OK && h.actual == 18 && le16(h.buf + 10) == 0xdf11, "device descriptor");
	r = req(&h, 0x80, 0, 0, h.buf, 2);
	ok(r == SIM_OK && h.actual == 2 && h.buf[0] == 1, "GET_STATUS: 2 bytes, self powered");
	ok(req(&h, 0x00, 9, 1, h.buf, 0) == SIM_OK && req(&h, 0x80, 8, 0, h.buf, 1) == SIM_OK &&
		   h.buf[0] == 1,
	   "SET_CONFIGURATION 1, GET_CONFIGURATION answers 1");
	is_int(req(&h, 0x00, 9, 2, h.buf, 0), SIM_STALL, "SET_CONFIGURATION 2 STALLs");
	ok(req(&h, 0x01, 11, 3, h.buf, 0) == SIM_OK && req(&h, 0x81, 10, 0, h.buf, 1) == SIM_OK &&
		   h.buf[0] == 3,
	   "SET_INTERFACE alt 3 by request, GET_INTERFACE answers 3");
	is_int(sim_device_set_alt(h.d, 0, 4), SIM_STALL, "alt 4 of 4 STALLs");
	is_int(sim_device_set_alt(h.d, 1, 0), SIM_STALL, "interface 1 STALLs");
	is_int(req(&h, 0x00, 3, 1, h.buf, 0), SIM_STALL, "SET_FEATURE STALLs");
	is_int(req(&h, 0xC0, 1, 0, h.buf, 4), SIM_STALL, "vendor request STALLs");
	is_int(sim_device_state(h.d), DFU_IDLE, "standard STALLs leave the DFU state alone");
	h_close(&h);
}

/* ---- state machine ---- */

enum prep { P_IDLE, P_DNLOAD_IDLE, P_UPLOAD_IDLE, P_ERROR, P_DNLOAD_SYNC, P_DNBUSY };

static bool prep(struct h *h, enum prep p)
{
	switch (p) {
	case P_IDLE:
		return sim_device_state(h->d) == DFU_IDLE;
	case P_DNLOAD_IDLE:
		return set_address(h, 0x08000000) == OK && sim_device_state(h->d) == DNLOAD_IDLE;
	case P_UPLOAD_IDLE:
		return upload(h, 2, 64) == SIM_OK && sim_device_state(h->d) == UPLOAD_IDLE;
	case P_ERROR:
		return clrstatus(h) == SIM_STALL && sim_device_state(h->d) == DFU_ERROR;
	case P_DNLOAD_SYNC:
		return dnload(h, 0, (const uint8_t[]){ 0x21, 0, 0, 0, 8 }, 5) == SIM_OK &&
		       sim_device_state(h->d) == DNLOAD_SYNC;
	case P_DNBUSY:
		return prep(h, P_DNLOAD_SYNC) && getstatus(h) == SIM_OK &&
		       sim_device_state(h->d) == DNBUSY;
	}
	return false;
}

static void test_state_table(void)
{
	static const char *const prep_names[] = { "dfuIDLE",  "dfuDNLOAD-IDLE", "dfuUPLOAD-IDLE",
						  "dfuERROR", "dfuDNLOAD-SYNC", "dfuDNBUSY" };
	static const char *const req_names[] = { "DETACH",    "DNLOAD",	  "UPLOAD", "GETSTATUS",
						 "CLRSTATUS", "GETSTATE", "ABORT" };
	/* DFU 1.1 appendix A as the model implements it; a STALL always lands in dfuERROR */
	static const struct {
		enum prep from;
		uint8_t request;
		enum sim_result result;
		int state;
	} rows[] = {
		{ P_IDLE, 0, SIM_OK, DFU_IDLE },
		{ P_IDLE, 1, SIM_OK, DNLOAD_SYNC },
		{ P_IDLE, 2, SIM_OK, UPLOAD_IDLE },
		{ P_IDLE, 3, SIM_OK, DFU_IDLE },
		{ P_IDLE, 4, SIM_STALL, DFU_ERROR },
		{ P_IDLE, 5, SIM_OK, DFU_IDLE },
		{ P_IDLE, 6, SIM_OK, DFU_IDLE },
		{ P_DNLOAD_IDLE, 0, SIM_OK, DFU_IDLE },
		{ P_DNLOAD_IDLE, 1, SIM_OK, DNLOAD_SYNC },
		{ P_DNLOAD_IDLE, 2, SIM_STALL, DFU_ERROR },
		{ P_DNLOAD_IDLE, 3, SIM_OK, DNLOAD_IDLE },
		{ P_DNLOAD_IDLE, 4, SIM_STALL, DFU_ERROR },
		{ P_DNLOAD_IDLE, 5, SIM_OK, DNLOAD_IDLE },
		{ P_DNLOAD_IDLE, 6, SIM_OK, DFU_IDLE },
		{ P_UPLOAD_IDLE, 1, SIM_STALL, DFU_ERROR },
		{ P_UPLOAD_IDLE, 2, SIM_OK, UPLOAD_IDLE },
		{ P_UPLOAD_IDLE, 3, SIM_OK, UPLOAD_IDLE },
		{ P_UPLOAD_IDLE, 4, SIM_STALL, DFU_ERROR },
		{ P_UPLOAD_IDLE, 6, SIM_OK, DFU_IDLE },
		{ P_ERROR, 0, SIM_STALL, DFU_ERROR },
		{ P_ERROR, 1, SIM_STALL, DFU_ERROR },
		{ P_ERROR, 2, SIM_STALL, DFU_ERROR },
		{ P_ERROR, 3, SIM_OK, DFU_ERROR },
		{ P_ERROR, 4, SIM_OK, DFU_IDLE },
		{ P_ERROR, 5, SIM_OK, DFU_ERROR },
		{ P_ERROR, 6, SIM_STALL, DFU_ERROR },
		{ P_DNLOAD_SYNC, 1, SIM_STALL, DFU_ERROR },
		{ P_DNLOAD_SYNC, 2, SIM_STALL, DFU_ERROR },
		{ P_DNLOAD_SYNC, 3, SIM_OK, DNBUSY },
		{ P_DNLOAD_SYNC, 5, SIM_OK, DNLOAD_SYNC },
		{ P_DNLOAD_SYNC, 6, SIM_STALL, DFU_ERROR },
		{ P_DNBUSY, 1, SIM_STALL, DFU_ERROR },
		{ P_DNBUSY, 5, SIM_STALL, DFU_ERROR },
		{ P_DNBUSY, 6, SIM_STALL, DFU_ERROR },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct h h;
		enum sim_result r;
		struct sim_stats st;
		uint8_t type = rows[i].request == 2 || rows[i].request == 3 || rows[i].request == 5
				       ? 0xA1
				       : 0x21;
		uint16_t len = rows[i].request == 1   ? 16
			       : rows[i].request == 2 ? 2048
			       : rows[i].request == 3 ? 6
			       : rows[i].request == 5 ? 1
						      : 0;
		uint16_t block = rows[i].request == 1 || rows[i].request == 2 ? 2 : 0;

		if (!h_open(&h, "f4"))
			continue;
		if (!prep(&h, rows[i].from)) {
			ok(false, "prepare %s", prep_names[rows[i].from]);
			h_close(&h);
			continue;
		}
		memset(h.buf, 0xFF, 16);
		r = req(&h, type, rows[i].request, block, h.buf, len);
		sim_device_stats(h.d, &st);
		ok(r == rows[i].result && sim_device_state(h.d) == rows[i].state &&
			   (r != SIM_STALL || st.forbidden >= 1),
		   "%s + %s -> %s, state %d", prep_names[rows[i].from], req_names[rows[i].request],
		   r == SIM_OK ? "OK" : "STALL", rows[i].state);
		if (r != rows[i].result || sim_device_state(h.d) != rows[i].state)
			diag("got result %d state %u", r, sim_device_state(h.d));
		h_close(&h);
	}
}

static void test_error_recovery(void)
{
	struct h h;
	struct sim_stats st;

	if (!h_open(&h, "f4"))
		return;
	ok(abort_req(&h) == SIM_OK &&
		   dnload(&h, 0, (const uint8_t[]){ 0x21, 0, 0, 0, 8 }, 5) == SIM_OK,
	   "DNLOAD from dfuIDLE accepted");
	is_int(upload(&h, 2, 16), SIM_STALL, "UPLOAD in dfuDNLOAD-SYNC STALLs");
	ok(getstatus(&h) == SIM_OK && h.buf[4] == DFU_ERROR && st_status(&h) == errSTALLEDPKT,
	   "GETSTATUS: dfuERROR, errSTALLEDPKT");
	ok(clrstatus(&h) == SIM_OK && getstatus(&h) == SIM_OK && h.buf[4] == DFU_IDLE &&
		   st_status(&h) == OK,
	   "CLRSTATUS: back to dfuIDLE, OK");
	is_int(dnload(&h, 1, (const uint8_t[]){ 1 }, 1), SIM_STALL, "DNLOAD block 1 STALLs");
	clrstatus(&h);
	memset(h.buf, 0, sizeof(h.buf));
	is_int(req(&h, 0x21, 1, 2, h.buf, 2049), SIM_STALL, "DNLOAD beyond wTransferSize STALLs");
	clrstatus(&h);
	is_int(req(&h, 0x21, 3, 0, h.buf, 6), SIM_STALL, "GETSTATUS as an OUT request STALLs");
	sim_device_stats(h.d, &st);
	is_int(st.forbidden, 4, "four forbidden requests counted");
	h_close(&h);
}

/* ---- DfuSe commands and flash ---- */

/* Start of the first erasable and writeable sector of alt 0 (protboot protects 64 KiB). */
static uint32_t first_writable(const char *chip)
{
	return strcmp(chip, "protboot") == 0 ? 0x08010000u : 0x08000000u;
}

static void test_round_trip(void)
{
	static const char *const chips[] = { "f4", "f7", "f1", "h7", "protboot", "gd32" };

	for (size_t i = 0; i < sizeof(chips) / sizeof(chips[0]); i++) {
		struct h h;
		uint32_t base = first_writable(chips[i]);
		uint16_t ts;
		uint8_t img[4096], back[4096];
		bool good = true;

		if (!h_open(&h, chips[i]))
			continue;
		ts = h.chip->wTransferSize;
		pattern(img, 2u * ts, (unsigned)i);
		good = set_address(&h, base) == OK && erase(&h, base, NULL) == OK &&
		       set_address(&h, base) == OK && run_dnload(&h, 2, img, ts, NULL) == OK &&
		       run_dnload(&h, 3, img + ts, ts, NULL) == OK;
		ok(good, "%s: set address, erase, two blocks written", chips[i]);
		ok(sim_device_read(h.d, base, back, 2u * ts) == 0 &&
			   memcmp(back, img, 2u * ts) == 0,
		   "%s: flash holds the image", chips[i]);
		good = abort_req(&h) == SIM_OK && upload(&h, 2, ts) == SIM_OK && h.actual == ts &&
		       memcmp(h.buf, img, ts) == 0 && upload(&h, 3, ts) == SIM_OK &&
		       h.actual == ts && memcmp(h.buf, img + ts, ts) == 0;
		ok(good, "%s: ABORT then UPLOAD blocks 2 and 3 read it back", chips[i]);
		is_int(sim_device_state(h.d), UPLOAD_IDLE, "%s: full blocks keep dfuUPLOAD-IDLE",
		       chips[i]);
		h_close(&h);
	}
}

static void test_unerased_write(void)
{
	struct h h;
	uint8_t a[2048], b[2048], back[2048];
	struct sim_stats st;

	if (!h_open(&h, "f4"))
		return;
	pattern(a, sizeof(a), 1);
	pattern(b, sizeof(b), 2);
	set_address(&h, 0x08004000);
	is_int(run_dnload(&h, 2, a, 2048, NULL), OK, "write onto blank flash");
	is_int(run_dnload(&h, 2, b, 2048, NULL), errPROG, "same block again: errPROG");
	is_int(h.buf[4], DFU_ERROR, "and dfuERROR");
	sim_device_read(h.d, 0x08004000, back, sizeof(back));
	ok(memcmp(back, a, sizeof(a)) == 0, "memory unchanged by the refused block");
	sim_device_stats(h.d, &st);
	is_int(st.unerased_writes, 1, "unerased write counted");
	is_int(st.bytes_written, 2048, "only the good block counted as written");
	clrstatus(&h);
	memset(b, 0xFF, 16);
	b[16] = 0x00;
	set_address(&h, 0x08004800);
	is_int(run_dnload(&h, 2, b, 17, NULL), OK, "16 x 0xFF and one 0x00 written");
	is_int(run_dnload(&h, 2, b, 16, NULL), OK, "cells still 0xFF may be written again");
	is_int(run_dnload(&h, 2, b, 17, NULL), errPROG,
	       "a programmed cell may not, even with 0xFF");
	h_close(&h);
}

static void test_bad_addresses(void)
{
	struct h h;
	uint8_t img[1024];
	uint32_t poll;

	memset(img, 0x11, sizeof(img));
	if (!h_open(&h, "protboot"))
		return;
	is_int(erase(&h, 0x08000000, NULL), errTARGET, "protboot: erase of read-only sector");
	clrstatus(&h);
	set_address(&h, 0x08000000);
	is_int(run_dnload(&h, 2, img, 1024, NULL), errWRITE,
	       "protboot: write to read-only: errWRITE");
	clrstatus(&h);
	ok(set_address(&h, 0x0800FC00) == OK && abort_req(&h) == SIM_OK &&
		   upload(&h, 2, 1024) == SIM_OK && h.actual == 1024 && h.buf[0] != 0xFF,
	   "protboot: read-only code can be read (not blank)");
	abort_req(&h);
	set_address(&h, 0x0800FE00);
	is_int(run_dnload(&h, 2, img, 1024, NULL), errWRITE,
	       "protboot: block straddling into writeable flash still errWRITE");
	clrstatus(&h);
	is_int(set_address(&h, 0x20000000), errTARGET, "set address outside the layout: errTARGET");
	clrstatus(&h);
	is_int(cmd1(&h, 0x55, NULL), errTARGET, "unknown command byte: errTARGET");
	clrstatus(&h);
	/* the last 512 bytes of flash, then past the end */
	set_address(&h, 0x08080000 - 512);
	is_int(run_dnload(&h, 2, img, 1024, NULL), errADDRESS, "write past the end: errADDRESS");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	ok(erase(&h, 0x08000000, &poll) == OK && poll == 250, "f4: 16 KiB erase announces 250 ms");
	ok(erase(&h, 0x08010000, &poll) == OK && poll == 1000,
	   "f4: 64 KiB erase announces 1000 ms");
	ok(erase(&h, 0x080E0000, &poll) == OK && poll == 2000, "f4: 128 KiB erase announces 2 s");
	sim_device_set_alt(h.d, 0, 1);
	is_int(erase(&h, 0x1FFFC000, NULL), errTARGET, "f4: option bytes are not erasable");
	clrstatus(&h);
	is_int(set_address(&h, 0x08000000), errTARGET, "f4: flash address invalid in alt 1");
	h_close(&h);

	if (h_open(&h, "f1")) {
		ok(erase(&h, 0x0801FC00, &poll) == OK && poll == 20, "f1: page erase 20 ms");
		h_close(&h);
	}
	if (h_open(&h, "gd32")) {
		ok(erase(&h, 0x08000800, &poll) == OK && poll == 100, "gd32: page erase 100 ms");
		ok(set_address(&h, 0x08000000) == OK && h.poll == 0, "gd32: completion poll is 0");
		h_close(&h);
	}
	if (h_open(&h, "h7")) {
		ok(erase(&h, 0x08020000, &poll) == OK && poll == 2000, "h7: 128 KiB erase 2 s");
		h_close(&h);
	}
}

static void test_get_commands(void)
{
	struct h h;

	if (!h_open(&h, "f4"))
		return;
	ok(upload(&h, 0, 16) == SIM_OK && h.actual == 4 && h.buf[0] == 0x00 && h.buf[1] == 0x21 &&
		   h.buf[2] == 0x41 && h.buf[3] == 0x92,
	   "UPLOAD block 0: Get Commands 00 21 41 92");
	is_int(sim_device_state(h.d), DFU_IDLE, "short reply: back to dfuIDLE");
	is_int(cmd1(&h, 0x00, NULL), OK, "DNLOAD command 0x00 completes OK");
	h_close(&h);
}

static void test_mass_erase(void)
{
	struct h h;
	uint8_t img[256], back[256], opt[16];
	uint32_t poll;
	struct sim_stats st;
	bool blank = true;

	if (!h_open(&h, "f4"))
		return;
	memset(img, 0x42, sizeof(img));
	sim_device_read(h.d, 0x1FFFC000, opt, sizeof(opt));
	ok(opt[0] == 0xEC && opt[1] == 0xAA, "f4 option bytes default: USER 0xEC, RDP 0xAA");
	ok(sim_device_load(h.d, 0x08000000, img, sizeof(img)) == 0 &&
		   sim_device_load(h.d, 0x080FFF00, img, sizeof(img)) == 0,
	   "image loaded at both ends of flash");
	ok(cmd1(&h, 0x41, &poll) == OK && poll == 16000, "mass erase announces 16 s and completes");
	for (int end = 0; end < 2; end++) {
		sim_device_read(h.d, end ? 0x080FFF00 : 0x08000000, back, sizeof(back));
		for (size_t i = 0; i < sizeof(back); i++)
			blank = blank && back[i] == 0xFF;
	}
	ok(blank, "flash blank after mass erase");
	sim_device_read(h.d, 0x1FFFC000, back, 16);
	ok(memcmp(back, opt, 16) == 0, "option bytes untouched");
	sim_device_stats(h.d, &st);
	ok(st.mass_erase == 1 && st.erases_per_sector_max == 1,
	   "mass erase counted once per sector");
	ok(sim_device_load(h.d, 0x07000000, img, 4) == -1, "load outside every alt fails");
	h_close(&h);
}

static void test_read_protection(void)
{
	struct h h;
	struct sim_faults f = { .read_protected = true };
	uint8_t img[64], back[64];
	uint32_t poll;

	if (!h_open(&h, "f4"))
		return;
	memset(img, 0x5A, sizeof(img));
	sim_device_load(h.d, 0x08000000, img, sizeof(img));
	sim_device_set_faults(h.d, &f);
	ok(upload(&h, 2, 64) == SIM_STALL && getstatus(&h) == SIM_OK && h.buf[4] == DFU_ERROR &&
		   st_status(&h) == errVENDOR,
	   "protected: UPLOAD STALLs with errVENDOR");
	clrstatus(&h);
	is_int(erase(&h, 0x08000000, NULL), errVENDOR, "protected: erase errVENDOR");
	clrstatus(&h);
	is_int(cmd1(&h, 0x41, NULL), errVENDOR, "protected: mass erase errVENDOR");
	clrstatus(&h);
	set_address(&h, 0x08004000);
	is_int(run_dnload(&h, 2, img, 64, NULL), errVENDOR, "protected: write errVENDOR");
	clrstatus(&h);
	ok(dnload(&h, 0, (const uint8_t[]){ 0x92 }, 1) == SIM_OK && getstatus(&h) == SIM_OK &&
		   h.buf[4] == DNBUSY && h.poll == 16000,
	   "unprotect: dfuDNBUSY for the mass erase");
	poll = h.poll;
	h.now += (uint64_t)poll * 1000u;
	ok(getstatus(&h) == SIM_OK && h.buf[4] == DNLOAD_IDLE && st_status(&h) == OK,
	   "unprotect: completion answered");
	ok(sim_device_gone(h.d), "then the device resets: gone");
	is_int(getstatus(&h), SIM_NODEV, "later requests: NODEV");
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_GONE, "reset: GONE");
	sim_device_read(h.d, 0x08000000, back, sizeof(back));
	ok(back[0] == 0xFF && back[63] == 0xFF, "flash erased by unprotect");
	h_close(&h);
}

static void test_leave(void)
{
	struct h h;
	struct sim_faults vanish = { .vanish_on_leave_getstatus = true };
	struct sim_stats st;

	if (!h_open(&h, "f4"))
		return;
	ok(set_address(&h, 0x08000000) == OK && dnload(&h, 0, NULL, 0) == SIM_OK &&
		   sim_device_state(h.d) == MANIFEST_SYNC,
	   "zero-length DNLOAD: dfuMANIFEST-SYNC");
	ok(getstatus(&h) == SIM_OK && h.buf[4] == MANIFEST && h.poll == 1,
	   "GETSTATUS: dfuMANIFEST, poll manifest_ms");
	ok(sim_device_gone(h.d) && getstate(&h) == SIM_NODEV, "then gone, NODEV");
	sim_device_stats(h.d, &st);
	is_int(st.leave, 1, "leave counted");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_faults(h.d, &vanish);
	ok(dnload(&h, 0, NULL, 0) == SIM_OK && getstatus(&h) == SIM_NODEV && sim_device_gone(h.d),
	   "vanish fault: leave from dfuIDLE, the GETSTATUS itself fails");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	ok(dnload(&h, 0, NULL, 0) == SIM_OK && sim_device_reset(h.d, h.now) == SIM_RESET_GONE,
	   "reset after the leave request: GONE");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	set_address(&h, 0x08004000);
	sim_device_set_alt(h.d, 0, 2);
	ok(sim_device_reset(h.d, h.now) == SIM_RESET_SAME && sim_device_state(h.d) == DFU_IDLE &&
		   !sim_device_gone(h.d),
	   "plain reset: SAME, dfuIDLE");
	ok(upload(&h, 2, 16) == SIM_OK && h.actual == 16 && h.buf[0] == 0xFF,
	   "reset selects alt 0 and points at flash again");
	h_close(&h);
}

static void test_option_bytes(void)
{
	struct h h;
	uint8_t ob[16], back[16];

	if (!h_open(&h, "f4"))
		return;
	sim_device_read(h.d, 0x1FFFC000, ob, 16);
	ob[0] = 0xCC;
	ok(sim_device_set_alt(h.d, 0, 1) == SIM_OK && set_address(&h, 0x1FFFC000) == OK &&
		   run_dnload(&h, 2, ob, 16, NULL) == OK,
	   "f4 option bytes written without erase");
	ok(sim_device_gone(h.d), "the ROM resets after an option byte write");
	sim_device_read(h.d, 0x1FFFC000, back, 16);
	ok(memcmp(back, ob, 16) == 0, "option bytes hold the new value");
	h_close(&h);

	if (!h_open(&h, "gd32"))
		return;
	ok(sim_device_set_alt(h.d, 0, 1) == SIM_OK && set_address(&h, 0x1FFFF800) == OK &&
		   abort_req(&h) == SIM_OK && upload(&h, 2, 16) == SIM_OK && h.actual == 16 &&
		   h.buf[0] == 0xA5 && h.buf[1] == 0x5A,
	   "gd32: '016Be' option alt readable, RDP 0xA5");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_alt(h.d, 0, 3);
	ok(set_address(&h, 0xFFFF0000) == OK && abort_req(&h) == SIM_OK &&
		   upload(&h, 2, 16) == SIM_OK && h.actual == 4 && h.buf[0] == 0 &&
		   sim_device_state(h.d) == DFU_IDLE,
	   "f4 device feature: 4 zero bytes, short read ends the upload");
	h_close(&h);
}

static void test_quirks(void)
{
	struct h h;
	struct sim_faults f = { .immediate = true };
	struct sim_stats st;
	uint32_t poll;

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_faults(h.d, &f);
	ok(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5) == SIM_OK &&
		   getstatus(&h) == SIM_OK && h.buf[4] == DNLOAD_IDLE && h.poll == 0 &&
		   st_status(&h) == OK,
	   "immediate: first GETSTATUS is dfuDNLOAD-IDLE, poll 0");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	f = (struct sim_faults){ .stall_busy_getstatus = 2 };
	sim_device_set_faults(h.d, &f);
	ok(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5) == SIM_OK &&
		   getstatus(&h) == SIM_OK && h.buf[4] == DNBUSY,
	   "stall_busy: the first GETSTATUS announces the erase");
	poll = h.poll;
	h.now += (uint64_t)poll * 1000u;
	ok(getstatus(&h) == SIM_STALL && sim_device_state(h.d) == DNBUSY &&
		   getstatus(&h) == SIM_STALL && sim_device_state(h.d) == DNBUSY,
	   "two busy GETSTATUS STALL without dfuERROR");
	ok(getstatus(&h) == SIM_OK && h.buf[4] == DNLOAD_IDLE, "the third answers dfuDNLOAD-IDLE");
	sim_device_stats(h.d, &st);
	ok(st.busy_stalls == 2 && st.forbidden == 0, "busy stalls counted, not as forbidden");
	ok(erase(&h, 0x08000000, NULL) == -1 && sim_device_state(h.d) == DNBUSY,
	   "the quirk repeats in the next busy period");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	f = (struct sim_faults){ .disconnect_after = 3 };
	sim_device_set_faults(h.d, &f);
	ok(getstate(&h) == SIM_OK && getstate(&h) == SIM_OK && getstate(&h) == SIM_NODEV &&
		   sim_device_gone(h.d) && sim_device_set_alt(h.d, 0, 0) == SIM_NODEV,
	   "disconnect_after 3: the third request fails, then everything");
	h_close(&h);
}

static void test_timing(void)
{
	struct h h;
	struct sim_faults strict = { .strict_timing = true };
	struct sim_stats st;
	uint64_t announced_at;

	if (!h_open(&h, "f4"))
		return;
	ok(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5) == SIM_OK &&
		   getstatus(&h) == SIM_OK && h.poll == 250,
	   "erase announced: 250 ms");
	announced_at = h.now;
	h.now += 100000 - 100; /* next request lands at +100 ms */
	ok(getstatus(&h) == SIM_OK && h.buf[4] == DNBUSY && h.poll == 150,
	   "early poll: still busy, 150 ms left");
	h.now = announced_at + 250000 - 100;
	ok(getstatus(&h) == SIM_OK && h.buf[4] == DNLOAD_IDLE, "on time: done");
	sim_device_stats(h.d, &st);
	ok(st.early_polls == 1 && st.device_wait_us == 250000 && st.getstatus == 3,
	   "one early poll, device wait 250 ms");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_faults(h.d, &strict);
	ok(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5) == SIM_OK &&
		   getstatus(&h) == SIM_OK && h.poll == 250,
	   "strict: erase announced");
	announced_at = h.now;
	ok(getstatus(&h) == SIM_LATER && sim_device_ready_at(h.d) == announced_at + 250000,
	   "strict: early GETSTATUS held until the erase is done");
	h.now = sim_device_ready_at(h.d) - 100;
	ok(getstatus(&h) == SIM_OK && h.buf[4] == DNLOAD_IDLE, "strict: re-asked: done");
	sim_device_stats(h.d, &st);
	ok(st.early_polls == 1 && st.getstatus == 2, "strict: re-ask not counted twice");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_time_scale(h.d, 0.001);
	ok(erase(&h, 0x08000000, NULL) == OK && sim_device_state(h.d) == DNLOAD_IDLE,
	   "scaled erase");
	ok(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5) == SIM_OK &&
		   getstatus(&h) == SIM_OK && h.poll == 1,
	   "scale 0.001: 250 ms -> 1 ms (rounded up, never 0)");
	sim_device_set_time_scale(h.d, 2.5);
	h.now += 10000;
	getstatus(&h);
	ok(erase(&h, 0x08000000, NULL) == OK && set_address(&h, 0x08000000) == OK &&
		   dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5) == SIM_OK &&
		   getstatus(&h) == SIM_OK && h.poll == 625,
	   "scale 2.5: 250 ms -> 625 ms");
	h_close(&h);
}

static void test_runtime(void)
{
	struct h h;
	uint8_t b[512];
	size_t n;

	if (!h_open(&h, "runtime"))
		return;
	ok(getstatus(&h) == SIM_OK && h.buf[4] == APP_IDLE, "run-time: appIDLE");
	ok(dnload(&h, 0, (const uint8_t[]){ 0x21, 0, 0, 0, 8 }, 5) == SIM_STALL &&
		   sim_device_state(h.d) == APP_IDLE,
	   "run-time: DNLOAD STALLs, state stays appIDLE");
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_SAME, "reset without DETACH: SAME");
	ok(req(&h, 0x21, 0, 1000, h.buf, 0) == SIM_OK && sim_device_state(h.d) == APP_DETACH,
	   "DETACH: appDETACH");
	h.now += 5000;
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_REENUMERATE, "reset: re-enumerates");
	ok(strcmp(sim_device_chip(h.d)->name, "f4") == 0 && sim_device_idProduct(h.d) == 0xdf11 &&
		   strcmp(sim_device_serial(h.d), "336F38743037") == 0,
	   "now the f4 ROM, PID df11, same serial");
	n = sim_device_descriptors(h.d, b, sizeof(b));
	ok(n == 18 + 9 + 4 * 9 + 9 && le16(b + 10) == 0xdf11 && b[27 + 7] == 2,
	   "descriptors: PID df11, DFU mode, 4 alts");
	ok(sim_device_state(h.d) == DFU_IDLE && erase(&h, 0x08000000, NULL) == OK,
	   "the ROM works: erase OK");
	h_close(&h);

	if (!h_open(&h, "runtime"))
		return;
	req(&h, 0x21, 0, 1000, h.buf, 0);
	h.now += 2000000;
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_SAME,
	       "reset after wDetachTimeOut: the app stays");
	is_int(sim_device_state(h.d), APP_IDLE, "and is in appIDLE again");
	h_close(&h);
}

static void test_upload_edges(void)
{
	struct h h;

	if (!h_open(&h, "f1"))
		return;
	ok(set_address(&h, 0x08020000 - 512) == OK && abort_req(&h) == SIM_OK &&
		   upload(&h, 2, 1024) == SIM_OK && h.actual == 512 &&
		   sim_device_state(h.d) == DFU_IDLE,
	   "read past the end of flash: 512 bytes, short packet, dfuIDLE");
	ok(upload(&h, 3, 1024) == SIM_STALL && getstatus(&h) == SIM_OK && h.buf[4] == DFU_ERROR &&
		   st_status(&h) == errADDRESS,
	   "nothing readable: STALL, errADDRESS");
	clrstatus(&h);
	ok(set_address(&h, 0x08000000) == OK && abort_req(&h) == SIM_OK &&
		   upload(&h, 0xFFFF, 1024) == SIM_STALL,
	   "block number far past the end: STALL");
	clrstatus(&h);
	is_int(upload(&h, 2, 1025), SIM_STALL, "UPLOAD beyond wTransferSize STALLs");
	h_close(&h);
}

#ifdef TAP_NO_POSIX
static void test_dump(void)
{
	skip(6, "the model dumps memory into a mkdtemp() directory: %s", TAP_NO_POSIX);
}

static void test_stats_and_log(void)
{
	skip(7, "the request log is an open_memstream(): %s", TAP_NO_POSIX);
}
#else
static bool file_is(const char *path, size_t size, size_t at, const uint8_t *want, size_t n)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[256];
	struct stat sb;
	bool good;

	if (!f)
		return false;
	good = fstat(fileno(f), &sb) == 0 && (size_t)sb.st_size == size;
	if (good && n) {
		good = fseek(f, (long)at, SEEK_SET) == 0 && fread(buf, 1, n, f) == n &&
		       memcmp(buf, want, n) == 0;
	}
	fclose(f);
	return good;
}

static void test_dump(void)
{
	struct h h;
	char dir[] = "/tmp/test-model-XXXXXX", path[128];
	uint8_t img[256];
	static const uint8_t ob[2] = { 0xEC, 0xAA };
	static const char *const names[] = { "alt0-0x08000000.bin", "alt1-0x1fffc000.bin",
					     "alt2-0x1fff7800.bin", "alt3-0xffff0000.bin" };

	if (!h_open(&h, "f4"))
		return;
	if (!mkdtemp(dir)) {
		skip(5, "mkdtemp failed");
		h_close(&h);
		return;
	}
	pattern(img, sizeof(img), 9);
	sim_device_load(h.d, 0x080E0000, img, sizeof(img));
	is_int(sim_device_dump(h.d, dir), 0, "dump returns 0");
	snprintf(path, sizeof(path), "%s/%s", dir, names[0]);
	ok(file_is(path, 1u << 20, 0xE0000, img, sizeof(img)), "alt0: 1 MiB, image at 0xE0000");
	snprintf(path, sizeof(path), "%s/%s", dir, names[1]);
	ok(file_is(path, 16, 0, ob, 2), "alt1: 16 option bytes");
	snprintf(path, sizeof(path), "%s/%s", dir, names[2]);
	ok(file_is(path, 528, 0, NULL, 0), "alt2: OTP 512 + 16 merged in one file");
	snprintf(path, sizeof(path), "%s/%s", dir, names[3]);
	ok(file_is(path, 4, 0, (const uint8_t[]){ 0, 0, 0, 0 }, 4), "alt3: 4 zero bytes");
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	ok(sim_device_dump(h.d, "/nonexistent/dir") == -1, "dump to a missing directory: -1");
	h_close(&h);
}

static void test_stats_and_log(void)
{
	struct h h;
	struct sim_stats st;
	uint8_t img[2048];
	char *text = NULL;
	size_t textlen = 0;
	FILE *log;

	if (!h_open(&h, "f4"))
		return;
	log = open_memstream(&text, &textlen);
	if (!log) {
		skip(7, "open_memstream failed");
		h_close(&h);
		return;
	}
	sim_device_set_log(h.d, log);
	memset(img, 0, sizeof(img));
	for (int i = 0; i < 3; i++)
		erase(&h, 0x08008000, NULL);
	set_address(&h, 0x08008000);
	run_dnload(&h, 2, img, 2048, NULL);
	abort_req(&h);
	upload(&h, 2, 2048);
	sim_device_stats(h.d, &st);
	fclose(log);
	ok(st.erase == 3 && st.erases_per_sector_max == 3, "three erases of one sector");
	ok(st.set_address == 1 && st.dnload == 5 && st.upload == 1 && st.abort == 1 &&
		   st.getstatus == 10,
	   "request counters");
	ok(st.requests == st.dfu_requests && st.requests == 17, "17 requests, all DFU");
	ok(st.bytes_written == 2048 && st.bytes_read == 2048, "bytes written and read");
	is_int(st.device_wait_us, 3 * 250000 + 1000 + 8000,
	       "device wait: 3 erases, 1 cmd, 1 write");
	ok(text && strstr(text,
			  " DNLOAD wValue=0 wLength=5 -> OK state=dfuDNLOAD-SYNC status=OK\n"),
	   "log: DNLOAD line");
	ok(text &&
		   strstr(text, " GETSTATUS wValue=0 wLength=6 -> OK state=dfuDNBUSY status=OK "
				"poll=250\n") &&
		   strstr(text, " EVENT erase addr=0x08008000 size=16384\n") &&
		   strstr(text, " EVENT set-address addr=0x08008000\n") &&
		   strstr(text, " EVENT write addr=0x08008000 len=2048\n"),
	   "log: GETSTATUS poll and events");
	if (text)
		diag("first log line: %.*s", (int)strcspn(text, "\n"), text);
	free(text);
	h_close(&h);
}
#endif

/* The model's own layout parser (independent of src/dfuse_mem.c) on good and bad rows. */
static void test_layouts(void)
{
	static const struct {
		const char *layout;
		bool good;
		uint32_t probe; /* an address that must exist (good rows) */
		size_t size;	/* bytes readable from @probe to the end of its run */
	} rows[] = {
		{ "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", true, 0x08000000,
		  1u << 20 },
		{ "@OTP Memory /0x1FFF7800/01*512 e,01*016 e", true, 0x1FFF7800, 528 },
		{ "@Option Bytes  /0x1FFFF800/01*016Be", true, 0x1FFFF800, 16 },
		{ "@Two/0x08000000/2*001Ka/0x08010000/1*1Mg", true, 0x08010000, 1u << 20 },
		{ "@Reversed/0x08010000/1*001Kg/0x08000000/1*001Kg", true, 0x08000000, 1024 },
		{ "@Top/0xFFFFF000/1*004Kg", true, 0xFFFFF000, 4096 },
		{ "@Wraps/0xFFFFF000/2*004Kg", false, 0, 0 },
		{ "@Overlap/0x08000000/2*001Kg/0x08000400/1*001Kg", false, 0, 0 },
		{ "@NoAddr/08000000/1*001Kg", false, 0, 0 },
		{ "@BadType/0x08000000/1*001Kh", false, 0, 0 },
		{ "@BadMult/0x08000000/1*001Xg", false, 0, 0 },
		{ "@NoStar/0x08000000/1001Kg", false, 0, 0 },
		{ "@Zero/0x08000000/0*001Kg", false, 0, 0 },
		{ "@Huge/0x08000000/4096*1Mg", false, 0, 0 },
		{ "@Trailing/0x08000000/1*001Kg;", false, 0, 0 },
		{ "@TooWide/0x108000000/1*001Kg", false, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sim_chip c = *sim_chip_find("f4");
		struct sim_device *d;
		struct h h;

		c.nalts = 1;
		c.alt_names[0] = rows[i].layout;
		d = sim_device_new(&c, NULL);
		if (!rows[i].good) {
			ok(d == NULL, "layout refused: %s", rows[i].layout);
			sim_device_free(d);
			continue;
		}
		if (!ok(d != NULL, "layout accepted: %s", rows[i].layout))
			continue;
		memset(&h, 0, sizeof(h));
		h.d = d;
		h.chip = &c;
		ok(set_address(&h, rows[i].probe) == OK && abort_req(&h) == SIM_OK &&
			   readable_run(&h) == rows[i].size,
		   "  %zu bytes readable from 0x%08x", rows[i].size, (unsigned)rows[i].probe);
		sim_device_free(d);
	}
}

/* ---- the in-memory transport ---- */

static void test_memtransport(void)
{
	struct sim_device *d = sim_device_new(sim_chip_find("f4"), NULL);
	struct memtransport *mt = memtransport_new(d);
	struct transport t;
	uint8_t buf[64];
	uint8_t cmd[5] = { 0x41, 0x00, 0x00, 0x00, 0x08 };
	size_t actual = 0;
	uint32_t poll;
	struct sim_faults strict = { .strict_timing = true };
	struct sim_stats st;
	int rc;

	if (!ok(d && mt, "memtransport over f4"))
		goto out;
	t = memtransport_get(mt);
	is_int(t.ops->now_us(t.ctx), 0, "virtual clock starts at 0");
	rc = t.ops->control(t.ctx, 0x21, 1, 0, 0, cmd, 5, 1000, &actual);
	is_int(rc, TR_OK, "DNLOAD erase through the transport");
	is_int(memtransport_now(mt), 200, "one transfer costs 200 us");
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	poll = buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16;
	ok(rc == TR_OK && actual == 6 && buf[4] == DNBUSY && poll == 250, "GETSTATUS: busy 250 ms");
	t.ops->sleep_us(t.ctx, (uint64_t)poll * 1000u);
	is_int(t.ops->now_us(t.ctx), 400 + 250000, "sleep advances the virtual clock");
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	ok(rc == TR_OK && buf[4] == DNLOAD_IDLE, "after the sleep: done");
	sim_device_stats(d, &st);
	is_int(st.early_polls, 0, "no early poll");

	sim_device_set_faults(d, &strict);
	memtransport_set_cost(mt, 50);
	t.ops->control(t.ctx, 0x21, 1, 0, 0, cmd, 5, 1000, &actual);
	t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 100, &actual);
	ok(rc == TR_TIMEOUT && memtransport_timeouts(mt) == 1,
	   "strict: early GETSTATUS with a 100 ms timeout times out");
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 0, &actual);
	ok(rc == TR_OK && buf[4] == DNLOAD_IDLE && memtransport_now(mt) >= sim_device_ready_at(d),
	   "strict: without timeout the transfer blocks until the erase is done");
	is_int(memtransport_slept_us(mt), 250000, "only the host's own sleep is counted as slept");

	is_int(t.ops->set_alt(t.ctx, 0, 9), TR_STALL, "set_alt to a missing alt: TR_STALL");
	is_int(t.ops->set_alt(t.ctx, 0, 1), TR_OK, "set_alt 1: TR_OK");
	is_int(t.ops->reset(t.ctx), TR_OK, "reset of a ROM: TR_OK (same device)");
	t.ops->control(t.ctx, 0x21, 1, 0, 0, buf, 0, 1000, &actual);
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	ok(rc == TR_OK && buf[4] == MANIFEST, "leave through the transport");
	is_int(t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual), TR_NODEV,
	       "then TR_NODEV");
	is_int(t.ops->reset(t.ctx), TR_NODEV, "reset after leaving: TR_NODEV");
out:
	memtransport_free(mt);
	sim_device_free(d);

	d = sim_device_new(sim_chip_find("runtime"), NULL);
	mt = memtransport_new(d);
	if (!ok(d && mt, "memtransport over runtime"))
		goto out2;
	t = memtransport_get(mt);
	ok(t.ops->control(t.ctx, 0x21, 0, 1000, 0, buf, 0, 1000, &actual) == TR_OK &&
		   t.ops->reset(t.ctx) == TR_NODEV && sim_device_idProduct(d) == 0xdf11,
	   "DETACH + reset: TR_NODEV, the device re-enumerated as df11");
out2:
	memtransport_free(mt);
	sim_device_free(d);
}

int main(void)
{
	test_descriptors();
	test_standard_requests();
	test_state_table();
	test_error_recovery();
	test_round_trip();
	test_unerased_write();
	test_bad_addresses();
	test_get_commands();
	test_mass_erase();
	test_read_protection();
	test_leave();
	test_option_bytes();
	test_quirks();
	test_timing();
	test_runtime();
	test_upload_edges();
	test_dump();
	test_stats_and_log();
	test_layouts();
	test_memtransport();
	return done_testing();
}
