/* SPDX-License-Identifier: MIT */
/*
 * The world's trace ops, executed by the harness (not the port): pressure
 * (ballast, exhaust, oom_victims, memcg_limit), the calling context, the
 * scope API, RCU grace periods and current_gfp_context.  kfree_rcu,
 * kvfree_rcu and copy_to_user are port calls (port_call.c).
 */
#include "world_internal.h"

bool kas__world_op(unsigned code)
{
	switch (code) {
	case KAS_OP_BALLAST: case KAS_OP_EXHAUST: case KAS_OP_OOM_VICTIMS: case KAS_OP_MEMCG_LIMIT:
	case KAS_OP_PREEMPT_DISABLE: case KAS_OP_PREEMPT_ENABLE: case KAS_OP_SPIN_LOCK:
	case KAS_OP_SPIN_UNLOCK: case KAS_OP_IRQ_ENTER: case KAS_OP_IRQ_EXIT:
	case KAS_OP_MEMALLOC_NOFS_SAVE: case KAS_OP_MEMALLOC_NOFS_RESTORE:
	case KAS_OP_MEMALLOC_NOIO_SAVE: case KAS_OP_MEMALLOC_NOIO_RESTORE:
	case KAS_OP_MEMALLOC_NORECLAIM_SAVE: case KAS_OP_MEMALLOC_NORECLAIM_RESTORE:
	case KAS_OP_CURRENT_GFP_CONTEXT: case KAS_OP_SYNCHRONIZE_RCU: case KAS_OP_RCU_BARRIER:
	case KAS_OP_NMI_ENTER: case KAS_OP_NMI_EXIT: case KAS_OP_LOCAL_IRQ_DISABLE:
	case KAS_OP_LOCAL_IRQ_ENABLE: case KAS_OP_MEMALLOC_PIN_SAVE: case KAS_OP_MEMALLOC_PIN_RESTORE:
		return true;
	default:
		return false;
	}
}

static void bad_arg(struct kas_call *c)
{
	c->status = KAS_CALL_SKIPPED;
	c->skip = KAS_SKIP_BAD_ARG;
}

/* save: the previous state of the scope's bit; restore puts it back, so an
 * inner restore leaves an outer scope in force (sched/mm.h, pre-6.10 form;
 * the 6.10 memalloc_flags_save form behaves the same when nested). */
static uintptr_t scope_save(struct kas_world *w, unsigned bit)
{
	unsigned old = w->scopes & bit;
	w->scopes |= bit;
	return old;
}

static void scope_restore(struct kas_world *w, unsigned bit, uint64_t saved)
{
	w->scopes = (w->scopes & ~bit) | ((unsigned)saved & bit);
}

void kas__world_exec(struct kas_world *w, struct kas_call *c)
{
	const uint64_t *a = c->arg;
	c->ret = 0;
	switch ((enum kas_opcode)c->op->code) {
	case KAS_OP_BALLAST:
		if (a[0] >= KAS_BALLAST__COUNT) {
			bad_arg(c);
			return;
		}
		c->ret = kas__ballast_add(w, (enum kas_ballast_kind)a[0], (size_t)a[1]);
		c->world.ballast_refused = w->last_refused;
		break;
	case KAS_OP_EXHAUST:
		c->ret = kas__ballast_add(w, KAS_BALLAST_PINNED, SIZE_MAX);
		c->world.ballast_refused = w->last_refused;
		break;
	case KAS_OP_OOM_VICTIMS:
		w->victims = a[0] > 1024 ? 1024 : (uint32_t)a[0];
		break;
	case KAS_OP_MEMCG_LIMIT:
		w->memcg_limit = (size_t)a[0];
		break;
	case KAS_OP_PREEMPT_DISABLE: case KAS_OP_SPIN_LOCK:
		w->preempt_depth++;
		break;
	case KAS_OP_PREEMPT_ENABLE: case KAS_OP_SPIN_UNLOCK:
		if (!w->preempt_depth) {
			kas__refuse(c, "CALLER-25");   /* an exit without its entry */
			return;
		}
		w->preempt_depth--;
		break;
	case KAS_OP_IRQ_ENTER:
		w->irq_depth++;
		break;
	case KAS_OP_IRQ_EXIT:
		if (!w->irq_depth) {
			kas__refuse(c, "CALLER-25");   /* an exit without its entry */
			return;
		}
		w->irq_depth--;
		break;
	case KAS_OP_LOCAL_IRQ_DISABLE:
		w->irqoff_depth++;
		break;
	case KAS_OP_LOCAL_IRQ_ENABLE:
		if (!w->irqoff_depth) {
			kas__refuse(c, "CALLER-25");   /* an exit without its entry */
			return;
		}
		w->irqoff_depth--;
		break;
	case KAS_OP_NMI_ENTER:
		w->nmi_depth++;
		break;
	case KAS_OP_NMI_EXIT:
		if (!w->nmi_depth) {
			kas__refuse(c, "CALLER-25");   /* an exit without its entry */
			return;
		}
		w->nmi_depth--;
		break;
	case KAS_OP_MEMALLOC_NOFS_SAVE:
		c->ret = scope_save(w, KAS_SCOPE_NOFS);
		break;
	case KAS_OP_MEMALLOC_NOIO_SAVE:
		c->ret = scope_save(w, KAS_SCOPE_NOIO);
		break;
	case KAS_OP_MEMALLOC_NORECLAIM_SAVE:
		c->ret = scope_save(w, KAS_SCOPE_NORECLAIM);
		break;
	case KAS_OP_MEMALLOC_PIN_SAVE:
		c->ret = scope_save(w, KAS_SCOPE_PIN);
		break;
	case KAS_OP_MEMALLOC_NOFS_RESTORE:
		scope_restore(w, KAS_SCOPE_NOFS, a[0]);
		break;
	case KAS_OP_MEMALLOC_NOIO_RESTORE:
		scope_restore(w, KAS_SCOPE_NOIO, a[0]);
		break;
	case KAS_OP_MEMALLOC_NORECLAIM_RESTORE:
		scope_restore(w, KAS_SCOPE_NORECLAIM, a[0]);
		break;
	case KAS_OP_MEMALLOC_PIN_RESTORE:
		scope_restore(w, KAS_SCOPE_PIN, a[0]);
		break;
	case KAS_OP_CURRENT_GFP_CONTEXT:
		c->ret = kas_scope_apply(w->scopes, c->gfp);
		break;
	case KAS_OP_SYNCHRONIZE_RCU: case KAS_OP_RCU_BARRIER:
		c->world.rcu_callbacks_run = kas__world_run_rcu(w);
		c->ret = c->world.rcu_callbacks_run;
		break;
	default:
		bad_arg(c);
		return;
	}
}
