/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of --verify, --diff and the knobs of issue 11 (--require-suffix,
 * --usb-timeout, --poll-timeout-max), and of a layout string with junk
 * after its last group: realistic command lines run by opt_parse() and
 * ops_run() against simulated devices on a virtual clock (ops-test.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops-test.h"
#include "tap.h"

/* ---- --verify ------------------------------------------------------------------------ */

/* A weak flash cell: on the first ABORT (the start of the read-back) one byte flips. */
struct weak_cell {
	uint32_t addr;
	bool done;
};

static void weak_cell_hook(void *arg, struct sim_device *dev, uint8_t bmRequestType,
			   uint8_t bRequest, uint16_t wValue, int tr_status)
{
	struct weak_cell *w = arg;
	uint8_t b;

	(void)bmRequestType;
	(void)wValue;
	if (w->done || bRequest != 6 || tr_status != TR_OK)
		return;
	sim_device_read(dev, w->addr, &b, 1);
	b ^= 0x10;
	sim_device_load(dev, w->addr, &b, 1);
	w->done = true;
}

static void test_verify(void)
{
	static uint8_t img[40000];
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct weak_cell weak = { 0x08001234, false };
	struct run res;
	unsigned long uploads;

	fill_pattern(img, sizeof(img), 50);
	if (sb == NULL || !write_file("v.bin", img, sizeof(img))) {
		skip(5, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--verify", "-D", path_of("v.bin"), NULL);
	uploads = stats_of(dev).upload;
	is_int(res.r, ERR_OK, "--verify after a good flash: %s", res.err.msg);
	cmp_int(uploads, >=, sizeof(img) / 2048, "the image was read back (%lu UPLOADs) [uploads]",
		uploads);
	is_int(mem_is(dev, FLASH, img, sizeof(img)), true,
	       "the image was read back (%lu UPLOADs) [mem_is(dev, FLASH, img, sizeof(img))]",
	       uploads);
	run_free(&res);
	simbackend_free(sb);

	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(3, "setup failed");
		return;
	}
	simbackend_set_hook(sb, weak_cell_hook, &weak);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--verify", "-D", path_of("v.bin"), NULL);
	is_int(res.r, ERR_VERIFY, "--verify with a cell that lost its charge: ERR_VERIFY");
	ok(contains(res.err.msg, "0x08001234"), "naming the first differing address: \"%s\"",
	   res.err.msg);
	ok(weak.done, "(the fault was injected)");
	run_free(&res);
	simbackend_free(sb);
}

/* ---- --diff --------------------------------------------------------------------------- */

/* A part whose flash cannot be read back through DFU: erasable + writeable only ('f'). */
static const struct sim_chip noread_chip = {
	.name = "noread",
	.description = "DfuSe bootloader whose flash is write-only ('f' sectors)",
	.idVendor = 0x0483,
	.idProduct = 0xdf11,
	.bcdDevice = 0x0200,
	.manufacturer = "Test",
	.product = "Write-only flash",
	.serial = "NOREAD01",
	.bMaxPacketSize0 = 64,
	.bmAttributes = 0x0B,
	.wDetachTimeOut = 255,
	.wTransferSize = 2048,
	.bcdDFUVersion = 0x011A,
	.nalts = 1,
	.alt_names = { "@Internal Flash  /0x08000000/04*016Kf,01*064Kf" },
	.timing = { .cmd_ms = 1,
		    .write_ms = 8,
		    .erase_ms_per_16k = 250,
		    .erase_min_ms = 250,
		    .mass_erase_ms = 16000,
		    .manifest_ms = 1 },
};

static void test_diff(void)
{
	uint8_t *img = malloc(MiB), *img2 = malloc(MiB), *mem1 = malloc(MiB), *mem2 = malloc(MiB);
	struct simbackend *sb = NULL, *sb2 = NULL;
	struct sim_device *dev, *dev2;
	struct sim_stats before, after;
	struct run res;

	if (img == NULL || img2 == NULL || mem1 == NULL || mem2 == NULL) {
		skip(17, "out of memory");
		goto out;
	}
	fill_pattern(img, MiB, 60);
	memcpy(img2, img, MiB);
	fill_pattern(img2 + 0x5000, 4 * KiB, 61); /* 4 KiB inside 16 KiB sector 1 */
	sb = bus("f4", NULL);
	sb2 = bus("f4", NULL);
	if (sb == NULL || sb2 == NULL || !write_file("big.bin", img, MiB) ||
	    !write_file("big2.bin", img2, MiB)) {
		skip(17, "setup failed");
		goto out;
	}
	dev = simbackend_device(sb, 0);
	dev2 = simbackend_device(sb2, 0);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("big.bin"), NULL);
	is_int(res.r, ERR_OK, "full flash of 1 MiB: %s", res.err.msg);
	run_free(&res);

	before = stats_of(dev);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("big.bin"), NULL);
	after = stats_of(dev);
	is_int(res.r, ERR_OK, "--diff, unchanged image: %s", res.err.msg);
	is_int(after.erase - before.erase, 0, "zero erases");
	is_int(after.bytes_written - before.bytes_written, 0, "zero bytes written");
	is_int(after.dnload - before.dnload, after.set_address - before.set_address,
	       "no data DNLOAD at all (only the pointers of the read-back)");
	is_int(res.st.sectors_skipped, 12, "all 12 sectors reported unchanged");
	run_free(&res);

	before = stats_of(dev);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("big2.bin"), NULL);
	after = stats_of(dev);
	is_int(res.r, ERR_OK, "--diff, 4 KiB changed in one 16 KiB sector: %s", res.err.msg);
	is_int(after.erase - before.erase, 1, "exactly one erase");
	is_int(after.bytes_written - before.bytes_written, 16 * KiB, "one sector rewritten");
	ok(clean_protocol(dev), "no early poll, unerased write or forbidden request");
	run_free(&res);

	run(sb2, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("big2.bin"), NULL);
	is_int(res.r, ERR_OK, "the same image by a full flash on a fresh device");
	run_free(&res);
	sim_device_read(dev, FLASH, mem1, MiB);
	sim_device_read(dev2, FLASH, mem2, MiB);
	is_mem(mem1, mem2, MiB,
	       "the memory after --diff is identical to the memory after a full flash [mem1]");
	is_mem(mem1, img2, MiB,
	       "the memory after --diff is identical to the memory after a full flash [mem1]");

	/* 4 KiB changed inside a 128 KiB sector. */
	fill_pattern(img2 + 0x80000, 4 * KiB, 62);
	write_file("big3.bin", img2, MiB);
	before = stats_of(dev);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("big3.bin"), NULL);
	after = stats_of(dev);
	is_int(res.r, ERR_OK,
	       "--diff, 4 KiB changed in a 128 KiB sector: one erase, memory == image [res.r]");
	is_int(after.erase - before.erase, 1,
	       "--diff, 4 KiB changed in a 128 KiB sector: one erase, memory == image [after.erase - before.erase]");
	is_int(mem_is(dev, FLASH, img2, MiB), true,
	       "--diff, 4 KiB changed in a 128 KiB sector: one erase, memory == image [mem_is(dev, FLASH, img2, MiB)]");
	run_free(&res);
	simbackend_free(sb);
	simbackend_free(sb2);
	sb = sb2 = NULL;

	/* Unreadable flash: --diff falls back to a full flash without reading. */
	sb = simbackend_new();
	dev = sb != NULL ? add_chip(sb, &noread_chip, NULL) : NULL;
	if (dev == NULL) {
		skip(5, "setup failed");
		goto out;
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("v.bin"), NULL);
	is_int(res.r, ERR_OK, "--diff on write-only flash: %s", res.err.msg);
	ok(contains(res.out, "flashing in full"), "says it flashes in full");
	is_int(stats_of(dev).upload, 0, "no UPLOAD; sectors 0-2 erased [stats_of(dev).upload]");
	is_int(stats_of(dev).erase, 3, "no UPLOAD; sectors 0-2 erased [stats_of(dev).erase]");
	run_free(&res);
	simbackend_free(sb);
	sb = NULL;

	/* Read protection: reading fails, the fallback's erase then tells the user why. */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(5, "setup failed");
		goto out;
	}
	dev = simbackend_device(sb, 0);
	sim_device_set_faults(dev, &(struct sim_faults){ .read_protected = true });
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("v.bin"), NULL);
	is_substr(res.out, "Cannot compare",
		  "--diff on a read-protected device falls back to a full flash");
	is_substr(res.out, "flashing in full",
		  "--diff on a read-protected device falls back to a full flash");
	is_int(res.r, ERR_PROTOCOL,
	       "whose erase fails with the read-protection hint: \"%s\" [res.r]", res.err.msg);
	is_substr(res.err.msg, "errVENDOR",
		  "whose erase fails with the read-protection hint: \"%s\"", res.err.msg);
	is_substr(res.err.msg, ":unprotect:force",
		  "whose erase fails with the read-protection hint: \"%s\"", res.err.msg);
	run_free(&res);
out:
	simbackend_free(sb);
	simbackend_free(sb2);
	free(img);
	free(img2);
	free(mem1);
	free(mem2);
}

/* The hook of test_diff_read_failure: the request after the first UPLOAD fails. */
static void fail_after_upload(void *arg, struct sim_device *dev, uint8_t bmRequestType,
			      uint8_t bRequest, uint16_t wValue, int tr_status)
{
	int *kind = arg;
	struct sim_stats s;

	(void)bmRequestType;
	(void)wValue;
	(void)tr_status;
	if (bRequest != 2 || *kind < 0)
		return;
	sim_device_stats(dev, &s);
	sim_device_set_faults(dev,
			      &(struct sim_faults){ .fail_at = (unsigned)s.requests + 1,
						    .fail_kind = (enum sim_fail_kind) * kind });
	*kind = -1;
}

/*
 * Issue 11, case 5: --diff falls back to a full flash only when reading is
 * not allowed; a read that fails (disconnect, timeout, I/O error) stops the
 * run before anything is erased, after at most one request's wait.
 */
static void test_diff_read_failure(void)
{
	static const char *const names[] = { "disconnect", "STALL", "timeout", "I/O error" };
	uint8_t img[20 * KiB];

	fill_pattern(img, sizeof(img), 70);
	if (!write_file("diffr.bin", img, sizeof(img))) {
		skip(4, "setup failed");
		return;
	}
	for (int k = SIM_FAIL_NODEV; k <= SIM_FAIL_IO; k++) {
		struct simbackend *sb = bus("f4", NULL);
		struct sim_device *dev = sb != NULL ? simbackend_device(sb, 0) : NULL;
		struct run res;
		int kind = k;

		if (dev == NULL) {
			skip(6, "setup failed");
			simbackend_free(sb);
			continue;
		}
		simbackend_set_hook(sb, fail_after_upload, &kind);
		run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("diffr.bin"),
		    NULL);
		isnt_int(res.r, ERR_OK,
			 "--diff read failing by %s: stops, nothing erased, in %.1f s: \"%s\" [res.r]",
			 names[k], (double)simbackend_now(sb) / 1e6, res.err.msg);
		is_int(stats_of(dev).erase, 0,
		       "--diff read failing by %s: stops, nothing erased, in %.1f s: \"%s\" [stats_of(dev).erase]",
		       names[k], (double)simbackend_now(sb) / 1e6, res.err.msg);
		cmp_int(stats_of(dev).dnload, <=, 4,
			"--diff read failing by %s: stops, nothing erased, in %.1f s: \"%s\" [stats_of(dev).dnload]",
			names[k], (double)simbackend_now(sb) / 1e6, res.err.msg);
		isnt_substr(res.out, "flashing in full",
			    "--diff read failing by %s: stops, nothing erased, in %.1f s: \"%s\"",
			    names[k], (double)simbackend_now(sb) / 1e6, res.err.msg);
		is_substr(res.err.msg, "--diff: comparing alt 0 (nothing of it erased",
			  "--diff read failing by %s: stops, nothing erased, in %.1f s: \"%s\"",
			  names[k], (double)simbackend_now(sb) / 1e6, res.err.msg);
		cmp_int(simbackend_now(sb), <, UINT64_C(130000000),
			"--diff read failing by %s: stops, nothing erased, in %.1f s: \"%s\" [simbackend_now(sb)]",
			names[k], (double)simbackend_now(sb) / 1e6, res.err.msg);
		run_free(&res);
		simbackend_free(sb);
	}
}

/* What fail_after_dnload does: the request after the @nth DNLOAD fails with @kind. */
struct fail_after {
	int nth;
	int kind;
	int seen;
};

static void fail_after_dnload(void *arg, struct sim_device *dev, uint8_t bmRequestType,
			      uint8_t bRequest, uint16_t wValue, int tr_status)
{
	struct fail_after *f = arg;
	struct sim_stats s;

	(void)bmRequestType;
	(void)wValue;
	(void)tr_status;
	if (bRequest != 1 || ++f->seen != f->nth)
		return;
	sim_device_stats(dev, &s);
	sim_device_set_faults(dev,
			      &(struct sim_faults){ .fail_at = (unsigned)s.requests + 1,
						    .fail_kind = (enum sim_fail_kind)f->kind });
}

/* --require-suffix, --usb-timeout and --poll-timeout-max (issue 11's knobs). */
static void test_knobs(void)
{
	static uint8_t data[4096];
	const struct elem el[] = { { FLASH, data, sizeof(data) } };
	const struct tgt good[] = { { 0, NULL, el, 1 } };
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev = sb != NULL ? simbackend_device(sb, 0) : NULL;
	struct run res;
	uint64_t t0;

	fill_pattern(data, sizeof(data), 71);
	if (dev == NULL || !write_file("raw.bin", data, sizeof(data)) ||
	    !write_dfu("good.dfu", good, 1, 0x0483, 0xdf11)) {
		skip(6, "setup failed");
		simbackend_free(sb);
		return;
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--require-suffix", "-D", path_of("raw.bin"),
	    NULL);
	is_int(res.r, ERR_DATA,
	       "--require-suffix with a raw file: ERR_DATA before any DNLOAD: \"%s\" [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "no DFU suffix",
		  "--require-suffix with a raw file: ERR_DATA before any DNLOAD: \"%s\"",
		  res.err.msg);
	is_int(stats_of(dev).dnload, 0,
	       "--require-suffix with a raw file: ERR_DATA before any DNLOAD: \"%s\" [stats_of(dev).dnload]",
	       res.err.msg);
	run_free(&res);
	run(sb, &res, "--require-suffix", "-D", path_of("good.dfu"), NULL);
	is_int(res.r, ERR_OK, "--require-suffix with a .dfu file: flashed (%s) [res.r]",
	       res.err.msg);
	is_int(mem_is(dev, FLASH, data, sizeof(data)), true,
	       "--require-suffix with a .dfu file: flashed (%s) [mem_is(dev, FLASH, data, sizeof(data))]",
	       res.err.msg);
	run_free(&res);

	/*
	 * The GETSTATUS after the second DNLOAD (the Set Address Pointer that
	 * follows the erase) never completes: the run fails after --usb-timeout.
	 */
	simbackend_set_hook(sb, fail_after_dnload, &(struct fail_after){ 2, SIM_FAIL_TIMEOUT, 0 });
	t0 = simbackend_now(sb);
	run(sb, &res, "--usb-timeout", "300", "-a", "0", "-s", "0x08000000", "-D",
	    path_of("raw.bin"), NULL);
	t0 = simbackend_now(sb) - t0;
	simbackend_set_hook(sb, NULL, NULL);
	is_int(res.r, ERR_IO,
	       "--usb-timeout 300: a request that hangs fails in %.3f s: \"%s\" [res.r]",
	       (double)t0 / 1e6, res.err.msg);
	is_substr(res.err.msg, "timed out",
		  "--usb-timeout 300: a request that hangs fails in %.3f s: \"%s\"",
		  (double)t0 / 1e6, res.err.msg);
	cmp_int(t0, <, 2000000,
		"--usb-timeout 300: a request that hangs fails in %.3f s: \"%s\" [t0]",
		(double)t0 / 1e6, res.err.msg);
	run_free(&res);
	sim_device_set_faults(dev, NULL);

	/* A 128 KiB erase announces 2 s; --poll-timeout-max 100 asks again every 100 ms. */
	run(sb, &res, "--poll-timeout-max", "100", "-a", "0", "-s", "0x08020000", "-D",
	    path_of("raw.bin"), NULL);
	is_int(res.r, ERR_OK,
	       "--poll-timeout-max 100: polls every 100 ms (%lu early polls): %s [res.r]",
	       stats_of(dev).early_polls, res.err.msg);
	cmp_int(stats_of(dev).early_polls, >=, 10,
		"--poll-timeout-max 100: polls every 100 ms (%lu early polls): %s [stats_of(dev).early_polls]",
		stats_of(dev).early_polls, res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

/* A ROM whose layout string has junk after its last group (its memory is the clean one). */
static const struct sim_chip junk_layout_chip = {
	.name = "junk-layout",
	.description = "DfuSe ROM with text after the last type letter of its layout",
	.idVendor = 0x0483,
	.idProduct = 0xdf11,
	.bcdDevice = 0x0200,
	.manufacturer = "Test",
	.product = "Junk layout",
	.serial = "JUNK0001",
	.bMaxPacketSize0 = 64,
	.bmAttributes = 0x0B,
	.wDetachTimeOut = 255,
	.wTransferSize = 1024,
	.bcdDFUVersion = 0x011A,
	.nalts = 1,
	.alt_names = { "@Internal Flash  /0x08000000/04*016Kg,01*064Kg (rev B)" },
	.real_layouts = { "@Internal Flash  /0x08000000/04*016Kg,01*064Kg" },
	.timing = { .cmd_ms = 1, .write_ms = 1, .erase_ms_per_16k = 10, .erase_min_ms = 10 },
};

/* Issue 11: a layout with junk after its last group warns without -v, and still works. */
static void test_junk_layout(void)
{
	static uint8_t data[2048];
	struct simbackend *sb = simbackend_new();
	struct sim_device *dev = sb != NULL ? add_chip(sb, &junk_layout_chip, NULL) : NULL;
	struct run res;

	fill_pattern(data, sizeof(data), 72);
	if (dev == NULL || !write_file("junk.bin", data, sizeof(data))) {
		skip(5, "setup failed");
		simbackend_free(sb);
		return;
	}
	/* The layout is read more than once (the alt for the address, then the plan). */
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("junk.bin"), NULL);
	is_int(res.r, ERR_OK,
	       "junk after the last group: flashed, with one warning: \"%s\" [res.r]",
	       res.errtxt ? res.errtxt : "");
	is_int(mem_is(dev, FLASH, data, sizeof(data)), true,
	       "junk after the last group: flashed, with one warning: \"%s\" [mem_is(dev, FLASH, data, sizeof(data))]",
	       res.errtxt ? res.errtxt : "");
	is_substr(res.errtxt, "warning: alt 0 memory layout",
		  "junk after the last group: flashed, with one warning: \"%s\"",
		  res.errtxt ? res.errtxt : "");
	is_substr(res.errtxt, "characters after its last group",
		  "junk after the last group: flashed, with one warning: \"%s\"",
		  res.errtxt ? res.errtxt : "");
	isnt_substr(strstr(res.errtxt, "warning") + 1, "warning",
		    "junk after the last group: flashed, with one warning: \"%s\"",
		    res.errtxt ? res.errtxt : "");
	run_free(&res);
	simbackend_free(sb);
}

int main(void)
{
	if (!scratch_init("test-ops-verify"))
		skip_all("cannot create a temporary directory");

	test_verify();
	test_diff();
	test_diff_read_failure();
	test_knobs();
	test_junk_layout();
	remove_tmpdir();
	return done_testing();
}
