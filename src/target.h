/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target of the selected device: one table of what each operation does
 * on it, chosen once per run when the device is selected. DfuSe (flash.c,
 * upload.c and the -s commands, over dfuse.c) and plain DFU 1.1 (plain.c,
 * over dfu_plain.c) are its two implementations; ops.c calls the table and
 * never asks which one it holds.
 */
#ifndef DFUSE_TARGET_H
#define DFUSE_TARGET_H

#include "download.h"
#include "error.h"
#include "session.h"

struct target_ops {
	/*
	 * -D: flash @in (read, and checked against -d) into the selected
	 * DFU-mode device. ERR_OK or the error, naming the download.
	 */
	int (*download)(struct session *s, const struct download_input *in, struct error *err);
	/*
	 * -U into s->o->file (checked not to exist, its name checked) from the
	 * selected DFU-mode device. ERR_OK or the error, naming the upload.
	 */
	int (*upload)(struct session *s, struct error *err);
	/* -s alone: :mass-erase, :unprotect, :leave. ERR_OK or the error. */
	int (*command)(struct session *s, struct error *err);
};

/*
 * The table for the device selected in @s (s->info, with its quirks in
 * s->quirks): DfuSe or plain DFU 1.1, as dev_is_dfuse() decides. Never NULL.
 */
const struct target_ops *target_choose(const struct session *s);

#endif
