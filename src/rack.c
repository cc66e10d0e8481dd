/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --all: the devices the selection matches become boards; run-time ones are
 * detached together and each followed back to its DFU-mode self; then every
 * board runs the operation in a thread of its own, with its own session,
 * options copy, output prefix and counters, so one failing board never stops
 * or slows another. The end is one summary, one exit status and, with
 * --json, one document. A one-device run with --json passes through here
 * too, to get its report.
 */
#include "rack.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash.h"
#include "ops.h"
#include "outpath.h"
#include "report.h"
#include "select.h"
#include "session.h"

struct board {
	struct session s;
	struct ops_stats stats;
	struct opts o; /* the run's options; -U's file is this board's own */
	char file[4096];
	struct ui ui;
	char prefix[340];
	struct error err;
	int r;
	bool done;	/* r is final (failed before its thread, or the thread ended) */
	bool following; /* detached: waiting for its DFU-mode self */
	const struct download_input *in;
	uint64_t t0, t1;
	pthread_t thread;
	bool started;
};

struct rack {
	const struct opts *o;
	struct dev_backend be;
	struct ui hui; /* the run's own lines: no prefix */
	struct board *b;
	size_t n;
	const struct download_input *in;
};

static uint64_t now_us(const struct rack *k)
{
	return k->be.ops->now_us(k->be.ctx);
}

/*
 * Run-time interfaces are common on hardware that is no board of the rack
 * (audio interfaces, receivers): detaching all of them because no filter was
 * given would reset unrelated devices. They count only when the user named
 * the devices (-d run-time IDs, -S run-time serial, -p, -n).
 */
static bool runtime_named(const struct opts *o)
{
	return (o->id_runtime.given && !o->id_runtime.none) || o->serial_runtime.given ||
	       o->has_path || o->has_devnum;
}

static void set_prefix(struct board *b)
{
	snprintf(b->prefix, sizeof(b->prefix), "[%s %s] ", b->s.info.path,
		 b->s.info.serial[0] != '\0' ? b->s.info.serial : "-");
	b->ui.prefix = b->prefix;
}

static void board_init(struct rack *k, struct board *b, const struct dev_info *d)
{
	memset(b, 0, sizeof(*b));
	b->o = *k->o;
	b->ui = k->hui;
	b->ui.progress = false; /* one bar per board would interleave */
	ops_session_init(&b->s, &b->o, k->be, &b->ui, &b->stats);
	b->s.selected = true;
	session_select(&b->s, d);
	b->in = k->in;
	set_prefix(b);
}

static bool same_device(const struct dev_info *a, const struct dev_info *b)
{
	return a->busnum == b->busnum && a->devnum == b->devnum;
}

/* Every matching device, once each, in bus order. */
static int collect(struct rack *k, struct error *err)
{
	struct dev_info *list = NULL;
	size_t n = 0, other = 0, rt_unnamed = 0;
	int r = dev_scan(k->be, &list, &n, err);

	if (r != ERR_OK)
		return r;
	k->b = calloc(n ? n : 1, sizeof(*k->b));
	if (k->b == NULL) {
		free(list);
		return error_set(err, ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		if (!dev_matches(k->o, &list[i])) {
			other++;
			continue;
		}
		if (list[i].runtime && !runtime_named(k->o)) {
			rt_unnamed++;
			continue;
		}
		for (size_t j = 0; j < k->n && !dup; j++)
			dup = same_device(&k->b[j].s.info, &list[i]);
		if (dup)
			continue; /* a second DFU interface of one device: -i picks */
		if (k->n == RACK_MAX_BOARDS) {
			free(list);
			return error_set(err, ERR_USAGE,
					 "--all: more than %d devices match; narrow the selection",
					 RACK_MAX_BOARDS);
		}
		board_init(k, &k->b[k->n++], &list[i]);
	}
	free(list);
	if (k->n > 0)
		return ERR_OK;
	if (rt_unnamed > 0)
		return error_set(err, ERR_NOTFOUND,
				 "--all: no DFU-mode device matches; %zu run-time device%s ignored "
				 "(name them with -d, -S, -p or -n to detach them)",
				 rt_unnamed, rt_unnamed == 1 ? "" : "s");
	if (other > 0)
		return error_set(err, ERR_NOTFOUND,
				 "no DFU device matches the selection (%zu other DFU interface%s "
				 "present; see -l)",
				 other, other == 1 ? "" : "s");
	return error_set(err, ERR_NOTFOUND, "no DFU capable USB device found");
}

static void board_fail(struct board *b, int r)
{
	b->r = r;
	b->done = true;
	b->following = false;
}

/* Is @d already some board's device (in DFU mode)? */
static bool taken(const struct rack *k, const struct dev_info *d)
{
	for (size_t i = 0; i < k->n; i++)
		if (!k->b[i].following && !k->b[i].s.info.runtime &&
		    same_device(&k->b[i].s.info, d))
			return true;
	return false;
}

static bool serial_usable(const char *s)
{
	return s[0] != '\0' && strcmp(s, "UNKNOWN") != 0;
}

/* One scan: give each following board its DFU-mode self, by path first, then serial. */
static size_t follow_scan(struct rack *k, const struct dev_info *list, size_t n, uint64_t start)
{
	size_t waiting = 0;

	for (int by_serial = 0; by_serial <= 1; by_serial++)
		for (size_t bi = 0; bi < k->n; bi++) {
			struct board *b = &k->b[bi];

			if (!b->following)
				continue;
			for (size_t i = 0; i < n; i++) {
				const struct dev_info *d = &list[i];

				if (d->runtime || !dev_matches(&b->o, d) || taken(k, d))
					continue;
				if (by_serial ? !serial_usable(b->s.info.serial) ||
							strcmp(d->serial, b->s.info.serial) != 0
					      : strcmp(d->path, b->s.info.path) != 0)
					continue;
				session_select(&b->s, d);
				b->following = false;
				ui_info(&b->ui,
					"Device is in DFU mode after %.2f s: [%04x:%04x] path=\"%s\"",
					(double)(now_us(k) - start) / 1e6, d->vid, d->pid, d->path);
				break;
			}
		}
	for (size_t bi = 0; bi < k->n; bi++)
		waiting += k->b[bi].following;
	return waiting;
}

/*
 * Detach every run-time board, all before waiting for any (each takes its
 * own wDetachTimeOut), then poll the bus up to -E seconds for their DFU-mode
 * selves. A board that does not come back fails alone.
 */
static int detach_all(struct rack *k, struct error *err)
{
	uint64_t start, limit = (uint64_t)k->o->detach_delay_s * 1000000u;
	size_t waiting = 0;

	for (size_t i = 0; i < k->n; i++) {
		struct board *b = &k->b[i];
		int r;

		if (!b->s.info.runtime)
			continue;
		r = select_detach(&b->s, &b->err);
		if (r != ERR_OK) {
			board_fail(b, r);
			continue;
		}
		b->following = true;
		waiting++;
	}
	start = now_us(k);
	while (waiting > 0) {
		struct dev_info *list = NULL;
		size_t n = 0;
		int r = dev_scan(k->be, &list, &n, err);

		if (r != ERR_OK)
			return r;
		waiting = follow_scan(k, list, n, start);
		free(list);
		if (waiting == 0)
			break;
		if (ui_stopped(&k->hui)) {
			for (size_t i = 0; i < k->n; i++)
				if (k->b[i].following)
					board_fail(&k->b[i],
						   error_set(&k->b[i].err, ERR_INTERRUPTED,
							     "interrupted while waiting for the "
							     "device in DFU mode"));
			break;
		}
		if (now_us(k) - start >= limit) {
			for (size_t i = 0; i < k->n; i++)
				if (k->b[i].following)
					board_fail(&k->b[i],
						   error_set(&k->b[i].err, ERR_NOTFOUND,
							     "the device did not reappear in DFU "
							     "mode within %u s after detach; raise "
							     "-E if it is slow",
							     k->o->detach_delay_s));
			break;
		}
		k->be.ops->sleep_us(k->be.ctx, SESSION_SCAN_INTERVAL_US);
	}
	return ERR_OK;
}

/* FILE with {serial} and {path} replaced by this board's, made safe as a file name. */
static int expand_file(struct board *b, const char *tmpl, struct error *err)
{
	size_t used = 0;

	for (const char *p = tmpl; *p != '\0';) {
		const char *value = NULL;
		bool dots;

		if (strncmp(p, "{serial}", 8) == 0) {
			value = serial_usable(b->s.info.serial) ? b->s.info.serial : "noserial";
			p += 8;
		} else if (strncmp(p, "{path}", 6) == 0) {
			value = b->s.info.path;
			p += 6;
		}
		if (value == NULL) {
			if (used + 1 >= sizeof(b->file))
				return error_set(err, ERR_USAGE, "-U: file name too long");
			b->file[used++] = *p++;
			continue;
		}
		/* "", "." and ".." would name the directory or its parent: "_", "_", "__". */
		dots = strcmp(value, "") == 0 || strcmp(value, ".") == 0 ||
		       strcmp(value, "..") == 0;
		if (value[0] == '\0')
			value = "_";
		for (; *value != '\0'; value++) {
			char c = *value;
			bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				     (c >= '0' && c <= '9') || c == '-' || (c == '.' && !dots) ||
				     c == '_';

			if (used + 1 >= sizeof(b->file))
				return error_set(err, ERR_USAGE, "-U: file name too long");
			b->file[used++] = plain ? c : '_';
		}
	}
	b->file[used] = '\0';
	b->o.file = b->file;
	return ERR_OK;
}

/*
 * -U: each board's file, checked as every output is (outpath.c) before the
 * board's first request: usable on its own, not --json's file, and no two
 * boards writing the same one.
 */
static void upload_names(struct rack *k)
{
	for (size_t i = 0; i < k->n; i++) {
		struct board *b = &k->b[i];
		const struct outpath p = { b->file, "-U", OUTPATH_NEW };
		int r;

		if (b->done)
			continue;
		r = expand_file(b, k->o->file, &b->err);
		if (r == ERR_OK)
			r = outpath_check_one(&p, &b->err);
		if (r == ERR_OK && k->o->json_file != NULL && strcmp(k->o->json_file, "-") != 0 &&
		    outpath_same(b->file, k->o->json_file))
			r = error_set(&b->err, ERR_CANTCREAT,
				      "-U %s is also the file of --json; give each output a file "
				      "of its own",
				      b->file);
		for (size_t j = 0; j < i && r == ERR_OK; j++)
			if (!k->b[j].done && outpath_same(k->b[j].file, b->file))
				r = error_set(&b->err, ERR_CANTCREAT,
					      "-U %s is also the file of board %.*s; use {path} to "
					      "tell them apart",
					      b->file, (int)strlen(k->b[j].prefix) - 1,
					      k->b[j].prefix);
		if (r != ERR_OK)
			board_fail(b, r);
	}
}

static void *board_main(void *arg)
{
	struct board *b = arg;

	b->t0 = b->s.be.ops->now_us(b->s.be.ctx);
	if (b->s.info.open_error != ERR_OK)
		b->r = error_set(&b->err, (enum error_code)b->s.info.open_error, "%s",
				 b->s.info.open_msg);
	else
		b->r = ops_session_run(&b->s, b->in, &b->err);
	b->t1 = b->s.be.ops->now_us(b->s.be.ctx);
	return NULL;
}

static void run_boards(struct rack *k)
{
	for (size_t i = 0; i < k->n; i++) {
		struct board *b = &k->b[i];

		if (b->done)
			continue;
		if (ui_stopped(&k->hui)) {
			board_fail(b, error_set(&b->err, ERR_INTERRUPTED,
						"interrupted before it "
						"started"));
			continue;
		}
		if (pthread_create(&b->thread, NULL, board_main, b) != 0) {
			board_fail(b, error_set(&b->err, ERR_NOMEM, "cannot start a thread"));
			continue;
		}
		b->started = true;
	}
	for (size_t i = 0; i < k->n; i++) {
		struct board *b = &k->b[i];

		if (b->started) {
			pthread_join(b->thread, NULL);
			b->done = true;
		}
		/* A status line ends on the board's result (off a terminal: the table). */
		if (b->ui.table != NULL && b->r != ERR_OK)
			ui_info(&b->ui, "%s: %s",
				b->r == ERR_INTERRUPTED ? "Interrupted" : "Failed", b->err.msg);
	}
}

static void summary(const struct rack *k)
{
	size_t nok = 0;

	ui_info(&k->hui, "%-34s %-12s %8s %10s %10s", "Board", "Result", "Seconds", "Written",
		"Read");
	for (size_t i = 0; i < k->n; i++) {
		const struct board *b = &k->b[i];
		char result[24];

		if (b->r == ERR_OK)
			snprintf(result, sizeof(result), "ok");
		else if (b->r == ERR_INTERRUPTED)
			snprintf(result, sizeof(result), "interrupted");
		else
			snprintf(result, sizeof(result), "error (%d)",
				 error_exit_code((enum error_code)b->r));
		nok += b->r == ERR_OK;
		ui_info(&k->hui, "%-34.*s %-12s %8.2f %10llu %10llu%s%s",
			(int)strlen(b->prefix) - 1, b->prefix, result,
			(double)(b->t1 - b->t0) / 1e6, b->stats.bytes_written, b->stats.bytes_read,
			b->r == ERR_OK ? "" : "  ", b->r == ERR_OK ? "" : b->err.msg);
	}
	ui_info(&k->hui, "%zu board%s: %zu ok, %zu failed", k->n, k->n == 1 ? "" : "s", nok,
		k->n - nok);
}

/* The run's status from the boards', and the one line main.c prints. */
static int outcome(const struct rack *k, struct error *err)
{
	char msg[4 * ERROR_MSG_MAX]; /* error_set() keeps what fits in one line */
	size_t failed = 0, used;
	int first = ERR_OK;
	bool same = true, stopped = false;

	for (size_t i = 0; i < k->n; i++) {
		int r = k->b[i].r;

		if (r == ERR_OK)
			continue;
		failed++;
		stopped = stopped || r == ERR_INTERRUPTED;
		if (first == ERR_OK)
			first = r;
		else if (error_exit_code((enum error_code)r) !=
			 error_exit_code((enum error_code)first))
			same = false;
	}
	if (failed == 0)
		return ERR_OK;
	snprintf(msg, sizeof(msg), "%zu of %zu boards %s:", failed, k->n,
		 stopped ? "failed or were interrupted" : "failed");
	used = strlen(msg);
	for (size_t i = 0; i < k->n && used + 1 < sizeof(msg); i++) {
		const struct board *b = &k->b[i];

		if (b->r == ERR_OK)
			continue;
		snprintf(msg + used, sizeof(msg) - used, " %.*s %.*s;", (int)strlen(b->prefix) - 1,
			 b->prefix, ERROR_MSG_MAX - 1, b->err.msg);
		used = strlen(msg);
	}
	if (used > 0 && msg[used - 1] == ';')
		msg[used - 1] = '\0';
	/* Ctrl-C decides the status: the boards it stopped did not fail on their own. */
	return error_set(err,
			 stopped ? ERR_INTERRUPTED
			 : same	 ? (enum error_code)first
				 : ERR_BOARDS,
			 "%s", msg);
}

static int write_report(const struct rack *k, const struct ui *ui, int code, struct error *err)
{
	struct report_device *devs = calloc(k->n ? k->n : 1, sizeof(*devs));
	struct error jerr = { ERR_OK, "" };
	struct report_run run = { code, ui->stop != NULL ? (int)*ui->stop : 0, err->msg };
	int r;

	if (devs == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < k->n; i++) {
		const struct board *b = &k->b[i];

		devs[i].info = &b->s.info;
		devs[i].code = b->r;
		devs[i].error = b->err.msg;
		devs[i].interrupted = b->r == ERR_INTERRUPTED;
		devs[i].stats = &b->stats;
		devs[i].total_us = b->t1 - b->t0;
	}
	r = report_write(k->o, devs, k->n, &run, ui->out, &jerr);
	free(devs);
	if (r == ERR_OK)
		return code;
	if (code == ERR_OK) {
		*err = jerr;
		return r;
	}
	/* The run's own failure is the line to print; the report's comes as a warning. */
	ui_warn(ui, "%s", jerr.msg);
	return code;
}

/* -l --json: the listing as usual, and every matching device in the document. */
static int list_run(struct rack *k, struct error *err)
{
	struct session s;
	struct ops_stats st;
	struct dev_info *list = NULL;
	size_t n = 0;
	int r;

	memset(&st, 0, sizeof(st));
	ops_session_init(&s, k->o, k->be, &k->hui, &st);
	r = ops_session_run(&s, NULL, err);
	if (r == ERR_OK)
		r = dev_scan(k->be, &list, &n, err);
	if (r == ERR_OK) {
		k->b = calloc(n ? n : 1, sizeof(*k->b));
		if (k->b == NULL)
			r = error_set(err, ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; r == ERR_OK && i < n; i++)
		if (dev_matches(k->o, &list[i]))
			board_init(k, &k->b[k->n++], &list[i]);
	free(list);
	return r;
}

/* Without --all: the usual one-device run, recorded for the report. */
static int single_run(struct rack *k, struct error *err)
{
	struct board *b;

	k->b = calloc(1, sizeof(*k->b));
	if (k->b == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	b = &k->b[0];
	b->o = *k->o;
	b->ui = k->hui;
	ops_session_init(&b->s, &b->o, k->be, &b->ui, &b->stats);
	b->t0 = now_us(k);
	b->r = ops_session_run(&b->s, k->in, &b->err);
	b->t1 = now_us(k);
	/* A device was chosen (even if the run failed later): it gets an entry. */
	if (b->s.info.path[0] != '\0')
		k->n = 1;
	if (b->r != ERR_OK)
		*err = b->err;
	return b->r;
}

int rack_run(const struct opts *o, struct dev_backend be, const struct ui *ui, struct error *err)
{
	struct rack k;
	struct download_input in;
	struct ui_table *table = NULL;
	bool loaded = false;
	int r;

	memset(&k, 0, sizeof(k));
	k.o = o;
	k.be = be;
	k.hui = *ui;
	if (o->json_file != NULL && strcmp(o->json_file, "-") == 0)
		k.hui.out = ui->err; /* stdout carries the document */
	if (o->mode == OPT_MODE_LIST) {
		r = list_run(&k, err);
		goto report;
	}
	if (o->mode == OPT_MODE_DOWNLOAD) {
		/* Read, parsed and checked once, before any device is touched. */
		r = download_load(o, &k.hui, &in, err);
		if (r != ERR_OK) {
			error_wrap(err, "download");
			goto report;
		}
		loaded = true;
		k.in = &in;
	}
	if (!o->all) {
		r = single_run(&k, err);
		goto report;
	}
	r = collect(&k, err);
	if (r != ERR_OK)
		goto report;
	ui_info(&k.hui, "Running on %zu board%s", k.n, k.n == 1 ? "" : "s");
	/* On a terminal each board gets a status line, redrawn in place. */
	if (k.hui.progress && k.hui.out == ui->out) {
		table = ui_table_new(k.hui.out, k.n);
		for (size_t i = 0; i < k.n && table != NULL; i++)
			ui_table_attach(table, i, k.b[i].prefix, &k.b[i].ui);
	}
	if (o->mode == OPT_MODE_DOWNLOAD || o->mode == OPT_MODE_UPLOAD ||
	    o->mode == OPT_MODE_COMMAND)
		r = detach_all(&k, err);
	if (r == ERR_OK && o->mode == OPT_MODE_UPLOAD)
		upload_names(&k);
	if (r == ERR_OK)
		run_boards(&k);
	ui_table_free(table);
	if (r != ERR_OK)
		goto report;
	summary(&k);
	r = outcome(&k, err);
report:
	if (o->json_file != NULL)
		r = write_report(&k, ui, r, err);
	if (loaded)
		download_input_free(&in);
	free(k.b);
	return r;
}
