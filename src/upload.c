/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Upload: the range is worked out from -s, -Z and the layout and checked
 * against the layout's read permissions before the first request; the data
 * is streamed into a temporary file that replaces nothing.
 */
#include "upload.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dfuse.h"
#include "dfuse_mem.h"
#include "flash.h"
#include "image.h"
#include "image_write.h"
#include "outfile.h"
#include "plan.h"

/* Where the blocks of an upload go: straight into the file, or into memory first. */
struct upload_sink {
	struct outfile *f; /* raw output: streamed */
	uint8_t *mem;	   /* other formats: collected, written as an image at the end */
	size_t used;
};

static int to_sink(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	struct upload_sink *k = ctx;

	if (k->mem == NULL)
		return outfile_write(k->f, data, n, err);
	memcpy(k->mem + k->used, data, n);
	k->used += n;
	return ERR_OK;
}

/* The format -U writes (see upload.h). */
int upload_format(const char *path, enum image_format *fmt, struct error *err)
{
	*fmt = image_format_from_extension(path);
	if (*fmt == IMAGE_FORMAT_AUTO)
		*fmt = IMAGE_FORMAT_BIN;
	if (*fmt == IMAGE_FORMAT_ELF)
		return error_set(err, ERR_USAGE,
				 "%s: an upload cannot be written as ELF; name it .bin, .hex, .srec "
				 "or .dfu",
				 path);
	return ERR_OK;
}

/*
 * @k->mem (the @len bytes read at @addr from alt @index) as @fmt: one piece
 * (for .dfu one target with the alt's number and name, and a suffix with the
 * device's IDs), into @f.
 */
static int write_image(struct session *s, int index, const struct dfuse_mem_layout *l,
		       enum image_format fmt, uint32_t addr, const struct upload_sink *k,
		       struct outfile *f, struct error *err)
{
	struct image_write_opts wo;
	struct image img;
	uint8_t *out = NULL;
	size_t n = 0;
	bool dfu = fmt == IMAGE_FORMAT_DFUSE;
	uint8_t alt = s->info.alts[index].alt;
	int r;

	image_init(&img, fmt);
	image_write_opts_init(&wo);
	r = image_add(&img, addr, k->mem, (uint32_t)k->used, dfu, alt, err);
	if (r == ERR_OK && dfu)
		r = image_name_alt(&img, alt, l->name, err);
	if (r == ERR_OK)
		r = image_finish(&img, err);
	wo.idVendor = s->info.vid;
	wo.idProduct = s->info.pid;
	wo.alt = alt;
	if (r == ERR_OK)
		r = image_write(&img, fmt, &wo, &out, &n, err);
	if (r == ERR_OK)
		r = outfile_write(f, out, n, err);
	free(out);
	image_free(&img);
	return r;
}

/*
 * Upload [addr, addr+len) of the open alt into @k, as one stream of blocks.
 * @len is 64-bit: a region that ends at 4 GiB may be 2^32 bytes long.
 */
static int upload_to_sink(struct session *s, struct upload_sink *k, uint32_t addr, uint64_t len,
			  struct error *err)
{
	struct ui_progress p;
	uint64_t t0 = session_now_us(s);
	uint64_t got = 0;
	int r;

	ui_progress_begin(&p, s->ui, "Reading", len);
	r = dfuse_read_stream(&s->dfu, addr, len, to_sink, k, &got, NULL, &p, err);
	ui_progress_end(&p);
	if (r == ERR_OK && got < len)
		r = error_set(err, ERR_PROTOCOL,
			      "the device ended the upload at 0x%08llx after %llu of %llu bytes",
			      (unsigned long long)(addr + got), (unsigned long long)got,
			      (unsigned long long)len);
	s->stats->bytes_read += got;
	s->stats->read_us += session_now_us(s) - t0;
	return r;
}

int upload_dfuse(struct session *s, struct error *err)
{
	const struct opts *o = s->o;
	const struct dfuse_mem_layout *l = NULL;
	struct outfile f;
	struct upload_sink k = { .f = &f };
	enum image_format fmt;
	uint32_t addr;
	uint64_t len, bad_start, bad_end;
	char ranges[200];
	int index, r;

	/* ops.c checked the name before the device was touched */
	r = upload_format(o->file, &fmt, err);
	if (r == ERR_OK)
		r = session_choose_alt(s, o->dfuse.has_address, o->dfuse.address, &index, err);
	if (r == ERR_OK)
		r = session_layout(s, index, &l, err);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	addr = o->dfuse.has_address ? o->dfuse.address : l->segments[0].start;
	if (o->dfuse.has_length) {
		len = o->dfuse.length;
	} else if (o->has_upload_size) {
		len = o->upload_size;
	} else {
		uint64_t end = dfuse_mem_contiguous_end(l, addr);

		if (end == 0) {
			error_set(err, ERR_USAGE, "upload: 0x%08x is outside alt %u \"%s\" (%s)",
				  addr, s->info.alts[index].alt, l->name,
				  plan_ranges(l, ranges, sizeof(ranges)));
			session_hint_alt(s, addr, err);
			return ERR_USAGE;
		}
		len = end - addr;
		ui_info(s->ui, "Upload size: %llu bytes (0x%08x to the end of its region)",
			(unsigned long long)len, addr);
	}
	/* Nothing read is never an upload done (a length cut to 32 bits once gave 0). */
	if (len == 0)
		return error_set(err, ERR_USAGE, "upload: 0 bytes to read at 0x%08x", addr);
	if (addr + len > UINT64_C(0x100000000))
		return error_set(err, ERR_USAGE, "upload: 0x%08x + %llu bytes runs past 4 GiB",
				 addr, (unsigned long long)len);
	if (!o->dfuse.force &&
	    !dfuse_mem_check(l, addr, addr + len, DFUSE_MEM_READABLE, &bad_start, &bad_end))
		return error_set(err, ERR_USAGE,
				 "upload: 0x%08llx-0x%08llx of \"%s\" is not readable by its layout; "
				 "add :force to try anyway",
				 (unsigned long long)bad_start, (unsigned long long)bad_end - 1,
				 l->name);
	if (fmt != IMAGE_FORMAT_BIN) {
		if (len > DFU_FILE_MAX_SIZE)
			return error_set(err, ERR_USAGE,
					 "upload: %llu bytes are too many for %s; name the file .bin",
					 (unsigned long long)len, image_format_title(fmt));
		k.mem = malloc((size_t)len);
		if (k.mem == NULL)
			return error_set(err, ERR_NOMEM, "out of memory");
	}
	r = session_start_alt(s, index, err);
	if (r == ERR_OK)
		r = outfile_open(&f, o->file, err);
	if (r != ERR_OK) {
		free(k.mem);
		return error_wrap(err, "upload");
	}
	ui_info(s->ui, "Reading %llu bytes from 0x%08x (alt %u \"%s\")", (unsigned long long)len,
		addr, s->info.alts[index].alt, s->info.alts[index].name);
	r = upload_to_sink(s, &k, addr, len, err);
	if (r == ERR_OK && k.mem != NULL)
		r = write_image(s, index, l, fmt, addr, &k, &f, err);
	if (r == ERR_OK)
		r = outfile_commit(&f, err);
	outfile_abort(&f);
	free(k.mem);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	if (fmt == IMAGE_FORMAT_BIN)
		ui_info(s->ui, "Upload done: %llu bytes written to %s", (unsigned long long)len,
			o->file);
	else
		ui_info(s->ui, "Upload done: %llu bytes written to %s as %s",
			(unsigned long long)len, o->file, image_format_title(fmt));
	if (o->dfuse.leave)
		return flash_leave(s, true, addr, err);
	return ERR_OK;
}
