/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of device selection (-S, -p, -a by name, a run-time bystander)
 * through opt_parse() and ops_run() against simulated devices on a virtual
 * clock (ops-test.h), and of src/device.c's matching, DfuSe detection and
 * descriptions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops-test.h"
#include "tap.h"

/* An application with a DFU run-time interface that has nothing to do with the board. */
static const struct sim_chip headset_chip = {
	.name = "headset",
	.description = "USB headset with a DFU run-time interface",
	.idVendor = 0x1234,
	.idProduct = 0x0001,
	.bcdDevice = 0x0100,
	.manufacturer = "Acme",
	.product = "Headset",
	.serial = "HS-1",
	.bMaxPacketSize0 = 64,
	.runtime = true,
	.dfu_idProduct = 0x0002,
	.dfu_chip = "f4",
	.bmAttributes = 0x07,
	.wDetachTimeOut = 1000,
	.wTransferSize = 2048,
	.bcdDFUVersion = 0x0110,
	.nalts = 1,
	.alt_names = { "Headset DFU" },
};

static void test_selection(void)
{
	static uint8_t app[2048];
	struct simbackend *sb = simbackend_new();
	struct sim_device *a, *b;
	struct run res;
	uint8_t *file;
	size_t len = 0;

	fill_pattern(app, sizeof(app), 90);
	a = sb != NULL ? add_chip(sb, sim_chip_find("f4"), "AAA111") : NULL;
	b = a != NULL ? add_chip(sb, sim_chip_find("f4"), "BBB222") : NULL;
	if (b == NULL || !write_file("sel.bin", app, sizeof(app))) {
		skip(9, "setup failed");
		simbackend_free(sb);
		return;
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("sel.bin"), NULL);
	is_int(res.r, ERR_USAGE, "two F4 boards: ambiguous");
	is_substr(res.err.msg, "AAA111", "the error names both: \"%s\"", res.err.msg);
	is_substr(res.err.msg, "BBB222", "the error names both: \"%s\"", res.err.msg);
	is_substr(res.err.msg, "1-1", "the error names both: \"%s\"", res.err.msg);
	is_substr(res.err.msg, "1-2", "the error names both: \"%s\"", res.err.msg);
	is_substr(res.err.msg, "-S", "and suggests -S and -p");
	is_substr(res.err.msg, "-p", "and suggests -S and -p");
	is_int(stats_of(a).dfu_requests, 0,
	       "neither device was touched [stats_of(a).dfu_requests]");
	is_int(stats_of(b).dfu_requests, 0,
	       "neither device was touched [stats_of(b).dfu_requests]");
	run_free(&res);

	run(sb, &res, "-S", "BBB222", "-a", "0", "-s", "0x08000000", "-D", path_of("sel.bin"),
	    NULL);
	is_int(res.r, ERR_OK, "-S BBB222 picks the second: %s", res.err.msg);
	is_int(mem_is(b, FLASH, app, sizeof(app)), true,
	       "only that one is flashed [mem_is(b, FLASH, app, sizeof(app))]");
	is_int(mem_all(a, FLASH, 0xFF, sizeof(app)), true,
	       "only that one is flashed [mem_all(a, FLASH, 0xFF, sizeof(app))]");
	run_free(&res);

	run(sb, &res, "-p", "1-1", "-a", "0", "-s", "0x08000000", "-D", path_of("sel.bin"), NULL);
	is_int(res.r, ERR_OK, "-p 1-1 picks the first: %s [res.r]", res.err.msg);
	is_int(mem_is(a, FLASH, app, sizeof(app)), true,
	       "-p 1-1 picks the first: %s [mem_is(a, FLASH, app, sizeof(app))]", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	/* An unrelated run-time interface next to one F4: no ambiguity. */
	sb = simbackend_new();
	a = sb != NULL ? add_chip(sb, &headset_chip, NULL) : NULL;
	b = a != NULL ? add_chip(sb, sim_chip_find("f4"), NULL) : NULL;
	if (b == NULL) {
		skip(8, "setup failed");
		simbackend_free(sb);
		return;
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("sel.bin"), NULL);
	is_int(res.r, ERR_OK, "headset (run-time) + F4: the F4 is flashed: %s [res.r]",
	       res.err.msg);
	is_int(mem_is(b, FLASH, app, sizeof(app)), true,
	       "headset (run-time) + F4: the F4 is flashed: %s [mem_is(b, FLASH, app, sizeof(app))]",
	       res.err.msg);
	is_int(stats_of(a).detach, 0, "the headset was left alone [stats_of(a).detach]");
	is_int(sim_device_gone(a), false, "the headset was left alone [sim_device_gone(a)]");
	run_free(&res);

	/* -a by name: the option bytes, read back. */
	run(sb, &res, "-a", "@Option Bytes  /0x1FFFC000/01*016 e", "-U", path_of("ob.bin"), NULL);
	file = read_file("ob.bin", &len);
	is_int(res.r, ERR_OK, "-a \"@Option Bytes ...\" -U: %s", res.err.msg);
	is_int(len, 16, "-a \"@Option Bytes ...\" -U: the 16 option bytes");
	is_hex(file != NULL && len >= 1 ? file[0] : 0x100, 0xEC, "... byte 0, RDP level 0");
	is_hex(file != NULL && len >= 2 ? file[1] : 0x100, 0xAA, "... byte 1");
	free(file);
	run_free(&res);
	simbackend_free(sb);
}

/* ---- device.c: matching, DfuSe detection, descriptions ----------------------- */

struct match_row {
	const char *args[4];
	bool rt, dfu; /* does the run-time / the DFU-mode interface match? */
};

static const struct match_row match_rows[] = {
	{ { NULL }, true, true },
	{ { "-d", "0483:df11", NULL }, false, true },
	{ { "-d", "0483:5740", NULL }, true, true },
	{ { "-d", ",0483:df11", NULL }, false, true },
	{ { "-d", "0483:5740,:df11", NULL }, true, true },
	{ { "-d", "0483:5740,:1234", NULL }, true, false },
	{ { "-d", "1234:*", NULL }, false, true },
	{ { "-S", "X1", NULL }, true, true },
	{ { "-S", "X1,Y2", NULL }, true, false },
	{ { "-S", "Y2", NULL }, false, false },
	{ { "-p", "1-2", NULL }, false, true },
	{ { "-n", "5", NULL }, true, false },
	{ { "-c", "1", NULL }, true, true },
	{ { "-i", "1", NULL }, false, false },
};

/* The DfuSe decision for @d, with the quirks its selection looks up. */
static bool is_dfuse(const struct dev_info *d)
{
	struct dfu_quirks q;

	quirks_lookup(d->vid, d->pid, d->bcdDevice, d->serial, &q);
	return dev_is_dfuse(d, &q);
}

static void test_device(void)
{
	struct dev_info rt, dfu;
	char buf[400];

	memset(&rt, 0, sizeof(rt));
	rt.vid = 0x0483;
	rt.pid = 0x5740;
	rt.devnum = 5;
	rt.cfg = 1;
	rt.runtime = true;
	snprintf(rt.path, sizeof(rt.path), "1-1");
	snprintf(rt.serial, sizeof(rt.serial), "X1");
	dfu = rt;
	dfu.pid = 0xdf11;
	dfu.devnum = 6;
	dfu.runtime = false;
	snprintf(dfu.path, sizeof(dfu.path), "1-2");
	for (size_t i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
		const struct match_row *row = &match_rows[i];
		char prog[] = "dfuse-util", list[] = "-l";
		char *argv[6] = { prog, list, NULL, NULL, NULL, NULL };
		char joined[64] = "";
		struct opts o;
		struct error err;
		int argc = 2;

		for (size_t k = 0; row->args[k] != NULL; k++) {
			argv[argc++] = (char *)(uintptr_t)row->args[k];
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), " %s",
				 row->args[k]);
		}
		if (opt_parse(argc, argv, &o, &err) != ERR_OK) {
			ok(false, "dev_matches -l%s: parses (%s)", joined, err.msg);
			continue;
		}
		is_int(dev_matches(&o, &rt), row->rt,
		       "dev_matches -l%s: run-time %s, DFU-mode %s [dev_matches(&o, &rt)]", joined,
		       row->rt ? "matches" : "does not", row->dfu ? "matches" : "does not");
		is_int(dev_matches(&o, &dfu), row->dfu,
		       "dev_matches -l%s: run-time %s, DFU-mode %s [dev_matches(&o, &dfu)]", joined,
		       row->rt ? "matches" : "does not", row->dfu ? "matches" : "does not");
	}

	dfu.has_func = true;
	dfu.func.bcdDFUVersion = 0x011A;
	dfu.nalts = 1;
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "@Flash/0x08000000/4*1Kg");
	ok(is_dfuse(&dfu), "dev_is_dfuse: bcdDFUVersion 0x011A and a layout");
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "FLASH");
	ok(!is_dfuse(&dfu), "dev_is_dfuse: bcdDFUVersion 0x011A without layouts is plain DFU");
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "@Flash/0x08000000/4*1Kg");
	dfu.vid = 0x1eaf;
	dfu.pid = 0x0003;
	dfu.bcdDevice = 0x0200;
	ok(!is_dfuse(&dfu), "dev_is_dfuse: the Maple quirk forces plain DFU 1.1");
	dfu.bcdDevice = 0x0201;
	ok(is_dfuse(&dfu), "dev_is_dfuse: the Maple quirk keys on bcdDevice 0x0200");
	dfu.func.bcdDFUVersion = 0x0110;
	dfu.nalts = 1;
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "Application");
	ok(!is_dfuse(&dfu), "dev_is_dfuse: DFU 1.1 without layouts is plain DFU");
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "@Flash/0x08000000/4*1Kg");
	dfu.has_func = false;
	ok(is_dfuse(&dfu), "dev_is_dfuse: no functional descriptor, but a layout name");
	is_str(dev_describe(&rt, buf, sizeof(buf)),
	       "[0483:5740] path=\"1-1\" devnum=5 serial=\"X1\" (run-time mode)",
	       "dev_describe of a run-time interface");
}

int main(void)
{
	if (!scratch_init("test-ops-select"))
		skip_all("cannot create a temporary directory");

	test_selection();
	test_device();
	remove_tmpdir();
	return done_testing();
}
