/* SPDX-License-Identifier: MIT */
/*
 * CACHE-3..7 and USERCOPY-1: kmem_cache_destroy with objects left or
 * waiting for kfree_rcu, constructor state, SLAB_TYPESAFE_BY_RCU memory
 * until the grace period, and the hardened-usercopy windows of usercopy
 * caches, plain caches and kmalloc objects.  CACHE-3, -4 and -6 read the
 * RCU tracker (track_rcu.c).
 */
#include <inttypes.h>
#include "world_util.h"

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

/* CACHE-4 (6.12+): destroying a cache whose only remaining objects wait
 * in kfree_rcu does not warn: kmem_cache_destroy runs kvfree_rcu_barrier()
 * first. */
/* Its kas_rcu_track on calls it is not given is done by the dispatcher:
 * CACHE-4 active means CACHE-3 active (every profile, fewer caps), and
 * CACHE-3's ops, the same as CACHE-4's, are tracked on every call. */
KAS_RULE_NEEDS(kas_chk_cache_4, KAS_F(IN_CACHE));
enum kas_verdict kas_chk_cache_4(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_rcu_view *v = kas_rcu_track(cx->spec, c);
	if (c->op->code != KAS_OP_KMEM_CACHE_DESTROY || !kas_done(c))
		return KAS_V_NA;
	const struct kas_cache *k = kas_call_cache(cx->spec, c);
	if (!k || !k->live || k->live_objs || !v->pend_in_cache)
		return KAS_V_NA;
	if (c->obs.warns)
		return kas_fail(cx, "kmem_cache_destroy warned although its %u remaining object%s only "
				"waited for kfree_rcu (kvfree_rcu_barrier frees them first)",
				v->pend_in_cache, v->pend_in_cache == 1 ? "" : "s");
	return KAS_V_PASS;
}

/* Does [a, a+len) hit a freed typesafe object that only its own cache may
 * hand out again before the grace period?  Returns the entry or -1. */
static int ts_hit(const struct kas_rcu_track *t, uintptr_t a, size_t len, uint32_t cache)
{
	if (kas_zero_or_null(a))
		return -1;
	for (uint32_t i = 0; i < t->nts; i++) {
		if (a < t->ts[i].addr + t->ts[i].size && t->ts[i].addr < a + len &&
		    (t->ts[i].cache == KAS_NO_OBJ || t->ts[i].cache != cache))
			return (int)i;
	}
	return -1;
}

/* CACHE-6: the memory of a freed SLAB_TYPESAFE_BY_RCU object stays with
 * its cache until a grace period ends: only that cache may hand it out
 * again before synchronize_rcu / rcu_barrier. */
KAS_RULE_NEEDS(kas_chk_cache_6, KAS_F(WORLD) | KAS_F(ALLOCATES));
enum kas_verdict kas_chk_cache_6(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_world(c))
		return KAS_V_NA;
	kas_rcu_track(cx->spec, c);
	const struct kas_rcu_track *t = &cx->spec->rcut;
	unsigned op = c->op->code;
	if (kas_op_family(op) == KAS_FAM_NONE || !t->nts)
		return KAS_V_NA;
	uint32_t cache = kas_op_family(op) == KAS_FAM_CACHE ? c->in_cache : KAS_NO_OBJ;
	size_t len = c->req_size ? c->req_size : 1;
	int hit = -1;
	uintptr_t at = 0;
	if (kas_op_table[op].result == R_BULK) {
		for (size_t i = 0; c->bulk && i < c->ret && i < c->bulk_cap && hit < 0; i++)
			hit = ts_hit(t, at = (uintptr_t)c->bulk[i], len, cache);
	} else if (kas_op_table[op].result == R_PTR) {
		if (!kas_got_object(c))
			return KAS_V_NA;
		hit = ts_hit(t, at = c->ret, len, cache);
	} else {
		return KAS_V_NA;
	}
	if (hit >= 0)
		return kas_fail(cx, "%s returned " PTRF ", memory of a SLAB_TYPESAFE_BY_RCU object "
				"freed at " PTRF " before a grace period ended%s", kas_opname(c), at,
				t->ts[hit].addr, t->ts[hit].cache == KAS_NO_OBJ ?
				" (its cache was destroyed)" : " (another allocator took it)");
	return t->ts_lost ? KAS_V_NA : KAS_V_PASS;
}

/* CACHE-7 (hardened usercopy): a copy to user space from an object of a
 * kmem_cache_create_usercopy cache is allowed inside the whitelisted
 * [useroffset, useroffset + usersize) window and refused outside it; an
 * invalid window was cleared at creation (nothing allowed).  The port's
 * usercopy_check verdict is c->ret (1 allowed, 0 refused). */
KAS_RULE_NEEDS(kas_chk_cache_7, KAS_F(IN_OBJ) | KAS_F(IN_CACHE_OBJ));
enum kas_verdict kas_chk_cache_7(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->in_obj == KAS_NO_OBJ || c->in.family != KAS_FAM_CACHE)
		return KAS_V_NA;
	const struct kas_cache *k = kas_model_cache(kas_check_model(cx), c->in.cache);
	const struct kas_trace *t = c->trace ? c->trace : cx->spec->trace;
	if (!k || !t || k->def_op >= t->nops ||
	    t->ops[k->def_op].code != KAS_OP_KMEM_CACHE_CREATE_USERCOPY)
		return KAS_V_NA;
	uint64_t off = c->arg[1], len = c->arg[2];
	if (len == 0 || off > k->size || len > k->size - off)
		return KAS_V_NA;   /* empty copies return early; beyond the object is another rule */
	uint64_t lo = k->useroffset, hi = (uint64_t)k->useroffset + k->usersize;
	bool valid = k->usersize && hi <= k->size;
	bool allowed = valid && off >= lo && off + len <= hi;
	if (allowed && !c->ret)
		return kas_fail(cx, "copy_to_user of [%" PRIu64 ", %" PRIu64 ") inside the usercopy window "
				"[%" PRIu64 ", %" PRIu64 ") was refused", off, off + len, lo, hi);
	if (!allowed && c->ret)
		return kas_fail(cx, "copy_to_user of [%" PRIu64 ", %" PRIu64 ") outside the usercopy window "
				"[%" PRIu64 ", %" PRIu64 ")%s was allowed", off, off + len, lo, hi,
				valid ? "" : " (invalid, cleared)");
	return KAS_V_PASS;
}

/* USERCOPY-1: kmalloc objects are whitelisted whole; objects of caches
 * made by plain kmem_cache_create have no usercopy window at all. */
KAS_RULE_NEEDS(kas_chk_usercopy_1, KAS_F(IN_OBJ));
enum kas_verdict kas_chk_usercopy_1(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->in_obj == KAS_NO_OBJ)
		return KAS_V_NA;
	uint64_t off = c->arg[1], len = c->arg[2];
	if (len == 0)
		return KAS_V_NA;
	if (c->in.family == KAS_FAM_KMALLOC) {
		if (off > c->in.size || len > c->in.size - off)
			return KAS_V_NA;   /* beyond the request: bucket slack or a neighbour */
		if (!c->ret)
			return kas_fail(cx, "copy_to_user of [%" PRIu64 ", %" PRIu64 ") inside a %zu-byte "
					"kmalloc object was refused", off, off + len, c->in.size);
		return KAS_V_PASS;
	}
	if (c->in.family != KAS_FAM_CACHE)
		return KAS_V_NA;
	const struct kas_cache *k = kas_model_cache(kas_check_model(cx), c->in.cache);
	const struct kas_trace *t = c->trace ? c->trace : cx->spec->trace;
	if (!k || !t || k->def_op >= t->nops || t->ops[k->def_op].code != KAS_OP_KMEM_CACHE_CREATE)
		return KAS_V_NA;   /* usercopy caches are CACHE-7's */
	if (off > k->size || len > k->size - off)
		return KAS_V_NA;
	if (c->ret)
		return kas_fail(cx, "copy_to_user of [%" PRIu64 ", %" PRIu64 ") from a kmem_cache_create "
				"cache (no usercopy window) was allowed", off, off + len);
	return KAS_V_PASS;
}
