/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of src/dfu_plain.c against the simulated plain DFU devices
 * (Maple / STM32duino, TinyUSB-style, a wait-reset bootloader) on a virtual
 * clock: memory equals the image, the request counts, every manifestation
 * ending, disconnects at each request of a download, stalls and device
 * errors, uploads with and without a length limit, and the poll quirk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu_plain.h"
#include "fixture.h"
#include "tap.h"

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1u;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

static bool open_alt(struct fix *f, const char *chip, uint8_t alt, const struct sim_faults *fl)
{
	if (!fix_open(f, chip, fl))
		return false;
	return sim_device_set_alt(f->dev, 0, alt) == SIM_OK;
}

static bool mem_is(const struct fix *f, uint32_t addr, const uint8_t *want, size_t n)
{
	uint8_t *got = malloc(n);
	bool same = got != NULL && sim_device_read(f->dev, addr, got, n) == 0 &&
		    memcmp(got, want, n) == 0;

	free(got);
	return same;
}

/* ---- downloads ---------------------------------------------------------- */

static void test_tinyusb_download(void)
{
	static uint8_t img[5000];
	struct dfu_plain_result res;
	struct sim_stats s;
	struct fix f;
	int r;

	fill(img, sizeof(img), 1);
	if (!open_alt(&f, "tinyusb", 0, NULL)) {
		skip(8, "cannot create the tinyusb model");
		return;
	}
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "tinyusb download succeeds (%s)", f.err.msg);
	is_int(res.end, DFU_PLAIN_END_IDLE, "manifestation tolerant: ends back in dfuIDLE");
	is_int(res.blocks, 79, "5000 bytes in 64-byte blocks: 79 blocks");
	ok(mem_is(&f, 0, img, sizeof(img)), "memory at the alt's base equals the image");
	is_int(s.dnload, 80, "79 data blocks and one zero-length DNLOAD");
	is_int(s.early_polls, 0, "never polled before bwPollTimeout");
	is_int(s.forbidden, 0, "no request the state forbids (block numbers in sequence)");
	is_int(sim_device_state(f.dev), DFU_STATE_IDLE, "the device is in dfuIDLE, still there");
	fix_close(&f);
}

static void test_reset_after(void)
{
	static uint8_t img[300];
	struct dfu_plain_opts o = { .reset_after = true };
	struct dfu_plain_result res;
	struct fix f;
	int r;

	fill(img, sizeof(img), 2);
	if (!open_alt(&f, "tinyusb", 0, NULL)) {
		skip(3, "cannot create the tinyusb model");
		return;
	}
	r = dfu_plain_download(&f.d, img, sizeof(img), &o, NULL, &res, &f.err);
	is_int(r, ERR_OK, "tinyusb download with a reset afterwards succeeds (%s)", f.err.msg);
	is_int(res.end, DFU_PLAIN_END_GONE, "the reset runs the firmware: the device left the bus");
	ok(sim_device_gone(f.dev), "the model agrees it is gone");
	fix_close(&f);
}

static void test_maple_download(void)
{
	static uint8_t img[30000];
	struct dfu_plain_result res;
	struct sim_stats s;
	struct fix f;
	int r;

	fill(img, sizeof(img), 3);
	if (!open_alt(&f, "maple", 2, NULL)) {
		skip(7, "cannot create the maple model");
		return;
	}
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "maple download to alt 2 succeeds (%s)", f.err.msg);
	is_int(res.end, DFU_PLAIN_END_GONE,
	       "dfuMANIFEST-WAIT-RESET, reset, re-enumerated: success, confirmed gone");
	is_int(res.final_state, DFU_STATE_MANIFEST_WAIT_RESET, "the last state was wait-reset");
	ok(mem_is(&f, 0x08002000, img, sizeof(img)), "flash at 0x08002000 equals the image");
	is_int(res.blocks, 30, "30 blocks of 1 KiB (the last one short)");
	is_int(s.getstatus, 31,
	       "one GETSTATUS per block and one for manifestation: none in dfuDNLOAD-IDLE, "
	       "where the Maple falls back to dfuIDLE");
	ok(sim_device_gone(f.dev), "the model left the bus at the reset");
	fix_close(&f);
}

static void test_maple_alt0(void)
{
	static uint8_t img[100];
	struct dfu_plain_result res;
	struct fix f;
	int r;

	if (!open_alt(&f, "maple", 0, NULL)) {
		skip(4, "cannot create the maple model");
		return;
	}
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	is_int(r, ERR_PROTOCOL, "maple alt 0 (RAM) refuses the download");
	is_substr(f.err.msg, "block 0 (offset 0)", "the error names block 0 and the stall: %s",
		  f.err.msg);
	is_substr(f.err.msg, "stalled", "the error names block 0 and the stall: %s", f.err.msg);
	is_int(res.blocks, 0, "no block counted as sent");
	fix_close(&f);
}

static void test_wait_reset_boot(void)
{
	static uint8_t img[3000];
	struct dfu_plain_result res;
	struct sim_stats s;
	struct fix f;
	uint64_t t0;
	int r;

	fill(img, sizeof(img), 4);
	if (!open_alt(&f, "plain-boot", 0, NULL)) {
		skip(5, "cannot create the plain-boot model");
		return;
	}
	t0 = memtransport_now(f.mt);
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "plain-boot download succeeds (%s)", f.err.msg);
	is_int(res.end, DFU_PLAIN_END_GONE, "manifest, wait-reset, reset: gone");
	ok(mem_is(&f, 0x08004000, img, sizeof(img)), "flash at 0x08004000 equals the image");
	is_int(s.early_polls, 0, "waited the 20 ms of dfuMANIFEST and 4 ms per block");
	ok(memtransport_now(f.mt) - t0 >= (12u * 4u + 20u) * 1000u,
	   "the download took at least the device's announced time");
	fix_close(&f);
}

static void test_block_wrap(void)
{
	size_t n = 65540;
	uint8_t *img = malloc(n);
	struct dfu_plain_result res;
	struct sim_stats s;
	struct fix f;
	int r;

	if (img == NULL || !open_alt(&f, "plain-boot", 0, NULL)) {
		free(img);
		skip(4, "cannot create the plain-boot model");
		return;
	}
	fill(img, n, 5);
	f.d.transfer_size = 1; /* 65540 blocks: wBlockNum wraps from 0xFFFF to 0 */
	r = dfu_plain_download(&f.d, img, n, NULL, NULL, &res, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "65540 one-byte blocks succeed (%s)", f.err.msg);
	is_int(res.blocks, 65540, "every block acknowledged");
	is_int(s.forbidden, 0, "the model saw wBlockNum wrap at 0xFFFF in sequence");
	ok(mem_is(&f, 0x08004000, img, n), "memory equals the image across the wrap");
	fix_close(&f);
	free(img);
}

/*
 * 200 bytes on the TinyUSB device: 4 blocks of DNLOAD + 2 GETSTATUS (12
 * requests), the zero-length DNLOAD (13), then GETSTATUS into dfuMANIFEST
 * (14) and GETSTATUS back to dfuIDLE (15). A disconnect before the last
 * block's status succeeded is a failure; after it, success once confirmed.
 */
static void test_disconnect_each_step(void)
{
	static uint8_t img[200];

	fill(img, sizeof(img), 6);
	for (unsigned k = 1; k <= 16; k++) {
		struct sim_faults fl = { .disconnect_after = k };
		struct dfu_plain_result res;
		struct fix f;
		int r;

		if (!fix_open(&f, "tinyusb", &fl)) {
			skip(1, "cannot create the tinyusb model");
			continue;
		}
		r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
		if (k <= 12) {
			is_int(r, ERR_IO,
			       "disconnect at request %u (data phase): fails naming the block: %s [r]",
			       k, f.err.msg);
			is_substr(f.err.msg, "disconnected",
				  "disconnect at request %u (data phase): fails naming the block: %s",
				  k, f.err.msg);
			is_substr(f.err.msg, "block",
				  "disconnect at request %u (data phase): fails naming the block: %s",
				  k, f.err.msg);
		} else if (k <= 15) {
			is_int(r, ERR_OK,
			       "disconnect at request %u (end/manifestation): success, confirmed gone [r]",
			       k);
			is_int(res.end, DFU_PLAIN_END_GONE,
			       "disconnect at request %u (end/manifestation): success, confirmed gone [res.end]",
			       k);
		} else {
			is_int(r, ERR_OK,
			       "disconnect at request %u (after the download): not reached, dfuIDLE [r]",
			       k);
			is_int(res.end, DFU_PLAIN_END_IDLE,
			       "disconnect at request %u (after the download): not reached, dfuIDLE [res.end]",
			       k);
		}
		fix_close(&f);
	}
}

static void test_vanish_on_manifest(void)
{
	static uint8_t img[500];
	struct sim_faults fl = { .vanish_on_leave_getstatus = true };
	struct dfu_plain_result res;
	struct fix f;
	int r;

	fill(img, sizeof(img), 7);
	if (!open_alt(&f, "maple", 1, &fl)) {
		skip(3, "cannot create the maple model");
		return;
	}
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	is_int(r, ERR_OK, "reboot at the manifestation GETSTATUS: success (%s)", f.err.msg);
	is_int(res.end, DFU_PLAIN_END_GONE, "counted as gone after the GETSTATE said NODEV");
	ok(mem_is(&f, 0x08005000, img, sizeof(img)), "alt 1 flash at 0x08005000 holds the image");
	fix_close(&f);
}

static void test_device_errors(void)
{
	static uint8_t img[1100];
	struct dfu_plain_result res;
	struct fix f;
	uint8_t b = 0;
	int r;

	fill(img, sizeof(img), 8);
	if (!open_alt(&f, "tinyusb", 1, NULL)) {
		skip(6, "cannot create the tinyusb model");
		return;
	}
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	is_int(r, ERR_PROTOCOL, "1100 bytes into the 1000-byte EEPROM alt fail");
	is_substr(f.err.msg, "block 15 (offset 960)",
		  "the error names the block past the end and errADDRESS: %s", f.err.msg);
	is_substr(f.err.msg, "errADDRESS",
		  "the error names the block past the end and errADDRESS: %s", f.err.msg);
	is_int(res.blocks, 15, "the 15 blocks before it were acknowledged");
	is_int(dfu_make_idle(&f.d, &f.err), ERR_OK, "dfu_make_idle clears the error");
	fix_close(&f);

	if (!open_alt(&f, "tinyusb", 0, NULL)) {
		skip(4, "cannot create the tinyusb model");
		return;
	}
	f.d.transfer_size = 128; /* larger than wTransferSize 64: the device stalls */
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	is_int(r, ERR_PROTOCOL, "a block larger than wTransferSize is stalled: %s [r]", f.err.msg);
	is_substr(f.err.msg, "block 0", "a block larger than wTransferSize is stalled: %s",
		  f.err.msg);
	is_substr(f.err.msg, "stalled", "a block larger than wTransferSize is stalled: %s",
		  f.err.msg);
	f.d.transfer_size = 64;
	is_int(dfu_plain_download(&f.d, &b, 0, NULL, NULL, &res, &f.err), ERR_DATA,
	       "an empty image is refused before any request");
	fix_close(&f);
}

static void test_model_rules(void)
{
	struct fix f;
	uint8_t blk[64] = { 0 };
	uint8_t state = 0;

	if (!open_alt(&f, "maple", 2, NULL)) {
		skip(5, "cannot create the maple model");
		return;
	}
	is_int(dfu_detach(&f.d, 1000, &f.err), ERR_PROTOCOL, "maple: DETACH in DFU mode stalls");
	is_int(dfu_get_state(&f.d, &state, &f.err), ERR_OK,
	       "maple: and leaves dfuERROR behind [dfu_get_state(&f.d, &state, &f.err)]");
	is_int(state, DFU_STATE_ERROR, "maple: and leaves dfuERROR behind [state]");
	is_int(dfu_make_idle(&f.d, &f.err), ERR_OK, "dfu_make_idle recovers");
	is_int(dfu_dnload(&f.d, 5, blk, sizeof(blk), &f.err), ERR_PROTOCOL,
	       "model: a first block numbered 5 is out of sequence and stalled");
	fix_close(&f);
}

/* As for a device whose bwPollTimeout is bogus: a fixed 5 ms. */
static const struct dfu_quirks poll_quirk = { .flags = QUIRK_POLL_TIMEOUT, .poll_timeout_ms = 5 };

static void test_poll_quirk(void)
{
	static uint8_t img[256];
	struct dfu_plain_result res;
	struct sim_stats s;
	struct fix f;
	int r;

	fill(img, sizeof(img), 9);
	if (!open_alt(&f, "plain-boot", 0, NULL)) {
		skip(3, "cannot create the plain-boot model");
		return;
	}
	/* as for a device whose bwPollTimeout is bogus: a fixed 5 ms instead of 20 */
	f.d.quirks = &poll_quirk;
	r = dfu_plain_download(&f.d, img, sizeof(img), NULL, NULL, &res, &f.err);
	s = stats_of(&f);
	is_int(r, ERR_OK, "download with the poll quirk succeeds (%s)", f.err.msg);
	ok(s.early_polls >= 3,
	   "the host polled every 5 ms, not after the announced 20 ms (%lu early polls)",
	   s.early_polls);
	is_int(res.end, DFU_PLAIN_END_GONE, "and still saw manifestation through");
	fix_close(&f);
}

/* ---- uploads ------------------------------------------------------------ */

struct sink {
	uint8_t buf[131072];
	size_t n;
	size_t fail_at; /* return an error when this many bytes were taken (0 = never) */
};

static int to_buf(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	struct sink *k = ctx;

	if (k->fail_at != 0 && k->n >= k->fail_at)
		return error_set(err, ERR_CANTCREAT, "sink full");
	if (n > sizeof(k->buf) - k->n)
		return error_set(err, ERR_NOMEM, "test sink too small");
	memcpy(k->buf + k->n, data, n);
	k->n += n;
	return ERR_OK;
}

static void test_uploads(void)
{
	static struct sink k;
	static uint8_t pat[65536];
	static const struct {
		const char *chip;
		uint8_t alt;
		uint32_t base;
		size_t size, limit, want;
		unsigned long uploads, aborts;
		const char *what;
	} rows[] = {
		{ "tinyusb", 1, 0x00100000, 1000, 0, 1000, 16, 0, "EEPROM: 15 blocks + short" },
		{ "tinyusb", 0, 0x00000000, 65536, 0, 65536, 1025, 0, "FLASH: 1024 + empty" },
		{ "tinyusb", 1, 0x00100000, 1000, 100, 100, 2, 1, "-Z 100: 64 + 36, ABORT" },
		{ "tinyusb", 1, 0x00100000, 1000, 1000, 1000, 16, 1, "-Z 1000 = size: ABORT" },
		{ "tinyusb", 1, 0x00100000, 1000, 5000, 1000, 16, 0, "-Z 5000 > size: short" },
		{ "maple", 2, 0x08002000, 65536, 0, 122880, 121, 0, "maple alt 2: 120 KiB" },
	};

	fill(pat, sizeof(pat), 10);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sim_stats s;
		struct fix f;
		size_t got = 0;
		int r;

		if (!open_alt(&f, rows[i].chip, rows[i].alt, NULL)) {
			skip(7, "cannot create the %s model", rows[i].chip);
			continue;
		}
		sim_device_load(f.dev, rows[i].base, pat, rows[i].size);
		memset(&k, 0, sizeof(k));
		r = dfu_plain_upload(&f.d, rows[i].limit, to_buf, &k, &got, NULL, &f.err);
		s = stats_of(&f);
		is_int(r, ERR_OK, "%s: %zu bytes (%s) [r]", rows[i].what, got,
		       r == ERR_OK ? "ok" : f.err.msg);
		is_int(got, rows[i].want, "%s: %zu bytes (%s) [got]", rows[i].what, got,
		       r == ERR_OK ? "ok" : f.err.msg);
		is_int(k.n, got, "%s: %zu bytes (%s) [k.n]", rows[i].what, got,
		       r == ERR_OK ? "ok" : f.err.msg);
		ok(memcmp(k.buf, pat, got < rows[i].size ? got : rows[i].size) == 0,
		   "%s: the bytes equal the memory", rows[i].what);
		is_int(s.upload, rows[i].uploads,
		       "%s: %lu UPLOAD and %lu ABORT requests [s.upload]", rows[i].what, s.upload,
		       s.abort);
		is_int(s.abort, rows[i].aborts, "%s: %lu UPLOAD and %lu ABORT requests [s.abort]",
		       rows[i].what, s.upload, s.abort);
		is_int(sim_device_state(f.dev), DFU_STATE_IDLE, "%s: device left in dfuIDLE",
		       rows[i].what);
		fix_close(&f);
	}
}

static void test_upload_failures(void)
{
	static struct sink k;
	struct sim_faults fl = { .disconnect_after = 5 };
	struct fix f;
	size_t got = 0;
	int r;

	if (open_alt(&f, "maple", 0, NULL)) {
		memset(&k, 0, sizeof(k));
		r = dfu_plain_upload(&f.d, 0, to_buf, &k, &got, NULL, &f.err);
		is_int(r, ERR_PROTOCOL, "maple alt 0 upload: stalled at block 0: %s [r]",
		       f.err.msg);
		is_substr(f.err.msg, "block 0", "maple alt 0 upload: stalled at block 0: %s",
			  f.err.msg);
		fix_close(&f);
	} else {
		skip(1, "cannot create the maple model");
	}
	if (open_alt(&f, "tinyusb", 0, &fl)) {
		memset(&k, 0, sizeof(k));
		r = dfu_plain_upload(&f.d, 0, to_buf, &k, &got, NULL, &f.err);
		is_int(r, ERR_IO, "disconnect during the upload: I/O error after 3 blocks: %s [r]",
		       f.err.msg);
		is_substr(f.err.msg, "disconnected",
			  "disconnect during the upload: I/O error after 3 blocks: %s", f.err.msg);
		is_int(got, 3 * 64,
		       "disconnect during the upload: I/O error after 3 blocks: %s [got]",
		       f.err.msg);
		fix_close(&f);
	} else {
		skip(1, "cannot create the tinyusb model");
	}
	if (open_alt(&f, "tinyusb", 0, NULL)) {
		memset(&k, 0, sizeof(k));
		k.fail_at = 128;
		r = dfu_plain_upload(&f.d, 0, to_buf, &k, &got, NULL, &f.err);
		is_int(r, ERR_CANTCREAT, "a sink error stops the upload: %s [r]", f.err.msg);
		is_int(got, 128, "a sink error stops the upload: %s [got]", f.err.msg);
		fix_close(&f);
	} else {
		skip(1, "cannot create the tinyusb model");
	}
}

int main(void)
{
	test_tinyusb_download();
	test_reset_after();
	test_maple_download();
	test_maple_alt0();
	test_wait_reset_boot();
	test_block_wrap();
	test_disconnect_each_step();
	test_vanish_on_manifest();
	test_device_errors();
	test_model_rules();
	test_poll_quirk();
	test_uploads();
	test_upload_failures();
	is_str(dfu_plain_end_str(DFU_PLAIN_END_IDLE), "back in dfuIDLE", "end name: idle");
	is_str(dfu_plain_end_str(DFU_PLAIN_END_RESET), "reset", "end name: reset");
	is_str(dfu_plain_end_str(DFU_PLAIN_END_GONE), "left the bus", "end name: gone");
	return done_testing();
}
