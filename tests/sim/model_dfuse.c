/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DfuSe ROM bootloader of the device model (AN3156): the commands a
 * DNLOAD asks for and the GETSTATUS that runs them, busy periods and their
 * timing, data blocks from the address pointer, UPLOAD, and the ROM faults.
 */
#include <string.h>

#include "model_priv.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- timing ---- */

/* @ms as the device reports it: scaled, rounded up, never 0 for non-zero work. */
uint32_t model_scaled_ms(const struct sim_device *d, uint32_t ms)
{
	double v;
	uint64_t r;

	if (ms == 0)
		return 0;
	v = (double)ms * d->scale;
	if (v >= (double)SIM_MAX_POLL_MS)
		return SIM_MAX_POLL_MS;
	r = (uint64_t)v;
	if ((double)r < v)
		r++;
	return r ? (uint32_t)r : 1;
}

static uint32_t erase_ms(const struct sim_device *d, uint32_t size)
{
	const struct sim_timing *t = &d->mem_chip->timing;
	uint64_t units = ((uint64_t)size + 16383u) / 16384u;
	uint64_t ms = units * t->erase_ms_per_16k;

	if (ms < t->erase_min_ms)
		ms = t->erase_min_ms;
	return ms > SIM_MAX_POLL_MS ? SIM_MAX_POLL_MS : (uint32_t)ms;
}

/* ---- DfuSe commands and data ---- */

/*
 * Runs the pending command; returns its status and the time it announces
 * (ms, unscaled); *@real_ms: the time it really takes (a data block on a
 * ROM with timing.write_real_ms; *@ms otherwise).
 */
static enum sim_dfu_status run_op_timed(struct sim_device *d, uint32_t *ms, uint32_t *real_ms);

static enum sim_dfu_status run_op(struct sim_device *d, uint32_t *ms)
{
	const struct sim_timing *t = &d->mem_chip->timing;
	struct sim_alt *alt = &d->alts[d->alt];
	struct sim_sector *s;
	uint32_t addr;
	size_t n;

	*ms = t->cmd_ms;
	d->op_resets = false;
	switch (d->op) {
	case OP_NONE:
	case OP_GET_COMMANDS:
		return S_OK;
	case OP_SET_ADDRESS:
		addr = get_le32(d->xfer + 1);
		if (!model_alt_sector(alt, addr))
			return S_TARGET;
		d->pointer = addr;
		model_log_event(d, "set-address addr=0x%08x", (unsigned)addr);
		return S_OK;
	case OP_ERASE:
		addr = get_le32(d->xfer + 1);
		s = model_alt_sector(alt, addr);
		if (!s || !(s->flags & SEC_ERASE))
			return S_TARGET;
		if (d->faults.read_protected)
			return S_VENDOR;
		model_erase_sector(d, s);
		*ms = erase_ms(d, s->size);
		d->stuck_pending =
			d->faults.stuck_busy_high && s->addr - alt->sect[0].addr >= 1u << 20;
		model_log_event(d, "erase addr=0x%08x size=%u", (unsigned)s->addr,
				(unsigned)s->size);
		return S_OK;
	case OP_MASS_ERASE:
		if (d->faults.read_protected)
			return S_VENDOR;
		n = 0;
		for (size_t i = 0; i < alt->nsect; i++)
			if (alt->sect[i].flags & SEC_ERASE) {
				model_erase_sector(d, &alt->sect[i]);
				n++;
			}
		if (n == 0)
			return S_TARGET;
		*ms = t->mass_erase_ms;
		model_log_event(d, "mass-erase alt=%u sectors=%zu", (unsigned)d->alt, n);
		return S_OK;
	case OP_UNPROTECT:
		for (size_t a = 0; a < d->nalts; a++)
			for (size_t i = 0; i < d->alts[a].nsect; i++)
				if (d->alts[a].sect[i].flags & SEC_ERASE)
					model_erase_sector(d, &d->alts[a].sect[i]);
		d->faults.read_protected = false;
		d->op_resets = true;
		*ms = t->mass_erase_ms;
		model_log_event(d, "unprotect");
		return S_OK;
	case OP_WRITE: {
		uint64_t base = (uint64_t)d->pointer +
				(uint64_t)(d->op_block - 2u) * model_xfer_size(d->mem_chip);
		size_t len = d->op_len;
		enum sim_dfu_status st;

		/* H5/H7: the last partial flash word never reaches the flash */
		if (d->faults.flash_word > 0 && len % d->faults.flash_word != 0) {
			len -= len % d->faults.flash_word;
			model_log_event(d, "word-dropped addr=0x%08x len=%zu",
					(unsigned)(base + len), d->op_len - len);
		}
		st = len > 0 ? model_write_block(d, base, d->xfer, len) : S_OK;

		*ms = t->write_ms;
		d->op_resets = st == S_OK && alt->resets_after_write;
		return st;
	}
	case OP_BAD_COMMAND:
		return S_TARGET;
	case OP_PLAIN_WRITE: {
		enum sim_dfu_status st = model_plain_write(d);

		/* a block that reached a new sector first erased it (ESP32-S2: long erases) */
		*ms = t->write_ms;
		if (d->plain_erased > 0 && t->erase_ms_per_16k > 0)
			*ms += erase_ms(d, d->plain_erased);
		return st;
	}
	}
	return S_UNKNOWN;
}

static enum sim_dfu_status run_op_timed(struct sim_device *d, uint32_t *ms, uint32_t *real_ms)
{
	const struct sim_timing *t = &d->mem_chip->timing;
	bool data = d->op == OP_WRITE || d->op == OP_PLAIN_WRITE;
	enum sim_dfu_status st = run_op(d, ms);

	*real_ms = data && t->write_real_ms > 0 && t->write_real_ms < *ms ? t->write_real_ms : *ms;
	return st;
}

/* The work is over: report it (dfuDNLOAD-IDLE or dfuERROR). */
static void complete_op(struct sim_device *d)
{
	d->status = d->op_status;
	d->state = d->op_status == S_OK ? ST_DNLOAD_IDLE : ST_DFU_ERROR;
	if (d->op_status == S_OK && d->op_resets)
		d->gone_after_reply = true;
	d->op = OP_NONE;
}

/* The GETSTATUS after a DNLOAD: the device starts the work. Returns bwPollTimeout. */
static uint32_t start_op(struct sim_device *d)
{
	uint32_t ms, real_ms, poll;

	d->stuck_pending = false;
	d->op_status = run_op_timed(d, &ms, &real_ms);
	d->stuck = d->stuck_pending;
	d->repeat_left = d->faults.busy_repeat;
	if (d->op == OP_UNPROTECT && d->faults.unprotect_hang) {
		d->state = ST_DNBUSY;
		d->op_resets = false;
		d->hang = true;
		d->ready_at_us = UINT64_MAX;
		return 0;
	}
	/* a plain device that reports no poll time (Maple) is done at this answer */
	if (d->faults.immediate || (d->mem_chip->plain && ms == 0)) {
		complete_op(d);
		return 0;
	}
	poll = model_scaled_ms(d, ms);
	d->busy_since_us = d->now_us;
	d->announced_until_us = d->now_us + (uint64_t)poll * 1000u;
	d->busy_until_us = d->now_us + (uint64_t)model_scaled_ms(d, real_ms) * 1000u;
	d->busy_same_until_us = 0;
	if (d->faults.busy_same_ms != 0 && d->op == OP_WRITE) {
		/* the same short wait announced again and again (faults.busy_same_ms) */
		poll = model_scaled_ms(d, d->faults.busy_same_poll_ms);
		d->announced_until_us = d->now_us + (uint64_t)poll * 1000u;
		d->busy_same_until_us =
			d->now_us + (uint64_t)model_scaled_ms(d, d->faults.busy_same_ms) * 1000u;
	}
	d->busy_poll = poll;
	d->stats.device_wait_us += (uint64_t)poll * 1000u;
	d->stalls_left = d->faults.stall_busy_getstatus;
	d->state = ST_DNBUSY;
	d->status = S_OK;
	return poll;
}

/* ---- DFU class requests, as the ROM answers them ---- */

enum sim_result model_dfuse_getstatus(struct sim_device *d, uint8_t *data, uint16_t wLength,
				      size_t *actual)
{
	uint32_t poll = 0;

	switch (d->state) {
	case ST_DNLOAD_SYNC:
		poll = start_op(d);
		if (d->hang)
			return SIM_LATER;
		break;
	case ST_DNBUSY:
		if (d->hang) {
			/* the unprotect never ends: no answer at all */
			d->ready_at_us = UINT64_MAX;
			d->log_note = "hang";
			return SIM_LATER;
		}
		if (d->stalls_left) {
			/* STM32L4 ROM: busy flash blocks the USB answer; no state change */
			d->stalls_left--;
			d->stats.busy_stalls++;
			d->log_note = "busy-stall";
			return SIM_STALL;
		}
		if (d->now_us < d->announced_until_us) {
			/* sooner than announced: counted, whether or not the work is done */
			d->stats.early_polls++;
			model_log_event(d, "early-poll remaining_us=%llu",
					(unsigned long long)(d->announced_until_us - d->now_us));
			if (d->faults.stall_early) {
				d->stats.busy_stalls++;
				return model_fail_stall(d, S_STALLEDPKT, "early-poll stall");
			}
		}
		if (d->now_us < d->busy_until_us) {
			uint64_t left = d->busy_until_us - d->now_us;

			if (d->faults.strict_timing) {
				d->ready_at_us = d->busy_until_us;
				d->retry = true;
				d->log_note = "early-poll held";
				return SIM_LATER;
			}
			poll = (uint32_t)((left + 999u) / 1000u);
			d->log_note = "early-poll";
			break;
		}
		if (d->stuck) {
			/* H7: the erase is done, the ROM never says so */
			poll = d->busy_poll;
			d->log_note = "stuck-busy";
			break;
		}
		if (d->repeat_left > 0) {
			d->repeat_left--;
			poll = 1;
			d->log_note = "busy-repeat";
			break;
		}
		if (d->now_us < d->busy_same_until_us) {
			poll = d->busy_poll;
			d->announced_until_us = d->now_us + (uint64_t)poll * 1000u;
			d->log_note = "busy-same";
			break;
		}
		complete_op(d);
		break;
	case ST_MANIFEST_SYNC:
		if (d->faults.leave_manifest_ms != 0) {
			/* the field ROM: the status of the leave is STALLed, it manifests */
			d->state = ST_MANIFEST;
			d->log_note = "leave-manifest-stall";
			return SIM_STALL;
		}
		if (d->faults.leave_status_stall) {
			d->log_note = "leave-status-stall";
			return SIM_STALL;
		}
		if (d->faults.vanish_on_leave_getstatus || d->mem_chip->leave_no_status) {
			d->gone = true;
			model_log_event(d, "gone");
			return SIM_NODEV;
		}
		d->state = ST_MANIFEST;
		poll = model_scaled_ms(d, d->mem_chip->timing.manifest_ms);
		d->stats.device_wait_us += (uint64_t)poll * 1000u;
		d->gone_after_reply = true;
		break;
	default:
		break;
	}
	return model_reply_status(d, poll, data, wLength, actual);
}

enum sim_result model_dfuse_dnload(struct sim_device *d, uint16_t wValue, const uint8_t *data,
				   uint16_t wLength)
{
	if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE)
		return model_forbidden(d, "DNLOAD not allowed in this state");
	if (wLength == 0) {
		d->state = ST_MANIFEST_SYNC;
		d->leave_requested = true;
		d->stats.leave++;
		model_log_event(d, "leave");
		if (d->faults.leave_manifest_ms != 0) {
			d->gone_at_us =
				d->now_us +
				(uint64_t)model_scaled_ms(d, d->faults.leave_manifest_ms) * 1000u;
			if (!d->faults.leave_manifest_status) {
				d->state = ST_MANIFEST;
				d->log_note = "leave-manifest-stall";
				return SIM_STALL;
			}
		}
		if (d->faults.leave_stall_reset) {
			/* the ROM STALLs the request, then jumps to the application */
			d->gone_after_reply = true;
			d->log_note = "leave-stall-reset";
			return SIM_STALL;
		}
		return SIM_OK;
	}
	if (wLength > d->xfer_cap || wLength > model_xfer_size(d->chip))
		return model_forbidden(d, "wLength > wTransferSize");
	if (wValue == 1)
		return model_forbidden(d, "wBlockNum 1 is reserved");
	memcpy(d->xfer, data, wLength);
	d->op_len = wLength;
	d->op_block = wValue;
	if (wValue >= 2 && d->faults.stall_data_block != 0 &&
	    (++d->data_dnloads == d->faults.stall_data_block ||
	     (d->faults.stall_data_repeat && d->data_dnloads > d->faults.stall_data_block))) {
		/* F411: the block STALLs; whether it reached the flash is the ROM's secret */
		if (d->faults.stall_data_written || d->faults.stall_data_partial)
			model_write_block(d,
					  (uint64_t)d->pointer +
						  (uint64_t)(wValue - 2u) *
							  model_xfer_size(d->mem_chip),
					  data,
					  d->faults.stall_data_written ? wLength : wLength / 2u);
		return model_fail_stall(d, S_STALLEDPKT, "data-stall");
	}
	if (wValue >= 2) {
		d->op = OP_WRITE;
	} else if (data[0] == 0x00 && wLength == 1) {
		d->op = OP_GET_COMMANDS;
	} else if (data[0] == 0x21 && wLength == 5) {
		d->op = OP_SET_ADDRESS;
		d->stats.set_address++;
	} else if (data[0] == 0x41 && wLength == 5) {
		d->op = OP_ERASE;
		d->stats.erase++;
	} else if (data[0] == 0x41 && wLength == 1) {
		d->op = OP_MASS_ERASE;
		d->stats.mass_erase++;
	} else if (data[0] == 0x92 && wLength == 1) {
		d->op = OP_UNPROTECT;
		d->stats.unprotect++;
	} else {
		d->op = OP_BAD_COMMAND;
		d->log_note = "unknown command";
	}
	d->state = ST_DNLOAD_SYNC;
	return SIM_OK;
}

enum sim_result model_dfuse_upload(struct sim_device *d, uint16_t wValue, uint8_t *data,
				   uint16_t wLength, size_t *actual)
{
	static const uint8_t commands[] = { 0x00, 0x21, 0x41, 0x92 };
	size_t n;

	if (d->state != ST_DFU_IDLE && d->state != ST_UPLOAD_IDLE)
		return model_forbidden(d, "UPLOAD not allowed in this state");
	if (wValue == 0) {
		n = wLength < sizeof(commands) ? wLength : sizeof(commands);
		memcpy(data, commands, n);
	} else if (wValue == 1) {
		return model_forbidden(d, "wBlockNum 1 is reserved");
	} else {
		uint64_t base = (uint64_t)d->pointer +
				(uint64_t)(wValue - 2u) * model_xfer_size(d->mem_chip);
		const struct sim_sector *s =
			base <= UINT32_MAX ? model_alt_sector(&d->alts[d->alt], (uint32_t)base)
					   : NULL;

		if (wLength > model_xfer_size(d->chip))
			return model_forbidden(d, "wLength > wTransferSize");
		if (s && (s->flags & SEC_ERASE) && d->faults.read_protected)
			return model_fail_stall(d, S_VENDOR, "read protected");
		n = model_readable(d, base, wLength);
		if (n == 0 && wLength > 0)
			return model_fail_stall(d, S_ADDRESS, "not readable");
		model_alt_copy_out(&d->alts[d->alt], (uint32_t)base, data, n);
		d->stats.bytes_read += n;
	}
	*actual = n;
	/* a short packet ends the upload */
	d->state = n < wLength ? ST_DFU_IDLE : ST_UPLOAD_IDLE;
	return SIM_OK;
}
