/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF executables (System V ABI, "ELF header" and "Program header"): the
 * bytes of every PT_LOAD segment with file contents, placed at its physical
 * address p_paddr, the load address in flash (for .data it differs from the
 * run address p_vaddr in RAM). ELF32 and ELF64, either byte order. Pure.
 */
#include "elf.h"

#include <string.h>

#include "image_rec.h"

#define FOUR_GIB ((uint64_t)1 << 32)

enum {
	EI_CLASS = 4,
	EI_DATA = 5,
	EI_VERSION = 6,
	EI_NIDENT = 16,
	ELFCLASS32 = 1,
	ELFCLASS64 = 2,
	ELFDATA2LSB = 1,
	ELFDATA2MSB = 2,
	PT_LOAD = 1,
	PN_XNUM = 0xFFFF,
	ELF_MAX_PHDRS = 4096, /* real executables have a handful */
};

/* Field offsets and sizes that differ between the two classes. */
struct elf_layout {
	unsigned ehsize;
	unsigned word; /* 4 or 8: e_entry, e_phoff, p_offset, p_paddr, p_filesz, p_memsz */
	unsigned e_entry, e_phoff, e_phentsize, e_phnum;
	unsigned phsize;
	unsigned p_offset, p_paddr, p_filesz, p_memsz;
};

static const struct elf_layout elf32 = { 52, 4, 24, 28, 42, 44, 32, 4, 12, 16, 20 };
static const struct elf_layout elf64 = { 64, 8, 24, 32, 54, 56, 56, 8, 24, 32, 40 };

/* The one reader of ELF fields: @n bytes at @off, which the caller checked lie in the file. */
static uint64_t elf_get(const uint8_t *buf, size_t len, uint64_t off, unsigned n, bool big)
{
	uint64_t v = 0;

	if (off > len || n > len - off || n > 8)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = big ? i : n - 1 - i;

		v = v << 8 | buf[off + k];
	}
	return v;
}

int elf_parse(const uint8_t *buf, size_t len, struct image *img, struct error *err)
{
	struct image_records recs = { 0 };
	const struct elf_layout *l;
	uint64_t entry, phoff;
	unsigned phentsize, phnum;
	bool big;
	int rc = ERR_OK;

	if (len < 4 || memcmp(buf, "\177ELF", 4) != 0)
		return error_set(err, ERR_DATA, "file offset 0: no ELF magic");
	if (len < EI_NIDENT)
		return error_set(err, ERR_DATA,
				 "ELF identification truncated (%zu bytes, %d needed)", len,
				 EI_NIDENT);
	if (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)
		return error_set(err, ERR_DATA, "file offset 0x%x: EI_CLASS %u (1 or 2 expected)",
				 EI_CLASS, buf[EI_CLASS]);
	if (buf[EI_DATA] != ELFDATA2LSB && buf[EI_DATA] != ELFDATA2MSB)
		return error_set(err, ERR_DATA, "file offset 0x%x: EI_DATA %u (1 or 2 expected)",
				 EI_DATA, buf[EI_DATA]);
	if (buf[EI_VERSION] != 1)
		return error_set(err, ERR_DATA, "file offset 0x%x: EI_VERSION %u (1 expected)",
				 EI_VERSION, buf[EI_VERSION]);
	l = buf[EI_CLASS] == ELFCLASS32 ? &elf32 : &elf64;
	big = buf[EI_DATA] == ELFDATA2MSB;
	if (len < l->ehsize)
		return error_set(err, ERR_DATA, "ELF header truncated (%zu bytes, %u needed)", len,
				 l->ehsize);
	entry = elf_get(buf, len, l->e_entry, l->word, big);
	phoff = elf_get(buf, len, l->e_phoff, l->word, big);
	phentsize = (unsigned)elf_get(buf, len, l->e_phentsize, 2, big);
	phnum = (unsigned)elf_get(buf, len, l->e_phnum, 2, big);
	if (phnum == 0)
		return error_set(err, ERR_DATA,
				 "file offset 0x%x: e_phnum is 0: no program headers (an object "
				 "file, not a linked executable?)",
				 l->e_phnum);
	if (phnum == PN_XNUM || phnum > ELF_MAX_PHDRS)
		return error_set(err, ERR_DATA,
				 "file offset 0x%x: e_phnum %u (at most %d program headers)",
				 l->e_phnum, phnum, ELF_MAX_PHDRS);
	if (phentsize < l->phsize)
		return error_set(err, ERR_DATA,
				 "file offset 0x%x: e_phentsize %u, at least %u needed",
				 l->e_phentsize, phentsize, l->phsize);
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return error_set(err, ERR_DATA,
				 "program header table at file offset 0x%llx (%u x %u bytes) runs "
				 "past the end of the file (%zu bytes)",
				 (unsigned long long)phoff, phnum, phentsize, len);
	for (unsigned i = 0; i < phnum && rc == ERR_OK; i++) {
		uint64_t at = phoff + (uint64_t)i * phentsize;
		uint32_t type = (uint32_t)elf_get(buf, len, at, 4, big);
		uint64_t offset = elf_get(buf, len, at + l->p_offset, l->word, big);
		uint64_t paddr = elf_get(buf, len, at + l->p_paddr, l->word, big);
		uint64_t filesz = elf_get(buf, len, at + l->p_filesz, l->word, big);
		uint64_t memsz = elf_get(buf, len, at + l->p_memsz, l->word, big);

		/* Only loadable bytes from the file: .bss (NOBITS) and empty segments add none. */
		if (type != PT_LOAD || filesz == 0)
			continue;
		if (offset > len || filesz > len - offset)
			rc = error_set(err, ERR_DATA,
				       "program header %u at file offset 0x%llx: segment data at "
				       "0x%llx + 0x%llx runs past the end of the file (%zu "
				       "bytes)",
				       i, (unsigned long long)at, (unsigned long long)offset,
				       (unsigned long long)filesz, len);
		else if (filesz > memsz)
			rc = error_set(err, ERR_DATA,
				       "program header %u at file offset 0x%llx: p_filesz 0x%llx "
				       "is larger than p_memsz 0x%llx",
				       i, (unsigned long long)at, (unsigned long long)filesz,
				       (unsigned long long)memsz);
		else if (paddr >= FOUR_GIB || filesz > FOUR_GIB - paddr)
			rc = error_set(err, ERR_DATA,
				       "program header %u at file offset 0x%llx: p_paddr 0x%llx + "
				       "0x%llx ends past 4 GiB",
				       i, (unsigned long long)at, (unsigned long long)paddr,
				       (unsigned long long)filesz);
		else
			rc = image_records_add(&recs, IMAGE_WHERE_PHDR, paddr, buf + offset,
					       (uint32_t)filesz, i, (size_t)at, err);
	}
	if (rc == ERR_OK && recs.n == 0)
		rc = error_set(err, ERR_DATA,
			       "none of the %u program headers is a PT_LOAD segment with file "
			       "contents",
			       phnum);
	if (rc == ERR_OK)
		rc = image_from_records(img, &recs, IMAGE_WHERE_PHDR, err);
	if (rc == ERR_OK && entry < FOUR_GIB) {
		img->has_start = true;
		img->start = (uint32_t)entry;
	}
	image_records_free(&recs);
	return rc;
}
