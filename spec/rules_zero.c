/* SPDX-License-Identifier: MIT */
/* ZERO-1, ZERO-3, ZERO-4, ZERO-6, ZERO-6W: zero sizes, NULL frees, zeroed
 * memory, vmalloc(0) and its warning. */
#include <inttypes.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

static bool is_krealloc(const struct kas_call *c)
{
	return c->op->code == KAS_OP_KREALLOC || c->op->code == KAS_OP_KREALLOC_ARRAY;
}

/* ZERO-1: a zero-sized request gives exactly ZERO_SIZE_PTR. */
KAS_RULE_NEEDS(kas_chk_zero_1, KAS_F(REQ_ZERO));
enum kas_verdict kas_chk_zero_1(struct kas_check *cx, const struct kas_call *c)
{
	size_t size;
	if (!kas_call_request(cx, c, &size) || size != 0)
		return KAS_V_NA;
	/* krealloc(p, 0) of a live p is REALLOC-2; here only NULL/ZERO_SIZE_PTR inputs */
	if (is_krealloc(c) && (c->in_obj != KAS_NO_OBJ || !kas_zero_or_null(c->arg[0])))
		return KAS_V_NA;
	if (c->ret != KAS_ZERO_SIZE_PTR)
		return kas_fail(cx, "%s with size 0 returned " PTRF ", expected ZERO_SIZE_PTR (0x10)",
				kas_opname(c), c->ret);
	return KAS_V_PASS;
}

/* ZERO-3: frees of NULL/ZERO_SIZE_PTR and empty bulk frees are silent no-ops. */
KAS_RULE_NEEDS(kas_chk_zero_3, 0);
enum kas_verdict kas_chk_zero_3(struct kas_check *cx, const struct kas_call *c)
{
	bool noop;
	switch (c->op->code) {
	case KAS_OP_KFREE: case KAS_OP_KVFREE: case KAS_OP_KFREE_SENSITIVE:
		noop = c->in_obj == KAS_NO_OBJ && kas_zero_or_null(c->arg[0]);
		break;
	case KAS_OP_VFREE:
		noop = c->in_obj == KAS_NO_OBJ && c->arg[0] == 0;
		break;
	case KAS_OP_KMEM_CACHE_DESTROY:
		noop = c->in_cache == KAS_NO_OBJ && c->arg[0] == 0;
		break;
	case KAS_OP_KFREE_BULK: case KAS_OP_KMEM_CACHE_FREE_BULK:
		noop = c->nlist == 0;
		break;
	default:
		noop = false;
	}
	if (!noop)
		return KAS_V_NA;
	if (c->obs.warns)
		return kas_fail(cx, "%s of NULL/ZERO_SIZE_PTR/nothing warned (%u warning%s)",
				kas_opname(c), c->obs.warns, c->obs.warns == 1 ? "" : "s");
	return KAS_V_PASS;
}

/* ZERO-4: zeroing allocations (not the realloc family) come back zeroed. */
KAS_RULE_NEEDS(kas_chk_zero_4, KAS_F(ZEROES) | KAS_F(ZERO_CHECKED));
enum kas_verdict kas_chk_zero_4(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || !kas_op_zeroes(c) || !c->obs.zero.checked)
		return KAS_V_NA;
	if (c->op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK ? c->ret == 0 : !kas_got_object(c))
		return KAS_V_NA;
	if (c->obs.zero.first_bad != KAS_NOT_FOUND)
		return kas_fail(cx, "%s returned memory that is not zero at offset %zu (checked [%zu, %zu))",
				kas_opname(c), c->obs.zero.first_bad, c->obs.zero.from,
				c->obs.zero.to);
	return KAS_V_PASS;
}

/* ZERO-6: vmalloc(0) and friends return NULL. */
KAS_RULE_NEEDS(kas_chk_zero_6, KAS_F(REQ_ZERO));
enum kas_verdict kas_chk_zero_6(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->arg[0] != 0)
		return KAS_V_NA;
	if (c->ret != 0)
		return kas_fail(cx, "%s(0) returned " PTRF ", expected NULL", kas_opname(c), c->ret);
	return KAS_V_PASS;
}

/* ZERO-6W: vmalloc(0) WARNs (WARN_ON_ONCE: the first one of a trace). */
KAS_RULE_NEEDS(kas_chk_zero_6w, KAS_F(REQ_ZERO));
enum kas_verdict kas_chk_zero_6w(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->arg[0] != 0 || !kas_spec_first_in_trace(cx))
		return KAS_V_NA;
	if (!c->obs.warns)
		return kas_fail(cx, "%s(0) did not warn", kas_opname(c));
	return KAS_V_PASS;
}
