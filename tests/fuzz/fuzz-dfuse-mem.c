/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the DfuSe layout parser: parse, then run every lookup on
 * the result and abort() when an invariant of the parsed layout breaks.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dfuse_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool cond)
{
	if (!cond)
		abort();
}

static void check_range(const struct dfuse_mem_layout *l, uint64_t start, uint64_t end,
			uint8_t need)
{
	uint64_t bs = 0, be = 0;

	if (!dfuse_mem_check(l, start, end, need, &bs, &be))
		require(start <= bs && bs < be && be <= end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dfuse_mem_layout l;
	char buf[64];

	if (dfuse_mem_parse((const char *)data, size, &l, NULL) != ERR_OK) {
		require(l.nsegments == 0);
		return 0;
	}
	require(l.nsegments > 0 && l.nsegments <= DFUSE_MEM_MAX_SEGMENTS);
	for (size_t i = 0; i < l.nsegments; i++) {
		const struct dfuse_mem_segment *g = &l.segments[i];
		uint32_t last = (uint32_t)(g->end - 1);
		uint32_t ss = 0, sz = 0;

		require(g->count >= 1 && g->count <= DFUSE_MEM_MAX_SECTORS && g->sector_size > 0);
		require(g->end == (uint64_t)g->start + (uint64_t)g->count * g->sector_size);
		require(g->end <= (uint64_t)1 << 32);
		require(g->mode >= 1 && g->mode <= 7 && g->type == 'a' + g->mode - 1);
		require(dfuse_mem_find(&l, g->start) == g && dfuse_mem_find(&l, last) == g);
		require(dfuse_mem_sector(&l, last, &ss, &sz) == g);
		require(sz == g->sector_size && ss <= last && last - ss < sz &&
			(ss - g->start) % sz == 0);
		require(dfuse_mem_contiguous_end(&l, g->start) >= g->end);
		require(dfuse_mem_check(&l, g->start, g->end, g->mode, NULL, NULL));
		check_range(&l, g->start, g->end, DFUSE_MEM_WRITEABLE | DFUSE_MEM_ERASABLE);
		check_range(&l, g->start ? g->start - 1 : 0, g->end + 1, DFUSE_MEM_READABLE);
		dfuse_mem_mode_str(g->mode, buf, sizeof(buf));
		if (g->start > 0 && dfuse_mem_find(&l, g->start - 1) == NULL)
			require(!dfuse_mem_check(&l, g->start - 1, g->end, 0, NULL, NULL));
	}
	check_range(&l, 0, (uint64_t)1 << 32, 0);
	check_range(&l, l.segments[0].start, UINT64_MAX, DFUSE_MEM_WRITEABLE);
	return 0;
}
