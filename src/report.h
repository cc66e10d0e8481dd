/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --json FILE: the result of one run as one JSON document, one entry per
 * device, written atomically (a temporary file renamed over FILE) or to
 * stdout for "-". The field names are documented in dfuse-util(1).
 */
#ifndef DFUSE_REPORT_H
#define DFUSE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "error.h"
#include "ops.h"
#include "options.h"

/* What happened on one device. */
struct report_device {
	const struct dev_info *info;
	int code;	   /* ERR_OK, or the board's error */
	const char *error; /* its one-line message (NULL when ok) */
	bool interrupted;  /* stopped by a signal */
	const struct ops_stats *stats;
	uint64_t total_us;
};

/* How the run as a whole ended. */
struct report_run {
	int code;	   /* ERR_OK, or the run's error */
	int signo;	   /* the signal that interrupted it (SIGINT, SIGTERM, SIGHUP), or 0 */
	const char *error; /* the line printed for it (NULL when ok) */
};

/*
 * The document for the run of @o over @devs (@n of them) that ended as
 * @run, into *@text (malloc'd, caller frees) and *@len. ERR_NOMEM.
 */
int report_build(const struct opts *o, const struct report_device *devs, size_t n,
		 const struct report_run *run, char **text, size_t *len, struct error *err);

/*
 * Build the document and write it to o->json_file ("-": @stdout_f),
 * replacing the previous one in one step. ERR_CANTCREAT or ERR_IO when it
 * cannot be written.
 */
int report_write(const struct opts *o, const struct report_device *devs, size_t n,
		 const struct report_run *run, FILE *stdout_f, struct error *err);

#endif
