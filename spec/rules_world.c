/* SPDX-License-Identifier: MIT */
/*
 * SCOPE, CONTEXT, RCU, ACCOUNT and the physical ZONE rules: what the task's
 * scopes and context demand of the allocator (kernel-rules.md §8, §9, §1.3),
 * judged on the world events of one call.
 */
#include <inttypes.h>
#include "world_util.h"

/* SCOPE-1: in a memalloc_nofs scope reclaim never uses __GFP_FS: no FS
 * writeback, no OOM killer (which needs __GFP_FS). */
KAS_RULE_NEEDS(kas_chk_scope_1, KAS_F(WORLD) | KAS_F(SCOPED) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_scope_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(w->scopes & KAS_SCOPE_NOFS) || (!w->reclaim_rounds && !w->oom_calls))
		return KAS_V_NA;
	if ((w->reclaim_gfp_or & __GFP_FS) || w->reclaimed[KAS_BALLAST_FS_DIRTY])
		return kas_fail(cx, "%s in a memalloc_nofs scope reclaimed with __GFP_FS (%zu FS-dirty "
				"pages written back)", kas_opname(c), w->reclaimed[KAS_BALLAST_FS_DIRTY]);
	if (w->oom_calls)
		return kas_fail(cx, "%s in a memalloc_nofs scope invoked the OOM killer", kas_opname(c));
	return KAS_V_PASS;
}

/* SCOPE-2: in a memalloc_noio scope reclaim uses neither __GFP_IO nor
 * __GFP_FS (NOIO takes precedence over NOFS). */
KAS_RULE_NEEDS(kas_chk_scope_2, KAS_F(WORLD) | KAS_F(SCOPED) | KAS_F(RECLAIMED));
enum kas_verdict kas_chk_scope_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(w->scopes & KAS_SCOPE_NOIO) || !w->reclaim_rounds)
		return KAS_V_NA;
	if ((w->reclaim_gfp_or & (__GFP_IO | __GFP_FS)) || w->reclaimed[KAS_BALLAST_IO_DIRTY] ||
	    w->reclaimed[KAS_BALLAST_FS_DIRTY])
		return kas_fail(cx, "%s in a memalloc_noio scope reclaimed with gfp %#x (%zu IO-dirty, "
				"%zu FS-dirty pages written back)", kas_opname(c), w->reclaim_gfp_or,
				w->reclaimed[KAS_BALLAST_IO_DIRTY], w->reclaimed[KAS_BALLAST_FS_DIRTY]);
	return KAS_V_PASS;
}

/* CONTEXT-1: an allocation in atomic or interrupt context (which the
 * precheck only lets through with a non-blocking gfp) never sleeps and
 * never reclaims directly. */
KAS_RULE_NEEDS(kas_chk_context_1, KAS_F(WORLD) | KAS_F(ATOMIC));
enum kas_verdict kas_chk_context_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || w->context == KAS_CTX_PROCESS)
		return KAS_V_NA;
	if (w->sleeps_atomic || w->reclaim_rounds)
		return kas_fail(cx, "%s in %s context slept %u time%s and ran %u reclaim rounds",
				kas_opname(c), kas_context_name(w->context), w->sleeps_atomic,
				w->sleeps_atomic == 1 ? "" : "s", w->reclaim_rounds);
	return KAS_V_PASS;
}

/* RCU-1: kfree_rcu / kvfree_rcu free after a grace period, never before:
 * no allocation returns that memory until synchronize_rcu / rcu_barrier,
 * and the grace period does run the deferred frees.  The checker follows
 * the trace (the opmask includes the RCU ops) to know when objects are in
 * flight. */
static bool is_rcu_free(unsigned op)
{
	return op == KAS_OP_KFREE_RCU || op == KAS_OP_KVFREE_RCU || op == KAS_OP_KVFREE_RCU_ARG_2;
}

/* RCU-1's count, kept for every call of its ops the world watched
 * (kas_spec_check calls it before the rules: spec.c, track). */
void kas_rcu1_track(struct kas_spec *s, const struct kas_call *c)
{
	unsigned op = c->op->code;
	if (is_rcu_free(op)) {
		if (c->in_obj != KAS_NO_OBJ)
			s->rcu_in_flight++;   /* NULL is a no-op */
	} else if (op == KAS_OP_KMEM_CACHE_DESTROY) {
		/* 6.12+: kvfree_rcu_barrier() first; what was in flight is done */
		if (kas_done(c) && s->profile->kver >= KAS_KVER(6, 12))
			s->rcu_in_flight = 0;
	} else if (op == KAS_OP_SYNCHRONIZE_RCU || op == KAS_OP_RCU_BARRIER) {
		s->rcu_in_flight = 0;
	}
}

KAS_RULE_NEEDS(kas_chk_rcu_1, KAS_F(WORLD));
enum kas_verdict kas_chk_rcu_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	const struct kas_spec *s = cx->spec;
	unsigned op = c->op->code;
	if (is_rcu_free(op) || op == KAS_OP_KMEM_CACHE_DESTROY)
		return KAS_V_NA;
	if (op == KAS_OP_SYNCHRONIZE_RCU || op == KAS_OP_RCU_BARRIER) {
		uint32_t n = s->rcu_in_flight_before;
		if (!n)
			return KAS_V_NA;
		if (!w->rcu_callbacks_run)
			return kas_fail(cx, "%s ended a grace period with %u kfree_rcu object%s in flight "
					"but no deferred free ran", kas_opname(c), n, n == 1 ? "" : "s");
		return KAS_V_PASS;
	}
	if (!s->rcu_in_flight_before)
		return KAS_V_NA;
	if (w->rcu_early_reuse)
		return kas_fail(cx, "%s returned %#" PRIxPTR ", memory passed to kfree_rcu before the "
				"grace period ended", kas_opname(c), c->ret);
	return KAS_V_PASS;
}

/* ACCOUNT-1: an __GFP_ACCOUNT page allocation under a memcg limit is
 * charged, and a refused charge makes it fail (__GFP_NOFAIL may exceed). */
KAS_RULE_NEEDS(kas_chk_account_1, KAS_F(WORLD) | KAS_F(ACCOUNT));
enum kas_verdict kas_chk_account_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	/* NOFAIL and __GFP_HIGH charges are forced past the limit (try_charge_memcg) */
	if (!w || !(c->gfp & __GFP_ACCOUNT) || !w->memcg_limit ||
	    (kas_eff_gfp(c) & (__GFP_NOFAIL | __GFP_HIGH)))
		return KAS_V_NA;
	if (!c->ret)
		return w->memcg_charge_fails ? KAS_V_PASS : KAS_V_NA;
	if (!w->memcg_charged)
		return kas_fail(cx, "%s with __GFP_ACCOUNT succeeded without a memcg charge%s",
				kas_opname(c), w->memcg_charge_fails ? " (its charge was refused)" : "");
	if (w->memcg_usage > w->memcg_limit)
		return kas_fail(cx, "%s with __GFP_ACCOUNT left the memcg at %zu pages, over its limit "
				"%zu", kas_opname(c), w->memcg_usage, w->memcg_limit);
	return KAS_V_PASS;
}

static enum kas_verdict phys_below(struct kas_check *cx, const struct kas_call *c, kas_gfp_t flag,
				   uint64_t limit, const char *zone)
{
	if (!(c->gfp & flag) || !kas_got_object(c) || !c->obs.phys_known)
		return KAS_V_NA;
	uint64_t size = c->req_size ? c->req_size : 1;
	if (c->obs.phys >= limit || c->obs.phys + size > limit)
		return kas_fail(cx, "%s with %s returned physical %#" PRIx64 "..%#" PRIx64 ", not below "
				"%#" PRIx64, kas_opname(c), zone, c->obs.phys, c->obs.phys + size, limit);
	return KAS_V_PASS;
}

/* ZONE-5: GFP_DMA memory lies in ZONE_DMA: physically below 16 MiB. */
KAS_RULE_NEEDS(kas_chk_zone_5, KAS_F(OBJECT) | KAS_F(ZONE_GFP));
enum kas_verdict kas_chk_zone_5(struct kas_check *cx, const struct kas_call *c)
{
	return phys_below(cx, c, __GFP_DMA, (uint64_t)16 << 20, "GFP_DMA");
}

/* ZONE-6: GFP_DMA32 pages lie below 4 GiB (page allocator only: kmalloc
 * does not honour __GFP_DMA32). */
KAS_RULE_NEEDS(kas_chk_zone_6, KAS_F(OBJECT) | KAS_F(ZONE_GFP));
enum kas_verdict kas_chk_zone_6(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_is_page_op(c) || (c->gfp & __GFP_DMA))
		return KAS_V_NA;
	return phys_below(cx, c, __GFP_DMA32, (uint64_t)4 << 30, "GFP_DMA32");
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

/* The flags kvmalloc hands its kmalloc attempt in kver (kernel-rules.md §5.2). */
static kas_gfp_t kvmalloc_kmalloc_gfp(uint32_t kver, kas_gfp_t g, size_t size, size_t page)
{
	const kas_gfp_t kernel = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
	if (size <= page)
		return g;
	if (kver < KAS_KVER(5, 17) && (g & kernel) != kernel)
		return g;                       /* kmalloc only, no adjustment */
	g |= __GFP_NOWARN;
	if (kver >= KAS_KVER(6, 16)) {
		if (!(g & __GFP_RETRY_MAYFAIL))
			g &= ~(kas_gfp_t)__GFP_DIRECT_RECLAIM;
	} else if (!(g & __GFP_RETRY_MAYFAIL)) {
		g |= __GFP_NORETRY;
	}
	if (kver >= KAS_KVER(5, 17))
		g &= ~(kas_gfp_t)__GFP_NOFAIL;
	return g;
}

/* KVMALLOC-2: the kmalloc attempt of kvmalloc gets the adjusted flags. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_2, KAS_F(WORLD));
enum kas_verdict kas_chk_kvmalloc_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || kas_call_overflows(c) || c->req_size == 0)
		return KAS_V_NA;
	unsigned n = w->attempts < KAS_MAX_ATTEMPTS ? w->attempts : KAS_MAX_ATTEMPTS;
	const struct kas_attempt_obs *a = NULL;
	for (unsigned i = 0; i < n && !a; i++)
		if (w->attempt[i].what == KAS_ATTEMPT_KMALLOC)
			a = &w->attempt[i];
	if (!a)
		return KAS_V_NA;
	const kas_gfp_t judged = __GFP_NOWARN | __GFP_NORETRY | __GFP_NOFAIL | __GFP_DIRECT_RECLAIM |
				 __GFP_RETRY_MAYFAIL;
	kas_gfp_t g = c->gfp;
	if (c->op->code == KAS_OP_KVZALLOC || c->op->code == KAS_OP_KVCALLOC)
		g |= __GFP_ZERO;
	kas_gfp_t want = kvmalloc_kmalloc_gfp(kas_cx_kver(cx), g, c->req_size,
					      kas_cx_profile(cx)->page_size);
	if ((a->gfp & judged) != (want & judged))
		return kas_fail(cx, "%s(%zu, %#x) tried kmalloc with gfp %#x; expected %#x in the bits "
				"%#x", kas_opname(c), c->req_size, c->gfp, a->gfp, want, judged);
	return KAS_V_PASS;
}

/* ---- the warning halves of SIZE-5, ZERO-6, KVMALLOC-4: they need only the
 * warn observation (KAS_CAP_OBS_WARN), not the rest of the world ---- */

static bool warned_kind(const struct kas_call *c, enum kas_warn_kind k)
{
	return (c->obs.warn_kinds >> k) & 1u;
}

/* SIZE-5W: kmalloc above KMALLOC_MAX_SIZE warns unless __GFP_NOWARN. */
KAS_RULE_NEEDS(kas_chk_size_5w, KAS_F(NULL));
enum kas_verdict kas_chk_size_5w(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n) || n <= kas_cx_profile(cx)->kmalloc_max_size ||
	    c->ret)
		return KAS_V_NA;
	bool loud = warned_kind(c, KAS_WARN_TOO_LARGE) || warned_kind(c, KAS_WARN_ALLOC_FAILURE);
	if (c->gfp & __GFP_NOWARN) {
		if (kas_cx_kver(cx) < KAS_KVER(6, 1))
			return KAS_V_NA;   /* plain WARN_ON_ONCE before WARN_ON_ONCE_GFP */
		if (loud)
			return kas_fail(cx, "%s of %zu bytes with __GFP_NOWARN warned", kas_opname(c), n);
		return KAS_V_PASS;
	}
	if (!kas_spec_first_at_site(cx, KAS_ONCE_PAGE_ORDER))
		return KAS_V_NA;
	if (!loud)
		return kas_fail(cx, "%s of %zu bytes (> KMALLOC_MAX_SIZE) failed without a warning",
				kas_opname(c), n);
	return KAS_V_PASS;
}

/* ZERO-6W: vmalloc(0) WARNs (WARN_ON_ONCE: the first one of a trace). */
KAS_RULE_NEEDS(kas_chk_zero_6w, KAS_F(REQ_ZERO));
enum kas_verdict kas_chk_zero_6w(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->arg[0] != 0 || !kas_spec_first_in_trace(cx))
		return KAS_V_NA;
	if (!c->obs.warns)
		return kas_fail(cx, "%s(0) did not warn", kas_opname(c));
	return KAS_V_PASS;
}

/* KVMALLOC-4W: kvmalloc above INT_MAX warns (5.15-5.16 always, 5.17+
 * unless __GFP_NOWARN). */
KAS_RULE_NEEDS(kas_chk_kvmalloc_4w, KAS_F(NULL) | KAS_F(REQ_HUGE));
enum kas_verdict kas_chk_kvmalloc_4w(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n) || n <= (size_t)0x7fffffff || c->ret)
		return KAS_V_NA;
	/* the size check sits on the vmalloc fallback path: only requests
	 * that may fall back reach it (same split as KVMALLOC-6) */
	uint32_t kver = kas_cx_kver(cx);
	const kas_gfp_t kernel = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
	bool reaches = kver < KAS_KVER(5, 17) ? (c->gfp & kernel) == kernel :
		       kver < KAS_KVER(6, 19) ? (c->gfp & __GFP_DIRECT_RECLAIM) != 0 : true;
	if (!reaches)
		return KAS_V_NA;
	bool quiet_ok = (c->gfp & __GFP_NOWARN) && kver >= KAS_KVER(5, 17);
	if (quiet_ok) {
		if (warned_kind(c, KAS_WARN_TOO_LARGE))
			return kas_fail(cx, "%s of %zu bytes with __GFP_NOWARN warned", kas_opname(c), n);
		return KAS_V_PASS;
	}
	if (!kas_spec_first_in_trace(cx))
		return KAS_V_NA;
	if (!warned_kind(c, KAS_WARN_TOO_LARGE))
		return kas_fail(cx, "%s of %zu bytes (> INT_MAX) did not warn", kas_opname(c), n);
	return KAS_V_PASS;
}
