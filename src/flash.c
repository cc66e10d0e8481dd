/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Executing a download: the file is read and checked, turned into a plan
 * (plan.c) against the layouts of the alts it touches, and each alt of the
 * plan is mass erased or compared (--diff), erased, written and verified.
 */
#include "flash.h"

#include <stdlib.h>
#include <string.h>

#include "download.h"
#include "dfuse.h"
#include "dfuse_mem.h"
#include "optbytes.h"
#include "plan.h"

/* Collects a stream of uploaded blocks into sectors and classifies each one. */
struct diff_reader {
	const struct plan *dl;
	struct plan_alt *p;
	size_t sector; /* the sector being filled */
	size_t filled;
	uint8_t *cur, *want;
};

static int diff_sink(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	struct diff_reader *c = ctx;

	while (n > 0) {
		size_t size, take;

		if (c->sector >= c->p->nsectors)
			return error_set(err, ERR_PROTOCOL, "the device sent more than was asked");
		size = c->p->sectors[c->sector].size;
		take = n < size - c->filled ? n : size - c->filled;
		memcpy(c->cur + c->filled, data, take);
		c->filled += take;
		data += take;
		n -= take;
		if (c->filled == size) {
			plan_classify_sector(c->dl, c->p, c->sector, c->cur, c->want);
			c->sector++;
			c->filled = 0;
		}
	}
	return ERR_OK;
}

/*
 * --diff: read every planned sector (each run of adjacent sectors as one
 * stream) and compare it with what a full flash would leave there: the
 * image's bytes, 0xFF elsewhere in the sector. Returns ERR_OK, or an error
 * when the device cannot be read; *@not_allowed then tells whether reading
 * is simply not allowed (a layout without the readable bit, read
 * protection), where a full flash is the way on, from a read that failed.
 */
static int diff_sectors(struct session *s, const struct plan *dl, struct plan_alt *p,
			bool *not_allowed, struct error *err)
{
	struct diff_reader c = { .dl = dl, .p = p };
	uint64_t t0 = session_now_us(s);
	uint32_t biggest = 0;
	int r = ERR_OK;

	for (size_t sec = 0; sec < p->nsectors; sec++)
		if (p->sectors[sec].size > biggest)
			biggest = p->sectors[sec].size;
	c.cur = malloc(biggest);
	c.want = malloc(biggest);
	if (c.cur == NULL || c.want == NULL)
		r = error_set(err, ERR_NOMEM, "out of memory");
	for (size_t sec = 0, end; sec < p->nsectors && r == ERR_OK; sec = end) {
		uint64_t start = p->sectors[sec].start, stop;
		uint64_t got = 0;
		bool refused = false;

		for (end = sec + 1; end < p->nsectors &&
				    p->sectors[end].start == (uint64_t)p->sectors[end - 1].start +
								     p->sectors[end - 1].size;
		     end++)
			;
		stop = (uint64_t)p->sectors[end - 1].start + p->sectors[end - 1].size;
		if (!dfuse_mem_check(&p->layout, start, stop, DFUSE_MEM_READABLE, NULL, NULL)) {
			*not_allowed = true;
			r = error_set(err, ERR_USAGE, "0x%08llx-0x%08llx is not readable",
				      (unsigned long long)start, (unsigned long long)stop - 1);
			break;
		}
		c.sector = sec;
		c.filled = 0;
		r = dfuse_read_stream(&s->dfu, (uint32_t)start, stop - start, diff_sink, &c, &got,
				      &refused, NULL, err);
		*not_allowed = r != ERR_OK && refused;
		if (r == ERR_OK && got != stop - start)
			r = error_set(err, ERR_PROTOCOL, "short read at 0x%08llx",
				      (unsigned long long)start + got);
		s->stats->bytes_read += got;
	}
	free(c.cur);
	free(c.want);
	s->stats->read_us += session_now_us(s) - t0;
	return r;
}

static int erase_sectors(struct session *s, const struct plan_alt *p, struct error *err)
{
	struct ui_progress prog;
	uint64_t total = 0, t0 = session_now_us(s);
	unsigned long count = 0;

	for (size_t sec = 0; sec < p->nsectors; sec++)
		if (p->action[sec] == PLAN_ERASE) {
			total += p->sectors[sec].size;
			count++;
		}
	if (count == 0)
		return ERR_OK;
	ui_info(s->ui, "Erasing %lu sector%s (%llu bytes)", count, count == 1 ? "" : "s",
		(unsigned long long)total);
	ui_progress_begin(&prog, s->ui, "Erasing", total);
	for (size_t sec = 0; sec < p->nsectors; sec++) {
		int r;

		if (p->action[sec] != PLAN_ERASE)
			continue;
		r = dfuse_erase_sector(&s->dfu, p->sectors[sec].start, p->sectors[sec].size, err);
		if (r != ERR_OK) {
			s->stats->erase_us += session_now_us(s) - t0;
			ui_progress_end(&prog);
			return r;
		}
		ui_progress_add(&prog, p->sectors[sec].size);
		s->stats->sectors_erased++;
	}
	ui_progress_end(&prog);
	s->stats->erase_us += session_now_us(s) - t0;
	return ERR_OK;
}

/*
 * The flash-word quirk (H5/H7 ROMs drop a final partial word): how many
 * 0xFF bytes to add after a write ending at @end so that it ends on a flash
 * word. 0 unless the padding stays in the last byte's sector and that
 * sector is erased by this run (programming 0xFF into erased flash leaves
 * it as it is).
 */
/* The flash word writes are padded to: --pad, else the device's quirk, else 0. */
static uint32_t flash_word(const struct session *s)
{
	if (s->o->pad != 0)
		return s->o->pad;
	return (s->quirks.flags & QUIRK_FLASH_WORD) ? s->quirks.flash_word : 0;
}

static uint32_t word_padding(const struct session *s, const struct plan_alt *p, uint64_t end)
{
	uint32_t w = flash_word(s);
	uint64_t padded, sector_end;
	uint32_t ss, sz;

	if (w == 0 || end == 0 || end % w == 0)
		return 0;
	padded = end + (w - end % w);
	if (p->mass_erase) {
		if (dfuse_mem_sector(&p->layout, (uint32_t)(end - 1), &ss, &sz) == NULL)
			return 0;
		sector_end = (uint64_t)ss + sz;
	} else {
		long sec = plan_sector_index(p, (uint32_t)(end - 1));

		if (sec < 0 || p->action[sec] != PLAN_ERASE)
			return 0;
		sector_end = (uint64_t)p->sectors[sec].start + p->sectors[sec].size;
	}
	return padded <= sector_end ? (uint32_t)(padded - end) : 0;
}

/* Tries of one data block before a write with the block-retry quirk gives up. */
#define FLASH_BLOCK_TRIES 3

/*
 * The data block at @at of the run [@start, @end) holding @data failed (the
 * F401/F411 ROM STALLs one at random). Clear the error, read the block back
 * (which sends the pointer again) and choose where to go on, in *@resume:
 * after it when it holds the data already, at it when it is blank; else
 * erase its sector (only one this run erased, starting inside the run) and
 * write the sector again from the image.
 */
static int recover_block(struct session *s, const struct plan_alt *p, uint64_t start, uint64_t end,
			 const uint8_t *data, uint32_t at, uint64_t *resume, struct error *err)
{
	size_t n = end - at < s->dfu.transfer_size ? (size_t)(end - at) : s->dfu.transfer_size;
	uint8_t *buf = malloc(n ? n : 1);
	size_t got = 0;
	long sec;
	int r;

	if (buf == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	r = dfu_make_idle(&s->dfu, err);
	if (r == ERR_OK)
		r = dfuse_read(&s->dfu, at, buf, n, &got, NULL, err);
	if (r == ERR_OK && got == n && memcmp(buf, data + (at - start), n) == 0) {
		*resume = (uint64_t)at + n;
	} else if (r == ERR_OK && got == n && dfuse_mem_is_blank(buf, n)) {
		*resume = at;
	} else if (r == ERR_OK) {
		sec = plan_sector_index(p, at);
		if (sec < 0 || p->action[sec] != PLAN_ERASE || p->sectors[sec].start < start)
			r = error_set(err, ERR_PROTOCOL,
				      "the block at 0x%08x holds other data, and its sector is not "
				      "one this run may erase again",
				      at);
		else
			r = dfuse_erase_sector(&s->dfu, p->sectors[sec].start, p->sectors[sec].size,
					       err);
		if (r == ERR_OK) {
			*resume = p->sectors[sec].start;
			s->stats->sectors_erased++;
		}
	}
	free(buf);
	if (r != ERR_OK)
		return error_wrap(err, "recovering the data block at 0x%08x", at);
	ui_debug(s->ui, 1, "data block 0x%08x recovered; writing again from 0x%08llx", at,
		 (unsigned long long)*resume);
	return ERR_OK;
}

/*
 * dfuse_write() of one run, padded to the flash word when the quirk asks
 * for it, with a failed data block recovered when the quirk allows.
 * *@sent counts the data blocks sent; *@done is where the device's
 * confirmation of the run ends (the failed block's address on failure).
 */
static int write_run(struct session *s, const struct plan_alt *p, uint64_t start, uint64_t end,
		     const uint8_t *data, const struct dfuse_write_opts *wo,
		     struct ui_progress *prog, unsigned long *sent, uint64_t *done,
		     struct error *err)
{
	size_t len = (size_t)(end - start);
	uint32_t pad = word_padding(s, p, end);
	bool retry = (s->quirks.flags & QUIRK_BLOCK_RETRY) != 0;
	uint8_t *buf = NULL;
	const uint8_t *src = data;
	uint64_t from = start, last_failed = UINT64_MAX;
	unsigned tries = 0;
	int r;

	if (pad > 0) {
		buf = malloc(len + pad);
		if (buf == NULL)
			return error_set(err, ERR_NOMEM, "out of memory");
		memcpy(buf, data, len);
		memset(buf + len, 0xFF, pad);
		src = buf;
		/* Said once without -v: bytes the image does not hold are written (issue 19). */
		if (!s->pad_said || s->ui->verbose >= 1)
			ui_info(s->ui,
				"Write 0x%08llx-0x%08llx padded with %u bytes of 0xFF to the %u-byte "
				"flash word (%s)",
				(unsigned long long)start, (unsigned long long)end - 1, pad,
				flash_word(s), s->o->pad != 0 ? "--pad" : "the device's quirk");
		s->pad_said = true;
		end += pad;
	}
	*sent = 0;
	for (;;) {
		struct dfuse_write_result res;

		r = dfuse_write(&s->dfu, (uint32_t)from, src + (from - start), (size_t)(end - from),
				wo, prog, &res, err);
		*sent += res.sent;
		*done = res.end;
		/* -s :fast: a block whose poll was STALLed is recovered the same way. */
		if (r == ERR_OK || !(retry || s->dfu.fast.stalled) || !res.block_failed)
			break;
		if (res.block_failed_at != last_failed) {
			last_failed = res.block_failed_at;
			tries = 0;
		}
		if (++tries >= FLASH_BLOCK_TRIES) {
			error_wrap(err,
				   "data block at 0x%08x failed %u times (running the same command "
				   "again with --diff resumes without erasing the sectors already "
				   "written)",
				   res.block_failed_at, tries);
			break;
		}
		ui_info(s->ui, "The device refused the data block at 0x%08x (%s); recovering",
			res.block_failed_at, err->msg);
		r = recover_block(s, p, start, end, src, res.block_failed_at, &from, err);
		if (r != ERR_OK)
			break;
	}
	free(buf);
	return r;
}

/* How much of @jb, from its start, was in place when its write failed at @end. */
static uint64_t confirmed_part(const struct plan_job *jb, uint64_t end)
{
	if (end <= jb->addr)
		return 0;
	if (end > (uint64_t)jb->addr + jb->len)
		end = (uint64_t)jb->addr + jb->len;
	return end - jb->addr;
}

/*
 * Write one piece, split into runs at sectors that --diff found unchanged.
 * Blocks that are all 0xFF are skipped where the memory is known blank.
 * *@done: where the device's confirmation of the piece ends.
 */
static int write_job(struct session *s, const struct plan_alt *p, const struct plan_job *jb,
		     bool last, struct ui_progress *prog, uint64_t *done, struct error *err)
{
	uint64_t a = jb->addr, end = (uint64_t)jb->addr + jb->len;
	uint64_t run_start = a;
	bool in_run = false;

	while (a <= end) {
		bool skip = false;
		uint64_t next = end;

		if (a < end) {
			long sec = plan_sector_index(p, (uint32_t)a);

			if (sec >= 0) {
				next = (uint64_t)p->sectors[sec].start + p->sectors[sec].size;
				skip = p->action[sec] == PLAN_SAME;
			} else {
				uint32_t ss, sz;

				next = dfuse_mem_sector(&p->layout, (uint32_t)a, &ss, &sz)
					       ? (uint64_t)ss + sz
					       : end;
			}
			if (next > end)
				next = end;
		}
		if ((a == end || skip) && in_run) {
			struct dfuse_write_opts wo = {
				.pointer_per_chunk = s->dfu.pointer_per_block,
				.skip_blank = p->mass_erase ||
					      dfuse_mem_check(&p->layout, run_start, a,
							      DFUSE_MEM_ERASABLE, NULL, NULL),
				.will_reset = p->may_reset && last && a == end,
			};
			unsigned long sent = 0;
			int r = write_run(s, p, run_start, a, jb->data + (run_start - jb->addr),
					  &wo, prog, &sent, done, err);

			s->stats->blocks_written += sent;
			if (r != ERR_OK)
				return r;
			in_run = false;
		}
		if (a == end)
			break;
		if (skip) {
			ui_progress_add(prog, next - a);
		} else if (!in_run) {
			run_start = a;
			in_run = true;
		}
		a = next;
	}
	return ERR_OK;
}

/* Read back every piece of @p's alt and compare. */
static int verify_alt(struct session *s, const struct plan *dl, const struct plan_alt *p,
		      struct error *err)
{
	struct ui_progress prog;
	uint64_t total = plan_alt_bytes(dl, p), t0 = session_now_us(s);
	uint8_t *buf = NULL;
	int r = ERR_OK;

	ui_info(s->ui, "Verifying %llu bytes", (unsigned long long)total);
	ui_progress_begin(&prog, s->ui, "Verifying", total);
	for (size_t j = 0; j < dl->njobs && r == ERR_OK; j++) {
		const struct plan_job *jb = &dl->jobs[j];
		size_t got = 0;

		if (jb->alt_index != p->alt_index)
			continue;
		free(buf);
		buf = malloc(jb->len);
		if (buf == NULL) {
			r = error_set(err, ERR_NOMEM, "out of memory");
			break;
		}
		r = dfuse_read(&s->dfu, jb->addr, buf, jb->len, &got, &prog, err);
		if (r != ERR_OK)
			break;
		if (got != jb->len) {
			r = error_set(err, ERR_VERIFY,
				      "verify: the device returned %zu of %u bytes at 0x%08x", got,
				      jb->len, jb->addr);
			break;
		}
		for (size_t i = 0; i < jb->len; i++)
			if (buf[i] != jb->data[i]) {
				r = error_set(err, ERR_VERIFY,
					      "verify: 0x%08llx holds 0x%02x, the image has 0x%02x",
					      (unsigned long long)jb->addr + i, buf[i],
					      jb->data[i]);
				break;
			}
		s->stats->bytes_read += got;
		if (r == ERR_OK)
			s->stats->alt_verified[p->alt_index] += got;
	}
	free(buf);
	ui_progress_end(&prog);
	s->stats->verify_us += session_now_us(s) - t0;
	return r;
}

static const char *action_str(enum plan_action a)
{
	switch (a) {
	case PLAN_ERASE:
		return "erase";
	case PLAN_BLANK:
		return "blank, no erase";
	case PLAN_SAME:
		return "unchanged, skipped";
	}
	return "?";
}

/* --dry-run: what executing @p would do, sectors of the same action merged. */
static void print_alt_plan(struct session *s, const struct plan *dl, const struct plan_alt *p)
{
	ui_info(s->ui, "Plan for alt %u \"%s\":", p->alt, p->layout.name);
	if (p->mass_erase)
		ui_info(s->ui, "  mass erase");
	for (size_t sec = 0, e; sec < p->nsectors; sec = e) {
		uint64_t start = p->sectors[sec].start, stop;

		for (e = sec + 1; e < p->nsectors && p->action[e] == p->action[sec] &&
				  p->sectors[e].start == (uint64_t)p->sectors[e - 1].start +
								 p->sectors[e - 1].size;
		     e++)
			;
		stop = (uint64_t)p->sectors[e - 1].start + p->sectors[e - 1].size;
		ui_info(s->ui, "  sectors 0x%08llx-0x%08llx (%zu, %llu bytes): %s",
			(unsigned long long)start, (unsigned long long)stop - 1, e - sec,
			(unsigned long long)(stop - start),
			p->mass_erase ? "mass erased" : action_str(p->action[sec]));
	}
	for (size_t j = 0; j < dl->njobs; j++)
		if (dl->jobs[j].alt_index == p->alt_index)
			ui_info(s->ui, "  write   0x%08x-0x%08llx (%u bytes)", dl->jobs[j].addr,
				(unsigned long long)dl->jobs[j].addr + dl->jobs[j].len - 1,
				dl->jobs[j].len);
}

/*
 * --diff: classify the sectors of @p by reading them. A device that cannot
 * be read is flashed in full.
 */
static int compare_alt(struct session *s, const struct plan *dl, struct plan_alt *p,
		       struct error *err)
{
	unsigned long same = 0, blank = 0;
	bool not_allowed = false;
	int r = diff_sectors(s, dl, p, &not_allowed, err);

	if (r == ERR_INTERRUPTED)
		return r; /* Ctrl-C: not a device that cannot be read */
	/*
	 * Only a device that may not be read is flashed in full; one that
	 * failed to answer would fail the flash as well, and waiting for it
	 * twice doubles the time lost (issue 11, case 5).
	 */
	if (r != ERR_OK && !not_allowed)
		return error_wrap(err,
				  "--diff: comparing alt %u (nothing of it erased or written yet)",
				  p->alt);
	if (r != ERR_OK) {
		ui_info(s->ui, "Cannot compare with the device (%s): flashing in full",
			err != NULL ? err->msg : "read failed");
		for (size_t sec = 0; sec < p->nsectors; sec++)
			p->action[sec] = PLAN_ERASE;
		return dfu_make_idle(&s->dfu, err);
	}
	for (size_t sec = 0; sec < p->nsectors; sec++) {
		same += p->action[sec] == PLAN_SAME;
		blank += p->action[sec] == PLAN_BLANK;
	}
	s->stats->sectors_skipped += same;
	ui_info(s->ui, "Compared %zu sectors: %lu unchanged, %lu blank, %lu to erase", p->nsectors,
		same, blank, (unsigned long)p->nsectors - same - blank);
	return ERR_OK;
}

static int run_plan(struct session *s, const struct plan *dl, struct plan_alt *p, struct error *err)
{
	const struct opts *o = s->o;
	struct ui_progress prog;
	uint64_t total, t0;
	int r = session_start_alt(s, p->alt_index, err);

	if (r != ERR_OK)
		return r;
	if (o->dry_run) {
		if (o->diff && !p->mass_erase && p->nsectors > 0)
			r = compare_alt(s, dl, p, err);
		if (r == ERR_OK)
			print_alt_plan(s, dl, p);
		return r;
	}
	if (p->mass_erase) {
		ui_info(s->ui, "Mass erase of alt %u \"%s\"", p->alt, p->layout.name);
		r = dfuse_mass_erase(&s->dfu, err);
		if (r != ERR_OK)
			return r;
		for (size_t sec = 0; sec < p->nsectors; sec++)
			p->action[sec] = PLAN_BLANK;
	} else if (o->diff && p->nsectors > 0) {
		r = compare_alt(s, dl, p, err);
		if (r != ERR_OK)
			return r;
	}
	r = erase_sectors(s, p, err);
	if (r != ERR_OK)
		return r;
	total = plan_alt_bytes(dl, p);
	if (p->nsectors > 0 && plan_all_same(dl, p)) {
		ui_info(s->ui, "Nothing to write: alt %u \"%s\" already holds the image", p->alt,
			p->layout.name);
		return o->verify ? verify_alt(s, dl, p, err) : ERR_OK;
	}
	ui_info(s->ui, "Writing %llu bytes to alt %u \"%s\"", (unsigned long long)total, p->alt,
		p->layout.name);
	t0 = session_now_us(s);
	ui_progress_begin(&prog, s->ui, "Writing", total);
	for (size_t j = 0; j < dl->njobs; j++) {
		uint64_t done = dl->jobs[j].addr;

		if (dl->jobs[j].alt_index != p->alt_index)
			continue;
		r = write_job(s, p, &dl->jobs[j], plan_is_last_write(dl, p, j), &prog, &done, err);
		if (r != ERR_OK) {
			/* The part of the piece the device confirmed: the report says how far it got. */
			s->stats->bytes_written += confirmed_part(&dl->jobs[j], done);
			s->stats->alt_written[p->alt_index] += confirmed_part(&dl->jobs[j], done);
			s->stats->write_us += session_now_us(s) - t0;
			ui_progress_end(&prog);
			return r;
		}
		s->stats->bytes_written += dl->jobs[j].len;
		s->stats->alt_written[p->alt_index] += dl->jobs[j].len;
	}
	ui_progress_end(&prog);
	s->stats->write_us += session_now_us(s) - t0;
	if (p->may_reset) {
		/* the device may be resetting: nothing more to ask it */
		if (o->verify)
			ui_warn(s->ui,
				"--verify: alt %u \"%s\" is not read back: the device may reset "
				"once it is written",
				p->alt, p->layout.name);
		return ERR_OK;
	}
	if (o->verify)
		return verify_alt(s, dl, p, err);
	return ERR_OK;
}

int flash_leave(struct session *s, bool has_addr, uint32_t addr, struct error *err)
{
	bool gone = false;
	int r;

	ui_info(s->ui,
		has_addr ? "Leaving DFU mode, starting the application at 0x%08x"
			 : "Leaving DFU mode",
		addr);
	r = dfuse_leave(&s->dfu, has_addr, addr, &gone, err);
	if (r != ERR_OK)
		return r;
	session_gone(s);
	ui_info(s->ui, gone ? "The device left DFU mode" : "The device is leaving DFU mode");
	return ERR_OK;
}

/*
 * Say what a download writes into option bytes when the user may not have
 * meant it: a file for several alts given without -a, or level 2 under
 * :force. One line per option-byte alt (issue 19).
 */
static void note_option_bytes(const struct session *s, const char *path, const struct plan *dl)
{
	bool several = dl->nalts > 1 && !s->o->has_alt;

	for (size_t i = 0; i < dl->nalts; i++) {
		struct optbytes_write w;
		char what[400];

		if (!plan_is_option_bytes(&dl->alts[i].layout))
			continue;
		optbytes_inspect(dl, &dl->alts[i], &w);
		if (w.has_rdp && w.rdp == OPTBYTES_RDP_LEVEL2)
			ui_warn(s->ui, "%s sets read protection level 2 (:force), irreversibly: %s",
				path, optbytes_describe(&w, what, sizeof(what)));
		else if (several)
			ui_warn(s->ui, "%s also writes option bytes: %s", path,
				optbytes_describe(&w, what, sizeof(what)));
	}
}

/* plan_layout_fn over the selected device: its alts' layout strings. */
static int layout_of(void *ctx, int alt_index, uint8_t *alt, struct dfuse_mem_layout *l,
		     struct error *err)
{
	struct session *s = ctx;
	const struct dfuse_mem_layout *parsed;
	int r = session_layout(s, alt_index, &parsed, err);

	*alt = s->info.alts[alt_index].alt;
	if (r == ERR_OK)
		*l = *parsed;
	return r;
}

int flash_run(struct session *s, const struct download_input *in, struct error *err)
{
	const struct opts *o = s->o;
	const struct plan_opts po = {
		.force = o->dfuse.force,
		.mass_erase = o->dfuse.mass_erase,
		.will_reset = o->dfuse.will_reset,
	};
	struct plan dl;
	int r;

	memset(&dl, 0, sizeof(dl));
	r = download_jobs(s, in, &dl, err);
	if (r == ERR_OK)
		r = plan_build(&dl, &po, layout_of, s, err);
	if (r != ERR_OK && dl.outside)
		session_hint_alt(s, dl.outside_addr, err);
	/* Read protection level 2 is refused here, before any request (issue 19). */
	if (r == ERR_OK)
		r = optbytes_check(&dl, o->dfuse.force, err);
	if (r == ERR_OK)
		note_option_bytes(s, in->path, &dl);
	for (size_t i = 0; i < dl.nalts && r == ERR_OK; i++)
		r = run_plan(s, &dl, &dl.alts[i], err);
	if (r != ERR_OK || o->dry_run) {
		if (r == ERR_OK)
			ui_info(s->ui, "Dry run: nothing was erased or written");
		plan_free(&dl);
		return r;
	}
	ui_info(s->ui, "Download done");
	if (dl.alts[dl.nalts - 1].may_reset) {
		session_gone(s);
		ui_info(s->ui, o->dfuse.will_reset
				       ? "The device may reset now (will-reset)"
				       : "The device may reset now (option bytes written)");
	} else if (o->dfuse.leave) {
		/*
		 * Start the application at the lowest address written in the alt of
		 * the first piece (its vector table); the pointer is per alt, so
		 * select that alt again first.
		 */
		uint32_t start = dl.jobs[0].addr;

		for (size_t j = 1; j < dl.njobs; j++)
			if (dl.jobs[j].alt_index == dl.jobs[0].alt_index && dl.jobs[j].addr < start)
				start = dl.jobs[j].addr;
		r = session_open_alt(s, dl.jobs[0].alt_index, err);
		if (r == ERR_OK)
			r = flash_leave(s, true, start, err);
	}
	plan_free(&dl);
	return r;
}
