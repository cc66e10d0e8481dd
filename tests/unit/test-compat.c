/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of what the programs that call dfu-util rely on (issue 9), over
 * simulated devices on a virtual clock: bystanders are never detached, a
 * file's suffix IDs are checked against -d before any request, a raw image
 * without an address is refused naming the -s to add, a device nobody can
 * open is reported in dfu-util's words, 8-bit serials select a device, and
 * the reasons dev_mismatch() gives.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "dfu_file.h"
#include "ops.h"
#include "options.h"
#include "oprun.h"
#include "scratch.h"
#include "simbackend.h"
#include "tap.h"

#define IMG_LEN 6000

static uint8_t img[IMG_LEN];

static struct sim_device *plug(struct simbackend *sb, const struct sim_chip *chip,
			       const char *serial)
{
	struct sim_device *d = sim_device_new(chip, serial);

	if (d != NULL && simbackend_add(sb, d) < 0) {
		sim_device_free(d);
		d = NULL;
	}
	return d;
}

static struct sim_stats stats(struct sim_device *d)
{
	struct sim_stats s;

	sim_device_stats(d, &s);
	return s;
}

/* @name in the scratch directory: the raw image, with a DFU suffix for @vid:@pid if @suffix. */
static const char *image_file(const char *name, bool suffix, uint16_t vid, uint16_t pid)
{
	const char *p = path_of(name);
	uint8_t sfx[16] = { 0xFF,	  0xFF,
			    (uint8_t)pid, (uint8_t)(pid >> 8),
			    (uint8_t)vid, (uint8_t)(vid >> 8),
			    0x00,	  0x01,
			    'U',	  'F',
			    'D',	  16 };
	uint8_t *buf = malloc(IMG_LEN + sizeof(sfx));
	uint32_t crc;
	FILE *f;

	if (buf == NULL)
		return p;
	memcpy(buf, img, IMG_LEN);
	memcpy(buf + IMG_LEN, sfx, 12);
	crc = dfu_file_crc(buf, IMG_LEN + 12);
	for (int i = 0; i < 4; i++)
		buf[IMG_LEN + 12 + i] = (uint8_t)(crc >> (8 * i));
	f = fopen(p, "wb");
	if (f != NULL) {
		fwrite(buf, 1, suffix ? IMG_LEN + 16 : IMG_LEN, f);
		fclose(f);
	}
	free(buf);
	return p;
}

static bool flashed(struct sim_device *d, uint32_t addr)
{
	uint8_t got[IMG_LEN];

	return sim_device_read(d, addr, got, sizeof(got)) == 0 && memcmp(got, img, IMG_LEN) == 0;
}

/* A run-time application like the "runtime" chip but speaking plain DFU 1.1. */
static struct sim_chip plain_runtime;

static void test_bystanders(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *bt = plug(sb, sim_chip_find("apple-bt"), NULL);
	struct sim_device *rt, *f4;
	struct run res;

	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", image_file("a.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_NOTFOUND,
	       "only a Mac's Bluetooth controller: not found, says what it is and which -d: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg,
		  "[05ac:8290] path=1-1 in run-time mode (an Apple Bluetooth "
		  "controller) was not detached; -d 05ac:8290 selects it",
		  "only a Mac's Bluetooth controller: not found, says what it is and which -d: %s",
		  res.err.msg);
	is_int(stats(bt).dfu_requests, 0, "the Bluetooth controller was sent nothing");
	run_free(&res);
	run(sb, &res, "-e", NULL);
	is_int(res.r, ERR_NOTFOUND, "-e does not detach it either: %s [res.r]", res.err.msg);
	is_int(stats(bt).detach, 0, "-e does not detach it either: %s [stats(bt).detach]",
	       res.err.msg);
	run_free(&res);
	rt = plug(sb, sim_chip_find("runtime"), "RT1");
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", image_file("a.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_OK,
	       "with the user's DfuSe board running too: that one is detached and flashed: %s [res.r]",
	       res.err.msg);
	is_int(stats(bt).dfu_requests, 0,
	       "with the user's DfuSe board running too: that one is detached and flashed: %s [stats(bt).dfu_requests]",
	       res.err.msg);
	is_int(stats(rt).detach, 1,
	       "with the user's DfuSe board running too: that one is detached and flashed: %s [stats(rt).detach]",
	       res.err.msg);
	is_int(flashed(rt, 0x08000000), true,
	       "with the user's DfuSe board running too: that one is detached and flashed: %s [flashed(rt, 0x08000000)]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	bt = plug(sb, sim_chip_find("apple-bt"), NULL);
	f4 = plug(sb, sim_chip_find("f4"), NULL);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", image_file("a.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_OK,
	       "a board in DFU mode next to it: flashed, the controller untouched [res.r]");
	is_int(stats(bt).dfu_requests, 0,
	       "a board in DFU mode next to it: flashed, the controller untouched [stats(bt).dfu_requests]");
	is_int(flashed(f4, 0x08000000), true,
	       "a board in DFU mode next to it: flashed, the controller untouched [flashed(f4, 0x08000000)]");
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	bt = plug(sb, sim_chip_find("apple-bt"), NULL);
	run(sb, &res, "-d", "05ac:8290", "-a", "0", "-s", "0x08000000", "-D",
	    image_file("a.bin", false, 0, 0), NULL);
	ok(stats(bt).detach == 1, "-d naming it: detached, as asked (%s)", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	plain_runtime = *sim_chip_find("runtime");
	plain_runtime.bcdDFUVersion = 0x0110;
	sb = simbackend_new();
	rt = plug(sb, &plain_runtime, "PLAIN1");
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", image_file("a.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_NOTFOUND,
	       "a run-time interface that is not DfuSe: not detached: %s [res.r]", res.err.msg);
	is_int(stats(rt).dfu_requests, 0,
	       "a run-time interface that is not DfuSe: not detached: %s [stats(rt).dfu_requests]",
	       res.err.msg);
	is_substr(res.err.msg, "(DFU 1.10, not DfuSe) was not detached; -d 0483:5740 selects it",
		  "a run-time interface that is not DfuSe: not detached: %s", res.err.msg);
	run_free(&res);
	run(sb, &res, "-S", "PLAIN1", "-a", "0", "-s", "0x08000000", "-D",
	    image_file("a.bin", false, 0, 0), NULL);
	ok(stats(rt).detach == 1, "-S naming it: detached (%s)", res.err.msg);
	run_free(&res);
	simbackend_free(sb);
	/* Without -s the operation may be a plain DFU one: such a board is plausible. */
	sb = simbackend_new();
	rt = plug(sb, &plain_runtime, "PLAIN2");
	run(sb, &res, "-D", image_file("a.bin", false, 0, 0), NULL);
	ok(stats(rt).detach == 1, "the same board, no -s (a plain DFU download): detached (%s)",
	   res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

static void test_suffix_ids(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *app = plug(sb, sim_chip_find("pio-app"), NULL);
	const char *pio = image_file("pio.bin", true, 0x1209, 0x6665);
	struct run res;

	run(sb, &res, "-d", "0x1209:0x6665,0x0483:0xDF11", "-a", "0", "-s", "0x08000000:leave",
	    "-D", pio, NULL);
	is_int(res.r, ERR_OK,
	       "suffix 1209:6665 = the run-time half of -d, board running: detached, flashed, "
	       "no warning: %s [res.r]",
	       res.err.msg);
	is_int(stats(app).detach, 1,
	       "suffix 1209:6665 = the run-time half of -d, board running: detached, flashed, "
	       "no warning: %s [stats(app).detach]",
	       res.err.msg);
	is_int(res.errlen, 0,
	       "suffix 1209:6665 = the run-time half of -d, board running: detached, flashed, "
	       "no warning: %s [res.errlen]",
	       res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	app = plug(sb, sim_chip_find("pio-app"), NULL);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", pio, NULL);
	is_int(res.r, ERR_OK,
	       "no -d, suffix = the IDs of the run-time device it was reached from: no warning [res.r]");
	is_int(res.errlen, 0,
	       "no -d, suffix = the IDs of the run-time device it was reached from: no warning [res.errlen]");
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	app = plug(sb, sim_chip_find("pio-app"), NULL);
	run(sb, &res, "-d", "0483:df11", "-a", "0", "-s", "0x08000000", "-D", pio, NULL);
	is_int(res.r, ERR_DATA, "suffix for neither half of -d: ERR_DATA: %s [res.r]", res.err.msg);
	is_substr(res.err.msg,
		  "is for [1209:6665], which neither half of -d "
		  "0483:df11 names; :force overrides",
		  "suffix for neither half of -d: ERR_DATA: %s", res.err.msg);
	is_int(stats(app).dfu_requests, 0, "... before any request: the board still runs");
	run_free(&res);
	run(sb, &res, "-d", "0483:*", "-a", "0", "-s", "0x08000000", "-D", pio, NULL);
	is_int(res.r, ERR_DATA, "-d 0483:* does not name 1209:6665 either [res.r]");
	is_int(stats(app).dfu_requests, 0,
	       "-d 0483:* does not name 1209:6665 either [stats(app).dfu_requests]");
	run_free(&res);
	run(sb, &res, "-d", "0483:df11", "-a", "0", "-s", "0x08000000:force", "-D", pio, NULL);
	is_int(res.r, ERR_NOTFOUND,
	       ":force: warned, then -d 0483:df11 takes no run-time device: %s [res.r]",
	       res.err.msg);
	is_substr(res.errtxt, "flashing anyway because of :force",
		  ":force: warned, then -d 0483:df11 takes no run-time device: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	app = plug(sb, sim_chip_find("f4"), NULL);
	run(sb, &res, "-d", "0x1209:0x6665,0x0483:0xDF11", "-a", "0", "-s", "0x08000000", "-D", pio,
	    NULL);
	is_int(res.r, ERR_OK,
	       "the same with the board already in DFU mode: flashed, no warning [res.r]");
	is_int(flashed(app, 0x08000000), true,
	       "the same with the board already in DFU mode: flashed, no warning [flashed(app, 0x08000000)]");
	is_int(res.errlen, 0,
	       "the same with the board already in DFU mode: flashed, no warning [res.errlen]");
	run_free(&res);
	run(sb, &res, "-d", "ffff:ffff,0483:df11", "-a", "0", "-s", "0x08000000", "-D",
	    image_file("any.bin", true, 0xFFFF, 0xFFFF), NULL);
	ok(res.r == ERR_OK, "a 0xFFFF suffix matches any -d: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

static void test_raw_without_address(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *f4 = plug(sb, sim_chip_find("f4"), NULL);
	struct run res;

	run(sb, &res, "-a", "0", "-D", image_file("r.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_USAGE, "raw image, no -s: ERR_USAGE naming the -s to add: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg,
		  "is a raw image and -s gives no address: add -s "
		  "0x08000000 (the start of alt 0 \"Internal "
		  "Flash\")",
		  "raw image, no -s: ERR_USAGE naming the -s to add: %s", res.err.msg);
	is_int(stats(f4).dnload, 0, "... and nothing sent down");
	run_free(&res);
	run(sb, &res, "-s", ":leave", "-D", image_file("r.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_USAGE, "-s :leave: the suggestion keeps :leave: %s [res.r]", res.err.msg);
	is_substr(res.err.msg, "add -s 0x08000000:leave (the start of alt 0",
		  "-s :leave: the suggestion keeps :leave: %s", res.err.msg);
	run_free(&res);
	run(sb, &res, "-a", "1", "-D", image_file("r.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_USAGE, "-a 1: the start of that alt: %s [res.r]", res.err.msg);
	is_substr(res.err.msg,
		  "add -s 0x1FFFC000 (the start of alt 1 \"Option "
		  "Bytes\")",
		  "-a 1: the start of that alt: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = simbackend_new();
	f4 = plug(sb, sim_chip_find("runtime"), NULL);
	run(sb, &res, "-a", "0", "-D", image_file("r.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_USAGE,
	       "raw image, no -s, board running: refused before the detach: %s [res.r]",
	       res.err.msg);
	is_int(stats(f4).detach, 0,
	       "raw image, no -s, board running: refused before the detach: %s [stats(f4).detach]",
	       res.err.msg);
	is_substr(res.err.msg, "nothing was sent",
		  "raw image, no -s, board running: refused before the detach: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

static void test_listing(void)
{
	struct simbackend *sb = simbackend_new();
	struct sim_device *gd = plug(sb, sim_chip_find("gd32"), "3CBJ");
	struct sim_device *gd2 = plug(sb, sim_chip_find("gd32"), "3C8J");
	const struct sim_faults eight = { .serial_8bit = true };
	struct run res;

	sim_device_set_faults(gd, &eight);
	sim_device_set_faults(gd2, &eight);
	run(sb, &res, "-l", NULL);
	is_int(res.r, ERR_OK, "8-bit serials listed as sent [res.r]");
	is_substr(res.out,
		  "alt=0, name=\"@Internal Flash  /0x08000000/512*002Kg\", "
		  "serial=\"3CBJ\"\n",
		  "8-bit serials listed as sent");
	is_substr(res.out, "serial=\"3C8J\"\n", "8-bit serials listed as sent");
	run_free(&res);
	run(sb, &res, "-S", "3CBJ", "-a", "0", "-s", "0x08000000", "-D",
	    image_file("g.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_OK, "-S 3CBJ picks that GD32 only: %s [res.r]", res.err.msg);
	is_int(flashed(gd, 0x08000000), true,
	       "-S 3CBJ picks that GD32 only: %s [flashed(gd, 0x08000000)]", res.err.msg);
	is_int(stats(gd2).dnload, 0, "-S 3CBJ picks that GD32 only: %s [stats(gd2).dnload]",
	       res.err.msg);
	run_free(&res);
	simbackend_set_open_error(sb, 1, ERR_ACCESS,
				  "cannot open /dev/bus/usb/001/003: permission denied (install "
				  "the udev rule 50-dfuse-util.rules, or run as root)");
	run(sb, &res, "-l", NULL);
	is_int(res.r, ERR_OK,
	       "-l, a device nobody may open: exit 0, dfu-util's words, then the node and the fix: %s [res.r]",
	       res.errtxt);
	is_substr(res.errtxt,
		  "Cannot open DFU device 28e9:0189 found on devnum 3 "
		  "(LIBUSB_ERROR_ACCESS)\ndfuse-util: warning: "
		  "[28e9:0189] devnum=3: cannot open "
		  "/dev/bus/usb/001/003: permission denied",
		  "-l, a device nobody may open: exit 0, dfu-util's words, then the node and the fix: %s",
		  res.errtxt);
	run_free(&res);
	simbackend_free(sb);
}

static void test_nothing_matches(void)
{
	struct simbackend *sb = simbackend_new();
	struct run res;

	plug(sb, sim_chip_find("f4"), "F4A");
	plug(sb, sim_chip_find("runtime"), "RT9");
	run(sb, &res, "-d", ",1234:5678", "-a", "0", "-s", "0x08000000", "-D",
	    image_file("n.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_NOTFOUND,
	       "nothing matches: each device with why, the board in run-time mode with how: %s [res.r]",
	       res.err.msg);
	is_substr(res.err.msg,
		  "no DFU device matches the selection: path=1-1: [0483:df11] "
		  "(DFU mode) is not -d ,1234:5678; path=1-2: [0483:5740] "
		  "(run-time mode) is not -d ,1234:5678, which takes no "
		  "run-time device; to switch it to DFU mode run -e first or "
		  "pass -d 0483:5740",
		  "nothing matches: each device with why, the board in run-time mode with how: %s",
		  res.err.msg);
	run_free(&res);
	run(sb, &res, "-S", "NOPE", "-a", "0", "-s", "0x08000000", "-D",
	    image_file("n.bin", false, 0, 0), NULL);
	is_int(res.r, ERR_NOTFOUND, "-S: the serial that did not match: %s [res.r]", res.err.msg);
	is_substr(res.err.msg, "path=1-1: serial \"F4A\" is not -S NOPE",
		  "-S: the serial that did not match: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

/* dev_mismatch() alone. */
static void test_mismatch(void)
{
	static const struct {
		const char *args[4];
		bool runtime;
		const char *want;
		bool ids;
	} rows[] = {
		{ { "-d", ",0483:df12", "-l" },
		  false,
		  "[0483:df11] (DFU mode) is not -d ,0483:df12",
		  true },
		{ { "-d", "1209:6665,0483:df11", "-l" },
		  true,
		  "[0483:5740] (run-time mode) is not -d 1209:6665,0483:df11",
		  true },
		{ { "-d", "0483:5740,-", "-l" },
		  false,
		  "[0483:df11] (DFU mode) is not -d 0483:5740,-, which takes no DFU-mode device",
		  true },
		{ { "-S", "X", "-l" }, false, "serial \"SER\" is not -S X", false },
		{ { "-p", "2-1", "-l" }, false, "path 1-4 is not -p 2-1", false },
		{ { "-n", "9", "-l" }, false, "devnum 5 is not -n 9", false },
		{ { "-c", "2", "-l" }, false, "configuration 1 is not -c 2", false },
		/* dfu-util: -c 0 is any configuration (LPCXpresso's LPC-Link boot line) */
		{ { "-c", "0", "-l" }, false, "", false },
		{ { "-S", "UNKNOWN", "-l" }, false, "serial \"SER\" is not -S UNKNOWN", false },
		{ { "-i", "1", "-l" }, false, "interface 0 is not -i 1", false },
		{ { "-l" }, false, "", false },
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		char *argv[5] = { (char *)"dfuse-util" };
		struct dev_info d = { .vid = 0x0483, .pid = 0xdf11, .devnum = 5, .cfg = 1 };
		struct error err;
		struct opts o;
		char buf[200];
		bool ids = !rows[r].ids;
		int argc = 1;

		for (size_t a = 0; a < 3 && rows[r].args[a] != NULL; a++)
			argv[argc++] = (char *)rows[r].args[a];
		snprintf(d.serial, sizeof(d.serial), "SER");
		snprintf(d.path, sizeof(d.path), "1-4");
		d.runtime = rows[r].runtime;
		if (d.runtime)
			d.pid = 0x5740;
		if (!is_int(opt_parse(argc, argv, &o, &err), ERR_OK, "mismatch row %zu parses", r))
			continue;
		is_str(dev_mismatch(&o, &d, &ids, buf, sizeof(buf)), rows[r].want,
		       "mismatch row %zu", r);
		is_int(ids, rows[r].ids, "mismatch row %zu: the IDs %s", r,
		       rows[r].ids ? "failed" : "passed");
		is_int(dev_matches(&o, &d), rows[r].want[0] == '\0',
		       "mismatch row %zu agrees with dev_matches", r);
	}
}

int main(void)
{
	if (!scratch_init("test-compat"))
		skip_all("cannot create a scratch directory");
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 7 + 3) == 0xFF ? 0x5A : (uint8_t)(i * 7 + 3);
	test_bystanders();
	test_suffix_ids();
	test_raw_without_address();
	test_listing();
	test_nothing_matches();
	test_mismatch();
	remove_tmpdir();
	return done_testing();
}
