/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few POSIX file calls ops.c needs that a native Windows (MinGW) build
 * lacks, mapped to what it has. Elsewhere this header adds nothing.
 */
#ifndef DFUSE_COMPAT_H
#define DFUSE_COMPAT_H

#ifdef _WIN32
#include <errno.h>
#include <io.h>

/* No hard links: publish() then checks for the file and renames. */
static inline int compat_link(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = ENOSYS;
	return -1;
}
#define link(from, to) compat_link(from, to)
#define fsync(fd)      _commit(fd)
/* Files have no POSIX mode bits to widen there. */
#define fchmod(fd, mode) ((void)(fd), (void)(mode), 0)
#endif

#endif
