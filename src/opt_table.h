/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The option table (its rows in opt_table.c): for the parser (options.c),
 * how an option takes its argument, its key, and where a value it takes
 * goes in struct opts; for the usage text (opt_usage.c, and the tests),
 * each row as -h shows it.
 */
#ifndef DFUSE_OPT_TABLE_H
#define DFUSE_OPT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opts.h"

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
	OPT_KEY_QUIT = 'Q',
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
	OPT_KEY_PAD,
	OPT_KEY_TRACE,
	OPT_KEY_TRACE_KEEP_SERIAL,
};

/*
 * A number an option takes, and where it goes: @at and @size place its field
 * in struct opts, @has the bool set when it is given (0: none; a value-less
 * "-w" clears it again).
 */
struct opt_num {
	const char *what; /* names the value in messages; NULL: not a number */
	uint64_t min, max;
	size_t at, size, has;
};

/*
 * One row per option, for the walk and for -h. @help is its usage text in
 * lines of at most 52 columns; a line "NAME\tTEXT" is an item of a list under
 * the option, "\tTEXT" continues one.
 */
struct opt_def {
	enum opt_key key;
	const char *name;     /* the long name, matched exactly */
	enum opt_arg arg;     /* and the argument, as -h names it: */
	const char *arg_name; /* NULL with OPT_ARG_NONE */
	const char *help;
	size_t sets; /* offsetof a bool in struct opts that the option sets; 0: none */
	bool file;   /* the argument names a file: an empty one is refused */
	struct opt_num num;
};

/* One row of the option table, as -h shows it (opt_usage.c, and the tests). */
struct opt_doc {
	char letter;	   /* the short option, or '\0' */
	const char *name;  /* the long option, without "--" */
	const char *arg;   /* the argument's name, NULL when it takes none */
	bool arg_optional; /* "--name[=ARG]" */
	const char *help;  /* lines; "NAME\tTEXT" is an item of a list under the option */
};

/* Fill @doc with row @i of the table; false past its end. */
bool opt_doc(size_t i, struct opt_doc *doc);

/* The rows, one per option, in the order -h lists them. */
extern const struct opt_def opt_defs[];
extern const size_t opt_ndefs;

#endif
