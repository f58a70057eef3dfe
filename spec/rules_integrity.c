/* SPDX-License-Identifier: MIT */
/* NO-OVERLAP and INTEGRITY-1: objects are the caller's until freed. */
#include <inttypes.h>
#include <stdlib.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

/* Objects the spec regards as impossibly large are not range-checked. */
#define KAS_OVERLAP_MAX ((size_t)1 << 40)

static enum kas_verdict overlap_one(struct kas_check *cx, const struct kas_call *c,
				    uintptr_t addr, size_t len, uint32_t except, const char *what)
{
	struct kas_model *m = kas_check_model(cx);
	uint32_t hit = kas_model_find_overlap(m, addr, len, except);
	if (hit == KAS_NO_OBJ)
		return KAS_V_PASS;
	const struct kas_obj *o = kas_model_obj(m, hit);
	return kas_fail(cx, "%s %s [" PTRF ", +%zu) overlaps live object #%" PRIu64 " [" PTRF
			", +%zu) created by op %u", kas_opname(c), what, addr, len, o->id, o->addr,
			o->size, o->def_op);
}

struct range { uintptr_t a; size_t n; };

static int cmp_range(const void *x, const void *y)
{
	const struct range *p = x, *q = y;
	return p->a < q->a ? -1 : p->a > q->a;
}

static enum kas_verdict overlap_bulk(struct kas_check *cx, const struct kas_call *c, size_t len)
{
	size_t n = c->ret;
	if (!c->bulk || n > c->bulk_cap)
		return KAS_V_NA;
	struct range *r = malloc(n * sizeof(*r));
	if (!r)
		return KAS_V_NA;
	size_t k = 0;
	enum kas_verdict v = KAS_V_PASS;
	for (size_t i = 0; i < n && v == KAS_V_PASS; i++) {
		uintptr_t a = (uintptr_t)c->bulk[i];
		if (kas_zero_or_null(a))
			continue;             /* FREE-7's business */
		v = overlap_one(cx, c, a, len, KAS_NO_OBJ, "bulk object");
		r[k++] = (struct range){ a, len };
	}
	if (v == KAS_V_PASS && len) {
		qsort(r, k, sizeof(*r), cmp_range);
		for (size_t i = 1; i < k; i++)
			if (r[i].a < r[i - 1].a + r[i - 1].n) {
				v = kas_fail(cx, "kmem_cache_alloc_bulk objects " PTRF " and " PTRF
					     " overlap (object size %zu)", r[i - 1].a, r[i].a, len);
				break;
			}
	}
	free(r);
	return v;
}

/* concurrent_kmalloc: judged on what its threads saw (run/concurrent.c);
 * NA when its threads did not all run or the port handed out nothing. */
static const struct kas_conc_obs *conc_seen(const struct kas_call *c)
{
	const struct kas_conc_obs *o = &c->obs.conc;
	return kas_done(c) && o->ran && o->handed ? o : NULL;
}

/* NO-OVERLAP: every new object is disjoint from the live ones. */
KAS_RULE_NEEDS(kas_chk_no_overlap, 0);
enum kas_verdict kas_chk_no_overlap(struct kas_check *cx, const struct kas_call *c)
{
	if (c->op->code == KAS_OP_CONCURRENT_KMALLOC) {
		const struct kas_conc_obs *o = conc_seen(c);
		if (!o)
			return KAS_V_NA;
		if (o->overlaps)
			return kas_fail(cx, "%s: %" PRIu64 " of %" PRIu64 " objects handed to %u threads "
					"overlapped memory still held (first " PTRF ", held at " PTRF ")",
					kas_opname(c), o->overlaps, o->handed, o->threads,
					o->overlap_addr, o->overlap_with);
		return KAS_V_PASS;
	}
	size_t len;
	if (!kas_done(c) || !kas_call_request(cx, c, &len) || len > KAS_OVERLAP_MAX)
		return KAS_V_NA;
	if (c->op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK) {
		if (c->ret == 0)
			return KAS_V_NA;
		return overlap_bulk(cx, c, len);
	}
	if (!kas_got_object(c) || len == 0)
		return KAS_V_NA;
	/* a reallocation may return its own input */
	uint32_t except = KAS_NO_OBJ;
	if (c->in_obj != KAS_NO_OBJ && c->ret == c->in.addr)
		except = c->in_obj;
	return overlap_one(cx, c, c->ret, len, except, "result");
}

/* INTEGRITY-1: the pattern of an object is intact when it is freed or
 * reallocated, and after a failed reallocation. */
KAS_RULE_NEEDS(kas_chk_integrity_1, 0);
enum kas_verdict kas_chk_integrity_1(struct kas_check *cx, const struct kas_call *c)
{
	if (c->op->code == KAS_OP_CONCURRENT_KMALLOC) {
		const struct kas_conc_obs *o = conc_seen(c);
		if (!o)
			return KAS_V_NA;
		if (o->corrupt)
			return kas_fail(cx, "%s: %" PRIu64 " of %" PRIu64 " objects held by %u threads "
					"changed before their kfree (first " PTRF ", byte %zu)",
					kas_opname(c), o->corrupt, o->handed, o->threads,
					o->corrupt_addr, o->corrupt_off);
		return KAS_V_PASS;
	}
	if (!kas_done(c))
		return KAS_V_NA;
	enum kas_verdict a = kas_judge_range(cx, c, &c->obs.pattern,
					     "object contents before the call");
	if (a == KAS_V_FAIL)
		return a;
	enum kas_verdict b = KAS_V_NA;
	if (c->ret == 0)
		b = kas_judge_range(cx, c, &c->obs.kept, "object contents after a failed realloc");
	if (b == KAS_V_FAIL)
		return b;
	return (a == KAS_V_PASS || b == KAS_V_PASS) ? KAS_V_PASS : KAS_V_NA;
}
