/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scratch directory of the unit tests that drive whole operations
 * (test-ops, test-plain-ops, test-rack): file names inside it, writing a
 * file there, removing it all at the end, and a NULL-safe substring test
 * for captured output. POSIX (mkdtemp, dirent); include it only where
 * TAP_NO_POSIX is not defined.
 */
#ifndef DFUSE_TESTS_SCRATCH_H
#define DFUSE_TESTS_SCRATCH_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Set by the test's main() with mkdtemp(). */
static char tmpdir[256];

static inline bool contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* tmpdir/@name; four results stay valid at a time. */
static inline const char *path_of(const char *name)
{
	static char buf[4][512];
	static unsigned next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

static inline bool write_file(const char *name, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path_of(name), "wb");
	bool good;

	if (f == NULL)
		return false;
	good = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && good;
}

/* Every file in tmpdir, then tmpdir itself. */
static inline void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(path_of(e->d_name));
	closedir(d);
	rmdir(tmpdir);
}

#endif
