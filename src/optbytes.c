/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The option-byte layouts of the families whose ROMs expose an option-byte
 * alt, and the level-2 read protection check run on a download plan.
 */
#include "optbytes.h"

#include <stdio.h>

/*
 * Where each family keeps its read protection byte (RDP; SPC on GD32, FAP
 * on AT32), by the start address of the option-byte alt, with the public
 * manuals that say so. Every family here takes 0xCC as level 2: debug and
 * the system bootloader are gone for good, no option byte can be changed
 * again, so the device can never be reflashed over DFU.
 *
 * | alt start  | RDP at     | families             | source                         |
 * |------------|------------|----------------------|--------------------------------|
 * | 0x1FFFF800 | +0         | STM32F0, F1, F3      | RM0091 sec. 4 table 11, RM0316 |
 * |            |            |                      | and RM0365 "Option byte        |
 * |            |            |                      | organization": [7:0] RDP,      |
 * |            |            |                      | [15:8] nRDP; 0xAA 0, 0xCC 2.   |
 * |            |            |                      | RM0008/PM0075 (F1): 0xA5 means |
 * |            |            |                      | unprotected; same byte.        |
 * |            |            | GD32F1x0/F10x/F3x0/  | GD32 user manuals, "option     |
 * |            |            | F30x/VF103           | bytes": SPC at 0x1FFFF800;     |
 * |            |            |                      | 0xCC high protection, not      |
 * |            |            |                      | recoverable (SEGGER KB "GD32") |
 * |            |            | AT32F403A/F413/F415/ | AT32 reference manuals, "user  |
 * |            |            | F421/F425/F435/F437  | system data" at 0x1FFFF800,    |
 * |            |            |                      | FAP byte first; 0xCC the FAP   |
 * |            |            |                      | high level (Artery BSP:        |
 * |            |            |                      | FAP_HIGH_LEVEL_KEY 0x00CC)     |
 * | 0x1FFFC000 | +1         | STM32F2, F4;         | RM0033, RM0090 sec. 3.6 and    |
 * |            |            | GD32F4xx             | PM0059 sec. 2.6.3: [15:8] RDP, |
 * |            |            |                      | [7:0] USER; 0xCC level 2.      |
 * |            |            |                      | GD32F4xx: FMC_OBCTL0 SPC[15:8] |
 * | 0x1FFF0000 | +1         | STM32F7              | RM0385, RM0410, RM0431 sec.    |
 * |            |            |                      | 3.4: RDP[15:8] as on the F4    |
 * | 0x1FF80000 | +0         | STM32L0, L1          | RM0367 sec. 3.4.4: level 2 is  |
 * |            |            |                      | xx33xxCC in the first option   |
 * |            |            |                      | word; RM0038: RDP byte 0       |
 * | 0x1FFF7800 | +0         | STM32L4, L4+, G0,    | RM0351, RM0432 (fig. 6: RDP =  |
 * |            |            | G4, WL               | 0xCC level 2), RM0444, RM0440, |
 * |            |            |                      | RM0453: FLASH_OPTR RDP[7:0] is |
 * |            |            |                      | the first option word          |
 * | 0x1FFF8000 | +0         | STM32WB              | RM0434: option bytes at        |
 * |            |            |                      | 0x1FFF8000, RDP[7:0] first     |
 * | 0x40022020 | +0         | STM32L4, G0, G4      | FLASH_OPTR register (FLASH     |
 * |            |            | (register block)     | 0x40022000 + 0x20), RDP[7:0]   |
 * | 0x40022040 | +0         | STM32L5, U5          | RM0438, RM0456: FLASH_OPTR at  |
 * |            |            | (register block)     | + 0x40, RDP[7:0]               |
 * | 0x5200201C | +1, +5     | STM32H7              | RM0433 sec. 4.9: RDP[15:8] of  |
 * |            |            |                      | FLASH_OPTSR_CUR (0x5200201C)   |
 * |            |            |                      | and FLASH_OPTSR_PRG (+4); the  |
 * |            |            |                      | ROM's alt starts at OPTSR_CUR  |
 */
static const struct optbytes_row {
	uint32_t base;
	size_t n;
	uint32_t offsets[2];
	const char *families;
} rows[] = {
	{ 0x1FFFF800u, 1, { 0 }, "STM32F0/F1/F3, GD32, AT32" },
	{ 0x1FFFC000u, 1, { 1 }, "STM32F2/F4, GD32F4" },
	{ 0x1FFF0000u, 1, { 1 }, "STM32F7" },
	{ 0x1FF80000u, 1, { 0 }, "STM32L0/L1" },
	{ 0x1FFF7800u, 1, { 0 }, "STM32L4/G0/G4/WL" },
	{ 0x1FFF8000u, 1, { 0 }, "STM32WB" },
	{ 0x40022020u, 1, { 0 }, "STM32L4/G0/G4" },
	{ 0x40022040u, 1, { 0 }, "STM32L5/U5" },
	{ 0x5200201Cu, 2, { 1, 5 }, "STM32H7" },
};

const char *optbytes_family(uint32_t base, uint32_t offsets[2], size_t *n)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].base == base) {
			offsets[0] = rows[i].offsets[0];
			offsets[1] = rows[i].offsets[1];
			*n = rows[i].n;
			return rows[i].families;
		}
	*n = 0;
	return NULL;
}

/* The byte the pieces of @a write at @addr into *@v; false when none does. */
static bool byte_at(const struct plan *p, const struct plan_alt *a, uint32_t addr, uint8_t *v)
{
	for (size_t j = 0; j < p->njobs; j++) {
		const struct plan_job *jb = &p->jobs[j];

		if (jb->alt_index == a->alt_index && addr >= jb->addr &&
		    (uint64_t)addr < (uint64_t)jb->addr + jb->len) {
			*v = jb->data[addr - jb->addr];
			return true;
		}
	}
	return false;
}

void optbytes_inspect(const struct plan *p, const struct plan_alt *a, struct optbytes_write *w)
{
	uint32_t base = a->layout.nsegments > 0 ? a->layout.segments[0].start : 0;
	uint32_t offsets[2];
	size_t n;

	w->alt = a;
	w->bytes = plan_alt_bytes(p, a);
	w->families = optbytes_family(base, offsets, &n);
	w->first = UINT32_MAX;
	for (size_t j = 0; j < p->njobs; j++)
		if (p->jobs[j].alt_index == a->alt_index && p->jobs[j].addr < w->first)
			w->first = p->jobs[j].addr;
	w->has_rdp = false;
	for (size_t i = 0; i < n; i++) {
		uint32_t at = base + offsets[i];
		uint8_t v;

		if (!byte_at(p, a, at, &v) || (w->has_rdp && v != OPTBYTES_RDP_LEVEL2))
			continue;
		w->has_rdp = true;
		w->rdp_addr = at;
		w->rdp = v;
	}
}

int optbytes_check(const struct plan *p, bool force, struct error *err)
{
	for (size_t i = 0; i < p->nalts && !force; i++) {
		struct optbytes_write w;

		if (!plan_is_option_bytes(&p->alts[i].layout))
			continue;
		optbytes_inspect(p, &p->alts[i], &w);
		if (w.has_rdp && w.rdp == OPTBYTES_RDP_LEVEL2)
			return error_set(
				err, ERR_USAGE,
				"0x%02x at 0x%08x (alt %u \"%s\", the RDP byte of %s) sets read "
				"protection level 2, which is irreversible: the chip is locked "
				"for good, with no debug and no DFU ever again; add :force to "
				"write it anyway",
				w.rdp, w.rdp_addr, w.alt->alt, w.alt->layout.name, w.families);
	}
	return ERR_OK;
}

static const char *level(uint8_t rdp)
{
	switch (rdp) {
	case 0xAA:
	case 0xA5: /* F1, GD32, AT32: "unprotected" */
		return "level 0";
	case OPTBYTES_RDP_LEVEL2:
		return "level 2";
	default:
		return "level 1";
	}
}

const char *optbytes_describe(const struct optbytes_write *w, char *buf, size_t len)
{
	const struct plan_alt *a = w->alt;
	int n = snprintf(buf, len, "alt %u \"%s\", %llu bytes from 0x%08x", a->alt, a->layout.name,
			 (unsigned long long)w->bytes, w->first);

	if (w->has_rdp && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ": RDP 0x%02x at 0x%08x, read protection %s",
			 w->rdp, w->rdp_addr, level(w->rdp));
	return buf;
}
