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
 * After the device is found: without -d, a DFU suffix for neither the
 * selected device nor the run-time device it was reached from is a warning
 * (with -d, download_check_ids() already held the file to it).
 */
void download_check_suffix(struct session *s, const struct download_input *in);

/*
 * The file's DFU suffix against -d, before any request: with -d, the file
 * must be for one of its halves (PlatformIO stamps the application's
 * run-time IDs and passes -d RT,DFU), else nothing is sent, since a refusal
 * after a detach would leave the board in DFU mode. 0xFFFF matches any;
 * :force only warns. Returns ERR_OK or ERR_DATA naming both.
 */
int download_check_ids(const struct session *s, const struct download_input *in, struct error *err);

/*
 * A raw image needs its address: guessing the start of the alt overwrites
 * the bootloader of every board whose application lives higher up (mboot
 * at 0x08008000, Daisy at 0x90040000), and dfu-util refuses it too. Without
 * one, ERR_USAGE naming the -s that writes at the start of the alt (for a
 * device still in run-time mode, which has no layout to read yet: asking
 * for one, before anything is sent). ERR_OK for images with addresses.
 */
int download_check_address(struct session *s, const struct download_input *in, struct error *err);

/*
 * The pieces of @in for the selected, open-able device of @s, each with
 * the alt it goes to, into @p: a raw image at -s ADDRESS (refused without
 * one, see download_check_address()), .dfu targets to their own alts, and
 * pieces of HEX, S-record and ELF files to the alt whose layout holds their
 * address. -a restricts all of this to one alt: what lies outside it is an
 * error unless :force (then skipped with a warning). Without -d, a DFU
 * suffix for neither the device nor the run-time device it was reached from
 * only warns. Returns ERR_OK or an error naming the piece and the alts.
 */
int download_jobs(struct session *s, const struct download_input *in, struct plan *p,
		  struct error *err);

#endif
