/* SPDX-License-Identifier: MIT */
/*
 * The "malloc-passthrough" port: the smallest adapter anyone writes over
 * the C library -- every function forwarded to malloc, calloc, realloc,
 * aligned_alloc and free with its arguments as they are.  It has none of
 * libc-naive's concessions: ZERO_SIZE_PTR reaches free() (glibc aborts:
 * a CRASH verdict), a 16 GiB kzalloc reaches calloc, SIZE_MAX/2 reaches
 * malloc, a page order reaches aligned_alloc as 4096 << order.  It exists
 * so that the suite shows kallocspec's own cost stays bounded on such a
 * port: what a request costs is the port's business, limited by the
 * machine size the harness gives it (`--mem`).
 */
#include <kallocspec/port.h>
#include <kallocspec/profile.h>

#include <malloc.h>
#include <stdlib.h>

static int pt_init(const struct kas_port_env *env)
{
	(void)env;
	return 0;
}

static void pt_fini(void)
{
}

static void *pt_kmalloc(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return malloc(size);
}

static void *pt_kzalloc(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

static void *pt_kmalloc_array(size_t n, size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return malloc(n * size);
}

static void *pt_kcalloc(size_t n, size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return calloc(n, size);
}

static void *pt_krealloc(const void *p, size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return realloc((void *)p, size);
}

static void *pt_krealloc_array(void *p, size_t n, size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return realloc(p, n * size);
}

static void pt_free(const void *p)
{
	free((void *)p);
}

static size_t pt_ksize(const void *p)
{
	return malloc_usable_size((void *)p);
}

static void *pt_vmalloc(size_t size)
{
	return malloc(size);
}

static void *pt_vzalloc(size_t size)
{
	return calloc(1, size);
}

static void *pt_vmalloc_node_align(size_t size, size_t align, kas_gfp_t gfp)
{
	(void)align;
	return pt_kmalloc(size, gfp);
}

static void *pt_kvrealloc(const void *p, size_t old_size, size_t size, kas_gfp_t gfp)
{
	(void)old_size;
	(void)gfp;
	return realloc((void *)p, size);
}

/* 4096 << order as the C expression gives it: order 52 and up wrap */
static void *pt_alloc_pages(kas_gfp_t gfp, unsigned int order)
{
	(void)gfp;
	return aligned_alloc(KAS_PAGE_SIZE, (size_t)KAS_PAGE_SIZE << (order & 63));
}

static unsigned long pt_get_free_pages(kas_gfp_t gfp, unsigned int order)
{
	return (unsigned long)(uintptr_t)pt_alloc_pages(gfp, order);
}

static unsigned long pt_get_zeroed_page(kas_gfp_t gfp)
{
	(void)gfp;
	return (unsigned long)(uintptr_t)calloc(1, KAS_PAGE_SIZE);
}

static void pt_free_pages(unsigned long addr, unsigned int order)
{
	(void)order;
	free((void *)(uintptr_t)addr);
}

static void pt_free_pages_page(void *page, unsigned int order)
{
	(void)order;
	free(page);
}

const struct kas_port kas_port_malloc_passthrough = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "malloc-passthrough",
	.description = "every function forwarded to malloc/calloc/realloc/free as it is, "
		       "nothing protected (the suite's cost worst case)",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KMALLOC_ARRAY | KAS_CAP_KREALLOC | KAS_CAP_KSIZE |
		KAS_CAP_VMALLOC | KAS_CAP_KVMALLOC | KAS_CAP_KVREALLOC | KAS_CAP_PAGES,
	.init = pt_init,
	.fini = pt_fini,

	.kmalloc = pt_kmalloc,
	.kzalloc = pt_kzalloc,
	.kmalloc_array = pt_kmalloc_array,
	.kcalloc = pt_kcalloc,
	.krealloc = pt_krealloc,
	.krealloc_array = pt_krealloc_array,
	.kfree = pt_free,
	.kvfree = pt_free,
	.ksize = pt_ksize,

	.vmalloc = pt_vmalloc,
	.vzalloc = pt_vzalloc,
	.vmalloc_gfp = pt_kmalloc,
	.vmalloc_node_align = pt_vmalloc_node_align,
	.vfree = pt_free,

	.kvmalloc = pt_kmalloc,
	.kvzalloc = pt_kzalloc,
	.kvmalloc_array = pt_kmalloc_array,
	.kvcalloc = pt_kcalloc,
	.kvrealloc = pt_kvrealloc,

	.alloc_pages = pt_alloc_pages,
	.get_free_pages = pt_get_free_pages,
	.get_zeroed_page = pt_get_zeroed_page,
	.free_pages = pt_free_pages,
	.free_pages_page = pt_free_pages_page,
};
