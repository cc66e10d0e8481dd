/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The --json document: the run (tool, version, operation, file, exit code)
 * and one object per device with its identity, result, counters and times.
 * Built with json.c; written through outfile.c so a reader never sees half.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "outfile.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

static const char *operation_name(enum opt_mode m)
{
	switch (m) {
	case OPT_MODE_LIST:
		return "list";
	case OPT_MODE_DETACH:
		return "detach";
	case OPT_MODE_UPLOAD:
		return "upload";
	case OPT_MODE_DOWNLOAD:
		return "download";
	case OPT_MODE_COMMAND:
		return "command";
	case OPT_MODE_RESET:
		return "reset";
	case OPT_MODE_VERSION:
		return "version";
	case OPT_MODE_HELP:
		return "help";
	case OPT_MODE_INFO:
		return "info";
	case OPT_MODE_CONVERT:
		return "convert";
	case OPT_MODE_NONE:
		return "none";
	}
	return "none";
}

static void seconds(struct json *j, const char *key, uint64_t us)
{
	json_key(j, key);
	json_fixed(j, (double)us / 1e6, 3);
}

/*
 * --verify compared every byte written, in every alt, and compared
 * something: an alt written but not read back (option bytes, after which
 * the device may reset) makes the run unverified.
 */
static bool all_verified(const struct ops_stats *s)
{
	unsigned long long compared = 0;

	for (size_t a = 0; a < DEV_MAX_ALTS; a++) {
		if (s->alt_verified[a] < s->alt_written[a])
			return false;
		compared += s->alt_verified[a];
	}
	return compared > 0;
}

static void device(struct json *j, const struct report_device *d, int signo)
{
	const struct dev_info *i = d->info;
	const struct ops_stats *s = d->stats;
	char hex[8];

	json_object_begin(j);
	json_member_string(j, "path", i->path);
	snprintf(hex, sizeof(hex), "%04x", i->vid);
	json_member_string(j, "vid", hex);
	snprintf(hex, sizeof(hex), "%04x", i->pid);
	json_member_string(j, "pid", hex);
	json_member_string(j, "serial", i->serial);
	json_member_string(j, "serial_string",
			   dev_string_state(i->serial_absent, i->serial_unreadable));
	json_key(j, "alts");
	json_array_begin(j);
	for (size_t a = 0; a < i->nalts; a++) {
		json_object_begin(j);
		json_member_uint(j, "alt", i->alts[a].alt);
		json_member_string(j, "name", i->alts[a].name);
		json_member_string(j, "name_string",
				   dev_string_state(i->alts[a].name_absent,
						    i->alts[a].name_unread));
		json_member_uint(j, "bytes_written", a < DEV_MAX_ALTS ? s->alt_written[a] : 0);
		json_member_uint(j, "bytes_verified", a < DEV_MAX_ALTS ? s->alt_verified[a] : 0);
		json_object_end(j);
	}
	json_array_end(j);
	json_member_string(j, "result",
			   d->code == ERR_OK ? "ok"
			   : d->interrupted  ? "interrupted"
					     : "error");
	json_member_uint(j, "exit_code",
			 (unsigned)error_exit_status((enum error_code)d->code, signo));
	json_member_string(j, "error", d->code == ERR_OK ? NULL : d->error);
	json_member_uint(j, "bytes_written", s->bytes_written);
	json_member_uint(j, "bytes_read", s->bytes_read);
	json_member_uint(j, "sectors_erased", s->sectors_erased);
	json_member_uint(j, "sectors_skipped", s->sectors_skipped);
	json_member_bool(j, "verified", d->code == ERR_OK && all_verified(s));
	json_member_uint(j, "requests", s->requests);
	json_key(j, "seconds");
	json_object_begin(j);
	seconds(j, "erase", s->erase_us);
	seconds(j, "write", s->write_us);
	seconds(j, "verify", s->verify_us);
	seconds(j, "read", s->read_us);
	seconds(j, "total", d->total_us);
	json_object_end(j);
	json_object_end(j);
}

int report_build(const struct opts *o, const struct report_device *devs, size_t n,
		 const struct report_run *run, char **text, size_t *len, struct error *err)
{
	struct json j;
	const char *t;
	int r;

	*text = NULL;
	*len = 0;
	json_init(&j);
	json_object_begin(&j);
	json_member_string(&j, "tool", "dfuse-util");
	json_member_string(&j, "version", PACKAGE_VERSION);
	json_member_string(&j, "operation", operation_name(o->mode));
	json_member_string(&j, "file", o->file);
	json_key(&j, "devices");
	json_array_begin(&j);
	for (size_t i = 0; i < n; i++)
		device(&j, &devs[i], run->signo);
	json_array_end(&j);
	json_member_uint(&j, "exit_code",
			 (unsigned)error_exit_status((enum error_code)run->code, run->signo));
	json_member_string(&j, "error", run->code == ERR_OK ? NULL : run->error);
	json_object_end(&j);
	r = json_finish(&j, &t, len, err);
	if (r == ERR_OK) {
		*text = j.buf; /* handed over: json_free() is not called */
		return ERR_OK;
	}
	json_free(&j);
	return r;
}

int report_write(const struct opts *o, const struct report_device *devs, size_t n,
		 const struct report_run *run, FILE *stdout_f, struct error *err)
{
	struct outfile f;
	char *text;
	size_t len;
	int r = report_build(o, devs, n, run, &text, &len, err);

	if (r != ERR_OK)
		return error_wrap(err, "--json");
	if (strcmp(o->json_file, "-") == 0) {
		if (fwrite(text, 1, len, stdout_f) != len || fflush(stdout_f) != 0)
			r = error_set(err, ERR_IO, "--json: writing to stdout failed");
		free(text);
		return r;
	}
	r = outfile_open(&f, o->json_file, err);
	if (r == ERR_OK)
		r = outfile_write(&f, (const uint8_t *)text, len, err);
	if (r == ERR_OK)
		r = outfile_commit_replace(&f, err);
	outfile_abort(&f);
	free(text);
	return r != ERR_OK ? error_wrap(err, "--json") : ERR_OK;
}
