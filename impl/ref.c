/* SPDX-License-Identifier: MIT */
/*
 * Machine lifetime: the first init builds the memfd, the linear map and the
 * vmalloc reservation; every init after that is a cheap reset (a new
 * descriptor generation, fresh free lists, fresh kmalloc caches, the
 * vmalloc areas of the last trace forgotten).
 */
#include "ref_internal.h"

#include <string.h>

#ifdef REF_MUTANTS_SWITCHED
enum ref_mutant_id ref_mutant_on;
#endif

#define DEFAULT_POOL ((size_t)64 << 20)
#define MIN_POOL ((size_t)1 << 20)
#define MAX_POOL ((size_t)2 << 30)

int ref_init(const struct ref_config *cfg)
{
	size_t bytes = cfg->pool_bytes ? cfg->pool_bytes : DEFAULT_POOL;
	if (bytes < MIN_POOL)
		bytes = MIN_POOL;
	if (bytes > MAX_POOL)
		bytes = MAX_POOL;
	size_t frames = bytes >> REF_PAGE_SHIFT;
	/* whole chunks only (see zone.c) */
	size_t chunk = (size_t)1 << REF_MAX_PAGE_ORDER;
	while (chunk > 1 && chunk > frames / 16)
		chunk >>= 1;
	frames -= frames % chunk;

	int err = ref_phys_setup(frames);
	if (err)
		return err;
	if (ref_vmalloc_setup(ref_m.cap_frames << REF_PAGE_SHIFT))
		return -1;

	memset(&ref_m.world, 0, sizeof(ref_m.world));
	if (cfg->world)
		ref_m.world = *cfg->world;
	ref_m.kver = cfg->kver;
	ref_m.warn = cfg->warn;
	ref_m.warn_ctx = cfg->warn_ctx;
	ref_m.nr_frames = frames;
	if (++ref_m.gen == 0)   /* generation 0 would match untouched descriptors */
		ref_m.gen = 1;
	ref_zones_layout(frames);
	ref_dbg_reset();
	ref_vmalloc_reset();   /* after the debug mode is known: it guards the range */
	ref_buddy_reset();
	ref_kmalloc_reset();
	ref_objcg_reset();
	return 0;
}

void ref_fini(void)
{
	/* Objects still live are simply forgotten: the next init starts a new
	 * generation.  Only the vmalloc mappings need undoing. */
	ref_vmalloc_reset();
	ref_m.warn = NULL;
	ref_m.warn_ctx = NULL;
	memset(&ref_m.world, 0, sizeof(ref_m.world));
}

void ref_get_stats(struct ref_stats *st)
{
	st->total_pages = ref_m.nr_frames;
	pthread_mutex_lock(&ref_m.lock);
	for (int i = 0; i < REF_NR_ZONES; i++) {
		st->zone_free[i] = ref_m.zones[i].free;
		st->zone_pages[i] = ref_m.zones[i].pages;
	}
	pthread_mutex_unlock(&ref_m.lock);
	st->free_pages = st->zone_free[0] + st->zone_free[1] + st->zone_free[2] + st->zone_free[3];
	st->slab_pages = ref_slab_pages();
	st->vmalloc_pages = ref_vmalloc_pages();
	st->live_objects = ref_slab_live();
}
