/* SPDX-License-Identifier: MIT */
/*
 * Resolving a trace op's arguments for the call: handles become pointers
 * (through the model's bindings), dead handles skip the op, lists become
 * object indices, and the requested size is computed (call.h req_size).
 */
#include <stdlib.h>
#include <string.h>
#include "harness_internal.h"

static size_t wrap_mul(uint64_t a, uint64_t b)
{
	return (size_t)(a * b);
}

/* Bytes the caller asked for (see call.h). */
static size_t requested_size(struct run *r, const struct kas_call *c)
{
	const uint64_t *a = c->arg;
	switch ((enum kas_opcode)c->op->code) {
	case KAS_OP_KMALLOC: case KAS_OP_KZALLOC: case KAS_OP_VMALLOC: case KAS_OP_VZALLOC:
	case KAS_OP_VMALLOC_GFP: case KAS_OP_VMALLOC_NODE: case KAS_OP_KVMALLOC:
	case KAS_OP_KVZALLOC:
		return (size_t)a[0];
	case KAS_OP_KMALLOC_ARRAY: case KAS_OP_KCALLOC: case KAS_OP_KVMALLOC_ARRAY:
	case KAS_OP_KVCALLOC:
		return wrap_mul(a[0], a[1]);
	case KAS_OP_KREALLOC: case KAS_OP_KVREALLOC: case KAS_OP_VREALLOC:
		return (size_t)a[1];
	case KAS_OP_KREALLOC_ARRAY:
		return wrap_mul(a[1], a[2]);
	case KAS_OP_KMEM_CACHE_ALLOC: case KAS_OP_KMEM_CACHE_ZALLOC:
	case KAS_OP_KMEM_CACHE_ALLOC_BULK:
		return c->in_cache != KAS_NO_OBJ ? kas_model_cache(r->m, c->in_cache)->size : 0;
	case KAS_OP_ALLOC_PAGES: case KAS_OP_GET_FREE_PAGES:
		return a[1] < 48 ? (size_t)r->prof->page_size << a[1] : SIZE_MAX;
	case KAS_OP_GET_ZEROED_PAGE:
		return r->prof->page_size;
	case KAS_OP_ALLOC_PAGES_EXACT:
		return (size_t)a[0];
	default:
		return 0;
	}
}

/* An argument whose object the trace already freed: the call is skipped
 * (a dead handle) and names the caller rule it breaks. */
static void dead_object(struct kas_call *c)
{
	c->skip = KAS_SKIP_DEAD_HANDLE;
	kas__name_caller(c, kas_op_is_free((enum kas_opcode)c->op->code) ? "CALLER-1" : "CALLER-2");
}

/* Resolve one handle to a live object; false (with c->skip) if it is not. */
static bool resolve_obj_slot(struct run *r, struct kas_call *c, uint32_t slot, uintptr_t *val,
			     uint32_t *obj)
{
	struct kas_binding *b = kas_model_binding(r->m, slot);
	if (!b || !b->bound) {
		c->skip = KAS_SKIP_DEAD_HANDLE;   /* its binding op did not run */
		return false;
	}
	*val = b->value;
	*obj = b->obj;
	if (b->obj != KAS_NO_OBJ) {
		/* its index may hold another object by now: the id says */
		const struct kas_obj *o = kas_model_obj_ref(r->m, b->obj, b->obj_id);
		if (!o || !o->live) {
			dead_object(c);
			return false;
		}
	}
	return true;
}

static bool resolve_list(struct run *r, struct kas_call *c)
{
	const struct kas_op *op = c->op;
	size_t n = 0;

	for (uint32_t i = 0; i < op->list_len; i++) {
		const struct kas_list_ref *lr = &r->t->list[op->list_off + i];
		if (lr->ref != KAS_REF_HANDLE)
			continue;   /* NULL entries carry nothing to free */
		struct kas_binding *b = kas_model_binding(r->m, lr->slot);
		if (!b || !b->bound) {
			c->skip = KAS_SKIP_DEAD_HANDLE;
			return false;
		}
		if (r->t->slots[lr->slot].kind == KAS_SLOT_BULK) {
			const struct kas_bulk *g = kas_model_bulk(r->m, b->obj);
			if (!kas__grow_buf((void **)&r->list_objs, &r->list_cap, n + g->count, sizeof(uint32_t)))
				return false;
			for (uint32_t k = 0; k < g->count; k++)
				r->list_objs[n++] = kas_model_bulk_obj(r->m, g, k);
		} else {
			if (b->obj == KAS_NO_OBJ)
				continue;   /* bound to NULL / ZERO_SIZE_PTR */
			if (!kas__grow_buf((void **)&r->list_objs, &r->list_cap, n + 1, sizeof(uint32_t)))
				return false;
			r->list_objs[n++] = kas_model_obj_ref(r->m, b->obj, b->obj_id) ? b->obj
										 : KAS_NO_OBJ;
		}
	}
	for (size_t i = 0; i < n; i++) {
		/* KAS_NO_OBJ: a member whose index now holds another object */
		const struct kas_obj *o = kas_model_obj(r->m, r->list_objs[i]);
		if (!o || !o->live) {
			dead_object(c);
			return false;
		}
		for (size_t j = 0; j < i; j++) {
			if (r->list_objs[j] == r->list_objs[i]) {
				kas__refuse(c, "CALLER-19");   /* the same object twice */
				return false;
			}
		}
	}
	c->list_objs = r->list_objs;
	c->nlist = (uint32_t)n;
	return true;
}

bool kas__resolve(struct run *r, struct kas_call *c)
{
	const struct kas_op *op = c->op;
	const struct kas_op_info *oi = &kas_op_table[op->code];

	for (unsigned i = 0; i < op->nargs && i < KAS_MAX_ARGS; i++) {
		c->arg[i] = op->v[i];
		switch (oi->args[i]) {
		case AK_GFP:
			c->gfp = (kas_gfp_t)op->v[i];
			break;
		case AK_PTR: {
			if (op->ref[i] == KAS_REF_NULL) {
				c->arg[i] = 0;
				break;
			}
			if (op->ref[i] == KAS_REF_ZSP) {
				c->arg[i] = KAS_ZERO_SIZE_PTR;
				break;
			}
			uintptr_t v;
			uint32_t obj;
			if (!resolve_obj_slot(r, c, (uint32_t)op->v[i], &v, &obj))
				return false;
			c->arg[i] = v;
			if (obj != KAS_NO_OBJ && c->in_obj == KAS_NO_OBJ) {
				c->in_obj = obj;
				c->in = *kas_model_obj(r->m, obj);
			}
			break;
		}
		case AK_CACHE: {
			if (op->ref[i] != KAS_REF_HANDLE) {
				c->arg[i] = 0;
				break;
			}
			struct kas_binding *b = kas_model_binding(r->m, (uint32_t)op->v[i]);
			if (!b || !b->bound || b->obj == KAS_NO_OBJ) {
				/* creation failed or never ran: the kernel caller would hold NULL */
				if (b && b->bound) {
					c->arg[i] = 0;
					break;
				}
				c->skip = KAS_SKIP_DEAD_HANDLE;
				return false;
			}
			struct kas_cache *k = kas_model_cache(r->m, b->obj);
			if (!k->live) {
				/* a destroyed cache: destroyed again, allocated from, freed to */
				unsigned code = c->op->code;
				c->skip = KAS_SKIP_DEAD_HANDLE;
				kas__name_caller(c, code == KAS_OP_KMEM_CACHE_DESTROY ? "CALLER-18"
						 : kas_op_is_free((enum kas_opcode)code) ? "CALLER-15"
						 : "CALLER-16");
				return false;
			}
			c->arg[i] = (uintptr_t)k->handle;
			c->in_cache = b->obj;
			break;
		}
		case AK_LIST:
			if (!resolve_list(r, c))
				return false;
			break;
		case AK_FLAGS: {
			/* the value its memalloc_*_save returned */
			struct kas_binding *b = op->ref[i] == KAS_REF_HANDLE ?
				kas_model_binding(r->m, (uint32_t)op->v[i]) : NULL;
			if (!b || !b->bound) {
				c->skip = KAS_SKIP_DEAD_HANDLE;
				return false;
			}
			c->arg[i] = b->value;
			break;
		}
		default:
			break;
		}
	}
	if (oi->result == R_CACHE) {
		if (c->arg[1] > UINT32_MAX || c->arg[2] > UINT32_MAX ||
		    ((op->flags & KAS_OPF_CTOR) && c->arg[1] < KAS_CTOR_BYTES)) {
			c->skip = KAS_SKIP_BAD_ARG;
			return false;
		}
	}
	if (op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK && c->arg[2] > 65536) {
		c->skip = KAS_SKIP_BAD_ARG;   /* the harness will not hold more */
		return false;
	}
	if (op->code == KAS_OP_KFREE_BULK && oi->args[0] == AK_LIST)
		c->arg[0] = c->nlist;
	c->req_size = requested_size(r, c);
	return true;
}
