/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a run may write, decided before any device is touched: each output
 * path on its own (a regular file in a directory that exists, never a device
 * node, FIFO, socket, symbolic link or directory) and against the run's other
 * paths (no output is the input or another output of the same run).
 */
#ifndef DFUSE_OUTPATH_H
#define DFUSE_OUTPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "options.h"

enum outpath_role {
	OUTPATH_INPUT,	 /* read by the run: no output may be it */
	OUTPATH_NEW,	 /* created; a file already there is refused (-U, --convert, --trace) */
	OUTPATH_REPLACE, /* a regular file there is replaced in one step (--json) */
};

struct outpath {
	const char *path;
	const char *what; /* the option that named it ("-U", "--json"), or NULL */
	enum outpath_role role;
};

/* The most paths one run names: its input, -U or --convert, --json, --trace. */
#define OUTPATH_MAX 4

/* The length of @path's directory part, its last separator included (0: none). */
size_t outpath_dir_len(const char *path);

/*
 * Is @p usable on its own? An input always is. An output: ERR_CANTCREAT
 * when it is a symbolic link, device node, FIFO, socket or directory, when
 * it exists and @p->role is OUTPATH_NEW, or when its directory does not
 * exist or cannot be written; ERR_OK otherwise.
 */
int outpath_check_one(const struct outpath *p, struct error *err);

/*
 * Do @a and @b name the same file: the same device and inode when both
 * exist, else the same resolved directory and name?
 */
bool outpath_same(const char *a, const char *b);

/*
 * Check each of @paths (@n) with outpath_check_one(), then every pair.
 * ERR_OK, or ERR_CANTCREAT naming the path and the clash; *@bad is then the
 * index of the path at fault and *@other that of the path it clashes with
 * (*@bad again when it is at fault alone).
 */
int outpath_check(const struct outpath *paths, size_t n, size_t *bad, size_t *other,
		  struct error *err);

/*
 * The paths of the run @o into @paths (room for OUTPATH_MAX), returning how
 * many: the input of -D, --info or --convert (not standard input), the file
 * of -U (not with --all, whose names are each board's: rack.c checks them),
 * the output of --convert, and --json's file (not "-", standard output).
 */
size_t outpath_of_run(const struct opts *o, struct outpath *paths);

#endif
