/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command-line parser: a hand-written argv walker (no getopt: its global
 * state breaks reentrancy and fuzzing), the checked number helper, and the
 * -s, -d, -S, -a and -p argument grammars. Pure: never prints or exits.
 */
#include "options.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* At most this many bytes of user text are echoed back in one message. */
#define OPT_ECHO 80

/* -v is counted up to here; more changes nothing and cannot overflow. */
#define OPT_VERBOSE_MAX 16

#define OPT_DETACH_DELAY_DEFAULT 5
#define OPT_DETACH_DELAY_MAX	 3600
/* --wait=SECONDS: a day is long enough for anyone plugging in a board. */
#define OPT_WAIT_MAX 86400

#define OPT_PATH_MAX	 (sizeof(((struct opts *)0)->path) - 1)
#define OPT_ALT_NAME_MAX (sizeof(((struct opts *)0)->alt_name) - 1)
#define OPT_SERIAL_MAX	 (sizeof(((struct opt_serial *)0)->value) - 1)

/* How an option takes its argument. */
enum opt_arg {
	OPT_ARG_NONE,
	OPT_ARG_REQUIRED,
	/*
	 * Only the long form takes one, and only attached with '=': getopt's
	 * optional arguments let dfu-util's "--wait -D fw.bin" be misread,
	 * so "--wait" alone never looks at the next word, and "-w" takes none.
	 */
	OPT_ARG_OPTIONAL_EQ,
};

/* One per option: its short letter, or a value above any char when it has none. */
enum opt_key {
	OPT_KEY_HELP = 'h',
	OPT_KEY_VERSION = 'V',
	OPT_KEY_VERBOSE = 'v',
	OPT_KEY_LIST = 'l',
	OPT_KEY_DETACH = 'e',
	OPT_KEY_DETACH_DELAY = 'E',
	OPT_KEY_DEVICE = 'd',
	OPT_KEY_DEVNUM = 'n',
	OPT_KEY_PATH = 'p',
	OPT_KEY_CFG = 'c',
	OPT_KEY_INTF = 'i',
	OPT_KEY_SERIAL = 'S',
	OPT_KEY_ALT = 'a',
	OPT_KEY_TRANSFER_SIZE = 't',
	OPT_KEY_UPLOAD = 'U',
	OPT_KEY_UPLOAD_SIZE = 'Z',
	OPT_KEY_DOWNLOAD = 'D',
	OPT_KEY_RESET = 'R',
	OPT_KEY_WAIT = 'w',
	OPT_KEY_DFUSE = 's',
	OPT_KEY_VERIFY = 256,
	OPT_KEY_DIFF,
	OPT_KEY_DRY_RUN,
	OPT_KEY_ALL,
	OPT_KEY_JSON,
	OPT_KEY_INFO,
	OPT_KEY_CONVERT,
	OPT_KEY_FORMAT,
	OPT_KEY_OUT_FORMAT,
	OPT_KEY_USB_TIMEOUT,
	OPT_KEY_POLL_TIMEOUT_MAX,
	OPT_KEY_REQUIRE_SUFFIX,
};

struct opt_def {
	enum opt_key key;
	const char *name; /* the long name, matched exactly */
	enum opt_arg arg;
};

static const struct opt_def opt_defs[] = {
	{ OPT_KEY_HELP, "help", OPT_ARG_NONE },
	{ OPT_KEY_VERSION, "version", OPT_ARG_NONE },
	{ OPT_KEY_VERBOSE, "verbose", OPT_ARG_NONE },
	{ OPT_KEY_LIST, "list", OPT_ARG_NONE },
	{ OPT_KEY_DETACH, "detach", OPT_ARG_NONE },
	{ OPT_KEY_DETACH_DELAY, "detach-delay", OPT_ARG_REQUIRED },
	{ OPT_KEY_DEVICE, "device", OPT_ARG_REQUIRED },
	{ OPT_KEY_DEVNUM, "devnum", OPT_ARG_REQUIRED },
	{ OPT_KEY_PATH, "path", OPT_ARG_REQUIRED },
	{ OPT_KEY_CFG, "cfg", OPT_ARG_REQUIRED },
	{ OPT_KEY_INTF, "intf", OPT_ARG_REQUIRED },
	{ OPT_KEY_SERIAL, "serial", OPT_ARG_REQUIRED },
	{ OPT_KEY_ALT, "alt", OPT_ARG_REQUIRED },
	{ OPT_KEY_TRANSFER_SIZE, "transfer-size", OPT_ARG_REQUIRED },
	{ OPT_KEY_UPLOAD, "upload", OPT_ARG_REQUIRED },
	{ OPT_KEY_UPLOAD_SIZE, "upload-size", OPT_ARG_REQUIRED },
	{ OPT_KEY_DOWNLOAD, "download", OPT_ARG_REQUIRED },
	{ OPT_KEY_RESET, "reset", OPT_ARG_NONE },
	{ OPT_KEY_WAIT, "wait", OPT_ARG_OPTIONAL_EQ },
	{ OPT_KEY_DFUSE, "dfuse-address", OPT_ARG_REQUIRED },
	{ OPT_KEY_VERIFY, "verify", OPT_ARG_NONE },
	{ OPT_KEY_DIFF, "diff", OPT_ARG_NONE },
	{ OPT_KEY_DRY_RUN, "dry-run", OPT_ARG_NONE },
	{ OPT_KEY_ALL, "all", OPT_ARG_NONE },
	{ OPT_KEY_JSON, "json", OPT_ARG_REQUIRED },
	{ OPT_KEY_INFO, "info", OPT_ARG_REQUIRED },
	{ OPT_KEY_CONVERT, "convert", OPT_ARG_REQUIRED },
	{ OPT_KEY_FORMAT, "format", OPT_ARG_REQUIRED },
	{ OPT_KEY_OUT_FORMAT, "out-format", OPT_ARG_REQUIRED },
	{ OPT_KEY_USB_TIMEOUT, "usb-timeout", OPT_ARG_REQUIRED },
	{ OPT_KEY_POLL_TIMEOUT_MAX, "poll-timeout-max", OPT_ARG_REQUIRED },
	{ OPT_KEY_REQUIRE_SUFFIX, "require-suffix", OPT_ARG_NONE },
};

/* What the walk saw that struct opts does not keep, for the checks at the end. */
struct opt_walk {
	enum opt_mode info; /* the first of -h / -V, or OPT_MODE_NONE */
	bool list;
	bool upload, upload_twice;
	bool download, download_twice;
	const char *upload_file, *download_file;
	const char *dfuse_arg; /* the last -s text, for messages */
	const char *info_file; /* --info FILE */
	bool info_twice, convert_twice;
	bool format, out_format; /* --format / --out-format given */
	bool detach_delay;	 /* -E given */
};

const char opt_usage_text[] =
	"Usage: dfuse-util [options] ...\n"
	"  -h --help                 Print this help text and exit\n"
	"  -V --version              Print the version and exit\n"
	"  -v --verbose              Say more; repeat for more (-vvv: USB requests)\n"
	"  -l --list                 List the attached DFU capable USB devices\n"
	"  -e --detach               Ask a run-time device to switch to DFU mode\n"
	"  -E --detach-delay SECONDS Wait this long for the device after a detach\n"
	"                            (default 5)\n"
	"  -d --device VID:PID[,VID_DFU:PID_DFU]\n"
	"                            Select the device by run-time and/or DFU mode IDs\n"
	"                            (hex; '*' or empty: any, '-': none)\n"
	"  -n --devnum DEVNUM        Select the device by device number (see --list)\n"
	"  -p --path BUS-PORT.PORT...\n"
	"                            Select the device by its USB path\n"
	"  -c --cfg CONFIG           Select the configuration of the DFU device\n"
	"  -i --intf INTF            Select the DFU interface number\n"
	"  -S --serial SERIAL[,SERIAL_DFU]\n"
	"                            Select the device by run-time and/or DFU mode serial\n"
	"  -a --alt ALT              Select the alternate setting by number or name\n"
	"  -t --transfer-size BYTES  Bytes per USB transfer (normally the device's)\n"
	"  -U --upload FILE          Read the device memory into FILE\n"
	"  -Z --upload-size BYTES    Expected upload size; the length to read when -s\n"
	"                            gives none (dfuse-util)\n"
	"  -D --download FILE        Write FILE into the device memory\n"
	"  -R --reset                Reset the USB device when done\n"
	"  -w --wait[=SECONDS]       Wait for the device to appear (=SECONDS: a limit,\n"
	"                            dfuse-util)\n"
	"  -s --dfuse-address ADDRESS[:LENGTH][:MODIFIER]...\n"
	"                            DfuSe target address for a raw binary (not for\n"
	"                            .dfu files), then fields separated by ':':\n"
	"        LENGTH              how many bytes -U reads\n"
	"        leave               leave DFU mode and start the application\n"
	"        mass-erase          erase the whole flash (needs force)\n"
	"        unprotect           remove read protection, erasing the flash\n"
	"                            (needs force)\n"
	"        will-reset          the device is expected to reset (option bytes)\n"
	"        force               skip safety checks; needed by mass-erase, unprotect\n"
	"  --verify                  After -D, read the memory back and compare\n"
	"                            (dfuse-util)\n"
	"  --diff                    With -D, write only the sectors that differ\n"
	"                            (dfuse-util)\n"
	"  --dry-run                 With -D, print the plan (erase, write, --diff) and\n"
	"                            write nothing (dfuse-util)\n"
	"  --all                     Operate on every matching device at once (-D, -U,\n"
	"                            -s commands, -e, -R); -U's FILE must contain\n"
	"                            {serial} or {path} (dfuse-util)\n"
	"  --json FILE               Write the result of the run, per device, as JSON\n"
	"                            to FILE ('-': stdout) (dfuse-util)\n"
	"  --format FORMAT           Read the -D, --info or --convert input as FORMAT:\n"
	"                            bin, dfu, hex, srec or elf (default: by contents)\n"
	"  --info FILE               Print what an image file holds: format, pieces,\n"
	"                            .dfu targets, DFU suffix; no device (dfuse-util)\n"
	"  --convert OUT             Convert the -D file into OUT instead of writing a\n"
	"                            device: -s ADDRESS places a raw input, -d VID:PID\n"
	"                            and -a ALT fill a .dfu output (dfuse-util)\n"
	"  --out-format FORMAT       The --convert output format: bin, dfu, hex or srec\n"
	"                            (default: by OUT's extension)\n"
	"  --usb-timeout MS          Timeout of one USB control transfer (default 5000;\n"
	"                            more after an erase; dfuse-util)\n"
	"  --poll-timeout-max MS     Wait at most MS between status polls, whatever the\n"
	"                            device announces (dfuse-util)\n"
	"  --require-suffix          With -D, refuse a raw image without a valid DFU\n"
	"                            suffix (dfuse-util)\n"
	"\n"
	"mass-erase and unprotect also erase a bootloader that runs from flash (every\n"
	"STM32F103 board, for one): the board then no longer answers over USB.\n"
	"\n"
	"Examples with a DfuSe device:\n"
	"  Write a DfuSe (.dfu) image:\n"
	"    dfuse-util -a 0 -D /path/to/dfuse-image.dfu\n"
	"  Read 1 KiB of flash from address 0x08000000:\n"
	"    dfuse-util -a 0 -s 0x08000000:1024 -U newfile.bin\n"
	"  Write a raw binary at 0x08004000, then leave DFU mode:\n"
	"    dfuse-util -a 0 -s 0x08004000:leave -D /path/to/image.bin\n"
	"  Convert a raw binary into a .dfu for alt 0 of a 0483:df11 device:\n"
	"    dfuse-util -s 0x08000000 -d 0483:df11 -a 0 -D image.bin --convert image.dfu\n";

static int opt_digit(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Bounds as the user would write them: decimal for counts, hex for addresses. */
static void opt_format_bound(char *buf, size_t size, uint64_t v)
{
	if (v > 1000000)
		snprintf(buf, size, "0x%" PRIX64, v);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

/*
 * dfu-util read every number with strtoul(), which skips leading white space,
 * and callers depend on it: Zephyr's rtsflash runner passes "-d 0483:df11" as
 * one argument, so the value arrives as " 0483:df11". Only the C locale's
 * isspace() set, and only in front: a sign or trailing text stays an error.
 */
static const char *opt_skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\v' || *s == '\f' || *s == '\r')
		s++;
	return s;
}

int opt_strtonum(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		 struct error *err)
{
	const char *t, *digits;
	unsigned base = 10;
	bool overflow = false;
	uint64_t v = 0;
	char lo[24], hi[24];
	const char *p;

	if (s == NULL || *s == '\0')
		return error_set(err, ERR_USAGE, "%s is empty", what);
	t = opt_skip_blanks(s);
	if (*t == '\0')
		return error_set(err, ERR_USAGE, "%s '%.*s' has no digits", what, OPT_ECHO, s);
	digits = t;
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		base = 16;
		digits = t + 2;
		if (*digits == '\0')
			return error_set(err, ERR_USAGE, "%s '%s' has no digits after 0x", what, s);
	}
	for (p = digits; *p != '\0'; p++) {
		if (opt_digit(*p, base) < 0)
			return error_set(err, ERR_USAGE,
					 "%s '%.*s' is not a number (decimal, or hex with 0x)",
					 what, OPT_ECHO, s);
	}
	if (base == 10 && t[0] == '0' && t[1] != '\0') {
		/*
		 * strtoul(..., 0) would read this as octal, and "08000000" is
		 * nearly always hex missing its 0x: refuse it rather than guess.
		 */
		const char *dec = t;

		while (dec[0] == '0' && dec[1] != '\0')
			dec++;
		return error_set(err, ERR_USAGE,
				 "%s '%.*s' has a leading zero (octal is not accepted): "
				 "write 0x%.*s for hex or %.*s for decimal",
				 what, OPT_ECHO, s, OPT_ECHO, t, OPT_ECHO, dec);
	}
	for (p = digits; *p != '\0' && !overflow; p++) {
		uint64_t d = (uint64_t)opt_digit(*p, base);

		if (__builtin_mul_overflow(v, (uint64_t)base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			overflow = true;
	}
	if (overflow || v < min || v > max) {
		opt_format_bound(lo, sizeof(lo), min);
		opt_format_bound(hi, sizeof(hi), max);
		return error_set(err, ERR_USAGE, "%s %.*s out of range (%s..%s)", what, OPT_ECHO, s,
				 lo, hi);
	}
	*out = v;
	return ERR_OK;
}

/* The -s modifiers, matched exactly: dfu-util matched by prefix and read past the end. */
static bool opt_dfuse_modifier(struct opt_dfuse *d, const char *f, size_t n)
{
	static const struct {
		const char *name;
		size_t offset;
	} mods[] = {
		{ "leave", offsetof(struct opt_dfuse, leave) },
		{ "unprotect", offsetof(struct opt_dfuse, unprotect) },
		{ "mass-erase", offsetof(struct opt_dfuse, mass_erase) },
		{ "will-reset", offsetof(struct opt_dfuse, will_reset) },
		{ "force", offsetof(struct opt_dfuse, force) },
	};

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		if (strlen(mods[i].name) == n && memcmp(mods[i].name, f, n) == 0) {
			/* A repeated modifier asks for the same thing twice: harmless. */
			*(bool *)((char *)d + mods[i].offset) = true;
			return true;
		}
	}
	return false;
}

/* Is the first non-blank character of @f (length @n) a digit? Then it is a number. */
static bool opt_starts_with_digit(const char *f, size_t n)
{
	const char *t = opt_skip_blanks(f);

	return (size_t)(t - f) < n && *t >= '0' && *t <= '9';
}

/* Copy field @f of length @n into @buf for opt_strtonum (which needs a string). */
static bool opt_field_copy(char *buf, size_t size, const char *f, size_t n)
{
	if (n >= size)
		return false;
	memcpy(buf, f, n);
	buf[n] = '\0';
	return true;
}

int opt_parse_dfuse(const char *s, struct opt_dfuse *d, struct error *err)
{
	/* Longer than any valid number; a longer field is refused as too long. */
	char num[32];
	const char *f, *end;
	uint64_t v;
	size_t n;
	int rc;

	memset(d, 0, sizeof(*d));
	if (s == NULL || *s == '\0')
		return error_set(err, ERR_USAGE,
				 "empty argument (expected ADDRESS[:LENGTH]"
				 "[:MODIFIER]...)");
	end = strchr(s, ':');
	n = end != NULL ? (size_t)(end - s) : strlen(s);
	if (n > 0) {
		if (opt_dfuse_modifier(d, s, n))
			return error_set(err, ERR_USAGE,
					 "address missing before '%.*s' (write ':%.*s' to give "
					 "no address)",
					 (int)n, s, (int)n, s);
		if (!opt_field_copy(num, sizeof(num), s, n))
			return error_set(err, ERR_USAGE, "address '%.*s' is too long",
					 (int)(n > OPT_ECHO ? OPT_ECHO : n), s);
		rc = opt_strtonum(num, 0, UINT32_MAX, "address", &v, err);
		if (rc != ERR_OK)
			return rc;
		d->has_address = true;
		d->address = (uint32_t)v;
	}
	while (end != NULL) {
		f = end + 1;
		end = strchr(f, ':');
		n = end != NULL ? (size_t)(end - f) : strlen(f);
		if (n == 0)
			return error_set(err, ERR_USAGE, "empty field (a stray ':')");
		if (opt_starts_with_digit(f, n)) {
			if (d->has_length)
				return error_set(err, ERR_USAGE,
						 "a second length '%.*s' (only one is allowed)",
						 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
			if (!opt_field_copy(num, sizeof(num), f, n))
				return error_set(err, ERR_USAGE, "length '%.*s' is too long",
						 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
			rc = opt_strtonum(num, 1, UINT32_MAX, "length", &v, err);
			if (rc != ERR_OK)
				return rc;
			d->has_length = true;
			d->length = (uint32_t)v;
			continue;
		}
		if (!opt_dfuse_modifier(d, f, n))
			return error_set(err, ERR_USAGE,
					 "unknown modifier '%.*s' (expected leave, unprotect, "
					 "mass-erase, will-reset, force or a length)",
					 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
	}
	if (d->unprotect && d->mass_erase)
		return error_set(err, ERR_USAGE,
				 "unprotect and mass-erase together: pick one (unprotect already "
				 "erases the flash)");
	if ((d->unprotect || d->mass_erase) && !d->force)
		return error_set(err, ERR_USAGE,
				 "%s requires force: it erases the whole flash, including a "
				 "bootloader that runs from flash (STM32F103 boards, for one), "
				 "which bricks the board; add ':force' if you are sure",
				 d->unprotect ? "unprotect" : "mass-erase");
	if (d->has_address && d->has_length &&
	    (uint64_t)d->address + d->length > (uint64_t)UINT32_MAX + 1)
		return error_set(err, ERR_USAGE,
				 "address 0x%08" PRIX32 " + length 0x%" PRIX32
				 " runs past the 4 GiB address space",
				 d->address, d->length);
	d->given = true;
	return ERR_OK;
}

/*
 * One VID or PID of -d: 1-4 hex digits (0x allowed), "*" any, "-" none,
 * empty = "not said" (the caller picks the default).
 */
static int opt_id_field(const char *f, size_t n, const char *what, bool *empty, bool *any,
			bool *none, uint16_t *val, struct error *err)
{
	const char *digits;
	size_t nd, skip;
	unsigned v = 0;

	/* Blanks in front, as strtoul() skipped them; "0483 " stays an error. */
	skip = (size_t)(opt_skip_blanks(f) - f);
	if (skip > n)
		skip = n;
	digits = f + skip;
	nd = n - skip;
	*empty = nd == 0;
	*any = nd == 1 && digits[0] == '*';
	*none = nd == 1 && digits[0] == '-';
	if (*empty || *any || *none)
		return ERR_OK;
	if (nd > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
		digits += 2;
		nd -= 2;
	}
	if (nd == 0 || nd > 4)
		goto bad;
	for (size_t i = 0; i < nd; i++) {
		int d = opt_digit(digits[i], 16);

		if (d < 0)
			goto bad;
		v = v * 16 + (unsigned)d;
	}
	*val = (uint16_t)v;
	return ERR_OK;
bad:
	return error_set(err, ERR_USAGE, "%s '%.*s' is not 1-4 hex digits, '*' or '-'", what,
			 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
}

/*
 * One half of -d, "VID[:PID]" of length @n. Empty fields take @dflt's values
 * (the run-time half's for a DFU half after it, else any).
 */
static int opt_id_half(const char *s, size_t n, const struct opt_id *dflt, struct opt_id *id,
		       struct error *err)
{
	const char *colon = memchr(s, ':', n);
	size_t nv = colon != NULL ? (size_t)(colon - s) : n;
	bool empty, any, none;
	uint16_t val = 0;
	int rc;

	*id = *dflt;
	rc = opt_id_field(s, nv, "vendor ID", &empty, &any, &none, &val, err);
	if (rc != ERR_OK)
		return rc;
	if (none)
		id->none = true;
	else if (any)
		id->any_vid = true;
	else if (!empty) {
		id->any_vid = false;
		id->vid = val;
	}
	if (colon != NULL) {
		rc = opt_id_field(colon + 1, n - nv - 1, "product ID", &empty, &any, &none, &val,
				  err);
		if (rc != ERR_OK)
			return rc;
		if (none)
			id->none = true;
		else if (any)
			id->any_pid = true;
		else if (!empty) {
			id->any_pid = false;
			id->pid = val;
		}
	}
	/* "*:*" or ":" restricts nothing: such a half counts as not given. */
	id->given = id->none || !id->any_vid || !id->any_pid;
	return ERR_OK;
}

int opt_parse_devices(const char *s, struct opt_id *runtime, struct opt_id *dfu, struct error *err)
{
	static const struct opt_id any = { .any_vid = true, .any_pid = true };
	const char *comma;
	int rc;

	*runtime = any;
	*dfu = any;
	if (s == NULL)
		return ERR_OK;
	comma = strchr(s, ',');
	if (comma == s) {
		/* Only DFU-mode IDs: run-time devices are ignored (dfu-util(1)). */
		runtime->given = true;
		runtime->none = true;
	} else {
		rc = opt_id_half(s, comma != NULL ? (size_t)(comma - s) : strlen(s), &any, runtime,
				 err);
		if (rc != ERR_OK)
			return error_wrap(err, "run-time half");
	}
	if (comma == NULL)
		return ERR_OK; /* run-time IDs alone: any DFU-mode device is also taken */
	/* With both halves, what the DFU half leaves out is the run-time value. */
	rc = opt_id_half(comma + 1, strlen(comma + 1), runtime->none ? &any : runtime, dfu, err);
	if (rc != ERR_OK)
		return error_wrap(err, "DFU-mode half");
	return ERR_OK;
}

bool opt_id_match(const struct opt_id *id, uint16_t vid, uint16_t pid)
{
	if (!id->given)
		return true;
	if (id->none)
		return false;
	return (id->any_vid || id->vid == vid) && (id->any_pid || id->pid == pid);
}

static int opt_serial_half(const char *s, size_t n, struct opt_serial *ser, struct error *err)
{
	memset(ser, 0, sizeof(*ser));
	if (n > OPT_SERIAL_MAX)
		return error_set(err, ERR_USAGE, "serial number longer than %zu bytes",
				 OPT_SERIAL_MAX);
	/* An empty serial matches any device (dfu-util(1)). */
	ser->given = n > 0;
	memcpy(ser->value, s, n);
	ser->value[n] = '\0';
	return ERR_OK;
}

/* -S S (both modes), S1,S2 (run-time, DFU mode); the first comma splits. */
static int opt_parse_serial(const char *s, struct opts *o, struct error *err)
{
	const char *comma = strchr(s, ',');
	int rc;

	if (comma == NULL) {
		rc = opt_serial_half(s, strlen(s), &o->serial_runtime, err);
		if (rc == ERR_OK)
			o->serial_dfu = o->serial_runtime;
		return rc;
	}
	rc = opt_serial_half(s, (size_t)(comma - s), &o->serial_runtime, err);
	if (rc != ERR_OK)
		return rc;
	return opt_serial_half(comma + 1, strlen(comma + 1), &o->serial_dfu, err);
}

/*
 * -a N or -a NAME. Text starting with a digit is a number, and must be a
 * valid one: "1O" or "0x1g" is a typo far more often than a device's name.
 */
static int opt_parse_alt(const char *s, struct opts *o, struct error *err)
{
	size_t n = strlen(s);
	uint64_t v;
	int rc;

	o->has_alt = false;
	o->alt_is_name = false;
	o->alt = 0;
	o->alt_name[0] = '\0';
	if (n == 0)
		return error_set(err, ERR_USAGE, "alternate setting is empty");
	if (opt_starts_with_digit(s, n)) {
		rc = opt_strtonum(s, 0, 255, "alternate setting", &v, err);
		if (rc != ERR_OK)
			return rc;
		o->alt = (uint8_t)v;
	} else {
		if (n > OPT_ALT_NAME_MAX)
			return error_set(err, ERR_USAGE,
					 "alternate setting name longer than %zu bytes",
					 OPT_ALT_NAME_MAX);
		memcpy(o->alt_name, s, n + 1);
		o->alt_is_name = true;
	}
	o->has_alt = true;
	return ERR_OK;
}

/* -p BUS-PORT[.PORT]...: the shape libusb port numbers print as. */
static int opt_parse_path(const char *s, struct opts *o, struct error *err)
{
	size_t n = strlen(s);
	bool digit = false; /* the current group has a digit */
	bool dash = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digit = true;
			continue;
		}
		if (!digit || (s[i] == '-' && dash) || (s[i] == '.' && !dash) ||
		    (s[i] != '-' && s[i] != '.'))
			goto bad;
		dash = true;
		digit = false;
	}
	if (!dash || !digit)
		goto bad;
	if (n > OPT_PATH_MAX)
		return error_set(err, ERR_USAGE, "path longer than %zu bytes", OPT_PATH_MAX);
	memcpy(o->path, s, n + 1);
	o->has_path = true;
	return ERR_OK;
bad:
	return error_set(err, ERR_USAGE, "path '%.*s' is not BUS-PORT[.PORT]... (e.g. 1-1.2)",
			 OPT_ECHO, s);
}

static int opt_number(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		      const char *spelled, struct error *err)
{
	int rc = opt_strtonum(s, min, max, what, out, err);

	if (rc != ERR_OK)
		return error_wrap(err, "%s", spelled);
	return ERR_OK;
}

/* Apply one option; @spelled is how the user wrote it ("-a", "--alt"), for messages. */
static int opt_apply(const struct opt_def *def, const char *arg, const char *spelled,
		     struct opts *o, struct opt_walk *w, struct error *err)
{
	uint64_t v;
	int rc = ERR_OK;

	switch (def->key) {
	case OPT_KEY_HELP:
		if (w->info == OPT_MODE_NONE)
			w->info = OPT_MODE_HELP;
		break;
	case OPT_KEY_VERSION:
		if (w->info == OPT_MODE_NONE)
			w->info = OPT_MODE_VERSION;
		break;
	case OPT_KEY_VERBOSE:
		if (o->verbose < OPT_VERBOSE_MAX)
			o->verbose++;
		break;
	case OPT_KEY_LIST:
		w->list = true;
		break;
	case OPT_KEY_DETACH:
		o->detach = true;
		break;
	case OPT_KEY_DETACH_DELAY:
		rc = opt_number(arg, 0, OPT_DETACH_DELAY_MAX, "detach delay", &v, spelled, err);
		if (rc == ERR_OK)
			o->detach_delay_s = (unsigned)v;
		w->detach_delay = true;
		break;
	case OPT_KEY_DEVICE:
		rc = opt_parse_devices(arg, &o->id_runtime, &o->id_dfu, err);
		if (rc != ERR_OK)
			error_wrap(err, "%s %.*s", spelled, OPT_ECHO, arg);
		break;
	case OPT_KEY_DEVNUM:
		rc = opt_number(arg, 0, 255, "device number", &v, spelled, err);
		if (rc == ERR_OK) {
			o->has_devnum = true;
			o->devnum = (uint8_t)v;
		}
		break;
	case OPT_KEY_PATH:
		rc = opt_parse_path(arg, o, err);
		if (rc != ERR_OK)
			error_wrap(err, "%s", spelled);
		break;
	case OPT_KEY_CFG:
		rc = opt_number(arg, 0, 255, "configuration", &v, spelled, err);
		if (rc == ERR_OK) {
			o->has_cfg = true;
			o->cfg = (uint8_t)v;
		}
		break;
	case OPT_KEY_INTF:
		rc = opt_number(arg, 0, 255, "interface", &v, spelled, err);
		if (rc == ERR_OK) {
			o->has_intf = true;
			o->intf = (uint8_t)v;
		}
		break;
	case OPT_KEY_SERIAL:
		rc = opt_parse_serial(arg, o, err);
		if (rc != ERR_OK)
			error_wrap(err, "%s", spelled);
		break;
	case OPT_KEY_ALT:
		rc = opt_parse_alt(arg, o, err);
		if (rc != ERR_OK)
			error_wrap(err, "%s", spelled);
		break;
	case OPT_KEY_TRANSFER_SIZE:
		rc = opt_number(arg, 1, 65535, "transfer size", &v, spelled, err);
		if (rc == ERR_OK) {
			o->has_transfer_size = true;
			o->transfer_size = (uint16_t)v;
		}
		break;
	case OPT_KEY_UPLOAD:
	case OPT_KEY_DOWNLOAD:
		if (*arg == '\0')
			return error_set(err, ERR_USAGE, "%s: empty file name", spelled);
		if (def->key == OPT_KEY_UPLOAD) {
			w->upload_twice = w->upload;
			w->upload = true;
			w->upload_file = arg;
		} else {
			w->download_twice = w->download;
			w->download = true;
			w->download_file = arg;
		}
		break;
	case OPT_KEY_UPLOAD_SIZE:
		rc = opt_number(arg, 1, UINT32_MAX, "upload size", &v, spelled, err);
		if (rc == ERR_OK) {
			o->has_upload_size = true;
			o->upload_size = (uint32_t)v;
		}
		break;
	case OPT_KEY_RESET:
		o->reset = true;
		break;
	case OPT_KEY_WAIT:
		o->wait = true;
		o->has_wait_timeout = false;
		if (arg != NULL) {
			rc = opt_number(arg, 1, OPT_WAIT_MAX, "wait timeout", &v, spelled, err);
			if (rc == ERR_OK) {
				o->has_wait_timeout = true;
				o->wait_timeout_s = (unsigned)v;
			}
		}
		break;
	case OPT_KEY_DFUSE:
		rc = opt_parse_dfuse(arg, &o->dfuse, err);
		if (rc != ERR_OK)
			error_wrap(err, "%s %.*s", spelled, OPT_ECHO, arg);
		w->dfuse_arg = arg;
		break;
	case OPT_KEY_VERIFY:
		o->verify = true;
		break;
	case OPT_KEY_DIFF:
		o->diff = true;
		break;
	case OPT_KEY_DRY_RUN:
		o->dry_run = true;
		break;
	case OPT_KEY_ALL:
		o->all = true;
		break;
	case OPT_KEY_JSON:
		if (*arg == '\0')
			return error_set(err, ERR_USAGE, "%s: empty file name", spelled);
		o->json_file = arg;
		break;
	case OPT_KEY_INFO:
	case OPT_KEY_CONVERT:
		if (*arg == '\0')
			return error_set(err, ERR_USAGE, "%s: empty file name", spelled);
		if (def->key == OPT_KEY_INFO) {
			w->info_twice = w->info_file != NULL;
			w->info_file = arg;
		} else {
			w->convert_twice = o->convert_out != NULL;
			o->convert_out = arg;
		}
		break;
	case OPT_KEY_FORMAT:
	case OPT_KEY_OUT_FORMAT: {
		enum image_format f;

		if (!image_format_from_name(arg, &f))
			return error_set(err, ERR_USAGE,
					 "%s '%.*s': unknown format (bin, dfu, hex, srec, elf)",
					 spelled, OPT_ECHO, arg);
		if (def->key == OPT_KEY_FORMAT) {
			o->format = f;
			w->format = true;
		} else {
			o->out_format = f;
			w->out_format = true;
		}
		break;
	}
	case OPT_KEY_USB_TIMEOUT:
		rc = opt_number(arg, 1, 600000, "timeout in milliseconds", &v, spelled, err);
		if (rc == ERR_OK) {
			o->has_usb_timeout = true;
			o->usb_timeout_ms = (unsigned)v;
		}
		break;
	case OPT_KEY_POLL_TIMEOUT_MAX:
		rc = opt_number(arg, 1, 600000, "timeout in milliseconds", &v, spelled, err);
		if (rc == ERR_OK) {
			o->has_poll_timeout_max = true;
			o->poll_timeout_max_ms = (uint32_t)v;
		}
		break;
	case OPT_KEY_REQUIRE_SUFFIX:
		o->require_suffix = true;
		break;
	}
	return rc;
}

static const struct opt_def *opt_find_short(char c)
{
	for (size_t i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++)
		if ((int)opt_defs[i].key == (unsigned char)c)
			return &opt_defs[i];
	return NULL;
}

/*
 * Long names match exactly. getopt_long also takes any unambiguous prefix
 * ("--down"), so a script using one breaks as soon as a new option shares
 * it; exact names keep every command line that works today working.
 */
static const struct opt_def *opt_find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++)
		if (strlen(opt_defs[i].name) == n && memcmp(opt_defs[i].name, name, n) == 0)
			return &opt_defs[i];
	return NULL;
}

static int opt_long(int argc, char *const argv[], int *i, struct opts *o, struct opt_walk *w,
		    struct error *err)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t n = eq != NULL ? (size_t)(eq - name) : strlen(name);
	const struct opt_def *def = opt_find_long(name, n);
	const char *arg = NULL;
	char spelled[32];

	if (def == NULL)
		return error_set(err, ERR_USAGE, "unknown option '--%.*s' (try -h)",
				 (int)(n > OPT_ECHO ? OPT_ECHO : n), name);
	snprintf(spelled, sizeof(spelled), "--%s", def->name);
	switch (def->arg) {
	case OPT_ARG_NONE:
		if (eq != NULL)
			return error_set(err, ERR_USAGE, "option '%s' takes no argument", spelled);
		break;
	case OPT_ARG_REQUIRED:
		if (eq != NULL) {
			arg = eq + 1;
		} else {
			if (*i + 1 >= argc || argv[*i + 1] == NULL)
				return error_set(err, ERR_USAGE, "option '%s' requires an argument",
						 spelled);
			arg = argv[++*i];
		}
		break;
	case OPT_ARG_OPTIONAL_EQ:
		if (eq != NULL)
			arg = eq + 1;
		break;
	}
	return opt_apply(def, arg, spelled, o, w, err);
}

/* A cluster of short options: "-lv", "-a0", "-Dfile", "-s" "0x08000000". */
static int opt_short(int argc, char *const argv[], int *i, struct opts *o, struct opt_walk *w,
		     struct error *err)
{
	const char *a = argv[*i];

	for (size_t j = 1; a[j] != '\0'; j++) {
		const struct opt_def *def = opt_find_short(a[j]);
		char spelled[3] = { '-', a[j], '\0' };
		const char *arg = NULL;
		int rc;

		if (def == NULL) {
			if (a[j] > ' ' && a[j] < 0x7f)
				return error_set(err, ERR_USAGE, "unknown option '-%c' (try -h)",
						 a[j]);
			return error_set(err, ERR_USAGE, "unknown option byte 0x%02X (try -h)",
					 (unsigned)(unsigned char)a[j]);
		}
		if (def->arg == OPT_ARG_REQUIRED) {
			if (a[j + 1] != '\0') {
				arg = a + j + 1;
			} else {
				if (*i + 1 >= argc || argv[*i + 1] == NULL)
					return error_set(err, ERR_USAGE,
							 "option '%s' requires an argument",
							 spelled);
				arg = argv[++*i];
			}
		}
		rc = opt_apply(def, arg, spelled, o, w, err);
		if (rc != ERR_OK || arg != NULL)
			return rc;
	}
	return ERR_OK;
}

/*
 * --info FILE and --convert OUT -D IN touch no device: only the options that
 * shape the image (-s ADDRESS, -d, -a, --format, --out-format, -v) go with them.
 */
static int opt_finish_offline(struct opts *o, const struct opt_walk *w, struct error *err)
{
	const struct opt_dfuse *d = &o->dfuse;
	const char *mode = w->info_file != NULL ? "--info" : "--convert";
	const char *other = NULL;
	bool convert = o->convert_out != NULL;

	if (w->info_twice || w->convert_twice)
		return error_set(err, ERR_USAGE, "%s given twice (one file per run)", mode);
	if (w->info_file != NULL && convert)
		return error_set(err, ERR_USAGE, "--info and --convert cannot be combined");
	if (convert && !w->download)
		return error_set(err, ERR_USAGE, "--convert OUT needs its input: -D FILE");
	if (w->download_twice)
		return error_set(err, ERR_USAGE, "-D given twice (one input per run)");
	if (w->upload)
		other = "-U";
	else if (w->info_file != NULL && w->download)
		other = "-D";
	else if (w->list)
		other = "-l";
	else if (o->detach || w->detach_delay)
		other = "-e or -E";
	else if (o->reset)
		other = "-R";
	else if (o->wait)
		other = "-w";
	else if (o->has_upload_size)
		other = "-Z";
	else if (o->verify)
		other = "--verify";
	else if (o->diff)
		other = "--diff";
	else if (o->dry_run)
		other = "--dry-run";
	else if (o->all)
		other = "--all";
	else if (o->json_file != NULL)
		other = "--json";
	else if (o->has_path || o->has_devnum || o->serial_runtime.given || o->serial_dfu.given)
		other = "a device selection (-p, -n, -S)";
	else if (o->has_cfg || o->has_intf || o->has_transfer_size)
		other = "-c, -i or -t";
	else if (!convert && (o->id_runtime.given || o->id_dfu.given || o->has_alt))
		other = "-d or -a";
	else if (!convert && w->out_format)
		other = "--out-format";
	if (other != NULL)
		return error_set(err, ERR_USAGE, "%s works on files only: %s does not apply", mode,
				 other);
	if (d->given && (d->has_length || d->leave || d->unprotect || d->mass_erase ||
			 d->will_reset || d->force || !d->has_address))
		return error_set(err, ERR_USAGE,
				 "-s with %s takes only an ADDRESS (where a raw input goes)", mode);
	o->mode = convert ? OPT_MODE_CONVERT : OPT_MODE_INFO;
	o->file = convert ? w->download_file : w->info_file;
	return ERR_OK;
}

/* The checks between options, and the mode they add up to. */
static int opt_finish(struct opts *o, const struct opt_walk *w, struct error *err)
{
	const struct opt_dfuse *d = &o->dfuse;
	const char *sarg = w->dfuse_arg != NULL ? w->dfuse_arg : "";
	bool command = d->leave || d->unprotect || d->mass_erase;

	/*
	 * -h and -V win over every conflict between options, as in dfu-util
	 * where they exit at once; an option that could not be read at all
	 * (unknown, bad number, missing argument) was already an error.
	 */
	if (w->info != OPT_MODE_NONE) {
		o->mode = w->info;
		return ERR_OK;
	}
	if (w->info_file != NULL || o->convert_out != NULL)
		return opt_finish_offline(o, w, err);
	if (w->out_format)
		return error_set(err, ERR_USAGE, "--out-format only applies to --convert");
	if (w->format && !w->download)
		return error_set(err, ERR_USAGE,
				 "--format only applies to -D, --info and --convert");
	if (w->upload_twice)
		return error_set(err, ERR_USAGE, "-U given twice (one upload per run)");
	if (w->download_twice)
		return error_set(err, ERR_USAGE, "-D given twice (one download per run)");
	if (w->upload && w->download)
		return error_set(err, ERR_USAGE, "-U and -D cannot be combined (one per run)");
	if (w->list) {
		const char *other = NULL;

		if (w->upload)
			other = "-U";
		else if (w->download)
			other = "-D";
		else if (o->detach)
			other = "-e";
		else if (o->reset)
			other = "-R";
		else if (d->given)
			other = "-s";
		if (other != NULL)
			return error_set(err, ERR_USAGE,
					 "-l cannot be combined with %s (it only lists devices)",
					 other);
	}
	if (o->has_upload_size && !w->upload)
		return error_set(err, ERR_USAGE, "-Z only applies to -U");
	if (o->verify && !w->download)
		return error_set(err, ERR_USAGE, "--verify only applies to -D");
	if (o->diff && !w->download)
		return error_set(err, ERR_USAGE, "--diff only applies to -D");
	if (o->dry_run && !w->download)
		return error_set(err, ERR_USAGE, "--dry-run only applies to -D");
	if (o->all && w->list)
		return error_set(err, ERR_USAGE,
				 "--all does not apply to -l (it lists every device)");
	if (o->all && o->wait)
		return error_set(err, ERR_USAGE,
				 "--all cannot be combined with -w (it takes the devices present now)");
	/* One file per board: the name must tell them apart. */
	if (o->all && w->upload && strstr(w->upload_file, "{serial}") == NULL &&
	    strstr(w->upload_file, "{path}") == NULL)
		return error_set(err, ERR_USAGE,
				 "--all -U %.*s: the file name must contain {serial} or {path}, one "
				 "file per device",
				 OPT_ECHO, w->upload_file);
	if (o->require_suffix && !w->download)
		return error_set(err, ERR_USAGE, "--require-suffix only applies to -D");
	if (d->given) {
		if (d->has_length && !w->upload)
			return error_set(err, ERR_USAGE,
					 "-s %.*s: a length is only meaningful for -U", OPT_ECHO,
					 sarg);
		if (w->upload && (d->mass_erase || d->unprotect))
			return error_set(err, ERR_USAGE,
					 "-s %.*s: %s with -U would erase the flash before reading "
					 "it",
					 OPT_ECHO, sarg, d->unprotect ? "unprotect" : "mass-erase");
		if (w->download && d->unprotect)
			return error_set(err, ERR_USAGE,
					 "-s %.*s: unprotect makes the device erase its flash and "
					 "reset, so -D would never run: give it without -D",
					 OPT_ECHO, sarg);
		if (!w->upload && !w->download && !command)
			return error_set(err, ERR_USAGE,
					 "-s %.*s: nothing to do: -s needs -U or -D, or a leave, "
					 "mass-erase or unprotect modifier",
					 OPT_ECHO, sarg);
	}
	if (w->upload) {
		o->mode = OPT_MODE_UPLOAD;
		o->file = w->upload_file;
	} else if (w->download) {
		o->mode = OPT_MODE_DOWNLOAD;
		o->file = w->download_file;
	} else if (w->list) {
		o->mode = OPT_MODE_LIST;
	} else if (command) {
		o->mode = OPT_MODE_COMMAND;
	} else if (o->detach) {
		o->mode = OPT_MODE_DETACH;
	} else if (o->reset) {
		o->mode = OPT_MODE_RESET;
	} else {
		return error_set(err, ERR_USAGE, "no operation given (try -h)");
	}
	return ERR_OK;
}

int opt_parse(int argc, char *const argv[], struct opts *o, struct error *err)
{
	struct opt_walk w;
	int rc;

	memset(o, 0, sizeof(*o));
	memset(&w, 0, sizeof(w));
	o->detach_delay_s = OPT_DETACH_DELAY_DEFAULT;
	o->id_runtime.any_vid = o->id_runtime.any_pid = true;
	o->id_dfu.any_vid = o->id_dfu.any_pid = true;
	/* argv[0] is the program name. */
	for (int i = 1; i < argc && argv[i] != NULL; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			/* Options end here, and no operand is taken after them either. */
			if (i + 1 < argc && argv[i + 1] != NULL)
				return error_set(err, ERR_USAGE, "unexpected argument '%.*s'",
						 OPT_ECHO, argv[i + 1]);
			break;
		}
		if (a[0] == '-' && a[1] == '-')
			rc = opt_long(argc, argv, &i, o, &w, err);
		else if (a[0] == '-' && a[1] != '\0')
			rc = opt_short(argc, argv, &i, o, &w, err);
		else
			rc = error_set(err, ERR_USAGE, "unexpected argument '%.*s'", OPT_ECHO, a);
		if (rc != ERR_OK)
			return rc;
	}
	return opt_finish(o, &w, err);
}
