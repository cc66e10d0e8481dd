/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the uploads of src/ops.c and src/upload.c: the seed's -U
 * command line, lengths from -s, the region's end and -t, an existing
 * output file kept, and no file (temporary or not) left by an upload that
 * fails: realistic command lines run by opt_parse() and ops_run() against
 * simulated devices on a virtual clock (ops-test.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops-test.h"
#include "tap.h"

/* ---- the seed's upload ------------------------------------------------------ */

static void test_seed_upload(void)
{
	uint8_t pat[4096];
	struct simbackend *sb = bus("f4", NULL);
	struct sim_device *dev;
	struct run res;
	uint8_t *file;
	size_t len = 0;

	if (sb == NULL) {
		skip(4, "setup failed");
		return;
	}
	dev = simbackend_device(sb, 0);
	fill_pattern(pat, sizeof(pat), 3);
	sim_device_load(dev, FLASH, pat, sizeof(pat));
	run(sb, &res, "-a", "0", "-s", "0x08000000:1024", "-U", path_of("out.bin"), NULL);
	is_int(res.r, ERR_OK, "-a 0 -s 0x08000000:1024 -U out.bin: %s", res.err.msg);
	file = read_file("out.bin", &len);
	is_buf(file, len, pat, 1024, "out.bin holds the first 1024 bytes of flash");
	is_substr(res.out, "Upload done", "reported; the only DNLOAD was the Set Address Pointer");
	is_int(stats_of(dev).dnload, 1,
	       "reported; the only DNLOAD was the Set Address Pointer [stats_of(dev).dnload]");
	free(file);
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
	is_buf(file, len, pat + 0xE0000, 128 * KiB, "the last 128 KiB sector");
	ok(contains(res.out, "131072 bytes"), "the size is printed");
	free(file);
	run_free(&res);

	run(sb, &res, "-a", "2", "-U", path_of("otp-up.bin"), NULL);
	file = read_file("otp-up.bin", &len);
	is_int(res.r, ERR_OK, "-a 2 -U (no -s): the whole OTP region: %s", res.err.msg);
	is_int(len, 528, "512 + 16 contiguous bytes");
	is_hex(file != NULL && len >= 1 ? file[0] : 0x100, 0xFF, "... the first erased");
	is_hex(file != NULL && len >= 528 ? file[527] : 0x100, 0xFF, "... the last erased");
	free(file);
	run_free(&res);

	run(sb, &res, "-a", "0", "-U", path_of("full.bin"), NULL);
	file = read_file("full.bin", &len);
	is_int(res.r, ERR_OK, "-a 0 -U full.bin: %s", res.err.msg);
	is_buf(file, len, pat, MiB, "all 1 MiB of flash");
	free(file);
	run_free(&res);

	write_file("exists.bin", (const uint8_t *)"keep me", 7);
	{
		unsigned long uploads = stats_of(dev).upload;

		run(sb, &res, "-a", "0", "-s", "0x08000000:64", "-U", path_of("exists.bin"), NULL);
		file = read_file("exists.bin", &len);
		is_int(res.r, ERR_CANTCREAT, "upload to an existing file: ERR_CANTCREAT");
		is_buf(file, len, "keep me", 7, "the file is untouched");
		is_int(stats_of(dev).upload, uploads, "and the device was not read");
		free(file);
		run_free(&res);
	}
	simbackend_free(sb);

	/* The device vanishes half way through a 64 KiB upload. */
	sb = bus("f4", NULL);
	if (sb == NULL) {
		skip(4, "setup failed");
		free(pat);
		return;
	}
	dev = simbackend_device(sb, 0);
	sim_device_set_faults(dev, &(struct sim_faults){ .disconnect_after = 40 });
	run(sb, &res, "-a", "0", "-s", "0x08000000:65536", "-U", path_of("up.bin"), NULL);
	is_int(res.r, ERR_IO, "upload interrupted by a disconnect: ERR_IO [res.r]");
	is_int(sim_device_gone(dev), true,
	       "upload interrupted by a disconnect: ERR_IO [sim_device_gone(dev)]");
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
	is_buf(file, len, pat, 8192, "the file equals the flash");
	free(file);
	run_free(&res);
	simbackend_free(sb);
	free(pat);
}

int main(void)
{
	if (!scratch_init("test-ops-upload"))
		skip_all("cannot create a temporary directory");

	test_seed_upload();
	test_uploads();
	remove_tmpdir();
	return done_testing();
}
