/* SPDX-License-Identifier: MIT */
/*
 * The profiles.  Adding a kernel version is one row here: rules carry
 * since/until versions and checkers compare kver, never names.
 */
#include <string.h>
#include "kallocspec/profile.h"

#define X86_64_DEFAULTS \
	.page_size = 4096, .kmalloc_max_cache_size = 8192, \
	.kmalloc_max_size = 4u << 20, .kmalloc_minalign = 8, \
	.max_page_order = 10, .page_alloc_costly_order = 3

static const struct kas_profile profiles[] = {
	{ .name = "linux-5.15", .kver = KAS_KVER(5, 15),
	  .description = "5.15 LTS: kvmalloc requires GFP_KERNEL-compatible flags for the vmalloc fallback; no kmalloc_size_roundup",
	  X86_64_DEFAULTS },
	{ .name = "linux-6.1", .kver = KAS_KVER(6, 1),
	  .description = "6.1 LTS (Debian 12): kvmalloc falls back only for blocking flags; GFP_ATOMIC still carries __GFP_ATOMIC",
	  X86_64_DEFAULTS },
	{ .name = "linux-6.6", .kver = KAS_KVER(6, 6),
	  .description = "6.6 LTS: kfree documented for kmem_cache objects; __GFP_ATOMIC gone",
	  X86_64_DEFAULTS },
	{ .name = "linux-6.12", .kver = KAS_KVER(6, 12),
	  .description = "6.12 LTS: kmalloc alignment to the largest power-of-two divisor; GFP_NOWAIT includes __GFP_NOWARN; krealloc honours __GFP_ZERO; vrealloc",
	  X86_64_DEFAULTS },
	{ .name = "linux-latest", .kver = KAS_KVER(6, 19),
	  .description = "newest seen (6.19): kvmalloc's kmalloc attempt avoids direct reclaim; non-blocking kvmalloc may fall back to vmalloc",
	  X86_64_DEFAULTS },
};

#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

size_t kas_profile_count(void)
{
	return NPROFILES;
}

const struct kas_profile *kas_profile_at(size_t i)
{
	return i < NPROFILES ? &profiles[i] : NULL;
}

const struct kas_profile *kas_profile_find(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "latest") == 0)
		name = "linux-latest";
	for (size_t i = 0; i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct kas_profile *kas_profile_default(void)
{
	return &profiles[NPROFILES - 1];
}
