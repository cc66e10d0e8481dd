/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What differs between the platforms dfuse-util builds on, in one place: the
 * printf dialect that format attributes name, binary standard input, and the
 * few POSIX file calls a native Windows (MinGW) build lacks, mapped to what
 * it has. On Linux and macOS it adds only COMPAT_PRINTF and a
 * compat_binary_stdin() that does nothing.
 */
#ifndef DFUSE_COMPAT_H
#define DFUSE_COMPAT_H

#include <stdio.h>

/*
 * Marks a printf-like function (format string argument @f, first variadic
 * argument @a) for -Wformat. On MinGW plain "printf" means the Microsoft
 * dialect, which has no %zu; configure defines __USE_MINGW_ANSI_STDIO there,
 * and _mingw.h then names the C99 dialect that stdio really uses.
 */
#ifdef __MINGW_PRINTF_FORMAT
#define COMPAT_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#else
#define COMPAT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

#ifdef _WIN32
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>

/* Windows opens standard input in text mode: CR LF becomes LF, 0x1A ends it. */
static inline void compat_binary_stdin(void)
{
	_setmode(_fileno(stdin), _O_BINARY);
}

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
/* Only existence is asked: the CRT's stat() answers that (no lstat()). */
#define lstat(path, sb) stat(path, sb)

/* Files have no POSIX mode bits to widen there: nothing to do, and no error. */
static inline int compat_fchmod(int fd, int mode)
{
	(void)fd;
	(void)mode;
	return 0;
}
#define fchmod(fd, mode) compat_fchmod(fd, mode)
#else
/* POSIX reads every stream byte for byte already. */
static inline void compat_binary_stdin(void)
{
}
#endif

#endif
