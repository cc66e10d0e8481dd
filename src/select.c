/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device selection: scan, match, choose among candidates, wait for a device
 * (-w), list (-l), and the run-time to DFU-mode switch (detach, then poll
 * the bus until the DFU-mode device appears, preferring the same USB path).
 */
#include "select.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu.h"

/*
 * Devices with a DFU run-time interface that are never the user's board:
 * a download without a selection naming them sends them nothing. Each row
 * is a device seen in a real report of dfu-util detaching or listing it.
 */
static const struct bystander {
	uint16_t vid, pid;
	bool any_pid;
	const char *what;
} bystanders[] = {
	/*
	 * Bluetooth controllers built into Macs list a DFU run-time interface:
	 * 05ac:8218 (Seeed forum, DSO Nano), 05ac:821a (Apple discussions,
	 * NanoVNA), 05ac:8289 (Particle community), 05ac:8290 (2015 MacBook Pro,
	 * libDaisy issue 195). Apple makes no DfuSe boards: the whole vendor.
	 */
	{ 0x05ac, 0, true, "an Apple Bluetooth controller" },
	/* M-Audio (Midiman) Transit USB audio interface; dfu-util has a quirk for its polls. */
	{ 0x0763, 0x2806, false, "an M-Audio Transit audio interface" },
	/* Seeed ReSpeaker Mic Array (XMOS USB audio, DFU for its firmware). */
	{ 0x2886, 0x0007, false, "a ReSpeaker USB microphone array" },
};

/* The bystander row for @d, or NULL. */
static const struct bystander *find_bystander(const struct dev_info *d)
{
	for (size_t i = 0; i < sizeof(bystanders) / sizeof(bystanders[0]); i++)
		if (bystanders[i].vid == d->vid &&
		    (bystanders[i].any_pid || bystanders[i].pid == d->pid))
			return &bystanders[i];
	return NULL;
}

/* Does the selection name run-time devices (so any it matches may be detached)? */
static bool names_runtime(const struct opts *o)
{
	return (o->id_runtime.given && !o->id_runtime.none) || o->serial_runtime.given ||
	       o->has_path || o->has_devnum;
}

/*
 * Is the run-time device @d plausibly the user's board, to be detached
 * without being named? It must not be a known bystander, and for a DfuSe
 * operation (one with -s) its functional descriptor must say DfuSe
 * (bcdDFUVersion 0x011A). Otherwise @why says what it is.
 */
static bool plausible_board(const struct opts *o, const struct dev_info *d, char *why, size_t len)
{
	const struct bystander *b = find_bystander(d);

	if (b != NULL) {
		snprintf(why, len, "%s", b->what);
		return false;
	}
	if (!o->dfuse.given)
		return true;
	if (dev_runtime_is_dfuse(d))
		return true;
	if (!d->has_func)
		snprintf(why, len, "no DFU functional descriptor");
	else
		snprintf(why, len, "DFU %x.%02x, not DfuSe", d->func.bcdDFUVersion >> 8,
			 d->func.bcdDFUVersion & 0xFF);
	return false;
}

static void append_candidates(char *buf, size_t len, const struct dev_info *list, const size_t *idx,
			      size_t n)
{
	size_t used = strlen(buf);

	for (size_t i = 0; i < n && used + 1 < len; i++) {
		char d[400];

		snprintf(buf + used, len - used, "%s%s", i ? "; " : "",
			 dev_describe(&list[idx[i]], d, sizeof(d)));
		used = strlen(buf);
	}
}

/* Take the one candidate of @n at @idx, or say why there is not exactly one. */
static int choose(struct session *s, const struct dev_info *list, const size_t *idx, size_t n,
		  const char *kind, struct error *err)
{
	char msg[ERROR_MSG_MAX];

	if (n == 1) {
		session_select(s, &list[idx[0]]);
		if (s->info.open_error != ERR_OK)
			return error_set(err, (enum error_code)s->info.open_error, "%s",
					 s->info.open_msg);
		return ERR_OK;
	}
	snprintf(msg, sizeof(msg), "%zu %s devices match: ", n, kind);
	append_candidates(msg, sizeof(msg), list, idx, n);
	return error_set(err, ERR_USAGE, "%s; choose one with -S SERIAL or -p PATH", msg);
}

/*
 * Nothing to take from the @n devices of @list: say what was on the bus,
 * why each one was not taken (it does not match, or it is a run-time
 * device that matched but is not plausibly the user's board) and how to
 * select it.
 */
static int none_taken(const struct session *s, const struct dev_info *list, size_t n,
		      struct error *err)
{
	char msg[ERROR_MSG_MAX];
	size_t used;

	snprintf(msg, sizeof(msg), "%s: ",
		 names_runtime(s->o) || s->o->id_dfu.given ? "no DFU device matches the selection"
							   : "no DFU-mode device found");
	used = strlen(msg);
	for (size_t i = 0; i < n && used + 1 < sizeof(msg); i++) {
		const struct dev_info *d = &list[i];
		char why[200];
		bool ids = false;

		if (dev_matches(s->o, d)) {
			/* A run-time device left alone: it is not plainly the user's board. */
			plausible_board(s->o, d, why, sizeof(why));
			snprintf(msg + used, sizeof(msg) - used,
				 "%s[%04x:%04x] path=%s in run-time mode (%s) was not detached; "
				 "-d %04x:%04x selects it",
				 i ? "; " : "", d->vid, d->pid, d->path, why, d->vid, d->pid);
		} else {
			dev_mismatch(s->o, d, &ids, why, sizeof(why));
			snprintf(msg + used, sizeof(msg) - used, "%spath=%s: %s%s", i ? "; " : "",
				 d->path, why,
				 d->runtime && ids
					 ? "; to switch it to DFU mode run -e first or pass -d "
					 : "");
			used = strlen(msg);
			if (d->runtime && ids)
				snprintf(msg + used, sizeof(msg) - used, "%04x:%04x", d->vid,
					 d->pid);
		}
		used = strlen(msg);
	}
	return error_set(err, ERR_NOTFOUND, "%s", msg);
}

/*
 * Pick the one device the options designate. DFU-mode devices win over
 * run-time ones, so an unrelated run-time interface (a sound card, a
 * Bluetooth adapter) never makes a DfuSe operation ambiguous; -e
 * (@prefer_runtime) looks at run-time devices first. A run-time device is
 * a candidate only when the selection names it or it is plausibly the
 * user's board (plausible_board): a bystander is never detached.
 */
static int pick(struct session *s, const struct dev_info *list, size_t n, bool prefer_runtime,
		struct error *err)
{
	size_t dfu_idx[16], rt_idx[16];
	size_t ndfu = 0, nrt = 0;
	bool named = names_runtime(s->o);
	char why[80];

	for (size_t i = 0; i < n; i++) {
		if (!dev_matches(s->o, &list[i]))
			continue;
		if (list[i].runtime && nrt < 16 &&
		    (named || plausible_board(s->o, &list[i], why, sizeof(why))))
			rt_idx[nrt++] = i;
		else if (!list[i].runtime && ndfu < 16)
			dfu_idx[ndfu++] = i;
	}
	if (prefer_runtime && nrt > 0)
		return choose(s, list, rt_idx, nrt, "run-time DFU", err);
	if (ndfu > 0)
		return choose(s, list, dfu_idx, ndfu, "DFU-mode", err);
	if (nrt > 0)
		return choose(s, list, rt_idx, nrt, "run-time DFU", err);
	if (n > 0)
		return none_taken(s, list, n, err);
	return error_set(err, ERR_NOTFOUND, "no DFU capable USB device found");
}

static int scan_and_pick(struct session *s, bool prefer_runtime, struct error *err)
{
	struct dev_info *list = NULL;
	size_t n = 0;
	int r = dev_scan(s->be, &list, &n, err);

	if (r != ERR_OK)
		return r;
	r = pick(s, list, n, prefer_runtime, err);
	free(list);
	return r;
}

/*
 * -w: one pause between scans. Says once that it waits; returns ERR_OK to
 * scan again, or ERR_NOTFOUND when --wait=SECONDS ran out.
 */
static int wait_tick(struct session *s, uint64_t start, bool *said, struct error *err)
{
	if (ui_stopped(s->ui))
		return error_set(err, ERR_INTERRUPTED, "interrupted while waiting for a device");
	if (s->o->has_wait_timeout &&
	    session_now_us(s) - start >= (uint64_t)s->o->wait_timeout_s * 1000000u)
		return error_set(err, ERR_NOTFOUND, "no matching DFU device appeared within %u s",
				 s->o->wait_timeout_s);
	if (!*said) {
		ui_info(s->ui, "Waiting for a matching DFU device to appear...");
		*said = true;
	}
	s->be.ops->sleep_us(s->be.ctx, SESSION_SCAN_INTERVAL_US);
	return ERR_OK;
}

/* Find the device, waiting for it with -w. */
int select_device(struct session *s, bool prefer_runtime, struct error *err)
{
	uint64_t start = session_now_us(s);
	bool said = false;

	if (s->selected)
		return ERR_OK;
	for (;;) {
		int r = scan_and_pick(s, prefer_runtime, err);

		if (r != ERR_NOTFOUND || !s->o->wait)
			return r;
		r = wait_tick(s, start, &said, err);
		if (r != ERR_OK)
			return r;
	}
}

/* DETACH, then a USB reset unless the device detaches by itself (bitWillDetach). */
int select_detach(struct session *s, struct error *err)
{
	uint16_t timeout = s->info.has_func ? s->info.func.wDetachTimeOut : 1000;
	bool will_detach = s->info.has_func && (s->info.func.bmAttributes & DFU_ATTR_WILL_DETACH);
	int r;

	r = session_open_alt(s, 0, err);
	if (r != ERR_OK)
		return error_wrap(err, "detach");
	ui_info(s->ui, "Detaching [%04x:%04x] path=\"%s\" into DFU mode", s->info.vid, s->info.pid,
		s->info.path);
	r = dfu_detach(&s->dfu, timeout < 5000 ? timeout : 5000, err);
	/* A device that resets at once may vanish before answering. */
	if (r != ERR_OK && dfu_last_transport(&s->dfu) != TR_NODEV) {
		session_close(s);
		return error_wrap(err, "detach");
	}
	if (r == ERR_OK && !will_detach) {
		enum dfu_reset_end end;

		if (dfu_reset(&s->dfu, &end, err) != ERR_OK) {
			session_close(s);
			return error_wrap(err, "detach: USB reset");
		}
	}
	session_close(s);
	return ERR_OK;
}

/*
 * Poll for the DFU-mode device after a detach, up to -E seconds, and take it
 * the moment it appears. Prefer the same USB path as the run-time device.
 */
static int wait_for_dfu_mode(struct session *s, struct error *err)
{
	const struct dev_info rt = s->info;
	uint64_t start = session_now_us(s);
	uint64_t limit = (uint64_t)s->o->detach_delay_s * 1000000u;
	char seen[200] = "nothing";

	for (;;) {
		struct dev_info *list = NULL;
		size_t n = 0, found = SIZE_MAX, nfound = 0;
		int r = dev_scan(s->be, &list, &n, err);

		if (r != ERR_OK)
			return r;
		for (size_t i = 0; i < n; i++) {
			if (list[i].runtime || !dev_matches(s->o, &list[i]))
				continue;
			if (found == SIZE_MAX || strcmp(list[i].path, rt.path) == 0)
				found = i;
			nfound++;
		}
		if (n > 0)
			snprintf(seen, sizeof(seen),
				 "%zu DFU interface%s, %zu in DFU mode matching", n,
				 n == 1 ? "" : "s", nfound);
		if (found != SIZE_MAX && (nfound == 1 || strcmp(list[found].path, rt.path) == 0)) {
			session_select(s, &list[found]);
			free(list);
			if (s->info.open_error != ERR_OK)
				return error_set(err, (enum error_code)s->info.open_error, "%s",
						 s->info.open_msg);
			ui_info(s->ui,
				"Device is in DFU mode after %.2f s: [%04x:%04x] path=\"%s\"",
				(double)(session_now_us(s) - start) / 1e6, s->info.vid, s->info.pid,
				s->info.path);
			return ERR_OK;
		}
		free(list);
		if (ui_stopped(s->ui))
			return error_set(err, ERR_INTERRUPTED,
					 "interrupted while waiting for the device in DFU mode");
		if (session_now_us(s) - start >= limit)
			return error_set(err, ERR_NOTFOUND,
					 "the device did not reappear in DFU mode within %u s after "
					 "detach (last scan: %s); raise -E if it is slow",
					 s->o->detach_delay_s, seen);
		s->be.ops->sleep_us(s->be.ctx, SESSION_SCAN_INTERVAL_US);
	}
}

/* Find the device for an operation that needs DFU mode; detach a run-time one. */
int select_dfu_device(struct session *s, struct error *err)
{
	int r = select_device(s, false, err);

	if (r != ERR_OK)
		return r;
	return select_enter_dfu(s, err);
}

int select_enter_dfu(struct session *s, struct error *err)
{
	int r;

	if (s->info.runtime) {
		s->from_runtime = true;
		s->rt_vid = s->info.vid;
		s->rt_pid = s->info.pid;
		r = select_detach(s, err);
		if (r == ERR_OK)
			r = wait_for_dfu_mode(s, err);
		if (r != ERR_OK)
			return r;
	}
	return ERR_OK;
}

static size_t count_matching(const struct session *s, const struct dev_info *list, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += dev_matches(s->o, &list[i]);
	return count;
}

/*
 * -v: which "UNKNOWN" of the listing the device has no string for, and
 * which it failed to deliver (dfu-util prints both alike).
 */
static void list_unknowns(const struct session *s, const struct dev_info *d)
{
	if (d->serial_absent || d->serial_unreadable)
		ui_debug(s->ui, 1, "[%04x:%04x] path=\"%s\": serial \"UNKNOWN\": %s", d->vid,
			 d->pid, d->path,
			 d->serial_absent ? "the device has no serial number string"
					  : "the device did not deliver its serial number");
	for (size_t a = 0; a < d->nalts; a++)
		if (d->alts[a].name_absent || d->alts[a].name_unread)
			ui_debug(s->ui, 1, "[%04x:%04x] path=\"%s\": alt %u name \"UNKNOWN\": %s",
				 d->vid, d->pid, d->path, d->alts[a].alt,
				 d->alts[a].name_absent ? "the alt has no name string"
							: "the device did not deliver it");
}

int select_list(struct session *s, struct error *err)
{
	struct dev_info *list = NULL;
	size_t n = 0;
	uint64_t start = session_now_us(s);
	bool said = false;
	int r;

	/* With -w, list as soon as a matching device is there (dfu-util ignores -w here). */
	for (;;) {
		r = dev_scan(s->be, &list, &n, err);
		if (r != ERR_OK)
			return r;
		if (!s->o->wait || count_matching(s, list, n) > 0)
			break;
		free(list);
		list = NULL;
		r = wait_tick(s, start, &said, err);
		if (r != ERR_OK)
			return r;
	}
	/* The line format is dfu-util 0.11's: scripts grep these lines. */
	for (size_t i = 0; i < n; i++) {
		const struct dev_info *d = &list[i];

		if (!dev_matches(s->o, d))
			continue;
		for (size_t a = 0; a < d->nalts; a++)
			ui_info(s->ui,
				"Found %s: [%04x:%04x] ver=%04x, devnum=%u, cfg=%u, intf=%u, "
				"path=\"%s\", alt=%u, name=\"%s\", serial=\"%s\"",
				d->runtime ? "Runtime" : "DFU", d->vid, d->pid, d->bcdDevice,
				d->devnum, d->cfg, d->intf, d->path, d->alts[a].alt,
				d->alts[a].name, d->serial);
		list_unknowns(s, d);
		if (d->open_error != ERR_OK) {
			/* dfu-util's wording first: particle-cli looks for it to offer its udev rules. */
			if (d->open_cause[0] != '\0')
				ui_warn(s->ui,
					"Cannot open DFU device %04x:%04x found on devnum %u (%s)",
					d->vid, d->pid, d->devnum, d->open_cause);
			else
				ui_warn(s->ui,
					"Cannot open DFU device %04x:%04x found on devnum %u",
					d->vid, d->pid, d->devnum);
			ui_warn(s->ui, "[%04x:%04x] devnum=%u: %s", d->vid, d->pid, d->devnum,
				d->open_msg);
		}
	}
	free(list);
	return ERR_OK;
}
