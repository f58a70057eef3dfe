/* SPDX-License-Identifier: MIT */
/*
 * The reference allocator's own API.
 *
 * A small simulated machine: a pool of page frames (a memfd) mapped once as
 * a "linear map", split into zones (DMA, DMA32, Normal, Movable) with
 * watermarks, a buddy page allocator, SLUB-like slab caches behind kmalloc,
 * and a vmalloc range that maps order-0 frames into contiguous virtual
 * space.  This header knows nothing of kallocspec: GFP bits use the Linux
 * layout (identical to kallocspec's canonical values), everything else is
 * the allocator's own vocabulary.  ports/ref/port_ref.c adapts it.
 */
#ifndef KAS_REF_H
#define KAS_REF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t ref_gfp_t;

/* Linux GFP bit layout (include/linux/gfp_types.h, v4.15+). */
#define REF_GFP_DMA            0x01u
#define REF_GFP_HIGHMEM        0x02u
#define REF_GFP_DMA32          0x04u
#define REF_GFP_MOVABLE        0x08u
#define REF_GFP_RECLAIMABLE    0x10u
#define REF_GFP_HIGH           0x20u
#define REF_GFP_IO             0x40u
#define REF_GFP_FS             0x80u
#define REF_GFP_ZERO           0x100u
#define REF_GFP_ATOMIC         0x200u
#define REF_GFP_DIRECT_RECLAIM 0x400u
#define REF_GFP_KSWAPD_RECLAIM 0x800u
#define REF_GFP_WRITE          0x1000u
#define REF_GFP_NOWARN         0x2000u
#define REF_GFP_RETRY_MAYFAIL  0x4000u
#define REF_GFP_NOFAIL         0x8000u
#define REF_GFP_NORETRY        0x10000u
#define REF_GFP_MEMALLOC       0x20000u
#define REF_GFP_COMP           0x40000u
#define REF_GFP_NOMEMALLOC     0x80000u
#define REF_GFP_HARDWALL       0x100000u
#define REF_GFP_THISNODE       0x200000u
#define REF_GFP_ACCOUNT        0x400000u
#define REF_GFP_RECLAIM        (REF_GFP_DIRECT_RECLAIM | REF_GFP_KSWAPD_RECLAIM)
#define REF_GFP_KERNEL         (REF_GFP_RECLAIM | REF_GFP_IO | REF_GFP_FS)
#define REF_GFP_BITS_MASK      0xFFFFFFu

/* Cache creation flags (the allocator's own values). */
#define REF_SLAB_HWCACHE_ALIGN   0x001u
#define REF_SLAB_TYPESAFE_BY_RCU 0x002u
#define REF_SLAB_ACCOUNT         0x004u
#define REF_SLAB_RECLAIM_ACCOUNT 0x008u
#define REF_SLAB_PANIC           0x010u
#define REF_SLAB_POISON          0x020u
#define REF_SLAB_RED_ZONE        0x040u
#define REF_SLAB_CACHE_DMA       0x080u
#define REF_SLAB_CACHE_DMA32     0x100u
#define REF_SLAB_NO_MERGE        0x200u
#define REF_SLAB_STORE_USER      0x400u
#define REF_SLAB_PERMITTED       0x7FFu

#define REF_KVER(maj, min) ((uint32_t)(((maj) << 16) | ((min) << 8)))

#define REF_PAGE_SHIFT 12
#define REF_PAGE_SIZE ((size_t)1 << REF_PAGE_SHIFT)
#define REF_MAX_PAGE_ORDER 10
#define REF_KMALLOC_MAX_CACHE_SIZE ((size_t)8192)
#define REF_KMALLOC_MAX_SIZE (REF_PAGE_SIZE << REF_MAX_PAGE_ORDER)
#define REF_ZERO_SIZE_PTR ((void *)16)
#define REF_ZERO_OR_NULL(p) ((uintptr_t)(p) <= (uintptr_t)16)

enum ref_warn {
	REF_WARN_OTHER = 0,
	REF_WARN_ALLOC_FAILURE,
	REF_WARN_NOFAIL_MISUSE,
	REF_WARN_BAD_FLAGS,
	REF_WARN_BAD_FREE,
	REF_WARN_DESTROY_LIVE,
	REF_WARN_ZERO_SIZE,
	REF_WARN_TOO_LARGE,
	REF_WARN_DOUBLE_FREE,
};

/* Which inner allocator an allocation is entering (reported to the world). */
enum ref_attempt {
	REF_ATTEMPT_NONE = 0,
	REF_ATTEMPT_KMALLOC,
	REF_ATTEMPT_VMALLOC,
	REF_ATTEMPT_SLAB_PAGE,
	REF_ATTEMPT_PAGES,
	REF_ATTEMPT_VMALLOC_PAGES,
	REF_ATTEMPT_LARGE_KMALLOC,
};

/*
 * The rest of the simulated kernel, as seen by the allocator: every member
 * may be NULL.  Reclaim callbacks may free memory back through this
 * allocator's own free functions; the allocator holds none of its locks
 * while it calls them.
 */
struct ref_world {
	void *ctx;
	ref_gfp_t (*gfp_context)(void *ctx, ref_gfp_t gfp);            /* current_gfp_context */
	void (*wake_kswapd)(void *ctx, ref_gfp_t gfp, unsigned order, size_t pages);
	size_t (*direct_reclaim)(void *ctx, ref_gfp_t gfp, unsigned order, size_t pages);
	bool (*oom_kill)(void *ctx, ref_gfp_t gfp, unsigned order);
	void (*use_reserves)(void *ctx, ref_gfp_t gfp, unsigned order);
	void (*may_sleep)(void *ctx, ref_gfp_t gfp);
	bool (*memcg_charge)(void *ctx, ref_gfp_t gfp, size_t pages);
	void (*memcg_uncharge)(void *ctx, size_t pages);
	void (*call_rcu)(void *ctx, void (*fn)(void *arg), void *arg);
	void (*alloc_attempt)(void *ctx, enum ref_attempt what, ref_gfp_t gfp, unsigned order);
};

struct ref_config {
	uint32_t kver;            /* REF_KVER(major, minor) to behave like */
	size_t pool_bytes;        /* 0 = 64 MiB; clamped to [1 MiB, 2 GiB] */
	void (*warn)(void *ctx, enum ref_warn kind, const char *text);
	void *warn_ctx;
	const struct ref_world *world;   /* NULL: a machine alone (no reclaim sources) */
};

/* Machine lifetime.  ref_init resets everything (cheap after the first
 * call); ref_fini drops every live object.  Returns 0 on success. */
int ref_init(const struct ref_config *cfg);
void ref_fini(void);

/* Entry of an allocating call from outside (the port adapter calls it once
 * per call with the caller's gfp): asks the world for the task's scopes
 * (current_gfp_context) and applies them inside the page allocator, as the
 * kernel does, until the next ref_call_enter on this thread. */
void ref_call_enter(ref_gfp_t gfp);

/* kmalloc family */
void *ref_kmalloc(size_t size, ref_gfp_t gfp);
void *ref_kmalloc_array(size_t n, size_t size, ref_gfp_t gfp);
void *ref_krealloc(const void *p, size_t new_size, ref_gfp_t gfp);
void *ref_krealloc_array(void *p, size_t n, size_t size, ref_gfp_t gfp);
void ref_kfree(const void *p);
void ref_kvfree(const void *p);
size_t ref_ksize(const void *p);
size_t ref_kmalloc_size_roundup(size_t size);
void ref_kfree_sensitive(const void *p);
void ref_kfree_bulk(size_t n, void **p);

/* slab caches */
struct ref_cache;
struct ref_cache *ref_cache_create(const char *name, unsigned int size, unsigned int align,
				   uint32_t flags, unsigned int useroffset, unsigned int usersize,
				   void (*ctor)(void *));
void *ref_cache_alloc(struct ref_cache *c, ref_gfp_t gfp);
void ref_cache_free(struct ref_cache *c, void *obj);
void ref_cache_destroy(struct ref_cache *c);
int ref_cache_alloc_bulk(struct ref_cache *c, ref_gfp_t gfp, size_t n, void **p);
void ref_cache_free_bulk(struct ref_cache *c, size_t n, void **p);

/* vmalloc */
void *ref_vmalloc(size_t size, size_t align, ref_gfp_t gfp);
void *ref_vrealloc(const void *p, size_t size, ref_gfp_t gfp);
void ref_vfree(const void *p);
bool ref_is_vmalloc_addr(const void *p);

/* kvmalloc */
void *ref_kvmalloc(size_t size, ref_gfp_t gfp);
void *ref_kvmalloc_array(size_t n, size_t size, ref_gfp_t gfp);
void *ref_kvrealloc(const void *p, size_t old_size, size_t new_size, ref_gfp_t gfp);

/* RCU-deferred frees (through the world's call_rcu; immediate without one) */
void ref_kfree_rcu(void *p);
void ref_kvfree_rcu(void *p);
/* the two-argument form: the struct rcu_head at p + head_offset is the
 * record (rcu_head.c); never allocates or sleeps */
void ref_kvfree_rcu_head(void *p, size_t head_offset);
/* hardened usercopy (check_heap_object): may n bytes at p be copied? */
bool ref_usercopy_check(const void *p, size_t n);

/* page allocator (addresses in the linear map) */
void *ref_alloc_pages(ref_gfp_t gfp, unsigned int order);
unsigned long ref_get_free_pages(ref_gfp_t gfp, unsigned int order);
void ref_free_pages(unsigned long addr, unsigned int order);
void *ref_alloc_pages_exact(size_t size, ref_gfp_t gfp);
void ref_free_pages_exact(void *p, size_t size);

/* overflow helpers (saturating at SIZE_MAX) */
size_t ref_size_mul(size_t a, size_t b);
size_t ref_size_add(size_t a, size_t b);
size_t ref_size_sub(size_t a, size_t b);
size_t ref_array3_size(size_t a, size_t b, size_t c);
size_t ref_struct_size(size_t header, size_t elem, size_t count);

/* observations */
uint64_t ref_virt_to_phys(const void *p);   /* UINT64_MAX when unknown */
int ref_page_zone(const void *p);            /* 0 DMA, 1 DMA32, 2 Normal, 3 Movable; -1 unknown */

/* Introspection for tests and the bench. */
struct ref_stats {
	size_t total_pages;       /* frames in the pool */
	size_t free_pages;        /* frames on buddy free lists */
	size_t zone_free[4];      /* per zone: DMA, DMA32, Normal, Movable */
	size_t zone_pages[4];
	size_t slab_pages;        /* frames held by slabs */
	size_t vmalloc_pages;     /* frames mapped by vmalloc areas */
	size_t live_objects;      /* slab objects allocated */
};
void ref_get_stats(struct ref_stats *st);
/* Release empty slabs of every cache back to the buddy allocator (after
 * flushing the calling thread's kmalloc magazines). */
void ref_shrink_slabs(void);
/* Debug mode for the following inits (overrides KAS_REF_DEBUG in the
 * environment); no effect unless built with KAS_REF_DEBUG. */
void ref_set_debug(bool on);

#ifdef __cplusplus
}
#endif
#endif
