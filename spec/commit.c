/* SPDX-License-Identifier: MIT */
/*
 * Commit: apply an executed call to the model (new objects, frees,
 * reallocations, caches, bulk groups) and bind the op's slot.  Runs after
 * the checkers, which therefore see the model as it was before the call.
 */
#include <stdlib.h>
#include "spec_internal.h"

/* A port that claims an object larger than KAS_SANE_OBJECT_SIZE (model.h)
 * gets it recorded with size 0 so the harness never touches memory the
 * port did not really provide. */
static size_t sane_size(const struct kas_spec *s, enum kas_family fam, size_t size)
{
	if (size > KAS_SANE_OBJECT_SIZE)
		return 0;
	if (fam == KAS_FAM_KMALLOC && size > s->profile->kmalloc_max_size)
		return 0;
	return size;
}

static uint32_t add_object(struct kas_spec *s, const struct kas_call *c, uintptr_t addr,
			   size_t size, enum kas_family fam, bool zero_all, bool single)
{
	struct kas_model *m = s->model;
	struct kas_obj o = { 0 };
	o.addr = addr;
	o.size = sane_size(s, fam, size);
	o.gfp = c->gfp;
	o.def_op = (uint32_t)c->index;
	o.cache = fam == KAS_FAM_CACHE ? c->in_cache : KAS_NO_OBJ;
	o.family = (uint8_t)fam;
	o.op = (uint8_t)c->op->code;
	if (c->op->code == KAS_OP_ALLOC_PAGES || c->op->code == KAS_OP_GET_FREE_PAGES)
		o.order = (uint8_t)c->arg[1];
	o.live = 1;
	o.zero_all = zero_all;
	o.in_vmalloc = single && c->obs.vmaddr_known ? (c->obs.is_vmalloc != 0) : 2;
	return kas_model_add_obj(m, &o);
}

static void bind(struct kas_spec *s, const struct kas_call *c, uintptr_t value, uint32_t obj)
{
	if (c->op->slot < 0)
		return;
	struct kas_binding *b = kas_model_binding(s->model, (uint32_t)c->op->slot);
	if (!b)
		return;
	b->value = value;
	b->obj = obj;
	b->bound = 1;
	const struct kas_obj *o = kas_op_table[c->op->code].result == R_PTR && obj != KAS_NO_OBJ ?
				  kas_model_obj(s->model, obj) : NULL;
	b->obj_id = o ? o->id : 0;
}

static void kill_in(struct kas_spec *s, const struct kas_call *c)
{
	if (c->in_obj != KAS_NO_OBJ)
		kas_model_kill_obj(s->model, c->in_obj);
}

static void commit_alloc(struct kas_spec *s, struct kas_call *c)
{
	size_t size = 0;
	if (!kas_call_request(&s->cx, c, &size))
		size = 0;
	if (kas_got_object(c)) {
		enum kas_family fam = kas_op_family(c->op->code);
		c->out_obj = add_object(s, c, c->ret, size, fam, kas_op_zeroes(c), true);
		if (fam == KAS_FAM_CACHE)
			kas_addrset_add(&s->cache_seen, c->in_cache, c->ret);
	}
	bind(s, c, c->ret, c->out_obj);
}

/* krealloc, krealloc_array, vrealloc, kvrealloc. */
static void commit_realloc(struct kas_spec *s, struct kas_call *c)
{
	size_t size = 0;
	bool size_ok = kas_call_request(&s->cx, c, &size);
	bool in = c->in_obj != KAS_NO_OBJ;
	unsigned code = c->op->code;
	/* Size 0 frees p whatever comes back (krealloc: ZERO_SIZE_PTR, vrealloc
	 * and 6.12+ kvrealloc of vmalloc memory: NULL; kvrealloc before 6.12
	 * hands p back, which is then re-added below).  A port that answers
	 * wrongly has still been asked to give p up: forgetting p risks a leak
	 * in fini(), keeping it would risk a double free at teardown. */
	bool frees_p = in && size_ok && size == 0;
	if (frees_p)
		kill_in(s, c);
	if (!kas_zero_or_null(c->ret)) {
		bool zero_all = (c->gfp & __GFP_ZERO) && (!in || c->in.zero_all);
		/* same pointer or not: the old object ends, a new one begins
		 * (fresh id, so the harness refills it) */
		kill_in(s, c);
		c->out_obj = add_object(s, c, c->ret, size_ok ? size : 0,
					kas_op_family(code), zero_all, true);
	}
	/* otherwise (NULL for n > 0, or ZERO_SIZE_PTR): a failure keeps p */
	bind(s, c, c->ret, c->out_obj);
}

static void commit_cache_create(struct kas_spec *s, struct kas_call *c)
{
	uint32_t idx = KAS_NO_OBJ;
	if (c->ret) {
		struct kas_cache k = { 0 };
		k.handle = (void *)c->ret;
		k.size = (uint32_t)c->arg[1];
		k.align = (uint32_t)c->arg[2];
		k.flags = (uint32_t)c->arg[3];
		if (c->op->code == KAS_OP_KMEM_CACHE_CREATE_USERCOPY) {
			k.useroffset = (uint32_t)c->arg[4];
			k.usersize = (uint32_t)c->arg[5];
		}
		k.def_op = (uint32_t)c->index;
		k.live = 1;
		k.ctor = (c->op->flags & KAS_OPF_CTOR) != 0;
		idx = kas_model_add_cache(s->model, &k);
	}
	c->out_obj = KAS_NO_OBJ;
	bind(s, c, c->ret, idx);
}

/* kmem_cache_destroy ends the cache.  With objects left the kernel WARNs
 * and leaks the cache and its objects (mm/slab_common.c kmem_cache_destroy(): the cache is
 * not released when objects remain); the caller may not use either again
 * ("only after freeing all the allocated objects first"), so the model
 * forgets both: the harness then neither frees the leaked objects nor
 * destroys the cache a second time at teardown. */
static void commit_cache_destroy(struct kas_spec *s, struct kas_call *c)
{
	struct kas_cache *k = kas_call_cache(s, c);
	if (!k || !k->live)
		return;
	if (k->live_objs) {
		size_t n = kas_model_nobjs(s->model);
		for (uint32_t i = 0; i < n; i++) {
			const struct kas_obj *o = kas_model_obj(s->model, i);
			if (o->live && o->family == KAS_FAM_CACHE && o->cache == c->in_cache)
				kas_model_kill_obj(s->model, i);
		}
	}
	k->live = 0;
}

/* A bulk handle always gets a group: the n objects on success, an empty
 * group when the call returned 0 (or anything but n), so that a later
 * kmem_cache_free_bulk of the handle frees nothing instead of meeting an
 * unbound group. */
static void commit_alloc_bulk(struct kas_spec *s, struct kas_call *c)
{
	uint64_t n = c->arg[2];
	uint32_t *objs = NULL;
	uint32_t count = 0;
	if (n > 0 && c->ret == n && c->bulk && n <= c->bulk_cap &&
	    (objs = malloc(n * sizeof(*objs))) != NULL) {
		const struct kas_cache *k = kas_call_cache(s, c);
		size_t size = k ? k->size : 0;
		for (uint64_t i = 0; i < n; i++) {
			uintptr_t a = (uintptr_t)c->bulk[i];
			objs[i] = add_object(s, c, a, a ? size : 0, KAS_FAM_CACHE,
					     kas_op_zeroes(c), false);
			kas_addrset_add(&s->cache_seen, c->in_cache, a);
		}
		count = (uint32_t)n;
	}
	uint32_t group = kas_model_add_bulk(s->model, objs, count);
	free(objs);
	c->out_bulk = group;
	bind(s, c, c->ret, group);
}

void kas_spec_commit(struct kas_spec *s, struct kas_call *c)
{
	if (!s || !c || !c->op)
		return;
	/* objects earlier calls killed may lend their index to this call's */
	kas_model_recycle(s->model);
	c->out_obj = KAS_NO_OBJ;
	c->out_bulk = KAS_NO_OBJ;
	if (c->status != KAS_CALL_DONE)
		return;
	switch (c->op->code) {
	case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY: case KAS_OP_VREALLOC:
	case KAS_OP_KVREALLOC:
		commit_realloc(s, c);
		break;
	case KAS_OP_VFREE:
		/* FREE-3: vfree of memory that is not a vmalloc area frees nothing */
		if (kas_in_is_vmalloc(c) == 1)
			kill_in(s, c);
		break;
	case KAS_OP_KFREE: case KAS_OP_KVFREE: case KAS_OP_KFREE_SENSITIVE:
	case KAS_OP_KMEM_CACHE_FREE: case KAS_OP_FREE_PAGES: case KAS_OP___FREE_PAGES:
	case KAS_OP_KFREE_RCU: case KAS_OP_KVFREE_RCU: case KAS_OP_FREE_PAGES_EXACT:
	case KAS_OP_KVFREE_RCU_ARG_2:
		/* an RCU-deferred free gives the object up at once */
		kill_in(s, c);
		break;
	case KAS_OP_KMEM_CACHE_FREE_BULK: case KAS_OP_KFREE_BULK:
		for (uint32_t i = 0; c->list_objs && i < c->nlist; i++)
			if (c->list_objs[i] != KAS_NO_OBJ)
				kas_model_kill_obj(s->model, c->list_objs[i]);
		break;
	case KAS_OP_KMEM_CACHE_CREATE: case KAS_OP_KMEM_CACHE_CREATE_USERCOPY:
		commit_cache_create(s, c);
		break;
	case KAS_OP_KMEM_CACHE_DESTROY:
		commit_cache_destroy(s, c);
		break;
	case KAS_OP_KMEM_CACHE_ALLOC_BULK:
		commit_alloc_bulk(s, c);
		break;
	default:
		if (kas_op_family(c->op->code) != KAS_FAM_NONE)
			commit_alloc(s, c);
		break;
	}
}
