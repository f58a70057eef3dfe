/* SPDX-License-Identifier: MIT */
/*
 * The kmem_cache API: create (descriptors are objects of the boot
 * "kmem_cache" cache), alloc/free with ownership checks, destroy (a cache
 * with live objects is reported and kept, like the kernel's leak), bulk.
 */
#include "ref_internal.h"

static struct ref_cache kmem_cache_cache;   /* caches are objects of this one */

void ref_cache_boot(void)
{
	ref_cache_setup(&kmem_cache_cache, "kmem_cache", sizeof(struct ref_cache), 0,
			REF_SLAB_HWCACHE_ALIGN, NULL);
	ref_cache_link(&kmem_cache_cache);
}

struct ref_cache *ref_cache_create(const char *name, unsigned int size, unsigned int align,
				   uint32_t flags, unsigned int useroffset, unsigned int usersize,
				   void (*ctor)(void *))
{
	if (!name || (flags & ~REF_SLAB_PERMITTED) || size > REF_KMALLOC_MAX_SIZE ||
	    align > REF_KMALLOC_MAX_SIZE) {
		ref_warn(REF_WARN_OTHER, "kmem_cache_create failed");
		return NULL;
	}
	/* fail closed on a bad usercopy region */
	if ((!usersize && useroffset) || size < usersize || size - usersize < useroffset) {
		ref_warn(REF_WARN_OTHER, "kmem_cache_create: bad usercopy region");
		useroffset = usersize = 0;
	}
	struct ref_cache *c = ref_slab_alloc(&kmem_cache_cache, REF_GFP_KERNEL, sizeof(*c));
	if (!c)
		return NULL;
	ref_cache_setup(c, name, size, align, flags, ctor);
	c->useroffset = useroffset;
	c->usersize = usersize;
	if (c->objects == 0) {
		ref_slab_free(&kmem_cache_cache, ref_slab_of(c), c);
		ref_warn(REF_WARN_OTHER, "kmem_cache_create: no slab order fits");
		return NULL;
	}
	ref_cache_link(c);
	return c;
}

void *ref_cache_alloc(struct ref_cache *c, ref_gfp_t gfp)
{
	return ref_slab_alloc(c, gfp, c->object_size);
}

void ref_cache_free(struct ref_cache *c, void *obj)
{
	if (!obj)
		return;
	int32_t f = ref_slab_of(obj);
	if (f == REF_NO_FRAME) {
		ref_warn(REF_WARN_BAD_FREE, "kmem_cache_free: object is not in a slab page");
		return;
	}
	if (ref_page(f)->cache != c) {
		ref_warn(REF_WARN_BAD_FREE, "kmem_cache_free: object belongs to a different cache");
		return;
	}
	if (ref_slab_obj_check(f, obj, true))
		ref_slab_free(c, f, obj);
}

void ref_cache_destroy(struct ref_cache *c)
{
	if (!c)
		return;
	/* 6.12+: wait for the cache's in-flight kfree_rcu() first */
	if (!REF_MUTANT(DESTROY_NO_RCU_BARRIER)) { /* mutant: kmem_cache_destroy skips kvfree_rcu_barrier() */
		if (ref_kver_ge(6, 12))
			ref_rcu_barrier_cache(c);
	}
	pthread_mutex_lock(&c->lock);
	size_t live = c->live;
	pthread_mutex_unlock(&c->lock);
	if (live) {
		if (!REF_MUTANT(DESTROY_LIVE_SILENT)) { /* mutant: no warning for live objects */
			ref_warn(REF_WARN_DESTROY_LIVE, "kmem_cache_destroy: slab cache still has objects");
		}
		c->leaked = true;   /* the kernel leaks it; keep it usable */
		return;
	}
	ref_cache_unlink(c);
	ref_shrink_cache(c, true);   /* every slab is empty: give them all back */
	pthread_mutex_destroy(&c->lock);
	int32_t f = ref_slab_of(c);
	if (f != REF_NO_FRAME && ref_slab_obj_check(f, c, false))
		ref_slab_free(&kmem_cache_cache, f, c);
}

int ref_cache_alloc_bulk(struct ref_cache *c, ref_gfp_t gfp, size_t n, void **p)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = ref_cache_alloc(c, gfp);
		if (!p[i]) {
			if (REF_MUTANT(BULK_PARTIAL)) { /* mutant: a short bulk allocation keeps what it got */
				return (int)i;
			}
			while (i-- > 0)
				ref_cache_free(c, p[i]);
			return 0;
		}
	}
	return (int)n;
}

void ref_cache_free_bulk(struct ref_cache *c, size_t n, void **p)
{
	for (size_t i = 0; i < n; i++) {
		if (!c)
			ref_kfree(p[i]);
		else
			ref_cache_free(c, p[i]);
		if (REF_MUTANT(BULK_FREE_RESCHED)) { /* mutant: cond_resched() between the objects of a bulk free */
			if (ref_m.world.may_sleep)
				ref_m.world.may_sleep(ref_m.world.ctx, REF_GFP_KERNEL);
		}
	}
}
