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
	int32_t f = ref_pages_alloc(gfp, order);
	return f == REF_NO_FRAME ? NULL : ref_frame_addr(f);
}

unsigned long ref_get_free_pages(ref_gfp_t gfp, unsigned int order)
{
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
	ref_pages_free(f, order);
}
