/* SPDX-License-Identifier: MIT */
/*
 * A port template: the adapter between kallocspec and an implementation of
 * the kernel allocation API, here a deliberately plain one over glibc's
 * malloc.  Copy this folder, replace each malloc-family call with your
 * implementation's function, keep the adapter thin (it must not fix the
 * port: pass sizes, pointers and flags through), and build it out of tree:
 *
 *     cmake -S . -B build -DCMAKE_PREFIX_PATH=<kallocspec prefix>
 *     cmake --build build
 *     kallocspec check --port build/kas-port-template.so --profile linux-6.12
 *
 * Checked as it is, glibc shows where it differs from the kernel's rules
 * (power-of-two sizes are not naturally aligned, vmalloc is not page
 * aligned, ...): that report is what your port's will look like.
 * The contract of every entry is written above it in <kallocspec/port.h>.
 */
#include <kallocspec/port.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* NULL and ZERO_SIZE_PTR: the kernel's free functions take both as no-ops,
 * and glibc must never see ZERO_SIZE_PTR. */
static bool zero_or_null(const void *p)
{
	return p == NULL || p == ZERO_SIZE_PTR;
}

/* kallocspec passes its canonical GFP values (<kallocspec/gfp.h>, the
 * kernel's bit layout).  A port with its own values translates here, flag
 * by flag; glibc has none, so only __GFP_ZERO means anything to it. */
static bool wants_zero(kas_gfp_t gfp)
{
	return (gfp & __GFP_ZERO) != 0;
}

static int tmpl_init(const struct kas_port_env *env)
{
	(void)env;   /* env->world, env->kver, env->mem_bytes: for ports that use them */
	return 0;
}

static void tmpl_fini(void)
{
}

/* ---- kmalloc family ---- */
static void *tmpl_kmalloc(size_t size, kas_gfp_t gfp)
{
	if (size == 0)
		return ZERO_SIZE_PTR;   /* ZERO-1 */
	void *p = malloc(size);
	if (p && wants_zero(gfp))
		memset(p, 0, size);
	return p;
}

static void *tmpl_kzalloc(size_t size, kas_gfp_t gfp)
{
	return tmpl_kmalloc(size, gfp | __GFP_ZERO);
}

static void *tmpl_kmalloc_array(size_t n, size_t size, kas_gfp_t gfp)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;            /* REALLOC-8 */
	return tmpl_kmalloc(bytes, gfp);
}

static void *tmpl_kcalloc(size_t n, size_t size, kas_gfp_t gfp)
{
	return tmpl_kmalloc_array(n, size, gfp | __GFP_ZERO);
}

static size_t tmpl_ksize(const void *p)
{
	return zero_or_null(p) ? 0 : malloc_usable_size((void *)p);
}

static void *tmpl_krealloc(const void *p, size_t size, kas_gfp_t gfp)
{
	if (size == 0) {            /* REALLOC-2: frees p, returns ZERO_SIZE_PTR */
		if (!zero_or_null(p))
			free((void *)p);
		return ZERO_SIZE_PTR;
	}
	if (zero_or_null(p))        /* REALLOC-1: like kmalloc */
		return tmpl_kmalloc(size, gfp);
	/* glibc keeps no requested size: the tail is zeroed from the usable
	 * size, so stale slack past the old size stays (REALLOC-5 shows it) */
	size_t old = malloc_usable_size((void *)p);
	void *q = realloc((void *)p, size);
	if (q && wants_zero(gfp) && size > old)
		memset((char *)q + old, 0, size - old);
	return q;                   /* on failure p is untouched (REALLOC-3) */
}

static void tmpl_kfree(const void *p)
{
	if (!zero_or_null(p))
		free((void *)p);        /* ZERO-3 */
}

/* ---- vmalloc and kvmalloc: the same heap here ---- */
static void *tmpl_vmalloc(size_t size)
{
	return size ? malloc(size) : NULL;   /* ZERO-6: vmalloc(0) is NULL */
}

static void *tmpl_vzalloc(size_t size)
{
	return size ? calloc(1, size) : NULL;
}

static void *tmpl_kvmalloc(size_t size, kas_gfp_t gfp)
{
	return tmpl_kmalloc(size, gfp);
}

static void *tmpl_kvzalloc(size_t size, kas_gfp_t gfp)
{
	return tmpl_kmalloc(size, gfp | __GFP_ZERO);
}

/* ---- slab caches over malloc: a cache is its object size and ctor ---- */
struct tmpl_cache {
	unsigned int size;
	kas_ctor_fn ctor;
};

static void *tmpl_cache_create(const char *name, unsigned int size, unsigned int align,
			       uint32_t flags, kas_ctor_fn ctor)
{
	(void)name;
	(void)align;                /* glibc's own alignment: ALIGN-5 shows the cost */
	(void)flags;
	struct tmpl_cache *c = malloc(sizeof(*c));
	if (c)
		*c = (struct tmpl_cache){ size, ctor };
	return c;
}

static void *tmpl_cache_alloc(void *cache, kas_gfp_t gfp)
{
	struct tmpl_cache *c = cache;
	void *p = malloc(c->size ? c->size : 1);
	if (p && c->ctor)
		c->ctor(p);
	if (p && wants_zero(gfp))
		memset(p, 0, c->size);
	return p;
}

static void *tmpl_cache_zalloc(void *cache, kas_gfp_t gfp)
{
	return tmpl_cache_alloc(cache, gfp | __GFP_ZERO);
}

static void tmpl_cache_free(void *cache, void *obj)
{
	(void)cache;
	free(obj);
}

static void tmpl_cache_destroy(void *cache)
{
	free(cache);
}

/* The table, named kas_port_<name> for kallocspec_add_port(), which also
 * generates the module's kallocspec_port() (a module built by hand says
 * KAS_PORT_EXPORT(table) instead).  Entries left out stay NULL: the rules
 * that need them are UNSUPPORTED, never PASS. */
const struct kas_port kas_port_template = {
	KAS_PORT_HEADER("template", "port template: the kernel allocation API over glibc malloc"),
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KMALLOC_ARRAY | KAS_CAP_KREALLOC | KAS_CAP_KSIZE |
		KAS_CAP_VMALLOC | KAS_CAP_KVMALLOC | KAS_CAP_CACHE,
	.init = tmpl_init,
	.fini = tmpl_fini,
	.kmalloc = tmpl_kmalloc,
	.kzalloc = tmpl_kzalloc,
	.kmalloc_array = tmpl_kmalloc_array,
	.kcalloc = tmpl_kcalloc,
	.krealloc = tmpl_krealloc,
	.kfree = tmpl_kfree,
	.kvfree = tmpl_kfree,
	.ksize = tmpl_ksize,
	.vmalloc = tmpl_vmalloc,
	.vzalloc = tmpl_vzalloc,
	.vfree = tmpl_kfree,
	.kvmalloc = tmpl_kvmalloc,
	.kvzalloc = tmpl_kvzalloc,
	.kmem_cache_create = tmpl_cache_create,
	.kmem_cache_alloc = tmpl_cache_alloc,
	.kmem_cache_zalloc = tmpl_cache_zalloc,
	.kmem_cache_free = tmpl_cache_free,
	.kmem_cache_destroy = tmpl_cache_destroy,
};
