/* SPDX-License-Identifier: MIT */
/*
 * kmalloc: size classes 8, 16, 32, 64, 96, 128, 192, 256 ... 8192 served by
 * slab caches (a normal set and a dma- set for __GFP_DMA), larger requests
 * by the page allocator up to KMALLOC_MAX_SIZE (4 MiB).  The requested size
 * of each object is remembered (shadow for slab objects, the page
 * descriptor for large ones) so krealloc can zero exactly the grown part.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ref_internal.h"

#include <string.h>

#define NR_CLASSES 13
static const uint32_t class_size[NR_CLASSES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};
static const char *const class_name[2][NR_CLASSES] = {
	{ "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128",
	  "kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
	  "kmalloc-8k" },
	{ "dma-kmalloc-8", "dma-kmalloc-16", "dma-kmalloc-32", "dma-kmalloc-64", "dma-kmalloc-96",
	  "dma-kmalloc-128", "dma-kmalloc-192", "dma-kmalloc-256", "dma-kmalloc-512",
	  "dma-kmalloc-1k", "dma-kmalloc-2k", "dma-kmalloc-4k", "dma-kmalloc-8k" },
};
/* class for sizes 1..192, indexed by (size - 1) / 8 */
static const uint8_t small_index[24] = {
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
};

static struct ref_cache kmalloc_caches[2][NR_CLASSES];

#define LARGE_HEADER 64   /* mutant LARGE_KMALLOC_HEADER: bytes of header before a large kmalloc object */
#define SLAB_BUG_MASK (REF_GFP_DMA32 | REF_GFP_HIGHMEM | ~REF_GFP_BITS_MASK)

void ref_kmalloc_reset(void)
{
	ref_slab_reset();
	ref_cache_boot();
	ref_rcu_reset();
	for (int t = 0; t < 2; t++) {
		for (int i = 0; i < NR_CLASSES; i++) {
			struct ref_cache *c = &kmalloc_caches[t][i];
			unsigned csize = class_size[i];
			if (REF_MUTANT(ALIGN_LOST_ABOVE_64)) { /* mutant: 8-byte slack after each big object */
				if (csize > 64 && !(csize & (csize - 1)))
					csize += 8;
			}
			if (REF_MUTANT(ALIGN_96_192)) { /* mutant: 96/192 lose their 32/64 alignment */
				if (csize == 96 || csize == 192)
					csize += 8;
			}
			ref_cache_setup(c, class_name[t][i], csize, 8,
					t ? REF_SLAB_CACHE_DMA : 0, NULL);
			c->is_kmalloc = true;
			if (REF_MUTANT(KMALLOC_MINALIGN_4)) { /* mutant: 96/192 objects packed at a 100/196 stride */
				if (csize == 96 || csize == 192) {
					c->size = csize + 4;
					c->align = 4;
					c->recip = (uint32_t)((((uint64_t)1 << 32) + c->size - 1) / c->size);
				}
			}
			c->pcp_index = (int8_t)(t * NR_CLASSES + i);
			ref_cache_link(c);
		}
	}
}

static int class_of(size_t size)
{
	if (size <= 192)
		return small_index[(size - 1) / 8];
	/* mutant CLASS_BOUNDARY_OFF_BY_ONE: 2^k + 1 lands in the 2^k class */
	size_t below = REF_MUTANT(CLASS_BOUNDARY_OFF_BY_ONE) && size > 193 ? size - 2 : size - 1;
	unsigned shift = 64 - (unsigned)__builtin_clzl(below);      /* ceil(log2(size)) */
	return (int)shift - 8 + 7;                                    /* 256 -> 7 */
}

static unsigned get_order(size_t size)
{
	unsigned order = 0;
	size = (size - 1) >> REF_PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

static ref_gfp_t fix_flags(ref_gfp_t gfp)
{
	if (gfp & SLAB_BUG_MASK) {
		ref_warn(REF_WARN_BAD_FLAGS, "Unexpected gfp. Fix your code!");
		gfp &= ~SLAB_BUG_MASK;
	}
	return gfp;
}

static void *kmalloc_large(size_t size, ref_gfp_t gfp)
{
	if (REF_MUTANT(KMALLOC_MAX_OFF_BY_ONE)) { /* mutant: KMALLOC_MAX_SIZE itself refused */
		if (size >= REF_KMALLOC_MAX_SIZE)
			return NULL;
	}
	if (REF_MUTANT(LARGE_KMALLOC_UNFIXED)) { /* mutant: kmalloc_large skips kmalloc_fix_flags: no warning, DMA32/HIGHMEM reach the page allocator */
		gfp |= REF_GFP_COMP;
		(void)fix_flags;
	} else {
		gfp = fix_flags(gfp) | REF_GFP_COMP;
	}
	if (REF_MUTANT(KMALLOC_TOO_LARGE_SILENT)) { /* mutant: oversize refused before the page allocator's warning */
		if (get_order(size) > REF_MAX_PAGE_ORDER)
			return NULL;
	}
	if (REF_MUTANT(LARGE_KMALLOC_HEADER)) { /* mutant: a 64-byte size header before large objects */
		size += LARGE_HEADER;
	}
	if (REF_MUTANT(LARGE_KMALLOC_VMALLOC)) { /* mutant: big kmalloc quietly served by vmalloc */
		return ref_vmalloc(size, REF_PAGE_SIZE, gfp & ~REF_GFP_COMP);
	}
	ref_attempt(REF_ATTEMPT_LARGE_KMALLOC, gfp, get_order(size));
	int32_t f = ref_pages_alloc(gfp, get_order(size));
	if (f == REF_NO_FRAME)
		return NULL;
	struct ref_page *pg = ref_page(f);
	pg->req = (uint32_t)size;
	ref_pset(pg, PG_HEAD | PG_LARGE_KMALLOC);
	char *p = ref_frame_addr(f);
	if (REF_MUTANT(LARGE_KMALLOC_HEADER)) {
		pg->req = (uint32_t)(size - LARGE_HEADER);
		return p + LARGE_HEADER;
	}
	if (ref_dbg())
		ref_dbg_obj_alloc(NULL, p, size, REF_PAGE_SIZE << pg->order, gfp & REF_GFP_ZERO);
	return p;
}

void *ref_kmalloc(size_t size, ref_gfp_t gfp)
{
	if (REF_MUTANT(KMALLOC_ALIGN_BEFORE_CHECK)) { /* mutant: size rounded to 8 before any check */
		size = (size + 7) & ~(size_t)7;
	}
	ref_attempt(REF_ATTEMPT_KMALLOC, gfp, 0);
	if (size > REF_KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, gfp);
	if (REF_MUTANT(KMALLOC0_NULL)) { /* mutant: kmalloc(0) is NULL */
		if (size == 0)
			return NULL;
	} else if (REF_MUTANT(KMALLOC0_OBJECT)) { /* mutant: kmalloc(0) is a real object */
		if (size == 0)
			size = 1;
	} else {
		if (size == 0)
			return REF_ZERO_SIZE_PTR;
	}
	if (REF_MUTANT(KMALLOC_TYPE_RCL_FIRST)) { /* mutant: kmalloc_type tests __GFP_RECLAIMABLE before __GFP_DMA */
		if ((gfp & REF_GFP_RECLAIMABLE) && (gfp & REF_GFP_DMA))
			gfp &= ~REF_GFP_DMA;   /* no kmalloc-rcl set here: served by the normal caches */
	}
	struct ref_cache *c = &kmalloc_caches[(gfp & REF_GFP_DMA) ? 1 : 0][class_of(size)];
	return ref_slab_alloc(c, gfp, size);
}

void *ref_kmalloc_array(size_t n, size_t size, ref_gfp_t gfp)
{
	size_t bytes;
	if (REF_MUTANT(KMALLOC_ARRAY_OVERFLOW)) { /* mutant: the product wraps unchecked */
		bytes = n * size;
	} else {
		if (__builtin_mul_overflow(n, size, &bytes))
			return NULL;
	}
	return ref_kmalloc(bytes, gfp);
}

/* Large kmalloc head frame of p, or REF_NO_FRAME. */
static int32_t large_of(const void *p)
{
	if (REF_MUTANT(LARGE_KMALLOC_HEADER)) {
		p = (const char *)p - LARGE_HEADER;
	}
	int32_t f = ref_addr_frame(p);
	if (f == REF_NO_FRAME || ref_frame_addr(f) != (const char *)p)
		return REF_NO_FRAME;
	return (ref_pflags(ref_page(f)) & PG_LARGE_KMALLOC) ? f : REF_NO_FRAME;
}

void ref_kfree(const void *p)
{
	if (REF_MUTANT(KFREE_ZSP)) { /* mutant: only NULL is a no-op, ZERO_SIZE_PTR is "freed" */
		if (!p)
			return;
	} else {
		if (REF_ZERO_OR_NULL(p))
			return;
	}
	int32_t f = ref_slab_of(p);
	if (f != REF_NO_FRAME) {
		if (REF_MUTANT(KFREE_CACHE_OBJ_REFUSED)) { /* mutant: kfree only takes kmalloc objects (pre-6.4 SLOB) */
			if (!ref_page(f)->cache->is_kmalloc) {
				ref_warn(REF_WARN_BAD_FREE, "kfree: not a kmalloc object");
				return;
			}
		}
		if (ref_slab_obj_check(f, p, true))
			ref_slab_free(ref_page(f)->cache, f, (void *)p);
		return;
	}
	f = large_of(p);
	if (f != REF_NO_FRAME) {
		struct ref_page *pg = ref_page(f);
		if (ref_dbg())
			ref_dbg_obj_free(NULL, (void *)p, pg->req, REF_PAGE_SIZE << pg->order);
		ref_pclear(pg);
		ref_pages_free(f, pg->order);
		return;
	}
	if (REF_MUTANT(LARGE_KMALLOC_VMALLOC)) {
		if (ref_is_vmalloc_addr(p)) {
			ref_vfree(p);
			return;
		}
	}
	ref_warn(REF_WARN_BAD_FREE, "kfree: not a kmalloc allocation");
}

void ref_kvfree(const void *p)
{
	if (REF_MUTANT(KVFREE_ALWAYS_KFREE)) { /* mutant: kvfree is kfree */
		ref_kfree(p);
		return;
	}
	if (ref_is_vmalloc_addr(p))
		ref_vfree(p);
	else
		ref_kfree(p);
}

size_t ref_ksize(const void *p)
{
	if (REF_ZERO_OR_NULL(p))
		return 0;
	int32_t f = ref_slab_of(p);
	if (f != REF_NO_FRAME) {
		if (!ref_slab_obj_check(f, p, false))
			return 0;
		/* debug mode reports the exact size, like KFENCE */
		if (REF_MUTANT(KSIZE_SMALL)) { /* mutant: ksize one byte short of the request */
			if (ref_kmalloc_req_size(p) > 1)
				return ref_kmalloc_req_size(p) - 1;
		}
		return ref_dbg() ? ref_kmalloc_req_size(p) : ref_slab_ksize(ref_page(f)->cache);
	}
	f = large_of(p);
	if (REF_MUTANT(LARGE_KMALLOC_HEADER)) {
		if (f != REF_NO_FRAME)
			return (REF_PAGE_SIZE << ref_page(f)->order) - LARGE_HEADER;
	}
	if (f != REF_NO_FRAME)
		return ref_dbg() ? ref_page(f)->req : REF_PAGE_SIZE << ref_page(f)->order;
	return 0;
}

size_t ref_kmalloc_req_size(const void *p)
{
	int32_t f = ref_slab_of(p);
	if (f != REF_NO_FRAME) {
		const struct ref_cache *c = ref_page(f)->cache;
		return c->is_kmalloc ? *ref_shadow_of(p) : c->object_size;
	}
	f = large_of(p);
	if (REF_MUTANT(LARGE_KMALLOC_VMALLOC)) {
		if (f == REF_NO_FRAME && ref_is_vmalloc_addr(p))
			return ref_vmalloc_req_size(p);
	}
	return f != REF_NO_FRAME ? ref_page(f)->req : 0;
}

static void set_req_size(void *p, size_t size)
{
	int32_t f = ref_slab_of(p);
	if (f != REF_NO_FRAME) {
		if (ref_page(f)->cache->is_kmalloc)
			*ref_shadow_of(p) = (uint16_t)size;
		return;
	}
	f = large_of(p);
	if (f != REF_NO_FRAME)
		ref_page(f)->req = (uint32_t)size;
}

size_t ref_kmalloc_size_roundup(size_t size)
{
	if (REF_MUTANT(ROUNDUP_POW2)) { /* mutant: roundup ignores the 96/192 buckets */
		if (size > 64 && size <= 192)
			return size <= 128 ? 128 : 256;
	}
	if (size && size <= REF_KMALLOC_MAX_CACHE_SIZE)
		return class_size[class_of(size)];
	/* 6.1-6.5: no KMALLOC_MAX_SIZE cap, only SIZE_MAX passes through (the
	 * page shift wraps to 0 above 2^63, as unsigned long does) */
	if (size && size != SIZE_MAX && !ref_kver_ge(6, 6)) {
		unsigned o = get_order(size);
		return o + REF_PAGE_SHIFT >= 64 ? 0 : REF_PAGE_SIZE << o;
	}
	if (size && size <= REF_KMALLOC_MAX_SIZE)
		return REF_PAGE_SIZE << get_order(size);
	return size;
}

void *ref_krealloc(const void *p, size_t new_size, ref_gfp_t gfp)
{
	if (REF_MUTANT(KREALLOC_NULL_NULL)) { /* mutant: krealloc(NULL, n) returns NULL */
		if (!p)
			return NULL;
	}
	if (REF_ZERO_OR_NULL(p))
		return ref_kmalloc(new_size, gfp);
	if (new_size == 0) {
		ref_kfree(p);
		if (REF_MUTANT(KREALLOC_ZERO_NULL)) { /* mutant: krealloc(p, 0) returns NULL */
			return NULL;
		}
		return REF_ZERO_SIZE_PTR;
	}
	size_t ks = ref_ksize(p);
	if (ks == 0) {
		ref_warn(REF_WARN_BAD_FREE, "krealloc: not a live kmalloc object");
		return NULL;
	}
	size_t orig = ref_kmalloc_req_size(p);
	/* 6.12+: __GFP_ZERO zeroes what lies beyond the old size */
	bool zero = (gfp & REF_GFP_ZERO) && ref_kver_ge(6, 12);
	if (REF_MUTANT(KREALLOC_INPLACE_NO_ZERO)) { /* mutant: an in-place grow skips __GFP_ZERO */
		zero = false;
	}
	/* mutant: krealloc never resizes in place */
	if (!REF_MUTANT(KREALLOC_ALWAYS_MOVES) && new_size <= ks) {
		char *q = (char *)p;
		if (ref_dbg()) {   /* ks is the requested size: only shrinking fits */
			int32_t sf = ref_slab_of(q);
			ref_dbg_obj_shrink(sf == REF_NO_FRAME ? NULL : ref_page(sf)->cache, q, ks,
					   new_size);
			zero = false;
		}
		if (zero) {
			if (new_size > orig)
				memset(q + orig, 0, new_size - orig);
			memset(q + new_size, 0, ks - new_size);
		}
		set_req_size(q, new_size);
		return q;
	}
	void *n = ref_kmalloc(new_size, gfp);
	if (!n) {
		if (REF_MUTANT(KREALLOC_FREE_ON_FAIL)) { /* mutant: the old object is freed on failure */
			ref_kfree(p);
		}
		return NULL;
	}
	/* before 6.12 the whole old bucket was copied (callers could use it) */
	if (REF_MUTANT(KREALLOC_TAIL)) { /* mutant: the last 8 bytes of the old contents are lost */
		orig = orig > 8 ? orig - 8 : orig;
		ks = orig;
	}
	memcpy(n, p, ref_kver_ge(6, 12) ? orig : ks);
	ref_kfree(p);
	return n;
}

void *ref_krealloc_array(void *p, size_t n, size_t size, ref_gfp_t gfp)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return ref_krealloc(p, bytes, gfp);
}

void ref_kfree_sensitive(const void *p)
{
	size_t ks = ref_ksize(p);
	if (ks)
		explicit_bzero((void *)p, ks);
	ref_kfree(p);
}

void ref_kfree_bulk(size_t n, void **p)
{
	if (REF_MUTANT(KFREE_BULK_SKIP_LAST)) { /* mutant: off by one, the last entry leaks */
		if (n)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (REF_MUTANT(KFREE_BULK_SLAB_ONLY) && !REF_ZERO_OR_NULL(p[i]) &&
		    ref_slab_of(p[i]) == REF_NO_FRAME) {
			/* mutant: the bulk path takes slab objects only */
			ref_warn(REF_WARN_BAD_FREE, "kfree_bulk: not a slab object");
			continue;
		}
		ref_kfree(p[i]);
		if (REF_MUTANT(BULK_FREE_RESCHED)) { /* mutant: cond_resched() between the objects of a bulk free */
			if (ref_m.world.may_sleep)
				ref_m.world.may_sleep(ref_m.world.ctx, REF_GFP_KERNEL);
		}
	}
}
