/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A plain main() for fuzz targets: feeds every file of each directory or file
 * argument to LLVMFuzzerTestOneInput() and prints one TAP line per argument,
 * so `make check` exercises the corpus without libFuzzer. Run without
 * arguments as replay-NAME, it replays $top_srcdir/tests/fuzz/corpus/NAME.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file, in a buffer of exactly its size so sanitizers see over-reads. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		printf("# %s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	buf = malloc(size > 0 ? (size_t)size : 1);
	if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		printf("# %s: short read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

/* Replay @path (a file, or every regular file in a directory); returns inputs fed or -1. */
static long replay(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	long n = 0;

	if (stat(path, &st) != 0) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) == 0 ? 1 : -1;
	d = opendir(path);
	if (d == NULL) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char child[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (stat(child, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(child) != 0) {
			n = -1;
			break;
		}
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	char corpus[4096];
	char *fallback[1] = { corpus };
	char **paths = argv + 1;
	int npaths = argc - 1;
	int failed = 0;

	if (npaths == 0) {
		/* replay-NAME[.exe] with no arguments: the seed corpus of NAME. */
		const char *self = strrchr(argv[0], '/');
		const char *top = getenv("top_srcdir");

		self = self != NULL ? self + 1 : argv[0];
		if (strncmp(self, "replay-", 7) != 0) {
			fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
			return 2;
		}
		self += 7;
		snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%.*s", top ? top : ".",
			 (int)strcspn(self, "."), self);
		paths = fallback;
		npaths = 1;
	}
	printf("1..%d\n", npaths);
	for (int i = 0; i < npaths; i++) {
		long n = replay(paths[i]);

		if (n > 0) {
			printf("ok %d - %s: %ld inputs replayed\n", i + 1, paths[i], n);
		} else {
			printf("not ok %d - %s: %s\n", i + 1, paths[i],
			       n == 0 ? "no inputs" : "could not be read");
			failed = 1;
		}
	}
	return failed;
}
