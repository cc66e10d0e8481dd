/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of src/options.c: the argv grammar, the mode each command line
 * adds up to, every error, the -s/-d/-S/-a/-p grammars and number edges.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "tap.h"

#define MAX_ARGS 16

static const char *mode_name(enum opt_mode m)
{
	switch (m) {
	case OPT_MODE_NONE:
		return "NONE";
	case OPT_MODE_LIST:
		return "LIST";
	case OPT_MODE_DETACH:
		return "DETACH";
	case OPT_MODE_UPLOAD:
		return "UPLOAD";
	case OPT_MODE_DOWNLOAD:
		return "DOWNLOAD";
	case OPT_MODE_VERSION:
		return "VERSION";
	case OPT_MODE_HELP:
		return "HELP";
	case OPT_MODE_COMMAND:
		return "COMMAND";
	case OPT_MODE_RESET:
		return "RESET";
	case OPT_MODE_INFO:
		return "INFO";
	case OPT_MODE_CONVERT:
		return "CONVERT";
	}
	return "?";
}

static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...) COMPAT_PRINTF(4, 5);

static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= size)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return n < 0 ? len : len + (size_t)n;
}

static size_t describe_id(char *buf, size_t size, size_t len, const char *key,
			  const struct opt_id *id)
{
	char vid[8], pid[8];

	if (!id->given)
		return put(buf, size, len, " %s=unset", key);
	if (id->none)
		return put(buf, size, len, " %s=-", key);
	snprintf(vid, sizeof(vid), id->any_vid ? "*" : "%04x", id->vid);
	snprintf(pid, sizeof(pid), id->any_pid ? "*" : "%04x", id->pid);
	return put(buf, size, len, " %s=%s:%s", key, vid, pid);
}

static size_t describe_dfuse(char *buf, size_t size, size_t len, const struct opt_dfuse *d)
{
	if (d->given)
		len = put(buf, size, len, " s.given");
	if (d->has_address)
		len = put(buf, size, len, " s.addr=0x%08X", (unsigned)d->address);
	if (d->has_length)
		len = put(buf, size, len, " s.len=%u", (unsigned)d->length);
	if (d->leave)
		len = put(buf, size, len, " s.leave");
	if (d->unprotect)
		len = put(buf, size, len, " s.unprotect");
	if (d->mass_erase)
		len = put(buf, size, len, " s.mass-erase");
	if (d->will_reset)
		len = put(buf, size, len, " s.will-reset");
	if (d->force)
		len = put(buf, size, len, " s.force");
	return len;
}

/* struct opts as "key=value" tokens; only what differs from the defaults. */
static void describe(const struct opts *o, char *buf, size_t size)
{
	size_t len = put(buf, size, 0, "mode=%s", mode_name(o->mode));

	if (o->verbose)
		len = put(buf, size, len, " v=%d", o->verbose);
	if (o->id_runtime.given)
		len = describe_id(buf, size, len, "rt", &o->id_runtime);
	if (o->id_dfu.given)
		len = describe_id(buf, size, len, "dfu", &o->id_dfu);
	if (o->serial_runtime.given)
		len = put(buf, size, len, " sn.rt=%s", o->serial_runtime.value);
	if (o->serial_dfu.given)
		len = put(buf, size, len, " sn.dfu=%s", o->serial_dfu.value);
	if (o->has_path)
		len = put(buf, size, len, " path=%s", o->path);
	if (o->has_devnum)
		len = put(buf, size, len, " devnum=%u", o->devnum);
	if (o->has_cfg)
		len = put(buf, size, len, " cfg=%u", o->cfg);
	if (o->has_intf)
		len = put(buf, size, len, " intf=%u", o->intf);
	if (o->has_alt && o->alt_is_name)
		len = put(buf, size, len, " altname=%s", o->alt_name);
	else if (o->has_alt)
		len = put(buf, size, len, " alt=%u", o->alt);
	if (o->has_transfer_size)
		len = put(buf, size, len, " xfer=%u", o->transfer_size);
	if (o->file != NULL)
		len = put(buf, size, len, " file=%s", o->file);
	if (o->has_upload_size)
		len = put(buf, size, len, " zsize=%u", (unsigned)o->upload_size);
	len = describe_dfuse(buf, size, len, &o->dfuse);
	if (o->detach)
		len = put(buf, size, len, " detach");
	len = put(buf, size, len, " delay=%u", o->detach_delay_s);
	if (o->wait)
		len = put(buf, size, len, " wait");
	if (o->has_wait_timeout)
		len = put(buf, size, len, " waitfor=%u", o->wait_timeout_s);
	if (o->reset)
		len = put(buf, size, len, " reset");
	if (o->verify)
		len = put(buf, size, len, " verify");
	if (o->diff)
		len = put(buf, size, len, " diff");
	if (o->dry_run)
		len = put(buf, size, len, " dry_run");
	if (o->all)
		len = put(buf, size, len, " all");
	if (o->json_file != NULL) {
		len = put(buf, size, len, " json=%s", o->json_file);
	}
	if (o->format != IMAGE_FORMAT_AUTO)
		len = put(buf, size, len, " format=%s", image_format_name(o->format));
	if (o->out_format != IMAGE_FORMAT_AUTO)
		len = put(buf, size, len, " out-format=%s", image_format_name(o->out_format));
	if (o->convert_out != NULL)
		len = put(buf, size, len, " out=%s", o->convert_out);
	if (o->has_usb_timeout)
		len = put(buf, size, len, " usbtimeout=%u", o->usb_timeout_ms);
	if (o->has_poll_timeout_max)
		len = put(buf, size, len, " pollmax=%u", (unsigned)o->poll_timeout_max_ms);
	if (o->require_suffix)
		len = put(buf, size, len, " requiresuffix");
}

/* Is @tok (of length @n) a whole token of @desc, or (as a key) the key of one? */
static bool has_token(const char *desc, const char *tok, size_t n, bool as_key)
{
	const char *p = desc;

	while (*p != '\0') {
		size_t m = strcspn(p, " ");

		if ((m == n || (as_key && m > n && p[n] == '=')) && memcmp(p, tok, n) == 0)
			return true;
		p += m;
		p += strspn(p, " ");
	}
	return false;
}

/*
 * Every token of @want must be in @desc; "!key" must not be (neither "key"
 * nor "key=..."). Returns the first failing token in @bad.
 */
static bool tokens_hold(const char *desc, const char *want, char *bad, size_t bad_size)
{
	const char *p = want + strspn(want, " ");

	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		bool neg = p[0] == '!';
		bool found =
			neg ? has_token(desc, p + 1, n - 1, true) : has_token(desc, p, n, false);

		if (found == neg) {
			snprintf(bad, bad_size, "%.*s", (int)n, p);
			return false;
		}
		p += n;
		p += strspn(p, " ");
	}
	return true;
}

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
					ok(o.alt_is_name && strcmp(o.alt_name, t) == 0,
					   "edge %s: alt name '%s'", line, o.alt_name);
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

/* Messages the user sees, whole. */
static void check_exact_messages(void)
{
	static const struct {
		const char *args[4];
		const char *msg;
	} rows[] = {
		{ { "-s", "0x08000000:f", "-D", "fw.bin" },
		  "-s 0x08000000:f: unknown modifier 'f' (expected leave, unprotect, mass-erase, "
		  "will-reset, force or a length)" },
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
	ok(o.alt_is_name && strlen(o.alt_name) == 255, "-a 255-byte name kept whole");
	argv[1] = (char *)"-S";
	is_int(opt_parse(4, argv, &o, &err), ERR_OK, "-S with a 255-byte serial");
	ok(strlen(o.serial_runtime.value) == 255 && strlen(o.serial_dfu.value) == 255,
	   "-S 255-byte serial on both halves");
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
	ok(!o.serial_runtime.given && strlen(o.serial_dfu.value) == 255, "-S ,S DFU half only");

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
	ok(strcmp(a1, "-a0") == 0 && strcmp(a3, "0x08000000:leave") == 0 &&
		   strcmp(a4, "--download=fw.bin") == 0,
	   "purity: argv untouched");
	ok(o1.file == a4 + strlen("--download="), "file points into argv");
	is_int(opt_parse(0, argv, &o1, &err), ERR_USAGE, "argc 0: no operation");
	is_int(opt_parse(1, argv, &o1, &err), ERR_USAGE, "argc 1: no operation");
	is_int(opt_parse(2, argv, &o1, NULL), ERR_USAGE, "a NULL error struct is allowed");
	/* The walk stops at argv[argc]: the "-x" after it would be an error. */
	is_int(opt_parse(2, (char *[]){ a0, (char *)"-l", (char *)"-x", NULL }, &o1, &err), ERR_OK,
	       "argv beyond argc is not read");
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
	const char *p = opt_usage_text;
	size_t longest = 0;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ok(strstr(opt_usage_text, lines[i]) != NULL, "usage lists '%s'", lines[i] + 1);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ok(strstr(opt_usage_text, words[i]) != NULL, "usage has '%s'", words[i]);
	ok(strncmp(opt_usage_text, "Usage: dfuse-util ", 18) == 0, "usage starts with Usage:");
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n > longest)
			longest = n;
		p += n;
		if (*p == '\n')
			p++;
	}
	ok(longest <= 80, "usage fits 80 columns (longest line %zu)", longest);
	ok(opt_usage_text[strlen(opt_usage_text) - 1] == '\n', "usage ends with a newline");

	/* Each option line of the text parses as an option (no stale names). */
	for (p = strstr(opt_usage_text, "\n  -"); p != NULL; p = strstr(p + 1, "\n  -")) {
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
		ok(rc == ERR_OK || strstr(err.msg, "unknown option") == NULL,
		   "usage option '%s' is known", word);
	}
}

int main(void)
{
	check_parse_rows();
	check_num_rows();
	check_dfuse_rows();
	check_dev_rows();
	check_match_rows();
	check_edges();
	check_exact_messages();
	check_caps();
	check_purity();
	check_usage();
	return done_testing();
}
