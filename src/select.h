/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding the device a run operates on: scanning the bus, matching the
 * user's selection, waiting for a device to appear (-w), listing (-l), and
 * switching a run-time device into DFU mode (detach, then following it back
 * onto the bus). Fills session->info; opens nothing it does not close.
 */
#ifndef DFUSE_SELECT_H
#define DFUSE_SELECT_H

#include <stdbool.h>

#include "error.h"
#include "session.h"

/*
 * Pick the one device the options designate into s->info, waiting for it
 * with -w. DFU-mode devices win over run-time ones unless @prefer_runtime
 * (-e). Returns ERR_OK, ERR_NOTFOUND, ERR_USAGE (several candidates, listed),
 * ERR_ACCESS (found but cannot be opened).
 */
int select_device(struct session *s, bool prefer_runtime, struct error *err);

/*
 * Detach the selected run-time device (DFU 1.1 section 5.1): DETACH, then a
 * USB reset unless it detaches by itself. The device is closed afterwards.
 */
int select_detach(struct session *s, struct error *err);

/*
 * The device for an operation that needs DFU mode: select_device(), and
 * when it is a run-time device, detach it and wait up to -E seconds for its
 * DFU-mode self. DfuSe and plain DFU devices alike: target_choose() then
 * picks the table that drives it.
 */
int select_dfu_device(struct session *s, struct error *err);

/*
 * The second half of select_dfu_device() for a device select_device() has
 * put in s->info: detach it when it is in run-time mode (recording its IDs
 * in s->rt_vid/rt_pid) and wait for its DFU-mode self.
 */
int select_enter_dfu(struct session *s, struct error *err);

/* -l: every matching DFU interface, one line per alt, in dfu-util 0.11's format. */
int select_list(struct session *s, struct error *err);

#endif
