// SPDX-License-Identifier: GPL-2.0
/*
 * GFP and SLAB flag names -> this kernel's values.  The host sends flags
 * as single-flag names (kallocspec's canonical names are the kernel's), so
 * the module never depends on kallocspec's bit layout.
 */
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "kas_flags.h"

#define F(x) { #x, (unsigned long)(x) }
struct kas_flag { const char *name; unsigned long v; };

static const struct kas_flag gfp_names[] = {
	F(__GFP_DMA), F(__GFP_HIGHMEM), F(__GFP_DMA32), F(__GFP_MOVABLE),
	F(__GFP_RECLAIMABLE), F(__GFP_HIGH), F(__GFP_IO), F(__GFP_FS),
	F(__GFP_ZERO), F(__GFP_DIRECT_RECLAIM), F(__GFP_KSWAPD_RECLAIM),
	F(__GFP_WRITE), F(__GFP_NOWARN), F(__GFP_RETRY_MAYFAIL), F(__GFP_NOFAIL),
	F(__GFP_NORETRY), F(__GFP_MEMALLOC), F(__GFP_COMP), F(__GFP_NOMEMALLOC),
	F(__GFP_HARDWALL), F(__GFP_THISNODE), F(__GFP_ACCOUNT), F(__GFP_NOLOCKDEP),
	F(__GFP_RECLAIM),
#ifdef __GFP_ATOMIC
	F(__GFP_ATOMIC),        /* until 6.2 */
#endif
#ifdef __GFP_ZEROTAGS
	F(__GFP_ZEROTAGS),
#endif
#ifdef __GFP_SKIP_ZERO
	F(__GFP_SKIP_ZERO),
#endif
#ifdef __GFP_SKIP_KASAN_POISON
	F(__GFP_SKIP_KASAN_POISON),
#endif
#ifdef __GFP_SKIP_KASAN_UNPOISON
	F(__GFP_SKIP_KASAN_UNPOISON),
#endif
	/* composites, in case the host sends them whole */
	F(GFP_ATOMIC), F(GFP_KERNEL), F(GFP_KERNEL_ACCOUNT), F(GFP_NOWAIT), F(GFP_NOIO),
	F(GFP_NOFS), F(GFP_USER), F(GFP_DMA), F(GFP_DMA32), F(GFP_HIGHUSER),
	F(GFP_HIGHUSER_MOVABLE), F(GFP_TRANSHUGE_LIGHT), F(GFP_TRANSHUGE),
};

static const struct kas_flag slab_names[] = {
	F(SLAB_HWCACHE_ALIGN), F(SLAB_TYPESAFE_BY_RCU), F(SLAB_ACCOUNT),
	F(SLAB_RECLAIM_ACCOUNT), F(SLAB_POISON), F(SLAB_RED_ZONE),
	F(SLAB_CACHE_DMA), F(SLAB_CACHE_DMA32), F(SLAB_STORE_USER), F(SLAB_PANIC),
};

static int lookup(const struct kas_flag *t, size_t n, const char *s, unsigned long *out)
{
	unsigned long v = 0;
	char buf[64];

	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	while (*s) {
		size_t len = strcspn(s, "|"), i;

		if (len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, len);
		buf[len] = 0;
		for (i = 0; i < n; i++)
			if (strcmp(t[i].name, buf) == 0)
				break;
		if (i == n)
			return -ENOENT;
		v |= t[i].v;
		s += len;
		if (*s == '|')
			s++;
	}
	*out = v;
	return 0;
}

int kas_gfp_parse(const char *s, gfp_t *out)
{
	unsigned long v;
	int r = lookup(gfp_names, ARRAY_SIZE(gfp_names), s, &v);

	*out = (__force gfp_t)v;
	return r;
}

int kas_slab_parse(const char *s, slab_flags_t *out, bool *no_merge)
{
	unsigned long v = 0;
	char buf[256];
	char *p = buf, *tok;
	int r;

	/* SLAB_NO_MERGE is kallocspec's name for what slab_nomerge does per cache;
	 * 6.1 has no such flag: drop it (the oracle boots with slab_nomerge) */
	*no_merge = false;
	strscpy(buf, s, sizeof(buf));
	while ((tok = strsep(&p, "|")) != NULL) {
		unsigned long one;

		/* 0x200 is kallocspec's canonical SLAB_NO_MERGE, printed as a
		 * number for kernels that lack the name */
		if (strcmp(tok, "SLAB_NO_MERGE") == 0 || strcmp(tok, "0x200") == 0) {
			*no_merge = true;
			continue;
		}
		r = lookup(slab_names, ARRAY_SIZE(slab_names), tok, &one);
		if (r)
			return r;
		v |= one;
	}
	*out = (__force slab_flags_t)v;
	return 0;
}
