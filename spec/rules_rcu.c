/* SPDX-License-Identifier: MIT */
/*
 * RCU-1..3: kfree_rcu and kvfree_rcu free after a grace period, never
 * before, and take what they are documented to take silently.  They read
 * the state track_rcu.c keeps (RCU-1 its count of objects in flight, RCU-2
 * and RCU-3 the RCU tracker).
 */
#include <inttypes.h>
#include "world_util.h"

/* RCU-1: kfree_rcu / kvfree_rcu free after a grace period, never before:
 * no allocation returns that memory until synchronize_rcu / rcu_barrier,
 * and the grace period does run the deferred frees.  Its count
 * (kas_rcu1_track) follows the trace (the opmask includes the RCU ops) to
 * know when objects are in flight. */
KAS_RULE_NEEDS(kas_chk_rcu_1, KAS_F(WORLD));
enum kas_verdict kas_chk_rcu_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	const struct kas_spec *s = cx->spec;
	unsigned op = c->op->code;
	if (kas_is_rcu_free(op) || op == KAS_OP_KMEM_CACHE_DESTROY)
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

static bool is_grace_period(const struct kas_call *c)
{
	unsigned op = c->op->code;
	return op == KAS_OP_SYNCHRONIZE_RCU || op == KAS_OP_RCU_BARRIER;
}

/* The RCU-deferred frees of n objects ran when the grace period ended. */
static enum kas_verdict grace_ran(struct kas_check *cx, const struct kas_call *c, uint32_t n,
				  const char *what)
{
	if (!n)
		return KAS_V_NA;
	if (!c->world.rcu_callbacks_run)
		return kas_fail(cx, "%s ended a grace period with %u %s in flight but no deferred free "
				"ran", kas_opname(c), n, what);
	return KAS_V_PASS;
}

/* RCU-2 (6.4+): kfree_rcu / kvfree_rcu take kmem_cache objects silently
 * and free them when the grace period ends. */
KAS_RULE_NEEDS(kas_chk_rcu_2, KAS_F(WORLD));
enum kas_verdict kas_chk_rcu_2(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_world(c))
		return KAS_V_NA;
	const struct kas_rcu_view *v = kas_rcu_track(cx->spec, c);
	if (is_grace_period(c))
		return grace_ran(cx, c, v->cache_rcu, "kfree_rcu'd kmem_cache objects");
	if (c->in_obj == KAS_NO_OBJ || c->in.family != KAS_FAM_CACHE)
		return KAS_V_NA;
	if (c->obs.warns)
		return kas_fail(cx, "%s of a kmem_cache object warned (%u warning%s)", kas_opname(c),
				c->obs.warns, c->obs.warns == 1 ? "" : "s");
	return KAS_V_PASS;
}

/* RCU-3: kvfree_rcu takes vmalloc, kvmalloc and large kmalloc memory
 * silently and frees it when the grace period ends. */
KAS_RULE_NEEDS(kas_chk_rcu_3, KAS_F(WORLD));
enum kas_verdict kas_chk_rcu_3(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_world(c))
		return KAS_V_NA;
	const struct kas_rcu_view *v = kas_rcu_track(cx->spec, c);
	if (is_grace_period(c))
		return grace_ran(cx, c, v->kv_rcu, "kvfree_rcu'd vmalloc/large objects");
	if (c->op->code == KAS_OP_KFREE_RCU || c->in_obj == KAS_NO_OBJ || !kas_rcu_kv_only(cx->spec, c))
		return KAS_V_NA;
	if (c->obs.warns)
		return kas_fail(cx, "kvfree_rcu of %zu bytes of %s memory warned (%u warning%s)",
				c->in.size, c->in.family == KAS_FAM_KMALLOC ? "large kmalloc" :
				c->in.family == KAS_FAM_VMALLOC ? "vmalloc" : "kvmalloc",
				c->obs.warns, c->obs.warns == 1 ? "" : "s");
	return KAS_V_PASS;
}
