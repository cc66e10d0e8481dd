/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of src/ops.c and src/device.c: realistic command lines, parsed by
 * opt_parse() and run by ops_run() against simulated devices on a virtual
 * clock; each checks the device memory and its request counters, the files
 * written and the lines the user sees.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dfu_file.h"
#include "ops.h"
#include "options.h"
#include "oprun.h"
#include "scratch.h"
#include "simbackend.h"
#include "tap.h"

#define FLASH 0x08000000u
#define KiB   1024u
#define MiB   (1024u * 1024u)

/* ---- helpers --------------------------------------------------------------- */

/* The whole file, malloc'd, or NULL when it does not exist. */
static uint8_t *read_file(const char *name, size_t *len)
{
	return slurp_path(path_of(name), len);
}

static bool file_exists(const char *name)
{
	struct stat sb;

	return stat(path_of(name), &sb) == 0;
}

/* Entries of the temporary directory whose names start with @prefix. */
static unsigned count_entries(const char *prefix)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

/* Deterministic bytes without runs of 0xFF. */
static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 7;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
		if (p[i] == 0xFF)
			p[i] = 0xFE;
	}
}

static bool mem_is(struct sim_device *dev, uint32_t addr, const uint8_t *want, size_t n)
{
	uint8_t *got = malloc(n ? n : 1);
	bool same;

	if (got == NULL)
		return false;
	same = sim_device_read(dev, addr, got, n) == 0 && memcmp(got, want, n) == 0;
	free(got);
	return same;
}

static bool mem_all(struct sim_device *dev, uint32_t addr, uint8_t v, size_t n)
{
	uint8_t *got = malloc(n ? n : 1);
	bool all;

	if (got == NULL)
		return false;
	all = sim_device_read(dev, addr, got, n) == 0;
	for (size_t i = 0; all && i < n; i++)
		all = got[i] == v;
	free(got);
	return all;
}

static struct sim_stats stats_of(struct sim_device *dev)
{
	struct sim_stats s;

	sim_device_stats(dev, &s);
	return s;
}

/* A bus with the named chips plugged in, in order (custom chips via add_chip). */
static struct simbackend *bus(const char *chip, ...)
{
	struct simbackend *sb = simbackend_new();
	va_list ap;

	if (sb == NULL)
		return NULL;
	va_start(ap, chip);
	for (const char *c = chip; c != NULL; c = va_arg(ap, const char *)) {
		struct sim_device *d = sim_device_new(sim_chip_find(c), NULL);

		if (d == NULL || simbackend_add(sb, d) < 0) {
			sim_device_free(d);
			simbackend_free(sb);
			sb = NULL;
			break;
		}
	}
	va_end(ap);
	return sb;
}

static struct sim_device *add_chip(struct simbackend *sb, const struct sim_chip *chip,
				   const char *serial)
{
	struct sim_device *d = sim_device_new(chip, serial);

	if (d == NULL || simbackend_add(sb, d) < 0) {
		sim_device_free(d);
		return NULL;
	}
	return d;
}

/* ---- building .dfu files ----------------------------------------------------- */

struct elem {
	uint32_t addr;
	const uint8_t *data;
	uint32_t len;
};

struct tgt {
	uint8_t alt;
	const char *name; /* NULL: unnamed */
	const struct elem *e;
	size_t n;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A UM0391 DfuSe file with @nt targets and a suffix for @vid:@pid; malloc'd. */
static uint8_t *build_dfu(const struct tgt *t, size_t nt, uint16_t vid, uint16_t pid, size_t *len)
{
	size_t size = 11 + 16;
	uint8_t *buf, *p;

	for (size_t i = 0; i < nt; i++) {
		size += 274;
		for (size_t k = 0; k < t[i].n; k++)
			size += 8 + t[i].e[k].len;
	}
	buf = calloc(1, size);
	if (buf == NULL)
		return NULL;
	memcpy(buf, "DfuSe\x01", 6);
	put32(buf + 6, (uint32_t)(size - 16));
	buf[10] = (uint8_t)nt;
	p = buf + 11;
	for (size_t i = 0; i < nt; i++) {
		uint32_t tsize = 0;

		for (size_t k = 0; k < t[i].n; k++)
			tsize += 8 + t[i].e[k].len;
		memcpy(p, "Target", 6);
		p[6] = t[i].alt;
		put32(p + 7, t[i].name != NULL);
		if (t[i].name != NULL)
			snprintf((char *)p + 11, 255, "%s", t[i].name);
		put32(p + 266, tsize);
		put32(p + 270, (uint32_t)t[i].n);
		p += 274;
		for (size_t k = 0; k < t[i].n; k++) {
			put32(p, t[i].e[k].addr);
			put32(p + 4, t[i].e[k].len);
			memcpy(p + 8, t[i].e[k].data, t[i].e[k].len);
			p += 8 + t[i].e[k].len;
		}
	}
	put16(p, 0xFFFF);
	put16(p + 2, pid);
	put16(p + 4, vid);
	put16(p + 6, 0x011A);
	memcpy(p + 8, "UFD", 3);
	p[11] = 16;
	put32(p + 12, dfu_file_crc(buf, size - 4));
	*len = size;
	return buf;
}

static bool write_dfu(const char *name, const struct tgt *t, size_t nt, uint16_t vid, uint16_t pid)
{
	size_t len = 0;
	uint8_t *buf = build_dfu(t, nt, vid, pid, &len);
	bool good = buf != NULL && write_file(name, buf, len);

	free(buf);
	return good;
}

/* The last "EVENT set-address" before "EVENT leave" in a model log, or -1. */
static long leave_address(const char *log)
{
	const char *leave = log ? strstr(log, "EVENT leave") : NULL;
	const char *p = log, *last = NULL;

	if (leave == NULL)
		return -1;
	while ((p = strstr(p, "EVENT set-address addr=")) != NULL && p < leave) {
		last = p;
		p++;
	}
	return last ? strtol(last + strlen("EVENT set-address addr="), NULL, 16) : -1;
}

static bool clean_protocol(struct sim_device *dev)
{
	struct sim_stats s = stats_of(dev);

	return s.early_polls == 0 && s.unerased_writes == 0 && s.forbidden == 0;
}

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
		skip(6, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-a", "0", "-D", path_of("fw.dfu"), NULL);
	s = stats_of(dev);
	is_int(res.r, ERR_OK, "-a 0 -D fw.dfu: %s", res.err.msg);
	ok(mem_is(dev, FLASH, vectors, sizeof(vectors)) &&
		   mem_is(dev, 0x08004000, app, sizeof(app)),
	   "both elements are in flash");
	ok(mem_all(dev, FLASH + sizeof(vectors), 0xFF, 0x4000 - sizeof(vectors)),
	   "the rest of sector 0 is blank");
	ok(s.erase == 3 && s.erases_per_sector_max == 1,
	   "sectors 0, 1, 2 erased once each (erase=%lu)", s.erase);
	is_int(s.set_address, 2, "one Set Address Pointer per element (contiguous run)");
	ok(clean_protocol(dev) && !sim_device_gone(dev),
	   "no early poll, unerased write or forbidden request; the device stays");
	run_free(&res);
	simbackend_free(sb);
}

static void test_seed_upload(void)
{
	uint8_t pat[4096];
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct run res;
	uint8_t *file;
	size_t len = 0;

	if (sb == NULL) {
		skip(3, "setup failed");
		return;
	}
	dev = simbackend_device(sb, 0);
	fill_pattern(pat, sizeof(pat), 3);
	sim_device_load(dev, FLASH, pat, sizeof(pat));
	run(sb, &res, "-a", "0", "-s", "0x08000000:1024", "-U", path_of("out.bin"), NULL);
	is_int(res.r, ERR_OK, "-a 0 -s 0x08000000:1024 -U out.bin: %s", res.err.msg);
	file = read_file("out.bin", &len);
	ok(file != NULL && len == 1024 && memcmp(file, pat, 1024) == 0,
	   "out.bin holds the first 1024 bytes of flash (%zu bytes)", len);
	ok(contains(res.out, "Upload done") && stats_of(dev).dnload == 1,
	   "reported; the only DNLOAD was the Set Address Pointer");
	free(file);
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
		skip(7, "setup failed");
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
	ok(s.erase == 2 && s.erases_per_sector_max == 1, "sectors 1 and 2 erased once");
	ok(sim_device_gone(dev) && s.leave == 1, "the device left DFU mode");
	is_int(leave_address(log.text), 0x08004000, "after Set Address Pointer 0x08004000");
	ok(contains(res.out, "left DFU mode") || contains(res.out, "leaving DFU mode"),
	   "the user is told");
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
		skip(8, "setup failed");
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
	ok(erased_except(dev, FLASH, 0x4000) && erased_except(dev, 0x0800C000, 0x14000) &&
		   erased_except(dev, 0x08020000, 0x20000),
	   "0xFF everywhere else in the erased sectors");
	ok(mem_is(dev, 0x08004000, junk + 0x4000, 0x8000) &&
		   mem_is(dev, 0x08040000, junk + 0x40000, MiB - 0x40000),
	   "sectors the image does not touch keep their contents");
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
	ok(mem_is(dev, 0x1FFFC000, ob_before, sizeof(ob_before)) && !sim_device_gone(dev),
	   "the option bytes target is not (the device did not reset)");
	ok(contains(res.errtxt, "warning: skipping target 2 (alt 1, \"Option Bytes\")") &&
		   contains(res.errtxt, "-a selects alt 0"),
	   "a warning names the skipped target: \"%s\"", res.errtxt ? res.errtxt : "");
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
		skip(6, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-D", path_of("alt7.dfu"), NULL);
	ok(res.r == ERR_DATA && contains(res.err.msg, "alt 7"),
	   "a target for alt 7 the device lacks: ERR_DATA: \"%s\"", res.err.msg);
	is_int(stats_of(dev).dnload, 0, "refused before any DNLOAD");
	run_free(&res);

	run(sb, &res, "-d", "0483:df11", "-D", path_of("other.dfu"), NULL);
	ok(res.r == ERR_DATA && contains(res.err.msg, "1234:5678") &&
		   contains(res.err.msg, "0483:df11"),
	   "suffix for 1234:5678 with -d 0483:df11: ERR_DATA naming both: \"%s\"", res.err.msg);
	is_int(stats_of(dev).dnload, 0, "refused before any DNLOAD");
	run_free(&res);

	run(sb, &res, "-D", path_of("other.dfu"), NULL);
	is_int(res.r, ERR_OK, "the same file without -d: %s", res.err.msg);
	ok(contains(res.errtxt, "warning") && contains(res.errtxt, "1234:5678") &&
		   mem_is(dev, FLASH, data, sizeof(data)),
	   "flashed, with a warning naming the file's IDs");
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
		skip(7, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	sim_device_read(dev, FLASH, before, sizeof(before));
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("boot.bin"), NULL);
	is_int(res.r, ERR_USAGE, "protboot: a write into the read-only 64 KiB is refused");
	ok(contains(res.err.msg, "0x08000000-0x080003ff") &&
		   contains(res.err.msg, "write-protected"),
	   "naming the protected range: \"%s\"", res.err.msg);
	ok(contains(res.err.msg, "first writeable address after it is 0x08010000") &&
		   contains(res.err.msg, ":force"),
	   "the first writeable address and :force");
	is_int(stats_of(dev).dnload, 0, "before any DNLOAD (no erase, no write)");
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x08000000:force", "-D", path_of("boot.bin"), NULL);
	is_int(res.r, ERR_PROTOCOL, ":force sends it; the device refuses");
	ok(contains(res.err.msg, "device reported errWRITE") && contains(res.err.msg, "0x08000000"),
	   "the error carries the device status: \"%s\"", res.err.msg);
	ok(mem_is(dev, FLASH, before, sizeof(before)) && stats_of(dev).erase == 0,
	   "the bootloader is intact and nothing was erased");
	run_free(&res);
	simbackend_free(sb);
}

/* ---- uploads ------------------------------------------------------------------- */

static void test_uploads(void)
{
	uint8_t *pat = malloc(MiB), *file;
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct run res;
	size_t len = 0;

	if (pat == NULL || sb == NULL) {
		skip(14, "setup failed");
		free(pat);
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	fill_pattern(pat, MiB, 30);
	sim_device_load(dev, FLASH, pat, MiB);

	run(sb, &res, "-a", "0", "-s", "0x080E0000", "-U", path_of("tail.bin"), NULL);
	file = read_file("tail.bin", &len);
	is_int(res.r, ERR_OK, "-s 0x080E0000 -U: to the end of the region: %s", res.err.msg);
	ok(file != NULL && len == 128 * KiB && memcmp(file, pat + 0xE0000, len) == 0,
	   "the last 128 KiB sector (%zu bytes)", len);
	ok(contains(res.out, "131072 bytes"), "the size is printed");
	free(file);
	run_free(&res);

	run(sb, &res, "-a", "2", "-U", path_of("otp-up.bin"), NULL);
	file = read_file("otp-up.bin", &len);
	is_int(res.r, ERR_OK, "-a 2 -U (no -s): the whole OTP region: %s", res.err.msg);
	ok(file != NULL && len == 528 && file[0] == 0xFF && file[527] == 0xFF,
	   "512 + 16 contiguous bytes (%zu)", len);
	free(file);
	run_free(&res);

	run(sb, &res, "-a", "0", "-U", path_of("full.bin"), NULL);
	file = read_file("full.bin", &len);
	is_int(res.r, ERR_OK, "-a 0 -U full.bin: %s", res.err.msg);
	ok(file != NULL && len == MiB && memcmp(file, pat, MiB) == 0, "all 1 MiB of flash");
	free(file);
	run_free(&res);

	write_file("exists.bin", (const uint8_t *)"keep me", 7);
	{
		unsigned long uploads = stats_of(dev).upload;

		run(sb, &res, "-a", "0", "-s", "0x08000000:64", "-U", path_of("exists.bin"), NULL);
		file = read_file("exists.bin", &len);
		is_int(res.r, ERR_CANTCREAT, "upload to an existing file: ERR_CANTCREAT");
		ok(file != NULL && len == 7 && memcmp(file, "keep me", 7) == 0,
		   "the file is untouched");
		is_int(stats_of(dev).upload, uploads, "and the device was not read");
		free(file);
		run_free(&res);
	}
	simbackend_free(sb);

	/* The device vanishes half way through a 64 KiB upload. */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(3, "setup failed");
		free(pat);
		return;
	}
	dev = simbackend_device(sb, 0);
	sim_device_set_faults(dev, &(struct sim_faults){ .disconnect_after = 40 });
	run(sb, &res, "-a", "0", "-s", "0x08000000:65536", "-U", path_of("up.bin"), NULL);
	ok(res.r == ERR_IO && sim_device_gone(dev), "upload interrupted by a disconnect: ERR_IO");
	ok(!file_exists("up.bin"), "no output file");
	is_int(count_entries("up.bin"), 0, "and no temporary file left next to it");
	run_free(&res);
	simbackend_free(sb);

	/* -t below the device's wTransferSize: the ROM still counts blocks in its own size. */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(2, "setup failed");
		free(pat);
		return;
	}
	dev = simbackend_device(sb, 0);
	sim_device_load(dev, FLASH, pat, 8 * KiB);
	run(sb, &res, "-a", "0", "-t", "1024", "-s", "0x08000000:8192", "-U", path_of("t1k.bin"),
	    NULL);
	file = read_file("t1k.bin", &len);
	is_int(res.r, ERR_OK, "-t 1024 -s 0x08000000:8192 -U: %s", res.err.msg);
	ok(file != NULL && len == 8192 && memcmp(file, pat, 8192) == 0,
	   "the file equals the flash");
	free(file);
	run_free(&res);
	simbackend_free(sb);
	free(pat);
}

/* ---- DfuSe command mode ------------------------------------------------------------ */

static void test_commands(void)
{
	uint8_t *junk = malloc(MiB);
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct run res;

	if (junk == NULL || sb == NULL) {
		skip(8, "setup failed");
		free(junk);
		simbackend_free(sb);
		return;
	}
	fill_pattern(junk, MiB, 40);
	dev = simbackend_device(sb, 0);
	sim_device_load(dev, FLASH, junk, MiB);
	run(sb, &res, "-a", "0", "-s", ":mass-erase:force", NULL);
	is_int(res.r, ERR_OK, "-a 0 -s :mass-erase:force: %s", res.err.msg);
	ok(mem_all(dev, FLASH, 0xFF, MiB) && stats_of(dev).mass_erase == 1,
	   "the whole flash is blank, by one mass erase");
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", ":leave", NULL);
	ok(res.r == ERR_OK && sim_device_gone(dev) && stats_of(dev).leave == 1,
	   "-a 0 -s :leave: the device leaves: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(5, "setup failed");
		free(junk);
		return;
	}
	dev = simbackend_device(sb, 0);
	sim_device_load(dev, FLASH, junk, MiB);
	sim_device_set_faults(dev, &(struct sim_faults){ .read_protected = true });
	run(sb, &res, "-a", "0", "-s", ":unprotect:force", NULL);
	is_int(res.r, ERR_OK, "-a 0 -s :unprotect:force on a protected device: %s", res.err.msg);
	ok(sim_device_gone(dev) && stats_of(dev).unprotect == 1, "the device reset itself");
	ok(mem_all(dev, FLASH, 0xFF, MiB), "after erasing its flash");
	ok(contains(res.out, "Read protection removed") || contains(res.out, "Read unprotect"),
	   "the user is told: \"%s\"", res.out ? res.out : "");
	run_free(&res);
	simbackend_free(sb);
	free(junk);
}

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
	ok(uploads >= sizeof(img) / 2048 && mem_is(dev, FLASH, img, sizeof(img)),
	   "the image was read back (%lu UPLOADs)", uploads);
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
	ok(memcmp(mem1, mem2, MiB) == 0 && memcmp(mem1, img2, MiB) == 0,
	   "the memory after --diff is identical to the memory after a full flash");

	/* 4 KiB changed inside a 128 KiB sector. */
	fill_pattern(img2 + 0x80000, 4 * KiB, 62);
	write_file("big3.bin", img2, MiB);
	before = stats_of(dev);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("big3.bin"), NULL);
	after = stats_of(dev);
	ok(res.r == ERR_OK && after.erase - before.erase == 1 && mem_is(dev, FLASH, img2, MiB),
	   "--diff, 4 KiB changed in a 128 KiB sector: one erase, memory == image");
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
	ok(stats_of(dev).upload == 0 && stats_of(dev).erase == 3, "no UPLOAD; sectors 0-2 erased");
	run_free(&res);
	simbackend_free(sb);
	sb = NULL;

	/* Read protection: reading fails, the fallback's erase then tells the user why. */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(2, "setup failed");
		goto out;
	}
	dev = simbackend_device(sb, 0);
	sim_device_set_faults(dev, &(struct sim_faults){ .read_protected = true });
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("v.bin"), NULL);
	ok(contains(res.out, "Cannot compare") && contains(res.out, "flashing in full"),
	   "--diff on a read-protected device falls back to a full flash");
	ok(res.r == ERR_PROTOCOL && contains(res.err.msg, "errVENDOR") &&
		   contains(res.err.msg, ":unprotect:force"),
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

/* ---- run-time devices, -R, device selection -------------------------------------- */

static void test_runtime(void)
{
	static uint8_t app[8192];
	struct simbackend *sb = bus("runtime", NULL);
	struct simbackend_counts c;
	struct sim_device *dev;
	struct run res;

	fill_pattern(app, sizeof(app), 70);
	if (sb == NULL || !write_file("rt.bin", app, sizeof(app))) {
		skip(8, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);
	simbackend_set_reenum_delay(sb, 300000);
	run(sb, &res, "-s", "0x08000000:leave", "-D", path_of("rt.bin"), NULL);
	simbackend_counts(sb, &c);
	is_int(res.r, ERR_OK, "download to a run-time device: %s", res.err.msg);
	ok(stats_of(dev).detach == 1 && c.resets == 1, "one DETACH, one USB reset");
	ok(simbackend_now(sb) >= 300000 && c.slept_us >= 300000,
	   "waited (virtual clock) for it to come back in DFU mode");
	ok(contains(res.out, "Device is in DFU mode after 0.3"), "and said after how long: \"%s\"",
	   res.out ? res.out : "");
	ok(mem_is(dev, FLASH, app, sizeof(app)), "flashed");
	ok(sim_device_gone(dev) && stats_of(dev).leave == 1, "and left DFU mode");
	ok(!c.open_now && c.opens == c.closes, "every open was closed (%lu/%lu)", c.opens,
	   c.closes);
	run_free(&res);
	simbackend_free(sb);

	sb = bus("runtime", NULL);
	if (sb == NULL) {
		skip(1, "setup failed");
		return;
	}
	simbackend_set_reenum_delay(sb, 8000000);
	run(sb, &res, "-s", "0x08000000", "-D", path_of("rt.bin"), NULL);
	ok(res.r == ERR_NOTFOUND &&
		   contains(res.err.msg, "did not reappear in DFU mode within 5 s"),
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
	ok(res.r == ERR_OK && c.resets == 1 && contains(res.out, "Resetting the USB device"),
	   "-D ... -R: flashed, then one USB reset: %s", res.err.msg);
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
	ok(res.r == ERR_OK && c.resets == 0, "with :leave the device is gone: no reset needed");
	run_free(&res);
	simbackend_free(sb);

	/* Issue 11: a reset that fails on the wire is settled by looking for the device. */
	for (int gone = 0; gone < 2; gone++) {
		struct sim_device *dev;

		sb = bus("f4", NULL);
		dev = sb != NULL ? simbackend_device(sb, 0) : NULL;
		if (dev == NULL) {
			skip(1, "setup failed");
			simbackend_free(sb);
			return;
		}
		sim_device_set_faults(dev, &(struct sim_faults){ .reset_fails = true,
								 .reset_fails_gone = gone != 0 });
		run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("r.bin"), "-R", NULL);
		if (gone)
			ok(res.r == ERR_OK && sim_device_gone(dev),
			   "-R whose reset fails, device gone all the same: success (%s)",
			   res.err.msg);
		else
			ok(res.r == ERR_IO && contains(res.err.msg, "reset: USB I/O error") &&
				   contains(res.err.msg, "still on the bus (state dfuDNLOAD-IDLE)"),
			   "-R whose reset fails, device still there: ERR_IO naming its state: "
			   "\"%s\"",
			   res.err.msg);
		run_free(&res);
		simbackend_free(sb);
	}
}

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
	ok(contains(res.err.msg, "AAA111") && contains(res.err.msg, "BBB222") &&
		   contains(res.err.msg, "1-1") && contains(res.err.msg, "1-2"),
	   "the error names both: \"%s\"", res.err.msg);
	ok(contains(res.err.msg, "-S") && contains(res.err.msg, "-p"), "and suggests -S and -p");
	ok(stats_of(a).dfu_requests == 0 && stats_of(b).dfu_requests == 0,
	   "neither device was touched");
	run_free(&res);

	run(sb, &res, "-S", "BBB222", "-a", "0", "-s", "0x08000000", "-D", path_of("sel.bin"),
	    NULL);
	is_int(res.r, ERR_OK, "-S BBB222 picks the second: %s", res.err.msg);
	ok(mem_is(b, FLASH, app, sizeof(app)) && mem_all(a, FLASH, 0xFF, sizeof(app)),
	   "only that one is flashed");
	run_free(&res);

	run(sb, &res, "-p", "1-1", "-a", "0", "-s", "0x08000000", "-D", path_of("sel.bin"), NULL);
	ok(res.r == ERR_OK && mem_is(a, FLASH, app, sizeof(app)), "-p 1-1 picks the first: %s",
	   res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	/* An unrelated run-time interface next to one F4: no ambiguity. */
	sb = simbackend_new();
	a = sb != NULL ? add_chip(sb, &headset_chip, NULL) : NULL;
	b = a != NULL ? add_chip(sb, sim_chip_find("f4"), NULL) : NULL;
	if (b == NULL) {
		skip(3, "setup failed");
		simbackend_free(sb);
		return;
	}
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("sel.bin"), NULL);
	ok(res.r == ERR_OK && mem_is(b, FLASH, app, sizeof(app)),
	   "headset (run-time) + F4: the F4 is flashed: %s", res.err.msg);
	ok(stats_of(a).detach == 0 && !sim_device_gone(a), "the headset was left alone");
	run_free(&res);

	/* -a by name: the option bytes, read back. */
	run(sb, &res, "-a", "@Option Bytes  /0x1FFFC000/01*016 e", "-U", path_of("ob.bin"), NULL);
	file = read_file("ob.bin", &len);
	ok(res.r == ERR_OK && file != NULL && len == 16 && file[0] == 0xEC && file[1] == 0xAA,
	   "-a \"@Option Bytes ...\" -U: the 16 option bytes (%zu): %s", len, res.err.msg);
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
		ok(dev_matches(&o, &rt) == row->rt && dev_matches(&o, &dfu) == row->dfu,
		   "dev_matches -l%s: run-time %s, DFU-mode %s", joined,
		   row->rt ? "matches" : "does not", row->dfu ? "matches" : "does not");
	}

	dfu.has_func = true;
	dfu.func.bcdDFUVersion = 0x011A;
	dfu.nalts = 1;
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "@Flash/0x08000000/4*1Kg");
	ok(dev_is_dfuse(&dfu), "dev_is_dfuse: bcdDFUVersion 0x011A and a layout");
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "FLASH");
	ok(!dev_is_dfuse(&dfu), "dev_is_dfuse: bcdDFUVersion 0x011A without layouts is plain DFU");
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "@Flash/0x08000000/4*1Kg");
	dfu.vid = 0x1eaf;
	dfu.pid = 0x0003;
	dfu.bcdDevice = 0x0200;
	ok(!dev_is_dfuse(&dfu), "dev_is_dfuse: the Maple quirk forces plain DFU 1.1");
	dfu.bcdDevice = 0x0201;
	ok(dev_is_dfuse(&dfu), "dev_is_dfuse: the Maple quirk keys on bcdDevice 0x0200");
	dfu.func.bcdDFUVersion = 0x0110;
	dfu.nalts = 1;
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "Application");
	ok(!dev_is_dfuse(&dfu), "dev_is_dfuse: DFU 1.1 without layouts is plain DFU");
	snprintf(dfu.alts[0].name, sizeof(dfu.alts[0].name), "@Flash/0x08000000/4*1Kg");
	dfu.has_func = false;
	ok(dev_is_dfuse(&dfu), "dev_is_dfuse: no functional descriptor, but a layout name");
	is_str(dev_describe(&rt, buf, sizeof(buf)),
	       "[0483:5740] path=\"1-1\" devnum=5 serial=\"X1\" (run-time mode)",
	       "dev_describe of a run-time interface");
}

/* ---- more operations ------------------------------------------------------------- */

static void test_misc(void)
{
	static uint8_t app[6000];
	struct simbackend *sb = bus("runtime", "f4", NULL);
	struct sim_device *rt, *f4;
	struct sim_stats s;
	struct run res;
	uint8_t *file;
	size_t len = 0;

	fill_pattern(app, sizeof(app), 110);
	if (sb == NULL || !write_file("m.bin", app, sizeof(app))) {
		skip(20, "setup failed");
		simbackend_free(sb);
		return;
	}
	rt = simbackend_device(sb, 0);
	f4 = simbackend_device(sb, 1);

	run(sb, &res, "-l", NULL);
	ok(res.r == ERR_OK &&
		   contains(res.out,
			    "Found Runtime: [0483:5740] ver=0200, devnum=2, cfg=1, intf=0, "
			    "path=\"1-1\", alt=0, name=\"DFU runtime\", "
			    "serial=\"336F38743037\"") &&
		   contains(res.out,
			    "Found DFU: [0483:df11] ver=2200, devnum=3, cfg=1, intf=0, "
			    "path=\"1-2\", alt=3, name=\"@Device Feature/0xFFFF0000/01*004 "
			    "e\", serial=\"336F38743037\""),
	   "-l lists both, in dfu-util's line format");
	run_free(&res);

	/* -e alone: only the run-time device is asked to detach. */
	run(sb, &res, "-e", NULL);
	ok(res.r == ERR_OK && stats_of(rt).detach == 1 && !sim_device_chip(rt)->runtime,
	   "-e: the run-time device detached and re-enumerated in DFU mode: %s", res.err.msg);
	ok(stats_of(f4).dfu_requests == 0, "the DFU-mode device was not touched");
	run_free(&res);
	simbackend_free(sb);

	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(17, "setup failed");
		return;
	}
	f4 = simbackend_device(sb, 0);

	/* -t below the device's size: writes re-send the pointer for every block. */
	run(sb, &res, "-a", "0", "-t", "1024", "-s", "0x08000000", "-D", path_of("m.bin"), NULL);
	s = stats_of(f4);
	ok(res.r == ERR_OK && mem_is(f4, FLASH, app, sizeof(app)),
	   "-t 1024 -D: the image is in flash: %s", res.err.msg);
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
	ok(res.r == ERR_OK && stats_of(f4).clrstatus == s.clrstatus + 1,
	   "the next download clears it with CLRSTATUS and succeeds: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(13, "setup failed");
		return;
	}
	f4 = simbackend_device(sb, 0);
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
	ok(res.r == ERR_OK && s.mass_erase == 1 && s.erase == 0,
	   "-s 0x08000000:mass-erase:force -D: one mass erase, no page erase: %s", res.err.msg);
	ok(mem_is(f4, FLASH, app, sizeof(app)) &&
		   mem_all(f4, FLASH + sizeof(app), 0xFF, MiB - sizeof(app)),
	   "the image, and blank flash everywhere else");
	run_free(&res);
	simbackend_free(sb);

	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(11, "setup failed");
		return;
	}
	f4 = simbackend_device(sb, 0);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("m.bin"), NULL);
	s = stats_of(f4);
	ok(res.r == ERR_OK && s.erase == 0 && mem_is(f4, FLASH, app, sizeof(app)),
	   "--diff on a blank device: no erase, the image written: %s", res.err.msg);
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x080FFF00:512", "-U", path_of("past.bin"), NULL);
	ok(res.r == ERR_USAGE && contains(res.err.msg, "not readable") &&
		   contains(res.err.msg, ":force") && !file_exists("past.bin"),
	   "an upload running past the flash is refused: \"%s\"", res.err.msg);
	run_free(&res);

	s = stats_of(f4);
	run(sb, &res, "-a", "0", "-s", "0x080FF000", "-D", path_of("m.bin"), NULL);
	ok(res.r == ERR_DATA && contains(res.err.msg, "outside the memory") &&
		   stats_of(f4).dnload == s.dnload,
	   "a download running past the flash is refused before any DNLOAD: \"%s\"", res.err.msg);
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("missing.bin"), NULL);
	ok(res.r == ERR_NOINPUT && stats_of(f4).dfu_requests == s.dfu_requests,
	   "a missing file: ERR_NOINPUT, the device untouched: \"%s\"", res.err.msg);
	run_free(&res);

	run(sb, &res, "-a", "0", "-s", "0x08000000", "-Z", "4096", "-U", path_of("z.bin"), NULL);
	file = read_file("z.bin", &len);
	ok(res.r == ERR_OK && file != NULL && len == 4096 && memcmp(file, app, 4096) == 0,
	   "-Z 4096 -U: 4096 bytes (%zu): %s", len, res.err.msg);
	free(file);
	run_free(&res);

	run(sb, &res, "-a", "Flash", "-U", path_of("noalt.bin"), NULL);
	ok(res.r == ERR_USAGE && contains(res.err.msg, "no alternate setting named \"Flash\""),
	   "-a with an unknown name: \"%s\"", res.err.msg);
	run_free(&res);

	sim_device_set_faults(f4, &(struct sim_faults){ .vanish_on_leave_getstatus = true });
	run(sb, &res, "-a", "0", "-s", "0x08000000:leave", "-D", path_of("m.bin"), NULL);
	ok(res.r == ERR_OK && sim_device_gone(f4) && contains(res.out, "The device left DFU mode"),
	   "a device vanishing at the leave GETSTATUS: success: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(2, "setup failed");
		return;
	}
	f4 = simbackend_device(sb, 0);
	simbackend_set_open_error(sb, 0, ERR_ACCESS,
				  "cannot open /dev/bus/usb/001/002: permission denied");
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("m.bin"), NULL);
	ok(res.r == ERR_ACCESS && contains(res.err.msg, "permission denied"),
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
	ok(res.r == ERR_OK && stat(path_of("mode.bin"), &st) == 0, "upload to mode.bin");
	skip(1, "mode.bin's mode bits: Windows files have no POSIX mode (nor umask)");
#else
	umask(old);
	ok(res.r == ERR_OK && stat(path_of("mode.bin"), &st) == 0, "upload to mode.bin");
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
	struct simbackend *sb = bus("f4", NULL), *sb2;
	struct simbackend_counts c;
	struct sim_device *dev;
	struct run res;

	fill_pattern(app, sizeof(app), 120);
	if (sb == NULL || !write_dfu("ob-first.dfu", ob_first, 2, 0x0483, 0xdf11)) {
		skip(7, "setup failed");
		simbackend_free(sb);
		return;
	}
	dev = simbackend_device(sb, 0);

	check_upload_mode(sb);

	/* -R alone: a USB reset of the one DFU device. */
	run(sb, &res, "-R", NULL);
	simbackend_counts(sb, &c);
	ok(res.r == ERR_OK && c.resets == 1 && !sim_device_gone(dev),
	   "-R alone resets the ROM (which stays in DFU mode): %s", res.err.msg);
	run_free(&res);

	/* -R where the driver can only reset pipes (WinUSB): no claim of a reset. */
	simbackend_set_pipes_only_reset(sb, true);
	run(sb, &res, "-R", NULL);
	simbackend_set_pipes_only_reset(sb, false);
	ok(res.r == ERR_OK && contains(res.errtxt, "the device was not reset") &&
		   contains(res.errtxt, "replug it"),
	   "-R on a pipes-only reset says what happened instead: %s", res.errtxt);
	run_free(&res);

	/* A device that holds early polls: the host is never early, nothing times out. */
	sim_device_set_faults(dev, &(struct sim_faults){ .strict_timing = true });
	run(sb, &res, "-a", "0", "-s", ":mass-erase:force", NULL);
	ok(res.r == ERR_OK && stats_of(dev).early_polls == 0,
	   "mass erase (16 s) on a strict-timing device: %s", res.err.msg);
	run_free(&res);
	simbackend_free(sb);

	/* :leave after an upload (dfu-util honours it there too). */
	sb2 = bus("f4", NULL);
	if (sb2 != NULL) {
		struct sim_device *d2 = simbackend_device(sb2, 0);
		uint8_t *file;
		size_t len = 0;

		sim_device_load(d2, FLASH, app, sizeof(app));
		run(sb2, &res, "-a", "0", "-s", "0x08000000:1024:leave", "-U", path_of("ul.bin"),
		    NULL);
		file = read_file("ul.bin", &len);
		ok(res.r == ERR_OK && file != NULL && len == 1024 && memcmp(file, app, 1024) == 0,
		   "-s 0x08000000:1024:leave -U: the upload is complete: %s", res.err.msg);
		ok(sim_device_gone(d2) && stats_of(d2).leave == 1, "then the device left DFU mode");
		free(file);
		run_free(&res);
		simbackend_free(sb2);
	} else {
		skip(2, "setup failed");
	}

	/* -w: the board is plugged in 1.2 s after the command started. */
	sb2 = bus("f4", NULL);
	if (sb2 != NULL) {
		struct sim_device *d2 = simbackend_device(sb2, 0);

		write_file("w.bin", app, sizeof(app));
		simbackend_plug_at(sb2, 0, 1200000);
		run(sb2, &res, "-w", "-a", "0", "-s", "0x08000000", "-D", path_of("w.bin"), NULL);
		ok(res.r == ERR_OK && mem_is(d2, FLASH, app, sizeof(app)) &&
			   simbackend_now(sb2) >= 1200000,
		   "-w waits for the board, then flashes it: %s", res.err.msg);
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
		ok(res.r == ERR_NOTFOUND && simbackend_now(sb2) < 3000000,
		   "--wait=1 gives up after 1 s: \"%s\"", res.err.msg);
		run_free(&res);
		simbackend_free(sb2);
	} else {
		skip(1, "setup failed");
	}

	/*
	 * Option bytes first in the file, flash second, with :will-reset: the
	 * device resets after the option bytes, so they must be written last.
	 */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(3, "setup failed");
		return;
	}
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-s", ":will-reset", "-D", path_of("ob-first.dfu"), NULL);
	ok(res.r == ERR_OK, "-s :will-reset -D ob-first.dfu succeeds: %s", res.err.msg);
	ok(mem_is(dev, FLASH, app, sizeof(app)), "the flash target is written too");
	ok(mem_is(dev, 0x1FFFC000, ob, sizeof(ob)), "the option bytes are written");
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
		skip(2, "setup failed");
		free(img);
		simbackend_free(sb);
		return;
	}
	fill_pattern(img, MiB, 100);
	write_file("r1m.bin", img, MiB);
	dev = simbackend_device(sb, 0);
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("r1m.bin"), NULL);
	s = stats_of(dev);
	ok(res.r == ERR_OK && mem_is(dev, FLASH, img, MiB), "1 MiB random image, full flash");
	ok(s.set_address == 1 && s.erase == 12 && s.dnload == 1 + 12 + 512 &&
		   s.getstatus == 2 * s.dnload + 1,
	   "1 pointer + 12 erases + 512 blocks, two GETSTATUS each, one to start");
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
			skip(1, "setup failed");
			simbackend_free(sb);
			continue;
		}
		simbackend_set_hook(sb, fail_after_upload, &kind);
		run(sb, &res, "-a", "0", "-s", "0x08000000", "--diff", "-D", path_of("diffr.bin"),
		    NULL);
		ok(res.r != ERR_OK && stats_of(dev).erase == 0 && stats_of(dev).dnload <= 4 &&
			   !contains(res.out, "flashing in full") &&
			   contains(res.err.msg, "--diff: comparing alt 0 (nothing of it erased") &&
			   simbackend_now(sb) < UINT64_C(130000000),
		   "--diff read failing by %s: stops, nothing erased, in %.1f s: \"%s\"", names[k],
		   (double)simbackend_now(sb) / 1e6, res.err.msg);
		run_free(&res);
		simbackend_free(sb);
	}
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
		skip(1, "setup failed");
		simbackend_free(sb);
		return;
	}
	/* The layout is read more than once (the alt for the address, then the plan). */
	run(sb, &res, "-a", "0", "-s", "0x08000000", "-D", path_of("junk.bin"), NULL);
	ok(res.r == ERR_OK && mem_is(dev, FLASH, data, sizeof(data)) &&
		   contains(res.errtxt, "warning: alt 0 memory layout") &&
		   contains(res.errtxt, "characters after its last group") &&
		   strstr(strstr(res.errtxt, "warning") + 1, "warning") == NULL,
	   "junk after the last group: flashed, with one warning: \"%s\"",
	   res.errtxt ? res.errtxt : "");
	run_free(&res);
	simbackend_free(sb);
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
	ok(res.r == ERR_DATA && contains(res.err.msg, "no DFU suffix") && stats_of(dev).dnload == 0,
	   "--require-suffix with a raw file: ERR_DATA before any DNLOAD: \"%s\"", res.err.msg);
	run_free(&res);
	run(sb, &res, "--require-suffix", "-D", path_of("good.dfu"), NULL);
	ok(res.r == ERR_OK && mem_is(dev, FLASH, data, sizeof(data)),
	   "--require-suffix with a .dfu file: flashed (%s)", res.err.msg);
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
	ok(res.r == ERR_IO && contains(res.err.msg, "timed out") && t0 < 2000000,
	   "--usb-timeout 300: a request that hangs fails in %.3f s: \"%s\"", (double)t0 / 1e6,
	   res.err.msg);
	run_free(&res);
	sim_device_set_faults(dev, NULL);

	/* A 128 KiB erase announces 2 s; --poll-timeout-max 100 asks again every 100 ms. */
	run(sb, &res, "--poll-timeout-max", "100", "-a", "0", "-s", "0x08020000", "-D",
	    path_of("raw.bin"), NULL);
	ok(res.r == ERR_OK && stats_of(dev).early_polls >= 10,
	   "--poll-timeout-max 100: polls every 100 ms (%lu early polls): %s",
	   stats_of(dev).early_polls, res.err.msg);
	run_free(&res);
	simbackend_free(sb);
}

int main(void)
{
	if (!scratch_init("test-ops"))
		skip_all("cannot create a temporary directory");
	test_seed_dfu();
	test_seed_upload();
	test_seed_leave();
	test_raw_alt_by_address();
	test_two_targets();
	test_alt_skips_target();
	test_missing_alt_and_suffix();
	test_protected_boot();
	test_uploads();
	test_commands();
	test_verify();
	test_diff();
	test_diff_read_failure();
	test_knobs();
	test_junk_layout();
	test_runtime();
	test_reset();
	test_selection();
	test_device();
	test_misc();
	test_more();
	test_request_count();
	remove_tmpdir();
	return done_testing();
}
