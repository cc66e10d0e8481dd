/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of the device model share, and nothing outside them sees:
 * the DFU states, statuses and requests, the pending command, the memory of
 * each alt and struct sim_device itself, with the helpers one file lends another.
 */
#ifndef DFUSE_SIM_MODEL_PRIV_H
#define DFUSE_SIM_MODEL_PRIV_H

#include "compat.h"
#include "model.h"

enum sim_dfu_state {
	ST_APP_IDLE = 0,
	ST_APP_DETACH = 1,
	ST_DFU_IDLE = 2,
	ST_DNLOAD_SYNC = 3,
	ST_DNBUSY = 4,
	ST_DNLOAD_IDLE = 5,
	ST_MANIFEST_SYNC = 6,
	ST_MANIFEST = 7,
	ST_MANIFEST_WAIT_RESET = 8,
	ST_UPLOAD_IDLE = 9,
	ST_DFU_ERROR = 10,
};

enum sim_dfu_status {
	S_OK = 0,
	S_TARGET = 1,
	S_FILE = 2,
	S_WRITE = 3,
	S_ERASE = 4,
	S_CHECK_ERASED = 5,
	S_PROG = 6,
	S_VERIFY = 7,
	S_ADDRESS = 8,
	S_NOTDONE = 9,
	S_FIRMWARE = 10,
	S_VENDOR = 11,
	S_USBR = 12,
	S_POR = 13,
	S_UNKNOWN = 14,
	S_STALLEDPKT = 15,
};

enum sim_dfu_request {
	REQ_DETACH = 0,
	REQ_DNLOAD = 1,
	REQ_UPLOAD = 2,
	REQ_GETSTATUS = 3,
	REQ_CLRSTATUS = 4,
	REQ_GETSTATE = 5,
	REQ_ABORT = 6,
};

/* What a DNLOAD asked for; it runs when the following GETSTATUS arrives. */
enum sim_op {
	OP_NONE,
	OP_GET_COMMANDS,
	OP_SET_ADDRESS,
	OP_ERASE,
	OP_MASS_ERASE,
	OP_UNPROTECT,
	OP_WRITE,
	OP_BAD_COMMAND,
	OP_PLAIN_WRITE, /* a plain DFU 1.1 data block, at the next sequential address */
};

/* Sector type bits, as in the layout's type letter minus 'a' plus one. */
#define SEC_READ  1u
#define SEC_ERASE 2u
#define SEC_WRITE 4u

#define SIM_MAX_SECTORS	  4096	      /* per alt */
#define SIM_MAX_ALT_BYTES (64u << 20) /* per alt */
#define SIM_MAX_POLL_MS	  0xFFFFFFu   /* bwPollTimeout is 24 bits */
#define SIM_STRING_MAX	  126	      /* UTF-16 units in one string descriptor */

struct sim_sector {
	uint32_t addr, size;
	unsigned flags;
	unsigned long erases;
	uint8_t *mem;
};

struct sim_alt {
	size_t nsect;
	struct sim_sector *sect; /* sorted by address, not overlapping */
	uint8_t *mem;
	bool resets_after_write; /* option bytes: the ROM reloads them by a system reset */
};

struct sim_device {
	const struct sim_chip *chip;	 /* what it enumerates as now */
	const struct sim_chip *mem_chip; /* whose memory it holds (a run-time app: its ROM's) */
	uint16_t idProduct;
	char serial[SIM_STRING_MAX + 1];
	struct sim_faults faults;
	double scale;
	FILE *log;
	uint64_t now_us;

	bool gone, leave_requested;
	uint8_t config, alt;
	enum sim_dfu_state state;
	enum sim_dfu_status status;
	uint32_t pointer;
	uint64_t detach_at_us;

	size_t nalts;
	struct sim_alt alts[SIM_MAX_ALTS];

	/* the pending DfuSe command or data block */
	enum sim_op op;
	uint16_t op_block;
	size_t op_len;
	uint8_t *xfer;
	size_t xfer_cap;
	enum sim_dfu_status op_status;
	bool op_resets;
	/* busy until the work is really done; announced_until_us: what bwPollTimeout said */
	uint64_t busy_since_us, busy_until_us, announced_until_us;
	uint64_t busy_same_until_us; /* faults.busy_same_ms: dfuDNBUSY until then */
	uint64_t gone_at_us;	     /* faults.leave_manifest_ms: leaves the bus then (0: no) */
	unsigned stalls_left;
	bool gone_after_reply;
	/* faults: a stuck erase (H7), data DNLOADs seen (F411), busy answers still to repeat */
	bool stuck_pending, stuck, hang;
	unsigned long data_dnloads;
	unsigned repeat_left;
	uint32_t busy_poll;

	/* plain DFU 1.1: where the next block goes, what block number it must carry */
	uint32_t plain_off;
	uint16_t plain_block;
	uint16_t plain_upload_len; /* wLength of the first UPLOAD block: blocks are that big */
	uint32_t plain_erased;	   /* bytes the pending block's write erased first */

	/* strict timing: a GETSTATUS held back until ready_at_us */
	bool retry;
	uint64_t ready_at_us;

	unsigned long nrequests;
	struct sim_stats stats;

	/* filled by the request handlers for the log line */
	long log_poll;
	const char *log_note;
};

static inline size_t model_xfer_size(const struct sim_chip *c)
{
	return c->wTransferSize ? c->wTransferSize : c->xfer_real ? c->xfer_real : 1;
}

/* ---- model_log.c: the instrumentation log (format there) ---- */

/* One EVENT line at the device's current time; nothing without a log. */
void model_log_event(const struct sim_device *d, const char *fmt, ...) COMPAT_PRINTF(2, 3);
/* The line of one control request and its answer @r, with d->log_poll and d->log_note. */
void model_log_request(struct sim_device *d, uint8_t bmRequestType, uint8_t bRequest,
		       uint16_t wValue, uint16_t wLength, enum sim_result r);

/* ---- model_flash.c: memory, erase, write, protection ---- */

/*
 * Builds @alt from the layout @name ("@name/0xADDR/N*SIZE<mult><type>,...");
 * a name without '/' has no memory. Returns false on a malformed or oversized
 * layout (a bug in the chip table) or out of memory.
 */
bool model_alt_build(struct sim_alt *alt, const char *name);
/* Frees what model_alt_build() allocated; @alt is left empty. */
void model_alt_free(struct sim_alt *alt);
/* The sector of @alt holding @addr, or NULL. */
struct sim_sector *model_alt_sector(const struct sim_alt *alt, uint32_t addr);
/* Erases one sector (0xFF) and counts it. */
void model_erase_sector(struct sim_device *d, struct sim_sector *s);
/*
 * Checks, then programs @len bytes at @base in the selected alt: S_OK, or
 * S_ADDRESS, S_WRITE, S_VENDOR, S_PROG with memory untouched.
 */
enum sim_dfu_status model_write_block(struct sim_device *d, uint64_t base, const uint8_t *buf,
				      size_t len);
/* Readable bytes from @base on in the selected alt, at most @len. */
size_t model_readable(const struct sim_device *d, uint64_t base, size_t len);
/* Copies @len bytes of @alt's memory from @addr on; every byte must lie in a sector of @alt. */
void model_alt_copy_out(const struct sim_alt *alt, uint32_t addr, uint8_t *data, size_t len);

/* ---- model_usb.c: descriptors and standard requests (USB 2.0 chapter 9) ---- */

/* A standard request (bmRequestType type bits 0); STALLs what it does not know. */
enum sim_result model_standard_request(struct sim_device *d, uint8_t bmRequestType,
				       uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
				       uint8_t *data, uint16_t wLength, size_t *actual);
/* SET_INTERFACE on interface @intf: SIM_OK, or SIM_STALL for an alt the chip lacks. */
enum sim_result model_set_alt(struct sim_device *d, uint8_t intf, uint8_t alt);

/* ---- model.c: answers every personality gives the same way ---- */

/* A request the state does not allow: counted, STALLed, dfuERROR/errSTALLEDPKT in DFU mode. */
enum sim_result model_forbidden(struct sim_device *d, const char *why);
/* STALL with a status (an UPLOAD the device cannot serve): dfuERROR/@st. */
enum sim_result model_fail_stall(struct sim_device *d, enum sim_dfu_status st, const char *why);
/* The 6-byte GETSTATUS answer with bwPollTimeout @poll, cut to @wLength. */
enum sim_result model_reply_status(struct sim_device *d, uint32_t poll, uint8_t *data,
				   uint16_t wLength, size_t *actual);

/* ---- model_dfuse.c: the DfuSe ROM (AN3156) ---- */

/* @ms as the device reports it: scaled, rounded up, never 0 for non-zero work. */
uint32_t model_scaled_ms(const struct sim_device *d, uint32_t ms);
/* GETSTATUS: starts, polls and completes the pending command or data block. */
enum sim_result model_dfuse_getstatus(struct sim_device *d, uint8_t *data, uint16_t wLength,
				      size_t *actual);
/* DNLOAD: a DfuSe command (wBlockNum 0), a data block (2 and up) or the leave request. */
enum sim_result model_dfuse_dnload(struct sim_device *d, uint16_t wValue, const uint8_t *data,
				   uint16_t wLength);
/* UPLOAD: the command list (wBlockNum 0) or memory from the address pointer on. */
enum sim_result model_dfuse_upload(struct sim_device *d, uint16_t wValue, uint8_t *data,
				   uint16_t wLength, size_t *actual);

/* ---- model_plain.c: plain DFU 1.1 devices (chip->plain) ---- */

/* Programs the pending plain DFU data block at the next sequential address. */
enum sim_dfu_status model_plain_write(struct sim_device *d);
/*
 * The class requests where a plain DFU device differs from the DfuSe ROM.
 * Returns false for those it handles the same way (CLRSTATUS, ABORT,
 * GETSTATE outside the quirks); *@r is the answer otherwise.
 */
bool model_plain_request(struct sim_device *d, uint8_t bRequest, uint16_t wValue, uint8_t *data,
			 uint16_t wLength, size_t *actual, enum sim_result *r);

#endif
