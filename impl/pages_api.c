/* SPDX-License-Identifier: MIT */
/*
 * The page-allocator API: alloc_pages, __get_free_pages, free_pages.
 * Blocks are identified by their first page's linear-map address
 * (page_address()).
 */
#include "ref_internal.h"

void *ref_alloc_pages(ref_gfp_t gfp, unsigned int order)
{
	ref_attempt(REF_ATTEMPT_PAGES, gfp, order);
	if (REF_MUTANT(PAGES_OFF_BY_ONE_PAGE)) { /* mutant: higher orders start one page into a bigger block */
		if (order > 0 && order < REF_MAX_PAGE_ORDER) {
			int32_t g = ref_pages_alloc(gfp, order + 1);
			return g == REF_NO_FRAME ? NULL : ref_frame_addr(g + 1);
		}
	}
	int32_t f = ref_pages_alloc(gfp, order);
	return f == REF_NO_FRAME ? NULL : ref_frame_addr(f);
}

unsigned long ref_get_free_pages(ref_gfp_t gfp, unsigned int order)
{
	if (REF_MUTANT(GFP_PAGES_KEEP_HIGHMEM)) { /* mutant: __get_free_pages does not strip __GFP_HIGHMEM */
		return (unsigned long)(uintptr_t)ref_alloc_pages(gfp, order);
	}
	return (unsigned long)(uintptr_t)ref_alloc_pages(gfp & ~REF_GFP_HIGHMEM, order);
}

/*
 * The kernel does not check the order it is given.  Here: a smaller order
 * frees the first 2^order pages and keeps the rest allocated as separate
 * blocks (freeable on their own); a larger order warns and frees what was
 * allocated.  Anything that is not a page-allocator block warns and is
 * left alone.
 */
void ref_free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	const void *p = (const void *)(uintptr_t)addr;
	int32_t f = ref_addr_frame(p);
	struct ref_page *pg = f == REF_NO_FRAME ? NULL : ref_page(f);
	if (!pg || ref_frame_addr(f) != (const char *)p || ref_pflags(pg) != PG_HEAD) {
		ref_warn(REF_WARN_BAD_FREE, "free_pages: not a page-allocator block");
		return;
	}
	unsigned have = pg->order;
	if (order > have) {
		ref_warn(REF_WARN_BAD_FREE, "free_pages: order larger than allocated");
		order = have;
	}
	/* split off the upper halves that stay allocated (uncharged now: the
	 * memcg charge went with the allocation as a whole) */
	if (pg->accounted && order < have && ref_m.world.memcg_uncharge)
		ref_m.world.memcg_uncharge(ref_m.world.ctx,
					   ((size_t)1 << have) - ((size_t)1 << order));
	for (unsigned o = have; o > order; o--) {
		int32_t upper = f + (1 << (o - 1));
		struct ref_page *up = ref_page(upper);
		ref_pset(up, PG_HEAD);
		up->order = (uint8_t)(o - 1);
		up->zone = pg->zone;
		up->accounted = 0;
	}
	ref_pclear(pg);
	if (REF_MUTANT(FREE_PAGES_SLEEPS)) { /* mutant: the zone lock taken as a sleeping lock (might_sleep) */
		if (ref_m.world.may_sleep)
			ref_m.world.may_sleep(ref_m.world.ctx, REF_GFP_KERNEL);
	}
	ref_pages_free(f, order);
}

/*
 * alloc_pages_exact: __GFP_COMP and __GFP_HIGHMEM are a caller bug the
 * kernel reports once (WARN_ON_ONCE) and strips; the power-of-two block is
 * split into order-0 pages (split_page) and the tail beyond PAGE_ALIGN(size)
 * goes back.  A memcg charge taken for the block stays with each page kept.
 */
static uint32_t exact_warned_gen;   /* machine generation of the last warning */

void *ref_alloc_pages_exact(size_t size, ref_gfp_t gfp)
{
	if (gfp & (REF_GFP_COMP | REF_GFP_HIGHMEM)) {
		if (exact_warned_gen != ref_m.gen) {
			exact_warned_gen = ref_m.gen;
			ref_warn(REF_WARN_BAD_FLAGS, "alloc_pages_exact: __GFP_COMP or __GFP_HIGHMEM");
		}
		gfp &= ~(REF_GFP_COMP | REF_GFP_HIGHMEM);
	}
	size_t pages = size ? (size - 1) / REF_PAGE_SIZE + 1 : 1;
	/* mutant: one page more, and the caller gets the block from its second
	 * page (the first leaks): page aligned, not aligned to the order */
	size_t skip = REF_MUTANT(PAGES_EXACT_ONE_PAGE_IN) ? 1 : 0;
	pages += skip;
	unsigned order = 0;
	while (order <= REF_MAX_PAGE_ORDER && ((size_t)1 << order) < pages)
		order++;
	char *p = (char *)(uintptr_t)ref_get_free_pages(gfp, order);
	if (!p)
		return NULL;
	int32_t f = ref_addr_frame(p);
	struct ref_page *head = ref_page(f);
	uint32_t accounted = head->accounted;
	for (size_t i = 1; i < ((size_t)1 << order); i++) {
		struct ref_page *pg = ref_page(f + (int32_t)i);
		ref_pset(pg, PG_HEAD);
		pg->order = 0;
		pg->zone = head->zone;
		pg->accounted = accounted;
	}
	head->order = 0;
	for (size_t i = pages; i < ((size_t)1 << order); i++) {
		ref_pclear(ref_page(f + (int32_t)i));
		ref_pages_free(f + (int32_t)i, 0);
	}
	return p + skip * REF_PAGE_SIZE;
}

void ref_free_pages_exact(void *p, size_t size)
{
	size_t pages = size ? (size - 1) / REF_PAGE_SIZE + 1 : 0;
	for (size_t i = 0; p && i < pages; i++)
		ref_free_pages((unsigned long)(uintptr_t)((char *)p + i * REF_PAGE_SIZE), 0);
}
