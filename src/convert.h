/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Image files without a device: --info FILE and --convert OUT -D IN, which
 * read their input as -D does (download_load()). Nothing here touches USB;
 * main.c runs these before any backend exists.
 */
#ifndef DFUSE_CONVERT_H
#define DFUSE_CONVERT_H

#include "error.h"
#include "image.h"
#include "options.h"
#include "ui.h"

/*
 * --info: print what o->file holds on ui->out (format, pieces, targets,
 * suffix, start address). A raw binary is shown at o->dfuse's address when
 * -s gave one. ERR_DATA for a file that does not parse or whose suffix CRC
 * is wrong (printed first, then reported).
 */
int convert_info(const struct opts *o, const struct ui *ui, struct error *err);

/*
 * --convert: read o->file, write it as o->out_format (or what the name of
 * o->convert_out says) through a temporary file renamed into place; never
 * replaces a file (ERR_CANTCREAT) and leaves nothing behind on failure. A
 * raw input needs -s ADDRESS unless the output is raw too. -d VID:PID and
 * -a ALT|NAME fill a .dfu output's suffix and target (otherwise the input's
 * suffix IDs are kept). ERR_USAGE for options that do not fit the files.
 */
int convert_run(const struct opts *o, const struct ui *ui, struct error *err);

#endif
