/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of src/dfu.c: status polling against the simulated STM32 ROM on a
 * virtual clock (exact waits, busy STALLs, clamps and caps), dfu_make_idle
 * from every state a session can leave behind, the names in error messages,
 * and the functional descriptor parser on good and hostile bytes.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dfu.h"
#include "fixture.h"
#include "tap.h"

#define COST_US		 200u /* the fixture's transfer cost */
#define F4_ERASE_16K_US	 250000u
#define F4_ERASE_128K_US 2000000u
#define F4_WRITE_US	 8000u

/* A DfuSe command DNLOAD (block 0) carrying @code and an address, without the wait. */
static int send_cmd(struct fix *f, uint8_t code, uint32_t addr)
{
	uint8_t cmd[5] = { code, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
			   (uint8_t)(addr >> 24) };

	return dfu_dnload(&f->d, 0, cmd, sizeof(cmd), &f->err);
}

/* ---- exact waits ------------------------------------------------------- */

static void test_exact_wait(void)
{
	struct fix f;
	struct dfu_status st;
	struct sim_stats s;
	uint64_t t0, t1;
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(7, "cannot create the f4 model");
		return;
	}
	t0 = memtransport_now(f.mt);
	r = send_cmd(&f, 0x41, 0x08000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	t1 = memtransport_now(f.mt);
	s = stats_of(&f);
	is_int(r, ERR_OK, "16 KiB erase completes");
	is_int(st.bState, DFU_STATE_DNLOAD_IDLE, "final state dfuDNLOAD-IDLE");
	is_int(s.early_polls, 0, "no GETSTATUS before bwPollTimeout elapsed");
	is_int(memtransport_slept_us(f.mt), F4_ERASE_16K_US,
	       "the host slept exactly the 250 ms the device asked for, nothing after 'done'");
	is_int(t1 - t0, F4_ERASE_16K_US + 3 * COST_US,
	       "not late: elapsed = poll + three transfers (DNLOAD, two GETSTATUS)");
	is_int(s.getstatus, 2, "two GETSTATUS: the one that starts the erase and the one after it");
	is_int(f.d.waited_us, F4_ERASE_16K_US, "dfu_if.waited_us counts the wait");
	fix_close(&f);

	/* A 128 KiB sector, then four data blocks: every wait is the device's own figure. */
	if (!fix_open(&f, "f4", NULL)) {
		skip(4, "cannot create the f4 model");
		return;
	}
	r = send_cmd(&f, 0x41, 0x08020000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	if (r == ERR_OK)
		r = send_cmd(&f, 0x21, 0x08020000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	for (uint16_t b = 2; b < 6 && r == ERR_OK; b++) {
		uint8_t blk[2048];

		memset(blk, (int)b, sizeof(blk));
		r = dfu_dnload(&f.d, b, blk, sizeof(blk), &f.err);
		if (r == ERR_OK)
			r = dfu_wait_done(&f.d, &st, &f.err);
	}
	s = stats_of(&f);
	is_int(r, ERR_OK, "erase 128 KiB, set address, four 2 KiB blocks");
	is_int(s.early_polls, 0, "still no early poll");
	is_int(memtransport_slept_us(f.mt), s.device_wait_us,
	       "slept == the sum of the poll timeouts the device announced");
	is_int(memtransport_slept_us(f.mt), F4_ERASE_128K_US + 1000 + 4 * F4_WRITE_US,
	       "which is 2 s + 1 ms + 4 x 8 ms");
	fix_close(&f);

	/* With free transfers the host lands exactly on the deadline: still not early. */
	if (!fix_open(&f, "f4", NULL)) {
		skip(2, "cannot create the f4 model");
		return;
	}
	memtransport_set_cost(f.mt, 0);
	r = send_cmd(&f, 0x41, 0x08004000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "erase with zero-cost transfers");
	is_int(s.early_polls, 0, "a poll exactly at the deadline is not early");
	fix_close(&f);
}

/* ---- busy STALLs (STM32L4 ROMs) ----------------------------------------- */

static void test_busy_stall(void)
{
	struct sim_faults faults = { .stall_busy_getstatus = 2 };
	struct fix f;
	struct dfu_status st;
	struct sim_stats s;
	uint8_t probe[16];
	int r;

	if (!fix_open(&f, "f4", &faults)) {
		skip(6, "cannot create the f4 model");
		return;
	}
	sim_device_load(f.dev, 0x08000000, (const uint8_t *)"not blank at all", 16);
	r = send_cmd(&f, 0x41, 0x08000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "two STALLed GETSTATUS during an erase are retried");
	is_int(s.busy_stalls, 2, "the device STALLed twice");
	is_int(s.early_polls, 0, "and the retries were not early");
	sim_device_read(f.dev, 0x08000000, probe, sizeof(probe));
	is_int(probe[0], 0xFF, "the sector is erased [probe[0]]");
	is_int(probe[15], 0xFF, "the sector is erased [probe[15]]");
	is_int(sim_device_state(f.dev), DFU_STATE_DNLOAD_IDLE, "device ends in dfuDNLOAD-IDLE");
	fix_close(&f);

	faults.stall_busy_getstatus = 20;
	if (!fix_open(&f, "f4", &faults)) {
		skip(5, "cannot create the f4 model");
		return;
	}
	r = send_cmd(&f, 0x41, 0x08000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	s = stats_of(&f);
	ok(r != ERR_OK, "twenty STALLs in a row: the wait gives up");
	is_substr(f.err.msg, "GETSTATUS", "the error names the STALLed GETSTATUS: \"%s\"",
		  f.err.msg);
	is_substr(f.err.msg, "stall", "the error names the STALLed GETSTATUS: \"%s\"", f.err.msg);
	is_int(s.busy_stalls, dfu_default_limits.busy_stall_retries + 1,
	       "after the default number of retries (%u), not more",
	       dfu_default_limits.busy_stall_retries);
	is_int(dfu_last_transport(&f.d), TR_STALL, "dfu_last_transport() says stall");
	fix_close(&f);
}

/* ---- limits ------------------------------------------------------------- */

static void test_limits(void)
{
	struct fix f;
	struct dfu_status st;
	struct sim_stats s;
	int r;

	/* A device announcing 4.6 hours for one erase: the host waits at most max_poll_ms. */
	if (!fix_open(&f, "f4", NULL)) {
		skip(4, "cannot create the f4 model");
		return;
	}
	sim_device_set_time_scale(f.dev, 1e5);
	r = send_cmd(&f, 0x41, 0x08000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	is_int(r, ERR_IO, "a 0xFFFFFF ms poll timeout ends in ERR_IO");
	ok(contains(f.err.msg, "still busy after 120 s"), "message: \"%s\"", f.err.msg);
	is_int(memtransport_slept_us(f.mt), 60000000u,
	       "the one sleep was clamped to 60 s (max_poll_ms), then max_busy_ms stopped it");
	ok(memtransport_now(f.mt) < 121000000u, "well under the 120 s total budget plus a poll");
	fix_close(&f);

	/* Tight limits: max_poll_ms shortens each sleep, max_busy_ms ends the wait. */
	if (!fix_open(&f, "f4", NULL)) {
		skip(5, "cannot create the f4 model");
		return;
	}
	f.d.limits.max_poll_ms = 100;
	f.d.limits.max_busy_ms = 1000;
	r = send_cmd(&f, 0x41, 0x08000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "250 ms erase with 100 ms polls and a 1 s budget completes");
	is_int(s.getstatus, 4, "polled at 0, 100, 200, 300 ms");
	r = send_cmd(&f, 0x41, 0x08020000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	is_int(r, ERR_IO, "a 2 s erase over a 1 s budget: ERR_IO");
	is_substr(f.err.msg, "still busy", "the message says busy and names the state: \"%s\"",
		  f.err.msg);
	is_substr(f.err.msg, "dfuDNBUSY", "the message says busy and names the state: \"%s\"",
		  f.err.msg);
	fix_close(&f);

	if (!fix_open(&f, "f4", NULL)) {
		skip(2, "cannot create the f4 model");
		return;
	}
	f.d.limits.max_poll_ms = 10;
	f.d.limits.max_polls = 3;
	r = send_cmd(&f, 0x41, 0x08000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	is_int(r, ERR_IO, "more GETSTATUS than max_polls: ERR_IO");
	ok(contains(f.err.msg, "3 status polls"), "message: \"%s\"", f.err.msg);
	fix_close(&f);
}

/* ---- request timeouts that follow the expected work -------------------- */

static void test_held_answer(void)
{
	struct sim_faults faults = { .strict_timing = true };
	struct fix f;
	struct dfu_status st;
	int r;

	/*
	 * A strict device holds an early GETSTATUS until the work is done. With
	 * the poll clamped to 500 ms and a 2 s erase, the held answer comes
	 * 1.5 s later: more than a 1 s request timeout, unless the caller
	 * announced the wait in expect_busy_ms.
	 */
	if (!fix_open(&f, "f4", &faults)) {
		skip(4, "cannot create the f4 model");
		return;
	}
	f.d.limits.max_poll_ms = 500;
	f.d.limits.request_timeout_ms = 1000;
	r = send_cmd(&f, 0x41, 0x08020000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	is_int(r, ERR_IO, "no expected wait: the held GETSTATUS times out");
	is_int(dfu_last_transport(&f.d), TR_TIMEOUT, "as a transport timeout");
	fix_close(&f);

	if (!fix_open(&f, "f4", &faults)) {
		skip(2, "cannot create the f4 model");
		return;
	}
	f.d.limits.max_poll_ms = 500;
	f.d.limits.request_timeout_ms = 1000;
	r = send_cmd(&f, 0x41, 0x08020000);
	f.d.expect_busy_ms = 3000;
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	f.d.expect_busy_ms = 0;
	is_int(r, ERR_OK, "expect_busy_ms 3000 stretches the GETSTATUS timeout: erase completes");
	is_int(memtransport_timeouts(f.mt), 0, "no transfer timed out");
	fix_close(&f);
}

/* ---- scripted replies: what the model never sends ----------------------- */

struct script {
	const uint8_t (*replies)[6];
	const size_t *lens;
	size_t n, next;
	uint64_t now, slept;
	unsigned requests;
};

static int sc_control(void *ctx, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
		      uint16_t wIndex, uint8_t *data, uint16_t wLength, unsigned timeout_ms,
		      size_t *actual)
{
	struct script *sc = ctx;
	size_t len;

	(void)bmRequestType;
	(void)wValue;
	(void)wIndex;
	(void)timeout_ms;
	sc->requests++;
	sc->now += COST_US;
	*actual = 0;
	if (bRequest != DFU_GETSTATUS || sc->next >= sc->n)
		return TR_STALL;
	len = sc->lens[sc->next] < wLength ? sc->lens[sc->next] : wLength;
	memcpy(data, sc->replies[sc->next], len);
	*actual = len;
	sc->next++;
	return TR_OK;
}

static int sc_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	(void)ctx;
	(void)intf;
	(void)alt;
	return TR_OK;
}

static int sc_reset(void *ctx)
{
	(void)ctx;
	return TR_OK;
}

static void sc_sleep(void *ctx, uint64_t us)
{
	struct script *sc = ctx;

	sc->now += us;
	sc->slept += us;
}

static uint64_t sc_now(void *ctx)
{
	return ((struct script *)ctx)->now;
}

static const struct transport_ops script_ops = {
	.control = sc_control,
	.set_alt = sc_set_alt,
	.reset = sc_reset,
	.sleep_us = sc_sleep,
	.now_us = sc_now,
};

static int run_script(struct script *sc, const uint8_t (*replies)[6], const size_t *lens, size_t n,
		      struct dfu_status *st, struct error *err)
{
	struct dfu_if d;

	memset(sc, 0, sizeof(*sc));
	sc->replies = replies;
	sc->lens = lens;
	sc->n = n;
	dfu_if_init(&d, (struct transport){ &script_ops, sc }, 0, 64, NULL);
	return dfu_wait_done(&d, st, err);
}

static void test_scripted(void)
{
	/* bStatus, bwPollTimeout (LE24), bState, iString */
	static const uint8_t busy_then_idle[][6] = {
		{ 0, 5, 0, 0, DFU_STATE_DNBUSY, 0 },
		{ 0, 7, 0, 0, DFU_STATE_DNBUSY, 0 },
		{ 0, 0xE8, 0x03, 0, DFU_STATE_DNLOAD_IDLE, 0 }, /* 1000 ms on a terminal status */
	};
	static const size_t six3[] = { 6, 6, 6 };
	static const uint8_t manifest[][6] = {
		{ 0, 2, 0, 0, DFU_STATE_MANIFEST_SYNC, 0 },
		{ 0, 3, 0, 0, DFU_STATE_MANIFEST, 0 },
		{ 0, 0, 0, 0, DFU_STATE_MANIFEST_WAIT_RESET, 0 },
	};
	static const uint8_t short_reply[][6] = { { 0, 5, 0, 0, DFU_STATE_DNBUSY, 0 } };
	static const size_t four[] = { 4 };
	static const uint8_t app_idle[][6] = { { 0, 0, 0, 0, DFU_STATE_APP_IDLE, 0 } };
	static const uint8_t bad_status[][6] = { { DFU_STATUS_ERR_VERIFY, 0, 0, 0,
						   DFU_STATE_DNLOAD_IDLE, 0 } };
	static const uint8_t error_state[][6] = { { DFU_STATUS_ERR_PROG, 0, 0, 0, DFU_STATE_ERROR,
						    0 } };
	static const uint8_t unknown_state[][6] = { { 0, 0, 0, 0, 42, 0 } };
	static const size_t six1[] = { 6 };
	static const uint8_t huge[][6] = { { 0, 0xFF, 0xFF, 0xFF, DFU_STATE_DNBUSY, 0 },
					   { 0, 0, 0, 0, DFU_STATE_DNLOAD_IDLE, 0 } };
	static const size_t six2[] = { 6, 6 };
	struct script sc;
	struct dfu_status st;
	struct error err = { ERR_OK, "" };
	int r;

	r = run_script(&sc, busy_then_idle, six3, 3, &st, &err);
	is_int(r, ERR_OK, "busy 5 ms, busy 7 ms, then dfuDNLOAD-IDLE");
	is_int(sc.slept, 12000, "slept 5 + 7 ms; the 1000 ms on the terminal status is ignored");
	is_int(st.bwPollTimeout, 1000, "24-bit bwPollTimeout decoded (0x0003E8)");

	r = run_script(&sc, manifest, six3, 3, &st, &err);
	is_int(r, ERR_OK, "dfuMANIFEST-SYNC, dfuMANIFEST, dfuMANIFEST-WAIT-RESET");
	is_int(sc.slept, 5000, "waited through both manifest states");

	r = run_script(&sc, short_reply, four, 1, &st, &err);
	is_int(r, ERR_PROTOCOL, "a 4-byte GETSTATUS reply is a protocol error");
	ok(contains(err.msg, "short reply"), "message: \"%s\"", err.msg);

	r = run_script(&sc, app_idle, six1, 1, &st, &err);
	is_int(r, ERR_PROTOCOL, "appIDLE while waiting for a download is a protocol error");
	ok(contains(err.msg, "unexpected state appIDLE"), "message: \"%s\"", err.msg);

	r = run_script(&sc, bad_status, six1, 1, &st, &err);
	is_int(r, ERR_PROTOCOL, "a bad status in an idle state is still an error");
	is_substr(err.msg, "errVERIFY", "message names status and state: \"%s\"", err.msg);
	is_substr(err.msg, "dfuDNLOAD-IDLE", "message names status and state: \"%s\"", err.msg);

	r = run_script(&sc, error_state, six1, 1, &st, &err);
	is_str(err.msg, "device reported errPROG (state dfuERROR)",
	       "dfuERROR with errPROG: the exact message");
	is_int(r, ERR_PROTOCOL, "as ERR_PROTOCOL");

	r = run_script(&sc, unknown_state, six1, 1, &st, &err);
	is_int(r, ERR_PROTOCOL, "state 42 is reported as unknown: \"%s\" [r]", err.msg);
	is_substr(err.msg, "unknown state", "state 42 is reported as unknown: \"%s\"", err.msg);

	r = run_script(&sc, huge, six2, 2, &st, &err);
	is_int(r, ERR_OK, "bwPollTimeout 0xFFFFFF, then done");
	is_int(sc.slept, (uint64_t)dfu_default_limits.max_poll_ms * 1000,
	       "the 4.6 h poll was clamped to max_poll_ms");
}

/* ---- dfu_make_idle -------------------------------------------------------- */

static void test_make_idle(void)
{
	struct fix f;
	struct dfu_status st;
	struct sim_stats s;
	uint8_t buf[2048];
	size_t got = 0;
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(19, "cannot create the f4 model");
		return;
	}
	/* dfuERROR: an erase outside the layout. */
	r = send_cmd(&f, 0x41, 0x20000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	is_int(r, ERR_PROTOCOL, "erase at 0x20000000 fails");
	is_str(f.err.msg, "device reported errTARGET (state dfuERROR)",
	       "the error names status and state");
	is_int(sim_device_state(f.dev), DFU_STATE_ERROR, "device in dfuERROR");
	r = dfu_make_idle(&f.d, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "dfu_make_idle from dfuERROR");
	is_int(sim_device_state(f.dev), DFU_STATE_IDLE, "device in dfuIDLE");
	is_int(s.clrstatus, 1, "by one CLRSTATUS");

	/* dfuDNLOAD-IDLE: after a Set Address Pointer. */
	r = send_cmd(&f, 0x21, 0x08000000);
	if (r == ERR_OK)
		r = dfu_wait_done(&f.d, &st, &f.err);
	is_int(sim_device_state(f.dev), DFU_STATE_DNLOAD_IDLE, "device in dfuDNLOAD-IDLE");
	r = dfu_make_idle(&f.d, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "dfu_make_idle from dfuDNLOAD-IDLE");
	is_int(sim_device_state(f.dev), DFU_STATE_IDLE, "device in dfuIDLE");
	is_int(s.abort, 1, "by one ABORT");

	/* dfuUPLOAD-IDLE: a full-length UPLOAD block. */
	r = dfu_upload(&f.d, 2, buf, sizeof(buf), &got, &f.err);
	is_int(r, ERR_OK, "UPLOAD block 2");
	is_int(sim_device_state(f.dev), DFU_STATE_UPLOAD_IDLE, "device in dfuUPLOAD-IDLE");
	r = dfu_make_idle(&f.d, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "dfu_make_idle from dfuUPLOAD-IDLE");
	is_int(sim_device_state(f.dev), DFU_STATE_IDLE, "device in dfuIDLE");
	is_int(s.abort, 2, "by a second ABORT");

	/* dfuIDLE already: only a GETSTATUS. */
	r = dfu_make_idle(&f.d, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "dfu_make_idle from dfuIDLE");
	is_int(s.clrstatus + s.abort, 3, "sends neither CLRSTATUS nor ABORT");

	/* dfuDNLOAD-SYNC: a command sent, its GETSTATUS not yet. */
	r = send_cmd(&f, 0x41, 0x08000000);
	is_int(sim_device_state(f.dev), DFU_STATE_DNLOAD_SYNC, "device in dfuDNLOAD-SYNC");
	r = dfu_make_idle(&f.d, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "dfu_make_idle from dfuDNLOAD-SYNC waits for the work, then ABORTs");
	is_int(sim_device_state(f.dev), DFU_STATE_IDLE,
	       "dfuIDLE, no forbidden request [sim_device_state(f.dev)]");
	is_int(s.forbidden, 0, "dfuIDLE, no forbidden request [s.forbidden]");
	ok(s.early_polls == 0, "no early poll (%lu early)", s.early_polls);
	fix_close(&f);

	/* A run-time device cannot be made idle: a clear error. */
	if (!fix_open(&f, "runtime", NULL)) {
		skip(2, "cannot create the runtime model");
		return;
	}
	r = dfu_make_idle(&f.d, &f.err);
	is_int(r, ERR_PROTOCOL, "appIDLE: \"%s\" [r]", f.err.msg);
	is_substr(f.err.msg, "run-time mode (appIDLE)", "appIDLE: \"%s\"", f.err.msg);
	fix_close(&f);
}

/* ---- class request failures ----------------------------------------------- */

static void test_request_errors(void)
{
	struct sim_faults faults = { .disconnect_after = 2 };
	struct fix f;
	struct dfu_status st;
	uint8_t state = 0;
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(6, "cannot create the f4 model");
		return;
	}
	r = dfu_clear_status(&f.d, &f.err);
	is_int(r, ERR_PROTOCOL, "CLRSTATUS in dfuIDLE is STALLed: ERR_PROTOCOL");
	is_str(f.err.msg, "CLRSTATUS stalled by the device", "message names the request");
	r = dfu_get_state(&f.d, &state, &f.err);
	is_int(r, ERR_OK, "GETSTATE reports the dfuERROR it caused [r]");
	is_int(state, DFU_STATE_ERROR, "GETSTATE reports the dfuERROR it caused [state]");
	r = dfu_make_idle(&f.d, &f.err);
	is_int(r, ERR_OK, "and dfu_make_idle clears it");
	is_int(f.d.requests, 5,
	       "dfu_if.requests counts all five: CLRSTATUS, GETSTATE, GETSTATUS, CLRSTATUS, "
	       "GETSTATUS");
	fix_close(&f);

	if (!fix_open(&f, "f4", &faults)) {
		skip(4, "cannot create the f4 model");
		return;
	}
	r = dfu_get_status(&f.d, &st, &f.err);
	is_int(r, ERR_OK, "first request answered");
	r = dfu_get_status(&f.d, &st, &f.err);
	is_int(r, ERR_IO, "the device vanishes at the second: ERR_IO");
	is_substr(f.err.msg, "GETSTATUS: device disconnected",
		  "message \"%s\", transport status TR_NODEV", f.err.msg);
	is_int(dfu_last_transport(&f.d), TR_NODEV,
	       "message \"%s\", transport status TR_NODEV [dfu_last_transport(&f.d)]", f.err.msg);
	fix_close(&f);
}

/* ---- names ---------------------------------------------------------------- */

static void test_names(void)
{
	static const char *const states[] = {
		"appIDLE",	    "appDETACH",   "dfuIDLE",
		"dfuDNLOAD-SYNC",   "dfuDNBUSY",   "dfuDNLOAD-IDLE",
		"dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET",
		"dfuUPLOAD-IDLE",   "dfuERROR",
	};
	static const char *const statuses[] = {
		"OK",	      "errTARGET",	 "errFILE",	"errWRITE",
		"errERASE",   "errCHECK_ERASED", "errPROG",	"errVERIFY",
		"errADDRESS", "errNOTDONE",	 "errFIRMWARE", "errVENDOR",
		"errUSBR",    "errPOR",		 "errUNKNOWN",	"errSTALLEDPKT",
	};
	bool all = true, meanings = true;

	for (unsigned i = 0; i < 11; i++)
		all = all && strcmp(dfu_state_str((uint8_t)i), states[i]) == 0;
	ok(all, "dfu_state_str names all 11 DFU 1.1 states");
	is_str(dfu_state_str(11), "unknown state", "state 11 is unknown");
	all = true;
	for (unsigned i = 0; i < 16; i++)
		all = all && strcmp(dfu_status_str((uint8_t)i), statuses[i]) == 0;
	ok(all, "dfu_status_str names all 16 status codes");
	is_str(dfu_status_str(16), "unknown status", "status 16 is unknown");
	for (unsigned i = 0; i < 256; i++)
		meanings = meanings && dfu_status_meaning((uint8_t)i) != NULL &&
			   dfu_status_meaning((uint8_t)i)[0] != '\0';
	ok(meanings, "dfu_status_meaning is never NULL or empty");
	ok(contains(dfu_status_meaning(DFU_STATUS_ERR_VENDOR), "read protection"),
	   "errVENDOR's meaning mentions read protection");
}

/* ---- functional descriptor ------------------------------------------------ */

struct func_row {
	const char *what;
	uint8_t bytes[40];
	size_t len;
	bool found;
	struct dfu_func_desc want; /* bLength, bmAttributes, wDetachTimeOut, wTransferSize, bcd */
};

static const struct func_row func_rows[] = {
	{ "DFU 1.1 DfuSe (F4 ROM)",
	  { 9, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01 },
	  9,
	  true,
	  { 9, 0x0B, 255, 2048, 0x011A } },
	{ "DFU 1.0, 7 bytes",
	  { 7, 0x21, 0x03, 0xE8, 0x03, 0x00, 0x04 },
	  7,
	  true,
	  { 7, 0x03, 1000, 1024, 0 } },
	{ "after an interface descriptor",
	  { 9, 0x04, 0, 0, 0, 0xFE, 1, 2, 4, 9, 0x21, 0x07, 0x10, 0x00, 0x40, 0x00, 0x10, 0x01 },
	  18,
	  true,
	  { 9, 0x07, 16, 64, 0x0110 } },
	{ "longer than 9 bytes (vendor extension)",
	  { 12, 0x21, 0x0B, 1, 0, 0x00, 0x02, 0x1A, 0x01, 0xAA, 0xBB, 0xCC },
	  12,
	  true,
	  { 12, 0x0B, 1, 512, 0x011A } },
	{ "bLength 8 skipped, the next one used",
	  { 8, 0x21, 1, 1, 1, 1, 1, 1, 9, 0x21, 0x01, 0, 0, 0x40, 0, 0x1A, 0x01 },
	  17,
	  true,
	  { 9, 0x01, 0, 64, 0x011A } },
	{ "truncated: bLength 9, 8 bytes",
	  { 9, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A },
	  8,
	  false,
	  { 0, 0, 0, 0, 0 } },
	{ "bLength 0 (would loop for ever)",
	  { 0, 0x21, 0, 0, 0, 0, 0, 0, 0 },
	  9,
	  false,
	  { 0, 0, 0, 0, 0 } },
	{ "bLength 1", { 1, 0x21, 9, 0x21, 0, 0, 0, 0, 0, 0, 0 }, 11, false, { 0, 0, 0, 0, 0 } },
	{ "bLength 255 past the buffer",
	  { 255, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01 },
	  9,
	  false,
	  { 0, 0, 0, 0, 0 } },
	{ "no functional descriptor",
	  { 9, 0x04, 0, 0, 0, 0xFE, 1, 2, 4 },
	  9,
	  false,
	  { 0, 0, 0, 0, 0 } },
	{ "empty", { 0 }, 0, false, { 0, 0, 0, 0, 0 } },
	{ "one byte", { 9 }, 1, false, { 0, 0, 0, 0, 0 } },
	{ "bLength 6 of type 0x21 only",
	  { 6, 0x21, 0x0B, 0xFF, 0x00, 0x00 },
	  6,
	  false,
	  { 0, 0, 0, 0, 0 } },
	{ "a hostile descriptor before a good one",
	  { 2, 0x99, 9, 0x21, 0x0B, 0x00, 0x00, 0x00, 0x08, 0x1A, 0x01 },
	  11,
	  true,
	  { 9, 0x0B, 0, 2048, 0x011A } },
};

static void test_func_desc(void)
{
	for (size_t i = 0; i < sizeof(func_rows) / sizeof(func_rows[0]); i++) {
		const struct func_row *row = &func_rows[i];
		struct dfu_func_desc fd;
		bool found;

		memset(&fd, 0xA5, sizeof(fd));
		found = dfu_parse_func_desc(row->bytes, row->len, &fd);
		if (!row->found) {
			ok(!found, "func desc: %s: rejected", row->what);
			continue;
		}
		is_int(found, true, "func desc: %s: found", row->what);
		is_int(fd.bLength, row->want.bLength, "func desc: %s: bLength", row->what);
		is_hex(fd.bmAttributes, row->want.bmAttributes, "func desc: %s: bmAttributes",
		       row->what);
		is_int(fd.wDetachTimeOut, row->want.wDetachTimeOut, "func desc: %s: wDetachTimeOut",
		       row->what);
		is_int(fd.wTransferSize, row->want.wTransferSize, "func desc: %s: wTransferSize",
		       row->what);
		is_hex(fd.bcdDFUVersion, row->want.bcdDFUVersion, "func desc: %s: bcdDFUVersion",
		       row->what);
	}
	/* Every prefix of a valid descriptor set: never reads past the length given. */
	{
		const struct func_row *row = &func_rows[2];
		bool none = true;
		struct dfu_func_desc fd;

		for (size_t n = 0; n < row->len; n++)
			none = none && !dfu_parse_func_desc(row->bytes, n, &fd);
		ok(none, "func desc: every truncation of interface+functional is rejected");
	}
}

int main(void)
{
	test_exact_wait();
	test_busy_stall();
	test_limits();
	test_held_answer();
	test_scripted();
	test_make_idle();
	test_request_errors();
	test_names();
	test_func_desc();
	return done_testing();
}
