/* SPDX-License-Identifier: MIT */
/*
 * Debug mode (compile with KAS_REF_DEBUG, switch on at run time with the
 * environment variable KAS_REF_DEBUG=1 or ref_set_debug): catches callers'
 * misuse the way SLUB debugging, KASAN and Valgrind would.
 *
 *  - Free slab objects are poisoned (0x6b); an allocation that finds the
 *    poison disturbed reports a write after free.
 *  - The bytes between the requested size and the slot size are a red zone
 *    (0xcc), checked when the object is freed; ksize() reports the requested
 *    size so nobody is invited to use the slack.
 *  - Valgrind: the pool is a client memory pool; objects are announced with
 *    VALGRIND_MEMPOOL_ALLOC/FREE, red zones and free memory are NOACCESS, so
 *    memcheck reports use-after-free and overflows precisely.
 *  - ASan builds poison free objects and red zones manually.
 * The allocator's own accesses to object memory (free pointers, poison
 * checks) open and close the region around them.
 */
#include "ref_internal.h"

#ifdef KAS_REF_DEBUG
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#if defined(__SANITIZE_ADDRESS__)
#define REF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REF_ASAN 1
#endif
#endif

#ifdef REF_ASAN
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#define ASAN_POISON(p, n) __asan_poison_memory_region((p), (n))
#define ASAN_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define ASAN_POISON(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

bool ref_debug_on;
static bool pool_created;
static bool marks_left;   /* a debug trace poisoned the pool */
static int forced = -1;   /* ref_set_debug overrides the environment */

void ref_set_debug(bool on)
{
	forced = on;
}

void ref_dbg_reset(void)
{
	if (forced >= 0) {
		ref_debug_on = forced;
	} else {
		const char *e = getenv("KAS_REF_DEBUG");
		ref_debug_on = e && *e && strcmp(e, "0") != 0;
	}
	if (pool_created) {
		VALGRIND_DESTROY_MEMPOOL(&ref_m);
		pool_created = false;
	}
	size_t bytes = ref_m.cap_frames << REF_PAGE_SHIFT;
	if (!ref_debug_on) {
		if (marks_left) {   /* a previous debug trace left its marks */
			VALGRIND_MAKE_MEM_DEFINED(ref_m.linear, bytes);
			ASAN_UNPOISON(ref_m.linear, bytes);
			marks_left = false;
		}
		return;
	}
	marks_left = true;
	VALGRIND_CREATE_MEMPOOL(&ref_m, 0, 0);
	pool_created = true;
	VALGRIND_MAKE_MEM_NOACCESS(ref_m.linear, bytes);
	ASAN_POISON(ref_m.linear, bytes);
}

void ref_dbg_open(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_DEFINED(p, n);
	ASAN_UNPOISON(p, n);
}

void ref_dbg_close(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_NOACCESS(p, n);
	ASAN_POISON(p, n);
}

void ref_dbg_pages_alloc(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_UNDEFINED(p, n);
	ASAN_UNPOISON(p, n);
}

void ref_dbg_pages_free(const void *p, size_t n)
{
	VALGRIND_MAKE_MEM_NOACCESS(p, n);
	ASAN_POISON(p, n);
}

static bool all(const unsigned char *p, unsigned char v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

void ref_dbg_obj_alloc(const struct ref_cache *c, void *obj, size_t req, size_t slot,
		       bool defined)
{
	unsigned char *o = obj;
	ref_dbg_open(o, slot);
	if (c && ref_cache_poisons(c) && slot > sizeof(void *) &&
	    !all(o + sizeof(void *), REF_POISON_FREE, slot - sizeof(void *)))
		ref_warn(REF_WARN_OTHER, "slab object modified after free");
	if (c && slot > req)
		memset(o + req, REF_REDZONE, slot - req);
	VALGRIND_MEMPOOL_ALLOC(&ref_m, o, req);
	if (defined)
		VALGRIND_MAKE_MEM_DEFINED(o, req);
	if (slot > req)
		ref_dbg_close(o + req, slot - req);
}

void ref_dbg_obj_free(const struct ref_cache *c, void *obj, size_t req, size_t slot)
{
	unsigned char *o = obj;
	if (c && slot > req) {
		ref_dbg_open(o + req, slot - req);
		if (!all(o + req, REF_REDZONE, slot - req))
			ref_warn(REF_WARN_OTHER, "slab object red zone overwritten");
	}
	if (c && ref_cache_poisons(c)) {
		ref_dbg_open(o, slot);
		memset(o, REF_POISON_FREE, slot);
	}
	VALGRIND_MEMPOOL_FREE(&ref_m, o);
	ref_dbg_close(o, slot);
}

void ref_dbg_obj_shrink(const struct ref_cache *c, void *obj, size_t old, size_t new_size)
{
	unsigned char *o = obj;
	if (c)
		memset(o + new_size, REF_REDZONE, old - new_size);
	VALGRIND_MEMPOOL_CHANGE(&ref_m, o, o, new_size);
	ref_dbg_close(o + new_size, old - new_size);
}
#else
void ref_set_debug(bool on)
{
	(void)on;
}
#endif
