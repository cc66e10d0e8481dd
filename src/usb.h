/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libusb backend: the only module that includes <libusb.h>. It scans the
 * bus for DFU interfaces and opens one, exposing it as a struct transport.
 */
#ifndef DFUSE_USB_H
#define DFUSE_USB_H

#include <stdbool.h>

#include "device.h"
#include "error.h"

struct usb_backend;

/*
 * Start libusb. @verbose >= 3 turns on libusb's own debug output.
 * @own_contexts: each device opened gets a libusb context of its own, for a
 * run that drives several devices from their own threads at once, so that
 * no device's transfers wait for another's to be reaped.
 * Returns ERR_OK and *@out, or ERR_IO.
 */
int usb_backend_new(int verbose, bool own_contexts, struct usb_backend **out, struct error *err);
void usb_backend_free(struct usb_backend *ub);
/* The struct dev_backend view of @ub (valid while @ub lives). */
struct dev_backend usb_backend_get(struct usb_backend *ub);

#endif
