/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the option-byte check, one row per family: 0xCC in the RDP
 * byte of an option-byte alt is refused without :force, in no other byte,
 * in no alt of another name; the description names the RDP value and level.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "optbytes.h"
#include "tap.h"

/* One family: its option-byte alt as the ROM names it, and where RDP sits. */
static const struct {
	const char *family;
	const char *layout;
	uint32_t rdp_offset;
} families[] = {
	{ "F0/F1/F3, GD32, AT32", "@Option Bytes  /0x1FFFF800/01*016Be", 0 },
	{ "F2/F4, GD32F4", "@Option Bytes  /0x1FFFC000/01*016 e", 1 },
	{ "F7", "@Option Bytes  /0x1FFF0000/01*032 e", 1 },
	{ "L0/L1", "@Option Bytes  /0x1FF80000/01*032 e", 0 },
	{ "L4/G0/G4/WL", "@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e", 0 },
	{ "WB", "@Option Bytes   /0x1FFF8000/01*128 e", 0 },
	{ "L4 registers", "@Option Bytes   /0x40022020/01*088 e", 0 },
	{ "U5 registers", "@Option Bytes   /0x40022040/01*128 e", 0 },
	{ "H7 OPTSR_CUR", "@Option Bytes   /0x5200201C/01*128 e", 1 },
	{ "H7 OPTSR_PRG", "@Option Bytes   /0x5200201C/01*128 e", 5 },
};

static const char *layout_now;

static int layout_of(void *ctx, int alt_index, uint8_t *alt, struct dfuse_mem_layout *l,
		     struct error *err)
{
	(void)ctx;
	*alt = (uint8_t)alt_index;
	return dfuse_mem_parse(layout_now, strlen(layout_now), l, err);
}

/* optbytes_check() on 16 bytes at the start of @layout with @v at @at. */
static int check(const char *layout, uint32_t at, uint8_t v, bool force, struct error *err)
{
	static uint8_t data[16];
	const struct plan_opts po = { 0 };
	struct dfuse_mem_layout l;
	struct plan p = { 0 };
	int r;

	memset(data, 0xFF, sizeof(data));
	data[at] = v;
	layout_now = layout;
	if (dfuse_mem_parse(layout, strlen(layout), &l, err) != ERR_OK)
		return -1;
	r = plan_add_job(&p, 1, l.segments[0].start, data, sizeof(data), err);
	if (r == ERR_OK)
		r = plan_build(&p, &po, layout_of, NULL, err);
	if (r == ERR_OK)
		r = optbytes_check(&p, force, err);
	plan_free(&p);
	return r;
}

static void test_families(void)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const char *f = families[i].family, *lay = families[i].layout;
		uint32_t at = families[i].rdp_offset;
		struct error err = { 0 };

		is_int(check(lay, at, 0xCC, false, &err), ERR_USAGE, "%s: RDP 0xCC refused", f);
		is_substr(err.msg, "irreversible",
			  "%s: the message says irreversible and :force (%s)", f, err.msg);
		is_substr(err.msg, ":force", "%s: the message says irreversible and :force (%s)", f,
			  err.msg);
		is_substr(err.msg, "0xcc", "%s: the message says irreversible and :force (%s)", f,
			  err.msg);
		is_int(check(lay, at, 0xCC, true, &err), ERR_OK, "%s: with :force it passes", f);
		is_int(check(lay, at, 0xAA, false, &err), ERR_OK, "%s: RDP 0xAA passes", f);
		is_int(check(lay, at == 0 ? 2 : 0, 0xCC, false, &err), ERR_OK,
		       "%s: 0xCC in another byte passes", f);
	}
}

static void test_not_option_bytes(void)
{
	struct error err = { 0 };

	/* F4's OTP starts where L4 option bytes do: not an option-byte alt, not checked. */
	is_int(check("@OTP Memory /0x1FFF7800/01*512 e,01*016 e", 0, 0xCC, false, &err), ERR_OK,
	       "an OTP alt at an option-byte address is not checked");
	is_int(check("@Option Bytes  /0x1FFF1234/01*016 e", 0, 0xCC, false, &err), ERR_OK,
	       "an option-byte alt of no known family is not guessed at");
}

static void test_describe(void)
{
	static uint8_t data[16];
	const struct plan_opts po = { 0 };
	struct optbytes_write w;
	struct error err = { 0 };
	struct plan p = { 0 };
	char buf[200];
	uint32_t off[2];
	size_t n;

	memset(data, 0xFF, sizeof(data));
	data[1] = 0xAA;
	layout_now = families[1].layout;
	is_int(plan_add_job(&p, 1, 0x1FFFC000, data, sizeof(data), &err), ERR_OK, "one piece");
	is_int(plan_build(&p, &po, layout_of, NULL, &err), ERR_OK, "plan built");
	optbytes_inspect(&p, &p.alts[0], &w);
	is_str(optbytes_describe(&w, buf, sizeof(buf)),
	       "alt 1 \"Option Bytes  \", 16 bytes from 0x1fffc000: RDP 0xaa at 0x1fffc001, "
	       "read protection level 0",
	       "the line names the alt, the bytes, RDP and its level");
	plan_free(&p);
	is_str(optbytes_family(0x5200201C, off, &n), "STM32H7", "H7 row by its start");
	is_int(n, 2, "H7: two RDP bytes");
	is_int(off[0], 1, "H7: RDP of OPTSR_CUR");
	is_int(off[1], 5, "H7: RDP of OPTSR_PRG");
	is_ptr(optbytes_family(0x08000000, off, &n), NULL,
	       "flash is no option-byte row [optbytes_family(0x08000000, off, &n)]");
	is_int(n, 0, "flash is no option-byte row [n]");
}

int main(void)
{
	plan(10 * 7 + 2 + 9);
	test_families();
	test_not_option_bytes();
	test_describe();
	return done_testing();
}
