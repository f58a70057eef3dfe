/* SPDX-License-Identifier: MIT */
/*
 * SCOPE-3..7 and CONTEXT-2..8: what the task's scopes and the calling
 * context demand of the port (kernel-rules.md §8, §12).  The caller's half
 * of each rule (no vfree in NMI, no bulk free with interrupts off, ...) is
 * the precheck's veto; these checkers judge what the port did with the
 * calls that are allowed, from the world events of each call.
 *
 * Some rules need one bit of per-trace history (a scope was used; the
 * reserves have been dipped into).  It lives in the spec's per-rule "once"
 * flag, which kas_spec_begin clears for every trace.
 */
#include "world_util.h"

static bool trace_bit(const struct kas_check *cx) { return cx->spec->once[cx->rule]; }
static void set_trace_bit(struct kas_check *cx) { cx->spec->once[cx->rule] = true; }

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

/* An allocating call (the reserve rules also watch frees and kfree_rcu,
 * only to learn about reserve uses). */
static bool allocates(const struct kas_call *c)
{
	return (KAS_OPS_NEW_OBJECT >> c->op->code) & 1;
}

/* SCOPE-3: after a trace has used scopes, reclaim carries exactly the
 * FS/IO bits the task's current scope state leaves: nothing an outer scope
 * still forbids, nothing dropped once the scopes ended. */
/* 0: it notes a scope op (set_trace_bit) whatever the call's facts. */
KAS_RULE_NEEDS(kas_chk_scope_3, 0);
enum kas_verdict kas_chk_scope_3(struct kas_check *cx, const struct kas_call *c)
{
	if (is_scope_op(c->op->code)) {
		set_trace_bit(cx);
		return KAS_V_NA;
	}
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !trace_bit(cx) || !w->reclaim_rounds)
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

/* A request whose success the intact reserves guarantee: an order-0 page
 * request without zone modifiers, memcg charge or array overflow. */
static bool reserve_probe(const struct kas_call *c)
{
	if (!kas_is_page_op(c))
		return false;
	unsigned order = c->op->code == KAS_OP_GET_ZEROED_PAGE ? 0 : (unsigned)c->arg[1];
	return order == 0 && !(c->gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_ACCOUNT | __GFP_THISNODE)) &&
	       !c->world.memcg_charge_fails;
}

/* SCOPE-5: memalloc_noreclaim opens all reserves in process context (an
 * order-0 request succeeds while they are intact) and none in interrupts. */
/* Not SCOPED: it notes a reserve use (set_trace_bit) of any world call;
 * reserve_uses is evidence of the slow path (SLOWPATH). */
KAS_RULE_NEEDS(kas_chk_scope_5, KAS_F(WORLD) | KAS_F(SLOWPATH));
enum kas_verdict kas_chk_scope_5(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	bool dipped_before = trace_bit(cx);
	if (w->reserve_uses)
		set_trace_bit(cx);
	if (!allocates(c) || !(w->scopes & KAS_SCOPE_NORECLAIM) || (c->gfp & __GFP_NOMEMALLOC) ||
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
	if (!reserve_probe(c) || dipped_before)
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
 * (set_trace_bit) on world scope ops, which reclaim nothing. */
KAS_RULE_NEEDS(kas_chk_scope_7, KAS_F(WORLD));
enum kas_verdict kas_chk_scope_7(struct kas_check *cx, const struct kas_call *c)
{
	if (is_scope_save(c->op->code)) {
		if (c->world.enabled && c->world.context != KAS_CTX_PROCESS)
			set_trace_bit(cx);
		return KAS_V_NA;
	}
	if (is_scope_op(c->op->code))
		return KAS_V_NA;
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !trace_bit(cx) || !w->reclaim_rounds || !(w->scopes & (KAS_SCOPE_NOFS | KAS_SCOPE_NOIO)))
		return KAS_V_NA;
	kas_gfp_t extra = w->reclaim_gfp_or & FSIO & ~(kas_eff_gfp(c) & FSIO);
	if (extra)
		return kas_fail(cx, "%s under a scope opened in atomic/irq context (scopes %#x) reclaimed "
				"with gfp %#x", kas_opname(c), w->scopes, w->reclaim_gfp_or);
	return KAS_V_PASS;
}

static bool atomic_ctx(unsigned ctx)
{
	return ctx == KAS_CTX_ATOMIC || ctx == KAS_CTX_IRQS_OFF || ctx == KAS_CTX_IRQ;
}

/* CONTEXT-2: non-blocking allocations in atomic / irq context never sleep,
 * reclaim or kill, and GFP_ATOMIC reaches the intact reserves there. */
/* WORLD only: it notes a reserve use (set_trace_bit) of any world call,
 * in process context too. */
KAS_RULE_NEEDS(kas_chk_context_2, KAS_F(WORLD));
enum kas_verdict kas_chk_context_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	bool dipped_before = trace_bit(cx);
	if (w->reserve_uses)
		set_trace_bit(cx);
	if (!allocates(c) || !atomic_ctx(w->context) || (c->gfp & __GFP_DIRECT_RECLAIM))
		return KAS_V_NA;
	if (w->sleeps || w->reclaim_rounds || w->oom_calls)
		return kas_fail(cx, "%s (gfp %#x) in %s context slept %u times, ran %u reclaim rounds "
				"and %u OOM calls", kas_opname(c), c->gfp, kas_context_name(w->context),
				w->sleeps, w->reclaim_rounds, w->oom_calls);
	if ((c->gfp & __GFP_HIGH) && reserve_probe(c) && !dipped_before && !c->ret &&
	    !(c->gfp & __GFP_NOMEMALLOC))
		return kas_fail(cx, "%s (gfp %#x) in %s context failed with the reserves intact",
				kas_opname(c), c->gfp, kas_context_name(w->context));
	return KAS_V_PASS;
}

/* CONTEXT-3 (6.19+): a non-blocking __vmalloc in atomic context neither
 * sleeps nor reclaims (irq/NMI and older kernels: vetoed). */
KAS_RULE_NEEDS(kas_chk_context_3, KAS_F(WORLD) | KAS_F(ATOMIC));
enum kas_verdict kas_chk_context_3(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	(void)cx;
	if (!w || w->context == KAS_CTX_PROCESS)
		return KAS_V_NA;
	if (w->sleeps || w->reclaim_rounds)
		return kas_fail(cx, "%s(gfp %#x) in %s context slept %u times and ran %u reclaim rounds",
				kas_opname(c), c->gfp, kas_context_name(w->context), w->sleeps,
				w->reclaim_rounds);
	return KAS_V_PASS;
}

/* Frees from a context that cannot sleep must not sleep. */
static enum kas_verdict free_no_sleep(struct kas_check *cx, const struct kas_call *c, bool irq_only)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || c->in_obj == KAS_NO_OBJ)
		return KAS_V_NA;   /* NULL frees do nothing */
	if (irq_only ? w->context != KAS_CTX_IRQ : !atomic_ctx(w->context))
		return KAS_V_NA;
	if (w->sleeps)
		return kas_fail(cx, "%s in %s context slept %u time%s", kas_opname(c),
				kas_context_name(w->context), w->sleeps, w->sleeps == 1 ? "" : "s");
	return KAS_V_PASS;
}

/* CONTEXT-4: vfree from an interrupt defers instead of sleeping. */
KAS_RULE_NEEDS(kas_chk_context_4, KAS_F(WORLD) | KAS_F(IN_OBJ) | KAS_F(ATOMIC));
enum kas_verdict kas_chk_context_4(struct kas_check *cx, const struct kas_call *c)
{
	return free_no_sleep(cx, c, true);
}

/* CONTEXT-5: kvfree from a (non-NMI) interrupt does not sleep. */
KAS_RULE_NEEDS(kas_chk_context_5, KAS_F(WORLD) | KAS_F(IN_OBJ) | KAS_F(ATOMIC));
enum kas_verdict kas_chk_context_5(struct kas_check *cx, const struct kas_call *c)
{
	return free_no_sleep(cx, c, true);
}

/* CONTEXT-6: __free_pages / free_pages in atomic or irq context do not sleep. */
KAS_RULE_NEEDS(kas_chk_context_6, KAS_F(WORLD) | KAS_F(IN_OBJ) | KAS_F(ATOMIC));
enum kas_verdict kas_chk_context_6(struct kas_check *cx, const struct kas_call *c)
{
	return free_no_sleep(cx, c, false);
}

/* CONTEXT-7: with interrupts on in atomic context the bulk functions do not
 * sleep, and alloc_bulk does not reclaim directly. */
KAS_RULE_NEEDS(kas_chk_context_7, KAS_F(WORLD) | KAS_F(ATOMIC));
enum kas_verdict kas_chk_context_7(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || w->context != KAS_CTX_ATOMIC)
		return KAS_V_NA;
	bool alloc = c->op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK;
	if (!alloc && c->nlist == 0)
		return KAS_V_NA;   /* an empty list frees nothing */
	if (w->sleeps || (alloc && w->reclaim_rounds))
		return kas_fail(cx, "%s in atomic context slept %u times and ran %u reclaim rounds",
				kas_opname(c), w->sleeps, w->reclaim_rounds);
	return KAS_V_PASS;
}

/* CONTEXT-8 (6.3+): the two-argument kfree_rcu needs no memory (its
 * rcu_head is in the object), so in every context, under any pressure, it
 * neither sleeps nor reclaims, kills or tries a blocking allocation. */
KAS_RULE_NEEDS(kas_chk_context_8, KAS_F(WORLD) | KAS_F(IN_OBJ));
enum kas_verdict kas_chk_context_8(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || c->in_obj == KAS_NO_OBJ)
		return KAS_V_NA;   /* NULL is a no-op */
	kas_gfp_t blocking = 0;
	for (uint32_t i = 0; i < w->attempts && i < KAS_MAX_ATTEMPTS; i++)
		if (w->attempt[i].gfp & __GFP_DIRECT_RECLAIM)
			blocking |= w->attempt[i].gfp;
	if (w->sleeps || w->reclaim_rounds || w->oom_calls || blocking)
		return kas_fail(cx, "%s in %s context slept %u time%s, ran %u reclaim round%s and %u "
				"OOM call%s, blocking allocation gfp %#x: the rcu_head form must not "
				"wait", kas_opname(c), kas_context_name(w->context), w->sleeps,
				w->sleeps == 1 ? "" : "s", w->reclaim_rounds,
				w->reclaim_rounds == 1 ? "" : "s", w->oom_calls,
				w->oom_calls == 1 ? "" : "s", blocking);
	return KAS_V_PASS;
}
