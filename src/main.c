/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dfuse-util: flash and read STM32-style DfuSe and plain DFU 1.1 devices over
 * USB. main() parses the command line, hands the operation to ops.c over the
 * libusb backend (or to convert.c, with no USB at all, for image files), and
 * is the only place that prints errors and picks exit codes.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "convert.h"
#include "error.h"
#include "ops.h"
#include "opt_usage.h"
#include "options.h"
#include "rack.h"
#include "trace.h"
#include "ui.h"
#include "usb.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/*
 * Set by SIGINT, read through ui.stop: each board's current request
 * completes, no new one starts, and the run reports what it did. A signal
 * handler can only reach a variable of static storage, hence this one.
 */
static volatile sig_atomic_t main_stop;

static void on_sigint(int sig)
{
	(void)sig;
	main_stop = 1;
}

/* The first Ctrl-C asks to stop; the handler then reverts, so a second one kills. */
static void catch_sigint(void)
{
#ifdef _WIN32
	signal(SIGINT, on_sigint);
#else
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
#endif
}

int main(int argc, char **argv)
{
	struct opts o;
	struct error err = { ERR_OK, "" };
	struct usb_backend *ub = NULL;
	struct trace *trace = NULL;
	struct dev_backend be;
	struct ui ui;
	int r;

	/* "-D -" reads an image from standard input: bytes, not text. */
	compat_binary_stdin();
	r = opt_parse(argc, argv, &o, &err);
	if (r != ERR_OK) {
		fprintf(stderr, "dfuse-util: %s\n", err.msg);
		return error_exit_code((enum error_code)r);
	}
	if (o.mode == OPT_MODE_HELP) {
		char usage[OPT_USAGE_MAX];

		opt_usage(usage, sizeof(usage));
		fputs(usage, stdout);
		return 0;
	}
	if (o.mode == OPT_MODE_VERSION) {
		printf("dfuse-util %s\n", PACKAGE_VERSION);
		return 0;
	}
	memset(&ui, 0, sizeof(ui));
	ui.verbose = o.verbose;
	ui.progress = isatty(STDOUT_FILENO) != 0;
	ui.out = stdout;
	ui.err = stderr;
	if (o.mode == OPT_MODE_INFO || o.mode == OPT_MODE_CONVERT) {
		/* Files only: libusb is never initialised, so this works without USB. */
		r = convert_run(&o, &ui, &err);
	} else {
		ui.stop = &main_stop;
		catch_sigint();
		r = usb_backend_new(o.verbose, o.all, &ub, &err);
		if (r == ERR_OK && o.trace_file != NULL)
			r = trace_open(o.trace_file, o.trace_keep_serial, PACKAGE_VERSION, &trace,
				       &err);
		if (r == ERR_OK) {
			be = usb_backend_get(ub);
			if (trace != NULL)
				be = trace_backend(trace, be);
			if (o.all || o.json_file != NULL)
				r = rack_run(&o, be, &ui, &err);
			else
				r = ops_run(&o, be, &ui, NULL, &err);
		}
		/* The run's own error comes first; a trace cut short is one only after a success. */
		if (trace != NULL && trace_close(trace, r == ERR_OK ? &err : NULL) != ERR_OK &&
		    r == ERR_OK)
			r = ERR_IO;
		usb_backend_free(ub);
	}
	if (r != ERR_OK) {
		fflush(stdout);
		fprintf(stderr, "dfuse-util: %s\n", err.msg);
		return error_exit_code((enum error_code)r);
	}
	return 0;
}
