/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF32/ELF64 executables: the reader behind image_parse() (PT_LOAD segments). */
#ifndef DFUSE_ELF_H
#define DFUSE_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "image_pieces.h"

/*
 * Read @len bytes at @buf into @img (initialised by the caller). Errors are
 * ERR_DATA or ERR_NOMEM, naming the program header, not yet wrapped.
 */
int elf_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err);

#endif
