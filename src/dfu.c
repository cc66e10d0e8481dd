/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DFU 1.1 class requests and status polling. Every wait follows the device's
 * bwPollTimeout measured from the moment its answer arrived (so the host is
 * never early), clamped by struct dfu_limits so a broken device cannot hang us.
 */
#include "dfu.h"

#include <stdio.h>
#include <string.h>

const struct dfu_limits dfu_default_limits = {
	.max_poll_ms = 60000,
	.max_busy_ms = 120000,
	.max_polls = 100000,
	.busy_stall_retries = 8,
	.request_timeout_ms = 5000,
};

/* bmRequestType of class requests to the interface (DFU 1.1 section 3). */
#define DFU_OUT 0x21
#define DFU_IN	0xA1

/* Wait between retries of a GETSTATUS that the device STALLed while busy. */
#define DFU_STALL_RETRY_MS 10

static const char *request_name(uint8_t req)
{
	switch ((enum dfu_request)req) {
	case DFU_DETACH:
		return "DETACH";
	case DFU_DNLOAD:
		return "DNLOAD";
	case DFU_UPLOAD:
		return "UPLOAD";
	case DFU_GETSTATUS:
		return "GETSTATUS";
	case DFU_CLRSTATUS:
		return "CLRSTATUS";
	case DFU_GETSTATE:
		return "GETSTATE";
	case DFU_ABORT:
		return "ABORT";
	}
	return "request";
}

void dfu_if_init(struct dfu_if *d, struct transport tr, uint8_t intf, uint16_t transfer_size,
		 const struct ui *ui)
{
	memset(d, 0, sizeof(*d));
	d->tr = tr;
	d->intf = intf;
	d->transfer_size = transfer_size;
	d->limits = dfu_default_limits;
	d->ui = ui;
}

int dfu_last_transport(const struct dfu_if *d)
{
	return d->last_tr;
}

bool dfu_has_quirk(const struct dfu_if *d, unsigned flags)
{
	return d->quirks != NULL && (d->quirks->flags & flags) == flags;
}

/* One class request; maps transport failures to an error naming the request. */
static int request(struct dfu_if *d, uint8_t type, uint8_t req, uint16_t value, uint8_t *data,
		   uint16_t len, unsigned timeout_ms, size_t *actual, struct error *err)
{
	size_t got = 0;
	int r;

	/*
	 * Ctrl-C: the request before this one completed; no new one starts.
	 * last_tr is cleared so no caller takes this for the device vanishing.
	 */
	if (ui_stopped(d->ui)) {
		d->last_tr = TR_OK;
		if (actual != NULL)
			*actual = 0;
		return error_set(err, ERR_INTERRUPTED, "%s not sent: interrupted",
				 request_name(req));
	}
	d->requests++;
	r = d->tr.ops->control(d->tr.ctx, type, req, value, d->intf, data, len, timeout_ms, &got);
	ui_debug(d->ui, 3, "%s wValue=%u wLength=%u -> %s (%zu bytes)", request_name(req), value,
		 len, transport_status_str(r), got);
	if (actual != NULL)
		*actual = got;
	if (r == TR_OK) {
		d->last_tr = TR_OK;
		return ERR_OK;
	}
	d->last_tr = r;
	if (r == TR_STALL)
		return error_set(err, ERR_PROTOCOL, "%s stalled by the device", request_name(req));
	if (r == TR_NODEV)
		return error_set(err, ERR_IO, "%s: device disconnected", request_name(req));
	return error_set(err, ERR_IO, "%s: %s", request_name(req), transport_status_str(r));
}

int dfu_detach(struct dfu_if *d, uint16_t timeout_ms, struct error *err)
{
	return request(d, DFU_OUT, DFU_DETACH, timeout_ms, NULL, 0, d->limits.request_timeout_ms,
		       NULL, err);
}

int dfu_dnload(struct dfu_if *d, uint16_t block, const uint8_t *data, uint16_t len,
	       struct error *err)
{
	/* The transport takes a non-const buffer for both directions; OUT data is only read. */
	return request(d, DFU_OUT, DFU_DNLOAD, block, (uint8_t *)(uintptr_t)data, len,
		       d->limits.request_timeout_ms, NULL, err);
}

int dfu_upload(struct dfu_if *d, uint16_t block, uint8_t *data, uint16_t len, size_t *got,
	       struct error *err)
{
	return request(d, DFU_IN, DFU_UPLOAD, block, data, len, d->limits.request_timeout_ms, got,
		       err);
}

int dfu_get_status(struct dfu_if *d, struct dfu_status *st, struct error *err)
{
	uint8_t buf[6];
	size_t got = 0;
	unsigned timeout = d->limits.request_timeout_ms;
	int r;

	/*
	 * Some devices answer GETSTATUS only when the work is done: allow for
	 * the wait the caller expects on top of the normal timeout.
	 */
	if (d->expect_busy_ms > 0)
		timeout += d->expect_busy_ms < d->limits.max_busy_ms ? d->expect_busy_ms
								     : d->limits.max_busy_ms;
	r = request(d, DFU_IN, DFU_GETSTATUS, 0, buf, sizeof(buf), timeout, &got, err);
	if (r != ERR_OK)
		return r;
	if (got < sizeof(buf))
		return error_set(err, ERR_PROTOCOL, "GETSTATUS: short reply (%zu of 6 bytes)", got);
	st->bStatus = buf[0];
	st->bwPollTimeout = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16;
	st->bState = buf[4];
	st->iString = buf[5];
	ui_debug(d->ui, 2, "status %s, state %s, poll %u ms", dfu_status_str(st->bStatus),
		 dfu_state_str(st->bState), st->bwPollTimeout);
	return ERR_OK;
}

int dfu_clear_status(struct dfu_if *d, struct error *err)
{
	return request(d, DFU_OUT, DFU_CLRSTATUS, 0, NULL, 0, d->limits.request_timeout_ms, NULL,
		       err);
}

int dfu_get_state(struct dfu_if *d, uint8_t *state, struct error *err)
{
	size_t got = 0;
	int r = request(d, DFU_IN, DFU_GETSTATE, 0, state, 1, d->limits.request_timeout_ms, &got,
			err);

	if (r == ERR_OK && got != 1)
		return error_set(err, ERR_PROTOCOL, "GETSTATE: empty reply");
	return r;
}

int dfu_abort(struct dfu_if *d, struct error *err)
{
	return request(d, DFU_OUT, DFU_ABORT, 0, NULL, 0, d->limits.request_timeout_ms, NULL, err);
}

static void sleep_until(struct dfu_if *d, uint64_t deadline_us)
{
	uint64_t now = d->tr.ops->now_us(d->tr.ctx);

	if (deadline_us > now) {
		d->tr.ops->sleep_us(d->tr.ctx, deadline_us - now);
		d->waited_us += deadline_us - now;
	}
}

/*
 * How long to wait after a status: bwPollTimeout, or the quirk's fixed value
 * for devices whose bwPollTimeout is bogus, clamped by the limits.
 */
static uint64_t poll_wait_us(const struct dfu_if *d, const struct dfu_status *st)
{
	uint32_t ms = st->bwPollTimeout;

	if (dfu_has_quirk(d, QUIRK_POLL_TIMEOUT))
		ms = d->quirks->poll_timeout_ms;
	if (ms > d->limits.max_poll_ms)
		ms = d->limits.max_poll_ms;
	return (uint64_t)ms * 1000;
}

static bool state_is_busy(uint8_t state)
{
	return state == DFU_STATE_DNLOAD_SYNC || state == DFU_STATE_DNBUSY ||
	       state == DFU_STATE_MANIFEST_SYNC || state == DFU_STATE_MANIFEST;
}

static bool state_is_done(uint8_t state)
{
	return state == DFU_STATE_DNLOAD_IDLE || state == DFU_STATE_IDLE ||
	       state == DFU_STATE_MANIFEST_WAIT_RESET || state == DFU_STATE_UPLOAD_IDLE;
}

/*
 * Say once when a request kept the device busy far longer than it announced
 * (issue 11: an F072 behind some host controllers answers dfuDNBUSY for
 * hundreds of polls): a line naming the time, the polls and the address.
 */
static void warn_if_slow(struct dfu_if *d, uint64_t start, unsigned polls, uint32_t announced_ms)
{
	uint64_t took_us = d->tr.ops->now_us(d->tr.ctx) - start;
	uint64_t factor_us = (uint64_t)announced_ms * DFU_SLOW_FACTOR * 1000u;
	uint64_t slow_us = factor_us > DFU_SLOW_MS * 1000u ? factor_us : DFU_SLOW_MS * 1000u;
	bool repeated = polls >= DFU_SLOW_REPEAT_POLLS && took_us > factor_us &&
			took_us > DFU_SLOW_REPEAT_MS * 1000u;
	char at[24] = "";

	if (d->busy_warned || (polls < DFU_SLOW_POLLS && took_us <= slow_us && !repeated))
		return;
	d->busy_warned = true;
	if (d->op_has_addr)
		snprintf(at, sizeof(at), " at 0x%08x", d->op_addr);
	ui_warn(d->ui,
		"device busy for %.1f s (%u polls)%s, %u ms announced; a USB hub or another "
		"port may help",
		(double)took_us / 1e6, polls, at, announced_ms);
}

static bool fast_active(const struct dfu_if *d)
{
	return d->fast.on && !d->fast.off;
}

/*
 * A STALLed GETSTATUS while waiting: STM32L4 ROMs STALL it while an erase
 * runs, so it counts as "still busy" a few times. Under :fast it also ends
 * fast polling for the session (the device may punish early polls) and the
 * next poll waits for the time the device announced. Returns the time to
 * poll again, or 0 when the stall is the end of the wait.
 */
static uint64_t stalled_poll(struct dfu_if *d, unsigned *stalls, uint64_t answered,
			     uint64_t announced_end)
{
	unsigned limit = d->fast.on && d->limits.busy_stall_retries > DFU_FAST_STALLS
				 ? DFU_FAST_STALLS
				 : d->limits.busy_stall_retries;

	if (d->last_tr != TR_STALL || *stalls >= limit)
		return 0;
	(*stalls)++;
	if (fast_active(d))
		ui_debug(d->ui, 1,
			 "-s :fast: the device STALLed an early poll; waiting the "
			 "times it announces from now on");
	if (d->fast.on) {
		d->fast.off = d->fast.stalled = d->fast.request_stalled = true;
		if (announced_end > answered)
			return announced_end;
	}
	return answered + DFU_STALL_RETRY_MS * 1000;
}

/* The polling of dfu_wait_done(); *@first_ms: the first bwPollTimeout announced. */
static int wait_loop(struct dfu_if *d, struct dfu_status *st, uint64_t start, uint32_t *first_ms,
		     struct error *err)
{
	uint64_t budget_us = (uint64_t)d->limits.max_busy_ms * 1000;
	/* STM32H743 rev V: a device still dfuDNBUSY this long after its announced time is stuck. */
	uint32_t stuck_ms = dfu_has_quirk(d, QUIRK_STUCK_BUSY) ? d->quirks->stuck_after_ms : 0;
	uint64_t announced_end = 0, backoff = DFU_FAST_FLOOR_US;
	unsigned stalls = 0, busy = 0;

	for (unsigned polls = 0; polls < d->limits.max_polls; polls++) {
		uint64_t answered, wait_us, again;
		int r = dfu_get_status(d, st, err);

		d->polls++;
		answered = d->tr.ops->now_us(d->tr.ctx);
		if (r != ERR_OK) {
			again = stalled_poll(d, &stalls, answered, announced_end);
			if (again == 0)
				return r;
			sleep_until(d, again);
			continue;
		}
		d->last_answers++;
		if (st->bStatus != DFU_STATUS_OK || st->bState == DFU_STATE_ERROR)
			return error_set(err, ERR_PROTOCOL, "device reported %s (state %s)",
					 dfu_status_str(st->bStatus), dfu_state_str(st->bState));
		if (state_is_done(st->bState))
			return ERR_OK;
		if (!state_is_busy(st->bState))
			return error_set(err, ERR_PROTOCOL, "unexpected state %s while waiting",
					 dfu_state_str(st->bState));
		if (d->last_answers == 1)
			*first_ms = st->bwPollTimeout;
		if (++busy == 1) {
			announced_end = answered + poll_wait_us(d, st);
			d->announced_us += poll_wait_us(d, st);
		}
		/* A ROM known to stay busy after the work is done (quirk): stop early. */
		if (stuck_ms > 0 && st->bState == DFU_STATE_DNBUSY &&
		    answered - start > ((uint64_t)*first_ms + stuck_ms) * 1000u) {
			d->stuck = true;
			return error_set(err, ERR_IO,
					 "device still in dfuDNBUSY %u ms after the %u ms it announced",
					 stuck_ms, *first_ms);
		}
		wait_us = fast_active(d) ? dfu_fast_pause(busy, answered, announced_end,
							  poll_wait_us(d, st), &backoff)
					 : poll_wait_us(d, st);
		if (answered + wait_us - start > budget_us)
			return error_set(err, ERR_IO, "device still busy after %u s (state %s)",
					 d->limits.max_busy_ms / 1000, dfu_state_str(st->bState));
		sleep_until(d, answered + wait_us);
	}
	return error_set(err, ERR_IO, "device still busy after %u status polls",
			 d->limits.max_polls);
}

int dfu_wait_done(struct dfu_if *d, struct dfu_status *st, struct error *err)
{
	uint64_t start = d->tr.ops->now_us(d->tr.ctx);
	uint32_t first_ms = 0;
	int r;

	d->last_answers = 0;
	d->stuck = false;
	d->fast.request_stalled = false;
	r = wait_loop(d, st, start, &first_ms, err);
	d->busy_us += d->tr.ops->now_us(d->tr.ctx) - start;
	warn_if_slow(d, start, d->last_answers, first_ms);
	return r;
}

/* Pause between looks in dfu_confirm(). */
#define DFU_CONFIRM_PAUSE_MS 50

enum dfu_presence dfu_confirm(struct dfu_if *d, uint8_t *state)
{
	uint64_t deadline = d->tr.ops->now_us(d->tr.ctx) + DFU_CONFIRM_WINDOW_MS * 1000u;
	struct dfu_limits saved = d->limits;
	uint32_t saved_busy = d->expect_busy_ms;
	enum dfu_presence found = DFU_SILENT;

	/* A device that is resetting answers late or never: do not wait long for it. */
	if (d->limits.request_timeout_ms > DFU_CONFIRM_REQUEST_MS)
		d->limits.request_timeout_ms = DFU_CONFIRM_REQUEST_MS;
	d->expect_busy_ms = 0;
	for (;;) {
		struct dfu_status st;

		if (d->tr.ops->present != NULL && d->tr.ops->present(d->tr.ctx) == TR_NODEV) {
			found = DFU_GONE;
			break;
		}
		if (dfu_get_status(d, &st, NULL) == ERR_OK) {
			*state = st.bState;
			found = DFU_HERE;
			break;
		}
		if (d->last_tr == TR_NODEV) {
			found = DFU_GONE;
			break;
		}
		/* A STALLed GETSTATUS still came from the device: ask for its state alone. */
		if (d->last_tr == TR_STALL) {
			if (dfu_get_state(d, state, NULL) == ERR_OK) {
				found = DFU_HERE;
				break;
			}
			if (d->last_tr == TR_NODEV) {
				found = DFU_GONE;
				break;
			}
		}
		if (d->tr.ops->now_us(d->tr.ctx) >= deadline)
			break;
		sleep_until(d, d->tr.ops->now_us(d->tr.ctx) + DFU_CONFIRM_PAUSE_MS * 1000u);
	}
	ui_debug(d->ui, 1, "after the failed request the device is %s",
		 found == DFU_GONE   ? "gone"
		 : found == DFU_HERE ? "still here"
				     : "silent");
	d->limits = saved;
	d->expect_busy_ms = saved_busy;
	return found;
}

bool dfu_confirm_leaving(struct dfu_if *d, uint8_t *state)
{
	uint64_t deadline = d->tr.ops->now_us(d->tr.ctx) + DFU_LEAVING_MS * 1000u;
	bool reset_sent = false;

	while (*state == DFU_STATE_MANIFEST || *state == DFU_STATE_MANIFEST_WAIT_RESET) {
		enum dfu_reset_end end;
		enum dfu_presence p;

		if (*state == DFU_STATE_MANIFEST_WAIT_RESET && !reset_sent) {
			reset_sent = true;
			ui_debug(d->ui, 1, "the device waits for a reset to leave: resetting it");
			if (dfu_reset(d, &end, NULL) == ERR_OK && end == DFU_RESET_GONE)
				return true;
		}
		if (d->tr.ops->now_us(d->tr.ctx) >= deadline)
			return false;
		sleep_until(d, d->tr.ops->now_us(d->tr.ctx) + DFU_CONFIRM_PAUSE_MS * 1000u);
		p = dfu_confirm(d, state);
		if (p == DFU_GONE)
			return true;
		if (p == DFU_SILENT)
			return false;
	}
	return false;
}

int dfu_reset(struct dfu_if *d, enum dfu_reset_end *end, struct error *err)
{
	int t = d->tr.ops->reset(d->tr.ctx);
	uint8_t state = 0;

	*end = DFU_RESET_DONE;
	if (t == TR_OK)
		return ERR_OK;
	if (t == TR_PIPES_RESET) {
		*end = DFU_RESET_PIPES;
		return ERR_OK;
	}
	switch (dfu_confirm(d, &state)) {
	case DFU_GONE:
		*end = DFU_RESET_GONE;
		return ERR_OK;
	case DFU_HERE:
		if (t == TR_NODEV)
			return ERR_OK; /* re-enumerated, and answers again */
		return error_set(err, ERR_IO, "%s; the device is still on the bus (state %s)",
				 transport_status_str(t), dfu_state_str(state));
	case DFU_SILENT:
		break;
	}
	return error_set(err, ERR_IO, "%s; the device is still on the bus but does not answer",
			 transport_status_str(t));
}

int dfu_make_idle(struct dfu_if *d, struct error *err)
{
	struct dfu_status st;

	for (int attempt = 0; attempt < 4; attempt++) {
		int r = dfu_get_status(d, &st, err);

		if (r != ERR_OK)
			return error_wrap(err, "reading the device state");
		switch ((enum dfu_state)st.bState) {
		case DFU_STATE_IDLE:
			if (st.bStatus == DFU_STATUS_OK)
				return ERR_OK;
			r = dfu_clear_status(d, err);
			break;
		case DFU_STATE_ERROR:
			ui_debug(d->ui, 1, "clearing error state left by a previous session (%s)",
				 dfu_status_str(st.bStatus));
			r = dfu_clear_status(d, err);
			break;
		case DFU_STATE_DNLOAD_IDLE:
		case DFU_STATE_UPLOAD_IDLE:
		case DFU_STATE_DNLOAD_SYNC:
		case DFU_STATE_MANIFEST_SYNC:
			r = dfu_abort(d, err);
			break;
		case DFU_STATE_DNBUSY:
		case DFU_STATE_MANIFEST:
			/* DFU 1.1 section 6.1.2: no GETSTATUS before bwPollTimeout. */
			sleep_until(d, d->tr.ops->now_us(d->tr.ctx) + poll_wait_us(d, &st));
			r = dfu_wait_done(d, &st, err);
			if (r == ERR_PROTOCOL)
				r = ERR_OK; /* the error state is cleared on the next round */
			break;
		case DFU_STATE_APP_IDLE:
		case DFU_STATE_APP_DETACH:
			return error_set(err, ERR_PROTOCOL,
					 "device is in run-time mode (%s), not in DFU mode",
					 dfu_state_str(st.bState));
		case DFU_STATE_MANIFEST_WAIT_RESET:
			return error_set(err, ERR_PROTOCOL,
					 "device waits for a USB reset (%s); reconnect it",
					 dfu_state_str(st.bState));
		default:
			return error_set(err, ERR_PROTOCOL, "device reports unknown state %u",
					 st.bState);
		}
		if (r != ERR_OK)
			return error_wrap(err, "returning the device to dfuIDLE");
	}
	return error_set(err, ERR_PROTOCOL, "device does not return to dfuIDLE (state %s)",
			 dfu_state_str(st.bState));
}

const char *dfu_state_str(uint8_t state)
{
	switch ((enum dfu_state)state) {
	case DFU_STATE_APP_IDLE:
		return "appIDLE";
	case DFU_STATE_APP_DETACH:
		return "appDETACH";
	case DFU_STATE_IDLE:
		return "dfuIDLE";
	case DFU_STATE_DNLOAD_SYNC:
		return "dfuDNLOAD-SYNC";
	case DFU_STATE_DNBUSY:
		return "dfuDNBUSY";
	case DFU_STATE_DNLOAD_IDLE:
		return "dfuDNLOAD-IDLE";
	case DFU_STATE_MANIFEST_SYNC:
		return "dfuMANIFEST-SYNC";
	case DFU_STATE_MANIFEST:
		return "dfuMANIFEST";
	case DFU_STATE_MANIFEST_WAIT_RESET:
		return "dfuMANIFEST-WAIT-RESET";
	case DFU_STATE_UPLOAD_IDLE:
		return "dfuUPLOAD-IDLE";
	case DFU_STATE_ERROR:
		return "dfuERROR";
	}
	return "unknown state";
}

const char *dfu_status_str(uint8_t status)
{
	switch ((enum dfu_status_code)status) {
	case DFU_STATUS_OK:
		return "OK";
	case DFU_STATUS_ERR_TARGET:
		return "errTARGET";
	case DFU_STATUS_ERR_FILE:
		return "errFILE";
	case DFU_STATUS_ERR_WRITE:
		return "errWRITE";
	case DFU_STATUS_ERR_ERASE:
		return "errERASE";
	case DFU_STATUS_ERR_CHECK_ERASED:
		return "errCHECK_ERASED";
	case DFU_STATUS_ERR_PROG:
		return "errPROG";
	case DFU_STATUS_ERR_VERIFY:
		return "errVERIFY";
	case DFU_STATUS_ERR_ADDRESS:
		return "errADDRESS";
	case DFU_STATUS_ERR_NOTDONE:
		return "errNOTDONE";
	case DFU_STATUS_ERR_FIRMWARE:
		return "errFIRMWARE";
	case DFU_STATUS_ERR_VENDOR:
		return "errVENDOR";
	case DFU_STATUS_ERR_USBR:
		return "errUSBR";
	case DFU_STATUS_ERR_POR:
		return "errPOR";
	case DFU_STATUS_ERR_UNKNOWN:
		return "errUNKNOWN";
	case DFU_STATUS_ERR_STALLEDPKT:
		return "errSTALLEDPKT";
	}
	return "unknown status";
}

const char *dfu_status_meaning(uint8_t status)
{
	switch ((enum dfu_status_code)status) {
	case DFU_STATUS_OK:
		return "no error";
	case DFU_STATUS_ERR_TARGET:
		return "address or command not supported by the device";
	case DFU_STATUS_ERR_FILE:
		return "the device rejected the file";
	case DFU_STATUS_ERR_WRITE:
		return "the device cannot write memory";
	case DFU_STATUS_ERR_ERASE:
		return "memory erase failed";
	case DFU_STATUS_ERR_CHECK_ERASED:
		return "memory erase check failed";
	case DFU_STATUS_ERR_PROG:
		return "program memory function failed (was the memory erased?)";
	case DFU_STATUS_ERR_VERIFY:
		return "programmed memory failed verification";
	case DFU_STATUS_ERR_ADDRESS:
		return "address out of range";
	case DFU_STATUS_ERR_NOTDONE:
		return "the device expected more data";
	case DFU_STATUS_ERR_FIRMWARE:
		return "the firmware is corrupt; the device cannot run it";
	case DFU_STATUS_ERR_VENDOR:
		return "vendor-specific error (on STM32 ROMs: read protection is active)";
	case DFU_STATUS_ERR_USBR:
		return "unexpected USB reset";
	case DFU_STATUS_ERR_POR:
		return "unexpected power-on reset";
	case DFU_STATUS_ERR_UNKNOWN:
		return "unknown device error";
	case DFU_STATUS_ERR_STALLEDPKT:
		return "the device stalled an unexpected request";
	}
	return "unknown status code";
}

bool dfu_parse_func_desc(const uint8_t *buf, size_t len, struct dfu_func_desc *out)
{
	size_t off = 0;

	while (off + 2 <= len) {
		uint8_t blen = buf[off];
		uint8_t type = buf[off + 1];

		if (blen < 2 || blen > len - off)
			return false;
		if (type == 0x21 && (blen == 7 || blen >= 9)) {
			const uint8_t *p = buf + off;

			out->bLength = blen;
			out->bmAttributes = p[2];
			out->wDetachTimeOut = (uint16_t)(p[3] | p[4] << 8);
			out->wTransferSize = (uint16_t)(p[5] | p[6] << 8);
			out->bcdDFUVersion = blen >= 9 ? (uint16_t)(p[7] | p[8] << 8) : 0;
			return true;
		}
		off += blen;
	}
	return false;
}
