/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the plain DFU 1.1 operations (plain.c and its dispatch from
 * ops.c, upload.c, flash.c): the callers' command lines (Klipper's and QMK's
 * Maple flash, PlatformIO's -s ADDRESS:leave, TinyUSB -D/-U/-Z, run-time to
 * plain DFU switching) run by ops_run() against the simulated devices, and
 * the refusals that must come before any DFU request.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ops-test.h"
#include "ops.h"
#include "options.h"
#include "tap.h"

/* The size of file @name, or -1 when it does not exist. */
static long file_size(const char *name)
{
	struct stat st;

	return stat(path_of(name), &st) == 0 ? (long)st.st_size : -1;
}

static bool file_is(const char *name, const uint8_t *want, size_t n)
{
	size_t len;
	uint8_t *got = read_file(name, &len);
	bool same = got != NULL && len == n && memcmp(got, want, n) == 0;

	free(got);
	return same;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 7u;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

/* ---- the callers' command lines ------------------------------------------ */

/* Klipper scripts/flash_usb.py and QMK's stm32duino rule: exit 0 is success. */
static void check_maple(size_t i, const char *who, const uint8_t *img, size_t n)
{
	struct simbackend_counts c;
	struct sim_device *dev;
	struct simbackend *sb = bus_one("maple", &dev);
	const char *file = path_of("maple.bin");
	struct sim_stats s;
	struct run res;

	if (sb == NULL) {
		skip(6, "cannot create the maple model");
		return;
	}
	if (i == 0)
		run(sb, &res, "-d", ",1eaf:0003", "-R", "-a", "2", "-D", file, NULL);
	else if (i == 1)
		run(sb, &res, "-d", "1EAF:0003", "-a", "2", "-R", "-D", file, NULL);
	else
		run(sb, &res, "-d", "1EAF:0003", "-a", "2", "-D", file, NULL);
	s = stats_of(dev);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "%s Maple flash: success (%s)", who, res.err.msg);
	ok(mem_is(dev, 0x08002000, img, n), "%s: flash at 0x08002000 equals the image", who);
	is_int(sim_device_gone(dev), true,
	       "%s: wait-reset, reset, confirmed gone [sim_device_gone(dev)]", who);
	is_substr(res.out, "left the bus", "%s: wait-reset, reset, confirmed gone", who);
	is_int(c.resets, 1, "%s: exactly one bus reset (the engine's; -R adds none)", who);
	is_int(s.detach, 0, "%s: no DETACH, which the Maple refuses in DFU mode", who);
	run_free(&res);
	simbackend_free(sb);
}

static void test_maple_callers(void)
{
	static uint8_t img[20000];

	fill(img, sizeof(img), 1);
	write_file("maple.bin", img, sizeof(img));
	check_maple(0, "Klipper (-d ,1eaf:0003 -R -a 2)", img, sizeof(img));
	check_maple(1, "QMK (-d 1EAF:0003 -a 2 -R)", img, sizeof(img));
	check_maple(2, "maple_upload without -R", img, sizeof(img));
}

/*
 * Where the driver can only reset the pipes (libusb's WinUSB backend), the
 * Maple's wait-reset cannot be ended: the firmware is written, the run
 * succeeds, and the user is told to replug the board.
 */
static void test_maple_pipes_only(void)
{
	static uint8_t img[5000];
	struct sim_device *dev;
	struct simbackend *sb = bus_one("maple", &dev);
	struct run res;

	if (sb == NULL) {
		skip(4, "cannot create the maple model");
		return;
	}
	fill(img, sizeof(img), 2);
	write_file("maple-w.bin", img, sizeof(img));
	simbackend_set_pipes_only_reset(sb, true);
	run(sb, &res, "-d", ",1eaf:0003", "-R", "-a", "2", "-D", path_of("maple-w.bin"), NULL);
	is_int(res.r, ERR_OK, "pipes-only reset: the Maple flash succeeds (%s)", res.err.msg);
	ok(mem_is(dev, 0x08002000, img, sizeof(img)),
	   "pipes-only reset: the flash holds the image");
	is_substr(res.errtxt, "cannot reset the device (only its pipes): replug it",
		  "pipes-only reset: says to replug, claims no reset");
	isnt_substr(res.out, "left the bus", "pipes-only reset: says to replug, claims no reset");
	run_free(&res);
	simbackend_free(sb);
}

/* A raw image with a DFU suffix: stripped, checked against the device. */
static void test_suffix_rules(void)
{
	static uint8_t img[3000 + 16];
	uint8_t blank[16];
	struct sim_device *dev;
	struct simbackend *sb;
	struct run res;

	fill(img, 3000, 2);
	add_suffix(img, 3000, 0x1eaf, 0x0003, 0x0100);
	write_file("suffixed.bin", img, sizeof(img));
	sb = bus_one("maple", &dev);
	if (sb == NULL) {
		skip(8, "cannot create the maple model");
		return;
	}
	run(sb, &res, "-d", "1eaf:0003", "-a", "1", "-D", path_of("suffixed.bin"), NULL);
	memset(blank, 0xFF, sizeof(blank));
	is_int(res.r, ERR_OK, "a suffixed image for 1eaf:0003 flashes (%s)", res.err.msg);
	is_int(mem_is(dev, 0x08005000, img, 3000), true,
	       "the suffix is stripped: only the 3000 payload bytes are written [mem_is(dev, 0x08005000, img, 3000)]");
	is_int(mem_is(dev, 0x08005000 + 3000, blank, 16), true,
	       "the suffix is stripped: only the 3000 payload bytes are written [mem_is(dev, 0x08005000 + 3000, blank,...]");
	run_free(&res);
	simbackend_free(sb);

	add_suffix(img, 3000, 0x0483, 0xdf11, 0x0100);
	write_file("other.bin", img, sizeof(img));
	sb = bus_one("maple", &dev);
	if (sb == NULL) {
		skip(6, "cannot create the maple model");
		return;
	}
	run(sb, &res, "-d", "1eaf:0003", "-a", "1", "-D", path_of("other.bin"), NULL);
	is_int(res.r, ERR_DATA, "a suffix for another device is refused naming it: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "0483:df11", "a suffix for another device is refused naming it: %s",
		  res.err.msg);
	is_int(stats_of(dev).dnload, 0, "before any DNLOAD");
	run_free(&res);

	img[5] ^= 1; /* the CRC no longer matches */
	write_file("badcrc.bin", img, sizeof(img));
	run(sb, &res, "-a", "1", "-D", path_of("badcrc.bin"), NULL);
	is_int(res.r, ERR_DATA, "a bad suffix CRC is refused: %s [res.r]", res.err.msg);
	is_substr(res.err.msg, "CRC", "a bad suffix CRC is refused: %s", res.err.msg);
	run_free(&res);

	write_dfu("image.dfu",
		  &(struct tgt){
			  .e = &(struct elem){ .addr = 0x08005000, .data = img, .len = 1000 },
			  .n = 1 },
		  1, 0x1eaf, 0x0003);
	run(sb, &res, "-a", "1", "-D", path_of("image.dfu"), NULL);
	is_int(res.r, ERR_DATA,
	       "a DfuSe file for a plain device is refused naming the mismatch: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "DfuSe .dfu file",
		  "a DfuSe file for a plain device is refused naming the mismatch: %s",
		  res.err.msg);
	is_substr(res.err.msg, "plain DFU",
		  "a DfuSe file for a plain device is refused naming the mismatch: %s",
		  res.err.msg);
	is_int(stats_of(dev).dnload, 0, "still no DNLOAD");
	is_int(error_exit_code(res.r), 65, "exit 65 (bad data)");
	run_free(&res);
	write_file("image.hex", (const uint8_t *)":0400000001020304F2\n:00000001FF\n", 32);
	run(sb, &res, "-a", "1", "-D", path_of("image.hex"), NULL);
	is_int(res.r, ERR_DATA, "an Intel HEX file for a plain device is refused: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "Intel HEX file",
		  "an Intel HEX file for a plain device is refused: %s", res.err.msg);
	run_free(&res);
	run(sb, &res, "-a", "1", "-U", path_of("up.hex"), NULL);
	is_int(res.r, ERR_USAGE,
	       "an upload named .hex from a plain device is refused, no file: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "name the file .bin",
		  "an upload named .hex from a plain device is refused, no file: %s", res.err.msg);
	is_int(file_size("up.hex"), -1,
	       "an upload named .hex from a plain device is refused, no file: %s [file_size(\"up.hex\")]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

/* PlatformIO: -s ADDRESS:leave on every STM32 board, plain DFU ones too. */
static void test_dfuse_address_on_plain(void)
{
	static uint8_t img[2000];
	struct sim_device *dev;
	struct simbackend *sb;
	struct run res;
	static const char *const refused[][2] = {
		{ "0x08000000:mass-erase:force", "mass-erase" },
		{ "0x08000000:unprotect:force", "unprotect" },
		{ "0x08000000:64", "length" },
	};

	fill(img, sizeof(img), 3);
	write_file("pio.bin", img, sizeof(img));
	sb = bus_one("tinyusb", &dev);
	if (sb == NULL) {
		skip(10, "cannot create the tinyusb model");
		return;
	}
	run(sb, &res, "-d", "0xcafe:0x4000", "-a", "0", "-s", "0x08000000:leave", "-D",
	    path_of("pio.bin"), NULL);
	is_int(res.r, ERR_OK, "PlatformIO's -s 0x08000000:leave on a plain device (%s)",
	       res.err.msg);
	ok(mem_is(dev, 0, img, sizeof(img)), "the image sits at the alt's start");
	is_substr(res.errtxt, "address 0x08000000 from -s is ignored",
		  "one warning line says the address is ignored");
	is_int(strchr(res.errtxt, '\n'), res.errtxt + strlen(res.errtxt) - 1,
	       "one warning line says the address is ignored [strchr(res.errtxt, '\\n')]");
	ok(sim_device_gone(dev), ":leave reset the device after it returned to dfuIDLE");
	run_free(&res);
	simbackend_free(sb);

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		sb = bus_one("tinyusb", &dev);
		if (sb == NULL) {
			skip(4, "cannot create the tinyusb model");
			continue;
		}
		run(sb, &res, "-a", "0", "-s", refused[i][0], "-D", path_of("pio.bin"), NULL);
		is_int(res.r, ERR_USAGE, "-s %s on a plain device: exit 64 (%s) [res.r]",
		       refused[i][0], res.err.msg);
		is_substr(res.err.msg, refused[i][1], "-s %s on a plain device: exit 64 (%s)",
			  refused[i][0], res.err.msg);
		is_int(error_exit_code(res.r), 64,
		       "-s %s on a plain device: exit 64 (%s) [error_exit_code(res.r)]",
		       refused[i][0], res.err.msg);
		is_int(stats_of(dev).dfu_requests, 0, "-s %s: refused before any DFU request",
		       refused[i][0]);
		run_free(&res);
		simbackend_free(sb);
	}
}

static void test_tinyusb_upload(void)
{
	static uint8_t mem[65536];
	struct simbackend_counts c0, c1;
	struct sim_device *dev;
	struct simbackend *sb = bus_one("tinyusb", &dev);
	struct run res;

	if (sb == NULL) {
		skip(22, "cannot create the tinyusb model");
		return;
	}
	fill(mem, sizeof(mem), 4);
	sim_device_load(dev, 0, mem, sizeof(mem));
	sim_device_load(dev, 0x00100000, mem, 1000);
	run(sb, &res, "-d", "cafe:4000", "-a", "0", "-U", path_of("flash.bin"), NULL);
	is_int(res.r, ERR_OK, "-U FLASH: 64 KiB, equal to the memory (%s) [res.r]", res.err.msg);
	is_int(file_size("flash.bin"), 65536,
	       "-U FLASH: 64 KiB, equal to the memory (%s) [file_size(\"flash.bin\")]",
	       res.err.msg);
	is_int(file_is("flash.bin", mem, sizeof(mem)), true,
	       "-U FLASH: 64 KiB, equal to the memory (%s) [file_is(\"flash.bin\", mem, sizeof(mem))]",
	       res.err.msg);
	run_free(&res);
	run(sb, &res, "-a", "1", "-U", path_of("eeprom.bin"), NULL);
	is_int(res.r, ERR_OK, "-U EEPROM: ends at the short block, 1000 bytes (%s) [res.r]",
	       res.err.msg);
	is_int(file_size("eeprom.bin"), 1000,
	       "-U EEPROM: ends at the short block, 1000 bytes (%s) [file_size(\"eeprom.bin\")]",
	       res.err.msg);
	is_int(file_is("eeprom.bin", mem, 1000), true,
	       "-U EEPROM: ends at the short block, 1000 bytes (%s) [file_is(\"eeprom.bin\", mem, 1000)]",
	       res.err.msg);
	run_free(&res);
	run(sb, &res, "-a", "0", "-Z", "300", "-U", path_of("z.bin"), NULL);
	is_int(res.r, ERR_OK, "-Z 300: exactly 300 bytes (%s) [res.r]", res.err.msg);
	is_int(file_size("z.bin"), 300, "-Z 300: exactly 300 bytes (%s) [file_size(\"z.bin\")]",
	       res.err.msg);
	is_int(file_is("z.bin", mem, 300), true,
	       "-Z 300: exactly 300 bytes (%s) [file_is(\"z.bin\", mem, 300)]", res.err.msg);
	is_int(sim_device_state(dev), 2, "the device is back in dfuIDLE after -Z");
	run_free(&res);
	run(sb, &res, "-a", "0", "-U", path_of("z.bin"), NULL);
	is_int(res.r, ERR_CANTCREAT,
	       "-U onto an existing file: refused, the file untouched (%s) [res.r]", res.err.msg);
	is_int(file_size("z.bin"), 300,
	       "-U onto an existing file: refused, the file untouched (%s) [file_size(\"z.bin\")]",
	       res.err.msg);
	run_free(&res);
	run(sb, &res, "-a", "0", "-s", "0x100:16", "-U", path_of("len.bin"), NULL);
	is_int(res.r, ERR_USAGE,
	       "-s ADDRESS:LENGTH on a plain upload: exit 64, no file (%s) [res.r]", res.err.msg);
	is_int(file_size("len.bin"), -1,
	       "-s ADDRESS:LENGTH on a plain upload: exit 64, no file (%s) [file_size(\"len.bin\")]",
	       res.err.msg);
	run_free(&res);
	run(sb, &res, "-a", "0", "-D", path_of("z.bin"), "--verify", NULL);
	is_int(res.r, ERR_USAGE, "--verify is DfuSe only: %s [res.r]", res.err.msg);
	is_substr(res.err.msg, "--verify", "--verify is DfuSe only: %s", res.err.msg);
	run_free(&res);
	run(sb, &res, "-a", "0", "-D", path_of("z.bin"), "--dry-run", NULL);
	is_int(res.r, ERR_OK, "--dry-run writes nothing (%s) [res.r]", res.err.msg);
	is_substr(res.out, "Dry run", "--dry-run writes nothing (%s)", res.err.msg);
	is_int(stats_of(dev).dnload, 0, "--dry-run writes nothing (%s) [stats_of(dev).dnload]",
	       res.err.msg);
	run_free(&res);
	simbackend_counts(sb, &c0);
	run(sb, &res, "-a", "0", "-s", "0x08000000:leave", NULL);
	simbackend_counts(sb, &c1);
	is_int(res.r, ERR_OK, "-s ADDRESS:leave alone: one reset, nothing written (%s) [res.r]",
	       res.err.msg);
	is_int(c1.resets, c0.resets + 1,
	       "-s ADDRESS:leave alone: one reset, nothing written (%s) [c1.resets]", res.err.msg);
	is_int(stats_of(dev).dnload, 0,
	       "-s ADDRESS:leave alone: one reset, nothing written (%s) [stats_of(dev).dnload]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

/* An application whose run-time interface re-enumerates as a plain bootloader. */
static void test_runtime_switch(void)
{
	static uint8_t img[4000];
	struct sim_device *dev;
	struct simbackend *sb = bus_one("plain-rt", &dev);
	struct run res;

	if (sb == NULL) {
		skip(5, "cannot create the plain-rt model");
		return;
	}
	fill(img, sizeof(img), 5);
	write_file("app.bin", img, sizeof(img));
	run(sb, &res, "-d", "1209:0001,1209:0002", "-D", path_of("app.bin"), NULL);
	is_int(res.r, ERR_OK, "run-time 1209:0001 -> plain DFU 1209:0002, download (%s)",
	       res.err.msg);
	ok(mem_is(dev, 0x08004000, img, sizeof(img)), "the image is in the bootloader's alt");
	is_substr(res.out, "Device is in DFU mode", "the switch is reported");
	is_substr(res.out, "[1209:0002]", "the switch is reported");
	ok(sim_device_gone(dev), "manifestation, wait-reset, reset: gone");
	run_free(&res);
	simbackend_free(sb);

	sb = bus_one("plain-rt", &dev);
	if (sb == NULL) {
		skip(2, "cannot create the plain-rt model");
		return;
	}
	run(sb, &res, "-d", "1209:0001,1209:0002", "-e", NULL);
	is_int(res.r, ERR_OK, "-e alone: detached into the plain bootloader (%s) [res.r]",
	       res.err.msg);
	is_int(sim_device_idProduct(dev), 0x0002,
	       "-e alone: detached into the plain bootloader (%s) [sim_device_idProduct(dev)]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

static void test_device_failure(void)
{
	static uint8_t img[500];
	struct sim_device *dev;
	struct simbackend *sb = bus_one("maple", &dev);
	struct run res;

	if (sb == NULL) {
		skip(3, "cannot create the maple model");
		return;
	}
	write_file("ram.bin", img, sizeof(img));
	run(sb, &res, "-a", "0", "-D", path_of("ram.bin"), NULL);
	is_int(res.r, ERR_PROTOCOL,
	       "Maple alt 0 (RAM): an error naming block 0, no success claimed: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg, "download: block 0",
		  "Maple alt 0 (RAM): an error naming block 0, no success claimed: %s",
		  res.err.msg);
	isnt_substr(res.out, "Download done",
		    "Maple alt 0 (RAM): an error naming block 0, no success claimed: %s",
		    res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	/* Gone in the middle of a download: the figures say how far it got. */
	sb = bus_one("tinyusb", &dev);
	if (sb == NULL) {
		skip(8, "cannot create the tinyusb model");
		return;
	}
	{
		static uint8_t big[4096];
		unsigned long long bytes;
		unsigned long blocks;

		fill(big, sizeof(big), 5);
		write_file("gone.bin", big, sizeof(big));
		sim_device_set_faults(dev, &(struct sim_faults){ .disconnect_after = 40 });
		run(sb, &res, "-v", "-a", "0", "-D", path_of("gone.bin"), NULL);
		is_int(res.r, ERR_IO,
		       "a plain device gone mid-download: an error, no success claimed: %s [res.r]",
		       res.err.msg);
		isnt_substr(res.out, "Download done",
			    "a plain device gone mid-download: an error, no success claimed: %s",
			    res.err.msg);
		bytes = res.st.bytes_written;
		blocks = res.st.blocks_written;
		cmp_int(bytes, >, 0,
			"a plain device gone mid-download: the %llu bytes it took (%lu blocks) are "
			"counted, and -v says so [bytes]",
			bytes, blocks);
		cmp_int(bytes, <, sizeof(big),
			"a plain device gone mid-download: the %llu bytes it took (%lu blocks) are "
			"counted, and -v says so [bytes]",
			bytes, blocks);
		is_int(bytes, blocks * 64u,
		       "a plain device gone mid-download: the %llu bytes it took (%lu blocks) are "
		       "counted, and -v says so [bytes]",
		       bytes, blocks);
		is_int(mem_is(dev, 0, big, (size_t)bytes), true,
		       "a plain device gone mid-download: the %llu bytes it took (%lu blocks) are "
		       "counted, and -v says so [mem_is(dev, 0, big, (size_t)bytes)]",
		       bytes, blocks);
		is_substr(res.out, "Write:  ",
			  "a plain device gone mid-download: the %llu bytes it took (%lu blocks) are "
			  "counted, and -v says so",
			  bytes, blocks);
		is_substr(res.out, " blocks sent)",
			  "a plain device gone mid-download: the %llu bytes it took (%lu blocks) are "
			  "counted, and -v says so",
			  bytes, blocks);
		run_free(&res);
	}
	simbackend_free(sb);
}

/* -R alone and -w with a plain device that is plugged in late. */
static void test_reset_and_wait(void)
{
	static uint8_t img[640];
	struct simbackend_counts c;
	struct sim_device *dev;
	struct simbackend *sb = bus_one("tinyusb", &dev);
	struct run res;

	if (sb == NULL) {
		skip(3, "cannot create the tinyusb model");
		return;
	}
	run(sb, &res, "-d", "cafe:4000", "-R", NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "-R alone on a plain device: one reset, nothing written (%s) [res.r]",
	       res.err.msg);
	is_int(c.resets, 1,
	       "-R alone on a plain device: one reset, nothing written (%s) [c.resets]",
	       res.err.msg);
	is_int(stats_of(dev).dnload, 0,
	       "-R alone on a plain device: one reset, nothing written (%s) [stats_of(dev).dnload]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = bus_one("tinyusb", &dev);
	if (sb == NULL) {
		skip(3, "cannot create the tinyusb model");
		return;
	}
	fill(img, sizeof(img), 6);
	write_file("late.bin", img, sizeof(img));
	simbackend_plug_at(sb, 0, 2000000);
	run(sb, &res, "-w", "-d", "cafe:4000", "-a", "0", "-D", path_of("late.bin"), NULL);
	is_int(res.r, ERR_OK, "-w: waits for the plain device, then flashes it (%s) [res.r]",
	       res.err.msg);
	is_int(mem_is(dev, 0, img, sizeof(img)), true,
	       "-w: waits for the plain device, then flashes it (%s) [mem_is(dev, 0, img, sizeof(img))]",
	       res.err.msg);
	ok(simbackend_now(sb) >= 2000000, "-w: the download started after the device appeared");
	run_free(&res);
	simbackend_free(sb);
}

int main(void)
{
	if (!scratch_init("test-plain-ops"))
		skip_all("cannot create a temporary directory");
	test_maple_callers();
	test_maple_pipes_only();
	test_suffix_rules();
	test_dfuse_address_on_plain();
	test_tinyusb_upload();
	test_runtime_switch();
	test_device_failure();
	test_reset_and_wait();
	remove_tmpdir();
	return done_testing();
}
