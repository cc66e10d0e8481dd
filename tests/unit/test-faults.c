/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of how src/dfu.c and src/dfuse.c settle a transfer error on a
 * request after which the device may leave (leave, read unprotect, option
 * bytes), and of mass erase, against the model's ROM faults: every request
 * of each operation fails in turn by disconnect, STALL, timeout and I/O
 * error, before and after the device acted, and success is only reported
 * when the operation took effect on the model.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfuse.h"
#include "fixture.h"
#include "plan.h"
#include "quirks.h"
#include "tap.h"

#define FLASH	    0x08000000u
#define OPTION_F4   0x1FFFC000u
#define PATTERN_LEN 256u

static const char *const kind_names[] = { "disconnect", "STALL", "timeout", "I/O error" };

enum op { OP_LEAVE, OP_UNPROTECT, OP_MASS_ERASE, OP_OPTION_BYTES, OP_COUNT };

static const char *const op_names[] = { "leave", "read unprotect", "mass erase",
					"option-byte write" };

/* New option bytes for the F4: RDP level 0, another USER byte, with complements. */
static const uint8_t new_options[16] = { 0xE8, 0xAA, 0x17, 0x55, 0xFF, 0xFF, 0xFF, 0xFF,
					 0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF };

static void fill_pattern(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + 3);
}

static bool mem_all(const struct fix *f, uint32_t addr, uint8_t v, size_t n)
{
	uint8_t buf[PATTERN_LEN];

	if (n > sizeof(buf) || sim_device_read(f->dev, addr, buf, n) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (buf[i] != v)
			return false;
	return true;
}

/* An f4 with @faults, flash holding a pattern, ready for @op. */
static bool setup(struct fix *f, enum op op, const struct sim_faults *faults)
{
	uint8_t pat[PATTERN_LEN];

	if (!fix_open(f, "f4", faults))
		return false;
	fill_pattern(pat, sizeof(pat));
	sim_device_load(f->dev, FLASH, pat, sizeof(pat));
	/* Option bytes are alt 1: SET_INTERFACE counts as a request on the wire. */
	if (op == OP_OPTION_BYTES && f->d.tr.ops->set_alt(f->d.tr.ctx, 0, 1) != TR_OK) {
		fix_close(f);
		return false;
	}
	return true;
}

static int run(struct fix *f, enum op op, bool *gone)
{
	const struct dfuse_write_opts wo = { .will_reset = true };

	*gone = false;
	switch (op) {
	case OP_LEAVE:
		return dfuse_leave(&f->d, true, FLASH, gone, &f->err);
	case OP_UNPROTECT:
		return dfuse_unprotect(&f->d, gone, &f->err);
	case OP_MASS_ERASE:
		return dfuse_mass_erase(&f->d, &f->err);
	case OP_OPTION_BYTES:
		return dfuse_write(&f->d, OPTION_F4, new_options, sizeof(new_options), &wo, NULL,
				   NULL, &f->err);
	case OP_COUNT:
		break;
	}
	return ERR_USAGE;
}

/* Did @op take effect on the model? */
static bool took_effect(struct fix *f, enum op op)
{
	uint8_t ob[16];

	switch (op) {
	case OP_LEAVE:
		return stats_of(f).leave >= 1 && sim_device_gone(f->dev);
	case OP_UNPROTECT:
	case OP_MASS_ERASE:
		return mem_all(f, FLASH, 0xFF, PATTERN_LEN);
	case OP_OPTION_BYTES:
		return sim_device_read(f->dev, OPTION_F4, ob, sizeof(ob)) == 0 &&
		       memcmp(ob, new_options, sizeof(ob)) == 0;
	case OP_COUNT:
		break;
	}
	return false;
}

/* How many requests a clean run of @op sends (SET_INTERFACE included). */
static unsigned long clean_requests(enum op op)
{
	struct sim_faults none = { .read_protected = op == OP_UNPROTECT };
	struct fix f;
	struct sim_stats s;
	bool gone;

	if (!setup(&f, op, &none))
		return 0;
	run(&f, op, &gone);
	s = stats_of(&f);
	fix_close(&f);
	return s.requests;
}

/*
 * Every request of @op fails in turn, each way: one TAP point per
 * operation, failing with a diagnostic at the first false success.
 */
static void test_every_request(enum op op)
{
	unsigned long n = clean_requests(op);
	unsigned checked = 0, failures = 0, successes = 0;
	char first[300] = "";
	uint64_t worst_us = 0;

	for (unsigned long at = 1; at <= n; at++) {
		for (int kind = SIM_FAIL_NODEV; kind <= SIM_FAIL_IO; kind++) {
			for (int acted = 0; acted < 2; acted++) {
				struct sim_faults fl = {
					.read_protected = op == OP_UNPROTECT,
					.fail_at = (unsigned)at,
					.fail_kind = (enum sim_fail_kind)kind,
					.fail_acted = acted != 0,
				};
				struct fix f;
				bool gone;
				int r;

				if (!setup(&f, op, &fl))
					continue;
				r = run(&f, op, &gone);
				checked++;
				if (memtransport_now(f.mt) > worst_us)
					worst_us = memtransport_now(f.mt);
				if (r == ERR_OK)
					successes++;
				if (r == ERR_OK && !took_effect(&f, op) && failures++ == 0)
					snprintf(first, sizeof(first),
						 "request %lu, %s%s: success, but not done", at,
						 kind_names[kind], acted ? " after acting" : "");
				if (r != ERR_OK && f.err.msg[0] == '\0' && failures++ == 0)
					snprintf(first, sizeof(first),
						 "request %lu, %s: failed without a message", at,
						 kind_names[kind]);
				fix_close(&f);
			}
		}
	}
	cmp_int(n, >, 0,
		"%s: %u runs, a fault at each of its %lu requests: %u succeeded, never falsely%s%s [n]",
		op_names[op], checked, n, successes, failures ? "; " : "", first);
	is_int(checked, n * 8,
	       "%s: %u runs, a fault at each of its %lu requests: %u succeeded, never falsely%s%s [checked]",
	       op_names[op], checked, n, successes, failures ? "; " : "", first);
	is_int(failures, 0,
	       "%s: %u runs, a fault at each of its %lu requests: %u succeeded, never falsely%s%s [failures]",
	       op_names[op], checked, n, successes, failures ? "; " : "", first);
	/* One request's cap (a mass erase's, 125 s) bounds any of these runs. */
	ok(worst_us < UINT64_C(200000000), "%s: the slowest run took %.1f s of device time",
	   op_names[op], (double)worst_us / 1e6);
}

/* ---- the cases, one by one ----------------------------------------- */

/* The GD32VF103 row: it resets at leave without answering the GETSTATUS. */
static const struct dfu_quirks gd32_quirks = { .flags = QUIRK_LEAVE_NO_STATUS };

static void test_leave_cases(void)
{
	struct sim_faults stall_reset = { .leave_stall_reset = true };
	struct sim_faults status_stall = { .leave_status_stall = true };
	struct sim_faults nodev_dnload = { .fail_at = 4, .fail_kind = SIM_FAIL_NODEV };
	struct fix f;
	bool gone;
	int r;

	/* Case 3: the zero-length DNLOAD STALLs, the device resets with good flash. */
	if (!setup(&f, OP_LEAVE, &stall_reset)) {
		skip(3, "no f4 model");
		return;
	}
	r = run(&f, OP_LEAVE, &gone);
	is_int(r, ERR_OK, "leave DNLOAD stalled, then the device reset: success");
	is_int(gone, true, "*gone, and the model is gone [gone]");
	is_int(sim_device_gone(f.dev), true,
	       "*gone, and the model is gone [sim_device_gone(f.dev)]");
	fix_close(&f);

	/* Case 2: GETSTATUS STALLs while the device stays in dfuMANIFEST-SYNC. */
	if (!setup(&f, OP_LEAVE, &status_stall)) {
		skip(5, "no f4 model");
		return;
	}
	r = run(&f, OP_LEAVE, &gone);
	is_int(r, ERR_PROTOCOL, "leave GETSTATUS stalled, device still there: a failure (76)");
	is_int(gone, false, "not gone, and the model is on the bus [gone]");
	is_int(sim_device_gone(f.dev), false,
	       "not gone, and the model is on the bus [sim_device_gone(f.dev)]");
	is_substr(f.err.msg, "leave: GETSTATUS stalled", "the message names the state: \"%s\"",
		  f.err.msg);
	is_substr(f.err.msg, "still on the bus (state dfuMANIFEST-SYNC)",
		  "the message names the state: \"%s\"", f.err.msg);
	fix_close(&f);

	/* The device was gone before the leave DNLOAD (request 4) reached it. */
	if (!setup(&f, OP_LEAVE, &nodev_dnload)) {
		skip(2, "no f4 model");
		return;
	}
	r = run(&f, OP_LEAVE, &gone);
	is_int(r, ERR_IO, "device gone before the leave request: a failure (74)");
	ok(contains(f.err.msg, "left the bus before it took the request in"), "message: \"%s\"",
	   f.err.msg);
	fix_close(&f);

	/* GD32VF103: leaves without answering the GETSTATUS; with the quirk, no long wait. */
	if (!fix_open(&f, "gd32vf103", NULL)) {
		skip(3, "no gd32vf103 model");
		return;
	}
	f.d.quirks = &gd32_quirks;
	r = dfuse_leave(&f.d, true, FLASH, &gone, &f.err);
	is_int(r, ERR_OK, "GD32VF103 leave without a status answer: success");
	is_int(gone, true, "gone, settled in %.3f s of device time [gone]",
	       (double)memtransport_now(f.mt) / 1e6);
	cmp_int(memtransport_now(f.mt), <, 2000000,
		"gone, settled in %.3f s of device time [memtransport_now(f.mt)]",
		(double)memtransport_now(f.mt) / 1e6);
	fix_close(&f);
}

static void test_unprotect_cases(void)
{
	struct sim_faults nodev = { .read_protected = true, .fail_at = 1 };
	struct sim_faults hang = { .read_protected = true, .unprotect_hang = true };
	struct sim_faults late = { .read_protected = true, .disconnect_after = 3 };
	struct fix f;
	bool gone;
	int r;

	/* Case 1a: the DNLOAD fails with "no device": it never reached the chip. */
	if (!setup(&f, OP_UNPROTECT, &nodev)) {
		skip(4, "no f4 model");
		return;
	}
	r = run(&f, OP_UNPROTECT, &gone);
	is_int(r, ERR_IO, "unprotect DNLOAD with no device: a failure (74)");
	is_int(gone, false, "not gone; the flash was not erased [gone]");
	is_int(mem_all(&f, FLASH, 0xFF, PATTERN_LEN), false,
	       "not gone; the flash was not erased [mem_all(&f, FLASH, 0xFF, PATTERN_LEN)]");
	ok(contains(f.err.msg, "read unprotect: DNLOAD: device disconnected"), "message: \"%s\"",
	   f.err.msg);
	fix_close(&f);

	/* Case 1b: the device stays on the bus, busy, until GETSTATUS times out. */
	if (!setup(&f, OP_UNPROTECT, &hang)) {
		skip(5, "no f4 model");
		return;
	}
	r = run(&f, OP_UNPROTECT, &gone);
	is_int(r, ERR_IO, "unprotect that never answers: a failure (74)");
	is_int(gone, false, "message: \"%s\" [gone]", f.err.msg);
	is_substr(f.err.msg, "timed out", "message: \"%s\"", f.err.msg);
	is_substr(f.err.msg, "still on the bus but does not answer", "message: \"%s\"", f.err.msg);
	ok(memtransport_now(f.mt) < UINT64_C(70000000),
	   "bounded: one request's timeout plus the confirmation, %.1f s",
	   (double)memtransport_now(f.mt) / 1e6);
	fix_close(&f);

	/* The device answered dfuDNBUSY, then reset before reporting done: success. */
	if (!setup(&f, OP_UNPROTECT, &late)) {
		skip(3, "no f4 model");
		return;
	}
	r = run(&f, OP_UNPROTECT, &gone);
	is_int(r, ERR_OK, "unprotect: gone after it started the work: success");
	is_int(gone, true, "gone, and the flash is erased [gone]");
	is_int(mem_all(&f, FLASH, 0xFF, PATTERN_LEN), true,
	       "gone, and the flash is erased [mem_all(&f, FLASH, 0xFF, PATTERN_LEN)]");
	fix_close(&f);
}

/* dfu_confirm() itself, on each answer a device can give. */
static void test_confirm(void)
{
	struct sim_faults hang = { .unprotect_hang = true };
	struct fix f;
	uint8_t state = 0;
	static const uint8_t unprotect[1] = { DFUSE_CMD_READ_UNPROTECT };
	struct dfu_status st;
	uint64_t t0;

	if (!fix_open(&f, "f4", NULL)) {
		skip(4, "no f4 model");
		return;
	}
	is_int(dfu_confirm(&f.d, &state), DFU_HERE,
	       "an idle device: here, in dfuIDLE [dfu_confirm(&f.d, &state)]");
	is_int(state, DFU_STATE_IDLE, "an idle device: here, in dfuIDLE [state]");
	sim_device_set_faults(f.dev, &(struct sim_faults){ .fail_at = 2 });
	ok(dfu_confirm(&f.d, &state) == DFU_GONE, "a device that vanishes at the probe: gone");
	fix_close(&f);

	if (!fix_open(&f, "f4", &hang)) {
		skip(3, "no f4 model");
		return;
	}
	dfu_dnload(&f.d, 0, unprotect, 1, &f.err);
	dfu_get_status(&f.d, &st, &f.err);
	t0 = memtransport_now(f.mt);
	ok(dfu_confirm(&f.d, &state) == DFU_SILENT, "a device that answers nothing: silent");
	t0 = memtransport_now(f.mt) - t0;
	cmp_int(t0, >=, DFU_CONFIRM_WINDOW_MS * 1000u,
		"it was looked for during the window, and no longer: %.3f s [t0]",
		(double)t0 / 1e6);
	cmp_int(t0, <, 2 * DFU_CONFIRM_WINDOW_MS * 1000u,
		"it was looked for during the window, and no longer: %.3f s [t0]",
		(double)t0 / 1e6);
	fix_close(&f);
}

/* Case 6: the H7's stuck erase, recovered with the quirk, bounded without it. */
/* An H7 whose erases stay dfuDNBUSY: stuck one second after the announced time. */
static const struct dfu_quirks h7_quirks = { .flags = QUIRK_STUCK_BUSY, .stuck_after_ms = 1000 };

static void test_stuck_erase(void)
{
	struct sim_faults stuck = { .stuck_busy_high = true };
	static uint8_t pat[PATTERN_LEN];
	const uint32_t sector = FLASH + 0x100000u;
	struct fix f;
	struct sim_stats s;
	int r;

	if (!fix_open(&f, "h7", &stuck)) {
		skip(6, "no h7 model");
		return;
	}
	fill_pattern(pat, sizeof(pat));
	sim_device_load(f.dev, sector, pat, sizeof(pat));
	f.d.quirks = &h7_quirks;
	r = dfuse_erase_sector(&f.d, sector, 128u * 1024u, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "H7 erase above 1 MiB that stays dfuDNBUSY: recovered");
	is_int(mem_all(&f, sector, 0xFF, PATTERN_LEN), true,
	       "the sector is blank and the device in dfuIDLE [mem_all(&f, sector, 0xFF, PATTERN_LEN)]");
	is_int(sim_device_state(f.dev), DFU_STATE_IDLE,
	       "the sector is blank and the device in dfuIDLE [sim_device_state(f.dev)]");
	is_int(s.clrstatus, 2,
	       "two CLRSTATUS, no forbidden request, no early poll (%lu, %lu, %lu) [s.clrstatus]",
	       s.clrstatus, s.forbidden, s.early_polls);
	is_int(s.forbidden, 0,
	       "two CLRSTATUS, no forbidden request, no early poll (%lu, %lu, %lu) [s.forbidden]",
	       s.clrstatus, s.forbidden, s.early_polls);
	is_int(s.early_polls, 0,
	       "two CLRSTATUS, no forbidden request, no early poll (%lu, %lu, %lu) [s.early_polls]",
	       s.clrstatus, s.forbidden, s.early_polls);
	ok(memtransport_now(f.mt) < 10000000u, "in %.1f s: announced 2 s plus the 1 s margin",
	   (double)memtransport_now(f.mt) / 1e6);
	fix_close(&f);

	if (!fix_open(&f, "h7", &stuck)) {
		skip(3, "no h7 model");
		return;
	}
	r = dfuse_erase_sector(&f.d, sector, 128u * 1024u, &f.err);
	is_int(r, ERR_IO, "without the quirk: a failure");
	is_substr(f.err.msg, "still busy", "after one request's cap, %.0f s: \"%s\"",
		  (double)memtransport_now(f.mt) / 1e6, f.err.msg);
	cmp_int(memtransport_now(f.mt), <=, 125000000u,
		"after one request's cap, %.0f s: \"%s\" [memtransport_now(f.mt)]",
		(double)memtransport_now(f.mt) / 1e6, f.err.msg);
	fix_close(&f);
}

/* Case 10: a request busy for hundreds of polls gets one warning naming the address. */
static void test_busy_warning(void)
{
	struct sim_faults repeat = { .busy_repeat = 300 };
	struct capture warn;
	struct fix f;
	struct ui ui = { 0 };
	const char *text;
	const char *first;
	int r;

	if (!fix_open(&f, "f1", &repeat)) {
		skip(4, "no f1 model");
		return;
	}
	if (!capture_open(&warn)) {
		skip(4, "cannot capture the warnings");
		fix_close(&f);
		return;
	}
	ui.err = warn.f;
	f.d.ui = &ui;
	r = dfuse_erase(&f.d, FLASH + 0x400, 1000, &f.err);
	r |= dfuse_erase(&f.d, FLASH + 0x800, 1000, &f.err);
	text = capture_close(&warn);
	is_int(r, ERR_OK, "erases that answer dfuDNBUSY 300 more times still succeed");
	is_substr(text, "device busy for", "one warning: how long");
	is_substr(text, "(302 polls)", "one warning: how many polls");
	is_substr(text, "at 0x08000400", "one warning: where");
	is_substr(text, "USB hub or another port", "one warning: what to try");
	first = text != NULL ? strstr(text, "device busy") : NULL;
	isnt_substr(first != NULL ? first + 1 : "", "device busy",
		    "given once per interface, not for the second erase");
	free(warn.text);
	fix_close(&f);

	if (!fix_open(&f, "f4", NULL)) {
		skip(1, "no f4 model");
		return;
	}
	if (!capture_open(&warn)) {
		skip(3, "cannot capture the warnings");
		fix_close(&f);
		return;
	}
	ui.err = warn.f;
	f.d.ui = &ui;
	r = dfuse_mass_erase(&f.d, &f.err);
	text = capture_close(&warn);
	is_int(r, ERR_OK, "a 16 s mass erase that takes its 16 s");
	is_str(text, "", "... gives no warning");
	is_int(warn.len, 0, "... not a byte of one");
	free(warn.text);
	fix_close(&f);
}

/* The quirk rows of this issue, as data. */
static void test_quirk_rows(void)
{
	struct dfu_quirks q;
	char out[128];

	is_int(quirks_lookup(0x28e9, 0x0189, 0x1000, "3?BJ", &q), true,
	       "GD32VF103 serial 3?BJ: layout and leave quirks [quirks_lookup(0x28e9, 0x0189, 0x1000,...]");
	is_hex(q.flags & QUIRK_GD32VF103_LAYOUT, QUIRK_GD32VF103_LAYOUT,
	       "GD32VF103 serial 3?BJ: layout and leave quirks [q.flags]");
	is_hex(q.flags & QUIRK_LEAVE_NO_STATUS, QUIRK_LEAVE_NO_STATUS,
	       "GD32VF103 serial 3?BJ: layout and leave quirks [q.flags]");
	ok(!quirks_lookup(0x28e9, 0x0189, 0x1000, "GD32F30X", &q),
	   "another GD32 ROM with the same IDs: no quirk");
	is_int(quirks_gd32vf103_layout("3?BJ", "@Internal Flash  /0x08000000/512*002Kg", out,
				       sizeof(out)),
	       true, "B: 128 pages of 1 KiB: \"%s\" [quirks_gd32vf103_layout(\"3?BJ\", \"@Int...]",
	       out);
	is_str(out, "@Internal Flash  /0x08000000/128*001Kg", "B: 128 pages of 1 KiB: \"%s\" [out]",
	       out);
	is_int(quirks_gd32vf103_layout("3?4J", "@Internal Flash  /0x08000000/512*002Kg", out,
				       sizeof(out)),
	       true, "4: 16 pages: \"%s\" [quirks_gd32vf103_layout(\"3?4J\", \"@Int...]", out);
	is_str(out, "@Internal Flash  /0x08000000/16*001Kg", "4: 16 pages: \"%s\" [out]", out);
	is_int(quirks_gd32vf103_layout("3?ZJ", "@Internal Flash  /0x08000000/512*002Kg", out,
				       sizeof(out)),
	       false,
	       "an unknown size code, another alt, a short serial: left alone [quirks_gd32vf103_layout(\"3?ZJ\", \"@Int...]");
	is_int(quirks_gd32vf103_layout("3?BJ", "@Option Bytes  /0x1FFFF800/01*016Be", out,
				       sizeof(out)),
	       false,
	       "an unknown size code, another alt, a short serial: left alone [quirks_gd32vf103_layout(\"3?BJ\", \"@Opt...]");
	is_int(quirks_gd32vf103_layout("3", "@Internal Flash  /0x08000000/512*002Kg", out,
				       sizeof(out)),
	       false,
	       "an unknown size code, another alt, a short serial: left alone [quirks_gd32vf103_layout(\"3\", \"@Intern...]");
	memset(&q, 0, sizeof(q));
	is_int(quirks_lookup_layout(0x0483, 0xdf11, "@Internal Flash   /0x08000000/16*128Kg", &q),
	       true,
	       "H743 layout: stuck-busy recovery and 32-byte flash words [quirks_lookup_layout(0x0483, 0xdf11, ...]");
	is_hex(q.flags & QUIRK_STUCK_BUSY, QUIRK_STUCK_BUSY,
	       "H743 layout: stuck-busy recovery and 32-byte flash words [q.flags]");
	is_int(q.flash_word, 32,
	       "H743 layout: stuck-busy recovery and 32-byte flash words [q.flash_word]");
	cmp_int(q.stuck_after_ms, >, 0,
		"H743 layout: stuck-busy recovery and 32-byte flash words [q.stuck_after_ms]");
	memset(&q, 0, sizeof(q));
	is_int(quirks_lookup_layout(0x0483, 0xdf11, "@Internal Flash   /0x08000000/256*08Kg", &q),
	       true,
	       "H5/U5 layout: 16-byte flash words [quirks_lookup_layout(0x0483, 0xdf11, ...]");
	is_int(q.flash_word, 16, "H5/U5 layout: 16-byte flash words [q.flash_word]");
	is_hex(q.flags & QUIRK_STUCK_BUSY, 0, "H5/U5 layout: 16-byte flash words [q.flags]");
	memset(&q, 0, sizeof(q));
	is_int(quirks_lookup_layout(0x0483, 0xdf11,
				    "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", &q),
	       false,
	       "F4 layout, or a longer group: no quirk [quirks_lookup_layout(0x0483, 0xdf11, ...]");
	is_int(quirks_lookup_layout(0x0483, 0xdf11, "@Internal Flash /0x08000000/16*128Kga", &q),
	       false,
	       "F4 layout, or a longer group: no quirk [quirks_lookup_layout(0x0483, 0xdf11, ...]");
	is_int(q.flags, 0, "F4 layout, or a longer group: no quirk [q.flags]");
}

/* Case 11: the ranges an alt covers, for messages. */
static void test_ranges(void)
{
	static const char *const rows[][2] = {
		{ "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
		  "0x08000000-0x080fffff" },
		{ "@Flash/0x08000000/8*001Ka,56*001Kg/0x1FFF0000/2*1Ka", "0x08000000-0x0800ffff, "
									 "0x1fff0000-0x1fff07ff" },
		{ "@Option Bytes  /0x1FFFC000/01*016 e", "0x1fffc000-0x1fffc00f" },
	};
	char buf[200], tiny[12];
	struct dfuse_mem_layout l;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool parsed = dfuse_mem_parse(rows[i][0], strlen(rows[i][0]), &l, NULL) == ERR_OK;

		is_int(parsed, true, "ranges of \"%s\": \"%s\" [parsed]", rows[i][0],
		       parsed ? buf : "(no parse)");
		is_str(plan_ranges(&l, buf, sizeof(buf)), rows[i][1],
		       "ranges of \"%s\": \"%s\" [plan_ranges(&l, buf, sizeof(buf))]", rows[i][0],
		       parsed ? buf : "(no parse)");
	}
	is_int(dfuse_mem_parse(rows[1][0], strlen(rows[1][0]), &l, NULL), ERR_OK,
	       "a buffer too small is cut, never overrun [dfuse_mem_parse(rows[1][0], strlen(ro...]");
	cmp_int(strlen(plan_ranges(&l, tiny, sizeof(tiny))), <, sizeof(tiny),
		"a buffer too small is cut, never overrun [strlen(plan_ranges(&l, tiny, sizeof(t...]");
}

int main(void)
{
	plan(95);
	/* Where the warnings are captured on Windows (see test_busy_warning). */
	if (!scratch_init("test-faults"))
		diag("no scratch directory: on Windows the captured warnings skip");
	test_ranges();
	test_quirk_rows();
	test_stuck_erase();
	test_busy_warning();
	test_confirm();
	test_leave_cases();
	test_unprotect_cases();
	for (int op = 0; op < OP_COUNT; op++)
		test_every_request((enum op)op);
	remove_tmpdir();
	return done_testing();
}
