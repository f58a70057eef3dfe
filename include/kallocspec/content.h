/* SPDX-License-Identifier: MIT */
/*
 * Object contents: the per-object pattern the harness writes into every
 * live object and verifies before it is freed, and the zero scan (private
 * to the harness).
 *
 * Cost per object is bounded whatever its size.  Objects up to
 * KAS_EXAMINE_WHOLE bytes are examined whole; a larger object is examined
 * in a fixed set of windows: its first and last KAS_EXAMINE_EDGE bytes,
 * and on up to KAS_EXAMINE_PAGES pages (every page of a small object, one
 * page per stratum of a large one) the first KAS_EXAMINE_SAMPLE bytes of
 * the page and KAS_EXAMINE_SAMPLE bytes at an offset inside it.  Which
 * pages and which offset follow from the plan's seed and the object id,
 * so a replay of the same trace examines the same bytes.  Every sampled
 * page shares the object's in-page offset: two pages of one object that
 * alias one frame overwrite each other's sample.  A fill touches at most
 * KAS_EXAMINE_PAGES + 2 pages of an object: a port may hand out 16 GiB
 * without the harness committing it.
 *
 * The plan's `full` examines every byte (`--content full`, a deep run).
 */
#ifndef KAS_CONTENT_H
#define KAS_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kallocspec/call.h"


#define KAS_EXAMINE_WHOLE ((size_t)4096)
#define KAS_EXAMINE_EDGE ((size_t)512)
#define KAS_EXAMINE_SAMPLE ((size_t)64)
#define KAS_EXAMINE_PAGES 16u
#define KAS_EXAMINE_PAGE ((size_t)4096)

/* How a run examines contents. */
struct kas_content_plan {
	uint64_t seed;      /* picks the sampled pages and in-page offsets */
	bool full;          /* every byte of every object */
};

/* Write object id's pattern into its examined bytes (size: the object's). */
void kas_content_fill(const struct kas_content_plan *cp, void *obj, uint64_t id, size_t size);
/* Offset of the first examined byte of object (id, size) inside [from, to)
 * that differs from id's pattern, or KAS_NOT_FOUND.  The examined bytes
 * are those kas_content_fill wrote for the same (id, size). */
size_t kas_content_verify(const struct kas_content_plan *cp, const void *obj, uint64_t id,
			  size_t size, size_t from, size_t to);
/* Offset of the first non-zero byte found in [from, to), or KAS_NOT_FOUND.
 * A range longer than KAS_EXAMINE_WHOLE is examined at both of its ends
 * (a rule-named boundary: the old size after krealloc, the requested size)
 * and on sampled pages chosen by (seed, id). */
size_t kas_content_zero_scan(const struct kas_content_plan *cp, const void *obj, uint64_t id,
			     size_t from, size_t to);

/* Page offsets (multiples of KAS_EXAMINE_PAGE, ascending, distinct) inside
 * an object of `size` bytes that the plan samples: every page up to
 * KAS_EXAMINE_PAGES + 2 pages, else the first, the last and one page per
 * stratum between.  Returns how many were written (at most
 * KAS_EXAMINE_PAGES + 2). */
#define KAS_EXAMINE_MAX_PAGES (KAS_EXAMINE_PAGES + 2u)
size_t kas_content_pages(const struct kas_content_plan *cp, uint64_t id, size_t size,
			 size_t out[KAS_EXAMINE_MAX_PAGES]);

#endif
