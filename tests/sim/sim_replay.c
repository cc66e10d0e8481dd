// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dfuse-sim --replay TRACE: the devices of a dfuse-util trace, answering as
 * the traced devices answered. The model plays each device's descriptors
 * and strings and the standard requests of enumeration; every request the
 * tool made through its transport is checked against the trace, in order,
 * and answered with the traced data and result. A request that differs, or
 * one past the end of the trace, is an error printed at that request: the
 * device then vanishes, and dfuse-sim exits with 125.
 */
#include <errno.h>
#include <string.h>

#include "sim.h"
#include "sim_trace.h"

/* A trace larger than this is not one of a DFU session. */
#define SIM_TRACE_FILE_MAX (512u * 1024u * 1024u)

void sim_replay_load(struct sim_runner *r, const char *path)
{
	char *text, err[256];
	gsize len;
	GError *gerr = NULL;

	if (r->cfgs->len > 0)
		sim_die_setup("--replay takes its devices from the trace: no --profile with it");
	if (!g_file_get_contents(path, &text, &len, &gerr))
		sim_die_setup("replay %s", gerr->message);
	if (len > SIM_TRACE_FILE_MAX)
		sim_die_setup("replay %s: larger than %u bytes", path, SIM_TRACE_FILE_MAX);
	r->trace = g_new0(struct sim_trace, 1);
	if (!sim_trace_parse(text, len, r->trace, err, sizeof(err)))
		sim_die_setup("replay %s: %s", path, err);
	g_free(text);
	for (size_t i = 0; i < r->trace->ndevs; i++) {
		struct sim_trace_dev *td = &r->trace->devs[i];
		struct sim_cfg *c = g_new0(struct sim_cfg, 1);

		*c = r->defaults;
		c->loads = g_ptr_array_copy(r->defaults.loads, NULL, NULL);
		c->chip = &td->chip;
		c->serial = td->serial;
		c->busnum = td->busnum;
		c->devnum = td->devnum;
		c->port = td->path;
		c->faults.func_dfu10 = td->func_dfu10;
		c->replay = td;
		g_ptr_array_add(r->cfgs, c);
	}
}

void sim_replay_free(struct sim_runner *r)
{
	if (r->trace == NULL)
		return;
	sim_trace_free(r->trace);
	g_free(r->trace);
	r->trace = NULL;
}

/* The next record of @d the bus can see (present() is a look at the device list). */
static const struct sim_trace_rec *next_rec(struct sim_dev *d)
{
	const struct sim_trace_dev *td = d->cfg->replay;

	while (d->replay_next < td->nrecs && td->recs[d->replay_next].kind == SIM_TREC_PRESENT)
		d->replay_next++;
	return d->replay_next < td->nrecs ? &td->recs[d->replay_next] : NULL;
}

static void vanish(struct sim_node *n)
{
	n->gone = true;
	sim_node_queue_unplug(n, false);
}

/*
 * The device left at a reset: off the bus before the reset returns, so
 * that the tool's next look at the bus finds it gone, as the trace says
 * (the main loop takes it off; this worker waits, at most a second).
 */
static void vanish_now(struct sim_node *n)
{
	vanish(n);
	for (int i = 0; i < 1000 && !g_atomic_int_get(&n->unplugged); i++)
		g_usleep(1000);
}

/* The request differs from the trace: say so once, at this request, and leave the bus. */
static void mismatch(struct sim_node *n, const struct sim_trace_rec *want, const char *got)
{
	struct sim_dev *d = n->d;
	char exp[160], line[32] = "";

	if (want == NULL)
		snprintf(exp, sizeof(exp), "nothing (the trace of %s ends here)", d->cfg->port);
	else if (want->kind == SIM_TREC_CONTROL)
		sim_trace_setup_str(want->bmRequestType, want->bRequest, want->wValue, want->wIndex,
				    want->wLength, exp, sizeof(exp));
	else if (want->kind == SIM_TREC_SET_ALT)
		snprintf(exp, sizeof(exp), "SET_INTERFACE interface %u alt %u", want->intf,
			 want->alt);
	else
		snprintf(exp, sizeof(exp), "a bus reset");
	if (want != NULL)
		snprintf(line, sizeof(line), " (line %u)", want->line);
	fprintf(stderr,
		"dfuse-sim: replay: request %zu of %s differs from the trace%s: expected %s, "
		"received %s\n",
		d->replay_next + 1, d->cfg->port, line, exp, got);
	d->r->replay_failed = true;
	vanish(n);
}

bool sim_replay_control(struct sim_node *n, const uint8_t *setup, uint8_t *data, size_t *actual,
			uint64_t *ready_at, enum sim_result *res)
{
	struct sim_dev *d = n->d;
	const struct sim_trace_rec *rec = next_rec(d);
	uint16_t wValue = (uint16_t)(setup[2] | setup[3] << 8);
	uint16_t wIndex = (uint16_t)(setup[4] | setup[5] << 8);
	uint16_t wLength = (uint16_t)(setup[6] | setup[7] << 8);
	bool same = rec != NULL && rec->kind == SIM_TREC_CONTROL &&
		    rec->bmRequestType == setup[0] && rec->bRequest == setup[1] &&
		    rec->wValue == wValue && rec->wIndex == wIndex && rec->wLength == wLength;
	char got[160];

	/* Enumeration's standard requests are not in the trace: the model answers them. */
	if ((setup[0] & 0x60) == 0 && !same)
		return false;
	sim_trace_setup_str(setup[0], setup[1], wValue, wIndex, wLength, got, sizeof(got));
	if (same && (setup[0] & 0x80) == 0 && memcmp(rec->data, data, wLength) != 0) {
		size_t at = 0;

		while (rec->data[at] == data[at])
			at++;
		g_strlcat(got, " with other data", sizeof(got));
		snprintf(got + strlen(got), sizeof(got) - strlen(got), " (from byte %zu)", at);
		same = false;
	}
	*res = SIM_NODEV;
	if (!same) {
		mismatch(n, rec, got);
		return true;
	}
	d->replay_next++;
	switch (rec->result) {
	case SIM_TRES_OK:
		if ((setup[0] & 0x80) != 0)
			memcpy(data, rec->data, rec->len);
		*actual = (setup[0] & 0x80) != 0 ? rec->len : wLength;
		*res = SIM_OK;
		break;
	case SIM_TRES_STALL:
		*res = SIM_STALL;
		break;
	case SIM_TRES_TIMEOUT:
		/* Never answered: the client gives up and discards the URB. */
		*ready_at = UINT64_MAX;
		*res = SIM_LATER;
		break;
	case SIM_TRES_NODEV:
		vanish(n);
		break;
	case SIM_TRES_IO:
	case SIM_TRES_PIPES_RESET:
		*res = SIM_IO;
		break;
	}
	return true;
}

int sim_replay_reset(struct sim_node *n)
{
	const struct sim_trace_rec *rec = next_rec(n->d);

	if (rec == NULL || rec->kind != SIM_TREC_RESET) {
		mismatch(n, rec, "a bus reset");
		return ENODEV;
	}
	n->d->replay_next++;
	switch (rec->result) {
	case SIM_TRES_OK:
	case SIM_TRES_PIPES_RESET:
		if (rec->gone_after)
			vanish_now(n);
		return 0;
	case SIM_TRES_NODEV:
		vanish_now(n);
		return 0;
	default:
		return EPROTO;
	}
}

int sim_replay_set_alt(struct sim_node *n, uint8_t intf, uint8_t alt)
{
	const struct sim_trace_rec *rec = next_rec(n->d);

	/* Opening selects an alt outside the transport, untraced: the model answers that. */
	if (rec == NULL || rec->kind != SIM_TREC_SET_ALT || rec->intf != intf || rec->alt != alt)
		return -1;
	n->d->replay_next++;
	switch (rec->result) {
	case SIM_TRES_OK:
		return -1;
	case SIM_TRES_STALL:
		return EINVAL;
	case SIM_TRES_NODEV:
		vanish(n);
		return ENODEV;
	default:
		return EPROTO;
	}
}

void sim_replay_check_end(struct sim_runner *r)
{
	/* After a request that differed, what follows says nothing more. */
	for (unsigned i = 0; r->trace != NULL && !r->replay_failed && i < r->devs->len; i++) {
		struct sim_dev *d = g_ptr_array_index(r->devs, i);
		const struct sim_trace_rec *rec;
		char exp[160];

		if (d->cfg->replay == NULL)
			continue;
		/* A device that left answers "no device" to the rest by itself. */
		while ((rec = next_rec(d)) != NULL && rec->result == SIM_TRES_NODEV)
			d->replay_next++;
		if (rec == NULL)
			continue;
		if (rec->kind == SIM_TREC_CONTROL)
			sim_trace_setup_str(rec->bmRequestType, rec->bRequest, rec->wValue,
					    rec->wIndex, rec->wLength, exp, sizeof(exp));
		else
			snprintf(exp, sizeof(exp), "%s",
				 rec->kind == SIM_TREC_RESET ? "a bus reset" : "SET_INTERFACE");
		fprintf(stderr,
			"dfuse-sim: replay: the command ended before the trace of %s did: "
			"request %zu (line %u) was %s\n",
			d->cfg->port, d->replay_next + 1, rec->line, exp);
		r->replay_failed = true;
	}
}
