/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations on a plain DFU 1.1 device, beside the DfuSe ones: download
 * of a raw image, upload of an alt, and -s with :leave. DfuSe-only requests
 * (-s :mass-erase, :unprotect, a length, --diff, --verify) are refused with
 * a usage error before any request to the DFU-mode device.
 */
#ifndef DFUSE_PLAIN_H
#define DFUSE_PLAIN_H

#include "download.h"
#include "error.h"
#include "session.h"

/*
 * Download the raw image of @in (its DFU suffix stripped and checked against
 * the device) to the alt -a names (the first one without -a). A DfuSe,
 * HEX, S-record or ELF file carries addresses a plain device has no use
 * for: refused (ERR_DATA naming the mismatch). An address from -s is
 * ignored with a warning. -R or :leave reset the device when it stays on
 * the bus after manifestation. Returns ERR_OK, ERR_USAGE, ERR_DATA, or the
 * device error.
 */
int plain_download(struct session *s, const struct download_input *in, struct error *err);

/*
 * Upload the alt -a names into s->o->file (checked not to exist by the
 * caller), at most -Z bytes, until the device ends it otherwise. The file
 * appears only when the read succeeded. Only raw output: a file named for
 * an addressed format (.hex, .srec, .dfu) is refused with ERR_USAGE.
 */
int plain_upload(struct session *s, struct error *err);

/* -s alone: :leave resets the device; the rest is refused or has nothing to do. */
int plain_command(struct session *s, struct error *err);

#endif
