/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scratch directory, output capture and captured-text helpers of the
 * unit tests (scratch.h): mkdtemp() and open_memstream() on POSIX; on Windows a
 * directory named after the process under the user's temporary directory
 * and real files read back, since the CRT has neither call (and tmpfile()
 * there wants the drive root, which needs administrator rights).
 */
#define _POSIX_C_SOURCE 200809L

#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <direct.h>
#include <process.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

char tmpdir[256];

bool contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

long leave_address(const char *log)
{
	static const char set_address[] = "EVENT set-address addr=";
	const char *leave = log != NULL ? strstr(log, "EVENT leave") : NULL;
	const char *p = log, *last = NULL;

	if (leave == NULL)
		return -1;
	while ((p = strstr(p, set_address)) != NULL && p < leave) {
		last = p;
		p++;
	}
	return last != NULL ? strtol(last + strlen(set_address), NULL, 16) : -1;
}

const char *path_of(const char *name)
{
	static char buf[4][512];
	static unsigned next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

bool write_file(const char *name, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path_of(name), "wb");
	bool good;

	if (f == NULL)
		return false;
	good = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && good;
}

/* What is left of @f from where it stands, malloc'd plus a NUL; NULL on error. */
static uint8_t *read_rest(FILE *f, size_t *len)
{
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	for (;;) {
		size_t got;

		if (cap - n < 2) {
			size_t ncap = cap != 0 ? cap * 2 : 4096;
			uint8_t *nb = realloc(buf, ncap);

			if (nb == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

uint8_t *slurp_path(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	if (len != NULL)
		*len = 0;
	if (f == NULL)
		return NULL;
	buf = read_rest(f, len);
	fclose(f);
	return buf;
}

#ifdef _WIN32
bool scratch_init(const char *prog)
{
	char base[MAX_PATH + 1];
	DWORD n = GetTempPathA(sizeof(base), base);

	tmpdir[0] = '\0';
	if (n == 0 || n >= sizeof(base))
		return false;
	/* GetTempPath's answer ends in a backslash. */
	for (unsigned i = 0; i < 100; i++) {
		snprintf(tmpdir, sizeof(tmpdir), "%s%s.%d.%u", base, prog, _getpid(), i);
		if (_mkdir(tmpdir) == 0)
			return true;
		if (errno != EEXIST)
			break;
	}
	tmpdir[0] = '\0';
	return false;
}

static int remove_dir(const char *path)
{
	return _rmdir(path);
}

bool capture_open(struct capture *c)
{
	static unsigned next;

	memset(c, 0, sizeof(*c));
	/* Without a scratch directory the name would land in the drive's root. */
	if (tmpdir[0] == '\0')
		return false;
	snprintf(c->path, sizeof(c->path), "%s/capture-%u.txt", tmpdir, next++);
	c->f = fopen(c->path, "w+b");
	return c->f != NULL;
}

char *capture_close(struct capture *c)
{
	if (c->f == NULL)
		return NULL;
	if (fflush(c->f) == 0 && fseek(c->f, 0, SEEK_SET) == 0)
		c->text = (char *)read_rest(c->f, &c->len);
	fclose(c->f);
	c->f = NULL;
	remove(c->path);
	return c->text;
}
#else
bool scratch_init(const char *prog)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/%s.XXXXXX",
		 base != NULL && base[0] != '\0' ? base : "/tmp", prog);
	if (mkdtemp(tmpdir) != NULL)
		return true;
	tmpdir[0] = '\0';
	return false;
}

static int remove_dir(const char *path)
{
	return rmdir(path);
}

bool capture_open(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	return c->f != NULL;
}

char *capture_close(struct capture *c)
{
	if (c->f == NULL)
		return NULL;
	if (fclose(c->f) != 0) {
		free(c->text);
		c->text = NULL;
		c->len = 0;
	}
	c->f = NULL;
	return c->text;
}
#endif

void remove_tmpdir(void)
{
	DIR *d;
	struct dirent *e;

	if (tmpdir[0] == '\0' || (d = opendir(tmpdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			remove(path_of(e->d_name));
	closedir(d);
	remove_dir(tmpdir);
	tmpdir[0] = '\0';
}
