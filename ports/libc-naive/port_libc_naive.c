/* SPDX-License-Identifier: MIT */
/*
 * The "libc-naive" port: what a quick userspace shim of the kernel
 * allocation API typically looks like -- every function forwarded to the C
 * library with no attempt at the kernel's documented guarantees.  It is the
 * suite's first example of a non-conforming implementation: kmalloc(0) is
 * whatever malloc(0) gives instead of ZERO_SIZE_PTR, power-of-two sizes are
 * only malloc-aligned, vmalloc is not page aligned, kmalloc_array does not
 * check for overflow, the cache constructor runs on every allocation, and
 * page orders have no upper limit.
 *
 * Two concessions keep the checker's process alive, neither of them a
 * kernel guarantee:
 *   - frees and ksize ignore ZERO_SIZE_PTR (and NULL): traces may pass the
 *     literal, and handing (void *)16 to glibc aborts the whole process
 *     rather than failing one rule;
 *   - nothing else: memory is finite because the harness runs the port on
 *     a machine of a given size (`--mem`, kas_port_env.mem_bytes), where
 *     malloc returns NULL beyond it.
 */
#include <kallocspec/port.h>
#include <kallocspec/profile.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* NULL and ZERO_SIZE_PTR, which glibc must never see. */
static bool naive_zero_or_null(const void *p)
{
	return (uintptr_t)p <= KAS_ZERO_SIZE_PTR;
}

static int naive_init(const struct kas_port_env *env)
{
	(void)env;
	return 0;
}

/* Nothing to do: the harness frees live objects before calling fini, and a
 * malloc shim keeps no list of what it handed out. */
static void naive_fini(void)
{
}

/* ---- kmalloc family ---- */

/* gfp is ignored altogether, __GFP_ZERO included. */
static void *naive_kmalloc(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return malloc(size);
}

static void *naive_kzalloc(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

/* No overflow check: n * size wraps (the classic shim bug). */
static void *naive_kmalloc_array(size_t n, size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return malloc(n * size);
}

static void *naive_kcalloc(size_t n, size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

/* glibc realloc(p, 0) frees p and returns NULL, not ZERO_SIZE_PTR. */
static void *naive_krealloc(const void *p, size_t new_size, kas_gfp_t gfp)
{
	(void)gfp;
	if (naive_zero_or_null(p))
		p = NULL;
	return realloc((void *)p, new_size);
}

static void *naive_krealloc_array(void *p, size_t new_n, size_t new_size, kas_gfp_t gfp)
{
	(void)gfp;
	if (naive_zero_or_null(p))
		p = NULL;
	return realloc(p, new_n * new_size);
}

static void naive_free(const void *p)
{
	if (!naive_zero_or_null(p))
		free((void *)p);
}

static size_t naive_ksize(const void *p)
{
	if (naive_zero_or_null(p))
		return 0;
	return malloc_usable_size((void *)p);
}

static void naive_kfree_sensitive(const void *p)
{
	if (naive_zero_or_null(p))
		return;
	memset((void *)p, 0, malloc_usable_size((void *)p));
	free((void *)p);
}

/* ---- vmalloc: plain malloc, so neither page aligned nor align-aware ---- */

static void *naive_vmalloc(size_t size)
{
	return malloc(size);
}

static void *naive_vzalloc(size_t size)
{
	return calloc(1, size);
}

/* gfp ignored, __GFP_ZERO included, as in kmalloc above. */
static void *naive_vmalloc_gfp(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return malloc(size);
}

static void *naive_vmalloc_node_align(size_t size, size_t align, kas_gfp_t gfp)
{
	(void)align;
	return naive_vmalloc_gfp(size, gfp);
}

/* ---- kvmalloc ---- */

static void *naive_kvmalloc(size_t size, kas_gfp_t gfp)
{
	return naive_vmalloc_gfp(size, gfp);
}

static void *naive_kvzalloc(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

static void *naive_kvmalloc_array(size_t n, size_t size, kas_gfp_t gfp)
{
	return naive_kvmalloc(n * size, gfp);
}

static void *naive_kvcalloc(size_t n, size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

static void *naive_kvrealloc(const void *p, size_t old_size, size_t new_size, kas_gfp_t gfp)
{
	(void)old_size;
	return naive_krealloc(p, new_size, gfp);
}

/* ---- slab caches: a small descriptor, objects straight from malloc ---- */

struct naive_cache {
	unsigned int size;
	unsigned int align;     /* recorded and ignored */
	kas_ctor_fn ctor;
};

static void *naive_cache_create(const char *name, unsigned int size, unsigned int align,
				uint32_t flags, kas_ctor_fn ctor)
{
	struct naive_cache *c = malloc(sizeof(*c));

	(void)name;
	(void)flags;
	if (!c)
		return NULL;
	c->size = size;
	c->align = align;
	c->ctor = ctor;
	return c;
}

/* Runs the constructor on every allocation, not once per slab object. */
static void *naive_cache_alloc(void *cache, kas_gfp_t gfp)
{
	struct naive_cache *c = cache;
	void *obj;

	(void)gfp;
	obj = malloc(c->size);
	if (obj && c->ctor)
		c->ctor(obj);
	return obj;
}

static void *naive_cache_zalloc(void *cache, kas_gfp_t gfp)
{
	struct naive_cache *c = cache;
	void *obj;

	(void)gfp;
	obj = calloc(1, c->size);
	if (obj && c->ctor)
		c->ctor(obj);
	return obj;
}

static void naive_cache_free(void *cache, void *obj)
{
	(void)cache;
	naive_free(obj);
}

/* Objects still allocated from the cache are simply forgotten. */
static void naive_cache_destroy(void *cache)
{
	free(cache);
}

/* A loop that stops at the first failure and reports how far it got. */
static int naive_cache_alloc_bulk(void *cache, kas_gfp_t gfp, size_t n, void **p)
{
	size_t i;

	for (i = 0; i < n; i++) {
		p[i] = naive_cache_alloc(cache, gfp);
		if (!p[i])
			break;
	}
	return (int)i;
}

static void naive_cache_free_bulk(void *cache, size_t n, void **p)
{
	for (size_t i = 0; i < n; i++)
		naive_cache_free(cache, p[i]);
}

static void naive_kfree_bulk(size_t n, void **p)
{
	for (size_t i = 0; i < n; i++)
		naive_free(p[i]);
}

/* ---- pages: aligned_alloc with no MAX_PAGE_ORDER limit ---- */

static void *naive_alloc_pages(kas_gfp_t gfp, unsigned int order)
{
	void *p;
	size_t bytes;

	/* Not a policy: 4096 << order is only representable below this. */
	if (order >= sizeof(size_t) * 8 - 12)
		return NULL;
	bytes = (size_t)KAS_PAGE_SIZE << order;
	p = aligned_alloc(KAS_PAGE_SIZE, bytes);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, bytes);
	return p;
}

static unsigned long naive_get_free_pages(kas_gfp_t gfp, unsigned int order)
{
	return (unsigned long)(uintptr_t)naive_alloc_pages(gfp, order);
}

static unsigned long naive_get_zeroed_page(kas_gfp_t gfp)
{
	return naive_get_free_pages(gfp | __GFP_ZERO, 0);
}

static void naive_free_pages(unsigned long addr, unsigned int order)
{
	(void)order;
	naive_free((void *)(uintptr_t)addr);
}

static void naive_free_pages_page(void *page, unsigned int order)
{
	(void)order;
	naive_free(page);
}

const struct kas_port kas_port_libc_naive = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "libc-naive",
	.description = "a typical quick userspace shim: everything forwarded to malloc/free",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KMALLOC_ARRAY | KAS_CAP_KREALLOC | KAS_CAP_KSIZE |
		KAS_CAP_KFREE_SENSITIVE | KAS_CAP_VMALLOC | KAS_CAP_KVMALLOC |
		KAS_CAP_KVREALLOC | KAS_CAP_CACHE | KAS_CAP_BULK | KAS_CAP_PAGES,
	.init = naive_init,
	.fini = naive_fini,

	.kmalloc = naive_kmalloc,
	.kzalloc = naive_kzalloc,
	.kmalloc_array = naive_kmalloc_array,
	.kcalloc = naive_kcalloc,
	.krealloc = naive_krealloc,
	.krealloc_array = naive_krealloc_array,
	.kfree = naive_free,
	.kvfree = naive_free,
	.ksize = naive_ksize,
	.kmalloc_size_roundup = NULL,
	.kfree_sensitive = naive_kfree_sensitive,

	.vmalloc = naive_vmalloc,
	.vzalloc = naive_vzalloc,
	.vmalloc_gfp = naive_vmalloc_gfp,
	.vmalloc_node_align = naive_vmalloc_node_align,
	.vrealloc = NULL,
	.vfree = naive_free,

	.kvmalloc = naive_kvmalloc,
	.kvzalloc = naive_kvzalloc,
	.kvmalloc_array = naive_kvmalloc_array,
	.kvcalloc = naive_kvcalloc,
	.kvrealloc = naive_kvrealloc,

	.kmem_cache_create = naive_cache_create,
	.kmem_cache_create_usercopy = NULL,
	.kmem_cache_alloc = naive_cache_alloc,
	.kmem_cache_zalloc = naive_cache_zalloc,
	.kmem_cache_free = naive_cache_free,
	.kmem_cache_destroy = naive_cache_destroy,
	.kmem_cache_alloc_bulk = naive_cache_alloc_bulk,
	.kmem_cache_free_bulk = naive_cache_free_bulk,
	.kfree_bulk = naive_kfree_bulk,

	.alloc_pages = naive_alloc_pages,
	.get_free_pages = naive_get_free_pages,
	.get_zeroed_page = naive_get_zeroed_page,
	.free_pages = naive_free_pages,
	.free_pages_page = naive_free_pages_page,
	/* overflow helpers and observations: none */
};
