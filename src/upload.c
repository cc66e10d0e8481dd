/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Upload: the range is worked out from -s, -Z and the layout and checked
 * against the layout's read permissions before the first request; the data
 * is streamed into a temporary file that replaces nothing.
 */
#include "upload.h"

#include <stdint.h>

#include "dfuse.h"
#include "dfuse_mem.h"
#include "flash.h"
#include "outfile.h"
#include "select.h"

static int to_file(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	return outfile_write(ctx, data, n, err);
}

/* Upload [addr, addr+len) of the open alt into @f, as one stream of blocks. */
static int upload_to_file(struct session *op, struct outfile *f, uint32_t addr, uint32_t len,
			  struct error *err)
{
	struct ui_progress p;
	uint64_t t0 = session_now_us(op);
	size_t got = 0;
	int r;

	ui_progress_begin(&p, op->ui, "Reading", len);
	r = dfuse_read_stream(&op->dfu, addr, len, to_file, f, &got, &p, err);
	ui_progress_end(&p);
	if (r == ERR_OK && got < len)
		r = error_set(err, ERR_PROTOCOL,
			      "the device ended the upload at 0x%08llx after %zu of %u bytes",
			      (unsigned long long)addr + got, got, len);
	op->stats->bytes_read += got;
	op->stats->read_us += session_now_us(op) - t0;
	return r;
}

int upload_run(struct session *op, struct error *err)
{
	const struct opts *o = op->o;
	struct dfuse_mem_layout l;
	struct outfile f;
	uint32_t addr, len;
	uint64_t bad_start, bad_end;
	int index, r;

	/* dfu-util semantics: never overwrite; checked before touching the device. */
	r = outfile_check(o->file, err);
	if (r != ERR_OK)
		return r;
	r = select_dfu_device(op, err);
	if (r == ERR_OK)
		r = session_choose_alt(op, o->dfuse.has_address, o->dfuse.address, &index, err);
	if (r == ERR_OK)
		r = session_parse_layout(op, index, &l, err);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	addr = o->dfuse.has_address ? o->dfuse.address : l.segments[0].start;
	if (o->dfuse.has_length) {
		len = o->dfuse.length;
	} else if (o->has_upload_size) {
		len = o->upload_size;
	} else {
		uint64_t end = dfuse_mem_contiguous_end(&l, addr);

		if (end == 0)
			return error_set(err, ERR_USAGE,
					 "upload: 0x%08x is outside \"%s\"; give a length with -s "
					 "ADDRESS:LENGTH",
					 addr, l.name);
		len = (uint32_t)(end - addr);
		ui_info(op->ui, "Upload size: %u bytes (0x%08x to the end of its region)", len,
			addr);
	}
	if ((uint64_t)addr + len > UINT64_C(0x100000000))
		return error_set(err, ERR_USAGE, "upload: 0x%08x + %u bytes runs past 4 GiB", addr,
				 len);
	if (!o->dfuse.force && !dfuse_mem_check(&l, addr, (uint64_t)addr + len, DFUSE_MEM_READABLE,
						&bad_start, &bad_end))
		return error_set(err, ERR_USAGE,
				 "upload: 0x%08llx-0x%08llx of \"%s\" is not readable by its layout; "
				 "add :force to try anyway",
				 (unsigned long long)bad_start, (unsigned long long)bad_end - 1,
				 l.name);
	r = session_start_alt(op, index, err);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	r = outfile_open(&f, o->file, err);
	if (r != ERR_OK)
		return r;
	ui_info(op->ui, "Reading %u bytes from 0x%08x (alt %u \"%s\")", len, addr,
		op->info.alts[index].alt, op->info.alts[index].name);
	r = upload_to_file(op, &f, addr, len, err);
	if (r == ERR_OK)
		r = outfile_commit(&f, err);
	outfile_abort(&f);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	ui_info(op->ui, "Upload done: %u bytes written to %s", len, o->file);
	if (o->dfuse.leave)
		return flash_leave(op, true, addr, err);
	return ERR_OK;
}
