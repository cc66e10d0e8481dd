/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for src/options.c: the input split at NUL or newline into at
 * most 32 words goes through opt_parse; the raw input through the -s, -d and
 * number parsers. Checks the invariants a successful parse promises.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define FUZZ_MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a finding: stop so the fuzzer records the input. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz-options: %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void check_error(int rc, const struct error *err)
{
	FUZZ_CHECK(rc == ERR_USAGE);
	FUZZ_CHECK(err->code == ERR_USAGE);
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	FUZZ_CHECK(err->msg[0] != '\0');
}

static void check_dfuse(const struct opt_dfuse *d)
{
	FUZZ_CHECK(d->given);
	FUZZ_CHECK(!d->has_length || d->length > 0);
	FUZZ_CHECK(!d->has_address || !d->has_length ||
		   (uint64_t)d->address + d->length <= (uint64_t)UINT32_MAX + 1);
	FUZZ_CHECK(!(d->mass_erase || d->unprotect) || d->force);
	FUZZ_CHECK(!(d->mass_erase && d->unprotect));
}

static void check_opts(const struct opts *o, const char *buf, size_t size)
{
	bool transfer = o->mode == OPT_MODE_UPLOAD || o->mode == OPT_MODE_DOWNLOAD;
	bool offline = o->mode == OPT_MODE_INFO || o->mode == OPT_MODE_CONVERT;

	FUZZ_CHECK(o->mode != OPT_MODE_NONE);
	if (o->mode == OPT_MODE_HELP || o->mode == OPT_MODE_VERSION)
		return;
	FUZZ_CHECK((o->file != NULL) == (transfer || offline));
	FUZZ_CHECK((o->convert_out != NULL) == (o->mode == OPT_MODE_CONVERT));
	if (o->convert_out != NULL)
		FUZZ_CHECK(o->convert_out >= buf && o->convert_out < buf + size + 1 &&
			   o->convert_out[0] != '\0');
	FUZZ_CHECK(o->format == IMAGE_FORMAT_AUTO || o->mode == OPT_MODE_DOWNLOAD || offline);
	FUZZ_CHECK(o->out_format == IMAGE_FORMAT_AUTO || o->mode == OPT_MODE_CONVERT);
	if (offline) {
		/* Files only: no device option, and -s is an address alone. */
		FUZZ_CHECK(!o->detach && !o->reset && !o->wait && !o->verify && !o->diff);
		FUZZ_CHECK(!o->has_path && !o->has_devnum && !o->has_transfer_size);
		FUZZ_CHECK(!o->dfuse.given ||
			   (o->dfuse.has_address && !o->dfuse.has_length && !o->dfuse.leave &&
			    !o->dfuse.force && !o->dfuse.will_reset));
		FUZZ_CHECK(o->mode == OPT_MODE_CONVERT ||
			   (!o->has_alt && !o->id_runtime.given && !o->id_dfu.given));
	}
	if (o->file != NULL) {
		/* It points into argv, which here is the one input buffer. */
		FUZZ_CHECK(o->file >= buf && o->file < buf + size + 1);
		FUZZ_CHECK(o->file[0] != '\0');
	}
	FUZZ_CHECK(memchr(o->path, '\0', sizeof(o->path)) != NULL);
	FUZZ_CHECK(memchr(o->alt_name, '\0', sizeof(o->alt_name)) != NULL);
	FUZZ_CHECK(memchr(o->serial_runtime.value, '\0', sizeof(o->serial_runtime.value)));
	FUZZ_CHECK(memchr(o->serial_dfu.value, '\0', sizeof(o->serial_dfu.value)));
	FUZZ_CHECK(!o->has_transfer_size || o->transfer_size > 0);
	FUZZ_CHECK(!o->has_upload_size || (o->mode == OPT_MODE_UPLOAD && o->upload_size > 0));
	FUZZ_CHECK(!(o->verify || o->diff) || o->mode == OPT_MODE_DOWNLOAD);
	FUZZ_CHECK(o->detach_delay_s <= 3600);
	FUZZ_CHECK(o->verbose >= 0);
	if (o->dfuse.given) {
		check_dfuse(&o->dfuse);
		FUZZ_CHECK(transfer || offline || o->mode == OPT_MODE_COMMAND);
		FUZZ_CHECK(!o->dfuse.has_length || o->mode == OPT_MODE_UPLOAD);
	}
	if (o->mode == OPT_MODE_COMMAND)
		FUZZ_CHECK(o->dfuse.leave || o->dfuse.mass_erase || o->dfuse.unprotect);
	if (o->mode == OPT_MODE_DETACH)
		FUZZ_CHECK(o->detach);
	if (o->mode == OPT_MODE_RESET)
		FUZZ_CHECK(o->reset && !o->detach);
}

static void fuzz_argv(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAX_ARGS + 2];
	struct error err = { ERR_OK, "" };
	struct opts o;
	char *buf = malloc(size + 1);
	char *p, *end;
	int argc = 0;
	int rc;

	if (buf == NULL)
		return;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = (char *)"dfuse-util";
	p = buf;
	end = buf + size;
	/* A separator at the very end ends the last word; it starts no empty one. */
	while (p < end && argc <= FUZZ_MAX_ARGS) {
		char *start = p;

		while (p < end && *p != '\0' && *p != '\n')
			p++;
		*p = '\0';
		argv[argc++] = start;
		p++;
	}
	argv[argc] = NULL;
	rc = opt_parse(argc, argv, &o, &err);
	if (rc == ERR_OK)
		check_opts(&o, buf, size);
	else
		check_error(rc, &err);
	free(buf);
}

static void fuzz_raw(const uint8_t *data, size_t size)
{
	struct error err = { ERR_OK, "" };
	struct opt_dfuse d;
	struct opt_id rt, dfu;
	char *s = malloc(size + 1);
	uint64_t v;
	int rc;

	if (s == NULL)
		return;
	memcpy(s, data, size);
	s[size] = '\0';

	rc = opt_parse_dfuse(s, &d, &err);
	if (rc == ERR_OK)
		check_dfuse(&d);
	else
		check_error(rc, &err);

	rc = opt_parse_devices(s, &rt, &dfu, &err);
	if (rc == ERR_OK) {
		FUZZ_CHECK(!rt.none || rt.given);
		FUZZ_CHECK(!dfu.none || dfu.given);
		FUZZ_CHECK(!rt.none || !opt_id_match(&rt, 0x0483, 0xdf11));
		FUZZ_CHECK(!dfu.none || !opt_id_match(&dfu, 0x0483, 0xdf11));
		FUZZ_CHECK(rt.given || opt_id_match(&rt, 0x0483, 0xdf11));
		FUZZ_CHECK(dfu.given || opt_id_match(&dfu, 0x0483, 0xdf11));
	} else {
		check_error(rc, &err);
	}

	rc = opt_strtonum(s, 0, UINT64_MAX, "n", &v, &err);
	if (rc == ERR_OK) {
		/* What was accepted reads back the same way, after the blanks strtoul() skips. */
		const char *t = s + strspn(s, " \t\n\v\f\r");
		char back[40];
		bool hex = t[0] == '0' && (t[1] == 'x' || t[1] == 'X');

		if (hex) {
			FUZZ_CHECK(strtoull(t + 2, NULL, 16) == v);
		} else {
			snprintf(back, sizeof(back), "%llu", (unsigned long long)v);
			FUZZ_CHECK(strcmp(back, t) == 0);
		}
	} else {
		check_error(rc, &err);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_argv(data, size);
	fuzz_raw(data, size);
	return 0;
}
