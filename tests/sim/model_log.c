/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device model's instrumentation log (sim_device_set_log): the names of
 * states, statuses, results and requests, and the format of every line.
 *
 * Log format, one line per control request:
 *
 *   <time_us> <REQ> wValue=<n> wLength=<n> -> <OK|STALL|NODEV|LATER>
 *       state=<dfu state> status=<dfu status> [poll=<ms>] [<note>]
 *
 * (on one line; poll= only on GETSTATUS answers, the note says why a request
 * was refused) and one line per event the device itself performs:
 *
 *   <time_us> EVENT set-address addr=0x<8 hex>
 *   <time_us> EVENT erase addr=0x<8 hex> size=<n>
 *   <time_us> EVENT mass-erase alt=<n> sectors=<n>
 *   <time_us> EVENT unprotect
 *   <time_us> EVENT write addr=0x<8 hex> len=<n>
 *   <time_us> EVENT unerased-write addr=0x<8 hex> len=<n>
 *   <time_us> EVENT early-poll remaining_us=<n>
 *   <time_us> EVENT leave
 *   <time_us> EVENT gone
 *   <time_us> EVENT reset <same|reenumerate|gone|failed|failed, gone>
 */
#include <stdarg.h>

#include "model_priv.h"

static const char *state_name(enum sim_dfu_state s)
{
	switch (s) {
	case ST_APP_IDLE:
		return "appIDLE";
	case ST_APP_DETACH:
		return "appDETACH";
	case ST_DFU_IDLE:
		return "dfuIDLE";
	case ST_DNLOAD_SYNC:
		return "dfuDNLOAD-SYNC";
	case ST_DNBUSY:
		return "dfuDNBUSY";
	case ST_DNLOAD_IDLE:
		return "dfuDNLOAD-IDLE";
	case ST_MANIFEST_SYNC:
		return "dfuMANIFEST-SYNC";
	case ST_MANIFEST:
		return "dfuMANIFEST";
	case ST_MANIFEST_WAIT_RESET:
		return "dfuMANIFEST-WAIT-RESET";
	case ST_UPLOAD_IDLE:
		return "dfuUPLOAD-IDLE";
	case ST_DFU_ERROR:
		return "dfuERROR";
	}
	return "?";
}

static const char *status_name(enum sim_dfu_status s)
{
	switch (s) {
	case S_OK:
		return "OK";
	case S_TARGET:
		return "errTARGET";
	case S_FILE:
		return "errFILE";
	case S_WRITE:
		return "errWRITE";
	case S_ERASE:
		return "errERASE";
	case S_CHECK_ERASED:
		return "errCHECK_ERASED";
	case S_PROG:
		return "errPROG";
	case S_VERIFY:
		return "errVERIFY";
	case S_ADDRESS:
		return "errADDRESS";
	case S_NOTDONE:
		return "errNOTDONE";
	case S_FIRMWARE:
		return "errFIRMWARE";
	case S_VENDOR:
		return "errVENDOR";
	case S_USBR:
		return "errUSBR";
	case S_POR:
		return "errPOR";
	case S_UNKNOWN:
		return "errUNKNOWN";
	case S_STALLEDPKT:
		return "errSTALLEDPKT";
	}
	return "?";
}

static const char *result_name(enum sim_result r)
{
	switch (r) {
	case SIM_OK:
		return "OK";
	case SIM_STALL:
		return "STALL";
	case SIM_NODEV:
		return "NODEV";
	case SIM_LATER:
		return "LATER";
	case SIM_IO:
		return "IO";
	}
	return "?";
}

static const char *request_name(uint8_t bmRequestType, uint8_t bRequest, char *buf, size_t cap)
{
	static const char *const std_names[] = {
		[0] = "GET_STATUS",	   [1] = "CLEAR_FEATURE",     [3] = "SET_FEATURE",
		[5] = "SET_ADDRESS",	   [6] = "GET_DESCRIPTOR",    [7] = "SET_DESCRIPTOR",
		[8] = "GET_CONFIGURATION", [9] = "SET_CONFIGURATION", [10] = "GET_INTERFACE",
		[11] = "SET_INTERFACE",
	};
	static const char *const dfu_names[] = {
		"DETACH", "DNLOAD", "UPLOAD", "GETSTATUS", "CLRSTATUS", "GETSTATE", "ABORT",
	};
	unsigned type = bmRequestType & 0x60u;

	if (type == 0 && bRequest < sizeof(std_names) / sizeof(std_names[0]) && std_names[bRequest])
		return std_names[bRequest];
	if (type == 0x20 && bRequest < sizeof(dfu_names) / sizeof(dfu_names[0]))
		return dfu_names[bRequest];
	snprintf(buf, cap, "REQ_%02x_%02x", bmRequestType, bRequest);
	return buf;
}

void model_log_event(const struct sim_device *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->log)
		return;
	fprintf(d->log, "%llu EVENT ", (unsigned long long)d->now_us);
	va_start(ap, fmt);
	vfprintf(d->log, fmt, ap);
	va_end(ap);
	fputc('\n', d->log);
	fflush(d->log);
}

void model_log_request(struct sim_device *d, uint8_t bmRequestType, uint8_t bRequest,
		       uint16_t wValue, uint16_t wLength, enum sim_result r)
{
	char buf[32];

	if (!d->log)
		return;
	fprintf(d->log, "%llu %s wValue=%u wLength=%u -> %s state=%s status=%s",
		(unsigned long long)d->now_us,
		request_name(bmRequestType, bRequest, buf, sizeof(buf)), (unsigned)wValue,
		(unsigned)wLength, result_name(r), state_name(d->state), status_name(d->status));
	if (d->log_poll >= 0)
		fprintf(d->log, " poll=%ld", d->log_poll);
	if (d->log_note)
		fprintf(d->log, " %s", d->log_note);
	fputc('\n', d->log);
	fflush(d->log);
}
