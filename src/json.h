/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON writer into memory (RFC 8259): objects, arrays, strings with
 * correct escaping, numbers, booleans. Pure: no I/O; the caller writes the
 * finished text where it belongs (--json FILE through outfile.c).
 */
#ifndef DFUSE_JSON_H
#define DFUSE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Nesting deeper than this is a caller bug, reported by json_finish(). */
#define JSON_MAX_DEPTH 16

struct json {
	char *buf;
	size_t len, cap;
	bool failed; /* out of memory, or the calls did not nest */
	bool nomem;
	int depth;			/* open objects and arrays */
	char kind[JSON_MAX_DEPTH + 1];	/* of each open level: 'o' object, 'a' array */
	bool first[JSON_MAX_DEPTH + 1]; /* nothing written yet at this level */
	bool want_value;		/* after json_key(): the member's value comes next */
};

/* An empty document. */
void json_init(struct json *j);
/* Free the text. Safe to repeat. */
void json_free(struct json *j);

/*
 * Values. Inside an object every value must follow json_key(); inside an
 * array and at the top level, values follow one another. Misuse marks the
 * document failed (json_finish() says so) instead of writing bad JSON.
 */
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
/*
 * @s as a JSON string: quote, backslash and control characters escaped;
 * bytes that are not UTF-8 become U+FFFD, so the output is always valid.
 * NULL writes null.
 */
void json_string(struct json *j, const char *s);
void json_uint(struct json *j, unsigned long long v);
void json_int(struct json *j, long long v);
/* @v with @decimals digits after the point (0-9); NaN and infinities write null. */
void json_fixed(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Shorthands for a member: json_key() then the value. */
void json_member_string(struct json *j, const char *key, const char *s);
void json_member_uint(struct json *j, const char *key, unsigned long long v);
void json_member_bool(struct json *j, const char *key, bool v);

/*
 * The finished document (ending in a newline) in *@text, *@len: owned by
 * @j. ERR_NOMEM, or ERR_DATA when the calls left a value unfinished or did
 * not nest.
 */
int json_finish(struct json *j, const char **text, size_t *len, struct error *err);

#endif
