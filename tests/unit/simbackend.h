/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A struct dev_backend over simulated devices (tests/sim/model.h) on one
 * virtual clock: enumeration from the model's own descriptors and strings,
 * open/close over the in-memory transport, bus resets and re-enumeration.
 */
#ifndef DFUSE_TESTS_SIMBACKEND_H
#define DFUSE_TESTS_SIMBACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "model.h"

#define SIMBACKEND_MAX_DEVICES 8

struct simbackend;

/* Called after every control transfer on the opened device (see simbackend_set_hook). */
typedef void (*simbackend_hook)(void *arg, struct sim_device *dev, uint8_t bmRequestType,
				uint8_t bRequest, uint16_t wValue, int tr_status);

/* What the engine did through the backend. */
struct simbackend_counts {
	unsigned long scans, opens, closes, resets;
	uint64_t slept_us; /* every sleep_us(), through the backend or the transport */
	bool open_now;	   /* a device is open (close() not called yet) */
};

/* An empty bus with the clock at 0. Returns NULL on allocation failure. */
struct simbackend *simbackend_new(void);
/* Frees the backend and every device plugged into it. */
void simbackend_free(struct simbackend *sb);

/*
 * Plug @dev in (the backend owns it from now on) at the next port: path
 * "1-<port>", a fresh device number. Returns its slot index, or -1 when full.
 */
int simbackend_add(struct simbackend *sb, struct sim_device *dev);
/* The device in slot @i (NULL when out of range). */
struct sim_device *simbackend_device(const struct simbackend *sb, size_t i);

/* The backend to hand to ops_run(); valid while @sb lives. */
struct dev_backend simbackend_get(struct simbackend *sb);

/* Virtual time in microseconds. */
uint64_t simbackend_now(const struct simbackend *sb);
/* Virtual microseconds each control transfer costs (default 200). */
void simbackend_set_cost(struct simbackend *sb, uint64_t us);
/* How long a re-enumerated device stays off the bus before scans see it (default 0). */
void simbackend_set_reenum_delay(struct simbackend *sb, uint64_t us);
/* reset() leaves the device as it is and returns TR_PIPES_RESET, as libusb on WinUSB. */
void simbackend_set_pipes_only_reset(struct simbackend *sb, bool on);
/* Slot @i is plugged in only at virtual time @us: scans before that do not see it (-w). */
void simbackend_plug_at(struct simbackend *sb, size_t i, uint64_t us);
/* Make open() of slot @i fail with @code and @msg, and scans report it (permissions). */
void simbackend_set_open_error(struct simbackend *sb, size_t i, int code, const char *msg);
/* Install @hook (NULL removes it). */
void simbackend_set_hook(struct simbackend *sb, simbackend_hook hook, void *arg);

void simbackend_counts(const struct simbackend *sb, struct simbackend_counts *out);

#endif
