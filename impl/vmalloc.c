/* SPDX-License-Identifier: MIT */
/*
 * vmalloc: a virtual range reserved once; an area is a run of pages in it
 * (plus one guard page) backed by order-0 frames from the page allocator.
 * The frames are kept in descending frame order, so that consecutive
 * virtual pages are never physically consecutive (the point of vmalloc):
 * virt_to_phys and page_zone of an area page report its frame.
 *
 * The range is one shared anonymous mapping made at set-up, not a mapping
 * of the frames themselves: mapping each scattered frame costs an mmap, a
 * VMA and a TLB shootdown per page, and was most of the fuzzer's time.  An
 * area's bytes are the range's: a page not zeroed holds whatever an
 * earlier area left there (stale, as a reused frame would be), and a page
 * of the range that nothing has written yet reads as zero by itself: so
 * vzalloc zeroes only the pages it does not know to be zero (the `clean`
 * bitmap).  (Giving the pages of a large vfree back with MADV_REMOVE, so
 * that they read as zero again, was tried: freeing and faulting them back
 * in costs more than the memset it saves.)  (A
 * shared mapping, not a private one: RLIMIT_DATA, the harness's machine
 * size, counts only the port's private memory; and it is made at the first
 * init, in the process that runs the traces, so no two processes share it.)
 *
 * In debug mode (ref_dbg) the range is PROT_NONE outside live areas:
 * guard pages and use after vfree fault, at the price of an mprotect per
 * vmalloc and vfree.
 *
 * Bookkeeping, one entry per vmalloc page (mmap'ed arrays): the frame
 * backing it (-1 for guard pages), the area length at an area's first page
 * (0 elsewhere), the requested size at the first page, a bitmap of pages
 * in use and one of pages known to read as zero.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ref_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define VM_ALIGN (REF_PAGE_SIZE << REF_MAX_PAGE_ORDER)

static struct {
	char *reserve;          /* what mmap returned */
	size_t reserve_len;
	char *base;             /* VMALLOC_START, 4 MiB aligned */
	size_t total;           /* pages in the range */
	int32_t *frame;         /* [total] */
	uint32_t *npages;       /* [total] area length at its first page */
	uint32_t *req;          /* [total] requested size at its first page */
	uint64_t *used;         /* bitmap [total / 64] */
	uint64_t *clean;        /* bitmap [total / 64]: the page reads as zero */
	int32_t *scratch;       /* [total]: the frame sort's buffer */
	size_t hwm;             /* pages [0, hwm) may be in use */
	size_t cursor;          /* next-fit search start */
	size_t live_pages;
	bool guarded;           /* PROT_NONE outside live areas (debug mode) */
} vm;

/* Guards the range bitmap and the per-page arrays. */
static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void vm_teardown(void)
{
	if (vm.reserve)
		munmap(vm.reserve, vm.reserve_len);
	if (vm.frame)
		munmap(vm.frame, vm.total * sizeof(int32_t));
	if (vm.npages)
		munmap(vm.npages, vm.total * sizeof(uint32_t));
	if (vm.req)
		munmap(vm.req, vm.total * sizeof(uint32_t));
	if (vm.used)
		munmap(vm.used, vm.total / 8);
	if (vm.clean)
		munmap(vm.clean, vm.total / 8);
	if (vm.scratch)
		munmap(vm.scratch, vm.total * sizeof(int32_t));
	memset(&vm, 0, sizeof(vm));
}

int ref_vmalloc_setup(size_t pool_bytes)
{
	size_t len = 4 * pool_bytes;
	if (len < ((size_t)256 << 20))
		len = (size_t)256 << 20;
	if (vm.reserve && vm.total == len >> REF_PAGE_SHIFT)
		return 0;
	vm_teardown();
	vm.reserve_len = len + VM_ALIGN;
	void *r = mmap(NULL, vm.reserve_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED) {
		memset(&vm, 0, sizeof(vm));
		return -1;
	}
	vm.reserve = r;
	vm.base = (char *)(((uintptr_t)r + VM_ALIGN - 1) & ~(uintptr_t)(VM_ALIGN - 1));
	vm.total = len >> REF_PAGE_SHIFT;
	vm.frame = map_anon(vm.total * sizeof(int32_t));
	vm.npages = map_anon(vm.total * sizeof(uint32_t));
	vm.req = map_anon(vm.total * sizeof(uint32_t));
	vm.used = map_anon(vm.total / 8);
	vm.clean = map_anon(vm.total / 8);
	vm.scratch = map_anon(vm.total * sizeof(int32_t));
	if (!vm.frame || !vm.npages || !vm.req || !vm.used || !vm.clean || !vm.scratch) {
		vm_teardown();
		return -1;
	}
	memset(vm.clean, 0xff, vm.total / 8);   /* a new mapping reads as zero */
	return 0;
}

/* Debug mode guards the range; otherwise it stays read-write. */
static void set_guarded(bool on)
{
	if (vm.guarded == on || !vm.base)
		return;
	mprotect(vm.base, vm.total << REF_PAGE_SHIFT, on ? PROT_NONE : PROT_READ | PROT_WRITE);
	vm.guarded = on;
}

void ref_vmalloc_reset(void)
{
	if (vm.hwm) {
		if (vm.guarded)
			mprotect(vm.base, vm.hwm << REF_PAGE_SHIFT, PROT_NONE);
		memset(vm.used, 0, ((vm.hwm + 63) / 64) * sizeof(uint64_t));
		memset(vm.npages, 0, vm.hwm * sizeof(uint32_t));
	}
	set_guarded(ref_dbg());
	vm.hwm = 0;
	vm.cursor = 0;
	vm.live_pages = 0;
}

static bool clean_test(size_t i)
{
	return (vm.clean[i / 64] >> (i % 64)) & 1;
}

/* Pages [s, s + n) become an area's: zeroed where zero is asked and the
 * page may hold something; from now on nobody knows what they hold. */
static void populate_area(size_t s, size_t n, bool zero)
{
	char *addr = vm.base + (s << REF_PAGE_SHIFT);

	if (vm.guarded)
		mprotect(addr, n << REF_PAGE_SHIFT, PROT_READ | PROT_WRITE);
	for (size_t i = s; i < s + n;) {
		size_t run = 0;
		while (i + run < s + n && !clean_test(i + run))
			run++;
		if (zero && run)
			memset(vm.base + (i << REF_PAGE_SHIFT), 0, run << REF_PAGE_SHIFT);
		i += run;
		while (i < s + n && clean_test(i))
			i++;
	}
	for (size_t i = s; i < s + n; i++)
		vm.clean[i / 64] &= ~(1ull << (i % 64));
}

/* In debug mode an area's pages fault once it is gone. */
static void depopulate_area(size_t s, size_t n)
{
	if (vm.guarded)
		mprotect(vm.base + (s << REF_PAGE_SHIFT), n << REF_PAGE_SHIFT, PROT_NONE);
}

/* Frame numbers of an area in descending order, O(n): insertion for a
 * few, else an LSD radix sort through the shared scratch array (under
 * vm_lock: threads may vmalloc at once). */
static void sort_frames_desc(int32_t *f, size_t n)
{
	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			int32_t v = f[i];
			size_t j = i;
			for (; j > 0 && f[j - 1] < v; j--)
				f[j] = f[j - 1];
			f[j] = v;
		}
		return;
	}
	pthread_mutex_lock(&vm_lock);
	int32_t *from = f, *to = vm.scratch;
	for (unsigned shift = 0; shift < 32; shift += 8) {
		size_t count[256] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[255 - (((uint32_t)from[i] >> shift) & 0xff)]++;
		size_t at = 0;
		for (size_t k = 0; k < 256; k++) {
			size_t c = count[k];
			count[k] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[255 - (((uint32_t)from[i] >> shift) & 0xff)]++] = from[i];
		int32_t *t = from;
		from = to;
		to = t;
	}
	/* four passes: the result is back in f */
	pthread_mutex_unlock(&vm_lock);
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

static void release_pages(size_t s, size_t got)
{
	for (size_t i = 0; i < got; i++)
		ref_pclear(ref_page(vm.frame[s + i]));
	ref_pages_free_bulk(&vm.frame[s], got);
	for (size_t i = 0; i < got; i++)
		vm.frame[s + i] = -1;
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
	if (REF_MUTANT(VMALLOC_MIGHT_SLEEP)) { /* mutant: the pre-6.19 might_sleep() kept for every gfp */
		if (ref_m.world.may_sleep)
			ref_m.world.may_sleep(ref_m.world.ctx, gfp);
	}
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
	if (REF_MUTANT(VMALLOC_HIGHMEM_ALWAYS)) { /* mutant: __GFP_HIGHMEM added even to GFP_DMA / GFP_DMA32 requests */
		pg |= REF_GFP_HIGHMEM;
	}
	if (!(gfp & (REF_GFP_DMA | REF_GFP_DMA32)))
		pg |= REF_GFP_HIGHMEM;
	if (REF_MUTANT(VMALLOC_BULK_UNACCOUNTED)) { /* mutant: areas of several pages take them through a bulk path that ignores __GFP_ACCOUNT */
		if (n > 1)
			pg &= ~REF_GFP_ACCOUNT;
	}
	if (REF_MUTANT(VMALLOC_PAGES_GFP_KERNEL)) { /* mutant: no nofs/noio scope around the mapping: pages as GFP_KERNEL */
		if (gfp & REF_GFP_DIRECT_RECLAIM)
			pg |= REF_GFP_FS | REF_GFP_IO;
	}
	/* the area is zeroed, not its frames (they are not what the caller
	 * reads: populate_area) */
	pg &= ~REF_GFP_ZERO;
	/* the bulk allocator first, single pages (with the slow path) for
	 * what it could not give: vm_area_alloc_pages */
	ref_attempt(REF_ATTEMPT_VMALLOC_PAGES, pg, 0);
	size_t got = ref_pages_alloc_bulk(pg, n, &vm.frame[s]);
	for (size_t i = got; i < n; i++) {
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
		vm.frame[s + i] = f;
	}
	for (size_t i = 0; i < n; i++)
		ref_pset(ref_page(vm.frame[s + i]), PG_VMALLOC);
	sort_frames_desc(&vm.frame[s], n);
	char *addr = vm.base + (s << REF_PAGE_SHIFT);
	populate_area(s, n, (gfp & REF_GFP_ZERO) != 0);
	pthread_mutex_lock(&vm_lock);
	vm.frame[s + n] = -1;   /* guard page */
	vm.req[s] = (uint32_t)size;
	vm.npages[s] = (uint32_t)n;   /* published: vfree/vrealloc may see it now */
	vm.live_pages += n;
	pthread_mutex_unlock(&vm_lock);
	if (REF_MUTANT(VMALLOC_UNALIGNED)) { /* mutant: a 64-byte header before the caller's bytes */
		if (size <= (n << REF_PAGE_SHIFT) - 64)
			return addr + 64;
	}
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
	if (REF_MUTANT(VMALLOC_UNALIGNED)) {
		p = (const void *)((uintptr_t)p & ~(uintptr_t)(REF_PAGE_SIZE - 1));
	}
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
	if (REF_MUTANT(VFREE_KFREES)) { /* mutant: vfree of a linear-map address quietly kfree()s it */
		if (!ref_is_vmalloc_addr(p)) {
			ref_kfree(p);
			return;
		}
	}
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
	if (REF_MUTANT(VFREE_NO_IRQ_DEFER)) { /* mutant: no in_interrupt() deferral: unmaps in place and may sleep */
		if (ref_m.world.may_sleep)
			ref_m.world.may_sleep(ref_m.world.ctx, REF_GFP_KERNEL);
	}
	depopulate_area(s, n);
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
