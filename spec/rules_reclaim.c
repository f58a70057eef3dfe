/* SPDX-License-Identifier: MIT */
/*
 * RECLAIM: the page allocator's reclaim policy per gfp (mm/page_alloc.c
 * __alloc_pages_slowpath()), judged on the world events of one call (call.h).  Each
 * checker looks only at calls where the slow path left evidence (a failure,
 * a kswapd wake-up, a reclaim round, ...): a call served from the free
 * lists says nothing about reclaim policy.
 */
#include "world_util.h"

#define GFPF "%#x"

static bool warned(const struct kas_call *c, enum kas_warn_kind k)
{
	return (c->obs.warn_kinds >> k) & 1u;
}

/* RECLAIM-1: no __GFP_DIRECT_RECLAIM -> no direct reclaim, no sleeping. */
KAS_RULE_NEEDS(kas_chk_reclaim_1, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || (kas_eff_gfp(c) & __GFP_DIRECT_RECLAIM) || !kas_slowpath_seen(c))
		return KAS_V_NA;
	if (w->reclaim_rounds)
		return kas_fail(cx, "%s without __GFP_DIRECT_RECLAIM (gfp " GFPF ") ran %u direct "
				"reclaim round%s", kas_opname(c), c->gfp, w->reclaim_rounds,
				w->reclaim_rounds == 1 ? "" : "s");
	if (w->sleeps)
		return kas_fail(cx, "%s without __GFP_DIRECT_RECLAIM (gfp " GFPF ") slept %u time%s",
				kas_opname(c), c->gfp, w->sleeps, w->sleeps == 1 ? "" : "s");
	return KAS_V_PASS;
}

/* RECLAIM-2: kswapd is never woken without __GFP_KSWAPD_RECLAIM; with it, a
 * call that failed or needed the reserves went through the slow path, which
 * wakes kswapd first. */
KAS_RULE_NEEDS(kas_chk_reclaim_2, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !kas_slowpath_seen(c))
		return KAS_V_NA;
	kas_gfp_t g = kas_eff_gfp(c);
	if (!(g & __GFP_KSWAPD_RECLAIM)) {
		if (w->kswapd_wakes)
			return kas_fail(cx, "%s without __GFP_KSWAPD_RECLAIM (gfp " GFPF ") woke kswapd",
					kas_opname(c), c->gfp);
		return KAS_V_PASS;
	}
	bool slow = (c->ret == 0 && kas_servable(cx, c)) || w->reserve_uses;
	if (!slow)
		return KAS_V_NA;
	if (!w->kswapd_wakes)
		return kas_fail(cx, "%s with __GFP_KSWAPD_RECLAIM (gfp " GFPF ") %s without waking kswapd",
				kas_opname(c), c->gfp, c->ret ? "used the reserves" : "failed");
	return KAS_V_PASS;
}

/* RECLAIM-3: __GFP_NORETRY: at most one reclaim round, never the OOM
 * killer (page allocator calls: slab may make two attempts). */
KAS_RULE_NEEDS(kas_chk_reclaim_3, KAS_F(WORLD) | KAS_F(NORETRY) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_3(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	kas_gfp_t g = kas_eff_gfp(c);
	if (!w || !(g & __GFP_NORETRY) || (g & __GFP_NOFAIL) || !(g & __GFP_DIRECT_RECLAIM) ||
	    !kas_slowpath_seen(c))
		return KAS_V_NA;
	if (w->reclaim_rounds > 1)
		return kas_fail(cx, "%s with __GFP_NORETRY ran %u reclaim rounds (at most one)",
				kas_opname(c), w->reclaim_rounds);
	if (w->oom_calls)
		return kas_fail(cx, "%s with __GFP_NORETRY invoked the OOM killer", kas_opname(c));
	return KAS_V_PASS;
}

/* RECLAIM-4: costly orders without __GFP_RETRY_MAYFAIL: one reclaim round
 * at most, no OOM killer. */
KAS_RULE_NEEDS(kas_chk_reclaim_4, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_4(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	kas_gfp_t g = kas_eff_gfp(c);
	unsigned order = kas_call_order(cx, c);
	if (!w || order <= kas_cx_profile(cx)->page_alloc_costly_order || !kas_servable(cx, c) ||
	    (g & (__GFP_RETRY_MAYFAIL | __GFP_NOFAIL)) || !kas_slowpath_seen(c))
		return KAS_V_NA;
	if (w->oom_calls)
		return kas_fail(cx, "%s of order %u invoked the OOM killer", kas_opname(c), order);
	if (w->reclaim_rounds > 1)
		return kas_fail(cx, "%s of costly order %u without __GFP_RETRY_MAYFAIL looped: %u "
				"reclaim rounds", kas_opname(c), order, w->reclaim_rounds);
	return KAS_V_PASS;
}

/* RECLAIM-5: __GFP_RETRY_MAYFAIL never invokes the OOM killer and fails
 * only once reclaim stopped making progress (MAX_RECLAIM_RETRIES = 16
 * rounds without progress; costly orders count every round) or nothing
 * reclaimable is left. */
KAS_RULE_NEEDS(kas_chk_reclaim_5, KAS_F(WORLD) | KAS_F(RETRY_MAYFAIL) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_5(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	kas_gfp_t g = kas_eff_gfp(c);
	if (!w || !(g & __GFP_RETRY_MAYFAIL) || (g & __GFP_NOFAIL) || !(g & __GFP_DIRECT_RECLAIM) ||
	    !kas_slowpath_seen(c))
		return KAS_V_NA;
	if (w->oom_calls)
		return kas_fail(cx, "%s with __GFP_RETRY_MAYFAIL invoked the OOM killer", kas_opname(c));
	/* With __GFP_NORETRY too, the slow path's "Do not loop if specifically
	 * requested" test comes first: one round, then failure (RECLAIM-3). */
	if (c->ret || !kas_servable(cx, c) || (w->scopes & KAS_SCOPE_NORECLAIM) ||
	    (g & __GFP_NORETRY))
		return KAS_V_PASS;
	bool costly = kas_call_order(cx, c) > kas_cx_profile(cx)->page_alloc_costly_order;
	bool gave_up_ok = w->reclaim_noprogress_run >= 16 || (costly && w->reclaim_rounds >= 16) ||
			  kas_reclaimable_left(w, g) == 0;
	if (!gave_up_ok)
		return kas_fail(cx, "%s with __GFP_RETRY_MAYFAIL failed after %u reclaim round%s (%u "
				"without progress in a row) with %zu reclaimable pages left",
				kas_opname(c), w->reclaim_rounds, w->reclaim_rounds == 1 ? "" : "s",
				w->reclaim_noprogress_run, kas_reclaimable_left(w, g));
	return KAS_V_PASS;
}

/* RECLAIM-6: a GFP_KERNEL-like small request does not fail while reclaim
 * or the OOM killer can still free memory. */
KAS_RULE_NEEDS(kas_chk_reclaim_6, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_6(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	kas_gfp_t g = kas_eff_gfp(c);
	const kas_gfp_t need = __GFP_DIRECT_RECLAIM | __GFP_FS | __GFP_IO;
	if (!w || (g & need) != need || (g & (__GFP_NORETRY | __GFP_RETRY_MAYFAIL | __GFP_THISNODE)) ||
	    kas_call_lowmem_only(cx, c, g) || (w->scopes & KAS_SCOPE_NORECLAIM) || w->context != KAS_CTX_PROCESS ||
	    kas_call_order(cx, c) > kas_cx_profile(cx)->page_alloc_costly_order ||
	    !kas_servable(cx, c) || !kas_slowpath_seen(c))
		return KAS_V_NA;
	if (c->ret)
		return KAS_V_PASS;
	size_t left = kas_reclaimable_left(w, g);
	if (left || w->oom_victims_left)
		return kas_fail(cx, "%s (gfp " GFPF ") failed with %zu reclaimable pages and %u OOM "
				"victim%s left (%u reclaim rounds, %u OOM calls)", kas_opname(c), c->gfp,
				left, w->oom_victims_left, w->oom_victims_left == 1 ? "" : "s",
				w->reclaim_rounds, w->oom_calls);
	return KAS_V_PASS;
}

/* RECLAIM-7: __alloc_pages_may_oom's exclusions. */
KAS_RULE_NEEDS(kas_chk_reclaim_7, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_7(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !kas_slowpath_seen(c))
		return KAS_V_NA;
	kas_gfp_t g = kas_eff_gfp(c);
	/* slab requests lose __GFP_DMA32 / __GFP_HIGHMEM (kmalloc_fix_flags, ZONE-1)
	 * and are served from ZONE_NORMAL, where the OOM killer may run */
	if ((((kas_opmask_t)1 << c->op->code) & (KAS_OPS_KMALLOC | KAS_OPS_CACHE_ALLOC)) != 0)
		g &= ~(kas_gfp_t)(__GFP_DMA32 | __GFP_HIGHMEM);
	const char *why = NULL;
	if (kas_call_order(cx, c) > kas_cx_profile(cx)->page_alloc_costly_order)
		why = "a costly order";
	else if (g & __GFP_RETRY_MAYFAIL)
		why = "__GFP_RETRY_MAYFAIL";
	else if (g & __GFP_THISNODE)
		why = "__GFP_THISNODE";
	else if (g & __GFP_NORETRY)
		why = "__GFP_NORETRY";
	else if (!(g & __GFP_DIRECT_RECLAIM))
		why = "no __GFP_DIRECT_RECLAIM";
	else if (kas_call_lowmem_only(cx, c, g))
		why = "a lowmem-only (DMA/DMA32) request";
	else if (!(g & __GFP_FS))
		why = "no __GFP_FS (GFP_NOFS/GFP_NOIO or a scope)";
	if (!why)
		return KAS_V_NA;
	if (w->oom_calls)
		return kas_fail(cx, "%s invoked the OOM killer for %s (gfp " GFPF ")", kas_opname(c),
				why, c->gfp);
	return KAS_V_PASS;
}

/* RECLAIM-8: __GFP_NOFAIL with direct reclaim never returns NULL. */
KAS_RULE_NEEDS(kas_chk_reclaim_8, KAS_F(WORLD) | KAS_F(NOFAIL));
enum kas_verdict kas_chk_reclaim_8(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	kas_gfp_t g = kas_eff_gfp(c);
	if (!w || (g & (__GFP_NOFAIL | __GFP_DIRECT_RECLAIM)) != (__GFP_NOFAIL | __GFP_DIRECT_RECLAIM) ||
	    (w->scopes & KAS_SCOPE_NORECLAIM) || w->context != KAS_CTX_PROCESS)
		return KAS_V_NA;
	/* Costly orders (discouraged, unsupported above order 1 from 6.12) and
	 * lowmem-only requests are not judged: memory that comes back need
	 * not form such a block or lie in ZONE_DMA, and the kernel would then
	 * loop forever. */
	if (kas_call_order(cx, c) > kas_cx_profile(cx)->page_alloc_costly_order ||
	    kas_call_lowmem_only(cx, c, g) || kas_call_overflows(c) || c->req_size == 0)
		return KAS_V_NA;
	if (c->ret == 0 && kas_nofail_loop_endless(w))
		return KAS_V_NA;
	if (c->ret == 0)
		return kas_fail(cx, "%s with __GFP_NOFAIL (gfp " GFPF ") returned NULL after %u reclaim "
				"rounds", kas_opname(c), c->gfp, w->reclaim_rounds);
	return KAS_V_PASS;
}


/* RECLAIM-9: __GFP_NOFAIL without __GFP_DIRECT_RECLAIM warns (WARN_ON_ONCE:
 * the first such call of a trace is judged).  <= 6.11 the warning is on
 * the failure path, >= 6.12 at slow-path entry. */
KAS_RULE_NEEDS(kas_chk_reclaim_9, KAS_F(WORLD) | KAS_F(NOFAIL) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_9(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	kas_gfp_t g = kas_eff_gfp(c);
	if (!w || !(g & __GFP_NOFAIL) || (g & __GFP_DIRECT_RECLAIM) || !kas_servable(cx, c))
		return KAS_V_NA;
	bool must = kas_cx_kver(cx) >= KAS_KVER(6, 12) ? kas_slowpath_seen(c) : c->ret == 0;
	if (!must || !kas_spec_first_in_trace(cx))
		return KAS_V_NA;
	if (!warned(c, KAS_WARN_NOFAIL_MISUSE))
		return kas_fail(cx, "%s with __GFP_NOFAIL but no __GFP_DIRECT_RECLAIM (gfp " GFPF ") %s "
				"without a NOFAIL-misuse warning", kas_opname(c), c->gfp,
				c->ret ? "entered the slow path" : "failed");
	return KAS_V_PASS;
}

/* RECLAIM-10 (>= 6.12): __GFP_NOFAIL with order > 1 warns at slow-path entry. */
KAS_RULE_NEEDS(kas_chk_reclaim_10, KAS_F(WORLD) | KAS_F(NOFAIL) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_10(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	unsigned order = kas_call_order(cx, c);
	if (!w || !(kas_eff_gfp(c) & __GFP_NOFAIL) || order <= 1 || !kas_servable(cx, c) ||
	    !kas_slowpath_seen(c) || !kas_spec_first_in_trace(cx))
		return KAS_V_NA;
	if (!warned(c, KAS_WARN_NOFAIL_MISUSE))
		return kas_fail(cx, "%s with __GFP_NOFAIL and order %u entered the slow path without "
				"a NOFAIL-misuse warning", kas_opname(c), order);
	return KAS_V_PASS;
}

/* RECLAIM-11: order > MAX_PAGE_ORDER -> NULL, WARN_ON_ONCE_GFP unless NOWARN. */
KAS_RULE_NEEDS(kas_chk_reclaim_11, KAS_F(WORLD));
enum kas_verdict kas_chk_reclaim_11(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_world(c) || !kas_is_page_op(c) ||
	    kas_call_order(cx, c) <= kas_cx_profile(cx)->max_page_order)
		return KAS_V_NA;
	if (c->ret)
		return kas_fail(cx, "%s of order %u (> MAX_PAGE_ORDER %u) returned memory",
				kas_opname(c), kas_call_order(cx, c), kas_cx_profile(cx)->max_page_order);
	if (c->gfp & __GFP_NOWARN) {
		if (warned(c, KAS_WARN_TOO_LARGE))
			return kas_fail(cx, "%s of order %u warned despite __GFP_NOWARN", kas_opname(c),
					kas_call_order(cx, c));
		return KAS_V_PASS;
	}
	if (!kas_spec_first_at_site(cx, KAS_ONCE_PAGE_ORDER))
		return KAS_V_PASS;   /* WARN_ON_ONCE: later calls may be silent */
	if (!warned(c, KAS_WARN_TOO_LARGE))
		return kas_fail(cx, "%s of order %u (> MAX_PAGE_ORDER) did not warn", kas_opname(c),
				kas_call_order(cx, c));
	return KAS_V_PASS;
}

/* RECLAIM-12: a failed allocation reports "page allocation failure" unless
 * __GFP_NOWARN; with __GFP_NOWARN it does not. */
KAS_RULE_NEEDS(kas_chk_reclaim_12, KAS_F(WORLD) | KAS_F(NULL));
enum kas_verdict kas_chk_reclaim_12(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_world(c) || c->ret || !kas_servable(cx, c))
		return KAS_V_NA;
	if (c->gfp & __GFP_NOWARN) {
		if (warned(c, KAS_WARN_ALLOC_FAILURE))
			return kas_fail(cx, "%s failed with __GFP_NOWARN (gfp " GFPF ") but reported an "
					"allocation failure", kas_opname(c), c->gfp);
		return KAS_V_PASS;
	}
	if (!warned(c, KAS_WARN_ALLOC_FAILURE))
		return kas_fail(cx, "%s (gfp " GFPF ") failed without an allocation-failure report",
				kas_opname(c), c->gfp);
	return KAS_V_PASS;
}

/* RECLAIM-13 (>= 6.8): GFP_NOWAIT (which includes __GFP_NOWARN) fails silently. */
KAS_RULE_NEEDS(kas_chk_reclaim_13, KAS_F(WORLD) | KAS_F(NULL));
enum kas_verdict kas_chk_reclaim_13(struct kas_check *cx, const struct kas_call *c)
{
	kas_gfp_t nowait = 0;
	if (!kas_world(c) || c->ret || !kas_servable(cx, c) ||
	    !kas_gfp_composite("GFP_NOWAIT", kas_cx_kver(cx), &nowait) ||
	    (c->gfp & nowait) != nowait || (c->gfp & (__GFP_DIRECT_RECLAIM | __GFP_HIGH | __GFP_NOFAIL)))
		return KAS_V_NA;
	/* failure reports only: a "Fix your code!" flags warning (ZONE-1) is
	 * about the caller's gfp and is not suppressed by __GFP_NOWARN */
	if (warned(c, KAS_WARN_ALLOC_FAILURE) || warned(c, KAS_WARN_TOO_LARGE))
		return kas_fail(cx, "%s with GFP_NOWAIT failed with a failure report (warn kinds %#x)",
				kas_opname(c), c->obs.warn_kinds);
	return KAS_V_PASS;
}

/* RECLAIM-14: a PF_MEMALLOC task (memalloc_noreclaim scope) never enters
 * direct reclaim nor the OOM killer. */
KAS_RULE_NEEDS(kas_chk_reclaim_14, KAS_F(WORLD) | KAS_F(SCOPED) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_14(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(w->scopes & KAS_SCOPE_NORECLAIM) || !kas_slowpath_seen(c))
		return KAS_V_NA;
	if (w->reclaim_rounds || w->oom_calls)
		return kas_fail(cx, "%s in a memalloc_noreclaim scope ran %u reclaim rounds and %u OOM "
				"calls", kas_opname(c), w->reclaim_rounds, w->oom_calls);
	return KAS_V_PASS;
}

/* May the request go below the min watermark?  __GFP_HIGH (GFP_ATOMIC):
 * part of the reserves; __GFP_MEMALLOC or PF_MEMALLOC without
 * __GFP_NOMEMALLOC: all of them; __GFP_NOFAIL's fallback (with reclaim). */
static bool reserves_allowed(const struct kas_call *c, kas_gfp_t g)
{
	if (g & __GFP_HIGH)
		return true;
	if ((g & __GFP_NOFAIL) && (g & __GFP_DIRECT_RECLAIM))
		return true;
	return (g & __GFP_MEMALLOC) && !(g & __GFP_NOMEMALLOC) && c->world.context != KAS_CTX_IRQ;
}

/* RECLAIM-15: __GFP_NOMEMALLOC beats __GFP_MEMALLOC / PF_MEMALLOC. */
KAS_RULE_NEEDS(kas_chk_reclaim_15, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_15(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	kas_gfp_t g = kas_eff_gfp(c);
	if (!w || !(g & __GFP_NOMEMALLOC) || !(g & __GFP_MEMALLOC) || !kas_slowpath_seen(c) ||
	    reserves_allowed(c, g))
		return KAS_V_NA;
	if (w->reserve_uses)
		return kas_fail(cx, "%s with __GFP_NOMEMALLOC (gfp " GFPF ", scopes %#x) used the "
				"memory reserves", kas_opname(c), c->gfp, w->scopes);
	return KAS_V_PASS;
}

/* RECLAIM-16: only entitled requests go below the min watermark: GFP_NOWAIT
 * and GFP_KERNEL & ~__GFP_RECLAIM may not. */
KAS_RULE_NEEDS(kas_chk_reclaim_16, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_reclaim_16(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !kas_slowpath_seen(c))
		return KAS_V_NA;
	kas_gfp_t g = kas_eff_gfp(c);
	if (reserves_allowed(c, g))
		return KAS_V_NA;
	if (w->reserve_uses)
		return kas_fail(cx, "%s (gfp " GFPF ") without __GFP_HIGH/__GFP_MEMALLOC used the "
				"memory reserves", kas_opname(c), c->gfp);
	return KAS_V_PASS;
}

/* RECLAIM-17: an allocation returns, NULL when it cannot serve.  A call
 * that came back is judged PASS here; the failures are calls that never
 * came back -- a crash, exit or hang, charged to this rule by the rules its
 * op exercises (cli/fault_rules.c). */
KAS_RULE_NEEDS(kas_chk_reclaim_17, 0);
enum kas_verdict kas_chk_reclaim_17(struct kas_check *cx, const struct kas_call *c)
{
	(void)cx;
	if (!kas_done(c) || (c->gfp & __GFP_NOFAIL))
		return KAS_V_NA;
	return KAS_V_PASS;
}
