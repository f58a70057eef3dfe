/* SPDX-License-Identifier: MIT */
/* Reference allocator: kmalloc family through the port table. */
#include "test_impl_util.h"

static size_t lowbit(size_t s) { return s & -s; }

static void test_zero_size(void)
{
	CHECK(P->kmalloc(0, GFP_KERNEL) == (void *)KAS_ZERO_SIZE_PTR);
	CHECK(P->kzalloc(0, GFP_KERNEL) == (void *)KAS_ZERO_SIZE_PTR);
	CHECK(P->ksize(NULL) == 0);
	CHECK(P->ksize((void *)KAS_ZERO_SIZE_PTR) == 0);
	P->kfree(NULL);
	P->kfree((void *)KAS_ZERO_SIZE_PTR);
	P->kvfree(NULL);
	P->kfree_sensitive(NULL);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 0);
}

static void test_alignment(uint32_t kver)
{
	start(kver, 0);
	for (size_t s = 1; s <= 8192; s++) {
		void *p[3];
		for (int i = 0; i < 3; i++) {
			p[i] = P->kmalloc(s, GFP_KERNEL);
			CHECK(p[i] != NULL);
			uintptr_t a = (uintptr_t)p[i];
			CHECK(a % 8 == 0);
			if (lowbit(s) == s)
				CHECK(a % s == 0);
			if (kver >= KAS_KVER(6, 11))
				CHECK(a % lowbit(s) == 0);
			CHECK(P->ksize(p[i]) == P->kmalloc_size_roundup(s));
			CHECK(P->ksize(p[i]) >= s);
			memset(p[i], 0x5a, s);
		}
		for (int i = 0; i < 3; i++)
			P->kfree(p[i]);
	}
	/* the 96 and 192 caches specifically */
	for (int i = 0; i < 100; i++) {
		void *a = P->kmalloc(96, GFP_KERNEL), *b = P->kmalloc(192, GFP_KERNEL);
		CHECK((uintptr_t)a % 32 == 0 && (uintptr_t)b % 64 == 0);
	}
	P->fini();
}

static void test_large(void)
{
	start(KAS_KVER(6, 12), 0);
	size_t sizes[] = { 8193, 12288, 65536, 100000, (size_t)4 << 20 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *p = P->kmalloc(sizes[i], GFP_KERNEL);
		CHECK(p && (uintptr_t)p % PAGE == 0);
		size_t ks = P->ksize(p);
		CHECK(ks >= sizes[i] && ks == P->kmalloc_size_roundup(sizes[i]));
		CHECK((ks & (ks - 1)) == 0);
		memset(p, 1, sizes[i]);
		P->kfree(p);
	}
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 0);
	CHECK(P->kmalloc(((size_t)4 << 20) + 1, GFP_KERNEL) == NULL);
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 1);
	CHECK(P->kmalloc(SIZE_MAX, GFP_KERNEL | __GFP_NOWARN) == NULL);
	CHECK(warn_count[KAS_WARN_TOO_LARGE] == 1);
	CHECK(P->kmalloc_size_roundup(0) == 0);
	CHECK(P->kmalloc_size_roundup(1) == 8);
	CHECK(P->kmalloc_size_roundup(65) == 96);
	CHECK(P->kmalloc_size_roundup(126) == 128);
	CHECK(P->kmalloc_size_roundup(129) == 192);
	CHECK(P->kmalloc_size_roundup(193) == 256);
	CHECK(P->kmalloc_size_roundup(8193) == 16384);
	CHECK(P->kmalloc_size_roundup((size_t)4 << 20) == (size_t)4 << 20);
	CHECK(P->kmalloc_size_roundup(((size_t)4 << 20) + 1) == ((size_t)4 << 20) + 1);
	/* kzalloc zeroes; kcalloc overflow fails without allocating */
	unsigned char *z = P->kzalloc(3000, GFP_KERNEL);
	CHECK(z && all_bytes(z, 0, 3000));
	CHECK(P->kmalloc_array(SIZE_MAX / 2, 3, GFP_KERNEL) == NULL);
	CHECK(P->kcalloc(SIZE_MAX / 2, 3, GFP_KERNEL) == NULL);
	unsigned char *c = P->kcalloc(10, 30, GFP_KERNEL);
	CHECK(c && all_bytes(c, 0, 300));
	P->fini();
}

static void test_krealloc(uint32_t kver)
{
	start(kver, 0);
	unsigned char *p = P->krealloc(NULL, 10, GFP_KERNEL);
	CHECK(p && P->ksize(p) == 16);
	memset(p, 0xaa, 10);
	memset(p + 10, 0xbb, 6);   /* beyond the request, inside the bucket */
	unsigned char *q = P->krealloc(p, 16, GFP_KERNEL | __GFP_ZERO);
	CHECK(q == p);
	CHECK(all_bytes(q, 0xaa, 10));
	if (kver >= KAS_KVER(6, 12))
		CHECK(all_bytes(q + 10, 0, 6));
	else
		CHECK(all_bytes(q + 10, 0xbb, 6));
	/* grow out of the bucket: contents kept, new part zeroed with __GFP_ZERO */
	memset(q, 0xcc, 16);
	unsigned char *r = P->krealloc(q, 100, GFP_KERNEL | __GFP_ZERO);
	CHECK(r && r != q && P->ksize(r) == 128);
	CHECK(all_bytes(r, 0xcc, 16));
	CHECK(all_bytes(r + 16, 0, 84));
	/* failure leaves the old object alone */
	CHECK(P->krealloc(r, (size_t)8 << 20, GFP_KERNEL | __GFP_NOWARN) == NULL);
	CHECK(P->ksize(r) == 128 && all_bytes(r, 0xcc, 16));
	/* to and from large */
	unsigned char *l = P->krealloc(r, 20000, GFP_KERNEL);
	CHECK(l && (uintptr_t)l % PAGE == 0 && all_bytes(l, 0xcc, 16));
	unsigned char *s = P->krealloc(l, 30000, GFP_KERNEL);
	CHECK(s == l);   /* fits the order-3 block */
	/* size 0 frees and returns ZERO_SIZE_PTR */
	CHECK(P->krealloc(s, 0, GFP_KERNEL) == (void *)KAS_ZERO_SIZE_PTR);
	CHECK(P->ksize(s) == 0);
	CHECK(P->krealloc((void *)KAS_ZERO_SIZE_PTR, 8, GFP_KERNEL) != NULL);
	CHECK(P->krealloc_array(NULL, SIZE_MAX / 2, 4, GFP_KERNEL) == NULL);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 0);
	P->fini();
}

static void test_bad_frees(void)
{
	start(KAS_KVER(6, 12), 0);
	char *a = P->kmalloc(64, GFP_KERNEL), *b = P->kmalloc(64, GFP_KERNEL);
	memset(a, 1, 64);
	memset(b, 2, 64);
	P->kfree(a + 8);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 1);
	static char stack_buf[64];
	P->kfree(stack_buf);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 2);
	P->kfree(a);
	P->kfree(a);
	CHECK(warn_count[KAS_WARN_DOUBLE_FREE] == 1);
	char *c = P->kmalloc(64, GFP_KERNEL), *d = P->kmalloc(64, GFP_KERNEL);
	CHECK(c != d && c != b && d != b);
	CHECK(all_bytes(b, 2, 64));
	/* kfree_sensitive zeroes the bucket (the free pointer is at offset 0) */
	memset(c, 0x77, 64);
	P->kfree_sensitive(c);
	CHECK(all_bytes(c + 8, 0, 56));
	/* GFP_DMA32 is a slab bug flag: warned and stripped */
	void *e = P->kmalloc(4000, GFP_KERNEL | __GFP_DMA32);
	CHECK(e != NULL && warn_count[KAS_WARN_BAD_FLAGS] == 1);
	/* kmalloc(GFP_DMA) comes from the DMA zone */
	void *f = P->kmalloc(100, GFP_KERNEL | __GFP_DMA);
	void *g = P->kmalloc(20000, GFP_KERNEL | __GFP_DMA);
	CHECK(f && P->virt_to_phys(f) < ((uint64_t)16 << 20));
	CHECK(g && P->virt_to_phys(g) < ((uint64_t)16 << 20));
	P->fini();
}

int main(void)
{
	start(KAS_KVER(6, 12), 0);
	test_zero_size();
	P->fini();
	test_alignment(KAS_KVER(6, 6));
	test_alignment(KAS_KVER(6, 12));
	test_large();
	test_krealloc(KAS_KVER(6, 6));
	test_krealloc(KAS_KVER(6, 12));
	test_bad_frees();
	return finish("test_impl_kmalloc");
}
