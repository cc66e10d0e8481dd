/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one boundary between protocol code and the outside world: control
 * transfers, alt-setting selection, bus reset, sleeping and a monotonic clock.
 * usb.c implements it over libusb; tests implement it over the device model
 * with a virtual clock.
 */
#ifndef DFUSE_TRANSPORT_H
#define DFUSE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

enum transport_status {
	TR_PIPES_RESET = 1, /* reset() only: the driver cannot reset a device, it reset the pipes */
	TR_OK = 0,
	TR_STALL = -1,	 /* the device answered with a STALL handshake */
	TR_TIMEOUT = -2, /* no answer within the timeout */
	TR_NODEV = -3,	 /* the device is gone from the bus */
	TR_IO = -4,	 /* any other transfer failure */
};

struct transport_ops {
	/*
	 * One control transfer. @data holds @wLength bytes (out: sent, in:
	 * filled). *@actual receives the bytes moved. Returns TR_*.
	 */
	int (*control)(void *ctx, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue,
		       uint16_t wIndex, uint8_t *data, uint16_t wLength, unsigned timeout_ms,
		       size_t *actual);
	/* SET_INTERFACE for interface @intf, alternate setting @alt. Returns TR_*. */
	int (*set_alt)(void *ctx, uint8_t intf, uint8_t alt);
	/*
	 * USB bus reset. TR_NODEV when the device re-enumerated or vanished;
	 * TR_PIPES_RESET when the platform could only reset the device's pipes.
	 */
	int (*reset)(void *ctx);
	/* Sleep @us microseconds (a virtual clock in tests just advances). */
	void (*sleep_us)(void *ctx, uint64_t us);
	/* Monotonic time in microseconds. */
	uint64_t (*now_us)(void *ctx);
	/*
	 * Is the opened device still attached to the bus? TR_OK (listed),
	 * TR_NODEV (gone). May be NULL: callers then rely on what requests say.
	 */
	int (*present)(void *ctx);
};

struct transport {
	const struct transport_ops *ops;
	void *ctx;
};

/* Human-readable name of a TR_* status ("stall", "timeout", ...). */
const char *transport_status_str(int status);

#endif
