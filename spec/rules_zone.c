/* SPDX-License-Identifier: MIT */
/*
 * ZONE-1..8 and PHYS-1: what zone modifiers do to the flags an allocator
 * passes down (judged on its alloc_attempt reports), where memory lands
 * (judged on the port's page_zone of every page, and on the physical
 * address for GFP_DMA / GFP_DMA32), and that kmalloc and page allocator
 * memory is physically contiguous (include/linux/gfp_types.h, mm/page_alloc.c
 * gfp_zone(), mm/slab_common.c kmalloc_fix_flags(), mm/slub.c).
 */
#include <inttypes.h>
#include "world_util.h"

#define ZONE_BIT(z) ((uint8_t)(1u << (z)))
#define ZONES_DMA   ZONE_BIT(KAS_ZONE_DMA)
#define ZONES_DMA32 (ZONE_BIT(KAS_ZONE_DMA) | ZONE_BIT(KAS_ZONE_DMA32))

static unsigned nattempts(const struct kas_world_obs *w)
{
	return w->attempts < KAS_MAX_ATTEMPTS ? w->attempts : KAS_MAX_ATTEMPTS;
}

/* 6.19+ __vmalloc() filters its gfp through GFP_VMALLOC_SUPPORTED
 * (vmalloc_fix_flags), which has no zone bit: zone rules skip it there. */
static bool vmalloc_gfp_filtered(const struct kas_check *cx, const struct kas_call *c)
{
	return c->op->code == KAS_OP_VMALLOC_GFP && kas_cx_kver(cx) >= KAS_KVER(6, 19) &&
	       (c->gfp & KAS_GFP_ZONEMASK);
}

/* At most one of __GFP_DMA, __GFP_HIGHMEM, __GFP_DMA32 (__GFP_MOVABLE may
 * join any): the other combinations are BAD in GFP_ZONE_TABLE (gfp_zone()
 * VM_BUG_ONs), so nothing is promised about them. */
static bool zone_bits_valid(kas_gfp_t g)
{
	kas_gfp_t z = g & (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32);
	return (z & (z - 1)) == 0;
}

/* The gfp a vmalloc-family op hands to __vmalloc_node (vmalloc and vzalloc
 * are GFP_KERNEL). */
static kas_gfp_t vmalloc_gfp(const struct kas_call *c)
{
	unsigned op = c->op->code;
	return op == KAS_OP_VMALLOC || op == KAS_OP_VZALLOC ? KAS_GFP_KERNEL : c->gfp;
}

/* ZONE-1: kmalloc_fix_flags: when the call takes pages (new slab or large
 * kmalloc) with __GFP_DMA32 / __GFP_HIGHMEM, it warns and strips them. */
KAS_RULE_NEEDS(kas_chk_zone_1, KAS_F(WORLD) | KAS_F(ZONE_GFP));
enum kas_verdict kas_chk_zone_1(struct kas_check *cx, const struct kas_call *c)
{
	const kas_gfp_t bug = __GFP_DMA32 | __GFP_HIGHMEM;
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(c->gfp & bug))
		return KAS_V_NA;
	/* a SLAB_CACHE_DMA32 cache adds __GFP_DMA32 itself (s->allocflags) */
	const struct kas_cache *k = kas_call_cache(cx->spec, c);
	kas_gfp_t own = k && (k->flags & KAS_SLAB_CACHE_DMA32) ? __GFP_DMA32 : 0;
	bool took = false;
	kas_gfp_t leaked = 0;
	for (unsigned i = 0; i < nattempts(w); i++) {
		const struct kas_attempt_obs *a = &w->attempt[i];
		if (a->what != KAS_ATTEMPT_SLAB_PAGE && a->what != KAS_ATTEMPT_LARGE_KMALLOC)
			continue;
		took = true;
		leaked |= a->gfp & bug & ~own;
	}
	if (!took)
		return KAS_V_NA;   /* served from an existing slab: no fix-up runs */
	if (!kas_warned_kind(c, KAS_WARN_BAD_FLAGS))
		return kas_fail(cx, "%s with gfp %#x took new pages without the \"Unexpected gfp\" "
				"warning", kas_opname(c), c->gfp);
	if (leaked)
		return kas_fail(cx, "%s with gfp %#x passed %#x (GFP_SLAB_BUG_MASK) on to the page "
				"allocator", kas_opname(c), c->gfp, leaked);
	return KAS_V_PASS;
}

/* ZONE-2: kmalloc(__GFP_DMA) takes its slabs for the dma-kmalloc cache:
 * __GFP_DMA present, the kmalloc-rcl cache's __GFP_RECLAIMABLE absent. */
KAS_RULE_NEEDS(kas_chk_zone_2, KAS_F(WORLD) | KAS_F(ZONE_GFP));
enum kas_verdict kas_chk_zone_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	size_t n;
	if (!w || !(c->gfp & __GFP_DMA) || !kas_call_request(cx, c, &n) || n == 0 ||
	    n > kas_cx_profile(cx)->kmalloc_max_cache_size)
		return KAS_V_NA;
	bool seen = false;
	for (unsigned i = 0; i < nattempts(w); i++) {
		const struct kas_attempt_obs *a = &w->attempt[i];
		if (a->what != KAS_ATTEMPT_SLAB_PAGE)
			continue;
		seen = true;
		if (!(a->gfp & __GFP_DMA) || (a->gfp & __GFP_RECLAIMABLE))
			return kas_fail(cx, "%s(%zu, %#x) took a slab page with gfp %#x: not the "
					"dma-kmalloc cache (__GFP_DMA %s, __GFP_RECLAIMABLE %s)",
					kas_opname(c), n, c->gfp, a->gfp,
					(a->gfp & __GFP_DMA) ? "kept" : "lost",
					(a->gfp & __GFP_RECLAIMABLE) ? "set" : "clear");
	}
	return seen ? KAS_V_PASS : KAS_V_NA;
}

/* ZONE-3: __get_free_pages / get_zeroed_page drop __GFP_HIGHMEM before
 * the page allocator; alloc_pages_exact also drops __GFP_COMP and warns
 * (once) about either. */
KAS_RULE_NEEDS(kas_chk_zone_3, KAS_F(WORLD));
enum kas_verdict kas_chk_zone_3(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	bool exact = c->op->code == KAS_OP_ALLOC_PAGES_EXACT;
	kas_gfp_t bad = __GFP_HIGHMEM | (exact ? __GFP_COMP : 0);
	if (!w || !(c->gfp & bad))
		return KAS_V_NA;
	bool judged = false;
	if (exact && kas_spec_first_in_trace(cx)) {
		judged = true;
		if (!kas_warned_kind(c, KAS_WARN_BAD_FLAGS) && !kas_warned_kind(c, KAS_WARN_OTHER))
			return kas_fail(cx, "alloc_pages_exact(%zu, %#x) did not warn about "
					"__GFP_COMP/__GFP_HIGHMEM", c->req_size, c->gfp);
	}
	for (unsigned i = 0; i < nattempts(w); i++) {
		const struct kas_attempt_obs *a = &w->attempt[i];
		if (a->what != KAS_ATTEMPT_PAGES)
			continue;
		judged = true;
		if (a->gfp & bad)
			return kas_fail(cx, "%s(%#x) entered the page allocator with %#x (gfp %#x)",
					kas_opname(c), c->gfp, a->gfp & bad, a->gfp);
	}
	return judged ? KAS_V_PASS : KAS_V_NA;
}

/* ZONE-4: vmalloc's pages are asked for with __GFP_HIGHMEM unless the
 * request named GFP_DMA / GFP_DMA32, which are kept. */
KAS_RULE_NEEDS(kas_chk_zone_4, KAS_F(WORLD));
enum kas_verdict kas_chk_zone_4(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || vmalloc_gfp_filtered(cx, c) || !zone_bits_valid(vmalloc_gfp(c)))
		return KAS_V_NA;
	kas_gfp_t low = vmalloc_gfp(c) & (__GFP_DMA | __GFP_DMA32);
	bool seen = false;
	for (unsigned i = 0; i < nattempts(w); i++) {
		const struct kas_attempt_obs *a = &w->attempt[i];
		if (a->what != KAS_ATTEMPT_VMALLOC_PAGES)
			continue;
		seen = true;
		bool high = (a->gfp & __GFP_HIGHMEM) != 0;
		if (low ? (high || (a->gfp & low) != low) : !high)
			return kas_fail(cx, "%s with gfp %#x took its pages with gfp %#x (expected %s)",
					kas_opname(c), vmalloc_gfp(c), a->gfp,
					low ? "the DMA bit kept, no __GFP_HIGHMEM" : "__GFP_HIGHMEM added");
	}
	return seen ? KAS_V_PASS : KAS_V_NA;
}

static enum kas_verdict phys_below(struct kas_check *cx, const struct kas_call *c, kas_gfp_t flag,
				   uint64_t limit, const char *zone)
{
	if (!(c->gfp & flag) || !kas_got_object(c) || !c->obs.phys_known)
		return KAS_V_NA;
	uint64_t size = c->req_size ? c->req_size : 1;
	if (c->obs.phys >= limit || c->obs.phys + size > limit)
		return kas_fail(cx, "%s with %s returned physical %#" PRIx64 "..%#" PRIx64 ", not below "
				"%#" PRIx64, kas_opname(c), zone, c->obs.phys, c->obs.phys + size, limit);
	return KAS_V_PASS;
}

/* ZONE-5: GFP_DMA memory lies in ZONE_DMA: physically below 16 MiB. */
KAS_RULE_NEEDS(kas_chk_zone_5, KAS_F(OBJECT) | KAS_F(ZONE_GFP));
enum kas_verdict kas_chk_zone_5(struct kas_check *cx, const struct kas_call *c)
{
	return phys_below(cx, c, __GFP_DMA, (uint64_t)16 << 20, "GFP_DMA");
}

/* ZONE-6: GFP_DMA32 pages lie below 4 GiB (page allocator only: kmalloc
 * does not honour __GFP_DMA32). */
KAS_RULE_NEEDS(kas_chk_zone_6, KAS_F(OBJECT) | KAS_F(ZONE_GFP));
enum kas_verdict kas_chk_zone_6(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_is_page_op(c) || (c->gfp & __GFP_DMA))
		return KAS_V_NA;
	return phys_below(cx, c, __GFP_DMA32, (uint64_t)4 << 30, "GFP_DMA32");
}

/* May the call's memory lie in ZONE_MOVABLE?  1 yes, 0 no, -1 not judged. */
static int movable_allowed(const struct kas_check *cx, const struct kas_call *c)
{
	kas_gfp_t g = kas_eff_gfp(c);
	const kas_gfp_t both = __GFP_MOVABLE | __GFP_HIGHMEM;
	bool low = (g & (__GFP_DMA | __GFP_DMA32)) != 0;
	/* a reallocation in place keeps the old memory, placed by the old gfp */
	if (c->in_obj != KAS_NO_OBJ && c->ret == c->in.addr)
		return -1;
	switch (c->op->code) {
	case KAS_OP_ALLOC_PAGES:
		if (!zone_bits_valid(g))
			return -1;
		return (g & both) == both && !low;
	case KAS_OP_VMALLOC_GFP: case KAS_OP_VMALLOC_NODE: case KAS_OP_VREALLOC:
		if (vmalloc_gfp_filtered(cx, c) || !zone_bits_valid(g))
			return -1;
		return (g & __GFP_MOVABLE) && !low;   /* vmalloc adds __GFP_HIGHMEM */
	case KAS_OP_KVMALLOC: case KAS_OP_KVZALLOC: case KAS_OP_KVMALLOC_ARRAY:
	case KAS_OP_KVCALLOC: case KAS_OP_KVREALLOC:
		return (g & __GFP_MOVABLE) ? -1 : 0;  /* either half may serve it */
	default:
		return 0;   /* slab memory, __get_free_pages, vmalloc/vzalloc (GFP_KERNEL) */
	}
}

/* ZONE-7: only GFP_HIGHUSER_MOVABLE-like requests land in ZONE_MOVABLE
 * (GFP_USER and GFP_HIGHUSER never do). */
KAS_RULE_NEEDS(kas_chk_zone_7, KAS_F(OBJECT));
enum kas_verdict kas_chk_zone_7(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c) || !c->obs.zone_known)
		return KAS_V_NA;
	int ok = movable_allowed(cx, c);
	if (ok < 0)
		return KAS_V_NA;
	if (!ok && (c->obs.zone_mask & ZONE_BIT(KAS_ZONE_MOVABLE)))
		return kas_fail(cx, "%s with gfp %#x returned memory in ZONE_MOVABLE (only "
				"__GFP_MOVABLE|__GFP_HIGHMEM may land there)", kas_opname(c),
				kas_eff_gfp(c));
	return KAS_V_PASS;
}

/* ZONE-8: SLAB_CACHE_DMA/DMA32 objects and vmalloc with GFP_DMA/DMA32
 * stay in their zones. */
KAS_RULE_NEEDS(kas_chk_zone_8, KAS_F(OBJECT));
enum kas_verdict kas_chk_zone_8(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c) || !c->obs.zone_known)
		return KAS_V_NA;
	uint8_t allowed;
	const char *what;
	if (c->op->code == KAS_OP_KMEM_CACHE_ALLOC || c->op->code == KAS_OP_KMEM_CACHE_ZALLOC) {
		const struct kas_cache *k = kas_call_cache(cx->spec, c);
		if (!k || !(k->flags & (KAS_SLAB_CACHE_DMA | KAS_SLAB_CACHE_DMA32)))
			return KAS_V_NA;
		bool dma = k->flags & KAS_SLAB_CACHE_DMA;
		allowed = dma ? ZONES_DMA : ZONES_DMA32;
		what = dma ? "a SLAB_CACHE_DMA cache" : "a SLAB_CACHE_DMA32 cache";
	} else {
		kas_gfp_t g = vmalloc_gfp(c);
		if (!(g & (__GFP_DMA | __GFP_DMA32)) || vmalloc_gfp_filtered(cx, c) ||
		    !zone_bits_valid(g))
			return KAS_V_NA;
		allowed = (g & __GFP_DMA) ? ZONES_DMA : ZONES_DMA32;
		what = (g & __GFP_DMA) ? "GFP_DMA" : "GFP_DMA32";
	}
	if (c->obs.zone_mask & ~allowed)
		return kas_fail(cx, "%s with %s returned memory in zones %#x (allowed %#x; bit 0 DMA, "
				"1 DMA32, 2 Normal, 3 Movable)", kas_opname(c), what, c->obs.zone_mask,
				allowed);
	return KAS_V_PASS;
}

/* PHYS-1: what the guide and kernel-doc promise about physical contiguity.
 * kmalloc and the page allocator hand out physically contiguous memory;
 * vmalloc (and kvmalloc's fallback) need not, and the spec judges only the
 * former.  The harness walks the result page by page through the port's
 * virt_to_phys (obs.phys_contig). */
KAS_RULE_NEEDS(kas_chk_phys_1, KAS_F(OBJECT));
enum kas_verdict kas_chk_phys_1(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c) || !c->obs.phys_known)
		return KAS_V_NA;
	if (!c->obs.phys_contig)
		return kas_fail(cx, "%s returned %#lx (physical %#" PRIx64 ") whose pages are not "
				"physically contiguous", kas_opname(c), (unsigned long)c->ret,
				c->obs.phys);
	return KAS_V_PASS;
}
