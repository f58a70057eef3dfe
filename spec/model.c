/* SPDX-License-Identifier: MIT */
/*
 * The abstract model: objects, caches, bulk groups, slot bindings, and an
 * ordered index of the live objects' address ranges.
 *
 * The index is a treap keyed by (addr, object index) whose nodes live in an
 * array parallel to the objects; each node also keeps the largest end
 * address of its subtree, which turns "does [a, b) meet any live object?"
 * into an O(log n) interval-tree search.  The key includes the object index
 * because a broken port may hand out the same address twice: the model must
 * still hold both objects so the rules can report the overlap.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "kallocspec/model.h"

#define NIL UINT32_MAX

struct tnode {
	uint32_t l, r, prio;
	uintptr_t maxend;
};

struct kas_model {
	struct kas_obj *objs;
	struct tnode *nodes;
	size_t nobjs, objs_cap, nodes_cap;
	struct kas_cache *caches;
	size_t ncaches, caches_cap;
	struct kas_bulk *bulks;
	size_t nbulks, bulks_cap;
	uint32_t *bulk_objs;
	size_t nbulk_objs, bulk_objs_cap;
	struct kas_binding *binds;
	size_t nbinds, binds_cap;
	uint32_t root;
	size_t live;
};

/* Grow *p (elements of elsize) to hold at least need; aborts on OOM because
 * a model that silently lost an object would judge wrongly. */
static void grow(void **p, size_t *cap, size_t need, size_t elsize)
{
	if (need <= *cap)
		return;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * elsize);
	if (!np) {
		fprintf(stderr, "kallocspec: out of memory in the model\n");
		abort();
	}
	*p = np;
	*cap = ncap;
}

struct kas_model *kas_model_new(void)
{
	struct kas_model *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->root = NIL;
	return m;
}

void kas_model_free(struct kas_model *m)
{
	if (!m)
		return;
	free(m->objs);
	free(m->nodes);
	free(m->caches);
	free(m->bulks);
	free(m->bulk_objs);
	free(m->binds);
	free(m);
}

void kas_model_reset(struct kas_model *m, size_t nslots)
{
	m->nobjs = m->ncaches = m->nbulks = m->nbulk_objs = 0;
	m->root = NIL;
	m->live = 0;
	grow((void **)&m->binds, &m->binds_cap, nslots, sizeof(*m->binds));
	if (nslots)
		memset(m->binds, 0, nslots * sizeof(*m->binds));
	m->nbinds = nslots;
}

size_t kas_model_nobjs(const struct kas_model *m) { return m->nobjs; }
size_t kas_model_live_count(const struct kas_model *m) { return m->live; }

struct kas_obj *kas_model_obj(struct kas_model *m, uint32_t index)
{
	return index < m->nobjs ? &m->objs[index] : NULL;
}

struct kas_cache *kas_model_cache(struct kas_model *m, uint32_t index)
{
	return index < m->ncaches ? &m->caches[index] : NULL;
}

const struct kas_bulk *kas_model_bulk(const struct kas_model *m, uint32_t index)
{
	return index < m->nbulks ? &m->bulks[index] : NULL;
}

uint32_t kas_model_bulk_obj(const struct kas_model *m, const struct kas_bulk *b, uint32_t i)
{
	if (!b || i >= b->count)
		return KAS_NO_OBJ;
	return m->bulk_objs[b->first + i];
}

struct kas_binding *kas_model_binding(struct kas_model *m, uint32_t slot)
{
	return slot < m->nbinds ? &m->binds[slot] : NULL;
}

/* ---- treap ---- */

static uintptr_t obj_end(const struct kas_obj *o)
{
	uintptr_t e = o->addr + o->size;
	return e < o->addr ? UINTPTR_MAX : e;   /* saturate at the top of memory */
}

static bool key_less(const struct kas_model *m, uint32_t a, uint32_t b)
{
	const struct kas_obj *x = &m->objs[a], *y = &m->objs[b];
	return x->addr < y->addr || (x->addr == y->addr && a < b);
}

static void update(struct kas_model *m, uint32_t t)
{
	struct tnode *n = &m->nodes[t];
	/* size-0 objects never intersect: they contribute no end */
	uintptr_t e = m->objs[t].size ? obj_end(&m->objs[t]) : 0;
	if (n->l != NIL && m->nodes[n->l].maxend > e)
		e = m->nodes[n->l].maxend;
	if (n->r != NIL && m->nodes[n->r].maxend > e)
		e = m->nodes[n->r].maxend;
	n->maxend = e;
}

static uint32_t rot_right(struct kas_model *m, uint32_t t)
{
	uint32_t l = m->nodes[t].l;
	m->nodes[t].l = m->nodes[l].r;
	m->nodes[l].r = t;
	update(m, t);
	update(m, l);
	return l;
}

static uint32_t rot_left(struct kas_model *m, uint32_t t)
{
	uint32_t r = m->nodes[t].r;
	m->nodes[t].r = m->nodes[r].l;
	m->nodes[r].l = t;
	update(m, t);
	update(m, r);
	return r;
}

static uint32_t t_insert(struct kas_model *m, uint32_t t, uint32_t i)
{
	if (t == NIL)
		return i;
	if (key_less(m, i, t)) {
		m->nodes[t].l = t_insert(m, m->nodes[t].l, i);
		if (m->nodes[m->nodes[t].l].prio > m->nodes[t].prio)
			return rot_right(m, t);
	} else {
		m->nodes[t].r = t_insert(m, m->nodes[t].r, i);
		if (m->nodes[m->nodes[t].r].prio > m->nodes[t].prio)
			return rot_left(m, t);
	}
	update(m, t);
	return t;
}

/* Join two treaps, every key of a below every key of b. */
static uint32_t t_merge(struct kas_model *m, uint32_t a, uint32_t b)
{
	if (a == NIL)
		return b;
	if (b == NIL)
		return a;
	if (m->nodes[a].prio > m->nodes[b].prio) {
		m->nodes[a].r = t_merge(m, m->nodes[a].r, b);
		update(m, a);
		return a;
	}
	m->nodes[b].l = t_merge(m, a, m->nodes[b].l);
	update(m, b);
	return b;
}

static uint32_t t_erase(struct kas_model *m, uint32_t t, uint32_t i)
{
	if (t == NIL)
		return NIL;
	if (t == i)
		return t_merge(m, m->nodes[t].l, m->nodes[t].r);
	if (key_less(m, i, t))
		m->nodes[t].l = t_erase(m, m->nodes[t].l, i);
	else
		m->nodes[t].r = t_erase(m, m->nodes[t].r, i);
	update(m, t);
	return t;
}

/* Deterministic pseudo-random priority (splitmix64 finaliser). */
static uint32_t prio_of(uint32_t i)
{
	uint64_t z = (uint64_t)i + 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (uint32_t)(z ^ (z >> 31));
}

uint32_t kas_model_add_obj(struct kas_model *m, const struct kas_obj *o)
{
	grow((void **)&m->objs, &m->objs_cap, m->nobjs + 1, sizeof(*m->objs));
	grow((void **)&m->nodes, &m->nodes_cap, m->nobjs + 1, sizeof(*m->nodes));
	uint32_t i = (uint32_t)m->nobjs++;
	m->objs[i] = *o;
	m->objs[i].live = 1;
	m->nodes[i] = (struct tnode){ NIL, NIL, prio_of(i), 0 };
	update(m, i);
	m->root = t_insert(m, m->root, i);
	m->live++;
	if (o->family == KAS_FAM_CACHE && o->cache < m->ncaches)
		m->caches[o->cache].live_objs++;
	return i;
}

void kas_model_kill_obj(struct kas_model *m, uint32_t index)
{
	if (index >= m->nobjs || !m->objs[index].live)
		return;
	m->root = t_erase(m, m->root, index);
	m->objs[index].live = 0;
	m->live--;
	const struct kas_obj *o = &m->objs[index];
	if (o->family == KAS_FAM_CACHE && o->cache < m->ncaches && m->caches[o->cache].live_objs)
		m->caches[o->cache].live_objs--;
}

uint32_t kas_model_add_cache(struct kas_model *m, const struct kas_cache *c)
{
	grow((void **)&m->caches, &m->caches_cap, m->ncaches + 1, sizeof(*m->caches));
	m->caches[m->ncaches] = *c;
	return (uint32_t)m->ncaches++;
}

uint32_t kas_model_add_bulk(struct kas_model *m, const uint32_t *objs, uint32_t count)
{
	grow((void **)&m->bulks, &m->bulks_cap, m->nbulks + 1, sizeof(*m->bulks));
	grow((void **)&m->bulk_objs, &m->bulk_objs_cap, m->nbulk_objs + count,
	     sizeof(*m->bulk_objs));
	if (count)
		memcpy(m->bulk_objs + m->nbulk_objs, objs, count * sizeof(*objs));
	m->bulks[m->nbulks] = (struct kas_bulk){ (uint32_t)m->nbulk_objs, count };
	m->nbulk_objs += count;
	return (uint32_t)m->nbulks++;
}

/* Interval search: any indexed object other than `except` meeting [lo, hi).
 * Subtrees whose largest end is <= lo cannot meet the range, and once a
 * node starts at or after hi neither it nor its right subtree can. */
static uint32_t t_overlap(const struct kas_model *m, uint32_t t, uintptr_t lo, uintptr_t hi,
			  uint32_t except)
{
	while (t != NIL) {
		const struct tnode *n = &m->nodes[t];
		if (n->maxend <= lo)
			return NIL;
		if (n->l != NIL && m->nodes[n->l].maxend > lo) {
			uint32_t r = t_overlap(m, n->l, lo, hi, except);
			if (r != NIL)
				return r;
		}
		const struct kas_obj *o = &m->objs[t];
		if (o->addr >= hi)
			return NIL;
		if (t != except && o->size && obj_end(o) > lo)
			return t;
		t = n->r;
	}
	return NIL;
}

uint32_t kas_model_find_overlap(const struct kas_model *m, uintptr_t addr, size_t len,
				uint32_t except)
{
	if (len == 0)
		return KAS_NO_OBJ;
	uintptr_t hi = addr + len;
	if (hi < addr)
		hi = UINTPTR_MAX;
	uint32_t r = t_overlap(m, m->root, addr, hi, except);
	return r == NIL ? KAS_NO_OBJ : r;
}

uint32_t kas_model_find_addr(const struct kas_model *m, uintptr_t addr)
{
	uint32_t t = m->root;
	while (t != NIL) {
		uintptr_t a = m->objs[t].addr;
		if (a == addr)
			return t;
		t = addr < a ? m->nodes[t].l : m->nodes[t].r;
	}
	return KAS_NO_OBJ;
}
