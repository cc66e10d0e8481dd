/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the DfuSe commands (:mass-erase, :unprotect, :leave),
 * run-time devices detached and followed back, -R, -e, -w, -Z, a device
 * left in dfuERROR, the mode of an uploaded file and the order of targets
 * that reset the device: realistic command lines run by opt_parse() and
 * ops_run() against simulated devices on a virtual clock (ops-test.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ops-test.h"
#include "tap.h"

/* A bus with one @chip, *@dev its device; NULL, after skipping @n points, on failure. */
static struct simbackend *bus_or_skip(unsigned n, const char *chip, struct sim_device **dev)
{
	struct simbackend *sb = bus_one(chip, dev);

	if (sb == NULL)
		skip(n, "setup failed");
	return sb;
}

/* ---- DfuSe command mode ------------------------------------------------------------ */

static void test_commands(void)
{
	uint8_t *junk = malloc(MiB);
	struct sim_device *dev;
	struct simbackend *sb = bus_one("f4", &dev);
	struct run res;

	if (junk == NULL || sb == NULL) {
		skip(8, "setup failed");
		free(junk);
		simbackend_free(sb);
		return;
	}
	fill_pattern(junk, MiB, 40);
	sim_device_load(dev, FLASH, junk, MiB);
	run(sb, &res, "-a", "0", "-s", ":mass-erase:force", NULL);
	is_int(res.r, ERR_OK, "-a 0 -s :mass-erase:force: %s", res.err.msg);
	is_int(mem_all(dev, FLASH, 0xFF, MiB), true,
	       "the whole flash is blank, by one mass erase [mem_all(dev, FLASH, 0xFF, MiB)]");
	is_int(stats_of(dev).mass_erase, 1,
	       "the whole flash is blank, by one mass erase [stats_of(dev).mass_erase]");
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", ":leave", NULL);
	is_int(res.r, ERR_OK, "-a 0 -s :leave: the device leaves: %s [res.r]", res.err.msg);
	is_int(sim_device_gone(dev), true,
	       "-a 0 -s :leave: the device leaves: %s [sim_device_gone(dev)]", res.err.msg);
	is_int(stats_of(dev).leave, 1,
	       "-a 0 -s :leave: the device leaves: %s [stats_of(dev).leave]", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = bus_or_skip(5, "f4", &dev);
	if (sb == NULL) {
		free(junk);
		return;
	}
	sim_device_load(dev, FLASH, junk, MiB);
	sim_device_set_faults(dev, &(struct sim_faults){ .read_protected = true });
	run(sb, &res, "-a", "0", "-s", ":unprotect:force", NULL);
	is_int(res.r, ERR_OK, "-a 0 -s :unprotect:force on a protected device: %s", res.err.msg);
	is_int(sim_device_gone(dev), true, "the device reset itself [sim_device_gone(dev)]");
	is_int(stats_of(dev).unprotect, 1, "the device reset itself [stats_of(dev).unprotect]");
	ok(mem_all(dev, FLASH, 0xFF, MiB), "after erasing its flash");
	is_substr(res.out, "Read protection removed; the device reset\n",
		  "the user is told it is gone");
	run_free(&res);
	simbackend_free(sb);
	free(junk);
}

/* ---- run-time devices, -R, device selection -------------------------------------- */

static void test_runtime(void)
{
	static uint8_t app[8192];
	struct sim_device *dev;
	struct simbackend *sb = bus_one("runtime", &dev);
	struct simbackend_counts c;
	struct run res;

	fill_pattern(app, sizeof(app), 70);
	if (sb == NULL || !write_file("rt.bin", app, sizeof(app))) {
		skip(13, "setup failed");
		simbackend_free(sb);
		return;
	}
	simbackend_set_reenum_delay(sb, 300000);
	run(sb, &res, "-s", "0x08000000:leave", "-D", path_of("rt.bin"), NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "download to a run-time device: %s", res.err.msg);
	is_int(stats_of(dev).detach, 1, "one DETACH, one USB reset [stats_of(dev).detach]");
	is_int(c.resets, 1, "one DETACH, one USB reset [c.resets]");
	cmp_int(simbackend_now(sb), >=, 300000,
		"waited (virtual clock) for it to come back in DFU mode [simbackend_now(sb)]");
	cmp_int(c.slept_us, >=, 300000,
		"waited (virtual clock) for it to come back in DFU mode [c.slept_us]");
	ok(contains(res.out, "Device is in DFU mode after 0.3"), "and said after how long: \"%s\"",
	   res.out ? res.out : "");
	ok(mem_is(dev, FLASH, app, sizeof(app)), "flashed");
	is_int(sim_device_gone(dev), true, "and left DFU mode [sim_device_gone(dev)]");
	is_int(stats_of(dev).leave, 1, "and left DFU mode [stats_of(dev).leave]");
	is_int(c.open_now, false, "every open was closed (%lu/%lu) [c.open_now]", c.opens,
	       c.closes);
	is_int(c.opens, c.closes, "every open was closed (%lu/%lu) [c.opens]", c.opens, c.closes);
	run_free(&res);
	simbackend_free(sb);

	sb = bus_or_skip(1, "runtime", &dev);
	if (sb == NULL)
		return;
	simbackend_set_reenum_delay(sb, 8000000);
	run(sb, &res, "-s", "0x08000000", "-D", path_of("rt.bin"), NULL);
	is_int(res.r, ERR_NOTFOUND, "a device that stays away longer than -E: \"%s\" [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "did not reappear in DFU mode within 5 s",
		  "a device that stays away longer than -E: \"%s\"", res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

static void test_reset(void)
{
	static uint8_t app[2048];
	struct simbackend *sb = bus("f4", NULL);
	struct simbackend_counts c;
	struct run res;

	fill_pattern(app, sizeof(app), 80);
	if (sb == NULL || !write_file("r.bin", app, sizeof(app))) {
		skip(3, "setup failed");
		simbackend_free(sb);
		return;
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("r.bin"), "-R", NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "-D ... -R: flashed, then one USB reset: %s [res.r]", res.err.msg);
	is_int(c.resets, 1, "-D ... -R: flashed, then one USB reset: %s [c.resets]", res.err.msg);
	is_substr(res.out, "Resetting the USB device", "-D ... -R: flashed, then one USB reset: %s",
		  res.err.msg);
	ok(mem_is(simbackend_device(sb, 0), FLASH, app, sizeof(app)), "the image is in flash");
	run_free(&res);
	simbackend_free(sb);

	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(1, "setup failed");
		return;
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000:leave", "-D", path_of("r.bin"), "-R", NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "with :leave the device is gone: no reset needed [res.r]");
	is_int(c.resets, 0, "with :leave the device is gone: no reset needed [c.resets]");
	run_free(&res);
	simbackend_free(sb);

	/* Issue 11: a reset that fails on the wire is settled by looking for the device. */
	for (int gone = 0; gone < 2; gone++) {
		struct sim_device *dev;

		sb = bus_or_skip(1, "f4", &dev);
		if (sb == NULL)
			return;
		sim_device_set_faults(dev, &(struct sim_faults){ .reset_fails = true,
								 .reset_fails_gone = gone != 0 });
		run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("r.bin"), "-R", NULL);
		if (gone) {
			is_int(res.r, ERR_OK,
			       "-R whose reset fails, device gone all the same: success (%s) [res.r]",
			       res.err.msg);
			is_int(sim_device_gone(dev), true,
			       "-R whose reset fails, device gone all the same: success (%s) [sim_device_gone(dev)]",
			       res.err.msg);
		} else {
			is_int(res.r, ERR_IO,
			       "-R whose reset fails, device still there: ERR_IO naming its state: "
			       "\"%s\" [res.r]",
			       res.err.msg);
			is_substr(res.err.msg, "reset: USB I/O error",
				  "-R whose reset fails, device still there: ERR_IO naming its state: "
				  "\"%s\"",
				  res.err.msg);
			is_substr(res.err.msg, "still on the bus (state dfuDNLOAD-IDLE)",
				  "-R whose reset fails, device still there: ERR_IO naming its state: "
				  "\"%s\"",
				  res.err.msg);
		}
		run_free(&res);
		simbackend_free(sb);
	}
}

/* ---- more operations ------------------------------------------------------------- */

static void test_misc(void)
{
	static uint8_t app[6000];
	struct simbackend *sb = bus("runtime", "f4", NULL);
	struct sim_device *rt, *f4;
	struct sim_stats s;
	struct run res;

	fill_pattern(app, sizeof(app), 110);
	if (sb == NULL || !write_file("m.bin", app, sizeof(app))) {
		skip(13, "setup failed");
		simbackend_free(sb);
		return;
	}
	rt = simbackend_device(sb, 0);
	f4 = simbackend_device(sb, 1);

	run(sb, &res, "-l", NULL);
	is_int(res.r, ERR_OK, "-l lists both, in dfu-util's line format [res.r]");
	is_substr(res.out,
		  "Found Runtime: [0483:5740] ver=0200, devnum=2, cfg=1, intf=0, "
		  "path=\"1-1\", alt=0, name=\"DFU runtime\", "
		  "serial=\"336F38743037\"",
		  "-l lists both, in dfu-util's line format");
	is_substr(res.out,
		  "Found DFU: [0483:df11] ver=2200, devnum=3, cfg=1, intf=0, "
		  "path=\"1-2\", alt=3, name=\"@Device Feature/0xFFFF0000/01*004 "
		  "e\", serial=\"336F38743037\"",
		  "-l lists both, in dfu-util's line format");
	run_free(&res);

	/* -e alone: only the run-time device is asked to detach. */
	run(sb, &res, "-e", NULL);
	is_int(res.r, ERR_OK, "-e: %s", res.err.msg);
	is_int(stats_of(rt).detach, 1, "-e: the run-time device detached");
	is_int(sim_device_chip(rt)->runtime, false, "-e: and re-enumerated in DFU mode");
	ok(stats_of(f4).dfu_requests == 0, "the DFU-mode device was not touched");
	run_free(&res);
	simbackend_free(sb);

	sb = bus_or_skip(17, "f4", &f4);
	if (sb == NULL)
		return;

	/* -t below the device's size: writes re-send the pointer for every block. */
	run(sb, &res, "-a", "0", "-t", "1024", "-s", "0x08000000", "-D", path_of("m.bin"), NULL);
	s = stats_of(f4);
	is_int(res.r, ERR_OK, "-t 1024 -D: the image is in flash: %s [res.r]", res.err.msg);
	is_int(mem_is(f4, FLASH, app, sizeof(app)), true,
	       "-t 1024 -D: the image is in flash: %s [mem_is(f4, FLASH, app, sizeof(app))]",
	       res.err.msg);
	is_int(s.set_address, 6, "a pointer per 1 KiB block (the ROM counts in 2 KiB)");
	run_free(&res);

	/* A device left in dfuERROR by an earlier session is cleared first. */
	{
		size_t got = 0;

		sim_device_control(f4, simbackend_now(sb), 0x21, 4, 0, 0, NULL, 0, &got);
	}
	ok(sim_device_state(f4) == 10, "(device put in dfuERROR by a stray CLRSTATUS)");
	s = stats_of(f4);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("m.bin"), NULL);
	is_int(res.r, ERR_OK, "the next download clears it with CLRSTATUS and succeeds: %s [res.r]",
	       res.err.msg);
	is_int(stats_of(f4).clrstatus, s.clrstatus + 1,
	       "the next download clears it with CLRSTATUS and succeeds: %s [stats_of(f4).clrstatus]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

/* A device left in dfuERROR and other states a session starts from. */
static void test_misc_flash(void)
{
	static uint8_t app[6000];
	struct simbackend *sb;
	struct sim_device *f4;
	struct sim_stats s;
	struct run res;

	fill_pattern(app, sizeof(app), 110);
	if (!write_file("m.bin", app, sizeof(app))) {
		skip(13, "setup failed");
		return;
	}
	sb = bus_or_skip(13, "f4", &f4);
	if (sb == NULL)
		return;
	{
		uint8_t *junk = malloc(MiB);

		if (junk != NULL) {
			fill_pattern(junk, MiB, 111);
			sim_device_load(f4, FLASH, junk, MiB);
			free(junk);
		}
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000:mass-erase:force", "-D", path_of("m.bin"), NULL);
	s = stats_of(f4);
	is_int(res.r, ERR_OK,
	       "-s 0x08000000:mass-erase:force -D: one mass erase, no page erase: %s [res.r]",
	       res.err.msg);
	is_int(s.mass_erase, 1,
	       "-s 0x08000000:mass-erase:force -D: one mass erase, no page erase: %s [s.mass_erase]",
	       res.err.msg);
	is_int(s.erase, 0,
	       "-s 0x08000000:mass-erase:force -D: one mass erase, no page erase: %s [s.erase]",
	       res.err.msg);
	is_int(mem_is(f4, FLASH, app, sizeof(app)), true,
	       "the image, and blank flash everywhere else [mem_is(f4, FLASH, app, sizeof(app))]");
	is_int(mem_all(f4, FLASH + sizeof(app), 0xFF, MiB - sizeof(app)), true,
	       "the image, and blank flash everywhere else [mem_all(f4, FLASH + sizeof(app), 0xFF...]");
	run_free(&res);
	simbackend_free(sb);
}

/* --diff against blank, equal and changed flash, a leave that loses the device, no access. */
static void test_misc_diff(void)
{
	static uint8_t app[6000];
	struct simbackend *sb;
	struct sim_device *f4;
	struct sim_stats s;
	struct run res;
	uint8_t *file;
	size_t len = 0;

	fill_pattern(app, sizeof(app), 110);
	sb = bus_or_skip(11, "f4", &f4);
	if (sb == NULL)
		return;
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("m.bin"), NULL);
	s = stats_of(f4);
	is_int(res.r, ERR_OK, "--diff on a blank device: no erase, the image written: %s [res.r]",
	       res.err.msg);
	is_int(s.erase, 0, "--diff on a blank device: no erase, the image written: %s [s.erase]",
	       res.err.msg);
	is_int(mem_is(f4, FLASH, app, sizeof(app)), true,
	       "--diff on a blank device: no erase, the image written: %s [mem_is(f4, FLASH, app, sizeof(app))]",
	       res.err.msg);
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x080FFF00:512", "-U", path_of("past.bin"), NULL);
	is_int(res.r, ERR_USAGE, "an upload running past the flash is refused: \"%s\" [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "not readable",
		  "an upload running past the flash is refused: \"%s\"", res.err.msg);
	is_substr(res.err.msg, ":force", "an upload running past the flash is refused: \"%s\"",
		  res.err.msg);
	is_int(file_exists("past.bin"), false,
	       "an upload running past the flash is refused: \"%s\" [file_exists(\"past.bin\")]",
	       res.err.msg);
	run_free(&res);

	s = stats_of(f4);
	run(sb, &res, "-a", "0", "-s", "0x080FF000", "-D", path_of("m.bin"), NULL);
	is_int(res.r, ERR_DATA,
	       "a download running past the flash is refused before any DNLOAD: \"%s\" [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "outside the memory",
		  "a download running past the flash is refused before any DNLOAD: \"%s\"",
		  res.err.msg);
	is_int(stats_of(f4).dnload, s.dnload,
	       "a download running past the flash is refused before any DNLOAD: \"%s\" [stats_of(f4).dnload]",
	       res.err.msg);
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("missing.bin"), NULL);
	is_int(res.r, ERR_NOINPUT,
	       "a missing file: ERR_NOINPUT, the device untouched: \"%s\" [res.r]", res.err.msg);
	is_int(stats_of(f4).dfu_requests, s.dfu_requests,
	       "a missing file: ERR_NOINPUT, the device untouched: \"%s\" [stats_of(f4).dfu_requests]",
	       res.err.msg);
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x08000000", "-Z", "4096", "-U", path_of("z.bin"), NULL);
	file = read_file("z.bin", &len);
	is_int(res.r, ERR_OK, "-Z 4096 -U: %s", res.err.msg);
	is_buf(file, len, app, 4096, "-Z 4096 -U: 4096 bytes");
	free(file);
	run_free(&res);

	run(sb, &res, "-a", "Flash", "-U", path_of("noalt.bin"), NULL);
	is_int(res.r, ERR_USAGE, "-a with an unknown name: \"%s\" [res.r]", res.err.msg);
	is_substr(res.err.msg, "no alternate setting named \"Flash\"",
		  "-a with an unknown name: \"%s\"", res.err.msg);
	run_free(&res);

	sim_device_set_faults(f4, &(struct sim_faults){ .vanish_on_leave_getstatus = true });
	run(sb, &res, "-a", "0", "-s", "0x08000000:leave", "-D", path_of("m.bin"), NULL);
	is_int(res.r, ERR_OK, "a device vanishing at the leave GETSTATUS: success: %s [res.r]",
	       res.err.msg);
	is_int(sim_device_gone(f4), true,
	       "a device vanishing at the leave GETSTATUS: success: %s [sim_device_gone(f4)]",
	       res.err.msg);
	is_substr(res.out, "The device left DFU mode",
		  "a device vanishing at the leave GETSTATUS: success: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = bus_or_skip(2, "f4", &f4);
	if (sb == NULL)
		return;
	simbackend_set_open_error(sb, 0, ERR_ACCESS,
				  "cannot open /dev/bus/usb/001/002: permission denied");
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("m.bin"), NULL);
	is_int(res.r, ERR_ACCESS, "a device that cannot be opened: ERR_ACCESS: \"%s\" [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "permission denied",
		  "a device that cannot be opened: ERR_ACCESS: \"%s\"", res.err.msg);
	is_int(stats_of(f4).dfu_requests, 0, "no DFU request reached it");
	run_free(&res);
	simbackend_free(sb);
}

/* ---- output files, target order, reset alone, strict timing ---------------------- */

/* An upload gets the permissions any new file gets (umask), as dfu-util's does. */
static void check_upload_mode(struct simbackend *sb)
{
	struct stat st;
	struct run res;
#ifndef _WIN32
	mode_t old = umask(022);
#endif

	run(sb, &res, "-a", "0", "-s", "0x08000000:256", "-U", path_of("mode.bin"), NULL);
#ifdef _WIN32
	is_int(res.r, ERR_OK, "upload to mode.bin [res.r]");
	is_int(stat(path_of("mode.bin"), &st), 0,
	       "upload to mode.bin [stat(path_of(\"mode.bin\"), &st)]");
	skip(1, "mode.bin's mode bits: Windows files have no POSIX mode (nor umask)");
#else
	umask(old);
	is_int(res.r, ERR_OK, "upload to mode.bin [res.r]");
	is_int(stat(path_of("mode.bin"), &st), 0,
	       "upload to mode.bin [stat(path_of(\"mode.bin\"), &st)]");
	ok((st.st_mode & 0777) == 0644,
	   "mode.bin is 0644 under umask 022, not mkstemp's 0600 "
	   "(it is 0%o)",
	   (unsigned)(st.st_mode & 0777));
#endif
	run_free(&res);
}

static void test_more(void)
{
	static uint8_t app[4096];
	static const uint8_t ob[16] = { 0xEC, 0xAA, 0x13, 0x55, 0xFF, 0xFF, 0xFF, 0x7F,
					0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF };
	const struct elem app_el[] = { { FLASH, app, sizeof(app) } };
	const struct elem ob_el[] = { { 0x1FFFC000, ob, sizeof(ob) } };
	const struct tgt ob_first[] = { { 1, "Option Bytes", ob_el, 1 },
					{ 0, "Internal Flash", app_el, 1 } };
	struct sim_device *dev;
	struct simbackend *sb = bus_one("f4", &dev);
	struct simbackend_counts c;
	struct run res;

	fill_pattern(app, sizeof(app), 120);
	if (sb == NULL || !write_dfu("ob-first.dfu", ob_first, 2, 0x0483, 0xdf11)) {
		skip(7, "setup failed");
		simbackend_free(sb);
		return;
	}

	check_upload_mode(sb);

	/* -R alone: a USB reset of the one DFU device. */
	run(sb, &res, "-R", NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "-R alone resets the ROM (which stays in DFU mode): %s [res.r]",
	       res.err.msg);
	is_int(c.resets, 1, "-R alone resets the ROM (which stays in DFU mode): %s [c.resets]",
	       res.err.msg);
	is_int(sim_device_gone(dev), false,
	       "-R alone resets the ROM (which stays in DFU mode): %s [sim_device_gone(dev)]",
	       res.err.msg);
	run_free(&res);

	/* -R where the driver can only reset pipes (WinUSB): no claim of a reset. */
	simbackend_set_pipes_only_reset(sb, true);
	run(sb, &res, "-R", NULL);
	simbackend_set_pipes_only_reset(sb, false);
	is_int(res.r, ERR_OK, "-R on a pipes-only reset says what happened instead: %s [res.r]",
	       res.errtxt);
	is_substr(res.errtxt, "the device was not reset",
		  "-R on a pipes-only reset says what happened instead: %s", res.errtxt);
	is_substr(res.errtxt, "replug it",
		  "-R on a pipes-only reset says what happened instead: %s", res.errtxt);
	run_free(&res);

	/* A device that holds early polls: the host is never early, nothing times out. */
	sim_device_set_faults(dev, &(struct sim_faults){ .strict_timing = true });
	run(sb, &res, "-a", "0", "-s", ":mass-erase:force", NULL);
	is_int(res.r, ERR_OK, "mass erase (16 s) on a strict-timing device: %s [res.r]",
	       res.err.msg);
	is_int(stats_of(dev).early_polls, 0,
	       "mass erase (16 s) on a strict-timing device: %s [stats_of(dev).early_polls]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	/*
	 * Option bytes first in the file, flash second, with :will-reset: the
	 * device resets after the option bytes, so they must be written last.
	 */
	sb = bus_or_skip(3, "f4", &dev);
	if (sb == NULL)
		return;
	run(sb, &res, "-s", ":will-reset", "-D", path_of("ob-first.dfu"), NULL);
	ok(res.r == ERR_OK, "-s :will-reset -D ob-first.dfu succeeds: %s", res.err.msg);
	ok(mem_is(dev, FLASH, app, sizeof(app)), "the flash target is written too");
	ok(mem_is(dev, 0x1FFFC000, ob, sizeof(ob)), "the option bytes are written");
	run_free(&res);
	simbackend_free(sb);
}

/* :leave after an upload, -w for a board plugged in later, and more boards on the bus. */
static void test_more_boards(void)
{
	static uint8_t app[4096];
	struct sim_device *d2;
	struct simbackend *sb2;
	struct run res;

	fill_pattern(app, sizeof(app), 120);
	/* :leave after an upload (dfu-util honours it there too). */
	sb2 = bus_one("f4", &d2);
	if (sb2 != NULL) {
		uint8_t *file;
		size_t len = 0;

		sim_device_load(d2, FLASH, app, sizeof(app));
		run(sb2, &res, "-a", "0", "-s", "0x08000000:1024:leave", "-U", path_of("ul.bin"),
		    NULL);
		file = read_file("ul.bin", &len);
		is_int(res.r, ERR_OK, "-s 0x08000000:1024:leave -U: %s", res.err.msg);
		is_buf(file, len, app, 1024, "-s 0x08000000:1024:leave -U: the upload is complete");
		is_int(sim_device_gone(d2), true,
		       "then the device left DFU mode [sim_device_gone(d2)]");
		is_int(stats_of(d2).leave, 1, "then the device left DFU mode [stats_of(d2).leave]");
		free(file);
		run_free(&res);
		simbackend_free(sb2);
	} else {
		skip(2, "setup failed");
	}

	/* -w: the board is plugged in 1.2 s after the command started. */
	sb2 = bus_one("f4", &d2);
	if (sb2 != NULL) {
		write_file("w.bin", app, sizeof(app));
		simbackend_plug_at(sb2, 0, 1200000);
		run(sb2, &res, "-w", "-a", "0", "-s", "0x08000000", "-D", path_of("w.bin"), NULL);
		is_int(res.r, ERR_OK, "-w waits for the board, then flashes it: %s [res.r]",
		       res.err.msg);
		is_int(mem_is(d2, FLASH, app, sizeof(app)), true,
		       "-w waits for the board, then flashes it: %s [mem_is(d2, FLASH, app, sizeof(app))]",
		       res.err.msg);
		cmp_int(simbackend_now(sb2), >=, 1200000,
			"-w waits for the board, then flashes it: %s [simbackend_now(sb2)]",
			res.err.msg);
		ok(contains(res.out, "Waiting for a matching DFU device"), "saying so once");
		run_free(&res);
		simbackend_free(sb2);
	} else {
		skip(2, "setup failed");
	}
	sb2 = bus("f4", NULL);
	if (sb2 != NULL) {
		simbackend_plug_at(sb2, 0, 3000000);
		run(sb2, &res, "--wait=1", "-a", "0", "-s", "0x08000000", "-D", path_of("w.bin"),
		    NULL);
		is_int(res.r, ERR_NOTFOUND, "--wait=1 gives up after 1 s: \"%s\" [res.r]",
		       res.err.msg);
		cmp_int(simbackend_now(sb2), <, 3000000,
			"--wait=1 gives up after 1 s: \"%s\" [simbackend_now(sb2)]", res.err.msg);
		run_free(&res);
		simbackend_free(sb2);
	} else {
		skip(1, "setup failed");
	}
}

int main(void)
{
	if (!scratch_init("test-ops-commands"))
		skip_all("cannot create a temporary directory");

	test_commands();
	test_runtime();
	test_reset();
	test_misc();
	test_misc_flash();
	test_misc_diff();
	test_more();
	test_more_boards();
	remove_tmpdir();
	return done_testing();
}
