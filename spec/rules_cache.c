/* SPDX-License-Identifier: MIT */
/* CACHE-3: destroy with live objects warns; CACHE-5: constructor state.
 * (CACHE-4 and CACHE-6 are in rules_rcu.c with the RCU state they share.) */
#include <inttypes.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

/* Is another live object of `cache` on the page holding addr?  Then that
 * page never left the cache, so the slab around addr was not rebuilt and
 * its objects must not be constructed again.  (A slab whose pages were all
 * given back and later reallocated at the same address is new and
 * legitimately constructed: "The @ctor is run when new pages are allocated
 * by the cache.")  Uses the interval index: the first overlap found is the
 * lowest one, so the scan walks the page's objects in address order. */
static bool page_stayed_in_cache(struct kas_model *m, uint32_t cache, uintptr_t addr, uint64_t page)
{
	uintptr_t lo = addr & ~(uintptr_t)(page - 1), hi = lo + page;
	while (lo < hi) {
		uint32_t i = kas_model_find_overlap(m, lo, hi - lo, KAS_NO_OBJ);
		if (i == KAS_NO_OBJ)
			return false;
		const struct kas_obj *o = kas_model_obj(m, i);
		if (o->family == KAS_FAM_CACHE && o->cache == cache)
			return true;
		uintptr_t next = o->addr + (o->size ? o->size : 1);
		if (next <= lo)
			return false;
		lo = next;
	}
	return false;
}

/* The model is still pre-call here; the address set holds every address
 * this cache handed out earlier in the trace (commit adds to it). */
KAS_RULE_NEEDS(kas_chk_cache_5, KAS_F(OBJECT) | KAS_F(IN_CACHE));
enum kas_verdict kas_chk_cache_5(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_cache *k = kas_call_cache(cx->spec, c);
	if (!k || !k->ctor || c->op->code != KAS_OP_KMEM_CACHE_ALLOC || !kas_got_object(c))
		return KAS_V_NA;
	bool judged = false;
	if (c->obs.ctor.checked) {
		judged = true;
		if (c->obs.ctor.first_bad != KAS_NOT_FOUND)
			return kas_fail(cx, "kmem_cache_alloc from a ctor cache returned " PTRF
					" without the constructor state (byte %zu differs)",
					c->ret, c->obs.ctor.first_bad);
	}
	if (kas_addrset_contains(&cx->spec->cache_seen, c->in_cache, c->ret) &&
	    page_stayed_in_cache(kas_check_model(cx), c->in_cache, c->ret,
				 kas_cx_profile(cx)->page_size)) {
		judged = true;
		if (c->obs.ctor_on_result > 0)
			return kas_fail(cx, "kmem_cache_alloc ran the constructor again on recycled object "
					PTRF " (%u time%s) while its slab page still held live objects",
					c->ret, c->obs.ctor_on_result,
					c->obs.ctor_on_result == 1 ? "" : "s");
	}
	return judged ? KAS_V_PASS : KAS_V_NA;
}

/* CACHE-3: kmem_cache_destroy warns exactly when objects are left.  Before
 * 6.12 objects handed to kfree_rcu whose grace period has not ended are
 * still the cache's (nothing waits for them); from 6.12 destroy waits for
 * them first and a cache with only those left is CACHE-4's case. */
/* Its kas_rcu_track on other calls is the dispatcher's own (track: CACHE-3
 * is a tracker user for all its ops). */
KAS_RULE_NEEDS(kas_chk_cache_3, KAS_F(IN_CACHE));
enum kas_verdict kas_chk_cache_3(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_rcu_view *v = kas_rcu_track(cx->spec, c);
	const struct kas_cache *k = kas_call_cache(cx->spec, c);
	if (c->op->code != KAS_OP_KMEM_CACHE_DESTROY || !k || !k->live || !kas_done(c))
		return KAS_V_NA;
	uint32_t left = k->live_objs;
	if (v->pend_in_cache) {
		if (kas_cx_kver(cx) >= KAS_KVER(6, 12)) {
			if (!left)
				return KAS_V_NA;
		} else {
			left += v->pend_in_cache;
		}
	} else if (v->pend_lost && !left) {
		return KAS_V_NA;   /* too much in flight to know */
	}
	if (left && !c->obs.warns)
		return kas_fail(cx, "kmem_cache_destroy of a cache with %u object%s left (%u waiting for "
				"kfree_rcu) did not warn", left, left == 1 ? "" : "s",
				kas_cx_kver(cx) >= KAS_KVER(6, 12) ? 0 : v->pend_in_cache);
	if (!left && c->obs.warns)
		return kas_fail(cx, "kmem_cache_destroy of an empty cache warned (%u warning%s)",
				c->obs.warns, c->obs.warns == 1 ? "" : "s");
	return KAS_V_PASS;
}
