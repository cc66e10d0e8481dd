/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the test-ops-* programs share: buses of simulated chips, files in the
 * scratch directory, device memory and counters compared with what was
 * meant, and UM0391 DfuSe files built from targets and elements.
 */
#ifndef DFUSE_TESTS_OPS_TEST_H
#define DFUSE_TESTS_OPS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "oprun.h"
#include "scratch.h"
#include "simbackend.h"

#define FLASH 0x08000000u
#define KiB   1024u
#define MiB   (1024u * 1024u)

/* tmpdir/@name whole, malloc'd (@len its size), or NULL when it does not exist. */
uint8_t *read_file(const char *name, size_t *len);
/* Does tmpdir/@name exist? */
bool file_exists(const char *name);
/* Entries of tmpdir whose names start with @prefix. */
unsigned count_entries(const char *prefix);

/* Deterministic bytes from @seed, without 0xFF (so no run reads as erased). */
void fill_pattern(uint8_t *p, size_t n, uint32_t seed);
/* Do @n bytes of @dev's memory at @addr equal @want? */
bool mem_is(struct sim_device *dev, uint32_t addr, const uint8_t *want, size_t n);
/* Are @n bytes of @dev's memory at @addr all @v? */
bool mem_all(struct sim_device *dev, uint32_t addr, uint8_t v, size_t n);
struct sim_stats stats_of(struct sim_device *dev);
/* No early poll, unerased write or forbidden request seen by @dev. */
bool clean_protocol(struct sim_device *dev);

/*
 * A bus with the named chips (sim_chip_find names, NULL-terminated) plugged
 * in, in order; NULL on failure. Free it with simbackend_free().
 */
struct simbackend *bus(const char *chip, ...);
/* A bus with one @chip plugged in, *@dev its device; NULL (*@dev NULL) on failure. */
struct simbackend *bus_one(const char *chip, struct sim_device **dev);
/* Plug a device of @chip (custom chips too) with @serial (NULL: the chip's) into @sb. */
struct sim_device *add_chip(struct simbackend *sb, const struct sim_chip *chip, const char *serial);

/* One element of a DfuSe target: @len bytes of @data at @addr. */
struct elem {
	uint32_t addr;
	const uint8_t *data;
	uint32_t len;
};

/* One DfuSe target: for @alt, named @name (NULL: unnamed), elements @e[0..@n). */
struct tgt {
	uint8_t alt;
	const char *name;
	const struct elem *e;
	size_t n;
};

/*
 * Write the 16-byte DFU 1.1 suffix (appendix B) for @vid:@pid and @bcdDFU
 * after the @n bytes at @buf, its CRC over those bytes and the suffix's own
 * first 12; @buf must hold @n + 16 bytes.
 */
void add_suffix(uint8_t *buf, size_t n, uint16_t vid, uint16_t pid, uint16_t bcdDFU);

/* A UM0391 DfuSe file with @nt targets and a suffix for @vid:@pid; malloc'd, size in @len. */
uint8_t *build_dfu(const struct tgt *t, size_t nt, uint16_t vid, uint16_t pid, size_t *len);
/* build_dfu() written to tmpdir/@name. Returns success. */
bool write_dfu(const char *name, const struct tgt *t, size_t nt, uint16_t vid, uint16_t pid);

#endif
