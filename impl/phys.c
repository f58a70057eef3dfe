/* SPDX-License-Identifier: MIT */
/*
 * The simulated physical memory: a memfd holding every page frame, mapped
 * once as the linear map, plus the page-descriptor and shadow arrays.
 * Built lazily on the first init and kept across init/fini (fuzzers reset
 * the allocator millions of times); rebuilt only when a larger pool is
 * asked for.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "ref_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LINEAR_ALIGN (REF_PAGE_SIZE << REF_MAX_PAGE_ORDER)   /* 4 MiB */

struct ref_machine ref_m = { .memfd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

static void phys_teardown(void)
{
	if (ref_m.linear_reserve)
		munmap(ref_m.linear_reserve, ref_m.linear_reserve_len);
	if (ref_m.pages)
		munmap(ref_m.pages, ref_m.cap_frames * sizeof(struct ref_page));
	if (ref_m.shadow)
		munmap(ref_m.shadow,
		       ((ref_m.cap_frames << REF_PAGE_SHIFT) >> REF_SHADOW_SHIFT) * sizeof(uint16_t));
	if (ref_m.memfd >= 0)
		close(ref_m.memfd);
	ref_m.linear_reserve = NULL;
	ref_m.linear = NULL;
	ref_m.pages = NULL;
	ref_m.shadow = NULL;
	ref_m.memfd = -1;
	ref_m.cap_frames = 0;
	ref_m.ready = false;
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int ref_phys_setup(size_t frames)
{
	if (ref_m.ready && frames <= ref_m.cap_frames)
		return 0;
	phys_teardown();

	size_t bytes = frames << REF_PAGE_SHIFT;
	ref_m.memfd = memfd_create("kas-ref-frames", MFD_CLOEXEC);
	if (ref_m.memfd < 0)
		return -errno;
	if (ftruncate(ref_m.memfd, (off_t)bytes) != 0)
		goto fail;

	/* Reserve extra room so the base can be rounded up to 4 MiB. */
	ref_m.linear_reserve_len = bytes + LINEAR_ALIGN;
	void *res = mmap(NULL, ref_m.linear_reserve_len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED) {
		ref_m.linear_reserve = NULL;
		goto fail;
	}
	ref_m.linear_reserve = res;
	uintptr_t base = ((uintptr_t)res + LINEAR_ALIGN - 1) & ~(uintptr_t)(LINEAR_ALIGN - 1);
	void *lin = mmap((void *)base, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 ref_m.memfd, 0);
	if (lin == MAP_FAILED)
		goto fail;
	ref_m.linear = lin;

	ref_m.pages = map_anon(frames * sizeof(struct ref_page));
	ref_m.shadow = map_anon((bytes >> REF_SHADOW_SHIFT) * sizeof(uint16_t));
	if (!ref_m.pages || !ref_m.shadow)
		goto fail;
	ref_m.cap_frames = frames;
	ref_m.ready = true;
	return 0;
fail:
	phys_teardown();
	return -ENOMEM;
}

uint64_t ref_frame_phys(int32_t f)
{
	/* the zone of a frame is fixed by the layout (descriptors may be
	 * stale, so do not trust pg->zone) */
	const struct ref_zone *z = &ref_m.zones[REF_NR_ZONES - 1];
	for (int i = 0; i < REF_NR_ZONES; i++) {
		if (f >= ref_m.zones[i].first && f < ref_m.zones[i].end) {
			z = &ref_m.zones[i];
			break;
		}
	}
	return z->phys_offset + ((uint64_t)f << REF_PAGE_SHIFT);
}

void ref_warn(enum ref_warn kind, const char *text)
{
	if (REF_MUTANT(WARNINGS_LOST)) /* mutant: no warning ever reaches the log */
		return;
	if (ref_m.warn)
		ref_m.warn(ref_m.warn_ctx, kind, text);
}

uint64_t ref_virt_to_phys(const void *p)
{
	int32_t f = ref_addr_frame(p);
	if (f != REF_NO_FRAME)
		return ref_frame_phys(f) + ((uintptr_t)p & (REF_PAGE_SIZE - 1));
	return ref_vmalloc_phys(p);
}

/* The zone is found from the physical address (linear map and vmalloc
 * alike): each zone's frames map to a disjoint physical range. */
int ref_page_zone(const void *p)
{
	uint64_t phys = ref_virt_to_phys(p);
	if (phys == UINT64_MAX)
		return -1;
	for (int i = 0; i < REF_NR_ZONES; i++) {
		const struct ref_zone *z = &ref_m.zones[i];
		uint64_t lo = z->phys_offset + ((uint64_t)z->first << REF_PAGE_SHIFT);
		uint64_t hi = z->phys_offset + ((uint64_t)z->end << REF_PAGE_SHIFT);
		if (phys >= lo && phys < hi)
			return i;
	}
	return -1;
}
