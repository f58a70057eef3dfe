/* SPDX-License-Identifier: MIT */
/*
 * The allocator's view of the rest of the kernel: task scopes
 * (current_gfp_context), RCU-deferred frees, hardened usercopy.
 *
 * (See also the RCU section below.)
 *
 * Scopes: the adapter calls ref_call_enter(gfp) once per allocating call;
 * the world answers with the gfp the task's scopes make of it, and the
 * difference (bits cleared, bits set) is applied to every page-allocator
 * request of that call.  The caller's own flags stay as given for the
 * decisions the kernel makes on them (e.g. kvmalloc's GFP_KERNEL test
 * before 5.17); the page allocator and reclaim see the scoped flags, like
 * current_gfp_context() in __alloc_pages.
 */
#include "ref_internal.h"

static __thread ref_gfp_t scope_clear, scope_set;

void ref_call_enter(ref_gfp_t gfp)
{
	scope_clear = scope_set = 0;
	if (!ref_m.world.gfp_context)
		return;
	/* asked without __GFP_MEMALLOC, so a memalloc_noreclaim scope shows up
	 * in scope_set even when the caller passes __GFP_MEMALLOC itself: the
	 * task flag, not the gfp bit, is what stops direct reclaim */
	ref_gfp_t in = gfp & ~REF_GFP_MEMALLOC;
	ref_gfp_t out = ref_m.world.gfp_context(ref_m.world.ctx, in);
	scope_clear = in & ~out;
	scope_set = out & ~in;
	if (REF_MUTANT(NORECLAIM_SCOPE_IGNORED)) { /* mutant: memalloc_noreclaim_save() has no effect */
		scope_set &= ~REF_GFP_MEMALLOC;
	}
	if (REF_MUTANT(PIN_SCOPE_IGNORED)) { /* mutant: only the reclaim bits of the answer are applied, not the pin scope's */
		scope_clear &= ~REF_GFP_MOVABLE;
	}
	if (REF_MUTANT(SCOPE_STICKY)) { /* mutant: FS/IO removal cached per task, never dropped when the scope ends */
		static __thread ref_gfp_t sticky;
		static __thread uint32_t sticky_gen;
		if (sticky_gen != ref_m.gen) {
			sticky = 0;
			sticky_gen = ref_m.gen;
		}
		sticky |= scope_clear & (REF_GFP_FS | REF_GFP_IO);
		scope_clear |= sticky & in;
	}
}

ref_gfp_t ref_scoped(ref_gfp_t gfp)
{
	if (REF_MUTANT(NOFS_SCOPE_IGNORED)) { /* mutant: memalloc_nofs_save() has no effect */
		if ((scope_clear & REF_GFP_FS) && !(scope_clear & REF_GFP_IO))
			return (gfp & ~(scope_clear & ~REF_GFP_FS)) | scope_set;
	}
	if (REF_MUTANT(NOIO_NOT_NOFS)) { /* mutant: memalloc_noio_save() keeps __GFP_FS */
		if (scope_clear & REF_GFP_IO)
			return (gfp & ~(scope_clear & ~REF_GFP_FS)) | scope_set;
	}
	return (gfp & ~scope_clear) | scope_set;
}

bool ref_scope_noreclaim(void)
{
	return scope_set & REF_GFP_MEMALLOC;
}

/* ---- RCU ----
 * kfree_rcu / kvfree_rcu hand the world a record (an object of the boot
 * cache "kfree_rcu") naming the pointer; the world runs the callback after
 * its grace period.  Records stay on a list until then, so that
 * kmem_cache_destroy can wait for the cache's pending frees from 6.12 on
 * (kvfree_rcu_barrier): it frees them at once and the late callback finds
 * nothing left to do.
 */

struct rcu_rec {
	void *p;                   /* NULL once freed by a barrier */
	bool kv;
	struct rcu_rec *prev, *next;
};

static struct ref_cache rcu_rec_cache;
static struct rcu_rec *pending;
static pthread_mutex_t rcu_lock = PTHREAD_MUTEX_INITIALIZER;

void ref_rcu_reset(void)
{
	ref_cache_setup(&rcu_rec_cache, "kfree_rcu", sizeof(struct rcu_rec), 0, 0, NULL);
	ref_cache_link(&rcu_rec_cache);
	pending = NULL;
	ref_rcu_head_reset();
}

static void rcu_cb(void *arg)
{
	struct rcu_rec *r = arg;
	pthread_mutex_lock(&rcu_lock);
	if (r->prev)
		r->prev->next = r->next;
	else
		pending = r->next;
	if (r->next)
		r->next->prev = r->prev;
	void *p = r->p;
	bool kv = r->kv;
	pthread_mutex_unlock(&rcu_lock);
	if (p) {
		if (kv)
			ref_kvfree(p);
		else
			ref_kfree(p);
	}
	ref_slab_free(&rcu_rec_cache, ref_slab_of(r), r);
}

static void rcu_kfree_cb(void *p) { ref_kfree(p); }
static void rcu_kvfree_cb(void *p) { ref_kvfree(p); }

static void defer_free(void *p, bool kv)
{
	if (!p || REF_MUTANT(KFREE_RCU_LEAKS)) /* mutant: kfree_rcu never frees */
		return;
	struct rcu_rec *r = NULL;
	/* mutant KFREE_RCU_EARLY: freed at once, no grace period */
	bool grace = !REF_MUTANT(KFREE_RCU_EARLY) && ref_m.world.call_rcu;
	if (grace)
		r = ref_slab_alloc(&rcu_rec_cache, REF_GFP_KERNEL | REF_GFP_NOWARN, sizeof(*r));
	if (grace && !r) {
		/* no memory for the record: the kernel waits for a grace period
		 * (synchronize_rcu) and frees; here the world's grace period runs
		 * the free, so the pointer still outlives one.  Without a record a
		 * 6.12+ kmem_cache_destroy cannot wait for it, as in the kernel,
		 * where the free has happened before kvfree_rcu returns. */
		ref_m.world.call_rcu(ref_m.world.ctx, kv ? rcu_kvfree_cb : rcu_kfree_cb, p);
		return;
	}
	if (!r) {
		/* no grace-period machinery: synchronize_rcu() and an immediate free */
		if (kv)
			ref_kvfree(p);
		else
			ref_kfree(p);
		return;
	}
	r->p = p;
	r->kv = kv;
	pthread_mutex_lock(&rcu_lock);
	r->prev = NULL;
	r->next = pending;
	if (pending)
		pending->prev = r;
	pending = r;
	pthread_mutex_unlock(&rcu_lock);
	ref_m.world.call_rcu(ref_m.world.ctx, rcu_cb, r);
}

void ref_kfree_rcu(void *p)
{
	if (REF_MUTANT(KFREE_RCU_CACHE_REFUSED)) { /* mutant: kfree_rcu takes kmalloc objects only (the pre-6.4 rule) */
		int32_t f = p ? ref_slab_of(p) : REF_NO_FRAME;
		if (f != REF_NO_FRAME && !ref_page(f)->cache->is_kmalloc) {
			ref_warn(REF_WARN_BAD_FREE, "kfree_rcu: not a kmalloc object");
			return;
		}
	}
	defer_free(p, false);
}

void ref_kvfree_rcu(void *p)
{
	if (REF_MUTANT(KVFREE_RCU_SLAB_ONLY)) { /* mutant: kvfree_rcu assumes a slab object: vmalloc and large kmalloc memory refused */
		if (p && !REF_ZERO_OR_NULL(p) && ref_slab_of(p) == REF_NO_FRAME) {
			ref_warn(REF_WARN_BAD_FREE, "kvfree_rcu: not a slab object");
			return;
		}
	}
	defer_free(p, true);
}

void ref_rcu_barrier_cache(const struct ref_cache *c)
{
	ref_rcu_head_barrier_cache(c);
	for (;;) {
		void *p = NULL;
		pthread_mutex_lock(&rcu_lock);
		for (struct rcu_rec *r = pending; r; r = r->next) {
			int32_t f = r->p ? ref_slab_of(r->p) : REF_NO_FRAME;
			if (f != REF_NO_FRAME && ref_page(f)->cache == c) {
				p = r->p;
				r->p = NULL;
				break;
			}
		}
		pthread_mutex_unlock(&rcu_lock);
		if (!p)
			return;
		ref_kfree(p);
	}
}

/* ---- hardened usercopy (mm/usercopy.c check_heap_object) ---- */

bool ref_usercopy_check(const void *p, size_t n)
{
	if (n == 0)
		return true;
	uintptr_t a = (uintptr_t)p;
	if (a + n < a)
		return false;   /* wraps around */
	if (REF_ZERO_OR_NULL(p))
		return false;   /* check_bogus_address: "null address" */
	if (ref_is_vmalloc_addr(p)) {
		/* within the vmalloc area that contains p */
		size_t off, len;
		if (!ref_vmalloc_area_span(p, &off, &len))
			return false;
		return n <= len - off;
	}
	int32_t f = ref_slab_of(p);
	if (f != REF_NO_FRAME) {
		const struct ref_cache *c = ref_page(f)->cache;
		size_t off = (size_t)((const char *)p - ref_frame_addr(f)) % c->size;
		/* kmalloc caches whitelist the whole object, others their region */
		size_t uoff = c->is_kmalloc ? 0 : c->useroffset;
		size_t usize = c->is_kmalloc ? c->object_size : c->usersize;
		if (REF_MUTANT(USERCOPY_FALLBACK)) { /* mutant: caches without a window allow the whole object */
			if (!c->is_kmalloc && c->usersize == 0)
				usize = c->object_size;
		}
		if (REF_MUTANT(USERCOPY_WHOLE_OBJECT)) { /* mutant: the usercopy window is ignored */
			uoff = 0;
			usize = c->object_size;
		}
		return off >= uoff && off - uoff <= usize && n <= usize - (off - uoff);
	}
	f = ref_addr_frame(p);
	if (f != REF_NO_FRAME) {
		/* a multi-page allocation: the copy must stay inside it */
		int32_t head = f;
		while (head >= 0 && !(ref_pflags(ref_page(head)) & PG_HEAD) &&
		       f - head < (1 << REF_MAX_PAGE_ORDER))
			head--;
		if (head >= 0 && (ref_pflags(ref_page(head)) & PG_HEAD)) {
			size_t len = REF_PAGE_SIZE << ref_page(head)->order;
			size_t off = (size_t)((const char *)p - ref_frame_addr(head));
			if (off < len)
				return n <= len - off;
		}
	}
	return true;   /* not heap memory the allocator knows: nothing to check */
}

/* ---- memcg object charges (mm/memcontrol.c obj_cgroup_charge) ----
 * A charge takes whole pages from the memcg and keeps the unused bytes in
 * a stock that later charges consume; frees refill the stock and give
 * whole pages back once it holds more than a page.  A __GFP_NOFAIL charge
 * the memcg refuses is forced in the kernel; the world's hook cannot
 * force, so the bytes become a debt that frees pay back before refilling
 * the stock (never uncharging pages that were not charged). */
static pthread_mutex_t objcg_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t objcg_stock, objcg_debt;

void ref_objcg_reset(void)
{
	objcg_stock = objcg_debt = 0;
}

bool ref_objcg_charge(ref_gfp_t gfp, size_t bytes)
{
	if (!ref_m.world.memcg_charge)
		return true;
	pthread_mutex_lock(&objcg_lock);
	if (objcg_stock >= bytes) {
		objcg_stock -= bytes;
		pthread_mutex_unlock(&objcg_lock);
		return true;
	}
	pthread_mutex_unlock(&objcg_lock);
	size_t pages = (bytes + REF_PAGE_SIZE - 1) >> REF_PAGE_SHIFT;
	if (!ref_m.world.memcg_charge(ref_m.world.ctx, gfp, pages)) {
		if (!(gfp & REF_GFP_NOFAIL))
			return false;
		pthread_mutex_lock(&objcg_lock);
		objcg_debt += bytes;
		pthread_mutex_unlock(&objcg_lock);
		return true;
	}
	pthread_mutex_lock(&objcg_lock);
	objcg_stock += (pages << REF_PAGE_SHIFT) - bytes;
	pthread_mutex_unlock(&objcg_lock);
	return true;
}

void ref_objcg_uncharge(size_t bytes)
{
	if (!ref_m.world.memcg_charge)
		return;
	size_t pages = 0;
	pthread_mutex_lock(&objcg_lock);
	size_t pay = bytes < objcg_debt ? bytes : objcg_debt;
	objcg_debt -= pay;
	objcg_stock += bytes - pay;
	if (objcg_stock > REF_PAGE_SIZE) {
		pages = objcg_stock >> REF_PAGE_SHIFT;
		objcg_stock &= REF_PAGE_SIZE - 1;
	}
	pthread_mutex_unlock(&objcg_lock);
	if (pages && ref_m.world.memcg_uncharge)
		ref_m.world.memcg_uncharge(ref_m.world.ctx, pages);
}
