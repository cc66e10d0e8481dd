/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The helpers of the test-ops-* programs (ops-test.h): files in the scratch
 * directory, device memory and counters, buses of simulated chips, and
 * DfuSe files built byte by byte from UM0391's layout.
 */
#include "ops-test.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dfu_file.h"

uint8_t *read_file(const char *name, size_t *len)
{
	return slurp_path(path_of(name), len);
}

bool file_exists(const char *name)
{
	struct stat sb;

	return stat(path_of(name), &sb) == 0;
}

unsigned count_entries(const char *prefix)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 7;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
		if (p[i] == 0xFF)
			p[i] = 0xFE;
	}
}

bool mem_is(struct sim_device *dev, uint32_t addr, const uint8_t *want, size_t n)
{
	uint8_t *got = malloc(n ? n : 1);
	bool same;

	if (got == NULL)
		return false;
	same = sim_device_read(dev, addr, got, n) == 0 && memcmp(got, want, n) == 0;
	free(got);
	return same;
}

bool mem_all(struct sim_device *dev, uint32_t addr, uint8_t v, size_t n)
{
	uint8_t *got = malloc(n ? n : 1);
	bool all;

	if (got == NULL)
		return false;
	all = sim_device_read(dev, addr, got, n) == 0;
	for (size_t i = 0; all && i < n; i++)
		all = got[i] == v;
	free(got);
	return all;
}

struct sim_stats stats_of(struct sim_device *dev)
{
	struct sim_stats s;

	sim_device_stats(dev, &s);
	return s;
}

struct simbackend *bus(const char *chip, ...)
{
	struct simbackend *sb = simbackend_new();
	va_list ap;

	if (sb == NULL)
		return NULL;
	va_start(ap, chip);
	for (const char *c = chip; c != NULL; c = va_arg(ap, const char *)) {
		struct sim_device *d = sim_device_new(sim_chip_find(c), NULL);

		if (d == NULL || simbackend_add(sb, d) < 0) {
			sim_device_free(d);
			simbackend_free(sb);
			sb = NULL;
			break;
		}
	}
	va_end(ap);
	return sb;
}

struct simbackend *bus_one(const char *chip, struct sim_device **dev)
{
	struct simbackend *sb = bus(chip, NULL);

	*dev = sb != NULL ? simbackend_device(sb, 0) : NULL;
	return sb;
}

struct sim_device *add_chip(struct simbackend *sb, const struct sim_chip *chip, const char *serial)
{
	struct sim_device *d = sim_device_new(chip, serial);

	if (d == NULL || simbackend_add(sb, d) < 0) {
		sim_device_free(d);
		return NULL;
	}
	return d;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void add_suffix(uint8_t *buf, size_t n, uint16_t vid, uint16_t pid, uint16_t bcdDFU)
{
	uint8_t *p = buf + n;

	put16(p, 0xFFFF);
	put16(p + 2, pid);
	put16(p + 4, vid);
	put16(p + 6, bcdDFU);
	memcpy(p + 8, "UFD", 3);
	p[11] = 16;
	put32(p + 12, dfu_file_crc(buf, n + 12));
}

uint8_t *build_dfu(const struct tgt *t, size_t nt, uint16_t vid, uint16_t pid, size_t *len)
{
	size_t size = 11 + 16;
	uint8_t *buf, *p;

	for (size_t i = 0; i < nt; i++) {
		size += 274;
		for (size_t k = 0; k < t[i].n; k++)
			size += 8 + t[i].e[k].len;
	}
	buf = calloc(1, size);
	if (buf == NULL)
		return NULL;
	memcpy(buf, "DfuSe\x01", 6);
	put32(buf + 6, (uint32_t)(size - 16));
	buf[10] = (uint8_t)nt;
	p = buf + 11;
	for (size_t i = 0; i < nt; i++) {
		uint32_t tsize = 0;

		for (size_t k = 0; k < t[i].n; k++)
			tsize += 8 + t[i].e[k].len;
		memcpy(p, "Target", 6);
		p[6] = t[i].alt;
		put32(p + 7, t[i].name != NULL);
		if (t[i].name != NULL)
			snprintf((char *)p + 11, 255, "%s", t[i].name);
		put32(p + 266, tsize);
		put32(p + 270, (uint32_t)t[i].n);
		p += 274;
		for (size_t k = 0; k < t[i].n; k++) {
			put32(p, t[i].e[k].addr);
			put32(p + 4, t[i].e[k].len);
			memcpy(p + 8, t[i].e[k].data, t[i].e[k].len);
			p += 8 + t[i].e[k].len;
		}
	}
	add_suffix(buf, size - 16, vid, pid, 0x011A);
	*len = size;
	return buf;
}

bool write_dfu(const char *name, const struct tgt *t, size_t nt, uint16_t vid, uint16_t pid)
{
	size_t len = 0;
	uint8_t *buf = build_dfu(t, nt, vid, pid, &len);
	bool good = buf != NULL && write_file(name, buf, len);

	free(buf);
	return good;
}

bool clean_protocol(struct sim_device *dev)
{
	struct sim_stats s = stats_of(dev);

	return s.early_polls == 0 && s.unerased_writes == 0 && s.forbidden == 0;
}
