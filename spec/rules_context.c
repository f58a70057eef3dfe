/* SPDX-License-Identifier: MIT */
/*
 * CONTEXT-1..8: what the calling context (atomic, interrupts off, IRQ,
 * NMI) demands of the port (include/linux/gfp_types.h, the Context: lines of
 * the kernel-docs).  The caller's
 * half of each rule (no vfree in NMI, no bulk free with interrupts off,
 * ...) is the precheck's veto; these checkers judge what the port did with
 * the calls that are allowed, from the world events of each call.
 */
#include "world_util.h"

static bool atomic_ctx(unsigned ctx)
{
	return ctx == KAS_CTX_ATOMIC || ctx == KAS_CTX_IRQS_OFF || ctx == KAS_CTX_IRQ;
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

/* CONTEXT-2: non-blocking allocations in atomic / irq context never sleep,
 * reclaim or kill, and GFP_ATOMIC reaches the intact reserves there. */
/* WORLD only: it notes a reserve use (kas_set_trace_bit) of any world call,
 * in process context too. */
KAS_RULE_NEEDS(kas_chk_context_2, KAS_F(WORLD));
enum kas_verdict kas_chk_context_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	bool dipped_before = kas_trace_bit(cx);
	if (w->reserve_uses)
		kas_set_trace_bit(cx);
	if (!kas_allocates(c) || !atomic_ctx(w->context) || (c->gfp & __GFP_DIRECT_RECLAIM))
		return KAS_V_NA;
	if (w->sleeps || w->reclaim_rounds || w->oom_calls)
		return kas_fail(cx, "%s (gfp %#x) in %s context slept %u times, ran %u reclaim rounds "
				"and %u OOM calls", kas_opname(c), c->gfp, kas_context_name(w->context),
				w->sleeps, w->reclaim_rounds, w->oom_calls);
	if ((c->gfp & __GFP_HIGH) && kas_reserve_probe(c) && !dipped_before && !c->ret &&
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

