/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --trace FILE: a record of the session as JSON lines, for bug reports and
 * for dfuse-sim --replay. A decorator: trace_backend() wraps the backend
 * (enumeration, open, close) and every transport it opens, records what the
 * inner one did and hands its results back unchanged. The lines, one JSON
 * object each, all with "t_us" (microseconds since the trace began) and
 * "ev":
 *
 *   "trace"    format version, the tool and its version (first line)
 *   "scan"     a bus scan: "result", "devices" (the count)
 *   "device"   each DFU interface the scan found, as read: "bus", "devnum",
 *              "path", "vid", "pid", "bcd_device", "serial", "product",
 *              "cfg", "intf", "runtime", "max_packet_size", "func" (the
 *              functional descriptor, when found), "alts" [{"alt", "name"}]
 *   "open"     "path", "alt", "result", "handle" (numbers the handles)
 *   "control"  "handle", "bmRequestType", "bRequest", "wValue", "wIndex",
 *              "wLength", "timeout_ms", "data" (hex: what was sent, or what
 *              came back), "actual", "result", "dur_us"
 *   "set_alt", "reset", "present": "handle", their arguments and "result"
 *   "close"    "handle"
 *
 * Results are "ok", "stall", "timeout", "nodev", "io" (and "pipes-reset" for
 * a reset). Serials are masked ('*' for each character) unless asked not to.
 */
#ifndef DFUSE_TRACE_H
#define DFUSE_TRACE_H

#include <stdbool.h>

#include "device.h"
#include "error.h"

#define TRACE_FORMAT 1

struct trace;

/*
 * Creates @path (never replacing a file: ERR_CANTCREAT when it exists or
 * cannot be made) and writes the first line. *@out is freed by trace_close().
 */
int trace_open(const char *path, bool keep_serial, const char *version, struct trace **out,
	       struct error *err);
/* A backend that behaves as @inner does and records into @t. */
struct dev_backend trace_backend(struct trace *t, struct dev_backend inner);
/*
 * Flushes and closes the trace and frees @t (NULL: nothing). ERR_IO when
 * some line could not be written.
 */
int trace_close(struct trace *t, struct error *err);

#endif
