/* SPDX-License-Identifier: MIT */
/* ALIGN-1 .. ALIGN-7: alignment of what the allocators hand out. */
#include <inttypes.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

/* A krealloc that hands back its input keeps the input's alignment: a
 * kmalloc-96 object shrunk to 64 bytes stays where it is, 32-aligned. */
static bool reused_input(const struct kas_call *c)
{
	return (c->op->code == KAS_OP_KREALLOC || c->op->code == KAS_OP_KREALLOC_ARRAY) &&
	       c->in_obj != KAS_NO_OBJ && c->ret == (uintptr_t)c->arg[0];
}

/* ALIGN-1: at least ARCH_KMALLOC_MINALIGN for every kmalloc-family object. */
KAS_RULE_NEEDS(kas_chk_align_1, KAS_F(OBJECT));
enum kas_verdict kas_chk_align_1(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c))
		return KAS_V_NA;
	uint64_t a = kas_cx_profile(cx)->kmalloc_minalign;
	if (!kas_aligned(c->ret, a))
		return kas_fail(cx, "%s returned " PTRF ", not aligned to ARCH_KMALLOC_MINALIGN (%" PRIu64 ")",
				kas_opname(c), c->ret, a);
	return KAS_V_PASS;
}

/* The kvmalloc family is a kmalloc when its result is not vmalloc memory. */
static bool kmalloc_backed(const struct kas_call *c)
{
	if (!(((kas_opmask_t)1 << c->op->code) & KAS_OPS_KVMALLOC))
		return true;
	return c->obs.vmaddr_known && !c->obs.is_vmalloc;
}

/* ALIGN-2: power-of-two sizes up to KMALLOC_MAX_SIZE are aligned to the
 * size: slab objects up to KMALLOC_MAX_CACHE_SIZE, page-allocator blocks
 * (naturally aligned buddy blocks) above it, kvmalloc's kmalloc too. */
KAS_RULE_NEEDS(kas_chk_align_2, KAS_F(OBJECT));
enum kas_verdict kas_chk_align_2(struct kas_check *cx, const struct kas_call *c)
{
	size_t size;
	if (!kas_got_object(c) || reused_input(c) || !kas_call_request(cx, c, &size))
		return KAS_V_NA;
	if (!kas_is_pow2(size) || size > kas_cx_profile(cx)->kmalloc_max_size || !kmalloc_backed(c))
		return KAS_V_NA;
	if (!kas_aligned(c->ret, size))
		return kas_fail(cx, "%s of power-of-two size %zu returned " PTRF ", not aligned to %zu",
				kas_opname(c), size, c->ret, size);
	return KAS_V_PASS;
}

/* ALIGN-3 (6.11+): aligned to the largest power-of-two divisor of the size. */
KAS_RULE_NEEDS(kas_chk_align_3, KAS_F(OBJECT));
enum kas_verdict kas_chk_align_3(struct kas_check *cx, const struct kas_call *c)
{
	size_t size;
	if (!kas_got_object(c) || reused_input(c) || !kas_call_request(cx, c, &size) || size == 0)
		return KAS_V_NA;
	if (size > kas_cx_profile(cx)->kmalloc_max_cache_size)
		return KAS_V_NA;
	uint64_t a = kas_low_bit(size);
	if (!kas_aligned(c->ret, a))
		return kas_fail(cx, "%s of size %zu returned " PTRF ", not aligned to %" PRIu64
				" (largest power-of-two divisor of the size)",
				kas_opname(c), size, c->ret, a);
	return KAS_V_PASS;
}

/* ALIGN-4: above KMALLOC_MAX_CACHE_SIZE the page allocator serves kmalloc. */
KAS_RULE_NEEDS(kas_chk_align_4, KAS_F(OBJECT));
enum kas_verdict kas_chk_align_4(struct kas_check *cx, const struct kas_call *c)
{
	size_t size;
	if (!kas_got_object(c) || !kas_call_request(cx, c, &size))
		return KAS_V_NA;
	const struct kas_profile *p = kas_cx_profile(cx);
	if (size <= p->kmalloc_max_cache_size)
		return KAS_V_NA;
	if (!kas_aligned(c->ret, p->page_size))
		return kas_fail(cx, "%s of size %zu (> KMALLOC_MAX_CACHE_SIZE) returned " PTRF
				", not page aligned", kas_opname(c), size, c->ret);
	return KAS_V_PASS;
}

/* ALIGN-5: cache objects (single and bulk) per calculate_alignment(). */
KAS_RULE_NEEDS(kas_chk_align_5, KAS_F(IN_CACHE));
enum kas_verdict kas_chk_align_5(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_cache *k = kas_call_cache(cx->spec, c);
	if (!k || !kas_done(c))
		return KAS_V_NA;
	uint64_t a = kas_cache_align(k->size, k->align, k->flags);
	if (c->op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK) {
		if (c->ret == 0 || !c->bulk || c->ret > c->bulk_cap)
			return KAS_V_NA;
		for (size_t i = 0; i < c->ret; i++) {
			uintptr_t o = (uintptr_t)c->bulk[i];
			if (o && !kas_aligned(o, a))
				return kas_fail(cx, "kmem_cache_alloc_bulk object %zu at " PTRF
						" is not aligned to %" PRIu64 " (size %u, align %u, flags %#x)",
						i, o, a, k->size, k->align, k->flags);
		}
		return KAS_V_PASS;
	}
	if (!kas_got_object(c))
		return KAS_V_NA;
	if (!kas_aligned(c->ret, a))
		return kas_fail(cx, "%s returned " PTRF ", not aligned to %" PRIu64
				" (cache size %u, align %u, flags %#x)",
				kas_opname(c), c->ret, a, k->size, k->align, k->flags);
	return KAS_V_PASS;
}

/* ALIGN-6: page allocations: page aligned, physically aligned to the order. */
KAS_RULE_NEEDS(kas_chk_align_6, KAS_F(OBJECT));
enum kas_verdict kas_chk_align_6(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c))
		return KAS_V_NA;
	uint64_t ps = kas_cx_profile(cx)->page_size;
	/* alloc_pages_exact takes the block of get_order(size) and frees its tail */
	unsigned order = c->op->code == KAS_OP_GET_ZEROED_PAGE ? 0 :
			 c->op->code == KAS_OP_ALLOC_PAGES_EXACT ? kas_get_order(c->arg[0]) :
			 (unsigned)c->arg[1];
	if (!kas_aligned(c->ret, ps))
		return kas_fail(cx, "%s returned " PTRF ", not page aligned", kas_opname(c), c->ret);
	if (c->obs.phys_known && order < 40 && !kas_aligned((uintptr_t)c->obs.phys, ps << order))
		return kas_fail(cx, "%s order %u: physical address %#" PRIx64
				" is not aligned to PAGE_SIZE << %u", kas_opname(c), order,
				c->obs.phys, order);
	return KAS_V_PASS;
}

/* ALIGN-7: vmalloc areas are page aligned; __vmalloc_node honours align;
 * a kvmalloc served by its vmalloc fallback is a vmalloc area. */
KAS_RULE_NEEDS(kas_chk_align_7, KAS_F(OBJECT));
enum kas_verdict kas_chk_align_7(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c))
		return KAS_V_NA;
	if ((((kas_opmask_t)1 << c->op->code) & KAS_OPS_KVMALLOC) &&
	    !(c->obs.vmaddr_known && c->obs.is_vmalloc))
		return KAS_V_NA;
	uint64_t ps = kas_cx_profile(cx)->page_size;
	if (!kas_aligned(c->ret, ps))
		return kas_fail(cx, "%s returned " PTRF ", not page aligned", kas_opname(c), c->ret);
	if (c->op->code == KAS_OP_VMALLOC_NODE && kas_is_pow2(c->arg[1]) &&
	    !kas_aligned(c->ret, c->arg[1]))
		return kas_fail(cx, "__vmalloc_node with align %" PRIu64 " returned " PTRF,
				c->arg[1], c->ret);
	return KAS_V_PASS;
}
