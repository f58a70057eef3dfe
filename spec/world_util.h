/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the world rules (RECLAIM, SCOPE, CONTEXT, ACCOUNT, RCU and
 * the world-observed ZONE, KVMALLOC and CACHE rules): what the call asked
 * for once the task's scopes apply, whether the page allocator's slow path
 * ran, how much memory reclaim or the OOM killer could still have freed
 * when the call gave up, and what the RCU rules and their tracker
 * (track_rcu.c) share.
 */
#ifndef KAS_SPEC_WORLD_UTIL_H
#define KAS_SPEC_WORLD_UTIL_H

#include "spec_internal.h"
#include "kallocspec/world.h"

/* Ops whose gfp reaches the page allocator unchanged (apart from slab's
 * opportunistic high-order attempt, which only removes reclaim bits). */
#define KAS_OPS_GFP_ALLOC (KAS_OPS_PAGES | KAS_OPS_KMALLOC_NEW | KAS_OPS_CACHE_ALLOC)

static inline const struct kas_world_obs *kas_world(const struct kas_call *c)
{
	return kas_done(c) && c->world.enabled ? &c->world : NULL;
}

/* current_gfp_context(): the gfp the allocator must act on. */
static inline kas_gfp_t kas_eff_gfp(const struct kas_call *c)
{
	return kas_scope_apply(c->world.scopes, c->gfp);
}

static inline bool kas_is_page_op(const struct kas_call *c)
{
	unsigned op = c->op->code;
	return op == KAS_OP_ALLOC_PAGES || op == KAS_OP_GET_FREE_PAGES || op == KAS_OP_GET_ZEROED_PAGE;
}

/* The kmem_cache a cache allocation draws from, or NULL. */
static inline const struct kas_cache *kas_call_alloc_cache(const struct kas_check *cx,
							   const struct kas_call *c)
{
	unsigned op = c->op->code;
	if (op != KAS_OP_KMEM_CACHE_ALLOC && op != KAS_OP_KMEM_CACHE_ZALLOC &&
	    op != KAS_OP_KMEM_CACHE_ALLOC_BULK)
		return NULL;
	return kas_call_cache(cx->spec, c);
}

/* Page order the call asks the page allocator for.  kmalloc-sized objects:
 * 0 (their slabs are at most order 3 and SLUB falls back to the minimum
 * order).  A kmem_cache's minimum slab order is that of one object at its
 * alignment: a 48-byte object aligned to 512 KiB needs order-7 slabs. */
static inline unsigned kas_call_order(const struct kas_check *cx, const struct kas_call *c)
{
	unsigned op = c->op->code;
	if (op == KAS_OP_ALLOC_PAGES || op == KAS_OP_GET_FREE_PAGES)
		return (unsigned)c->arg[1];
	if (op == KAS_OP_GET_ZEROED_PAGE)
		return 0;
	const struct kas_cache *k = kas_call_alloc_cache(cx, c);
	if (k) {
		uint64_t a = k->align > 8 ? k->align : 8;
		uint64_t obj = ((uint64_t)k->size + a - 1) / a * a;
		size_t page = kas_cx_profile(cx)->page_size;
		return obj > page ? kas_get_order(obj) : 0;
	}
	if (c->req_size > kas_cx_profile(cx)->kmalloc_max_cache_size)
		return kas_get_order(c->req_size);
	return 0;
}

/* The request is one the page allocator can serve at all (not a size /
 * order check failure, not a memcg refusal). */
static inline bool kas_servable(const struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_profile *p = kas_cx_profile(cx);
	if (c->world.memcg_charge_fails || kas_call_overflows(c))
		return false;
	if (kas_is_page_op(c))
		return kas_call_order(cx, c) <= p->max_page_order;
	return c->req_size > 0 && c->req_size <= p->kmalloc_max_size;
}

static inline bool kas_call_failed(const struct kas_call *c) { return kas_done(c) && c->ret == 0; }

/* Evidence that the slow path ran: the fast path neither fails, wakes
 * kswapd, reclaims, kills, sleeps nor dips into the reserves. */
static inline bool kas_slowpath_seen(const struct kas_call *c)
{
	const struct kas_world_obs *w = &c->world;
	return c->ret == 0 || w->kswapd_wakes || w->reclaim_rounds || w->oom_calls ||
	       w->reserve_uses || w->sleeps;
}

/* Ballast pages direct reclaim with gfp could still free. */
static inline size_t kas_reclaimable_left(const struct kas_world_obs *w, kas_gfp_t gfp)
{
	size_t n = w->ballast[KAS_BALLAST_CLEAN];
	if (gfp & __GFP_FS)
		n += w->ballast[KAS_BALLAST_FS_DIRTY];
	if (gfp & __GFP_IO)
		n += w->ballast[KAS_BALLAST_IO_DIRTY];
	return n;
}

/* A failed __GFP_NOFAIL call the spec cannot judge: the world's starvation
 * release fell due and found nothing any other task held, so the memory is
 * the trace's own.  The kernel would loop (and OOM-kill the caller) without
 * end; a port that returns NULL there and one that hangs are both outside
 * what a finite trace can tell apart from the documented "block
 * indefinitely" (include/linux/gfp_types.h __GFP_NOFAIL). */
static inline bool kas_nofail_loop_endless(const struct kas_world_obs *w)
{
	return w->starvation_exhausted != 0;
}

/* The request is limited to a zone below ZONE_NORMAL (the OOM killer
 * does not run for it). */
static inline bool kas_lowmem_only(kas_gfp_t gfp)
{
	return (gfp & (__GFP_DMA | __GFP_DMA32)) != 0;
}

/* The pages come from ZONE_DMA / ZONE_DMA32 only.  A kmem_cache allocation
 * takes its slab pages from the cache's zone alone: SLUB's new_slab() passes
 * only `flags & (GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK)` on and adds
 * s->allocflags, so a caller's __GFP_DMA / __GFP_DMA32 is dropped and only
 * SLAB_CACHE_DMA / SLAB_CACHE_DMA32 make it lowmem (mm/slub.c).  Any other
 * request is lowmem when its gfp asks for it. */
static inline bool kas_call_lowmem_only(const struct kas_check *cx, const struct kas_call *c,
					kas_gfp_t g)
{
	const struct kas_cache *k = kas_call_alloc_cache(cx, c);
	if (k)
		return (k->flags & (KAS_SLAB_CACHE_DMA | KAS_SLAB_CACHE_DMA32)) != 0;
	return kas_lowmem_only(g);
}

/* An allocating call (the reserve rules, SCOPE-5 and CONTEXT-2, also
 * watch frees and kfree_rcu, only to learn about reserve uses). */
static inline bool kas_allocates(const struct kas_call *c)
{
	return (KAS_OPS_NEW_OBJECT >> c->op->code) & 1;
}

/* A request whose success the intact reserves guarantee: an order-0 page
 * request without zone modifiers, memcg charge or array overflow. */
static inline bool kas_reserve_probe(const struct kas_call *c)
{
	if (!kas_is_page_op(c))
		return false;
	unsigned order = c->op->code == KAS_OP_GET_ZEROED_PAGE ? 0 : (unsigned)c->arg[1];
	return order == 0 && !(c->gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_ACCOUNT | __GFP_THISNODE)) &&
	       !c->world.memcg_charge_fails;
}

/* kfree_rcu, kvfree_rcu or the two-argument kvfree_rcu (RCU-1 and its
 * count, track_rcu.c). */
static inline bool kas_is_rcu_free(unsigned op)
{
	return op == KAS_OP_KFREE_RCU || op == KAS_OP_KVFREE_RCU || op == KAS_OP_KVFREE_RCU_ARG_2;
}

/* kvfree_rcu of memory that kfree_rcu could not take: vmalloc-backed, or a
 * large kmalloc (page allocator) object (RCU-3 and the RCU tracker). */
static inline bool kas_rcu_kv_only(const struct kas_spec *s, const struct kas_call *c)
{
	switch (c->in.family) {
	case KAS_FAM_VMALLOC: case KAS_FAM_KVMALLOC:
		return true;
	case KAS_FAM_KMALLOC:
		return c->in.size > s->profile->kmalloc_max_cache_size;
	default:
		return false;
	}
}

#endif
