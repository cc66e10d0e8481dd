/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny header-only TAP producer for the C test programs: plan, ok, is_int,
 * is_str, diag, skip, skip_all, done_testing. Output goes to stdout only.
 */
#ifndef DFUSE_TESTS_TAP_H
#define DFUSE_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
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

static inline TAP_PRINTF(5, 6) bool tap_is_int_at(long long got, long long want, const char *file,
						  int line, const char *fmt, ...)
{
	va_list ap;
	bool pass = got == want;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#          got: %lld (0x%llx)\n#     expected: %lld (0x%llx)\n", got,
		       (unsigned long long)got, want, (unsigned long long)want);
	return pass;
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
	if (!pass)
		printf("#          got: %s%s%s\n#     expected: %s%s%s\n", got ? "'" : "",
		       got ? got : "NULL", got ? "'" : "", want ? "'" : "", want ? want : "NULL",
		       want ? "'" : "");
	return pass;
}

/* ok(cond, fmt, ...): one test point, passing when @cond is true. Returns @cond. */
#define ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* is_int(got, want, fmt, ...): integers compared as long long; shows both on failure. */
#define is_int(got, want, ...)                                                                     \
	tap_is_int_at((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
/* is_str(got, want, fmt, ...): strcmp() == 0 (two NULLs are equal); shows both on failure. */
#define is_str(got, want, ...) tap_is_str_at((got), (want), __FILE__, __LINE__, __VA_ARGS__)

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
