/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The download's input: the file read and parsed once into an image, with
 * every check that needs no device; then the image's pieces mapped onto one
 * device's alternate settings, by -s for raw images, by target for .dfu
 * files and by address for HEX, S-record and ELF files.
 */
#include "download.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu_file.h"
#include "dfuse_mem.h"

/* The DFU suffix findings that do not stop a download. */
static void warn_dfu(const struct ui *ui, const char *path, const struct image *img)
{
	unsigned w = img->dfu_warnings;

	if (w & DFU_FILE_WARN_CRC_FORCED)
		ui_warn(ui,
			"%s: suffix CRC is wrong (0x%08x, computed 0x%08x); flashing anyway "
			"because of :force",
			path, img->suffix.crc_stored, img->suffix.crc_computed);
	if (w & DFU_FILE_WARN_IMAGESIZE)
		ui_warn(ui,
			"%s: DFUImageSize matches neither the file nor the file without its suffix",
			path);
	if (w & DFU_FILE_WARN_TRAILING)
		ui_warn(ui, "%s: %zu bytes after the last target ignored", path,
			img->trailing_bytes);
	if (w & DFU_FILE_WARN_TARGET_COUNT)
		ui_warn(ui, "%s: bTargets disagrees with the targets found", path);
}

/* Formats whose files say what they are: HEX, S-record, ELF. */
static bool self_describing(enum image_format f)
{
	return f == IMAGE_FORMAT_IHEX || f == IMAGE_FORMAT_SREC || f == IMAGE_FORMAT_ELF;
}

/*
 * The extension is a hint: say so when it names another format than the
 * contents hold. A raw image (with or without suffix) named .dfu is what
 * plain DFU tools write, so BIN and DFUSE do not contradict each other.
 */
static void warn_extension(const struct ui *ui, const char *path, enum image_format read)
{
	enum image_format ext = image_format_from_extension(path);

	if (ext == IMAGE_FORMAT_AUTO || ext == read)
		return;
	if (!self_describing(ext) && !self_describing(read))
		return;
	ui_warn(ui, "%s: the name says %s but the contents are %s; reading it as %s", path,
		image_format_title(ext), image_format_title(read), image_format_title(read));
}

int download_load(const struct opts *o, const struct ui *ui, struct download_input *in,
		  struct error *err)
{
	int r;

	memset(in, 0, sizeof(*in));
	in->path = o->file;
	r = dfu_file_load(o->file, &in->buf, &in->len, err);
	if (r != ERR_OK)
		return r;
	r = image_parse(in->buf, in->len, o->format, o->dfuse.force ? IMAGE_FORCE : 0, &in->img,
			err);
	if (r != ERR_OK) {
		download_input_free(in);
		return error_wrap(err, "%s", o->file);
	}
	if (o->format == IMAGE_FORMAT_AUTO)
		warn_extension(ui, o->file, in->img.format);
	if (in->img.warnings & IMAGE_WARN_DFU)
		warn_dfu(ui, o->file, &in->img);
	/* --require-suffix: a raw image must carry a DFU suffix with a good CRC. */
	if (o->require_suffix && !in->img.addressed &&
	    (!in->img.suffix.present || (in->img.dfu_warnings & DFU_FILE_WARN_CRC_FORCED))) {
		r = error_set(err, ERR_DATA, "%s has %s, and --require-suffix asks for one",
			      o->file,
			      in->img.suffix.present ? "a DFU suffix with a wrong CRC"
						     : "no DFU suffix");
		download_input_free(in);
		return r;
	}
	if (in->img.addressed && o->dfuse.has_address) {
		r = error_set(err, ERR_USAGE,
			      "%s is a %s file and carries its own addresses; drop the address from "
			      "-s",
			      o->file, image_format_title(in->img.format));
		download_input_free(in);
		return r;
	}
	return ERR_OK;
}

void download_input_free(struct download_input *in)
{
	image_free(&in->img);
	free(in->buf);
	in->buf = NULL;
	in->len = 0;
}

/* Does the suffix's VID:PID (0xFFFF = any) match @vid:@pid? */
static bool suffix_matches(const struct dfu_file_suffix *suf, uint16_t vid, uint16_t pid)
{
	return (suf->idVendor == 0xFFFF || suf->idVendor == vid) &&
	       (suf->idProduct == 0xFFFF || suf->idProduct == pid);
}

/* Does the suffix match one half of -d that the user gave ("*" matches any)? */
static bool suffix_matches_half(const struct dfu_file_suffix *suf, const struct opt_id *id)
{
	return id->given && !id->none &&
	       (id->any_vid || suf->idVendor == 0xFFFF || suf->idVendor == id->vid) &&
	       (id->any_pid || suf->idProduct == 0xFFFF || suf->idProduct == id->pid);
}

void download_check_suffix(struct session *s, const struct download_input *in)
{
	const struct opts *o = s->o;
	const struct image *img = &in->img;

	/* With -d, download_check_ids() held the file to it before any request. */
	if (img->suffix.present && !o->id_runtime.given && !o->id_dfu.given &&
	    !suffix_matches(&img->suffix, s->info.vid, s->info.pid) &&
	    !(s->from_runtime && suffix_matches(&img->suffix, s->rt_vid, s->rt_pid)))
		ui_warn(s->ui, "%s is for [%04x:%04x] but the device is [%04x:%04x]", in->path,
			img->suffix.idVendor, img->suffix.idProduct, s->info.vid, s->info.pid);
}

int download_check_ids(const struct session *s, const struct download_input *in, struct error *err)
{
	const struct opts *o = s->o;
	const struct dfu_file_suffix *suf = &in->img.suffix;
	char sel[40];

	if (!suf->present || (!o->id_runtime.given && !o->id_dfu.given))
		return ERR_OK;
	if (suffix_matches_half(suf, &o->id_runtime) || suffix_matches_half(suf, &o->id_dfu))
		return ERR_OK;
	dev_format_ids(o, sel, sizeof(sel));
	if (o->dfuse.force) {
		ui_warn(s->ui,
			"%s is for [%04x:%04x], not -d %s; flashing anyway because of :force",
			in->path, suf->idVendor, suf->idProduct, sel);
		return ERR_OK;
	}
	return error_set(err, ERR_DATA,
			 "%s is for [%04x:%04x], which neither half of -d %s names; :force "
			 "overrides",
			 in->path, suf->idVendor, suf->idProduct, sel);
}

int download_check_address(struct session *s, const struct download_input *in, struct error *err)
{
	const struct opts *o = s->o;
	const struct dfuse_mem_layout *l;
	char mods[48];
	size_t n;
	int index, r;

	/* Plain DFU 1.1 devices take a raw image from the start: no address there. */
	if (in->img.addressed || o->dfuse.has_address ||
	    (s->info.runtime ? !dev_runtime_is_dfuse(&s->info)
			     : !dev_is_dfuse(&s->info, &s->quirks)))
		return ERR_OK;
	snprintf(mods, sizeof(mods), "%s%s%s", o->dfuse.leave ? ":leave" : "",
		 o->dfuse.will_reset ? ":will-reset" : "", o->dfuse.force ? ":force" : "");
	if (s->info.runtime)
		return error_set(err, ERR_USAGE,
				 "%s is a raw image: give the address to write it at with -s "
				 "ADDRESS%s (nothing was sent; -l lists the memory layout once the "
				 "board is in DFU mode)",
				 in->path, mods);
	r = session_choose_alt(s, false, 0, &index, err);
	if (r == ERR_OK)
		r = session_layout(s, index, &l, err);
	if (r != ERR_OK)
		return r;
	n = strlen(l->name);
	while (n > 0 && l->name[n - 1] == ' ')
		n--;
	return error_set(err, ERR_USAGE,
			 "%s is a raw image and -s gives no address: add -s 0x%08" PRIX32
			 "%s (the start of alt %u \"%.*s\") if that is where it goes",
			 in->path, l->segments[0].start, mods, s->info.alts[index].alt, (int)n,
			 l->name);
}

/* A raw image: at -s ADDRESS in the alt holding it (download_check_address() asked for it). */
static int jobs_raw(struct session *s, const struct download_input *in, struct plan *p,
		    struct error *err)
{
	const struct opts *o = s->o;
	const struct image_piece *pc = &in->img.pieces[0];
	uint32_t addr = o->dfuse.address;
	int index, r;

	r = download_check_address(s, in, err);
	if (r != ERR_OK)
		return r;
	r = session_choose_alt(s, true, addr, &index, err);
	if (r != ERR_OK)
		return r;
	if ((uint64_t)addr + pc->len > UINT64_C(0x100000000))
		return error_set(err, ERR_USAGE, "%u bytes at 0x%08x run past 4 GiB", pc->len,
				 addr);
	return plan_add_job(p, index, addr, pc->data, pc->len, err);
}

/* A .dfu file: every target to its own alt (dfu-util semantics, never silently). */
static int jobs_dfuse(struct session *s, const struct image *img, int only, struct plan *p,
		      struct error *err)
{
	for (size_t t = 0; t < img->ntargets; t++) {
		const struct image_target *tg = &img->targets[t];
		int index = session_alt_by_number(&s->info, tg->alt);

		if (only >= 0 && index != only) {
			ui_warn(s->ui, "skipping target %zu (alt %u%s%s%s): -a selects alt %u",
				t + 1, tg->alt, tg->named ? ", \"" : "", tg->named ? tg->name : "",
				tg->named ? "\"" : "", s->info.alts[only].alt);
			continue;
		}
		if (index < 0) {
			if (!s->o->dfuse.force)
				return error_set(err, ERR_DATA,
						 "target %zu is for alt %u, which the device does not "
						 "have (it has %zu); :force skips it",
						 t + 1, tg->alt, s->info.nalts);
			ui_warn(s->ui, "skipping target %zu: the device has no alt %u", t + 1,
				tg->alt);
			continue;
		}
		for (size_t i = 0; i < img->npieces; i++) {
			const struct image_piece *pc = &img->pieces[i];
			int r;

			if (!pc->has_alt || pc->alt != tg->alt)
				continue;
			r = plan_add_job(p, index, pc->addr, pc->data, pc->len, err);
			if (r != ERR_OK)
				return r;
		}
	}
	return ERR_OK;
}

/* The device's memory, alt by alt, for messages: "alt 0 0x08000000-0x080fffff, ...". */
static void describe_alts(const struct dfuse_mem_layout *const *l, const struct dev_info *d,
			  char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->nalts && used + 1 < len; i++) {
		if (l[i] == NULL)
			continue;
		snprintf(buf + used, len - used, "%salt %u 0x%08x-0x%08llx", used ? ", " : "",
			 d->alts[i].alt, l[i]->segments[0].start,
			 (unsigned long long)l[i]->segments[l[i]->nsegments - 1].end - 1);
		used = strlen(buf);
	}
	if (used == 0)
		snprintf(buf, len, "no alt with a memory layout");
}

/*
 * HEX, S-record, ELF: each piece goes to the alt whose layout holds its
 * first byte; plan_build() then checks that the rest of it fits there.
 */
static int jobs_by_address(struct session *s, const struct image *img, int only, struct plan *p,
			   struct error *err)
{
	const struct dev_info *d = &s->info;
	const struct dfuse_mem_layout *l[DEV_MAX_ALTS] = { NULL };
	char have[300];
	int r = ERR_OK;

	for (size_t i = 0; i < d->nalts; i++)
		l[i] = session_layout_quiet(s, (int)i);
	for (size_t k = 0; k < img->npieces && r == ERR_OK; k++) {
		const struct image_piece *pc = &img->pieces[k];
		unsigned long long last = (unsigned long long)pc->addr + pc->len - 1;
		int index = -1;

		for (size_t i = 0; i < d->nalts && index < 0; i++)
			if (l[i] != NULL && dfuse_mem_find(l[i], pc->addr) != NULL)
				index = (int)i;
		if (index < 0) {
			describe_alts(l, d, have, sizeof(have));
			r = error_set(err, ERR_DATA,
				      "0x%08x-0x%08llx of the image is in no memory of the device "
				      "(%s)",
				      pc->addr, last, have);
		} else if (only >= 0 && index != only) {
			if (!s->o->dfuse.force) {
				r = error_set(err, ERR_USAGE,
					      "0x%08x-0x%08llx of the image belongs to alt %u \"%s\", "
					      "but -a selects alt %u; :force skips it",
					      pc->addr, last, d->alts[index].alt, l[index]->name,
					      d->alts[only].alt);
			} else {
				ui_warn(s->ui,
					"skipping 0x%08x-0x%08llx (alt %u \"%s\"): -a selects alt %u",
					pc->addr, last, d->alts[index].alt, l[index]->name,
					d->alts[only].alt);
			}
		} else {
			r = plan_add_job(p, index, pc->addr, pc->data, pc->len, err);
		}
	}
	return r;
}

int download_jobs(struct session *s, const struct download_input *in, struct plan *p,
		  struct error *err)
{
	const struct image *img = &in->img;
	int only = -1, r;

	download_check_suffix(s, in);
	if (!img->addressed)
		return jobs_raw(s, in, p, err);
	r = session_alt_from_option(s, &only, err);
	if (r != ERR_OK)
		return r;
	if (img->format == IMAGE_FORMAT_DFUSE)
		r = jobs_dfuse(s, img, only, p, err);
	else
		r = jobs_by_address(s, img, only, p, err);
	if (r == ERR_OK && p->njobs == 0)
		r = error_set(err, ERR_DATA, "nothing to write: no %s of the file is for %s",
			      img->format == IMAGE_FORMAT_DFUSE ? "target" : "piece",
			      only >= 0 ? "the selected alt" : "this device");
	return r;
}
