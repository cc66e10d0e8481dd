// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON writer (src/json.c): string escaping of every awkward byte,
 * invalid UTF-8 replaced, numbers, nesting and indentation, and misuse
 * reported instead of written.
 */
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "tap.h"

/* @in as one JSON string value: the finished document without its newline. */
static const char *one_string(const char *in, char *out, size_t cap)
{
	struct json j;
	const char *text;
	size_t len;

	json_init(&j);
	json_string(&j, in);
	if (json_finish(&j, &text, &len, NULL) != ERR_OK || len == 0 || len > cap) {
		json_free(&j);
		return "(failed)";
	}
	memcpy(out, text, len - 1);
	out[len - 1] = '\0';
	json_free(&j);
	return out;
}

static const struct {
	const char *in, *want, *what;
} strings[] = {
	{ "", "\"\"", "empty string" },
	{ "plain", "\"plain\"", "plain ASCII" },
	{ "a\"b", "\"a\\\"b\"", "double quote escaped" },
	{ "a\\b", "\"a\\\\b\"", "backslash escaped" },
	{ "a/b", "\"a/b\"", "slash left alone" },
	{ "l1\nl2\r\t", "\"l1\\nl2\\r\\t\"", "newline, return, tab" },
	{ "\x01\x1f", "\"\\u0001\\u001f\"", "other control characters as \\u00XX" },
	{ "\x7f", "\"\x7f\"", "DEL is allowed raw" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"", "two-byte UTF-8 kept" },
	{ "\xe2\x82\xac", "\"\xe2\x82\xac\"", "three-byte UTF-8 kept" },
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", "four-byte UTF-8 kept" },
	{ "a\xffz", "\"a\xef\xbf\xbdz\"", "a stray 0xFF becomes U+FFFD" },
	{ "\xc3", "\"\xef\xbf\xbd\"", "a truncated sequence becomes U+FFFD" },
	{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "overlong '/' is not UTF-8" },
	{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	  "a UTF-16 surrogate is not UTF-8" },
	{ "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	  "past U+10FFFF is not UTF-8" },
	{ "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "a cut three-byte sequence" },
};

static void test_strings(void)
{
	char buf[256];

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		is_str(one_string(strings[i].in, buf, sizeof(buf)), strings[i].want, "string: %s",
		       strings[i].what);
}

static void test_document(void)
{
	struct json j;
	const char *text;
	size_t len;
	int r;

	json_init(&j);
	json_object_begin(&j);
	json_member_string(&j, "tool", "dfuse-util");
	json_member_uint(&j, "n", 18446744073709551615ull);
	json_key(&j, "neg");
	json_int(&j, -5);
	json_key(&j, "t");
	json_fixed(&j, 1.23456, 3);
	json_key(&j, "z");
	json_fixed(&j, -0.0001, 3);
	json_key(&j, "nan");
	json_fixed(&j, 0.0 / 0.0, 3);
	json_member_bool(&j, "ok", true);
	json_key(&j, "none");
	json_string(&j, NULL);
	json_key(&j, "empty");
	json_array_begin(&j);
	json_array_end(&j);
	json_key(&j, "list");
	json_array_begin(&j);
	json_uint(&j, 1);
	json_object_begin(&j);
	json_member_bool(&j, "b", false);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	r = json_finish(&j, &text, &len, NULL);
	is_int(r, ERR_OK, "a nested document finishes");
	is_str(r == ERR_OK ? text : "",
	       "{\n"
	       "  \"tool\": \"dfuse-util\",\n"
	       "  \"n\": 18446744073709551615,\n"
	       "  \"neg\": -5,\n"
	       "  \"t\": 1.235,\n"
	       "  \"z\": 0.000,\n"
	       "  \"nan\": null,\n"
	       "  \"ok\": true,\n"
	       "  \"none\": null,\n"
	       "  \"empty\": [],\n"
	       "  \"list\": [\n"
	       "    1,\n"
	       "    {\n"
	       "      \"b\": false\n"
	       "    }\n"
	       "  ]\n"
	       "}\n",
	       "commas, indentation, numbers, null, empty array");
	is_int((long long)len, (long long)strlen(text), "the length is the text's");
	json_free(&j);
}

/* Each row misuses the writer once; the document must not pass for good. */
static void misuse_value_in_object(struct json *j)
{
	json_object_begin(j);
	json_uint(j, 1);
	json_object_end(j);
}

static void misuse_key_in_array(struct json *j)
{
	json_array_begin(j);
	json_key(j, "k");
	json_uint(j, 1);
	json_array_end(j);
}

static void misuse_unclosed(struct json *j)
{
	json_object_begin(j);
	json_member_uint(j, "a", 1);
}

static void misuse_wrong_close(struct json *j)
{
	json_object_begin(j);
	json_array_end(j);
}

static void misuse_key_without_value(struct json *j)
{
	json_object_begin(j);
	json_key(j, "a");
	json_object_end(j);
}

static void misuse_two_documents(struct json *j)
{
	json_uint(j, 1);
	json_uint(j, 2);
}

static void misuse_nothing(struct json *j)
{
	(void)j;
}

static void misuse_too_deep(struct json *j)
{
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_begin(j);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_end(j);
}

static const struct {
	void (*fn)(struct json *);
	const char *what;
} misuses[] = {
	{ misuse_value_in_object, "a value without a key inside an object" },
	{ misuse_key_in_array, "a key inside an array" },
	{ misuse_unclosed, "an object left open" },
	{ misuse_wrong_close, "an object closed as an array" },
	{ misuse_key_without_value, "a key without a value" },
	{ misuse_two_documents, "two values at the top level" },
	{ misuse_nothing, "no value at all" },
	{ misuse_too_deep, "nesting deeper than JSON_MAX_DEPTH" },
};

static void test_misuse(void)
{
	for (size_t i = 0; i < sizeof(misuses) / sizeof(misuses[0]); i++) {
		struct json j;
		struct error err = { ERR_OK, "" };
		const char *text;
		size_t len;
		int r;

		json_init(&j);
		misuses[i].fn(&j);
		r = json_finish(&j, &text, &len, &err);
		is_int(r, ERR_DATA, "misuse refused: %s [r]", misuses[i].what);
		is_ptr(text, NULL, "misuse refused: %s [text]", misuses[i].what);
		is_substr(err.msg, "not well formed", "misuse refused: %s", misuses[i].what);
		json_free(&j);
	}
}

static void test_long_string(void)
{
	static char big[100000];
	struct json j;
	const char *text;
	size_t len;

	memset(big, '"', sizeof(big) - 1);
	json_init(&j);
	json_string(&j, big);
	is_int(json_finish(&j, &text, &len, NULL), ERR_OK,
	       "99999 quotes grow the buffer to 199998 escaped bytes plus quotes and newline [json_finish(&j, &text, &len, NULL)]");
	is_int(len, 2 * (sizeof(big) - 1) + 3,
	       "99999 quotes grow the buffer to 199998 escaped bytes plus quotes and newline [len]");
	json_free(&j);
}

int main(void)
{
	test_strings();
	test_document();
	test_misuse();
	test_long_string();
	return done_testing();
}
