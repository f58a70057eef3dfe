/* SPDX-License-Identifier: MIT */
/*
 * Reference allocator debug mode: red zones, poisoning, double and invalid
 * frees, exact ksize.  With the argument "uaf" it reads a freed kmalloc
 * object (for the Valgrind test, which expects memcheck to object); with
 * "clean" it only exercises correct usage (Valgrind must stay silent).
 */
#include "test_impl_util.h"
#include "ref.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static int ctor_calls;
static void ctor(void *p)
{
	ctor_calls++;
	memset(p, 0x11, 40);
}

/* Correct usage of every path that debug mode annotates. */
static void clean_usage(void)
{
	unsigned char *a = P->kmalloc(10, GFP_KERNEL);
	memset(a, 1, 10);
	unsigned char *z = P->kzalloc(100, GFP_KERNEL);
	CHECK(all_bytes(z, 0, 100));
	unsigned char *b = P->krealloc(a, 50, GFP_KERNEL);
	CHECK(all_bytes(b, 1, 10));
	b = P->krealloc(b, 20, GFP_KERNEL);
	CHECK(b && all_bytes(b, 1, 10));
	P->kfree_sensitive(b);
	unsigned char *l = P->kzalloc(20000, GFP_KERNEL);
	CHECK(all_bytes(l, 0, 20000));
	P->kfree(l);
	void *c = P->kmem_cache_create("dbg", 40, 0, 0, ctor);
	unsigned char *o = P->kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(all_bytes(o, 0x11, 40));
	P->kmem_cache_free(c, o);
	o = P->kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(all_bytes(o, 0x11, 40));
	P->kmem_cache_free(c, o);
	P->kmem_cache_destroy(c);
	unsigned char *v = P->vzalloc(3 * PAGE);
	CHECK(all_bytes(v, 0, 3 * PAGE));
	P->vfree(v);
	unsigned char *pg = P->alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	CHECK(all_bytes(pg, 0, 2 * PAGE));
	P->free_pages_page(pg, 1);
	for (int i = 0; i < 2000; i++)
		P->kfree(P->kmalloc(1 + i % 300, GFP_KERNEL));
	P->kfree(z);
}

static void detections(void)
{
	unsigned char *p = P->kmalloc(10, GFP_KERNEL);
	CHECK(P->ksize(p) == 10);   /* exact size in debug mode */
	P->kfree(p);
	CHECK(warn_count[KAS_WARN_OTHER] == 0);
	P->kfree(p);
	CHECK(warn_count[KAS_WARN_DOUBLE_FREE] == 1);
	unsigned char *q = P->kmalloc(64, GFP_KERNEL);
	P->kfree(q + 4);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 1);
	P->kfree(q);
#ifndef UNDER_ASAN   /* ASan itself stops the program at these writes */
	unsigned char *r = P->kmalloc(10, GFP_KERNEL);
	r[12] = 1;   /* inside the 16-byte slot, past the request */
	P->kfree(r);
	CHECK(warn_count[KAS_WARN_OTHER] == 1);
	unsigned char *u = P->kmalloc(64, GFP_KERNEL);
	P->kfree(u);
	u[20] = 5;   /* write after free */
	unsigned char *u2 = P->kmalloc(64, GFP_KERNEL);
	CHECK(u2 == u);
	CHECK(warn_count[KAS_WARN_OTHER] == 2);
	unsigned char *s = P->kmalloc(100, GFP_KERNEL);
	CHECK(P->krealloc(s, 50, GFP_KERNEL) == s && P->ksize(s) == 50);
	s[60] = 0;   /* the shrunk part became red zone */
	P->kfree(s);
	CHECK(warn_count[KAS_WARN_OTHER] == 3);
#endif
}

int main(int argc, char **argv)
{
	ref_set_debug(true);
	start(KAS_KVER(6, 12), 0);
	if (argc > 1 && strcmp(argv[1], "uaf") == 0) {
		volatile unsigned char *p = P->kmalloc(64, GFP_KERNEL);
		p[8] = 42;
		P->kfree((void *)p);
		printf("read after free: %d\n", p[8]);   /* memcheck must report this */
		P->fini();
		return 0;
	}
	clean_usage();
	CHECK(warn_count[KAS_WARN_OTHER] == 0 && warn_count[KAS_WARN_BAD_FREE] == 0);
	P->fini();
	if (argc > 1 && strcmp(argv[1], "clean") == 0)
		return finish("test_impl_debug clean");
	start(KAS_KVER(6, 12), 0);
	detections();
	P->fini();
	ref_set_debug(false);
	start(KAS_KVER(6, 12), 0);
	void *n = P->kmalloc(10, GFP_KERNEL);
	CHECK(P->ksize(n) == 16);   /* debug off again */
	P->fini();
	return finish("test_impl_debug");
}
