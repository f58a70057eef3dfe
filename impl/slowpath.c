/* SPDX-License-Identifier: MIT */
/*
 * The page allocator's slow path, after the kernel's __alloc_pages_slowpath:
 * wake kswapd, retry at the min watermark (half of it for __GFP_HIGH, none
 * for __GFP_MEMALLOC), then direct reclaim rounds governed by NORETRY /
 * costly order / RETRY_MAYFAIL, then the OOM killer, then the NOFAIL
 * fallback and the failure warning.
 *
 * The simulated machine has no page cache, so the only thing direct
 * reclaim can do today is shrink the slab caches (give empty slabs back).
 * The seams below are where the world's reclaim / kswapd / OOM hooks plug
 * in; each is a single function.  Called with ref_m.lock held.
 */
#include "ref_internal.h"

#define MAX_RECLAIM_RETRIES 16
#define PAGE_ALLOC_COSTLY_ORDER 3

/* Seam: kswapd wake-up (background reclaim).  Nothing to do yet. */
static void seam_wake_kswapd(ref_gfp_t gfp, unsigned order)
{
	(void)gfp;
	(void)order;
}

/* Seam: one round of direct reclaim; returns pages reclaimed. */
static size_t seam_direct_reclaim(ref_gfp_t gfp, unsigned order)
{
	(void)gfp;
	(void)order;
	size_t before = 0, after = 0;
	for (int i = 0; i < REF_NR_ZONES; i++)
		before += ref_m.zones[i].free;
	pthread_mutex_unlock(&ref_m.lock);
	ref_shrink_slabs();
	pthread_mutex_lock(&ref_m.lock);
	for (int i = 0; i < REF_NR_ZONES; i++)
		after += ref_m.zones[i].free;
	return after > before ? after - before : 0;
}

/* Seam: the OOM killer; returns true if it made progress.  The kernel skips
 * it for costly orders, RETRY_MAYFAIL/THISNODE and lowmem-only requests. */
static bool seam_oom(ref_gfp_t gfp, unsigned order, int highest)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return false;
	if (gfp & (REF_GFP_RETRY_MAYFAIL | REF_GFP_THISNODE))
		return false;
	if (highest < ZONE_NORMAL)
		return false;
	return false;   /* nothing to kill on this machine yet */
}

#define NO_WATERMARKS ((size_t)-1)

static int32_t try_zones(const int *zl, int nz, unsigned order, size_t mark_kind, bool high)
{
	for (int i = 0; i < nz; i++) {
		struct ref_zone *z = &ref_m.zones[zl[i]];
		if (mark_kind != NO_WATERMARKS) {
			size_t mark = z->wmark_min;
			if (high)
				mark -= mark / 2;
			if (!ref_zone_watermark_ok(z, order, mark, zl[0]))
				continue;
		}
		int32_t f = ref_buddy_take(z, order);
		if (f != REF_NO_FRAME)
			return f;
	}
	return REF_NO_FRAME;
}

int32_t ref_slowpath(ref_gfp_t gfp, unsigned order, const int *zl, int nz)
{
	bool can_reclaim = gfp & REF_GFP_DIRECT_RECLAIM;
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
	bool high = gfp & REF_GFP_HIGH;
	size_t marks = 0;
	int32_t f;

	if ((gfp & REF_GFP_MEMALLOC) && !(gfp & REF_GFP_NOMEMALLOC))
		marks = NO_WATERMARKS;
	if ((gfp & REF_GFP_NOFAIL) && ref_kver_ge(6, 12)) {
		if (order > 1)
			ref_warn(REF_WARN_NOFAIL_MISUSE, "__GFP_NOFAIL with order > 1");
		if (!can_reclaim)
			ref_warn(REF_WARN_NOFAIL_MISUSE, "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM");
	}
	if (gfp & REF_GFP_KSWAPD_RECLAIM)
		seam_wake_kswapd(gfp, order);

	f = try_zones(zl, nz, order, marks, high);
	if (f != REF_NO_FRAME)
		return f;
	if (!can_reclaim)
		goto nopage;

	for (int no_progress = 0;;) {
		size_t progress = seam_direct_reclaim(gfp, order);
		f = try_zones(zl, nz, order, marks, high);
		if (f != REF_NO_FRAME)
			return f;
		if (gfp & REF_GFP_NORETRY)
			goto nopage;
		if (costly && !(gfp & REF_GFP_RETRY_MAYFAIL))
			goto nopage;
		if (progress && ++no_progress < MAX_RECLAIM_RETRIES)
			continue;
		if (!progress && ++no_progress < MAX_RECLAIM_RETRIES && (gfp & REF_GFP_RETRY_MAYFAIL))
			continue;
		if (seam_oom(gfp, order, zl[0]))
			continue;
		break;
	}
nopage:
	if (gfp & REF_GFP_NOFAIL) {
		if (!can_reclaim) {
			if (!ref_kver_ge(6, 12))
				ref_warn(REF_WARN_NOFAIL_MISUSE,
					 "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM");
			goto fail;
		}
		/* The kernel loops forever here; the simulated machine cannot
		 * wait for memory, so it dips into every reserve once. */
		f = try_zones(zl, nz, order, NO_WATERMARKS, high);
		if (f != REF_NO_FRAME)
			return f;
	}
fail:
	if (!(gfp & REF_GFP_NOWARN))
		ref_warn(REF_WARN_ALLOC_FAILURE, "page allocation failure");
	return REF_NO_FRAME;
}
