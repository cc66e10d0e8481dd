/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated STM32 DfuSe ROM bootloader, plain DFU 1.1 bootloaders (Maple,
 * TinyUSB) and run-time applications, as a pure C model: descriptors, DFU 1.1
 * state machine, DfuSe commands, flash that must be erased before it is
 * written, timing, fault injection and an instrumentation log. No libusb, no umockdev, no GLib: it is plugged behind
 * the in-memory transport (unit tests, virtual clock) and behind the umockdev
 * ioctl handler (end-to-end tests, real clock).
 */
#ifndef DFUSE_SIM_MODEL_H
#define DFUSE_SIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_MAX_ALTS 8

/* Device timing: what the ROM reports in bwPollTimeout, in milliseconds. */
struct sim_timing {
	uint32_t cmd_ms;   /* Set Address Pointer, Get Commands */
	uint32_t write_ms; /* one DNLOAD data block, as announced in bwPollTimeout */
	/*
	 * What one data block really takes (0: write_ms). The STM32F7 ROM
	 * announces far more than its flash needs: GETSTATUS after this long
	 * already reports the block done.
	 */
	uint32_t write_real_ms;
	uint32_t erase_ms_per_16k; /* page/sector erase, scaled by sector size (min 1 unit) */
	uint32_t erase_min_ms;	   /* floor for one erase */
	uint32_t mass_erase_ms;
	uint32_t manifest_ms; /* leave: GETSTATUS after the zero-length DNLOAD */
};

/* A chip is data: everything that tells one part from another. */
struct sim_chip {
	const char *name; /* "f4", "f1", ..., "runtime", "maple", "tinyusb", "plain-rt" */
	const char *description;
	uint16_t idVendor, idProduct, bcdDevice;
	const char *manufacturer, *product, *serial; /* default serial */
	uint8_t bMaxPacketSize0;
	bool runtime;		/* interface protocol 1 (application) instead of 2 */
	uint16_t dfu_idProduct; /* runtime: PID after detach + reset */
	const char *dfu_chip;	/* runtime: name of the chip it becomes */
	/* DFU functional descriptor */
	uint8_t bmAttributes;
	uint16_t wDetachTimeOut, wTransferSize, bcdDFUVersion;
	/*
	 * With wTransferSize 0 (a GD32H7-like ROM): the block size the device
	 * really takes and addresses data blocks by (0: 1 byte).
	 */
	uint16_t xfer_real;
	size_t nalts;
	const char *alt_names[SIM_MAX_ALTS]; /* iInterface strings (layouts) */
	/*
	 * The memory the part really has, where it differs from what its strings
	 * claim (NULL: as alt_names). "@" layouts in the same syntax.
	 */
	const char *real_layouts[SIM_MAX_ALTS];
	/*
	 * The real layout of alt 0 depends on the serial's third character
	 * (GD32VF103): real_layouts[0] is then the layout up to its groups, and
	 * the model appends "N*001Kg", N looked up in flash_kib_by_serial
	 * ("4:16,6:32,...": character, KiB).
	 */
	const char *flash_kib_by_serial;
	/* Leave: the device resets without answering the GETSTATUS after the DNLOAD. */
	bool leave_no_status;
	struct sim_timing timing;
	/*
	 * Plain DFU 1.1 (no DfuSe commands). bmAttributes bit 2
	 * (bitManifestationTolerant) decides where manifestation ends:
	 * dfuIDLE, or dfuMANIFEST-WAIT-RESET until a reset runs the
	 * application (the device leaves the bus). timing.write_ms and
	 * timing.manifest_ms 0 mean the device answers at once.
	 */
	bool plain;
	unsigned plain_quirks;		     /* SIM_PLAIN_* */
	const char *plain_mem[SIM_MAX_ALTS]; /* per alt: "/0xADDR/N*SIZE<m><t>", "" = none */
};

/* Deviations of a plain DFU device from DFU 1.1 (sim_chip.plain_quirks). */
enum {
	SIM_PLAIN_DETACH_REFUSED = 1u << 0, /* DETACH in DFU mode: dfuERROR errSTALLEDPKT */
	SIM_PLAIN_STATUS_IDLES = 1u << 1,   /* GETSTATUS/GETSTATE in dfuDNLOAD-IDLE -> dfuIDLE */
};

/* Looks up a chip by name in every table; NULL if unknown. */
const struct sim_chip *sim_chip_find(const char *name);
/* The tables, each terminated by an entry with name == NULL. */
extern const struct sim_chip sim_chips[];
extern const struct sim_chip sim_chips_2026[];	    /* chips_2026.c: the 2026 ROMs */
extern const struct sim_chip sim_chips_nostrings[]; /* chips_nostrings.c */
/* Every chip of every table in turn: the first for NULL, NULL after the last. */
const struct sim_chip *sim_chip_next(const struct sim_chip *c);

/* Faults and quirks that a test can switch on for one device. */
struct sim_faults {
	bool immediate;			/* commands answer dfuDNLOAD-IDLE at the first GETSTATUS */
	unsigned stall_busy_getstatus;	/* STALL this many GETSTATUS per busy period (STM32L4) */
	bool vanish_on_leave_getstatus; /* the GETSTATUS after the leave request fails: gone */
	unsigned disconnect_after;	/* vanish at the Nth control request (0 = never) */
	bool read_protected;		/* RDP level 1: upload and write fail with errVENDOR */
	bool strict_timing;		/* a GETSTATUS before bwPollTimeout elapsed is answered late
				      (sim_device_control returns SIM_LATER) instead of at once */
	/*
	 * STM32H743 rev V ROM: an erase of a sector 1 MiB or more above the
	 * start of the alt erases it but then answers dfuDNBUSY for ever; a
	 * CLRSTATUS then leaves it in dfuERROR/errUNKNOWN, a second one in
	 * dfuIDLE/OK.
	 */
	bool stuck_busy_high;
	/*
	 * STM32F411 ROM: the Nth data DNLOAD (1-based, 0 = never) is STALLed
	 * (dfuERROR/errSTALLEDPKT). With stall_data_written the ROM had written
	 * the block all the same, with stall_data_partial only its first half;
	 * otherwise the block is lost. stall_data_repeat: every data DNLOAD from
	 * the Nth on is STALLed.
	 */
	unsigned stall_data_block;
	bool stall_data_written, stall_data_partial, stall_data_repeat;
	/*
	 * STM32H5/H7 ROMs: a data block whose length is not a multiple of
	 * flash_word bytes loses its last partial word (0 = off).
	 */
	unsigned flash_word;
	/* After each busy period, this many more GETSTATUS answer dfuDNBUSY (1 ms polls). */
	unsigned busy_repeat;
	/*
	 * A GETSTATUS sooner than the announced bwPollTimeout is STALLed and
	 * the device goes to dfuERROR (errSTALLEDPKT), the work done or not:
	 * a ROM that punishes a host polling early (what :fast must survive).
	 */
	bool stall_early;
	/*
	 * A data block keeps the device busy for busy_same_ms, and every
	 * GETSTATUS of that time answers dfuDNBUSY with the same
	 * busy_same_poll_ms (issue 19's field case: 20 ms again and again for
	 * 400 ms a block). Firmware without an estimate of its work answers a
	 * fixed bwPollTimeout each time (Zephyr's DFU class: "does not have
	 * such estimate and therefore defaults to using fixed value", zephyr
	 * PR 51880); fwupd retries GETSTATUS on dfuDNBUSY for it (PR 2692).
	 */
	unsigned busy_same_ms, busy_same_poll_ms;
	/* Leave: the zero-length DNLOAD is STALLed, and the device resets (gone) at once. */
	bool leave_stall_reset;
	/*
	 * Leave: the zero-length DNLOAD is STALLed (with leave_manifest_status,
	 * accepted, and its GETSTATUS STALLed instead), the device answers
	 * dfuMANIFEST for leave_manifest_ms, then resets (gone). Issue 19's
	 * field case: such a ROM has taken the leave (DFU 1.1 section 7:
	 * dfuMANIFEST is the state in which the device manifests the new
	 * firmware; AN3156: the leave request makes the ROM jump to it).
	 */
	unsigned leave_manifest_ms;
	bool leave_manifest_status;
	/* Leave: GETSTATUS in dfuMANIFEST-SYNC is STALLed; the device stays in that state. */
	bool leave_status_stall;
	/* Read Unprotect: the device stays busy, its GETSTATUS answers are held for ever. */
	bool unprotect_hang;
	/*
	 * A bus reset fails on the wire (SIM_RESET_FAILED); the device stays as
	 * it was, or with reset_fails_gone it has left the bus all the same.
	 */
	bool reset_fails, reset_fails_gone;
	/*
	 * The @fail_at-th control request (counted as disconnect_after; 0 =
	 * never) fails with @fail_kind. Without @fail_acted the device never saw
	 * it; with it, the device acted and only the answer was lost.
	 */
	unsigned fail_at;
	enum sim_fail_kind {
		SIM_FAIL_NODEV = 0, /* the device vanishes at that request */
		SIM_FAIL_STALL,	    /* STALL (a forbidden request: dfuERROR) */
		SIM_FAIL_TIMEOUT,   /* never answered (held until the host gives up) */
		SIM_FAIL_IO,	    /* a transfer error (EPROTO) */
	} fail_kind;
	bool fail_acted;
	bool serial_8bit; /* the serial string as 8-bit characters, bLength counting bytes
			     (the GD32VF103 ROM, 28e9:0189, sends "3CBJ" so) */
	/*
	 * Strings and descriptors that make a DfuSe ROM look like plain DFU
	 * (issue 19, case 14). func_dfu10: the functional descriptor in its
	 * 7-byte DFU 1.0 form: DFU 1.0 defines bLength 7, and DFU 1.1 (section
	 * 4.1.3) appended bcdDFUVersion, making it 9. alt_name[i]: what alt
	 * i's iInterface string says instead of the chip's layout (NULL: the
	 * chip's), e.g. a name with no '@' (AN3156 section 2: the layout string
	 * starts with '@'), or a region that ends at 4 GiB; its memory stays
	 * the chip's.
	 */
	bool func_dfu10;
	const char *alt_name[SIM_MAX_ALTS];
};

enum sim_result {
	SIM_OK = 0,    /* transfer done; *actual bytes moved */
	SIM_STALL = 1, /* STALL handshake */
	SIM_NODEV = 2, /* the device is gone (ENODEV) */
	SIM_LATER = 3, /* strict timing: not answered yet, ask again at sim_device_ready_at() */
	SIM_IO = 4,    /* a transfer error on the wire (EPROTO) */
};

/* What the device does after a bus reset, returned by sim_device_reset(). */
enum sim_reset_result {
	SIM_RESET_SAME = 0,    /* still the same device, state back to dfuIDLE / appIDLE */
	SIM_RESET_REENUMERATE, /* run-time device detached: now the DFU-mode chip */
	SIM_RESET_GONE,	       /* left DFU mode (runs the application): gone from the bus */
	SIM_RESET_FAILED,      /* faults.reset_fails: the reset request itself failed */
};

struct sim_device;

/*
 * A new device of @chip with @serial (NULL: the chip's). Flash starts erased
 * (0xFF); option bytes hold the chip's defaults. Returns NULL on allocation
 * failure.
 */
struct sim_device *sim_device_new(const struct sim_chip *chip, const char *serial);
void sim_device_free(struct sim_device *d);

void sim_device_set_faults(struct sim_device *d, const struct sim_faults *f);
/* Real-time scaling of every poll timeout the device reports (1.0 = as the chip says). */
void sim_device_set_time_scale(struct sim_device *d, double scale);

/* Writes one line per request and event to @log (NULL = off). Format: see model_log.c. */
void sim_device_set_log(struct sim_device *d, FILE *log);

/* Device descriptor followed by the configuration descriptor set, as sysfs "descriptors". */
size_t sim_device_descriptors(const struct sim_device *d, uint8_t *buf, size_t cap);

/*
 * One control transfer at time @now_us (monotonic, microseconds). Standard
 * requests (GET_DESCRIPTOR incl. strings, GET_STATUS, SET_CONFIGURATION...)
 * and the DFU class requests. @data holds @wLength bytes. *@actual is set
 * for IN transfers; an accepted OUT transfer consumed all @wLength bytes.
 */
enum sim_result sim_device_control(struct sim_device *d, uint64_t now_us, uint8_t bmRequestType,
				   uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
				   uint8_t *data, uint16_t wLength, size_t *actual);
/* With SIM_LATER: the time at which the pending answer will be given. */
uint64_t sim_device_ready_at(const struct sim_device *d);

/* SET_INTERFACE. Returns SIM_OK, SIM_STALL (no such alt), SIM_NODEV. */
enum sim_result sim_device_set_alt(struct sim_device *d, uint8_t intf, uint8_t alt);

/* USB bus reset at @now_us. */
enum sim_reset_result sim_device_reset(struct sim_device *d, uint64_t now_us);
/* The device is gone from the bus (left DFU mode, unplugged, faulted). */
bool sim_device_gone(const struct sim_device *d);
/* The chip the device is now (a run-time device changes chip after detach + reset). */
const struct sim_chip *sim_device_chip(const struct sim_device *d);

/* Memory access for tests: load an image, read back, per address. */
int sim_device_load(struct sim_device *d, uint32_t addr, const uint8_t *data, size_t len);
int sim_device_read(const struct sim_device *d, uint32_t addr, uint8_t *data, size_t len);
/* Write each memory region of every alt to DIR/<alt>-<hexaddr>.bin. Returns 0 or -1. */
int sim_device_dump(const struct sim_device *d, const char *dir);

/* Instrumentation counters. */
struct sim_stats {
	unsigned long requests;	    /* all control requests, standard ones included */
	unsigned long dfu_requests; /* class requests only */
	unsigned long dnload, upload, getstatus, clrstatus, abort, getstate, detach;
	unsigned long set_address, erase, mass_erase, unprotect, leave;
	unsigned long bytes_written, bytes_read;
	unsigned long early_polls;	     /* GETSTATUS sooner than the announced bwPollTimeout */
	unsigned long unerased_writes;	     /* DNLOAD onto flash that was not blank */
	unsigned long forbidden;	     /* requests the state did not allow (STALLed) */
	unsigned long erases_per_sector_max; /* most erases any one sector saw */
	uint64_t device_wait_us;   /* sum of the bwPollTimeouts announced (the device minimum) */
	unsigned long busy_stalls; /* GETSTATUS STALLed by faults.stall_busy_getstatus */
};
void sim_device_stats(const struct sim_device *d, struct sim_stats *out);

/*
 * Added by the model's author (additions only):
 * The product ID the device enumerates with now (after a run-time device
 * re-enumerated: the chip's dfu_idProduct). sim_device_chip() returns the chip
 * the device currently is, never NULL.
 */
uint16_t sim_device_idProduct(const struct sim_device *d);
/* The serial number string the device reports (index 3). */
const char *sim_device_serial(const struct sim_device *d);
/* The current DFU state (bState, 0..10), without sending a request. */
uint8_t sim_device_state(const struct sim_device *d);

#endif
