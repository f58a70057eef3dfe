/* SPDX-License-Identifier: MIT */
/*
 * Profiles: a kernel version the spec is evaluated against.  A profile is
 * data only; rules carry since/until versions and checkers branch on
 * profile->kver, never on the profile's name, so adding a profile is one
 * row in lang/profile.c.
 */
#ifndef KALLOCSPEC_PROFILE_H
#define KALLOCSPEC_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include "gfp.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kas_profile {
	const char *name;            /* "linux-6.12" */
	uint32_t kver;               /* KAS_KVER(6, 12) */
	const char *description;
	/* x86-64, 4 KiB pages, default config (include/linux/slab.h KMALLOC_*,
	 * include/linux/mmzone.h MAX_PAGE_ORDER) */
	uint64_t page_size;
	uint64_t kmalloc_max_cache_size;  /* 2 * PAGE_SIZE (SLUB) */
	uint64_t kmalloc_max_size;        /* 4 MiB */
	uint64_t kmalloc_minalign;        /* ARCH_KMALLOC_MINALIGN = 8 */
	unsigned max_page_order;          /* MAX_PAGE_ORDER, inclusive = 10 */
	unsigned page_alloc_costly_order; /* 3 */
};

#define KAS_PAGE_SIZE 4096u
#define KAS_ZERO_SIZE_PTR ((uintptr_t)16)

size_t kas_profile_count(void);
const struct kas_profile *kas_profile_at(size_t i);
/* Finds by name; also accepts the alias "latest" for "linux-latest". NULL if unknown. */
const struct kas_profile *kas_profile_find(const char *name);
/* The profile used when neither the trace nor the command line names one. */
const struct kas_profile *kas_profile_default(void);

#ifdef __cplusplus
}
#endif
#endif
