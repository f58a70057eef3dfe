/* SPDX-License-Identifier: MIT */
/*
 * The undefined-behaviour veto.  A call the documented API leaves undefined
 * (kfree of vmalloc memory, kmem_cache_free with the wrong cache, ...) is
 * not executed: its outcome would say nothing about the port, and a correct
 * port may legitimately crash on it.  Every veto names the caller rule the
 * call breaks (catalog/caller.def).  Everything not listed here runs.
 */
#include <stdlib.h>
#include "spec_internal.h"
#include "kallocspec/world.h"

static void veto(struct kas_call *c, enum kas_caller_no rule)
{
	c->status = KAS_CALL_SKIPPED;
	c->skip = KAS_SKIP_UNDEFINED;
	c->caller = (uint8_t)(rule + 1);
}

static bool has_in(const struct kas_call *c)
{
	return c->in_obj != KAS_NO_OBJ;
}

/* kfree/kfree_sensitive/ksize: kmalloc memory, kvmalloc memory known to be
 * kmalloc-backed, and cache objects (ksize always; kfree from v6.4). */
static bool fits_kfree(const struct kas_spec *s, const struct kas_call *c, bool is_ksize)
{
	switch (c->in.family) {
	case KAS_FAM_KMALLOC:
		return true;
	case KAS_FAM_KVMALLOC:
		return c->in.in_vmalloc == 0;
	case KAS_FAM_CACHE:
		return is_ksize || s->profile->kver >= KAS_KVER(6, 4);
	default:
		return false;
	}
}

static bool fits_kvfree(const struct kas_spec *s, const struct kas_call *c)
{
	switch (c->in.family) {
	case KAS_FAM_KMALLOC: case KAS_FAM_VMALLOC: case KAS_FAM_KVMALLOC:
		return true;
	case KAS_FAM_CACHE:
		return s->profile->kver >= KAS_KVER(6, 4);
	default:
		return false;
	}
}

/* vfree/vrealloc: NULL, vmalloc memory, kvmalloc memory known to be vmalloc. */
static bool fits_vfree(const struct kas_call *c, uintptr_t p)
{
	if (p == 0)
		return true;
	if (!has_in(c))
		return false;
	return kas_in_is_vmalloc(c) == 1;
}

/* An object of a constructor cache.  kfree_sensitive zeroes it, so it
 * would go back to its cache without the constructed state the cache hands
 * out again (CACHE-5): a caller bug, undefined.  A vfree of one is not
 * checked either: the harness restores the constructed state before any
 * free, which would make the object look damaged when FREE-3 later checks
 * that the vfree left it alone. */
static bool ctor_object(struct kas_spec *s, const struct kas_call *c)
{
	if (!has_in(c) || c->in.family != KAS_FAM_CACHE)
		return false;
	const struct kas_cache *k = kas_model_cache(s->model, c->in.cache);
	return k && k->ctor;
}

/* FREE-3: vfree of a live object that is surely not vmalloc memory, or of
 * ZERO_SIZE_PTR, is defined: WARN and nothing freed.  In interrupt context
 * vfree defers through vfree_atomic, which links the memory into a list
 * (writes to it), so only process context is checked. */
static bool vfree_checked(struct kas_spec *s, const struct kas_call *c, uintptr_t p)
{
	/* only where FREE-3 can judge it (the port reports warnings): a port
	 * whose vfree is free() would just lose the object, unobserved */
	if (!s->active[KAS_R_FREE_3])
		return false;
	if (c->world.enabled && c->world.context == KAS_CTX_IRQ)
		return false;
	if (!has_in(c))
		return p == KAS_ZERO_SIZE_PTR;
	return kas_in_is_vmalloc(c) == 0 && !ctor_object(s, c);
}

/* The bits of a kmem_cache_create align argument the kernel can digest:
 * 0 or a power of two no larger than the largest page block.  6.1 does not
 * check: align 2^31-1 died of a divide error in calculate_sizes() on the
 * oracle (reports/kernel, finding 3), so anything else is undefined. */
static bool cache_align_ok(const struct kas_spec *s, uint64_t align)
{
	return align == 0 ||
	       (kas_is_pow2(align) && align <= (s->profile->page_size << s->profile->max_page_order));
}


static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Every entry of a bulk free must be a live object its free function takes,
 * and no object may appear twice (that would be a double free). */
static bool list_fits(struct kas_spec *s, const struct kas_call *c, uint32_t cache)
{
	if (c->nlist == 0)
		return true;
	if (!c->list_objs)
		return false;
	for (uint32_t i = 0; i < c->nlist; i++) {
		const struct kas_obj *o = kas_model_obj(s->model, c->list_objs[i]);
		if (!o || !o->live)
			return false;
		if (cache != KAS_NO_OBJ) {
			if (o->family != KAS_FAM_CACHE || o->cache != cache)
				return false;
		} else if (o->family != KAS_FAM_KMALLOC &&
			   !(o->family == KAS_FAM_CACHE && s->profile->kver >= KAS_KVER(6, 4))) {
			return false;
		}
	}
	uint32_t *sorted = malloc(c->nlist * sizeof(*sorted));
	if (!sorted)
		return false;
	for (uint32_t i = 0; i < c->nlist; i++)
		sorted[i] = c->list_objs[i];
	qsort(sorted, c->nlist, sizeof(*sorted), cmp_u32);
	bool ok = true;
	for (uint32_t i = 1; i < c->nlist; i++)
		if (sorted[i] == sorted[i - 1])
			ok = false;
	free(sorted);
	return ok;
}

/* A bulk free list naming NULL or ZERO_SIZE_PTR (literally, or through a
 * handle bound to a failed allocation) is undefined: kfree_bulk is not
 * kfree in a loop, and 6.1's build_detached_freelist only skips NULL at
 * the end of the array -- an earlier one oopsed the oracle kernel
 * (reports/kernel, finding 4).  The harness drops such entries, so only
 * the spec can tell. */
static bool list_names_null(struct kas_spec *s, const struct kas_call *c)
{
	const struct kas_trace *t = c->trace ? c->trace : s->trace;
	if (!t || !c->op->list_len)
		return false;
	for (uint32_t i = 0; i < c->op->list_len && c->op->list_off + i < t->nlist; i++) {
		const struct kas_list_ref *lr = &t->list[c->op->list_off + i];
		if (lr->ref != KAS_REF_HANDLE)
			return true;
		if (lr->slot < t->nslots && t->slots[lr->slot].kind == KAS_SLOT_BULK)
			continue;
		const struct kas_binding *b = kas_model_binding(s->model, lr->slot);
		if (b && b->bound && b->obj == KAS_NO_OBJ)
			return true;
	}
	return false;
}

static bool cache_usable(struct kas_spec *s, const struct kas_call *c)
{
	const struct kas_cache *k = kas_call_cache(s, c);
	return k && k->live;
}

/* CONTEXT-1: a blocking allocation (its gfp allows direct reclaim; vmalloc
 * and vzalloc are GFP_KERNEL) in atomic or interrupt context is a caller
 * bug: might_alloc() -> might_sleep_if() WARNs "sleeping function called
 * from invalid context" and the allocator may sleep with preemption off.
 * Undefined, so not executed; the rule judges that the allowed
 * (non-blocking) calls made there never sleep. */
static bool blocks_in_atomic(const struct kas_call *c)
{
	if (!c->world.enabled || c->world.context == KAS_CTX_PROCESS)
		return false;
	unsigned op = c->op->code;
	if (op == KAS_OP_VMALLOC || op == KAS_OP_VZALLOC || op == KAS_OP_KFREE_RCU ||
	    op == KAS_OP_KVFREE_RCU)
		return true;   /* GFP_KERNEL inside; kfree_rcu_mightsleep may sleep (CONTEXT-8) */
	const struct kas_op_info *info = &kas_op_table[op];
	for (unsigned i = 0; i < info->nargs && i < KAS_MAX_ARGS; i++)
		if (info->args[i] == AK_GFP)
			return (c->gfp & __GFP_DIRECT_RECLAIM) != 0;
	return false;
}

/* CONTEXT-2..7: calls the documentation forbids in the current context are
 * the caller's bug, so undefined (the kernel-doc quoted per case):
 *   NMI: every port call but the overflow helpers (GFP_ATOMIC "not from
 *     NMI"; vfree BUG_ON(in_nmi()); kvfree "not-NMI interrupt";
 *     __free_pages "not in NMI context");
 *   irq / NMI: the vmalloc allocators ("Can not be called from interrupt
 *     nor NMI contexts"); before 6.19 also atomic context, non-blocking gfp
 *     included (page tables are allocated with GFP_KERNEL);
 *   atomic process context (preemption or interrupts off): vfree and kvfree
 *     (might_sleep(); only interrupts defer);
 *   interrupts off (local_irq_disable, hard irq, NMI): the bulk slab
 *     functions ("interrupts must be enabled when calling these functions"). */
/* The caller rule a call breaks by its context, or KAS_C__COUNT. */
static enum kas_caller_no forbidden_here(const struct kas_spec *s, const struct kas_call *c)
{
	if (!c->world.enabled)
		return KAS_C__COUNT;
	unsigned ctx = c->world.context, op = c->op->code;
	uint32_t cap = kas_op_table[op].cap;
	/* concurrent_kmalloc's calls come from other tasks, whatever this one's context */
	if (ctx == KAS_CTX_NMI && cap && cap != KAS_CAP_OVERFLOW && op != KAS_OP_CONCURRENT_KMALLOC)
		return KAS_C_IN_NMI;
	bool vmalloc_op = op == KAS_OP_VMALLOC || op == KAS_OP_VZALLOC || op == KAS_OP_VMALLOC_GFP ||
			  op == KAS_OP_VMALLOC_NODE || op == KAS_OP_VREALLOC;
	if (vmalloc_op && (ctx == KAS_CTX_IRQ ||
			   (ctx != KAS_CTX_PROCESS && s->profile->kver < KAS_KVER(6, 19))))
		return KAS_C_VMALLOC_IN_IRQ;
	bool atomic_process = ctx == KAS_CTX_ATOMIC || ctx == KAS_CTX_IRQS_OFF;
	if ((op == KAS_OP_VFREE || op == KAS_OP_KVFREE) && atomic_process)
		return KAS_C_VFREE_IN_ATOMIC;
	bool bulk = op == KAS_OP_KMEM_CACHE_ALLOC_BULK || op == KAS_OP_KMEM_CACHE_FREE_BULK ||
		    op == KAS_OP_KFREE_BULK;
	if (bulk && (ctx == KAS_CTX_IRQS_OFF || ctx == KAS_CTX_IRQ))
		return KAS_C_BULK_IRQS_OFF;
	return KAS_C__COUNT;
}

void kas_spec_precheck(struct kas_spec *s, struct kas_call *c)
{
	if (!s || !c || !c->op || c->status != KAS_CALL_DONE)
		return;
	uintptr_t p = kas_call_ptr_arg(c);
	const struct kas_cache *k;
	/* an argument object the model knows to be dead: use after free */
	if (has_in(c) && !c->in.live) {
		veto(c, kas_op_is_free((enum kas_opcode)c->op->code) ? KAS_C_DOUBLE_FREE : KAS_C_USE_AFTER_FREE);
		return;
	}
	if (blocks_in_atomic(c)) {
		veto(c, KAS_C_BLOCKING_IN_ATOMIC);
		return;
	}
	enum kas_caller_no ctx_rule = forbidden_here(s, c);
	if (ctx_rule != KAS_C__COUNT) {
		veto(c, ctx_rule);
		return;
	}
	switch (c->op->code) {
	case KAS_OP_KFREE: case KAS_OP_KFREE_SENSITIVE: case KAS_OP_KSIZE:
		if (has_in(c) && !fits_kfree(s, c, c->op->code == KAS_OP_KSIZE))
			veto(c, KAS_C_KFREE_FOREIGN);
		else if (c->op->code == KAS_OP_KFREE_SENSITIVE && ctor_object(s, c))
			veto(c, KAS_C_KFREE_SENSITIVE_CTOR);
		break;
	case KAS_OP_KFREE_RCU:
		/* kfree_rcu takes what kfree takes (cache objects from 6.4, RCU-2) */
		if (has_in(c) && !fits_kfree(s, c, false))
			veto(c, KAS_C_KFREE_FOREIGN);
		break;
	case KAS_OP_KVFREE:
	case KAS_OP_KVFREE_RCU:
		if (has_in(c) && !fits_kvfree(s, c))
			veto(c, KAS_C_KVFREE_FOREIGN);
		break;
	case KAS_OP_KVFREE_RCU_ARG_2:
		/* kfree_rcu(ptr, rhf): ptr->rhf is an embedded struct rcu_head, so
		 * ptr is a live object kvfree takes and the 16-byte, pointer-aligned
		 * head lies inside it at an offset below 4096 (BUILD_BUG_ON
		 * otherwise); NULL is a no-op (the macro tests it) */
		if (p == 0 && !has_in(c))
			break;
		if (!has_in(c) || !fits_kvfree(s, c))
			veto(c, KAS_C_KVFREE_FOREIGN);
		else if (c->arg[1] >= KAS_RCU_HEAD_MAX_OFFSET || c->arg[1] % 8 ||
			 c->in.size < KAS_RCU_HEAD_SIZE || c->arg[1] > c->in.size - KAS_RCU_HEAD_SIZE)
			veto(c, KAS_C_RCU_HEAD_OUTSIDE);
		break;
	case KAS_OP_VFREE:
		if (!fits_vfree(c, p) && !vfree_checked(s, c, p))
			veto(c, KAS_C_VFREE_FOREIGN);
		break;
	case KAS_OP_VREALLOC:
		if (!fits_vfree(c, p))
			veto(c, KAS_C_VFREE_FOREIGN);
		break;
	case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY:
		if (has_in(c) && c->in.family != KAS_FAM_KMALLOC)
			veto(c, KAS_C_KREALLOC_FOREIGN);
		break;
	case KAS_OP_KVREALLOC:
		if (has_in(c) && (c->in.family == KAS_FAM_CACHE || c->in.family == KAS_FAM_PAGES))
			veto(c, KAS_C_KVREALLOC_FOREIGN);
		break;
	case KAS_OP_KMEM_CACHE_FREE:
		if (!cache_usable(s, c) || !has_in(c) || c->in.family != KAS_FAM_CACHE ||
		    c->in.cache != c->in_cache)
			veto(c, KAS_C_WRONG_CACHE);
		break;
	case KAS_OP_KMEM_CACHE_ALLOC: case KAS_OP_KMEM_CACHE_ZALLOC:
	case KAS_OP_KMEM_CACHE_ALLOC_BULK:
		k = kas_call_cache(s, c);
		if (!k || !k->live)
			veto(c, KAS_C_DEAD_CACHE);
		/* zeroing a constructed object is unsupported */
		else if (k->ctor && (c->op->code == KAS_OP_KMEM_CACHE_ZALLOC || (c->gfp & __GFP_ZERO)))
			veto(c, KAS_C_ZERO_CTOR);
		break;
	case KAS_OP_KMEM_CACHE_DESTROY:
		k = kas_call_cache(s, c);
		if (c->in_cache != KAS_NO_OBJ && (!k || !k->live))
			veto(c, KAS_C_DESTROY_TWICE);
		break;
	case KAS_OP_KMEM_CACHE_FREE_BULK:
		if (c->in_cache != KAS_NO_OBJ && !cache_usable(s, c))
			veto(c, KAS_C_WRONG_CACHE);
		else if (!list_fits(s, c, c->in_cache) || list_names_null(s, c))
			veto(c, KAS_C_BULK_LIST);
		break;
	case KAS_OP_KFREE_BULK:
		if (!list_fits(s, c, KAS_NO_OBJ) || list_names_null(s, c))
			veto(c, KAS_C_BULK_LIST);
		break;
	case KAS_OP_FREE_PAGES:
	case KAS_OP___FREE_PAGES:
		/* free_pages(0, order) is a documented no-op; __free_pages(NULL) is not */
		if (p == 0 && !has_in(c) && c->op->code == KAS_OP_FREE_PAGES)
			break;
		if (!has_in(c) || c->in.family != KAS_FAM_PAGES || c->in.order != c->arg[1] ||
		    c->in.op == (uint8_t)KAS_OP_ALLOC_PAGES_EXACT)
			veto(c, KAS_C_FREE_PAGES_MISMATCH);
		break;
	case KAS_OP_ALLOC_PAGES_EXACT:
		/* get_order(0) is undefined */
		if (c->arg[0] == 0)
			veto(c, KAS_C_EXACT_ZERO);
		break;
	case KAS_OP_FREE_PAGES_EXACT:
		/* "Memory allocated by this function must be released by
		 * free_pages_exact()", with the size given at allocation */
		if (!has_in(c) || c->in.family != KAS_FAM_PAGES ||
		    c->in.op != (uint8_t)KAS_OP_ALLOC_PAGES_EXACT || c->in.size != c->arg[1])
			veto(c, KAS_C_EXACT_MISMATCH);
		break;
	case KAS_OP_KMEM_CACHE_CREATE: case KAS_OP_KMEM_CACHE_CREATE_USERCOPY:
		/* 0-byte objects: with SLAB_HWCACHE_ALIGN calculate_alignment()
		 * ("while (size <= ralign / 2) ralign /= 2;") never terminates */
		if (c->arg[1] == 0 || !cache_align_ok(s, c->arg[2]))
			veto(c, KAS_C_CACHE_CREATE_ARGS);
		break;
	case KAS_OP_VMALLOC_NODE:
		/* alloc_vmap_area: BUG_ON(!is_power_of_2(align)) */
		if (!kas_is_pow2(c->arg[1]))
			veto(c, KAS_C_VMALLOC_ALIGN);
		break;
	default:
		break;
	}
}
