/* SPDX-License-Identifier: MIT */
/*
 * Reference allocator under threads: 4 threads x 1M mixed operations
 * (kmalloc/kzalloc/krealloc/kfree of every size class and large sizes, a
 * shared kmem_cache, pages, occasional vmalloc, objects handed to other
 * threads to free).  Every object carries its owner tag and is verified
 * before it is freed; at the end every object is accounted for and the pool
 * is completely free again.
 */
#include "test_impl_util.h"
#include "ref.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define THREADS 4
#define OPS 1000000
#define SLOTS 1024

enum kind { K_KMALLOC, K_CACHE, K_PAGES, K_VMALLOC };
struct obj {
	unsigned char *p;
	size_t size;
	enum kind kind;
	unsigned order;
	uint64_t tag;
};

static void *shared_cache;
static atomic_long errors, allocs;

/* a small exchange: objects allocated by one thread, freed by another */
static pthread_mutex_t xlock = PTHREAD_MUTEX_INITIALIZER;
static struct obj xchg[256];
static int nx;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void stamp(struct obj *o)
{
	size_t n = o->size < 64 ? o->size : 64;
	for (size_t i = 0; i < n; i++)
		o->p[i] = (unsigned char)(o->tag >> ((i % 8) * 8));
	if (o->size > 64)
		o->p[o->size - 1] = (unsigned char)o->tag;
}

static void verify_head(const struct obj *o, bool tail)
{
	size_t n = o->size < 64 ? o->size : 64;
	for (size_t i = 0; i < n; i++)
		if (o->p[i] != (unsigned char)(o->tag >> ((i % 8) * 8))) {
			atomic_fetch_add(&errors, 1);
			return;
		}
	if (tail && o->size > 64 && o->p[o->size - 1] != (unsigned char)o->tag)
		atomic_fetch_add(&errors, 1);
}

static void verify(const struct obj *o)
{
	verify_head(o, true);
}

static void release(struct obj *o)
{
	verify(o);
	switch (o->kind) {
	case K_KMALLOC: P->kfree(o->p); break;
	case K_CACHE: P->kmem_cache_free(shared_cache, o->p); break;
	case K_PAGES: P->free_pages_page(o->p, o->order); break;
	case K_VMALLOC: P->vfree(o->p); break;
	}
	o->p = NULL;
}

static bool make(struct obj *o, uint64_t r, uint64_t tag)
{
	unsigned sel = r % 1000;
	o->tag = tag;
	o->order = 0;
	if (sel < 700) {
		o->kind = K_KMALLOC;
		o->size = 1 + (r >> 10) % (sel < 690 ? 1024 : 9000);
		o->p = (sel & 1) ? P->kzalloc(o->size, GFP_KERNEL | __GFP_NOWARN)
				 : P->kmalloc(o->size, GFP_KERNEL | __GFP_NOWARN);
		if (o->p && (sel & 1) && !all_bytes(o->p, 0, o->size))
			atomic_fetch_add(&errors, 1);
	} else if (sel < 720) {
		o->kind = K_KMALLOC;
		o->size = 8193 + (r >> 10) % 60000;
		o->p = P->kmalloc(o->size, GFP_KERNEL | __GFP_NOWARN);
	} else if (sel < 950) {
		o->kind = K_CACHE;
		o->size = 72;
		o->p = P->kmem_cache_alloc(shared_cache, GFP_KERNEL | __GFP_NOWARN);
	} else if (sel < 999) {
		o->kind = K_PAGES;
		o->order = (r >> 10) % 3;
		o->size = (size_t)PAGE << o->order;
		o->p = P->alloc_pages(GFP_KERNEL | __GFP_NOWARN, o->order);
	} else {
		o->kind = K_VMALLOC;
		o->size = PAGE * (1 + (r >> 10) % 4);
		o->p = P->vmalloc_gfp(o->size, GFP_KERNEL | __GFP_NOWARN);
	}
	if (!o->p)
		return false;
	atomic_fetch_add(&allocs, 1);
	stamp(o);
	return true;
}

static void *worker(void *arg)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull * (uintptr_t)arg + 1;
	static __thread struct obj slots[SLOTS];
	uint64_t tag = (uint64_t)(uintptr_t)arg << 56;
	for (long op = 0; op < OPS; op++) {
		uint64_t r = next_rand(&seed);
		struct obj *o = &slots[r % SLOTS];
		r >>= 10;
		if (o->p && (r & 3) == 0 && o->kind == K_KMALLOC) {
			/* krealloc keeps the stamp */
			size_t ns = 1 + (r >> 2) % 2000;
			unsigned char *q = P->krealloc(o->p, ns, GFP_KERNEL | __GFP_NOWARN);
			if (q) {
				size_t keep = ns < o->size ? ns : o->size;
				struct obj t = *o;
				t.p = q;
				t.size = keep;
				verify_head(&t, false);   /* the tail byte moved */
				o->p = q;
				o->size = ns;
				stamp(o);
			}
		} else if (o->p && (r & 3) == 1) {
			pthread_mutex_lock(&xlock);
			if (nx < 256) {
				xchg[nx++] = *o;
				o->p = NULL;
			}
			pthread_mutex_unlock(&xlock);
		} else if (o->p) {
			release(o);
		} else if ((r & 7) == 2) {
			pthread_mutex_lock(&xlock);
			struct obj x = nx ? xchg[--nx] : (struct obj){ 0 };
			pthread_mutex_unlock(&xlock);
			if (x.p)
				release(&x);
		} else {
			make(o, r, tag | (uint64_t)op);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].p)
			release(&slots[i]);
	return NULL;
}

int main(void)
{
	start(KAS_KVER(6, 12), 0);
	CHECK(P->caps & KAS_CAP_THREADS);
	struct ref_stats st0, st;
	ref_get_stats(&st0);
	shared_cache = P->kmem_cache_create("shared", 72, 0, 0, NULL);
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	while (nx)
		release(&xchg[--nx]);
	P->kmem_cache_destroy(shared_cache);
	ref_shrink_slabs();
	ref_get_stats(&st);
	printf("%ld allocations, %ld pattern errors; free %zu/%zu pages, %zu live objects, "
	       "%zu slab pages, %zu vmalloc pages\n", (long)allocs, (long)errors, st.free_pages,
	       st.total_pages, st.live_objects, st.slab_pages, st.vmalloc_pages);
	CHECK(errors == 0);
	CHECK(allocs > THREADS * (long)OPS / 4);
	CHECK(st.live_objects == 0 && st.slab_pages == 0 && st.vmalloc_pages == 0);
	CHECK(st.free_pages == st0.free_pages && st.free_pages == st.total_pages);
	CHECK(warn_count[KAS_WARN_BAD_FREE] == 0 && warn_count[KAS_WARN_DOUBLE_FREE] == 0);
	CHECK(warn_count[KAS_WARN_DESTROY_LIVE] == 0);
	P->fini();
	return finish("test_impl_threads");
}
