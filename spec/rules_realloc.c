/* SPDX-License-Identifier: MIT */
/* REALLOC-1 .. REALLOC-8: the krealloc family, vrealloc, kvrealloc and
 * array overflow. */
#include <inttypes.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

static bool has_in(const struct kas_call *c) { return c->in_obj != KAS_NO_OBJ; }

/* REALLOC-1: krealloc(NULL or ZERO_SIZE_PTR, n) is kmalloc(n). */
KAS_RULE_NEEDS(kas_chk_realloc_1, 0);
enum kas_verdict kas_chk_realloc_1(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || has_in(c) || !kas_zero_or_null(c->arg[0]))
		return KAS_V_NA;
	if (!kas_call_request(cx, c, &n))
		return KAS_V_NA;            /* overflowing krealloc_array: REALLOC-8 */
	if (n == 0) {
		if (c->ret != KAS_ZERO_SIZE_PTR)
			return kas_fail(cx, "%s(NULL, 0) returned " PTRF ", kmalloc(0) gives ZERO_SIZE_PTR",
					kas_opname(c), c->ret);
		return KAS_V_PASS;
	}
	if (n > kas_cx_profile(cx)->kmalloc_max_size && c->ret != 0)
		return kas_fail(cx, "%s(NULL, %zu) returned " PTRF ", kmalloc above KMALLOC_MAX_SIZE gives NULL",
				kas_opname(c), n, c->ret);
	if (c->ret == KAS_ZERO_SIZE_PTR)
		return kas_fail(cx, "%s(NULL, %zu) returned ZERO_SIZE_PTR for a non-zero size",
				kas_opname(c), n);
	/* like kmalloc(n, gfp): zeroed when gfp has __GFP_ZERO */
	if (c->ret && (c->gfp & __GFP_ZERO))
		return kas_judge_range(cx, c, &c->obs.zero, "zeroing of krealloc(NULL, n, __GFP_ZERO)") ==
		       KAS_V_FAIL ? KAS_V_FAIL : KAS_V_PASS;
	return KAS_V_PASS;
}

/* REALLOC-2: krealloc(p, 0) frees p and returns ZERO_SIZE_PTR. */
KAS_RULE_NEEDS(kas_chk_realloc_2, KAS_F(IN_OBJ) | KAS_F(REQ_ZERO));
enum kas_verdict kas_chk_realloc_2(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !has_in(c) || !kas_call_request(cx, c, &n) || n != 0)
		return KAS_V_NA;
	if (c->ret != KAS_ZERO_SIZE_PTR)
		return kas_fail(cx, "%s(p, 0) returned " PTRF ", expected ZERO_SIZE_PTR",
				kas_opname(c), c->ret);
	return KAS_V_PASS;
}

/* REALLOC-3: contents preserved on success, p untouched on failure. */
KAS_RULE_NEEDS(kas_chk_realloc_3, KAS_F(IN_OBJ));
enum kas_verdict kas_chk_realloc_3(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !has_in(c) || !kas_call_request(cx, c, &n) || n == 0)
		return KAS_V_NA;
	if (c->ret == KAS_ZERO_SIZE_PTR)
		return kas_fail(cx, "%s(p, %zu) returned ZERO_SIZE_PTR for a non-zero size",
				kas_opname(c), n);
	if (c->ret == 0)
		return kas_judge_range(cx, c, &c->obs.kept, "old object after a failed krealloc");
	return kas_judge_range(cx, c, &c->obs.prefix, "preserved prefix min(old, new)");
}

/* REALLOC-4: a size that still fits returns p itself. */
KAS_RULE_NEEDS(kas_chk_realloc_4, KAS_F(IN_OBJ));
enum kas_verdict kas_chk_realloc_4(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !has_in(c) || !kas_call_request(cx, c, &n))
		return KAS_V_NA;
	if (n == 0 || n > c->in.size)
		return KAS_V_NA;
	if (c->ret != (uintptr_t)c->arg[0])
		return kas_fail(cx, "%s(p=" PTRF ", %zu) of a %zu-byte object returned " PTRF
				", expected p (the object still fits)",
				kas_opname(c), (uintptr_t)c->arg[0], n, c->in.size, c->ret);
	return KAS_V_PASS;
}

/* REALLOC-5 (6.12+): with consistent __GFP_ZERO the grown tail is zero. */
KAS_RULE_NEEDS(kas_chk_realloc_5,
	       KAS_F(OBJECT) | KAS_F(IN_OBJ) | KAS_F(ZEROES) | KAS_F(ZERO_CHECKED));
enum kas_verdict kas_chk_realloc_5(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_got_object(c) || !has_in(c) || !(c->gfp & __GFP_ZERO) || !c->in.zero_all)
		return KAS_V_NA;
	if (!kas_call_request(cx, c, &n) || n <= c->in.size)
		return KAS_V_NA;
	const struct kas_range_obs *z = &c->obs.zero;
	/* only a zero check of the new tail says anything about this rule */
	if (!z->checked || z->from < c->in.size)
		return KAS_V_NA;
	return kas_judge_range(cx, c, z, "zeroed tail [old size, new size)");
}

/* Success keeps the prefix, failure keeps the old object; ZERO_SIZE_PTR for
 * a non-zero size is never right. */
static enum kas_verdict contents(struct kas_check *cx, const struct kas_call *c, size_t n)
{
	if (c->ret == KAS_ZERO_SIZE_PTR)
		return kas_fail(cx, "%s(p, %zu) returned ZERO_SIZE_PTR for a non-zero size",
				kas_opname(c), n);
	if (!has_in(c))
		return KAS_V_PASS;
	if (c->ret == 0) {
		enum kas_verdict v = kas_judge_range(cx, c, &c->obs.kept, "old object after a failed realloc");
		return v == KAS_V_FAIL ? v : KAS_V_PASS;
	}
	enum kas_verdict v = kas_judge_range(cx, c, &c->obs.prefix, "preserved prefix min(old, new)");
	return v == KAS_V_FAIL ? v : KAS_V_PASS;
}

/* REALLOC-6: vrealloc(NULL, n) is vmalloc; vrealloc(p, 0) frees and returns NULL. */
KAS_RULE_NEEDS(kas_chk_realloc_6, 0);
enum kas_verdict kas_chk_realloc_6(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n))
		return KAS_V_NA;
	if (n == 0) {
		if (c->ret != 0)
			return kas_fail(cx, "vrealloc(p, 0) returned " PTRF ", expected NULL", c->ret);
		return KAS_V_PASS;
	}
	if (kas_got_object(c) && !kas_aligned(c->ret, kas_cx_profile(cx)->page_size))
		return kas_fail(cx, "vrealloc returned " PTRF ", not page aligned like vmalloc", c->ret);
	return contents(cx, c, n);
}

/* REALLOC-7: kvrealloc per version. */
KAS_RULE_NEEDS(kas_chk_realloc_7, 0);
enum kas_verdict kas_chk_realloc_7(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n))
		return KAS_V_NA;
	uintptr_t p = (uintptr_t)c->arg[0];
	if (kas_cx_kver(cx) < KAS_KVER(6, 12)) {
		size_t old = has_in(c) ? c->in.size : 0;
		if (old >= n) {
			if (c->ret != p)
				return kas_fail(cx, "kvrealloc(p=" PTRF ", old %zu, new %zu) returned " PTRF
						", expected p unchanged (oldsize >= newsize)",
						p, old, n, c->ret);
			return KAS_V_PASS;
		}
		return contents(cx, c, n);
	}
	if (n == 0) {
		int vm = has_in(c) ? kas_in_is_vmalloc(c) : 0;
		bool ok = vm == 1 ? c->ret == 0
			: vm == 0 ? c->ret == KAS_ZERO_SIZE_PTR
			: (c->ret == 0 || c->ret == KAS_ZERO_SIZE_PTR);
		if (!ok)
			return kas_fail(cx, "kvrealloc(p, 0) of %s memory returned " PTRF ", expected %s",
					vm == 1 ? "vmalloc" : vm == 0 ? "kmalloc" : "kvmalloc", c->ret,
					vm == 1 ? "NULL" : vm == 0 ? "ZERO_SIZE_PTR" : "NULL or ZERO_SIZE_PTR");
		return KAS_V_PASS;
	}
	return contents(cx, c, n);
}

/* REALLOC-8: an overflowing n * size gives NULL (and krealloc_array keeps p). */
KAS_RULE_NEEDS(kas_chk_realloc_8, 0);
enum kas_verdict kas_chk_realloc_8(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || !kas_call_overflows(c))
		return KAS_V_NA;
	if (c->ret != 0)
		return kas_fail(cx, "%s with an overflowing n * size returned " PTRF ", expected NULL",
				kas_opname(c), c->ret);
	if (c->op->code == KAS_OP_KREALLOC_ARRAY && has_in(c))
		return kas_judge_range(cx, c, &c->obs.kept, "old object after an overflowing krealloc_array") ==
		       KAS_V_FAIL ? KAS_V_FAIL : KAS_V_PASS;
	return KAS_V_PASS;
}
