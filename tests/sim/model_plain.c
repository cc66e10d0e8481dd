/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain DFU 1.1 devices of the device model (chip->plain: Maple, TinyUSB):
 * sequential blocks from the alt's first address, wBlockNum checked, pages
 * erased as the write reaches them, manifestation, dfuMANIFEST-WAIT-RESET.
 */
#include <string.h>

#include "model_priv.h"

static uint64_t alt_size(const struct sim_alt *alt)
{
	uint64_t n = 0;

	for (size_t i = 0; i < alt->nsect; i++)
		n += alt->sect[i].size;
	return n;
}

/*
 * The pending block goes to the alt's base plus what the download wrote so
 * far. The device erases each flash page as the write reaches its first
 * byte, as the Maple bootloader and TinyUSB's examples do.
 */
enum sim_dfu_status model_plain_write(struct sim_device *d)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	uint64_t base = (uint64_t)alt->sect[0].addr + d->plain_off;
	enum sim_dfu_status st;

	d->plain_erased = 0;
	for (size_t i = 0; i < alt->nsect; i++) {
		struct sim_sector *s = &alt->sect[i];

		if (s->addr >= base && s->addr - base < d->op_len && (s->flags & SEC_ERASE)) {
			model_erase_sector(d, s);
			d->plain_erased += s->size;
			model_log_event(d, "erase addr=0x%08x size=%u", (unsigned)s->addr,
					(unsigned)s->size);
		}
	}
	st = model_write_block(d, base, d->xfer, d->op_len);
	if (st == S_OK)
		d->plain_off += (uint32_t)d->op_len;
	return st;
}

/* Manifestation is over: dfuIDLE when tolerant (DFU 1.1 bitManifestationTolerant), else wait. */
static void plain_manifest_done(struct sim_device *d)
{
	d->leave_requested = true; /* a reset from now on runs the new firmware */
	d->state = (d->chip->bmAttributes & 0x04u) ? ST_DFU_IDLE : ST_MANIFEST_WAIT_RESET;
	d->status = S_OK;
}

static enum sim_result plain_dnload(struct sim_device *d, uint16_t wValue, const uint8_t *data,
				    uint16_t wLength)
{
	if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE)
		return model_forbidden(d, "DNLOAD not allowed in this state");
	if (wLength == 0) {
		if (d->state == ST_DFU_IDLE)
			return model_fail_stall(d, S_NOTDONE, "zero-length DNLOAD before any data");
		d->state = ST_MANIFEST_SYNC;
		d->stats.leave++;
		model_log_event(d, "leave");
		return SIM_OK;
	}
	if (wLength > model_xfer_size(d->chip))
		return model_forbidden(d, "wLength > wTransferSize");
	if (d->alts[d->alt].nsect == 0)
		return model_fail_stall(d, S_WRITE, "alt has no memory");
	if (d->state == ST_DFU_IDLE) {
		d->plain_off = 0;
		d->plain_block = 0;
	}
	/* DFU 1.1 section 6.1.1: wBlockNum counts up from 0 and wraps at 0xFFFF */
	if (wValue != d->plain_block)
		return model_forbidden(d, "wBlockNum out of sequence");
	d->plain_block = (uint16_t)(wValue + 1u);
	memcpy(d->xfer, data, wLength);
	d->op_len = wLength;
	d->op_block = wValue;
	d->op = OP_PLAIN_WRITE;
	d->state = ST_DNLOAD_SYNC;
	return SIM_OK;
}

static enum sim_result plain_upload(struct sim_device *d, uint16_t wValue, uint8_t *data,
				    uint16_t wLength, size_t *actual)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	uint64_t off, size = alt_size(alt);
	size_t n = 0;

	if (d->state != ST_DFU_IDLE && d->state != ST_UPLOAD_IDLE)
		return model_forbidden(d, "UPLOAD not allowed in this state");
	if (alt->nsect == 0)
		return model_fail_stall(d, S_WRITE, "alt has no memory");
	if (wLength > model_xfer_size(d->chip))
		return model_forbidden(d, "wLength > wTransferSize");
	if (d->state == ST_DFU_IDLE)
		d->plain_upload_len = wLength;
	/* block N starts N first-block lengths into the alt (Maple's dfu.c does the same) */
	off = (uint64_t)wValue * d->plain_upload_len;
	if (off < size)
		n = size - off < wLength ? (size_t)(size - off) : wLength;
	model_alt_copy_out(alt, (uint32_t)(alt->sect[0].addr + off), data, n);
	d->stats.bytes_read += n;
	*actual = n;
	/* a short block ends the upload (DFU 1.1 section 6.2) */
	d->state = n < wLength ? ST_DFU_IDLE : ST_UPLOAD_IDLE;
	return SIM_OK;
}

static enum sim_result plain_getstatus(struct sim_device *d, uint8_t *data, uint16_t wLength,
				       size_t *actual)
{
	const struct sim_timing *t = &d->mem_chip->timing;
	uint32_t poll = 0;

	switch (d->state) {
	case ST_DNLOAD_IDLE:
		if (d->chip->plain_quirks & SIM_PLAIN_STATUS_IDLES)
			d->state = ST_DFU_IDLE;
		break;
	case ST_MANIFEST_SYNC:
		if (d->faults.vanish_on_leave_getstatus) {
			d->gone = true;
			model_log_event(d, "gone");
			return SIM_NODEV;
		}
		if (t->manifest_ms == 0) {
			plain_manifest_done(d);
			break;
		}
		poll = model_scaled_ms(d, t->manifest_ms);
		d->busy_until_us = d->now_us + (uint64_t)poll * 1000u;
		d->stats.device_wait_us += (uint64_t)poll * 1000u;
		d->state = ST_MANIFEST;
		break;
	case ST_MANIFEST:
		if (d->now_us < d->busy_until_us) {
			uint64_t left = d->busy_until_us - d->now_us;

			d->stats.early_polls++;
			model_log_event(d, "early-poll remaining_us=%llu",
					(unsigned long long)left);
			poll = (uint32_t)((left + 999u) / 1000u);
			d->log_note = "early-poll";
			break;
		}
		plain_manifest_done(d);
		break;
	case ST_DNLOAD_SYNC:
	case ST_DNBUSY:
		return model_dfuse_getstatus(d, data, wLength, actual);
	default:
		break;
	}
	return model_reply_status(d, poll, data, wLength, actual);
}

/*
 * The class requests where a plain DFU device differs from the DfuSe ROM.
 * Returns false for those it handles the same way (CLRSTATUS, ABORT,
 * GETSTATE outside the quirks); *@r is the answer otherwise.
 */
bool model_plain_request(struct sim_device *d, uint8_t bRequest, uint16_t wValue, uint8_t *data,
			 uint16_t wLength, size_t *actual, enum sim_result *r)
{
	/* DFU 1.1 section 7: in dfuMANIFEST-WAIT-RESET only a reset gets through */
	if (d->state == ST_MANIFEST_WAIT_RESET && bRequest != REQ_GETSTATUS &&
	    bRequest != REQ_GETSTATE) {
		d->stats.forbidden++;
		d->log_note = "waiting for a reset";
		*r = SIM_STALL;
		return true;
	}
	switch ((enum sim_dfu_request)bRequest) {
	case REQ_DETACH:
		if (!(d->chip->plain_quirks & SIM_PLAIN_DETACH_REFUSED))
			return false;
		*r = model_forbidden(d, "DETACH refused in DFU mode");
		return true;
	case REQ_DNLOAD:
		*r = plain_dnload(d, wValue, data, wLength);
		return true;
	case REQ_UPLOAD:
		*r = plain_upload(d, wValue, data, wLength, actual);
		return true;
	case REQ_GETSTATUS:
		*r = plain_getstatus(d, data, wLength, actual);
		return true;
	case REQ_GETSTATE:
		if (d->state == ST_DNLOAD_IDLE && (d->chip->plain_quirks & SIM_PLAIN_STATUS_IDLES))
			d->state = ST_DFU_IDLE;
		return false;
	case REQ_CLRSTATUS:
	case REQ_ABORT:
		return false;
	}
	return false;
}
