/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain DFU 1.1 transfers over an opened DFU interface: a download as data
 * blocks from wBlockNum 0, the zero-length end and manifestation (DFU 1.1
 * sections 6.1 and 7), and an upload read until a short block (section 6.2).
 */
#ifndef DFUSE_DFU_PLAIN_H
#define DFUSE_DFU_PLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu.h"
#include "error.h"
#include "ui.h"

/* How a download ended, once every block and its status succeeded. */
enum dfu_plain_end {
	DFU_PLAIN_END_IDLE,  /* manifestation tolerant: back in dfuIDLE, still on the bus */
	DFU_PLAIN_END_RESET, /* reset by us (dfuMANIFEST-WAIT-RESET or asked), still there */
	DFU_PLAIN_END_GONE,  /* left the bus during or after manifestation: confirmed */
	/*
	 * The reset was due but the platform could only reset the pipes
	 * (WinUSB): the firmware is written, the device waits to be replugged.
	 */
	DFU_PLAIN_END_NOT_RESET,
};

struct dfu_plain_opts {
	/* Reset the device after manifestation even when it returned to dfuIDLE. */
	bool reset_after;
};

struct dfu_plain_result {
	enum dfu_plain_end end;
	unsigned long blocks; /* data blocks sent and acknowledged */
	size_t bytes;	      /* the data bytes of those blocks */
	uint8_t final_state;  /* the last bState the device reported */
};

/*
 * Download @len (> 0) bytes of @data over @d, which must be in dfuIDLE with
 * the target alt selected: DNLOAD blocks of d->transfer_size bytes carrying
 * wBlockNum 0, 1, ... (wrapping at 0xFFFF), each followed by status polling
 * until dfuDNLOAD-IDLE; then a zero-length DNLOAD and manifestation. A
 * device in dfuMANIFEST-WAIT-RESET is reset (as is any device when
 * @o->reset_after). A device that vanishes during or after manifestation
 * counts as success only once dfu_confirm() finds it gone; any other
 * silence is an error. @p (may be NULL) advances by
 * the bytes sent. Returns ERR_OK with *@res filled; ERR_DATA for an empty
 * image; ERR_IO / ERR_PROTOCOL naming the block or the step otherwise.
 */
int dfu_plain_download(struct dfu_if *d, const uint8_t *data, size_t len,
		       const struct dfu_plain_opts *o, struct ui_progress *p,
		       struct dfu_plain_result *res, struct error *err);

/* Receives each block an upload returns, in order; anything but ERR_OK stops the read. */
typedef int (*dfu_plain_sink)(void *ctx, const uint8_t *data, size_t n, struct error *err);

/*
 * Read the selected alt from its start: UPLOAD blocks of d->transfer_size
 * bytes with wBlockNum 0, 1, ... until the device returns a short block, or
 * until @limit bytes (0 = no limit) were read, in which case the upload is
 * ended with ABORT. Each block goes to @sink. *@got = bytes delivered. The
 * device is left in dfuIDLE on success. Returns ERR_OK, the sink's error,
 * or ERR_IO / ERR_PROTOCOL naming the block.
 */
int dfu_plain_upload(struct dfu_if *d, size_t limit, dfu_plain_sink sink, void *ctx, size_t *got,
		     struct ui_progress *p, struct error *err);

/* "back in dfuIDLE", "reset", "left the bus" for messages; never NULL. */
const char *dfu_plain_end_str(enum dfu_plain_end end);

#endif
