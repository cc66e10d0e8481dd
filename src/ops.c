/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operations behind the command line. Inputs are read and checked first
 * (file, -s, memory layout, protections), then the device is found, switched
 * to DFU mode if needed, and driven through dfuse.c. Nothing is claimed that
 * did not happen, and an upload only replaces its output file on success.
 */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "dfu_file.h"
#include "dfuse.h"
#include "dfuse_mem.h"

#define DFUSE_VERSION_BCD 0x011A
/* Linux usbfs refuses control transfers larger than a page. */
#define OPS_MAX_TRANSFER 4096
/* How often the bus is scanned while waiting for a device. */
#define OPS_SCAN_INTERVAL_US 50000

struct ops {
	const struct opts *o;
	struct dev_backend be;
	const struct ui *ui;
	struct ops_stats *stats;
	/* the selected device */
	struct dev_info info;
	bool opened;
	int alt_index; /* index into info.alts of the selected alt, -1 before */
	struct dfu_if dfu;
	bool gone; /* the device left the bus (leave, unprotect, option bytes) */
};

/* --- finding the device ------------------------------------------------- */

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

static int by_bus_position(const void *a, const void *b)
{
	const struct dev_info *x = a, *y = b;

	if (x->busnum != y->busnum)
		return x->busnum < y->busnum ? -1 : 1;
	if (x->devnum != y->devnum)
		return x->devnum < y->devnum ? -1 : 1;
	return x->intf < y->intf ? -1 : x->intf > y->intf;
}

/* Scan the bus; the list comes in a stable order (bus, then device number). */
static int scan(struct ops *op, struct dev_info **list, size_t *n, struct error *err)
{
	int r = op->be.ops->scan(op->be.ctx, list, n, err);

	if (r == ERR_OK && *n > 1)
		qsort(*list, *n, sizeof(**list), by_bus_position);
	return r;
}

/* Take the one candidate of @n at @idx, or say why there is not exactly one. */
static int choose(struct ops *op, const struct dev_info *list, const size_t *idx, size_t n,
		  const char *kind, struct error *err)
{
	char msg[ERROR_MSG_MAX];

	if (n == 1) {
		op->info = list[idx[0]];
		if (op->info.open_error != ERR_OK)
			return error_set(err, (enum error_code)op->info.open_error, "%s",
					 op->info.open_msg);
		return ERR_OK;
	}
	snprintf(msg, sizeof(msg), "%zu %s devices match: ", n, kind);
	append_candidates(msg, sizeof(msg), list, idx, n);
	return error_set(err, ERR_USAGE, "%s; choose one with -S SERIAL or -p PATH", msg);
}

/*
 * Pick the one device the options designate. DFU-mode devices win over
 * run-time ones, so an unrelated run-time interface (a sound card, a
 * Bluetooth adapter) never makes a DfuSe operation ambiguous; -e
 * (@prefer_runtime) looks at run-time devices first.
 */
static int pick(struct ops *op, const struct dev_info *list, size_t n, bool prefer_runtime,
		struct error *err)
{
	size_t dfu_idx[16], rt_idx[16];
	size_t ndfu = 0, nrt = 0, nother = 0;

	for (size_t i = 0; i < n; i++) {
		if (!dev_matches(op->o, &list[i]))
			nother++;
		else if (list[i].runtime && nrt < 16)
			rt_idx[nrt++] = i;
		else if (!list[i].runtime && ndfu < 16)
			dfu_idx[ndfu++] = i;
	}
	if (prefer_runtime && nrt > 0)
		return choose(op, list, rt_idx, nrt, "run-time DFU", err);
	if (ndfu > 0)
		return choose(op, list, dfu_idx, ndfu, "DFU-mode", err);
	if (nrt > 0)
		return choose(op, list, rt_idx, nrt, "run-time DFU", err);
	if (nother > 0)
		return error_set(err, ERR_NOTFOUND,
				 "no DFU device matches the selection (%zu other DFU interface%s "
				 "present; see -l)",
				 nother, nother == 1 ? "" : "s");
	return error_set(err, ERR_NOTFOUND, "no DFU capable USB device found");
}

static int scan_and_pick(struct ops *op, bool prefer_runtime, struct error *err)
{
	struct dev_info *list = NULL;
	size_t n = 0;
	int r = scan(op, &list, &n, err);

	if (r != ERR_OK)
		return r;
	r = pick(op, list, n, prefer_runtime, err);
	free(list);
	return r;
}

static uint64_t clock_us(const struct ops *op)
{
	return op->be.ops->now_us(op->be.ctx);
}

/*
 * -w: one pause between scans. Says once that it waits; returns ERR_OK to
 * scan again, or ERR_NOTFOUND when --wait=SECONDS ran out.
 */
static int wait_tick(struct ops *op, uint64_t start, bool *said, struct error *err)
{
	if (op->o->has_wait_timeout &&
	    clock_us(op) - start >= (uint64_t)op->o->wait_timeout_s * 1000000u)
		return error_set(err, ERR_NOTFOUND, "no matching DFU device appeared within %u s",
				 op->o->wait_timeout_s);
	if (!*said) {
		ui_info(op->ui, "Waiting for a matching DFU device to appear...");
		*said = true;
	}
	op->be.ops->sleep_us(op->be.ctx, OPS_SCAN_INTERVAL_US);
	return ERR_OK;
}

/* Find the device, waiting for it with -w. */
static int wait_for_device(struct ops *op, bool prefer_runtime, struct error *err)
{
	uint64_t start = clock_us(op);
	bool said = false;

	for (;;) {
		int r = scan_and_pick(op, prefer_runtime, err);

		if (r != ERR_NOTFOUND || !op->o->wait)
			return r;
		r = wait_tick(op, start, &said, err);
		if (r != ERR_OK)
			return r;
	}
}

static uint16_t transfer_size(struct ops *op)
{
	unsigned size = op->info.has_func ? op->info.func.wTransferSize : 0;
	unsigned min = op->info.bMaxPacketSize0 ? op->info.bMaxPacketSize0 : 8;

	if (op->o->has_transfer_size)
		size = op->o->transfer_size;
	if (size == 0) {
		size = 1024;
		ui_warn(op->ui, "the device reports no transfer size; using %u bytes", size);
	}
	if (size < min) {
		ui_warn(op->ui, "transfer size %u is below the control endpoint's %u; using %u",
			size, min, min);
		size = min;
	}
	if (size > OPS_MAX_TRANSFER) {
		ui_debug(op->ui, 1, "transfer size %u clamped to %u", size, OPS_MAX_TRANSFER);
		size = OPS_MAX_TRANSFER;
	}
	return (uint16_t)size;
}

static void close_device(struct ops *op)
{
	if (op->opened) {
		if (op->stats != NULL)
			op->stats->requests += op->dfu.requests;
		op->be.ops->close(op->be.ctx);
	}
	op->opened = false;
	op->alt_index = -1;
}

/* Open the selected device on alt setting @index (into info.alts). */
static int open_alt(struct ops *op, int index, struct error *err)
{
	struct transport tr;
	int r;

	if (op->opened && op->alt_index == index)
		return ERR_OK;
	if (op->opened) {
		r = op->dfu.tr.ops->set_alt(op->dfu.tr.ctx, op->info.intf,
					    op->info.alts[index].alt);
		if (r != TR_OK)
			return error_set(err, ERR_IO, "selecting alternate setting %u: %s",
					 op->info.alts[index].alt, transport_status_str(r));
		op->alt_index = index;
		return ERR_OK;
	}
	r = op->be.ops->open(op->be.ctx, &op->info, op->info.alts[index].alt, &tr, err);
	if (r != ERR_OK)
		return r;
	op->opened = true;
	op->alt_index = index;
	dfu_if_init(&op->dfu, tr, op->info.intf, transfer_size(op), op->ui);
	op->dfu.pointer_per_block =
		op->dfu.transfer_size != (op->info.has_func ? op->info.func.wTransferSize : 0);
	return ERR_OK;
}

/*
 * Detach a run-time device (DFU 1.1 section 5.1): DETACH, then a USB reset
 * unless the device detaches by itself (bitWillDetach).
 */
static int detach(struct ops *op, struct error *err)
{
	uint16_t timeout = op->info.has_func ? op->info.func.wDetachTimeOut : 1000;
	bool will_detach = op->info.has_func && (op->info.func.bmAttributes & DFU_ATTR_WILL_DETACH);
	int r;

	r = open_alt(op, 0, err);
	if (r != ERR_OK)
		return error_wrap(err, "detach");
	ui_info(op->ui, "Detaching [%04x:%04x] path=\"%s\" into DFU mode", op->info.vid,
		op->info.pid, op->info.path);
	r = dfu_detach(&op->dfu, timeout < 5000 ? timeout : 5000, err);
	/* A device that resets at once may vanish before answering. */
	if (r != ERR_OK && dfu_last_transport(&op->dfu) != TR_NODEV) {
		close_device(op);
		return error_wrap(err, "detach");
	}
	if (r == ERR_OK && !will_detach) {
		int t = op->dfu.tr.ops->reset(op->dfu.tr.ctx);

		if (t != TR_OK && t != TR_NODEV) {
			close_device(op);
			return error_set(err, ERR_IO, "detach: USB reset failed: %s",
					 transport_status_str(t));
		}
	}
	close_device(op);
	return ERR_OK;
}

/*
 * Poll for the DFU-mode device after a detach, up to -E seconds, and take it
 * the moment it appears. Prefer the same USB path as the run-time device.
 */
static int wait_for_dfu_mode(struct ops *op, struct error *err)
{
	const struct dev_info rt = op->info;
	uint64_t start = clock_us(op);
	uint64_t limit = (uint64_t)op->o->detach_delay_s * 1000000u;
	char seen[200] = "nothing";

	for (;;) {
		struct dev_info *list = NULL;
		size_t n = 0, found = SIZE_MAX, nfound = 0;
		int r = scan(op, &list, &n, err);

		if (r != ERR_OK)
			return r;
		for (size_t i = 0; i < n; i++) {
			if (list[i].runtime || !dev_matches(op->o, &list[i]))
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
			op->info = list[found];
			free(list);
			if (op->info.open_error != ERR_OK)
				return error_set(err, (enum error_code)op->info.open_error, "%s",
						 op->info.open_msg);
			ui_info(op->ui,
				"Device is in DFU mode after %.2f s: [%04x:%04x] path=\"%s\"",
				(double)(clock_us(op) - start) / 1e6, op->info.vid, op->info.pid,
				op->info.path);
			return ERR_OK;
		}
		free(list);
		if (clock_us(op) - start >= limit)
			return error_set(err, ERR_NOTFOUND,
					 "the device did not reappear in DFU mode within %u s after "
					 "detach (last scan: %s); raise -E if it is slow",
					 op->o->detach_delay_s, seen);
		op->be.ops->sleep_us(op->be.ctx, OPS_SCAN_INTERVAL_US);
	}
}

/* Find the device for an operation that needs DFU mode; detach a run-time one. */
static int get_dfu_device(struct ops *op, struct error *err)
{
	int r = wait_for_device(op, false, err);

	if (r != ERR_OK)
		return r;
	if (op->info.runtime) {
		r = detach(op, err);
		if (r == ERR_OK)
			r = wait_for_dfu_mode(op, err);
		if (r != ERR_OK)
			return r;
	}
	if (!dev_is_dfuse(&op->info))
		return error_set(err, ERR_PROTOCOL,
				 "[%04x:%04x] is a plain DFU device (DFU version %x.%02x, no memory "
				 "layout); dfuse-util drives DfuSe devices",
				 op->info.vid, op->info.pid, op->info.func.bcdDFUVersion >> 8,
				 op->info.func.bcdDFUVersion & 0xFF);
	return ERR_OK;
}

/* --- alternate settings and layouts ----------------------------------- */

static int alt_by_number(const struct dev_info *d, unsigned alt)
{
	for (size_t i = 0; i < d->nalts; i++)
		if (d->alts[i].alt == alt)
			return (int)i;
	return -1;
}

/* -a N or -a NAME into *@index (-1 when -a was not given). */
static int alt_from_option(const struct ops *op, int *index, struct error *err)
{
	const struct opts *o = op->o;

	*index = -1;
	if (!o->has_alt)
		return ERR_OK;
	if (o->alt_is_name) {
		for (size_t i = 0; i < op->info.nalts; i++)
			if (strcmp(op->info.alts[i].name, o->alt_name) == 0) {
				*index = (int)i;
				return ERR_OK;
			}
		return error_set(err, ERR_USAGE,
				 "-a: the device has no alternate setting named \"%s\"",
				 o->alt_name);
	}
	*index = alt_by_number(&op->info, o->alt);
	if (*index < 0) {
		char have[ERROR_MSG_MAX] = "";
		size_t used = 0;

		for (size_t i = 0; i < op->info.nalts && used + 1 < sizeof(have); i++) {
			snprintf(have + used, sizeof(have) - used, "%s%u \"%.40s\"", i ? ", " : "",
				 op->info.alts[i].alt, op->info.alts[i].name);
			used = strlen(have);
		}
		return error_set(err, ERR_USAGE,
				 "-a: the device has no alternate setting %u; it has %.300s",
				 o->alt, have);
	}
	return ERR_OK;
}

static int parse_layout(const struct ops *op, int index, struct dfuse_mem_layout *l,
			struct error *err)
{
	const char *name = op->info.alts[index].name;
	int r = dfuse_mem_parse(name, strlen(name), l, err);

	if (r != ERR_OK)
		return error_wrap(err, "alt %u memory layout \"%s\"", op->info.alts[index].alt,
				  name);
	if (l->trailing_garbage)
		ui_debug(op->ui, 1, "alt %u layout has trailing characters after a type letter",
			 op->info.alts[index].alt);
	return ERR_OK;
}

/* The alt whose layout holds @addr; -1 if none. */
static int alt_for_address(const struct ops *op, uint32_t addr)
{
	for (size_t i = 0; i < op->info.nalts; i++) {
		struct dfuse_mem_layout l;

		if (dfuse_mem_parse(op->info.alts[i].name, strlen(op->info.alts[i].name), &l,
				    NULL) == ERR_OK &&
		    dfuse_mem_find(&l, addr) != NULL)
			return (int)i;
	}
	return -1;
}

/*
 * Select the alt for a raw upload/download at @addr (when @has_addr): -a, or
 * the alt whose layout contains the address, or the first alt.
 */
static int choose_alt(struct ops *op, bool has_addr, uint32_t addr, int *index, struct error *err)
{
	int r = alt_from_option(op, index, err);

	if (r != ERR_OK || *index >= 0)
		return r;
	if (op->info.nalts == 0)
		return error_set(err, ERR_PROTOCOL, "the device has no alternate settings");
	*index = has_addr ? alt_for_address(op, addr) : -1;
	if (*index >= 0) {
		if (op->info.nalts > 1)
			ui_info(op->ui, "Using alt %u \"%s\" (it contains 0x%08x)",
				op->info.alts[*index].alt, op->info.alts[*index].name, addr);
		return ERR_OK;
	}
	*index = 0;
	return ERR_OK;
}

static void print_device(struct ops *op)
{
	ui_info(op->ui, "Device [%04x:%04x] ver=%04x path=\"%s\" serial=\"%s\", transfer size %u",
		op->info.vid, op->info.pid, op->info.bcdDevice, op->info.path, op->info.serial,
		op->dfu.transfer_size);
}

/* Open the device on @index and bring it to dfuIDLE. */
static int start_alt(struct ops *op, int index, struct error *err)
{
	bool first = !op->opened;
	int r = open_alt(op, index, err);

	if (r != ERR_OK)
		return r;
	if (first)
		print_device(op);
	r = dfu_make_idle(&op->dfu, err);
	return r;
}

static double seconds(uint64_t us)
{
	return (double)us / 1e6;
}

/* --- -l ------------------------------------------------------------------ */

static size_t count_matching(const struct ops *op, const struct dev_info *list, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += dev_matches(op->o, &list[i]);
	return count;
}

static int op_list(struct ops *op, struct error *err)
{
	struct dev_info *list = NULL;
	size_t n = 0;
	uint64_t start = clock_us(op);
	bool said = false;
	int r;

	/* With -w, list as soon as a matching device is there (dfu-util ignores -w here). */
	for (;;) {
		r = scan(op, &list, &n, err);
		if (r != ERR_OK)
			return r;
		if (!op->o->wait || count_matching(op, list, n) > 0)
			break;
		free(list);
		list = NULL;
		r = wait_tick(op, start, &said, err);
		if (r != ERR_OK)
			return r;
	}
	/* The line format is dfu-util 0.11's: scripts grep these lines. */
	for (size_t i = 0; i < n; i++) {
		const struct dev_info *d = &list[i];

		if (!dev_matches(op->o, d))
			continue;
		for (size_t a = 0; a < d->nalts; a++)
			ui_info(op->ui,
				"Found %s: [%04x:%04x] ver=%04x, devnum=%u, cfg=%u, intf=%u, "
				"path=\"%s\", alt=%u, name=\"%s\", serial=\"%s\"",
				d->runtime ? "Runtime" : "DFU", d->vid, d->pid, d->bcdDevice,
				d->devnum, d->cfg, d->intf, d->path, d->alts[a].alt,
				d->alts[a].name, d->serial);
		if (d->open_error != ERR_OK)
			ui_warn(op->ui, "[%04x:%04x] devnum=%u: %s", d->vid, d->pid, d->devnum,
				d->open_msg);
	}
	free(list);
	return ERR_OK;
}

/* --- -U ------------------------------------------------------------------ */

static int leave(struct ops *op, bool has_addr, uint32_t addr, struct error *err);

/* Move the finished temporary file to @path without replacing anything. */
static int publish(const char *tmp, const char *path, struct error *err)
{
	struct stat sb;

	if (link(tmp, path) == 0) {
		unlink(tmp);
		return ERR_OK;
	}
	if (errno == EEXIST)
		return error_set(err, ERR_CANTCREAT, "%s appeared while reading; not replaced",
				 path);
	/* File systems without hard links: check, then rename. */
	if (stat(path, &sb) == 0)
		return error_set(err, ERR_CANTCREAT, "%s appeared while reading; not replaced",
				 path);
	if (rename(tmp, path) != 0)
		return error_set(err, ERR_CANTCREAT, "cannot create %s: %s", path, strerror(errno));
	return ERR_OK;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int to_file(void *ctx, const uint8_t *data, size_t n, struct error *err)
{
	if (write_all(*(const int *)ctx, data, n) != 0)
		return error_set(err, ERR_IO, "writing the upload: %s", strerror(errno));
	return ERR_OK;
}

/* Upload [addr, addr+len) of the open alt into @fd, as one stream of blocks. */
static int upload_to_fd(struct ops *op, int fd, uint32_t addr, uint32_t len, struct error *err)
{
	struct ui_progress p;
	uint64_t t0 = clock_us(op);
	size_t got = 0;
	int r;

	ui_progress_begin(&p, op->ui, "Reading", len);
	r = dfuse_read_stream(&op->dfu, addr, len, to_file, &fd, &got, &p, err);
	ui_progress_end(&p);
	if (r == ERR_OK && got < len)
		r = error_set(err, ERR_PROTOCOL,
			      "the device ended the upload at 0x%08llx after %zu of %u bytes",
			      (unsigned long long)addr + got, got, len);
	if (op->stats != NULL) {
		op->stats->bytes_read += got;
		op->stats->read_us += clock_us(op) - t0;
	}
	return r;
}

static int op_upload(struct ops *op, struct error *err)
{
	const struct opts *o = op->o;
	struct dfuse_mem_layout l;
	struct stat sb;
	uint32_t addr, len;
	uint64_t bad_start, bad_end;
	char tmp[4096];
	mode_t mask;
	int index, fd, r;

	/* dfu-util semantics: never overwrite; checked before touching the device. */
	if (stat(o->file, &sb) == 0)
		return error_set(err, ERR_CANTCREAT,
				 "%s already exists; remove it or choose another file name",
				 o->file);
	r = get_dfu_device(op, err);
	if (r == ERR_OK)
		r = choose_alt(op, o->dfuse.has_address, o->dfuse.address, &index, err);
	if (r == ERR_OK)
		r = parse_layout(op, index, &l, err);
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
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", o->file) >= (int)sizeof(tmp))
		return error_set(err, ERR_CANTCREAT, "%s: file name too long", o->file);
	r = start_alt(op, index, err);
	if (r != ERR_OK)
		return error_wrap(err, "upload");
	fd = mkstemp(tmp);
	if (fd < 0)
		return error_set(err, ERR_CANTCREAT,
				 "cannot create a temporary file next to %s: %s", o->file,
				 strerror(errno));
	/* mkstemp() makes the file private; give it the mode a plain creat() would. */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	ui_info(op->ui, "Reading %u bytes from 0x%08x (alt %u \"%s\")", len, addr,
		op->info.alts[index].alt, op->info.alts[index].name);
	r = upload_to_fd(op, fd, addr, len, err);
	if (r == ERR_OK && fsync(fd) != 0 && errno != EINVAL)
		r = error_set(err, ERR_IO, "writing %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && r == ERR_OK)
		r = error_set(err, ERR_IO, "writing %s: %s", tmp, strerror(errno));
	if (r == ERR_OK)
		r = publish(tmp, o->file, err);
	if (r != ERR_OK) {
		unlink(tmp);
		return error_wrap(err, "upload");
	}
	ui_info(op->ui, "Upload done: %u bytes written to %s", len, o->file);
	if (o->dfuse.leave)
		return leave(op, true, addr, err);
	return ERR_OK;
}

/* --- -D ------------------------------------------------------------------ */

/* One contiguous piece of the image, for one alt setting. */
struct job {
	int alt_index;
	uint32_t addr;
	uint32_t len;
	const uint8_t *data;
};

enum sector_action {
	SECTOR_ERASE, /* erase, then write */
	SECTOR_BLANK, /* --diff: already blank, write without erasing */
	SECTOR_SAME,  /* --diff: already equal to the image, nothing to do */
};

/* Everything decided for one alt setting before the first USB write. */
struct alt_plan {
	int alt_index;
	struct dfuse_mem_layout layout;
	struct dfuse_sector *sectors;
	enum sector_action *action;
	size_t nsectors;
	bool mass_erase;
};

struct download {
	struct job *jobs;
	size_t njobs;
	struct alt_plan *plans;
	size_t nplans;
};

static void download_free(struct download *dl)
{
	for (size_t i = 0; i < dl->nplans; i++) {
		free(dl->plans[i].sectors);
		free(dl->plans[i].action);
	}
	free(dl->plans);
	free(dl->jobs);
}

static int add_job(struct download *dl, size_t cap, int alt_index, uint32_t addr,
		   const uint8_t *data, uint32_t len)
{
	if (dl->njobs == cap)
		return -1;
	dl->jobs[dl->njobs].alt_index = alt_index;
	dl->jobs[dl->njobs].addr = addr;
	dl->jobs[dl->njobs].data = data;
	dl->jobs[dl->njobs].len = len;
	dl->njobs++;
	return 0;
}

static int jobs_from_dfuse(struct ops *op, const struct dfu_file_image *img, struct download *dl,
			   size_t cap, struct error *err)
{
	const struct opts *o = op->o;
	int only = -1;
	int r = alt_from_option(op, &only, err);

	if (r != ERR_OK)
		return r;
	for (size_t t = 0; t < img->ntargets; t++) {
		const struct dfu_file_target *tg = &img->targets[t];
		int index = alt_by_number(&op->info, tg->alt);

		if (only >= 0 && index != only) {
			/* dfu-util semantics for -a with a .dfu file, but never silently. */
			ui_warn(op->ui, "skipping target %zu (alt %u%s%s%s): -a selects alt %u",
				t + 1, tg->alt, tg->named ? ", \"" : "", tg->named ? tg->name : "",
				tg->named ? "\"" : "", op->info.alts[only].alt);
			continue;
		}
		if (index < 0) {
			if (!o->dfuse.force)
				return error_set(err, ERR_DATA,
						 "target %zu is for alt %u, which the device does not "
						 "have (it has %zu); :force skips it",
						 t + 1, tg->alt, op->info.nalts);
			ui_warn(op->ui, "skipping target %zu: the device has no alt %u", t + 1,
				tg->alt);
			continue;
		}
		for (size_t e = 0; e < tg->nelements; e++) {
			const struct dfu_file_element *el = &tg->elements[e];

			if (el->size == 0)
				continue;
			if (add_job(dl, cap, index, el->address, el->data, el->size) != 0)
				return error_set(err, ERR_DATA, "too many elements");
		}
	}
	if (dl->njobs == 0)
		return error_set(err, ERR_DATA, "nothing to write: no target of the file is for %s",
				 only >= 0 ? "the selected alt" : "this device");
	return ERR_OK;
}

static bool suffix_matches(const struct dfu_file_suffix *s, const struct dev_info *d)
{
	return (s->idVendor == 0xFFFF || s->idVendor == d->vid) &&
	       (s->idProduct == 0xFFFF || s->idProduct == d->pid);
}

static struct alt_plan *plan_for(struct download *dl, int alt_index)
{
	for (size_t i = 0; i < dl->nplans; i++)
		if (dl->plans[i].alt_index == alt_index)
			return &dl->plans[i];
	return NULL;
}

/* Protection checks and the erase plan for every alt the image touches. */
static int plan_download(struct ops *op, struct download *dl, struct error *err)
{
	const struct opts *o = op->o;

	dl->plans = calloc(dl->njobs, sizeof(*dl->plans));
	if (dl->plans == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	for (size_t j = 0; j < dl->njobs; j++) {
		const struct job *jb = &dl->jobs[j];
		struct alt_plan *p = plan_for(dl, jb->alt_index);
		uint64_t bs, be;
		int r;

		if (p == NULL) {
			p = &dl->plans[dl->nplans++];
			p->alt_index = jb->alt_index;
			r = parse_layout(op, jb->alt_index, &p->layout, err);
			if (r != ERR_OK)
				return r;
			/* A mass erase covers the alt of the first piece written. */
			p->mass_erase = o->dfuse.mass_erase && dl->nplans == 1;
		}
		if (!dfuse_mem_check(&p->layout, jb->addr, (uint64_t)jb->addr + jb->len, 0, &bs,
				     &be))
			return error_set(err, ERR_DATA,
					 "0x%08llx-0x%08llx is outside the memory of alt %u \"%s\"",
					 (unsigned long long)bs, (unsigned long long)be - 1,
					 op->info.alts[jb->alt_index].alt, p->layout.name);
		if (!o->dfuse.force &&
		    !dfuse_mem_check(&p->layout, jb->addr, (uint64_t)jb->addr + jb->len,
				     DFUSE_MEM_WRITEABLE, &bs, &be)) {
			const struct dfuse_mem_segment *seg;
			char first[64] = "";

			for (seg = p->layout.segments;
			     seg < p->layout.segments + p->layout.nsegments; seg++)
				if ((seg->mode & DFUSE_MEM_WRITEABLE) && seg->end > be) {
					snprintf(first, sizeof(first),
						 "; the first writeable address after it is 0x%08llx",
						 (unsigned long long)(seg->start > be ? seg->start
										      : be));
					break;
				}
			return error_set(err, ERR_USAGE,
					 "0x%08llx-0x%08llx of \"%s\" is write-protected by the "
					 "device's layout%s; add :force to write it anyway",
					 (unsigned long long)bs, (unsigned long long)be - 1,
					 p->layout.name, first);
		}
	}
	for (size_t i = 0; i < dl->nplans; i++) {
		struct alt_plan *p = &dl->plans[i];
		struct dfuse_span *spans = calloc(dl->njobs, sizeof(*spans));
		size_t n = 0;
		int r;

		if (spans == NULL)
			return error_set(err, ERR_NOMEM, "out of memory");
		for (size_t j = 0; j < dl->njobs; j++)
			if (dl->jobs[j].alt_index == p->alt_index) {
				spans[n].start = dl->jobs[j].addr;
				spans[n].len = dl->jobs[j].len;
				n++;
			}
		r = dfuse_plan_erase(&p->layout, spans, n, &p->sectors, &p->nsectors, err);
		free(spans);
		if (r != ERR_OK)
			return r;
		p->action = calloc(p->nsectors ? p->nsectors : 1, sizeof(*p->action));
		if (p->action == NULL)
			return error_set(err, ERR_NOMEM, "out of memory");
		for (size_t s = 0; s < p->nsectors; s++)
			p->action[s] = SECTOR_ERASE;
	}
	return ERR_OK;
}

/* The index of the planned sector containing @addr, or -1. */
static long sector_index(const struct alt_plan *p, uint32_t addr)
{
	size_t lo = 0, hi = p->nsectors;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dfuse_sector *s = &p->sectors[mid];

		if (addr < s->start)
			hi = mid;
		else if ((uint64_t)addr >= (uint64_t)s->start + s->size)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

/* Compare sector @s as read (@cur) with what a full flash would leave there. */
static void classify_sector(const struct download *dl, struct alt_plan *p, size_t s,
			    const uint8_t *cur, uint8_t *want)
{
	const struct dfuse_sector *sec = &p->sectors[s];
	uint64_t e = (uint64_t)sec->start + sec->size;

	memset(want, 0xFF, sec->size);
	for (size_t j = 0; j < dl->njobs; j++) {
		const struct job *jb = &dl->jobs[j];
		uint64_t a = jb->addr > sec->start ? jb->addr : sec->start;
		uint64_t b = (uint64_t)jb->addr + jb->len;

		if (jb->alt_index != p->alt_index)
			continue;
		if (b > e)
			b = e;
		if (a < b)
			memcpy(want + (a - sec->start), jb->data + (a - jb->addr), (size_t)(b - a));
	}
	if (memcmp(cur, want, sec->size) == 0)
		p->action[s] = SECTOR_SAME;
	else if (dfuse_is_blank(cur, sec->size))
		p->action[s] = SECTOR_BLANK;
	else
		p->action[s] = SECTOR_ERASE;
}

/* Collects a stream of uploaded blocks into sectors and classifies each one. */
struct diff_reader {
	const struct download *dl;
	struct alt_plan *p;
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
			classify_sector(c->dl, c->p, c->sector, c->cur, c->want);
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
 * when the device cannot be read: the caller then falls back to a full flash.
 */
static int diff_sectors(struct ops *op, const struct download *dl, struct alt_plan *p,
			struct error *err)
{
	struct diff_reader c = { .dl = dl, .p = p };
	uint64_t t0 = clock_us(op);
	uint32_t biggest = 0;
	int r = ERR_OK;

	for (size_t s = 0; s < p->nsectors; s++)
		if (p->sectors[s].size > biggest)
			biggest = p->sectors[s].size;
	c.cur = malloc(biggest);
	c.want = malloc(biggest);
	if (c.cur == NULL || c.want == NULL)
		r = error_set(err, ERR_NOMEM, "out of memory");
	for (size_t s = 0, end; s < p->nsectors && r == ERR_OK; s = end) {
		uint64_t start = p->sectors[s].start, stop;
		size_t got = 0;

		for (end = s + 1; end < p->nsectors &&
				  p->sectors[end].start == (uint64_t)p->sectors[end - 1].start +
								   p->sectors[end - 1].size;
		     end++)
			;
		stop = (uint64_t)p->sectors[end - 1].start + p->sectors[end - 1].size;
		if (!dfuse_mem_check(&p->layout, start, stop, DFUSE_MEM_READABLE, NULL, NULL)) {
			r = error_set(err, ERR_USAGE, "0x%08llx-0x%08llx is not readable",
				      (unsigned long long)start, (unsigned long long)stop - 1);
			break;
		}
		c.sector = s;
		c.filled = 0;
		r = dfuse_read_stream(&op->dfu, (uint32_t)start, (size_t)(stop - start), diff_sink,
				      &c, &got, NULL, err);
		if (r == ERR_OK && got != stop - start)
			r = error_set(err, ERR_PROTOCOL, "short read at 0x%08llx",
				      (unsigned long long)start + got);
		if (op->stats != NULL)
			op->stats->bytes_read += got;
	}
	free(c.cur);
	free(c.want);
	if (op->stats != NULL)
		op->stats->read_us += clock_us(op) - t0;
	return r;
}

static int erase_sectors(struct ops *op, const struct alt_plan *p, struct error *err)
{
	struct ui_progress prog;
	uint64_t total = 0, t0 = clock_us(op);
	unsigned long count = 0;

	for (size_t s = 0; s < p->nsectors; s++)
		if (p->action[s] == SECTOR_ERASE) {
			total += p->sectors[s].size;
			count++;
		}
	if (count == 0)
		return ERR_OK;
	ui_info(op->ui, "Erasing %lu sector%s (%llu bytes)", count, count == 1 ? "" : "s",
		(unsigned long long)total);
	ui_progress_begin(&prog, op->ui, "Erasing", total);
	for (size_t s = 0; s < p->nsectors; s++) {
		int r;

		if (p->action[s] != SECTOR_ERASE)
			continue;
		r = dfuse_erase(&op->dfu, p->sectors[s].start,
				dfuse_erase_budget_ms(p->sectors[s].size), err);
		if (r != ERR_OK) {
			ui_progress_end(&prog);
			return r;
		}
		ui_progress_add(&prog, p->sectors[s].size);
		if (op->stats != NULL)
			op->stats->sectors_erased++;
	}
	ui_progress_end(&prog);
	if (op->stats != NULL)
		op->stats->erase_us += clock_us(op) - t0;
	return ERR_OK;
}

/*
 * Write one piece, split into runs at sectors that --diff found unchanged.
 * Blocks that are all 0xFF are skipped where the memory is known blank.
 */
static int write_job(struct ops *op, const struct alt_plan *p, const struct job *jb, bool last,
		     struct ui_progress *prog, struct error *err)
{
	const struct opts *o = op->o;
	uint64_t a = jb->addr, end = (uint64_t)jb->addr + jb->len;
	uint64_t run_start = a;
	bool in_run = false;

	while (a <= end) {
		bool skip = false;
		uint64_t next = end;

		if (a < end) {
			long s = sector_index(p, (uint32_t)a);

			if (s >= 0) {
				next = (uint64_t)p->sectors[s].start + p->sectors[s].size;
				skip = p->action[s] == SECTOR_SAME;
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
				.pointer_per_chunk = op->dfu.pointer_per_block,
				.skip_blank = p->mass_erase ||
					      dfuse_mem_check(&p->layout, run_start, a,
							      DFUSE_MEM_ERASABLE, NULL, NULL),
				.will_reset = o->dfuse.will_reset && last && a == end,
			};
			unsigned long sent = 0;
			int r = dfuse_write(&op->dfu, (uint32_t)run_start,
					    jb->data + (run_start - jb->addr),
					    (size_t)(a - run_start), &wo, prog, &sent, err);

			if (op->stats != NULL)
				op->stats->blocks_written += sent;
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
static int verify_alt(struct ops *op, const struct download *dl, const struct alt_plan *p,
		      struct error *err)
{
	struct ui_progress prog;
	uint64_t total = 0, t0 = clock_us(op);
	uint8_t *buf = NULL;
	int r = ERR_OK;

	for (size_t j = 0; j < dl->njobs; j++)
		if (dl->jobs[j].alt_index == p->alt_index)
			total += dl->jobs[j].len;
	ui_info(op->ui, "Verifying %llu bytes", (unsigned long long)total);
	ui_progress_begin(&prog, op->ui, "Verifying", total);
	for (size_t j = 0; j < dl->njobs && r == ERR_OK; j++) {
		const struct job *jb = &dl->jobs[j];
		size_t got = 0;

		if (jb->alt_index != p->alt_index)
			continue;
		free(buf);
		buf = malloc(jb->len);
		if (buf == NULL) {
			r = error_set(err, ERR_NOMEM, "out of memory");
			break;
		}
		r = dfuse_read(&op->dfu, jb->addr, buf, jb->len, &got, &prog, err);
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
					      "verify: 0x%08zx holds 0x%02x, the image has 0x%02x",
					      (size_t)jb->addr + i, buf[i], jb->data[i]);
				break;
			}
		if (op->stats != NULL)
			op->stats->bytes_read += got;
	}
	free(buf);
	ui_progress_end(&prog);
	if (op->stats != NULL)
		op->stats->verify_us += clock_us(op) - t0;
	return r;
}

/* --diff found every planned sector equal to the image, and no byte lies outside them. */
static bool all_same(const struct download *dl, const struct alt_plan *p)
{
	for (size_t s = 0; s < p->nsectors; s++)
		if (p->action[s] != SECTOR_SAME)
			return false;
	for (size_t j = 0; j < dl->njobs; j++) {
		const struct job *jb = &dl->jobs[j];

		if (jb->alt_index == p->alt_index &&
		    !dfuse_mem_check(&p->layout, jb->addr, (uint64_t)jb->addr + jb->len,
				     DFUSE_MEM_ERASABLE, NULL, NULL))
			return false;
	}
	return true;
}

/* Is job @j the last one written (last job of the last plan)? */
static bool is_last_write(const struct download *dl, const struct alt_plan *p, size_t j)
{
	if (p != &dl->plans[dl->nplans - 1])
		return false;
	for (size_t k = j + 1; k < dl->njobs; k++)
		if (dl->jobs[k].alt_index == p->alt_index)
			return false;
	return true;
}

static bool has_erasable(const struct dfuse_mem_layout *l)
{
	for (size_t i = 0; i < l->nsegments; i++)
		if (l->segments[i].mode & DFUSE_MEM_ERASABLE)
			return true;
	return false;
}

/*
 * With :will-reset, alts without erasable memory (option bytes) go last:
 * writing them resets the device, so anything after them would be lost.
 */
static void order_plans(struct download *dl)
{
	size_t w = 0;

	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = w; i < dl->nplans; i++)
			if (has_erasable(&dl->plans[i].layout) == (pass == 0)) {
				struct alt_plan t = dl->plans[i];

				memmove(&dl->plans[w + 1], &dl->plans[w], (i - w) * sizeof(t));
				dl->plans[w++] = t;
			}
}

static int run_plan(struct ops *op, const struct download *dl, struct alt_plan *p,
		    struct error *err)
{
	const struct opts *o = op->o;
	struct ui_progress prog;
	uint64_t total = 0, t0;
	int r = start_alt(op, p->alt_index, err);

	if (r != ERR_OK)
		return r;
	if (p->mass_erase) {
		ui_info(op->ui, "Mass erase of alt %u \"%s\"", op->info.alts[p->alt_index].alt,
			p->layout.name);
		r = dfuse_mass_erase(&op->dfu, err);
		if (r != ERR_OK)
			return r;
		for (size_t s = 0; s < p->nsectors; s++)
			p->action[s] = SECTOR_BLANK;
	} else if (o->diff && p->nsectors > 0) {
		r = diff_sectors(op, dl, p, err);
		if (r != ERR_OK) {
			ui_info(op->ui, "Cannot compare with the device (%s): flashing in full",
				err != NULL ? err->msg : "read failed");
			for (size_t s = 0; s < p->nsectors; s++)
				p->action[s] = SECTOR_ERASE;
			r = dfu_make_idle(&op->dfu, err);
			if (r != ERR_OK)
				return r;
		} else {
			unsigned long same = 0, blank = 0;

			for (size_t s = 0; s < p->nsectors; s++) {
				same += p->action[s] == SECTOR_SAME;
				blank += p->action[s] == SECTOR_BLANK;
			}
			if (op->stats != NULL)
				op->stats->sectors_skipped += same;
			ui_info(op->ui,
				"Compared %zu sectors: %lu unchanged, %lu blank, %lu to erase",
				p->nsectors, same, blank,
				(unsigned long)p->nsectors - same - blank);
		}
	}
	r = erase_sectors(op, p, err);
	if (r != ERR_OK)
		return r;
	for (size_t j = 0; j < dl->njobs; j++)
		if (dl->jobs[j].alt_index == p->alt_index)
			total += dl->jobs[j].len;
	if (p->nsectors > 0 && all_same(dl, p)) {
		ui_info(op->ui, "Nothing to write: alt %u \"%s\" already holds the image",
			op->info.alts[p->alt_index].alt, p->layout.name);
		return o->verify ? verify_alt(op, dl, p, err) : ERR_OK;
	}
	ui_info(op->ui, "Writing %llu bytes to alt %u \"%s\"", (unsigned long long)total,
		op->info.alts[p->alt_index].alt, p->layout.name);
	t0 = clock_us(op);
	ui_progress_begin(&prog, op->ui, "Writing", total);
	for (size_t j = 0; j < dl->njobs; j++) {
		if (dl->jobs[j].alt_index != p->alt_index)
			continue;
		r = write_job(op, p, &dl->jobs[j], is_last_write(dl, p, j), &prog, err);
		if (r != ERR_OK) {
			ui_progress_end(&prog);
			return r;
		}
		if (op->stats != NULL)
			op->stats->bytes_written += dl->jobs[j].len;
	}
	ui_progress_end(&prog);
	if (op->stats != NULL)
		op->stats->write_us += clock_us(op) - t0;
	if (o->dfuse.will_reset)
		return ERR_OK; /* the device may be resetting: nothing more to ask it */
	if (o->verify)
		return verify_alt(op, dl, p, err);
	return ERR_OK;
}

static int leave(struct ops *op, bool has_addr, uint32_t addr, struct error *err)
{
	bool gone = false;
	int r;

	ui_info(op->ui,
		has_addr ? "Leaving DFU mode, starting the application at 0x%08x"
			 : "Leaving DFU mode",
		addr);
	r = dfuse_leave(&op->dfu, has_addr, addr, &gone, err);
	if (r != ERR_OK)
		return r;
	op->gone = true;
	ui_info(op->ui, gone ? "The device left DFU mode" : "The device is leaving DFU mode");
	return ERR_OK;
}

static int op_download(struct ops *op, struct error *err)
{
	const struct opts *o = op->o;
	struct dfu_file_image img;
	struct download dl;
	uint8_t *buf = NULL;
	size_t len = 0, cap;
	int r;

	memset(&dl, 0, sizeof(dl));
	memset(&img, 0, sizeof(img));
	r = dfu_file_load(o->file, &buf, &len, err);
	if (r != ERR_OK)
		return error_wrap(err, "download");
	r = dfu_file_parse(buf, len, o->dfuse.force ? DFU_FILE_FORCE : 0, &img, err);
	if (r != ERR_OK) {
		free(buf);
		return error_wrap(err, "download: %s", o->file);
	}
	if (img.warnings & DFU_FILE_WARN_CRC_FORCED)
		ui_warn(op->ui,
			"%s: suffix CRC is wrong (0x%08x, computed 0x%08x); flashing "
			"anyway because of :force",
			o->file, img.suffix.crc_stored, img.suffix.crc_computed);
	if (img.warnings & DFU_FILE_WARN_IMAGESIZE)
		ui_warn(op->ui,
			"%s: DFUImageSize matches neither the file nor the file without "
			"its suffix",
			o->file);
	if (img.warnings & DFU_FILE_WARN_TRAILING)
		ui_warn(op->ui, "%s: %zu bytes after the last target ignored", o->file,
			img.trailing_bytes);
	if (img.warnings & DFU_FILE_WARN_TARGET_COUNT)
		ui_warn(op->ui, "%s: bTargets disagrees with the targets found", o->file);
	if (img.format == DFU_FILE_DFUSE && o->dfuse.has_address) {
		r = error_set(err, ERR_USAGE,
			      "download: %s is a DfuSe file and carries its own addresses; drop "
			      "the address from -s",
			      o->file);
		goto out;
	}
	r = get_dfu_device(op, err);
	if (r != ERR_OK)
		goto wrap;
	if (img.suffix.present && !suffix_matches(&img.suffix, &op->info)) {
		bool explicit_id = o->id_runtime.given || o->id_dfu.given;

		if (explicit_id && !o->dfuse.force) {
			r = error_set(err, ERR_DATA,
				      "%s is for [%04x:%04x], the device is [%04x:%04x]; :force "
				      "overrides",
				      o->file, img.suffix.idVendor, img.suffix.idProduct,
				      op->info.vid, op->info.pid);
			goto wrap;
		}
		ui_warn(op->ui, "%s is for [%04x:%04x] but the device is [%04x:%04x]", o->file,
			img.suffix.idVendor, img.suffix.idProduct, op->info.vid, op->info.pid);
	}
	cap = img.format == DFU_FILE_RAW ? 1 : 0;
	for (size_t t = 0; t < img.ntargets; t++)
		cap += img.targets[t].nelements;
	dl.jobs = calloc(cap ? cap : 1, sizeof(*dl.jobs));
	if (dl.jobs == NULL) {
		r = error_set(err, ERR_NOMEM, "out of memory");
		goto out;
	}
	if (img.format == DFU_FILE_RAW) {
		int index;
		uint32_t addr;

		r = choose_alt(op, o->dfuse.has_address, o->dfuse.address, &index, err);
		if (r != ERR_OK)
			goto wrap;
		if (o->dfuse.has_address) {
			addr = o->dfuse.address;
		} else {
			struct dfuse_mem_layout l;

			r = parse_layout(op, index, &l, err);
			if (r != ERR_OK)
				goto wrap;
			addr = l.segments[0].start;
			ui_info(op->ui,
				"No address given (-s): writing at 0x%08x, the start of \"%s\"",
				addr, l.name);
		}
		if ((uint64_t)addr + img.payload_len > UINT64_C(0x100000000)) {
			r = error_set(err, ERR_USAGE, "%zu bytes at 0x%08x run past 4 GiB",
				      img.payload_len, addr);
			goto wrap;
		}
		add_job(&dl, cap, index, addr, img.payload, (uint32_t)img.payload_len);
	} else {
		r = jobs_from_dfuse(op, &img, &dl, cap, err);
		if (r != ERR_OK)
			goto wrap;
	}
	r = plan_download(op, &dl, err);
	if (r != ERR_OK)
		goto wrap;
	if (o->dfuse.will_reset)
		order_plans(&dl);
	for (size_t i = 0; i < dl.nplans && r == ERR_OK; i++)
		r = run_plan(op, &dl, &dl.plans[i], err);
	if (r != ERR_OK)
		goto wrap;
	ui_info(op->ui, "Download done");
	if (o->dfuse.will_reset) {
		op->gone = true;
		ui_info(op->ui, "The device may reset now (will-reset)");
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
		r = open_alt(op, dl.jobs[0].alt_index, err);
		if (r == ERR_OK)
			r = leave(op, true, start, err);
		if (r != ERR_OK)
			goto wrap;
	}
	goto out;
wrap:
	error_wrap(err, "download");
out:
	download_free(&dl);
	dfu_file_free(&img);
	free(buf);
	return r;
}

/* --- -s without -U/-D: DfuSe commands ---------------------------------- */

static int op_command(struct ops *op, struct error *err)
{
	const struct opts *o = op->o;
	struct dfuse_mem_layout l;
	int index, r;

	r = get_dfu_device(op, err);
	if (r == ERR_OK)
		r = choose_alt(op, o->dfuse.has_address, o->dfuse.address, &index, err);
	if (r == ERR_OK)
		r = start_alt(op, index, err);
	if (r != ERR_OK)
		return r;
	if (o->dfuse.mass_erase) {
		ui_info(op->ui, "Mass erase of alt %u \"%s\"", op->info.alts[index].alt,
			op->info.alts[index].name);
		r = dfuse_mass_erase(&op->dfu, err);
		if (r != ERR_OK)
			return r;
		ui_info(op->ui, "Mass erase done");
	}
	if (o->dfuse.unprotect) {
		bool gone = false;

		ui_info(op->ui, "Removing read protection: the device erases its flash and resets");
		r = dfuse_unprotect(&op->dfu, &gone, err);
		if (r != ERR_OK)
			return r;
		op->gone = true;
		ui_info(op->ui, gone ? "Read protection removed; the device reset"
				     : "Read unprotect accepted; the device is resetting");
		return ERR_OK;
	}
	if (o->dfuse.leave) {
		uint32_t addr = o->dfuse.address;

		if (!o->dfuse.has_address) {
			r = parse_layout(op, index, &l, err);
			if (r != ERR_OK)
				return r;
			addr = l.segments[0].start;
		}
		return leave(op, true, addr, err);
	}
	return ERR_OK;
}

/* --- -e alone ------------------------------------------------------------ */

static int op_detach(struct ops *op, struct error *err)
{
	int r = wait_for_device(op, true, err);

	if (r != ERR_OK)
		return r;
	if (!op->info.runtime) {
		ui_info(op->ui, "[%04x:%04x] path=\"%s\" is already in DFU mode", op->info.vid,
			op->info.pid, op->info.path);
		return ERR_OK;
	}
	r = detach(op, err);
	if (r != ERR_OK)
		return r;
	ui_info(op->ui, "Detach requested; the device re-enumerates in DFU mode");
	return ERR_OK;
}

/* -R: a USB reset so the device runs its firmware. Gone already = done. */
static int reset_device(struct ops *op, struct error *err)
{
	int t;

	if (op->gone)
		return ERR_OK;
	if (!op->opened) {
		int r = wait_for_device(op, false, err);

		if (r == ERR_OK)
			r = open_alt(op, 0, err);
		if (r != ERR_OK)
			return error_wrap(err, "reset");
	}
	ui_info(op->ui, "Resetting the USB device");
	t = op->dfu.tr.ops->reset(op->dfu.tr.ctx);
	/* After a reset the device re-enumerates: the old handle reporting it gone is success. */
	if (t != TR_OK && t != TR_NODEV)
		return error_set(err, ERR_IO, "reset: %s", transport_status_str(t));
	op->gone = true;
	return ERR_OK;
}

static void print_stats(const struct ops *op)
{
	const struct ops_stats *s = op->stats;

	if (s == NULL || op->ui->verbose < 1)
		return;
	if (s->erase_us > 0 || s->sectors_erased > 0)
		ui_info(op->ui, "Erase:  %lu sectors in %.3f s", s->sectors_erased,
			seconds(s->erase_us));
	if (s->bytes_written > 0)
		ui_info(op->ui, "Write:  %llu bytes (%lu blocks sent) in %.3f s, %.1f KiB/s",
			s->bytes_written, s->blocks_written, seconds(s->write_us),
			s->write_us ? (double)s->bytes_written / 1024.0 / seconds(s->write_us)
				    : 0.0);
	if (s->verify_us > 0)
		ui_info(op->ui, "Verify: %.3f s", seconds(s->verify_us));
	if (s->bytes_read > 0)
		ui_info(op->ui, "Read:   %llu bytes in %.3f s, %.1f KiB/s", s->bytes_read,
			seconds(s->read_us + s->verify_us),
			s->read_us + s->verify_us ? (double)s->bytes_read / 1024.0 /
							    seconds(s->read_us + s->verify_us)
						  : 0.0);
	if (s->sectors_skipped > 0)
		ui_info(op->ui, "Diff:   %lu sectors already up to date", s->sectors_skipped);
	ui_info(op->ui, "USB:    %lu DFU requests", s->requests);
}

int ops_run(const struct opts *o, struct dev_backend be, const struct ui *ui,
	    struct ops_stats *stats, struct error *err)
{
	struct ops_stats local;
	struct ops op;
	int r;

	memset(&op, 0, sizeof(op));
	memset(&local, 0, sizeof(local));
	op.o = o;
	op.be = be;
	op.ui = ui;
	op.stats = stats != NULL ? stats : &local;
	op.alt_index = -1;
	switch (o->mode) {
	case OPT_MODE_LIST:
		r = op_list(&op, err);
		break;
	case OPT_MODE_UPLOAD:
		r = op_upload(&op, err);
		break;
	case OPT_MODE_DOWNLOAD:
		r = op_download(&op, err);
		break;
	case OPT_MODE_COMMAND:
		r = op_command(&op, err);
		break;
	case OPT_MODE_DETACH:
		r = op_detach(&op, err);
		break;
	case OPT_MODE_RESET:
		r = ERR_OK;
		break;
	case OPT_MODE_NONE:
	case OPT_MODE_VERSION:
	case OPT_MODE_HELP:
	default:
		r = error_set(err, ERR_USAGE, "no operation given (try -h)");
		break;
	}
	if (r == ERR_OK && o->reset)
		r = reset_device(&op, err);
	close_device(&op);
	print_stats(&op);
	return r;
}
