/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error recording and the mapping from error codes to exit statuses. */
#include "error.h"

#include <stdarg.h>
#include <stdbool.h>
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

/* Copy what fits of @n bytes of @s into @line after @used bytes; returns the new length. */
static size_t put(char *line, size_t used, const char *s, size_t n)
{
	size_t room = ERROR_MSG_MAX - 1 - used;

	if (n > room)
		n = room;
	memcpy(line + used, s, n);
	return used + n;
}

/*
 * The one place a message grows: @ap formatted by @fmt goes before the message
 * in @err (with ": " between) when @before, else right after it. The line is
 * cut at ERROR_MSG_MAX - 1 characters from its end, so the outer context
 * survives and nothing is written past either buffer.
 */
static COMPAT_PRINTF(3, 0) void add_context(struct error *err, bool before, const char *fmt,
					    va_list ap)
{
	char ctx[ERROR_MSG_MAX];
	char line[ERROR_MSG_MAX];
	size_t cause = strnlen(err->msg, ERROR_MSG_MAX - 1);
	size_t used;

	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	if (before) {
		used = put(line, 0, ctx, strlen(ctx));
		used = put(line, used, ": ", 2);
		used = put(line, used, err->msg, cause);
	} else {
		used = put(line, 0, err->msg, cause);
		used = put(line, used, ctx, strlen(ctx));
	}
	line[used] = '\0';
	memcpy(err->msg, line, used + 1);
}

int error_wrap(struct error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return ERR_IO;
	va_start(ap, fmt);
	add_context(err, true, fmt, ap);
	va_end(ap);
	return err->code;
}

void error_append(struct error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	add_context(err, false, fmt, ap);
	va_end(ap);
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
