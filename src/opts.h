/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a command line asks for: struct opts, which the parser (options.c)
 * fills from argv over the option table (opt_table.c) and every operation
 * reads. Data only.
 */
#ifndef DFUSE_OPTS_H
#define DFUSE_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "opt_values.h"

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

struct opts {
	enum opt_mode mode;
	int verbose; /* count of -v */
	/* device selection */
	struct opt_id id_runtime, id_dfu;	      /* -d */
	struct opt_serial serial_runtime, serial_dfu; /* -S */
	bool has_path;
	char path[OPT_PATH_LEN]; /* -p "BUS-PORT.PORT..." */
	bool has_devnum;
	uint8_t devnum; /* -n */
	bool has_cfg;
	uint8_t cfg; /* -c */
	bool has_intf;
	uint8_t intf; /* -i */
	bool has_alt;
	bool alt_is_name;
	uint8_t alt;		     /* -a N */
	char alt_name[OPT_NAME_LEN]; /* -a NAME */
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
	bool quit;  /* -Q (Arduino's dfu-util): leave DFU mode after -D or -U */
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
	unsigned pad; /* --pad: flash word to pad writes to (0: the device's quirk, if any) */
	const char *trace_file; /* --trace FILE, or NULL */
	bool trace_keep_serial; /* --trace-keep-serial */
};

#endif
