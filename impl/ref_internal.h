/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the reference allocator's files.
 *
 * Memory layout of the simulated machine
 * --------------------------------------
 * Frames 0..nr_frames-1 live in one memfd, mapped once at `linear` (aligned
 * to 4 MiB = PAGE_SIZE << MAX_PAGE_ORDER) so that a naturally aligned block
 * of order n has a virtual address aligned to PAGE_SIZE << n, like the
 * kernel's direct map.  Frames are grouped into zones in this order:
 *
 *   [ DMA | DMA32 | Normal | Movable ]     (frame numbers ascending)
 *
 * and each zone has a simulated physical base so that
 *   phys(frame) = zone->phys_offset + frame * PAGE_SIZE
 * with phys_offset a multiple of 4 MiB (so physical alignment equals
 * virtual alignment):  DMA at 8 MiB (the zone is at most 8 MiB, so it stays
 * below 16 MiB), DMA32 at 1 GiB (below 4 GiB for pools up to 2 GiB),
 * Normal and Movable at 4 GiB.
 *
 * Page descriptors (struct ref_page) live in an mmap'ed array, one per
 * frame.  A descriptor is only meaningful when its `gen` equals the
 * machine's generation: ref_init bumps the generation, which invalidates
 * every descriptor in O(1) instead of clearing the array.
 *
 * A "shadow" array holds one uint16_t per 8-byte granule of the linear map:
 * the requested size of the slab object starting there (0 = free slot).
 * It is how kfree tells a live object from garbage and how krealloc knows
 * the requested size.
 */
#ifndef KAS_REF_INTERNAL_H
#define KAS_REF_INTERNAL_H

#include "ref.h"
#include "ref_mutant.h"

#include <stdatomic.h>
#include <pthread.h>

#define REF_NR_ZONES 4
enum { ZONE_DMA = 0, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE };

#define REF_NR_ORDERS (REF_MAX_PAGE_ORDER + 1)
#define REF_NO_FRAME (-1)
#define REF_SHADOW_SHIFT 3               /* one shadow entry per 8 bytes */

/* page descriptor flags */
#define PG_BUDDY      0x01u   /* head of a free block on a buddy list */
#define PG_HEAD       0x02u   /* head of an allocated block (alloc_pages) */
#define PG_SLAB       0x04u   /* head of a slab */
#define PG_SLAB_TAIL  0x08u   /* non-head frame of a slab: `head` is valid */
#define PG_LARGE_KMALLOC 0x10u/* head of a large kmalloc block */
#define PG_VMALLOC    0x20u   /* order-0 frame mapped by a vmalloc area */

struct ref_cache;

struct ref_page {
	uint32_t gen;
	uint16_t flags;
	uint8_t order;        /* block order (free head, allocated head, slab) */
	uint8_t zone;
	int32_t next, prev;   /* buddy free list or cache partial list */
	int32_t head;         /* slab tail: frame of the slab head */
	uint32_t req;         /* large kmalloc: requested size */
	/* slab head only */
	struct ref_cache *cache;
	void *freelist;       /* first free object */
	uint32_t inuse;       /* objects allocated from this slab */
	uint32_t accounted;   /* block head: charged to the memcg (__GFP_ACCOUNT) */
};

struct ref_free_area {
	int32_t head;
	uint32_t nr;
};

struct ref_zone {
	const char *name;
	int32_t first, end;           /* frames [first, end) */
	uint64_t phys_offset;
	size_t pages;
	size_t free;
	size_t wmark_min, wmark_low, wmark_high;
	size_t lowmem_reserve[REF_NR_ZONES]; /* kept free from requests whose highest zone is j */
	struct ref_free_area area[REF_NR_ORDERS];
};

struct ref_machine {
	bool ready;
	int memfd;
	size_t cap_frames;            /* frames the memfd and maps were built for */
	char *linear;                 /* linear map base (4 MiB aligned) */
	char *linear_reserve;         /* what mmap returned (for munmap) */
	size_t linear_reserve_len;
	struct ref_page *pages;       /* descriptors [cap_frames] */
	uint16_t *shadow;             /* [cap_frames * PAGE_SIZE >> 3] */
	uint32_t gen;
	size_t nr_frames;             /* frames used by this trace */
	struct ref_zone zones[REF_NR_ZONES];
	/* configuration of the current trace */
	struct ref_world world;       /* all-NULL when the config gave none */
	uint32_t kver;
	void (*warn)(void *ctx, enum ref_warn kind, const char *text);
	void *warn_ctx;
	pthread_mutex_t lock;         /* the zone lock: buddy lists and counters */
};

extern struct ref_machine ref_m;

/* ---- phys.c ---- */
int ref_phys_setup(size_t frames);        /* create/grow memfd + maps */
static inline char *ref_frame_addr(int32_t f)
{
	return ref_m.linear + ((size_t)f << REF_PAGE_SHIFT);
}
/* frame containing p, or REF_NO_FRAME when p is outside the linear map */
static inline int32_t ref_addr_frame(const void *p)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)ref_m.linear;
	if (a < b || a - b >= (ref_m.nr_frames << REF_PAGE_SHIFT))
		return REF_NO_FRAME;
	return (int32_t)((a - b) >> REF_PAGE_SHIFT);
}
static inline struct ref_page *ref_page(int32_t f)
{
	return &ref_m.pages[f];
}
/* Descriptor flags, 0 when the descriptor is stale.  Flags are read without
 * locks (kfree looks up the slab of a pointer; buddy merging peeks at a
 * neighbour that may belong to another thread), hence relaxed atomics;
 * the other fields are only read once the flags say who owns the frame. */
static inline uint16_t ref_pflags(const struct ref_page *pg)
{
	if (__atomic_load_n(&pg->gen, __ATOMIC_RELAXED) != ref_m.gen)
		return 0;
	return __atomic_load_n(&pg->flags, __ATOMIC_ACQUIRE);
}
static inline void ref_pset(struct ref_page *pg, uint16_t flags)
{
	__atomic_store_n(&pg->gen, ref_m.gen, __ATOMIC_RELAXED);
	__atomic_store_n(&pg->flags, flags, __ATOMIC_RELEASE);
}
static inline void ref_pclear(struct ref_page *pg)
{
	__atomic_store_n(&pg->flags, 0, __ATOMIC_RELEASE);
}
static inline uint16_t *ref_shadow_of(const void *p)
{
	return &ref_m.shadow[((uintptr_t)p - (uintptr_t)ref_m.linear) >> REF_SHADOW_SHIFT];
}
uint64_t ref_frame_phys(int32_t f);
void ref_warn(enum ref_warn kind, const char *text);

/* ---- zone.c ---- */
void ref_zones_layout(size_t frames);
/* zones an allocation with gfp may use, highest first; returns the count */
int ref_zonelist(ref_gfp_t gfp, int out[REF_NR_ZONES]);
int ref_gfp_highest_zone(ref_gfp_t gfp);
/* watermark check: may `order` be taken from z leaving `mark` (+ reserve)? */
bool ref_zone_watermark_ok(const struct ref_zone *z, unsigned order, size_t mark, int highest);

/* ---- buddy.c ---- */
void ref_buddy_reset(void);
/* take a block of 2^order frames from zone z, REF_NO_FRAME if none */
int32_t ref_buddy_take(struct ref_zone *z, unsigned order);
void ref_buddy_give(int32_t frame, unsigned order);
/* the page allocator proper: frame of the block or REF_NO_FRAME */
int32_t ref_pages_alloc(ref_gfp_t gfp, unsigned order);
void ref_pages_free(int32_t frame, unsigned order);
/* alloc_pages_bulk / release_pages for order-0 pages (buddy.c) */
size_t ref_pages_alloc_bulk(ref_gfp_t gfp, size_t n, int32_t *out);
void ref_pages_free_bulk(const int32_t *frames, size_t n);

/* ---- slowpath.c ---- reclaim, kswapd, OOM through the world.  Called
 * WITHOUT the zone lock (it takes it around each free-list attempt). */
int32_t ref_slowpath(ref_gfp_t gfp, unsigned order, const int *zl, int nz);
/* free-list attempt at a watermark (lock held by the caller) */
int32_t ref_try_zones(const int *zl, int nz, unsigned order, int mark_kind,
		      bool *used_reserves);
#define REF_MARK_LOW 0
#define REF_MARK_MIN 1
#define REF_MARK_HIGH 2
#define REF_MARK_MIN_HALF 3   /* __GFP_HIGH / ALLOC_MIN_RESERVE */
#define REF_MARK_NONE 4       /* __GFP_MEMALLOC / ALLOC_NO_WATERMARKS */

/* ---- world.c ---- */
ref_gfp_t ref_scoped(ref_gfp_t gfp);          /* gfp with the current call's scopes */
bool ref_scope_noreclaim(void);               /* PF_MEMALLOC (memalloc_noreclaim scope) */
void ref_rcu_reset(void);
/* memcg charges of SLAB_ACCOUNT objects in bytes, through a byte stock
 * like obj_cgroup_charge (whole pages reach the world's memcg hook) */
void ref_objcg_reset(void);
bool ref_objcg_charge(ref_gfp_t gfp, size_t bytes);
void ref_objcg_uncharge(size_t bytes);
/* free c's objects whose kfree_rcu is still pending (kvfree_rcu_barrier) */
void ref_rcu_barrier_cache(const struct ref_cache *c);
/* ---- rcu_head.c: the two-argument kfree_rcu's pending heads ---- */
void ref_rcu_head_reset(void);
void ref_rcu_head_barrier_cache(const struct ref_cache *c);
static inline void ref_attempt(enum ref_attempt what, ref_gfp_t gfp, unsigned order)
{
	if (ref_m.world.alloc_attempt)
		ref_m.world.alloc_attempt(ref_m.world.ctx, what, gfp, order);
}

/* ---- slab.c / cache.c / pcp.c ---- */
struct ref_cache {
	char name[32];
	uint32_t object_size;   /* requested size */
	uint32_t size;          /* stride between objects */
	uint32_t align;
	uint32_t offset;        /* free pointer offset inside the stride */
	uint32_t flags;
	uint32_t useroffset, usersize;
	uint32_t objects;       /* per slab */
	uint32_t recip;         /* ceil(2^32 / size): offset -> index without dividing */
	uint8_t order;          /* slab order */
	bool is_kmalloc;
	bool leaked;            /* destroyed with live objects: kept alive */
	int8_t pcp_index;       /* per-thread magazine slot, -1 = none */
	ref_gfp_t slab_gfp;     /* zone bits for new slabs */
	void (*ctor)(void *);
	pthread_mutex_t lock;   /* partial list, slab free lists, counters */
	int32_t partial;        /* head frame of the partial list */
	uint32_t nr_partial;
	size_t live;            /* objects handed out of slabs (incl. magazines) */
	size_t nr_slabs;
	struct ref_cache *next; /* all caches */
};

void ref_slab_reset(void);
void ref_cache_setup(struct ref_cache *c, const char *name, unsigned size, unsigned align,
		     uint32_t flags, void (*ctor)(void *));
void ref_cache_link(struct ref_cache *c);
void ref_cache_unlink(struct ref_cache *c);
void ref_cache_boot(void);
/* slab head frame of the slab containing p, or REF_NO_FRAME */
int32_t ref_slab_of(const void *p);
/* is p a live object of the slab at frame `head`?  Reports through warn
 * (BAD_FREE / DOUBLE_FREE) when `report` and it is not. */
bool ref_slab_obj_check(int32_t head, const void *p, bool report);
void *ref_slab_alloc(struct ref_cache *c, ref_gfp_t gfp, size_t req);
void ref_slab_free(struct ref_cache *c, int32_t head, void *p);
void *ref_slab_get(struct ref_cache *c, ref_gfp_t gfp);
void ref_slab_put(struct ref_cache *c, void **objs, size_t n);
void ref_shrink_cache(struct ref_cache *c, bool wait);
size_t ref_slab_ksize(const struct ref_cache *c);
bool ref_cache_poisons(const struct ref_cache *c);
size_t ref_slab_pages(void);
size_t ref_slab_live(void);
size_t ref_slab_get_batch(struct ref_cache *c, ref_gfp_t gfp, void **out, size_t n);
void *ref_pcp_alloc(struct ref_cache *c, ref_gfp_t gfp);
bool ref_pcp_push(struct ref_cache *c, void *obj);
void ref_pcp_flush_this_thread(void);

/* ---- debug.c ---- */
#define REF_POISON_FREE 0x6b
#define REF_REDZONE 0xcc
#ifdef KAS_REF_DEBUG
extern bool ref_debug_on;
static inline bool ref_dbg(void) { return ref_debug_on; }
void ref_dbg_reset(void);
void ref_dbg_open(const void *p, size_t n);
void ref_dbg_close(const void *p, size_t n);
void ref_dbg_pages_alloc(const void *p, size_t n);
void ref_dbg_pages_free(const void *p, size_t n);
void ref_dbg_obj_alloc(const struct ref_cache *c, void *obj, size_t req, size_t slot,
		       bool defined);
void ref_dbg_obj_free(const struct ref_cache *c, void *obj, size_t req, size_t slot);
void ref_dbg_obj_shrink(const struct ref_cache *c, void *obj, size_t old, size_t new_size);
#else
static inline bool ref_dbg(void) { return false; }
static inline void ref_dbg_reset(void) {}
static inline void ref_dbg_open(const void *p, size_t n) { (void)p; (void)n; }
static inline void ref_dbg_close(const void *p, size_t n) { (void)p; (void)n; }
static inline void ref_dbg_pages_alloc(const void *p, size_t n) { (void)p; (void)n; }
static inline void ref_dbg_pages_free(const void *p, size_t n) { (void)p; (void)n; }
static inline void ref_dbg_obj_alloc(const struct ref_cache *c, void *obj, size_t req,
				     size_t slot, bool defined)
{ (void)c; (void)obj; (void)req; (void)slot; (void)defined; }
static inline void ref_dbg_obj_free(const struct ref_cache *c, void *obj, size_t req, size_t slot)
{ (void)c; (void)obj; (void)req; (void)slot; }
static inline void ref_dbg_obj_shrink(const struct ref_cache *c, void *obj, size_t old,
				      size_t new_size)
{ (void)c; (void)obj; (void)old; (void)new_size; }
#endif

/* ---- kmalloc.c ---- */
void ref_kmalloc_reset(void);
size_t ref_kmalloc_req_size(const void *p);  /* requested size of a live kmalloc object */

/* ---- vmalloc.c ---- */
int ref_vmalloc_setup(size_t pool_bytes);
void ref_vmalloc_reset(void);
uint64_t ref_vmalloc_phys(const void *p);
size_t ref_vmalloc_pages(void);
size_t ref_vmalloc_req_size(const void *p);
/* offset of p in its vmalloc area and the area's length; false if none */
bool ref_vmalloc_area_span(const void *p, size_t *off, size_t *len);

static inline bool ref_kver_ge(uint32_t maj, uint32_t min)
{
	return ref_m.kver >= REF_KVER(maj, min);
}

#endif
