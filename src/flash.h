/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -D on a DfuSe device: read and check the file, plan the download against
 * the device's layouts, then execute the plan (mass erase or --diff, erase,
 * write, verify) and leave DFU mode when asked.
 */
#ifndef DFUSE_FLASH_H
#define DFUSE_FLASH_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "session.h"

/* The whole download of s->o->file. Returns ERR_OK or the first error. */
int flash_download(struct session *s, struct error *err);

/*
 * Leave DFU mode through the open alt, starting the application at @addr
 * when @has_addr. The device vanishing is success (s->gone is set).
 */
int flash_leave(struct session *s, bool has_addr, uint32_t addr, struct error *err);

#endif
