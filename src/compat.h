/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What differs between the platforms dfuse-util builds on, in one place: the
 * printf dialect that format attributes name, binary standard input, the
 * few POSIX file calls a native Windows (MinGW) build lacks, mapped to what
 * it has, and signal handling (sigaction() where POSIX has it, the CRT's
 * signal() on Windows).
 */
#ifndef DFUSE_COMPAT_H
#define DFUSE_COMPAT_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#ifndef _WIN32
#include <fcntl.h>
#endif

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

/* A full path, malloc'd when @resolved is NULL, as POSIX.1-2008's realpath() does. */
#include <stdlib.h>
#define realpath(path, resolved) _fullpath((resolved), (path), _MAX_PATH)
#else
/* POSIX reads every stream byte for byte already. */
static inline void compat_binary_stdin(void)
{
}
#endif

/*
 * Call @handler on signal @sig, once: the next such signal has its default
 * effect (a second Ctrl-C kills). POSIX: sigaction(), restarting interrupted
 * calls. Windows: the CRT's signal(), which resets the handler by itself.
 */
static inline void compat_catch_once(int sig, void (*handler)(int))
{
#ifdef _WIN32
	signal(sig, handler);
#else
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
#endif
}

/*
 * A write to a pipe nobody reads any more fails with EPIPE instead of
 * killing the process (POSIX's SIGPIPE). Windows has no such signal.
 */
static inline void compat_ignore_sigpipe(void)
{
#ifndef _WIN32
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
#endif
}

/*
 * Make sure file descriptors 0, 1 and 2 are open: one that is closed gets
 * the null device, so that no file opened later (libusb's event descriptor)
 * takes its number and receives what was meant for the terminal. Returns a
 * mask of those that were closed (bit 0: standard input). Windows has no
 * such numbering to protect: 0.
 */
static inline unsigned compat_open_std_fds(void)
{
	unsigned closed = 0;
#ifndef _WIN32
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		closed |= 1u << fd;
		/* The lowest free number is @fd itself: 0, 1, 2 are taken in order. */
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
			break;
	}
#endif
	return closed;
}

#endif
