/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The values options take, shared by options.c and opt_values.c only: the
 * -S, -a and -p grammars (the checked numbers, -s and -d are in options.h).
 * Pure: no printing, every error ERR_USAGE with a reason.
 */
#ifndef DFUSE_OPT_VALUES_H
#define DFUSE_OPT_VALUES_H

#include "error.h"
#include "options.h"

/* At most this many bytes of user text are echoed back in one message. */
#define OPT_ECHO 80

/* -S [RUNTIME][,DFU]: each half up to 255 bytes; sets o->serial_*. */
int opt_parse_serial(const char *s, struct opts *o, struct error *err);

/* -a N or -a NAME (a number when it reads as one, leading blanks allowed). */
int opt_parse_alt(const char *s, struct opts *o, struct error *err);

/* -p BUS-PORT[.PORT]...: sets o->path. */
int opt_parse_path(const char *s, struct opts *o, struct error *err);

#endif
