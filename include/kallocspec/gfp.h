/* SPDX-License-Identifier: MIT */
/*
 * kallocspec canonical GFP and SLAB flag values.
 *
 * Bits 0..23 follow the Linux layout that has been stable since ~v4.15
 * (include/linux/gfp_types.h).  Bit 9 carries
 * __GFP_ATOMIC, which only exists in profiles before 6.4; newer profiles
 * never set it.  Config-dependent bits (SKIP_ZERO, SKIP_KASAN, NOLOCKDEP,
 * NO_OBJ_EXT) are not modelled.  A port whose values differ translates in
 * its adapter: the harness only ever hands canonical values to the port ABI.
 *
 * Composite flags (GFP_KERNEL, GFP_NOWAIT, ...) depend on the kernel
 * version, so they are resolved through kas_gfp_composite() with a kver.
 */
#ifndef KALLOCSPEC_GFP_H
#define KALLOCSPEC_GFP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t kas_gfp_t;

/* kernel version encoding used everywhere in kallocspec */
#define KAS_KVER(maj, min) ((uint32_t)(((maj) << 16) | ((min) << 8)))
#define KAS_KVER_MAJOR(v) ((unsigned)((v) >> 16))
#define KAS_KVER_MINOR(v) ((unsigned)(((v) >> 8) & 0xff))

#define __GFP_DMA            0x01u
#define __GFP_HIGHMEM        0x02u
#define __GFP_DMA32          0x04u
#define __GFP_MOVABLE        0x08u
#define __GFP_RECLAIMABLE    0x10u
#define __GFP_HIGH           0x20u
#define __GFP_IO             0x40u
#define __GFP_FS             0x80u
#define __GFP_ZERO           0x100u
#define __GFP_ATOMIC         0x200u   /* < 6.4 only */
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_WRITE          0x1000u
#define __GFP_NOWARN         0x2000u
#define __GFP_RETRY_MAYFAIL  0x4000u
#define __GFP_NOFAIL         0x8000u
#define __GFP_NORETRY        0x10000u
#define __GFP_MEMALLOC       0x20000u
#define __GFP_COMP           0x40000u
#define __GFP_NOMEMALLOC     0x80000u
#define __GFP_HARDWALL       0x100000u
#define __GFP_THISNODE       0x200000u
#define __GFP_ACCOUNT        0x400000u
#define __GFP_ZEROTAGS       0x800000u
#define __GFP_RECLAIM        (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

#define KAS_GFP_ZONEMASK     (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define KAS_GFP_ALL_BITS     0xFFFFFFu

/* Composites of the newest layout; use kas_gfp_composite() for a given kver. */
#define KAS_GFP_KERNEL       (__GFP_RECLAIM | __GFP_IO | __GFP_FS)

/* Canonical SLAB_* flags for kmem_cache_create (our own values). */
#define KAS_SLAB_HWCACHE_ALIGN     0x001u
#define KAS_SLAB_TYPESAFE_BY_RCU   0x002u
#define KAS_SLAB_ACCOUNT           0x004u
#define KAS_SLAB_RECLAIM_ACCOUNT   0x008u
#define KAS_SLAB_PANIC             0x010u
#define KAS_SLAB_POISON            0x020u
#define KAS_SLAB_RED_ZONE          0x040u
#define KAS_SLAB_CACHE_DMA         0x080u
#define KAS_SLAB_CACHE_DMA32       0x100u
#define KAS_SLAB_NO_MERGE          0x200u
#define KAS_SLAB_STORE_USER        0x400u
#define KAS_SLAB_ALL               0x7FFu

struct kas_flag_name {
	const char *name;
	uint32_t value;
	uint32_t since;   /* kver the name exists from (0 = always) */
	uint32_t until;   /* kver the name stops existing (0 = never) */
};

/* Single-bit GFP names (__GFP_*), NULL-terminated. */
extern const struct kas_flag_name kas_gfp_bits[];
/* SLAB_* names, NULL-terminated. */
extern const struct kas_flag_name kas_slab_flags[];

/*
 * Look up a GFP name (single bit or composite) for kernel version kver.
 * Returns true and stores the value, false when the name is unknown or
 * does not exist in that version.
 */
bool kas_gfp_lookup(const char *name, size_t len, uint32_t kver, kas_gfp_t *out);
bool kas_slab_flag_lookup(const char *name, size_t len, uint32_t kver, uint32_t *out);

/* Value of a composite (e.g. "GFP_NOWAIT") in kver, or false if unknown. */
bool kas_gfp_composite(const char *name, uint32_t kver, kas_gfp_t *out);

/*
 * Format gfp as a flag expression that kas_gfp_lookup-based parsing turns
 * back into the same value in kver: the largest composite contained in the
 * value, then the remaining single bits, "|"-joined ("0" for no flags;
 * unknown bits as hex).  Returns the length that would have been written
 * (snprintf convention).
 */
size_t kas_gfp_format(kas_gfp_t gfp, uint32_t kver, char *buf, size_t len);
size_t kas_slab_flags_format(uint32_t flags, uint32_t kver, char *buf, size_t len);

static inline bool kas_gfp_allows_blocking(kas_gfp_t gfp)
{
	return (gfp & __GFP_DIRECT_RECLAIM) != 0;
}

#ifdef __cplusplus
}
#endif
#endif
