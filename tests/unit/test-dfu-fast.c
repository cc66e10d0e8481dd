/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of -s :fast (src/dfu_fast.c and its use in dfu_wait_done()):
 * the pause table, then data blocks on the simulated STM32F7 ROM (announces
 * 104 ms, needs 8) on a virtual clock: with and without :fast, with a ROM
 * that STALLs an early poll, and with one that repeats dfuDNBUSY.
 */
#include <stdint.h>
#include <string.h>

#include "dfu.h"
#include "fixture.h"
#include "tap.h"

#define F7_ANNOUNCED_US 104000u
#define F7_REAL_US	8000u

static void test_pause_table(void)
{
	static const struct {
		unsigned busy;
		uint64_t now, end, poll, backoff;
		uint64_t want, want_backoff;
		const char *what;
	} rows[] = {
		{ 1, 0, 104000, 104000, 1000, 0, 1000, "first busy answer: poll again at once" },
		{ 2, 1000, 104000, 103000, 1000, 1000, 2000, "second: the floor, then it doubles" },
		{ 5, 20000, 104000, 84000, 16000, 16000, 32000, "fifth: 16 ms" },
		{ 9, 100000, 104000, 4000, 256000, 4000, 512000, "never past the announced end" },
		{ 9, 104500, 104000, 1000, 256000, 1000, 512000,
		  "past the end: the device's new poll time" },
		{ 3, 0, 500, 500, 4000, 500, 8000,
		  "0.5 ms announced: no better than the slow path" },
		{ 3, 200000, 104000, 0, 4000, 0, 8000,
		  "0 ms announced now: at once, as announced" },
		{ 3, 103900, 104000, 5000, 8000, 1000, 16000, "100 us to the end: the floor" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t backoff = rows[i].backoff;
		uint64_t got = dfu_fast_pause(rows[i].busy, rows[i].now, rows[i].end, rows[i].poll,
					      &backoff);

		is_int((long long)got, (long long)rows[i].want, "pause: %s", rows[i].what);
		if (rows[i].busy > 1 && rows[i].poll > DFU_FAST_FLOOR_US)
			is_int((long long)backoff, (long long)rows[i].want_backoff,
			       "pause: %s: the next floor", rows[i].what);
	}
}

/*
 * Set the pointer to 0x08000000 + @off, then DNLOAD block 2 (2 KiB) and wait
 * for it: elapsed us in *@us.
 */
static int one_block(struct fix *f, uint16_t off, struct dfu_status *st, uint64_t *us)
{
	const uint8_t set[5] = { 0x21, (uint8_t)off, (uint8_t)(off >> 8), 0x00, 0x08 };
	uint8_t blk[2048];
	uint64_t t0;
	int r = dfu_dnload(&f->d, 0, set, sizeof(set), &f->err);

	if (r == ERR_OK)
		r = dfu_wait_done(&f->d, st, &f->err);
	memset(blk, 0x5A, sizeof(blk));
	t0 = memtransport_now(f->mt);
	if (r == ERR_OK)
		r = dfu_dnload(&f->d, 2, blk, sizeof(blk), &f->err);
	if (r == ERR_OK)
		r = dfu_wait_done(&f->d, st, &f->err);
	*us = memtransport_now(f->mt) - t0;
	return r;
}

/* A blank F7 sector 0 (one 32 KiB erase), then one data block. */
static bool f7_ready(struct fix *f, const struct sim_faults *faults, bool fast)
{
	static const uint8_t erase[5] = { 0x41, 0x00, 0x00, 0x00, 0x08 };
	struct dfu_status st;

	if (!fix_open(f, "f7", faults))
		return false;
	/* the erase at the announced pace, so only the block tells fast from slow */
	if (dfu_dnload(&f->d, 0, erase, sizeof(erase), &f->err) != ERR_OK ||
	    dfu_wait_done(&f->d, &st, &f->err) != ERR_OK) {
		fix_close(f);
		return false;
	}
	f->d.fast.on = fast;
	return true;
}

static void test_f7(void)
{
	struct sim_faults strict = { .strict_timing = true };
	struct dfu_status st;
	struct fix f;
	uint64_t us;
	int r;

	if (!f7_ready(&f, &strict, false)) {
		skip(6, "cannot create the f7 model");
		return;
	}
	r = one_block(&f, 0, &st, &us);
	is_int(r, ERR_OK, "F7 block without :fast");
	ok(us >= F7_ANNOUNCED_US, "without :fast the host waits the 104 ms announced (%llu us)",
	   (unsigned long long)us);
	fix_close(&f);

	if (!f7_ready(&f, &strict, true)) {
		skip(4, "cannot create the f7 model");
		return;
	}
	r = one_block(&f, 0, &st, &us);
	is_int(r, ERR_OK, "F7 block with :fast");
	is_int(st.bState, DFU_STATE_DNLOAD_IDLE, "with :fast: done, dfuDNLOAD-IDLE");
	cmp_int(us, >=, F7_REAL_US,
		"with :fast the block takes the 8 ms the flash needs, not 104 (%llu us) [us]",
		(unsigned long long)us);
	cmp_int(us, <, F7_REAL_US + 2000,
		"with :fast the block takes the 8 ms the flash needs, not 104 (%llu us) [us]",
		(unsigned long long)us);
	ok(f.d.busy_us < f.d.announced_us, "the counters: %llu us busy against %llu us announced",
	   (unsigned long long)f.d.busy_us, (unsigned long long)f.d.announced_us);
	fix_close(&f);
}

static void test_stall_early(void)
{
	struct sim_faults faults = { .stall_early = true };
	struct dfu_status st;
	struct sim_stats s;
	struct fix f;
	uint64_t us;
	int r;

	if (!f7_ready(&f, &faults, true)) {
		skip(7, "cannot create the f7 model");
		return;
	}
	r = one_block(&f, 0, &st, &us);
	is_int(r, ERR_PROTOCOL, "a STALLed early poll: the block ends in the device's error");
	ok(contains(f.err.msg, "errSTALLEDPKT"), "the error names errSTALLEDPKT: %s", f.err.msg);
	is_int(f.d.fast.off, true, "the session is back on the announced times");
	is_int(f.d.fast.stalled, true, "and remembers the STALL (a failed block is recovered)");
	ok(us >= F7_ANNOUNCED_US, "the poll after the STALL waited the announced time (%llu us)",
	   (unsigned long long)us);
	r = dfu_make_idle(&f.d, &f.err);
	if (r == ERR_OK)
		r = one_block(&f, 0x800, &st, &us);
	s = stats_of(&f);
	is_int(r, ERR_OK, "after CLRSTATUS the next block goes through");
	is_int(s.early_polls, 1, "and no poll is early again");
	fix_close(&f);
}

static void test_busy_repeat(void)
{
	struct sim_faults faults = { .busy_repeat = 6 };
	struct dfu_status st;
	struct sim_stats s;
	struct fix f;
	uint64_t us;
	int r;

	if (!f7_ready(&f, &faults, true)) {
		skip(3, "cannot create the f7 model");
		return;
	}
	f.d.polls = 0;
	r = one_block(&f, 0, &st, &us);
	s = stats_of(&f);
	is_int(r, ERR_OK, "a device that answers dfuDNBUSY six more times: done");
	/* the slow path needs 8 per request here (start, announced, six repeats) */
	ok(f.d.polls <= 24, "no busy loop: %lu polls for the pointer and the block", f.d.polls);
	cmp_int(memtransport_slept_us(f.mt), >, 0,
		"the host slept between polls (%llu us in all) [memtransport_slept_us(f.mt)]",
		(unsigned long long)memtransport_slept_us(f.mt));
	cmp_int(s.getstatus, <, 40, "the host slept between polls (%llu us in all) [s.getstatus]",
		(unsigned long long)memtransport_slept_us(f.mt));
	fix_close(&f);
}

int main(void)
{
	test_pause_table();
	test_f7();
	test_stall_early();
	test_busy_repeat();
	return done_testing();
}
