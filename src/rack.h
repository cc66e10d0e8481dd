/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A run over a rack of boards (--all): every matching device at once, one
 * thread and one session per board over the one backend, and the per-board
 * result as --json. Also the --json report of an ordinary one-device run.
 */
#ifndef DFUSE_RACK_H
#define DFUSE_RACK_H

#include "device.h"
#include "error.h"
#include "options.h"
#include "ui.h"

/* More boards than this in one run is refused (each has a thread). */
#define RACK_MAX_BOARDS 128

/*
 * Run @o (o->all or o->json_file set) over the devices @be finds. Lines
 * for the user go through @ui (to ui->err instead of ui->out when the JSON
 * goes to stdout). Returns ERR_OK when every board succeeded; the boards'
 * common error when they all failed alike; ERR_BOARDS when they differ;
 * ERR_INTERRUPTED after SIGINT. @err then says which boards failed.
 */
int rack_run(const struct opts *o, struct dev_backend be, const struct ui *ui, struct error *err);

#endif
