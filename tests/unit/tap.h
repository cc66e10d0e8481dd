/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny header-only TAP producer for the C test programs: plan, ok, diag,
 * skip, skip_all, done_testing, and the comparisons that show got and want on
 * failure: is_int, isnt_int, is_hex, cmp_int, is_ptr, is_str, is_substr,
 * isnt_substr, is_mem, is_buf. Output goes to stdout only.
 */
#ifndef DFUSE_TESTS_TAP_H
#define DFUSE_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

struct tap_state {
	unsigned planned; /* 0 = no plan printed yet */
	unsigned run;
	unsigned failed;
};

static struct tap_state tap_state;

#define TAP_PRINTF(f, a) COMPAT_PRINTF(f, a)

/* Announce @n test points up front; otherwise done_testing() prints the plan. */
static inline void plan(unsigned n)
{
	tap_state.planned = n;
	printf("1..%u\n", n);
	fflush(stdout);
}

/* A comment line ("# ...") in the TAP stream. */
static inline TAP_PRINTF(1, 2) void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline TAP_PRINTF(4, 0) void tap_vresult(bool pass, const char *file, int line,
						const char *fmt, va_list ap)
{
	tap_state.run++;
	if (!pass)
		tap_state.failed++;
	printf("%sok %u - ", pass ? "" : "not ", tap_state.run);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	if (!pass)
		printf("#   Failed at %s line %d\n", file, line);
	fflush(stdout);
}

static inline TAP_PRINTF(4, 5) bool tap_ok_at(bool pass, const char *file, int line,
					      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

/* Prints @s after @label, each further line of it indented to match; "NULL" for NULL. */
static inline void tap_show(const char *label, const char *s)
{
	fputs(label, stdout);
	if (s == NULL) {
		fputs("NULL\n", stdout);
		return;
	}
	fputc('\'', stdout);
	for (; *s != '\0'; s++) {
		fputc(*s, stdout);
		if (*s == '\n' && s[1] != '\0')
			fputs("#                ", stdout);
	}
	fputs("'\n", stdout);
}

static inline TAP_PRINTF(5, 6) bool tap_is_str_at(const char *got, const char *want,
						  const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool pass;

	if (got == NULL || want == NULL)
		pass = got == want;
	else
		pass = strcmp(got, want) == 0;
	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_show("#          got: ", got);
		tap_show("#     expected: ", want);
	}
	return pass;
}

static inline TAP_PRINTF(6, 7) bool tap_cmp_int_at(long long got, const char *op, long long want,
						   const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool pass = false;

	if (strcmp(op, "==") == 0)
		pass = got == want;
	else if (strcmp(op, "!=") == 0)
		pass = got != want;
	else if (strcmp(op, "<") == 0)
		pass = got < want;
	else if (strcmp(op, "<=") == 0)
		pass = got <= want;
	else if (strcmp(op, ">") == 0)
		pass = got > want;
	else if (strcmp(op, ">=") == 0)
		pass = got >= want;
	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#          got: %lld (0x%llx)\n#     expected: %s%s%lld (0x%llx)\n", got,
		       (unsigned long long)got, strcmp(op, "==") == 0 ? "" : op,
		       strcmp(op, "==") == 0 ? "" : " ", want, (unsigned long long)want);
	return pass;
}

/* Unsigned values and addresses (pointers pass through uintptr_t), shown in hex. */
static inline TAP_PRINTF(5, 6) bool tap_is_hex_at(unsigned long long got, unsigned long long want,
						  const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool pass = got == want;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#          got: 0x%llx\n#     expected: 0x%llx\n", got, want);
	return pass;
}

static inline TAP_PRINTF(6, 7) bool tap_substr_at(const char *got, const char *want, bool in,
						  const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	bool pass = got != NULL && want != NULL && (strstr(got, want) != NULL) == in;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_show("#          got: ", got);
		tap_show(in ? "#     contains: " : "# not contains: ", want);
	}
	return pass;
}

static inline TAP_PRINTF(7, 8) bool tap_is_buf_at(const void *got, size_t got_len, const void *want,
						  size_t want_len, const char *file, int line,
						  const char *fmt, ...)
{
	const uint8_t *g = got;
	const uint8_t *w = want;
	size_t len = got_len < want_len ? got_len : want_len;
	va_list ap;
	size_t at = 0;
	bool pass;

	if (g == NULL || w == NULL)
		len = 0;
	while (at < len && g[at] == w[at])
		at++;
	pass = (g != NULL || got_len == 0) && (w != NULL || want_len == 0) && at == len &&
	       got_len == want_len;
	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (pass)
		return true;
	if (g == NULL || w == NULL)
		printf("#          got: %s, %zu bytes\n#     expected: %s, %zu bytes\n",
		       g != NULL ? "bytes" : "NULL", got_len, w != NULL ? "bytes" : "NULL",
		       want_len);
	else if (at == len)
		printf("#          got: %zu bytes\n#     expected: %zu bytes (the first %zu agree)\n",
		       got_len, want_len, len);
	if (g == NULL || w == NULL || at == len)
		return false;
	printf("#     first difference at offset %zu of %zu\n", at, want_len);
	fputs("#          got:", stdout);
	for (size_t i = at; i < len && i < at + 16; i++)
		printf(" %02x", g[i]);
	fputs("\n#     expected:", stdout);
	for (size_t i = at; i < len && i < at + 16; i++)
		printf(" %02x", w[i]);
	fputc('\n', stdout);
	return false;
}

/* ok(cond, fmt, ...): one test point, passing when @cond is true. Returns @cond. */
#define ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* is_int(got, want, fmt, ...): integers compared as long long; shows both on failure. */
#define is_int(got, want, ...)                                                                     \
	tap_cmp_int_at((long long)(got), "==", (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
/* is_str(got, want, fmt, ...): strcmp() == 0 (two NULLs are equal); shows both on failure. */
#define is_str(got, want, ...) tap_is_str_at((got), (want), __FILE__, __LINE__, __VA_ARGS__)

/* isnt_int(got, unwanted, fmt, ...): passes when they differ; shows both otherwise. */
#define isnt_int(got, unwanted, ...)                                                               \
	tap_cmp_int_at((long long)(got), "!=", (long long)(unwanted), __FILE__, __LINE__,          \
		       __VA_ARGS__)
/* cmp_int(got, op, want, fmt, ...): got op want, op one of == != < <= > >= (each
 * side evaluated once); shows both and the operator on failure. */
#define cmp_int(got, op, want, ...)                                                                \
	tap_cmp_int_at((long long)(got), #op, (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
/* is_hex(got, want, fmt, ...): unsigned integers (IDs, flags, bytes), shown in hex. */
#define is_hex(got, want, ...)                                                                     \
	tap_is_hex_at((unsigned long long)(got), (unsigned long long)(want), __FILE__, __LINE__,   \
		      __VA_ARGS__)
/* is_ptr(got, want, fmt, ...): the same pointer (or both NULL). */
#define is_ptr(got, want, ...)                                                                     \
	tap_is_hex_at((uintptr_t)(const void *)(got), (uintptr_t)(const void *)(want), __FILE__,   \
		      __LINE__, __VA_ARGS__)
/* is_substr(got, part, fmt, ...): @part occurs in @got (a NULL @got fails); shows both. */
#define is_substr(got, part, ...)                                                                  \
	tap_substr_at((got), (part), true, __FILE__, __LINE__, __VA_ARGS__)
/* isnt_substr(got, part, fmt, ...): @got is a string without @part. */
#define isnt_substr(got, part, ...)                                                                \
	tap_substr_at((got), (part), false, __FILE__, __LINE__, __VA_ARGS__)
/* is_mem(got, want, len, fmt, ...): @len equal bytes; shows the first difference. */
#define is_mem(got, want, len, ...)                                                                \
	tap_is_buf_at((got), (len), (want), (len), __FILE__, __LINE__, __VA_ARGS__)
/* is_buf(got, got_len, want, want_len, fmt, ...): the same length and bytes (a NULL @got
 * fails unless @want_len is 0); shows both lengths or the first difference. */
#define is_buf(got, got_len, want, want_len, ...)                                                  \
	tap_is_buf_at((got), (got_len), (want), (want_len), __FILE__, __LINE__, __VA_ARGS__)

/* Record @n test points as skipped, with a reason. */
static inline TAP_PRINTF(2, 3) void skip(unsigned n, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	for (unsigned i = 0; i < n; i++) {
		tap_state.run++;
		printf("ok %u # SKIP %s\n", tap_state.run, reason);
	}
	fflush(stdout);
}

/* Skip the whole program (must come before any test point); exits with status 0. */
static inline TAP_PRINTF(1, 2) void skip_all(const char *fmt, ...)
{
	va_list ap;

	fputs("1..0 # SKIP ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	exit(0);
}

/*
 * Print the plan if none was given, and return the exit status for main():
 * 0 when every point passed and the plan (if any) was met, 1 otherwise.
 */
static inline int done_testing(void)
{
	if (tap_state.planned == 0)
		printf("1..%u\n", tap_state.run);
	else if (tap_state.planned != tap_state.run)
		printf("# planned %u tests but ran %u\n", tap_state.planned, tap_state.run);
	if (tap_state.failed != 0)
		printf("# failed %u of %u tests\n", tap_state.failed, tap_state.run);
	fflush(stdout);
	if (tap_state.failed != 0)
		return 1;
	return tap_state.planned == 0 || tap_state.planned == tap_state.run ? 0 : 1;
}

#endif
