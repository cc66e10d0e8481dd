/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain DFU 1.1 download and upload. Manifestation is where devices differ
 * most: tolerant ones return to dfuIDLE, others wait for a reset in
 * dfuMANIFEST-WAIT-RESET, and many simply reboot into the new firmware.
 * A vanished device is success only once a request says it is gone.
 */
#include "dfu_plain.h"

#include <stdlib.h>
#include <string.h>

const char *dfu_plain_end_str(enum dfu_plain_end end)
{
	switch (end) {
	case DFU_PLAIN_END_IDLE:
		return "back in dfuIDLE";
	case DFU_PLAIN_END_RESET:
		return "reset";
	case DFU_PLAIN_END_GONE:
		return "left the bus";
	case DFU_PLAIN_END_NOT_RESET:
		return "not reset (the driver resets only the pipes)";
	}
	return "unknown";
}

/*
 * A request of the end phase failed: success when the device is confirmed
 * gone, else the error in @err with @what in front.
 */
static int gone_or_fail(struct dfu_if *d, const char *what, struct dfu_plain_result *res,
			struct error *err)
{
	uint8_t state = 0;

	if (d->last_tr == TR_OK)
		return error_wrap(err, "%s", what); /* the device answered with an error */
	switch (dfu_confirm(d, &state)) {
	case DFU_GONE:
		res->end = DFU_PLAIN_END_GONE;
		return ERR_OK;
	case DFU_HERE:
		return error_wrap(err, "%s (the device is still there, state %s)", what,
				  dfu_state_str(state));
	case DFU_SILENT:
		break;
	}
	return error_wrap(err, "%s (the device stopped answering but did not leave the bus)", what);
}

static int send_blocks(struct dfu_if *d, const uint8_t *data, size_t len, uint16_t *block,
		       struct ui_progress *p, struct dfu_plain_result *res, struct error *err)
{
	for (size_t off = 0; off < len;) {
		size_t n = len - off < d->transfer_size ? len - off : d->transfer_size;
		struct dfu_status st;
		int r = dfu_dnload(d, *block, data + off, (uint16_t)n, err);

		if (r == ERR_OK)
			r = dfu_wait_done(d, &st, err);
		if (r != ERR_OK)
			return error_wrap(err, "block %u (offset %zu)", *block, off);
		res->final_state = st.bState;
		if (st.bState != DFU_STATE_DNLOAD_IDLE)
			return error_set(err, ERR_PROTOCOL,
					 "block %u (offset %zu): device in %s, not dfuDNLOAD-IDLE",
					 *block, off, dfu_state_str(st.bState));
		/* DFU 1.1 section 6.1.1: wBlockNum increments and wraps at 0xFFFF */
		*block = (uint16_t)(*block + 1u);
		res->blocks++;
		res->bytes += n;
		off += n;
		if (p != NULL)
			ui_progress_add(p, n);
	}
	return ERR_OK;
}

/* The reset that ends dfuMANIFEST-WAIT-RESET (DFU 1.1 section 7), or the one asked for. */
static int reset_after(struct dfu_if *d, struct dfu_plain_result *res, struct error *err)
{
	enum dfu_reset_end end;

	if (dfu_reset(d, &end, err) != ERR_OK)
		return error_wrap(err, "reset after manifestation");
	switch (end) {
	case DFU_RESET_DONE:
		res->end = DFU_PLAIN_END_RESET;
		break;
	case DFU_RESET_GONE:
		res->end = DFU_PLAIN_END_GONE;
		break;
	case DFU_RESET_PIPES:
		res->end = DFU_PLAIN_END_NOT_RESET;
		break;
	}
	return ERR_OK;
}

int dfu_plain_download(struct dfu_if *d, const uint8_t *data, size_t len,
		       const struct dfu_plain_opts *o, struct ui_progress *p,
		       struct dfu_plain_result *res, struct error *err)
{
	struct dfu_status st;
	uint16_t block = 0;
	int r;

	memset(res, 0, sizeof(*res));
	if (len == 0)
		return error_set(err, ERR_DATA, "nothing to download (empty image)");
	if (d->transfer_size == 0)
		return error_set(err, ERR_PROTOCOL, "the device reports a transfer size of 0");
	r = send_blocks(d, data, len, &block, p, res, err);
	if (r != ERR_OK)
		return r;
	/* DFU 1.1 section 6.1.1: a zero-length DNLOAD ends the transfer */
	r = dfu_dnload(d, block, NULL, 0, err);
	if (r != ERR_OK)
		return gone_or_fail(d, "end of download", res, err);
	r = dfu_wait_done(d, &st, err);
	if (r != ERR_OK)
		return gone_or_fail(d, "manifestation", res, err);
	res->final_state = st.bState;
	switch (st.bState) {
	case DFU_STATE_IDLE:
		res->end = DFU_PLAIN_END_IDLE;
		if (o != NULL && o->reset_after)
			return reset_after(d, res, err);
		return ERR_OK;
	case DFU_STATE_MANIFEST_WAIT_RESET:
		return reset_after(d, res, err);
	default:
		return error_set(err, ERR_PROTOCOL,
				 "manifestation: device in %s after the last block",
				 dfu_state_str(st.bState));
	}
}

int dfu_plain_upload(struct dfu_if *d, size_t limit, dfu_plain_sink sink, void *ctx, size_t *got,
		     struct ui_progress *p, struct error *err)
{
	uint8_t *buf;
	uint16_t block = 0;
	size_t total = 0;
	bool ended = false;
	int r = ERR_OK;

	*got = 0;
	if (d->transfer_size == 0)
		return error_set(err, ERR_PROTOCOL, "the device reports a transfer size of 0");
	buf = malloc(d->transfer_size);
	if (buf == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	while (limit == 0 || total < limit) {
		size_t want = d->transfer_size, n = 0;

		if (limit != 0 && limit - total < want)
			want = limit - total;
		r = dfu_upload(d, block, buf, (uint16_t)want, &n, err);
		if (r != ERR_OK) {
			error_wrap(err, "block %u (offset %zu)", block, total);
			break;
		}
		if (n > want) {
			r = error_set(err, ERR_PROTOCOL, "block %u: %zu bytes for %zu asked", block,
				      n, want);
			break;
		}
		if (n > 0) {
			r = sink(ctx, buf, n, err);
			if (r != ERR_OK)
				break;
		}
		total += n;
		if (p != NULL)
			ui_progress_add(p, n);
		block = (uint16_t)(block + 1u);
		/* DFU 1.1 section 6.2: a short block ends the upload, the device is in dfuIDLE */
		if (n < want) {
			ended = true;
			break;
		}
	}
	free(buf);
	*got = total;
	if (r != ERR_OK)
		return r;
	/* stopped at the limit: the device still waits in dfuUPLOAD-IDLE */
	if (!ended && dfu_abort(d, err) != ERR_OK)
		return error_wrap(err, "ending the upload at %zu bytes", total);
	return ERR_OK;
}
