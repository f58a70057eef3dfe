/* SPDX-License-Identifier: MIT */
/* Reference allocator: vmalloc, vrealloc and the kvmalloc family. */
#include "test_impl_util.h"
#include <limits.h>

static void test_vmalloc(void)
{
	start(KAS_KVER(6, 12), 0);
	CHECK(P->vmalloc(0) == NULL);
	CHECK(warn_count[KAS_WARN_ZERO_SIZE] == 1);
	size_t n = 16;
	unsigned char *v = P->vmalloc(n * PAGE);
	CHECK(v && (uintptr_t)v % PAGE == 0 && P->is_vmalloc_addr(v));
	memset(v, 0x42, n * PAGE);   /* contiguous and writable */
	int contiguous = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t ph = P->virt_to_phys(v + i * PAGE);
		CHECK(ph != UINT64_MAX && ph % PAGE == 0);
		CHECK(P->virt_to_phys(v + i * PAGE + 123) == ph + 123);
		if (i && ph == P->virt_to_phys(v + (i - 1) * PAGE) + PAGE)
			contiguous++;
	}
	CHECK(contiguous == 0);
	/* the frames really are the pool's: a kmalloc'd linear-map view can
	 * not alias them while the area is live */
	CHECK(!P->is_vmalloc_addr(P->kmalloc(8, GFP_KERNEL)));
	P->vfree(v);
	P->vfree(NULL);
	unsigned char *z = P->vzalloc(3 * PAGE + 5);
	CHECK(z && all_bytes(z, 0, 3 * PAGE + 5));
	/* explicit alignment */
	void *a = P->vmalloc_node_align(5 * PAGE, 65536, GFP_KERNEL);
	CHECK(a && (uintptr_t)a % 65536 == 0);
	CHECK(P->vmalloc_node_align(PAGE, 3 * PAGE, GFP_KERNEL) == NULL);
	/* alignments beyond the range base's own alignment */
	for (size_t al = (size_t)8 << 20; al <= ((size_t)128 << 20); al <<= 1) {
		void *h = P->vmalloc_node_align(PAGE, al, GFP_KERNEL | __GFP_NOWARN);
		CHECK(h == NULL || (uintptr_t)h % al == 0);
		P->vfree(h);
	}
	CHECK(P->vmalloc_node_align(PAGE, (size_t)1 << 50, GFP_KERNEL | __GFP_NOWARN) == NULL);
	/* larger than the pool */
	CHECK(P->vmalloc_gfp((size_t)1 << 30, GFP_KERNEL | __GFP_NOWARN) == NULL);
	/* vfree of something else warns and frees nothing */
	void *k = P->kmalloc(100, GFP_KERNEL);
	P->vfree(k);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 1 && P->ksize(k) == 128);
	P->vfree((char *)a + PAGE);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 2);
	/* vrealloc */
	unsigned char *r = P->vrealloc(NULL, 100, GFP_KERNEL);
	CHECK(r && P->is_vmalloc_addr(r));
	memset(r, 9, 100);
	unsigned char *r2 = P->vrealloc(r, 3 * PAGE, GFP_KERNEL);
	CHECK(r2 && all_bytes(r2, 9, 100));
	unsigned char *r3 = P->vrealloc(r2, 50, GFP_KERNEL);
	CHECK(r3 && all_bytes(r3, 9, 50));
	CHECK(P->vrealloc(r3, 0, GFP_KERNEL) == NULL);
	/* GFP_DMA32 vmalloc pages come from DMA32 or below */
	unsigned char *d = P->vmalloc_gfp(4 * PAGE, GFP_KERNEL | __GFP_DMA32);
	for (int i = 0; d && i < 4; i++)
		CHECK(P->virt_to_phys(d + i * PAGE) < ((uint64_t)4 << 30));
	P->fini();
}

static void test_kvmalloc(void)
{
	size_t big = (size_t)8 << 20;   /* above KMALLOC_MAX_SIZE: kmalloc must fail */
	start(KAS_KVER(6, 12), 0);
	void *s = P->kvmalloc(PAGE, GFP_KERNEL);
	CHECK(s && !P->is_vmalloc_addr(s));
	void *l = P->kvmalloc(big, GFP_KERNEL);
	CHECK(l && P->is_vmalloc_addr(l));
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 0);   /* kmalloc attempt was NOWARN */
	P->kvfree(l);
	P->kvfree(s);
	CHECK(P->kvmalloc(big, GFP_ATOMIC) == NULL);          /* no fallback 6.1..6.18 */
	void *nofs = P->kvmalloc(big, __GFP_RECLAIM | __GFP_IO);
	CHECK(nofs && P->is_vmalloc_addr(nofs));
	P->kvfree(nofs);
	CHECK(P->kvmalloc((size_t)INT_MAX + 1, GFP_KERNEL) == NULL);
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 1);
	CHECK(P->kvmalloc((size_t)INT_MAX + 1, GFP_KERNEL | __GFP_NOWARN) == NULL);
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 1);
	unsigned char *z = P->kvzalloc(big, GFP_KERNEL);
	CHECK(z && z[0] == 0 && z[big - 1] == 0);
	P->kvfree(z);
	CHECK(P->kvmalloc_array(SIZE_MAX / 2, 3, GFP_KERNEL) == NULL);
	/* kvrealloc >= 6.12: kmalloc memory -> krealloc, vmalloc -> vrealloc */
	unsigned char *k = P->kvmalloc(100, GFP_KERNEL);
	memset(k, 7, 100);
	unsigned char *k2 = P->kvrealloc(k, 100, big, GFP_KERNEL);
	CHECK(k2 && P->is_vmalloc_addr(k2) && all_bytes(k2, 7, 100));
	CHECK(P->kvrealloc(k2, big, 0, GFP_KERNEL) == NULL);
	unsigned char *k3 = P->kvmalloc(100, GFP_KERNEL);
	CHECK(P->kvrealloc(k3, 100, 0, GFP_KERNEL) == (void *)KAS_ZERO_SIZE_PTR);
	P->fini();

	start(KAS_KVER(6, 19), 0);
	void *at = P->kvmalloc(big, GFP_ATOMIC);
	CHECK(at && P->is_vmalloc_addr(at));   /* non-blocking vmalloc fallback */
	P->fini();

	start(KAS_KVER(5, 15), 0);
	CHECK(P->kvmalloc(big, __GFP_RECLAIM | __GFP_IO) == NULL);   /* GFP_NOFS: kmalloc only */
	void *g = P->kvmalloc(big, GFP_KERNEL);
	CHECK(g && P->is_vmalloc_addr(g));
	/* kvrealloc <= 6.11: shrinking returns p unchanged */
	unsigned char *o = P->kvmalloc(300, GFP_KERNEL);
	CHECK(P->kvrealloc(o, 300, 200, GFP_KERNEL) == o);
	memset(o, 5, 300);
	unsigned char *o2 = P->kvrealloc(o, 300, 5000, GFP_KERNEL);
	CHECK(o2 && o2 != o && all_bytes(o2, 5, 300));
	P->fini();
}

int main(void)
{
	test_vmalloc();
	test_kvmalloc();
	return finish("test_impl_vmalloc");
}
