/* SPDX-License-Identifier: MIT */
/*
 * End of a trace: objects still live are freed with the free function a
 * kernel user would call (judged like any call), then caches destroyed.
 */
#include <string.h>
#include "harness_internal.h"

/* The free a kernel user would call for a leftover object. */
static enum kas_opcode teardown_free_op(const struct kas_obj *o)
{
	switch (o->family) {
	case KAS_FAM_CACHE: return KAS_OP_KMEM_CACHE_FREE;
	case KAS_FAM_VMALLOC: return KAS_OP_VFREE;
	case KAS_FAM_KVMALLOC: return KAS_OP_KVFREE;
	case KAS_FAM_PAGES:
		if (o->op == KAS_OP_ALLOC_PAGES_EXACT)
			return KAS_OP_FREE_PAGES_EXACT;
		return o->op == KAS_OP_ALLOC_PAGES ? KAS_OP___FREE_PAGES : KAS_OP_FREE_PAGES;
	default: return KAS_OP_KFREE;
	}
}

/* Free what the trace left live, judged like any other call, then destroy
 * the caches.  The synthetic ops carry index == t->nops. */
void kas__teardown(struct run *r, struct kas_call *c)
{
	struct kas_op op;
	size_t n = kas_model_nobjs(r->m);

	for (uint32_t i = 0; i < n; i++) {
		struct kas_obj *o = kas_model_obj(r->m, i);
		if (!o->live)
			continue;
		memset(&op, 0, sizeof(op));
		op.code = (uint16_t)teardown_free_op(o);
		op.slot = -1;
		if (!kas_port_has_op(r->port, op.code))
			continue;
		struct kas_cache *k = kas__cache_of(r, o);
		if (op.code == KAS_OP_KMEM_CACHE_FREE && k && !k->live) {
			/* its cache was destroyed (and leaked): kfree is the only
			 * documented way left, from 6.4 on; before that, leak it */
			if (r->prof->kver < KAS_KVER(6, 4) || !kas_port_has_op(r->port, KAS_OP_KFREE))
				continue;
			op.code = KAS_OP_KFREE;
		}
		kas__reset_call(r, c, &op, r->t->nops);
		if (op.code == KAS_OP_KMEM_CACHE_FREE) {
			if (!k)
				continue;
			op.nargs = 2;
			c->arg[0] = (uintptr_t)k->handle;
			c->arg[1] = o->addr;
			c->in_cache = o->cache;
		} else {
			op.nargs = (op.code == KAS_OP_FREE_PAGES || op.code == KAS_OP___FREE_PAGES ||
				    op.code == KAS_OP_FREE_PAGES_EXACT) ? 2 : 1;
			c->arg[0] = o->addr;
			c->arg[1] = op.code == KAS_OP_FREE_PAGES_EXACT ? o->size : o->order;
		}
		c->in_obj = i;
		c->in = *o;
		kas__note_result(r, c, kas__execute(r, c));
	}
	size_t ncaches = 0;
	for (size_t s = 0; s < r->t->nslots; s++)
		if (r->t->slots[s].kind == KAS_SLOT_CACHE)
			ncaches++;
	if (!ncaches || !kas_port_has_op(r->port, KAS_OP_KMEM_CACHE_DESTROY))
		return;
	for (size_t s = 0; s < r->t->nslots; s++) {
		if (r->t->slots[s].kind != KAS_SLOT_CACHE)
			continue;
		struct kas_binding *b = kas_model_binding(r->m, (uint32_t)s);
		if (!b || !b->bound || b->obj == KAS_NO_OBJ)
			continue;
		struct kas_cache *k = kas_model_cache(r->m, b->obj);
		if (!k->live)
			continue;
		memset(&op, 0, sizeof(op));
		op.code = KAS_OP_KMEM_CACHE_DESTROY;
		op.nargs = 1;
		op.slot = -1;
		kas__reset_call(r, c, &op, r->t->nops);
		c->arg[0] = (uintptr_t)k->handle;
		c->in_cache = b->obj;
		kas__note_result(r, c, kas__execute(r, c));
	}
}
