/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -U: read memory of a DfuSe device into a file that did not exist before
 * (raw, or Intel HEX, S-record or DfuSe by its extension), written only when
 * the whole read succeeded.
 */
#ifndef DFUSE_UPLOAD_H
#define DFUSE_UPLOAD_H

#include "error.h"
#include "session.h"

/*
 * Upload what the options ask (-s ADDRESS[:LENGTH], -Z, -a, or the whole
 * region) into s->o->file. Returns ERR_OK; ERR_CANTCREAT when the file
 * exists (checked before the device is touched); device and USB errors.
 */
int upload_run(struct session *s, struct error *err);

#endif
