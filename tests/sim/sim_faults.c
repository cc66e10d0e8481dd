/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault table of sim_faults.h. Each row names one field of struct
 * sim_faults (model.h says what the model does with it and which ROM
 * behaves so); the grammar is read here and nowhere else.
 */
#include "sim_faults.h"

#include "sim_json.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROW_FLAG(n, field, h)                                                                      \
	{                                                                                          \
		n, SIM_FAULT_FLAG, offsetof(struct sim_faults, field), 1, h                        \
	}
#define ROW_NUM(n, field, m, h)                                                                    \
	{                                                                                          \
		n, SIM_FAULT_NUMBER, offsetof(struct sim_faults, field), m, h                      \
	}

const struct sim_fault_row sim_fault_rows[] = {
	ROW_FLAG("immediate", immediate, "commands finish at the first GETSTATUS"),
	ROW_NUM("stall-busy", stall_busy_getstatus, 1000,
		"STALL N GETSTATUS per busy period (STM32L4)"),
	ROW_FLAG("vanish-on-leave", vanish_on_leave_getstatus,
		 "the GETSTATUS after the leave request finds the device gone"),
	ROW_NUM("disconnect-after", disconnect_after, 1000000,
		"the device vanishes at the Nth control request"),
	ROW_FLAG("read-protected", read_protected, "RDP level 1: upload and write fail"),
	ROW_FLAG("strict-timing", strict_timing,
		 "a GETSTATUS sent before bwPollTimeout is answered late"),
	ROW_FLAG("stuck-busy-high", stuck_busy_high,
		 "erasing 1 MiB or more above the alt's start stays busy (STM32H743 rev V)"),
	ROW_NUM("stall-data-block", stall_data_block, 1000000,
		"STALL the Nth data DNLOAD (STM32F411)"),
	ROW_FLAG("stall-data-written", stall_data_written, "the STALLed block was written"),
	ROW_FLAG("stall-data-partial", stall_data_partial, "half of the STALLed block was written"),
	ROW_FLAG("stall-data-repeat", stall_data_repeat,
		 "every data DNLOAD from the Nth on STALLs"),
	ROW_NUM("flash-word", flash_word, 256,
		"a block loses its last partial N-byte flash word (STM32H5/H7)"),
	ROW_NUM("busy-repeat", busy_repeat, 100000, "N more busy GETSTATUS after each busy period"),
	ROW_FLAG("stall-early", stall_early,
		 "a GETSTATUS sent before bwPollTimeout is STALLed (dfuERROR)"),
	ROW_FLAG("leave-stall-reset", leave_stall_reset,
		 "the leave request STALLs and the device resets at once"),
	ROW_FLAG("leave-status-stall", leave_status_stall,
		 "GETSTATUS after the leave request STALLs"),
	ROW_NUM("leave-manifest", leave_manifest_ms, 600000,
		"the leave request STALLs, the device answers dfuMANIFEST for N ms, then resets"),
	ROW_FLAG("leave-manifest-status", leave_manifest_status,
		 "... the leave request is taken, its GETSTATUS STALLs instead"),
	ROW_NUM("busy-same", busy_same_ms, 600000,
		"a data block keeps the device busy N ms, answering the same wait each GETSTATUS"),
	ROW_NUM("busy-same-poll", busy_same_poll_ms, 600000, "... that wait, in ms"),
	ROW_FLAG("unprotect-hang", unprotect_hang, "Read Unprotect never finishes"),
	ROW_FLAG("reset-fails", reset_fails, "a bus reset fails on the wire"),
	ROW_FLAG("reset-fails-gone", reset_fails_gone,
		 "... and the device left the bus all the same"),
	ROW_NUM("fail-at", fail_at, 1000000, "the Nth control request fails (see fail-kind)"),
	{ "fail-kind", SIM_FAULT_KIND, offsetof(struct sim_faults, fail_kind), 0,
	  "how it fails: nodev, stall, timeout or io (default nodev)" },
	ROW_FLAG("fail-acted", fail_acted, "the device acted on it, only the answer was lost"),
	ROW_FLAG("dfu10-descriptor", func_dfu10,
		 "the functional descriptor in its 7-byte DFU 1.0 form"),
	ROW_FLAG("serial-8bit", serial_8bit,
		 "the serial string in 8-bit characters (GD32VF103 ROM)"),
	{ NULL, SIM_FAULT_FLAG, 0, 0, NULL },
};

static const char *const kinds[] = { "nodev", "stall", "timeout", "io" };

const struct sim_fault_row *sim_fault_find(const char *name, size_t len)
{
	for (const struct sim_fault_row *r = sim_fault_rows; r->name != NULL; r++)
		if (strlen(r->name) == len && memcmp(r->name, name, len) == 0)
			return r;
	return NULL;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_kind(const char *s, enum sim_fail_kind *out)
{
	for (size_t i = 0; s != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(s, kinds[i]) == 0) {
			*out = (enum sim_fail_kind)i;
			return true;
		}
	}
	return false;
}

bool sim_fault_set(const struct sim_fault_row *row, const char *value, struct sim_faults *f,
		   char *err, size_t errlen)
{
	char *field = (char *)f + row->offset;
	unsigned n;
	enum sim_fail_kind k;

	switch (row->arg) {
	case SIM_FAULT_FLAG:
		if (value != NULL) {
			snprintf(err, errlen, "%s: takes no value", row->name);
			return false;
		}
		*(bool *)(void *)field = true;
		return true;
	case SIM_FAULT_NUMBER:
		if (!parse_uint(value, row->max, &n)) {
			snprintf(err, errlen, "%s: expected a number 0..%u", row->name, row->max);
			return false;
		}
		*(unsigned *)(void *)field = n;
		return true;
	case SIM_FAULT_KIND:
		if (!parse_kind(value, &k)) {
			snprintf(err, errlen, "%s: expected nodev, stall, timeout or io",
				 row->name);
			return false;
		}
		*(enum sim_fail_kind *)(void *)field = k;
		return true;
	}
	return false;
}

/* "fail@N[:KIND][:acted]": fail-at, fail-kind and fail-acted in one item. */
static bool parse_fail_at(char *item, struct sim_faults *f, char *err, size_t errlen)
{
	char *rest = item + strlen("fail@");
	char *colon = strchr(rest, ':');

	if (colon != NULL)
		*colon = '\0';
	if (!parse_uint(rest, 1000000, &f->fail_at) || f->fail_at == 0) {
		snprintf(err, errlen, "fail@N: expected a request number 1..1000000");
		return false;
	}
	f->fail_kind = SIM_FAIL_NODEV;
	while (colon != NULL) {
		char *word = colon + 1;

		colon = strchr(word, ':');
		if (colon != NULL)
			*colon = '\0';
		if (strcmp(word, "acted") == 0) {
			f->fail_acted = true;
		} else if (!parse_kind(word, &f->fail_kind)) {
			snprintf(err, errlen,
				 "fail@N:%s: expected nodev, stall, timeout, io or acted", word);
			return false;
		}
	}
	return true;
}

static bool parse_item(char *item, struct sim_faults *f, char *err, size_t errlen)
{
	char *eq = strchr(item, '=');
	const struct sim_fault_row *row;

	if (strncmp(item, "fail@", strlen("fail@")) == 0)
		return parse_fail_at(item, f, err, errlen);
	row = sim_fault_find(item, eq != NULL ? (size_t)(eq - item) : strlen(item));
	if (row == NULL) {
		if (eq != NULL)
			*eq = '\0';
		snprintf(err, errlen, "unknown fault '%s' (dfuse-sim --help lists them)", item);
		return false;
	}
	return sim_fault_set(row, eq != NULL ? eq + 1 : NULL, f, err, errlen);
}

bool sim_faults_parse(const char *spec, struct sim_faults *f, char *err, size_t errlen)
{
	size_t len = strlen(spec);
	char *copy, *item;
	bool ok = true;

	if (len == 0 || len > 4096) {
		snprintf(err, errlen, "expected NAME[=VALUE][,...]");
		return false;
	}
	copy = malloc(len + 1);
	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memcpy(copy, spec, len + 1);
	item = copy;
	while (ok && item != NULL) {
		char *comma = strchr(item, ',');

		if (comma != NULL)
			*comma = '\0';
		ok = parse_item(item, f, err, errlen);
		item = comma != NULL ? comma + 1 : NULL;
	}
	free(copy);
	if (!ok)
		sj_one_line(err);
	return ok;
}

void sim_faults_usage(FILE *out)
{
	for (const struct sim_fault_row *r = sim_fault_rows; r->name != NULL; r++) {
		char head[40];

		snprintf(head, sizeof(head), "%s%s", r->name,
			 r->arg == SIM_FAULT_NUMBER ? "=N"
			 : r->arg == SIM_FAULT_KIND ? "=KIND"
						    : "");
		fprintf(out, "  %-22s %s\n", head, r->help);
	}
}
