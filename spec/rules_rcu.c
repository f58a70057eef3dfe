/* SPDX-License-Identifier: MIT */
/*
 * RCU-2, RCU-3, CACHE-4, CACHE-6 and the state they share with CACHE-3 and
 * FREE-3: what a trace has handed to RCU (kfree_rcu'd cache objects, freed
 * SLAB_TYPESAFE_BY_RCU objects) and what survived a vfree, until the next
 * grace period (synchronize_rcu / rcu_barrier) or free.
 *
 * Several rules read the same state and a checker only sees the ops of its
 * own mask, so the state is advanced by whichever checker meets a call
 * first (once per call), and each checker reads the state as it was just
 * before that call (struct kas_rcu_view).
 */
#include <inttypes.h>
#include <string.h>
#include "world_util.h"

#define PTRF "%#" PRIxPTR

void kas_rcu_track_reset(struct kas_spec *s)
{
	struct kas_rcu_track *t = &s->rcut;
	t->seen = false;
	t->trace_ended = false;
	t->last_seq = 0;
	t->pend_lost = t->ts_lost = false;
	t->npend = t->nts = t->nkept = 0;
	t->cache_rcu = t->kv_rcu = 0;
	memset(&t->cur, 0, sizeof(t->cur));
}

static uint32_t *pend_slot(struct kas_rcu_track *t, uint32_t cache, bool add)
{
	for (uint32_t i = 0; i < t->npend; i++)
		if (t->pend[i].cache == cache)
			return &t->pend[i].n;
	if (!add)
		return NULL;
	if (t->npend == KAS_RCUT_PEND) {
		t->pend_lost = true;
		return NULL;
	}
	t->pend[t->npend].cache = cache;
	t->pend[t->npend].n = 0;
	return &t->pend[t->npend++].n;
}

/* A SLAB_TYPESAFE_BY_RCU object was freed: its memory stays with the
 * cache until a grace period ends. */
static void ts_note(struct kas_spec *s, const struct kas_obj *o)
{
	struct kas_rcu_track *t = &s->rcut;
	if (!o || o->family != KAS_FAM_CACHE)
		return;
	const struct kas_cache *k = kas_model_cache(s->model, o->cache);
	if (!k || !(k->flags & KAS_SLAB_TYPESAFE_BY_RCU))
		return;
	if (t->nts == KAS_RCUT_TS) {
		t->ts_lost = true;
		return;
	}
	t->ts[t->nts].addr = o->addr;
	t->ts[t->nts].size = o->size ? o->size : 1;
	t->ts[t->nts].cache = o->cache;
	t->nts++;
}

static bool kept_take(struct kas_rcu_track *t, uint64_t id)
{
	for (uint32_t i = 0; i < t->nkept; i++)
		if (t->kept[i] == id) {
			t->kept[i] = t->kept[--t->nkept];
			return true;
		}
	return false;
}

/* kvfree_rcu of memory that kfree_rcu could not take: vmalloc-backed, or a
 * large kmalloc (page allocator) object (RCU-3). */
static bool kv_only(const struct kas_spec *s, const struct kas_call *c)
{
	switch (c->in.family) {
	case KAS_FAM_VMALLOC: case KAS_FAM_KVMALLOC:
		return true;
	case KAS_FAM_KMALLOC:
		return c->in.size > s->profile->kmalloc_max_cache_size;
	default:
		return false;
	}
}

/* A grace period ended: every deferred free in flight ran. */
static void grace_period_ended(struct kas_rcu_track *t)
{
	t->cache_rcu = t->kv_rcu = 0;
	t->npend = t->nts = 0;
	t->pend_lost = t->ts_lost = false;
}

static void advance(struct kas_spec *s, const struct kas_call *c)
{
	struct kas_rcu_track *t = &s->rcut;
	struct kas_rcu_view *v = &t->cur;
	/* The harness ends the grace periods in flight when the trace's ops
	 * are done (kas__world_end_trace), before its teardown frees and
	 * destroys what is left: those calls come after a grace period. */
	const struct kas_trace *tr = c->trace ? c->trace : s->trace;
	if (!t->trace_ended && tr && c->index >= tr->nops) {
		t->trace_ended = true;
		grace_period_ended(t);
	}
	memset(v, 0, sizeof(*v));
	v->pend_lost = t->pend_lost;
	if (!kas_done(c))
		return;
	unsigned op = c->op->code;
	bool has_in = c->in_obj != KAS_NO_OBJ;
	/* any free of an object a vfree left alone (FREE-3) */
	if (has_in && t->nkept && (kas_op_table[op].result == R_NONE || op == KAS_OP_KREALLOC ||
				   op == KAS_OP_KVREALLOC))
		v->kept = kept_take(t, c->in.id);
	switch (op) {
	case KAS_OP_KFREE_RCU: case KAS_OP_KVFREE_RCU: case KAS_OP_KVFREE_RCU_ARG_2:
		if (!has_in)
			break;
		if (c->in.family == KAS_FAM_CACHE) {
			t->cache_rcu++;
			/* without the world the port frees at once (port.h) */
			uint32_t *n = c->world.enabled ? pend_slot(t, c->in.cache, true) : NULL;
			if (n)
				(*n)++;
		}
		if (op != KAS_OP_KFREE_RCU && kv_only(s, c))
			t->kv_rcu++;
		break;
	case KAS_OP_SYNCHRONIZE_RCU: case KAS_OP_RCU_BARRIER:
		v->cache_rcu = t->cache_rcu;
		v->kv_rcu = t->kv_rcu;
		grace_period_ended(t);
		break;
	case KAS_OP_KMEM_CACHE_DESTROY: {
		if (c->in_cache == KAS_NO_OBJ)
			break;
		uint32_t *n = pend_slot(t, c->in_cache, false);
		v->pend_in_cache = n ? *n : 0;
		/* 6.12+: kvfree_rcu_barrier() frees them before the shutdown */
		if (n && s->profile->kver >= KAS_KVER(6, 12))
			*n = 0;
		/* a destroyed cache's memory may go anywhere -- after a grace
		 * period; until then nothing may reuse its typesafe objects */
		for (uint32_t i = 0; i < t->nts; i++)
			if (t->ts[i].cache == c->in_cache)
				t->ts[i].cache = KAS_NO_OBJ;
		break;
	}
	case KAS_OP_KMEM_CACHE_FREE: case KAS_OP_KFREE: case KAS_OP_KVFREE:
	case KAS_OP_KFREE_SENSITIVE:
		if (has_in && c->world.enabled)
			ts_note(s, &c->in);
		break;
	case KAS_OP_KMEM_CACHE_FREE_BULK: case KAS_OP_KFREE_BULK:
		for (uint32_t i = 0; c->world.enabled && c->list_objs && i < c->nlist; i++)
			if (c->list_objs[i] != KAS_NO_OBJ)
				ts_note(s, kas_model_obj(s->model, c->list_objs[i]));
		break;
	case KAS_OP_VFREE:
		/* FREE-3: vfree of memory that is not a vmalloc area frees nothing */
		if (has_in && kas_in_is_vmalloc(c) == 0 && t->nkept < KAS_RCUT_KEPT)
			t->kept[t->nkept++] = c->in.id;
		break;
	default:
		break;
	}
}

const struct kas_rcu_view *kas_rcu_track(struct kas_spec *s, const struct kas_call *c)
{
	struct kas_rcu_track *t = &s->rcut;
	if (!t->seen || s->call_seq != t->last_seq) {
		t->seen = true;
		t->last_seq = s->call_seq;
		advance(s, c);
	}
	return &t->cur;
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
	if (c->op->code == KAS_OP_KFREE_RCU || c->in_obj == KAS_NO_OBJ || !kv_only(cx->spec, c))
		return KAS_V_NA;
	if (c->obs.warns)
		return kas_fail(cx, "kvfree_rcu of %zu bytes of %s memory warned (%u warning%s)",
				c->in.size, c->in.family == KAS_FAM_KMALLOC ? "large kmalloc" :
				c->in.family == KAS_FAM_VMALLOC ? "vmalloc" : "kvmalloc",
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
