/* SPDX-License-Identifier: MIT */
/* SIZE-1, SIZE-2, SIZE-5, SIZE-5W: ksize, kmalloc_size_roundup, the kmalloc
 * limit and the warning above it. */
#include <inttypes.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

/* SIZE-1: ksize(NULL/ZERO_SIZE_PTR) is 0, otherwise at least the request. */
KAS_RULE_NEEDS(kas_chk_size_1, 0);
enum kas_verdict kas_chk_size_1(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c))
		return KAS_V_NA;
	if (c->in_obj == KAS_NO_OBJ) {
		if (!kas_zero_or_null(c->arg[0]))
			return KAS_V_NA;
		if (c->ret != 0)
			return kas_fail(cx, "ksize(" PTRF ") returned %" PRIuPTR ", expected 0",
					(uintptr_t)c->arg[0], c->ret);
		return KAS_V_PASS;
	}
	if (c->ret < c->in.size)
		return kas_fail(cx, "ksize of a %zu-byte object returned %" PRIuPTR,
				c->in.size, c->ret);
	return KAS_V_PASS;
}

/* The kmalloc bucket a request of size s (0 < s <= KMALLOC_MAX_CACHE_SIZE)
 * lands in: powers of two from the minimum alignment, plus 96 and 192 when
 * the minimum is small enough for them to exist. */
static uint64_t bucket(const struct kas_profile *p, uint64_t s)
{
	uint64_t minsz = p->kmalloc_minalign;
	if (s > 64 && s <= 96 && minsz <= 32)
		return 96;
	if (s > 128 && s <= 192 && minsz <= 64)
		return 192;
	uint64_t b = minsz;
	while (b < s)
		b <<= 1;
	return b;
}

/* PAGE_SIZE << get_order(s) in unsigned long arithmetic: the shift wraps
 * to 0 once the order reaches 64 - PAGE_SHIFT (s > 2^63 on x86-64). */
static uint64_t page_roundup(const struct kas_profile *p, uint64_t s)
{
	unsigned order = kas_get_order(s);
	unsigned shift = 0;
	for (uint64_t ps = p->page_size; ps > 1; ps >>= 1)
		shift++;
	return order + shift >= 64 ? 0 : p->page_size << order;
}

uint64_t kas_expected_roundup(const struct kas_profile *p, uint64_t s)
{
	if (s == 0)
		return 0;
	if (s <= p->kmalloc_max_cache_size)
		return bucket(p, s);
	/* before 6.6 (05a940656e1e as merged in 6.1): no KMALLOC_MAX_SIZE cap,
	 * only SIZE_MAX is passed through; the cap came with "slab:
	 * kmalloc_size_roundup() must not return 0 for non-zero size" (6.6) */
	if (p->kver < KAS_KVER(6, 6))
		return s == UINT64_MAX ? s : page_roundup(p, s);
	if (s <= p->kmalloc_max_size)
		return p->page_size << kas_get_order(s);
	return s;
}

/* SIZE-2: kmalloc_size_roundup reports the bucket. */
KAS_RULE_NEEDS(kas_chk_size_2, 0);
enum kas_verdict kas_chk_size_2(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c))
		return KAS_V_NA;
	uint64_t want = kas_expected_roundup(kas_cx_profile(cx), c->arg[0]);
	if (c->ret != want)
		return kas_fail(cx, "kmalloc_size_roundup(%" PRIu64 ") returned %" PRIuPTR
				", expected %" PRIu64, c->arg[0], c->ret, want);
	return KAS_V_PASS;
}

/* SIZE-5: kmalloc-family requests above KMALLOC_MAX_SIZE fail. */
KAS_RULE_NEEDS(kas_chk_size_5, 0);
enum kas_verdict kas_chk_size_5(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n))
		return KAS_V_NA;
	uint64_t max = kas_cx_profile(cx)->kmalloc_max_size;
	if (n <= max)
		return KAS_V_NA;
	if (c->ret != 0)
		return kas_fail(cx, "%s of %zu bytes (> KMALLOC_MAX_SIZE %" PRIu64 ") returned " PTRF
				", expected NULL", kas_opname(c), n, max, c->ret);
	return KAS_V_PASS;
}

/* SIZE-5W: kmalloc above KMALLOC_MAX_SIZE warns unless __GFP_NOWARN. */
KAS_RULE_NEEDS(kas_chk_size_5w, KAS_F(NULL));
enum kas_verdict kas_chk_size_5w(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n) || n <= kas_cx_profile(cx)->kmalloc_max_size ||
	    c->ret)
		return KAS_V_NA;
	bool loud = kas_warned_kind(c, KAS_WARN_TOO_LARGE) || kas_warned_kind(c, KAS_WARN_ALLOC_FAILURE);
	if (c->gfp & __GFP_NOWARN) {
		if (kas_cx_kver(cx) < KAS_KVER(6, 1))
			return KAS_V_NA;   /* plain WARN_ON_ONCE before WARN_ON_ONCE_GFP */
		if (loud)
			return kas_fail(cx, "%s of %zu bytes with __GFP_NOWARN warned", kas_opname(c), n);
		return KAS_V_PASS;
	}
	if (!kas_spec_first_at_site(cx, KAS_ONCE_PAGE_ORDER))
		return KAS_V_NA;
	if (!loud)
		return kas_fail(cx, "%s of %zu bytes (> KMALLOC_MAX_SIZE) failed without a warning",
				kas_opname(c), n);
	return KAS_V_PASS;
}
