/* SPDX-License-Identifier: MIT */
/* REALLOC-6 (vrealloc) and REALLOC-7 (kvrealloc). */
#include <inttypes.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

static bool has_in(const struct kas_call *c) { return c->in_obj != KAS_NO_OBJ; }

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
