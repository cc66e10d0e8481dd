/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scratch directory of the unit tests (the engine's, and the device
 * model's in tests/sim): making it, file names inside it, writing and
 * reading files there, removing it all at the end, capturing what the code
 * under test writes to a FILE *, and reading that text. Portable: POSIX,
 * and Windows (MinGW, run under wine), where it uses real files.
 */
#ifndef DFUSE_TESTS_SCRATCH_H
#define DFUSE_TESTS_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The scratch directory, set by scratch_init(); "" before. */
extern char tmpdir[256];

/*
 * Create a new, empty scratch directory named after @prog (under $TMPDIR or
 * /tmp on POSIX, under the user's temporary directory on Windows) and make
 * it tmpdir. Returns false (tmpdir "") when none could be made.
 */
bool scratch_init(const char *prog);

/* Every file in tmpdir, then tmpdir itself. */
void remove_tmpdir(void);

/* tmpdir/@name; four results stay valid at a time. */
const char *path_of(const char *name);

/* Write @len bytes of @data to tmpdir/@name, replacing it. Returns success. */
bool write_file(const char *name, const uint8_t *data, size_t len);

/*
 * The whole of @path, malloc'd with a NUL after its @len bytes (so text
 * files read as strings), or NULL when it cannot be read. @len may be NULL.
 */
uint8_t *slurp_path(const char *path, size_t *len);

/* NULL-safe substring test for captured output. */
bool contains(const char *hay, const char *needle);

/*
 * In a captured model log (sim_device_set_log; format: tests/sim/model_log.c),
 * the address of the last "EVENT set-address" before the first "EVENT leave":
 * where the pointer stood when the device was told to leave. -1 when there is
 * no leave, no address before it, or no log (NULL).
 */
long leave_address(const char *log);

/*
 * Output captured from code that writes to a FILE *: open it, hand @f over,
 * then close it for the text. open_memstream() on POSIX; on Windows a file
 * in tmpdir opened "w+b" (no text-mode translation), read back at the end.
 */
struct capture {
	FILE *f;
	char *text;
	size_t len;
#ifdef _WIN32
	char path[512];
#endif
};

/* Start capturing into @c->f (tmpdir must exist on Windows). Returns success. */
bool capture_open(struct capture *c);

/*
 * Stop capturing: close @c->f and return the text written to it, malloc'd
 * and NUL-terminated (also left in @c->text, its length in @c->len; the
 * caller frees it). NULL when nothing could be captured.
 */
char *capture_close(struct capture *c);

#endif
