/* SPDX-License-Identifier: MIT */
/*
 * GFP and SLAB flag names.  Single bits are a table; composites are
 * computed per kernel version because their definitions changed
 * (GFP_ATOMIC lost __GFP_ATOMIC in 6.4, GFP_NOWAIT gained __GFP_NOWARN
 * in 6.8, 16f5dfbc851b; include/linux/gfp_types.h).
 */
#include <stdio.h>
#include <string.h>
#include "kallocspec/gfp.h"

#define ALWAYS 0, 0

const struct kas_flag_name kas_gfp_bits[] = {
	{ "__GFP_DMA", __GFP_DMA, ALWAYS },
	{ "__GFP_HIGHMEM", __GFP_HIGHMEM, ALWAYS },
	{ "__GFP_DMA32", __GFP_DMA32, ALWAYS },
	{ "__GFP_MOVABLE", __GFP_MOVABLE, ALWAYS },
	{ "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE, ALWAYS },
	{ "__GFP_HIGH", __GFP_HIGH, ALWAYS },
	{ "__GFP_IO", __GFP_IO, ALWAYS },
	{ "__GFP_FS", __GFP_FS, ALWAYS },
	{ "__GFP_ZERO", __GFP_ZERO, ALWAYS },
	{ "__GFP_ATOMIC", __GFP_ATOMIC, 0, KAS_KVER(6, 4) },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM, ALWAYS },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM, ALWAYS },
	{ "__GFP_WRITE", __GFP_WRITE, ALWAYS },
	{ "__GFP_NOWARN", __GFP_NOWARN, ALWAYS },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL, ALWAYS },
	{ "__GFP_NOFAIL", __GFP_NOFAIL, ALWAYS },
	{ "__GFP_NORETRY", __GFP_NORETRY, ALWAYS },
	{ "__GFP_MEMALLOC", __GFP_MEMALLOC, ALWAYS },
	{ "__GFP_COMP", __GFP_COMP, ALWAYS },
	{ "__GFP_NOMEMALLOC", __GFP_NOMEMALLOC, ALWAYS },
	{ "__GFP_HARDWALL", __GFP_HARDWALL, ALWAYS },
	{ "__GFP_THISNODE", __GFP_THISNODE, ALWAYS },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT, ALWAYS },
	{ "__GFP_ZEROTAGS", __GFP_ZEROTAGS, KAS_KVER(5, 13), 0 },
	{ NULL, 0, 0, 0 },
};

const struct kas_flag_name kas_slab_flags[] = {
	{ "SLAB_HWCACHE_ALIGN", KAS_SLAB_HWCACHE_ALIGN, ALWAYS },
	{ "SLAB_TYPESAFE_BY_RCU", KAS_SLAB_TYPESAFE_BY_RCU, ALWAYS },
	{ "SLAB_ACCOUNT", KAS_SLAB_ACCOUNT, ALWAYS },
	{ "SLAB_RECLAIM_ACCOUNT", KAS_SLAB_RECLAIM_ACCOUNT, ALWAYS },
	{ "SLAB_PANIC", KAS_SLAB_PANIC, ALWAYS },
	{ "SLAB_POISON", KAS_SLAB_POISON, ALWAYS },
	{ "SLAB_RED_ZONE", KAS_SLAB_RED_ZONE, ALWAYS },
	{ "SLAB_CACHE_DMA", KAS_SLAB_CACHE_DMA, ALWAYS },
	{ "SLAB_CACHE_DMA32", KAS_SLAB_CACHE_DMA32, ALWAYS },
	{ "SLAB_NO_MERGE", KAS_SLAB_NO_MERGE, KAS_KVER(6, 5), 0 },
	{ "SLAB_STORE_USER", KAS_SLAB_STORE_USER, ALWAYS },
	{ NULL, 0, 0, 0 },
};

/* Composite names in formatting preference order (earlier wins ties). */
enum composite {
	C_TRANSHUGE, C_TRANSHUGE_LIGHT, C_HIGHUSER_MOVABLE, C_HIGHUSER, C_KERNEL_ACCOUNT, C_USER,
	C_KERNEL, C_ATOMIC, C_NOFS, C_NOIO, C_NOWAIT, C_DMA, C_DMA32, C_RECLAIM, C__COUNT
};
static const char *const composite_names[C__COUNT] = {
	"GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE", "GFP_HIGHUSER",
	"GFP_KERNEL_ACCOUNT", "GFP_USER", "GFP_KERNEL", "GFP_ATOMIC", "GFP_NOFS",
	"GFP_NOIO", "GFP_NOWAIT", "GFP_DMA", "GFP_DMA32", "__GFP_RECLAIM",
};

static bool in_range(const struct kas_flag_name *f, uint32_t kver)
{
	return (!f->since || kver >= f->since) && (!f->until || kver < f->until);
}

/* By index, so formatting (which tries every composite for every value it
 * prints) compares no strings. */
static kas_gfp_t composite_value(enum composite c, uint32_t kver)
{
	const kas_gfp_t user = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
	const kas_gfp_t hmovable = user | __GFP_HIGHMEM | __GFP_MOVABLE;
	const kas_gfp_t thp_light = (hmovable | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) &
				    ~__GFP_RECLAIM;

	switch (c) {
	case C_KERNEL: return KAS_GFP_KERNEL;
	case C_KERNEL_ACCOUNT: return KAS_GFP_KERNEL | __GFP_ACCOUNT;
	case C_ATOMIC:
		return __GFP_HIGH | __GFP_KSWAPD_RECLAIM | (kver < KAS_KVER(6, 4) ? __GFP_ATOMIC : 0);
	case C_NOWAIT: return __GFP_KSWAPD_RECLAIM | (kver >= KAS_KVER(6, 8) ? __GFP_NOWARN : 0);
	case C_NOIO: return __GFP_RECLAIM;
	case C_NOFS: return __GFP_RECLAIM | __GFP_IO;
	case C_USER: return user;
	case C_DMA: return __GFP_DMA;
	case C_DMA32: return __GFP_DMA32;
	case C_HIGHUSER: return user | __GFP_HIGHMEM;
	case C_HIGHUSER_MOVABLE: return hmovable;
	case C_TRANSHUGE_LIGHT: return thp_light;
	case C_TRANSHUGE: return thp_light | __GFP_DIRECT_RECLAIM;
	case C_RECLAIM: return __GFP_RECLAIM;
	default: return 0;
	}
}

bool kas_gfp_composite(const char *name, uint32_t kver, kas_gfp_t *out)
{
	for (unsigned c = 0; c < C__COUNT; c++)
		if (!strcmp(name, composite_names[c])) {
			*out = composite_value((enum composite)c, kver);
			return true;
		}
	return false;
}

static bool lookup_table(const struct kas_flag_name *t, const char *name, size_t len,
			 uint32_t kver, uint32_t *out)
{
	for (; t->name; t++) {
		if (strlen(t->name) == len && !memcmp(t->name, name, len)) {
			if (!in_range(t, kver))
				return false;
			*out = t->value;
			return true;
		}
	}
	return false;
}

bool kas_gfp_lookup(const char *name, size_t len, uint32_t kver, kas_gfp_t *out)
{
	char buf[64];

	if (lookup_table(kas_gfp_bits, name, len, kver, out))
		return true;
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return kas_gfp_composite(buf, kver, out);
}

bool kas_slab_flag_lookup(const char *name, size_t len, uint32_t kver, uint32_t *out)
{
	return lookup_table(kas_slab_flags, name, len, kver, out);
}

static int popcount32(uint32_t v)
{
	return __builtin_popcount(v);
}

/* Append s to buf (snprintf accounting: n counts what would be written). */
static void put(char *buf, size_t len, size_t *n, const char *s)
{
	size_t sl = strlen(s);
	if (*n < len) {
		size_t room = len - *n - 1;
		size_t c = sl < room ? sl : room;
		memcpy(buf + *n, s, c);
		buf[*n + c] = '\0';
	}
	*n += sl;
}

static size_t format_bits(uint32_t v, const struct kas_flag_name *table, uint32_t kver,
			  const char *first, char *buf, size_t len)
{
	size_t n = 0;
	bool any = false;

	if (len)
		buf[0] = '\0';
	if (first) {
		put(buf, len, &n, first);
		any = true;
	}
	for (const struct kas_flag_name *f = table; f->name; f++) {
		if ((v & f->value) == f->value && f->value && in_range(f, kver)) {
			if (any)
				put(buf, len, &n, "|");
			put(buf, len, &n, f->name);
			v &= ~f->value;
			any = true;
		}
	}
	if (v || !any) {
		char hex[16];
		snprintf(hex, sizeof(hex), "%#x", v);
		if (!v)
			snprintf(hex, sizeof(hex), "0");
		if (any)
			put(buf, len, &n, "|");
		put(buf, len, &n, hex);
	}
	return n;
}

size_t kas_gfp_format(kas_gfp_t gfp, uint32_t kver, char *buf, size_t len)
{
	const char *best = NULL;
	kas_gfp_t best_v = 0;

	for (unsigned c = 0; c < C__COUNT; c++) {
		kas_gfp_t v = composite_value((enum composite)c, kver);
		if ((gfp & v) != v)
			continue;
		if (!best || popcount32(v) > popcount32(best_v)) {
			best = composite_names[c];
			best_v = v;
		}
	}
	return format_bits(gfp & ~best_v, kas_gfp_bits, kver, best, buf, len);
}

size_t kas_slab_flags_format(uint32_t flags, uint32_t kver, char *buf, size_t len)
{
	return format_bits(flags, kas_slab_flags, kver, NULL, buf, len);
}
