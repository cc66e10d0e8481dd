/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The input of a download and where its pieces go: reading and checking the
 * file (any format image.c reads) once, before any device is touched, and
 * then, for one device, giving every piece of the image its alt setting.
 */
#ifndef DFUSE_DOWNLOAD_H
#define DFUSE_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image.h"
#include "options.h"
#include "plan.h"
#include "session.h"
#include "ui.h"

struct download_input {
	const char *path; /* as given to -D ("-" = standard input) */
	uint8_t *buf;	  /* the file's bytes; the image points into them */
	size_t len;
	struct image img;
};

/*
 * Read @o->file and check everything that needs no device: the format (by
 * content; the extension is a hint that only warns), the DFU suffix and its
 * CRC, and -s against the format (an address only for raw images). Warnings
 * go to @ui. Returns ERR_OK, ERR_NOINPUT, ERR_DATA (naming the file and the
 * place in it), ERR_USAGE, ERR_NOMEM. @in is zeroed on error.
 */
int download_load(const struct opts *o, const struct ui *ui, struct download_input *in,
		  struct error *err);

/* Release what download_load() read. Safe on a zeroed input. */
void download_input_free(struct download_input *in);

/*
 * Check the DFU suffix's IDs (if @in has a suffix) against the selected
 * device of @s: a mismatch is ERR_DATA when the user named the device with
 * -d (unless :force), a warning otherwise. Returns ERR_OK or ERR_DATA.
 */
int download_check_suffix(struct session *s, const struct download_input *in, struct error *err);

/*
 * The pieces of @in for the selected, open-able device of @s, each with
 * the alt it goes to, into @p: a raw image at -s ADDRESS (or the start of
 * its alt), .dfu targets to their own alts, and pieces of HEX, S-record and
 * ELF files to the alt whose layout holds their address. -a restricts all
 * of this to one alt: what lies outside it is an error unless :force (then
 * skipped with a warning). Also checks the DFU suffix's IDs against the
 * device. Returns ERR_OK or an error naming the piece and the alts.
 */
int download_jobs(struct session *s, const struct download_input *in, struct plan *p,
		  struct error *err);

#endif
