/* SPDX-License-Identifier: MIT */
/*
 * Object contents: the per-object pattern the harness writes into every
 * live object and verifies before it is freed, and the zero scan.
 *
 * The pattern is a sequence of 64-bit words derived from the object id, so
 * two objects never share a pattern and a byte written by a neighbour (an
 * overlap, a free-list pointer, a red zone) is caught at a known offset.
 *
 * Large objects are examined in windows (everything below
 * KAS_EXAMINE_WHOLE, then the head of every page) so that a multi-megabyte
 * allocation costs tens of kilobytes of writes, not megabytes: the fuzzer's
 * exec/s depends on it.
 */
#include <string.h>
#include "content.h"

static inline uint64_t mix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static inline uint64_t pattern_word(uint64_t seed, size_t word_index)
{
	return seed + (uint64_t)word_index * 0xD1B54A32D192ED03ull;
}

uint8_t kas_pattern_byte(uint64_t id, size_t off)
{
	uint64_t w = pattern_word(mix64(id), off >> 3);
	return (uint8_t)(w >> ((off & 7) * 8));
}

/* Little-endian byte order is assumed for the word fast path; the byte
 * path (kas_pattern_byte) defines the pattern.  The bulk of an object is
 * written and compared 32 bytes per step with two-word vectors (SSE2 on
 * x86-64, NEON on arm64; plain words elsewhere): the words of the pattern
 * form an arithmetic sequence, so the next pair is one vector add. */
#if defined(__GNUC__) || defined(__clang__)
typedef uint64_t kas_v2 __attribute__((vector_size(16)));
#define KAS_HAVE_V2 1
#endif

static void fill_range(unsigned char *p, uint64_t seed, size_t from, size_t to)
{
	size_t off = from;
	while (off < to && (off & 7)) {
		p[off] = (uint8_t)(pattern_word(seed, off >> 3) >> ((off & 7) * 8));
		off++;
	}
#ifdef KAS_HAVE_V2
	if (off + 32 <= to) {
		const uint64_t k = 0xD1B54A32D192ED03ull;
		uint64_t w0 = pattern_word(seed, off >> 3);
		kas_v2 w = { w0, w0 + k };
		const kas_v2 step = { 2 * k, 2 * k };
		for (; off + 32 <= to; off += 32) {
			memcpy(p + off, &w, 16);
			w += step;
			memcpy(p + off + 16, &w, 16);
			w += step;
		}
	}
#endif
	for (; off + 8 <= to; off += 8) {
		uint64_t w = pattern_word(seed, off >> 3);
		memcpy(p + off, &w, 8);
	}
	for (; off < to; off++)
		p[off] = (uint8_t)(pattern_word(seed, off >> 3) >> ((off & 7) * 8));
}

static size_t verify_range(const unsigned char *p, uint64_t seed, size_t from, size_t to)
{
	size_t off = from;
	while (off < to && (off & 7)) {
		if (p[off] != (uint8_t)(pattern_word(seed, off >> 3) >> ((off & 7) * 8)))
			return off;
		off++;
	}
#ifdef KAS_HAVE_V2
	/* on a difference fall through to the word and byte loops, which
	 * find its exact offset */
	if (off + 32 <= to) {
		const uint64_t k = 0xD1B54A32D192ED03ull;
		uint64_t w0 = pattern_word(seed, off >> 3);
		kas_v2 w = { w0, w0 + k };
		const kas_v2 step = { 2 * k, 2 * k };
		for (; off + 32 <= to; off += 32) {
			kas_v2 a, b, w1 = w + step;
			memcpy(&a, p + off, 16);
			memcpy(&b, p + off + 16, 16);
			kas_v2 x = (a ^ w) | (b ^ w1);
			if (x[0] | x[1])
				break;
			w = w1 + step;
		}
	}
#endif
	for (; off + 8 <= to; off += 8) {
		uint64_t w = pattern_word(seed, off >> 3), got;
		memcpy(&got, p + off, 8);
		if (got != w)
			break;
	}
	for (; off < to; off++)
		if (p[off] != (uint8_t)(pattern_word(seed, off >> 3) >> ((off & 7) * 8)))
			return off;
	return KAS_NOT_FOUND;
}

static size_t zero_scan_range(const unsigned char *p, size_t from, size_t to)
{
	size_t off = from;
	while (off < to && (off & 7)) {
		if (p[off])
			return off;
		off++;
	}
	for (; off + 8 <= to; off += 8) {
		uint64_t w;
		memcpy(&w, p + off, 8);
		if (w)
			break;
	}
	for (; off < to; off++)
		if (p[off])
			return off;
	return KAS_NOT_FOUND;
}

/* The examined bytes of any object: every offset below KAS_EXAMINE_WHOLE,
 * then the first KAS_EXAMINE_SAMPLE bytes of each 4 KiB page.  The set
 * depends on the offset only, so a range checked later (a realloc's
 * preserved prefix) meets exactly the bytes that were filled, and every
 * page of a large object is still looked at (a page mapped twice, a page
 * handed to two objects, a page left dirty by a missing __GFP_ZERO).
 * Calls fn on each examined window of [from, to) and stops at the first
 * window for which fn finds something. */
typedef size_t (*window_fn)(unsigned char *p, uint64_t seed, size_t from, size_t to);

static size_t for_windows(unsigned char *p, uint64_t seed, size_t from, size_t to, window_fn fn)
{
	const size_t page = 4096;
	size_t r;

	if (to <= from)
		return KAS_NOT_FOUND;
	if (from < KAS_EXAMINE_WHOLE) {
		size_t end = to < KAS_EXAMINE_WHOLE ? to : KAS_EXAMINE_WHOLE;
		r = fn(p, seed, from, end);
		if (r != KAS_NOT_FOUND || end == to)
			return r;
		from = end;
	}
	for (size_t b = from / page * page; b < to; b += page) {
		size_t lo = b > from ? b : from;
		size_t hi = b + KAS_EXAMINE_SAMPLE < to ? b + KAS_EXAMINE_SAMPLE : to;
		if (lo < hi && (r = fn(p, seed, lo, hi)) != KAS_NOT_FOUND)
			return r;
		if (b > SIZE_MAX - page)
			break;
	}
	return KAS_NOT_FOUND;
}

static size_t fill_window(unsigned char *p, uint64_t seed, size_t from, size_t to)
{
	fill_range(p, seed, from, to);
	return KAS_NOT_FOUND;
}

static size_t verify_window(unsigned char *p, uint64_t seed, size_t from, size_t to)
{
	return verify_range(p, seed, from, to);
}

static size_t zero_window(unsigned char *p, uint64_t seed, size_t from, size_t to)
{
	(void)seed;
	return zero_scan_range(p, from, to);
}

void kas_content_fill(void *obj, uint64_t id, size_t from, size_t to)
{
	for_windows(obj, mix64(id), from, to, fill_window);
}

size_t kas_content_verify(const void *obj, uint64_t id, size_t from, size_t to)
{
	return for_windows((unsigned char *)obj, mix64(id), from, to, verify_window);
}

size_t kas_content_zero_scan(const void *obj, size_t from, size_t to)
{
	return for_windows((unsigned char *)obj, 0, from, to, zero_window);
}
