/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fault grammar of dfuse-sim: one table that names every fault of
 * struct sim_faults, read from --fault SPEC, from the long option of the same
 * name and from a profile's "faults" key. Pure C (the profile reader and its
 * fuzz target use it).
 *
 *   SPEC := ITEM { "," ITEM }
 *   ITEM := NAME | NAME "=" VALUE | "fail@" N [ ":" KIND ] [ ":acted" ]
 */
#ifndef DFUSE_SIM_FAULTS_H
#define DFUSE_SIM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model.h"

enum sim_fault_arg {
	SIM_FAULT_FLAG,	  /* no value */
	SIM_FAULT_NUMBER, /* unsigned, checked against the row's maximum */
	SIM_FAULT_KIND,	  /* nodev | stall | timeout | io */
};

struct sim_fault_row {
	const char *name;
	enum sim_fault_arg arg;
	size_t offset; /* of the bool, unsigned or enum in struct sim_faults */
	unsigned max;
	const char *help;
};

/* The table, terminated by a row with name == NULL. */
extern const struct sim_fault_row sim_fault_rows[];

/* The row called @name (exactly), or NULL. */
const struct sim_fault_row *sim_fault_find(const char *name, size_t len);

/*
 * Sets @row's fault in @f from @value (NULL for a flag). Returns true, or
 * false with the reason ("stall-busy: expected a number 0..1000") in @err.
 */
bool sim_fault_set(const struct sim_fault_row *row, const char *value, struct sim_faults *f,
		   char *err, size_t errlen);

/* Applies a whole SPEC to @f. Returns true, or false with the reason in @err. */
bool sim_faults_parse(const char *spec, struct sim_faults *f, char *err, size_t errlen);

/* Prints one "  NAME[=N]  help" line per fault to @out. */
void sim_faults_usage(FILE *out);

#endif
