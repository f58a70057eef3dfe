/* SPDX-License-Identifier: MIT */
/* Reference allocator: page allocator, zones, exhaustion and recovery. */
#include "test_impl_util.h"
#include "ref.h"

static void test_orders(void)
{
	start(KAS_KVER(6, 12), 0);
	for (unsigned o = 0; o <= 10; o++) {
		char *p = P->alloc_pages(GFP_KERNEL, o);
		CHECK(p != NULL);
		size_t bytes = (size_t)PAGE << o;
		CHECK((uintptr_t)p % bytes == 0);
		CHECK(P->virt_to_phys(p) % bytes == 0);
		CHECK(P->virt_to_phys(p) >= ((uint64_t)4 << 30));   /* Normal zone */
		memset(p, 0xab, bytes);
		P->free_pages_page(p, o);
	}
	CHECK(P->alloc_pages(GFP_KERNEL, 11) == NULL);
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 1);
	CHECK(P->alloc_pages(GFP_KERNEL | __GFP_NOWARN, 11) == NULL);
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 1);
	unsigned long z = P->get_zeroed_page(GFP_KERNEL);
	CHECK(z && all_bytes((void *)z, 0, PAGE));
	P->free_pages(z, 0);
	P->free_pages(0, 3);
	for (int i = 0; i < 50; i++) {
		char *d = P->alloc_pages(GFP_KERNEL | __GFP_DMA, 1);
		CHECK(d && P->virt_to_phys(d) + 2 * PAGE <= ((uint64_t)16 << 20));
		char *d32 = (char *)P->get_free_pages(GFP_KERNEL | __GFP_DMA32, 2);
		CHECK(d32 && P->virt_to_phys(d32) + 4 * PAGE <= ((uint64_t)4 << 30));
		CHECK(P->virt_to_phys(d32) >= ((uint64_t)16 << 20));
	}
	CHECK(P->virt_to_phys((void *)&z) == UINT64_MAX);
	CHECK(P->virt_to_phys(NULL) == UINT64_MAX);
	P->fini();
}

/* Drain a small pool with `alloc`, free it all, check nothing leaked. */
static size_t drain(size_t max, void **slots, void *(*alloc)(void), void (*release)(void *))
{
	size_t n = 0;
	while (n < max && (slots[n] = alloc()) != NULL)
		n++;
	for (size_t i = 0; i < n; i++)
		release(slots[i]);
	return n;
}

static void *a_page(void) { return P->alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0); }
static void f_page(void *p) { P->free_pages_page(p, 0); }
static void *a_k64(void) { return P->kmalloc(64, GFP_KERNEL | __GFP_NOWARN); }
static void *a_k5000(void) { return P->kmalloc(5000, GFP_KERNEL | __GFP_NOWARN); }
static void *a_o3(void) { return P->alloc_pages(GFP_KERNEL | __GFP_NOWARN, 3); }
static void f_o3(void *p) { P->free_pages_page(p, 3); }
static void *a_v(void) { return P->vmalloc_gfp(3 * PAGE, GFP_KERNEL | __GFP_NOWARN); }
static void f_k(void *p) { P->kfree(p); }
static void f_v(void *p) { P->vfree(p); }

static void test_exhaustion(void)
{
	static void *slots[1 << 17];
	start(KAS_KVER(6, 12), (size_t)4 << 20);
	struct ref_stats st0, st;
	ref_get_stats(&st0);
	CHECK(st0.free_pages == st0.total_pages && st0.total_pages == 1024);
	for (int z = 0; z < 4; z++)
		CHECK(st0.zone_pages[z] > 0);
	struct { void *(*a)(void); void (*f)(void *); size_t max; } kinds[] = {
		{ a_page, f_page, 2000 }, { a_k64, f_k, 1 << 17 }, { a_k5000, f_k, 2000 },
		{ a_o3, f_o3, 2000 }, { a_v, f_v, 2000 },
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t first = drain(kinds[k].max, slots, kinds[k].a, kinds[k].f);
		CHECK(first > 0 && first < kinds[k].max);
		ref_shrink_slabs();
		ref_get_stats(&st);
		CHECK(st.free_pages == st.total_pages);
		CHECK(st.live_objects == 0 && st.vmalloc_pages == 0);
		size_t again = drain(kinds[k].max, slots, kinds[k].a, kinds[k].f);
		CHECK(again == first);
		ref_shrink_slabs();
	}
	/* a failure without NOWARN is reported */
	size_t n = 0;
	while ((slots[n] = P->alloc_pages(GFP_KERNEL, 0)) != NULL)
		n++;
	CHECK(warn_count[KAS_WARN_ALLOC_FAILURE] == 1);
	/* __GFP_HIGH dips below the min watermark, __GFP_MEMALLOC to the end */
	CHECK(P->alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0) != NULL);
	size_t extra = 0;
	while (P->alloc_pages(__GFP_MEMALLOC | __GFP_NOWARN, 0))
		extra++;
	CHECK(extra > 0);
	ref_get_stats(&st);
	/* everything but Movable, which GFP_KERNEL may not use, is gone */
	CHECK(st.free_pages == st.zone_free[3] && st.zone_free[3] == st.zone_pages[3]);
	void *mv = P->alloc_pages(GFP_KERNEL | __GFP_HIGHMEM | __GFP_MOVABLE, 0);
	CHECK(mv != NULL && P->virt_to_phys(mv) >= ((uint64_t)4 << 30));
	P->fini();
}

int main(void)
{
	test_orders();
	test_exhaustion();
	return finish("test_impl_pages");
}
