/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the simulated bootloader's protocol (model.c, model_usb.c,
 * model_log.c) and of the in-memory transport: descriptors, standard
 * requests, the DFU state machine, leave, faults, timing, run-time mode, the
 * log and the virtual clock. Memory and the DfuSe commands: test-model-flash.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/scratch.h"
#include "../unit/tap.h"
#include "memtransport.h"
#include "model.h"
#include "test-model.h"

/* ---- descriptors ---- */

static void test_descriptors(void)
{
	for (const struct sim_chip *c = sim_chip_next(NULL); c != NULL; c = sim_chip_next(c)) {
		struct sim_device *d = sim_device_new(c, NULL);
		/* A string the chip lacks has index 0 (string-less devices) */
		uint8_t imf = c->manufacturer ? 1 : 0, ipr = c->product ? 2 : 0,
			ise = c->serial ? 3 : 0;
		uint8_t b[512];
		size_t n, want = 18 + 9 + 9 * c->nalts + 9, off;
		bool alts_ok = true;

		if (!ok(d != NULL, "%s: device created", c->name))
			continue;
		n = sim_device_descriptors(d, b, sizeof(b));
		is_int(n, want, "%s: descriptor set length", c->name);
		ok(b[0] == 18 && b[1] == 1 && le16(b + 2) == 0x0200 &&
			   b[7] == (c->bMaxPacketSize0 ? c->bMaxPacketSize0 : 64) &&
			   le16(b + 8) == c->idVendor && le16(b + 10) == c->idProduct &&
			   le16(b + 12) == c->bcdDevice && b[14] == imf && b[15] == ipr &&
			   b[16] == ise && b[17] == 1,
		   "%s: device descriptor fields", c->name);
		ok(b[18] == 9 && b[19] == 2 && le16(b + 20) == want - 18 && b[22] == 1 &&
			   b[25] == 0xC0 && b[26] == 50,
		   "%s: configuration descriptor, wTotalLength %zu", c->name, want - 18);
		off = 27;
		for (size_t i = 0; i < c->nalts; i++, off += 9)
			if (b[off] != 9 || b[off + 1] != 4 || b[off + 2] != 0 || b[off + 3] != i ||
			    b[off + 4] != 0 || b[off + 5] != 0xFE || b[off + 6] != 1 ||
			    b[off + 7] != (c->runtime ? 1 : 2) ||
			    b[off + 8] != (c->alt_names[i] ? 4 + i : 0))
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

static void test_stats_and_log(void)
{
	struct h h;
	struct sim_stats st;
	uint8_t img[2048];
	struct capture log;
	const char *text;

	if (!h_open(&h, "f4"))
		return;
	if (!capture_open(&log)) {
		skip(7, "cannot capture the request log");
		h_close(&h);
		return;
	}
	sim_device_set_log(h.d, log.f);
	memset(img, 0, sizeof(img));
	for (int i = 0; i < 3; i++)
		erase(&h, 0x08008000, NULL);
	set_address(&h, 0x08008000);
	run_dnload(&h, 2, img, 2048, NULL);
	abort_req(&h);
	upload(&h, 2, 2048);
	sim_device_stats(h.d, &st);
	sim_device_set_log(h.d, NULL);
	text = capture_close(&log);
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
	free(log.text);
	h_close(&h);
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
	/* Where the request log is captured on Windows (see test_stats_and_log). */
	if (!scratch_init("test-model"))
		diag("no scratch directory: on Windows the captured log skips");
	test_descriptors();
	test_standard_requests();
	test_state_table();
	test_error_recovery();
	test_leave();
	test_quirks();
	test_timing();
	test_runtime();
	test_stats_and_log();
	test_memtransport();
	remove_tmpdir();
	return done_testing();
}
