/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pauses of -s :fast: how soon to ask a busy device again. dfu-util
 * master's :fast polls back to back; here only the first poll after the
 * one that started the work is immediate, later ones wait a floor that
 * doubles, so a device that stays busy costs a few polls, never a spin.
 */
#include "dfu_fast.h"

uint64_t dfu_fast_pause(unsigned busy, uint64_t now, uint64_t announced_end, uint64_t poll_us,
			uint64_t *backoff)
{
	uint64_t pause;

	/* Announced no longer than the floor: nothing to gain, and a poll to lose. */
	if (poll_us <= DFU_FAST_FLOOR_US)
		return poll_us;
	if (busy <= 1)
		return 0;
	pause = *backoff;
	if (*backoff < UINT64_C(1) << 40)
		*backoff *= 2;
	/* Never past the end the device announced: there the slow path would poll. */
	if (announced_end > now && announced_end - now < pause)
		pause = announced_end - now;
	else if (announced_end <= now && poll_us < pause)
		pause = poll_us;
	return pause < DFU_FAST_FLOOR_US ? DFU_FAST_FLOOR_US : pause;
}
