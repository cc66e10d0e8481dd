/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the downloads of src/ops.c: the seed's -D and :leave command
 * lines, raw images placed by address, multi-target DfuSe files (sectors
 * shared, alts skipped, IDs checked), write-protected ranges and the
 * request count of a full 1 MiB flash: realistic command lines run by
 * opt_parse() and ops_run() against simulated devices on a virtual clock
 * (ops-test.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops-test.h"
#include "tap.h"

/* ---- the seed's three command lines --------------------------------------- */

static void test_seed_dfu(void)
{
	static uint8_t vectors[3000], app[20000];
	const struct elem els[] = { { FLASH, vectors, sizeof(vectors) },
				    { 0x08004000, app, sizeof(app) } };
	const struct tgt tg = { 0, "ST...", els, 2 };
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct sim_stats s;
	struct run res;

	fill_pattern(vectors, sizeof(vectors), 1);
	fill_pattern(app, sizeof(app), 2);
	if (sb == NULL || !write_dfu("fw.dfu", &tg, 1, 0x0483, 0xdf11)) {
		skip(9, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-a", "0", "-D", path_of("fw.dfu"), NULL);
	s = stats_of(dev);
	is_int(res.r, ERR_OK, "-a 0 -D fw.dfu: %s", res.err.msg);
	is_int(mem_is(dev, FLASH, vectors, sizeof(vectors)), true,
	       "both elements are in flash [mem_is(dev, FLASH, vectors, sizeof(ve...]");
	is_int(mem_is(dev, 0x08004000, app, sizeof(app)), true,
	       "both elements are in flash [mem_is(dev, 0x08004000, app, sizeof(a...]");
	ok(mem_all(dev, FLASH + sizeof(vectors), 0xFF, 0x4000 - sizeof(vectors)),
	   "the rest of sector 0 is blank");
	is_int(s.erase, 3, "sectors 0, 1, 2 erased once each (erase=%lu) [s.erase]", s.erase);
	is_int(s.erases_per_sector_max, 1,
	       "sectors 0, 1, 2 erased once each (erase=%lu) [s.erases_per_sector_max]", s.erase);
	is_int(s.set_address, 2, "one Set Address Pointer per element (contiguous run)");
	is_int(clean_protocol(dev), true,
	       "no early poll, unerased write or forbidden request; the device stays [clean_protocol(dev)]");
	is_int(sim_device_gone(dev), false,
	       "no early poll, unerased write or forbidden request; the device stays [sim_device_gone(dev)]");
	run_free(&res);
	simbackend_free(sb);
}

static void test_seed_leave(void)
{
	static uint8_t app[20000], junk[0x4000];
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct sim_stats s;
	struct capture log;
	struct run res;

	fill_pattern(app, sizeof(app), 4);
	if (sb == NULL || !write_file("app.bin", app, sizeof(app))) {
		skip(9, "setup failed");
		simbackend_free(sb);
		return;
	}
	fill_pattern(junk, sizeof(junk), 5);
	dev = simbackend_device(sb, 0);
	sim_device_load(dev, FLASH, junk, sizeof(junk));
	capture_open(&log);
	sim_device_set_log(dev, log.f);
	run(sb, &res, "-a", "0", "-s", "0x08004000:leave", "-D", path_of("app.bin"), NULL);
	sim_device_set_log(dev, NULL);
	capture_close(&log);
	s = stats_of(dev);
	is_int(res.r, ERR_OK, "-a 0 -s 0x08004000:leave -D app.bin: %s", res.err.msg);
	ok(mem_is(dev, 0x08004000, app, sizeof(app)), "the application is at 0x08004000");
	ok(mem_is(dev, FLASH, junk, sizeof(junk)), "sector 0 (the bootloader's) untouched");
	is_int(s.erase, 2, "sectors 1 and 2 erased once [s.erase]");
	is_int(s.erases_per_sector_max, 1, "sectors 1 and 2 erased once [s.erases_per_sector_max]");
	is_int(sim_device_gone(dev), true, "the device left DFU mode [sim_device_gone(dev)]");
	is_int(s.leave, 1, "the device left DFU mode [s.leave]");
	is_int(leave_address(log.text), 0x08004000, "after Set Address Pointer 0x08004000");
	is_substr(res.out, "The device is leaving DFU mode\n", "the user is told it is leaving");
	free(log.text);
	run_free(&res);
	simbackend_free(sb);
}

/* ---- downloads --------------------------------------------------------------- */

static void test_raw_alt_by_address(void)
{
	uint8_t otp[64];
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct run res;

	fill_pattern(otp, sizeof(otp), 6);
	if (sb == NULL || !write_file("otp.bin", otp, sizeof(otp))) {
		skip(3, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-s", "0x1FFF7800", "-D", path_of("otp.bin"), NULL);
	is_int(res.r, ERR_OK, "-s 0x1FFF7800 -D otp.bin (no -a): %s", res.err.msg);
	ok(mem_is(dev, 0x1FFF7800, otp, sizeof(otp)), "written to the OTP area");
	ok(contains(res.out, "Using alt 2"), "the alt holding the address was chosen and named");
	run_free(&res);
	simbackend_free(sb);
}

/* Two targets: flash elements out of order and sharing sectors, and the OTP area. */
static uint8_t e_a[3000], e_b[5000], e_c[100], e_d[0x5000], e_otp[32];
static const struct elem flash_els[] = {
	{ 0x08020100, e_a, sizeof(e_a) }, /* 128 KiB sector 5 */
	{ 0x08000000, e_b, sizeof(e_b) }, /* 16 KiB sector 0 */
	{ 0x08001400, e_c, sizeof(e_c) }, /* sector 0 again, after e_b */
	{ 0x0800C000, e_d, sizeof(e_d) }, /* sector 3 and into the 64 KiB sector 4 */
};
static const struct elem otp_els[] = { { 0x1FFF7800, e_otp, sizeof(e_otp) } };

static bool erased_except(struct sim_device *dev, uint32_t start, uint32_t size)
{
	uint8_t *m = malloc(size);
	bool good = m != NULL && sim_device_read(dev, start, m, size) == 0;

	for (uint32_t i = 0; good && i < size; i++) {
		uint32_t a = start + i;
		bool in = false;

		for (size_t k = 0; k < 4; k++)
			in = in ||
			     (a >= flash_els[k].addr && a < flash_els[k].addr + flash_els[k].len);
		if (!in && m[i] != 0xFF)
			good = false;
	}
	free(m);
	return good;
}

static void test_two_targets(void)
{
	const struct tgt tgs[] = { { 0, "Internal Flash", flash_els, 4 },
				   { 2, "OTP Memory", otp_els, 1 } };
	uint8_t *junk = malloc(MiB);
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct sim_stats s;
	struct run res;
	bool all = true;

	fill_pattern(e_a, sizeof(e_a), 10);
	fill_pattern(e_b, sizeof(e_b), 11);
	fill_pattern(e_c, sizeof(e_c), 12);
	fill_pattern(e_d, sizeof(e_d), 13);
	fill_pattern(e_otp, sizeof(e_otp), 14);
	if (junk == NULL || sb == NULL || !write_dfu("two.dfu", tgs, 2, 0x0483, 0xdf11)) {
		skip(11, "setup failed");
		free(junk);
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	fill_pattern(junk, MiB, 15);
	sim_device_load(dev, FLASH, junk, MiB);
	run(sb, &res, "-D", path_of("two.dfu"), NULL);
	s = stats_of(dev);
	is_int(res.r, ERR_OK, "-D two.dfu (flash + OTP targets): %s", res.err.msg);
	for (size_t k = 0; k < 4; k++)
		all = all && mem_is(dev, flash_els[k].addr, flash_els[k].data, flash_els[k].len);
	ok(all, "every flash element is in place");
	ok(mem_is(dev, 0x1FFF7800, e_otp, sizeof(e_otp)), "the OTP target went to alt 2");
	is_int(s.erases_per_sector_max, 1, "no sector erased twice (elements share sectors)");
	is_int(s.erase, 4, "exactly sectors 0, 3, 4 and 5 erased");
	is_int(erased_except(dev, FLASH, 0x4000), true,
	       "0xFF everywhere else in the erased sectors [erased_except(dev, FLASH, 0x4000)]");
	is_int(erased_except(dev, 0x0800C000, 0x14000), true,
	       "0xFF everywhere else in the erased sectors [erased_except(dev, 0x0800C000, 0x14000)]");
	is_int(erased_except(dev, 0x08020000, 0x20000), true,
	       "0xFF everywhere else in the erased sectors [erased_except(dev, 0x08020000, 0x20000)]");
	is_int(mem_is(dev, 0x08004000, junk + 0x4000, 0x8000), true,
	       "sectors the image does not touch keep their contents [mem_is(dev, 0x08004000, junk + 0x4000...]");
	is_int(mem_is(dev, 0x08040000, junk + 0x40000, MiB - 0x40000), true,
	       "sectors the image does not touch keep their contents [mem_is(dev, 0x08040000, junk + 0x4000...]");
	is_int(s.set_address, 5, "one Set Address Pointer per element");
	run_free(&res);
	simbackend_free(sb);

	/* The same file with :leave: the device must jump into the flash, not the OTP alt. */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(2, "setup failed");
		free(junk);
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-s", ":leave", "-D", path_of("two.dfu"), NULL);
	ok(res.r == ERR_OK, "-s :leave -D two.dfu succeeds: %s", res.err.msg);
	ok(sim_device_gone(dev), "and the device left DFU mode");
	run_free(&res);
	simbackend_free(sb);
	free(junk);
}

static void test_alt_skips_target(void)
{
	static uint8_t app[4096];
	static const uint8_t ob[16] = { 0xEC, 0xAA, 0x13, 0x55, 0xFF, 0xFF, 0xFF, 0x7F,
					0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF };
	const struct elem app_el[] = { { FLASH, app, sizeof(app) } };
	const struct elem ob_el[] = { { 0x1FFFC000, ob, sizeof(ob) } };
	const struct tgt tgs[] = { { 0, "Internal Flash", app_el, 1 },
				   { 1, "Option Bytes", ob_el, 1 } };
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct run res;
	uint8_t ob_before[16];

	fill_pattern(app, sizeof(app), 20);
	if (sb == NULL || !write_dfu("fw-ob.dfu", tgs, 2, 0xFFFF, 0xFFFF)) {
		skip(9, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	sim_device_read(dev, 0x1FFFC000, ob_before, sizeof(ob_before));
	run(sb, &res, "-a", "0", "-D", path_of("fw-ob.dfu"), NULL);
	is_int(res.r, ERR_OK, "-a 0 -D fw-ob.dfu: %s", res.err.msg);
	ok(mem_is(dev, FLASH, app, sizeof(app)), "the flash target is written");
	is_int(mem_is(dev, 0x1FFFC000, ob_before, sizeof(ob_before)), true,
	       "the option bytes target is not (the device did not reset) [mem_is(dev, 0x1FFFC000, ob_before, si...]");
	is_int(sim_device_gone(dev), false,
	       "the option bytes target is not (the device did not reset) [sim_device_gone(dev)]");
	is_substr(res.errtxt, "warning: skipping target 2 (alt 1, \"Option Bytes\")",
		  "a warning names the skipped target: \"%s\"", res.errtxt ? res.errtxt : "");
	is_substr(res.errtxt, "-a selects alt 0", "a warning names the skipped target: \"%s\"",
		  res.errtxt ? res.errtxt : "");
	run_free(&res);
	simbackend_free(sb);

	/* -a 1 with :will-reset: only the option bytes, and the reset is expected. */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(5, "setup failed");
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-a", "1", "-s", ":will-reset", "-D", path_of("fw-ob.dfu"), NULL);
	is_int(res.r, ERR_OK, "-a 1 -s :will-reset -D fw-ob.dfu: %s", res.err.msg);
	ok(mem_is(dev, 0x1FFFC000, ob, sizeof(ob)), "option bytes written");
	ok(mem_all(dev, FLASH, 0xFF, sizeof(app)), "flash target skipped");
	ok(sim_device_gone(dev), "the device reset to load them");
	ok(contains(res.errtxt, "skipping target 1 (alt 0, \"Internal Flash\")"),
	   "the skipped flash target is named");
	run_free(&res);
	simbackend_free(sb);
}

static void test_missing_alt_and_suffix(void)
{
	static uint8_t data[256];
	const struct elem el[] = { { FLASH, data, sizeof(data) } };
	const struct tgt bad_alt[] = { { 7, NULL, el, 1 } };
	const struct tgt good[] = { { 0, NULL, el, 1 } };
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct run res;

	fill_pattern(data, sizeof(data), 21);
	if (sb == NULL || !write_dfu("alt7.dfu", bad_alt, 1, 0x0483, 0xdf11) ||
	    !write_dfu("other.dfu", good, 1, 0x1234, 0x5678)) {
		skip(11, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-D", path_of("alt7.dfu"), NULL);
	is_int(res.r, ERR_DATA, "a target for alt 7 the device lacks: ERR_DATA: \"%s\" [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "alt 7", "a target for alt 7 the device lacks: ERR_DATA: \"%s\"",
		  res.err.msg);
	is_int(stats_of(dev).dnload, 0, "refused before any DNLOAD");
	run_free(&res);

	run(sb, &res, "-d", "0483:df11", "-D", path_of("other.dfu"), NULL);
	is_int(res.r, ERR_DATA,
	       "suffix for 1234:5678 with -d 0483:df11: ERR_DATA naming both: \"%s\" [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "1234:5678",
		  "suffix for 1234:5678 with -d 0483:df11: ERR_DATA naming both: \"%s\"",
		  res.err.msg);
	is_substr(res.err.msg, "0483:df11",
		  "suffix for 1234:5678 with -d 0483:df11: ERR_DATA naming both: \"%s\"",
		  res.err.msg);
	is_int(stats_of(dev).dnload, 0, "refused before any DNLOAD");
	run_free(&res);

	run(sb, &res, "-D", path_of("other.dfu"), NULL);
	is_int(res.r, ERR_OK, "the same file without -d: %s", res.err.msg);
	is_substr(res.errtxt, "warning", "flashed, with a warning naming the file's IDs");
	is_substr(res.errtxt, "1234:5678", "flashed, with a warning naming the file's IDs");
	is_int(mem_is(dev, FLASH, data, sizeof(data)), true,
	       "flashed, with a warning naming the file's IDs [mem_is(dev, FLASH, data, sizeof(data))]");
	run_free(&res);
	simbackend_free(sb);
}

static void test_protected_boot(void)
{
	static uint8_t img[1024], before[1024];
	struct simbackend *sb = bus("protboot", NULL);
	struct sim_device *dev;
	struct run res;

	fill_pattern(img, sizeof(img), 22);
	if (sb == NULL || !write_file("boot.bin", img, sizeof(img))) {
		skip(11, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	sim_device_read(dev, FLASH, before, sizeof(before));
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("boot.bin"), NULL);
	is_int(res.r, ERR_USAGE, "protboot: a write into the read-only 64 KiB is refused");
	is_substr(res.err.msg, "0x08000000-0x080003ff", "naming the protected range: \"%s\"",
		  res.err.msg);
	is_substr(res.err.msg, "write-protected", "naming the protected range: \"%s\"",
		  res.err.msg);
	is_substr(res.err.msg, "first writeable address after it is 0x08010000",
		  "the first writeable address and :force");
	is_substr(res.err.msg, ":force", "the first writeable address and :force");
	is_int(stats_of(dev).dnload, 0, "before any DNLOAD (no erase, no write)");
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x08000000:force", "-D", path_of("boot.bin"), NULL);
	is_int(res.r, ERR_PROTOCOL, ":force sends it; the device refuses");
	is_substr(res.err.msg, "device reported errWRITE",
		  "the error carries the device status: \"%s\"", res.err.msg);
	is_substr(res.err.msg, "0x08000000", "the error carries the device status: \"%s\"",
		  res.err.msg);
	is_int(mem_is(dev, FLASH, before, sizeof(before)), true,
	       "the bootloader is intact and nothing was erased [mem_is(dev, FLASH, before, sizeof(bef...]");
	is_int(stats_of(dev).erase, 0,
	       "the bootloader is intact and nothing was erased [stats_of(dev).erase]");
	run_free(&res);
	simbackend_free(sb);
}

/* ---- the request count of a full 1 MiB flash ------------------------------------ */

static void test_request_count(void)
{
	uint8_t *img = malloc(MiB);
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct sim_stats s;
	struct run res;

	if (img == NULL || sb == NULL) {
		skip(6, "setup failed");
		free(img);
		simbackend_free(sb);
		return;
	}
	fill_pattern(img, MiB, 100);
	write_file("r1m.bin", img, MiB);
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("r1m.bin"), NULL);
	s = stats_of(dev);
	is_int(res.r, ERR_OK, "1 MiB random image, full flash [res.r]");
	is_int(mem_is(dev, FLASH, img, MiB), true,
	       "1 MiB random image, full flash [mem_is(dev, FLASH, img, MiB)]");
	is_int(s.set_address, 1,
	       "1 pointer + 12 erases + 512 blocks, two GETSTATUS each, one to start [s.set_address]");
	is_int(s.erase, 12,
	       "1 pointer + 12 erases + 512 blocks, two GETSTATUS each, one to start [s.erase]");
	is_int(s.dnload, 1 + 12 + 512,
	       "1 pointer + 12 erases + 512 blocks, two GETSTATUS each, one to start [s.dnload]");
	is_int(s.getstatus, 2 * s.dnload + 1,
	       "1 pointer + 12 erases + 512 blocks, two GETSTATUS each, one to start [s.getstatus]");
	diag("f4 1 MiB random image, full flash (-a 0 -s 0x08000000 -D): %lu DFU requests (DNLOAD "
	     "%lu, GETSTATUS %lu, "
	     "UPLOAD %lu, ABORT %lu, CLRSTATUS %lu), Set Address %lu, erases %lu; engine count "
	     "%lu; virtual time %.3f s, device-imposed wait %.3f s",
	     s.dfu_requests, s.dnload, s.getstatus, s.upload, s.abort, s.clrstatus, s.set_address,
	     s.erase, res.st.requests, (double)simbackend_now(sb) / 1e6,
	     (double)s.device_wait_us / 1e6);
	run_free(&res);
	simbackend_free(sb);
	free(img);
}

int main(void)
{
	if (!scratch_init("test-ops-download"))
		skip_all("cannot create a temporary directory");

	test_seed_dfu();
	test_seed_leave();
	test_raw_alt_by_address();
	test_two_targets();
	test_alt_skips_target();
	test_missing_alt_and_suffix();
	test_protected_boot();
	test_request_count();
	remove_tmpdir();
	return done_testing();
}
