/* SPDX-License-Identifier: MIT */
/*
 * The hooks a KAS_CAP_WORLD port calls (struct kas_world_hooks), and what
 * the world does for each; semantics in world.h, records in call.h.
 * A hook called while the world itself is in the port (w->busy: ballast
 * allocation, reclaim frees) acts but is not recorded, and never reclaims.
 */
#include <stdlib.h>
#include "world_internal.h"

static struct kas_world_obs *rec(struct kas_world *w)
{
	return w->cur && !w->busy ? &w->cur->world : NULL;
}

static kas_gfp_t hook_gfp_context(void *ctx, kas_gfp_t gfp)
{
	struct kas_world *w = ctx;
	/* ballast and reclaim frees belong to other simulated tasks: the
	 * calling task's scopes do not apply to them */
	if (w->busy)
		return gfp;
	unsigned scopes = w->scopes;
	unsigned where = kas__world_context(w);
	/* PF_MEMALLOC opens the reserves only outside interrupts
	 * (__gfp_pfmemalloc_flags checks !in_interrupt()) */
	if (where == KAS_CTX_IRQ || where == KAS_CTX_NMI)
		scopes &= ~KAS_SCOPE_NORECLAIM;
	kas_gfp_t out = kas_scope_apply(scopes, gfp);
	struct kas_world_obs *o = rec(w);
	if (o && o->gfp_context_calls++ == 0) {
		o->gfp_context_in = gfp;
		o->gfp_context_out = out;
	}
	return out;
}

static void hook_wake_kswapd(void *ctx, kas_gfp_t gfp, unsigned order, size_t pages)
{
	struct kas_world *w = ctx;
	struct kas_world_obs *o = rec(w);
	if (!o)
		return;
	o->kswapd_wakes++;
	o->kswapd_gfp_or |= gfp;
	if (pages > o->kswapd_pages)
		o->kswapd_pages = pages;
	size_t want = pages;
	if (order < 20 && want < ((size_t)1 << order))
		want = (size_t)1 << order;
	if (want > w->kswapd_pending)
		w->kswapd_pending = want;
	w->kswapd_woken = true;
}

static size_t hook_direct_reclaim(void *ctx, kas_gfp_t gfp, unsigned order, size_t pages)
{
	struct kas_world *w = ctx;
	if (w->busy)
		return 0;
	struct kas_world_obs *o = rec(w);
	size_t want = pages > KAS_WORLD_MIN_RECLAIM ? pages : KAS_WORLD_MIN_RECLAIM;
	size_t got[KAS_BALLAST__COUNT] = { 0 };
	size_t freed = 0;

	got[KAS_BALLAST_CLEAN] = kas__ballast_free(w, KAS_BALLAST_CLEAN, want);
	freed += got[KAS_BALLAST_CLEAN];
	if ((gfp & __GFP_FS) && freed < want) {
		got[KAS_BALLAST_FS_DIRTY] = kas__ballast_free(w, KAS_BALLAST_FS_DIRTY, want - freed);
		freed += got[KAS_BALLAST_FS_DIRTY];
	}
	if ((gfp & __GFP_IO) && freed < want) {
		got[KAS_BALLAST_IO_DIRTY] = kas__ballast_free(w, KAS_BALLAST_IO_DIRTY, want - freed);
		freed += got[KAS_BALLAST_IO_DIRTY];
	}
	w->noprogress_run = freed ? 0 : w->noprogress_run + 1;
	size_t released = 0;
	if (w->noprogress_run >= KAS_WORLD_NOPROGRESS_LIMIT) {
		/* another task frees what it held: lets __GFP_NOFAIL terminate */
		static const enum kas_ballast_kind order_of_release[] = {
			KAS_BALLAST_PINNED, KAS_BALLAST_FS_DIRTY, KAS_BALLAST_IO_DIRTY, KAS_BALLAST_ANON,
		};
		/* pinned first; with none left, whatever the scopes kept reclaim
		 * away from (writeback by another task completes) */
		for (size_t i = 0; i < sizeof order_of_release / sizeof *order_of_release &&
				   !released; i++)
			released = kas__ballast_free(w, order_of_release[i], want);
		if (released) {
			w->starvation_releases++;
			w->noprogress_run = 0;
		}
	}
	if (o) {
		o->reclaim_gfp_and = o->reclaim_rounds ? (o->reclaim_gfp_and & gfp) : gfp;
		o->reclaim_gfp_or |= gfp;
		o->reclaim_rounds++;
		if (order > o->reclaim_max_order)
			o->reclaim_max_order = (uint8_t)(order > 255 ? 255 : order);
		if (!freed)
			o->reclaim_noprogress++;
		if (w->noprogress_run > o->reclaim_noprogress_run)
			o->reclaim_noprogress_run = w->noprogress_run;
		for (unsigned k = 0; k < KAS_BALLAST__COUNT; k++)
			o->reclaimed[k] += got[k];
		o->reclaimed_total += freed;
		o->reclaim_last = freed;
		if (released) {
			o->starvation_releases++;
			o->starvation_pages += released;
			o->reclaim_noprogress_run = KAS_WORLD_NOPROGRESS_LIMIT;
		} else if (w->noprogress_run >= KAS_WORLD_NOPROGRESS_LIMIT) {
			o->starvation_exhausted++;
		}
	}
	return freed;
}

static bool hook_oom_kill(void *ctx, kas_gfp_t gfp, unsigned order)
{
	struct kas_world *w = ctx;
	struct kas_world_obs *o = rec(w);
	if (o) {
		o->oom_calls++;
		o->oom_gfp_or |= gfp;
		if (order > o->oom_max_order)
			o->oom_max_order = (uint8_t)(order > 255 ? 255 : order);
	}
	if (w->busy || !w->victims)
		return false;
	/* the victim holds its share of the anonymous memory */
	size_t share = w->ballast[KAS_BALLAST_ANON].n / w->victims;
	if (w->victims == 1)
		share = w->ballast[KAS_BALLAST_ANON].n;
	size_t freed = kas__ballast_free(w, KAS_BALLAST_ANON, share);
	w->victims--;
	if (o) {
		o->oom_kills++;
		o->oom_freed += freed;
	}
	return true;
}

static void hook_use_reserves(void *ctx, kas_gfp_t gfp, unsigned order)
{
	(void)order;
	struct kas_world_obs *o = rec(ctx);
	if (o) {
		o->reserve_uses++;
		o->reserve_gfp_or |= gfp;
	}
}

static void hook_may_sleep(void *ctx, kas_gfp_t gfp)
{
	struct kas_world *w = ctx;
	struct kas_world_obs *o = rec(w);
	if (!o)
		return;
	o->sleeps++;
	o->sleep_gfp_or |= gfp;
	if (kas__world_context(w) != KAS_CTX_PROCESS)
		o->sleeps_atomic++;
}

static bool hook_memcg_charge(void *ctx, kas_gfp_t gfp, size_t pages)
{
	struct kas_world *w = ctx;
	struct kas_world_obs *o = rec(w);
	/* try_charge_memcg(): memcg keeps no reserve for atomic or must-succeed
	 * requests, so __GFP_NOFAIL and __GFP_HIGH charges are forced over the
	 * limit ("goto force") instead of failing */
	bool forced = (gfp & (__GFP_NOFAIL | __GFP_HIGH)) != 0;
	bool ok = forced || !w->memcg_limit ||
		  (w->memcg_usage <= w->memcg_limit && pages <= w->memcg_limit - w->memcg_usage);
	if (ok)
		w->memcg_usage += pages;
	if (o) {
		o->memcg_charges++;
		if (ok)
			o->memcg_charged += pages;
		else
			o->memcg_charge_fails++;
	}
	return ok;
}

static void hook_memcg_uncharge(void *ctx, size_t pages)
{
	struct kas_world *w = ctx;
	struct kas_world_obs *o = rec(w);
	w->memcg_usage -= pages < w->memcg_usage ? pages : w->memcg_usage;
	if (o) {
		o->memcg_uncharges++;
		o->memcg_uncharged += pages;
	}
}

static void hook_call_rcu(void *ctx, void (*fn)(void *arg), void *arg)
{
	struct kas_world *w = ctx;
	struct kas_world_obs *o = rec(w);
	if (!fn)
		return;
	if (!kas__grow_buf((void **)&w->rcu, &w->rcu_cap, w->nrcu + 1, sizeof(*w->rcu))) {
		fn(arg);   /* out of memory: behave like a grace period that just ended */
		return;
	}
	w->rcu[w->nrcu++] = (struct rcu_cb){ fn, arg };
	if (o)
		o->rcu_queued++;
}

static void hook_alloc_attempt(void *ctx, enum kas_attempt what, kas_gfp_t gfp, unsigned order)
{
	struct kas_world_obs *o = rec(ctx);
	if (!o)
		return;
	if (o->attempts < KAS_MAX_ATTEMPTS)
		o->attempt[o->attempts] = (struct kas_attempt_obs){
			(uint8_t)what, (uint8_t)(order > 255 ? 255 : order), gfp };
	o->attempts++;
}

void kas__world_fill_hooks(struct kas_world *w, struct kas_world_hooks *h)
{
	if (!w->enabled)
		return;   /* a port without KAS_CAP_WORLD gets only warn */
	h->gfp_context = hook_gfp_context;
	h->wake_kswapd = hook_wake_kswapd;
	h->direct_reclaim = hook_direct_reclaim;
	h->oom_kill = hook_oom_kill;
	h->use_reserves = hook_use_reserves;
	h->may_sleep = hook_may_sleep;
	h->memcg_charge = hook_memcg_charge;
	h->memcg_uncharge = hook_memcg_uncharge;
	h->call_rcu = hook_call_rcu;
	h->alloc_attempt = hook_alloc_attempt;
}
