/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the simulated bootloader's memory and DfuSe commands
 * (model_dfuse.c, model_flash.c): write and read back, the flash rules,
 * addresses, erase, read protection, option bytes, uploads at the edges,
 * dumps and the model's own layout parser.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/scratch.h"
#include "../unit/tap.h"
#include "model.h"
#include "test-model.h"

/* ---- DfuSe commands and flash ---- */

/* Start of the first erasable and writeable sector of alt 0 (protboot protects 64 KiB). */
/*
 * Point at @addr, leave dfuDNLOAD-IDLE, then UPLOAD @block for @len bytes: three
 * checks, one per request, the last one wanting @want.
 */
static void read_at(struct h *h, uint32_t addr, uint16_t block, uint16_t len, enum sim_result want,
		    const char *what)
{
	is_int(set_address(h, addr), OK, "%s: set address 0x%08x", what, addr);
	is_int(abort_req(h), SIM_OK, "%s: abort to dfuIDLE", what);
	is_int(upload(h, block, len), want, "%s: UPLOAD block %u, %u bytes", what, block, len);
}

static uint32_t first_writable(const char *chip)
{
	return strcmp(chip, "protboot") == 0 ? 0x08010000u : 0x08000000u;
}

static void test_round_trip(void)
{
	static const char *const chips[] = { "f4", "f7", "f1", "h7", "protboot", "gd32" };

	for (size_t i = 0; i < sizeof(chips) / sizeof(chips[0]); i++) {
		struct h h;
		uint32_t base = first_writable(chips[i]);
		uint16_t ts;
		uint8_t img[4096], back[4096];
		bool good = true;

		if (!h_open(&h, chips[i]))
			continue;
		ts = h.chip->wTransferSize;
		pattern(img, 2u * ts, (unsigned)i);
		good = set_address(&h, base) == OK && erase(&h, base, NULL) == OK &&
		       set_address(&h, base) == OK && run_dnload(&h, 2, img, ts, NULL) == OK &&
		       run_dnload(&h, 3, img + ts, ts, NULL) == OK;
		ok(good, "%s: set address, erase, two blocks written", chips[i]);
		is_int(sim_device_read(h.d, base, back, 2u * ts), 0,
		       "%s: flash holds the image [sim_device_read(h.d, base, back, 2u *...]",
		       chips[i]);
		is_mem(back, img, 2u * ts, "%s: flash holds the image [back]", chips[i]);
		good = abort_req(&h) == SIM_OK && upload(&h, 2, ts) == SIM_OK && h.actual == ts &&
		       memcmp(h.buf, img, ts) == 0 && upload(&h, 3, ts) == SIM_OK &&
		       h.actual == ts && memcmp(h.buf, img + ts, ts) == 0;
		ok(good, "%s: ABORT then UPLOAD blocks 2 and 3 read it back", chips[i]);
		is_int(sim_device_state(h.d), UPLOAD_IDLE, "%s: full blocks keep dfuUPLOAD-IDLE",
		       chips[i]);
		h_close(&h);
	}
}

static void test_unerased_write(void)
{
	struct h h;
	uint8_t a[2048], b[2048], back[2048];
	struct sim_stats st;

	if (!h_open(&h, "f4"))
		return;
	pattern(a, sizeof(a), 1);
	pattern(b, sizeof(b), 2);
	set_address(&h, 0x08004000);
	is_int(run_dnload(&h, 2, a, 2048, NULL), OK, "write onto blank flash");
	is_int(run_dnload(&h, 2, b, 2048, NULL), errPROG, "same block again: errPROG");
	is_int(h.buf[4], DFU_ERROR, "and dfuERROR");
	sim_device_read(h.d, 0x08004000, back, sizeof(back));
	ok(memcmp(back, a, sizeof(a)) == 0, "memory unchanged by the refused block");
	sim_device_stats(h.d, &st);
	is_int(st.unerased_writes, 1, "unerased write counted");
	is_int(st.bytes_written, 2048, "only the good block counted as written");
	clrstatus(&h);
	memset(b, 0xFF, 16);
	b[16] = 0x00;
	set_address(&h, 0x08004800);
	is_int(run_dnload(&h, 2, b, 17, NULL), OK, "16 x 0xFF and one 0x00 written");
	is_int(run_dnload(&h, 2, b, 16, NULL), OK, "cells still 0xFF may be written again");
	is_int(run_dnload(&h, 2, b, 17, NULL), errPROG,
	       "a programmed cell may not, even with 0xFF");
	h_close(&h);
}

static void test_bad_addresses(void)
{
	struct h h;
	uint8_t img[1024];
	uint32_t poll;

	memset(img, 0x11, sizeof(img));
	if (!h_open(&h, "protboot"))
		return;
	is_int(erase(&h, 0x08000000, NULL), errTARGET, "protboot: erase of read-only sector");
	clrstatus(&h);
	set_address(&h, 0x08000000);
	is_int(run_dnload(&h, 2, img, 1024, NULL), errWRITE,
	       "protboot: write to read-only: errWRITE");
	clrstatus(&h);
	read_at(&h, 0x0800FC00, 2, 1024, SIM_OK,
		"protboot: read-only code can be read (not blank)");
	is_int(h.actual, 1024, "protboot: read-only code can be read (not blank) [h.actual]");
	isnt_int(h.buf[0], 0xFF, "protboot: read-only code can be read (not blank) [h.buf[0]]");
	abort_req(&h);
	set_address(&h, 0x0800FE00);
	is_int(run_dnload(&h, 2, img, 1024, NULL), errWRITE,
	       "protboot: block straddling into writeable flash still errWRITE");
	clrstatus(&h);
	is_int(set_address(&h, 0x20000000), errTARGET, "set address outside the layout: errTARGET");
	clrstatus(&h);
	is_int(cmd1(&h, 0x55, NULL), errTARGET, "unknown command byte: errTARGET");
	clrstatus(&h);
	/* the last 512 bytes of flash, then past the end */
	set_address(&h, 0x08080000 - 512);
	is_int(run_dnload(&h, 2, img, 1024, NULL), errADDRESS, "write past the end: errADDRESS");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	is_int(erase(&h, 0x08000000, &poll), OK,
	       "f4: 16 KiB erase announces 250 ms [erase(&h, 0x08000000, &poll)]");
	is_int(poll, 250, "f4: 16 KiB erase announces 250 ms [poll]");
	is_int(erase(&h, 0x08010000, &poll), OK,
	       "f4: 64 KiB erase announces 1000 ms [erase(&h, 0x08010000, &poll)]");
	is_int(poll, 1000, "f4: 64 KiB erase announces 1000 ms [poll]");
	is_int(erase(&h, 0x080E0000, &poll), OK,
	       "f4: 128 KiB erase announces 2 s [erase(&h, 0x080E0000, &poll)]");
	is_int(poll, 2000, "f4: 128 KiB erase announces 2 s [poll]");
	sim_device_set_alt(h.d, 0, 1);
	is_int(erase(&h, 0x1FFFC000, NULL), errTARGET, "f4: option bytes are not erasable");
	clrstatus(&h);
	is_int(set_address(&h, 0x08000000), errTARGET, "f4: flash address invalid in alt 1");
	h_close(&h);

	if (h_open(&h, "f1")) {
		is_int(erase(&h, 0x0801FC00, &poll), OK,
		       "f1: page erase 20 ms [erase(&h, 0x0801FC00, &poll)]");
		is_int(poll, 20, "f1: page erase 20 ms [poll]");
		h_close(&h);
	}
	if (h_open(&h, "gd32")) {
		is_int(erase(&h, 0x08000800, &poll), OK,
		       "gd32: page erase 100 ms [erase(&h, 0x08000800, &poll)]");
		is_int(poll, 100, "gd32: page erase 100 ms [poll]");
		is_int(set_address(&h, 0x08000000), OK,
		       "gd32: completion poll is 0 [set_address(&h, 0x08000000)]");
		is_int(h.poll, 0, "gd32: completion poll is 0 [h.poll]");
		h_close(&h);
	}
	if (h_open(&h, "h7")) {
		is_int(erase(&h, 0x08020000, &poll), OK,
		       "h7: 128 KiB erase 2 s [erase(&h, 0x08020000, &poll)]");
		is_int(poll, 2000, "h7: 128 KiB erase 2 s [poll]");
		h_close(&h);
	}
}

static void test_get_commands(void)
{
	struct h h;

	if (!h_open(&h, "f4"))
		return;
	is_int(upload(&h, 0, 16), SIM_OK,
	       "UPLOAD block 0: Get Commands 00 21 41 92 [upload(&h, 0, 16)]");
	is_int(h.actual, 4, "UPLOAD block 0: Get Commands 00 21 41 92 [h.actual]");
	is_int(h.buf[0], 0x00, "UPLOAD block 0: Get Commands 00 21 41 92 [h.buf[0]]");
	is_int(h.buf[1], 0x21, "UPLOAD block 0: Get Commands 00 21 41 92 [h.buf[1]]");
	is_int(h.buf[2], 0x41, "UPLOAD block 0: Get Commands 00 21 41 92 [h.buf[2]]");
	is_int(h.buf[3], 0x92, "UPLOAD block 0: Get Commands 00 21 41 92 [h.buf[3]]");
	is_int(sim_device_state(h.d), DFU_IDLE, "short reply: back to dfuIDLE");
	is_int(cmd1(&h, 0x00, NULL), OK, "DNLOAD command 0x00 completes OK");
	h_close(&h);
}

static void test_mass_erase(void)
{
	struct h h;
	uint8_t img[256], back[256], opt[16];
	uint32_t poll;
	struct sim_stats st;
	bool blank = true;

	if (!h_open(&h, "f4"))
		return;
	memset(img, 0x42, sizeof(img));
	sim_device_read(h.d, 0x1FFFC000, opt, sizeof(opt));
	is_int(opt[0], 0xEC, "f4 option bytes default: USER 0xEC, RDP 0xAA [opt[0]]");
	is_int(opt[1], 0xAA, "f4 option bytes default: USER 0xEC, RDP 0xAA [opt[1]]");
	is_int(sim_device_load(h.d, 0x08000000, img, sizeof(img)), 0,
	       "image loaded at both ends of flash [sim_device_load(h.d, 0x08000000, img,...]");
	is_int(sim_device_load(h.d, 0x080FFF00, img, sizeof(img)), 0,
	       "image loaded at both ends of flash [sim_device_load(h.d, 0x080FFF00, img,...]");
	is_int(cmd1(&h, 0x41, &poll), OK,
	       "mass erase announces 16 s and completes [cmd1(&h, 0x41, &poll)]");
	is_int(poll, 16000, "mass erase announces 16 s and completes [poll]");
	for (int end = 0; end < 2; end++) {
		sim_device_read(h.d, end ? 0x080FFF00 : 0x08000000, back, sizeof(back));
		for (size_t i = 0; i < sizeof(back); i++)
			blank = blank && back[i] == 0xFF;
	}
	ok(blank, "flash blank after mass erase");
	sim_device_read(h.d, 0x1FFFC000, back, 16);
	ok(memcmp(back, opt, 16) == 0, "option bytes untouched");
	sim_device_stats(h.d, &st);
	is_int(st.mass_erase, 1, "mass erase counted once per sector [st.mass_erase]");
	is_int(st.erases_per_sector_max, 1,
	       "mass erase counted once per sector [st.erases_per_sector_max]");
	ok(sim_device_load(h.d, 0x07000000, img, 4) == -1, "load outside every alt fails");
	h_close(&h);
}

static void test_read_protection(void)
{
	struct h h;
	struct sim_faults f = { .read_protected = true };
	uint8_t img[64], back[64];
	uint32_t poll;

	if (!h_open(&h, "f4"))
		return;
	memset(img, 0x5A, sizeof(img));
	sim_device_load(h.d, 0x08000000, img, sizeof(img));
	sim_device_set_faults(h.d, &f);
	is_int(upload(&h, 2, 64), SIM_STALL,
	       "protected: UPLOAD STALLs with errVENDOR [upload(&h, 2, 64)]");
	is_int(getstatus(&h), SIM_OK, "protected: UPLOAD STALLs with errVENDOR [getstatus(&h)]");
	is_int(h.buf[4], DFU_ERROR, "protected: UPLOAD STALLs with errVENDOR [h.buf[4]]");
	is_int(st_status(&h), errVENDOR, "protected: UPLOAD STALLs with errVENDOR [st_status(&h)]");
	clrstatus(&h);
	is_int(erase(&h, 0x08000000, NULL), errVENDOR, "protected: erase errVENDOR");
	clrstatus(&h);
	is_int(cmd1(&h, 0x41, NULL), errVENDOR, "protected: mass erase errVENDOR");
	clrstatus(&h);
	set_address(&h, 0x08004000);
	is_int(run_dnload(&h, 2, img, 64, NULL), errVENDOR, "protected: write errVENDOR");
	clrstatus(&h);
	is_int(dnload(&h, 0, (const uint8_t[]){ 0x92 }, 1), SIM_OK,
	       "unprotect: dfuDNBUSY for the mass erase [dnload(&h, 0, (const uint8_t[]){ 0x92...]");
	is_int(getstatus(&h), SIM_OK, "unprotect: dfuDNBUSY for the mass erase [getstatus(&h)]");
	is_int(h.buf[4], DNBUSY, "unprotect: dfuDNBUSY for the mass erase [h.buf[4]]");
	is_int(h.poll, 16000, "unprotect: dfuDNBUSY for the mass erase [h.poll]");
	poll = h.poll;
	h.now += (uint64_t)poll * 1000u;
	is_int(getstatus(&h), SIM_OK, "unprotect: completion answered [getstatus(&h)]");
	is_int(h.buf[4], DNLOAD_IDLE, "unprotect: completion answered [h.buf[4]]");
	is_int(st_status(&h), OK, "unprotect: completion answered [st_status(&h)]");
	ok(sim_device_gone(h.d), "then the device resets: gone");
	is_int(getstatus(&h), SIM_NODEV, "later requests: NODEV");
	is_int(sim_device_reset(h.d, h.now), SIM_RESET_GONE, "reset: GONE");
	sim_device_read(h.d, 0x08000000, back, sizeof(back));
	is_int(back[0], 0xFF, "flash erased by unprotect [back[0]]");
	is_int(back[63], 0xFF, "flash erased by unprotect [back[63]]");
	h_close(&h);
}

static void test_option_bytes(void)
{
	struct h h;
	uint8_t ob[16], back[16];

	if (!h_open(&h, "f4"))
		return;
	sim_device_read(h.d, 0x1FFFC000, ob, 16);
	ob[0] = 0xCC;
	is_int(sim_device_set_alt(h.d, 0, 1), SIM_OK,
	       "f4 option bytes written without erase [sim_device_set_alt(h.d, 0, 1)]");
	is_int(set_address(&h, 0x1FFFC000), OK,
	       "f4 option bytes written without erase [set_address(&h, 0x1FFFC000)]");
	is_int(run_dnload(&h, 2, ob, 16, NULL), OK,
	       "f4 option bytes written without erase [run_dnload(&h, 2, ob, 16, NULL)]");
	ok(sim_device_gone(h.d), "the ROM resets after an option byte write");
	sim_device_read(h.d, 0x1FFFC000, back, 16);
	ok(memcmp(back, ob, 16) == 0, "option bytes hold the new value");
	h_close(&h);

	if (!h_open(&h, "gd32"))
		return;
	is_int(sim_device_set_alt(h.d, 0, 1), SIM_OK,
	       "gd32: '016Be' option alt readable, RDP 0xA5 [sim_device_set_alt(h.d, 0, 1)]");
	read_at(&h, 0x1FFFF800, 2, 16, SIM_OK, "gd32: '016Be' option alt readable, RDP 0xA5");
	is_int(h.actual, 16, "gd32: '016Be' option alt readable, RDP 0xA5 [h.actual]");
	is_int(h.buf[0], 0xA5, "gd32: '016Be' option alt readable, RDP 0xA5 [h.buf[0]]");
	is_int(h.buf[1], 0x5A, "gd32: '016Be' option alt readable, RDP 0xA5 [h.buf[1]]");
	h_close(&h);

	if (!h_open(&h, "f4"))
		return;
	sim_device_set_alt(h.d, 0, 3);
	read_at(&h, 0xFFFF0000, 2, 16, SIM_OK,
		"f4 device feature: 4 zero bytes, short read ends the upload");
	is_int(h.actual, 4,
	       "f4 device feature: 4 zero bytes, short read ends the upload [h.actual]");
	is_int(h.buf[0], 0,
	       "f4 device feature: 4 zero bytes, short read ends the upload [h.buf[0]]");
	is_int(sim_device_state(h.d), DFU_IDLE,
	       "f4 device feature: 4 zero bytes, short read ends the upload [sim_device_state(h.d)]");
	h_close(&h);
}

static void test_upload_edges(void)
{
	struct h h;

	if (!h_open(&h, "f1"))
		return;
	read_at(&h, 0x08020000 - 512, 2, 1024, SIM_OK,
		"read past the end of flash: 512 bytes, short packet, dfuIDLE");
	is_int(h.actual, 512,
	       "read past the end of flash: 512 bytes, short packet, dfuIDLE [h.actual]");
	is_int(sim_device_state(h.d), DFU_IDLE,
	       "read past the end of flash: 512 bytes, short packet, dfuIDLE [sim_device_state(h.d)]");
	is_int(upload(&h, 3, 1024), SIM_STALL,
	       "nothing readable: STALL, errADDRESS [upload(&h, 3, 1024)]");
	is_int(getstatus(&h), SIM_OK, "nothing readable: STALL, errADDRESS [getstatus(&h)]");
	is_int(h.buf[4], DFU_ERROR, "nothing readable: STALL, errADDRESS [h.buf[4]]");
	is_int(st_status(&h), errADDRESS, "nothing readable: STALL, errADDRESS [st_status(&h)]");
	clrstatus(&h);
	read_at(&h, 0x08000000, 0xFFFF, 1024, SIM_STALL, "block number far past the end: STALL");
	clrstatus(&h);
	is_int(upload(&h, 2, 1025), SIM_STALL, "UPLOAD beyond wTransferSize STALLs");
	h_close(&h);
}

/* Is the file @path @size bytes long, with the @n bytes of @want at offset @at? */
static bool file_is(const char *path, size_t size, size_t at, const uint8_t *want, size_t n)
{
	size_t len = 0;
	uint8_t *got = slurp_path(path, &len);
	bool good = got != NULL && len == size && at + n <= len &&
		    (n == 0 || memcmp(got + at, want, n) == 0);

	free(got);
	return good;
}

static void test_dump(void)
{
	struct h h;
	uint8_t img[256];
	static const uint8_t ob[2] = { 0xEC, 0xAA };

	if (!h_open(&h, "f4"))
		return;
	if (tmpdir[0] == '\0') {
		skip(5, "no scratch directory to dump into");
		h_close(&h);
		return;
	}
	pattern(img, sizeof(img), 9);
	sim_device_load(h.d, 0x080E0000, img, sizeof(img));
	is_int(sim_device_dump(h.d, tmpdir), 0, "dump returns 0");
	ok(file_is(path_of("alt0-0x08000000.bin"), 1u << 20, 0xE0000, img, sizeof(img)),
	   "alt0: 1 MiB, image at 0xE0000");
	ok(file_is(path_of("alt1-0x1fffc000.bin"), 16, 0, ob, 2), "alt1: 16 option bytes");
	ok(file_is(path_of("alt2-0x1fff7800.bin"), 528, 0, NULL, 0),
	   "alt2: OTP 512 + 16 merged in one file");
	ok(file_is(path_of("alt3-0xffff0000.bin"), 4, 0, (const uint8_t[]){ 0, 0, 0, 0 }, 4),
	   "alt3: 4 zero bytes");
	ok(sim_device_dump(h.d, "/nonexistent/dir") == -1, "dump to a missing directory: -1");
	h_close(&h);
}

/* The model's own layout parser (independent of src/dfuse_mem.c) on good and bad rows. */
static void test_layouts(void)
{
	static const struct {
		const char *layout;
		bool good;
		uint32_t probe; /* an address that must exist (good rows) */
		size_t size;	/* bytes readable from @probe to the end of its run */
	} rows[] = {
		{ "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", true, 0x08000000,
		  1u << 20 },
		{ "@OTP Memory /0x1FFF7800/01*512 e,01*016 e", true, 0x1FFF7800, 528 },
		{ "@Option Bytes  /0x1FFFF800/01*016Be", true, 0x1FFFF800, 16 },
		{ "@Two/0x08000000/2*001Ka/0x08010000/1*1Mg", true, 0x08010000, 1u << 20 },
		{ "@Reversed/0x08010000/1*001Kg/0x08000000/1*001Kg", true, 0x08000000, 1024 },
		{ "@Top/0xFFFFF000/1*004Kg", true, 0xFFFFF000, 4096 },
		{ "@Wraps/0xFFFFF000/2*004Kg", false, 0, 0 },
		{ "@Overlap/0x08000000/2*001Kg/0x08000400/1*001Kg", false, 0, 0 },
		{ "@NoAddr/08000000/1*001Kg", false, 0, 0 },
		{ "@BadType/0x08000000/1*001Kh", false, 0, 0 },
		{ "@BadMult/0x08000000/1*001Xg", false, 0, 0 },
		{ "@NoStar/0x08000000/1001Kg", false, 0, 0 },
		{ "@Zero/0x08000000/0*001Kg", false, 0, 0 },
		{ "@Huge/0x08000000/4096*1Mg", false, 0, 0 },
		{ "@Trailing/0x08000000/1*001Kg;", false, 0, 0 },
		{ "@TooWide/0x108000000/1*001Kg", false, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sim_chip c = *sim_chip_find("f4");
		struct sim_device *d;
		struct h h;

		c.nalts = 1;
		c.alt_names[0] = rows[i].layout;
		d = sim_device_new(&c, NULL);
		if (!rows[i].good) {
			ok(d == NULL, "layout refused: %s", rows[i].layout);
			sim_device_free(d);
			continue;
		}
		if (!ok(d != NULL, "layout accepted: %s", rows[i].layout))
			continue;
		memset(&h, 0, sizeof(h));
		h.d = d;
		h.chip = &c;
		is_int(set_address(&h, rows[i].probe), OK,
		       "  %zu bytes readable from 0x%08x [set_address(&h, rows[i].probe)]",
		       rows[i].size, (unsigned)rows[i].probe);
		is_int(abort_req(&h), SIM_OK, "  %zu bytes readable from 0x%08x [abort_req(&h)]",
		       rows[i].size, (unsigned)rows[i].probe);
		is_int(readable_run(&h), rows[i].size,
		       "  %zu bytes readable from 0x%08x [readable_run(&h)]", rows[i].size,
		       (unsigned)rows[i].probe);
		sim_device_free(d);
	}
}

int main(void)
{
	/* The directory test_dump() dumps into. */
	if (!scratch_init("test-model-flash"))
		diag("no scratch directory: the dump skips");
	test_round_trip();
	test_unerased_write();
	test_bad_addresses();
	test_get_commands();
	test_mass_erase();
	test_read_protection();
	test_option_bytes();
	test_upload_edges();
	test_dump();
	test_layouts();
	remove_tmpdir();
	return done_testing();
}
