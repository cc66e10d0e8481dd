/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -U: read memory of a DfuSe device into a file that did not exist before
 * (raw, or Intel HEX, S-record or DfuSe by its extension), written only when
 * the whole read succeeded.
 */
#ifndef DFUSE_UPLOAD_H
#define DFUSE_UPLOAD_H

#include "error.h"
#include "image.h"
#include "session.h"

/*
 * The format -U writes to @path, from its extension: raw unless it names
 * Intel HEX, S-record or DfuSe. ERR_USAGE for ELF, which is not written.
 */
int upload_format(const char *path, enum image_format *fmt, struct error *err);

/*
 * The DfuSe target's -U, on the selected DFU-mode device: upload what the
 * options ask (-s ADDRESS[:LENGTH], -Z, -a, or the whole region) into
 * s->o->file, which the caller checked does not exist. Returns ERR_OK or
 * the error, naming the upload.
 */
int upload_dfuse(struct session *s, struct error *err);

#endif
