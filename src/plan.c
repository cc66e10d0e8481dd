/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building the download plan from the image's pieces and the device's
 * layouts, and the pure questions the flash executor asks of it.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int plan_add_job(struct plan *p, int alt_index, uint32_t addr, const uint8_t *data, uint32_t len,
		 struct error *err)
{
	if (p->njobs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct plan_job *j;

		if (p->cap >= PLAN_MAX_JOBS)
			return error_set(err, ERR_DATA, "more than %u pieces to write",
					 PLAN_MAX_JOBS);
		j = realloc(p->jobs, cap * sizeof(*j));
		if (j == NULL)
			return error_set(err, ERR_NOMEM, "out of memory");
		p->jobs = j;
		p->cap = cap;
	}
	p->jobs[p->njobs].alt_index = alt_index;
	p->jobs[p->njobs].addr = addr;
	p->jobs[p->njobs].data = data;
	p->jobs[p->njobs].len = len;
	p->njobs++;
	return ERR_OK;
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->nalts; i++) {
		free(p->alts[i].sectors);
		free(p->alts[i].action);
	}
	free(p->alts);
	free(p->jobs);
	memset(p, 0, sizeof(*p));
}

static struct plan_alt *alt_for(struct plan *p, int alt_index)
{
	for (size_t i = 0; i < p->nalts; i++)
		if (p->alts[i].alt_index == alt_index)
			return &p->alts[i];
	return NULL;
}

/* Refuse a piece that writes into sectors the layout marks read-only. */
static int check_writeable(const struct plan_alt *a, const struct plan_job *jb, struct error *err)
{
	const struct dfuse_mem_segment *seg;
	char first[64] = "";
	uint64_t bs, be;

	if (dfuse_mem_check(&a->layout, jb->addr, (uint64_t)jb->addr + jb->len, DFUSE_MEM_WRITEABLE,
			    &bs, &be))
		return ERR_OK;
	for (seg = a->layout.segments; seg < a->layout.segments + a->layout.nsegments; seg++)
		if ((seg->mode & DFUSE_MEM_WRITEABLE) && seg->end > be) {
			snprintf(first, sizeof(first),
				 "; the first writeable address after it is 0x%08llx",
				 (unsigned long long)(seg->start > be ? seg->start : be));
			break;
		}
	return error_set(err, ERR_USAGE,
			 "0x%08llx-0x%08llx of \"%s\" is write-protected by the device's layout%s; "
			 "add :force to write it anyway",
			 (unsigned long long)bs, (unsigned long long)be - 1, a->layout.name, first);
}

static bool has_erasable(const struct dfuse_mem_layout *l)
{
	for (size_t i = 0; i < l->nsegments; i++)
		if (l->segments[i].mode & DFUSE_MEM_ERASABLE)
			return true;
	return false;
}

bool plan_is_option_bytes(const struct dfuse_mem_layout *l)
{
	static const char prefix[] = "option bytes";

	for (size_t i = 0; i < sizeof(prefix) - 1; i++)
		if (l->name[i] == '\0' || (l->name[i] | 0x20) != prefix[i])
			return false;
	return !has_erasable(l);
}

/* Is @a one whose writing may reset the device? */
static bool resets(const struct plan_alt *a, bool will_reset)
{
	return plan_is_option_bytes(&a->layout) || (will_reset && !has_erasable(&a->layout));
}

/*
 * Alts whose writing may reset the device go last (stable otherwise):
 * anything written after them would be lost. The last one is marked.
 */
static void order_for_reset(struct plan *p, bool will_reset)
{
	size_t w = 0;

	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = w; i < p->nalts; i++)
			if (resets(&p->alts[i], will_reset) == (pass == 1)) {
				struct plan_alt t = p->alts[i];

				memmove(&p->alts[w + 1], &p->alts[w], (i - w) * sizeof(t));
				p->alts[w++] = t;
			}
	if (p->nalts > 0)
		p->alts[p->nalts - 1].may_reset =
			will_reset || resets(&p->alts[p->nalts - 1], false);
}

static int sector_cmp(const void *a, const void *b)
{
	const struct plan_sector *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int plan_erase_sectors(const struct dfuse_mem_layout *l, const struct plan_span *spans,
		       size_t nspans, struct plan_sector **out, size_t *n, struct error *err)
{
	struct plan_sector *v = NULL;
	size_t cap = 0, count = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < nspans; i++) {
		uint64_t a = spans[i].start;
		uint64_t end = a + spans[i].len;

		while (a < end) {
			uint32_t sstart, ssize;
			const struct dfuse_mem_segment *seg =
				dfuse_mem_sector(l, (uint32_t)a, &sstart, &ssize);

			if (seg == NULL) {
				free(v);
				return error_set(err, ERR_DATA,
						 "address 0x%08llx is outside the memory layout of "
						 "\"%s\"",
						 (unsigned long long)a, l->name);
			}
			if (seg->mode & DFUSE_MEM_ERASABLE) {
				if (count == cap) {
					size_t ncap = cap ? cap * 2 : 16;
					struct plan_sector *nv = realloc(v, ncap * sizeof(*v));

					if (nv == NULL) {
						free(v);
						return error_set(err, ERR_NOMEM, "out of memory");
					}
					v = nv;
					cap = ncap;
				}
				v[count].start = sstart;
				v[count].size = ssize;
				count++;
			}
			a = (uint64_t)sstart + ssize;
		}
	}
	if (count > 1) {
		size_t w = 1;

		qsort(v, count, sizeof(*v), sector_cmp);
		for (size_t i = 1; i < count; i++)
			if (v[i].start != v[w - 1].start)
				v[w++] = v[i];
		count = w;
	}
	*out = v;
	*n = count;
	return ERR_OK;
}

/* The erase plan of @a: every sector its pieces touch, all PLAN_ERASE. */
static int plan_erase(const struct plan *p, struct plan_alt *a, struct error *err)
{
	struct plan_span *spans = calloc(p->njobs ? p->njobs : 1, sizeof(*spans));
	size_t n = 0;
	int r;

	if (spans == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	for (size_t j = 0; j < p->njobs; j++)
		if (p->jobs[j].alt_index == a->alt_index) {
			spans[n].start = p->jobs[j].addr;
			spans[n].len = p->jobs[j].len;
			n++;
		}
	r = plan_erase_sectors(&a->layout, spans, n, &a->sectors, &a->nsectors, err);
	free(spans);
	if (r != ERR_OK)
		return r;
	a->action = calloc(a->nsectors ? a->nsectors : 1, sizeof(*a->action));
	if (a->action == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	for (size_t s = 0; s < a->nsectors; s++)
		a->action[s] = PLAN_ERASE;
	return ERR_OK;
}

const char *plan_ranges(const struct dfuse_mem_layout *l, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < l->nsegments;) {
		uint32_t start = l->segments[i].start;
		uint64_t end = l->segments[i].end;
		int n;

		/* Groups that follow each other (one region) read as one range. */
		for (i++; i < l->nsegments && l->segments[i].start == end; i++)
			end = l->segments[i].end;
		n = snprintf(buf + used, len - used, "%s0x%08x-0x%08llx", used ? ", " : "", start,
			     (unsigned long long)end - 1);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

int plan_build(struct plan *p, const struct plan_opts *po, plan_layout_fn layout_of, void *ctx,
	       struct error *err)
{
	p->alts = calloc(p->njobs ? p->njobs : 1, sizeof(*p->alts));
	if (p->alts == NULL)
		return error_set(err, ERR_NOMEM, "out of memory");
	for (size_t j = 0; j < p->njobs; j++) {
		const struct plan_job *jb = &p->jobs[j];
		struct plan_alt *a = alt_for(p, jb->alt_index);
		uint64_t bs, be;
		int r;

		if (a == NULL) {
			a = &p->alts[p->nalts++];
			a->alt_index = jb->alt_index;
			r = layout_of(ctx, jb->alt_index, &a->alt, &a->layout, err);
			if (r != ERR_OK)
				return r;
			/* A mass erase covers the alt of the first piece written. */
			a->mass_erase = po->mass_erase && p->nalts == 1;
		}
		if (!dfuse_mem_check(&a->layout, jb->addr, (uint64_t)jb->addr + jb->len, 0, &bs,
				     &be)) {
			char ranges[200];

			p->outside = true;
			p->outside_addr = (uint32_t)bs;
			return error_set(err, ERR_DATA,
					 "0x%08llx-0x%08llx is outside the memory of alt %u \"%s\" "
					 "(%s)",
					 (unsigned long long)bs, (unsigned long long)be - 1, a->alt,
					 a->layout.name,
					 plan_ranges(&a->layout, ranges, sizeof(ranges)));
		}
		if (!po->force) {
			r = check_writeable(a, jb, err);
			if (r != ERR_OK)
				return r;
		}
	}
	for (size_t i = 0; i < p->nalts; i++) {
		int r = plan_erase(p, &p->alts[i], err);

		if (r != ERR_OK)
			return r;
	}
	order_for_reset(p, po->will_reset);
	return ERR_OK;
}

/* The index of the planned sector containing @addr, or -1. */
long plan_sector_index(const struct plan_alt *p, uint32_t addr)
{
	size_t lo = 0, hi = p->nsectors;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct plan_sector *s = &p->sectors[mid];

		if (addr < s->start)
			hi = mid;
		else if ((uint64_t)addr >= (uint64_t)s->start + s->size)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

/* Compare sector @s as read (@cur) with what a full flash would leave there. */
void plan_classify_sector(const struct plan *dl, struct plan_alt *p, size_t s, const uint8_t *cur,
			  uint8_t *want)
{
	const struct plan_sector *sec = &p->sectors[s];
	uint64_t e = (uint64_t)sec->start + sec->size;

	memset(want, 0xFF, sec->size);
	for (size_t j = 0; j < dl->njobs; j++) {
		const struct plan_job *jb = &dl->jobs[j];
		uint64_t a = jb->addr > sec->start ? jb->addr : sec->start;
		uint64_t b = (uint64_t)jb->addr + jb->len;

		if (jb->alt_index != p->alt_index)
			continue;
		if (b > e)
			b = e;
		if (a < b)
			memcpy(want + (a - sec->start), jb->data + (a - jb->addr), (size_t)(b - a));
	}
	if (memcmp(cur, want, sec->size) == 0)
		p->action[s] = PLAN_SAME;
	else if (dfuse_mem_is_blank(cur, sec->size))
		p->action[s] = PLAN_BLANK;
	else
		p->action[s] = PLAN_ERASE;
}

/* --diff found every planned sector equal to the image, and no byte lies outside them. */
bool plan_all_same(const struct plan *dl, const struct plan_alt *p)
{
	for (size_t s = 0; s < p->nsectors; s++)
		if (p->action[s] != PLAN_SAME)
			return false;
	for (size_t j = 0; j < dl->njobs; j++) {
		const struct plan_job *jb = &dl->jobs[j];

		if (jb->alt_index == p->alt_index &&
		    !dfuse_mem_check(&p->layout, jb->addr, (uint64_t)jb->addr + jb->len,
				     DFUSE_MEM_ERASABLE, NULL, NULL))
			return false;
	}
	return true;
}

/* Is job @j the last one written (last job of the last plan)? */
bool plan_is_last_write(const struct plan *dl, const struct plan_alt *p, size_t j)
{
	if (p != &dl->alts[dl->nalts - 1])
		return false;
	for (size_t k = j + 1; k < dl->njobs; k++)
		if (dl->jobs[k].alt_index == p->alt_index)
			return false;
	return true;
}

uint64_t plan_alt_bytes(const struct plan *p, const struct plan_alt *a)
{
	uint64_t total = 0;

	for (size_t j = 0; j < p->njobs; j++)
		if (p->jobs[j].alt_index == a->alt_index)
			total += p->jobs[j].len;
	return total;
}
