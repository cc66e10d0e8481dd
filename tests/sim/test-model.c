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
		is_int(b[0], 18, "%s: device bLength", c->name);
		is_int(b[1], 1, "%s: device bDescriptorType", c->name);
		is_hex(le16(b + 2), 0x0200, "%s: bcdUSB", c->name);
		is_int(b[7], c->bMaxPacketSize0 ? c->bMaxPacketSize0 : 64, "%s: bMaxPacketSize0",
		       c->name);
		is_hex(le16(b + 8), c->idVendor, "%s: idVendor", c->name);
		is_hex(le16(b + 10), c->idProduct, "%s: idProduct", c->name);
		is_hex(le16(b + 12), c->bcdDevice, "%s: bcdDevice", c->name);
		is_int(b[14], imf, "%s: iManufacturer", c->name);
		is_int(b[15], ipr, "%s: iProduct", c->name);
		is_int(b[16], ise, "%s: iSerialNumber", c->name);
		is_int(b[17], 1, "%s: bNumConfigurations", c->name);
		is_int(b[18], 9, "%s: configuration bLength", c->name);
		is_int(b[19], 2, "%s: configuration bDescriptorType", c->name);
		is_int(le16(b + 20), want - 18, "%s: wTotalLength", c->name);
		is_int(b[22], 1, "%s: bNumInterfaces", c->name);
		is_hex(b[25], 0xC0, "%s: configuration bmAttributes", c->name);
		is_int(b[26], 50, "%s: bMaxPower", c->name);
		off = 27;
		for (size_t i = 0; i < c->nalts; i++, off += 9)
			if (b[off] != 9 || b[off + 1] != 4 || b[off + 2] != 0 || b[off + 3] != i ||
			    b[off + 4] != 0 || b[off + 5] != 0xFE || b[off + 6] != 1 ||
			    b[off + 7] != (c->runtime ? 1 : 2) ||
			    b[off + 8] != (c->alt_names[i] ? 4 + i : 0))
				alts_ok = false;
		ok(alts_ok, "%s: %zu interface descriptors, protocol %d", c->name, c->nalts,
		   c->runtime ? 1 : 2);
		is_int(off + 9, n, "%s: functional descriptor after the last alt", c->name);
		is_int(b[off], 9, "%s: functional bLength", c->name);
		is_hex(b[off + 1], 0x21, "%s: functional bDescriptorType", c->name);
		is_hex(b[off + 2], c->bmAttributes, "%s: functional bmAttributes", c->name);
		is_int(le16(b + off + 3), c->wDetachTimeOut, "%s: wDetachTimeOut", c->name);
		is_int(le16(b + off + 5), c->wTransferSize, "%s: wTransferSize", c->name);
		is_hex(le16(b + off + 7), c->bcdDFUVersion, "%s: bcdDFUVersion", c->name);
		is_int(sim_device_descriptors(d, b, 10), want,
		       "%s: short buffer still tells the size", c->name);
		sim_device_free(d);
	}
	is_ptr(sim_chip_find("nope"), NULL, "unknown chip: NULL [sim_chip_find(\"nope\")]");
	is_ptr(sim_chip_find(NULL), NULL, "unknown chip: NULL [sim_chip_find(NULL)]");
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
	is_int(r, SIM_OK, "string 0: langid 0x0409 [r]");
	is_int(h.actual, 4, "string 0: langid 0x0409 [h.actual]");
	is_int(h.buf[0], 4, "string 0: langid 0x0409 [h.buf[0]]");
	is_int(h.buf[1], 3, "string 0: langid 0x0409 [h.buf[1]]");
	is_int(le16(h.buf + 2), 0x0409, "string 0: langid 0x0409 [le16(h.buf + 2)]");
	r = req(&h, 0x80, 6, 0x0302, h.buf, 255);
	name = h.chip->product;
	same = h.actual == 2 + 2 * strlen(name) && h.buf[0] == h.actual && h.buf[1] == 3;
	for (size_t i = 0; same && i < strlen(name); i++)
		same = h.buf[2 + 2 * i] == (uint8_t)name[i] && h.buf[3 + 2 * i] == 0;
	is_int(r, SIM_OK, "string 2: product in UTF-16LE [r]");
	is_int(same, true, "string 2: product in UTF-16LE [same]");
	r = req(&h, 0x80, 6, 0x0304, h.buf, 255);
	name = h.chip->alt_names[0];
	same = h.actual == 2 + 2 * strlen(name);
	for (size_t i = 0; same && i < strlen(name); i++)
		same = h.buf[2 + 2 * i] == (uint8_t)name[i];
	is_int(r, SIM_OK, "string 4: alt 0 layout [r]");
	is_int(same, true, "string 4: alt 0 layout [same]");
	r = req(&h, 0x80, 6, 0x0303, h.buf, 8);
	is_int(r, SIM_OK, "string 3 truncated to wLength, bLength kept [r]");
	is_int(h.actual, 8, "string 3 truncated to wLength, bLength kept [h.actual]");
	is_int(h.buf[0], 2 + 2 * strlen(h.chip->serial),
	       "string 3 truncated to wLength, bLength kept [h.buf[0]]");
	is_int(h.buf[2], (uint8_t)h.chip->serial[0],
	       "string 3 truncated to wLength, bLength kept [h.buf[2]]");
	is_int(req(&h, 0x80, 6, 0x0363, h.buf, 255), SIM_STALL, "unknown string index STALLs");
	r = req(&h, 0x80, 6, 0x0200, h.buf, 9);
	is_int(r, SIM_OK, "config with wLength 9: header only, wTotalLength 54 [r]");
	is_int(h.actual, 9, "config with wLength 9: header only, wTotalLength 54 [h.actual]");
	is_int(le16(h.buf + 2), 9 + 4 * 9 + 9,
	       "config with wLength 9: header only, wTotalLength 54 [le16(h.buf + 2)]");
	r = req(&h, 0x80, 6, 0x0200, h.buf, 255);
	is_int(h.actual, 54, "config with wLength 255: whole set");
	r = req(&h, 0x80, 6, 0x0100, h.buf, 64);
	is_int(r, SIM_OK, "device descriptor [r]");
	is_int(h.actual, 18, "device descriptor [h.actual]");
	is_int(le16(h.buf + 10), 0xdf11, "device descriptor [le16(h.buf + 10)]");
	r = req(&h, 0x80, 0, 0, h.buf, 2);
	is_int(r, SIM_OK, "GET_STATUS: 2 bytes, self powered [r]");
	is_int(h.actual, 2, "GET_STATUS: 2 bytes, self powered [h.actual]");
	is_int(h.buf[0], 1, "GET_STATUS: 2 bytes, self powered [h.buf[0]]");
	is_int(req(&h, 0x00, 9, 1, h.buf, 0), SIM_OK,
	       "SET_CONFIGURATION 1, GET_CONFIGURATION answers 1 [req(&h, 0x00, 9, 1, h.buf, 0)]");
	is_int(req(&h, 0x80, 8, 0, h.buf, 1), SIM_OK,
	       "SET_CONFIGURATION 1, GET_CONFIGURATION answers 1 [req(&h, 0x80, 8, 0, h.buf, 1)]");
	is_int(h.buf[0], 1, "SET_CONFIGURATION 1, GET_CONFIGURATION answers 1 [h.buf[0]]");
	is_int(req(&h, 0x00, 9, 2, h.buf, 0), SIM_STALL, "SET_CONFIGURATION 2 STALLs");
	is_int(req(&h, 0x01, 11, 3, h.buf, 0), SIM_OK,
	       "SET_INTERFACE alt 3 by request, GET_INTERFACE answers 3 [req(&h, 0x01, 11, 3, h.buf, 0)]");
	is_int(req(&h, 0x81, 10, 0, h.buf, 1), SIM_OK,
	       "SET_INTERFACE alt 3 by request, GET_INTERFACE answers 3 [req(&h, 0x81, 10, 0, h.buf, 1)]");
	is_int(h.buf[0], 3, "SET_INTERFACE alt 3 by request, GET_INTERFACE answers 3 [h.buf[0]]");
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
		is_int(r, rows[i].result, "%s + %s -> %s", prep_names[rows[i].from],
		       req_names[rows[i].request], rows[i].result == SIM_OK ? "OK" : "STALL");
		is_int(sim_device_state(h.d), rows[i].state, "%s + %s: state %d",
		       prep_names[rows[i].from], req_names[rows[i].request], rows[i].state);
		if (rows[i].result == SIM_STALL)
			cmp_int(st.forbidden, >=, 1, "%s + %s: the stall is counted as forbidden",
				prep_names[rows[i].from], req_names[rows[i].request]);
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
	is_int(abort_req(&h), SIM_OK, "DNLOAD from dfuIDLE accepted [abort_req(&h)]");
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x21, 0, 0, 0, 8 }, 5), SIM_OK,
	       "DNLOAD from dfuIDLE accepted [dnload(&h, 0, (const uint8_t[]){ 0x21...]");
	is_int(upload(&h, 2, 16), SIM_STALL, "UPLOAD in dfuDNLOAD-SYNC STALLs");
	is_int(getstatus(&h), SIM_OK, "GETSTATUS: dfuERROR, errSTALLEDPKT [getstatus(&h)]");
	is_int(h.buf[4], DFU_ERROR, "GETSTATUS: dfuERROR, errSTALLEDPKT [h.buf[4]]");
	is_int(st_status(&h), errSTALLEDPKT, "GETSTATUS: dfuERROR, errSTALLEDPKT [st_status(&h)]");
	is_int(clrstatus(&h), SIM_OK, "CLRSTATUS: back to dfuIDLE, OK [clrstatus(&h)]");
	is_int(getstatus(&h), SIM_OK, "CLRSTATUS: back to dfuIDLE, OK [getstatus(&h)]");
	is_int(h.buf[4], DFU_IDLE, "CLRSTATUS: back to dfuIDLE, OK [h.buf[4]]");
	is_int(st_status(&h), OK, "CLRSTATUS: back to dfuIDLE, OK [st_status(&h)]");
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
	is_int(set_address(&h, 0x08000000), OK,
	       "zero-length DNLOAD: dfuMANIFEST-SYNC [set_address(&h, 0x08000000)]");
	is_int(dnload(&h, 0, NULL, 0), SIM_OK,
	       "zero-length DNLOAD: dfuMANIFEST-SYNC [dnload(&h, 0, NULL, 0)]");
	is_int(sim_device_state(h.d), MANIFEST_SYNC,
	       "zero-length DNLOAD: dfuMANIFEST-SYNC [sim_device_state(h.d)]");
	is_int(getstatus(&h), SIM_OK, "GETSTATUS: dfuMANIFEST, poll manifest_ms [getstatus(&h)]");
	is_int(h.buf[4], MANIFEST, "GETSTATUS: dfuMANIFEST, poll manifest_ms [h.buf[4]]");
	is_int(h.poll, 1, "GETSTATUS: dfuMANIFEST, poll manifest_ms [h.poll]");
	is_int(sim_device_gone(h.d), true, "then gone, NODEV [sim_device_gone(h.d)]");
	is_int(getstate(&h), SIM_NODEV, "then gone, NODEV [getstate(&h)]");
	sim_device_stats(h.d, &st);
	is_int(st.leave, 1, "leave counted");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_faults(h.d, &vanish);
	is_int(dnload(&h, 0, NULL, 0), SIM_OK,
	       "vanish fault: leave from dfuIDLE, the GETSTATUS itself fails [dnload(&h, 0, NULL, 0)]");
	is_int(getstatus(&h), SIM_NODEV,
	       "vanish fault: leave from dfuIDLE, the GETSTATUS itself fails [getstatus(&h)]");
	is_int(sim_device_gone(h.d), true,
	       "vanish fault: leave from dfuIDLE, the GETSTATUS itself fails [sim_device_gone(h.d)]");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	is_int(dnload(&h, 0, NULL, 0), SIM_OK,
	       "reset after the leave request: GONE [dnload(&h, 0, NULL, 0)]");
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_GONE,
	       "reset after the leave request: GONE [sim_device_reset(h.d, h.now)]");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	set_address(&h, 0x08004000);
	sim_device_set_alt(h.d, 0, 2);
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_SAME,
	       "plain reset: SAME, dfuIDLE [sim_device_reset(h.d, h.now)]");
	is_int(sim_device_state(h.d), DFU_IDLE,
	       "plain reset: SAME, dfuIDLE [sim_device_state(h.d)]");
	is_int(sim_device_gone(h.d), false, "plain reset: SAME, dfuIDLE [sim_device_gone(h.d)]");
	is_int(upload(&h, 2, 16), SIM_OK,
	       "reset selects alt 0 and points at flash again [upload(&h, 2, 16)]");
	is_int(h.actual, 16, "reset selects alt 0 and points at flash again [h.actual]");
	is_int(h.buf[0], 0xFF, "reset selects alt 0 and points at flash again [h.buf[0]]");
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
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5), SIM_OK,
	       "immediate: first GETSTATUS is dfuDNLOAD-IDLE, poll 0 [dnload(&h, 0, (const uint8_t[]){ 0x41...]");
	is_int(getstatus(&h), SIM_OK,
	       "immediate: first GETSTATUS is dfuDNLOAD-IDLE, poll 0 [getstatus(&h)]");
	is_int(h.buf[4], DNLOAD_IDLE,
	       "immediate: first GETSTATUS is dfuDNLOAD-IDLE, poll 0 [h.buf[4]]");
	is_int(h.poll, 0, "immediate: first GETSTATUS is dfuDNLOAD-IDLE, poll 0 [h.poll]");
	is_int(st_status(&h), OK,
	       "immediate: first GETSTATUS is dfuDNLOAD-IDLE, poll 0 [st_status(&h)]");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	f = (struct sim_faults){ .stall_busy_getstatus = 2 };
	sim_device_set_faults(h.d, &f);
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5), SIM_OK,
	       "stall_busy: the first GETSTATUS announces the erase [dnload(&h, 0, (const uint8_t[]){ 0x41...]");
	is_int(getstatus(&h), SIM_OK,
	       "stall_busy: the first GETSTATUS announces the erase [getstatus(&h)]");
	is_int(h.buf[4], DNBUSY, "stall_busy: the first GETSTATUS announces the erase [h.buf[4]]");
	poll = h.poll;
	h.now += (uint64_t)poll * 1000u;
	is_int(getstatus(&h), SIM_STALL,
	       "two busy GETSTATUS STALL without dfuERROR [getstatus(&h)]");
	is_int(sim_device_state(h.d), DNBUSY,
	       "two busy GETSTATUS STALL without dfuERROR [sim_device_state(h.d)]");
	is_int(getstatus(&h), SIM_STALL,
	       "two busy GETSTATUS STALL without dfuERROR [getstatus(&h)]");
	is_int(sim_device_state(h.d), DNBUSY,
	       "two busy GETSTATUS STALL without dfuERROR [sim_device_state(h.d)]");
	is_int(getstatus(&h), SIM_OK, "the third answers dfuDNLOAD-IDLE [getstatus(&h)]");
	is_int(h.buf[4], DNLOAD_IDLE, "the third answers dfuDNLOAD-IDLE [h.buf[4]]");
	sim_device_stats(h.d, &st);
	is_int(st.busy_stalls, 2, "busy stalls counted, not as forbidden [st.busy_stalls]");
	is_int(st.forbidden, 0, "busy stalls counted, not as forbidden [st.forbidden]");
	is_int(erase(&h, 0x08000000, NULL), -1,
	       "the quirk repeats in the next busy period [erase(&h, 0x08000000, NULL)]");
	is_int(sim_device_state(h.d), DNBUSY,
	       "the quirk repeats in the next busy period [sim_device_state(h.d)]");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	f = (struct sim_faults){ .disconnect_after = 3 };
	sim_device_set_faults(h.d, &f);
	is_int(getstate(&h), SIM_OK,
	       "disconnect_after 3: the third request fails, then everything [getstate(&h)]");
	is_int(getstate(&h), SIM_OK,
	       "disconnect_after 3: the third request fails, then everything [getstate(&h)]");
	is_int(getstate(&h), SIM_NODEV,
	       "disconnect_after 3: the third request fails, then everything [getstate(&h)]");
	is_int(sim_device_gone(h.d), true,
	       "disconnect_after 3: the third request fails, then everything [sim_device_gone(h.d)]");
	is_int(sim_device_set_alt(h.d, 0, 0), SIM_NODEV,
	       "disconnect_after 3: the third request fails, then everything [sim_device_set_alt(h.d, 0, 0)]");
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
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5), SIM_OK,
	       "erase announced: 250 ms [dnload(&h, 0, (const uint8_t[]){ 0x41...]");
	is_int(getstatus(&h), SIM_OK, "erase announced: 250 ms [getstatus(&h)]");
	is_int(h.poll, 250, "erase announced: 250 ms [h.poll]");
	announced_at = h.now;
	h.now += 100000 - 100; /* next request lands at +100 ms */
	is_int(getstatus(&h), SIM_OK, "early poll: still busy, 150 ms left [getstatus(&h)]");
	is_int(h.buf[4], DNBUSY, "early poll: still busy, 150 ms left [h.buf[4]]");
	is_int(h.poll, 150, "early poll: still busy, 150 ms left [h.poll]");
	h.now = announced_at + 250000 - 100;
	is_int(getstatus(&h), SIM_OK, "on time: done [getstatus(&h)]");
	is_int(h.buf[4], DNLOAD_IDLE, "on time: done [h.buf[4]]");
	sim_device_stats(h.d, &st);
	is_int(st.early_polls, 1, "one early poll, device wait 250 ms [st.early_polls]");
	is_int(st.device_wait_us, 250000, "one early poll, device wait 250 ms [st.device_wait_us]");
	is_int(st.getstatus, 3, "one early poll, device wait 250 ms [st.getstatus]");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_faults(h.d, &strict);
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5), SIM_OK,
	       "strict: erase announced [dnload(&h, 0, (const uint8_t[]){ 0x41...]");
	is_int(getstatus(&h), SIM_OK, "strict: erase announced [getstatus(&h)]");
	is_int(h.poll, 250, "strict: erase announced [h.poll]");
	announced_at = h.now;
	is_int(getstatus(&h), SIM_LATER,
	       "strict: early GETSTATUS held until the erase is done [getstatus(&h)]");
	is_int(sim_device_ready_at(h.d), announced_at + 250000,
	       "strict: early GETSTATUS held until the erase is done [sim_device_ready_at(h.d)]");
	h.now = sim_device_ready_at(h.d) - 100;
	is_int(getstatus(&h), SIM_OK, "strict: re-asked: done [getstatus(&h)]");
	is_int(h.buf[4], DNLOAD_IDLE, "strict: re-asked: done [h.buf[4]]");
	sim_device_stats(h.d, &st);
	is_int(st.early_polls, 1, "strict: re-ask not counted twice [st.early_polls]");
	is_int(st.getstatus, 2, "strict: re-ask not counted twice [st.getstatus]");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_time_scale(h.d, 0.001);
	is_int(erase(&h, 0x08000000, NULL), OK, "scaled erase [erase(&h, 0x08000000, NULL)]");
	is_int(sim_device_state(h.d), DNLOAD_IDLE, "scaled erase [sim_device_state(h.d)]");
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5), SIM_OK,
	       "scale 0.001: 250 ms -> 1 ms (rounded up, never 0) [dnload(&h, 0, (const uint8_t[]){ 0x41...]");
	is_int(getstatus(&h), SIM_OK,
	       "scale 0.001: 250 ms -> 1 ms (rounded up, never 0) [getstatus(&h)]");
	is_int(h.poll, 1, "scale 0.001: 250 ms -> 1 ms (rounded up, never 0) [h.poll]");
	sim_device_set_time_scale(h.d, 2.5);
	h.now += 10000;
	getstatus(&h);
	is_int(erase(&h, 0x08000000, NULL), OK,
	       "scale 2.5: 250 ms -> 625 ms [erase(&h, 0x08000000, NULL)]");
	is_int(set_address(&h, 0x08000000), OK,
	       "scale 2.5: 250 ms -> 625 ms [set_address(&h, 0x08000000)]");
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x41, 0, 0, 0, 8 }, 5), SIM_OK,
	       "scale 2.5: 250 ms -> 625 ms [dnload(&h, 0, (const uint8_t[]){ 0x41...]");
	is_int(getstatus(&h), SIM_OK, "scale 2.5: 250 ms -> 625 ms [getstatus(&h)]");
	is_int(h.poll, 625, "scale 2.5: 250 ms -> 625 ms [h.poll]");
	h_close(&h);
}

static void test_runtime(void)
{
	struct h h;
	uint8_t b[512];
	size_t n;

	if (!h_open(&h, "runtime"))
		return;
	is_int(getstatus(&h), SIM_OK, "run-time: appIDLE [getstatus(&h)]");
	is_int(h.buf[4], APP_IDLE, "run-time: appIDLE [h.buf[4]]");
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x21, 0, 0, 0, 8 }, 5), SIM_STALL,
	       "run-time: DNLOAD STALLs, state stays appIDLE [dnload(&h, 0, (const uint8_t[]){ 0x21...]");
	is_int(sim_device_state(h.d), APP_IDLE,
	       "run-time: DNLOAD STALLs, state stays appIDLE [sim_device_state(h.d)]");
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_SAME, "reset without DETACH: SAME");
	is_int(req(&h, 0x21, 0, 1000, h.buf, 0), SIM_OK,
	       "DETACH: appDETACH [req(&h, 0x21, 0, 1000, h.buf, 0)]");
	is_int(sim_device_state(h.d), APP_DETACH, "DETACH: appDETACH [sim_device_state(h.d)]");
	h.now += 5000;
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_REENUMERATE, "reset: re-enumerates");
	is_str(sim_device_chip(h.d)->name, "f4",
	       "now the f4 ROM, PID df11, same serial [sim_device_chip(h.d)->name]");
	is_int(sim_device_idProduct(h.d), 0xdf11,
	       "now the f4 ROM, PID df11, same serial [sim_device_idProduct(h.d)]");
	is_str(sim_device_serial(h.d), "336F38743037",
	       "now the f4 ROM, PID df11, same serial [sim_device_serial(h.d)]");
	n = sim_device_descriptors(h.d, b, sizeof(b));
	is_int(n, 18 + 9 + 4 * 9 + 9, "descriptors: PID df11, DFU mode, 4 alts [n]");
	is_int(le16(b + 10), 0xdf11, "descriptors: PID df11, DFU mode, 4 alts [le16(b + 10)]");
	is_int(b[27 + 7], 2, "descriptors: PID df11, DFU mode, 4 alts [b[27 + 7]]");
	is_int(sim_device_state(h.d), DFU_IDLE, "the ROM works: erase OK [sim_device_state(h.d)]");
	is_int(erase(&h, 0x08000000, NULL), OK,
	       "the ROM works: erase OK [erase(&h, 0x08000000, NULL)]");
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
		skip(18, "cannot capture the request log");
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
	is_int(st.erase, 3, "three erases of one sector [st.erase]");
	is_int(st.erases_per_sector_max, 3,
	       "three erases of one sector [st.erases_per_sector_max]");
	is_int(st.set_address, 1, "request counters [st.set_address]");
	is_int(st.dnload, 5, "request counters [st.dnload]");
	is_int(st.upload, 1, "request counters [st.upload]");
	is_int(st.abort, 1, "request counters [st.abort]");
	is_int(st.getstatus, 10, "request counters [st.getstatus]");
	is_int(st.requests, st.dfu_requests, "17 requests, all DFU [st.requests]");
	is_int(st.requests, 17, "17 requests, all DFU [st.requests]");
	is_int(st.bytes_written, 2048, "bytes written and read [st.bytes_written]");
	is_int(st.bytes_read, 2048, "bytes written and read [st.bytes_read]");
	is_int(st.device_wait_us, 3 * 250000 + 1000 + 8000,
	       "device wait: 3 erases, 1 cmd, 1 write");
	ok(text != NULL, "log: captured (each line below fails on a NULL log too)");
	is_substr(text, " DNLOAD wValue=0 wLength=5 -> OK state=dfuDNLOAD-SYNC status=OK\n",
		  "log: DNLOAD line");
	is_substr(text,
		  " GETSTATUS wValue=0 wLength=6 -> OK state=dfuDNBUSY status=OK "
		  "poll=250\n",
		  "log: GETSTATUS poll and events");
	is_substr(text, " EVENT erase addr=0x08008000 size=16384\n",
		  "log: GETSTATUS poll and events");
	is_substr(text, " EVENT set-address addr=0x08008000\n", "log: GETSTATUS poll and events");
	is_substr(text, " EVENT write addr=0x08008000 len=2048\n",
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

	ok(d != NULL, "f4 model");
	if (!ok(mt != NULL, "memtransport over f4"))
		goto out;
	t = memtransport_get(mt);
	is_int(t.ops->now_us(t.ctx), 0, "virtual clock starts at 0");
	rc = t.ops->control(t.ctx, 0x21, 1, 0, 0, cmd, 5, 1000, &actual);
	is_int(rc, TR_OK, "DNLOAD erase through the transport");
	is_int(memtransport_now(mt), 200, "one transfer costs 200 us");
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	poll = buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16;
	is_int(rc, TR_OK, "GETSTATUS: busy 250 ms [rc]");
	is_int(actual, 6, "GETSTATUS: busy 250 ms [actual]");
	is_int(buf[4], DNBUSY, "GETSTATUS: busy 250 ms [buf[4]]");
	is_int(poll, 250, "GETSTATUS: busy 250 ms [poll]");
	t.ops->sleep_us(t.ctx, (uint64_t)poll * 1000u);
	is_int(t.ops->now_us(t.ctx), 400 + 250000, "sleep advances the virtual clock");
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	is_int(rc, TR_OK, "after the sleep: done [rc]");
	is_int(buf[4], DNLOAD_IDLE, "after the sleep: done [buf[4]]");
	sim_device_stats(d, &st);
	is_int(st.early_polls, 0, "no early poll");

	sim_device_set_faults(d, &strict);
	memtransport_set_cost(mt, 50);
	t.ops->control(t.ctx, 0x21, 1, 0, 0, cmd, 5, 1000, &actual);
	t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 100, &actual);
	is_int(rc, TR_TIMEOUT, "strict: early GETSTATUS with a 100 ms timeout times out [rc]");
	is_int(memtransport_timeouts(mt), 1,
	       "strict: early GETSTATUS with a 100 ms timeout times out [memtransport_timeouts(mt)]");
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 0, &actual);
	is_int(rc, TR_OK,
	       "strict: without timeout the transfer blocks until the erase is done [rc]");
	is_int(buf[4], DNLOAD_IDLE,
	       "strict: without timeout the transfer blocks until the erase is done [buf[4]]");
	cmp_int(memtransport_now(mt), >=, sim_device_ready_at(d),
		"strict: without timeout the transfer blocks until the erase is done [memtransport_now(mt)]");
	is_int(memtransport_slept_us(mt), 250000, "only the host's own sleep is counted as slept");

	is_int(t.ops->set_alt(t.ctx, 0, 9), TR_STALL, "set_alt to a missing alt: TR_STALL");
	is_int(t.ops->set_alt(t.ctx, 0, 1), TR_OK, "set_alt 1: TR_OK");
	is_int(t.ops->reset(t.ctx), TR_OK, "reset of a ROM: TR_OK (same device)");
	t.ops->control(t.ctx, 0x21, 1, 0, 0, buf, 0, 1000, &actual);
	rc = t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual);
	is_int(rc, TR_OK, "leave through the transport [rc]");
	is_int(buf[4], MANIFEST, "leave through the transport [buf[4]]");
	is_int(t.ops->control(t.ctx, 0xA1, 3, 0, 0, buf, 6, 1000, &actual), TR_NODEV,
	       "then TR_NODEV");
	is_int(t.ops->reset(t.ctx), TR_NODEV, "reset after leaving: TR_NODEV");
out:
	memtransport_free(mt);
	sim_device_free(d);

	d = sim_device_new(sim_chip_find("runtime"), NULL);
	mt = memtransport_new(d);
	ok(d != NULL, "runtime model");
	if (!ok(mt != NULL, "memtransport over runtime"))
		goto out2;
	t = memtransport_get(mt);
	is_int(t.ops->control(t.ctx, 0x21, 0, 1000, 0, buf, 0, 1000, &actual), TR_OK,
	       "DETACH + reset: TR_NODEV, the device re-enumerated as df11 [t.ops->control(t.ctx, 0x21, 0, 1000, ...]");
	is_int(t.ops->reset(t.ctx), TR_NODEV,
	       "DETACH + reset: TR_NODEV, the device re-enumerated as df11 [t.ops->reset(t.ctx)]");
	is_int(sim_device_idProduct(d), 0xdf11,
	       "DETACH + reset: TR_NODEV, the device re-enumerated as df11 [sim_device_idProduct(d)]");
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
