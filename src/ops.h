/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One function per user-visible operation (list, detach, upload, download,
 * DfuSe commands, reset), over struct dev_backend. Each reads its input and
 * checks everything it can before the first USB request.
 */
#ifndef DFUSE_OPS_H
#define DFUSE_OPS_H

#include "device.h"
#include "error.h"
#include "options.h"
#include "session.h"
#include "ui.h"

/*
 * Run the operation @o asks for (o->mode other than HELP and VERSION) on the
 * devices @be finds. Informational lines go to ui->out, warnings to ui->err.
 * Returns ERR_OK or an error with one line of context in @err. @stats may be
 * NULL.
 */
int ops_run(const struct opts *o, struct dev_backend be, const struct ui *ui,
	    struct ops_stats *stats, struct error *err);

struct download_input;

/*
 * Run s->o's operation on the session @s (set up by the caller, see
 * ops_session_init; s->info already chosen when s->selected), then -R,
 * and close the device. @in: -D's file when already loaded (--all), else
 * NULL. Returns ERR_OK or the error.
 */
int ops_session_run(struct session *s, const struct download_input *in, struct error *err);

/* A session for @o over @be with nothing selected yet; @stats must not be NULL. */
void ops_session_init(struct session *s, const struct opts *o, struct dev_backend be,
		      const struct ui *ui, struct ops_stats *stats);

#endif
