/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Image files without a device: reading one with the warnings a user needs
 * (convert_load(), shared with -D), --info FILE and --convert OUT -D IN.
 * Nothing here touches USB; main.c runs these before any backend exists.
 */
#ifndef DFUSE_CONVERT_H
#define DFUSE_CONVERT_H

#include <stdint.h>

#include "error.h"
#include "image.h"
#include "options.h"
#include "ui.h"

/*
 * Read the file at @path ("-" = standard input) and parse it as @fmt
 * (AUTO: by its contents). When the contents and the extension disagree,
 * warns on @ui and goes by the contents (--format, i.e. @fmt != AUTO,
 * overrides both). The file's non-fatal findings (DFU suffix, DfuSe prefix)
 * are warned about too. @flags as image_parse(). On success *@buf holds the
 * file (free it after image_free(@img), which points into it). Errors are
 * prefixed with @path: ERR_NOINPUT, ERR_DATA, ERR_NOMEM; nothing to free.
 */
int convert_load(const char *path, enum image_format fmt, unsigned flags, const struct ui *ui,
		 uint8_t **buf, struct image *img, struct error *err);

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
