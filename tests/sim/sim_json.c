/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounded JSON reader of sim_json.h: recursive descent over RFC 8259,
 * every limit checked before memory is taken, strings unescaped to UTF-8
 * (surrogate pairs joined, lone surrogates refused).
 */
#include "sim_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"

struct parser {
	const char *s;
	size_t len, pos;
	struct sj_doc *doc;
	char *err;
	size_t errlen;
	bool failed;
};

static bool fail(struct parser *p, const char *what)
{
	size_t line = 1, col = 1;

	if (p->failed)
		return false;
	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(p->err, p->errlen, "line %zu, column %zu: %s", line, col, what);
	p->failed = true;
	return false;
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static size_t new_node(struct parser *p, enum sj_type t)
{
	struct sj_doc *d = p->doc;

	if (d->n == SJ_MAX_NODES) {
		fail(p, "too many values");
		return SJ_NONE;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct sj_node *nn = realloc(d->nodes, cap * sizeof(*nn));

		if (nn == NULL) {
			fail(p, "out of memory");
			return SJ_NONE;
		}
		d->nodes = nn;
		d->cap = cap;
	}
	memset(&d->nodes[d->n], 0, sizeof(d->nodes[0]));
	d->nodes[d->n].type = t;
	d->nodes[d->n].first = SJ_NONE;
	d->nodes[d->n].next = SJ_NONE;
	return d->n++;
}

static bool read_u4(struct parser *p, unsigned *out)
{
	unsigned v = 0;

	if (p->len - p->pos < 4)
		return fail(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		int h = hex_digit_value((unsigned char)p->s[p->pos + (size_t)i]);

		if (h < 0)
			return fail(p, "bad \\u escape");
		v = v << 4 | (unsigned)h;
	}
	p->pos += 4;
	*out = v;
	return true;
}

/* Appends code point @cp as UTF-8 to @buf (room for 4 more bytes is there). */
static size_t put_utf8(char *buf, size_t n, unsigned cp)
{
	if (cp < 0x80) {
		buf[n++] = (char)cp;
	} else if (cp < 0x800) {
		buf[n++] = (char)(0xC0 | cp >> 6);
		buf[n++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		buf[n++] = (char)(0xE0 | cp >> 12);
		buf[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
		buf[n++] = (char)(0x80 | (cp & 0x3F));
	} else {
		buf[n++] = (char)(0xF0 | cp >> 18);
		buf[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
		buf[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
		buf[n++] = (char)(0x80 | (cp & 0x3F));
	}
	return n;
}

static bool read_escape(struct parser *p, char *buf, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp, lo;

	if (p->pos >= p->len)
		return fail(p, "unterminated string");
	e = p->s[p->pos] != '\0' ? strchr(from, p->s[p->pos]) : NULL;
	if (e != NULL) {
		buf[(*n)++] = to[e - from];
		p->pos++;
		return true;
	}
	if (p->s[p->pos++] != 'u')
		return fail(p, "bad escape");
	if (!read_u4(p, &cp))
		return false;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(p, "lone low surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
			return fail(p, "lone high surrogate");
		p->pos += 2;
		if (!read_u4(p, &lo))
			return false;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(p, "lone high surrogate");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	*n = put_utf8(buf, *n, cp);
	return true;
}

/* A string at p->pos (the opening quote); *@out malloc'd, NUL-terminated. */
static bool read_string(struct parser *p, char **out, size_t *outlen)
{
	size_t start = ++p->pos, n = 0, cap;
	char *buf;

	/* The unescaped text is never longer than the escaped one. */
	while (p->pos < p->len && p->s[p->pos] != '"')
		p->pos += p->s[p->pos] == '\\' ? 2 : 1;
	if (p->pos >= p->len)
		return fail(p, "unterminated string");
	if (p->pos - start > SJ_MAX_STRING)
		return fail(p, "string too long");
	cap = p->pos - start + 1;
	p->pos = start;
	buf = malloc(cap);
	if (buf == NULL)
		return fail(p, "out of memory");
	while (p->s[p->pos] != '"') {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c < 0x20) {
			free(buf);
			return fail(p, "control character in string");
		}
		if (c == '\\') {
			p->pos++;
			if (!read_escape(p, buf, &n)) {
				free(buf);
				return false;
			}
			continue;
		}
		buf[n++] = (char)c;
		p->pos++;
	}
	p->pos++;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return true;
}

static bool is_digit(struct parser *p)
{
	return p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

static bool read_number(struct parser *p, size_t node)
{
	size_t start = p->pos;
	char *t;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (!is_digit(p))
		return fail(p, "bad number");
	if (p->s[p->pos] == '0')
		p->pos++;
	else
		while (is_digit(p))
			p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (!is_digit(p))
			return fail(p, "bad number");
		while (is_digit(p))
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (!is_digit(p))
			return fail(p, "bad number");
		while (is_digit(p))
			p->pos++;
	}
	if (p->pos - start > 64)
		return fail(p, "number too long");
	t = malloc(p->pos - start + 1);
	if (t == NULL)
		return fail(p, "out of memory");
	memcpy(t, p->s + start, p->pos - start);
	t[p->pos - start] = '\0';
	p->doc->nodes[node].text = t;
	p->doc->nodes[node].len = p->pos - start;
	return true;
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, "unexpected character");
	p->pos += n;
	return true;
}

static size_t read_value(struct parser *p, int depth);

/* The members or elements of an object/array whose opening bracket is at p->pos. */
static bool read_children(struct parser *p, size_t node, bool object, int depth)
{
	char close = object ? '}' : ']';
	size_t last = SJ_NONE;

	p->pos++;
	skip_blanks(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return true;
	}
	for (;;) {
		char *key = NULL;
		size_t keylen, child;

		skip_blanks(p);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p, "expected a member name");
			if (!read_string(p, &key, &keylen))
				return false;
			skip_blanks(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				return fail(p, "expected ':'");
			}
			p->pos++;
		}
		child = read_value(p, depth + 1);
		if (child == SJ_NONE) {
			free(key);
			return false;
		}
		p->doc->nodes[child].key = key;
		if (last == SJ_NONE)
			p->doc->nodes[node].first = child;
		else
			p->doc->nodes[last].next = child;
		last = child;
		p->doc->nodes[node].count++;
		skip_blanks(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return true;
		}
		return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static size_t read_value(struct parser *p, int depth)
{
	size_t node;
	char c;
	bool ok;

	if (depth > SJ_MAX_DEPTH) {
		fail(p, "nested too deep");
		return SJ_NONE;
	}
	skip_blanks(p);
	if (p->pos >= p->len) {
		fail(p, "expected a value");
		return SJ_NONE;
	}
	c = p->s[p->pos];
	switch (c) {
	case '{':
	case '[':
		node = new_node(p, c == '{' ? SJ_OBJECT : SJ_ARRAY);
		ok = node != SJ_NONE && read_children(p, node, c == '{', depth);
		break;
	case '"':
		node = new_node(p, SJ_STRING);
		ok = node != SJ_NONE &&
		     read_string(p, &p->doc->nodes[node].text, &p->doc->nodes[node].len);
		break;
	case 't':
	case 'f':
		node = new_node(p, SJ_BOOL);
		ok = node != SJ_NONE && literal(p, c == 't' ? "true" : "false");
		if (ok)
			p->doc->nodes[node].boolean = c == 't';
		break;
	case 'n':
		node = new_node(p, SJ_NULL);
		ok = node != SJ_NONE && literal(p, "null");
		break;
	default:
		node = new_node(p, SJ_NUMBER);
		ok = node != SJ_NONE && read_number(p, node);
		break;
	}
	return ok ? node : SJ_NONE;
}

void sj_free(struct sj_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		free(doc->nodes[i].key);
		free(doc->nodes[i].text);
	}
	free(doc->nodes);
	memset(doc, 0, sizeof(*doc));
}

bool sj_parse(const char *text, size_t len, struct sj_doc *doc, char *err, size_t errlen)
{
	struct parser p = { .s = text, .len = len, .doc = doc, .err = err, .errlen = errlen };

	memset(doc, 0, sizeof(*doc));
	if (len > SJ_MAX_INPUT) {
		snprintf(err, errlen, "longer than %u bytes", SJ_MAX_INPUT);
		return false;
	}
	if (read_value(&p, 0) != SJ_NONE) {
		skip_blanks(&p);
		if (p.pos == p.len)
			return true;
		fail(&p, "text after the value");
	}
	sj_free(doc);
	return false;
}

const struct sj_node *sj_root(const struct sj_doc *doc)
{
	return doc->n > 0 ? &doc->nodes[0] : NULL;
}

const struct sj_node *sj_first(const struct sj_doc *doc, const struct sj_node *n)
{
	return n != NULL && n->first != SJ_NONE ? &doc->nodes[n->first] : NULL;
}

const struct sj_node *sj_next(const struct sj_doc *doc, const struct sj_node *n)
{
	return n != NULL && n->next != SJ_NONE ? &doc->nodes[n->next] : NULL;
}

const struct sj_node *sj_get(const struct sj_doc *doc, const struct sj_node *obj, const char *key)
{
	const struct sj_node *found = NULL;

	if (obj == NULL || obj->type != SJ_OBJECT)
		return NULL;
	for (const struct sj_node *c = sj_first(doc, obj); c != NULL; c = sj_next(doc, c))
		if (strcmp(c->key, key) == 0)
			found = c;
	return found;
}

char *sj_one_line(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

const char *sj_type_name(enum sj_type t)
{
	static const char *const names[] = { "null",   "boolean", "number",
					     "string", "array",	  "object" };

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

bool sj_uint(const struct sj_node *n, uint64_t max, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long v;
	int base;

	if (n == NULL || (n->type != SJ_NUMBER && n->type != SJ_STRING))
		return false;
	s = n->text;
	if (*s < '0' || *s > '9' || strlen(s) != n->len)
		return false;
	if (n->type == SJ_NUMBER && strpbrk(s, ".eE") != NULL)
		return false;
	/* "0x" says hexadecimal; a leading 0 alone is decimal, never octal. */
	base = n->type == SJ_STRING && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
	if (base == 16 && hex_digit_value((unsigned char)s[2]) < 0)
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}
