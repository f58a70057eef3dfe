/* SPDX-License-Identifier: MIT */
/*
 * Where the ballast lives: an open-addressing multimap from page number to
 * the ballast blocks starting in that page, so that a port handing out
 * memory another task holds (a double allocation) is seen when the call
 * returns (kas_world_obs.ballast_overlap).  Blocks are one page long but
 * need not be page aligned (the kmalloc fallback).
 */
#include <stdlib.h>
#include "world_internal.h"

#define TOMB ((uintptr_t)1)          /* a deleted entry (addresses are > 16) */
#define MAX_PAGES_CHECKED 4096u      /* bound the scan of huge results */

static size_t slot_of(const struct ballast_index *x, uintptr_t page)
{
	uint64_t h = (uint64_t)page * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 17) & (x->cap - 1);
}

static bool rehash(struct ballast_index *x, size_t cap)
{
	uintptr_t *old = x->addr;
	size_t oldcap = x->cap;
	x->addr = calloc(cap, sizeof(uintptr_t));
	if (!x->addr) {
		x->addr = old;
		return false;
	}
	x->cap = cap;
	x->used = 0;
	x->n = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] > TOMB)
			kas__index_add(x, old[i]);
	free(old);
	return true;
}

void kas__index_add(struct ballast_index *x, uintptr_t addr)
{
	if ((x->used + 1) * 2 > x->cap && !rehash(x, x->cap ? x->cap * 2 : 1024))
		return;   /* out of memory: that block just goes unwatched */
	size_t i = slot_of(x, addr / x->page);
	while (x->addr[i] > TOMB)
		i = (i + 1) & (x->cap - 1);
	if (x->addr[i] == 0)
		x->used++;
	x->addr[i] = addr;
	x->n++;
}

void kas__index_del(struct ballast_index *x, uintptr_t addr)
{
	if (!x->cap)
		return;
	for (size_t i = slot_of(x, addr / x->page); x->addr[i]; i = (i + 1) & (x->cap - 1)) {
		if (x->addr[i] == addr) {
			x->addr[i] = TOMB;
			x->n--;
			return;
		}
	}
}

uintptr_t kas__index_overlap(const struct ballast_index *x, uintptr_t a, size_t len)
{
	if (!x->n || a <= KAS_ZERO_SIZE_PTR || !len)
		return 0;
	uintptr_t first = a / x->page, last = (a + len - 1) / x->page;
	if (first)
		first--;   /* a block starting in the page before may reach into a */
	if (last - first > MAX_PAGES_CHECKED)
		last = first + MAX_PAGES_CHECKED;
	for (uintptr_t pg = first; pg <= last; pg++) {
		for (size_t i = slot_of(x, pg); x->addr[i]; i = (i + 1) & (x->cap - 1)) {
			uintptr_t b = x->addr[i];
			if (b > TOMB && b / x->page == pg && b < a + len && a < b + x->page)
				return b;
		}
	}
	return 0;
}

void kas__index_free(struct ballast_index *x)
{
	free(x->addr);
	x->addr = NULL;
	x->cap = x->used = x->n = 0;
}
