// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What dfuse-sim leaves behind for the test: the model's log lines, prefixed
 * with the device when there are several (one cookie stream per device into
 * the shared --log file), the --stats counters and the --dump memory images.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/types.h>

#include "sim.h"

/* ---- the prefixed log: one cookie stream per device into the shared file ---- */

static void log_emit(const struct sim_dev *d, const char *line, size_t len)
{
	if (d->r->log_prefix)
		fprintf(d->r->logfile, "%s: %.*s\n", d->label, (int)len, line);
	else
		fprintf(d->r->logfile, "%.*s\n", (int)len, line);
}

/* The model's log lines, prefixed with the device when there are several. */
static ssize_t log_write(void *cookie, const char *buf, size_t len)
{
	struct sim_dev *d = cookie;
	const char *nl;
	size_t start = 0;

	g_string_append_len(d->logline, buf, (gssize)len);
	while ((nl = memchr(d->logline->str + start, '\n', d->logline->len - start)) != NULL) {
		log_emit(d, d->logline->str + start, (size_t)(nl - d->logline->str) - start);
		start = (size_t)(nl - d->logline->str) + 1;
	}
	g_string_erase(d->logline, 0, (gssize)start);
	fflush(d->r->logfile);
	return (ssize_t)len;
}

static int log_close(void *cookie)
{
	struct sim_dev *d = cookie;

	if (d->logline->len > 0)
		log_emit(d, d->logline->str, d->logline->len);
	g_string_free(d->logline, TRUE);
	d->logline = NULL;
	return 0;
}

void sim_log_open(struct sim_dev *d)
{
	cookie_io_functions_t io = { .write = log_write, .close = log_close };

	d->logline = g_string_new(NULL);
	d->log = fopencookie(d, "w", io);
	if (d->log == NULL)
		sim_die_setup("cannot open log stream: %s", g_strerror(errno));
	setvbuf(d->log, NULL, _IOLBF, 0);
	sim_device_set_log(d->model, d->log);
}

void sim_write_stats(struct sim_runner *r, double elapsed_ms)
{
	FILE *f = fopen(r->stats_path, "w");

	if (f == NULL)
		sim_die_setup("%s: %s", r->stats_path, g_strerror(errno));
	for (unsigned i = 0; i < r->devs->len; i++) {
		const struct sim_dev *d = g_ptr_array_index(r->devs, i);
		const char *l = d->label;
		struct sim_stats s;

		sim_device_stats(d->model, &s);
		fprintf(f, "%s.chip=%s\n", l, sim_device_chip(d->model)->name);
		fprintf(f, "%s.urbs=%lu\n", l, d->nurbs);
		fprintf(f, "%s.requests=%lu\n", l, s.requests);
		fprintf(f, "%s.dfu_requests=%lu\n", l, s.dfu_requests);
		fprintf(f, "%s.dnload=%lu\n", l, s.dnload);
		fprintf(f, "%s.upload=%lu\n", l, s.upload);
		fprintf(f, "%s.getstatus=%lu\n", l, s.getstatus);
		fprintf(f, "%s.clrstatus=%lu\n", l, s.clrstatus);
		fprintf(f, "%s.abort=%lu\n", l, s.abort);
		fprintf(f, "%s.getstate=%lu\n", l, s.getstate);
		fprintf(f, "%s.detach=%lu\n", l, s.detach);
		fprintf(f, "%s.set_address=%lu\n", l, s.set_address);
		fprintf(f, "%s.erase=%lu\n", l, s.erase);
		fprintf(f, "%s.mass_erase=%lu\n", l, s.mass_erase);
		fprintf(f, "%s.unprotect=%lu\n", l, s.unprotect);
		fprintf(f, "%s.leave=%lu\n", l, s.leave);
		fprintf(f, "%s.bytes_written=%lu\n", l, s.bytes_written);
		fprintf(f, "%s.bytes_read=%lu\n", l, s.bytes_read);
		fprintf(f, "%s.early_polls=%lu\n", l, s.early_polls);
		fprintf(f, "%s.unerased_writes=%lu\n", l, s.unerased_writes);
		fprintf(f, "%s.forbidden=%lu\n", l, s.forbidden);
		fprintf(f, "%s.erases_per_sector_max=%lu\n", l, s.erases_per_sector_max);
		fprintf(f, "%s.device_wait_us=%" PRIu64 "\n", l, s.device_wait_us);
	}
	fprintf(f, "ioctls=%lu\n", r->ioctls);
	fprintf(f, "eagain=%lu\n", r->eagains);
	fprintf(f, "elapsed_ms=%.0f\n", elapsed_ms);
	if (fclose(f) != 0)
		sim_die_setup("%s: %s", r->stats_path, g_strerror(errno));
}

void sim_write_dumps(struct sim_runner *r)
{
	for (unsigned i = 0; i < r->devs->len; i++) {
		const struct sim_dev *d = g_ptr_array_index(r->devs, i);
		char *dir = g_build_filename(r->dump_dir, d->label, NULL);

		if (g_mkdir_with_parents(dir, 0755) != 0)
			sim_die_setup("mkdir %s: %s", dir, g_strerror(errno));
		if (sim_device_dump(d->model, dir) != 0)
			sim_die_setup("dump of %s into %s failed", d->label, dir);
		g_free(dir);
	}
}
