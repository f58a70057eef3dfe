/* SPDX-License-Identifier: MIT */
/*
 * The port side of the linux-tools-shim adapter: calls the shim through
 * its own header (tools/include/linux/slab.h, with the inline kzalloc and
 * kmem_cache_alloc it defines) and publishes the shim's GFP/SLAB values.
 * Compiled with lts_rename.h forced in front, like the shim itself.
 */
#include <linux/gfp.h>
#include <linux/slab.h>

#include "lts_glue.h"

/* A flag the shim's kernel headers do not define has no value in the shim
 * (__GFP_ATOMIC left the kernel in 6.4). */
#ifndef __GFP_ATOMIC
#define __GFP_ATOMIC 0
#endif

const unsigned int kas_lts_gfp_value[KAS_LTS_GFP_NBITS] = {
#define KAS_GFP_BIT(name) (unsigned int)__GFP_##name,
#include "gfp_bits.def"
#undef KAS_GFP_BIT
};
_Static_assert(sizeof(kas_lts_gfp_value) / sizeof(kas_lts_gfp_value[0]) == KAS_LTS_GFP_NBITS,
	       "gfp_bits.def and KAS_LTS_GFP_NBITS disagree");

const unsigned long kas_lts_slab_panic = SLAB_PANIC;
const unsigned long kas_lts_slab_reclaim_account = SLAB_RECLAIM_ACCOUNT;

void *kas_lts_kmalloc(size_t size, unsigned int gfp)
{
	return kmalloc(size, (gfp_t)gfp);
}

void *kas_lts_kzalloc(size_t size, unsigned int gfp)
{
	return kzalloc(size, (gfp_t)gfp);
}

void kas_lts_kfree(void *p)
{
	kfree(p);
}

void *kas_lts_cache_create(const char *name, unsigned int size, unsigned int align,
			   unsigned int flags, void (*ctor)(void *))
{
	return kmem_cache_create(name, size, align, flags, ctor);
}

void *kas_lts_cache_alloc(void *cache, unsigned int gfp)
{
	return kmem_cache_alloc(cache, (int)gfp);
}

void kas_lts_cache_free(void *cache, void *obj)
{
	kmem_cache_free(cache, obj);
}

int kas_lts_cache_alloc_bulk(void *cache, unsigned int gfp, size_t n, void **p)
{
	return kmem_cache_alloc_bulk(cache, (gfp_t)gfp, n, p);
}

void kas_lts_cache_free_bulk(void *cache, size_t n, void **p)
{
	kmem_cache_free_bulk(cache, n, p);
}
