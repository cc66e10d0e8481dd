/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device model's memory: each alt's layout parsed into sectors, what a
 * fresh part holds, erase, the checked write of a data block, read protection,
 * and the raw access tests use (load, read, dump).
 */
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

/* ---- memory layout: our own parser, independent of src/dfuse_mem.c ---- */

static bool parse_uint(const char **sp, int base, uint64_t limit, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;
	size_t n = 0;

	for (;; s++, n++) {
		unsigned digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (unsigned)(*s - 'A' + 10);
		else
			break;
		v = v * (uint64_t)base + digit;
		if (v > limit)
			return false;
	}
	if (n == 0)
		return false;
	*sp = s;
	*out = v;
	return true;
}

static int cmp_sector(const void *a, const void *b)
{
	const struct sim_sector *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Option byte contents a fresh part holds, by the option alt's start address. */
static const struct {
	uint32_t addr;
	uint8_t bytes[16];
} option_defaults[] = {
	/*
	 * STM32F4 (RM0090 option bytes): USER 0xEC and RDP 0xAA (level 0) with
	 * their complements, no write protection (nWRP all ones).
	 */
	{ 0x1FFFC000u,
	  { 0xEC, 0xAA, 0x13, 0x55, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF,
	    0xFF, 0xFF } },
	/* STM32F1/GD32 style: RDP 0xA5 (unprotected), every byte with its complement. */
	{ 0x1FFFF800u,
	  { 0xA5, 0x5A, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00,
	    0xFF, 0x00 } },
};

static bool name_starts(const char *name, const char *prefix)
{
	return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* What a fresh part holds in one sector. */
static void fill_initial(const char *alt_name, struct sim_sector *s)
{
	if (s->flags & SEC_ERASE) {
		memset(s->mem, 0xFF, s->size); /* erased flash */
		return;
	}
	if (!(s->flags & SEC_WRITE)) {
		/* read-only code (a bootloader protecting itself): a pattern, not blank */
		for (uint32_t i = 0; i < s->size; i++) {
			uint32_t a = s->addr + i;
			s->mem[i] = (uint8_t)(a ^ (a >> 8) ^ 0x5A);
		}
		return;
	}
	if (name_starts(alt_name, "@Device Feature")) {
		memset(s->mem, 0, s->size);
		return;
	}
	memset(s->mem, 0xFF, s->size); /* OTP and unknown non-volatile areas */
	for (size_t i = 0; i < sizeof(option_defaults) / sizeof(option_defaults[0]); i++) {
		uint32_t size = s->size < 16 ? s->size : 16;

		if (option_defaults[i].addr == s->addr && name_starts(alt_name, "@Option Bytes"))
			memcpy(s->mem, option_defaults[i].bytes, size);
	}
}

/*
 * "@name/0xADDR/N*SIZE<mult><type>,.../0xADDR/..." -> sorted sectors with
 * memory. A name without '/' (a run-time interface) has no memory. Returns
 * false on a malformed or oversized layout (a bug in the chip table).
 */
bool model_alt_build(struct sim_alt *alt, const char *name)
{
	const char *s = strchr(name, '/');
	size_t nsect = 0, total = 0;
	struct sim_sector *sect;

	memset(alt, 0, sizeof(*alt));
	alt->resets_after_write = name_starts(name, "@Option Bytes");
	if (!s)
		return true;
	sect = calloc(SIM_MAX_SECTORS, sizeof(*sect));
	if (!sect)
		return false;
	while (*s == '/') {
		uint64_t addr;

		s++;
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
			goto fail;
		s += 2;
		if (!parse_uint(&s, 16, UINT32_MAX, &addr) || *s != '/')
			goto fail;
		s++;
		for (;;) {
			uint64_t count, size;
			unsigned flags;

			if (!parse_uint(&s, 10, SIM_MAX_SECTORS, &count) || *s != '*')
				goto fail;
			s++;
			if (!parse_uint(&s, 10, 1u << 20, &size))
				goto fail;
			switch (*s) {
			case ' ':
			case 'B':
				break;
			case 'K':
				size *= 1024u;
				break;
			case 'M':
				size *= 1024u * 1024u;
				break;
			default:
				goto fail;
			}
			s++;
			if (*s < 'a' || *s > 'g')
				goto fail;
			flags = (unsigned)(*s - 'a' + 1);
			s++;
			if (count == 0 || size == 0 || nsect + count > SIM_MAX_SECTORS ||
			    size * count > SIM_MAX_ALT_BYTES - total)
				goto fail;
			for (uint64_t i = 0; i < count; i++) {
				if (addr + size - 1 > UINT32_MAX)
					goto fail;
				sect[nsect].addr = (uint32_t)addr;
				sect[nsect].size = (uint32_t)size;
				sect[nsect].flags = flags;
				nsect++;
				addr += size;
			}
			total += (size_t)(size * count);
			if (*s != ',')
				break;
			s++;
		}
	}
	if (*s != '\0' || nsect == 0)
		goto fail;
	qsort(sect, nsect, sizeof(*sect), cmp_sector);
	for (size_t i = 1; i < nsect; i++)
		if ((uint64_t)sect[i - 1].addr + sect[i - 1].size > sect[i].addr)
			goto fail;
	alt->mem = malloc(total);
	if (!alt->mem)
		goto fail;
	for (size_t i = 0, off = 0; i < nsect; off += sect[i].size, i++) {
		sect[i].mem = alt->mem + off;
		fill_initial(name, &sect[i]);
	}
	alt->sect = sect;
	alt->nsect = nsect;
	return true;
fail:
	free(sect);
	return false;
}

void model_alt_free(struct sim_alt *alt)
{
	free(alt->sect);
	free(alt->mem);
	memset(alt, 0, sizeof(*alt));
}

struct sim_sector *model_alt_sector(const struct sim_alt *alt, uint32_t addr)
{
	size_t lo = 0, hi = alt->nsect;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct sim_sector *s = &alt->sect[mid];

		if (addr < s->addr)
			hi = mid;
		else if (addr - s->addr >= s->size)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

/* The sector holding @addr in any alt (for the test helpers). */
static struct sim_sector *any_sector(const struct sim_device *d, uint32_t addr)
{
	for (size_t i = 0; i < d->nalts; i++) {
		struct sim_sector *s = model_alt_sector(&d->alts[i], addr);

		if (s)
			return s;
	}
	return NULL;
}

/* ---- erase, write, read ---- */

void model_erase_sector(struct sim_device *d, struct sim_sector *s)
{
	memset(s->mem, 0xFF, s->size);
	s->erases++;
}

/* Checks then programs one data block; memory is untouched unless all of it is fine. */
enum sim_dfu_status model_write_block(struct sim_device *d, uint64_t base, const uint8_t *buf,
				      size_t len)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	bool unerased = false;

	if (base + len - 1 > UINT32_MAX)
		return S_ADDRESS;
	for (size_t done = 0; done < len;) {
		uint32_t a = (uint32_t)(base + done);
		struct sim_sector *s = model_alt_sector(alt, a);
		size_t n;

		if (!s)
			return S_ADDRESS;
		n = s->size - (a - s->addr);
		if (n > len - done)
			n = len - done;
		if (!(s->flags & SEC_WRITE))
			return S_WRITE;
		if ((s->flags & SEC_ERASE) && d->faults.read_protected)
			return S_VENDOR;
		/* real flash: only a blank cell can be programmed */
		for (size_t i = 0; (s->flags & SEC_ERASE) && i < n; i++)
			if (s->mem[a - s->addr + i] != 0xFF)
				unerased = true;
		done += n;
	}
	if (unerased) {
		d->stats.unerased_writes++;
		model_log_event(d, "unerased-write addr=0x%08x len=%zu", (unsigned)base, len);
		return S_PROG;
	}
	for (size_t done = 0; done < len;) {
		uint32_t a = (uint32_t)(base + done);
		struct sim_sector *s = model_alt_sector(alt, a);
		size_t n = s->size - (a - s->addr);

		if (n > len - done)
			n = len - done;
		memcpy(s->mem + (a - s->addr), buf + done, n);
		done += n;
	}
	d->stats.bytes_written += len;
	model_log_event(d, "write addr=0x%08x len=%zu", (unsigned)base, len);
	return S_OK;
}

/* Readable bytes from @base on in the selected alt, at most @len. */
size_t model_readable(const struct sim_device *d, uint64_t base, size_t len)
{
	const struct sim_alt *alt = &d->alts[d->alt];
	size_t done = 0;

	while (done < len && base + done <= UINT32_MAX) {
		uint32_t a = (uint32_t)(base + done);
		const struct sim_sector *s = model_alt_sector(alt, a);
		size_t n;

		if (!s || !(s->flags & SEC_READ))
			break;
		if ((s->flags & SEC_ERASE) && d->faults.read_protected)
			break;
		n = s->size - (a - s->addr);
		done += n < len - done ? n : len - done;
	}
	return done;
}

void model_alt_copy_out(const struct sim_alt *alt, uint32_t addr, uint8_t *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		uint32_t a = addr + (uint32_t)done;
		const struct sim_sector *s = model_alt_sector(alt, a);
		size_t n = s->size - (a - s->addr);

		if (n > len - done)
			n = len - done;
		memcpy(data + done, s->mem + (a - s->addr), n);
		done += n;
	}
}

/* ---- test helpers ---- */

/* Copies what of [@addr, @addr + @len) lies in @alt into its memory. */
static void alt_load(const struct sim_alt *alt, uint32_t addr, const uint8_t *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		uint32_t a = addr + (uint32_t)done;
		struct sim_sector *s = model_alt_sector(alt, a);
		size_t n;

		if (!s) {
			done++;
			continue;
		}
		n = s->size - (a - s->addr);
		if (n > len - done)
			n = len - done;
		memcpy(s->mem + (a - s->addr), data + done, n);
		done += n;
	}
}

/*
 * Raw access by address across all alts, ignoring sector types; -1 (nothing
 * written) when any byte lies outside every alt. Alts whose memory overlaps
 * (the Maple's two flash alts) each hold their own copy: all are loaded.
 */
int sim_device_load(struct sim_device *d, uint32_t addr, const uint8_t *data, size_t len)
{
	if (len && (uint64_t)addr + len - 1 > UINT32_MAX)
		return -1;
	for (size_t done = 0; done < len;) {
		uint32_t a = addr + (uint32_t)done;
		struct sim_sector *s = any_sector(d, a);
		size_t n;

		if (!s)
			return -1;
		n = s->size - (a - s->addr);
		done += n < len - done ? n : len - done;
	}
	for (size_t i = 0; i < d->nalts; i++)
		alt_load(&d->alts[i], addr, data, len);
	return 0;
}

/* Overlapping alts: the bytes of the selected alt's copy where it has them. */
int sim_device_read(const struct sim_device *d, uint32_t addr, uint8_t *data, size_t len)
{
	if (len && (uint64_t)addr + len - 1 > UINT32_MAX)
		return -1;
	for (size_t done = 0; done < len;) {
		uint32_t a = addr + (uint32_t)done;
		const struct sim_sector *s = model_alt_sector(&d->alts[d->alt], a);
		size_t n;

		if (!s)
			s = any_sector(d, a);

		if (!s)
			return -1;
		n = s->size - (a - s->addr);
		if (n > len - done)
			n = len - done;
		memcpy(data + done, s->mem + (a - s->addr), n);
		done += n;
	}
	return 0;
}

/*
 * One file per run of contiguous sectors of one alt:
 * DIR/alt<N>-0x<start address, 8 lowercase hex digits>.bin
 * (e.g. alt0-0x08000000.bin for the whole internal flash of "f4").
 */
int sim_device_dump(const struct sim_device *d, const char *dir)
{
	for (size_t a = 0; a < d->nalts; a++) {
		const struct sim_alt *alt = &d->alts[a];

		for (size_t i = 0; i < alt->nsect;) {
			char path[4096];
			FILE *f;
			size_t j = i;
			int n = snprintf(path, sizeof(path), "%s/alt%zu-0x%08x.bin", dir, a,
					 (unsigned)alt->sect[i].addr);

			if (n < 0 || (size_t)n >= sizeof(path))
				return -1;
			f = fopen(path, "wb");
			if (!f)
				return -1;
			do {
				const struct sim_sector *s = &alt->sect[j];

				if (fwrite(s->mem, 1, s->size, f) != s->size) {
					fclose(f);
					return -1;
				}
				j++;
			} while (j < alt->nsect &&
				 (uint64_t)alt->sect[j - 1].addr + alt->sect[j - 1].size ==
					 alt->sect[j].addr);
			if (fclose(f) != 0)
				return -1;
			i = j;
		}
	}
	return 0;
}
