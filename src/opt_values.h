/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The values options take, and their grammars: the checked number helper,
 * -s ADDRESS[:LENGTH][:modifier]..., -d [RT][,DFU], -S, -a and -p. options.c
 * walks argv and calls these; device.c matches -d with opt_id_match(). Pure:
 * no printing, every error ERR_USAGE with a reason.
 */
#ifndef DFUSE_OPT_VALUES_H
#define DFUSE_OPT_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* At most this many bytes of user text are echoed back in one message. */
#define OPT_ECHO 80

/* Buffer sizes: -p (a USB path), and -a NAME and each half of -S (with the NUL). */
#define OPT_PATH_LEN 64
#define OPT_NAME_LEN 256

/*
 * One half of -d: "VID:PID" in hex (blanks in front of either side are
 * skipped, as dfu-util's strtoul() did), where either side may be "*" or empty
 * (any), and the whole half may be "-" (match no device in this mode). The
 * run-time half is before the comma, the DFU-mode half after it (dfu-util
 * 0.11 semantics: run-time IDs alone also accept any DFU-mode device; a DFU
 * half alone ignores run-time devices; an empty DFU-mode side takes the
 * run-time value).
 */
struct opt_id {
	bool given; /* the user restricted this half */
	bool none;  /* "-" */
	bool any_vid, any_pid;
	uint16_t vid, pid;
};

/* One half of -S (run-time before the comma, DFU mode after it). */
struct opt_serial {
	bool given;
	char value[OPT_NAME_LEN];
};

/* The -s argument. */
struct opt_dfuse {
	bool given;
	bool has_address;
	uint32_t address;
	bool has_length;
	uint32_t length; /* > 0 */
	bool leave, unprotect, mass_erase, will_reset, force;
};

/* Parse a -s argument alone (exposed for tests and fuzzing). */
int opt_parse_dfuse(const char *s, struct opt_dfuse *d, struct error *err);

/* Parse a -d argument alone into its two halves. */
int opt_parse_devices(const char *s, struct opt_id *runtime, struct opt_id *dfu, struct error *err);

/*
 * Checked number: decimal, or hex with 0x/0X, after optional leading white
 * space (strtoul() skips it, and callers of dfu-util rely on that). A leading
 * 0 followed by more digits is refused (not octal: suggest 0x). No sign, no
 * trailing garbage, @min <= value <= @max. @what names the value in the
 * message.
 */
int opt_strtonum(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
		 struct error *err);

/*
 * 1 to 4 hex digits (a 0x in front allowed) in the @n bytes at @s, after
 * blanks strtoul() would skip, as -d takes a VID or PID. False otherwise.
 */
bool opt_hex16(const char *s, size_t n, uint16_t *out);

/* Does @id (one half of -d) accept @vid:@pid? Not given = any; "-" = none. */
bool opt_id_match(const struct opt_id *id, uint16_t vid, uint16_t pid);

/*
 * Store @v, already checked to fit, into the unsigned integer field of @size
 * bytes (1, 2, 4 or 8) at @field: the one store of every numeric option.
 */
void opt_store_uint(void *field, size_t size, uint64_t v);

/*
 * -S [RUNTIME][,DFU]: each half up to OPT_NAME_LEN - 1 bytes; a value without
 * a comma goes to both halves.
 */
int opt_parse_serial(const char *s, struct opt_serial *runtime, struct opt_serial *dfu,
		     struct error *err);

/*
 * -a N or -a NAME (a number when it reads as one, leading blanks allowed):
 * sets *@is_name and either *@num or @name (OPT_NAME_LEN bytes), clearing
 * the other.
 */
int opt_parse_alt(const char *s, bool *is_name, uint8_t *num, char *name, struct error *err);

/* -p BUS-PORT[.PORT]...: copied into @path (OPT_PATH_LEN bytes). */
int opt_parse_path(const char *s, char *path, struct error *err);

#endif
