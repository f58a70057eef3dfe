/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator: per-zone free lists of naturally aligned blocks of
 * 2^order frames (order 0..MAX_PAGE_ORDER), split on allocation and merged
 * with their buddy on free.  Lists are intrusive, linked through the page
 * descriptors by frame number; the head frame of a free block carries
 * PG_BUDDY and the order.
 */
#include "ref_internal.h"

#include <string.h>

static void list_add(struct ref_zone *z, int32_t f, unsigned order)
{
	struct ref_free_area *a = &z->area[order];
	struct ref_page *pg = ref_page(f);
	ref_pset(pg, PG_BUDDY);
	pg->order = (uint8_t)order;
	pg->zone = (uint8_t)(z - ref_m.zones);
	pg->prev = REF_NO_FRAME;
	pg->next = a->head;
	if (a->head != REF_NO_FRAME)
		ref_page(a->head)->prev = f;
	a->head = f;
	a->nr++;
}

static void list_del(struct ref_zone *z, int32_t f, unsigned order)
{
	struct ref_free_area *a = &z->area[order];
	struct ref_page *pg = ref_page(f);
	if (pg->prev != REF_NO_FRAME)
		ref_page(pg->prev)->next = pg->next;
	else
		a->head = pg->next;
	if (pg->next != REF_NO_FRAME)
		ref_page(pg->next)->prev = pg->prev;
	ref_pclear(pg);
	a->nr--;
}

/* Carve every zone into the largest naturally aligned blocks. */
void ref_buddy_reset(void)
{
	for (int i = 0; i < REF_NR_ZONES; i++) {
		struct ref_zone *z = &ref_m.zones[i];
		for (int o = 0; o < REF_NR_ORDERS; o++) {
			z->area[o].head = REF_NO_FRAME;
			z->area[o].nr = 0;
		}
		z->free = 0;
		int32_t f = z->first;
		while (f < z->end) {
			unsigned o = REF_MAX_PAGE_ORDER;
			while (o > 0 && ((f & ((1 << o) - 1)) != 0 || f + (1 << o) > z->end))
				o--;
			list_add(z, f, o);
			z->free += (size_t)1 << o;
			f += 1 << o;
		}
	}
}

int32_t ref_buddy_take(struct ref_zone *z, unsigned order)
{
	unsigned o = order;
	while (o < REF_NR_ORDERS && z->area[o].head == REF_NO_FRAME)
		o++;
	if (o >= REF_NR_ORDERS)
		return REF_NO_FRAME;
	int32_t f = z->area[o].head;
	list_del(z, f, o);
	/* split: keep the lower half, return upper halves to the lists */
	while (o > order) {
		o--;
		list_add(z, f + (1 << o), o);
	}
	z->free -= (size_t)1 << order;
	struct ref_page *pg = ref_page(f);
	ref_pset(pg, PG_HEAD);
	pg->order = (uint8_t)order;
	pg->zone = (uint8_t)(z - ref_m.zones);
	return f;
}

static struct ref_zone *zone_of(int32_t f)
{
	for (int i = 0; i < REF_NR_ZONES; i++)
		if (f >= ref_m.zones[i].first && f < ref_m.zones[i].end)
			return &ref_m.zones[i];
	return NULL;
}

void ref_buddy_give(int32_t f, unsigned order)
{
	struct ref_zone *z = zone_of(f);
	if (!z)
		return;
	z->free += (size_t)1 << order;
	while (order < REF_MAX_PAGE_ORDER) {
		int32_t b = f ^ (1 << order);
		if (b < z->first || b + (1 << order) > z->end)
			break;
		struct ref_page *bp = ref_page(b);
		if (!(ref_pflags(bp) & PG_BUDDY) || bp->order != order)
			break;
		list_del(z, b, order);
		if (b < f)
			f = b;
		order++;
	}
	list_add(z, f, order);
}

static void prep_new_block(int32_t f, unsigned order, ref_gfp_t gfp)
{
	if (ref_dbg())
		ref_dbg_pages_alloc(ref_frame_addr(f), REF_PAGE_SIZE << order);
	if (gfp & REF_GFP_ZERO)
		memset(ref_frame_addr(f), 0, REF_PAGE_SIZE << order);
}

int32_t ref_pages_alloc(ref_gfp_t gfp, unsigned order)
{
	ref_gfp_t unscoped = gfp; /* mutant SLOWPATH_UNSCOPED: the slow path gets this, not the scoped gfp */
	gfp = ref_scoped(gfp);   /* current_gfp_context */
	if (order > REF_MAX_PAGE_ORDER) {
		if (REF_MUTANT(HUGE_ORDER_SILENT)) { /* mutant: no warning for order > MAX_PAGE_ORDER */
			gfp |= REF_GFP_NOWARN;
		}
		if (!(gfp & REF_GFP_NOWARN))
			ref_warn(REF_WARN_TOO_LARGE, "order > MAX_PAGE_ORDER");
		return REF_NO_FRAME;
	}
	/* <= 6.11 the per-cpu/rmqueue path warned on every NOFAIL order > 1 */
	if ((gfp & REF_GFP_NOFAIL) && order > 1 && !ref_kver_ge(6, 12))
		ref_warn(REF_WARN_NOFAIL_MISUSE, "__GFP_NOFAIL with order > 1");

	int zl[REF_NR_ZONES];
	int nz = ref_zonelist(gfp, zl);
	bool reserves = false;

	/* fast path: the low watermark */
	pthread_mutex_lock(&ref_m.lock);
	int32_t f = ref_try_zones(zl, nz, order, REF_MARK_LOW, &reserves);
	pthread_mutex_unlock(&ref_m.lock);
	if (REF_MUTANT(GFP_ZERO_SLOWPATH)) { /* mutant: __GFP_ZERO lost on the slow path only */
		if (f == REF_NO_FRAME)
			gfp &= ~REF_GFP_ZERO;
	}
	if (f == REF_NO_FRAME)
		f = ref_slowpath(REF_MUTANT(SLOWPATH_UNSCOPED) ? unscoped : gfp, order, zl, nz);
	if (f == REF_NO_FRAME)
		return f;
	/* mutant ACCOUNT_NOT_CHARGED: __GFP_ACCOUNT is never charged */
	if (!REF_MUTANT(ACCOUNT_NOT_CHARGED) && (gfp & REF_GFP_ACCOUNT) && ref_m.world.memcg_charge) {
		if (!ref_m.world.memcg_charge(ref_m.world.ctx, gfp, (size_t)1 << order)) {
			ref_pages_free(f, order);
			return REF_NO_FRAME;
		}
		ref_page(f)->accounted = 1;
	} else {
		ref_page(f)->accounted = 0;
	}
	prep_new_block(f, order, gfp);
	return f;
}

/*
 * alloc_pages_bulk: order-0 pages from the fast path only (the low
 * watermark, no reclaim, no warning), taken under one hold of the zone
 * lock.  Returns how many it got; the caller falls back to
 * ref_pages_alloc for the rest, as vm_area_alloc_pages does.  Each page
 * is charged like a single allocation.
 */
size_t ref_pages_alloc_bulk(ref_gfp_t gfp, size_t n, int32_t *out)
{
	int zl[REF_NR_ZONES];
	bool reserves = false;
	size_t got = 0;

	gfp = ref_scoped(gfp);
	int nz = ref_zonelist(gfp, zl);
	pthread_mutex_lock(&ref_m.lock);
	while (got < n) {
		int32_t f = ref_try_zones(zl, nz, 0, REF_MARK_LOW, &reserves);
		if (f == REF_NO_FRAME)
			break;
		out[got++] = f;
	}
	pthread_mutex_unlock(&ref_m.lock);
	for (size_t i = 0; i < got; i++) {
		bool charge = (gfp & REF_GFP_ACCOUNT) && ref_m.world.memcg_charge;
		if (charge && !ref_m.world.memcg_charge(ref_m.world.ctx, gfp, 1)) {
			ref_pages_free_bulk(out + i, got - i);
			return i;
		}
		ref_page(out[i])->accounted = charge;
		prep_new_block(out[i], 0, gfp);
	}
	return got;
}

/* free_pages of order-0 pages, the zone lock taken once. */
void ref_pages_free_bulk(const int32_t *f, size_t n)
{
	size_t charged = 0;

	for (size_t i = 0; i < n; i++) {
		struct ref_page *pg = ref_page(f[i]);
		charged += pg->accounted;
		pg->accounted = 0;
		if (ref_dbg())
			ref_dbg_pages_free(ref_frame_addr(f[i]), REF_PAGE_SIZE);
	}
	if (charged && ref_m.world.memcg_uncharge)
		ref_m.world.memcg_uncharge(ref_m.world.ctx, charged);
	pthread_mutex_lock(&ref_m.lock);
	for (size_t i = 0; i < n; i++)
		ref_buddy_give(f[i], 0);
	pthread_mutex_unlock(&ref_m.lock);
}

void ref_pages_free(int32_t f, unsigned order)
{
	struct ref_page *pg = ref_page(f);
	if (pg->accounted) {
		pg->accounted = 0;
		if (ref_m.world.memcg_uncharge)
			ref_m.world.memcg_uncharge(ref_m.world.ctx, (size_t)1 << order);
	}
	if (ref_dbg())
		ref_dbg_pages_free(ref_frame_addr(f), REF_PAGE_SIZE << order);
	pthread_mutex_lock(&ref_m.lock);
	ref_buddy_give(f, order);
	pthread_mutex_unlock(&ref_m.lock);
}
