/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DfuSe (ST AN3156): the special commands carried by DNLOAD block 0 (Set
 * Address Pointer, Erase, Mass Erase, Read Unprotect, Get Commands), data
 * transfers addressed from the pointer, leaving DFU mode, and the erase plan
 * that decides which sectors an image needs erased.
 */
#ifndef DFUSE_DFUSE_H
#define DFUSE_DFUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfu.h"
#include "dfuse_mem.h"
#include "error.h"
#include "ui.h"

/* AN3156 command bytes. */
enum dfuse_command {
	DFUSE_CMD_GET_COMMANDS = 0x00,
	DFUSE_CMD_SET_ADDRESS = 0x21,
	DFUSE_CMD_ERASE = 0x41,
	DFUSE_CMD_READ_UNPROTECT = 0x92,
};

/* How long a mass erase may take (ST datasheets: up to ~32 s for 2 MiB). */
#define DFUSE_MASS_ERASE_MS 60000

/*
 * Each command sends its DNLOAD and waits for the device to finish (a device
 * may answer dfuDNBUSY or go straight to dfuDNLOAD-IDLE). Returns ERR_OK, or
 * an error naming the command and address, with a hint for the status code
 * (errVENDOR: read protection; errTARGET: address not supported).
 */
int dfuse_set_address(struct dfu_if *d, uint32_t addr, struct error *err);
/* Erase the page/sector containing @addr; @expect_ms: the time it may take. */
int dfuse_erase(struct dfu_if *d, uint32_t addr, uint32_t expect_ms, struct error *err);
/*
 * Erase the sector of @size bytes at @start with the time it may take. With
 * the H7 quirk (QUIRK_STUCK_BUSY), a device that stays dfuDNBUSY past it
 * is brought back with two CLRSTATUS, and the erase counts as done only
 * when the sector then reads blank.
 */
int dfuse_erase_sector(struct dfu_if *d, uint32_t start, uint32_t size, struct error *err);
int dfuse_mass_erase(struct dfu_if *d, struct error *err);
/*
 * Read Unprotect: the device mass-erases and resets itself. *@gone tells
 * whether it vanished while doing so (the expected outcome; ERR_OK). A
 * failed DNLOAD is a failure (the command never took effect); a transfer
 * error afterwards is success only when the device had answered for the
 * command and is then confirmed gone (dfu_confirm), else the error names
 * what the device still says.
 */
int dfuse_unprotect(struct dfu_if *d, bool *gone, struct error *err);
/* The command bytes the device supports, into @cmds (at most @cap); *@n = count. */
int dfuse_get_commands(struct dfu_if *d, uint8_t *cmds, size_t cap, size_t *n, struct error *err);

/*
 * Leave DFU mode: Set Address Pointer to @addr (when @has_addr), zero-length
 * DNLOAD, GETSTATUS. A transfer error on the last two is settled by looking
 * for the device (dfu_confirm): gone is success (*@gone = true); still on
 * the bus is a failure that names its state; so is a DNLOAD that found the
 * device already gone, and an explicit dfuERROR.
 */
int dfuse_leave(struct dfu_if *d, bool has_addr, uint32_t addr, bool *gone, struct error *err);

struct dfuse_write_opts {
	bool pointer_per_chunk; /* quirk: Set Address Pointer before every block */
	bool skip_blank;	/* do not send blocks that are all 0xFF (memory was erased) */
	bool will_reset;	/* the device may reset after this write (option bytes): a
				   transfer error after the last block is confirmed as for leave */
};

/* What a write learned, also when it failed. */
struct dfuse_write_result {
	unsigned long sent; /* data blocks sent and acknowledged */
	/*
	 * The end of the part of the range the device has confirmed (or that
	 * was skipped as blank), from the write's address on; where it
	 * failed, the address of the block that did not go through.
	 */
	uint64_t end;
	/*
	 * A data block failed (its DNLOAD or the wait after it; not a device
	 * that is gone) at block_failed_at, so that a caller may recover it.
	 */
	bool block_failed;
	uint32_t block_failed_at;
};

/*
 * Write @len bytes at @addr: one Set Address Pointer per contiguous run, then
 * DNLOAD blocks 2, 3, ... of d->transfer_size bytes (AN3156: address =
 * pointer + (wBlockNum - 2) * wTransferSize), re-issuing the pointer before
 * wBlockNum would wrap. Blank blocks may be skipped (their block number is
 * simply not sent). @p (may be NULL) advances by the bytes covered. With
 * will_reset, the device vanishing after the last block is success.
 * *@res (may be NULL) says how far it got, also on failure.
 */
int dfuse_write(struct dfu_if *d, uint32_t addr, const uint8_t *data, size_t len,
		const struct dfuse_write_opts *wo, struct ui_progress *p,
		struct dfuse_write_result *res, struct error *err);

/* Receives each block an upload returns, in order; anything but ERR_OK stops the read. */
typedef int (*dfuse_sink)(void *ctx, const uint8_t *data, size_t n, struct error *err);

/*
 * Read @len bytes at @addr and hand them to @sink block by block, with one
 * Set Address Pointer for the whole range (again only when wBlockNum would
 * wrap, or per block when d->pointer_per_block). *@got = bytes delivered;
 * fewer than @len means the device ended the upload early. @len is 64-bit:
 * a region ending at 4 GiB is 2^32 bytes long. On success the device is
 * left in dfuIDLE. *@refused (may be NULL) tells whether a failure was the
 * device refusing the read for read protection (errVENDOR after a STALLed
 * UPLOAD).
 */
int dfuse_read_stream(struct dfu_if *d, uint32_t addr, uint64_t len, dfuse_sink sink, void *ctx,
		      uint64_t *got, bool *refused, struct ui_progress *p, struct error *err);

/*
 * Read @len bytes at @addr into @buf (Set Address Pointer, ABORT, UPLOAD
 * blocks from 2). *@got = bytes read; fewer than @len means the device ended
 * the upload early. The device is left in dfuIDLE.
 */
int dfuse_read(struct dfu_if *d, uint32_t addr, uint8_t *buf, size_t len, size_t *got,
	       struct ui_progress *p, struct error *err);

/* Time an erase of a @size byte sector may take, for request timeouts. */
uint32_t dfuse_erase_budget_ms(uint32_t size);

#endif
