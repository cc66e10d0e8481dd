/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAP tests of the ELF reader over files built here: ELF32 and ELF64 in
 * both byte orders, .data placed at its load address, and every way a
 * header or program header table can lie.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "image.h"
#include "tap.h"

#define ELF_BUF 4096

struct gen_phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct gen {
	bool is64, big;
	size_t nph;
	struct gen_phdr ph[4];
	/* tampering after the layout */
	int64_t phnum; /* -1: nph */
	int64_t phentsize;
	int64_t phoff;
	size_t truncate; /* 0: keep the whole file */
	uint64_t entry;
};

struct elf_row {
	const char *name;
	struct gen g;
	int rc;
	const char *msg;
	size_t npieces;
	uint32_t addr[3], len[3];
};

static void put(uint8_t *b, size_t off, uint64_t v, unsigned n, bool big)
{
	for (unsigned i = 0; i < n; i++)
		b[off + (big ? n - 1 - i : i)] = (uint8_t)(v >> (8 * i));
}

/* Segment bytes start at 0x200; each byte is its offset's low 8 bits. */
static size_t build(const struct gen *g, uint8_t *b)
{
	unsigned w = g->is64 ? 8 : 4, phsize = g->is64 ? 56 : 32;
	uint64_t phoff = g->phoff >= 0 ? (uint64_t)g->phoff : (g->is64 ? 64 : 52);
	size_t len = ELF_BUF;

	memset(b, 0, ELF_BUF);
	memcpy(b, "\177ELF", 4);
	b[4] = g->is64 ? 2 : 1;
	b[5] = g->big ? 2 : 1;
	b[6] = 1;
	put(b, 16, 2, 2, g->big);		     /* ET_EXEC */
	put(b, 18, g->is64 ? 62 : 40, 2, g->big);    /* x86-64 / ARM, unused */
	put(b, 24, g->entry, w, g->big);	     /* e_entry */
	put(b, g->is64 ? 32 : 28, phoff, w, g->big); /* e_phoff */
	put(b, g->is64 ? 54 : 42, g->phentsize >= 0 ? (uint64_t)g->phentsize : phsize, 2, g->big);
	put(b, g->is64 ? 56 : 44, g->phnum >= 0 ? (uint64_t)g->phnum : g->nph, 2, g->big);
	for (size_t i = 0; i < g->nph && phoff + (i + 1) * phsize <= ELF_BUF; i++) {
		size_t at = (size_t)phoff + i * phsize;
		const struct gen_phdr *p = &g->ph[i];

		put(b, at, p->type, 4, g->big);
		put(b, at + (g->is64 ? 8 : 4), p->offset, w, g->big);
		put(b, at + (g->is64 ? 16 : 8), p->vaddr, w, g->big);
		put(b, at + (g->is64 ? 24 : 12), p->paddr, w, g->big);
		put(b, at + (g->is64 ? 32 : 16), p->filesz, w, g->big);
		put(b, at + (g->is64 ? 40 : 20), p->memsz, w, g->big);
	}
	for (size_t i = 0x200; i < ELF_BUF; i++)
		b[i] = (uint8_t)i;
	if (g->truncate != 0)
		len = g->truncate;
	return len;
}

/* A Cortex-M shape: text in flash, .data at its LMA after it, .bss NOBITS, a NOTE. */
#define CORTEX(is64, big)                                                                          \
	{                                                                                          \
		is64, big, 4,                                                                      \
			{ { 1, 0x200, 0x08000000, 0x08000000, 0x100, 0x100 },                      \
			  { 1, 0x300, 0x20000000, 0x08000100, 0x20, 0x20 },                        \
			  { 1, 0x320, 0x20000020, 0x08000120, 0, 0x400 },                          \
			  { 4, 0x340, 0, 0, 0x10, 0x10 } },                                        \
			-1, -1, -1, 0, 0x08000001                                                  \
	}

static const struct elf_row rows[] = {
	{ "ELF32 LE: .data at its LMA merges with .text",
	  CORTEX(false, false),
	  ERR_OK,
	  NULL,
	  1,
	  { 0x08000000 },
	  { 0x120 } },
	{ "ELF32 BE", CORTEX(false, true), ERR_OK, NULL, 1, { 0x08000000 }, { 0x120 } },
	{ "ELF64 LE", CORTEX(true, false), ERR_OK, NULL, 1, { 0x08000000 }, { 0x120 } },
	{ "ELF64 BE", CORTEX(true, true), ERR_OK, NULL, 1, { 0x08000000 }, { 0x120 } },
	{ "two segments with a gap, out of order",
	  { false,
	    false,
	    2,
	    { { 1, 0x400, 0, 0x08004000, 0x10, 0x10 }, { 1, 0x200, 0, 0x08000000, 0x10, 0x10 } },
	    -1,
	    -1,
	    -1,
	    0,
	    0 },
	  ERR_OK,
	  NULL,
	  2,
	  { 0x08000000, 0x08004000 },
	  { 0x10, 0x10 } },
	{ "overlapping segments are refused",
	  { false,
	    false,
	    2,
	    { { 1, 0x200, 0, 0x08000000, 0x100, 0x100 }, { 1, 0x300, 0, 0x080000F0, 0x20, 0x20 } },
	    -1,
	    -1,
	    -1,
	    0,
	    0 },
	  ERR_DATA,
	  "program header 1 at file offset 0x54: [0x080000f0, 0x08000110) overlaps program "
	  "header 0 at file offset 0x34",
	  0,
	  { 0 },
	  { 0 } },
	{ "segment data past the end of the file",
	  { false, false, 1, { { 1, 0xF00, 0, 0x08000000, 0x200, 0x200 } }, -1, -1, -1, 0, 0 },
	  ERR_DATA,
	  "program header 0 at file offset 0x34: segment data at 0xf00 + 0x200 runs past",
	  0,
	  { 0 },
	  { 0 } },
	{ "segment offset near 2^64",
	  { true, false, 1, { { 1, UINT64_MAX - 4, 0, 0, 0x10, 0x10 } }, -1, -1, -1, 0, 0 },
	  ERR_DATA,
	  "runs past the end of the file",
	  0,
	  { 0 },
	  { 0 } },
	{ "program headers out of the file",
	  { false, false, 1, { { 1, 0x200, 0, 0, 1, 1 } }, -1, -1, 0xFF0, 0, 0 },
	  ERR_DATA,
	  "program header table at file offset 0xff0 (1 x 32 bytes) runs past the end",
	  0,
	  { 0 },
	  { 0 } },
	{ "e_phoff near 2^64",
	  { true, false, 1, { { 1, 0x200, 0, 0, 1, 1 } }, -1, -1, INT64_MAX, 0, 0 },
	  ERR_DATA,
	  "runs past the end of the file",
	  0,
	  { 0 },
	  { 0 } },
	{ "e_phnum 0xffff (PN_XNUM)",
	  { false, false, 0, { { 0 } }, 0xFFFF, -1, -1, 0, 0 },
	  ERR_DATA,
	  "e_phnum 65535",
	  0,
	  { 0 },
	  { 0 } },
	{ "huge e_phnum, table past the file",
	  { false, false, 0, { { 0 } }, 4000, -1, -1, 0, 0 },
	  ERR_DATA,
	  "(4000 x 32 bytes) runs past the end",
	  0,
	  { 0 },
	  { 0 } },
	{ "e_phnum 0: an object file",
	  { false, false, 0, { { 0 } }, -1, -1, -1, 0, 0 },
	  ERR_DATA,
	  "e_phnum is 0",
	  0,
	  { 0 },
	  { 0 } },
	{ "e_phentsize too small",
	  { false, false, 1, { { 1, 0x200, 0, 0, 1, 1 } }, -1, 16, -1, 0, 0 },
	  ERR_DATA,
	  "e_phentsize 16, at least 32 needed",
	  0,
	  { 0 },
	  { 0 } },
	{ "larger e_phentsize is stepped over",
	  { false, false, 1, { { 1, 0x200, 0, 0x1000, 8, 8 } }, -1, 40, -1, 0, 0 },
	  ERR_OK,
	  NULL,
	  1,
	  { 0x1000 },
	  { 8 } },
	{ "p_paddr + p_filesz past 4 GiB",
	  { false, false, 1, { { 1, 0x200, 0, 0xFFFFFFF0, 0x20, 0x20 } }, -1, -1, -1, 0, 0 },
	  ERR_DATA,
	  "p_paddr 0xfffffff0 + 0x20 ends past 4 GiB",
	  0,
	  { 0 },
	  { 0 } },
	{ "ELF64 p_paddr above 4 GiB",
	  { true, false, 1, { { 1, 0x200, 0, 0x100000000ull, 0x20, 0x20 } }, -1, -1, -1, 0, 0 },
	  ERR_DATA,
	  "p_paddr 0x100000000",
	  0,
	  { 0 },
	  { 0 } },
	{ "p_filesz larger than p_memsz",
	  { false, false, 1, { { 1, 0x200, 0, 0, 0x20, 0x10 } }, -1, -1, -1, 0, 0 },
	  ERR_DATA,
	  "p_filesz 0x20 is larger than p_memsz 0x10",
	  0,
	  { 0 },
	  { 0 } },
	{ "only NOBITS and non-LOAD segments",
	  { false,
	    false,
	    2,
	    { { 1, 0x200, 0, 0, 0, 0x100 }, { 6, 0x200, 0, 0, 0x20, 0x20 } },
	    -1,
	    -1,
	    -1,
	    0,
	    0 },
	  ERR_DATA,
	  "none of the 2 program headers is a PT_LOAD segment with file contents",
	  0,
	  { 0 },
	  { 0 } },
	{ "truncated ELF header",
	  { false, false, 0, { { 0 } }, -1, -1, -1, 40, 0 },
	  ERR_DATA,
	  "ELF header truncated (40 bytes, 52 needed)",
	  0,
	  { 0 },
	  { 0 } },
	{ "truncated ELF64 header",
	  { true, false, 0, { { 0 } }, -1, -1, -1, 60, 0 },
	  ERR_DATA,
	  "ELF header truncated (60 bytes, 64 needed)",
	  0,
	  { 0 },
	  { 0 } },
	{ "identification only",
	  { false, false, 0, { { 0 } }, -1, -1, -1, 10, 0 },
	  ERR_DATA,
	  "ELF identification truncated (10 bytes, 16 needed)",
	  0,
	  { 0 },
	  { 0 } },
};

static void check_row(const struct elf_row *r)
{
	static uint8_t b[ELF_BUF];
	size_t len = build(&r->g, b);
	uint8_t *copy = malloc(len); /* exactly @len bytes, so ASan sees over-reads */
	struct image img;
	struct error err = { ERR_OK, "" };
	int rc;

	memcpy(copy, b, len);
	rc = image_parse(copy, len, IMAGE_FORMAT_AUTO, 0, &img, &err);
	is_int(rc, r->rc, "%s: rc (%s)", r->name, rc != ERR_OK ? err.msg : "ok");
	if (rc != ERR_OK || r->rc != ERR_OK) {
		char head[6];

		if (r->msg != NULL)
			is_substr(err.msg, r->msg, "%s: message", r->name);
		snprintf(head, sizeof(head), "%s", err.msg);
		if (r->rc != ERR_OK)
			is_str(head, "ELF: ", "%s: says ELF", r->name);
		free(copy);
		return;
	}
	is_int(img.format, IMAGE_FORMAT_ELF, "%s: format", r->name);
	is_int(img.npieces, r->npieces, "%s: pieces", r->name);
	for (size_t i = 0; i < img.npieces && i < r->npieces; i++) {
		const struct image_piece *p = &img.pieces[i];
		bool bytes = true;

		for (uint32_t k = 0; k < p->len; k++) {
			/* Each piece's bytes come from the file offsets of its segment. */
			uint64_t off = 0;

			for (size_t s = 0; s < r->g.nph; s++) {
				const struct gen_phdr *ph = &r->g.ph[s];

				if (ph->type == 1 && p->addr + k >= ph->paddr &&
				    p->addr + k < ph->paddr + ph->filesz)
					off = ph->offset + (p->addr + k - ph->paddr);
			}
			bytes = bytes && p->data[k] == (uint8_t)off;
		}
		is_int(p->addr, r->addr[i],
		       "%s: piece %zu 0x%08x + 0x%x, bytes from the file [p->addr]", r->name, i,
		       p->addr, p->len);
		is_int(p->len, r->len[i],
		       "%s: piece %zu 0x%08x + 0x%x, bytes from the file [p->len]", r->name, i,
		       p->addr, p->len);
		is_int(bytes, true, "%s: piece %zu 0x%08x + 0x%x, bytes from the file [bytes]",
		       r->name, i, p->addr, p->len);
	}
	is_int(img.has_start, true, "%s: entry 0x%08x [img.has_start]", r->name, img.start);
	is_int(img.start, r->g.entry, "%s: entry 0x%08x [img.start]", r->name, img.start);
	image_free(&img);
	free(copy);
}

/* The identification bytes, patched into a good file one at a time. */
static void test_ident(void)
{
	static const struct gen good = CORTEX(false, false);
	static const struct {
		size_t at;
		uint8_t v;
		const char *msg;
	} bad[] = {
		{ 4, 0, "file offset 0x4: EI_CLASS 0 (1 or 2 expected)" },
		{ 4, 3, "file offset 0x4: EI_CLASS 3 (1 or 2 expected)" },
		{ 5, 3, "file offset 0x5: EI_DATA 3 (1 or 2 expected)" },
		{ 6, 2, "file offset 0x6: EI_VERSION 2 (1 expected)" },
		{ 0, 0x7e, "no ELF magic" },
	};
	static uint8_t b[ELF_BUF];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = build(&good, b);
		struct image img;
		struct error err = { ERR_OK, "" };

		image_init(&img, IMAGE_FORMAT_ELF);
		b[bad[i].at] = bad[i].v;
		is_int(elf_parse(b, len, &img, &err), ERR_DATA, "ident byte %zu = %u refused",
		       bad[i].at, bad[i].v);
		ok(strstr(err.msg, bad[i].msg) != NULL, "... '%s'", err.msg);
	}
}

int main(void)
{
	test_ident();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_row(&rows[i]);
	return done_testing();
}
