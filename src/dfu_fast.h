/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -s :fast's state in an opened DFU interface, and the pause between two
 * polls of a busy device (dfu_fast.c). dfu.c uses both.
 */
#ifndef DFUSE_DFU_FAST_H
#define DFUSE_DFU_FAST_H

#include <stdbool.h>
#include <stdint.h>

/*
 * -s :fast (dfu-util master's modifier, made safer): while the device is
 * busy, poll GETSTATUS again at once instead of after bwPollTimeout, then
 * after a short floor that doubles, never later than the announced time.
 */
struct dfu_fast {
	bool on;	      /* asked for (:fast) */
	bool off;	      /* a STALLed poll put the session back on the announced times */
	bool stalled;	      /* that happened: a failed data block may be recovered */
	bool request_stalled; /* a poll of the request in progress was STALLed */
};

/* Shortest pause between two fast polls of a device that is still busy. */
#define DFU_FAST_FLOOR_US 1000u
/* STALLed polls taken as "still busy" under :fast (dfu-util master: three). */
#define DFU_FAST_STALLS 3u

/*
 * The pause before the next fast poll of a device that answered busy for
 * the @busy-th time in this request, at @now, having announced that the
 * work ends at @announced_end and now @poll_us; *@backoff (start it at
 * DFU_FAST_FLOOR_US) grows. 0 after the first busy answer (back to back),
 * then at least DFU_FAST_FLOOR_US and never past the announced end; just
 * @poll_us when that is no longer than the floor.
 */
uint64_t dfu_fast_pause(unsigned busy, uint64_t now, uint64_t announced_end, uint64_t poll_us,
			uint64_t *backoff);

#endif
