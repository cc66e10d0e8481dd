/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dfu-util family's other programs, answered by this binary when it is
 * called by their names: dfu-suffix (fe_suffix.c), dfu-prefix (fe_prefix.c)
 * and dfuse-pack (fe_pack.c). What they share is here: which name argv[0]
 * gives, a small option walker, and a firmware file as dfu-suffix and
 * dfu-prefix see it (vendor prefix, payload, DFU suffix), rewritten in place
 * through a temporary file.
 */
#ifndef DFUSE_FRONTEND_H
#define DFUSE_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dfu_file.h"
#include "error.h"

enum fe_name {
	FE_NONE, /* dfuse-util itself (or any other name) */
	FE_SUFFIX,
	FE_PREFIX,
	FE_PACK,
};

/*
 * The front end @argv0 names by its last path component, without a ".exe"
 * on Windows: "dfu-suffix", "dfu-prefix", "dfuse-pack"; FE_NONE otherwise.
 */
enum fe_name fe_name_of(const char *argv0);

/* Run a front end; returns the process exit status. Prints its own messages. */
int fe_suffix_main(int argc, char **argv);
int fe_prefix_main(int argc, char **argv);
int fe_pack_main(int argc, char **argv);

/* ---- for the front ends ---- */

/* One option: its short letter, long name, and whether it takes a value. */
struct fe_opt {
	char letter;
	const char *name;
	bool has_arg;
};

/* Walks argv like getopt_long(): clustered letters, -xVALUE, --name[=VALUE], "--". */
struct fe_walk {
	int argc;
	char **argv;
	int i;		     /* next argument */
	const char *cluster; /* the rest of a "-abc" being walked */
	bool operands_only;  /* after "--" */
};

void fe_walk_init(struct fe_walk *w, int argc, char **argv);

/*
 * The next option in *@letter with its value in *@arg; an operand gives
 * *@letter 0 and the operand in *@arg. Returns 1 for an option or operand,
 * 0 at the end, ERR_USAGE (negated: -ERR_USAGE) for an unknown option or a
 * missing value, with the message in @err. Long names match exactly.
 */
int fe_walk_next(struct fe_walk *w, const struct fe_opt *opts, char *letter, const char **arg,
		 struct error *err);

/* What dfu-suffix and dfu-prefix share on the command line. */
enum fe_mode {
	FE_MODE_NONE,
	FE_MODE_ADD,   /* -a FILE */
	FE_MODE_CHECK, /* -c FILE */
	FE_MODE_DELETE /* -D FILE */
};

struct fe_common {
	enum fe_mode mode; /* the last of -a, -c and -D, as in dfu-util */
	const char *file;
};

/*
 * Take option @c (value @arg) if it is one both share: -h and -V (print
 * @usage or @name's version), -a/-c/-D, or an operand (ignored with a
 * warning, as dfu-util ignores it). Returns 1 when taken, 0 when not, -1
 * after -h or -V (exit 0).
 */
int fe_common_option(const char *name, const char *usage, char c, const char *arg,
		     struct fe_common *cm);

/* After the walk (@r its last return): ERR_OK, or ERR_USAGE (no file, a bad option). */
int fe_common_end(int r, const struct fe_common *cm, struct error *err);

/* The exit status for @rc (negative: -h/-V answered, 0), printing @err as "NAME: ...". */
int fe_exit(const char *name, int rc, const struct error *err);

/*
 * Write @len bytes at @buf to @path through a temporary file renamed over
 * it (replacing it); with @keep_mode, with the permissions @path had.
 */
int fe_replace(const char *path, const uint8_t *buf, size_t len, bool keep_mode, struct error *err);

/* A file as dfu-suffix and dfu-prefix see it. */
struct fe_file {
	const char *path;
	uint8_t *buf;
	size_t len;
	struct dfu_file_suffix suffix;
	/* a suffix dfu-util 0.11 takes: "UFD", CRC right, bLength >= 16 */
	bool has_suffix;
	size_t suffix_len; /* bLength when has_suffix, else 0 */
	const char *no_suffix_why;
	struct dfu_file_prefix prefix;
};

/*
 * Read @path and find its suffix and prefix. ERR_NOINPUT, ERR_NOMEM; ERR_DATA
 * for a suffix whose CRC is right but whose bLength is under 16 or past the
 * start of the file (dfu-util refuses those too).
 */
int fe_file_load(struct fe_file *f, const char *path, struct error *err);
void fe_file_free(struct fe_file *f);

/* The payload: the file without its prefix (when @skip_prefix) and suffix. */
size_t fe_file_payload(const struct fe_file *f, bool skip_prefix, const uint8_t **data);

/*
 * Replace f->path with @prefix (of @type, built as dfu-util builds it: a
 * Stellaris length counts the payload, an LPC size the file as read without
 * its suffix), the payload without the old prefix, and, when @suffix is not
 * NULL, a 16-byte DFU suffix with its IDs and bcdDFU. Written to a
 * temporary file renamed over the old one, with the old one's mode.
 */
int fe_file_store(const struct fe_file *f, enum dfu_file_prefix_type type, uint32_t address,
		  const struct dfu_file_suffix *suffix, struct error *err);

/* Print the prefix and suffix on @out, as dfu-util's -c does (our words). */
void fe_file_show(const struct fe_file *f, FILE *out);

/*
 * A 16-bit ID of dfu-suffix (-v, -p, -d, -S): 1 to 4 hex digits, 0x allowed,
 * blanks in front skipped. ERR_USAGE naming @what otherwise.
 */
int fe_hex16(const char *s, const char *what, uint16_t *out, struct error *err);

/* "NAME: MESSAGE" on stderr; returns the exit status for @code. */
int fe_fail(const char *name, int code, const struct error *err);

#endif
