/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: argv -> struct opts, with dfu-util 0.11's options and
 * the -s ADDRESS[:LENGTH][:modifier]... grammar. Pure: never prints, never
 * exits, touches no device; every error is ERR_USAGE with a reason.
 */
#ifndef DFUSE_OPTIONS_H
#define DFUSE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "opts.h"

/*
 * Parse @argc/@argv into @o. Strings in @o may point into @argv.
 * Returns ERR_OK or ERR_USAGE with the reason in @err.
 */
int opt_parse(int argc, char *const argv[], struct opts *o, struct error *err);

#endif
