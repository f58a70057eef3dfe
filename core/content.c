/* SPDX-License-Identifier: MIT */
/*
 * Object contents: the per-object pattern the harness writes into every
 * live object and verifies before it is freed, and the zero scan.
 *
 * The pattern is a sequence of 64-bit words derived from the object id, so
 * two objects never share a pattern and a byte written by a neighbour (an
 * overlap, a free-list pointer, a red zone) is caught at a known offset.
 *
 * Very large objects are examined in windows (head, tail and one page per
 * MiB) so a port that hands out gigabytes lazily does not cost gigabytes of
 * writes; everything up to KAS_EXAMINE_WHOLE is examined byte for byte.
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
 * path (kas_pattern_byte) defines the pattern. */
static void fill_range(unsigned char *p, uint64_t seed, size_t from, size_t to)
{
	size_t off = from;
	while (off < to && (off & 7)) {
		p[off] = (uint8_t)(pattern_word(seed, off >> 3) >> ((off & 7) * 8));
		off++;
	}
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

/* Calls fn on each examined window of [from, to). Stops at the first
 * window for which fn returns something other than KAS_NOT_FOUND. */
typedef size_t (*window_fn)(unsigned char *p, uint64_t seed, size_t from, size_t to);

static size_t for_windows(unsigned char *p, uint64_t seed, size_t from, size_t to, window_fn fn)
{
	if (to <= from)
		return KAS_NOT_FOUND;
	if (to - from <= KAS_EXAMINE_WHOLE)
		return fn(p, seed, from, to);
	const size_t head = 1u << 20, step = 1u << 20, page = 4096;
	size_t r = fn(p, seed, from, from + head);
	if (r != KAS_NOT_FOUND)
		return r;
	for (size_t off = from + head; off + page <= to - head; off += step) {
		r = fn(p, seed, off, off + page);
		if (r != KAS_NOT_FOUND)
			return r;
	}
	return fn(p, seed, to - head, to);
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
