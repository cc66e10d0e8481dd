/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of src/options.c: the argv grammar, the mode each command line
 * adds up to, every error, whole messages, buffer caps, purity and the -h
 * text. The value grammars alone (numbers, -s, -d) are test-opt-values.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "describe-opts.h"
#include "opt_table.h"
#include "opt_usage.h"
#include "options.h"
#include "tap.h"

#define MAX_ARGS 16

/* One command line (without argv[0]) and what it must give. */
struct parse_row {
	const char *args[MAX_ARGS];
	const char *want; /* tokens on success; NULL when an error is expected */
	const char *err;  /* substring of the message on error */
};

static const struct parse_row parse_rows[] = {
	/* The seed's three DfuSe command lines. */
	{ { "-a", "0", "-D", "/path/to/dfuse-image.dfu" },
	  "mode=DOWNLOAD alt=0 file=/path/to/dfuse-image.dfu !s.given !detach",
	  NULL },
	{ { "-a", "0", "-s", "0x08000000:1024", "-U", "newfile.bin" },
	  "mode=UPLOAD alt=0 s.addr=0x08000000 s.len=1024 file=newfile.bin",
	  NULL },
	{ { "-a", "0", "-s", "0x08004000:leave", "-D", "/path/to/image.bin" },
	  "mode=DOWNLOAD alt=0 s.addr=0x08004000 s.leave !s.len file=/path/to/image.bin",
	  NULL },

	/* --wait: the optional argument only ever comes with '='. */
	{ { "--wait", "-D", "fw.bin" }, "mode=DOWNLOAD wait !waitfor file=fw.bin", NULL },
	{ { "--wait=10", "-D", "fw.bin" }, "mode=DOWNLOAD wait waitfor=10 file=fw.bin", NULL },
	{ { "-w", "-D", "fw.bin" }, "mode=DOWNLOAD wait !waitfor file=fw.bin", NULL },
	{ { "-wD", "fw.bin" }, "mode=DOWNLOAD wait file=fw.bin", NULL },
	{ { "-D", "fw.bin", "-w" }, "mode=DOWNLOAD wait file=fw.bin", NULL },
	{ { "-w10", "-l" }, NULL, "unknown option '-1'" },
	{ { "--wait", "10", "-l" }, NULL, "unexpected argument '10'" },
	{ { "--wait=", "-l" }, NULL, "--wait: wait timeout is empty" },
	{ { "--wait=0", "-l" }, NULL, "wait timeout 0 out of range (1..86400)" },

	/* Clustering and attached arguments. */
	{ { "-lv" }, "mode=LIST v=1", NULL },
	{ { "-vvv", "-l" }, "mode=LIST v=3", NULL },
	{ { "-lvvv" }, "mode=LIST v=3", NULL },
	{ { "-v", "-l", "-v" }, "mode=LIST v=2", NULL },
	{ { "-vvvvvvvvvvvvvvvvvvvvvvvvvvvvvv", "-l" }, "mode=LIST v=16", NULL },
	{ { "-a0", "-Dfw.bin" }, "mode=DOWNLOAD alt=0 file=fw.bin", NULL },
	{ { "-s0x08000000:leave", "-Dfw.bin" }, "mode=DOWNLOAD s.addr=0x08000000 s.leave", NULL },
	{ { "-la1" }, "mode=LIST alt=1", NULL },
	{ { "-ea", "1" }, "mode=DETACH alt=1 detach", NULL },
	{ { "-eD", "fw.bin" }, "mode=DOWNLOAD detach file=fw.bin", NULL },
	{ { "-Da" }, "mode=DOWNLOAD file=a !alt", NULL },

	/* Long options: '=' or the next word; exact names only. */
	{ { "--alt=1", "--download=fw.bin" }, "mode=DOWNLOAD alt=1 file=fw.bin", NULL },
	{ { "--alt", "1", "--download", "fw.bin" }, "mode=DOWNLOAD alt=1 file=fw.bin", NULL },
	{ { "--dfuse-address=0x08000000:1024", "--upload", "u.bin", "--upload-size", "1024" },
	  "mode=UPLOAD s.addr=0x08000000 s.len=1024 zsize=1024 file=u.bin",
	  NULL },
	{ { "--list", "--verbose", "--verbose" }, "mode=LIST v=2", NULL },
	{ { "--detach", "--detach-delay", "7" }, "mode=DETACH detach delay=7", NULL },
	{ { "--reset" }, "mode=RESET reset", NULL },
	{ { "--yes", "--list" }, NULL, "unknown option '--yes'" },
	{ { "--device", "0483:df11", "--serial", "S1,S2", "--path", "1-2", "--cfg", "1", "--intf",
	    "0", "--devnum", "7", "--transfer-size", "2048", "--list" },
	  "mode=LIST rt=0483:df11 sn.rt=S1 sn.dfu=S2 path=1-2 cfg=1 intf=0 devnum=7 xfer=2048",
	  NULL },
	{ { "--down", "fw.bin" }, NULL, "unknown option '--down'" },
	{ { "--lis" }, NULL, "unknown option '--lis'" },
	{ { "--wai" }, NULL, "unknown option '--wai'" },
	{ { "--list=1" }, NULL, "option '--list' takes no argument" },
	{ { "--verify=yes", "-D", "f" }, NULL, "option '--verify' takes no argument" },
	{ { "--download" }, NULL, "option '--download' requires an argument" },
	{ { "--download=", "-l" }, NULL, "--download: empty file name" },
	{ { "--LIST" }, NULL, "unknown option '--LIST'" },
	{ { "---list" }, NULL, "unknown option '---list'" },

	/* A required argument is the next word whatever it looks like (getopt's rule). */
	{ { "-D", "-" }, "mode=DOWNLOAD file=-", NULL },
	{ { "-D", "-l" }, "mode=DOWNLOAD file=-l", NULL },
	{ { "-D", "--" }, "mode=DOWNLOAD file=--", NULL },
	{ { "-D" }, NULL, "option '-D' requires an argument" },
	{ { "-l", "-a" }, NULL, "option '-a' requires an argument" },
	{ { "-D", "" }, NULL, "-D: empty file name" },
	{ { "-U", "" }, NULL, "-U: empty file name" },

	/* "--" and operands. */
	{ { "-l", "--" }, "mode=LIST", NULL },
	{ { "--", "-l" }, NULL, "unexpected argument '-l'" },
	{ { "-l", "--", "x" }, NULL, "unexpected argument 'x'" },
	{ { "fw.bin" }, NULL, "unexpected argument 'fw.bin'" },
	{ { "-D", "fw.bin", "extra" }, NULL, "unexpected argument 'extra'" },
	{ { "-l", "-" }, NULL, "unexpected argument '-'" },
	{ { "-l", "" }, NULL, "unexpected argument ''" },
	{ { "-x" }, NULL, "unknown option '-x'" },
	{ { "-lx" }, NULL, "unknown option '-x'" },
	{ { "-l\x01" }, NULL, "unknown option byte 0x01" },
	{ { "--bogus" }, NULL, "unknown option '--bogus'" },

	/* Modes and their conflicts. */
	{ { 0 }, NULL, "no operation given (try -h)" },
	{ { "-v" }, NULL, "no operation given (try -h)" },
	{ { "-a", "0", "-d", "0483:df11" }, NULL, "no operation given" },
	{ { "-w" }, NULL, "no operation given" },
	{ { "-y" }, NULL, "unknown option '-y'" },
	{ { "-l" }, "mode=LIST !detach !reset", NULL },
	{ { "-l", "-w" }, "mode=LIST wait", NULL },
	{ { "-U", "a.bin", "-D", "b.bin" }, NULL, "-U and -D cannot be combined" },
	{ { "-D", "a.bin", "-U", "b.bin" }, NULL, "-U and -D cannot be combined" },
	{ { "-D", "a.bin", "-D", "b.bin" }, NULL, "-D given twice" },
	{ { "-U", "a.bin", "-U", "b.bin" }, NULL, "-U given twice" },
	{ { "-l", "-D", "fw.bin" }, NULL, "-l cannot be combined with -D" },
	{ { "-U", "u.bin", "-l" }, NULL, "-l cannot be combined with -U" },
	{ { "-l", "-e" }, NULL, "-l cannot be combined with -e" },
	{ { "-l", "-R" }, NULL, "-l cannot be combined with -R" },
	{ { "-l", "-s", ":leave" }, NULL, "-l cannot be combined with -s" },
	{ { "-e" }, "mode=DETACH detach delay=5", NULL },
	{ { "-e", "-R" }, "mode=DETACH detach reset", NULL },
	{ { "-e", "-D", "fw.bin" }, "mode=DOWNLOAD detach file=fw.bin", NULL },
	{ { "-U", "u.bin", "-e" }, "mode=UPLOAD detach file=u.bin", NULL },
	{ { "-R" }, "mode=RESET reset !detach", NULL },
	{ { "-R", "-D", "fw.bin" }, "mode=DOWNLOAD reset file=fw.bin", NULL },
	{ { "-s", ":leave" }, "mode=COMMAND s.leave !s.addr", NULL },
	{ { "-s", "0x08000000:leave" }, "mode=COMMAND s.addr=0x08000000 s.leave", NULL },
	{ { "-s", ":mass-erase:force" }, "mode=COMMAND s.mass-erase s.force", NULL },
	{ { "-s", ":unprotect:force" }, "mode=COMMAND s.unprotect s.force", NULL },
	{ { "-e", "-s", ":leave" }, "mode=COMMAND detach s.leave", NULL },
	{ { "-R", "-s", ":leave" }, "mode=COMMAND reset s.leave", NULL },
	{ { "-s", "0x08000000" }, NULL, "-s 0x08000000: nothing to do" },
	{ { "-s", ":force" }, NULL, "nothing to do" },
	{ { "-s", ":will-reset" }, NULL, "nothing to do" },
	{ { "-e", "-s", "0x08000000" }, NULL, "nothing to do" },
	{ { "-s", "0x08000000:1024", "-D", "fw.bin" },
	  NULL,
	  "-s 0x08000000:1024: a length is only meaningful for -U" },
	{ { "-s", "0x08000000:1024:leave" }, NULL, "a length is only meaningful for -U" },
	{ { "-s", ":leave", "-U", "u.bin" }, "mode=UPLOAD s.leave file=u.bin", NULL },
	{ { "-s", ":mass-erase:force", "-D", "fw.bin" },
	  "mode=DOWNLOAD s.mass-erase s.force file=fw.bin",
	  NULL },
	{ { "-s", ":mass-erase:force", "-U", "u.bin" },
	  NULL,
	  "mass-erase with -U would erase the flash before reading it" },
	{ { "-s", ":unprotect:force", "-U", "u.bin" }, NULL, "unprotect with -U" },
	{ { "-s", ":unprotect:force", "-D", "fw.bin" }, NULL, "-D would never run" },
	{ { "-s", "0x08000000:leave", "-s", "0x08004000", "-D", "fw.bin" },
	  "mode=DOWNLOAD s.addr=0x08004000 !s.leave",
	  NULL },

	/* -h and -V win over conflicts, not over options that cannot be read. */
	{ { "-h" }, "mode=HELP", NULL },
	{ { "--help" }, "mode=HELP", NULL },
	{ { "-V" }, "mode=VERSION", NULL },
	{ { "--version" }, "mode=VERSION", NULL },
	{ { "-h", "-V" }, "mode=HELP", NULL },
	{ { "-V", "-h" }, "mode=VERSION", NULL },
	{ { "-lh" }, "mode=HELP", NULL },
	{ { "-D", "a", "-U", "b", "-h" }, "mode=HELP", NULL },
	{ { "-V", "-l", "-D", "fw.bin" }, "mode=VERSION", NULL },
	{ { "-h", "-s", "0x08000000" }, "mode=HELP", NULL },
	{ { "-h", "-Z", "5" }, "mode=HELP", NULL },
	{ { "-h", "--bogus" }, NULL, "unknown option '--bogus'" },
	{ { "-x", "-h" }, NULL, "unknown option '-x'" },
	{ { "-a", "300", "-h" }, NULL, "-a: alternate setting 300 out of range (0..255)" },
	{ { "-h", "-s", "0x08000000:f" }, NULL, "unknown modifier 'f'" },
	{ { "-h", "-D" }, NULL, "option '-D' requires an argument" },
	{ { "-D", "-h" }, "mode=DOWNLOAD file=-h", NULL },

	/* dfuse-util additions. */
	{ { "--verify", "-D", "fw.bin" }, "mode=DOWNLOAD verify !diff", NULL },
	{ { "-D", "fw.bin", "--diff" }, "mode=DOWNLOAD diff !verify", NULL },
	{ { "-D", "fw.bin", "--diff", "--verify" }, "mode=DOWNLOAD diff verify", NULL },
	{ { "--verify", "-U", "u.bin" }, NULL, "--verify only applies to -D" },
	{ { "--diff", "-l" }, NULL, "--diff only applies to -D" },
	{ { "--verify" }, NULL, "--verify only applies to -D" },
	{ { "--dry-run", "--diff", "-D", "fw.hex" }, "mode=DOWNLOAD diff dry_run", NULL },
	{ { "--dry-run", "-U", "u.bin" }, NULL, "--dry-run only applies to -D" },
	{ { "--info", "fw.hex", "--all" },
	  NULL,
	  "--info works on files only: --all does not apply" },
	{ { "-D", "a.hex", "--convert", "b.srec", "--json", "-" },
	  NULL,
	  "--convert works on files only: --json does not apply" },
	{ { "--dry-run=1", "-D", "f" }, NULL, "option '--dry-run' takes no argument" },
	/* --all and --json (issue 13) */
	{ { "--all", "-D", "fw.bin" }, "mode=DOWNLOAD all", NULL },
	{ { "--all", "-s", ":leave" }, "mode=COMMAND all", NULL },
	{ { "--all", "-e" }, "mode=DETACH all", NULL },
	{ { "--all", "-R" }, "mode=RESET all", NULL },
	{ { "--all", "-U", "r-{serial}.bin" }, "mode=UPLOAD all", NULL },
	{ { "--all", "-U", "r-{path}.bin" }, "mode=UPLOAD all", NULL },
	{ { "--all", "-U", "r.bin" }, NULL, "must contain {serial} or {path}" },
	{ { "--all", "-U", "r-{serial.bin" }, NULL, "must contain {serial} or {path}" },
	{ { "-U", "r.bin" }, "mode=UPLOAD", NULL },
	{ { "--all", "-l" }, NULL, "--all does not apply to -l" },
	{ { "--all", "-w", "-D", "f" }, NULL, "--all cannot be combined with -w" },
	{ { "--all=1", "-D", "f" }, NULL, "option '--all' takes no argument" },
	{ { "--json", "r.json", "-l" }, "mode=LIST json=r.json", NULL },
	{ { "--json=-", "-D", "f" }, "mode=DOWNLOAD json=-", NULL },
	{ { "--json", "", "-D", "f" }, NULL, "--json: empty file name" },
	{ { "-D", "f", "--json" }, NULL, "option '--json' requires an argument" },
	{ { "--dry", "-D", "f" }, NULL, "unknown option '--dry'" },

	/* Image files: --format, and --info / --convert, which take no device. */
	{ { "--format", "hex", "-D", "fw.txt" }, "mode=DOWNLOAD format=ihex file=fw.txt", NULL },
	{ { "--format=s19", "--info", "fw" }, "mode=INFO format=srec", NULL },
	{ { "--format", "HEX", "-D", "fw" }, NULL, "--format 'HEX': unknown format" },
	{ { "--format", "", "-D", "fw" }, NULL, "--format '': unknown format" },
	{ { "--format", "elf", "-U", "u.bin" }, NULL, "--format only applies to -D, --info" },
	{ { "--out-format", "hex", "-D", "fw" }, NULL, "--out-format only applies to --convert" },
	{ { "--info", "fw.hex" }, "mode=INFO file=fw.hex !out", NULL },
	{ { "--info=fw.bin", "-s", "0x08000000", "--format", "bin" },
	  "mode=INFO file=fw.bin s.addr=0x08000000 format=bin",
	  NULL },
	{ { "--info", "" }, NULL, "--info: empty file name" },
	{ { "--info" }, NULL, "option '--info' requires an argument" },
	{ { "--info", "a", "--info", "b" }, NULL, "--info given twice" },
	{ { "--info", "a", "-D", "b" }, NULL, "--info works on files only: -D does not apply" },
	{ { "--info", "a", "-a", "0" }, NULL, "--info works on files only: -d or -a" },
	{ { "--info", "a", "-l" }, NULL, "--info works on files only: -l does not apply" },
	{ { "--info", "a", "--convert", "b", "-D", "c" }, NULL, "cannot be combined" },
	{ { "--info", "a", "-s", "0x08000000:leave" },
	  NULL,
	  "-s with --info takes only an ADDRESS" },
	{ { "--info", "a", "--out-format", "hex" }, NULL, "--out-format does not apply" },
	{ { "-h", "--info", "a", "-l" }, "mode=HELP", NULL },
	{ { "--convert", "fw.dfu", "-D", "fw.hex" },
	  "mode=CONVERT file=fw.hex out=fw.dfu !s.given",
	  NULL },
	{ { "-s", "0x08000000", "-d", "0483:df11", "-a", "0", "-D", "fw.bin", "--convert",
	    "fw.dfu" },
	  "mode=CONVERT file=fw.bin out=fw.dfu s.addr=0x08000000 rt=0483:df11 alt=0",
	  NULL },
	{ { "--convert", "o", "-D", "i", "-a", "Internal Flash", "--out-format", "dfu", "--format",
	    "bin" },
	  "mode=CONVERT altname=Internal out-format=dfu format=bin",
	  NULL },
	{ { "--convert", "fw.dfu" }, NULL, "--convert OUT needs its input: -D FILE" },
	{ { "--convert", "o", "-U", "i" }, NULL, "--convert OUT needs its input" },
	{ { "--convert", "o", "-D", "i", "-D", "j" }, NULL, "-D given twice" },
	{ { "--convert", "o", "--convert", "p", "-D", "i" }, NULL, "--convert given twice" },
	{ { "--convert", "o", "-D", "i", "--verify" }, NULL, "--verify does not apply" },
	{ { "--convert", "o", "-D", "i", "-R" }, NULL, "-R does not apply" },
	{ { "--info", "a", "-Z", "5" }, NULL, "--info works on files only: -Z does not apply" },
	{ { "--info", "a", "-E", "5" }, NULL, "-e or -E does not apply" },
	{ { "--convert", "o", "-D", "i", "-e" }, NULL, "-e or -E does not apply" },
	{ { "--convert", "o", "-D", "i", "-w" }, NULL, "-w does not apply" },
	{ { "--convert", "o", "-D", "i", "-S", "x" }, NULL, "a device selection (-p, -n, -S)" },
	{ { "--convert", "o", "-D", "i", "-t", "64" }, NULL, "-c, -i or -t does not apply" },
	{ { "--convert", "o", "-D", "i", "-s", ":force" }, NULL, "takes only an ADDRESS" },
	{ { "--convert", "o", "-D", "i", "--out-format", "elf" },
	  "mode=CONVERT out-format=elf",
	  NULL },
	{ { "--usb-timeout", "20000", "-D", "f" }, "mode=DOWNLOAD usbtimeout=20000", NULL },
	{ { "--usb-timeout=1", "-U", "u" }, "mode=UPLOAD usbtimeout=1", NULL },
	{ { "--usb-timeout", "0", "-D", "f" }, NULL, "--usb-timeout" },
	{ { "--usb-timeout", "600001", "-D", "f" }, NULL, "--usb-timeout" },
	{ { "--usb-timeout", "5s", "-D", "f" }, NULL, "--usb-timeout" },
	{ { "--poll-timeout-max", "50", "-D", "f" }, "mode=DOWNLOAD pollmax=50", NULL },
	{ { "--poll-timeout-max", "0", "-D", "f" }, NULL, "--poll-timeout-max" },
	{ { "--require-suffix", "-D", "f" }, "mode=DOWNLOAD requiresuffix", NULL },
	{ { "--require-suffix", "-U", "u" }, NULL, "--require-suffix only applies to -D" },
	{ { "--require-suffix=yes", "-D", "f" }, NULL, "takes no argument" },
	{ { "-Z", "100", "-U", "u.bin" }, "mode=UPLOAD zsize=100", NULL },
	{ { "-Z", "100", "-D", "fw.bin" }, NULL, "-Z only applies to -U" },
	{ { "-Z", "100", "-l" }, NULL, "-Z only applies to -U" },

	/* -d, -S, -a, -p, -n through the walker. */
	{ { "-d", "0483:df11", "-l" }, "mode=LIST rt=0483:df11 !dfu", NULL },
	{ { "-d", ",951:26", "-l" }, "mode=LIST rt=- dfu=0951:0026", NULL },
	{ { "-d", "xyz", "-l" }, NULL, "-d xyz: run-time half: vendor ID 'xyz'" },
	{ { "--device=0483:df11,1:2,3:4", "-l" },
	  NULL,
	  "--device 0483:df11,1:2,3:4: DFU-mode half: product ID '2,3:4'" },
	{ { "-d", "1:1", "-d", "2:2", "-l" }, "mode=LIST rt=0002:0002", NULL },
	{ { "-S", "ABC", "-l" }, "mode=LIST sn.rt=ABC sn.dfu=ABC", NULL },
	{ { "-S", "A,B", "-l" }, "mode=LIST sn.rt=A sn.dfu=B", NULL },
	{ { "-S", ",B", "-l" }, "mode=LIST !sn.rt sn.dfu=B", NULL },
	{ { "-S", "A,", "-l" }, "mode=LIST sn.rt=A !sn.dfu", NULL },
	{ { "-S", "A,B,C", "-l" }, "mode=LIST sn.rt=A sn.dfu=B,C", NULL },
	{ { "-S", "", "-l" }, "mode=LIST !sn.rt !sn.dfu", NULL },
	{ { "-S", "A", "-S", ",B", "-l" }, "mode=LIST !sn.rt sn.dfu=B", NULL },
	{ { "-a", "flash", "-l" }, "mode=LIST altname=flash !alt", NULL },
	{ { "-a", "@Internal", "-a", "3", "-l" }, "mode=LIST alt=3 !altname", NULL },
	{ { "-a", "3", "-a", "x", "-l" }, "mode=LIST altname=x !alt", NULL },
	{ { "-a", "0x10", "-l" }, "mode=LIST alt=16", NULL },
	{ { "-a", "1st", "-l" }, NULL, "-a: alternate setting '1st' is not a number" },
	{ { "-a", "", "-l" }, NULL, "-a: alternate setting is empty" },
	{ { "-p", "1-1.2", "-l" }, "mode=LIST path=1-1.2", NULL },
	{ { "-p", "3-1.2.4.1", "-l" }, "mode=LIST path=3-1.2.4.1", NULL },
	{ { "-p", "1-2", "-l" }, "mode=LIST path=1-2", NULL },
	{ { "-p", "1", "-l" }, NULL, "-p: path '1' is not BUS-PORT[.PORT]..." },
	{ { "-p", "1-", "-l" }, NULL, "path '1-'" },
	{ { "-p", "-1", "-l" }, NULL, "path '-1'" },
	{ { "-p", "1.2", "-l" }, NULL, "path '1.2'" },
	{ { "-p", "1-2.", "-l" }, NULL, "path '1-2.'" },
	{ { "-p", "1-2..3", "-l" }, NULL, "path '1-2..3'" },
	{ { "-p", "1--2", "-l" }, NULL, "path '1--2'" },
	{ { "-p", "1-2-3", "-l" }, NULL, "path '1-2-3'" },
	{ { "-p", "a-1", "-l" }, NULL, "path 'a-1'" },
	{ { "-p", "1-1 ", "-l" }, NULL, "path '1-1 '" },
	{ { "-p", "", "-l" }, NULL, "path ''" },
	{ { "-E", "10", "-D", "fw.bin" }, "mode=DOWNLOAD delay=10", NULL },
};

static void check_parse_rows(void)
{
	for (size_t r = 0; r < sizeof(parse_rows) / sizeof(parse_rows[0]); r++) {
		const struct parse_row *row = &parse_rows[r];
		char *argv[MAX_ARGS + 2];
		char line[512], desc[2048], bad[128];
		struct error err = { 0 };
		struct opts o;
		size_t len = 0;
		int argc = 1, rc;

		argv[0] = (char *)"dfuse-util";
		for (size_t i = 0; i < MAX_ARGS && row->args[i] != NULL; i++) {
			argv[argc++] = (char *)row->args[i];
			len = put(line, sizeof(line), len, " %s", row->args[i]);
		}
		argv[argc] = NULL;
		if (len == 0)
			line[0] = '\0';
		rc = opt_parse(argc, argv, &o, &err);
		if (row->want != NULL) {
			describe(&o, desc, sizeof(desc));
			if (!is_int(rc, ERR_OK, "parse:%s", line)) {
				diag("error: %s", err.msg);
				continue;
			}
			if (!ok(tokens_hold(desc, row->want, bad, sizeof(bad)), "parse:%s -> %s",
				line, row->want))
				diag("got '%s', token '%s' fails", desc, bad);
		} else {
			if (!is_int(rc, ERR_USAGE, "parse:%s fails", line))
				continue;
			if (!ok(strstr(err.msg, row->err) != NULL, "parse:%s -> \"%s\"", line,
				row->err))
				diag("got \"%s\"", err.msg);
		}
	}
}

/* Messages the user sees, whole. */
static void check_exact_messages(void)
{
	static const struct {
		const char *args[4];
		const char *msg;
	} rows[] = {
		{ { "-s", "0x08000000:f", "-D", "fw.bin" },
		  "-s 0x08000000:f: unknown modifier 'f' (expected leave, unprotect, mass-erase, "
		  "will-reset, force, fast or a length)" },
		{ { "-a", "300", "-l" }, "-a: alternate setting 300 out of range (0..255)" },
		{ { "--alt", "300", "-l" }, "--alt: alternate setting 300 out of range (0..255)" },
		{ { "-s", "08000000:leave" },
		  "-s 08000000:leave: address '08000000' has a leading zero (octal is not "
		  "accepted): write 0x08000000 for hex or 8000000 for decimal" },
		{ { "-t", "0", "-l" }, "-t: transfer size 0 out of range (1..65535)" },
		{ { 0 }, "no operation given (try -h)" },
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		char *argv[6] = { (char *)"dfuse-util" };
		struct error err = { 0 };
		struct opts o;
		int argc = 1;

		for (size_t i = 0; i < 4 && rows[r].args[i] != NULL; i++)
			argv[argc++] = (char *)rows[r].args[i];
		argv[argc] = NULL;
		is_int(opt_parse(argc, argv, &o, &err), ERR_USAGE, "exact message %zu fails", r);
		is_str(err.msg, rows[r].msg, "exact message %zu", r);
	}
}

/* Lengths at the caps of the fixed buffers in struct opts. */
static void check_caps(void)
{
	char big[300], path[80];
	char *argv[5] = { (char *)"dfuse-util", NULL, big, (char *)"-l", NULL };
	struct error err = { 0 };
	struct opts o;

	memset(big, 'n', 255);
	big[255] = '\0';
	argv[1] = (char *)"-a";
	is_int(opt_parse(4, argv, &o, &err), ERR_OK, "-a with a 255-byte name");
	is_int(o.alt_is_name, true, "-a 255-byte name kept whole [o.alt_is_name]");
	is_int(strlen(o.alt_name), 255, "-a 255-byte name kept whole [strlen(o.alt_name)]");
	argv[1] = (char *)"-S";
	is_int(opt_parse(4, argv, &o, &err), ERR_OK, "-S with a 255-byte serial");
	is_int(strlen(o.serial_runtime.value), 255,
	       "-S 255-byte serial on both halves [strlen(o.serial_runtime.value)]");
	is_int(strlen(o.serial_dfu.value), 255,
	       "-S 255-byte serial on both halves [strlen(o.serial_dfu.value)]");
	big[255] = 'n';
	big[256] = '\0';
	argv[1] = (char *)"-a";
	is_int(opt_parse(4, argv, &o, &err), ERR_USAGE, "-a with a 256-byte name fails");
	ok(strstr(err.msg, "-a: alternate setting name longer than 255 bytes") != NULL,
	   "-a 256-byte name message");
	argv[1] = (char *)"-S";
	is_int(opt_parse(4, argv, &o, &err), ERR_USAGE, "-S with a 256-byte serial fails");
	ok(strstr(err.msg, "-S: serial number longer than 255 bytes") != NULL,
	   "-S 256-byte serial message");
	big[0] = ',';
	is_int(opt_parse(4, argv, &o, &err), ERR_OK, "-S ,<255 bytes> is a DFU serial");
	is_int(o.serial_runtime.given, false, "-S ,S DFU half only [o.serial_runtime.given]");
	is_int(strlen(o.serial_dfu.value), 255, "-S ,S DFU half only [strlen(o.serial_dfu.value)]");

	/* -p: 63 characters fit path[64], 64 do not. */
	strcpy(path, "1-1");
	while (strlen(path) < 63)
		strcat(path, strlen(path) % 2 ? "." : "2");
	path[63] = '\0';
	if (path[62] == '.')
		path[62] = '3';
	argv[1] = (char *)"-p";
	argv[2] = path;
	if (!is_int(opt_parse(4, argv, &o, &err), ERR_OK, "-p with 63 bytes"))
		diag("%s: %s", path, err.msg);
	is_str(o.path, path, "-p 63 bytes kept whole");
	strcat(path, "4");
	is_int(opt_parse(4, argv, &o, &err), ERR_USAGE, "-p with 64 bytes fails");
	ok(strstr(err.msg, "-p: path longer than 63 bytes") != NULL, "-p 64 bytes message");
}

/* Parsing is pure: argv untouched, the same answer twice, argc edge cases. */
static void check_purity(void)
{
	char a0[] = "dfuse-util", a1[] = "-a0", a2[] = "-s", a3[] = "0x08000000:leave",
	     a4[] = "--download=fw.bin";
	char *argv[] = { a0, a1, a2, a3, a4, NULL };
	struct error err = { 0 };
	struct opts o1, o2;
	char d1[2048], d2[2048];

	is_int(opt_parse(5, argv, &o1, &err), ERR_OK, "purity: first parse");
	is_int(opt_parse(5, argv, &o2, &err), ERR_OK, "purity: second parse");
	describe(&o1, d1, sizeof(d1));
	describe(&o2, d2, sizeof(d2));
	is_str(d1, d2, "purity: same result twice");
	is_str(a1, "-a0", "purity: argv untouched [a1]");
	is_str(a3, "0x08000000:leave", "purity: argv untouched [a3]");
	is_str(a4, "--download=fw.bin", "purity: argv untouched [a4]");
	ok(o1.file == a4 + strlen("--download="), "file points into argv");
	is_int(opt_parse(0, argv, &o1, &err), ERR_USAGE, "argc 0: no operation");
	is_int(opt_parse(1, argv, &o1, &err), ERR_USAGE, "argc 1: no operation");
	is_int(opt_parse(2, argv, &o1, NULL), ERR_USAGE, "a NULL error struct is allowed");
	is_int(opt_parse(3, (char *[]){ a0, (char *)"-n", (char *)"256", NULL }, &o1, NULL),
	       ERR_USAGE, "a bad number without an error struct is a usage error");
	/* The walk stops at argv[argc]: the "-x" after it would be an error. */
	is_int(opt_parse(2, (char *[]){ a0, (char *)"-l", (char *)"-x", NULL }, &o1, &err), ERR_OK,
	       "argv beyond argc is not read");
}

/* @n bytes at @s with every run of white space made one space, trimmed, into @out. */
static void squeeze(const char *s, size_t n, char *out, size_t size)
{
	size_t k = 0;
	bool space = false;

	for (size_t i = 0; i < n && k + 1 < size; i++) {
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t') {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < size)
			out[k++] = ' ';
		space = false;
		out[k++] = s[i];
	}
	out[k] = '\0';
}

/* How -h must name @d: "  -x --name ARG", "  --name ARG", "  -w --wait[=ARG]". */
static void entry_head(const struct opt_doc *d, char *head, size_t size)
{
	char letter[4] = "";

	if (d->letter != '\0')
		snprintf(letter, sizeof(letter), "-%c ", d->letter);
	snprintf(head, size, "\n  %s--%s%s%s%s", letter, d->name,
		 d->arg == NULL	   ? ""
		 : d->arg_optional ? "[="
				   : " ",
		 d->arg != NULL ? d->arg : "", d->arg_optional ? "]" : "");
}

/*
 * Every row of the option table has its entry in the -h text, and the entry
 * says exactly the row's help (white space aside: the layout is free); and
 * the text lists no option that the table does not have.
 */
static void check_usage_table(const char *text)
{
	size_t rows = 0, listed = 0;
	struct opt_doc d;

	for (size_t i = 0; opt_doc(i, &d); i++, rows++) {
		char head[128], got[1024], want[1024];
		const char *at, *end;

		entry_head(&d, head, sizeof(head));
		at = strstr(text, head);
		if (at == NULL || (at[strlen(head)] != ' ' && at[strlen(head)] != '\n')) {
			is_str("(no entry)", head + 1, "-h lists --%s as its table row says",
			       d.name);
			continue;
		}
		at += strlen(head);
		end = at + strcspn(at, "\n");
		/* The entry runs to the next option line or the blank line after the list. */
		while (*end == '\n' && end[1] != '\n' && strncmp(end, "\n  -", 4) != 0)
			end += 1 + strcspn(end + 1, "\n");
		squeeze(at, (size_t)(end - at), got, sizeof(got));
		squeeze(d.help, strlen(d.help), want, sizeof(want));
		is_str(got, want, "-h gives --%s the help of its table row", d.name);
	}
	for (const char *p = strstr(text, "\n  -"); p != NULL; p = strstr(p + 1, "\n  -"))
		listed++;
	is_int(listed, rows, "-h lists as many options as the table has");
	ok(rows >= 32, "the table has every option (%zu rows)", rows);
}

/* opt_usage() sizes and cuts its text as snprintf() does. */
static void check_usage_buffer(const char *text)
{
	char small[10];
	size_t full = opt_usage(NULL, 0);

	is_int(full, strlen(text), "opt_usage(NULL, 0) gives the full length");
	ok(full < OPT_USAGE_MAX, "the text fits OPT_USAGE_MAX (%zu bytes)", full);
	is_int(opt_usage(small, sizeof(small)), full, "a small buffer still gives the full length");
	is_str(small, "Usage: df", "a small buffer holds the cut, terminated text");
}

/* The -h text: every option on its own line, modifiers, examples, 80 columns. */
static void check_usage(void)
{
	static const char *const lines[] = {
		"\n  -h --help ",
		"\n  -V --version ",
		"\n  -v --verbose ",
		"\n  -l --list ",
		"\n  -e --detach ",
		"\n  -E --detach-delay S",
		"\n  -d --device ",
		"\n  -n --devnum ",
		"\n  -p --path BUS",
		"\n  -c --cfg ",
		"\n  -i --intf ",
		"\n  -S --serial ",
		"\n  -a --alt ",
		"\n  -t --transfer-size ",
		"\n  -U --upload ",
		"\n  -Z --upload-size ",
		"\n  -D --download ",
		"\n  -R --reset ",
		"\n  -w --wait[=SECONDS]",
		"\n  -s --dfuse-address ",
		"\n  --verify ",
		"\n  --diff ",
		"\n  --dry-run ",
		"\n  --format FORMAT ",
		"\n  --info FILE ",
		"\n  --convert OUT ",
		"\n  --out-format FORMAT ",
		"\n  --all ",
		"\n  --json FILE ",
		"\n  --usb-timeout ",
		"\n  --poll-timeout-max ",
		"\n  --require-suffix ",
	};
	static const char *const words[] = {
		" leave ",
		" mass-erase ",
		" unprotect ",
		" will-reset ",
		" force ",
		" LENGTH ",
		"dfuse-util -a 0 -D /path/to/dfuse-image.dfu\n",
		"dfuse-util -a 0 -s 0x08000000:1024 -U newfile.bin\n",
		"dfuse-util -a 0 -s 0x08004000:leave -D /path/to/image.bin\n",
		"(needs force)",
	};
	static char text[OPT_USAGE_MAX];
	const char *p = text;
	size_t longest = 0;

	opt_usage(text, sizeof(text));

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ok(strstr(text, lines[i]) != NULL, "usage lists '%s'", lines[i] + 1);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ok(strstr(text, words[i]) != NULL, "usage has '%s'", words[i]);
	ok(strncmp(text, "Usage: dfuse-util ", 18) == 0, "usage starts with Usage:");
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n > longest)
			longest = n;
		p += n;
		if (*p == '\n')
			p++;
	}
	ok(longest <= 80, "usage fits 80 columns (longest line %zu)", longest);
	ok(text[strlen(text) - 1] == '\n', "usage ends with a newline");

	/* Each option line of the text parses as an option (no stale names). */
	for (p = strstr(text, "\n  -"); p != NULL; p = strstr(p + 1, "\n  -")) {
		char word[32];
		size_t n = strcspn(p + 3, " [\n");
		char *argv[3] = { (char *)"dfuse-util", word, NULL };
		struct error err = { 0 };
		struct opts o;
		int rc;

		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, p + 3, n);
		word[n] = '\0';
		rc = opt_parse(2, argv, &o, &err);
		isnt_substr(rc == ERR_OK ? "" : err.msg, "unknown option",
			    "usage option '%s' is known", word);
	}
	check_usage_table(text);
	check_usage_buffer(text);
}

int main(void)
{
	check_parse_rows();
	check_exact_messages();
	check_caps();
	check_purity();
	check_usage();
	return done_testing();
}
