/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-memory transport: struct transport (src/transport.h) over one
 * simulated device (model.h) with a virtual clock, so unit tests run the real
 * protocol code deterministically and without waiting.
 */
#ifndef DFUSE_SIM_MEMTRANSPORT_H
#define DFUSE_SIM_MEMTRANSPORT_H

#include <stdint.h>

#include "model.h"
#include "transport.h"

struct memtransport;

/*
 * A transport driving @d (borrowed: the caller keeps and frees it) with a
 * virtual clock starting at 0. Returns NULL on allocation failure.
 */
struct memtransport *memtransport_new(struct sim_device *d);
void memtransport_free(struct memtransport *mt);

/* The struct transport to hand to the protocol code; valid while @mt lives. */
struct transport memtransport_get(struct memtransport *mt);

/* The virtual time in microseconds. */
uint64_t memtransport_now(const struct memtransport *mt);

/*
 * Virtual microseconds each control transfer, SET_INTERFACE and reset costs
 * (default 200, about one full-speed control transfer with its data stage).
 */
void memtransport_set_cost(struct memtransport *mt, uint64_t us);

/*
 * Counters of what the host did through this transport: every sleep_us()
 * summed, and the transfers that timed out waiting for a held answer.
 */
uint64_t memtransport_slept_us(const struct memtransport *mt);
unsigned long memtransport_timeouts(const struct memtransport *mt);

#endif
