/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A board profile a user writes for dfuse-sim (--profile FILE.json): a JSON
 * object whose keys override a built-in chip (the "base" key, default the
 * STM32F4 ROM). The keys, their types and limits are listed in
 * sim_profile.c and in dfuse-sim(1). Pure C: the fuzz target links it.
 */
#ifndef DFUSE_SIM_PROFILE_H
#define DFUSE_SIM_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define SIM_PROFILE_MAX_LOADS	16
#define SIM_PROFILE_MAX_STRINGS (8 + 2 * SIM_MAX_ALTS + SIM_PROFILE_MAX_LOADS)

struct sim_profile_load {
	const char *file; /* as written: relative to the profile's directory */
	uint32_t addr;
};

struct sim_profile {
	struct sim_chip chip;	  /* the device; its strings point into owned[] or the base */
	struct sim_faults faults; /* from "faults" and "after_leave" */
	size_t nloads;
	struct sim_profile_load loads[SIM_PROFILE_MAX_LOADS];
	char *owned[SIM_PROFILE_MAX_STRINGS];
	size_t nowned;
};

/*
 * Reads the profile in @len bytes of @text into @p. Returns true, or false
 * with one line in @err naming the field ("alts[0].name: expected a
 * string"). Always sim_profile_free() @p afterwards.
 */
bool sim_profile_parse(const char *text, size_t len, struct sim_profile *p, char *err,
		       size_t errlen);
void sim_profile_free(struct sim_profile *p);

#endif
