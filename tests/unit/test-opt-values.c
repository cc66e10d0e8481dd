/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of src/opt_values.c: the checked number helper, -s and -d on
 * their own, -d matching, and every numeric option at its range edges and on
 * the usual malformed numbers, through the whole command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "describe-opts.h"
#include "options.h"
#include "tap.h"

/* opt_strtonum alone. */
struct num_row {
	const char *s;
	uint64_t min, max;
	uint64_t value; /* when err is NULL */
	const char *err;
};

static const struct num_row num_rows[] = {
	{ "0", 0, 10, 0, NULL },
	{ "10", 0, 10, 10, NULL },
	{ "0x0", 0, 10, 0, NULL },
	{ "0XfF", 0, 255, 255, NULL },
	{ "0x0000000000000000000001", 0, 10, 1, NULL },
	{ "18446744073709551615", 0, UINT64_MAX, UINT64_MAX, NULL },
	{ "0xFFFFFFFFFFFFFFFF", 0, UINT64_MAX, UINT64_MAX, NULL },
	{ "18446744073709551616", 0, UINT64_MAX, 0, "out of range" },
	{ "0x10000000000000000", 0, UINT64_MAX, 0, "out of range" },
	{ "99999999999999999999999999", 0, UINT64_MAX, 0, "out of range" },
	{ "11", 0, 10, 0, "n 11 out of range (0..10)" },
	{ "5", 6, 10, 0, "n 5 out of range (6..10)" },
	{ "4294967296", 0, UINT32_MAX, 0, "n 4294967296 out of range (0..0xFFFFFFFF)" },
	{ "", 0, 10, 0, "n is empty" },
	{ "0x", 0, 10, 0, "n '0x' has no digits after 0x" },
	{ "0X", 0, 10, 0, "n '0X' has no digits after 0x" },
	{ "0x1g", 0, 10, 0, "n '0x1g' is not a number" },
	{ "-1", 0, 10, 0, "n '-1' is not a number" },
	{ "+1", 0, 10, 0, "n '+1' is not a number" },
	/* Leading white space, as strtoul() skips it (dfu-util's parsing). */
	{ " 1", 0, 10, 1, NULL },
	{ "\t\n\v\f\r 0x10", 0, 100, 16, NULL },
	{ "  9", 0, 10, 9, NULL },
	{ " ", 0, 10, 0, "n ' ' has no digits" },
	{ " 1 ", 0, 10, 0, "n ' 1 ' is not a number" },
	{ " -1", 0, 10, 0, "n ' -1' is not a number" },
	{ " +1", 0, 10, 0, "n ' +1' is not a number" },
	{ " 0x", 0, 10, 0, "n ' 0x' has no digits after 0x" },
	{ " 11", 0, 10, 0, "n  11 out of range (0..10)" },
	{ " 010", 0, 100, 0,
	  "n ' 010' has a leading zero (octal is not accepted): "
	  "write 0x010 for hex or 10 for decimal" },
	{ "\xa0\x31", 0, 10, 0, "is not a number" },
	{ "1 ", 0, 10, 0, "n '1 ' is not a number" },
	{ "1.5", 0, 10, 0, "not a number" },
	{ "1e3", 0, 10000, 0, "not a number" },
	{ "0b1", 0, 10, 0, "not a number" },
	{ "x10", 0, 100, 0, "not a number" },
	{ "010", 0, 100, 0,
	  "n '010' has a leading zero (octal is not accepted): "
	  "write 0x010 for hex or 10 for decimal" },
	{ "00", 0, 100, 0, "write 0x00 for hex or 0 for decimal" },
	{ "08000000", 0, UINT32_MAX, 0, "write 0x08000000 for hex or 8000000 for decimal" },
	{ "09", 0, 100, 0, "leading zero" },
};

static void check_num_rows(void)
{
	for (size_t r = 0; r < sizeof(num_rows) / sizeof(num_rows[0]); r++) {
		const struct num_row *row = &num_rows[r];
		struct error err = { 0 };
		uint64_t v = 12345;
		int rc = opt_strtonum(row->s, row->min, row->max, "n", &v, &err);

		if (row->err == NULL) {
			if (is_int(rc, ERR_OK, "strtonum '%s'", row->s))
				is_int(v, row->value, "strtonum '%s' value", row->s);
			else
				diag("error: %s", err.msg);
		} else {
			is_int(rc, ERR_USAGE, "strtonum '%s' fails", row->s);
			is_int(v, 12345, "strtonum '%s' leaves the output alone", row->s);
			if (!ok(strstr(err.msg, row->err) != NULL, "strtonum '%s' -> \"%s\"",
				row->s, row->err))
				diag("got \"%s\"", err.msg);
		}
	}
	ok(opt_strtonum(NULL, 0, 1, "n", &(uint64_t){ 0 }, NULL) == ERR_USAGE,
	   "strtonum NULL, no error struct");
}

/* opt_parse_dfuse alone. */
struct dfuse_row {
	const char *s;
	const char *want; /* tokens of describe_dfuse(), or NULL */
	const char *err;
};

static const struct dfuse_row dfuse_rows[] = {
	{ "0x08000000", "s.given s.addr=0x08000000 !s.len !s.leave", NULL },
	{ "134217728", "s.addr=0x08000000", NULL },
	{ "0", "s.addr=0x00000000", NULL },
	{ ":leave", "s.given s.leave !s.addr", NULL },
	{ "0x08000000:1024", "s.addr=0x08000000 s.len=1024", NULL },
	{ "0x08000000:0x400:leave", "s.len=1024 s.leave", NULL },
	{ "0x08000000:leave:1024", "s.len=1024 s.leave", NULL },
	{ ":1024", "s.len=1024 !s.addr", NULL },
	{ "0x08000000:leave:leave", "s.leave", NULL },
	{ "0x08000000:will-reset:force", "s.will-reset s.force !s.leave !s.mass-erase !s.unprotect",
	  NULL },
	{ ":mass-erase:force", "s.mass-erase s.force", NULL },
	{ ":force:mass-erase", "s.mass-erase s.force", NULL },
	{ ":unprotect:force", "s.unprotect s.force", NULL },
	{ "0x08000000:leave:unprotect:force:will-reset:1",
	  "s.leave s.unprotect s.force s.will-reset s.len=1", NULL },
	{ "0xFFFFFFFF:1", "s.addr=0xFFFFFFFF s.len=1", NULL },
	{ "0xFFFFFF00:0x100", "s.len=256", NULL },
	{ "0:0xFFFFFFFF", "s.addr=0x00000000 s.len=4294967295", NULL },
	{ ":0xFFFFFFFF", "s.len=4294967295", NULL },
	{ "0xFFFFFFFF:2", NULL, "runs past the 4 GiB address space" },
	{ "0xFFFFFF00:0x101", NULL, "address 0xFFFFFF00 + length 0x101 runs past" },
	{ "1:0xFFFFFFFF", "s.addr=0x00000001 s.len=4294967295", NULL },
	{ "2:0xFFFFFFFF", NULL, "runs past the 4 GiB" },
	{ "0x100000000", NULL, "address 0x100000000 out of range (0..0xFFFFFFFF)" },
	{ ":0", NULL, "length 0 out of range (1..0xFFFFFFFF)" },
	{ ":0x100000000", NULL, "length 0x100000000 out of range" },
	{ "", NULL, "empty argument" },
	{ "0x08000000:f", NULL,
	  "unknown modifier 'f' (expected leave, unprotect, mass-erase, will-reset, force or a "
	  "length)" },
	{ "0x08000000:lea", NULL, "unknown modifier 'lea'" },
	{ "0x08000000:leavex", NULL, "unknown modifier 'leavex'" },
	{ "0x08000000:LEAVE", NULL, "unknown modifier 'LEAVE'" },
	{ "0x08000000:mass", NULL, "unknown modifier 'mass'" },
	{ "0x08000000:-1", NULL, "unknown modifier '-1'" },
	{ "0x08000000:leave ", NULL, "unknown modifier 'leave '" },
	{ "0x08000000:1024:f", NULL, "unknown modifier 'f'" },
	{ "0x08000000:1024:2048", NULL, "a second length '2048'" },
	{ "0x08000000:1024:leave:1", NULL, "a second length '1'" },
	{ "0x08000000:1k", NULL, "length '1k' is not a number" },
	{ "0x08000000:01024", NULL, "length '01024' has a leading zero" },
	{ "0x8000000::leave", NULL, "empty field" },
	{ "0x08000000:", NULL, "empty field" },
	{ "0x8000000:leave:", NULL, "empty field" },
	{ ":", NULL, "empty field" },
	{ "::", NULL, "empty field" },
	{ "08000000", NULL, "write 0x08000000 for hex" },
	{ "08000000:leave", NULL, "write 0x08000000 for hex" },
	{ " 0x08000000", "s.addr=0x08000000", NULL },
	{ " 0x08000000: 1024:leave", "s.addr=0x08000000 s.len=1024 s.leave", NULL },
	{ "\t134217728:\t0x400", "s.addr=0x08000000 s.len=1024", NULL },
	{ "0x08000000: leave", NULL, "unknown modifier ' leave'" },
	{ "0x08000000: ", NULL, "unknown modifier ' '" },
	{ "0x08000000:1024 ", NULL, "length '1024 ' is not a number" },
	{ " 08000000", NULL, "write 0x08000000 for hex" },
	{ "0x08000000 ", NULL, "is not a number" },
	{ "0x", NULL, "address '0x' has no digits" },
	{ "leave", NULL, "address missing before 'leave' (write ':leave' to give no address)" },
	{ "force:leave", NULL, "address missing before 'force'" },
	{ ":mass-erase", NULL, "mass-erase requires force" },
	{ ":unprotect", NULL, "unprotect requires force" },
	{ "0x08000000:mass-erase:leave", NULL, "bootloader" },
	{ ":unprotect:mass-erase:force", NULL, "unprotect and mass-erase together: pick one" },
	{ "0x00000000000000000000000000000000000008", NULL, "address '0x0000" },
	{ ":0x00000000000000000000000000000000000008", NULL, "length '0x0000" },
};

static void check_dfuse_rows(void)
{
	for (size_t r = 0; r < sizeof(dfuse_rows) / sizeof(dfuse_rows[0]); r++) {
		const struct dfuse_row *row = &dfuse_rows[r];
		struct error err = { 0 };
		struct opt_dfuse d;
		char desc[512], bad[128];
		int rc = opt_parse_dfuse(row->s, &d, &err);

		if (row->want != NULL) {
			if (!is_int(rc, ERR_OK, "-s '%s'", row->s)) {
				diag("error: %s", err.msg);
				continue;
			}
			describe_dfuse(desc, sizeof(desc), put(desc, sizeof(desc), 0, "s"), &d);
			if (!ok(tokens_hold(desc, row->want, bad, sizeof(bad)), "-s '%s' -> %s",
				row->s, row->want))
				diag("got '%s', token '%s' fails", desc, bad);
		} else {
			if (!is_int(rc, ERR_USAGE, "-s '%s' fails", row->s))
				continue;
			if (!ok(strstr(err.msg, row->err) != NULL, "-s '%s' -> \"%s\"", row->s,
				row->err))
				diag("got \"%s\"", err.msg);
		}
	}
}

/* opt_parse_devices alone: the dfu-util(1) examples and hostile rows. */
struct dev_row {
	const char *s;
	const char *rt, *dfu; /* describe_id() values; NULL rt = error */
	const char *err;
};

static const struct dev_row dev_rows[] = {
	{ "0483:df11", "0483:df11", "unset", NULL },
	{ "1457:51ab,951:26", "1457:51ab", "0951:0026", NULL },
	{ "1457:51ab,:2bc", "1457:51ab", "1457:02bc", NULL },
	{ "1457:51ab", "1457:51ab", "unset", NULL },
	{ ",951:26", "-", "0951:0026", NULL },
	{ "*,-", "unset", "-", NULL },
	{ ",", "-", "unset", NULL },
	{ "0483:", "0483:*", "unset", NULL },
	{ "0483", "0483:*", "unset", NULL },
	{ ":df11", "*:df11", "unset", NULL },
	{ ":", "unset", "unset", NULL },
	{ "", "unset", "unset", NULL },
	{ "*", "unset", "unset", NULL },
	{ "*:*", "unset", "unset", NULL },
	{ "-", "-", "unset", NULL },
	{ "0483:-", "-", "unset", NULL },
	{ "-:df11", "-", "unset", NULL },
	{ "0x0483:0xDF11", "0483:df11", "unset", NULL },
	{ "0:0", "0000:0000", "unset", NULL },
	{ "ffff:FFFF", "ffff:ffff", "unset", NULL },
	{ "1457:51ab,951:", "1457:51ab", "0951:51ab", NULL },
	{ "1457:51ab,", "1457:51ab", "1457:51ab", NULL },
	{ "1457:51ab,:", "1457:51ab", "1457:51ab", NULL },
	{ "1457:51ab,*", "1457:51ab", "*:51ab", NULL },
	{ "1457:51ab,*:*", "1457:51ab", "unset", NULL },
	{ ",:2bc", "-", "*:02bc", NULL },
	{ "*:51ab,:2bc", "*:51ab", "*:02bc", NULL },
	{ "1457:*,:2bc", "1457:*", "1457:02bc", NULL },
	{ "xyz", NULL, NULL, "run-time half: vendor ID 'xyz' is not 1-4 hex digits, '*' or '-'" },
	{ "12345:1", NULL, NULL, "vendor ID '12345'" },
	{ "0x12345:1", NULL, NULL, "vendor ID '0x12345'" },
	{ "0483:df11,1:2,3:4", NULL, NULL, "DFU-mode half: product ID '2,3:4'" },
	{ "1:2:3", NULL, NULL, "product ID '2:3'" },
	{ "0483:df11:", NULL, NULL, "product ID 'df11:'" },
	{ "0x:1", NULL, NULL, "vendor ID '0x'" },
	{ "g:1", NULL, NULL, "vendor ID 'g'" },
	/* Blanks in front of a field, as dfu-util's strtoul() skipped them. */
	{ " 0483:df11", "0483:df11", "unset", NULL },
	{ "\t0483: df11", "0483:df11", "unset", NULL },
	{ " 0483:5740, 0483:df11", "0483:5740", "0483:df11", NULL },
	{ " ,0483:df11", "unset", "0483:df11", NULL },
	{ "1457:51ab, ", "1457:51ab", "1457:51ab", NULL },
	{ " 0x0483: 0xDF11", "0483:df11", "unset", NULL },
	{ " *: -", "-", "unset", NULL },
	{ "04 83:df11", NULL, NULL, "vendor ID '04 83'" },
	{ "0483:df11 ", NULL, NULL, "product ID 'df11 '" },
	{ "**:1", NULL, NULL, "vendor ID '**'" },
	{ "+1:1", NULL, NULL, "vendor ID '+1'" },
	{ "1,xyz", NULL, NULL, "DFU-mode half: vendor ID 'xyz'" },
};

static void check_dev_rows(void)
{
	for (size_t r = 0; r < sizeof(dev_rows) / sizeof(dev_rows[0]); r++) {
		const struct dev_row *row = &dev_rows[r];
		struct error err = { 0 };
		struct opt_id rt, dfu;
		char got[128], want[128];
		int rc = opt_parse_devices(row->s, &rt, &dfu, &err);

		if (row->rt != NULL) {
			if (!is_int(rc, ERR_OK, "-d '%s'", row->s)) {
				diag("error: %s", err.msg);
				continue;
			}
			describe_id(got, sizeof(got), describe_id(got, sizeof(got), 0, "rt", &rt),
				    "dfu", &dfu);
			snprintf(want, sizeof(want), " rt=%s dfu=%s", row->rt, row->dfu);
			is_str(got, want, "-d '%s'", row->s);
		} else {
			if (!is_int(rc, ERR_USAGE, "-d '%s' fails", row->s))
				continue;
			if (!ok(strstr(err.msg, row->err) != NULL, "-d '%s' -> \"%s\"", row->s,
				row->err))
				diag("got \"%s\"", err.msg);
		}
	}
}

struct match_row {
	const char *s;
	bool dfu_half;
	uint16_t vid, pid;
	bool match;
};

static const struct match_row match_rows[] = {
	{ "0483:df11", false, 0x0483, 0xdf11, true },
	{ "0483:df11", false, 0x0483, 0xdf12, false },
	{ "0483:df11", false, 0x0484, 0xdf11, false },
	{ "0483:df11", true, 0x1234, 0x5678, true }, /* run-time IDs alone: any DFU device */
	{ ",951:26", false, 0x0951, 0x0026, false }, /* DFU half alone: no run-time device */
	{ ",951:26", true, 0x0951, 0x0026, true },
	{ ",951:26", true, 0x0951, 0x0027, false },
	{ "*,-", false, 0x1234, 0x5678, true },
	{ "*,-", true, 0x1234, 0x5678, false },
	{ ",", false, 0x1234, 0x5678, false },
	{ ",", true, 0x1234, 0x5678, true },
	{ "0483:", false, 0x0483, 0x1234, true },
	{ "0483:", false, 0x0484, 0x1234, false },
	{ ":df11", false, 0x9999, 0xdf11, true },
	{ "1457:51ab,:2bc", true, 0x1457, 0x02bc, true },
	{ "1457:51ab,:2bc", true, 0x0951, 0x02bc, false },
	{ "1457:51ab,:2bc", false, 0x1457, 0x51ab, true },
	{ "", false, 0, 0, true },
	{ "", true, 0xffff, 0xffff, true },
};

static void check_match_rows(void)
{
	for (size_t r = 0; r < sizeof(match_rows) / sizeof(match_rows[0]); r++) {
		const struct match_row *row = &match_rows[r];
		struct opt_id rt, dfu;

		if (!is_int(opt_parse_devices(row->s, &rt, &dfu, NULL), ERR_OK, "-d '%s'", row->s))
			continue;
		is_int(opt_id_match(row->dfu_half ? &dfu : &rt, row->vid, row->pid), row->match,
		       "-d '%s' %s half vs %04x:%04x", row->s, row->dfu_half ? "DFU" : "run-time",
		       row->vid, row->pid);
	}
}

/*
 * Every numeric option at its range edges and on the usual malformed
 * numbers. For -s the number sits in a spec, @pre before it and @post after.
 */
struct edge_opt {
	const char *opt; /* the option word, or the "--x=" prefix when attached */
	bool attached;
	const char *pre, *post; /* what the argument has around the number */
	const char *ctx[3];	/* what makes the command line an operation */
	const char *key;	/* describe() token key for the value */
	bool hex;		/* describe() prints the value as 0x%08X */
	uint64_t min, max;
	const char *what; /* opt_strtonum's name for it */
	bool field;	  /* a -s field: text not starting with a digit is a modifier */
	bool alt;	  /* -a: text not starting with a digit is a name */
};

static const struct edge_opt edge_opts[] = {
	{ "-E", false, "", "", { "-e" }, "delay", false, 0, 3600, "detach delay", false, false },
	{ "-n", false, "", "", { "-l" }, "devnum", false, 0, 255, "device number", false, false },
	{ "-c", false, "", "", { "-l" }, "cfg", false, 0, 255, "configuration", false, false },
	{ "-i", false, "", "", { "-l" }, "intf", false, 0, 255, "interface", false, false },
	{ "-a", false, "", "", { "-l" }, "alt", false, 0, 255, "alternate setting", false, true },
	{ "-t", false, "", "", { "-l" }, "xfer", false, 1, 65535, "transfer size", false, false },
	{ "-Z",
	  false,
	  "",
	  "",
	  { "-U", "u.bin" },
	  "zsize",
	  false,
	  1,
	  0xFFFFFFFF,
	  "upload size",
	  false,
	  false },
	{ "--wait=",
	  true,
	  "",
	  "",
	  { "-l" },
	  "waitfor",
	  false,
	  1,
	  86400,
	  "wait timeout",
	  false,
	  false },
	{ "-s", false, "", ":leave", { 0 }, "s.addr", true, 0, 0xFFFFFFFF, "address", false, false },
	{ "-s",
	  false,
	  ":",
	  "",
	  { "-U", "u.bin" },
	  "s.len",
	  false,
	  1,
	  0xFFFFFFFF,
	  "length",
	  true,
	  false },
};

static const char *const bad_texts[] = { "0x", "0x1g", "-1", "+1", " +1", "1 ", "010", " 010" };

static int edge_parse(const struct edge_opt *e, const char *text, struct opts *o, struct error *err,
		      char *line, size_t size)
{
	char arg[128], joined[160];
	char *argv[8];
	int argc = 0;

	snprintf(arg, sizeof(arg), "%s%s%s", e->pre, text, e->post);
	argv[argc++] = (char *)"dfuse-util";
	if (e->attached) {
		snprintf(joined, sizeof(joined), "%s%s", e->opt, arg);
		argv[argc++] = joined;
	} else {
		argv[argc++] = (char *)e->opt;
		argv[argc++] = arg;
	}
	for (size_t i = 0; i < 3 && e->ctx[i] != NULL; i++)
		argv[argc++] = (char *)e->ctx[i];
	argv[argc] = NULL;
	snprintf(line, size, "%s%s%s", e->opt, e->attached ? "" : " ", arg);
	return opt_parse(argc, argv, o, err);
}

static void edge_expect_ok(const struct edge_opt *e, const char *text, uint64_t v)
{
	struct error err = { 0 };
	struct opts o;
	char line[200], desc[2048], tok[64], bad[64];

	if (!is_int(edge_parse(e, text, &o, &err, line, sizeof(line)), ERR_OK, "edge %s", line)) {
		diag("error: %s", err.msg);
		return;
	}
	describe(&o, desc, sizeof(desc));
	if (e->hex)
		snprintf(tok, sizeof(tok), "%s=0x%08llX", e->key, (unsigned long long)v);
	else
		snprintf(tok, sizeof(tok), "%s=%llu", e->key, (unsigned long long)v);
	if (!ok(tokens_hold(desc, tok, bad, sizeof(bad)), "edge %s -> %s", line, tok))
		diag("got '%s'", desc);
}

static void edge_expect_err(const struct edge_opt *e, const char *text, const char *want)
{
	struct error err = { 0 };
	struct opts o;
	char line[200];

	if (!is_int(edge_parse(e, text, &o, &err, line, sizeof(line)), ERR_USAGE, "edge %s fails",
		    line))
		return;
	if (!ok(strstr(err.msg, want) != NULL, "edge %s -> \"%s\"", line, want))
		diag("got \"%s\"", err.msg);
}

static void check_edges(void)
{
	for (size_t k = 0; k < sizeof(edge_opts) / sizeof(edge_opts[0]); k++) {
		const struct edge_opt *e = &edge_opts[k];
		char text[40], want[120];

		snprintf(text, sizeof(text), "%llu", (unsigned long long)e->max);
		edge_expect_ok(e, text, e->max);
		snprintf(text, sizeof(text), "0x%llx", (unsigned long long)e->max);
		edge_expect_ok(e, text, e->max);
		snprintf(text, sizeof(text), "%llu", (unsigned long long)e->max + 1);
		snprintf(want, sizeof(want), "%s %s out of range", e->what, text);
		edge_expect_err(e, text, want);
		/* Leading white space is skipped, as dfu-util's strtoul() did. */
		edge_expect_ok(e, " 1", 1);
		edge_expect_ok(e, "\t 0x1", 1);
		if (e->min == 0) {
			edge_expect_ok(e, "0", 0);
			edge_expect_ok(e, "0x0", 0);
		} else {
			snprintf(text, sizeof(text), "%llu", (unsigned long long)e->min);
			edge_expect_ok(e, text, e->min);
			snprintf(want, sizeof(want), "%s 0 out of range", e->what);
			edge_expect_err(e, "0", want);
			snprintf(want, sizeof(want), "%s 0x0 out of range", e->what);
			edge_expect_err(e, "0x0", want);
		}
		for (size_t b = 0; b < sizeof(bad_texts) / sizeof(bad_texts[0]); b++) {
			const char *t = bad_texts[b];
			const char *nb = t + strspn(t, " ");
			bool digit_first = nb[0] >= '0' && nb[0] <= '9';

			if (e->alt && !digit_first) {
				struct error err = { 0 };
				struct opts o;
				char line[200];

				/* -a: "-1", "+1", " +1" are names (dfu-util's strtoul took a sign). */
				if (is_int(edge_parse(e, t, &o, &err, line, sizeof(line)), ERR_OK,
					   "edge %s is a name", line))
					is_int(o.alt_is_name, true,
					       "edge %s: alt name '%s' [o.alt_is_name]", line,
					       o.alt_name);
				is_str(o.alt_name, t, "edge %s: alt name '%s' [o.alt_name]", line,
				       o.alt_name);
				continue;
			}
			if (e->field && !digit_first) {
				edge_expect_err(e, t, "unknown modifier");
				continue;
			}
			if (strcmp(t, "0x") == 0)
				snprintf(want, sizeof(want), "%s '0x' has no digits", e->what);
			else if (strcmp(nb, "010") == 0)
				snprintf(want, sizeof(want), "%s '%s' has a leading zero", e->what,
					 t);
			else
				snprintf(want, sizeof(want), "%s '%s' is not a number", e->what, t);
			edge_expect_err(e, t, want);
		}
	}
}

int main(void)
{
	check_num_rows();
	check_dfuse_rows();
	check_dev_rows();
	check_match_rows();
	check_edges();
	return done_testing();
}
