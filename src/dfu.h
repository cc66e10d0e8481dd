/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DFU 1.1 (USB Device Firmware Upgrade, revision 1.1): the class requests,
 * the state machine's names, and status polling that honours bwPollTimeout
 * with bounded waits. Talks to the device only through struct transport.
 */
#ifndef DFUSE_DFU_H
#define DFUSE_DFU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu_fast.h"
#include "error.h"
#include "quirks.h"
#include "transport.h"
#include "ui.h"

/* DFU 1.1 section 3: class requests. */
enum dfu_request {
	DFU_DETACH = 0,
	DFU_DNLOAD = 1,
	DFU_UPLOAD = 2,
	DFU_GETSTATUS = 3,
	DFU_CLRSTATUS = 4,
	DFU_GETSTATE = 5,
	DFU_ABORT = 6,
};

/* DFU 1.1 section 6.1.2: bState. */
enum dfu_state {
	DFU_STATE_APP_IDLE = 0,
	DFU_STATE_APP_DETACH = 1,
	DFU_STATE_IDLE = 2,
	DFU_STATE_DNLOAD_SYNC = 3,
	DFU_STATE_DNBUSY = 4,
	DFU_STATE_DNLOAD_IDLE = 5,
	DFU_STATE_MANIFEST_SYNC = 6,
	DFU_STATE_MANIFEST = 7,
	DFU_STATE_MANIFEST_WAIT_RESET = 8,
	DFU_STATE_UPLOAD_IDLE = 9,
	DFU_STATE_ERROR = 10,
};

/* DFU 1.1 section 6.1.2: bStatus. */
enum dfu_status_code {
	DFU_STATUS_OK = 0,
	DFU_STATUS_ERR_TARGET = 1,
	DFU_STATUS_ERR_FILE = 2,
	DFU_STATUS_ERR_WRITE = 3,
	DFU_STATUS_ERR_ERASE = 4,
	DFU_STATUS_ERR_CHECK_ERASED = 5,
	DFU_STATUS_ERR_PROG = 6,
	DFU_STATUS_ERR_VERIFY = 7,
	DFU_STATUS_ERR_ADDRESS = 8,
	DFU_STATUS_ERR_NOTDONE = 9,
	DFU_STATUS_ERR_FIRMWARE = 10,
	DFU_STATUS_ERR_VENDOR = 11,
	DFU_STATUS_ERR_USBR = 12,
	DFU_STATUS_ERR_POR = 13,
	DFU_STATUS_ERR_UNKNOWN = 14,
	DFU_STATUS_ERR_STALLEDPKT = 15,
};

/* The 6-byte GETSTATUS reply. */
struct dfu_status {
	uint8_t bStatus;
	uint32_t bwPollTimeout; /* milliseconds, 24 bits on the wire */
	uint8_t bState;
	uint8_t iString;
};

/* The DFU functional descriptor (DFU 1.1 section 4.1.3). */
struct dfu_func_desc {
	uint8_t bLength;
	uint8_t bmAttributes;
	uint16_t wDetachTimeOut;
	uint16_t wTransferSize;
	uint16_t bcdDFUVersion; /* 0 when bLength is 7 (DFU 1.0) */
};

enum {
	DFU_ATTR_CAN_DNLOAD = 1 << 0,
	DFU_ATTR_CAN_UPLOAD = 1 << 1,
	DFU_ATTR_MANIFEST_TOLERANT = 1 << 2,
	DFU_ATTR_WILL_DETACH = 1 << 3,
};

/* Bounds on waiting, so a hostile or broken device cannot hang the host. */
struct dfu_limits {
	uint32_t max_poll_ms;	     /* one bwPollTimeout is clamped to this */
	uint32_t max_busy_ms;	     /* total wait for one request's work */
	unsigned max_polls;	     /* GETSTATUS per request's work */
	unsigned busy_stall_retries; /* STALLed GETSTATUS tolerated while busy */
	unsigned request_timeout_ms; /* base timeout of one control transfer */
};

/*
 * A request whose busy wait lasts this many polls, or longer than both this
 * many times its first announced bwPollTimeout and DFU_SLOW_MS, gets one
 * warning per interface (a device behind a bad hub or port).
 */
#define DFU_SLOW_POLLS	100
#define DFU_SLOW_FACTOR 10
#define DFU_SLOW_MS	5000
/*
 * A device that answers dfuDNBUSY again and again with the same short
 * bwPollTimeout (firmware with no estimate of its work) is slow too: at
 * least this many polls, longer than DFU_SLOW_FACTOR times the announced
 * wait and than DFU_SLOW_REPEAT_MS, get the warning as well (issue 19: 20
 * ms announced 20 times for 400 ms of work per block).
 */
#define DFU_SLOW_REPEAT_POLLS 10
#define DFU_SLOW_REPEAT_MS    250

/* The defaults: 60 s per poll, 120 s per request, 100000 polls, 8 stalls, 5 s. */
extern const struct dfu_limits dfu_default_limits;

/* One opened DFU interface. */
struct dfu_if {
	struct transport tr;
	uint8_t intf;
	uint16_t transfer_size;
	struct dfu_limits limits;
	const struct ui *ui;
	/*
	 * The device's quirks, looked up once when it was selected and owned by
	 * whoever selected it (the session); NULL (dfu_if_init()) for none.
	 */
	const struct dfu_quirks *quirks;
	/* Timeout for the next GETSTATUS when its answer may come late (e.g. an erase). */
	uint32_t expect_busy_ms;
	/*
	 * transfer_size differs from the device's wTransferSize: DfuSe ROMs
	 * address block N from the pointer in their own size, so every block
	 * needs its own Set Address Pointer (reads; writes use pointer_per_chunk).
	 */
	bool pointer_per_block;
	/* Transport status of the last failed request (TR_OK if none). */
	int last_tr;
	/* GETSTATUS answers the last dfu_wait_done() received (the device had seen the request). */
	unsigned last_answers;
	/* The address the current request works on, for the slow-device warning (has_addr). */
	uint32_t op_addr;
	bool op_has_addr;
	bool busy_warned; /* that warning was given (once per interface) */
	/*
	 * dfu_wait_done() gave up on a device still dfuDNBUSY long after its
	 * announced time (QUIRK_STUCK_BUSY), for the caller to recover.
	 */
	bool stuck;
	struct dfu_fast fast;
	/* Counters, for -v summaries, --json and the benchmark. */
	unsigned long requests;
	uint64_t waited_us;
	unsigned long polls;   /* GETSTATUS sent while waiting for the device's work */
	uint64_t busy_us;      /* from each request to the answer that ended its work */
	uint64_t announced_us; /* what the device announced for that work (first poll) */
};

/* Initialise @d over @tr for interface @intf with the default limits and no quirks. */
void dfu_if_init(struct dfu_if *d, struct transport tr, uint8_t intf, uint16_t transfer_size,
		 const struct ui *ui);

/*
 * The class requests. Each returns ERR_OK, or ERR_IO / ERR_PROTOCOL with the
 * request named in @err. A STALL is ERR_PROTOCOL ("stalled"), a vanished
 * device ERR_IO; dfu_last_transport() tells which transport status it was.
 */
int dfu_detach(struct dfu_if *d, uint16_t timeout_ms, struct error *err);
int dfu_dnload(struct dfu_if *d, uint16_t block, const uint8_t *data, uint16_t len,
	       struct error *err);
/* UPLOAD of up to @len bytes into @data; *@got = bytes returned (short = end). */
int dfu_upload(struct dfu_if *d, uint16_t block, uint8_t *data, uint16_t len, size_t *got,
	       struct error *err);
int dfu_get_status(struct dfu_if *d, struct dfu_status *st, struct error *err);
int dfu_clear_status(struct dfu_if *d, struct error *err);
int dfu_get_state(struct dfu_if *d, uint8_t *state, struct error *err);
int dfu_abort(struct dfu_if *d, struct error *err);

/* The transport status of the last failed request (TR_OK if none failed). */
int dfu_last_transport(const struct dfu_if *d);

/* Does the device have every quirk in @flags (QUIRK_*)? False without quirks. */
bool dfu_has_quirk(const struct dfu_if *d, unsigned flags);

/*
 * After a DNLOAD: poll GETSTATUS, sleeping exactly bwPollTimeout between
 * polls (clamped by the limits), while the device is in dfuDNLOAD-SYNC,
 * dfuDNBUSY or dfuMANIFEST(-SYNC). Tolerates a few STALLed GETSTATUS while
 * busy (STM32L4 ROMs). Returns ERR_OK with the final status in *@st when
 * the device is idle with status OK (dfuDNLOAD-IDLE, dfuIDLE,
 * dfuMANIFEST-WAIT-RESET); ERR_PROTOCOL when it reports dfuERROR or a bad
 * status ("device reported errTARGET (state dfuERROR)"); ERR_IO on transfer
 * failure or when the limits are exceeded.
 */
int dfu_wait_done(struct dfu_if *d, struct dfu_status *st, struct error *err);

/* What dfu_confirm() found. */
enum dfu_presence {
	DFU_GONE,   /* absent from the bus, or a request said the device is gone */
	DFU_HERE,   /* it answered: its state is known */
	DFU_SILENT, /* still attached, but nothing it said within the window */
};

/* How long dfu_confirm() looks for the device, and its per-request timeout. */
#define DFU_CONFIRM_WINDOW_MS  1500
#define DFU_CONFIRM_REQUEST_MS 500

/*
 * After a transfer error on a request that may have made the device leave
 * (leave, read unprotect, option bytes, reset): has it really gone? For up
 * to DFU_CONFIRM_WINDOW_MS it asks the transport whether the device is still
 * attached and sends GETSTATUS (GETSTATE when that is STALLed), each with a
 * short timeout. DFU_GONE when it is absent or a request reports it gone;
 * DFU_HERE with its bState in *@state when it answered; DFU_SILENT when it
 * is still attached (or cannot be told) but answered nothing. The limits are
 * restored on return.
 */
enum dfu_presence dfu_confirm(struct dfu_if *d, uint8_t *state);

/* What a USB reset of the device came to (dfu_reset()). */
enum dfu_reset_end {
	DFU_RESET_DONE,	 /* the reset went through (the device restarts, or is back) */
	DFU_RESET_GONE,	 /* the device left the bus: confirmed by dfu_confirm() */
	DFU_RESET_PIPES, /* the platform's driver (WinUSB) could reset only the pipes */
};

/*
 * A USB reset of the device, and the one reading of what came of it, for
 * -R, a plain device's :leave and manifestation, and a detach. The
 * transport's TR_OK is DFU_RESET_DONE, a pipes-only reset DFU_RESET_PIPES.
 * Anything else, "no device" included (a device that re-enumerates reports
 * the old handle gone), is settled by dfu_confirm(): gone is
 * DFU_RESET_GONE; a device that answers after "no device" has reset
 * (DFU_RESET_DONE); otherwise ERR_IO naming the transport status and what
 * the device still says. Returns ERR_OK with *@end, or that error.
 */
int dfu_reset(struct dfu_if *d, enum dfu_reset_end *end, struct error *err);

/* How long dfu_confirm_leaving() waits for a manifesting device to go. */
#define DFU_LEAVING_MS 5000

/*
 * dfu_confirm() found the device still here in *@state after a failed
 * leave. A device that answers dfuMANIFEST or dfuMANIFEST-WAIT-RESET has
 * taken the leave (DFU 1.1 section 7: it is manifesting the firmware): look
 * again until it has gone, for up to DFU_LEAVING_MS, with one USB reset if
 * it waits for one (DFU 1.1: dfuMANIFEST-WAIT-RESET ends with a reset).
 * true once it is gone; false for any other state, or when it stays, with
 * its last state in *@state.
 */
bool dfu_confirm_leaving(struct dfu_if *d, uint8_t *state);

/*
 * Bring the device to dfuIDLE from whatever state it was left in
 * (CLRSTATUS from dfuERROR, ABORT from the *-IDLE states), as a host must
 * before starting an operation. Returns ERR_OK or an error naming the state.
 */
int dfu_make_idle(struct dfu_if *d, struct error *err);

/* Names for messages ("dfuDNLOAD-IDLE", "errTARGET"); never NULL. */
const char *dfu_state_str(uint8_t state);
const char *dfu_status_str(uint8_t status);
/* A short explanation of @status for users ("address not supported"), never NULL. */
const char *dfu_status_meaning(uint8_t status);

/*
 * Parse a DFU functional descriptor out of @len bytes of descriptor data
 * (a sequence of descriptors: the first with type 0x21 is used). Returns
 * true when one was found with a sane length (7 or 9).
 */
bool dfu_parse_func_desc(const uint8_t *buf, size_t len, struct dfu_func_desc *out);

#endif
