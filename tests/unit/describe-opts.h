/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the tests of the option parser (test-options.c, test-opt-values.c)
 * compare: struct opts and its parts written as "key=value" tokens, and the
 * check that a row's wanted tokens (and "!key" absences) hold.
 */
#ifndef DFUSE_TESTS_DESCRIBE_OPTS_H
#define DFUSE_TESTS_DESCRIBE_OPTS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "options.h"

static inline const char *mode_name(enum opt_mode m)
{
	switch (m) {
	case OPT_MODE_NONE:
		return "NONE";
	case OPT_MODE_LIST:
		return "LIST";
	case OPT_MODE_DETACH:
		return "DETACH";
	case OPT_MODE_UPLOAD:
		return "UPLOAD";
	case OPT_MODE_DOWNLOAD:
		return "DOWNLOAD";
	case OPT_MODE_VERSION:
		return "VERSION";
	case OPT_MODE_HELP:
		return "HELP";
	case OPT_MODE_COMMAND:
		return "COMMAND";
	case OPT_MODE_RESET:
		return "RESET";
	case OPT_MODE_INFO:
		return "INFO";
	case OPT_MODE_CONVERT:
		return "CONVERT";
	}
	return "?";
}

static inline size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
	COMPAT_PRINTF(4, 5);

static inline size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len >= size)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return n < 0 ? len : len + (size_t)n;
}

static inline size_t describe_id(char *buf, size_t size, size_t len, const char *key,
				 const struct opt_id *id)
{
	char vid[8], pid[8];

	if (!id->given)
		return put(buf, size, len, " %s=unset", key);
	if (id->none)
		return put(buf, size, len, " %s=-", key);
	snprintf(vid, sizeof(vid), id->any_vid ? "*" : "%04x", id->vid);
	snprintf(pid, sizeof(pid), id->any_pid ? "*" : "%04x", id->pid);
	return put(buf, size, len, " %s=%s:%s", key, vid, pid);
}

static inline size_t describe_dfuse(char *buf, size_t size, size_t len, const struct opt_dfuse *d)
{
	if (d->given)
		len = put(buf, size, len, " s.given");
	if (d->has_address)
		len = put(buf, size, len, " s.addr=0x%08X", (unsigned)d->address);
	if (d->has_length)
		len = put(buf, size, len, " s.len=%u", (unsigned)d->length);
	if (d->leave)
		len = put(buf, size, len, " s.leave");
	if (d->unprotect)
		len = put(buf, size, len, " s.unprotect");
	if (d->mass_erase)
		len = put(buf, size, len, " s.mass-erase");
	if (d->will_reset)
		len = put(buf, size, len, " s.will-reset");
	if (d->force)
		len = put(buf, size, len, " s.force");
	if (d->fast)
		len = put(buf, size, len, " s.fast");
	return len;
}

/* struct opts as "key=value" tokens; only what differs from the defaults. */
static inline void describe(const struct opts *o, char *buf, size_t size)
{
	size_t len = put(buf, size, 0, "mode=%s", mode_name(o->mode));

	if (o->verbose)
		len = put(buf, size, len, " v=%d", o->verbose);
	if (o->id_runtime.given)
		len = describe_id(buf, size, len, "rt", &o->id_runtime);
	if (o->id_dfu.given)
		len = describe_id(buf, size, len, "dfu", &o->id_dfu);
	if (o->serial_runtime.given)
		len = put(buf, size, len, " sn.rt=%s", o->serial_runtime.value);
	if (o->serial_dfu.given)
		len = put(buf, size, len, " sn.dfu=%s", o->serial_dfu.value);
	if (o->has_path)
		len = put(buf, size, len, " path=%s", o->path);
	if (o->has_devnum)
		len = put(buf, size, len, " devnum=%u", o->devnum);
	if (o->has_cfg)
		len = put(buf, size, len, " cfg=%u", o->cfg);
	if (o->has_intf)
		len = put(buf, size, len, " intf=%u", o->intf);
	if (o->has_alt && o->alt_is_name)
		len = put(buf, size, len, " altname=%s", o->alt_name);
	else if (o->has_alt)
		len = put(buf, size, len, " alt=%u", o->alt);
	if (o->has_transfer_size)
		len = put(buf, size, len, " xfer=%u", o->transfer_size);
	if (o->file != NULL)
		len = put(buf, size, len, " file=%s", o->file);
	if (o->has_upload_size)
		len = put(buf, size, len, " zsize=%u", (unsigned)o->upload_size);
	len = describe_dfuse(buf, size, len, &o->dfuse);
	if (o->detach)
		len = put(buf, size, len, " detach");
	len = put(buf, size, len, " delay=%u", o->detach_delay_s);
	if (o->wait)
		len = put(buf, size, len, " wait");
	if (o->has_wait_timeout)
		len = put(buf, size, len, " waitfor=%u", o->wait_timeout_s);
	if (o->reset)
		len = put(buf, size, len, " reset");
	if (o->verify)
		len = put(buf, size, len, " verify");
	if (o->diff)
		len = put(buf, size, len, " diff");
	if (o->dry_run)
		len = put(buf, size, len, " dry_run");
	if (o->all)
		len = put(buf, size, len, " all");
	if (o->json_file != NULL) {
		len = put(buf, size, len, " json=%s", o->json_file);
	}
	if (o->format != IMAGE_FORMAT_AUTO)
		len = put(buf, size, len, " format=%s", image_format_name(o->format));
	if (o->out_format != IMAGE_FORMAT_AUTO)
		len = put(buf, size, len, " out-format=%s", image_format_name(o->out_format));
	if (o->convert_out != NULL)
		len = put(buf, size, len, " out=%s", o->convert_out);
	if (o->has_usb_timeout)
		len = put(buf, size, len, " usbtimeout=%u", o->usb_timeout_ms);
	if (o->has_poll_timeout_max)
		len = put(buf, size, len, " pollmax=%u", (unsigned)o->poll_timeout_max_ms);
	if (o->require_suffix)
		len = put(buf, size, len, " requiresuffix");
}

/* Is @tok (of length @n) a whole token of @desc, or (as a key) the key of one? */
static inline bool has_token(const char *desc, const char *tok, size_t n, bool as_key)
{
	const char *p = desc;

	while (*p != '\0') {
		size_t m = strcspn(p, " ");

		if ((m == n || (as_key && m > n && p[n] == '=')) && memcmp(p, tok, n) == 0)
			return true;
		p += m;
		p += strspn(p, " ");
	}
	return false;
}

/*
 * Every token of @want must be in @desc; "!key" must not be (neither "key"
 * nor "key=..."). Returns the first failing token in @bad.
 */
static inline bool tokens_hold(const char *desc, const char *want, char *bad, size_t bad_size)
{
	const char *p = want + strspn(want, " ");

	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		bool neg = p[0] == '!';
		bool found =
			neg ? has_token(desc, p + 1, n - 1, true) : has_token(desc, p, n, false);

		if (found == neg) {
			snprintf(bad, bad_size, "%.*s", (int)n, p);
			return false;
		}
		p += n;
		p += strspn(p, " ");
	}
	return true;
}

#endif
