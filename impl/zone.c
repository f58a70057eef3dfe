/* SPDX-License-Identifier: MIT */
/*
 * Zones: where frames live and how much of each zone is protected.
 *
 * The pool is split DMA : DMA32 : Normal : Movable roughly 1/16 : 1/4 :
 * rest : 1/8 (DMA capped at 8 MiB so it stays below 16 MiB physical), each
 * zone a whole number of "chunks" (4 MiB, or pool/16 rounded down to a power
 * of two for small pools) so buddy blocks never straddle zones.  Every zone
 * exists even in a 1 MiB pool.
 *
 * Watermarks follow the kernel's recipe: min_free_kbytes = sqrt(16 * pool in
 * KiB) (at least 128 KiB) shared between zones by size; low = min + min/4;
 * high = min + min/2.  lowmem_reserve keeps lower zones from being drained
 * by requests that could have used a higher zone (ratios 256, 256, 32).
 */
#include "ref_internal.h"

#include <math.h>

static const char *const zone_names[REF_NR_ZONES] = { "DMA", "DMA32", "Normal", "Movable" };
static const unsigned lowmem_ratio[REF_NR_ZONES] = { 256, 256, 32, 0 };
static const uint64_t zone_phys[REF_NR_ZONES] = {
	8ull << 20,   /* DMA: [8 MiB, 16 MiB) */
	1ull << 30,   /* DMA32: below 4 GiB */
	4ull << 30,   /* Normal */
	4ull << 30,   /* Movable (after Normal) */
};

static size_t isqrt(size_t v)
{
	size_t r = (size_t)sqrt((double)v);
	while (r * r > v)
		r--;
	while ((r + 1) * (r + 1) <= v)
		r++;
	return r;
}

static size_t round_chunk(size_t v, size_t chunk)
{
	v -= v % chunk;
	return v < chunk ? chunk : v;
}

void ref_zones_layout(size_t frames)
{
	size_t chunk = (size_t)1 << REF_MAX_PAGE_ORDER;
	while (chunk > 1 && chunk > frames / 16)
		chunk >>= 1;
	size_t dma = frames / 16;
	if (dma > 2048)
		dma = 2048;
	size_t n[REF_NR_ZONES];
	n[ZONE_DMA] = round_chunk(dma, chunk);
	n[ZONE_DMA32] = round_chunk(frames / 4, chunk);
	n[ZONE_MOVABLE] = round_chunk(frames / 8, chunk);
	n[ZONE_NORMAL] = frames - n[ZONE_DMA] - n[ZONE_DMA32] - n[ZONE_MOVABLE];

	size_t min_kb = isqrt((frames << REF_PAGE_SHIFT) / 1024 * 16);
	if (min_kb < 128)
		min_kb = 128;
	size_t min_pages = min_kb / 4;

	int32_t f = 0;
	for (int i = 0; i < REF_NR_ZONES; i++) {
		struct ref_zone *z = &ref_m.zones[i];
		z->name = zone_names[i];
		z->first = f;
		z->pages = n[i];
		z->end = f + (int32_t)n[i];
		z->phys_offset = zone_phys[i];
		z->wmark_min = min_pages * n[i] / frames;
		z->wmark_low = z->wmark_min + z->wmark_min / 4;
		z->wmark_high = z->wmark_min + z->wmark_min / 2;
		f = z->end;
	}
	for (int i = 0; i < REF_NR_ZONES; i++) {
		struct ref_zone *z = &ref_m.zones[i];
		for (int j = 0; j < REF_NR_ZONES; j++) {
			size_t above = 0;
			for (int k = i + 1; k <= j; k++)
				above += ref_m.zones[k].pages;
			z->lowmem_reserve[j] = (j > i && lowmem_ratio[i]) ? above / lowmem_ratio[i] : 0;
		}
	}
}

int ref_gfp_highest_zone(ref_gfp_t gfp)
{
	if (!REF_MUTANT(DMA_WRONG_ZONE)) { /* mutant: __GFP_DMA served like DMA32 */
		if (gfp & REF_GFP_DMA)
			return ZONE_DMA;
	}
	if (REF_MUTANT(DMA32_WRONG_ZONE)) { /* mutant: __GFP_DMA32 served from Normal */
		if (gfp & REF_GFP_DMA32)
			return ZONE_NORMAL;
	}
	if (REF_MUTANT(DMA_WRONG_ZONE)) {
		if (gfp & REF_GFP_DMA)
			return ZONE_DMA32;
	}
	if (gfp & REF_GFP_DMA32)
		return ZONE_DMA32;
	/* GFP_ZONE_TABLE: "Movable is valid only if HIGHMEM is set too";
	 * __GFP_MOVABLE alone (or __GFP_HIGHMEM alone) is Normal on 64-bit */
	if (REF_MUTANT(MOVABLE_WITHOUT_HIGHMEM)) { /* mutant: __GFP_MOVABLE alone selects ZONE_MOVABLE */
		if (gfp & REF_GFP_MOVABLE)
			return ZONE_MOVABLE;
	}
	if ((gfp & (REF_GFP_MOVABLE | REF_GFP_HIGHMEM)) == (REF_GFP_MOVABLE | REF_GFP_HIGHMEM))
		return ZONE_MOVABLE;
	return ZONE_NORMAL;
}

int ref_zonelist(ref_gfp_t gfp, int out[REF_NR_ZONES])
{
	int n = 0;
	for (int z = ref_gfp_highest_zone(gfp); z >= 0; z--)
		out[n++] = z;
	return n;
}

bool ref_zone_watermark_ok(const struct ref_zone *z, unsigned order, size_t mark, int highest)
{
	size_t need = ((size_t)1 << order) - 1;
	if (z->free < need)
		return false;
	return z->free - need > mark + z->lowmem_reserve[highest];
}
