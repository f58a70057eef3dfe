/* SPDX-License-Identifier: MIT */
/*
 * SCOPE-1..7: what the task's memalloc scopes (nofs, noio, noreclaim, pin)
 * demand of the port (include/linux/sched/mm.h current_gfp_context()), judged on the world events
 * of each call.  SCOPE-3, -5 and -7 need one bit of per-trace history
 * (kas_trace_bit).
 */
#include "world_util.h"

static bool is_scope_op(unsigned op)
{
	switch (op) {
	case KAS_OP_MEMALLOC_NOFS_SAVE: case KAS_OP_MEMALLOC_NOFS_RESTORE:
	case KAS_OP_MEMALLOC_NOIO_SAVE: case KAS_OP_MEMALLOC_NOIO_RESTORE:
	case KAS_OP_MEMALLOC_NORECLAIM_SAVE: case KAS_OP_MEMALLOC_NORECLAIM_RESTORE:
	case KAS_OP_MEMALLOC_PIN_SAVE: case KAS_OP_MEMALLOC_PIN_RESTORE:
		return true;
	default:
		return false;
	}
}

static bool is_scope_save(unsigned op)
{
	return op == KAS_OP_MEMALLOC_NOFS_SAVE || op == KAS_OP_MEMALLOC_NOIO_SAVE ||
	       op == KAS_OP_MEMALLOC_NORECLAIM_SAVE || op == KAS_OP_MEMALLOC_PIN_SAVE;
}

#define FSIO ((kas_gfp_t)(__GFP_FS | __GFP_IO))

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

/* SCOPE-3: after a trace has used scopes, reclaim carries exactly the
 * FS/IO bits the task's current scope state leaves: nothing an outer scope
 * still forbids, nothing dropped once the scopes ended. */
/* 0: it notes a scope op (kas_set_trace_bit) whatever the call's facts. */
KAS_RULE_NEEDS(kas_chk_scope_3, 0);
enum kas_verdict kas_chk_scope_3(struct kas_check *cx, const struct kas_call *c)
{
	if (is_scope_op(c->op->code)) {
		kas_set_trace_bit(cx);
		return KAS_V_NA;
	}
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !kas_trace_bit(cx) || !w->reclaim_rounds)
		return KAS_V_NA;
	kas_gfp_t want = kas_eff_gfp(c) & FSIO;
	kas_gfp_t extra = w->reclaim_gfp_or & FSIO & ~want;
	kas_gfp_t lost = want & ~(w->reclaim_gfp_and & FSIO);
	if (extra)
		return kas_fail(cx, "%s with scopes %#x reclaimed with %s%s, which the scopes in force "
				"remove", kas_opname(c), w->scopes, (extra & __GFP_IO) ? "__GFP_IO " : "",
				(extra & __GFP_FS) ? "__GFP_FS" : "");
	if (lost)
		return kas_fail(cx, "%s with scopes %#x reclaimed without %s%s: a scope that ended is "
				"still applied", kas_opname(c), w->scopes,
				(lost & __GFP_IO) ? "__GFP_IO " : "", (lost & __GFP_FS) ? "__GFP_FS" : "");
	return KAS_V_PASS;
}

/* SCOPE-4: inside a pin scope no gfp the port hands the world carries
 * __GFP_MOVABLE. */
KAS_RULE_NEEDS(kas_chk_scope_4, KAS_F(WORLD) | KAS_F(SCOPED) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_scope_4(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(w->scopes & KAS_SCOPE_PIN))
		return KAS_V_NA;
	bool hooked = w->kswapd_wakes || w->reclaim_rounds || w->oom_calls || w->reserve_uses ||
		      w->sleeps;
	if (!hooked)
		return KAS_V_NA;
	kas_gfp_t seen = w->kswapd_gfp_or | w->reclaim_gfp_or | w->oom_gfp_or | w->reserve_gfp_or |
			 w->sleep_gfp_or;
	if (seen & __GFP_MOVABLE)
		return kas_fail(cx, "%s (gfp %#x) in a memalloc_pin scope went to the page allocator "
				"with __GFP_MOVABLE (hook gfp %#x)", kas_opname(c), c->gfp, seen);
	return KAS_V_PASS;
}

/* SCOPE-5: memalloc_noreclaim opens all reserves in process context (an
 * order-0 request succeeds while they are intact) and none in interrupts. */
/* Not SCOPED: it notes a reserve use (kas_set_trace_bit) of any world call;
 * reserve_uses is evidence of the slow path (SLOWPATH). */
KAS_RULE_NEEDS(kas_chk_scope_5, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_scope_5(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	bool dipped_before = kas_trace_bit(cx);
	if (w->reserve_uses)
		kas_set_trace_bit(cx);
	if (!kas_allocates(c) || !(w->scopes & KAS_SCOPE_NORECLAIM) || (c->gfp & __GFP_NOMEMALLOC) ||
	    !kas_slowpath_seen(c))
		return KAS_V_NA;
	if (w->context == KAS_CTX_IRQ || w->context == KAS_CTX_NMI) {
		if (c->gfp & (__GFP_HIGH | __GFP_MEMALLOC | __GFP_NOFAIL))
			return KAS_V_NA;
		if (w->reserve_uses)
			return kas_fail(cx, "%s (gfp %#x) in %s context used the reserves through the "
					"task's memalloc_noreclaim scope", kas_opname(c), c->gfp,
					kas_context_name(w->context));
		return KAS_V_PASS;
	}
	if (!kas_reserve_probe(c) || dipped_before)
		return KAS_V_NA;
	if (!c->ret)
		return kas_fail(cx, "%s (gfp %#x) in a memalloc_noreclaim scope failed with the "
				"reserves intact (%u reserve uses)", kas_opname(c), c->gfp, w->reserve_uses);
	return KAS_V_PASS;
}

/* SCOPE-6: vmalloc (5.17+) never reclaims with an FS/IO bit the call's
 * gfp, after the task's scopes, lacks. */
KAS_RULE_NEEDS(kas_chk_scope_6, KAS_F(WORLD) | KAS_F(RECLAIMED));
enum kas_verdict kas_chk_scope_6(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !w->reclaim_rounds)
		return KAS_V_NA;
	/* vmalloc() and vzalloc() are GFP_KERNEL inside the task's scopes */
	unsigned op = c->op->code;
	kas_gfp_t g = op == KAS_OP_VMALLOC || op == KAS_OP_VZALLOC ? (kas_gfp_t)KAS_GFP_KERNEL : c->gfp;
	kas_gfp_t allowed = kas_scope_apply(w->scopes, g) & FSIO;
	if (allowed == FSIO)
		return KAS_V_NA;   /* GFP_KERNEL: nothing to constrain */
	kas_gfp_t extra = w->reclaim_gfp_or & FSIO & ~allowed;
	size_t fs = w->reclaimed[KAS_BALLAST_FS_DIRTY], io = w->reclaimed[KAS_BALLAST_IO_DIRTY];
	if (extra || (!(allowed & __GFP_FS) && fs) || (!(allowed & __GFP_IO) && io))
		return kas_fail(cx, "%s(gfp %#x) reclaimed with gfp %#x (%zu FS-dirty, %zu IO-dirty pages "
				"written back): its inner allocations ignore the caller's gfp",
				kas_opname(c), c->gfp, w->reclaim_gfp_or, fs, io);
	return KAS_V_PASS;
}

/* SCOPE-7: a NOFS/NOIO scope opened outside process context binds the
 * task: reclaim while it is in force lacks the bits it removes. */
/* WORLD only: it notes a scope opened outside process context
 * (kas_set_trace_bit) on world scope ops, which reclaim nothing. */
KAS_RULE_NEEDS(kas_chk_scope_7, KAS_F(WORLD));
enum kas_verdict kas_chk_scope_7(struct kas_check *cx, const struct kas_call *c)
{
	if (is_scope_save(c->op->code)) {
		if (c->world.enabled && c->world.context != KAS_CTX_PROCESS)
			kas_set_trace_bit(cx);
		return KAS_V_NA;
	}
	if (is_scope_op(c->op->code))
		return KAS_V_NA;
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !kas_trace_bit(cx) || !w->reclaim_rounds ||
	    !(w->scopes & (KAS_SCOPE_NOFS | KAS_SCOPE_NOIO)))
		return KAS_V_NA;
	kas_gfp_t extra = w->reclaim_gfp_or & FSIO & ~(kas_eff_gfp(c) & FSIO);
	if (extra)
		return kas_fail(cx, "%s under a scope opened in atomic/irq context (scopes %#x) reclaimed "
				"with gfp %#x", kas_opname(c), w->scopes, w->reclaim_gfp_or);
	return KAS_V_PASS;
}
