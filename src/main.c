/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dfuse-util: flash and read STM32-style DfuSe and plain DFU 1.1 devices over
 * USB. main() parses the command line, hands the operation to ops.c over the
 * libusb backend (or to convert.c, with no USB at all, for image files), and
 * is the only place that prints errors and picks exit codes. Called by the
 * name of another dfu-util program (dfu-suffix, dfu-prefix, dfuse-pack), it
 * is that program instead (frontend.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "convert.h"
#include "error.h"
#include "frontend.h"
#include "ops.h"
#include "opt_usage.h"
#include "options.h"
#include "outpath.h"
#include "rack.h"
#include "report.h"
#include "trace.h"
#include "ui.h"
#include "usb.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/*
 * The signal that asked the run to stop (SIGINT, SIGTERM or SIGHUP), read
 * through ui.stop: each board's current request completes, no new one
 * starts, and the run reports what it did. A signal handler can only reach a
 * variable of static storage, hence this one.
 */
static volatile sig_atomic_t main_stop;

static void on_signal(int sig)
{
	main_stop = sig;
}

/* The first SIGINT, SIGTERM or SIGHUP asks to stop; a second one of its kind kills. */
static void catch_signals(void)
{
	compat_catch_once(SIGINT, on_signal);
	compat_catch_once(SIGTERM, on_signal);
#ifdef SIGHUP /* not on Windows */
	compat_catch_once(SIGHUP, on_signal);
#endif
}

/* "dfuse-util: MSG" on stderr, with what came from devices and files made harmless. */
static void say(const char *lead, const char *msg)
{
	char line[4 * ERROR_MSG_MAX + 1];

	ui_escape(msg, line, sizeof(line));
	fprintf(stderr, "dfuse-util: %s%s\n", lead, line);
}

/*
 * Standard output as the run leaves it. Lines that could not be written (a
 * full disk, a pipe whose reader is gone, standard output closed at start)
 * turn a run that otherwise succeeded into exit 74, with a line saying so:
 * the device operation itself was never cut short for it (SIGPIPE ignored).
 */
static int finish_stdout(int status, bool closed)
{
	bool lost = closed || ferror(stdout);
	int e = 0;

	if (fflush(stdout) != 0) {
		lost = true;
		e = errno;
	}
	if (fclose(stdout) != 0) {
		lost = true;
		e = e != 0 ? e : errno;
	}
	if (!lost || status != 0)
		return status;
	if (closed)
		say("", "output lost: standard output is closed");
	else
		fprintf(stderr,
			"dfuse-util: output lost: writing to standard output failed%s%s%s\n",
			e != 0 ? " (" : "", e != 0 ? strerror(e) : "", e != 0 ? ")" : "");
	return error_exit_code(ERR_IO);
}

/*
 * Is @json (--json's file) also named by another word of the command line,
 * as an option's argument in any spelling? Used after a usage error, when
 * what the words mean is unknown, so that no report replaces an input.
 */
static bool named_elsewhere(int argc, char **argv, const char *json)
{
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i], *eq = strchr(w, '=');
		const char *cand[3] = { w,
					w[0] == '-' && w[1] != '-' && w[1] != '\0' ? w + 2 : NULL,
					eq != NULL ? eq + 1 : NULL };

		for (int c = 0; c < 3; c++)
			if (cand[c] != NULL && cand[c] != json && cand[c][0] != '\0' &&
			    outpath_same(cand[c], json))
				return true;
	}
	return false;
}

/*
 * After a usage error: may the report of the failure go to --json's file
 * @json? Only when that is a usable output on its own and no other word of
 * the command line names it.
 */
static bool json_usable(int argc, char **argv, const char *json)
{
	const struct outpath p = { json, "--json", OUTPATH_REPLACE };

	if (json == NULL)
		return false;
	if (strcmp(json, "-") == 0)
		return true;
	return outpath_check_one(&p, NULL) == ERR_OK && !named_elsewhere(argc, argv, json);
}

/*
 * Before any device is touched: every path of the run (outpath.c), and an
 * input of "-" when standard input was closed at start. *@json_ok says
 * whether a report may still be written to --json's file after a failure.
 */
static int check_run(const struct opts *o, bool stdin_closed, bool *json_ok, struct error *err)
{
	struct outpath paths[OUTPATH_MAX];
	size_t n = outpath_of_run(o, paths), bad, other;
	int r;

	*json_ok = true;
	r = outpath_check(paths, n, &bad, &other, err);
	if (r != ERR_OK) {
		*json_ok =
			paths[bad].role != OUTPATH_REPLACE && paths[other].role != OUTPATH_REPLACE;
		return r;
	}
	if (stdin_closed && o->file != NULL && strcmp(o->file, "-") == 0 &&
	    (o->mode == OPT_MODE_DOWNLOAD || o->mode == OPT_MODE_INFO ||
	     o->mode == OPT_MODE_CONVERT))
		return error_set(err, ERR_NOINPUT, "%s -: standard input is closed",
				 o->mode == OPT_MODE_INFO ? "--info" : "-D");
	return ERR_OK;
}

/*
 * A run that failed before it reached a device still replaces the previous
 * report, so that no stale success stays behind: no devices, its error.
 */
static void early_report(const struct opts *o, int r, const struct error *err)
{
	struct report_run run = { r, (int)main_stop, err->msg };
	struct error jerr = { ERR_OK, "" };

	if (report_write(o, NULL, 0, &run, stdout, &jerr) != ERR_OK)
		say("warning: ", jerr.msg);
}

/* The operation itself; *@reported when it wrote the --json report. */
static int run(const struct opts *o, bool *reported, struct error *err)
{
	struct usb_backend *ub = NULL;
	struct trace *trace = NULL;
	struct dev_backend be = { NULL, NULL };
	struct ui ui;
	int r;

	memset(&ui, 0, sizeof(ui));
	ui.verbose = o->verbose;
	ui.progress = isatty(STDOUT_FILENO) != 0;
	ui.out = stdout;
	ui.err = stderr;
	if (o->mode == OPT_MODE_INFO || o->mode == OPT_MODE_CONVERT)
		/* Files only: libusb is never initialised, so this works without USB. */
		return convert_run(o, &ui, err);
	ui.stop = &main_stop;
	catch_signals();
	r = usb_backend_new(o->verbose, o->all, &ub, err);
	if (r == ERR_OK && o->trace_file != NULL)
		r = trace_open(o->trace_file, o->trace_keep_serial, PACKAGE_VERSION, &trace, err);
	if (r == ERR_OK) {
		be = usb_backend_get(ub);
		if (trace != NULL)
			be = trace_backend(trace, be);
	}
	if (r == ERR_OK && (o->all || o->json_file != NULL)) {
		*reported = true;
		r = rack_run(o, be, &ui, err);
	} else if (r == ERR_OK) {
		r = ops_run(o, be, &ui, NULL, err);
	}
	/* The run's own error comes first; a trace cut short is one only after a success. */
	if (trace != NULL && trace_close(trace, r == ERR_OK ? err : NULL) != ERR_OK && r == ERR_OK)
		r = ERR_IO;
	usb_backend_free(ub);
	return r;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct error err = { ERR_OK, "" };
	/* First of all: libusb must not get descriptor 0, 1 or 2 for its own files. */
	unsigned closed = compat_open_std_fds();
	bool json_ok = true, reported = false;
	int r;

	/* A reader that went away must not stop a flash halfway: writes fail instead. */
	compat_ignore_sigpipe();
	/* Called as dfu-suffix, dfu-prefix or dfuse-pack (a link): that program. */
	switch (fe_name_of(argc > 0 ? argv[0] : NULL)) {
	case FE_SUFFIX:
		return fe_suffix_main(argc, argv);
	case FE_PREFIX:
		return fe_prefix_main(argc, argv);
	case FE_PACK:
		return fe_pack_main(argc, argv);
	case FE_NONE:
		break;
	}
	/* "-D -" reads an image from standard input: bytes, not text. */
	compat_binary_stdin();
	r = opt_parse(argc, argv, &o, &err);
	if (r != ERR_OK) {
		json_ok = json_usable(argc, argv, o.json_file);
	} else if (o.mode == OPT_MODE_HELP) {
		char usage[OPT_USAGE_MAX];

		opt_usage(usage, sizeof(usage));
		fputs(usage, stdout);
	} else if (o.mode == OPT_MODE_VERSION) {
		printf("dfuse-util %s\n", PACKAGE_VERSION);
	} else {
		r = check_run(&o, (closed & 1) != 0, &json_ok, &err);
		if (r == ERR_OK)
			r = run(&o, &reported, &err);
	}
	if (r != ERR_OK) {
		fflush(stdout);
		say("", err.msg);
		if (o.json_file != NULL && json_ok && !reported)
			early_report(&o, r, &err);
	}
	return finish_stdout(error_exit_status((enum error_code)r, (int)main_stop),
			     (closed & 2) != 0);
}
