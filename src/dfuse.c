/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DfuSe on top of DFU 1.1 (ST AN3156). Commands are DNLOAD block 0 followed
 * by status polling; data blocks are addressed from the Set Address Pointer.
 * The erase plan is pure and computed before anything is sent.
 */
#include "dfuse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A hint after a device-reported status, so the user knows what to do. */
static const char *status_hint(uint8_t status)
{
	switch (status) {
	case DFU_STATUS_ERR_VENDOR:
		return " (read protection is active: -s :unprotect:force removes it and erases "
		       "the flash)";
	case DFU_STATUS_ERR_TARGET:
		return " (address not supported by the device)";
	case DFU_STATUS_ERR_ADDRESS:
		return " (address out of range)";
	case DFU_STATUS_ERR_PROG:
	case DFU_STATUS_ERR_CHECK_ERASED:
		return " (memory not erased?)";
	default:
		return "";
	}
}

/* After a wait that ended in dfuERROR, say what the status usually means. */
static void add_hint(int r, const struct dfu_status *st, struct error *err)
{
	if (r == ERR_PROTOCOL && st->bState == DFU_STATE_ERROR)
		error_append(err, "%s", status_hint(st->bStatus));
}

/* DNLOAD block 0 carrying @cmd, then wait for the device to finish it. */
/*
 * -s :fast: did the request fail (@r) because a ROM that STALLed an early
 * poll went to dfuERROR? Then clear the error (polling is slow from now on)
 * and return true, for the caller to redo or check what the request did.
 */
static bool fast_recover(struct dfu_if *d, int r, struct error *err)
{
	if (r == ERR_OK || !d->fast.request_stalled || dfu_last_transport(d) != TR_OK)
		return false;
	ui_debug(d->ui, 1, "-s :fast: the request failed after a STALLed poll (%s); recovering",
		 err != NULL ? err->msg : "");
	return dfu_make_idle(d, err) == ERR_OK;
}

/*
 * DNLOAD block 0 carrying @cmd, then wait for the device to finish it. With
 * @resend, a command lost to a STALLed :fast poll is sent once more (every
 * DfuSe command is idempotent).
 */
static int command(struct dfu_if *d, const uint8_t *cmd, uint16_t len, uint32_t expect_ms,
		   bool resend, struct dfu_status *st, struct error *err)
{
	int r;

	for (int attempt = 0; attempt < 2; attempt++) {
		memset(st, 0, sizeof(*st));
		r = dfu_dnload(d, 0, cmd, len, err);
		if (r != ERR_OK)
			return r;
		d->expect_busy_ms = expect_ms;
		r = dfu_wait_done(d, st, err);
		d->expect_busy_ms = 0;
		if (attempt > 0 || !resend || !fast_recover(d, r, err))
			break;
	}
	add_hint(r, st, err);
	return r;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int address_command(struct dfu_if *d, uint8_t code, uint32_t addr, uint32_t expect_ms,
			   bool resend, struct error *err)
{
	uint8_t cmd[5];
	struct dfu_status st;
	int r;

	cmd[0] = code;
	put_le32(cmd + 1, addr);
	d->op_addr = addr;
	d->op_has_addr = true;
	r = command(d, cmd, sizeof(cmd), expect_ms, resend, &st, err);
	d->op_has_addr = false;
	return r;
}

int dfuse_set_address(struct dfu_if *d, uint32_t addr, struct error *err)
{
	int r = address_command(d, DFUSE_CMD_SET_ADDRESS, addr, 0, true, err);

	if (r != ERR_OK)
		return error_wrap(err, "set address 0x%08x", addr);
	return ERR_OK;
}

uint32_t dfuse_erase_budget_ms(uint32_t size)
{
	/* Generous: about 5x the typical STM32 sector erase time, plus slack. */
	return 5000 + size / 1024 * 40;
}

int dfuse_erase(struct dfu_if *d, uint32_t addr, uint32_t expect_ms, struct error *err)
{
	int r = address_command(d, DFUSE_CMD_ERASE, addr, expect_ms, true, err);

	if (r != ERR_OK)
		return error_wrap(err, "erase 0x%08x", addr);
	return ERR_OK;
}

/*
 * STM32H743 rev V: an erase above 1 MiB leaves the ROM in dfuDNBUSY though
 * the sector is erased. STM32CubeProgrammer's way out: CLRSTATUS (the ROM
 * then reports errUNKNOWN/dfuERROR), CLRSTATUS again (OK/dfuIDLE). The
 * sector counts as erased only when it reads blank; reading it sends the
 * address pointer again, as the ROM needs.
 */
/* Read the sector [@start, +@size): *@blank when all of it reads 0xFF. */
static int sector_blank(struct dfu_if *d, uint32_t start, uint32_t size, bool *blank,
			struct error *err)
{
	uint8_t *buf = malloc(size ? size : 1);
	size_t got = 0;
	int r;

	if (buf == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	r = dfuse_read(d, start, buf, size, &got, NULL, err);
	*blank = r == ERR_OK && got == size && dfuse_mem_is_blank(buf, size);
	free(buf);
	return r;
}

static int recover_stuck_erase(struct dfu_if *d, uint32_t start, uint32_t size, struct error *err)
{
	struct dfu_status st;
	bool blank = false;
	int r;

	ui_debug(d->ui, 1, "erase 0x%08x: the device stays dfuDNBUSY; clearing its status", start);
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 2; i++) {
		r = dfu_clear_status(d, err);
		if (r == ERR_OK)
			r = dfu_get_status(d, &st, err);
		if (r != ERR_OK)
			return error_wrap(err, "recovering from a stuck erase");
		if (st.bState == DFU_STATE_IDLE && st.bStatus == DFU_STATUS_OK)
			break;
	}
	if (st.bState != DFU_STATE_IDLE || st.bStatus != DFU_STATUS_OK)
		return error_set(err, ERR_PROTOCOL,
				 "the device stays dfuDNBUSY, and CLRSTATUS leaves it in %s (%s)",
				 dfu_state_str(st.bState), dfu_status_str(st.bStatus));
	r = sector_blank(d, start, size, &blank, err);
	if (r == ERR_OK && !blank)
		r = error_set(err, ERR_PROTOCOL,
			      "the device stayed dfuDNBUSY, and the sector does not read blank");
	if (r == ERR_OK)
		ui_debug(d->ui, 1, "erase 0x%08x: recovered, the sector reads blank", start);
	return r;
}

int dfuse_erase_sector(struct dfu_if *d, uint32_t start, uint32_t size, struct error *err)
{
	uint32_t budget = dfuse_erase_budget_ms(size);
	int r = address_command(d, DFUSE_CMD_ERASE, start, budget, false, err);
	bool blank = false;

	if (r != ERR_OK && d->stuck && dfu_has_quirk(d, QUIRK_STUCK_BUSY))
		r = recover_stuck_erase(d, start, size, err);
	/* :fast: a sector that already reads blank was erased; else erase it again. */
	if (r != ERR_OK && fast_recover(d, r, err)) {
		r = sector_blank(d, start, size, &blank, err);
		if (r == ERR_OK && !blank)
			r = address_command(d, DFUSE_CMD_ERASE, start, budget, false, err);
	}
	if (r != ERR_OK)
		return error_wrap(err, "erase 0x%08x", start);
	return ERR_OK;
}

/* A one-byte command that erases the whole flash: allow for its long busy time. */
static int whole_flash_command(struct dfu_if *d, uint8_t code, struct dfu_status *st,
			       struct error *err)
{
	const uint8_t cmd[1] = { code };
	struct dfu_limits saved = d->limits;
	int r;

	if (d->limits.max_busy_ms < DFUSE_MASS_ERASE_MS * 2)
		d->limits.max_busy_ms = DFUSE_MASS_ERASE_MS * 2;
	r = command(d, cmd, sizeof(cmd), DFUSE_MASS_ERASE_MS, true, st, err);
	d->limits = saved;
	return r;
}

int dfuse_mass_erase(struct dfu_if *d, struct error *err)
{
	struct dfu_status st;

	if (whole_flash_command(d, DFUSE_CMD_ERASE, &st, err) != ERR_OK)
		return error_wrap(err, "mass erase");
	return ERR_OK;
}

/* Append "; @what@state" to the message in @err (after its cause), keeping its code. */
static void append(struct error *err, const char *what, const char *state)
{
	error_append(err, "; %s%s%s%s", what, *state ? " (state " : "", state, *state ? ")" : "");
}

/*
 * A request after which the device may reset (leave, read unprotect, option
 * bytes) failed with @r. A transfer error does not prove that it left:
 * look for it (dfu_confirm). @acted: the device had taken the request in
 * (it answered for it), so its absence now means it did the work. Returns
 * ERR_OK with *@gone when it has left; otherwise @r, with what became of
 * the device added to @err. A failure the device itself reported (no
 * transfer error) stays as it is.
 */
static int settle(struct dfu_if *d, int r, bool acted, bool *gone, struct error *err)
{
	uint8_t state = 0;

	if (dfu_last_transport(d) == TR_OK)
		return r;
	switch (dfu_confirm(d, &state)) {
	case DFU_GONE:
		if (acted) {
			*gone = true;
			return ERR_OK;
		}
		append(err, "the device left the bus before it took the request in", "");
		break;
	case DFU_HERE:
		/* Manifesting: it has taken the request and is on its way out. */
		if (acted && dfu_confirm_leaving(d, &state)) {
			*gone = true;
			return ERR_OK;
		}
		append(err, "the device is still on the bus", dfu_state_str(state));
		break;
	case DFU_SILENT:
		append(err, "the device is still on the bus but does not answer", "");
		break;
	}
	return r;
}

int dfuse_unprotect(struct dfu_if *d, bool *gone, struct error *err)
{
	const uint8_t cmd[1] = { DFUSE_CMD_READ_UNPROTECT };
	struct dfu_limits saved = d->limits;
	struct dfu_status st;
	int r;

	*gone = false;
	/* Nothing happens unless the command got through: no second guess after a failed DNLOAD. */
	r = dfu_dnload(d, 0, cmd, sizeof(cmd), err);
	if (r != ERR_OK)
		return error_wrap(err, "read unprotect");
	memset(&st, 0, sizeof(st));
	if (d->limits.max_busy_ms < DFUSE_MASS_ERASE_MS * 2)
		d->limits.max_busy_ms = DFUSE_MASS_ERASE_MS * 2;
	d->expect_busy_ms = DFUSE_MASS_ERASE_MS;
	r = dfu_wait_done(d, &st, err);
	d->expect_busy_ms = 0;
	d->limits = saved;
	add_hint(r, &st, err);
	if (r == ERR_OK) {
		struct dfu_status probe;

		/* AN3156: it resets once the erase is done; is it still on the bus? */
		*gone = dfu_get_status(d, &probe, NULL) != ERR_OK &&
			dfu_last_transport(d) == TR_NODEV;
		return ERR_OK;
	}
	/*
	 * AN3156: the device erases its flash and resets, and may vanish before
	 * it reports the erase done. Only a device that had started the work
	 * (answered a GETSTATUS for it) and is now gone has done it.
	 */
	r = settle(d, r, d->last_answers > 0, gone, err);
	return r == ERR_OK ? ERR_OK : error_wrap(err, "read unprotect");
}

int dfuse_get_commands(struct dfu_if *d, uint8_t *cmds, size_t cap, size_t *n, struct error *err)
{
	uint8_t buf[64];
	size_t got = 0;
	int r;

	*n = 0;
	r = dfu_make_idle(d, err);
	if (r == ERR_OK)
		r = dfu_upload(d, 0, buf, sizeof(buf), &got, err);
	if (r != ERR_OK)
		return error_wrap(err, "get commands");
	/* The first byte is Get Commands itself; the rest are the supported commands. */
	for (size_t i = 0; i < got && *n < cap; i++)
		cmds[(*n)++] = buf[i];
	return dfu_make_idle(d, err);
}

int dfuse_leave(struct dfu_if *d, bool has_addr, uint32_t addr, bool *gone, struct error *err)
{
	struct dfu_status st;
	int r;

	*gone = false;
	if (has_addr) {
		r = dfuse_set_address(d, addr, err);
		if (r != ERR_OK)
			return error_wrap(err, "leave");
	}
	/*
	 * AN3156: a zero-length DNLOAD starts manifestation, i.e. the jump.
	 * Some ROMs STALL it and reset all the same: a failure here is settled by
	 * looking for the device, unless it was gone before the request.
	 */
	r = dfu_dnload(d, 2, NULL, 0, err);
	if (r != ERR_OK) {
		r = settle(d, r, dfu_last_transport(d) != TR_NODEV, gone, err);
		return r == ERR_OK ? ERR_OK : error_wrap(err, "leave");
	}
	if (dfu_has_quirk(d, QUIRK_LEAVE_NO_STATUS)) {
		/* GD32VF103: it resets without answering; no need to wait long for that. */
		unsigned saved = d->limits.request_timeout_ms;

		if (saved > DFU_CONFIRM_REQUEST_MS)
			d->limits.request_timeout_ms = DFU_CONFIRM_REQUEST_MS;
		r = dfu_get_status(d, &st, err);
		d->limits.request_timeout_ms = saved;
	} else {
		r = dfu_get_status(d, &st, err);
	}
	if (r != ERR_OK) {
		/* Expected: the device resets during or right after this request. Did it? */
		r = settle(d, r, true, gone, err);
		return r == ERR_OK ? ERR_OK : error_wrap(err, "leave");
	}
	if (st.bState == DFU_STATE_ERROR || st.bStatus != DFU_STATUS_OK)
		return error_set(err, ERR_PROTOCOL, "leave: device reported %s (state %s)%s",
				 dfu_status_str(st.bStatus), dfu_state_str(st.bState),
				 status_hint(st.bStatus));
	return ERR_OK;
}

int dfuse_write(struct dfu_if *d, uint32_t addr, const uint8_t *data, size_t len,
		const struct dfuse_write_opts *wo, struct ui_progress *p,
		struct dfuse_write_result *res, struct error *err)
{
	size_t xfer = d->transfer_size;
	size_t off = 0;
	uint32_t pointer = addr;
	unsigned block = 0; /* 0: the pointer must be (re)sent */
	struct dfuse_write_result local;
	int r;

	if (res == NULL)
		res = &local;
	memset(res, 0, sizeof(*res));
	res->end = addr;
	if (xfer == 0)
		return error_set(err, ERR_USAGE, "write: transfer size is 0");
	if ((uint64_t)addr + len > UINT64_C(0x100000000))
		return error_set(err, ERR_DATA, "write 0x%08x: %zu bytes run past 4 GiB", addr,
				 len);
	while (off < len) {
		size_t n = len - off < xfer ? len - off : xfer;
		uint32_t at = (uint32_t)(addr + off);
		struct dfu_status st;

		/*
		 * A blank block is not sent: its block number is simply skipped, and
		 * while no pointer is pending none is sent until real data comes.
		 */
		if (!(wo->skip_blank && dfuse_mem_is_blank(data + off, n))) {
			if (block == 0 || block > 0xFFFF || wo->pointer_per_chunk) {
				r = dfuse_set_address(d, at, err);
				if (r != ERR_OK)
					return error_wrap(err, "write");
				pointer = at;
				block = 2;
			}
			memset(&st, 0, sizeof(st));
			d->op_addr = at;
			d->op_has_addr = true;
			r = dfu_dnload(d, (uint16_t)block, data + off, (uint16_t)n, err);
			if (r == ERR_OK) {
				r = dfu_wait_done(d, &st, err);
				add_hint(r, &st, err);
				/* Option bytes: the device may reset once it has taken the last block. */
				if (r != ERR_OK && off + n == len && wo->will_reset) {
					bool gone = false;

					r = settle(d, r, d->last_answers > 0, &gone, err);
				}
			}
			d->op_has_addr = false;
			if (r != ERR_OK) {
				res->block_failed = dfu_last_transport(d) != TR_NODEV;
				res->block_failed_at = at;
				return error_wrap(err, "write 0x%08x (%zu bytes at pointer 0x%08x)",
						  at, n, pointer);
			}
			res->sent++;
		}
		if (block != 0)
			block++;
		off += n;
		res->end = (uint64_t)addr + off;
		if (p != NULL)
			ui_progress_add(p, n);
	}
	return ERR_OK;
}

/*
 * A STALLed request left the device in dfuERROR: ask it why, so that e.g.
 * read protection (errVENDOR) is named instead of a bare "stalled".
 */
static void stall_reason(struct dfu_if *d, bool *refused, struct error *err)
{
	struct dfu_status st;

	if (err == NULL || dfu_get_status(d, &st, NULL) != ERR_OK || st.bStatus == DFU_STATUS_OK)
		return;
	*refused = st.bStatus == DFU_STATUS_ERR_VENDOR;
	error_set(err, ERR_PROTOCOL, "device reported %s (state %s)%s", dfu_status_str(st.bStatus),
		  dfu_state_str(st.bState), status_hint(st.bStatus));
}

int dfuse_read_stream(struct dfu_if *d, uint32_t addr, uint64_t len, dfuse_sink sink, void *ctx,
		      uint64_t *got, bool *refused, struct ui_progress *p, struct error *err)
{
	size_t xfer = d->transfer_size;
	uint64_t off = 0;
	uint8_t *block_buf;
	bool local_refused = false;
	int r = ERR_OK;

	*got = 0;
	if (refused == NULL)
		refused = &local_refused;
	*refused = false;
	if (xfer == 0)
		return error_set(err, ERR_USAGE, "read: transfer size is 0");
	block_buf = malloc(xfer);
	if (block_buf == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	while (off < len && r == ERR_OK) {
		unsigned block = 2;

		/* wBlockNum wrapped (or one block per pointer): leave dfuUPLOAD-IDLE first. */
		if (off > 0)
			r = dfu_abort(d, err);
		if (r == ERR_OK)
			r = dfuse_set_address(d, (uint32_t)(addr + off), err);
		/* AN3156: UPLOAD starts from dfuIDLE, so leave dfuDNLOAD-IDLE first. */
		if (r == ERR_OK)
			r = dfu_abort(d, err);
		if (r != ERR_OK) {
			error_wrap(err, "read 0x%08llx", (unsigned long long)(addr + off));
			break;
		}
		while (off < len && block <= 0xFFFF) {
			size_t want = len - off < xfer ? (size_t)(len - off) : xfer;
			size_t n = 0;

			r = dfu_upload(d, (uint16_t)block, block_buf, (uint16_t)want, &n, err);
			if (r != ERR_OK && dfu_last_transport(d) == TR_STALL)
				stall_reason(d, refused, err);
			if (r != ERR_OK) {
				error_wrap(err, "read 0x%08llx", (unsigned long long)(addr + off));
				break;
			}
			r = sink(ctx, block_buf, n, err);
			if (r != ERR_OK)
				break;
			off += n;
			*got = off;
			if (p != NULL)
				ui_progress_add(p, n);
			if (n < want) {
				/* A short reply ends the upload: the device has no more. */
				r = dfu_make_idle(d, err);
				free(block_buf);
				return r == ERR_OK ? ERR_OK : error_wrap(err, "read");
			}
			block++;
			if (d->pointer_per_block)
				break;
		}
	}
	free(block_buf);
	if (r != ERR_OK)
		return r;
	r = dfu_abort(d, err);
	return r == ERR_OK ? ERR_OK : error_wrap(err, "read: ending the upload");
}

struct memory_sink {
	uint8_t *buf;
	size_t off;
};

static int to_memory(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	struct memory_sink *m = ctx;

	(void)err;
	memcpy(m->buf + m->off, data, n);
	m->off += n;
	return ERR_OK;
}

int dfuse_read(struct dfu_if *d, uint32_t addr, uint8_t *buf, size_t len, size_t *got,
	       struct ui_progress *p, struct error *err)
{
	struct memory_sink m = { .buf = buf, .off = 0 };
	uint64_t n = 0;
	int r = dfuse_read_stream(d, addr, len, to_memory, &m, &n, NULL, p, err);

	*got = (size_t)n; /* at most @len */
	return r;
}
