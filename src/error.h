/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting shared by every module: a status code plus one line of
 * context, built from the innermost cause outwards. Only main.c prints it.
 */
#ifndef DFUSE_ERROR_H
#define DFUSE_ERROR_H

#include <stddef.h>

#include "compat.h"

enum error_code {
	ERR_OK = 0,
	ERR_USAGE,	 /* bad command line (exit 64) */
	ERR_DATA,	 /* malformed input file or device data (exit 65) */
	ERR_NOINPUT,	 /* input file missing or unreadable (exit 66) */
	ERR_NOMEM,	 /* out of memory (exit 71) */
	ERR_CANTCREAT,	 /* output file exists or cannot be created (exit 73) */
	ERR_IO,		 /* USB or file I/O failed (exit 74) */
	ERR_NOTFOUND,	 /* no matching device (exit 74, as dfu-util) */
	ERR_PROTOCOL,	 /* the device reported an error or broke the protocol (exit 76) */
	ERR_ACCESS,	 /* a device was found but cannot be opened (exit 77) */
	ERR_VERIFY,	 /* read-back differs from the image (exit 79) */
	ERR_BOARDS,	 /* --all: boards failed, not all for the same reason (exit 80) */
	ERR_INTERRUPTED, /* SIGINT, SIGTERM, SIGHUP: stopped between requests (128+N) */
};

#define ERROR_MSG_MAX 512

struct error {
	enum error_code code;
	char msg[ERROR_MSG_MAX];
};

/*
 * Record @code with a printf-style message, replacing what @err held.
 * @err may be NULL (the error is then only returned). Returns @code.
 */
int error_set(struct error *err, enum error_code code, const char *fmt, ...) COMPAT_PRINTF(3, 4);

/*
 * Prepend "<context>: " to the message already in @err, keeping its code.
 * Returns err->code (ERR_IO when @err is NULL).
 */
int error_wrap(struct error *err, const char *fmt, ...) COMPAT_PRINTF(2, 3);

/*
 * Append the formatted text right after the message already in @err (a hint
 * about its cause: write the separator, e.g. "; ", into @fmt), keeping its
 * code. error_wrap and this are the only ways to add context: both cut the
 * line at ERROR_MSG_MAX - 1 characters. @err may be NULL (nothing happens).
 */
void error_append(struct error *err, const char *fmt, ...) COMPAT_PRINTF(2, 3);

/* Exit status for @code (sysexits values, see dfuse-util(1) EXIT STATUS). */
int error_exit_code(enum error_code code);

/*
 * Exit status for @code when signal @signo (0: none) stopped the run: an
 * interrupted run exits 128 + @signo, as a shell reports a killed command;
 * anything else as error_exit_code().
 */
int error_exit_status(enum error_code code, int signo);

#endif
