/* SPDX-License-Identifier: MIT */
/*
 * Object contents: the per-object pattern the harness writes into every
 * live object and verifies before it is freed, and the zero scan.
 *
 * The pattern is a sequence of 64-bit words derived from the object id, so
 * two objects never share a pattern and a byte written by a neighbour (an
 * overlap, a free-list pointer, a red zone) is caught at a known offset.
 * Which bytes are examined: content.h.
 */
#include <string.h>
#include "kallocspec/content.h"

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

/* ---- which bytes are examined ---- */

struct win {
	size_t lo, hi;
};
#define MAX_WINDOWS (2 + 2 * KAS_EXAMINE_MAX_PAGES)

static inline uint64_t pick(const struct kas_content_plan *cp, uint64_t id, uint64_t i)
{
	return mix64(cp->seed ^ mix64(id ^ (i << 48)));
}

size_t kas_content_pages(const struct kas_content_plan *cp, uint64_t id, size_t size,
			 size_t out[KAS_EXAMINE_MAX_PAGES])
{
	size_t npages = size / KAS_EXAMINE_PAGE + (size % KAS_EXAMINE_PAGE != 0);
	size_t n = 0;

	if (npages <= KAS_EXAMINE_MAX_PAGES) {
		for (size_t p = 0; p < npages; p++)
			out[n++] = p * KAS_EXAMINE_PAGE;
		return n;
	}
	/* the first and last page, and one page of each stratum between */
	const size_t inner = npages - 2;
	out[n++] = 0;
	for (unsigned i = 0; i < KAS_EXAMINE_PAGES; i++) {
		size_t lo = 1 + (size_t)((unsigned __int128)inner * i / KAS_EXAMINE_PAGES);
		size_t hi = 1 + (size_t)((unsigned __int128)inner * (i + 1) / KAS_EXAMINE_PAGES);
		out[n++] = (lo + (size_t)(pick(cp, id, i) % (hi - lo))) * KAS_EXAMINE_PAGE;
	}
	out[n++] = (npages - 1) * KAS_EXAMINE_PAGE;
	return n;
}

static void add_win(struct win *w, size_t *n, size_t lo, size_t hi, size_t from, size_t to)
{
	if (lo < from)
		lo = from;
	if (hi > to)
		hi = to;
	if (lo < hi)
		w[(*n)++] = (struct win){ lo, hi };
}

/*
 * The windows of a span of `len` bytes at offset `base` (an object: base
 * 0; a zero-scanned range: its own bounds) that lie in [from, to): the
 * head, then each sampled page's two (pages ascending), then the tail.
 * Windows may overlap; every byte of one is examined, and a check reports
 * the first wrong byte in that order.
 */
static size_t windows(const struct kas_content_plan *cp, uint64_t id, size_t base, size_t len,
		      size_t from, size_t to, struct win w[MAX_WINDOWS])
{
	size_t n = 0, pages[KAS_EXAMINE_MAX_PAGES];

	if (cp->full || len <= KAS_EXAMINE_WHOLE) {
		add_win(w, &n, base, base + len, from, to);
		return n;
	}
	/* the same in-page offset on every page of the object: past the
	 * page-start sample, word aligned, inside the page */
	const size_t span = (KAS_EXAMINE_PAGE - 2 * KAS_EXAMINE_SAMPLE) / 8;
	const size_t off = KAS_EXAMINE_SAMPLE + (size_t)(pick(cp, id, 63) % span) * 8;
	size_t np = kas_content_pages(cp, id, len, pages);
	add_win(w, &n, base, base + KAS_EXAMINE_EDGE, from, to);
	for (size_t i = 0; i < np; i++) {
		size_t pg = base + pages[i];
		add_win(w, &n, pg, pg + KAS_EXAMINE_SAMPLE, from, to);
		add_win(w, &n, pg + off, pg + off + KAS_EXAMINE_SAMPLE, from, to);
	}
	add_win(w, &n, base + len - KAS_EXAMINE_EDGE, base + len, from, to);
	return n;
}

void kas_content_fill(const struct kas_content_plan *cp, void *obj, uint64_t id, size_t size)
{
	struct win w[MAX_WINDOWS];
	size_t n = windows(cp, id, 0, size, 0, size, w);
	uint64_t seed = mix64(id);

	for (size_t i = 0; i < n; i++)
		fill_range(obj, seed, w[i].lo, w[i].hi);
}

size_t kas_content_verify(const struct kas_content_plan *cp, const void *obj, uint64_t id,
			  size_t size, size_t from, size_t to)
{
	struct win w[MAX_WINDOWS];
	size_t n = windows(cp, id, 0, size, from, to < size ? to : size, w);
	uint64_t seed = mix64(id);

	for (size_t i = 0; i < n; i++) {
		size_t r = verify_range(obj, seed, w[i].lo, w[i].hi);
		if (r != KAS_NOT_FOUND)
			return r;
	}
	return KAS_NOT_FOUND;
}

size_t kas_content_zero_scan(const struct kas_content_plan *cp, const void *obj, uint64_t id,
			     size_t from, size_t to)
{
	struct win w[MAX_WINDOWS];

	if (to <= from)
		return KAS_NOT_FOUND;
	size_t n = windows(cp, id, from, to - from, from, to, w);
	for (size_t i = 0; i < n; i++) {
		size_t r = zero_scan_range(obj, w[i].lo, w[i].hi);
		if (r != KAS_NOT_FOUND)
			return r;
	}
	return KAS_NOT_FOUND;
}
