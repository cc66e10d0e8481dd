/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One run of "dfuse-util ARGS..." inside a unit test: opt_parse(), then
 * ops_run() (or rack_run(), as main.c does for --all and --json) against a
 * simulated bus, with the lines for stdout and stderr captured as strings
 * (scratch.h's capture, so it works on Windows too).
 */
#ifndef DFUSE_TESTS_OPRUN_H
#define DFUSE_TESTS_OPRUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ops.h"
#include "simbackend.h"

/* What one run of the tool produced. */
struct run {
	int r; /* ERR_OK or the error code; opt_parse()'s when the line was refused */
	struct error err;
	struct ops_stats st; /* ops_run()'s counters (zero after rack_run()) */
	char *out, *errtxt;  /* what went to stdout and stderr, NUL-terminated */
	size_t outlen, errlen;
};

/* How the next runs drive the command line; the defaults are all zero. */
struct run_mode {
	bool rack;			   /* rack_run() instead of ops_run() */
	bool progress;			   /* ui.progress: as if stdout were a terminal */
	const volatile sig_atomic_t *stop; /* ui.stop, or NULL */
};

/* Read by every run(); a test changes it between runs. */
extern struct run_mode run_mode;

/*
 * "dfuse-util ARGS..." (a NULL-terminated list of strings) against @sb,
 * the result in @res (freed by run_free()). A command line that does not
 * parse returns opt_parse()'s error, with a line on res->errtxt saying so.
 * Returns res->r.
 */
int run(struct simbackend *sb, struct run *res, ...);

/* Free what run() allocated in @res and clear it. */
void run_free(struct run *res);

#endif
