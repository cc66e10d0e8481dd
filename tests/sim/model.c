/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated STM32 DfuSe bootloader: descriptors, standard requests, the
 * DFU 1.1 state machine, the DfuSe commands of AN3156, flash that must be
 * erased before it is written, timing, faults and the instrumentation log.
 *
 * Log format (sim_device_set_log), one line per control request:
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
 *
 * Choices where AN3156 and DFU 1.1 leave room (documented once, here):
 * - Status codes: Set Address Pointer or Erase outside the selected alt's
 *   layout, an erase of a sector that is not erasable and an unknown command
 *   byte give errTARGET (AN3156: "wrong address"); a data block that reaches
 *   outside every segment gives errADDRESS, one that touches a sector that is
 *   not writeable gives errWRITE, one onto flash that is not blank errPROG,
 *   and anything touching flash under read protection errVENDOR (an UPLOAD
 *   there STALLs with errVENDOR). Errors are reported by the GETSTATUS that
 *   completes the command, as on the real ROM.
 * - DETACH in DFU mode is accepted in dfuIDLE, dfuDNLOAD-IDLE and
 *   dfuUPLOAD-IDLE and only returns to dfuIDLE: ST's ROM accepts it, and a
 *   ROM has nowhere to detach to (a reset brings the bootloader back while
 *   BOOT0 is held).
 * - A zero-length DNLOAD ("leave") is accepted in dfuIDLE as well as in
 *   dfuDNLOAD-IDLE, as ST ROMs do.
 * - Read Unprotect and option byte writes reset the device: the GETSTATUS
 *   that reports the command complete is answered, then the device is gone.
 * - device_wait_us sums the bwPollTimeout that starts each busy period (the
 *   least the host must wait); the remaining time re-announced to an early
 *   poll is not added again.
 * - The address pointer starts (and is set again by a bus reset) at the start
 *   of alt 0's first segment.
 * - sim_device_set_alt() is a SET_INTERFACE on the wire: it counts in
 *   stats.requests and towards faults.disconnect_after. A GETSTATUS asked
 *   again after SIM_LATER is the same request and is counted once.
 * - sim_device_chip() returns the chip the device currently is (after a
 *   run-time device re-enumerated: its DFU-mode chip), never NULL.
 * - Plain DFU 1.1 chips (chip->plain) know no DfuSe command: DNLOAD blocks
 *   are data written one after the other from the alt's first address and
 *   must carry wBlockNum 0, 1, 2... (wrapping at 0xFFFF; the model checks
 *   the host); a zero-length DNLOAD in dfuIDLE is errNOTDONE. UPLOAD block
 *   N is read N first-block lengths into the alt, a short block at its end.
 *   The GETSTATUS after the zero-length DNLOAD starts manifestation
 *   (dfuMANIFEST for timing.manifest_ms, or done at once when it is 0),
 *   which ends in dfuIDLE when bitManifestationTolerant is set and in
 *   dfuMANIFEST-WAIT-RESET otherwise; there only GETSTATUS and GETSTATE are
 *   answered, and a reset runs the application: the device is gone.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "model.h"

enum sim_dfu_state {
	ST_APP_IDLE = 0,
	ST_APP_DETACH = 1,
	ST_DFU_IDLE = 2,
	ST_DNLOAD_SYNC = 3,
	ST_DNBUSY = 4,
	ST_DNLOAD_IDLE = 5,
	ST_MANIFEST_SYNC = 6,
	ST_MANIFEST = 7,
	ST_MANIFEST_WAIT_RESET = 8,
	ST_UPLOAD_IDLE = 9,
	ST_DFU_ERROR = 10,
};

enum sim_dfu_status {
	S_OK = 0,
	S_TARGET = 1,
	S_FILE = 2,
	S_WRITE = 3,
	S_ERASE = 4,
	S_CHECK_ERASED = 5,
	S_PROG = 6,
	S_VERIFY = 7,
	S_ADDRESS = 8,
	S_NOTDONE = 9,
	S_FIRMWARE = 10,
	S_VENDOR = 11,
	S_USBR = 12,
	S_POR = 13,
	S_UNKNOWN = 14,
	S_STALLEDPKT = 15,
};

enum sim_dfu_request {
	REQ_DETACH = 0,
	REQ_DNLOAD = 1,
	REQ_UPLOAD = 2,
	REQ_GETSTATUS = 3,
	REQ_CLRSTATUS = 4,
	REQ_GETSTATE = 5,
	REQ_ABORT = 6,
};

/* What a DNLOAD asked for; it runs when the following GETSTATUS arrives. */
enum sim_op {
	OP_NONE,
	OP_GET_COMMANDS,
	OP_SET_ADDRESS,
	OP_ERASE,
	OP_MASS_ERASE,
	OP_UNPROTECT,
	OP_WRITE,
	OP_BAD_COMMAND,
	OP_PLAIN_WRITE, /* a plain DFU 1.1 data block, at the next sequential address */
};

/* Sector type bits, as in the layout's type letter minus 'a' plus one. */
#define SEC_READ  1u
#define SEC_ERASE 2u
#define SEC_WRITE 4u

#define SIM_MAX_SECTORS	  4096	      /* per alt */
#define SIM_MAX_ALT_BYTES (64u << 20) /* per alt */
#define SIM_MAX_POLL_MS	  0xFFFFFFu   /* bwPollTimeout is 24 bits */
#define SIM_STRING_MAX	  126	      /* UTF-16 units in one string descriptor */

struct sim_sector {
	uint32_t addr, size;
	unsigned flags;
	unsigned long erases;
	uint8_t *mem;
};

struct sim_alt {
	size_t nsect;
	struct sim_sector *sect; /* sorted by address, not overlapping */
	uint8_t *mem;
	bool resets_after_write; /* option bytes: the ROM reloads them by a system reset */
};

struct sim_device {
	const struct sim_chip *chip;	 /* what it enumerates as now */
	const struct sim_chip *mem_chip; /* whose memory it holds (a run-time app: its ROM's) */
	uint16_t idProduct;
	char serial[SIM_STRING_MAX + 1];
	struct sim_faults faults;
	double scale;
	FILE *log;
	uint64_t now_us;

	bool gone, leave_requested;
	uint8_t config, alt;
	enum sim_dfu_state state;
	enum sim_dfu_status status;
	uint32_t pointer;
	uint64_t detach_at_us;

	size_t nalts;
	struct sim_alt alts[SIM_MAX_ALTS];

	/* the pending DfuSe command or data block */
	enum sim_op op;
	uint16_t op_block;
	size_t op_len;
	uint8_t *xfer;
	size_t xfer_cap;
	enum sim_dfu_status op_status;
	bool op_resets;
	uint64_t busy_since_us, busy_until_us;
	unsigned stalls_left;
	bool gone_after_reply;
	/* faults: a stuck erase (H7), data DNLOADs seen (F411), busy answers still to repeat */
	bool stuck_pending, stuck, hang;
	unsigned long data_dnloads;
	unsigned repeat_left;
	uint32_t busy_poll;

	/* plain DFU 1.1: where the next block goes, what block number it must carry */
	uint32_t plain_off;
	uint16_t plain_block;
	uint16_t plain_upload_len; /* wLength of the first UPLOAD block: blocks are that big */

	/* strict timing: a GETSTATUS held back until ready_at_us */
	bool retry;
	uint64_t ready_at_us;

	unsigned long nrequests;
	struct sim_stats stats;

	/* filled by the request handlers for the log line */
	long log_poll;
	const char *log_note;
};

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

static void log_event(const struct sim_device *d, const char *fmt, ...) COMPAT_PRINTF(2, 3);

static void log_event(const struct sim_device *d, const char *fmt, ...)
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

static void log_request(struct sim_device *d, uint8_t bmRequestType, uint8_t bRequest,
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

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* ---- memory layout: our own parser, independent of src/dfuse_mem.c ---- */

static bool parse_uint(const char **sp, int base, uint64_t limit, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;
	size_t n = 0;

	for (;; s++, n++) {
		unsigned digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (unsigned)(*s - 'A' + 10);
		else
			break;
		v = v * (uint64_t)base + digit;
		if (v > limit)
			return false;
	}
	if (n == 0)
		return false;
	*sp = s;
	*out = v;
	return true;
}

static int cmp_sector(const void *a, const void *b)
{
	const struct sim_sector *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Option byte contents a fresh part holds, by the option alt's start address. */
static const struct {
	uint32_t addr;
	uint8_t bytes[16];
} option_defaults[] = {
	/*
	 * STM32F4 (RM0090 option bytes): USER 0xEC and RDP 0xAA (level 0) with
	 * their complements, no write protection (nWRP all ones).
	 */
	{ 0x1FFFC000u,
	  { 0xEC, 0xAA, 0x13, 0x55, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF,
	    0xFF, 0xFF } },
	/* STM32F1/GD32 style: RDP 0xA5 (unprotected), every byte with its complement. */
	{ 0x1FFFF800u,
	  { 0xA5, 0x5A, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00,
	    0xFF, 0x00 } },
};

static bool name_starts(const char *name, const char *prefix)
{
	return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* What a fresh part holds in one sector. */
static void fill_initial(const char *alt_name, struct sim_sector *s)
{
	if (s->flags & SEC_ERASE) {
		memset(s->mem, 0xFF, s->size); /* erased flash */
		return;
	}
	if (!(s->flags & SEC_WRITE)) {
		/* read-only code (a bootloader protecting itself): a pattern, not blank */
		for (uint32_t i = 0; i < s->size; i++) {
			uint32_t a = s->addr + i;
			s->mem[i] = (uint8_t)(a ^ (a >> 8) ^ 0x5A);
		}
		return;
	}
	if (name_starts(alt_name, "@Device Feature")) {
		memset(s->mem, 0, s->size);
		return;
	}
	memset(s->mem, 0xFF, s->size); /* OTP and unknown non-volatile areas */
	for (size_t i = 0; i < sizeof(option_defaults) / sizeof(option_defaults[0]); i++) {
		uint32_t size = s->size < 16 ? s->size : 16;

		if (option_defaults[i].addr == s->addr && name_starts(alt_name, "@Option Bytes"))
			memcpy(s->mem, option_defaults[i].bytes, size);
	}
}

/*
 * "@name/0xADDR/N*SIZE<mult><type>,.../0xADDR/..." -> sorted sectors with
 * memory. A name without '/' (a run-time interface) has no memory. Returns
 * false on a malformed or oversized layout (a bug in the chip table).
 */
static bool alt_build(struct sim_alt *alt, const char *name)
{
	const char *s = strchr(name, '/');
	size_t nsect = 0, total = 0;
	struct sim_sector *sect;

	memset(alt, 0, sizeof(*alt));
	alt->resets_after_write = name_starts(name, "@Option Bytes");
	if (!s)
		return true;
	sect = calloc(SIM_MAX_SECTORS, sizeof(*sect));
	if (!sect)
		return false;
	while (*s == '/') {
		uint64_t addr;

		s++;
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			goto fail;
		s += 2;
		if (!parse_uint(&s, 16, UINT32_MAX, &addr) || *s != '/')
			goto fail;
		s++;
		for (;;) {
			uint64_t count, size;
			unsigned flags;

			if (!parse_uint(&s, 10, SIM_MAX_SECTORS, &count) || *s != '*')
				goto fail;
			s++;
			if (!parse_uint(&s, 10, 1u << 20, &size))
				goto fail;
			switch (*s) {
			case ' ':
			case 'B':
				break;
			case 'K':
				size *= 1024u;
				break;
			case 'M':
				size *= 1024u * 1024u;
				break;
			default:
				goto fail;
			}
			s++;
			if (*s < 'a' || *s > 'g')
				goto fail;
			flags = (unsigned)(*s - 'a' + 1);
			s++;
			if (count == 0 || size == 0 || nsect + count > SIM_MAX_SECTORS ||
			    size * count > SIM_MAX_ALT_BYTES - total)
				goto fail;
			for (uint64_t i = 0; i < count; i++) {
				if (addr + size - 1 > UINT32_MAX)
					goto fail;
				sect[nsect].addr = (uint32_t)addr;
				sect[nsect].size = (uint32_t)size;
				sect[nsect].flags = flags;
				nsect++;
				addr += size;
			}
			total += (size_t)(size * count);
			if (*s != ',')
				break;
			s++;
		}
	}
	if (*s != '\0' || nsect == 0)
		goto fail;
	qsort(sect, nsect, sizeof(*sect), cmp_sector);
	for (size_t i = 1; i < nsect; i++)
		if ((uint64_t)sect[i - 1].addr + sect[i - 1].size > sect[i].addr)
			goto fail;
	alt->mem = malloc(total);
	if (!alt->mem)
		goto fail;
	for (size_t i = 0, off = 0; i < nsect; off += sect[i].size, i++) {
		sect[i].mem = alt->mem + off;
		fill_initial(name, &sect[i]);
	}
	alt->sect = sect;
	alt->nsect = nsect;
	return true;
fail:
	free(sect);
	return false;
}

static void alt_free(struct sim_alt *alt)
{
	free(alt->sect);
	free(alt->mem);
	memset(alt, 0, sizeof(*alt));
}

static struct sim_sector *alt_sector(const struct sim_alt *alt, uint32_t addr)
{
	size_t lo = 0, hi = alt->nsect;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct sim_sector *s = &alt->sect[mid];

		if (addr < s->addr)
			hi = mid;
		else if (addr - s->addr >= s->size)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

/* The sector holding @addr in any alt (for the test helpers). */
static struct sim_sector *any_sector(const struct sim_device *d, uint32_t addr)
{
	for (size_t i = 0; i < d->nalts; i++) {
		struct sim_sector *s = alt_sector(&d->alts[i], addr);

		if (s)
			return s;
	}
	return NULL;
}

/* ---- lifetime ---- */

static void device_reset_state(struct sim_device *d)
{
	d->state = d->chip->runtime ? ST_APP_IDLE : ST_DFU_IDLE;
	d->status = S_OK;
	d->alt = 0;
	d->op = OP_NONE;
	d->retry = false;
	d->gone_after_reply = false;
	d->stuck = d->stuck_pending = d->hang = false;
	d->pointer = d->nalts && d->alts[0].nsect ? d->alts[0].sect[0].addr : 0;
}

static size_t xfer_size(const struct sim_chip *c)
{
	return c->wTransferSize ? c->wTransferSize : 1;
}

/*
 * The layout alt @i really has: its string, or the chip's real layout (with
 * the page count a GD32VF103 takes from its serial) in @buf.
 */
static const char *real_layout(const struct sim_chip *c, const char *serial, size_t i, char *buf,
			       size_t cap)
{
	const char *fmt = c->real_layouts[i];
	const char *map = c->flash_kib_by_serial;

	if (fmt == NULL)
		return c->alt_names[i];
	if (map == NULL || i != 0)
		return fmt;
	/* "4:16,6:32,...": the entry for the serial's third character */
	for (const char *m = map; strlen(serial) >= 3 && *m != '\0';) {
		if (m[0] == serial[2] && m[1] == ':') {
			snprintf(buf, cap, "%s%u*001Kg", fmt, (unsigned)strtoul(m + 2, NULL, 10));
			return buf;
		}
		m = strchr(m, ',');
		if (m == NULL)
			break;
		m++;
	}
	return c->alt_names[i];
}

struct sim_device *sim_device_new(const struct sim_chip *chip, const char *serial)
{
	char buf[128];
	struct sim_device *d;
	const struct sim_chip *mem_chip = chip;

	if (!chip || chip->nalts == 0 || chip->nalts > SIM_MAX_ALTS)
		return NULL;
	if (chip->runtime) {
		mem_chip = sim_chip_find(chip->dfu_chip);
		if (!mem_chip || mem_chip->runtime || mem_chip->nalts > SIM_MAX_ALTS)
			return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->chip = chip;
	d->mem_chip = mem_chip;
	d->idProduct = chip->idProduct;
	snprintf(d->serial, sizeof(d->serial), "%s", serial ? serial : chip->serial);
	d->scale = 1.0;
	d->xfer_cap = xfer_size(chip) > xfer_size(mem_chip) ? xfer_size(chip) : xfer_size(mem_chip);
	d->xfer = malloc(d->xfer_cap);
	if (!d->xfer)
		goto fail;
	d->nalts = mem_chip->nalts;
	for (size_t i = 0; i < d->nalts; i++) {
		const char *mem = real_layout(mem_chip, d->serial, i, buf, sizeof(buf));

		/* plain DFU alt names are not layouts: the chip row gives the memory */
		if (mem_chip->plain)
			mem = mem_chip->plain_mem[i] ? mem_chip->plain_mem[i] : "";
		if (!alt_build(&d->alts[i], mem))
			goto fail;
	}
	device_reset_state(d);
	return d;
fail:
	sim_device_free(d);
	return NULL;
}

void sim_device_free(struct sim_device *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < SIM_MAX_ALTS; i++)
		alt_free(&d->alts[i]);
	free(d->xfer);
	free(d);
}

void sim_device_set_faults(struct sim_device *d, const struct sim_faults *f)
{
	if (f)
		d->faults = *f;
	else
		memset(&d->faults, 0, sizeof(d->faults));
}

void sim_device_set_time_scale(struct sim_device *d, double scale)
{
	d->scale = scale >= 0 ? scale : 1.0;
}

void sim_device_set_log(struct sim_device *d, FILE *log)
{
	d->log = log;
}

bool sim_device_gone(const struct sim_device *d)
{
	return d->gone;
}

const struct sim_chip *sim_device_chip(const struct sim_device *d)
{
	return d->chip;
}

uint16_t sim_device_idProduct(const struct sim_device *d)
{
	return d->idProduct;
}

const char *sim_device_serial(const struct sim_device *d)
{
	return d->serial;
}

uint8_t sim_device_state(const struct sim_device *d)
{
	return (uint8_t)d->state;
}

uint64_t sim_device_ready_at(const struct sim_device *d)
{
	return d->ready_at_us;
}

/* ---- descriptors ---- */

static size_t build_descriptors(const struct sim_device *d, uint8_t *buf)
{
	const struct sim_chip *c = d->chip;
	uint8_t *p = buf;
	size_t cfg_len = 9 + 9 * c->nalts + 9;

	/* device descriptor */
	p[0] = 18;
	p[1] = 1;
	put_le16(p + 2, 0x0200);
	p[4] = 0; /* class per interface */
	p[5] = 0;
	p[6] = 0;
	p[7] = c->bMaxPacketSize0 ? c->bMaxPacketSize0 : 64;
	put_le16(p + 8, c->idVendor);
	put_le16(p + 10, d->idProduct);
	put_le16(p + 12, c->bcdDevice);
	p[14] = 1;
	p[15] = 2;
	p[16] = 3;
	p[17] = 1;
	p += 18;

	/* configuration */
	p[0] = 9;
	p[1] = 2;
	put_le16(p + 2, (uint16_t)cfg_len);
	p[4] = 1; /* bNumInterfaces */
	p[5] = 1; /* bConfigurationValue */
	p[6] = 0;
	p[7] = 0xC0; /* self powered */
	p[8] = 50;   /* 100 mA */
	p += 9;

	for (size_t i = 0; i < c->nalts; i++) {
		p[0] = 9;
		p[1] = 4;
		p[2] = 0;
		p[3] = (uint8_t)i;
		p[4] = 0;
		p[5] = 0xFE;
		p[6] = 0x01;
		p[7] = c->runtime ? 0x01 : 0x02;
		p[8] = (uint8_t)(4 + i);
		p += 9;
	}

	/* DFU functional descriptor after the last alt, where ST ROMs put it */
	p[0] = 9;
	p[1] = 0x21;
	p[2] = c->bmAttributes;
	put_le16(p + 3, c->wDetachTimeOut);
	put_le16(p + 5, c->wTransferSize);
	put_le16(p + 7, c->bcdDFUVersion);
	p += 9;
	return (size_t)(p - buf);
}

#define SIM_DESC_MAX (18 + 9 + 9 * SIM_MAX_ALTS + 9)

/* Returns the full length; copies at most @cap bytes of it (like snprintf). */
size_t sim_device_descriptors(const struct sim_device *d, uint8_t *buf, size_t cap)
{
	uint8_t all[SIM_DESC_MAX];
	size_t n = build_descriptors(d, all);

	memcpy(buf, all, n < cap ? n : cap);
	return n;
}

/* The string with index @idx (1-based), NULL if there is none. */
static const char *string_for(const struct sim_device *d, unsigned idx)
{
	switch (idx) {
	case 1:
		return d->chip->manufacturer;
	case 2:
		return d->chip->product;
	case 3:
		return d->serial;
	default:
		if (idx >= 4 && idx - 4 < d->chip->nalts)
			return d->chip->alt_names[idx - 4];
		return NULL;
	}
}

static enum sim_result get_descriptor(struct sim_device *d, uint16_t wValue, uint8_t *data,
				      uint16_t wLength, size_t *actual)
{
	uint8_t buf[2 + 2 * SIM_STRING_MAX];
	uint8_t all[SIM_DESC_MAX];
	const uint8_t *src = buf;
	size_t n;
	unsigned type = wValue >> 8, idx = wValue & 0xFFu;

	switch (type) {
	case 1: /* device */
		build_descriptors(d, all);
		src = all;
		n = 18;
		break;
	case 2: /* configuration: the whole set, the host asks for wTotalLength */
		if (idx != 0)
			return SIM_STALL;
		n = build_descriptors(d, all) - 18;
		src = all + 18;
		break;
	case 3: /* string */
		if (idx == 0) {
			buf[0] = 4;
			buf[1] = 3;
			put_le16(buf + 2, 0x0409);
			n = 4;
		} else {
			const char *str = string_for(d, idx);
			size_t len;

			if (!str)
				return SIM_STALL;
			len = strlen(str);
			if (len > SIM_STRING_MAX)
				len = SIM_STRING_MAX;
			if (idx == 3 && d->faults.serial_8bit) {
				memcpy(buf + 2, str, len); /* one byte per character */
				n = 2 + len;
			} else {
				for (size_t i = 0; i < len; i++) /* Latin-1 */
					put_le16(buf + 2 + 2 * i, (unsigned char)str[i]);
				n = 2 + 2 * len;
			}
			buf[0] = (uint8_t)n;
			buf[1] = 3;
		}
		break;
	case 0x21: /* DFU functional, for hosts that ask for it directly */
		n = build_descriptors(d, all);
		src = all + n - 9;
		n = 9;
		break;
	default:
		return SIM_STALL;
	}
	if (n > wLength)
		n = wLength;
	memcpy(data, src, n);
	*actual = n;
	return SIM_OK;
}

static enum sim_result set_alt(struct sim_device *d, uint8_t intf, uint8_t alt)
{
	if (intf != 0 || alt >= d->chip->nalts) {
		d->log_note = "no such alt";
		return SIM_STALL;
	}
	d->alt = alt;
	return SIM_OK;
}

static enum sim_result standard_request(struct sim_device *d, uint8_t bmRequestType,
					uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
					uint8_t *data, uint16_t wLength, size_t *actual)
{
	switch (bmRequestType << 8 | bRequest) {
	case 0x8006:
	case 0x8106:
		return get_descriptor(d, wValue, data, wLength, actual);
	case 0x8000: /* device status: self powered */
	case 0x8100: /* interface status */
		if (wLength < 2)
			return SIM_STALL;
		data[0] = bmRequestType == 0x80 ? 0x01 : 0x00;
		data[1] = 0;
		*actual = 2;
		return SIM_OK;
	case 0x0005: /* SET_ADDRESS: the host controller's business */
		return SIM_OK;
	case 0x0009:
		if (wValue > 1)
			return SIM_STALL;
		d->config = (uint8_t)wValue;
		return SIM_OK;
	case 0x8008:
		if (wLength < 1)
			return SIM_STALL;
		data[0] = d->config;
		*actual = 1;
		return SIM_OK;
	case 0x010B:
		return set_alt(d, (uint8_t)wIndex, (uint8_t)wValue);
	case 0x810A:
		if (wLength < 1 || wIndex != 0)
			return SIM_STALL;
		data[0] = d->alt;
		*actual = 1;
		return SIM_OK;
	default:
		return SIM_STALL;
	}
}

/* ---- timing ---- */

/* @ms as the device reports it: scaled, rounded up, never 0 for non-zero work. */
static uint32_t scaled_ms(const struct sim_device *d, uint32_t ms)
{
	double v;
	uint64_t r;

	if (ms == 0)
		return 0;
	v = (double)ms * d->scale;
	if (v >= (double)SIM_MAX_POLL_MS)
		return SIM_MAX_POLL_MS;
	r = (uint64_t)v;
	if ((double)r < v)
		r++;
	return r ? (uint32_t)r : 1;
}

static uint32_t erase_ms(const struct sim_device *d, uint32_t size)
{
	const struct sim_timing *t = &d->mem_chip->timing;
	uint64_t units = ((uint64_t)size + 16383u) / 16384u;
	uint64_t ms = units * t->erase_ms_per_16k;

	if (ms < t->erase_min_ms)
		ms = t->erase_min_ms;
	return ms > SIM_MAX_POLL_MS ? SIM_MAX_POLL_MS : (uint32_t)ms;
}

/* ---- DfuSe commands and data ---- */

static void erase_sector(struct sim_device *d, struct sim_sector *s)
{
	memset(s->mem, 0xFF, s->size);
	s->erases++;
}

/* Checks then programs one data block; memory is untouched unless all of it is fine. */
static enum sim_dfu_status write_block(struct sim_device *d, uint64_t base, const uint8_t *buf,
				       size_t len)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	bool unerased = false;

	if (base + len - 1 > UINT32_MAX)
		return S_ADDRESS;
	for (size_t done = 0; done < len;) {
		uint32_t a = (uint32_t)(base + done);
		struct sim_sector *s = alt_sector(alt, a);
		size_t n;

		if (!s)
			return S_ADDRESS;
		n = s->size - (a - s->addr);
		if (n > len - done)
			n = len - done;
		if (!(s->flags & SEC_WRITE))
			return S_WRITE;
		if ((s->flags & SEC_ERASE) && d->faults.read_protected)
			return S_VENDOR;
		/* real flash: only a blank cell can be programmed */
		for (size_t i = 0; (s->flags & SEC_ERASE) && i < n; i++)
			if (s->mem[a - s->addr + i] != 0xFF)
				unerased = true;
		done += n;
	}
	if (unerased) {
		d->stats.unerased_writes++;
		log_event(d, "unerased-write addr=0x%08x len=%zu", (unsigned)base, len);
		return S_PROG;
	}
	for (size_t done = 0; done < len;) {
		uint32_t a = (uint32_t)(base + done);
		struct sim_sector *s = alt_sector(alt, a);
		size_t n = s->size - (a - s->addr);

		if (n > len - done)
			n = len - done;
		memcpy(s->mem + (a - s->addr), buf + done, n);
		done += n;
	}
	d->stats.bytes_written += len;
	log_event(d, "write addr=0x%08x len=%zu", (unsigned)base, len);
	return S_OK;
}

static enum sim_dfu_status plain_write(struct sim_device *d);

/* Runs the pending command; returns its status and the time it takes (ms, unscaled). */
static enum sim_dfu_status run_op(struct sim_device *d, uint32_t *ms)
{
	const struct sim_timing *t = &d->mem_chip->timing;
	struct sim_alt *alt = &d->alts[d->alt];
	struct sim_sector *s;
	uint32_t addr;
	size_t n;

	*ms = t->cmd_ms;
	d->op_resets = false;
	switch (d->op) {
	case OP_NONE:
	case OP_GET_COMMANDS:
		return S_OK;
	case OP_SET_ADDRESS:
		addr = get_le32(d->xfer + 1);
		if (!alt_sector(alt, addr))
			return S_TARGET;
		d->pointer = addr;
		log_event(d, "set-address addr=0x%08x", (unsigned)addr);
		return S_OK;
	case OP_ERASE:
		addr = get_le32(d->xfer + 1);
		s = alt_sector(alt, addr);
		if (!s || !(s->flags & SEC_ERASE))
			return S_TARGET;
		if (d->faults.read_protected)
			return S_VENDOR;
		erase_sector(d, s);
		*ms = erase_ms(d, s->size);
		d->stuck_pending =
			d->faults.stuck_busy_high && s->addr - alt->sect[0].addr >= 1u << 20;
		log_event(d, "erase addr=0x%08x size=%u", (unsigned)s->addr, (unsigned)s->size);
		return S_OK;
	case OP_MASS_ERASE:
		if (d->faults.read_protected)
			return S_VENDOR;
		n = 0;
		for (size_t i = 0; i < alt->nsect; i++)
			if (alt->sect[i].flags & SEC_ERASE) {
				erase_sector(d, &alt->sect[i]);
				n++;
			}
		if (n == 0)
			return S_TARGET;
		*ms = t->mass_erase_ms;
		log_event(d, "mass-erase alt=%u sectors=%zu", (unsigned)d->alt, n);
		return S_OK;
	case OP_UNPROTECT:
		for (size_t a = 0; a < d->nalts; a++)
			for (size_t i = 0; i < d->alts[a].nsect; i++)
				if (d->alts[a].sect[i].flags & SEC_ERASE)
					erase_sector(d, &d->alts[a].sect[i]);
		d->faults.read_protected = false;
		d->op_resets = true;
		*ms = t->mass_erase_ms;
		log_event(d, "unprotect");
		return S_OK;
	case OP_WRITE: {
		uint64_t base = (uint64_t)d->pointer +
				(uint64_t)(d->op_block - 2u) * xfer_size(d->mem_chip);
		size_t len = d->op_len;
		enum sim_dfu_status st;

		/* H5/H7: the last partial flash word never reaches the flash */
		if (d->faults.flash_word > 0 && len % d->faults.flash_word != 0) {
			len -= len % d->faults.flash_word;
			log_event(d, "word-dropped addr=0x%08x len=%zu", (unsigned)(base + len),
				  d->op_len - len);
		}
		st = len > 0 ? write_block(d, base, d->xfer, len) : S_OK;

		*ms = t->write_ms;
		d->op_resets = st == S_OK && alt->resets_after_write;
		return st;
	}
	case OP_BAD_COMMAND:
		return S_TARGET;
	case OP_PLAIN_WRITE:
		*ms = t->write_ms;
		return plain_write(d);
	}
	return S_UNKNOWN;
}

/* The work is over: report it (dfuDNLOAD-IDLE or dfuERROR). */
static void complete_op(struct sim_device *d)
{
	d->status = d->op_status;
	d->state = d->op_status == S_OK ? ST_DNLOAD_IDLE : ST_DFU_ERROR;
	if (d->op_status == S_OK && d->op_resets)
		d->gone_after_reply = true;
	d->op = OP_NONE;
}

/* The GETSTATUS after a DNLOAD: the device starts the work. Returns bwPollTimeout. */
static uint32_t start_op(struct sim_device *d)
{
	uint32_t ms, poll;

	d->stuck_pending = false;
	d->op_status = run_op(d, &ms);
	d->stuck = d->stuck_pending;
	d->repeat_left = d->faults.busy_repeat;
	if (d->op == OP_UNPROTECT && d->faults.unprotect_hang) {
		d->state = ST_DNBUSY;
		d->op_resets = false;
		d->hang = true;
		d->ready_at_us = UINT64_MAX;
		return 0;
	}
	/* a plain device that reports no poll time (Maple) is done at this answer */
	if (d->faults.immediate || (d->mem_chip->plain && ms == 0)) {
		complete_op(d);
		return 0;
	}
	poll = scaled_ms(d, ms);
	d->busy_since_us = d->now_us;
	d->busy_until_us = d->now_us + (uint64_t)poll * 1000u;
	d->busy_poll = poll;
	d->stats.device_wait_us += (uint64_t)poll * 1000u;
	d->stalls_left = d->faults.stall_busy_getstatus;
	d->state = ST_DNBUSY;
	d->status = S_OK;
	return poll;
}

/* ---- DFU class requests ---- */

static enum sim_result forbidden(struct sim_device *d, const char *why)
{
	d->stats.forbidden++;
	d->log_note = why;
	if (!d->chip->runtime) {
		d->state = ST_DFU_ERROR;
		d->status = S_STALLEDPKT;
	}
	return SIM_STALL;
}

/* STALL with a status (an UPLOAD the device cannot serve). */
static enum sim_result fail_stall(struct sim_device *d, enum sim_dfu_status st, const char *why)
{
	d->log_note = why;
	d->state = ST_DFU_ERROR;
	d->status = st;
	return SIM_STALL;
}

static enum sim_result reply_status(struct sim_device *d, uint32_t poll, uint8_t *data,
				    uint16_t wLength, size_t *actual)
{
	uint8_t buf[6];

	buf[0] = (uint8_t)d->status;
	buf[1] = (uint8_t)poll;
	buf[2] = (uint8_t)(poll >> 8);
	buf[3] = (uint8_t)(poll >> 16);
	buf[4] = (uint8_t)d->state;
	buf[5] = 0;
	*actual = wLength < 6 ? wLength : 6;
	memcpy(data, buf, *actual);
	d->log_poll = (long)poll;
	return SIM_OK;
}

static enum sim_result do_getstatus(struct sim_device *d, uint8_t *data, uint16_t wLength,
				    size_t *actual)
{
	uint32_t poll = 0;

	switch (d->state) {
	case ST_DNLOAD_SYNC:
		poll = start_op(d);
		if (d->hang)
			return SIM_LATER;
		break;
	case ST_DNBUSY:
		if (d->hang) {
			/* the unprotect never ends: no answer at all */
			d->ready_at_us = UINT64_MAX;
			d->log_note = "hang";
			return SIM_LATER;
		}
		if (d->stalls_left) {
			/* STM32L4 ROM: busy flash blocks the USB answer; no state change */
			d->stalls_left--;
			d->stats.busy_stalls++;
			d->log_note = "busy-stall";
			return SIM_STALL;
		}
		if (d->now_us < d->busy_until_us) {
			uint64_t left = d->busy_until_us - d->now_us;

			d->stats.early_polls++;
			log_event(d, "early-poll remaining_us=%llu", (unsigned long long)left);
			if (d->faults.strict_timing) {
				d->ready_at_us = d->busy_until_us;
				d->retry = true;
				d->log_note = "early-poll held";
				return SIM_LATER;
			}
			poll = (uint32_t)((left + 999u) / 1000u);
			d->log_note = "early-poll";
			break;
		}
		if (d->stuck) {
			/* H7: the erase is done, the ROM never says so */
			poll = d->busy_poll;
			d->log_note = "stuck-busy";
			break;
		}
		if (d->repeat_left > 0) {
			d->repeat_left--;
			poll = 1;
			d->log_note = "busy-repeat";
			break;
		}
		complete_op(d);
		break;
	case ST_MANIFEST_SYNC:
		if (d->faults.leave_status_stall) {
			d->log_note = "leave-status-stall";
			return SIM_STALL;
		}
		if (d->faults.vanish_on_leave_getstatus || d->mem_chip->leave_no_status) {
			d->gone = true;
			log_event(d, "gone");
			return SIM_NODEV;
		}
		d->state = ST_MANIFEST;
		poll = scaled_ms(d, d->mem_chip->timing.manifest_ms);
		d->stats.device_wait_us += (uint64_t)poll * 1000u;
		d->gone_after_reply = true;
		break;
	default:
		break;
	}
	return reply_status(d, poll, data, wLength, actual);
}

static enum sim_result do_dnload(struct sim_device *d, uint16_t wValue, const uint8_t *data,
				 uint16_t wLength)
{
	if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE)
		return forbidden(d, "DNLOAD not allowed in this state");
	if (wLength == 0) {
		d->state = ST_MANIFEST_SYNC;
		d->leave_requested = true;
		d->stats.leave++;
		log_event(d, "leave");
		if (d->faults.leave_stall_reset) {
			/* the ROM STALLs the request, then jumps to the application */
			d->gone_after_reply = true;
			d->log_note = "leave-stall-reset";
			return SIM_STALL;
		}
		return SIM_OK;
	}
	if (wLength > d->xfer_cap || wLength > xfer_size(d->chip))
		return forbidden(d, "wLength > wTransferSize");
	if (wValue == 1)
		return forbidden(d, "wBlockNum 1 is reserved");
	memcpy(d->xfer, data, wLength);
	d->op_len = wLength;
	d->op_block = wValue;
	if (wValue >= 2 && d->faults.stall_data_block != 0 &&
	    (++d->data_dnloads == d->faults.stall_data_block ||
	     (d->faults.stall_data_repeat && d->data_dnloads > d->faults.stall_data_block))) {
		/* F411: the block STALLs; whether it reached the flash is the ROM's secret */
		if (d->faults.stall_data_written || d->faults.stall_data_partial)
			write_block(d,
				    (uint64_t)d->pointer +
					    (uint64_t)(wValue - 2u) * xfer_size(d->mem_chip),
				    data, d->faults.stall_data_written ? wLength : wLength / 2u);
		return fail_stall(d, S_STALLEDPKT, "data-stall");
	}
	if (wValue >= 2) {
		d->op = OP_WRITE;
	} else if (data[0] == 0x00 && wLength == 1) {
		d->op = OP_GET_COMMANDS;
	} else if (data[0] == 0x21 && wLength == 5) {
		d->op = OP_SET_ADDRESS;
		d->stats.set_address++;
	} else if (data[0] == 0x41 && wLength == 5) {
		d->op = OP_ERASE;
		d->stats.erase++;
	} else if (data[0] == 0x41 && wLength == 1) {
		d->op = OP_MASS_ERASE;
		d->stats.mass_erase++;
	} else if (data[0] == 0x92 && wLength == 1) {
		d->op = OP_UNPROTECT;
		d->stats.unprotect++;
	} else {
		d->op = OP_BAD_COMMAND;
		d->log_note = "unknown command";
	}
	d->state = ST_DNLOAD_SYNC;
	return SIM_OK;
}

/* Readable bytes from @base on in the selected alt, at most @len. */
static size_t readable(const struct sim_device *d, uint64_t base, size_t len)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	size_t done = 0;

	while (done < len && base + done <= UINT32_MAX) {
		uint32_t a = (uint32_t)(base + done);
		const struct sim_sector *s = alt_sector(alt, a);
		size_t n;

		if (!s || !(s->flags & SEC_READ))
			break;
		if ((s->flags & SEC_ERASE) && d->faults.read_protected)
			break;
		n = s->size - (a - s->addr);
		done += n < len - done ? n : len - done;
	}
	return done;
}

static enum sim_result do_upload(struct sim_device *d, uint16_t wValue, uint8_t *data,
				 uint16_t wLength, size_t *actual)
{
	static const uint8_t commands[] = { 0x00, 0x21, 0x41, 0x92 };
	size_t n;

	if (d->state != ST_DFU_IDLE && d->state != ST_UPLOAD_IDLE)
		return forbidden(d, "UPLOAD not allowed in this state");
	if (wValue == 0) {
		n = wLength < sizeof(commands) ? wLength : sizeof(commands);
		memcpy(data, commands, n);
	} else if (wValue == 1) {
		return forbidden(d, "wBlockNum 1 is reserved");
	} else {
		uint64_t base =
			(uint64_t)d->pointer + (uint64_t)(wValue - 2u) * xfer_size(d->mem_chip);
		const struct sim_sector *s =
			base <= UINT32_MAX ? alt_sector(&d->alts[d->alt], (uint32_t)base) : NULL;

		if (wLength > xfer_size(d->chip))
			return forbidden(d, "wLength > wTransferSize");
		if (s && (s->flags & SEC_ERASE) && d->faults.read_protected)
			return fail_stall(d, S_VENDOR, "read protected");
		n = readable(d, base, wLength);
		if (n == 0 && wLength > 0)
			return fail_stall(d, S_ADDRESS, "not readable");
		for (size_t done = 0; done < n;) {
			uint32_t a = (uint32_t)(base + done);
			const struct sim_sector *sec = alt_sector(&d->alts[d->alt], a);
			size_t k = sec->size - (a - sec->addr);

			if (k > n - done)
				k = n - done;
			memcpy(data + done, sec->mem + (a - sec->addr), k);
			done += k;
		}
		d->stats.bytes_read += n;
	}
	*actual = n;
	/* a short packet ends the upload */
	d->state = n < wLength ? ST_DFU_IDLE : ST_UPLOAD_IDLE;
	return SIM_OK;
}

static enum sim_result runtime_request(struct sim_device *d, uint8_t bRequest, uint8_t *data,
				       uint16_t wLength, size_t *actual)
{
	switch (bRequest) {
	case REQ_DETACH:
		d->state = ST_APP_DETACH;
		d->detach_at_us = d->now_us;
		return SIM_OK;
	case REQ_GETSTATUS:
		return reply_status(d, 0, data, wLength, actual);
	case REQ_GETSTATE:
		if (wLength < 1)
			return SIM_STALL;
		data[0] = (uint8_t)d->state;
		*actual = 1;
		return SIM_OK;
	default:
		return forbidden(d, "not a run-time request");
	}
}

/* ---- plain DFU 1.1 devices (chip->plain) ---- */

static uint64_t alt_size(const struct sim_alt *alt)
{
	uint64_t n = 0;

	for (size_t i = 0; i < alt->nsect; i++)
		n += alt->sect[i].size;
	return n;
}

/*
 * The pending block goes to the alt's base plus what the download wrote so
 * far. The device erases each flash page as the write reaches its first
 * byte, as the Maple bootloader and TinyUSB's examples do.
 */
static enum sim_dfu_status plain_write(struct sim_device *d)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	uint64_t base = (uint64_t)alt->sect[0].addr + d->plain_off;
	enum sim_dfu_status st;

	for (size_t i = 0; i < alt->nsect; i++) {
		struct sim_sector *s = &alt->sect[i];

		if (s->addr >= base && s->addr - base < d->op_len && (s->flags & SEC_ERASE)) {
			erase_sector(d, s);
			log_event(d, "erase addr=0x%08x size=%u", (unsigned)s->addr,
				  (unsigned)s->size);
		}
	}
	st = write_block(d, base, d->xfer, d->op_len);
	if (st == S_OK)
		d->plain_off += (uint32_t)d->op_len;
	return st;
}

/* Manifestation is over: dfuIDLE when tolerant (DFU 1.1 bitManifestationTolerant), else wait. */
static void plain_manifest_done(struct sim_device *d)
{
	d->leave_requested = true; /* a reset from now on runs the new firmware */
	d->state = (d->chip->bmAttributes & 0x04u) ? ST_DFU_IDLE : ST_MANIFEST_WAIT_RESET;
	d->status = S_OK;
}

static enum sim_result plain_dnload(struct sim_device *d, uint16_t wValue, const uint8_t *data,
				    uint16_t wLength)
{
	if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE)
		return forbidden(d, "DNLOAD not allowed in this state");
	if (wLength == 0) {
		if (d->state == ST_DFU_IDLE)
			return fail_stall(d, S_NOTDONE, "zero-length DNLOAD before any data");
		d->state = ST_MANIFEST_SYNC;
		d->stats.leave++;
		log_event(d, "leave");
		return SIM_OK;
	}
	if (wLength > xfer_size(d->chip))
		return forbidden(d, "wLength > wTransferSize");
	if (d->alts[d->alt].nsect == 0)
		return fail_stall(d, S_WRITE, "alt has no memory");
	if (d->state == ST_DFU_IDLE) {
		d->plain_off = 0;
		d->plain_block = 0;
	}
	/* DFU 1.1 section 6.1.1: wBlockNum counts up from 0 and wraps at 0xFFFF */
	if (wValue != d->plain_block)
		return forbidden(d, "wBlockNum out of sequence");
	d->plain_block = (uint16_t)(wValue + 1u);
	memcpy(d->xfer, data, wLength);
	d->op_len = wLength;
	d->op_block = wValue;
	d->op = OP_PLAIN_WRITE;
	d->state = ST_DNLOAD_SYNC;
	return SIM_OK;
}

static enum sim_result plain_upload(struct sim_device *d, uint16_t wValue, uint8_t *data,
				    uint16_t wLength, size_t *actual)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	uint64_t off, size = alt_size(alt);
	size_t n = 0;

	if (d->state != ST_DFU_IDLE && d->state != ST_UPLOAD_IDLE)
		return forbidden(d, "UPLOAD not allowed in this state");
	if (alt->nsect == 0)
		return fail_stall(d, S_WRITE, "alt has no memory");
	if (wLength > xfer_size(d->chip))
		return forbidden(d, "wLength > wTransferSize");
	if (d->state == ST_DFU_IDLE)
		d->plain_upload_len = wLength;
	/* block N starts N first-block lengths into the alt (Maple's dfu.c does the same) */
	off = (uint64_t)wValue * d->plain_upload_len;
	if (off < size)
		n = size - off < wLength ? (size_t)(size - off) : wLength;
	for (size_t done = 0; done < n;) {
		uint32_t a = (uint32_t)(alt->sect[0].addr + off + done);
		const struct sim_sector *sec = alt_sector(alt, a);
		size_t k = sec->size - (a - sec->addr);

		if (k > n - done)
			k = n - done;
		memcpy(data + done, sec->mem + (a - sec->addr), k);
		done += k;
	}
	d->stats.bytes_read += n;
	*actual = n;
	/* a short block ends the upload (DFU 1.1 section 6.2) */
	d->state = n < wLength ? ST_DFU_IDLE : ST_UPLOAD_IDLE;
	return SIM_OK;
}

static enum sim_result plain_getstatus(struct sim_device *d, uint8_t *data, uint16_t wLength,
				       size_t *actual)
{
	const struct sim_timing *t = &d->mem_chip->timing;
	uint32_t poll = 0;

	switch (d->state) {
	case ST_DNLOAD_IDLE:
		if (d->chip->plain_quirks & SIM_PLAIN_STATUS_IDLES)
			d->state = ST_DFU_IDLE;
		break;
	case ST_MANIFEST_SYNC:
		if (d->faults.vanish_on_leave_getstatus) {
			d->gone = true;
			log_event(d, "gone");
			return SIM_NODEV;
		}
		if (t->manifest_ms == 0) {
			plain_manifest_done(d);
			break;
		}
		poll = scaled_ms(d, t->manifest_ms);
		d->busy_until_us = d->now_us + (uint64_t)poll * 1000u;
		d->stats.device_wait_us += (uint64_t)poll * 1000u;
		d->state = ST_MANIFEST;
		break;
	case ST_MANIFEST:
		if (d->now_us < d->busy_until_us) {
			uint64_t left = d->busy_until_us - d->now_us;

			d->stats.early_polls++;
			log_event(d, "early-poll remaining_us=%llu", (unsigned long long)left);
			poll = (uint32_t)((left + 999u) / 1000u);
			d->log_note = "early-poll";
			break;
		}
		plain_manifest_done(d);
		break;
	case ST_DNLOAD_SYNC:
	case ST_DNBUSY:
		return do_getstatus(d, data, wLength, actual);
	default:
		break;
	}
	return reply_status(d, poll, data, wLength, actual);
}

/*
 * The class requests where a plain DFU device differs from the DfuSe ROM.
 * Returns false for those it handles the same way (CLRSTATUS, ABORT,
 * GETSTATE outside the quirks); *@r is the answer otherwise.
 */
static bool plain_request(struct sim_device *d, uint8_t bRequest, uint16_t wValue, uint8_t *data,
			  uint16_t wLength, size_t *actual, enum sim_result *r)
{
	/* DFU 1.1 section 7: in dfuMANIFEST-WAIT-RESET only a reset gets through */
	if (d->state == ST_MANIFEST_WAIT_RESET && bRequest != REQ_GETSTATUS &&
	    bRequest != REQ_GETSTATE) {
		d->stats.forbidden++;
		d->log_note = "waiting for a reset";
		*r = SIM_STALL;
		return true;
	}
	switch ((enum sim_dfu_request)bRequest) {
	case REQ_DETACH:
		if (!(d->chip->plain_quirks & SIM_PLAIN_DETACH_REFUSED))
			return false;
		*r = forbidden(d, "DETACH refused in DFU mode");
		return true;
	case REQ_DNLOAD:
		*r = plain_dnload(d, wValue, data, wLength);
		return true;
	case REQ_UPLOAD:
		*r = plain_upload(d, wValue, data, wLength, actual);
		return true;
	case REQ_GETSTATUS:
		*r = plain_getstatus(d, data, wLength, actual);
		return true;
	case REQ_GETSTATE:
		if (d->state == ST_DNLOAD_IDLE && (d->chip->plain_quirks & SIM_PLAIN_STATUS_IDLES))
			d->state = ST_DFU_IDLE;
		return false;
	case REQ_CLRSTATUS:
	case REQ_ABORT:
		return false;
	}
	return false;
}

static void count_dfu_request(struct sim_device *d, uint8_t bRequest)
{
	struct sim_stats *st = &d->stats;

	st->dfu_requests++;
	switch (bRequest) {
	case REQ_DETACH:
		st->detach++;
		break;
	case REQ_DNLOAD:
		st->dnload++;
		break;
	case REQ_UPLOAD:
		st->upload++;
		break;
	case REQ_GETSTATUS:
		st->getstatus++;
		break;
	case REQ_CLRSTATUS:
		st->clrstatus++;
		break;
	case REQ_GETSTATE:
		st->getstate++;
		break;
	case REQ_ABORT:
		st->abort++;
		break;
	default:
		break;
	}
}

static enum sim_result dfu_request(struct sim_device *d, uint8_t bmRequestType, uint8_t bRequest,
				   uint16_t wValue, uint16_t wIndex, uint8_t *data,
				   uint16_t wLength, size_t *actual)
{
	bool in = bmRequestType & 0x80u;
	bool want_in =
		bRequest == REQ_UPLOAD || bRequest == REQ_GETSTATUS || bRequest == REQ_GETSTATE;

	if ((bmRequestType & 0x1Fu) != 1 || (wIndex & 0xFFu) != 0) {
		d->log_note = "not the DFU interface";
		return SIM_STALL;
	}
	if (bRequest > REQ_ABORT || in != want_in)
		return forbidden(d, "bad request");
	if (d->chip->runtime)
		return runtime_request(d, bRequest, data, wLength, actual);
	if (d->chip->plain) {
		enum sim_result r;

		if (plain_request(d, bRequest, wValue, data, wLength, actual, &r))
			return r;
	}

	switch ((enum sim_dfu_request)bRequest) {
	case REQ_DETACH:
		if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE &&
		    d->state != ST_UPLOAD_IDLE)
			return forbidden(d, "DETACH not allowed in this state");
		d->state = ST_DFU_IDLE;
		d->log_note = "ROM stays in DFU mode";
		return SIM_OK;
	case REQ_DNLOAD:
		return do_dnload(d, wValue, data, wLength);
	case REQ_UPLOAD:
		return do_upload(d, wValue, data, wLength, actual);
	case REQ_GETSTATUS:
		return do_getstatus(d, data, wLength, actual);
	case REQ_CLRSTATUS:
		if (d->state == ST_DNBUSY && d->stuck) {
			/* H7: the first CLRSTATUS ends the stuck busy period in an error */
			d->stuck = false;
			d->op = OP_NONE;
			d->state = ST_DFU_ERROR;
			d->status = S_UNKNOWN;
			d->log_note = "stuck-busy cleared";
			return SIM_OK;
		}
		if (d->state != ST_DFU_ERROR)
			return forbidden(d, "CLRSTATUS outside dfuERROR");
		d->state = ST_DFU_IDLE;
		d->status = S_OK;
		return SIM_OK;
	case REQ_GETSTATE:
		if (d->state == ST_DNBUSY)
			return forbidden(d, "GETSTATE while busy");
		if (wLength < 1)
			return SIM_STALL;
		data[0] = (uint8_t)d->state;
		*actual = 1;
		return SIM_OK;
	case REQ_ABORT:
		if (d->state != ST_DFU_IDLE && d->state != ST_DNLOAD_IDLE &&
		    d->state != ST_UPLOAD_IDLE)
			return forbidden(d, "ABORT not allowed in this state");
		d->state = ST_DFU_IDLE;
		d->op = OP_NONE;
		return SIM_OK;
	}
	return SIM_STALL;
}

static bool is_getstatus(uint8_t bmRequestType, uint8_t bRequest)
{
	return (bmRequestType & 0x60u) == 0x20 && bRequest == REQ_GETSTATUS;
}

/* Counts one request on the wire; false when the device vanishes at it (disconnect_after). */
static bool count_request(struct sim_device *d)
{
	d->stats.requests++;
	d->nrequests++;
	if (d->faults.disconnect_after && d->nrequests >= d->faults.disconnect_after) {
		d->gone = true;
		log_event(d, "gone");
		return false;
	}
	return true;
}

/* The failure faults.fail_kind asks for, at this request. */
static enum sim_result inject(struct sim_device *d)
{
	d->log_note = "injected";
	switch (d->faults.fail_kind) {
	case SIM_FAIL_NODEV:
		d->gone = true;
		log_event(d, "gone");
		return SIM_NODEV;
	case SIM_FAIL_STALL:
		if (!d->faults.fail_acted)
			return forbidden(d, "injected stall");
		return SIM_STALL;
	case SIM_FAIL_TIMEOUT:
		d->ready_at_us = UINT64_MAX;
		return SIM_LATER;
	case SIM_FAIL_IO:
		return SIM_IO;
	}
	return SIM_IO;
}

enum sim_result sim_device_control(struct sim_device *d, uint64_t now_us, uint8_t bmRequestType,
				   uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
				   uint8_t *data, uint16_t wLength, size_t *actual)
{
	size_t dummy;
	enum sim_result r;
	bool again = d->retry && is_getstatus(bmRequestType, bRequest);
	bool injected;

	if (!actual)
		actual = &dummy;
	*actual = 0;
	if (now_us > d->now_us)
		d->now_us = now_us;
	d->retry = false;
	d->log_poll = -1;
	d->log_note = NULL;
	if (d->gone) {
		r = SIM_NODEV;
		goto out;
	}
	/* a GETSTATUS asked again after SIM_LATER is the same request, not a new one */
	if (!again && !count_request(d)) {
		r = SIM_NODEV;
		goto out;
	}
	injected = !again && d->faults.fail_at != 0 && d->nrequests == d->faults.fail_at;
	if (injected && !d->faults.fail_acted) {
		r = inject(d);
		goto out;
	}
	if ((bmRequestType & 0x60u) == 0) {
		r = standard_request(d, bmRequestType, bRequest, wValue, wIndex, data, wLength,
				     actual);
	} else if ((bmRequestType & 0x60u) == 0x20) {
		if (!again)
			count_dfu_request(d, bRequest);
		r = dfu_request(d, bmRequestType, bRequest, wValue, wIndex, data, wLength, actual);
	} else {
		r = SIM_STALL;
	}
	if (injected && r != SIM_NODEV) {
		/* the device did the work; the answer is lost on the way */
		*actual = 0;
		r = inject(d);
	}
out:
	log_request(d, bmRequestType, bRequest, wValue, wLength, r);
	if (d->gone_after_reply) {
		d->gone_after_reply = false;
		d->gone = true;
		log_event(d, "gone");
	}
	return r;
}

enum sim_result sim_device_set_alt(struct sim_device *d, uint8_t intf, uint8_t alt)
{
	enum sim_result r;

	d->log_poll = -1;
	d->log_note = NULL;
	if (d->gone)
		r = SIM_NODEV;
	else if (!count_request(d))
		r = SIM_NODEV;
	else
		r = set_alt(d, intf, alt);
	log_request(d, 0x01, 11, alt, 0, r);
	return r;
}

enum sim_reset_result sim_device_reset(struct sim_device *d, uint64_t now_us)
{
	const struct sim_chip *rt = d->chip;

	if (now_us > d->now_us)
		d->now_us = now_us;
	if (d->gone) {
		log_event(d, "reset gone");
		return SIM_RESET_GONE;
	}
	if (d->faults.reset_fails) {
		d->gone = d->faults.reset_fails_gone;
		log_event(d, "reset failed%s", d->gone ? ", gone" : "");
		return SIM_RESET_FAILED;
	}
	if (rt->runtime) {
		if (d->state == ST_APP_DETACH &&
		    d->now_us - d->detach_at_us <= (uint64_t)rt->wDetachTimeOut * 1000u) {
			d->chip = d->mem_chip;
			d->idProduct = rt->dfu_idProduct;
			d->config = 0;
			device_reset_state(d);
			log_event(d, "reset reenumerate");
			return SIM_RESET_REENUMERATE;
		}
		device_reset_state(d);
		log_event(d, "reset same");
		return SIM_RESET_SAME;
	}
	if (d->leave_requested) {
		d->gone = true;
		log_event(d, "reset gone");
		return SIM_RESET_GONE;
	}
	device_reset_state(d);
	log_event(d, "reset same");
	return SIM_RESET_SAME;
}

/* ---- test helpers ---- */

/* Copies what of [@addr, @addr + @len) lies in @alt into its memory. */
static void alt_load(const struct sim_alt *alt, uint32_t addr, const uint8_t *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		uint32_t a = addr + (uint32_t)done;
		struct sim_sector *s = alt_sector(alt, a);
		size_t n;

		if (!s) {
			done++;
			continue;
		}
		n = s->size - (a - s->addr);
		if (n > len - done)
			n = len - done;
		memcpy(s->mem + (a - s->addr), data + done, n);
		done += n;
	}
}

/*
 * Raw access by address across all alts, ignoring sector types; -1 (nothing
 * written) when any byte lies outside every alt. Alts whose memory overlaps
 * (the Maple's two flash alts) each hold their own copy: all are loaded.
 */
int sim_device_load(struct sim_device *d, uint32_t addr, const uint8_t *data, size_t len)
{
	if (len && (uint64_t)addr + len - 1 > UINT32_MAX)
		return -1;
	for (size_t done = 0; done < len;) {
		uint32_t a = addr + (uint32_t)done;
		struct sim_sector *s = any_sector(d, a);
		size_t n;

		if (!s)
			return -1;
		n = s->size - (a - s->addr);
		done += n < len - done ? n : len - done;
	}
	for (size_t i = 0; i < d->nalts; i++)
		alt_load(&d->alts[i], addr, data, len);
	return 0;
}

/* Overlapping alts: the bytes of the selected alt's copy where it has them. */
int sim_device_read(const struct sim_device *d, uint32_t addr, uint8_t *data, size_t len)
{
	if (len && (uint64_t)addr + len - 1 > UINT32_MAX)
		return -1;
	for (size_t done = 0; done < len;) {
		uint32_t a = addr + (uint32_t)done;
		const struct sim_sector *s = alt_sector(&d->alts[d->alt], a);
		size_t n;

		if (!s)
			s = any_sector(d, a);

		if (!s)
			return -1;
		n = s->size - (a - s->addr);
		if (n > len - done)
			n = len - done;
		memcpy(data + done, s->mem + (a - s->addr), n);
		done += n;
	}
	return 0;
}

/*
 * One file per run of contiguous sectors of one alt:
 * DIR/alt<N>-0x<start address, 8 lowercase hex digits>.bin
 * (e.g. alt0-0x08000000.bin for the whole internal flash of "f4").
 */
int sim_device_dump(const struct sim_device *d, const char *dir)
{
	for (size_t a = 0; a < d->nalts; a++) {
		const struct sim_alt *alt = &d->alts[a];

		for (size_t i = 0; i < alt->nsect;) {
			char path[4096];
			FILE *f;
			size_t j = i;
			int n = snprintf(path, sizeof(path), "%s/alt%zu-0x%08x.bin", dir, a,
					 (unsigned)alt->sect[i].addr);

			if (n < 0 || (size_t)n >= sizeof(path))
				return -1;
			f = fopen(path, "wb");
			if (!f)
				return -1;
			do {
				const struct sim_sector *s = &alt->sect[j];

				if (fwrite(s->mem, 1, s->size, f) != s->size) {
					fclose(f);
					return -1;
				}
				j++;
			} while (j < alt->nsect &&
				 (uint64_t)alt->sect[j - 1].addr + alt->sect[j - 1].size ==
					 alt->sect[j].addr);
			if (fclose(f) != 0)
				return -1;
			i = j;
		}
	}
	return 0;
}

void sim_device_stats(const struct sim_device *d, struct sim_stats *out)
{
	*out = d->stats;
	out->erases_per_sector_max = 0;
	for (size_t a = 0; a < d->nalts; a++)
		for (size_t i = 0; i < d->alts[a].nsect; i++)
			if (d->alts[a].sect[i].erases > out->erases_per_sector_max)
				out->erases_per_sector_max = d->alts[a].sect[i].erases;
}
