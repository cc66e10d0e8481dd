/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small, bounded JSON reader for what users hand dfuse-sim: board profiles
 * and the lines of a dfuse-util trace. It reads RFC 8259 text into a tree of
 * nodes (one array, indices as links) with hard caps on size, depth, nodes
 * and string length, and answers lookups by member name. Pure C, no GLib: the
 * fuzz target links it alone.
 */
#ifndef DFUSE_SIM_JSON_H
#define DFUSE_SIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SJ_MAX_INPUT  (1u << 20) /* bytes of one document */
#define SJ_MAX_DEPTH  16
#define SJ_MAX_NODES  4096
#define SJ_MAX_STRING (1u << 18) /* bytes of one string, unescaped (a 64 KiB block in hex) */
#define SJ_NONE	      ((size_t)-1)

enum sj_type { SJ_NULL, SJ_BOOL, SJ_NUMBER, SJ_STRING, SJ_ARRAY, SJ_OBJECT };

struct sj_node {
	enum sj_type type;
	char *key;    /* the member name, when the parent is an object */
	char *text;   /* SJ_STRING: the unescaped text; SJ_NUMBER: as written */
	size_t len;   /* bytes of text (a string may hold U+0000) */
	bool boolean; /* SJ_BOOL */
	size_t first; /* SJ_ARRAY/SJ_OBJECT: the first child, or SJ_NONE */
	size_t next;  /* the next sibling, or SJ_NONE */
	size_t count; /* SJ_ARRAY/SJ_OBJECT: children */
};

struct sj_doc {
	struct sj_node *nodes; /* nodes[0] is the root */
	size_t n, cap;
};

/*
 * Parses @len bytes of @text (one value, blanks around it allowed) into
 * @doc. Returns true, or false with "line L, column C: what" in @err (and an
 * empty @doc). Always sj_free() the document.
 */
bool sj_parse(const char *text, size_t len, struct sj_doc *doc, char *err, size_t errlen);
void sj_free(struct sj_doc *doc);

/* The root, or NULL for an empty document. */
const struct sj_node *sj_root(const struct sj_doc *doc);
/* The children of an array or object, in order: first, then each next (NULL at the end). */
const struct sj_node *sj_first(const struct sj_doc *doc, const struct sj_node *n);
const struct sj_node *sj_next(const struct sj_doc *doc, const struct sj_node *n);
/* The member @key of object @obj (the last one if repeated), or NULL. */
const struct sj_node *sj_get(const struct sj_doc *doc, const struct sj_node *obj, const char *key);
/*
 * Makes @s fit on one line of a terminal: each control byte (a newline or
 * escape in a user's key or value) becomes '?'. Returns @s.
 */
char *sj_one_line(char *s);
/* The name of @t ("string", "object" ...) for messages. */
const char *sj_type_name(enum sj_type t);

/*
 * An unsigned number: a JSON integer, or a string holding a decimal or 0x
 * hexadecimal one ("0x1209"), at most @max. False when it is neither.
 */
bool sj_uint(const struct sj_node *n, uint64_t max, uint64_t *out);

#endif
