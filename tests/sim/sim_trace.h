/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A dfuse-util trace (src/trace.h has its format) read for dfuse-sim
 * --replay: the devices it saw, as chips the model can play, and per device
 * the requests the tool made through its transport with the answers it got,
 * in order. Pure C with hard caps (the fuzz target links it).
 */
#ifndef DFUSE_SIM_TRACE_H
#define DFUSE_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define SIM_TRACE_MAX_DEVICES 16
#define SIM_TRACE_MAX_RECORDS 200000
#define SIM_TRACE_MAX_HANDLES 256

enum sim_trace_kind { SIM_TREC_CONTROL, SIM_TREC_SET_ALT, SIM_TREC_RESET, SIM_TREC_PRESENT };

/* How a request ended in the trace. */
enum sim_trace_result {
	SIM_TRES_OK,
	SIM_TRES_STALL,
	SIM_TRES_TIMEOUT,
	SIM_TRES_NODEV,
	SIM_TRES_IO,
	SIM_TRES_PIPES_RESET,
};

struct sim_trace_rec {
	enum sim_trace_kind kind;
	enum sim_trace_result result;
	unsigned line; /* in the trace file, for messages */
	uint8_t bmRequestType, bRequest;
	uint16_t wValue, wIndex, wLength;
	uint8_t *data; /* control: sent (OUT) or received (IN), len bytes */
	size_t len;
	uint8_t intf, alt; /* set_alt */
	bool gone_after;   /* reset: the device had left the bus afterwards */
};

struct sim_trace_dev {
	char path[64];
	unsigned busnum, devnum;
	struct sim_chip chip; /* strings point into the device's own buffers */
	char serial[128], product[128];
	char names[SIM_MAX_ALTS][256];
	bool func_dfu10; /* a 7-byte functional descriptor */
	struct sim_trace_rec *recs;
	size_t nrecs, cap;
};

struct sim_trace {
	struct sim_trace_dev devs[SIM_TRACE_MAX_DEVICES];
	size_t ndevs;
};

/*
 * Reads the JSON lines of @len bytes of @text into @t. Returns true, or
 * false with "line N: field: what" in @err. Always sim_trace_free() @t.
 */
bool sim_trace_parse(const char *text, size_t len, struct sim_trace *t, char *err, size_t errlen);
void sim_trace_free(struct sim_trace *t);

/* "bmRequestType=0x21 bRequest=1 (DNLOAD) wValue=2 wIndex=0 wLength=2048" into @buf. */
const char *sim_trace_setup_str(uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
				uint16_t wIndex, uint16_t wLength, char *buf, size_t len);

#endif
