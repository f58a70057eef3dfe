/* SPDX-License-Identifier: MIT */
/*
 * The page allocator's slow path, after the kernel's __alloc_pages_slowpath
 * (mm/page_alloc.c):
 *
 *   wake kswapd (__GFP_KSWAPD_RECLAIM) -> free lists at the min watermark
 *   (half of it for __GFP_HIGH, none for __GFP_MEMALLOC) -> no direct
 *   reclaim? give up -> memalloc_noreclaim scope (PF_MEMALLOC)? give up ->
 *   a direct reclaim round (empty slabs, then the world's reclaimable
 *   memory) -> __GFP_NORETRY gives up after one round -> costly orders
 *   without __GFP_RETRY_MAYFAIL give up -> retry while reclaim progresses
 *   (at most MAX_RECLAIM_RETRIES rounds without progress) -> the OOM killer
 *   (skipped for costly orders, RETRY_MAYFAIL/THISNODE, lowmem-only
 *   requests; !__GFP_FS counts as progress without killing) -> __GFP_NOFAIL
 *   dips into the reserves and loops -> "page allocation failure".
 *
 * The world (struct ref_world) is the rest of the kernel: kswapd, the
 * reclaimable memory of other tasks, the OOM killer.  No allocator lock is
 * held while it is called, because it frees through our free functions.
 * The kernel would loop forever for small __GFP_NOFAIL / !__GFP_FS
 * requests on a machine that never frees anything; the simulated machine
 * gives up after MAX_ROUNDS rounds (the world's starvation release frees
 * memory long before that).
 */
#include "ref_internal.h"

#define MAX_RECLAIM_RETRIES 16
#define PAGE_ALLOC_COSTLY_ORDER 3
#define MAX_ROUNDS 1024

static size_t zone_mark(const struct ref_zone *z, int kind)
{
	switch (kind) {
	case REF_MARK_LOW: return z->wmark_low;
	case REF_MARK_HIGH: return z->wmark_high;
	case REF_MARK_MIN_HALF: return z->wmark_min - z->wmark_min / 2;
	default: return z->wmark_min;
	}
}

int32_t ref_try_zones(const int *zl, int nz, unsigned order, int kind, bool *reserves)
{
	for (int i = 0; i < nz; i++) {
		struct ref_zone *z = &ref_m.zones[zl[i]];
		if (kind != REF_MARK_NONE && !ref_zone_watermark_ok(z, order, zone_mark(z, kind), zl[0]))
			continue;
		bool below = !ref_zone_watermark_ok(z, order, z->wmark_min, zl[0]);
		int32_t f = ref_buddy_take(z, order);
		if (f != REF_NO_FRAME) {
			if (below)
				*reserves = true;
			return f;
		}
	}
	return REF_NO_FRAME;
}

static int32_t attempt(const int *zl, int nz, unsigned order, int kind, ref_gfp_t gfp)
{
	bool reserves = false;
	pthread_mutex_lock(&ref_m.lock);
	int32_t f = ref_try_zones(zl, nz, order, kind, &reserves);
	pthread_mutex_unlock(&ref_m.lock);
	if (f != REF_NO_FRAME && reserves && ref_m.world.use_reserves)
		ref_m.world.use_reserves(ref_m.world.ctx, gfp, order);
	return f;
}

/* Pages that would bring the request's zones back to their high watermark. */
static size_t kswapd_target(const int *zl, int nz, unsigned order)
{
	size_t want = (size_t)1 << order;
	pthread_mutex_lock(&ref_m.lock);
	for (int i = 0; i < nz; i++) {
		const struct ref_zone *z = &ref_m.zones[zl[i]];
		if (z->free < z->wmark_high)
			want += z->wmark_high - z->free;
	}
	pthread_mutex_unlock(&ref_m.lock);
	return want;
}

static void wake_kswapd(ref_gfp_t gfp, unsigned order, const int *zl, int nz)
{
	if (REF_MUTANT(NORECLAIM_WAKES_KSWAPD)) { /* mutant: kswapd woken whatever the flags */
		gfp |= REF_GFP_KSWAPD_RECLAIM;
	}
	if ((gfp & REF_GFP_KSWAPD_RECLAIM) && ref_m.world.wake_kswapd)
		ref_m.world.wake_kswapd(ref_m.world.ctx, gfp, order, kswapd_target(zl, nz, order));
}

static void may_sleep(ref_gfp_t gfp)
{
	if (ref_m.world.may_sleep)
		ref_m.world.may_sleep(ref_m.world.ctx, gfp);
}

/* One round of direct reclaim: our empty slabs, then the world's memory.
 * Returns pages freed. */
static size_t direct_reclaim(ref_gfp_t gfp, unsigned order)
{
	size_t before = 0, after = 0;
	pthread_mutex_lock(&ref_m.lock);
	for (int i = 0; i < REF_NR_ZONES; i++)
		before += ref_m.zones[i].free;
	pthread_mutex_unlock(&ref_m.lock);
	may_sleep(gfp);   /* reclaim can block */
	ref_shrink_slabs();
	size_t world = 0;
	if (ref_m.world.direct_reclaim)
		world = ref_m.world.direct_reclaim(ref_m.world.ctx, gfp, order, (size_t)1 << order);
	pthread_mutex_lock(&ref_m.lock);
	for (int i = 0; i < REF_NR_ZONES; i++)
		after += ref_m.zones[i].free;
	pthread_mutex_unlock(&ref_m.lock);
	size_t own = after > before ? after - before : 0;
	return own > world ? own : world;
}

/* __alloc_pages_may_oom: *progress is set when the OOM path "made
 * progress" (a victim was killed, or !__GFP_FS where the kernel does not
 * kill but pretends progress). */
static int32_t may_oom(ref_gfp_t gfp, unsigned order, const int *zl, int nz, bool *progress)
{
	*progress = false;
	/* a parallel free may have made room: high watermark attempt */
	int32_t f = attempt(zl, nz, order, REF_MARK_HIGH, gfp);
	if (f != REF_NO_FRAME)
		return f;
	if (!REF_MUTANT(OOM_COSTLY)) { /* mutant: costly orders retry and OOM-kill like small ones */
		if (order > PAGE_ALLOC_COSTLY_ORDER)
			return REF_NO_FRAME;          /* the OOM killer will not help higher orders */
	}
	if (!REF_MUTANT(RETRY_MAYFAIL_OOM)) { /* mutant: RETRY_MAYFAIL may OOM-kill */
		if (gfp & (REF_GFP_RETRY_MAYFAIL | REF_GFP_THISNODE))
			return REF_NO_FRAME;          /* the caller has a fallback */
	}
	if (zl[0] < ZONE_NORMAL)
		return REF_NO_FRAME;          /* no killing for lowmem */
	/* mutant: !__GFP_FS requests OOM-kill */
	if (!REF_MUTANT(OOM_NOFS) && !(gfp & REF_GFP_FS)) {
		*progress = true;             /* out_of_memory() returns true, kills nothing */
		return REF_NO_FRAME;
	}
	if (ref_m.world.oom_kill && ref_m.world.oom_kill(ref_m.world.ctx, gfp, order))
		*progress = true;
	else if (gfp & REF_GFP_NOFAIL)
		*progress = true;             /* WARN_ON_ONCE_GFP(NOFAIL) then the fallback */
	if (*progress && (gfp & REF_GFP_NOFAIL))
		return attempt(zl, nz, order, REF_MARK_NONE, gfp);
	return REF_NO_FRAME;
}

int32_t ref_slowpath(ref_gfp_t gfp, unsigned order, const int *zl, int nz)
{
	if (REF_MUTANT(NOFAIL_FIRST_TRY) && (gfp & REF_GFP_NOFAIL))
		return REF_NO_FRAME; /* mutant: NOFAIL fails as soon as the fast path does */
	/* mutant NOWAIT_RECLAIMS: kswapd-only callers reclaim directly */
	bool can_reclaim = gfp & (REF_MUTANT(NOWAIT_RECLAIMS) ?
				  REF_GFP_DIRECT_RECLAIM | REF_GFP_KSWAPD_RECLAIM : REF_GFP_DIRECT_RECLAIM);
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
	int kind = (gfp & REF_GFP_HIGH) ? REF_MARK_MIN_HALF : REF_MARK_MIN;
	if (REF_MUTANT(ATOMIC_NO_RESERVES))     /* mutant: __GFP_HIGH gets no reserves */
		kind = REF_MARK_MIN;
	else if (REF_MUTANT(NOWAIT_RESERVES))   /* mutant: everyone dips into reserves */
		kind = REF_MARK_MIN_HALF;
	/* mutant MEMALLOC_BEATS_NOMEMALLOC: __GFP_NOMEMALLOC is ignored */
	if (((gfp & REF_GFP_MEMALLOC) || ref_scope_noreclaim()) &&
	    (REF_MUTANT(MEMALLOC_BEATS_NOMEMALLOC) || !(gfp & REF_GFP_NOMEMALLOC)))
		kind = REF_MARK_NONE;
	int no_progress = 0;
	int32_t f;

	/* mutant: NOFAIL misuse is never reported */
	if (!REF_MUTANT(NOFAIL_MISUSE_SILENT) && (gfp & REF_GFP_NOFAIL) && ref_kver_ge(6, 12)) {
		if (order > 1)
			ref_warn(REF_WARN_NOFAIL_MISUSE, "__GFP_NOFAIL with order > 1");
		if (!can_reclaim)
			ref_warn(REF_WARN_NOFAIL_MISUSE, "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM");
	}
	for (int round = 0; round < MAX_ROUNDS; round++) {
		if (REF_MUTANT(SLOWPATH_RESCHED_FIRST)) { /* mutant: cond_resched() before the __GFP_DIRECT_RECLAIM test */
			may_sleep(gfp);
		}
		wake_kswapd(gfp, order, zl, nz);
		f = attempt(zl, nz, order, kind, gfp);
		if (f != REF_NO_FRAME)
			return f;
		/* the caller is not willing to reclaim; PF_MEMALLOC avoids recursion */
		if (REF_MUTANT(NOMEMALLOC_SCOPE_RECLAIMS)) { /* mutant: PF_MEMALLOC tasks reclaim (recursion) */
			if (!can_reclaim)
				goto nopage;
		} else {
			if (!can_reclaim || ref_scope_noreclaim())
				goto nopage;
		}
		size_t progress = direct_reclaim(gfp, order);
		f = attempt(zl, nz, order, kind, gfp);
		if (f != REF_NO_FRAME)
			return f;
		if (REF_MUTANT(NORETRY_TWO_ROUNDS)) { /* mutant: NORETRY gives up after two rounds */
			if ((gfp & REF_GFP_NORETRY) && round >= 1)
				goto nopage;
		} else {
			if (gfp & REF_GFP_NORETRY)
				goto nopage;
		}
		if (!REF_MUTANT(OOM_COSTLY)) { /* mutant: costly orders retry and OOM-kill like small ones */
			if (costly && !(gfp & REF_GFP_RETRY_MAYFAIL))
				goto nopage;
		}
		if (REF_MUTANT(KERNEL_GIVES_UP)) { /* mutant: one reclaim round for everyone, no retry loop */
			if (!(gfp & REF_GFP_NOFAIL))
				goto nopage;
		}
		/* should_reclaim_retry */
		if (progress && !costly)
			no_progress = 0;
		else
			no_progress++;
		if (no_progress <= MAX_RECLAIM_RETRIES)
			continue;
		bool oom_progress;
		f = may_oom(gfp, order, zl, nz, &oom_progress);
		if (f != REF_NO_FRAME)
			return f;
		if (oom_progress) {
			no_progress = 0;
			continue;
		}
nopage:
		if (REF_MUTANT(NOFAIL_NULL)) { /* mutant: NOFAIL treated like any other request */
			break;
		}
		if (!(gfp & REF_GFP_NOFAIL))
			break;
		if (!can_reclaim) {
			if (REF_MUTANT(NOFAIL_MISUSE_SILENT)) {
				break;
			}
			if (!ref_kver_ge(6, 12))
				ref_warn(REF_WARN_NOFAIL_MISUSE,
					 "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM");
			break;
		}
		/* the cpuset fallback may use part of the reserves, then retry */
		f = attempt(zl, nz, order, REF_MARK_MIN_HALF, gfp);
		if (f != REF_NO_FRAME)
			return f;
		may_sleep(gfp);   /* cond_resched(); goto retry */
	}
	/* mutants: FAILURE_SILENT never reports a failure, WARN_IGNORES_NOWARN
	 * ignores __GFP_NOWARN */
	if (!REF_MUTANT(FAILURE_SILENT) &&
	    (REF_MUTANT(WARN_IGNORES_NOWARN) || !(gfp & REF_GFP_NOWARN)))
		ref_warn(REF_WARN_ALLOC_FAILURE, "page allocation failure");
	return REF_NO_FRAME;
}
