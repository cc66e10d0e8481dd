/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON writer: a growing buffer, a stack of open levels for commas and
 * indentation, and string escaping that keeps the text valid UTF-8 whatever
 * bytes it is given (file names and device strings come from outside).
 */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = true;
}

void json_free(struct json *j)
{
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
}

static void put(struct json *j, const char *s, size_t n)
{
	if (j->failed)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t ncap = j->cap ? j->cap : 256;
		char *nb;

		while (ncap < j->len + n + 1)
			ncap *= 2;
		nb = realloc(j->buf, ncap);
		if (nb == NULL) {
			j->failed = j->nomem = true;
			return;
		}
		j->buf = nb;
		j->cap = ncap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void newline(struct json *j)
{
	put(j, "\n", 1);
	for (int i = 0; i < j->depth; i++)
		put(j, "  ", 2);
}

/* Before a value: the comma and line its position needs, or a misuse. */
static void begin_value(struct json *j)
{
	if (j->want_value) {
		j->want_value = false;
		return;
	}
	if (j->depth == 0) {
		if (!j->first[0])
			j->failed = true; /* one document holds one value */
		j->first[0] = false;
		return;
	}
	if (j->kind[j->depth] == 'o') {
		j->failed = true; /* an object member needs its key first */
		return;
	}
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = false;
	newline(j);
}

static void open_level(struct json *j, char kind, const char *text)
{
	begin_value(j);
	if (j->depth == JSON_MAX_DEPTH) {
		j->failed = true;
		return;
	}
	put(j, text, 1);
	j->depth++;
	j->kind[j->depth] = kind;
	j->first[j->depth] = true;
}

static void close_level(struct json *j, char kind, const char *text)
{
	bool empty;

	if (j->depth == 0 || j->kind[j->depth] != kind || j->want_value) {
		j->failed = true;
		return;
	}
	empty = j->first[j->depth];
	j->depth--;
	if (!empty)
		newline(j);
	put(j, text, 1);
}

void json_object_begin(struct json *j)
{
	open_level(j, 'o', "{");
}

void json_object_end(struct json *j)
{
	close_level(j, 'o', "}");
}

void json_array_begin(struct json *j)
{
	open_level(j, 'a', "[");
}

void json_array_end(struct json *j)
{
	close_level(j, 'a', "]");
}

/* Length of the UTF-8 sequence at @s (at most @n bytes), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		cp = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		cp = s[0] & 0x0Fu;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3Fu);
	}
	/* Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static void write_string(struct json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	put(j, "\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		char esc[8];
		size_t len;

		switch (c) {
		case '"':
			put(j, "\\\"", 2);
			i++;
			continue;
		case '\\':
			put(j, "\\\\", 2);
			i++;
			continue;
		case '\n':
			put(j, "\\n", 2);
			i++;
			continue;
		case '\r':
			put(j, "\\r", 2);
			i++;
			continue;
		case '\t':
			put(j, "\\t", 2);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(j, esc, 6);
			i++;
			continue;
		}
		len = utf8_len(s + i, n - i);
		if (len == 0) {
			put(j, "\xEF\xBF\xBD", 3); /* U+FFFD REPLACEMENT CHARACTER */
			i++;
			continue;
		}
		put(j, (const char *)s + i, len);
		i += len;
	}
	put(j, "\"", 1);
}

void json_key(struct json *j, const char *key)
{
	if (j->depth == 0 || j->kind[j->depth] != 'o' || j->want_value) {
		j->failed = true;
		return;
	}
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = false;
	newline(j);
	write_string(j, key);
	put(j, ": ", 2);
	j->want_value = true;
}

void json_string(struct json *j, const char *s)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	begin_value(j);
	write_string(j, s);
}

void json_uint(struct json *j, unsigned long long v)
{
	char num[24];

	begin_value(j);
	put(j, num, (size_t)snprintf(num, sizeof(num), "%llu", v));
}

void json_int(struct json *j, long long v)
{
	char num[24];

	begin_value(j);
	put(j, num, (size_t)snprintf(num, sizeof(num), "%lld", v));
}

void json_fixed(struct json *j, double v, int decimals)
{
	char num[64];
	int n;

	if (!(v > -1e18 && v < 1e18)) { /* also NaN */
		json_null(j);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	begin_value(j);
	n = snprintf(num, sizeof(num), "%.*f", decimals, v);
	/* "-0.000" is valid JSON but reads oddly for a duration. */
	if (n > 0 && num[0] == '-' && strspn(num + 1, "0.") == (size_t)n - 1)
		put(j, num + 1, (size_t)n - 1);
	else if (n > 0)
		put(j, num, (size_t)n);
}

void json_bool(struct json *j, bool v)
{
	begin_value(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j)
{
	begin_value(j);
	put(j, "null", 4);
}

void json_member_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_member_uint(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_member_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

int json_finish(struct json *j, const char **text, size_t *len, struct error *err)
{
	*text = NULL;
	*len = 0;
	if (j->nomem)
		return error_set(err, ERR_NOMEM, "out of memory");
	if (j->failed || j->depth != 0 || j->want_value || j->first[0])
		return error_set(err, ERR_DATA, "JSON document not well formed (writer misuse)");
	put(j, "\n", 1);
	if (j->nomem)
		return error_set(err, ERR_NOMEM, "out of memory");
	*text = j->buf;
	*len = j->len;
	return ERR_OK;
}
