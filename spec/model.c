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
	uintptr_t lo, end;  /* the object's range (end 0 for size 0) */
	uintptr_t maxend;   /* largest end in the subtree */
	uint32_t l, r, prio;
};

struct kas_model {
	struct kas_obj *objs;
	struct tnode *nodes;
	size_t nobjs, objs_cap, nodes_cap;
	uint64_t next_id;
	/* indices of dead objects: reusable now (free), after the next
	 * recycle (dying) */
	uint32_t *free, *dying;
	size_t nfree, free_cap, ndying, dying_cap;
	size_t accounted;   /* kas_model_accounted_bytes */
	struct kas_cache *caches;
	size_t ncaches, caches_cap;
	struct kas_bulk *bulks;
	size_t nbulks, bulks_cap;
	uint32_t *bulk_objs;
	uint64_t *bulk_ids;     /* the members' ids, parallel to bulk_objs */
	size_t nbulk_objs, bulk_objs_cap, bulk_ids_cap;
	struct kas_binding *binds;
	size_t nbinds, binds_cap;
	uint32_t root;
	size_t live;
	uint32_t *path;     /* t_erase's ancestor stack */
	size_t path_cap;
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
	free(m->bulk_ids);
	free(m->free);
	free(m->dying);
	free(m->binds);
	free(m->path);
	free(m);
}

void kas_model_reset(struct kas_model *m, size_t nslots)
{
	m->nobjs = m->ncaches = m->nbulks = m->nbulk_objs = 0;
	m->nfree = m->ndying = 0;
	m->next_id = 1;
	m->accounted = 0;
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
	uint32_t o = m->bulk_objs[b->first + i];
	return o < m->nobjs && m->objs[o].id == m->bulk_ids[b->first + i] ? o : KAS_NO_OBJ;
}

struct kas_obj *kas_model_obj_ref(struct kas_model *m, uint32_t index, uint64_t id)
{
	return index < m->nobjs && m->objs[index].id == id ? &m->objs[index] : NULL;
}

uint64_t kas_model_next_id(const struct kas_model *m)
{
	return m->next_id;
}

size_t kas_model_accounted_bytes(const struct kas_model *m)
{
	return m->accounted;
}

/* What ACCOUNT-2 counts: a live object of a SLAB_ACCOUNT cache that was
 * not forced in with __GFP_NOFAIL. */
static size_t accounted_size(const struct kas_model *m, const struct kas_obj *o)
{
	if (o->family != KAS_FAM_CACHE || (o->gfp & __GFP_NOFAIL) || o->cache >= m->ncaches)
		return 0;
	return (m->caches[o->cache].flags & KAS_SLAB_ACCOUNT) ? o->size : 0;
}

struct kas_binding *kas_model_binding(struct kas_model *m, uint32_t slot)
{
	return slot < m->nbinds ? &m->binds[slot] : NULL;
}

/* ---- treap ---- */

/* Each node carries its object's start and end, so descents and overlap
 * searches stay inside the node array instead of touching the 48-byte
 * objects (most of the index's cost was those cache misses). */
static uintptr_t obj_end(const struct kas_obj *o)
{
	uintptr_t e = o->addr + o->size;
	return e < o->addr ? UINTPTR_MAX : e;   /* saturate at the top of memory */
}

static inline bool key_less(const struct kas_model *m, uint32_t a, uint32_t b)
{
	uintptr_t x = m->nodes[a].lo, y = m->nodes[b].lo;
	return x < y || (x == y && a < b);
}

static inline void update(struct kas_model *m, uint32_t t)
{
	struct tnode *n = &m->nodes[t];
	uintptr_t e = n->end;
	if (n->l != NIL && m->nodes[n->l].maxend > e)
		e = m->nodes[n->l].maxend;
	if (n->r != NIL && m->nodes[n->r].maxend > e)
		e = m->nodes[n->r].maxend;
	n->maxend = e;
}

/* Split subtree t into keys below node i (*l) and above it (*r). */
static void t_split(struct kas_model *m, uint32_t t, uint32_t i, uint32_t *l, uint32_t *r)
{
	if (t == NIL) {
		*l = *r = NIL;
		return;
	}
	if (key_less(m, t, i)) {
		*l = t;
		t_split(m, m->nodes[t].r, i, &m->nodes[t].r, r);
	} else {
		*r = t;
		t_split(m, m->nodes[t].l, i, l, &m->nodes[t].l);
	}
	update(m, t);
}

/* Insert without rotations: walk down while the nodes outrank i (raising
 * their maxend on the way, which is all an insert can do to them), then
 * split the rest under i.  Same shape as rotating i up from a leaf. */
static void t_insert(struct kas_model *m, uint32_t i)
{
	uint32_t *link = &m->root;
	const uint32_t prio = m->nodes[i].prio;
	const uintptr_t e = m->nodes[i].end;
	while (*link != NIL && m->nodes[*link].prio >= prio) {
		struct tnode *n = &m->nodes[*link];
		if (n->maxend < e)
			n->maxend = e;
		link = key_less(m, i, *link) ? &n->l : &n->r;
	}
	t_split(m, *link, i, &m->nodes[i].l, &m->nodes[i].r);
	update(m, i);
	*link = i;
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

/* Unlink node i, then recompute maxend upwards only while it changes
 * (an ancestor whose maxend stays the same leaves the rest unchanged). */
static void t_erase(struct kas_model *m, uint32_t i)
{
	size_t depth = 0;
	uint32_t t = m->root;
	while (t != NIL && t != i) {
		if (depth == m->path_cap)
			grow((void **)&m->path, &m->path_cap, depth + 1, sizeof(*m->path));
		m->path[depth++] = t;
		t = key_less(m, i, t) ? m->nodes[t].l : m->nodes[t].r;
	}
	if (t == NIL)
		return;
	uint32_t sub = t_merge(m, m->nodes[i].l, m->nodes[i].r);
	if (depth == 0) {
		m->root = sub;
		return;
	}
	uint32_t parent = m->path[depth - 1];
	if (m->nodes[parent].l == i)
		m->nodes[parent].l = sub;
	else
		m->nodes[parent].r = sub;
	while (depth--) {
		uint32_t p = m->path[depth];
		uintptr_t was = m->nodes[p].maxend;
		update(m, p);
		if (m->nodes[p].maxend == was)
			break;
	}
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
	uint32_t i;
	if (m->nfree) {
		i = m->free[--m->nfree];
	} else {
		grow((void **)&m->objs, &m->objs_cap, m->nobjs + 1, sizeof(*m->objs));
		grow((void **)&m->nodes, &m->nodes_cap, m->nobjs + 1, sizeof(*m->nodes));
		i = (uint32_t)m->nobjs++;
	}
	m->objs[i] = *o;
	m->objs[i].id = m->next_id++;
	m->objs[i].live = 1;
	m->accounted += accounted_size(m, &m->objs[i]);
	/* size-0 objects never intersect: they contribute no end */
	uintptr_t end = o->size ? obj_end(o) : 0;
	m->nodes[i] = (struct tnode){ o->addr, end, end, NIL, NIL, prio_of(i) };
	t_insert(m, i);
	m->live++;
	if (o->family == KAS_FAM_CACHE && o->cache < m->ncaches)
		m->caches[o->cache].live_objs++;
	return i;
}

void kas_model_kill_obj(struct kas_model *m, uint32_t index)
{
	if (index >= m->nobjs || !m->objs[index].live)
		return;
	t_erase(m, index);
	m->objs[index].live = 0;
	m->live--;
	const struct kas_obj *o = &m->objs[index];
	m->accounted -= accounted_size(m, o);
	if (o->family == KAS_FAM_CACHE && o->cache < m->ncaches && m->caches[o->cache].live_objs)
		m->caches[o->cache].live_objs--;
	grow((void **)&m->dying, &m->dying_cap, m->ndying + 1, sizeof(*m->dying));
	m->dying[m->ndying++] = index;
}

void kas_model_recycle(struct kas_model *m)
{
	if (!m->ndying)
		return;
	grow((void **)&m->free, &m->free_cap, m->nfree + m->ndying, sizeof(*m->free));
	memcpy(m->free + m->nfree, m->dying, m->ndying * sizeof(*m->dying));
	m->nfree += m->ndying;
	m->ndying = 0;
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
	grow((void **)&m->bulk_ids, &m->bulk_ids_cap, m->nbulk_objs + count, sizeof(*m->bulk_ids));
	for (uint32_t k = 0; k < count; k++) {
		m->bulk_objs[m->nbulk_objs + k] = objs[k];
		m->bulk_ids[m->nbulk_objs + k] = objs[k] < m->nobjs ? m->objs[objs[k]].id : 0;
	}
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
		if (n->lo >= hi)
			return NIL;
		if (t != except && n->end > lo)
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
		uintptr_t a = m->nodes[t].lo;
		if (a == addr)
			return t;
		t = addr < a ? m->nodes[t].l : m->nodes[t].r;
	}
	return KAS_NO_OBJ;
}
