/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error recording and the mapping from error codes to exit statuses. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int error_set(struct error *err, enum error_code code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int error_wrap(struct error *err, const char *fmt, ...)
{
	char line[2 * ERROR_MSG_MAX];
	size_t used;
	va_list ap;

	if (err == NULL)
		return ERR_IO;
	va_start(ap, fmt);
	vsnprintf(line, ERROR_MSG_MAX, fmt, ap);
	va_end(ap);
	used = strlen(line);
	memcpy(line + used, ": ", 2);
	memcpy(line + used + 2, err->msg, strnlen(err->msg, ERROR_MSG_MAX - 1) + 1);
	line[ERROR_MSG_MAX - 1] = '\0'; /* keep the outer context when it must be cut */
	memcpy(err->msg, line, ERROR_MSG_MAX);
	return err->code;
}

int error_exit_code(enum error_code code)
{
	switch (code) {
	case ERR_OK:
		return 0;
	case ERR_USAGE:
		return 64;
	case ERR_DATA:
		return 65;
	case ERR_NOINPUT:
		return 66;
	case ERR_NOMEM:
		return 71;
	case ERR_CANTCREAT:
		return 73;
	case ERR_IO:
	case ERR_NOTFOUND:
		return 74;
	case ERR_PROTOCOL:
		return 76;
	case ERR_ACCESS:
		return 77;
	case ERR_VERIFY:
		return 79;
	case ERR_BOARDS:
		return 80;
	case ERR_INTERRUPTED:
		return 130; /* 128 + SIGINT, what a shell reports for a killed command */
	}
	return 70;
}

int error_exit_status(enum error_code code, int signo)
{
	if (code == ERR_INTERRUPTED && signo > 0 && signo < 128)
		return 128 + signo;
	return error_exit_code(code);
}
