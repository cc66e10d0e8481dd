/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of error.c: recording a message, adding context before and after
 * it, the length caps (both parts at their caps at once), and the exit codes.
 */
#include <string.h>

#include "error.h"
#include "tap.h"

/* @n copies of @c, NUL-terminated, in @buf of at least @n + 1 bytes. */
static char *fill(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_set(void)
{
	struct error e = { 0 };

	is_int(error_set(&e, ERR_DATA, "bad %s at %u", "record", 7u), ERR_DATA, "set returns code");
	is_int(e.code, ERR_DATA, "set records code");
	is_str(e.msg, "bad record at 7", "set formats message");
	is_int(error_set(NULL, ERR_USAGE, "ignored"), ERR_USAGE, "set without a struct");
	is_int(error_set(&e, ERR_IO, "%s", "second"), ERR_IO, "set again returns the new code");
	is_str(e.msg, "second", "set replaces the message");
}

static void test_wrap(void)
{
	struct error e = { 0 };

	error_set(&e, ERR_PROTOCOL, "device reported errTARGET (state dfuERROR)");
	is_int(error_wrap(&e, "erase 0x%08x", 0x08004000u), ERR_PROTOCOL, "wrap keeps code");
	is_int(error_wrap(&e, "download"), ERR_PROTOCOL, "wrap twice keeps code");
	is_str(e.msg, "download: erase 0x08004000: device reported errTARGET (state dfuERROR)",
	       "wrap builds from the outer step inwards");
	is_int(error_wrap(NULL, "nothing"), ERR_IO, "wrap without a struct");
}

/* The context and the message both at their caps: nothing written past either buffer. */
static void test_wrap_caps(void)
{
	struct error e = { 0 };
	char cause[ERROR_MSG_MAX], ctx[ERROR_MSG_MAX + 64], want[ERROR_MSG_MAX];

	error_set(&e, ERR_IO, "%s", fill(cause, 'm', ERROR_MSG_MAX - 1));
	is_int(strlen(e.msg), ERROR_MSG_MAX - 1, "message at its cap");
	is_int(error_wrap(&e, "%s", fill(ctx, 'c', sizeof(ctx) - 1)), ERR_IO,
	       "wrap at both caps keeps code");
	is_str(e.msg, fill(want, 'c', ERROR_MSG_MAX - 1), "an over-long context fills the line");

	error_set(&e, ERR_IO, "%s", fill(cause, 'm', ERROR_MSG_MAX - 1));
	error_wrap(&e, "%s", fill(ctx, 'c', ERROR_MSG_MAX - 1));
	is_str(e.msg, want, "context of exactly the cap keeps only the context");

	error_set(&e, ERR_DATA, "%s", fill(cause, 'm', ERROR_MSG_MAX - 1));
	error_wrap(&e, "outer");
	is_int(strlen(e.msg), ERROR_MSG_MAX - 1, "wrap of a full message is cut to the cap");
	is_int(strncmp(e.msg, "outer: mmm", 10), 0, "the outer context is kept when cut");
	is_int(e.msg[ERROR_MSG_MAX - 2], 'm', "the cause's tail is what is cut");
}

static void test_append(void)
{
	struct error e = { 0 };
	char cause[ERROR_MSG_MAX], more[ERROR_MSG_MAX + 64];

	error_set(&e, ERR_PROTOCOL, "device reported errCHECK_ERASED");
	error_append(&e, " (%s)", "memory not erased?");
	error_append(&e, "; %s", "leave");
	is_str(e.msg, "device reported errCHECK_ERASED (memory not erased?); leave",
	       "append adds after the cause, in order");
	is_int(e.code, ERR_PROTOCOL, "append keeps code");
	error_append(NULL, "; nothing"); /* a crash here fails the program */

	error_set(&e, ERR_IO, "%s", fill(cause, 'm', ERROR_MSG_MAX - 1));
	error_append(&e, "%s", fill(more, 'a', sizeof(more) - 1));
	is_str(e.msg, cause, "append to a full message at both caps changes nothing");

	error_set(&e, ERR_IO, "%s", fill(cause, 'm', ERROR_MSG_MAX - 4));
	error_append(&e, "; hint");
	is_int(strlen(e.msg), ERROR_MSG_MAX - 1, "append is cut at the cap");
	is_str(e.msg + ERROR_MSG_MAX - 4, "; h", "append keeps what fits");
}

static void test_exit_codes(void)
{
	static const struct {
		enum error_code code;
		int status;
	} rows[] = {
		{ ERR_OK, 0 },
		{ ERR_USAGE, 64 },
		{ ERR_DATA, 65 },
		{ ERR_NOINPUT, 66 },
		{ ERR_NOMEM, 71 },
		{ ERR_CANTCREAT, 73 },
		{ ERR_IO, 74 },
		{ ERR_NOTFOUND, 74 },
		{ ERR_PROTOCOL, 76 },
		{ ERR_ACCESS, 77 },
		{ ERR_VERIFY, 79 },
		{ ERR_BOARDS, 80 },
		{ ERR_INTERRUPTED, 130 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		is_int(error_exit_code(rows[i].code), rows[i].status, "exit status of code %d",
		       (int)rows[i].code);
}

int main(void)
{
	test_set();
	test_wrap();
	test_wrap_caps();
	test_append();
	test_exit_codes();
	return done_testing();
}
