/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output files that never replace anything and never pass for good when
 * they are not: data goes to a temporary file (OUTFILE_TMP_NAME) in the
 * target's directory, which is moved into place only when everything was
 * written (uploads, conversions, reports).
 */
#ifndef DFUSE_OUTFILE_H
#define DFUSE_OUTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The temporary file's name in the target's directory (mkstemp() fills the Xs). */
#define OUTFILE_TMP_NAME ".dfuse-XXXXXX"

struct outfile {
	const char *path; /* the target, as given */
	char tmp[4096];	  /* the temporary file next to it */
	int fd;		  /* -1 when not open */
};

/*
 * Is @path free to be created? ERR_CANTCREAT when it exists (or is a
 * symbolic link, even a dangling one) or its directory cannot take it,
 * ERR_OK otherwise (outpath_check_one()). Checked before any device is
 * touched.
 */
int outfile_check(const char *path, struct error *err);

/*
 * Create the temporary file for @path, with the mode a plain creat() would
 * give. Returns ERR_OK or ERR_CANTCREAT.
 */
int outfile_open(struct outfile *f, const char *path, struct error *err);

/* Append @len bytes. Returns ERR_OK or ERR_IO naming the temporary file. */
int outfile_write(struct outfile *f, const uint8_t *buf, size_t len, struct error *err);

/*
 * Flush and close the temporary file and move it to the target without
 * replacing anything that appeared meanwhile (ERR_CANTCREAT). On any error
 * the temporary file is removed.
 */
int outfile_commit(struct outfile *f, struct error *err);

/*
 * Like outfile_commit(), but the finished file replaces the target when it
 * exists (a report such as --json FILE, rewritten by every run): readers
 * see the old file or the new one, never a part.
 */
int outfile_commit_replace(struct outfile *f, struct error *err);

/* Close and remove the temporary file (after a failure). Safe to repeat. */
void outfile_abort(struct outfile *f);

#endif
