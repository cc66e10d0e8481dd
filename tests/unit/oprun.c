/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run() of oprun.h: the argument vector, the ui with captured streams, and
 * the call main.c would make.
 */
#include "oprun.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "rack.h"
#include "scratch.h"

#define RUN_MAX_ARGS 24

struct run_mode run_mode;

/* @s copied, or NULL when out of memory (opt_parse() then sees fewer arguments). */
static char *copy(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

int run(struct simbackend *sb, struct run *res, ...)
{
	char *argv[RUN_MAX_ARGS + 1];
	struct capture out, err;
	int argc = 0;
	struct opts o;
	struct ui ui;
	va_list ap;

	memset(res, 0, sizeof(*res));
	argv[argc++] = copy("dfuse-util");
	va_start(ap, res);
	for (const char *a = va_arg(ap, const char *); a != NULL && argc < RUN_MAX_ARGS;
	     a = va_arg(ap, const char *))
		argv[argc++] = copy(a);
	va_end(ap);
	argv[argc] = NULL;
	capture_open(&out);
	capture_open(&err);
	memset(&ui, 0, sizeof(ui));
	ui.out = out.f;
	ui.err = err.f;
	ui.progress = run_mode.progress;
	ui.stop = run_mode.stop;
	res->r = opt_parse(argc, argv, &o, &res->err);
	ui.verbose = o.verbose; /* as main() does */
	if (res->r != ERR_OK) {
		if (err.f != NULL)
			fprintf(err.f, "(command line refused: %s)\n", res->err.msg);
	} else if (run_mode.rack) {
		res->r = rack_run(&o, simbackend_get(sb), &ui, &res->err);
	} else {
		res->r = ops_run(&o, simbackend_get(sb), &ui, &res->st, &res->err);
	}
	res->out = capture_close(&out);
	res->outlen = out.len;
	res->errtxt = capture_close(&err);
	res->errlen = err.len;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return res->r;
}

void run_free(struct run *res)
{
	free(res->out);
	free(res->errtxt);
	memset(res, 0, sizeof(*res));
}
