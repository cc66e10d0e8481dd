/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one option table: a row per option with its names, its argument, its
 * help text for -h and where its value goes. The parser (options.c) walks it;
 * opt_usage.c writes the usage text from it through opt_doc().
 */
#include "opt_table.h"

#include <stddef.h>

#include "opt_values.h"

#define OPT_DETACH_DELAY_MAX 3600
/* --wait=SECONDS: a day is long enough for anyone plugging in a board. */
#define OPT_WAIT_MAX 86400
/* --pad: the largest flash word of any part (H7: 32 bytes), with room to spare. */
#define OPT_PAD_MAX 256

/* --usb-timeout, --poll-timeout-max: ten minutes. */
#define OPT_TIMEOUT_MAX_MS 600000

/* Offset 0 means "no field" above: it must hold no bool. */
_Static_assert(offsetof(struct opts, mode) == 0, "struct opts starts with its mode");

/* A row's fields that every option has; the others are designated where given. */
#define OPT_ROW(k, n, a, an, h) .key = (k), .name = (n), .arg = (a), .arg_name = (an), .help = (h)
#define OPT_AT(field)		offsetof(struct opts, field)
#define OPT_NUM(lo, hi, what, field, has)                                                          \
	{                                                                                          \
		what, lo, hi, OPT_AT(field), sizeof(((struct opts *)0)->field), has                \
	}

const struct opt_def opt_defs[] = {
	{ OPT_ROW(OPT_KEY_HELP, "help", OPT_ARG_NONE, NULL, "Print this help text and exit") },
	{ OPT_ROW(OPT_KEY_VERSION, "version", OPT_ARG_NONE, NULL, "Print the version and exit") },
	{ OPT_ROW(OPT_KEY_VERBOSE, "verbose", OPT_ARG_NONE, NULL,
		  "Say more; repeat for more (-vvv: USB requests)") },
	{ OPT_ROW(OPT_KEY_LIST, "list", OPT_ARG_NONE, NULL,
		  "List the attached DFU capable USB devices") },
	{ OPT_ROW(OPT_KEY_DETACH, "detach", OPT_ARG_NONE, NULL,
		  "Ask a run-time device to switch to DFU mode"),
	  .sets = OPT_AT(detach) },
	{ OPT_ROW(OPT_KEY_DETACH_DELAY, "detach-delay", OPT_ARG_REQUIRED, "SECONDS",
		  "Wait this long for the device after a detach\n(default 5)"),
	  .num = OPT_NUM(0, OPT_DETACH_DELAY_MAX, "detach delay", detach_delay_s, 0) },
	{ OPT_ROW(OPT_KEY_DEVICE, "device", OPT_ARG_REQUIRED, "VID:PID[,VID_DFU:PID_DFU]",
		  "Select the device by run-time and/or DFU mode IDs\n(hex; '*' or empty: any, '-': none)") },
	{ OPT_ROW(OPT_KEY_DEVNUM, "devnum", OPT_ARG_REQUIRED, "DEVNUM",
		  "Select the device by device number (see --list)"),
	  .num = OPT_NUM(0, 255, "device number", devnum, OPT_AT(has_devnum)) },
	{ OPT_ROW(OPT_KEY_PATH, "path", OPT_ARG_REQUIRED, "BUS-PORT.PORT...",
		  "Select the device by its USB path") },
	{ OPT_ROW(OPT_KEY_CFG, "cfg", OPT_ARG_REQUIRED, "CONFIG",
		  "Select the configuration of the DFU device"),
	  .num = OPT_NUM(0, 255, "configuration", cfg, OPT_AT(has_cfg)) },
	{ OPT_ROW(OPT_KEY_INTF, "intf", OPT_ARG_REQUIRED, "INTF",
		  "Select the DFU interface number"),
	  .num = OPT_NUM(0, 255, "interface", intf, OPT_AT(has_intf)) },
	{ OPT_ROW(OPT_KEY_SERIAL, "serial", OPT_ARG_REQUIRED, "SERIAL[,SERIAL_DFU]",
		  "Select the device by run-time and/or DFU mode serial") },
	{ OPT_ROW(OPT_KEY_ALT, "alt", OPT_ARG_REQUIRED, "ALT",
		  "Select the alternate setting by number or name") },
	{ OPT_ROW(OPT_KEY_TRANSFER_SIZE, "transfer-size", OPT_ARG_REQUIRED, "BYTES",
		  "Bytes per USB transfer (normally the device's)"),
	  .num = OPT_NUM(1, 65535, "transfer size", transfer_size, OPT_AT(has_transfer_size)) },
	{ OPT_ROW(OPT_KEY_UPLOAD, "upload", OPT_ARG_REQUIRED, "FILE",
		  "Read the device memory into FILE"),
	  .file = true },
	{ OPT_ROW(OPT_KEY_UPLOAD_SIZE, "upload-size", OPT_ARG_REQUIRED, "BYTES",
		  "Expected upload size; the length to read when -s\ngives none (dfuse-util)"),
	  .num = OPT_NUM(1, UINT32_MAX, "upload size", upload_size, OPT_AT(has_upload_size)) },
	{ OPT_ROW(OPT_KEY_DOWNLOAD, "download", OPT_ARG_REQUIRED, "FILE",
		  "Write FILE into the device memory"),
	  .file = true },
	{ OPT_ROW(OPT_KEY_RESET, "reset", OPT_ARG_NONE, NULL, "Reset the USB device when done"),
	  .sets = OPT_AT(reset) },
	{ OPT_ROW(OPT_KEY_QUIT, "start-firmware", OPT_ARG_NONE, NULL,
		  "After -D or -U, make the device leave DFU mode and\n"
		  "start its firmware (Arduino's dfu-util -Q)"),
	  .sets = OPT_AT(quit) },
	{ OPT_ROW(OPT_KEY_WAIT, "wait", OPT_ARG_OPTIONAL_EQ, "SECONDS",
		  "Wait for the device to appear (=SECONDS: a limit,\ndfuse-util)"),
	  .sets = OPT_AT(wait),
	  .num = OPT_NUM(1, OPT_WAIT_MAX, "wait timeout", wait_timeout_s,
			 OPT_AT(has_wait_timeout)) },
	{ OPT_ROW(OPT_KEY_DFUSE, "dfuse-address", OPT_ARG_REQUIRED,
		  "ADDRESS[:LENGTH][:MODIFIER]...",
		  "DfuSe target address for a raw binary (not for\n"
		  ".dfu files), then fields separated by ':':\n"
		  "LENGTH\thow many bytes -U reads\n"
		  "leave\tleave DFU mode and start the application\n"
		  "mass-erase\terase the whole flash (needs force)\n"
		  "unprotect\tremove read protection, erasing the flash\n"
		  "\t(needs force)\n"
		  "will-reset\tthe device is expected to reset (option bytes)\n"
		  "force\tskip safety checks; needed by mass-erase, unprotect\n"
		  "fast\tpoll a busy device at once, not after the time it\n"
		  "\tannounces (slow-announcing ROMs such as the F7's)") },
	{ OPT_ROW(OPT_KEY_VERIFY, "verify", OPT_ARG_NONE, NULL,
		  "After -D, read the memory back and compare\n(dfuse-util)"),
	  .sets = OPT_AT(verify) },
	{ OPT_ROW(OPT_KEY_DIFF, "diff", OPT_ARG_NONE, NULL,
		  "With -D, write only the sectors that differ\n(dfuse-util)"),
	  .sets = OPT_AT(diff) },
	{ OPT_ROW(OPT_KEY_DRY_RUN, "dry-run", OPT_ARG_NONE, NULL,
		  "With -D, print the plan (erase, write, --diff) and\nwrite nothing, -R included (dfuse-util)"),
	  .sets = OPT_AT(dry_run) },
	{ OPT_ROW(OPT_KEY_ALL, "all", OPT_ARG_NONE, NULL,
		  "Operate on every matching device at once (-D, -U,\n-s commands, -e, -R); -U's FILE must "
		  "contain\n{serial} or {path} (dfuse-util)"),
	  .sets = OPT_AT(all) },
	{ OPT_ROW(OPT_KEY_JSON, "json", OPT_ARG_REQUIRED, "FILE",
		  "Write the result of the run, per device, as JSON\nto FILE ('-': stdout) (dfuse-util)"),
	  .file = true },
	{ OPT_ROW(OPT_KEY_FORMAT, "format", OPT_ARG_REQUIRED, "FORMAT",
		  "Read the -D, --info or --convert input as FORMAT:\nbin, dfu, hex, srec or elf (default: "
		  "by contents)") },
	{ OPT_ROW(OPT_KEY_INFO, "info", OPT_ARG_REQUIRED, "FILE",
		  "Print what an image file holds: format, pieces,\n.dfu targets, DFU suffix; no device "
		  "(dfuse-util)"),
	  .file = true },
	{ OPT_ROW(OPT_KEY_CONVERT, "convert", OPT_ARG_REQUIRED, "OUT",
		  "Convert the -D file into OUT instead of writing a\ndevice: -s ADDRESS places a raw input, "
		  "-d VID:PID\nand -a ALT fill a .dfu output (dfuse-util)"),
	  .file = true },
	{ OPT_ROW(OPT_KEY_OUT_FORMAT, "out-format", OPT_ARG_REQUIRED, "FORMAT",
		  "The --convert output format: bin, dfu, hex or srec\n(default: by OUT's extension)") },
	{ OPT_ROW(OPT_KEY_USB_TIMEOUT, "usb-timeout", OPT_ARG_REQUIRED, "MS",
		  "Timeout of one USB control transfer (default 5000;\nmore after an erase; dfuse-util)"),
	  .num = OPT_NUM(1, OPT_TIMEOUT_MAX_MS, "timeout in milliseconds", usb_timeout_ms,
			 OPT_AT(has_usb_timeout)) },
	{ OPT_ROW(OPT_KEY_POLL_TIMEOUT_MAX, "poll-timeout-max", OPT_ARG_REQUIRED, "MS",
		  "Wait at most MS between status polls, whatever the\ndevice announces (dfuse-util)"),
	  .num = OPT_NUM(1, OPT_TIMEOUT_MAX_MS, "timeout in milliseconds", poll_timeout_max_ms,
			 OPT_AT(has_poll_timeout_max)) },
	{ OPT_ROW(OPT_KEY_REQUIRE_SUFFIX, "require-suffix", OPT_ARG_NONE, NULL,
		  "With -D, refuse a raw image without a valid DFU\nsuffix (dfuse-util)"),
	  .sets = OPT_AT(require_suffix) },
	{ OPT_ROW(OPT_KEY_PAD, "pad", OPT_ARG_REQUIRED, "BYTES",
		  "With -D, pad the end of each write with 0xFF to a\nflash word of BYTES, for a part "
		  "that drops a last\npartial word and is not known to (dfuse-util)"),
	  .num = OPT_NUM(1, OPT_PAD_MAX, "flash word size", pad, 0) },
	{ OPT_ROW(OPT_KEY_TRACE, "trace", OPT_ARG_REQUIRED, "FILE",
		  "Record the USB session into FILE as JSON lines:\ndescriptors, strings, every control "
		  "transfer\n(serials masked; replay: dfuse-sim --replay)"),
	  .file = true },
	{ OPT_ROW(OPT_KEY_TRACE_KEEP_SERIAL, "trace-keep-serial", OPT_ARG_NONE, NULL,
		  "Keep the serial numbers in the --trace file"),
	  .sets = OPT_AT(trace_keep_serial) },
};

const size_t opt_ndefs = sizeof(opt_defs) / sizeof(opt_defs[0]);

/* ---- the table as -h shows it (opt_usage.c writes the text) ---- */

bool opt_doc(size_t i, struct opt_doc *doc)
{
	const struct opt_def *d;

	if (i >= opt_ndefs)
		return false;
	d = &opt_defs[i];
	doc->letter = d->key < 256 ? (char)d->key : '\0';
	doc->name = d->name;
	doc->arg = d->arg_name;
	doc->arg_optional = d->arg == OPT_ARG_OPTIONAL_EQ;
	doc->help = d->help;
	return true;
}
