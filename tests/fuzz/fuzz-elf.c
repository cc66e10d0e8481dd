/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the ELF executables (elf.c) reader: see fuzz-image.h. */
#include "fuzz-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_image(data, size, IMAGE_FORMAT_ELF);
}
