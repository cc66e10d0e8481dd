/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names of transport statuses, for error messages. */
#include "transport.h"

const char *transport_status_str(int status)
{
	switch ((enum transport_status)status) {
	case TR_PIPES_RESET:
		return "only the pipes were reset, not the device";
	case TR_OK:
		return "ok";
	case TR_STALL:
		return "request stalled";
	case TR_TIMEOUT:
		return "timed out";
	case TR_NODEV:
		return "device disconnected";
	case TR_IO:
		return "USB I/O error";
	}
	return "unknown transport error";
}
