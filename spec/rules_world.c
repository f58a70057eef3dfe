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
enum kas_verdict kas_chk_rcu_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	struct kas_spec *s = cx->spec;
	unsigned op = c->op->code;
	if (op == KAS_OP_KFREE_RCU || op == KAS_OP_KVFREE_RCU) {
		if (c->in_obj == KAS_NO_OBJ)
			return KAS_V_NA;   /* NULL: a no-op */
		s->rcu_in_flight++;
		return KAS_V_NA;
	}
	if (op == KAS_OP_SYNCHRONIZE_RCU || op == KAS_OP_RCU_BARRIER) {
		uint32_t n = s->rcu_in_flight;
		s->rcu_in_flight = 0;
		if (!n)
			return KAS_V_NA;
		if (!w->rcu_callbacks_run)
			return kas_fail(cx, "%s ended a grace period with %u kfree_rcu object%s in flight "
					"but no deferred free ran", kas_opname(c), n, n == 1 ? "" : "s");
		return KAS_V_PASS;
	}
	if (!s->rcu_in_flight)
		return KAS_V_NA;
	if (w->rcu_early_reuse)
		return kas_fail(cx, "%s returned %#" PRIxPTR ", memory passed to kfree_rcu before the "
				"grace period ended", kas_opname(c), c->ret);
	return KAS_V_PASS;
}

/* ACCOUNT-1: an __GFP_ACCOUNT page allocation under a memcg limit is
 * charged, and a refused charge makes it fail (__GFP_NOFAIL may exceed). */
enum kas_verdict kas_chk_account_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(c->gfp & __GFP_ACCOUNT) || !w->memcg_limit || (c->gfp & __GFP_NOFAIL))
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
enum kas_verdict kas_chk_zone_5(struct kas_check *cx, const struct kas_call *c)
{
	return phys_below(cx, c, __GFP_DMA, (uint64_t)16 << 20, "GFP_DMA");
}

/* ZONE-6: GFP_DMA32 pages lie below 4 GiB (page allocator only: kmalloc
 * does not honour __GFP_DMA32). */
enum kas_verdict kas_chk_zone_6(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_is_page_op(c) || (c->gfp & __GFP_DMA))
		return KAS_V_NA;
	return phys_below(cx, c, __GFP_DMA32, (uint64_t)4 << 30, "GFP_DMA32");
}
