/* SPDX-License-Identifier: MIT */
/*
 * SLUB-like slab caches: the mechanics (the kmem_cache API is cache.c).
 *
 * A slab is a naturally aligned block of 2^order frames cut into `objects`
 * objects placed at multiples of the stride from the slab start (so an
 * object's alignment is the largest power of two dividing the stride, which
 * gives kmalloc its natural alignment and kmalloc-96/192 their 32/64).  The
 * slab's state lives in the head frame's page descriptor: owning cache,
 * free list, objects in use.  Free objects are chained through a free
 * pointer stored inside the object (offset 0), or just after the object for
 * caches whose free objects must keep their contents (constructor caches
 * and SLAB_TYPESAFE_BY_RCU), like SLUB.
 *
 * Each cache keeps a list of partial slabs (some objects free) under its
 * lock.  Full slabs are on no list; a slab that becomes empty is released
 * to the buddy allocator unless it is the cache's only partial slab.  New
 * slabs are allocated and constructed without the cache lock held (the
 * constructor may do anything; the page allocator may reclaim slabs).  The
 * constructor runs on every object when a slab is populated, never per
 * allocation.  kmalloc caches additionally have per-thread magazines
 * (pcp.c) in front of them.
 */
#include "ref_internal.h"

#include <string.h>

static struct ref_cache *all_caches;
static pthread_mutex_t caches_lock = PTHREAD_MUTEX_INITIALIZER;

void ref_cache_link(struct ref_cache *c)
{
	pthread_mutex_lock(&caches_lock);
	c->next = all_caches;
	all_caches = c;
	pthread_mutex_unlock(&caches_lock);
}

void ref_cache_unlink(struct ref_cache *c)
{
	pthread_mutex_lock(&caches_lock);
	for (struct ref_cache **pp = &all_caches; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&caches_lock);
}

void ref_slab_reset(void)
{
	all_caches = NULL;
}

static uint32_t pow2_roundup(uint32_t v)
{
	uint32_t p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

/* kernel calculate_alignment(), plus rounding odd alignments up to a power
 * of two so that placing objects at stride multiples honours them. */
static uint32_t calc_align(uint32_t flags, uint32_t align, uint32_t size)
{
	if (REF_MUTANT(HWCACHE_IGNORED)) { /* mutant: SLAB_HWCACHE_ALIGN has no effect */
		flags &= ~REF_SLAB_HWCACHE_ALIGN;
	}
	if (flags & REF_SLAB_HWCACHE_ALIGN) {
		uint32_t ralign = 64;
		while (size <= ralign / 2)
			ralign /= 2;
		if (align < ralign)
			align = ralign;
	}
	if (REF_MUTANT(CACHE_ALIGN_IGNORED)) { /* mutant: the caller's align is dropped */
		align = (flags & REF_SLAB_HWCACHE_ALIGN) ? align : 0;
	}
	if (align < 8)
		align = 8;
	align = (align + 7) & ~7u;
	return pow2_roundup(align);
}

void ref_cache_setup(struct ref_cache *c, const char *name, unsigned size, unsigned align,
		     uint32_t flags, void (*ctor)(void *))
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	if (name)
		strncpy(c->name, name, sizeof(c->name) - 1);
	c->object_size = size;
	c->flags = flags;
	c->ctor = ctor;
	c->pcp_index = -1;
	c->align = calc_align(flags, align, size);
	uint32_t inner = (size + 7) & ~7u;
	if (inner == 0)
		inner = 8;
	if (ctor || (flags & REF_SLAB_TYPESAFE_BY_RCU)) {
		c->offset = inner;            /* free pointer after the object */
		inner += sizeof(void *);
	} else {
		c->offset = 0;
	}
	c->size = (inner + c->align - 1) & ~(c->align - 1);
	c->recip = (uint32_t)((((uint64_t)1 << 32) + c->size - 1) / c->size);
	c->objects = 0;
	for (unsigned o = 0; o <= REF_MAX_PAGE_ORDER; o++) {
		size_t bytes = REF_PAGE_SIZE << o;
		size_t n = bytes / c->size;
		if (n == 0 || c->align > bytes)
			continue;
		if (n >= 4 || o >= 3) {
			c->order = (uint8_t)o;
			c->objects = (uint32_t)n;
			break;
		}
	}
	if (REF_MUTANT(DMA_CACHE_NORMAL_ZONE)) { /* mutant: dma caches take Normal pages */
		flags &= ~REF_SLAB_CACHE_DMA;
	}
	if (REF_MUTANT(CACHE_DMA32_IGNORED)) { /* mutant: calculate_sizes forgets SLAB_CACHE_DMA32 */
		flags &= ~REF_SLAB_CACHE_DMA32;
	}
	c->slab_gfp = (flags & REF_SLAB_CACHE_DMA) ? REF_GFP_DMA
		    : (flags & REF_SLAB_CACHE_DMA32) ? REF_GFP_DMA32 : 0;
	if (flags & REF_SLAB_RECLAIM_ACCOUNT)
		c->slab_gfp |= REF_GFP_RECLAIMABLE;   /* s->allocflags, like kmalloc-rcl */
	c->partial = REF_NO_FRAME;
}

static inline void *get_fp(const struct ref_cache *c, void *obj)
{
	void *fp, *at = (char *)obj + c->offset;
	if (ref_dbg())
		ref_dbg_open(at, sizeof(fp));
	memcpy(&fp, at, sizeof(fp));
	if (ref_dbg())
		ref_dbg_close(at, sizeof(fp));
	return fp;
}

static inline void set_fp(const struct ref_cache *c, void *obj, void *fp)
{
	void *at = (char *)obj + c->offset;
	if (ref_dbg())
		ref_dbg_open(at, sizeof(fp));
	memcpy(at, &fp, sizeof(fp));
	if (ref_dbg())
		ref_dbg_close(at, sizeof(fp));
}

static void partial_add(struct ref_cache *c, int32_t f)
{
	struct ref_page *pg = ref_page(f);
	pg->prev = REF_NO_FRAME;
	pg->next = c->partial;
	if (c->partial != REF_NO_FRAME)
		ref_page(c->partial)->prev = f;
	c->partial = f;
	c->nr_partial++;
}

static void partial_del(struct ref_cache *c, int32_t f)
{
	struct ref_page *pg = ref_page(f);
	if (pg->prev != REF_NO_FRAME)
		ref_page(pg->prev)->next = pg->next;
	else
		c->partial = pg->next;
	if (pg->next != REF_NO_FRAME)
		ref_page(pg->next)->prev = pg->prev;
	c->nr_partial--;
}

bool ref_cache_poisons(const struct ref_cache *c)
{
	return c->offset == 0;   /* free objects carry no contents worth keeping */
}

/* Allocate and construct a slab; no lock held. */
static int32_t new_slab(struct ref_cache *c, ref_gfp_t gfp)
{
	/* GFP_SLAB_BUG_MASK: the kernel fixes these up (loudly) per new slab */
	if (gfp & (REF_GFP_DMA32 | REF_GFP_HIGHMEM | ~REF_GFP_BITS_MASK)) {
		ref_warn(REF_WARN_BAD_FLAGS, "Unexpected gfp. Fix your code!");
		gfp &= ~(REF_GFP_DMA32 | REF_GFP_HIGHMEM | ~REF_GFP_BITS_MASK);
	}
	/* the caller's zone and mobility bits do not reach the slab page: the
	 * cache's own allocflags decide (dma-kmalloc over kmalloc-rcl, ZONE-2) */
	ref_gfp_t sg = (gfp & ~(REF_GFP_DMA | REF_GFP_DMA32 | REF_GFP_HIGHMEM | REF_GFP_MOVABLE |
				REF_GFP_RECLAIMABLE | REF_GFP_ZERO)) | c->slab_gfp | REF_GFP_COMP;
	if (c->flags & REF_SLAB_ACCOUNT)
		sg &= ~REF_GFP_ACCOUNT;   /* objects are charged one by one (ACCOUNT-2) */
	ref_attempt(REF_ATTEMPT_SLAB_PAGE, sg, c->order);
	int32_t f = ref_pages_alloc(sg, c->order);
	if (f == REF_NO_FRAME)
		return f;
	char *base = ref_frame_addr(f);
	size_t bytes = REF_PAGE_SIZE << c->order;
	memset(ref_shadow_of(base), 0, (bytes >> REF_SHADOW_SHIFT) * sizeof(uint16_t));
	void *next = NULL;
	for (uint32_t i = c->objects; i-- > 0;) {
		char *obj = base + (size_t)i * c->size;
		if (c->ctor)
			c->ctor(obj);
		else if (REF_MUTANT(KZALLOC_RECYCLED) && (!ref_cache_poisons(c) || !ref_dbg()))
			memset(obj, 0, c->size); /* mutant: fresh slabs are zeroed, so __GFP_ZERO is skipped */
		else if (ref_dbg() && ref_cache_poisons(c))
			memset(obj, REF_POISON_FREE, ref_slab_ksize(c));
		memcpy(obj + c->offset, &next, sizeof(next));
		next = obj;
	}
	if (ref_dbg())
		ref_dbg_close(base, bytes);
	struct ref_page *head = ref_page(f);
	head->order = c->order;
	head->cache = c;
	head->inuse = 0;
	head->freelist = next;
	for (int32_t i = 1; i < (1 << c->order); i++) {
		struct ref_page *t = ref_page(f + i);
		t->head = f;
		ref_pset(t, PG_SLAB_TAIL);
	}
	ref_pset(head, PG_SLAB);
	return f;
}

/* The grace period of a SLAB_TYPESAFE_BY_RCU slab ended: its pages may go
 * to anyone now.  arg packs frame << 8 | order (no memory to allocate). */
static void free_slab_rcu(void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	ref_pages_free((int32_t)(v >> 8), (unsigned)(v & 0xff));
}

static void discard_slab(struct ref_cache *c, int32_t f)
{
	for (int32_t i = 0; i < (1 << c->order); i++)
		ref_pclear(ref_page(f + i));
	/* SLAB_TYPESAFE_BY_RCU: readers may still look at freed objects, so the
	 * pages stay out of the page allocator until a grace period (CACHE-6);
	 * the object memory itself is reused by this cache at once */
	/* mutant: empty SLAB_TYPESAFE_BY_RCU slabs skip the grace period */
	if (!REF_MUTANT(TYPESAFE_SLAB_FREED_AT_ONCE) && (c->flags & REF_SLAB_TYPESAFE_BY_RCU) &&
	    ref_m.world.call_rcu) {
		ref_m.world.call_rcu(ref_m.world.ctx, free_slab_rcu,
				     (void *)((uintptr_t)f << 8 | c->order));
		return;
	}
	ref_pages_free(f, c->order);
}

/* Take up to n objects (at least one unless memory is short) from the
 * cache's slabs, making a slab if there is no partial one. */
size_t ref_slab_get_batch(struct ref_cache *c, ref_gfp_t gfp, void **out, size_t n)
{
	size_t got = 0;
	pthread_mutex_lock(&c->lock);
	while (c->partial == REF_NO_FRAME) {
		pthread_mutex_unlock(&c->lock);
		int32_t nf = new_slab(c, gfp);
		if (nf == REF_NO_FRAME)
			return 0;
		pthread_mutex_lock(&c->lock);
		partial_add(c, nf);
		__atomic_store_n(&c->nr_slabs, c->nr_slabs + 1, __ATOMIC_RELAXED);
	}
	while (got < n && c->partial != REF_NO_FRAME) {
		int32_t f = c->partial;
		struct ref_page *pg = ref_page(f);
		char *obj = pg->freelist;
		pg->freelist = get_fp(c, obj);
		if (++pg->inuse == c->objects)
			partial_del(c, f);
		out[got++] = obj;
	}
	c->live += got;
	pthread_mutex_unlock(&c->lock);
	return got;
}

void *ref_slab_get(struct ref_cache *c, ref_gfp_t gfp)
{
	void *obj;
	return ref_slab_get_batch(c, gfp, &obj, 1) ? obj : NULL;
}

/* Return objects to their slabs (all of cache c) under one lock hold. */
void ref_slab_put(struct ref_cache *c, void **objs, size_t n)
{
	int32_t empty[16];
	size_t ne = 0;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < n; i++) {
		void *obj = objs[i];
		int32_t f = ref_slab_of(obj);
		struct ref_page *pg = ref_page(f);
		set_fp(c, obj, pg->freelist);
		pg->freelist = obj;
		if (pg->inuse-- == c->objects)
			partial_add(c, f);
		c->live--;
		if (pg->inuse == 0 && c->nr_partial > 1 && ne < 16) {
			partial_del(c, f);
			__atomic_store_n(&c->nr_slabs, c->nr_slabs - 1, __ATOMIC_RELAXED);
			empty[ne++] = f;
		}
	}
	pthread_mutex_unlock(&c->lock);
	for (size_t i = 0; i < ne; i++)
		discard_slab(c, empty[i]);
}

void *ref_slab_alloc(struct ref_cache *c, ref_gfp_t gfp, size_t req)
{
	void *obj;
	/* SLAB_ACCOUNT: every object is charged, whatever the gfp */
	bool acct = (c->flags & REF_SLAB_ACCOUNT) != 0;
	if (REF_MUTANT(SLAB_ACCOUNT_NEEDS_GFP)) { /* mutant: SLAB_ACCOUNT objects charged only with __GFP_ACCOUNT (&& for ||) */
		acct = acct && (gfp & REF_GFP_ACCOUNT);
	}
	if (acct && !ref_objcg_charge(gfp, c->size))
		return NULL;
	if (c->pcp_index >= 0 && !ref_dbg())
		obj = ref_pcp_alloc(c, gfp);
	else
		obj = ref_slab_get(c, gfp);
	if (!obj) {
		if (acct)
			ref_objcg_uncharge(c->size);
		return NULL;
	}
	*ref_shadow_of(obj) = (uint16_t)(req == 0 ? 1 : req > 0xFFFF ? 0xFFFF : req);
	size_t zero = ref_slab_ksize(c);
	if (ref_dbg()) {
		ref_dbg_obj_alloc(c, obj, req, zero, c->offset != 0);
		zero = req;
	}
	if (REF_MUTANT(CTOR_PER_ALLOC)) { /* mutant: the ctor runs on every allocation */
		if (c->ctor)
			c->ctor(obj);
	}
	/* mutant KZALLOC_RECYCLED: only ctor caches zero on allocation */
	if ((gfp & REF_GFP_ZERO) && (!REF_MUTANT(KZALLOC_RECYCLED) || c->ctor))
		memset(obj, 0, zero);
	if (REF_MUTANT(ALLOC_TAG_BELOW) && (size_t)((char *)obj - ref_frame_addr(ref_slab_of(obj))) >= c->size)
		((char *)obj)[-1] ^= 0x5A; /* mutant: a one-byte tag written into the end of the slot below */
	if (REF_MUTANT(KZALLOC_OVERRUN) && (gfp & REF_GFP_ZERO)) {
		/* mutant: the zeroing runs 8 bytes into the next object of the slab */
		int32_t f = ref_slab_of(obj);
		const char *end = ref_frame_addr(f) + (size_t)c->objects * c->size;
		if ((char *)obj + c->size + 8 <= end)
			memset((char *)obj + c->size, 0, 8);
	}
	return obj;
}

void ref_slab_free(struct ref_cache *c, int32_t f, void *obj)
{
	if (ref_dbg())
		ref_dbg_obj_free(c, obj, c->is_kmalloc ? *ref_shadow_of(obj) : c->object_size,
				 ref_slab_ksize(c));
	*ref_shadow_of(obj) = 0;
	if (c->flags & REF_SLAB_ACCOUNT)
		ref_objcg_uncharge(c->size);
	if (REF_MUTANT(FREE_DOUBLE_PUSH) && c->pcp_index >= 0 && !ref_dbg() &&
	    (char *)obj == ref_frame_addr(f))
		ref_pcp_push(c, obj); /* mutant: the first object of a slab is freed twice over */
	if (c->pcp_index >= 0 && !ref_dbg() && ref_pcp_push(c, obj))
		return;
	ref_slab_put(c, &obj, 1);
}

int32_t ref_slab_of(const void *p)
{
	int32_t f = ref_addr_frame(p);
	if (f == REF_NO_FRAME)
		return f;
	struct ref_page *pg = ref_page(f);
	uint16_t fl = ref_pflags(pg);
	if (fl & PG_SLAB_TAIL) {
		f = pg->head;
		fl = ref_pflags(ref_page(f));
	}
	return (fl & PG_SLAB) ? f : REF_NO_FRAME;
}

bool ref_slab_obj_check(int32_t head, const void *p, bool report)
{
	struct ref_page *pg = ref_page(head);
	const struct ref_cache *c = pg->cache;
	size_t off = (size_t)((const char *)p - ref_frame_addr(head));
	/* exact for multiples of size (off * error < 2^32); others fail the check */
	size_t idx = (size_t)(((uint64_t)off * c->recip) >> 32);
	if (idx * c->size != off || idx >= c->objects) {
		if (report)
			ref_warn(REF_WARN_BAD_FREE, "pointer is not the start of a slab object");
		return false;
	}
	if (*ref_shadow_of(p) == 0) {
		if (report)
			ref_warn(REF_WARN_DOUBLE_FREE, "slab object is already free");
		return false;
	}
	return true;
}

size_t ref_slab_ksize(const struct ref_cache *c)
{
	return c->offset ? c->offset : c->size;
}

/* Release every empty slab of c (all of them when the cache is unused). */
void ref_shrink_cache(struct ref_cache *c, bool wait)
{
	/* a cache without slabs has nothing to give (read without the lock:
	 * a slab added meanwhile is reclaim's next round's) */
	if (!wait && __atomic_load_n(&c->nr_slabs, __ATOMIC_RELAXED) == 0)
		return;
	if (wait)
		pthread_mutex_lock(&c->lock);
	else if (pthread_mutex_trylock(&c->lock) != 0)
		return;   /* busy: reclaim elsewhere */
	int32_t f = c->partial, freed = REF_NO_FRAME;
	while (f != REF_NO_FRAME) {
		int32_t next = ref_page(f)->next;
		/* mutant: reclaim takes slabs with one object left */
		if (ref_page(f)->inuse <= (REF_MUTANT(OVERLAP_UNDER_PRESSURE) ? 1u : 0u)) {
			partial_del(c, f);
			__atomic_store_n(&c->nr_slabs, c->nr_slabs - 1, __ATOMIC_RELAXED);
			ref_page(f)->next = freed;   /* chain for freeing after unlock */
			freed = f;
		}
		f = next;
	}
	pthread_mutex_unlock(&c->lock);
	while (freed != REF_NO_FRAME) {
		int32_t next = ref_page(freed)->next;
		discard_slab(c, freed);
		freed = next;
	}
}

void ref_shrink_slabs(void)
{
	ref_pcp_flush_this_thread();
	pthread_mutex_lock(&caches_lock);
	for (struct ref_cache *c = all_caches; c; c = c->next)
		ref_shrink_cache(c, false);
	pthread_mutex_unlock(&caches_lock);
}

size_t ref_slab_pages(void)
{
	size_t n = 0;
	pthread_mutex_lock(&caches_lock);
	for (struct ref_cache *c = all_caches; c; c = c->next)
		n += c->nr_slabs << c->order;
	pthread_mutex_unlock(&caches_lock);
	return n;
}

size_t ref_slab_live(void)
{
	size_t n = 0;
	pthread_mutex_lock(&caches_lock);
	for (struct ref_cache *c = all_caches; c; c = c->next)
		n += c->live;
	pthread_mutex_unlock(&caches_lock);
	return n;
}
