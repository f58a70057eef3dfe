/* SPDX-License-Identifier: MIT */
/* Reference allocator: kmem_cache API and bulk operations. */
#include "test_impl_util.h"
#include "ref.h"

static int ctor_calls;
static void ctor(void *obj)
{
	ctor_calls++;
	memset(obj, 0x3c, 100);
}

static void test_ctor_once(void)
{
	start(KAS_KVER(6, 12), 0);
	void *c = P->kmem_cache_create("ctor_cache", 100, 0, 0, ctor);
	CHECK(c != NULL);
	CHECK(ctor_calls == 0);
	unsigned char *o = P->kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(o && all_bytes(o, 0x3c, 100));
	int per_slab = ctor_calls;
	CHECK(per_slab > 1);   /* the whole slab was constructed */
	for (int i = 0; i < 1000; i++) {
		P->kmem_cache_free(c, o);
		o = P->kmem_cache_alloc(c, GFP_KERNEL);
		/* the constructed state survives free/alloc */
		CHECK(all_bytes(o, 0x3c, 100));
	}
	CHECK(ctor_calls == per_slab);
	/* a second slab runs the ctor again, once per object */
	void *objs[400];
	for (int i = 0; i < 400; i++)
		objs[i] = P->kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(ctor_calls % per_slab == 0 && ctor_calls > per_slab);
	for (int i = 0; i < 400; i++)
		P->kmem_cache_free(c, objs[i]);
	P->kmem_cache_free(c, o);
	P->kmem_cache_destroy(c);
	CHECK(warn_count[KAS_WARN_DESTROY_LIVE] == 0);
	P->fini();
}

static void check_align(unsigned size, unsigned align, uint32_t flags, unsigned want)
{
	void *c = P->kmem_cache_create("align", size, align, flags, NULL);
	CHECK(c != NULL);
	void *o[50];
	for (int i = 0; i < 50; i++) {
		o[i] = P->kmem_cache_alloc(c, GFP_KERNEL);
		CHECK(o[i] && (uintptr_t)o[i] % want == 0);
		memset(o[i], 0xee, size);
	}
	for (int i = 0; i < 50; i++)
		P->kmem_cache_free(c, o[i]);
	P->kmem_cache_destroy(c);
}

static void test_alignment(void)
{
	start(KAS_KVER(6, 12), 0);
	check_align(100, 0, KAS_SLAB_HWCACHE_ALIGN, 64);
	check_align(20, 0, KAS_SLAB_HWCACHE_ALIGN, 32);
	check_align(10, 0, KAS_SLAB_HWCACHE_ALIGN, 16);
	check_align(24, 128, 0, 128);
	check_align(8, 0, 0, 8);
	check_align(4000, 4096, 0, 4096);
	check_align(1, 0, 0, 8);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 0 && warn_count[KAS_WARN_DESTROY_LIVE] == 0);
	P->fini();
}

static void test_destroy(void)
{
	start(KAS_KVER(6, 12), 0);
	P->kmem_cache_destroy(NULL);
	void *c = P->kmem_cache_create("live", 48, 0, 0, NULL);
	void *a = P->kmem_cache_zalloc(c, GFP_KERNEL);
	CHECK(a && all_bytes(a, 0, 48));
	P->kmem_cache_destroy(c);
	CHECK(warn_count[KAS_WARN_DESTROY_LIVE] == 1);
	/* still usable */
	void *b = P->kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(b && b != a);
	P->kmem_cache_free(c, b);
	/* kfree accepts cache objects */
	P->kfree(a);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 0);
	/* wrong cache: warned, object left alone */
	void *d = P->kmem_cache_create("other", 48, 0, 0, NULL);
	void *x = P->kmem_cache_alloc(d, GFP_KERNEL);
	P->kmem_cache_free(c, x);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 1);
	P->kmem_cache_free(d, x);
	P->kmem_cache_destroy(d);
	CHECK(warn_count[KAS_WARN_DESTROY_LIVE] == 1);
	P->fini();
}

static void test_bulk(void)
{
	start(KAS_KVER(6, 12), 0);
	void *c = P->kmem_cache_create("bulk", 200, 0, 0, NULL);
	void *p[300];
	CHECK(P->kmem_cache_alloc_bulk(c, GFP_KERNEL, 0, p) == 0);
	CHECK(P->kmem_cache_alloc_bulk(c, GFP_KERNEL, 300, p) == 300);
	for (int i = 0; i < 300; i++)
		for (int j = 0; j < i; j++)
			if (p[i] == p[j])
				CHECK(!"duplicate object");
	P->kmem_cache_free_bulk(c, 300, p);
	P->kmem_cache_destroy(c);
	CHECK(warn_count[KAS_WARN_DESTROY_LIVE] == 0);

	/* kfree_bulk: kmalloc, large kmalloc and cache objects */
	void *c2 = P->kmem_cache_create("bulk2", 64, 0, 0, NULL);
	void *q[4] = { P->kmalloc(10, GFP_KERNEL), P->kmalloc(50000, GFP_KERNEL),
		       P->kmem_cache_alloc(c2, GFP_KERNEL), P->kmalloc(8192, GFP_KERNEL) };
	P->kfree_bulk(0, q);
	P->kfree_bulk(4, q);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 0);
	P->kmem_cache_destroy(c2);
	CHECK(warn_count[KAS_WARN_DESTROY_LIVE] == 0);
	P->fini();

	/* all or nothing: a 1 MiB pool cannot hold 100 objects of 64 KiB */
	start(KAS_KVER(6, 12), (size_t)1 << 20);
	struct ref_stats before, after;
	ref_get_stats(&before);
	void *big = P->kmem_cache_create("big", 65536, 0, 0, NULL);
	void *r[100];
	CHECK(P->kmem_cache_alloc_bulk(big, GFP_KERNEL | __GFP_NOWARN, 100, r) == 0);
	ref_shrink_slabs();
	ref_get_stats(&after);
	CHECK(after.live_objects == 1);   /* only the cache descriptor itself */
	CHECK(P->kmem_cache_alloc_bulk(big, GFP_KERNEL, 3, r) == 3);
	P->kmem_cache_free_bulk(big, 3, r);
	P->kmem_cache_destroy(big);
	ref_shrink_slabs();
	ref_get_stats(&after);
	CHECK(after.live_objects == 0 && after.free_pages == before.free_pages);
	P->fini();
}

int main(void)
{
	test_ctor_once();
	test_alignment();
	test_destroy();
	test_bulk();
	return finish("test_impl_cache");
}
