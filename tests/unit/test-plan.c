/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the pure download plan: layout checks (outside memory,
 * write-protected, :force), erase plans per alt, :mass-erase and
 * :will-reset ordering, and the --diff classification of sectors.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "tap.h"

#define K 1024u

/* The alts of a simulated F4 with a read-only bootloader sector. */
static const char *const layouts[] = {
	"@Internal Flash  /0x08000000/01*016Ka,03*016Kg,01*064Kg,07*128Kg",
	"@Option Bytes  /0x1FFFC000/01*016 e",
	"@OTP Memory /0x1FFF7800/01*512 e,01*016 e",
};

static unsigned layout_calls;

static int layout_of(void *ctx, int alt_index, uint8_t *alt, struct dfuse_mem_layout *l,
		     struct error *err)
{
	(void)ctx;
	layout_calls++;
	*alt = (uint8_t)alt_index;
	return dfuse_mem_parse(layouts[alt_index], strlen(layouts[alt_index]), l, err);
}

static int failing_layout(void *ctx, int alt_index, uint8_t *alt, struct dfuse_mem_layout *l,
			  struct error *err)
{
	(void)ctx;
	(void)alt_index;
	(void)alt;
	(void)l;
	return error_set(err, ERR_IO, "alt 0: the device disconnected");
}

static uint8_t image[300 * K];

static int build(struct plan *p, bool force, bool mass_erase, bool will_reset, struct error *err)
{
	const struct plan_opts po = { .force = force,
				      .mass_erase = mass_erase,
				      .will_reset = will_reset };

	layout_calls = 0;
	return plan_build(p, &po, layout_of, NULL, err);
}

static void test_erase_plan(void)
{
	struct plan p = { 0 };
	struct error err = { 0 };
	static const uint32_t want[][2] = {
		{ 0x08004000, 16 * K },
		{ 0x0800C000, 16 * K },
		{ 0x08010000, 64 * K },
		{ 0x08020000, 128 * K },
	};

	/* Two pieces in one 16 KiB sector, one spanning 16, 64 and 128 KiB sectors. */
	plan_add_job(&p, 0, 0x08004000, image, 100, &err);
	plan_add_job(&p, 0, 0x08005000, image, 100, &err);
	plan_add_job(&p, 0, 0x0800F000, image, 0x12000, &err);
	is_int(build(&p, false, false, false, &err), ERR_OK, "shared sectors: the plan builds");
	is_int(p.nalts, 1, "shared sectors: one alt");
	is_int(layout_calls, 1, "shared sectors: the layout is asked for once");
	is_int(p.alts[0].nsectors, 4, "shared sectors: each touched sector once");
	for (size_t i = 0; i < 4 && i < p.alts[0].nsectors; i++) {
		is_int(p.alts[0].sectors[i].start, want[i][0],
		       "sector %zu is 0x%08x (%u bytes) [p.alts[0].sectors[i].start]", i,
		       want[i][0], want[i][1]);
		is_int(p.alts[0].sectors[i].size, want[i][1],
		       "sector %zu is 0x%08x (%u bytes) [p.alts[0].sectors[i].size]", i, want[i][0],
		       want[i][1]);
		ok(p.alts[0].action[i] == PLAN_ERASE, "sector %zu starts as PLAN_ERASE", i);
	}
	is_int(plan_alt_bytes(&p, &p.alts[0]), 200 + 0x12000, "plan_alt_bytes sums the pieces");
	is_int(plan_sector_index(&p.alts[0], 0x08004063), 0, "sector_index inside the first");
	is_int(plan_sector_index(&p.alts[0], 0x08008000), -1, "sector_index of an unplanned one");
	is_int(plan_sector_index(&p.alts[0], 0x0803FFFF), 3, "sector_index of a last byte");
	ok(!plan_is_last_write(&p, &p.alts[0], 1), "job 1 is not the last write");
	ok(plan_is_last_write(&p, &p.alts[0], 2), "job 2 is the last write");
	ok(!p.alts[0].mass_erase, "no mass erase unless asked");
	plan_free(&p);
}

static void test_protection(void)
{
	struct plan p = { 0 };
	struct error err = { 0 };

	plan_add_job(&p, 0, 0x08003F00, image, 0x200, &err);
	is_int(build(&p, false, false, false, &err), ERR_USAGE, "read-only sector: refused");
	ok(strstr(err.msg, "0x08003f00-0x08003fff of \"Internal Flash  \" is write-protected") !=
		   NULL,
	   "read-only sector: the message names the range (%s)", err.msg);
	ok(strstr(err.msg, "first writeable address after it is 0x08004000") != NULL,
	   "read-only sector: and the first writeable address");
	plan_free(&p);

	plan_add_job(&p, 0, 0x08003F00, image, 0x200, &err);
	is_int(build(&p, true, false, false, &err), ERR_OK, "read-only sector: :force builds");
	plan_free(&p);

	plan_add_job(&p, 0, 0x080FFF00, image, 0x200, &err);
	is_int(build(&p, true, false, false, &err), ERR_DATA,
	       "past the flash: refused with :force");
	ok(strstr(err.msg, "0x08100000-0x081000ff is outside the memory of alt 0") != NULL,
	   "past the flash: the message names the bytes outside (%s)", err.msg);
	plan_free(&p);

	plan_add_job(&p, 0, 0x08004000, image, 16, &err);
	is_int(plan_build(&p, &(struct plan_opts){ 0 }, failing_layout, NULL, &err), ERR_IO,
	       "a layout that cannot be had stops the plan with its error");
	is_str(err.msg, "alt 0: the device disconnected", "and keeps its message");
	plan_free(&p);
}

static void test_alts(void)
{
	struct plan p = { 0 };
	struct error err = { 0 };

	/* OTP first in the image, flash second: without :will-reset the order stays. */
	plan_add_job(&p, 2, 0x1FFF7800, image, 32, &err);
	plan_add_job(&p, 0, 0x08004000, image, 64, &err);
	is_int(build(&p, false, true, false, &err), ERR_OK, "two alts: the plan builds");
	is_int(p.nalts, 2, "two alts");
	is_int(p.alts[0].alt_index, 2, "without :will-reset OTP keeps its place");
	is_int(p.alts[0].mass_erase, true,
	       ":mass-erase covers only the alt of the first piece [p.alts[0].mass_erase]");
	is_int(p.alts[1].mass_erase, false,
	       ":mass-erase covers only the alt of the first piece [p.alts[1].mass_erase]");
	is_int(p.alts[0].nsectors, 0, "OTP needs no erase");
	is_int(p.alts[0].may_reset, false, "no alt is expected to reset [p.alts[0].may_reset]");
	is_int(p.alts[1].may_reset, false, "no alt is expected to reset [p.alts[1].may_reset]");
	plan_free(&p);

	/* Option bytes always go last: writing them resets the chip. */
	plan_add_job(&p, 1, 0x1FFFC000, image, 16, &err);
	plan_add_job(&p, 0, 0x08004000, image, 64, &err);
	is_int(build(&p, false, false, false, &err), ERR_OK, "option bytes first: the plan builds");
	is_int(p.nalts, 2, "option bytes first in the image are written last [p.nalts]");
	is_int(p.alts[0].alt_index, 0,
	       "option bytes first in the image are written last [p.alts[0].alt_index]");
	is_int(p.alts[1].alt_index, 1,
	       "option bytes first in the image are written last [p.alts[1].alt_index]");
	is_int(p.nalts, 2, "the option bytes alt, last, may reset the device [p.nalts]");
	is_int(p.alts[0].may_reset, false,
	       "the option bytes alt, last, may reset the device [p.alts[0].may_reset]");
	is_int(p.alts[1].may_reset, true,
	       "the option bytes alt, last, may reset the device [p.alts[1].may_reset]");
	plan_free(&p);

	plan_add_job(&p, 1, 0x1FFFC000, image, 16, &err);
	plan_add_job(&p, 0, 0x08004000, image, 64, &err);
	plan_add_job(&p, 2, 0x1FFF7800, image, 32, &err);
	is_int(build(&p, false, false, true, &err), ERR_OK, ":will-reset: the plan builds");
	is_int(p.nalts, 3, ":will-reset: the erasable alt is written first [p.nalts]");
	is_int(p.alts[0].alt_index, 0,
	       ":will-reset: the erasable alt is written first [p.alts[0].alt_index]");
	is_int(p.nalts, 3, ":will-reset: the others keep their order after it [p.nalts]");
	is_int(p.alts[1].alt_index, 1,
	       ":will-reset: the others keep their order after it [p.alts[1].alt_index]");
	is_int(p.alts[2].alt_index, 2,
	       ":will-reset: the others keep their order after it [p.alts[2].alt_index]");
	is_int(p.nalts, 3, ":will-reset: only the last alt may reset [p.nalts]");
	is_int(p.alts[2].may_reset, true,
	       ":will-reset: only the last alt may reset [p.alts[2].may_reset]");
	is_int(p.alts[1].may_reset, false,
	       ":will-reset: only the last alt may reset [p.alts[1].may_reset]");
	ok(plan_is_last_write(&p, &p.alts[2], 2), ":will-reset: the last write is the last alt's");
	ok(!plan_is_last_write(&p, &p.alts[1], 0), ":will-reset: option bytes are not last");
	plan_free(&p);
}

static void test_option_bytes_name(void)
{
	static const struct {
		const char *layout;
		bool want;
	} rows[] = {
		{ "@Option Bytes  /0x1FFFC000/01*016 e", true },
		{ "@option bytes/0x1FF80000/01*032 e", true },
		{ "@Option Bytes  /0x1FFFC000/01*016Kg", false }, /* erasable: not reloaded */
		{ "@OTP Memory /0x1FFF7800/01*512 e,01*016 e", false },
		{ "@Option/0x1FFFC000/01*016 e", false },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dfuse_mem_layout l;

		dfuse_mem_parse(rows[i].layout, strlen(rows[i].layout), &l, NULL);
		ok(plan_is_option_bytes(&l) == rows[i].want, "option bytes? %s: %s", rows[i].layout,
		   rows[i].want ? "yes" : "no");
	}
}

static void test_classify(void)
{
	static uint8_t cur[16 * K], want[16 * K];
	struct plan p = { 0 };
	struct error err = { 0 };

	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 7 + 1);
	plan_add_job(&p, 0, 0x08004100, image, 0x100, &err);
	plan_add_job(&p, 0, 0x08008000, image, 16 * K, &err);
	build(&p, false, false, false, &err);
	is_int(p.alts[0].nsectors, 2, "classify: two sectors planned");

	/* Exactly what a full flash leaves: 0xFF around the piece. */
	memset(cur, 0xFF, sizeof(cur));
	memcpy(cur + 0x100, image, 0x100);
	plan_classify_sector(&p, &p.alts[0], 0, cur, want);
	is_int(p.alts[0].action[0], PLAN_SAME, "classify: equal to the image is PLAN_SAME");

	cur[0] = 0x00; /* a byte outside the piece, in the same sector */
	plan_classify_sector(&p, &p.alts[0], 0, cur, want);
	is_int(p.alts[0].action[0], PLAN_ERASE, "classify: a stray byte elsewhere needs an erase");

	memset(cur, 0xFF, sizeof(cur));
	plan_classify_sector(&p, &p.alts[0], 0, cur, want);
	is_int(p.alts[0].action[0], PLAN_BLANK, "classify: an erased sector is PLAN_BLANK");
	ok(!plan_all_same(&p, &p.alts[0]), "all_same: not while a sector differs");

	memset(cur, 0xFF, sizeof(cur));
	memcpy(cur + 0x100, image, 0x100);
	plan_classify_sector(&p, &p.alts[0], 0, cur, want);
	memcpy(cur, image, 16 * K);
	plan_classify_sector(&p, &p.alts[0], 1, cur, want);
	ok(plan_all_same(&p, &p.alts[0]), "all_same: every sector equal");
	plan_free(&p);

	/* A byte in non-erasable memory can never be known "the same". */
	plan_add_job(&p, 1, 0x1FFFC000, image, 16, &err);
	build(&p, false, false, false, &err);
	ok(!plan_all_same(&p, &p.alts[0]), "all_same: never for memory that cannot be erased");
	plan_free(&p);
}

static void test_caps(void)
{
	struct plan p = { 0 };
	struct error err = { 0 };
	int r = ERR_OK;
	size_t n = 0;

	while (r == ERR_OK && n <= PLAN_MAX_JOBS) {
		r = plan_add_job(&p, 0, 0x08004000 + (uint32_t)n, image, 1, &err);
		n++;
	}
	is_int(r, ERR_DATA, "more than PLAN_MAX_JOBS pieces are refused");
	is_int(p.njobs, PLAN_MAX_JOBS, "exactly PLAN_MAX_JOBS are kept");
	plan_free(&p);
	is_ptr(p.jobs, NULL, "plan_free leaves an empty plan [p.jobs]");
	is_int(p.njobs, 0, "plan_free leaves an empty plan [p.njobs]");
}

int main(void)
{
	test_erase_plan();
	test_protection();
	test_alts();
	test_option_bytes_name();
	test_classify();
	test_caps();
	return done_testing();
}
