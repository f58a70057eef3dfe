/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The harness's content pattern (core/content.c) re-stated for the kernel
 * module, so the module's zeroing / prefix / pattern facts mean what the
 * harness's mean: the same pattern words, the same examined windows (every
 * byte below 16 MiB, then the first page of each MiB).
 */
#ifndef KAS_CONTENT_H
#define KAS_CONTENT_H

#include <linux/types.h>
#include <linux/string.h>

#define KAS_NOT_FOUND ((size_t)-1)
#define KAS_EXAMINE_WHOLE ((size_t)16 << 20)

static inline u64 kas_mix64(u64 x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static inline u8 kas_pat(u64 seed, size_t off)
{
	u64 w = seed + (u64)(off >> 3) * 0xD1B54A32D192ED03ull;
	return (u8)(w >> ((off & 7) * 8));
}

enum kas_win_op { KAS_FILL, KAS_VERIFY, KAS_ZERO };

static size_t kas_window(u8 *p, u64 seed, size_t from, size_t to, enum kas_win_op op)
{
	size_t off;

	for (off = from; off < to; off++) {
		switch (op) {
		case KAS_FILL:
			p[off] = kas_pat(seed, off);
			break;
		case KAS_VERIFY:
			if (p[off] != kas_pat(seed, off))
				return off;
			break;
		case KAS_ZERO:
			if (p[off])
				return off;
			break;
		}
	}
	return KAS_NOT_FOUND;
}

/* for_windows() of core/content.c */
static size_t kas_windows(void *obj, u64 id, size_t from, size_t to, enum kas_win_op op)
{
	const size_t step = (size_t)1 << 20, page = 4096;
	u64 seed = kas_mix64(id);
	u8 *p = obj;
	size_t r, b;

	if (to <= from)
		return KAS_NOT_FOUND;
	if (from < KAS_EXAMINE_WHOLE) {
		size_t end = to < KAS_EXAMINE_WHOLE ? to : KAS_EXAMINE_WHOLE;
		r = kas_window(p, seed, from, end, op);
		if (r != KAS_NOT_FOUND || end == to)
			return r;
		from = end;
	}
	for (b = from / step * step; b < to; b += step) {
		size_t lo = b > from ? b : from, hi = b + page < to ? b + page : to;
		if (lo < hi && (r = kas_window(p, seed, lo, hi, op)) != KAS_NOT_FOUND)
			return r;
		if (b > SIZE_MAX - step)
			break;
	}
	return KAS_NOT_FOUND;
}

#endif
