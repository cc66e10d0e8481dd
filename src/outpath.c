/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output paths checked before the first USB request: what is at each path
 * now, whether its directory takes a new file, and whether two of a run's
 * paths are one file (so that --json never replaces the firmware being
 * flashed, nor the file an upload just wrote).
 */
#include "outpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"

size_t outpath_dir_len(const char *path)
{
	const char *s = strrchr(path, '/');
#ifdef _WIN32
	const char *b = strrchr(path, '\\');

	if (b != NULL && (s == NULL || b > s))
		s = b;
#endif
	return s != NULL ? (size_t)(s - path) + 1 : 0;
}

/* The directory part of @path into @dir ("." when it has none). */
static void dir_of(const char *path, char *dir, size_t size)
{
	size_t n = outpath_dir_len(path);

	if (n == 0)
		snprintf(dir, size, ".");
	else if (n == 1)
		snprintf(dir, size, "%.1s", path);
	else
		snprintf(dir, size, "%.*s", (int)n - 1, path);
}

/* What a file that is not a regular one is, for the message; NULL for a regular file. */
static const char *not_regular(const struct stat *sb)
{
	if (S_ISREG(sb->st_mode))
		return NULL;
	if (S_ISDIR(sb->st_mode))
		return "a directory";
#ifdef S_ISLNK
	if (S_ISLNK(sb->st_mode))
		return "a symbolic link (not followed)";
#endif
	if (S_ISCHR(sb->st_mode))
		return "a device node";
#ifdef S_ISBLK
	if (S_ISBLK(sb->st_mode))
		return "a device node";
#endif
#ifdef S_ISFIFO
	if (S_ISFIFO(sb->st_mode))
		return "a FIFO";
#endif
#ifdef S_ISSOCK
	if (S_ISSOCK(sb->st_mode))
		return "a socket";
#endif
	return "not a regular file";
}

int outpath_check_one(const struct outpath *p, struct error *err)
{
	const char *what = p->what != NULL ? p->what : "";
	const char *sp = p->what != NULL ? " " : "";
	char dir[4096];
	struct stat sb;
	const char *kind;

	if (p->role == OUTPATH_INPUT)
		return ERR_OK;
	if (lstat(p->path, &sb) == 0) {
		kind = not_regular(&sb);
#ifdef S_ISLNK
		if (S_ISLNK(sb.st_mode) && stat(p->path, &sb) != 0)
			kind = "a symbolic link to nothing (not followed)";
#endif
		if (kind != NULL)
			return error_set(err, ERR_CANTCREAT,
					 "%s%s%s is %s; give the name of a regular file", what, sp,
					 p->path, kind);
		if (p->role == OUTPATH_NEW)
			return error_set(err, ERR_CANTCREAT,
					 "%s%s%s already exists; remove it or choose another file "
					 "name",
					 what, sp, p->path);
	} else if (errno != ENOENT) {
		return error_set(err, ERR_CANTCREAT, "%s%s%s: %s", what, sp, p->path,
				 strerror(errno));
	}
	/* The temporary file goes next to it, and is renamed there: the directory must take it. */
	dir_of(p->path, dir, sizeof(dir));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return error_set(err, ERR_CANTCREAT, "%s%s%s: directory %s does not exist", what,
				 sp, p->path, dir);
	if (access(dir, W_OK) != 0)
		return error_set(err, ERR_CANTCREAT, "%s%s%s: cannot create a file in %s: %s", what,
				 sp, p->path, dir, strerror(errno));
	return ERR_OK;
}

#ifndef _WIN32
/*
 * Two paths name one file: the same file where both exist, else the same
 * name in the same directory (by device and inode, so "d/./x" is "d/x").
 * No realpath(): it is an XSI extension, beyond POSIX.1-2008's base.
 */
bool outpath_same(const char *a, const char *b)
{
	struct stat sa, sb;
	char da[4096], db[4096];

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (strcmp(a + outpath_dir_len(a), b + outpath_dir_len(b)) != 0)
		return false;
	dir_of(a, da, sizeof(da));
	dir_of(b, db, sizeof(db));
	if (stat(da, &sa) != 0 || stat(db, &sb) != 0)
		return strcmp(a, b) == 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
#else
/*
 * @path as its full directory, a separator and its name (malloc'd); the path
 * as given when the directory cannot be resolved. NULL when out of memory.
 */
static char *resolved(const char *path)
{
	const char *name = path + outpath_dir_len(path);
	char dir[4096], *real, *out;
	size_t len;

	dir_of(path, dir, sizeof(dir));
	real = realpath(dir, NULL);
	if (real == NULL)
		return strdup(path);
	len = strlen(real) + strlen(name) + 2;
	out = malloc(len);
	if (out != NULL)
		snprintf(out, len, "%s/%s", real, name);
	free(real);
	return out;
}

/* No inode numbers there: the full names decide. */
bool outpath_same(const char *a, const char *b)
{
	char *ra = resolved(a), *rb = resolved(b);
	bool same = ra != NULL && rb != NULL && _stricmp(ra, rb) == 0;

	free(ra);
	free(rb);
	return same;
}
#endif

int outpath_check(const struct outpath *paths, size_t n, size_t *bad, size_t *other,
		  struct error *err)
{
	for (size_t i = 0; i < n; i++) {
		int r = outpath_check_one(&paths[i], err);

		*bad = *other = i;
		if (r != ERR_OK)
			return r;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			const struct outpath *p = &paths[i], *q = &paths[j];

			if (p->role == OUTPATH_INPUT && q->role == OUTPATH_INPUT)
				continue;
			if (!outpath_same(p->path, q->path))
				continue;
			/* The output is at fault: the input is what it would destroy. */
			*bad = p->role == OUTPATH_INPUT ? j : i;
			*other = p->role == OUTPATH_INPUT ? i : j;
			p = &paths[*bad];
			q = &paths[*other];
			if (q->role == OUTPATH_INPUT)
				return error_set(err, ERR_CANTCREAT,
						 "%s %s is the input of %s; it would be replaced: "
						 "give the output a file of its own",
						 p->what, p->path, q->what);
			return error_set(err, ERR_CANTCREAT,
					 "%s %s is also the file of %s; give each output a file "
					 "of its own",
					 p->what, p->path, q->what);
		}
	return ERR_OK;
}

size_t outpath_of_run(const struct opts *o, struct outpath *paths)
{
	size_t n = 0;
	bool reads = o->mode == OPT_MODE_DOWNLOAD || o->mode == OPT_MODE_INFO ||
		     o->mode == OPT_MODE_CONVERT;

	if (reads && o->file != NULL && strcmp(o->file, "-") != 0)
		paths[n++] = (struct outpath){ o->file, o->mode == OPT_MODE_INFO ? "--info" : "-D",
					       OUTPATH_INPUT };
	if (o->mode == OPT_MODE_UPLOAD && !o->all && o->file != NULL)
		paths[n++] = (struct outpath){ o->file, "-U", OUTPATH_NEW };
	if (o->mode == OPT_MODE_CONVERT && o->convert_out != NULL)
		paths[n++] = (struct outpath){ o->convert_out, "--convert", OUTPATH_NEW };
	if (o->json_file != NULL && strcmp(o->json_file, "-") != 0)
		paths[n++] = (struct outpath){ o->json_file, "--json", OUTPATH_REPLACE };
	if (o->trace_file != NULL)
		paths[n++] = (struct outpath){ o->trace_file, "--trace", OUTPATH_NEW };
	return n;
}
