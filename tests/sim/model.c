/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated STM32 bootloader, one device: its lifetime, the control
 * request entry point (counting, fault injection, the log line), the DFU 1.1
 * class request dispatch to the DfuSe ROM (model_dfuse.c) or a plain DFU
 * device (model_plain.c), run-time mode and bus reset. Descriptors are in
 * model_usb.c, memory in model_flash.c, the log format in model_log.c.
 *
 * Choices where AN3156 and DFU 1.1 leave room (documented once, here):
 * - Status codes: Set Address Pointer or Erase outside the selected alt's
 *   layout, an erase of a sector that is not erasable and an unknown command
 *   byte give errTARGET (AN3156: "wrong address"); a data block that reaches
 *   outside every segment gives errADDRESS, one that touches a sector that is
 *   not writeable gives errWRITE, one onto flash that is not blank errPROG,
 *   and anything touching flash under read protection errVENDOR (an UPLOAD
 *   there STALLs with errVENDOR). Errors are reported by the GETSTATUS that
 *   completes the command, as on the real ROM.
 * - DETACH in DFU mode is accepted in dfuIDLE, dfuDNLOAD-IDLE and
 *   dfuUPLOAD-IDLE and only returns to dfuIDLE: ST's ROM accepts it, and a
 *   ROM has nowhere to detach to (a reset brings the bootloader back while
 *   BOOT0 is held).
 * - A zero-length DNLOAD ("leave") is accepted in dfuIDLE as well as in
 *   dfuDNLOAD-IDLE, as ST ROMs do.
 * - Read Unprotect and option byte writes reset the device: the GETSTATUS
 *   that reports the command complete is answered, then the device is gone.
 * - device_wait_us sums the bwPollTimeout that starts each busy period (the
 *   least the host must wait); the remaining time re-announced to an early
 *   poll is not added again.
 * - The address pointer starts (and is set again by a bus reset) at the start
 *   of alt 0's first segment.
 * - sim_device_set_alt() is a SET_INTERFACE on the wire: it counts in
 *   stats.requests and towards faults.disconnect_after. A GETSTATUS asked
 *   again after SIM_LATER is the same request and is counted once.
 * - sim_device_chip() returns the chip the device currently is (after a
 *   run-time device re-enumerated: its DFU-mode chip), never NULL.
 * - Plain DFU 1.1 chips (chip->plain) know no DfuSe command: DNLOAD blocks
 *   are data written one after the other from the alt's first address and
 *   must carry wBlockNum 0, 1, 2... (wrapping at 0xFFFF; the model checks
 *   the host); a zero-length DNLOAD in dfuIDLE is errNOTDONE. UPLOAD block
 *   N is read N first-block lengths into the alt, a short block at its end.
 *   The GETSTATUS after the zero-length DNLOAD starts manifestation
 *   (dfuMANIFEST for timing.manifest_ms, or done at once when it is 0),
 *   which ends in dfuIDLE when bitManifestationTolerant is set and in
 *   dfuMANIFEST-WAIT-RESET otherwise; there only GETSTATUS and GETSTATE are
 *   answered, and a reset runs the application: the device is gone.
 */
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

/* ---- lifetime ---- */

static void device_reset_state(struct sim_device *d)
{
	d->state = d->chip->runtime ? ST_APP_IDLE : ST_DFU_IDLE;
	d->status = S_OK;
	d->alt = 0;
	d->op = OP_NONE;
	d->retry = false;
	d->gone_after_reply = false;
	d->stuck = d->stuck_pending = d->hang = false;
	d->pointer = d->nalts && d->alts[0].nsect ? d->alts[0].sect[0].addr : 0;
}

/*
 * The layout alt @i really has: its string, or the chip's real layout (with
 * the page count a GD32VF103 takes from its serial) in @buf.
 */
static const char *real_layout(const struct sim_chip *c, const char *serial, size_t i, char *buf,
			       size_t cap)
{
	const char *fmt = c->real_layouts[i];
	const char *map = c->flash_kib_by_serial;

	if (fmt == NULL)
		return c->alt_names[i];
	if (map == NULL || i != 0)
		return fmt;
	/* "4:16,6:32,...": the entry for the serial's third character */
	for (const char *m = map; strlen(serial) >= 3 && *m != '\0';) {
		if (m[0] == serial[2] && m[1] == ':') {
			snprintf(buf, cap, "%s%u*001Kg", fmt, (unsigned)strtoul(m + 2, NULL, 10));
			return buf;
		}
		m = strchr(m, ',');
		if (m == NULL)
			break;
		m++;
	}
	return c->alt_names[i];
}

struct sim_device *sim_device_new(const struct sim_chip *chip, const char *serial)
{
	char buf[128];
	struct sim_device *d;
	const struct sim_chip *mem_chip = chip;

	if (!chip || chip->nalts == 0 || chip->nalts > SIM_MAX_ALTS)
		return NULL;
	if (chip->runtime) {
		mem_chip = sim_chip_find(chip->dfu_chip);
		if (!mem_chip || mem_chip->runtime || mem_chip->nalts > SIM_MAX_ALTS)
			return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->chip = chip;
	d->mem_chip = mem_chip;
	d->idProduct = chip->idProduct;
	/* "" (no serial string, iSerialNumber 0) when neither gives one */
	snprintf(d->serial, sizeof(d->serial), "%s",
		 serial		? serial
		 : chip->serial ? chip->serial
				: "");
	d->scale = 1.0;
	d->xfer_cap = model_xfer_size(chip) > model_xfer_size(mem_chip) ? model_xfer_size(chip)
									: model_xfer_size(mem_chip);
	d->xfer = malloc(d->xfer_cap);
	if (!d->xfer)
		goto fail;
	d->nalts = mem_chip->nalts;
	for (size_t i = 0; i < d->nalts; i++) {
		const char *mem = real_layout(mem_chip, d->serial, i, buf, sizeof(buf));

		/* plain DFU alt names are not layouts: the chip row gives the memory */
		if (mem_chip->plain)
			mem = mem_chip->plain_mem[i] ? mem_chip->plain_mem[i] : "";
		if (mem == NULL)
			mem = ""; /* an alt without a name string has no layout */
		if (!model_alt_build(&d->alts[i], mem))
			goto fail;
	}
	device_reset_state(d);
	return d;
fail:
	sim_device_free(d);
	return NULL;
}

void sim_device_free(struct sim_device *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < SIM_MAX_ALTS; i++)
		model_alt_free(&d->alts[i]);
	free(d->xfer);
	free(d);
}

void sim_device_set_faults(struct sim_device *d, const struct sim_faults *f)
{
	if (f)
		d->faults = *f;
	else
		memset(&d->faults, 0, sizeof(d->faults));
}

void sim_device_set_time_scale(struct sim_device *d, double scale)
{
	d->scale = scale >= 0 ? scale : 1.0;
}

void sim_device_set_log(struct sim_device *d, FILE *log)
{
	d->log = log;
}

bool sim_device_gone(const struct sim_device *d)
{
	return d->gone;
}

const struct sim_chip *sim_device_chip(const struct sim_device *d)
{
	return d->chip;
}

uint16_t sim_device_idProduct(const struct sim_device *d)
{
	return d->idProduct;
}

const char *sim_device_serial(const struct sim_device *d)
{
	return d->serial;
}

uint8_t sim_device_state(const struct sim_device *d)
{
	return (uint8_t)d->state;
}

uint64_t sim_device_ready_at(const struct sim_device *d)
{
	return d->ready_at_us;
}

/* ---- DFU class requests ---- */

enum sim_result model_forbidden(struct sim_device *d, const char *why)
{
	d->stats.forbidden++;
	d->log_note = why;
	if (!d->chip->runtime) {
		d->state = ST_DFU_ERROR;
		d->status = S_STALLEDPKT;
	}
	return SIM_STALL;
}

/* STALL with a status (an UPLOAD the device cannot serve). */
enum sim_result model_fail_stall(struct sim_device *d, enum sim_dfu_status st, const char *why)
{
	d->log_note = why;
	d->state = ST_DFU_ERROR;
	d->status = st;
	return SIM_STALL;
}

enum sim_result model_reply_status(struct sim_device *d, uint32_t poll, uint8_t *data,
				   uint16_t wLength, size_t *actual)
{
	uint8_t buf[6];

	buf[0] = (uint8_t)d->status;
	buf[1] = (uint8_t)poll;
	buf[2] = (uint8_t)(poll >> 8);
	buf[3] = (uint8_t)(poll >> 16);
	buf[4] = (uint8_t)d->state;
	buf[5] = 0;
	*actual = wLength < 6 ? wLength : 6;
	memcpy(data, buf, *actual);
	d->log_poll = (long)poll;
	return SIM_OK;
}

static enum sim_result runtime_request(struct sim_device *d, uint8_t bRequest, uint8_t *data,
				       uint16_t wLength, size_t *actual)
{
	switch (bRequest) {
	case REQ_DETACH:
		d->state = ST_APP_DETACH;
		d->detach_at_us = d->now_us;
		return SIM_OK;
	case REQ_GETSTATUS:
		return model_reply_status(d, 0, data, wLength, actual);
	case REQ_GETSTATE:
		if (wLength < 1)
			return SIM_STALL;
		data[0] = (uint8_t)d->state;
		*actual = 1;
		return SIM_OK;
	default:
		return model_forbidden(d, "not a run-time request");
	}
}

static void count_dfu_request(struct sim_device *d, uint8_t bRequest)
{
	struct sim_stats *st = &d->stats;

	st->dfu_requests++;
	switch (bRequest) {
	case REQ_DETACH:
		st->detach++;
		break;
	case REQ_DNLOAD:
		st->dnload++;
		break;
	case REQ_UPLOAD:
		st->upload++;
		break;
	case REQ_GETSTATUS:
		st->getstatus++;
		break;
	case REQ_CLRSTATUS:
		st->clrstatus++;
		break;
	case REQ_GETSTATE:
		st->getstate++;
		break;
	case REQ_ABORT:
		st->abort++;
		break;
	default:
		break;
	}
}

static enum sim_result dfu_request(struct sim_device *d, uint8_t bmRequestType, uint8_t bRequest,
				   uint16_t wValue, uint16_t wIndex, uint8_t *data,
				   uint16_t wLength, size_t *actual)
{
	bool in = bmRequestType & 0x80u;
	bool want_in =
		bRequest == REQ_UPLOAD || bRequest == REQ_GETSTATUS || bRequest == REQ_GETSTATE;

	if ((bmRequestType & 0x1Fu) != 1 || (wIndex & 0xFFu) != 0) {
		d->log_note = "not the DFU interface";
		return SIM_STALL;
	}
	if (bRequest > REQ_ABORT || in != want_in)
		return model_forbidden(d, "bad request");
	if (d->chip->runtime)
		return runtime_request(d, bRequest, data, wLength, actual);
	/* DFU 1.1 4.1.3: without bitCanUpload the device takes no UPLOAD (LPC-Link). */
	if (bRequest == REQ_UPLOAD && !(d->chip->bmAttributes & 0x02u))
		return model_forbidden(d, "UPLOAD without bitCanUpload");
	if (d->chip->plain) {
		enum sim_result r;

		if (model_plain_request(d, bRequest, wValue, data, wLength, actual, &r))
			return r;
	}

	switch ((enum sim_dfu_request)bRequest) {
	case REQ_DETACH:
		if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE &&
		    d->state != ST_UPLOAD_IDLE)
			return model_forbidden(d, "DETACH not allowed in this state");
		d->state = ST_DFU_IDLE;
		d->log_note = "ROM stays in DFU mode";
		return SIM_OK;
	case REQ_DNLOAD:
		return model_dfuse_dnload(d, wValue, data, wLength);
	case REQ_UPLOAD:
		return model_dfuse_upload(d, wValue, data, wLength, actual);
	case REQ_GETSTATUS:
		return model_dfuse_getstatus(d, data, wLength, actual);
	case REQ_CLRSTATUS:
		if (d->state == ST_DNBUSY && d->stuck) {
			/* H7: the first CLRSTATUS ends the stuck busy period in an error */
			d->stuck = false;
			d->op = OP_NONE;
			d->state = ST_DFU_ERROR;
			d->status = S_UNKNOWN;
			d->log_note = "stuck-busy cleared";
			return SIM_OK;
		}
		if (d->state != ST_DFU_ERROR)
			return model_forbidden(d, "CLRSTATUS outside dfuERROR");
		d->state = ST_DFU_IDLE;
		d->status = S_OK;
		return SIM_OK;
	case REQ_GETSTATE:
		if (d->state == ST_DNBUSY)
			return model_forbidden(d, "GETSTATE while busy");
		if (wLength < 1)
			return SIM_STALL;
		data[0] = (uint8_t)d->state;
		*actual = 1;
		return SIM_OK;
	case REQ_ABORT:
		if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE &&
		    d->state != ST_UPLOAD_IDLE)
			return model_forbidden(d, "ABORT not allowed in this state");
		d->state = ST_DFU_IDLE;
		d->op = OP_NONE;
		return SIM_OK;
	}
	return SIM_STALL;
}

static bool is_getstatus(uint8_t bmRequestType, uint8_t bRequest)
{
	return (bmRequestType & 0x60u) == 0x20 && bRequest == REQ_GETSTATUS;
}

/* Counts one request on the wire; false when the device vanishes at it (disconnect_after). */
static bool count_request(struct sim_device *d)
{
	d->stats.requests++;
	d->nrequests++;
	if (d->faults.disconnect_after && d->nrequests >= d->faults.disconnect_after) {
		d->gone = true;
		model_log_event(d, "gone");
		return false;
	}
	return true;
}

/* The failure faults.fail_kind asks for, at this request. */
static enum sim_result inject(struct sim_device *d)
{
	d->log_note = "injected";
	switch (d->faults.fail_kind) {
	case SIM_FAIL_NODEV:
		d->gone = true;
		model_log_event(d, "gone");
		return SIM_NODEV;
	case SIM_FAIL_STALL:
		if (!d->faults.fail_acted)
			return model_forbidden(d, "injected stall");
		return SIM_STALL;
	case SIM_FAIL_TIMEOUT:
		d->ready_at_us = UINT64_MAX;
		return SIM_LATER;
	case SIM_FAIL_IO:
		return SIM_IO;
	}
	return SIM_IO;
}

enum sim_result sim_device_control(struct sim_device *d, uint64_t now_us, uint8_t bmRequestType,
				   uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
				   uint8_t *data, uint16_t wLength, size_t *actual)
{
	size_t dummy;
	enum sim_result r;
	bool again = d->retry && is_getstatus(bmRequestType, bRequest);
	bool injected;

	if (!actual)
		actual = &dummy;
	*actual = 0;
	if (now_us > d->now_us)
		d->now_us = now_us;
	d->retry = false;
	d->log_poll = -1;
	d->log_note = NULL;
	if (!d->gone && d->gone_at_us != 0 && d->now_us >= d->gone_at_us) {
		/* faults.leave_manifest_ms: manifestation is over, the ROM has reset */
		d->gone = true;
		model_log_event(d, "gone");
	}
	if (d->gone) {
		r = SIM_NODEV;
		goto out;
	}
	/* a GETSTATUS asked again after SIM_LATER is the same request, not a new one */
	if (!again && !count_request(d)) {
		r = SIM_NODEV;
		goto out;
	}
	injected = !again && d->faults.fail_at != 0 && d->nrequests == d->faults.fail_at;
	if (injected && !d->faults.fail_acted) {
		r = inject(d);
		goto out;
	}
	if ((bmRequestType & 0x60u) == 0) {
		r = model_standard_request(d, bmRequestType, bRequest, wValue, wIndex, data,
					   wLength, actual);
	} else if ((bmRequestType & 0x60u) == 0x20) {
		if (!again)
			count_dfu_request(d, bRequest);
		r = dfu_request(d, bmRequestType, bRequest, wValue, wIndex, data, wLength, actual);
	} else {
		r = SIM_STALL;
	}
	if (injected && r != SIM_NODEV) {
		/* the device did the work; the answer is lost on the way */
		*actual = 0;
		r = inject(d);
	}
out:
	model_log_request(d, bmRequestType, bRequest, wValue, wLength, r);
	if (d->gone_after_reply) {
		d->gone_after_reply = false;
		d->gone = true;
		model_log_event(d, "gone");
	}
	return r;
}

enum sim_result sim_device_set_alt(struct sim_device *d, uint8_t intf, uint8_t alt)
{
	enum sim_result r;

	d->log_poll = -1;
	d->log_note = NULL;
	if (d->gone)
		r = SIM_NODEV;
	else if (!count_request(d))
		r = SIM_NODEV;
	else
		r = model_set_alt(d, intf, alt);
	model_log_request(d, 0x01, 11, alt, 0, r);
	return r;
}

enum sim_reset_result sim_device_reset(struct sim_device *d, uint64_t now_us)
{
	const struct sim_chip *rt = d->chip;

	if (now_us > d->now_us)
		d->now_us = now_us;
	if (d->gone) {
		model_log_event(d, "reset gone");
		return SIM_RESET_GONE;
	}
	if (d->faults.reset_fails) {
		d->gone = d->faults.reset_fails_gone;
		model_log_event(d, "reset failed%s", d->gone ? ", gone" : "");
		return SIM_RESET_FAILED;
	}
	if (rt->runtime) {
		if (d->state == ST_APP_DETACH &&
		    d->now_us - d->detach_at_us <= (uint64_t)rt->wDetachTimeOut * 1000u) {
			d->chip = d->mem_chip;
			d->idProduct = rt->dfu_idProduct;
			d->config = 0;
			device_reset_state(d);
			model_log_event(d, "reset reenumerate");
			return SIM_RESET_REENUMERATE;
		}
		device_reset_state(d);
		model_log_event(d, "reset same");
		return SIM_RESET_SAME;
	}
	if (d->leave_requested) {
		d->gone = true;
		model_log_event(d, "reset gone");
		return SIM_RESET_GONE;
	}
	device_reset_state(d);
	model_log_event(d, "reset same");
	return SIM_RESET_SAME;
}

void sim_device_stats(const struct sim_device *d, struct sim_stats *out)
{
	*out = d->stats;
	out->erases_per_sector_max = 0;
	for (size_t a = 0; a < d->nalts; a++)
		for (size_t i = 0; i < d->alts[a].nsect; i++)
			if (d->alts[a].sect[i].erases > out->erases_per_sector_max)
				out->erases_per_sector_max = d->alts[a].sect[i].erases;
}
