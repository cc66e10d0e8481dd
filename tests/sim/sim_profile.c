/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Board profiles (sim_profile.h): a JSON object read with sim_json.c and
 * checked key by key into a struct sim_chip. Every key is optional; what is
 * not given comes from the base chip. Unknown keys are refused, so that a
 * misspelt key is not silently a default.
 */
#include "sim_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_faults.h"
#include "sim_json.h"

/* Strings of a string descriptor: 126 UTF-16 units; the model sends Latin-1. */
#define STRING_MAX 126

struct reader {
	const struct sj_doc *doc;
	struct sim_profile *p;
	char *err;
	size_t errlen;
};

static bool bad(struct reader *r, const char *field, const char *what)
{
	snprintf(r->err, r->errlen, "%s: %s", field, what);
	return false;
}

/* A copy of @n's text owned by the profile, in *@out; a string of 1..@max bytes. */
static bool get_string(struct reader *r, const struct sj_node *n, const char *field, size_t max,
		       const char **out)
{
	char *s;

	if (n->type != SJ_STRING)
		return bad(r, field, "expected a string");
	if (n->len == 0 || n->len > max || strlen(n->text) != n->len) {
		char what[64];

		snprintf(what, sizeof(what), "expected 1..%zu characters", max);
		return bad(r, field, what);
	}
	if (r->p->nowned == SIM_PROFILE_MAX_STRINGS)
		return bad(r, field, "too many strings");
	s = strdup(n->text);
	if (s == NULL)
		return bad(r, field, "out of memory");
	r->p->owned[r->p->nowned++] = s;
	*out = s;
	return true;
}

static bool get_uint(struct reader *r, const struct sj_node *n, const char *field, uint64_t min,
		     uint64_t max, uint64_t *out)
{
	char what[96];

	if (sj_uint(n, max, out) && *out >= min)
		return true;
	snprintf(what, sizeof(what), "expected a number %llu..%llu (decimal or \"0x...\")",
		 (unsigned long long)min, (unsigned long long)max);
	return bad(r, field, what);
}

/* Numbers of struct sim_chip and its timing. */
struct num_key {
	const char *key;
	size_t offset, size;
	uint64_t min, max;
};

#define NUM(k, f, lo, hi)                                                                          \
	{                                                                                          \
		k, offsetof(struct sim_chip, f), sizeof(((struct sim_chip *)0)->f), lo, hi         \
	}

static const struct num_key chip_nums[] = {
	NUM("vid", idVendor, 0, 0xFFFF),
	NUM("pid", idProduct, 0, 0xFFFF),
	NUM("bcd_device", bcdDevice, 0, 0xFFFF),
	NUM("max_packet_size", bMaxPacketSize0, 8, 64),
	NUM("attributes", bmAttributes, 0, 0xFF),
	NUM("detach_timeout", wDetachTimeOut, 0, 0xFFFF),
	NUM("transfer_size", wTransferSize, 1, 0xFFFF),
	NUM("dfu_version", bcdDFUVersion, 0, 0xFFFF),
};

static const struct num_key timing_nums[] = {
	{ "command_ms", offsetof(struct sim_timing, cmd_ms), 4, 0, 600000 },
	{ "write_ms", offsetof(struct sim_timing, write_ms), 4, 0, 600000 },
	{ "write_real_ms", offsetof(struct sim_timing, write_real_ms), 4, 0, 600000 },
	{ "erase_ms_per_16k", offsetof(struct sim_timing, erase_ms_per_16k), 4, 0, 600000 },
	{ "erase_min_ms", offsetof(struct sim_timing, erase_min_ms), 4, 0, 600000 },
	{ "mass_erase_ms", offsetof(struct sim_timing, mass_erase_ms), 4, 0, 600000 },
	{ "manifest_ms", offsetof(struct sim_timing, manifest_ms), 4, 0, 600000 },
};

static const struct num_key *find_num(const struct num_key *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].key, key) == 0)
			return &t[i];
	return NULL;
}

static void store(void *base, const struct num_key *k, uint64_t v)
{
	char *at = (char *)base + k->offset;

	if (k->size == 1)
		*(uint8_t *)at = (uint8_t)v;
	else if (k->size == 2)
		*(uint16_t *)(void *)at = (uint16_t)v;
	else
		*(uint32_t *)(void *)at = (uint32_t)v;
}

static bool read_timings(struct reader *r, const struct sj_node *obj)
{
	char field[64];

	if (obj->type != SJ_OBJECT)
		return bad(r, "timings", "expected an object");
	for (const struct sj_node *c = sj_first(r->doc, obj); c != NULL; c = sj_next(r->doc, c)) {
		const struct num_key *k =
			find_num(timing_nums, sizeof(timing_nums) / sizeof(timing_nums[0]), c->key);
		uint64_t v;

		snprintf(field, sizeof(field), "timings.%.40s", c->key);
		if (k == NULL)
			return bad(r, field, "unknown key");
		if (!get_uint(r, c, field, k->min, k->max, &v))
			return false;
		store(&r->p->chip.timing, k, v);
	}
	return true;
}

static bool read_alt(struct reader *r, const struct sj_node *obj, size_t i)
{
	struct sim_chip *c = &r->p->chip;
	char field[64];

	snprintf(field, sizeof(field), "alts[%zu]", i);
	if (obj->type != SJ_OBJECT)
		return bad(r, field, "expected an object");
	for (const struct sj_node *m = sj_first(r->doc, obj); m != NULL; m = sj_next(r->doc, m)) {
		snprintf(field, sizeof(field), "alts[%zu].%.40s", i, m->key);
		if (strcmp(m->key, "name") == 0) {
			if (!get_string(r, m, field, STRING_MAX, &c->alt_names[i]))
				return false;
		} else if (strcmp(m->key, "memory") == 0) {
			if (!get_string(r, m, field, 255, &c->real_layouts[i]))
				return false;
		} else {
			return bad(r, field, "unknown key (name, memory)");
		}
	}
	if (c->alt_names[i] == NULL) {
		snprintf(field, sizeof(field), "alts[%zu].name", i);
		return bad(r, field, "missing");
	}
	return true;
}

static bool read_alts(struct reader *r, const struct sj_node *arr)
{
	struct sim_chip *c = &r->p->chip;
	size_t i = 0;

	if (arr->type != SJ_ARRAY || arr->count == 0 || arr->count > SIM_MAX_ALTS)
		return bad(r, "alts", "expected an array of 1..8 objects");
	/* The alts replace the base's, memory and all. */
	memset(c->alt_names, 0, sizeof(c->alt_names));
	memset(c->real_layouts, 0, sizeof(c->real_layouts));
	memset(c->plain_mem, 0, sizeof(c->plain_mem));
	c->flash_kib_by_serial = NULL;
	c->nalts = arr->count;
	for (const struct sj_node *a = sj_first(r->doc, arr); a != NULL; a = sj_next(r->doc, a))
		if (!read_alt(r, a, i++))
			return false;
	return true;
}

static bool read_loads(struct reader *r, const struct sj_node *arr)
{
	struct sim_profile *p = r->p;
	char field[64];
	size_t i = 0;

	if (arr->type != SJ_ARRAY || arr->count > SIM_PROFILE_MAX_LOADS)
		return bad(r, "load", "expected an array of at most 16 objects");
	for (const struct sj_node *o = sj_first(r->doc, arr); o != NULL;
	     o = sj_next(r->doc, o), i++) {
		const struct sj_node *file = sj_get(r->doc, o, "file");
		const struct sj_node *addr = sj_get(r->doc, o, "address");
		uint64_t v;

		snprintf(field, sizeof(field), "load[%zu]", i);
		if (o->type != SJ_OBJECT || file == NULL || addr == NULL || o->count != 2)
			return bad(r, field, "expected {\"file\": ..., \"address\": ...}");
		snprintf(field, sizeof(field), "load[%zu].file", i);
		if (!get_string(r, file, field, 4095, &p->loads[i].file))
			return false;
		snprintf(field, sizeof(field), "load[%zu].address", i);
		if (!get_uint(r, addr, field, 0, UINT32_MAX, &v))
			return false;
		p->loads[i].addr = (uint32_t)v;
	}
	p->nloads = i;
	return true;
}

/* What the device does after the leave request (model.h: faults and leave_no_status). */
static bool read_after_leave(struct reader *r, const struct sj_node *n)
{
	struct sim_profile *p = r->p;
	const char *v = n->type == SJ_STRING ? n->text : "";

	p->chip.leave_no_status = false;
	if (strcmp(v, "manifest") == 0)
		return true;
	if (strcmp(v, "reset-at-once") == 0)
		p->chip.leave_no_status = true;
	else if (strcmp(v, "stall-reset") == 0)
		p->faults.leave_stall_reset = true;
	else if (strcmp(v, "status-stall") == 0)
		p->faults.leave_status_stall = true;
	else
		return bad(r, "after_leave",
			   "expected \"manifest\", \"reset-at-once\", \"stall-reset\" or "
			   "\"status-stall\"");
	return true;
}

static bool read_protocol(struct reader *r, const struct sj_node *n)
{
	const char *v = n->type == SJ_STRING ? n->text : "";

	bool plain = strcmp(v, "plain") == 0;

	if (!plain && strcmp(v, "dfuse") != 0)
		return bad(r, "protocol", "expected \"dfuse\" or \"plain\"");
	if (plain == r->p->chip.plain)
		return true;
	/* The version that goes with it, unless "dfu_version" says otherwise. */
	r->p->chip.plain = plain;
	r->p->chip.bcdDFUVersion = plain ? 0x0110 : 0x011A;
	return true;
}

static bool read_key(struct reader *r, const struct sj_node *n)
{
	struct sim_chip *c = &r->p->chip;
	const struct num_key *k =
		find_num(chip_nums, sizeof(chip_nums) / sizeof(chip_nums[0]), n->key);
	char msg[160];
	uint64_t v;

	if (k != NULL) {
		if (!get_uint(r, n, n->key, k->min, k->max, &v))
			return false;
		store(c, k, v);
		return true;
	}
	if (strcmp(n->key, "name") == 0)
		return get_string(r, n, "name", 32, &c->name);
	if (strcmp(n->key, "description") == 0)
		return get_string(r, n, "description", 200, &c->description);
	if (strcmp(n->key, "manufacturer") == 0)
		return get_string(r, n, "manufacturer", STRING_MAX, &c->manufacturer);
	if (strcmp(n->key, "product") == 0)
		return get_string(r, n, "product", STRING_MAX, &c->product);
	if (strcmp(n->key, "serial") == 0)
		return get_string(r, n, "serial", STRING_MAX, &c->serial);
	if (strcmp(n->key, "alts") == 0)
		return read_alts(r, n);
	if (strcmp(n->key, "timings") == 0)
		return read_timings(r, n);
	if (strcmp(n->key, "load") == 0)
		return read_loads(r, n);
	if (strcmp(n->key, "after_leave") == 0)
		return read_after_leave(r, n);
	if (strcmp(n->key, "faults") == 0) {
		if (n->type != SJ_STRING)
			return bad(r, "faults", "expected a string (dfuse-sim --fault grammar)");
		if (!sim_faults_parse(n->text, &r->p->faults, msg, sizeof(msg)))
			return bad(r, "faults", msg);
		return true;
	}
	if (strcmp(n->key, "base") == 0 || strcmp(n->key, "protocol") == 0)
		return true; /* read first */
	snprintf(msg, sizeof(msg), "%.60s", n->key);
	return bad(r, msg, "unknown key (dfuse-sim(1) lists the keys)");
}

/*
 * The base chip ("base" names a built-in DFU-mode chip; default the F4 ROM)
 * and its protocol: what the other keys then change.
 */
static bool read_base(struct reader *r, const struct sj_node *root)
{
	const struct sj_node *n = sj_get(r->doc, root, "base");
	const struct sim_chip *base = sim_chip_find("f4");

	if (n != NULL) {
		base = n->type == SJ_STRING ? sim_chip_find(n->text) : NULL;
		if (base == NULL)
			return bad(r, "base", "expected the name of a built-in profile");
		if (base->runtime)
			return bad(r, "base", "a run-time profile cannot be a base");
	}
	r->p->chip = *base;
	r->p->chip.name = "profile";
	n = sj_get(r->doc, root, "protocol");
	return n == NULL || read_protocol(r, n);
}

/* Each alt's memory must be one the model can build: try it, one alt at a time. */
static bool check_alts(struct reader *r)
{
	const struct sim_chip *c = &r->p->chip;
	char field[64];

	for (size_t i = 0; i < c->nalts; i++) {
		struct sim_chip one = *c;
		struct sim_device *d;

		one.nalts = 1;
		one.alt_names[0] = c->alt_names[i];
		one.real_layouts[0] = c->real_layouts[i];
		one.plain_mem[0] = c->plain_mem[i];
		d = sim_device_new(&one, NULL);
		sim_device_free(d);
		if (d == NULL) {
			snprintf(field, sizeof(field), "alts[%zu].%s", i,
				 c->real_layouts[i] != NULL || c->plain_mem[i] != NULL ? "memory"
										       : "name");
			return bad(r, field, "not a memory layout the simulator can build");
		}
	}
	return true;
}

bool sim_profile_parse(const char *text, size_t len, struct sim_profile *p, char *err,
		       size_t errlen)
{
	struct sj_doc doc;
	struct reader r = { .doc = &doc, .p = p, .err = err, .errlen = errlen };
	const struct sj_node *root;
	char msg[128];
	bool ok;

	memset(p, 0, sizeof(*p));
	if (!sj_parse(text, len, &doc, msg, sizeof(msg)))
		return bad(&r, "JSON", msg);
	root = sj_root(&doc);
	ok = root->type == SJ_OBJECT ? read_base(&r, root) : bad(&r, "JSON", "expected an object");
	for (const struct sj_node *n = sj_first(&doc, root); ok && n != NULL; n = sj_next(&doc, n))
		ok = read_key(&r, n);
	if (ok && p->chip.plain) {
		/* plain DFU: "memory" is the row's plain_mem ("/0xADDR/N*SIZE<m><t>") */
		for (size_t i = 0; i < p->chip.nalts; i++) {
			if (p->chip.real_layouts[i] != NULL)
				p->chip.plain_mem[i] = p->chip.real_layouts[i];
			p->chip.real_layouts[i] = NULL;
		}
	}
	ok = ok && check_alts(&r);
	sj_free(&doc);
	if (!ok)
		sj_one_line(err);
	return ok;
}

void sim_profile_free(struct sim_profile *p)
{
	for (size_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	p->nowned = 0;
}
