/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of src/dfuse.c against the simulated STM32 ROM: the AN3156
 * commands (set address, erase, mass erase, unprotect, get commands, leave),
 * data writes and reads addressed from the pointer, device quirks, and the
 * erase plan on the F4's mixed 16/64/128 KiB layout.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfuse.h"
#include "dfuse_mem.h"
#include "fixture.h"
#include "plan.h"
#include "tap.h"

#define FLASH 0x08000000u
#define KiB   1024u

/* Deterministic bytes that are never a whole 0xFF block. */
static void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

static bool mem_is(const struct fix *f, uint32_t addr, const uint8_t *want, size_t n)
{
	uint8_t *got = malloc(n ? n : 1);
	bool same;

	if (got == NULL)
		return false;
	same = sim_device_read(f->dev, addr, got, n) == 0 && memcmp(got, want, n) == 0;
	free(got);
	return same;
}

static bool mem_all(const struct fix *f, uint32_t addr, uint8_t v, size_t n)
{
	uint8_t *got = malloc(n ? n : 1);
	bool all = true;

	if (got == NULL || sim_device_read(f->dev, addr, got, n) != 0) {
		free(got);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		all = all && got[i] == v;
	free(got);
	return all;
}

/* A part whose ROM takes 16-byte blocks and reports no wait: wBlockNum wraps after 1 MiB. */
static const struct sim_chip tiny_xfer_chip = {
	.name = "tiny-xfer",
	.description = "DfuSe ROM with 16-byte transfers (block numbers wrap after ~1 MiB)",
	.idVendor = 0x0483,
	.idProduct = 0xdf11,
	.bcdDevice = 0x0200,
	.manufacturer = "Test",
	.product = "Tiny transfers",
	.serial = "TINY0001",
	.bMaxPacketSize0 = 8,
	.bmAttributes = 0x0B,
	.wDetachTimeOut = 255,
	.wTransferSize = 16,
	.bcdDFUVersion = 0x011A,
	.nalts = 1,
	.alt_names = { "@Internal Flash  /0x08000000/16*128Kg" },
};

/* ---- commands ------------------------------------------------------------ */

static void test_set_address(void)
{
	struct fix f;
	struct sim_stats s;
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(9, "no f4 model");
		return;
	}
	r = dfuse_set_address(&f.d, 0x08004000, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "set address 0x08004000");
	is_int(s.set_address, 1, "one Set Address Pointer DNLOAD [s.set_address]");
	is_int(s.dnload, 1, "one Set Address Pointer DNLOAD [s.dnload]");
	is_int(sim_device_state(f.dev), 5, "device in dfuDNLOAD-IDLE");
	r = dfuse_set_address(&f.d, 0x20000000, &f.err);
	is_int(r, ERR_PROTOCOL, "set address 0x20000000 (outside alt 0) fails");
	is_substr(f.err.msg, "set address 0x20000000",
		  "message names the step, status and state: \"%s\"", f.err.msg);
	is_substr(f.err.msg, "errTARGET", "message names the step, status and state: \"%s\"",
		  f.err.msg);
	is_substr(f.err.msg, "dfuERROR", "message names the step, status and state: \"%s\"",
		  f.err.msg);
	ok(contains(f.err.msg, "address not supported"), "with the errTARGET hint");
	fix_close(&f);
}

static void test_erase(void)
{
	struct fix f;
	struct sim_faults rdp = { .read_protected = true };
	struct sim_stats s;
	uint8_t junk[32 * KiB];
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(9, "no f4 model");
		return;
	}
	fill_pattern(junk, sizeof(junk), 1);
	sim_device_load(f.dev, FLASH, junk, sizeof(junk));
	r = dfuse_erase(&f.d, FLASH + 0x1234, dfuse_erase_budget_ms(16 * KiB), &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "erase at 0x08001234 (inside sector 0)");
	ok(mem_all(&f, FLASH, 0xFF, 16 * KiB), "sector 0 is blank");
	ok(mem_is(&f, FLASH + 16 * KiB, junk + 16 * KiB, 16 * KiB), "sector 1 untouched");
	is_int(s.erase, 1, "one erase, waited exactly its 250 ms [s.erase]");
	is_int(s.early_polls, 0, "one erase, waited exactly its 250 ms [s.early_polls]");
	is_int(memtransport_slept_us(f.mt), 250000,
	       "one erase, waited exactly its 250 ms [memtransport_slept_us(f.mt)]");
	fix_close(&f);

	if (!fix_open(&f, "protboot", NULL)) {
		skip(5, "no protboot model");
		return;
	}
	r = dfuse_erase(&f.d, FLASH, 5000, &f.err);
	is_int(r, ERR_PROTOCOL,
	       "protboot: erase of the read-only sector 0 is refused by the device");
	is_substr(f.err.msg, "erase 0x08000000", "message: \"%s\"", f.err.msg);
	is_substr(f.err.msg, "errTARGET", "message: \"%s\"", f.err.msg);
	fix_close(&f);

	if (!fix_open(&f, "f4", &rdp)) {
		skip(4, "no f4 model");
		return;
	}
	r = dfuse_erase(&f.d, FLASH, 5000, &f.err);
	is_int(r, ERR_PROTOCOL, "read-protected: erase fails");
	is_substr(f.err.msg, "errVENDOR", "errVENDOR with the read-protection hint: \"%s\"",
		  f.err.msg);
	is_substr(f.err.msg, ":unprotect:force", "errVENDOR with the read-protection hint: \"%s\"",
		  f.err.msg);
	is_int(sim_device_state(f.dev), 10, "device left in dfuERROR");
	fix_close(&f);
}

static void test_mass_erase(void)
{
	struct fix f;
	struct sim_faults imm = { .immediate = true };
	struct sim_stats s;
	uint8_t *junk = malloc(1024 * KiB);
	uint8_t ob[16], ob_after[16];
	int r;

	if (junk == NULL || !fix_open(&f, "f4", NULL)) {
		free(junk);
		skip(8, "no f4 model");
		return;
	}
	fill_pattern(junk, 1024 * KiB, 2);
	sim_device_load(f.dev, FLASH, junk, 1024 * KiB);
	sim_device_read(f.dev, 0x1FFFC000, ob, sizeof(ob));
	r = dfuse_mass_erase(&f.d, &f.err);
	s = stats_of(&f);
	sim_device_read(f.dev, 0x1FFFC000, ob_after, sizeof(ob_after));
	is_int(r, ERR_OK, "mass erase");
	ok(mem_all(&f, FLASH, 0xFF, 1024 * KiB), "all 1 MiB of flash is blank");
	ok(memcmp(ob, ob_after, sizeof(ob)) == 0, "option bytes (another alt) untouched");
	is_int(s.mass_erase, 1, "one mass-erase command, no page erase [s.mass_erase]");
	is_int(s.erase, 0, "one mass-erase command, no page erase [s.erase]");
	is_int(memtransport_slept_us(f.mt), 16000000, "waited exactly the 16 s the ROM asked");
	is_int(s.early_polls, 0, "no early poll, no timeout [s.early_polls]");
	is_int(memtransport_timeouts(f.mt), 0,
	       "no early poll, no timeout [memtransport_timeouts(f.mt)]");
	fix_close(&f);

	if (!fix_open(&f, "f4", &imm)) {
		free(junk);
		skip(3, "no f4 model");
		return;
	}
	sim_device_load(f.dev, FLASH, junk, 1024 * KiB);
	r = dfuse_mass_erase(&f.d, &f.err);
	is_int(r, ERR_OK, "mass erase on a device answering dfuDNLOAD-IDLE at once");
	is_int(mem_all(&f, FLASH, 0xFF, 1024 * KiB), true,
	       "flash blank, no sleep [mem_all(&f, FLASH, 0xFF, 1024 * KiB)]");
	is_int(memtransport_slept_us(f.mt), 0,
	       "flash blank, no sleep [memtransport_slept_us(f.mt)]");
	fix_close(&f);
	free(junk);
}

static void test_unprotect(void)
{
	struct sim_faults rdp = { .read_protected = true };
	struct fix f;
	struct sim_stats s;
	uint8_t junk[64];
	bool gone = false;
	int r;

	if (!fix_open(&f, "f4", &rdp)) {
		skip(5, "no f4 model");
		return;
	}
	fill_pattern(junk, sizeof(junk), 3);
	sim_device_load(f.dev, 0x080E0000, junk, sizeof(junk));
	r = dfuse_unprotect(&f.d, &gone, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "read unprotect: ERR_OK");
	ok(sim_device_gone(f.dev), "the device reset itself (gone from the bus)");
	ok(mem_all(&f, 0x080E0000, 0xFF, sizeof(junk)), "its flash was erased");
	is_int(s.unprotect, 1, "one Read Unprotect command");
	ok(gone, "*gone is true: the device is no longer on the bus");
	fix_close(&f);

	/* The device vanishes during the busy wait (its GETSTATUS fails): expected, success. */
	rdp.disconnect_after = 3;
	if (!fix_open(&f, "f4", &rdp)) {
		skip(2, "no f4 model");
		return;
	}
	gone = false;
	r = dfuse_unprotect(&f.d, &gone, &f.err);
	is_int(r, ERR_OK, "device vanishing at the second GETSTATUS: still ERR_OK");
	ok(gone, "and *gone is true");
	fix_close(&f);
}

static void test_get_commands(void)
{
	struct fix f;
	uint8_t cmds[8];
	size_t n = 0;
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(7, "no f4 model");
		return;
	}
	r = dfuse_get_commands(&f.d, cmds, sizeof(cmds), &n, &f.err);
	is_int(r, ERR_OK, "get commands");
	is_int(n, 4, "00 21 41 92 (n=%zu) [n]", n);
	is_int(cmds[0], 0x00, "00 21 41 92 (n=%zu) [cmds[0]]", n);
	is_int(cmds[1], 0x21, "00 21 41 92 (n=%zu) [cmds[1]]", n);
	is_int(cmds[2], 0x41, "00 21 41 92 (n=%zu) [cmds[2]]", n);
	is_int(cmds[3], 0x92, "00 21 41 92 (n=%zu) [cmds[3]]", n);
	is_int(sim_device_state(f.dev), 2, "device back in dfuIDLE");
	fix_close(&f);
}

/* ---- leave --------------------------------------------------------------- */

/* Leave at an address: the request log shows where the pointer stood at the leave. */
static void test_leave_at(void)
{
	struct capture log;
	struct fix f;
	struct sim_stats s;
	bool gone = true;
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(5, "no f4 model");
		return;
	}
	if (!capture_open(&log)) {
		skip(6, "cannot capture the request log");
		fix_close(&f);
		return;
	}
	sim_device_set_log(f.dev, log.f);
	r = dfuse_leave(&f.d, true, 0x08004000, &gone, &f.err);
	sim_device_set_log(f.dev, NULL);
	capture_close(&log);
	s = stats_of(&f);
	is_int(r, ERR_OK, "leave at 0x08004000");
	ok(sim_device_gone(f.dev), "the device manifested and left the bus");
	is_int(s.leave, 1, "one Set Address Pointer, one zero-length DNLOAD [s.leave]");
	is_int(s.set_address, 1, "one Set Address Pointer, one zero-length DNLOAD [s.set_address]");
	is_int(leave_address(log.text), 0x08004000,
	       "the pointer was 0x08004000 at the leave request");
	ok(f.d.requests == 5, "set address (DNLOAD, 2 GETSTATUS), DNLOAD 0, one GETSTATUS: %lu",
	   f.d.requests);
	free(log.text);
	fix_close(&f);
}

static void test_leave(void)
{
	struct sim_faults vanish = { .vanish_on_leave_getstatus = true };
	struct fix f;
	bool gone = true;
	int r;

	if (!fix_open(&f, "f4", &vanish)) {
		skip(3, "no f4 model");
		return;
	}
	gone = false;
	r = dfuse_leave(&f.d, false, 0, &gone, &f.err);
	is_int(r, ERR_OK, "device resetting at the leave GETSTATUS: ERR_OK");
	ok(gone, "*gone is true");
	is_int(stats_of(&f).set_address, 0, "no Set Address Pointer without an address");
	fix_close(&f);

	if (!fix_open(&f, "f4", NULL)) {
		skip(4, "no f4 model");
		return;
	}
	r = dfuse_leave(&f.d, true, 0x30000000, &gone, &f.err);
	is_int(r, ERR_PROTOCOL, "leave with an address the device refuses fails");
	is_int(sim_device_gone(f.dev), false,
	       "the device stays; message: \"%s\" [sim_device_gone(f.dev)]", f.err.msg);
	is_substr(f.err.msg, "leave", "the device stays; message: \"%s\"", f.err.msg);
	is_substr(f.err.msg, "errTARGET", "the device stays; message: \"%s\"", f.err.msg);
	fix_close(&f);
}

/* ---- writes -------------------------------------------------------------- */

static void test_write(void)
{
	struct dfuse_write_opts plain = { 0 }, blank = { .skip_blank = true },
				per_chunk = { .pointer_per_chunk = true };
	struct fix f;
	struct sim_stats s;
	uint8_t img[16 * KiB];
	struct dfuse_write_result wr = { 0 };
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(14, "no f4 model");
		return;
	}
	/* 10000 bytes across the 16 KiB / 64 KiB boundary at 0x08010000. */
	fill_pattern(img, sizeof(img), 4);
	r = dfuse_write(&f.d, 0x0800F000, img, 10000, &plain, NULL, &wr, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "write 10000 bytes at 0x0800F000");
	ok(mem_is(&f, 0x0800F000, img, 10000), "memory holds them");
	ok(mem_all(&f, 0x0800F000 + 10000, 0xFF, 64), "nothing written past the end");
	is_int(s.set_address, 1, "one Set Address Pointer for the contiguous run");
	is_int(s.dnload, 1 + 5, "five data blocks (4 x 2048 + 1808) plus the pointer");
	is_int(wr.sent, 5, "res.sent counts the five data blocks");
	is_int(s.unerased_writes, 0,
	       "no unerased write, no forbidden request, no early poll [s.unerased_writes]");
	is_int(s.forbidden, 0,
	       "no unerased write, no forbidden request, no early poll [s.forbidden]");
	is_int(s.early_polls, 0,
	       "no unerased write, no forbidden request, no early poll [s.early_polls]");
	fix_close(&f);

	/* skip_blank: blocks 0, 3, 4 and 7 of eight are 0xFF. */
	if (!fix_open(&f, "f4", NULL)) {
		skip(7, "no f4 model");
		return;
	}
	fill_pattern(img, sizeof(img), 5);
	memset(img, 0xFF, 2048);
	memset(img + 3 * 2048, 0xFF, 2 * 2048);
	memset(img + 7 * 2048, 0xFF, 2048);
	r = dfuse_write(&f.d, FLASH, img, sizeof(img), &blank, NULL, &wr, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "write with skip_blank");
	ok(mem_is(&f, FLASH, img, sizeof(img)), "erased memory + written blocks == image");
	is_int(wr.sent, 4, "only the four non-blank blocks sent");
	is_int(s.set_address, 1,
	       "one pointer (sent at the first non-blank block), gaps kept by "
	       "block numbers");
	is_int(s.bytes_written, 4 * 2048, "the device programmed 8 KiB");
	memset(img, 0xFF, sizeof(img));
	r = dfuse_write(&f.d, 0x08008000, img, sizeof(img), &blank, NULL, &wr, &f.err);
	is_int(r, ERR_OK, "an all-0xFF image sends nothing [r]");
	is_int(stats_of(&f).dnload, s.dnload,
	       "an all-0xFF image sends nothing [stats_of(&f).dnload]");
	fix_close(&f);

	if (!fix_open(&f, "f4", NULL)) {
		skip(3, "no f4 model");
		return;
	}
	fill_pattern(img, sizeof(img), 6);
	r = dfuse_write(&f.d, FLASH, img, 5 * 2048, &per_chunk, NULL, &wr, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "pointer_per_chunk write [r]");
	is_int(mem_is(&f, FLASH, img, 5 * 2048), true,
	       "pointer_per_chunk write [mem_is(&f, FLASH, img, 5 * 2048)]");
	is_int(s.set_address, 5, "a Set Address Pointer before each of the 5 blocks");
	fix_close(&f);
}

static void test_write_errors(void)
{
	struct dfuse_write_opts plain = { 0 }, reset = { .will_reset = true };
	struct sim_faults rdp = { .read_protected = true };
	struct fix f;
	uint8_t img[4096], ob[16];
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(6, "no f4 model");
		return;
	}
	fill_pattern(img, sizeof(img), 7);
	sim_device_load(f.dev, 0x08000800, img, 16);
	r = dfuse_write(&f.d, FLASH, img, sizeof(img), &plain, NULL, NULL, &f.err);
	is_int(r, ERR_PROTOCOL, "writing over unerased flash fails");
	is_substr(f.err.msg, "write 0x08000800", "names the block and the status: \"%s\"",
		  f.err.msg);
	is_substr(f.err.msg, "errPROG", "names the block and the status: \"%s\"", f.err.msg);
	ok(contains(f.err.msg, "not erased"), "and the likely cause (memory not erased?)");
	fix_close(&f);

	if (!fix_open(&f, "f4", &rdp)) {
		skip(2, "no f4 model");
		return;
	}
	r = dfuse_write(&f.d, FLASH, img, 2048, &plain, NULL, NULL, &f.err);
	is_int(r, ERR_PROTOCOL, "a write under read protection fails with errVENDOR: \"%s\" [r]",
	       f.err.msg);
	is_substr(f.err.msg, "errVENDOR",
		  "a write under read protection fails with errVENDOR: \"%s\"", f.err.msg);
	ok(contains(f.err.msg, ":unprotect:force"),
	   "and suggests :unprotect:force, as issue 4 asks for writes too");
	r = dfuse_write(&f.d, 0xFFFFF000, img, sizeof(img) + 1, &plain, NULL, NULL, &f.err);
	is_int(r, ERR_DATA, "a write running past 4 GiB is refused before any request");
	fix_close(&f);

	/* Option bytes: the device resets after the block; with will_reset that is success. */
	if (!fix_open(&f, "f4", NULL)) {
		skip(3, "no f4 model");
		return;
	}
	memcpy(ob,
	       (const uint8_t[]){ 0xEC, 0xBB, 0x13, 0x44, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00,
				  0xF0, 0xFF, 0xFF, 0xFF, 0xFF },
	       sizeof(ob));
	r = f.d.tr.ops->set_alt(f.d.tr.ctx, 0, 1) == TR_OK ? ERR_OK : ERR_IO;
	if (r == ERR_OK)
		r = dfuse_write(&f.d, 0x1FFFC000, ob, sizeof(ob), &reset, NULL, NULL, &f.err);
	is_int(r, ERR_OK, "option bytes write with will_reset");
	ok(mem_is(&f, 0x1FFFC000, ob, sizeof(ob)), "option bytes hold the new values");
	ok(sim_device_gone(f.dev), "and the device reset");
	fix_close(&f);
}

/* wBlockNum is 16 bits: after block 0xFFFF the pointer must be sent again. */
static void test_block_wrap(void)
{
	enum { LEN = 1100000 }; /* 68750 blocks of 16 bytes */
	struct dfuse_write_opts plain = { 0 };
	struct fix f;
	struct sim_stats s;
	uint8_t *img = malloc(LEN), *back = malloc(LEN);
	struct dfuse_write_result wr = { 0 };
	size_t got = 0;
	int r;

	if (img == NULL || back == NULL || !fix_chip(&f, &tiny_xfer_chip, NULL)) {
		free(img);
		free(back);
		skip(7, "no memory or no model");
		return;
	}
	fill_pattern(img, LEN, 8);
	r = dfuse_write(&f.d, FLASH, img, LEN, &plain, NULL, &wr, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "1.1 MB in 16-byte blocks");
	ok(mem_is(&f, FLASH, img, LEN), "memory holds the image (no block landed twice)");
	is_int(s.set_address, 2, "the pointer was re-sent once, before wBlockNum wrapped");
	r = dfuse_read(&f.d, FLASH, back, LEN, &got, NULL, &f.err);
	is_int(r, ERR_OK, "reading it back across the wrap (r=%d, got=%zu): %s [r]", r, got,
	       f.err.msg);
	is_int(got, LEN, "reading it back across the wrap (r=%d, got=%zu): %s [got]", r, got,
	       f.err.msg);
	is_mem(img, back, LEN, "reading it back across the wrap (r=%d, got=%zu): %s [img]", r, got,
	       f.err.msg);
	s = stats_of(&f);
	ok(s.forbidden == 0, "no request the state forbids (%lu)", s.forbidden);
	fix_close(&f);
	free(img);
	free(back);
}

/* ---- reads --------------------------------------------------------------- */

static void test_read(void)
{
	struct fix f;
	struct sim_faults rdp = { .read_protected = true };
	struct sim_stats s;
	uint8_t img[10000], back[10000], tail[4096];
	size_t got = 0;
	int r;

	if (!fix_open(&f, "f4", NULL)) {
		skip(13, "no f4 model");
		return;
	}
	fill_pattern(img, sizeof(img), 9);
	sim_device_load(f.dev, 0x08001000, img, sizeof(img));
	r = dfuse_read(&f.d, 0x08001000, back, sizeof(back), &got, NULL, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "read 10000 bytes at 0x08001000");
	is_int(got, sizeof(img), "round trip (got %zu) [got]", got);
	is_mem(img, back, sizeof(img), "round trip (got %zu) [img]", got);
	is_int(s.set_address, 1, "one pointer, five UPLOADs (%lu, %lu) [s.set_address]",
	       s.set_address, s.upload);
	is_int(s.upload, 5, "one pointer, five UPLOADs (%lu, %lu) [s.upload]", s.set_address,
	       s.upload);
	is_int(sim_device_state(f.dev), 2, "device left in dfuIDLE");

	/* Short read at the end of the flash: 256 bytes remain after 0x080FFF00. */
	fill_pattern(img, 256, 10);
	sim_device_load(f.dev, 0x080FFF00, img, 256);
	r = dfuse_read(&f.d, 0x080FFF00, tail, sizeof(tail), &got, NULL, &f.err);
	is_int(r, ERR_OK, "read 4096 bytes at 0x080FFF00");
	is_int(got, 256, "the device ended the upload after the last 256 bytes");
	ok(memcmp(tail, img, 256) == 0, "and they are right");
	is_int(sim_device_state(f.dev), 2,
	       "device in dfuIDLE, no forbidden request [sim_device_state(f.dev)]");
	is_int(stats_of(&f).forbidden, 0,
	       "device in dfuIDLE, no forbidden request [stats_of(&f).forbidden]");
	r = dfuse_read(&f.d, FLASH, tail, 0, &got, NULL, &f.err);
	is_int(r, ERR_OK, "a zero-length read is a no-op [r]");
	is_int(got, 0, "a zero-length read is a no-op [got]");
	fix_close(&f);

	if (!fix_open(&f, "f4", &rdp)) {
		skip(3, "no f4 model");
		return;
	}
	r = dfuse_read(&f.d, FLASH, tail, sizeof(tail), &got, NULL, &f.err);
	isnt_int(r, ERR_OK, "read under read protection fails: \"%s\" [r]", f.err.msg);
	is_substr(f.err.msg, "read 0x08000000", "read under read protection fails: \"%s\"",
		  f.err.msg);
	is_int(got, 0, "nothing read");
	fix_close(&f);
}

/* ---- a device that completes commands at once ---------------------------- */

static void test_immediate(void)
{
	struct sim_faults imm = { .immediate = true };
	struct dfuse_write_opts plain = { 0 };
	struct fix f;
	uint8_t img[6000], back[6000];
	size_t got = 0;
	bool gone = false;
	int r;

	if (!fix_open(&f, "f4", &imm)) {
		skip(8, "no f4 model");
		return;
	}
	fill_pattern(img, sizeof(img), 11);
	sim_device_load(f.dev, FLASH, img, 64);
	r = dfuse_erase(&f.d, FLASH, 5000, &f.err);
	is_int(r, ERR_OK, "erase answered dfuDNLOAD-IDLE at the first GETSTATUS: accepted");
	r = dfuse_write(&f.d, FLASH, img, sizeof(img), &plain, NULL, NULL, &f.err);
	is_int(r, ERR_OK, "write on the same device");
	r = dfuse_read(&f.d, FLASH, back, sizeof(back), &got, NULL, &f.err);
	is_int(r, ERR_OK, "read back equal [r]");
	is_int(got, sizeof(img), "read back equal [got]");
	is_mem(img, back, sizeof(img), "read back equal [img]");
	is_int(memtransport_slept_us(f.mt), 0, "never slept");
	r = dfuse_leave(&f.d, true, FLASH, &gone, &f.err);
	is_int(r, ERR_OK, "leave [r]");
	is_int(sim_device_gone(f.dev), true, "leave [sim_device_gone(f.dev)]");
	fix_close(&f);
}

/* ---- erase plan ----------------------------------------------------------- */

struct plan_row {
	const char *what;
	const char *layout;
	struct plan_span spans[4];
	size_t nspans;
	int want_r;
	struct plan_sector want[8];
	size_t nwant;
};

#define F4_LAYOUT "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"

static const struct plan_row plan_rows[] = {
	{ "start in the middle of sector 0",
	  F4_LAYOUT,
	  { { 0x08002000, 0x100 } },
	  1,
	  ERR_OK,
	  { { 0x08000000, 0x4000 } },
	  1 },
	{ "span crossing 16K -> 64K",
	  F4_LAYOUT,
	  { { 0x0800C000, 0x8000 } },
	  1,
	  ERR_OK,
	  { { 0x0800C000, 0x4000 }, { 0x08010000, 0x10000 } },
	  2 },
	{ "span 16K -> 64K -> 128K, mid-sector start",
	  F4_LAYOUT,
	  { { 0x0800F000, 0x12000 } },
	  1,
	  ERR_OK,
	  { { 0x0800C000, 0x4000 }, { 0x08010000, 0x10000 }, { 0x08020000, 0x20000 } },
	  3 },
	{ "two spans sharing a sector",
	  F4_LAYOUT,
	  { { 0x08000000, 0x100 }, { 0x08000200, 0x100 } },
	  2,
	  ERR_OK,
	  { { 0x08000000, 0x4000 } },
	  1 },
	{ "spans out of order, sharing sectors",
	  F4_LAYOUT,
	  { { 0x08021000, 0x10 },
	    { 0x08000000, 0x10 },
	    { 0x08030000, 0x10 },
	    { 0x08000100, 0x5000 } },
	  4,
	  ERR_OK,
	  { { 0x08000000, 0x4000 }, { 0x08004000, 0x4000 }, { 0x08020000, 0x20000 } },
	  3 },
	{ "the last sector exactly",
	  F4_LAYOUT,
	  { { 0x080E0000, 0x20000 } },
	  1,
	  ERR_OK,
	  { { 0x080E0000, 0x20000 } },
	  1 },
	{ "one byte at the end of a sector",
	  F4_LAYOUT,
	  { { 0x08003FFF, 1 } },
	  1,
	  ERR_OK,
	  { { 0x08000000, 0x4000 } },
	  1 },
	{ "zero-length span", F4_LAYOUT, { { 0x08000000, 0 } }, 1, ERR_OK, { { 0, 0 } }, 0 },
	{ "option bytes need no erase",
	  "@Option Bytes  /0x1FFFC000/01*016 e",
	  { { 0x1FFFC000, 16 } },
	  1,
	  ERR_OK,
	  { { 0, 0 } },
	  0 },
	{ "span past the end of the flash",
	  F4_LAYOUT,
	  { { 0x080FFFF0, 0x20 } },
	  1,
	  ERR_DATA,
	  { { 0, 0 } },
	  0 },
	{ "span outside the layout", F4_LAYOUT, { { 0x08100000, 1 } }, 1, ERR_DATA, { { 0, 0 } }, 0 },
	{ "span below the layout",
	  F4_LAYOUT,
	  { { 0x07FFFFF0, 0x20 } },
	  1,
	  ERR_DATA,
	  { { 0, 0 } },
	  0 },
	{ "read-only head, erasable tail (protboot)",
	  "@Internal Flash  /0x08000000/04*016Ka,04*016Kg,03*128Kg",
	  { { 0x0800F000, 0x2000 } },
	  1,
	  ERR_OK,
	  { { 0x08010000, 0x4000 } },
	  1 },
	{ "layout ending at 4 GiB",
	  "@Top/0xFFFF8000/02*016Kg",
	  { { 0xFFFFF000, 0x1000 } },
	  1,
	  ERR_OK,
	  { { 0xFFFFC000, 0x4000 } },
	  1 },
	{ "gap between regions",
	  "@F/0x08000000/1*16Kg/0x08008000/1*16Kg",
	  { { 0x08003000, 0x6000 } },
	  1,
	  ERR_DATA,
	  { { 0, 0 } },
	  0 },
};

static void test_plan_erase(void)
{
	for (size_t i = 0; i < sizeof(plan_rows) / sizeof(plan_rows[0]); i++) {
		const struct plan_row *row = &plan_rows[i];
		struct dfuse_mem_layout l;
		struct plan_sector *out = NULL;
		struct error err = { ERR_OK, "" };
		size_t n = 99;
		bool same;
		int r;

		if (dfuse_mem_parse(row->layout, strlen(row->layout), &l, NULL) != ERR_OK) {
			ok(false, "plan: %s: layout parses", row->what);
			continue;
		}
		r = plan_erase_sectors(&l, row->spans, row->nspans, &out, &n, &err);
		same = r == row->want_r;
		if (r == ERR_OK && same) {
			same = n == row->nwant;
			for (size_t k = 0; same && k < n; k++)
				same = out[k].start == row->want[k].start &&
				       out[k].size == row->want[k].size;
		}
		if (r != ERR_OK && same)
			same = out == NULL && n == 0 && err.msg[0] != '\0';
		ok(same, "plan: %s (r=%d, %zu sectors, first 0x%08x)%s%s", row->what, r,
		   r == ERR_OK ? n : 0, r == ERR_OK && n ? out[0].start : 0, r ? ": " : "",
		   r ? err.msg : "");
		free(out);
	}
}

static void test_budget(void)
{
	cmp_int(dfuse_erase_budget_ms(16 * KiB), >=, 250 * 4,
		"erase budget: several times the F4/F7 datasheet figures, growing with size [dfuse_erase_budget_ms(16 * KiB)]");
	cmp_int(dfuse_erase_budget_ms(128 * KiB), >=, 2000 * 4,
		"erase budget: several times the F4/F7 datasheet figures, growing with size [dfuse_erase_budget_ms(128 * KiB)]");
	cmp_int(dfuse_erase_budget_ms(256 * KiB), >, dfuse_erase_budget_ms(128 * KiB),
		"erase budget: several times the F4/F7 datasheet figures, growing with size [dfuse_erase_budget_ms(256 * KiB)]");
}

int main(void)
{
	/* Where the request log is captured on Windows (see test_leave_at). */
	if (!scratch_init("test-dfuse"))
		diag("no scratch directory: on Windows the captured log skips");
	test_set_address();
	test_erase();
	test_mass_erase();
	test_unprotect();
	test_get_commands();
	test_leave_at();
	test_leave();
	test_write();
	test_write_errors();
	test_block_wrap();
	test_read();
	test_immediate();
	test_plan_erase();
	test_budget();
	remove_tmpdir();
	return done_testing();
}
