/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fixture the protocol tests share: one simulated device behind the
 * in-memory transport (virtual clock, 200 us per transfer), and the DFU
 * interface over it. Header-only, like tap.h; contains() and the output
 * capture come from scratch.h (tests/unit/libscratch.a).
 */
#ifndef DFUSE_TEST_FIXTURE_H
#define DFUSE_TEST_FIXTURE_H

#include <stdbool.h>
#include <string.h>

#include "dfu.h"
#include "memtransport.h"
#include "model.h"
#include "scratch.h"

struct fix {
	struct sim_device *dev;
	struct memtransport *mt;
	struct dfu_if d;
	struct error err;
};

static inline bool fix_chip(struct fix *f, const struct sim_chip *chip,
			    const struct sim_faults *faults)
{
	memset(f, 0, sizeof(*f));
	f->dev = sim_device_new(chip, NULL);
	if (f->dev == NULL)
		return false;
	if (faults != NULL)
		sim_device_set_faults(f->dev, faults);
	f->mt = memtransport_new(f->dev);
	if (f->mt == NULL) {
		sim_device_free(f->dev);
		return false;
	}
	dfu_if_init(&f->d, memtransport_get(f->mt), 0, chip->wTransferSize, NULL);
	return true;
}

static inline bool fix_open(struct fix *f, const char *chip, const struct sim_faults *faults)
{
	const struct sim_chip *c = sim_chip_find(chip);

	return c != NULL && fix_chip(f, c, faults);
}

static inline void fix_close(struct fix *f)
{
	memtransport_free(f->mt);
	sim_device_free(f->dev);
}

static inline struct sim_stats stats_of(const struct fix *f)
{
	struct sim_stats s;

	sim_device_stats(f->dev, &s);
	return s;
}

#endif
