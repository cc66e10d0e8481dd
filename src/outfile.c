/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Temporary file next to the target, renamed into place on success. A hard
 * link publishes it atomically and fails if the target appeared meanwhile;
 * file systems without hard links get a check, then a rename.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "outpath.h"

#ifdef _WIN32
/* Here only, not in compat.h: its macros would reach every file. */
#include <windows.h>

/*
 * The CRT's rename() refuses a target that exists, where POSIX's replaces
 * it in one step; MoveFileEx() with MOVEFILE_REPLACE_EXISTING is the
 * Windows call that does what POSIX's does.
 */
static int rename_replace(const char *from, const char *to)
{
	DWORD e;

	if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING))
		return 0;
	e = GetLastError();
	if (e == ERROR_ACCESS_DENIED || e == ERROR_SHARING_VIOLATION)
		errno = EACCES;
	else if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
		errno = ENOENT;
	else
		errno = EIO;
	return -1;
}
#else
static int rename_replace(const char *from, const char *to)
{
	return rename(from, to);
}
#endif

int outfile_check(const char *path, struct error *err)
{
	const struct outpath p = { path, NULL, OUTPATH_NEW };

	return outpath_check_one(&p, err);
}

/*
 * The umask can only be read by setting it, and it belongs to the process:
 * boards uploading in parallel (--all -U) must not see each other's 0.
 */
static pthread_mutex_t outfile_umask_lock = PTHREAD_MUTEX_INITIALIZER;

int outfile_open(struct outfile *f, const char *path, struct error *err)
{
	mode_t mask;

	int dirlen = (int)outpath_dir_len(path);

	f->path = path;
	f->fd = -1;
	/*
	 * A short name of its own in the target's directory: any name the file
	 * system takes for the target works, however long (NAME.XXXXXX would
	 * not fit next to a 250-byte NAME).
	 */
	if (snprintf(f->tmp, sizeof(f->tmp), "%.*s" OUTFILE_TMP_NAME, dirlen, path) >=
	    (int)sizeof(f->tmp))
		return error_set(err, ERR_CANTCREAT, "%s: directory name too long", path);
	f->fd = mkstemp(f->tmp);
	if (f->fd < 0)
		return error_set(err, ERR_CANTCREAT, "cannot create a temporary file %s for %s: %s",
				 f->tmp, path, strerror(errno));
	/* mkstemp() makes the file private; give it the mode a plain creat() would. */
	pthread_mutex_lock(&outfile_umask_lock);
	mask = umask(0);
	umask(mask);
	pthread_mutex_unlock(&outfile_umask_lock);
	fchmod(f->fd, 0666 & ~mask);
	return ERR_OK;
}

int outfile_write(struct outfile *f, const uint8_t *buf, size_t len, struct error *err)
{
	while (len > 0) {
		ssize_t w = write(f->fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return error_set(err, ERR_IO, "writing %s: %s", f->tmp,
					 w < 0 ? strerror(errno) : "nothing written");
		buf += w;
		len -= (size_t)w;
	}
	return ERR_OK;
}

/* Move the finished temporary file to the target without replacing anything. */
static int publish(const char *tmp, const char *path, struct error *err)
{
	struct stat sb;

	if (link(tmp, path) == 0) {
		unlink(tmp);
		return ERR_OK;
	}
	if (errno == EEXIST)
		return error_set(err, ERR_CANTCREAT, "%s appeared meanwhile; not replaced", path);
	if (lstat(path, &sb) == 0)
		return error_set(err, ERR_CANTCREAT, "%s appeared meanwhile; not replaced", path);
	if (rename(tmp, path) != 0)
		return error_set(err, ERR_CANTCREAT, "cannot create %s: %s", path, strerror(errno));
	return ERR_OK;
}

/* Flush and close the temporary file. */
static int finish(struct outfile *f, struct error *err)
{
	int r = ERR_OK;

	if (fsync(f->fd) != 0 && errno != EINVAL)
		r = error_set(err, ERR_IO, "writing %s: %s", f->tmp, strerror(errno));
	if (close(f->fd) != 0 && r == ERR_OK)
		r = error_set(err, ERR_IO, "writing %s: %s", f->tmp, strerror(errno));
	f->fd = -1;
	return r;
}

int outfile_commit_replace(struct outfile *f, struct error *err)
{
	int r = finish(f, err);

	if (r == ERR_OK && rename_replace(f->tmp, f->path) != 0)
		r = error_set(err, ERR_CANTCREAT, "cannot create %s: %s", f->path, strerror(errno));
	if (r != ERR_OK)
		unlink(f->tmp);
	return r;
}

int outfile_commit(struct outfile *f, struct error *err)
{
	int r = finish(f, err);

	if (r == ERR_OK)
		r = publish(f->tmp, f->path, err);
	if (r != ERR_OK)
		unlink(f->tmp);
	return r;
}

void outfile_abort(struct outfile *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
		unlink(f->tmp);
	}
}
