/* SPDX-License-Identifier: MIT */
/*
 * The RCU and vfree trackers: state some rules keep across the calls of a
 * trace, brought up to date by kas_spec_check (spec.c, track) for every
 * call of the ops they follow, before any rule runs.
 *
 * kas_rcu_track: what a trace has handed to RCU (kfree_rcu'd cache
 * objects, freed SLAB_TYPESAFE_BY_RCU objects) and what survived a vfree,
 * until the next grace period (synchronize_rcu / rcu_barrier) or free; read
 * by RCU-2, RCU-3, CACHE-3, CACHE-4, CACHE-6 and FREE-3.  Several rules
 * read the same state and a checker only sees the ops of its own mask, so
 * the state is advanced once per call by whichever meets the call first
 * (the dispatcher or a checker), and each checker reads the state as it was
 * just before that call (struct kas_rcu_view).
 *
 * kas_rcu1_track: RCU-1's count of kfree_rcu objects in flight.
 */
#include <string.h>
#include "world_util.h"

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
		if (op != KAS_OP_KFREE_RCU && kas_rcu_kv_only(s, c))
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

/* RCU-1's count, kept for every call of its ops the world watched
 * (kas_spec_check calls it before the rules: spec.c, track). */
void kas_rcu1_track(struct kas_spec *s, const struct kas_call *c)
{
	unsigned op = c->op->code;
	if (kas_is_rcu_free(op)) {
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
