/* SPDX-License-Identifier: MIT */
/*
 * The kallocspec side of the linux-tools-shim adapter: Linux's userspace
 * allocator shim used by the radix-tree, xarray and maple-tree test programs
 * (tools/lib/slab.c, tools/testing/shared/linux.c, tools/include), built
 * from the Debian linux-source package (see CMakeLists.txt).
 *
 * What the shim has, and so what is wired: kmalloc, kzalloc (an inline in
 * its slab.h), kfree, kmem_cache_create, kmem_cache_alloc (an inline over
 * kmem_cache_alloc_lru), kmem_cache_free, kmem_cache_alloc_bulk and
 * kmem_cache_free_bulk.  Everything else -- kmalloc_array, kcalloc,
 * krealloc, ksize, kmem_cache_zalloc, kmem_cache_destroy, kfree_bulk,
 * vmalloc, kvmalloc, pages -- is absent from the shim and stays NULL, so
 * its rules are UNSUPPORTED.  The shim takes the kernel's real GFP bits
 * (include/linux/gfp_types.h of the same tree); the adapter translates bit
 * by bit through the values lts_glue.c reads from those headers.
 */
#include <kallocspec/port.h>

#include "lts_glue.h"

#ifndef KAS_LTS_PACKAGE
#define KAS_LTS_PACKAGE "linux-source"
#endif

static const kas_gfp_t canonical_bit[KAS_LTS_GFP_NBITS] = {
#define KAS_GFP_BIT(name) __GFP_##name,
#include "gfp_bits.def"
#undef KAS_GFP_BIT
};

static unsigned int to_shim_gfp(kas_gfp_t gfp)
{
	unsigned int out = 0;

	for (unsigned i = 0; i < KAS_LTS_GFP_NBITS; i++)
		if (gfp & canonical_bit[i])
			out |= kas_lts_gfp_value[i];
	return out;
}

/* The shim defines SLAB_PANIC and SLAB_RECLAIM_ACCOUNT only (and reads
 * neither); other canonical SLAB flags have no value to pass. */
static unsigned int to_shim_slab(uint32_t flags)
{
	unsigned long out = 0;

	if (flags & KAS_SLAB_PANIC)
		out |= kas_lts_slab_panic;
	if (flags & KAS_SLAB_RECLAIM_ACCOUNT)
		out |= kas_lts_slab_reclaim_account;
	return (unsigned int)out;
}

static int lts_init(const struct kas_port_env *env)
{
	(void)env;
	return 0;
}

/* Caches cannot be released: the shim has no kmem_cache_destroy, and its
 * struct kmem_cache is private to linux.c.  They leak, as in the tests that
 * use the shim. */
static void lts_fini(void)
{
}

static void *lts_kmalloc(size_t size, kas_gfp_t gfp)
{
	return kas_lts_kmalloc(size, to_shim_gfp(gfp));
}

static void *lts_kzalloc(size_t size, kas_gfp_t gfp)
{
	return kas_lts_kzalloc(size, to_shim_gfp(gfp));
}

static void lts_kfree(const void *p)
{
	kas_lts_kfree((void *)p);
}

static void *lts_cache_create(const char *name, unsigned int size, unsigned int align,
			      uint32_t flags, kas_ctor_fn ctor)
{
	return kas_lts_cache_create(name, size, align, to_shim_slab(flags), ctor);
}

static void *lts_cache_alloc(void *cache, kas_gfp_t gfp)
{
	return kas_lts_cache_alloc(cache, to_shim_gfp(gfp));
}

static void lts_cache_free(void *cache, void *obj)
{
	kas_lts_cache_free(cache, obj);
}

static int lts_cache_alloc_bulk(void *cache, kas_gfp_t gfp, size_t n, void **p)
{
	return kas_lts_cache_alloc_bulk(cache, to_shim_gfp(gfp), n, p);
}

static void lts_cache_free_bulk(void *cache, size_t n, void **p)
{
	kas_lts_cache_free_bulk(cache, n, p);
}

const struct kas_port kas_port_linux_tools_shim = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "linux-tools-shim",
	.description = "Linux tools/ userspace slab shim (radix-tree/maple-tree tests), "
		       "from Debian " KAS_LTS_PACKAGE,
	.caps = KAS_CAP_KMALLOC | KAS_CAP_CACHE | KAS_CAP_BULK,
	.init = lts_init,
	.fini = lts_fini,
	.kmalloc = lts_kmalloc,
	.kzalloc = lts_kzalloc,
	.kfree = lts_kfree,
	.kmem_cache_create = lts_cache_create,
	.kmem_cache_alloc = lts_cache_alloc,
	.kmem_cache_free = lts_cache_free,
	.kmem_cache_alloc_bulk = lts_cache_alloc_bulk,
	.kmem_cache_free_bulk = lts_cache_free_bulk,
};
