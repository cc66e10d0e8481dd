/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for what users hand dfuse-sim: the bounded JSON reader
 * (sim_json.c) on any bytes, the profile reader (sim_profile.c) with its
 * fault grammar (sim_faults.c), and the trace reader of --replay
 * (sim_trace.c); abort() when a limit or an invariant breaks. A profile or
 * a trace that is read must give devices the model builds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim_json.h"
#include "sim_profile.h"
#include "sim_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool cond)
{
	if (!cond)
		abort();
}

/* Walks the tree: counts, links and limits hold. */
static size_t walk(const struct sj_doc *doc, const struct sj_node *n, int depth)
{
	size_t seen = 1, children = 0;

	require(depth <= SJ_MAX_DEPTH + 1);
	if (n->type == SJ_STRING || n->type == SJ_NUMBER)
		require(n->text != NULL && n->len <= SJ_MAX_STRING && n->text[n->len] == '\0');
	for (const struct sj_node *c = sj_first(doc, n); c != NULL; c = sj_next(doc, c)) {
		require(n->type == SJ_ARRAY || n->type == SJ_OBJECT);
		require((n->type == SJ_OBJECT) == (c->key != NULL));
		if (n->type == SJ_OBJECT)
			require(sj_get(doc, n, c->key) != NULL);
		seen += walk(doc, c, depth + 1);
		children++;
	}
	require(children == n->count);
	return seen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sj_doc doc;
	struct sim_profile p;
	char err[256];
	uint64_t v;

	if (sj_parse((const char *)data, size, &doc, err, sizeof(err))) {
		require(walk(&doc, sj_root(&doc), 0) == doc.n && doc.n <= SJ_MAX_NODES);
		sj_uint(sj_root(&doc), UINT64_MAX, &v);
	} else {
		require(doc.n == 0 && err[0] != '\0' && memchr(err, '\n', strlen(err)) == NULL);
	}
	sj_free(&doc);

	if (sim_profile_parse((const char *)data, size, &p, err, sizeof(err))) {
		struct sim_device *d;

		require(p.chip.nalts >= 1 && p.chip.nalts <= SIM_MAX_ALTS);
		require(p.chip.wTransferSize >= 1 && p.nloads <= SIM_PROFILE_MAX_LOADS);
		for (size_t i = 0; i < p.chip.nalts; i++)
			require(p.chip.alt_names[i] != NULL);
		d = sim_device_new(&p.chip, NULL);
		require(d != NULL);
		sim_device_free(d);
	} else {
		require(err[0] != '\0' && memchr(err, '\n', strlen(err)) == NULL);
	}
	sim_profile_free(&p);

	/* The same bytes as a trace (JSON lines). */
	struct sim_trace *t = calloc(1, sizeof(*t));

	require(t != NULL);
	if (sim_trace_parse((const char *)data, size, t, err, sizeof(err))) {
		require(t->ndevs >= 1 && t->ndevs <= SIM_TRACE_MAX_DEVICES);
		for (size_t i = 0; i < t->ndevs; i++) {
			const struct sim_trace_dev *d = &t->devs[i];
			struct sim_device *dev = sim_device_new(&d->chip, NULL);

			require(dev != NULL);
			sim_device_free(dev);
			for (size_t k = 0; k < d->nrecs; k++)
				require(d->recs[k].len <= d->recs[k].wLength ||
					d->recs[k].kind != SIM_TREC_CONTROL);
		}
	} else {
		require(err[0] != '\0' && memchr(err, '\n', strlen(err)) == NULL);
	}
	sim_trace_free(t);
	free(t);
	return 0;
}
