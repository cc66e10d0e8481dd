/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: argv -> struct opts, with dfu-util 0.11's options and
 * the -s ADDRESS[:LENGTH][:modifier]... grammar. Pure: never prints, never
 * exits, touches no device; every error is ERR_USAGE with a reason.
 */
#ifndef DFUSE_OPTIONS_H
#define DFUSE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image.h"

/*
 * One half of -d: "VID:PID" in hex (blanks in front of either side are
 * skipped, as dfu-util's strtoul() did), where either side may be "*" or empty
 * (any), and the whole half may be "-" (match no device in this mode). The
 * run-time half is before the comma, the DFU-mode half after it (dfu-util
 * 0.11 semantics: run-time IDs alone also accept any DFU-mode device; a DFU
 * half alone ignores run-time devices; an empty DFU-mode side takes the
 * run-time value).
 */
struct opt_id {
	bool given; /* the user restricted this half */
	bool none;  /* "-" */
	bool any_vid, any_pid;
	uint16_t vid, pid;
};

/* One half of -S (run-time before the comma, DFU mode after it). */
struct opt_serial {
	bool given;
	char value[256];
};

enum opt_mode {
	OPT_MODE_NONE = 0, /* nothing asked: usage error unless -e/-R/-s command */
	OPT_MODE_LIST,	   /* -l */
	OPT_MODE_DETACH,   /* -e without -U/-D */
	OPT_MODE_UPLOAD,   /* -U */
	OPT_MODE_DOWNLOAD, /* -D */
	OPT_MODE_VERSION,  /* -V */
	OPT_MODE_HELP,	   /* -h */
	OPT_MODE_COMMAND,  /* -s with :leave/:mass-erase/:unprotect and no -U/-D */
	OPT_MODE_RESET,	   /* -R alone */
	OPT_MODE_INFO,	   /* --info FILE: describe an image file, no device */
	OPT_MODE_CONVERT,  /* --convert OUT -D IN: write IN as OUT, no device */
};

/* The -s argument. */
struct opt_dfuse {
	bool given;
	bool has_address;
	uint32_t address;
	bool has_length;
	uint32_t length; /* > 0 */
	bool leave, unprotect, mass_erase, will_reset, force;
};

struct opts {
	enum opt_mode mode;
	int verbose; /* count of -v */
	/* device selection */
	struct opt_id id_runtime, id_dfu;	      /* -d */
	struct opt_serial serial_runtime, serial_dfu; /* -S */
	bool has_path;
	char path[64]; /* -p "BUS-PORT.PORT..." */
	bool has_devnum;
	uint8_t devnum; /* -n */
	bool has_cfg;
	uint8_t cfg; /* -c */
	bool has_intf;
	uint8_t intf; /* -i */
	bool has_alt;
	bool alt_is_name;
	uint8_t alt;	    /* -a N */
	char alt_name[256]; /* -a NAME */
	/* transfer */
	bool has_transfer_size;
	uint16_t transfer_size; /* -t */
	const char *file;	/* -U/-D argument (points into argv) */
	bool has_upload_size;
	uint32_t upload_size;	/* -Z */
	struct opt_dfuse dfuse; /* -s */
	/* detach, wait, reset */
	bool detach;		 /* -e */
	unsigned detach_delay_s; /* -E, default 5 */
	bool wait;		 /* -w / --wait[=SECONDS] */
	bool has_wait_timeout;
	unsigned wait_timeout_s;
	bool reset; /* -R */
	/* dfuse-util additions */
	bool verify;  /* --verify */
	bool diff;    /* --diff */
	bool dry_run; /* --dry-run: plan, print, write nothing */
	/* image files (dfuse-util) */
	enum image_format format;     /* --format: -D/--info input, AUTO when not given */
	enum image_format out_format; /* --out-format: --convert output, AUTO: by extension */
	const char *convert_out;      /* --convert OUT (the input is o->file, from -D) */
	bool all;		      /* --all: every matching device at once */
	const char *json_file;	      /* --json FILE ("-": stdout), or NULL */
	bool has_usb_timeout;
	unsigned usb_timeout_ms; /* --usb-timeout: per control transfer */
	bool has_poll_timeout_max;
	uint32_t poll_timeout_max_ms; /* --poll-timeout-max: cap on one bwPollTimeout */
	bool require_suffix;	      /* --require-suffix */
};

/*
 * Parse @argc/@argv into @o. Strings in @o may point into @argv.
 * Returns ERR_OK or ERR_USAGE with the reason in @err.
 */
int opt_parse(int argc, char *const argv[], struct opts *o, struct error *err);

/* Parse a -s argument alone (exposed for tests and fuzzing). */
int opt_parse_dfuse(const char *s, struct opt_dfuse *d, struct error *err);

/* Parse a -d argument alone into its two halves. */
int opt_parse_devices(const char *s, struct opt_id *runtime, struct opt_id *dfu, struct error *err);

/*
 * Checked number: decimal, or hex with 0x/0X, after optional leading white
 * space (strtoul() skips it, and callers of dfu-util rely on that). A leading
 * 0 followed by more digits is refused (not octal: suggest 0x). No sign, no
 * trailing garbage, @min <= value <= @max. @what names the value in the
 * message.
 */
int opt_strtonum(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		 struct error *err);

/*
 * 1 to 4 hex digits (a 0x in front allowed) in the @n bytes at @s, after
 * blanks strtoul() would skip, as -d takes a VID or PID. False otherwise.
 */
bool opt_hex16(const char *s, size_t n, uint16_t *out);

/* Does @id (one half of -d) accept @vid:@pid? Not given = any; "-" = none. */
bool opt_id_match(const struct opt_id *id, uint16_t vid, uint16_t pid);

/* The usage text for -h. */
extern const char opt_usage_text[];

#endif
