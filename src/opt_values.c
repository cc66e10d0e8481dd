/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The grammars of option values: the checked number helper (strtonum-like,
 * leading blanks as strtoul() took them, no octal), -s ADDRESS[:LENGTH]
 * [:modifier]..., -d [RT][,DFU], -S, -a and -p. Pure: never prints or exits.
 */
#include "opt_values.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define OPT_PATH_MAX	 ((size_t)OPT_PATH_LEN - 1)
#define OPT_ALT_NAME_MAX ((size_t)OPT_NAME_LEN - 1)
#define OPT_SERIAL_MAX	 (sizeof(((struct opt_serial *)0)->value) - 1)

static int opt_digit(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Bounds as the user would write them: decimal for counts, hex for addresses. */
static void opt_format_bound(char *buf, size_t size, uint64_t v)
{
	if (v > 1000000)
		snprintf(buf, size, "0x%" PRIX64, v);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

/*
 * dfu-util read every number with strtoul(), which skips leading white space,
 * and callers depend on it: Zephyr's rtsflash runner passes "-d 0483:df11" as
 * one argument, so the value arrives as " 0483:df11". Only the C locale's
 * isspace() set, and only in front: a sign or trailing text stays an error.
 */
static const char *opt_skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\v' || *s == '\f' || *s == '\r')
		s++;
	return s;
}

int opt_strtonum(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		 struct error *err)
{
	const char *t, *digits;
	unsigned base = 10;
	bool overflow = false;
	uint64_t v = 0;
	char lo[24], hi[24];
	const char *p;

	if (s == NULL || *s == '\0')
		return error_set(err, ERR_USAGE, "%s is empty", what);
	t = opt_skip_blanks(s);
	if (*t == '\0')
		return error_set(err, ERR_USAGE, "%s '%.*s' has no digits", what, OPT_ECHO, s);
	digits = t;
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		base = 16;
		digits = t + 2;
		if (*digits == '\0')
			return error_set(err, ERR_USAGE, "%s '%s' has no digits after 0x", what, s);
	}
	for (p = digits; *p != '\0'; p++) {
		if (opt_digit(*p, base) < 0)
			return error_set(err, ERR_USAGE,
					 "%s '%.*s' is not a number (decimal, or hex with 0x)",
					 what, OPT_ECHO, s);
	}
	if (base == 10 && t[0] == '0' && t[1] != '\0') {
		/*
		 * strtoul(..., 0) would read this as octal, and "08000000" is
		 * nearly always hex missing its 0x: refuse it rather than guess.
		 */
		const char *dec = t;

		while (dec[0] == '0' && dec[1] != '\0')
			dec++;
		return error_set(err, ERR_USAGE,
				 "%s '%.*s' has a leading zero (octal is not accepted): "
				 "write 0x%.*s for hex or %.*s for decimal",
				 what, OPT_ECHO, s, OPT_ECHO, t, OPT_ECHO, dec);
	}
	for (p = digits; *p != '\0' && !overflow; p++) {
		uint64_t d = (uint64_t)opt_digit(*p, base);

		if (__builtin_mul_overflow(v, (uint64_t)base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			overflow = true;
	}
	if (overflow || v < min || v > max) {
		opt_format_bound(lo, sizeof(lo), min);
		opt_format_bound(hi, sizeof(hi), max);
		return error_set(err, ERR_USAGE, "%s %.*s out of range (%s..%s)", what, OPT_ECHO, s,
				 lo, hi);
	}
	*out = v;
	return ERR_OK;
}

void opt_store_uint(void *field, size_t size, uint64_t v)
{
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	/* Through memcpy of the field's own width: right in either byte order. */
	if (size == 1)
		memcpy(field, &v8, 1);
	else if (size == 2)
		memcpy(field, &v16, 2);
	else if (size == 4)
		memcpy(field, &v32, 4);
	else
		memcpy(field, &v, sizeof(v));
}

/* The -s modifiers, matched exactly: dfu-util matched by prefix and read past the end. */
static bool opt_dfuse_modifier(struct opt_dfuse *d, const char *f, size_t n)
{
	static const struct {
		const char *name;
		size_t offset;
	} mods[] = {
		{ "leave", offsetof(struct opt_dfuse, leave) },
		{ "unprotect", offsetof(struct opt_dfuse, unprotect) },
		{ "mass-erase", offsetof(struct opt_dfuse, mass_erase) },
		{ "will-reset", offsetof(struct opt_dfuse, will_reset) },
		{ "force", offsetof(struct opt_dfuse, force) },
	};

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		if (strlen(mods[i].name) == n && memcmp(mods[i].name, f, n) == 0) {
			/* A repeated modifier asks for the same thing twice: harmless. */
			*(bool *)((char *)d + mods[i].offset) = true;
			return true;
		}
	}
	return false;
}

/* Is the first non-blank character of @f (length @n) a digit? Then it is a number. */
static bool opt_starts_with_digit(const char *f, size_t n)
{
	const char *t = opt_skip_blanks(f);

	return (size_t)(t - f) < n && *t >= '0' && *t <= '9';
}

/* Copy field @f of length @n into @buf for opt_strtonum (which needs a string). */
static bool opt_field_copy(char *buf, size_t size, const char *f, size_t n)
{
	if (n >= size)
		return false;
	memcpy(buf, f, n);
	buf[n] = '\0';
	return true;
}

int opt_parse_dfuse(const char *s, struct opt_dfuse *d, struct error *err)
{
	/* Longer than any valid number; a longer field is refused as too long. */
	char num[32];
	const char *f, *end;
	uint64_t v;
	size_t n;
	int rc;

	memset(d, 0, sizeof(*d));
	if (s == NULL || *s == '\0')
		return error_set(err, ERR_USAGE,
				 "empty argument (expected ADDRESS[:LENGTH]"
				 "[:MODIFIER]...)");
	end = strchr(s, ':');
	n = end != NULL ? (size_t)(end - s) : strlen(s);
	if (n > 0) {
		if (opt_dfuse_modifier(d, s, n))
			return error_set(err, ERR_USAGE,
					 "address missing before '%.*s' (write ':%.*s' to give "
					 "no address)",
					 (int)n, s, (int)n, s);
		if (!opt_field_copy(num, sizeof(num), s, n))
			return error_set(err, ERR_USAGE, "address '%.*s' is too long",
					 (int)(n > OPT_ECHO ? OPT_ECHO : n), s);
		rc = opt_strtonum(num, 0, UINT32_MAX, "address", &v, err);
		if (rc != ERR_OK)
			return rc;
		d->has_address = true;
		d->address = (uint32_t)v;
	}
	while (end != NULL) {
		f = end + 1;
		end = strchr(f, ':');
		n = end != NULL ? (size_t)(end - f) : strlen(f);
		if (n == 0)
			return error_set(err, ERR_USAGE, "empty field (a stray ':')");
		if (opt_starts_with_digit(f, n)) {
			if (d->has_length)
				return error_set(err, ERR_USAGE,
						 "a second length '%.*s' (only one is allowed)",
						 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
			if (!opt_field_copy(num, sizeof(num), f, n))
				return error_set(err, ERR_USAGE, "length '%.*s' is too long",
						 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
			rc = opt_strtonum(num, 1, UINT32_MAX, "length", &v, err);
			if (rc != ERR_OK)
				return rc;
			d->has_length = true;
			d->length = (uint32_t)v;
			continue;
		}
		if (!opt_dfuse_modifier(d, f, n))
			return error_set(err, ERR_USAGE,
					 "unknown modifier '%.*s' (expected leave, unprotect, "
					 "mass-erase, will-reset, force or a length)",
					 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
	}
	if (d->unprotect && d->mass_erase)
		return error_set(err, ERR_USAGE,
				 "unprotect and mass-erase together: pick one (unprotect already "
				 "erases the flash)");
	if ((d->unprotect || d->mass_erase) && !d->force)
		return error_set(err, ERR_USAGE,
				 "%s requires force: it erases the whole flash, including a "
				 "bootloader that runs from flash (STM32F103 boards, for one), "
				 "which bricks the board; add ':force' if you are sure",
				 d->unprotect ? "unprotect" : "mass-erase");
	if (d->has_address && d->has_length &&
	    (uint64_t)d->address + d->length > (uint64_t)UINT32_MAX + 1)
		return error_set(err, ERR_USAGE,
				 "address 0x%08" PRIX32 " + length 0x%" PRIX32
				 " runs past the 4 GiB address space",
				 d->address, d->length);
	d->given = true;
	return ERR_OK;
}

bool opt_hex16(const char *s, size_t n, uint16_t *out)
{
	size_t skip = (size_t)(opt_skip_blanks(s) - s);
	unsigned v = 0;

	if (skip > n)
		skip = n;
	s += skip;
	n -= skip;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		int d = opt_digit(s[i], 16);

		if (d < 0)
			return false;
		v = v * 16 + (unsigned)d;
	}
	*out = (uint16_t)v;
	return true;
}

/*
 * One VID or PID of -d: 1-4 hex digits (0x allowed), "*" any, "-" none,
 * empty = "not said" (the caller picks the default).
 */
static int opt_id_field(const char *f, size_t n, const char *what, bool *empty, bool *any,
			bool *none, uint16_t *val, struct error *err)
{
	const char *digits;
	size_t nd, skip;

	/* Blanks in front, as strtoul() skipped them; "0483 " stays an error. */
	skip = (size_t)(opt_skip_blanks(f) - f);
	if (skip > n)
		skip = n;
	digits = f + skip;
	nd = n - skip;
	*empty = nd == 0;
	*any = nd == 1 && digits[0] == '*';
	*none = nd == 1 && digits[0] == '-';
	if (*empty || *any || *none || opt_hex16(digits, nd, val))
		return ERR_OK;
	return error_set(err, ERR_USAGE, "%s '%.*s' is not 1-4 hex digits, '*' or '-'", what,
			 (int)(n > OPT_ECHO ? OPT_ECHO : n), f);
}

/*
 * One half of -d, "VID[:PID]" of length @n. Empty fields take @dflt's values
 * (the run-time half's for a DFU half after it, else any).
 */
static int opt_id_half(const char *s, size_t n, const struct opt_id *dflt, struct opt_id *id,
		       struct error *err)
{
	const char *colon = memchr(s, ':', n);
	size_t nv = colon != NULL ? (size_t)(colon - s) : n;
	bool empty, any, none;
	uint16_t val = 0;
	int rc;

	*id = *dflt;
	rc = opt_id_field(s, nv, "vendor ID", &empty, &any, &none, &val, err);
	if (rc != ERR_OK)
		return rc;
	if (none)
		id->none = true;
	else if (any)
		id->any_vid = true;
	else if (!empty) {
		id->any_vid = false;
		id->vid = val;
	}
	if (colon != NULL) {
		rc = opt_id_field(colon + 1, n - nv - 1, "product ID", &empty, &any, &none, &val,
				  err);
		if (rc != ERR_OK)
			return rc;
		if (none)
			id->none = true;
		else if (any)
			id->any_pid = true;
		else if (!empty) {
			id->any_pid = false;
			id->pid = val;
		}
	}
	/* "*:*" or ":" restricts nothing: such a half counts as not given. */
	id->given = id->none || !id->any_vid || !id->any_pid;
	return ERR_OK;
}

int opt_parse_devices(const char *s, struct opt_id *runtime, struct opt_id *dfu, struct error *err)
{
	static const struct opt_id any = { .any_vid = true, .any_pid = true };
	const char *comma;
	int rc;

	*runtime = any;
	*dfu = any;
	if (s == NULL)
		return ERR_OK;
	comma = strchr(s, ',');
	if (comma == s) {
		/* Only DFU-mode IDs: run-time devices are ignored (dfu-util(1)). */
		runtime->given = true;
		runtime->none = true;
	} else {
		rc = opt_id_half(s, comma != NULL ? (size_t)(comma - s) : strlen(s), &any, runtime,
				 err);
		if (rc != ERR_OK)
			return error_wrap(err, "run-time half");
	}
	if (comma == NULL)
		return ERR_OK; /* run-time IDs alone: any DFU-mode device is also taken */
	/* With both halves, what the DFU half leaves out is the run-time value. */
	rc = opt_id_half(comma + 1, strlen(comma + 1), runtime->none ? &any : runtime, dfu, err);
	if (rc != ERR_OK)
		return error_wrap(err, "DFU-mode half");
	return ERR_OK;
}

bool opt_id_match(const struct opt_id *id, uint16_t vid, uint16_t pid)
{
	if (!id->given)
		return true;
	if (id->none)
		return false;
	return (id->any_vid || id->vid == vid) && (id->any_pid || id->pid == pid);
}

static int opt_serial_half(const char *s, size_t n, struct opt_serial *ser, struct error *err)
{
	memset(ser, 0, sizeof(*ser));
	if (n > OPT_SERIAL_MAX)
		return error_set(err, ERR_USAGE, "serial number longer than %zu bytes",
				 OPT_SERIAL_MAX);
	/* An empty serial matches any device (dfu-util(1)). */
	ser->given = n > 0;
	memcpy(ser->value, s, n);
	ser->value[n] = '\0';
	return ERR_OK;
}

/* -S S (both modes), S1,S2 (run-time, DFU mode); the first comma splits. */
int opt_parse_serial(const char *s, struct opt_serial *runtime, struct opt_serial *dfu,
		     struct error *err)
{
	const char *comma = strchr(s, ',');
	int rc;

	if (comma == NULL) {
		rc = opt_serial_half(s, strlen(s), runtime, err);
		if (rc == ERR_OK)
			*dfu = *runtime;
		return rc;
	}
	rc = opt_serial_half(s, (size_t)(comma - s), runtime, err);
	if (rc != ERR_OK)
		return rc;
	return opt_serial_half(comma + 1, strlen(comma + 1), dfu, err);
}

/*
 * -a N or -a NAME. Text starting with a digit is a number, and must be a
 * valid one: "1O" or "0x1g" is a typo far more often than a device's name.
 */
int opt_parse_alt(const char *s, bool *is_name, uint8_t *num, char *name, struct error *err)
{
	size_t n = strlen(s);
	uint64_t v;
	int rc;

	*is_name = false;
	*num = 0;
	name[0] = '\0';
	if (n == 0)
		return error_set(err, ERR_USAGE, "alternate setting is empty");
	if (opt_starts_with_digit(s, n)) {
		rc = opt_strtonum(s, 0, 255, "alternate setting", &v, err);
		if (rc != ERR_OK)
			return rc;
		*num = (uint8_t)v;
	} else {
		if (n > OPT_ALT_NAME_MAX)
			return error_set(err, ERR_USAGE,
					 "alternate setting name longer than %zu bytes",
					 OPT_ALT_NAME_MAX);
		memcpy(name, s, n + 1);
		*is_name = true;
	}
	return ERR_OK;
}

/* -p BUS-PORT[.PORT]...: the shape libusb port numbers print as. */
int opt_parse_path(const char *s, char *path, struct error *err)
{
	size_t n = strlen(s);
	bool digit = false; /* the current group has a digit */
	bool dash = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digit = true;
			continue;
		}
		if (!digit || (s[i] == '-' && dash) || (s[i] == '.' && !dash) ||
		    (s[i] != '-' && s[i] != '.'))
			goto bad;
		dash = true;
		digit = false;
	}
	if (!dash || !digit)
		goto bad;
	if (n > OPT_PATH_MAX)
		return error_set(err, ERR_USAGE, "path longer than %zu bytes", OPT_PATH_MAX);
	memcpy(path, s, n + 1);
	return ERR_OK;
bad:
	return error_set(err, ERR_USAGE, "path '%.*s' is not BUS-PORT[.PORT]... (e.g. 1-1.2)",
			 OPT_ECHO, s);
}
