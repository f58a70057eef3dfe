/* SPDX-License-Identifier: MIT */
/*
 * vmalloc: a virtual range reserved once with PROT_NONE; an area is a run
 * of pages in it (plus one guard page) onto which order-0 frames are mapped
 * with mmap(MAP_FIXED | MAP_SHARED, memfd, frame offset).  The frames are
 * deliberately arranged in descending frame order, so that consecutive
 * virtual pages are never physically consecutive (the point of vmalloc).
 *
 * Bookkeeping, one entry per vmalloc page (mmap'ed arrays): the frame
 * mapped there (-1 for guard pages), the area length at an area's first
 * page (0 elsewhere), the requested size at the first page, and a bitmap
 * of pages in use.
 *
 * Mapping cache: an mmap per scattered frame costs a syscall, a VMA and a
 * fault, and replacing it zaps PTEs and flushes TLBs (most of the fuzzer's
 * time once).  So vfree only makes an area PROT_NONE (use after vfree still
 * faults) and mapped[] remembers the frame each page still maps; a new area
 * whose frames match (pcp lists are LIFO, every trace starts from the same
 * pool) needs one mprotect, other pages an mmap (consecutive frames as one
 * run).  Above VM_CACHE_MAX cached pages the cache is dropped, keeping the
 * VMA count far below vm.max_map_count.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ref_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define VM_ALIGN (REF_PAGE_SIZE << REF_MAX_PAGE_ORDER)
#define VM_CACHE_MAX ((size_t)16384)   /* cached page mappings (VMAs) */

static struct {
	char *reserve;          /* what mmap returned */
	size_t reserve_len;
	char *base;             /* VMALLOC_START, 4 MiB aligned */
	size_t total;           /* pages in the range */
	int32_t *frame;         /* [total] */
	int32_t *mapped;        /* [total] frame still mapped there (maybe PROT_NONE), -1 none */
	size_t nmapped;         /* pages with mapped[] >= 0 */
	size_t extent;          /* every mapped[] >= 0 lies in [0, extent) */
	size_t pool_frames;     /* ref_m.cap_frames the cached maps belong to */
	uint32_t *npages;       /* [total] area length at its first page */
	uint32_t *req;          /* [total] requested size at its first page */
	uint64_t *used;         /* bitmap [total / 64] */
	size_t hwm;             /* pages [0, hwm) may be dirty */
	size_t cursor;          /* next-fit search start */
	size_t live_pages;
} vm;

/* Guards the range bitmap and the per-page arrays. */
static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void drop_cache(size_t s, size_t n);

static void vm_teardown(void)
{
	if (vm.reserve)
		munmap(vm.reserve, vm.reserve_len);
	if (vm.frame)
		munmap(vm.frame, vm.total * sizeof(int32_t));
	if (vm.mapped)
		munmap(vm.mapped, vm.total * sizeof(int32_t));
	if (vm.npages)
		munmap(vm.npages, vm.total * sizeof(uint32_t));
	if (vm.req)
		munmap(vm.req, vm.total * sizeof(uint32_t));
	if (vm.used)
		munmap(vm.used, vm.total / 8);
	memset(&vm, 0, sizeof(vm));
}

int ref_vmalloc_setup(size_t pool_bytes)
{
	size_t len = 4 * pool_bytes;
	if (len < ((size_t)256 << 20))
		len = (size_t)256 << 20;
	if (vm.reserve && vm.total == len >> REF_PAGE_SHIFT) {
		/* a grown pool is a new memfd (phys.c): cached maps show the old one */
		if (vm.pool_frames != ref_m.cap_frames) {
			drop_cache(0, vm.extent);
			vm.extent = 0;
			vm.pool_frames = ref_m.cap_frames;
		}
		return 0;
	}
	vm_teardown();
	vm.reserve_len = len + VM_ALIGN;
	void *r = mmap(NULL, vm.reserve_len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED) {
		memset(&vm, 0, sizeof(vm));
		return -1;
	}
	vm.reserve = r;
	vm.base = (char *)(((uintptr_t)r + VM_ALIGN - 1) & ~(uintptr_t)(VM_ALIGN - 1));
	vm.total = len >> REF_PAGE_SHIFT;
	vm.frame = map_anon(vm.total * sizeof(int32_t));
	vm.mapped = map_anon(vm.total * sizeof(int32_t));
	vm.npages = map_anon(vm.total * sizeof(uint32_t));
	vm.req = map_anon(vm.total * sizeof(uint32_t));
	vm.used = map_anon(vm.total / 8);
	if (!vm.frame || !vm.mapped || !vm.npages || !vm.req || !vm.used) {
		vm_teardown();
		return -1;
	}
	memset(vm.mapped, 0xff, vm.total * sizeof(int32_t));   /* -1: nothing cached */
	vm.pool_frames = ref_m.cap_frames;
	return 0;
}

/* Forgets the cached mappings of pages [s, s + n): one anonymous
 * PROT_NONE map over them. */
static void drop_cache(size_t s, size_t n)
{
	if (!n)
		return;
	mmap(vm.base + (s << REF_PAGE_SHIFT), n << REF_PAGE_SHIFT, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	for (size_t i = s; i < s + n; i++) {
		if (vm.mapped[i] >= 0)
			__atomic_fetch_sub(&vm.nmapped, 1, __ATOMIC_RELAXED);
		vm.mapped[i] = -1;
	}
}

/* Makes pages [s, s + n) inaccessible; drops their cached frames when the
 * cache is over budget (then it is a plain unmap, as before the cache). */
static void unmap_area(size_t s, size_t n)
{
	char *addr = vm.base + (s << REF_PAGE_SHIFT);

	if (__atomic_load_n(&vm.nmapped, __ATOMIC_RELAXED) > VM_CACHE_MAX)
		drop_cache(s, n);
	else
		mprotect(addr, n << REF_PAGE_SHIFT, PROT_NONE);
}

/* Maps frame[s .. s + n) at pages [s, s + n), read-write; 0 or -1. */
static int map_area(size_t s, size_t n)
{
	char *addr = vm.base + (s << REF_PAGE_SHIFT);
	bool reused = false;

	for (size_t i = 0; i < n;) {
		if (vm.mapped[s + i] == vm.frame[s + i]) {
			reused = true;
			i++;
			continue;
		}
		/* a run of consecutive frames that are not cached yet: one mmap */
		size_t run = 1;
		while (i + run < n && vm.frame[s + i + run] == vm.frame[s + i] + (int32_t)run &&
		       vm.mapped[s + i + run] != vm.frame[s + i + run])
			run++;
		void *m = mmap(addr + (i << REF_PAGE_SHIFT), run << REF_PAGE_SHIFT,
			       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, ref_m.memfd,
			       (off_t)vm.frame[s + i] << REF_PAGE_SHIFT);
		if (m == MAP_FAILED)
			return -1;
		for (size_t k = i; k < i + run; k++) {
			if (vm.mapped[s + k] < 0)
				__atomic_fetch_add(&vm.nmapped, 1, __ATOMIC_RELAXED);
			vm.mapped[s + k] = vm.frame[s + k];
		}
		size_t end = s + i + run, ext = __atomic_load_n(&vm.extent, __ATOMIC_RELAXED);
		while (ext < end && !__atomic_compare_exchange_n(&vm.extent, &ext, end, true,
								 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		i += run;
	}
	if (reused && mprotect(addr, n << REF_PAGE_SHIFT, PROT_READ | PROT_WRITE) != 0)
		return -1;
	return 0;
}

void ref_vmalloc_reset(void)
{
	/* The cached mappings outlive the trace (the next one usually gets
	 * the same frames at the same addresses); only access is revoked. */
	if (vm.nmapped > VM_CACHE_MAX) {
		drop_cache(0, vm.extent);
		vm.extent = 0;
	} else if (vm.hwm) {
		/* pages above hwm were made PROT_NONE when their area went */
		mprotect(vm.base, vm.hwm << REF_PAGE_SHIFT, PROT_NONE);
	}
	if (vm.hwm) {
		memset(vm.used, 0, ((vm.hwm + 63) / 64) * sizeof(uint64_t));
		memset(vm.npages, 0, vm.hwm * sizeof(uint32_t));
	}
	vm.hwm = 0;
	vm.cursor = 0;
	vm.live_pages = 0;
}

static bool bit_test(size_t i)
{
	return (vm.used[i / 64] >> (i % 64)) & 1;
}

static void bits_set(size_t s, size_t n, bool on)
{
	for (size_t i = s; i < s + n; i++) {
		if (on)
			vm.used[i / 64] |= 1ull << (i % 64);
		else
			vm.used[i / 64] &= ~(1ull << (i % 64));
	}
}

/* first used page in [s, e), or e */
static size_t first_used(size_t s, size_t e)
{
	size_t i = s;
	while (i < e) {
		uint64_t w = vm.used[i / 64] >> (i % 64);
		if (w)
			return i + (size_t)__builtin_ctzll(w) < e ? i + (size_t)__builtin_ctzll(w) : e;
		i = (i / 64 + 1) * 64;
	}
	return e;
}

/* first fit of n pages whose first page's address is a multiple of align
 * pages (absolute: the range base is only 4 MiB aligned), or SIZE_MAX */
static size_t find_range(size_t n, size_t align)
{
	size_t base_pfn = (uintptr_t)vm.base >> REF_PAGE_SHIFT;
	for (int pass = 0; pass < 2; pass++) {
		size_t pos = pass ? 0 : vm.cursor;
		for (;;) {
			size_t s = (base_pfn + pos + align - 1) / align * align - base_pfn;
			if (s >= vm.total || vm.total - s < n)
				break;
			size_t u = first_used(s, s + n);
			if (u == s + n)
				return s;
			pos = u + 1;
		}
	}
	return SIZE_MAX;
}

static int cmp_desc(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x < y) - (x > y);
}

static void release_pages(size_t s, size_t got)
{
	for (size_t i = 0; i < got; i++) {
		int32_t f = vm.frame[s + i];
		ref_pclear(ref_page(f));
		ref_pages_free(f, 0);
		vm.frame[s + i] = -1;
	}
}

/* Give back a reserved range (pages [s, s + n] incl. the guard). */
static void unreserve(size_t s, size_t n)
{
	pthread_mutex_lock(&vm_lock);
	bits_set(s, n + 1, false);
	if (s < vm.cursor)
		vm.cursor = s;
	pthread_mutex_unlock(&vm_lock);
}

/*
 * The range is reserved under vm_lock (bits set, not yet an area: its
 * npages entry stays 0), then pages are allocated and mapped without the
 * lock -- the page allocator may call the world's reclaim, which may vfree
 * -- and the area is published under the lock at the end.
 */
void *ref_vmalloc(size_t size, size_t align, ref_gfp_t gfp)
{
	ref_attempt(REF_ATTEMPT_VMALLOC, gfp, 0);
#ifdef KAS_MUTANT_VMALLOC_MIGHT_SLEEP /* mutant: the pre-6.19 might_sleep() kept for every gfp */
	if (ref_m.world.may_sleep)
		ref_m.world.may_sleep(ref_m.world.ctx, gfp);
#endif
	if (size == 0) {
		ref_warn(REF_WARN_ZERO_SIZE, "vmalloc(0)");
		return NULL;
	}
	if (align == 0)
		align = 1;
	if (align & (align - 1))
		return NULL;
	if (size > (ref_m.nr_frames << REF_PAGE_SHIFT)) {
		if (!(gfp & REF_GFP_NOWARN))
			ref_warn(REF_WARN_ALLOC_FAILURE, "vmalloc error: size exceeds total pages");
		return NULL;
	}
	size_t n = (size + REF_PAGE_SIZE - 1) >> REF_PAGE_SHIFT;
	size_t apages = align <= REF_PAGE_SIZE ? 1 : align >> REF_PAGE_SHIFT;
	pthread_mutex_lock(&vm_lock);
	size_t s = apages > vm.total ? SIZE_MAX : find_range(n + 1, apages);
	if (s != SIZE_MAX) {
		bits_set(s, n + 1, true);
		for (size_t i = 0; i <= n; i++)
			vm.npages[s + i] = 0;
		vm.cursor = s + n + 1;
		if (s + n + 1 > vm.hwm)
			vm.hwm = s + n + 1;
	}
	pthread_mutex_unlock(&vm_lock);
	if (s == SIZE_MAX) {
		if (!(gfp & REF_GFP_NOWARN))
			ref_warn(REF_WARN_ALLOC_FAILURE, "vmalloc error: vm_struct allocation failed");
		return NULL;
	}
	/* __vmalloc_area_node adds __GFP_HIGHMEM unless GFP_DMA/GFP_DMA32 was
	 * asked (Normal on 64-bit; Movable only together with __GFP_MOVABLE) */
	ref_gfp_t pg = gfp | REF_GFP_NOWARN;
#ifdef KAS_MUTANT_VMALLOC_HIGHMEM_ALWAYS /* mutant: __GFP_HIGHMEM added even to GFP_DMA / GFP_DMA32 requests */
	pg |= REF_GFP_HIGHMEM;
#endif
	if (!(gfp & (REF_GFP_DMA | REF_GFP_DMA32)))
		pg |= REF_GFP_HIGHMEM;
#ifdef KAS_MUTANT_VMALLOC_BULK_UNACCOUNTED /* mutant: areas of several pages take them through a bulk path that ignores __GFP_ACCOUNT */
	if (n > 1)
		pg &= ~REF_GFP_ACCOUNT;
#endif
#ifdef KAS_MUTANT_VMALLOC_PAGES_GFP_KERNEL /* mutant: no nofs/noio scope around the mapping: pages as GFP_KERNEL */
	if (gfp & REF_GFP_DIRECT_RECLAIM)
		pg |= REF_GFP_FS | REF_GFP_IO;
#endif
	for (size_t i = 0; i < n; i++) {
		ref_attempt(REF_ATTEMPT_VMALLOC_PAGES, pg, 0);
		int32_t f = ref_pages_alloc(pg, 0);
		if (f == REF_NO_FRAME) {
			release_pages(s, i);
			unreserve(s, n);
			if (!(gfp & REF_GFP_NOWARN))
				ref_warn(REF_WARN_ALLOC_FAILURE,
					 "vmalloc error: failed to allocate pages");
			return NULL;
		}
		ref_pset(ref_page(f), PG_VMALLOC);
		vm.frame[s + i] = f;
	}
	qsort(&vm.frame[s], n, sizeof(int32_t), cmp_desc);
	char *addr = vm.base + (s << REF_PAGE_SHIFT);
	if (map_area(s, n) != 0) {
		pthread_mutex_lock(&vm_lock);
		drop_cache(s, n);
		pthread_mutex_unlock(&vm_lock);
		release_pages(s, n);
		unreserve(s, n);
		return NULL;
	}
	pthread_mutex_lock(&vm_lock);
	vm.frame[s + n] = -1;   /* guard page */
	vm.req[s] = (uint32_t)size;
	vm.npages[s] = (uint32_t)n;   /* published: vfree/vrealloc may see it now */
	vm.live_pages += n;
	pthread_mutex_unlock(&vm_lock);
#ifdef KAS_MUTANT_VMALLOC_UNALIGNED /* mutant: a 64-byte header before the caller's bytes */
	if (size <= (n << REF_PAGE_SHIFT) - 64)
		return addr + 64;
#endif
	return addr;
}

bool ref_is_vmalloc_addr(const void *p)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)vm.base;
	return vm.base && a >= b && a - b < (vm.total << REF_PAGE_SHIFT);
}

/* first page of the area starting at p, or SIZE_MAX */
static size_t area_of(const void *p)
{
#ifdef KAS_MUTANT_VMALLOC_UNALIGNED
	p = (const void *)((uintptr_t)p & ~(uintptr_t)(REF_PAGE_SIZE - 1));
#endif
	if (!ref_is_vmalloc_addr(p) || ((uintptr_t)p & (REF_PAGE_SIZE - 1)))
		return SIZE_MAX;
	size_t i = (size_t)((const char *)p - vm.base) >> REF_PAGE_SHIFT;
	if (!bit_test(i) || vm.npages[i] == 0)
		return SIZE_MAX;
	return i;
}

void ref_vfree(const void *p)
{
	if (!p)
		return;
#ifdef KAS_MUTANT_VFREE_KFREES /* mutant: vfree of a linear-map address quietly kfree()s it */
	if (!ref_is_vmalloc_addr(p)) {
		ref_kfree(p);
		return;
	}
#endif
	pthread_mutex_lock(&vm_lock);
	size_t s = area_of(p);
	if (s == SIZE_MAX) {
		pthread_mutex_unlock(&vm_lock);
		ref_warn(REF_WARN_BAD_FREE, "Trying to vfree() nonexistent vm area");
		return;
	}
	size_t n = vm.npages[s];
	vm.npages[s] = 0;   /* unpublished: the range stays reserved until unmapped */
	vm.live_pages -= n;
	pthread_mutex_unlock(&vm_lock);
#ifdef KAS_MUTANT_VFREE_NO_IRQ_DEFER /* mutant: no in_interrupt() deferral: unmaps in place and may sleep */
	if (ref_m.world.may_sleep)
		ref_m.world.may_sleep(ref_m.world.ctx, REF_GFP_KERNEL);
#endif
	unmap_area(s, n);
	release_pages(s, n);
	unreserve(s, n);
}

void *ref_vrealloc(const void *p, size_t size, ref_gfp_t gfp)
{
	if (size == 0) {
		ref_vfree(p);
		return NULL;
	}
	if (!p)
		return ref_vmalloc(size, 1, gfp);
	pthread_mutex_lock(&vm_lock);
	size_t s = area_of(p);
	if (s == SIZE_MAX) {
		pthread_mutex_unlock(&vm_lock);
		ref_warn(REF_WARN_BAD_FREE, "Trying to vrealloc() nonexistent vm area");
		return NULL;
	}
	size_t old = vm.req[s];
	size_t alloced = (size_t)vm.npages[s] << REF_PAGE_SHIFT;
	if (size <= alloced) {
		if ((gfp & REF_GFP_ZERO) && size > old)
			memset((char *)p + old, 0, size - old);
		vm.req[s] = (uint32_t)size;
		pthread_mutex_unlock(&vm_lock);
		return (void *)p;
	}
	pthread_mutex_unlock(&vm_lock);
	void *n = ref_vmalloc(size, 1, gfp);
	if (!n)
		return NULL;
	memcpy(n, p, old);
	ref_vfree(p);
	return n;
}

bool ref_vmalloc_area_span(const void *p, size_t *off, size_t *len)
{
	if (!ref_is_vmalloc_addr(p))
		return false;
	size_t i = (size_t)((const char *)p - vm.base) >> REF_PAGE_SHIFT;
	bool ok = false;
	pthread_mutex_lock(&vm_lock);
	if (bit_test(i) && vm.frame[i] >= 0) {
		while (i > 0 && vm.npages[i] == 0 && bit_test(i - 1))
			i--;
		if (vm.npages[i]) {
			*off = (size_t)((const char *)p - vm.base) - (i << REF_PAGE_SHIFT);
			*len = (size_t)vm.npages[i] << REF_PAGE_SHIFT;
			ok = *off < *len;
		}
	}
	pthread_mutex_unlock(&vm_lock);
	return ok;
}

uint64_t ref_vmalloc_phys(const void *p)
{
	if (!ref_is_vmalloc_addr(p))
		return UINT64_MAX;
	size_t i = (size_t)((const char *)p - vm.base) >> REF_PAGE_SHIFT;
	pthread_mutex_lock(&vm_lock);
	int32_t f = bit_test(i) ? vm.frame[i] : -1;
	pthread_mutex_unlock(&vm_lock);
	if (f < 0)
		return UINT64_MAX;
	return ref_frame_phys(f) + ((uintptr_t)p & (REF_PAGE_SIZE - 1));
}

size_t ref_vmalloc_pages(void)
{
	return vm.live_pages;
}

size_t ref_vmalloc_req_size(const void *p)
{
	pthread_mutex_lock(&vm_lock);
	size_t s = area_of(p);
	size_t r = s == SIZE_MAX ? 0 : vm.req[s];
	pthread_mutex_unlock(&vm_lock);
	return r;
}
