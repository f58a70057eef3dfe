/* SPDX-License-Identifier: MIT */
/*
 * One trace op -> one port function call.  Arguments arrive resolved in
 * c->arg[] (numbers, flags, pointers); this file is the only place that
 * knows which port entry implements which op.
 */
#include <string.h>
#include "harness_internal.h"
#include "world_internal.h"

#define NEED(fn) do { if (!port->fn) return false; } while (0)
#define P(i) ((void *)(uintptr_t)c->arg[i])
#define U(i) ((unsigned int)c->arg[i])
#define Z(i) ((size_t)c->arg[i])

bool kas_port_has_op(const struct kas_port *port, enum kas_opcode op)
{
	switch (op) {
	case KAS_OP_KMALLOC: return port->kmalloc;
	case KAS_OP_KZALLOC: return port->kzalloc;
	case KAS_OP_KMALLOC_ARRAY: return port->kmalloc_array;
	case KAS_OP_KCALLOC: return port->kcalloc;
	case KAS_OP_KREALLOC: return port->krealloc;
	case KAS_OP_KREALLOC_ARRAY: return port->krealloc_array;
	case KAS_OP_KFREE: return port->kfree;
	case KAS_OP_KVFREE: return port->kvfree;
	case KAS_OP_KFREE_SENSITIVE: return port->kfree_sensitive;
	case KAS_OP_KSIZE: return port->ksize;
	case KAS_OP_KMALLOC_SIZE_ROUNDUP: return port->kmalloc_size_roundup;
	case KAS_OP_VMALLOC: return port->vmalloc;
	case KAS_OP_VZALLOC: return port->vzalloc;
	case KAS_OP_VMALLOC_GFP: return port->vmalloc_gfp;
	case KAS_OP_VMALLOC_NODE: return port->vmalloc_node_align;
	case KAS_OP_VREALLOC: return port->vrealloc;
	case KAS_OP_VFREE: return port->vfree;
	case KAS_OP_KVMALLOC: return port->kvmalloc;
	case KAS_OP_KVZALLOC: return port->kvzalloc;
	case KAS_OP_KVMALLOC_ARRAY: return port->kvmalloc_array;
	case KAS_OP_KVCALLOC: return port->kvcalloc;
	case KAS_OP_KVREALLOC: return port->kvrealloc;
	case KAS_OP_KMEM_CACHE_CREATE: return port->kmem_cache_create;
	case KAS_OP_KMEM_CACHE_CREATE_USERCOPY: return port->kmem_cache_create_usercopy;
	case KAS_OP_KMEM_CACHE_ALLOC: return port->kmem_cache_alloc;
	case KAS_OP_KMEM_CACHE_ZALLOC: return port->kmem_cache_zalloc;
	case KAS_OP_KMEM_CACHE_FREE: return port->kmem_cache_free;
	case KAS_OP_KMEM_CACHE_DESTROY: return port->kmem_cache_destroy;
	case KAS_OP_KMEM_CACHE_ALLOC_BULK: return port->kmem_cache_alloc_bulk;
	case KAS_OP_KMEM_CACHE_FREE_BULK: return port->kmem_cache_free_bulk;
	case KAS_OP_KFREE_BULK: return port->kfree_bulk;
	case KAS_OP_ALLOC_PAGES: return port->alloc_pages;
	case KAS_OP_GET_FREE_PAGES: return port->get_free_pages;
	case KAS_OP_GET_ZEROED_PAGE: return port->get_zeroed_page;
	case KAS_OP_FREE_PAGES: return port->free_pages;
	case KAS_OP___FREE_PAGES: return port->free_pages_page;
	case KAS_OP_SIZE_MUL: return port->size_mul;
	case KAS_OP_SIZE_ADD: return port->size_add;
	case KAS_OP_SIZE_SUB: return port->size_sub;
	case KAS_OP_ARRAY_SIZE: return port->array_size;
	case KAS_OP_ARRAY3_SIZE: return port->array3_size;
	case KAS_OP_STRUCT_SIZE: return port->struct_size;
	case KAS_OP_KFREE_RCU: return KAS_PORT_HAS(port, kfree_rcu);
	case KAS_OP_KVFREE_RCU: return KAS_PORT_HAS(port, kvfree_rcu);
	case KAS_OP_COPY_TO_USER: return KAS_PORT_HAS(port, usercopy_check);
	case KAS_OP_ALLOC_PAGES_EXACT: return KAS_PORT_HAS(port, alloc_pages_exact);
	case KAS_OP_FREE_PAGES_EXACT: return KAS_PORT_HAS(port, free_pages_exact);
	case KAS_OP_KVFREE_RCU_ARG_2: return KAS_PORT_HAS(port, kvfree_rcu_arg_2);
	case KAS_OP_CONCURRENT_KMALLOC:
		/* concurrent.c calls these from threads of its own */
		return port->kmalloc && port->kfree && (port->caps & KAS_CAP_THREADS);
	default:
		/* the world's ops run in the harness; nothing needed from the port */
		return kas__world_op(op);
	}
	return false;
}

void kas_port_invoke(const struct kas_port *port, struct kas_call *c, const char *name,
		     void **ptrs, size_t nptrs, kas_ctor_fn ctor)
{
	uintptr_t r = 0;

	switch ((enum kas_opcode)c->op->code) {
	case KAS_OP_KMALLOC: r = (uintptr_t)port->kmalloc(Z(0), c->gfp); break;
	case KAS_OP_KZALLOC: r = (uintptr_t)port->kzalloc(Z(0), c->gfp); break;
	case KAS_OP_KMALLOC_ARRAY: r = (uintptr_t)port->kmalloc_array(Z(0), Z(1), c->gfp); break;
	case KAS_OP_KCALLOC: r = (uintptr_t)port->kcalloc(Z(0), Z(1), c->gfp); break;
	case KAS_OP_KREALLOC: r = (uintptr_t)port->krealloc(P(0), Z(1), c->gfp); break;
	case KAS_OP_KREALLOC_ARRAY:
		r = (uintptr_t)port->krealloc_array(P(0), Z(1), Z(2), c->gfp);
		break;
	case KAS_OP_KFREE: port->kfree(P(0)); break;
	case KAS_OP_KVFREE: port->kvfree(P(0)); break;
	case KAS_OP_KFREE_SENSITIVE: port->kfree_sensitive(P(0)); break;
	case KAS_OP_KSIZE: r = port->ksize(P(0)); break;
	case KAS_OP_KMALLOC_SIZE_ROUNDUP: r = port->kmalloc_size_roundup(Z(0)); break;
	case KAS_OP_VMALLOC: r = (uintptr_t)port->vmalloc(Z(0)); break;
	case KAS_OP_VZALLOC: r = (uintptr_t)port->vzalloc(Z(0)); break;
	case KAS_OP_VMALLOC_GFP: r = (uintptr_t)port->vmalloc_gfp(Z(0), c->gfp); break;
	case KAS_OP_VMALLOC_NODE:
		r = (uintptr_t)port->vmalloc_node_align(Z(0), Z(1), c->gfp);
		break;
	case KAS_OP_VREALLOC: r = (uintptr_t)port->vrealloc(P(0), Z(1), c->gfp); break;
	case KAS_OP_VFREE: port->vfree(P(0)); break;
	case KAS_OP_KVMALLOC: r = (uintptr_t)port->kvmalloc(Z(0), c->gfp); break;
	case KAS_OP_KVZALLOC: r = (uintptr_t)port->kvzalloc(Z(0), c->gfp); break;
	case KAS_OP_KVMALLOC_ARRAY: r = (uintptr_t)port->kvmalloc_array(Z(0), Z(1), c->gfp); break;
	case KAS_OP_KVCALLOC: r = (uintptr_t)port->kvcalloc(Z(0), Z(1), c->gfp); break;
	case KAS_OP_KVREALLOC: {
		size_t old = c->in_obj != KAS_NO_OBJ ? c->in.size : 0;
		r = (uintptr_t)port->kvrealloc(P(0), old, Z(1), c->gfp);
		break;
	}
	case KAS_OP_KMEM_CACHE_CREATE:
		r = (uintptr_t)port->kmem_cache_create(name, U(1), U(2), (uint32_t)c->arg[3], ctor);
		break;
	case KAS_OP_KMEM_CACHE_CREATE_USERCOPY:
		r = (uintptr_t)port->kmem_cache_create_usercopy(name, U(1), U(2), (uint32_t)c->arg[3],
								U(4), U(5), ctor);
		break;
	case KAS_OP_KMEM_CACHE_ALLOC: r = (uintptr_t)port->kmem_cache_alloc(P(0), c->gfp); break;
	case KAS_OP_KMEM_CACHE_ZALLOC: r = (uintptr_t)port->kmem_cache_zalloc(P(0), c->gfp); break;
	case KAS_OP_KMEM_CACHE_FREE: port->kmem_cache_free(P(0), P(1)); break;
	case KAS_OP_KMEM_CACHE_DESTROY: port->kmem_cache_destroy(P(0)); break;
	case KAS_OP_KMEM_CACHE_ALLOC_BULK: {
		int got = port->kmem_cache_alloc_bulk(P(0), c->gfp, Z(2), c->bulk);
		r = got < 0 ? 0 : (uintptr_t)got;
		break;
	}
	case KAS_OP_KMEM_CACHE_FREE_BULK: port->kmem_cache_free_bulk(P(0), nptrs, ptrs); break;
	case KAS_OP_KFREE_BULK: port->kfree_bulk(nptrs, ptrs); break;
	case KAS_OP_ALLOC_PAGES: r = (uintptr_t)port->alloc_pages(c->gfp, U(1)); break;
	case KAS_OP_GET_FREE_PAGES: r = port->get_free_pages(c->gfp, U(1)); break;
	case KAS_OP_GET_ZEROED_PAGE: r = port->get_zeroed_page(c->gfp); break;
	case KAS_OP_FREE_PAGES: port->free_pages((unsigned long)c->arg[0], U(1)); break;
	case KAS_OP___FREE_PAGES: port->free_pages_page(P(0), U(1)); break;
	case KAS_OP_SIZE_MUL: r = port->size_mul(Z(0), Z(1)); break;
	case KAS_OP_SIZE_ADD: r = port->size_add(Z(0), Z(1)); break;
	case KAS_OP_SIZE_SUB: r = port->size_sub(Z(0), Z(1)); break;
	case KAS_OP_ARRAY_SIZE: r = port->array_size(Z(0), Z(1)); break;
	case KAS_OP_ARRAY3_SIZE: r = port->array3_size(Z(0), Z(1), Z(2)); break;
	case KAS_OP_STRUCT_SIZE: r = port->struct_size(Z(0), Z(1), Z(2)); break;
	case KAS_OP_KFREE_RCU: port->kfree_rcu(P(0)); break;
	case KAS_OP_KVFREE_RCU: port->kvfree_rcu(P(0)); break;
	case KAS_OP_COPY_TO_USER:
		/* OBJ + OFF: computed as an address (OBJ may be NULL) */
		r = port->usercopy_check((const void *)(uintptr_t)(c->arg[0] + c->arg[1]), Z(2));
		break;
	case KAS_OP_ALLOC_PAGES_EXACT: r = (uintptr_t)port->alloc_pages_exact(Z(0), c->gfp); break;
	case KAS_OP_FREE_PAGES_EXACT: port->free_pages_exact(P(0), Z(1)); break;
	case KAS_OP_KVFREE_RCU_ARG_2: port->kvfree_rcu_arg_2(P(0), Z(1)); break;
	default:
		break;   /* world ops: kas__world_exec */
	}
	c->ret = r;
}
