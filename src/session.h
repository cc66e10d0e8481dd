/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One run of an operation over one device: the options, the backend, what
 * enumeration found about the selected device, and the DFU interface once it
 * is open. Also the alternate-setting choices every operation shares (-a by
 * number or name, the alt holding an address) and its memory layout.
 */
#ifndef DFUSE_SESSION_H
#define DFUSE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "dfu.h"
#include "dfuse_mem.h"
#include "error.h"
#include "options.h"
#include "quirks.h"
#include "ui.h"

/* How often the bus is scanned while waiting for a device. */
#define SESSION_SCAN_INTERVAL_US 50000

/* What one run did, for -v summaries, tests and the benchmark. */
struct ops_stats {
	unsigned long requests; /* DFU control requests sent */
	unsigned long sectors_erased;
	unsigned long sectors_skipped; /* --diff: already equal to the image */
	unsigned long blocks_written;
	unsigned long long bytes_written;
	unsigned long long bytes_read;
	/*
	 * Per alt (index into the device's alts): bytes written, and of them
	 * the bytes --verify read back and compared. The report's "verified"
	 * is true only when every alt's written bytes were all compared.
	 */
	unsigned long long alt_written[DEV_MAX_ALTS], alt_verified[DEV_MAX_ALTS];
	uint64_t erase_us, write_us, verify_us, read_us;
	unsigned long polls;	 /* GETSTATUS sent while the device worked (-s :fast: more) */
	uint64_t device_busy_us; /* how long the device's work really took, as polled */
	uint64_t announced_us;	 /* how long the device announced it would take */
};

/* The memory layout of one alt, parsed on first use (session_layout()). */
struct session_layout {
	bool parsed; /* parsing was tried: @ok tells how it went */
	bool ok;
	bool warned; /* about characters after its last group */
	struct dfuse_mem_layout l;
};

struct session {
	const struct opts *o;
	struct dev_backend be;
	const struct ui *ui;
	struct ops_stats *stats; /* never NULL */
	/* the selected device (session_select()) */
	bool selected; /* info was chosen by the caller (--all): selection keeps it */
	struct dev_info info;
	/* its quirks, looked up once; the open interface (dfu.quirks) points here */
	struct dfu_quirks quirks;
	struct session_layout layouts[DEV_MAX_ALTS]; /* by index into info.alts */
	bool opened;
	int alt_index; /* index into info.alts of the selected alt, -1 before */
	struct dfu_if dfu;
	bool gone;     /* the device left the bus: written by session_gone() alone */
	bool pad_said; /* the flash-word padding was announced (once per run) */
	/* info was reached by detaching a run-time device with these IDs */
	bool from_runtime;
	uint16_t rt_vid, rt_pid;
};

/*
 * Make @d the selected device: look up its quirks once (by IDs, and by the
 * layout of its alt 0), apply those that change what enumeration found
 * (the GD32VF103's layout), and forget the layouts of the device before.
 */
void session_select(struct session *s, const struct dev_info *d);

/* The device has left the bus (leave, reset, unprotect, option bytes): -R has nothing to do. */
void session_gone(struct session *s);

/* The backend's monotonic clock, in microseconds. */
uint64_t session_now_us(const struct session *s);

/*
 * Open the selected device (s->info) on alt setting @index (into
 * info.alts), or switch the open device to it. Returns ERR_OK or the
 * backend's error (ERR_ACCESS, ERR_NOTFOUND, ERR_IO).
 */
int session_open_alt(struct session *s, int index, struct error *err);

/*
 * session_open_alt(), then bring the device to dfuIDLE. The first open
 * prints the device line. Returns ERR_OK or the error.
 */
int session_start_alt(struct session *s, int index, struct error *err);

/* Release the device (adds its request count to the stats). Safe when closed. */
void session_close(struct session *s);

/* The index into d->alts of alternate setting @alt, or -1. */
int session_alt_by_number(const struct dev_info *d, unsigned alt);

/*
 * -a N or -a NAME into *@index (-1 when -a was not given). ERR_USAGE naming
 * what the device has when it has no such alt.
 */
int session_alt_from_option(const struct session *s, int *index, struct error *err);

/*
 * Select the alt for a raw upload/download at @addr (when @has_addr): -a, or
 * the alt whose layout contains the address, or the first alt.
 */
int session_choose_alt(struct session *s, bool has_addr, uint32_t addr, int *index,
		       struct error *err);

/*
 * Append to @err which alt of the device holds @addr ("; alt 1 holds
 * 0x1fffc000: use -a 1"), or that none does.
 */
void session_hint_alt(struct session *s, uint32_t addr, struct error *err);

/*
 * The memory layout of alt @index, parsed once per selected device (the
 * first call that needs it warns about characters after its last group).
 * *@l points into @s until another device is selected. ERR_OK; ERR_DATA
 * naming the alt when its name is no layout; ERR_IO when the name could
 * not be read.
 */
int session_layout(struct session *s, int index, const struct dfuse_mem_layout **l,
		   struct error *err);

/* The same without a word: NULL when alt @index has no layout. */
const struct dfuse_mem_layout *session_layout_quiet(struct session *s, int index);

#endif
