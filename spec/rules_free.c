/* SPDX-License-Identifier: MIT */
/* FREE-1, FREE-2, FREE-3, FREE-6, FREE-7: what the free functions accept, bulk allocation. */
#include <inttypes.h>
#include <stdlib.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

static enum kas_verdict silent(struct kas_check *cx, const struct kas_call *c, const char *what)
{
	if (c->obs.warns)
		return kas_fail(cx, "%s of %s warned (%u warning%s); the documented API accepts it",
				kas_opname(c), what, c->obs.warns, c->obs.warns == 1 ? "" : "s");
	return KAS_V_PASS;
}

static const char *family_name(uint8_t f)
{
	switch (f) {
	case KAS_FAM_KMALLOC: return "kmalloc memory";
	case KAS_FAM_CACHE: return "a kmem_cache object";
	case KAS_FAM_VMALLOC: return "vmalloc memory";
	case KAS_FAM_KVMALLOC: return "kvmalloc memory";
	case KAS_FAM_PAGES: return "pages";
	default: return "an object";
	}
}

/* FREE-1 (6.4+): kfree, kvfree and kfree_sensitive take kmem_cache objects. */
KAS_RULE_NEEDS(kas_chk_free_1, KAS_F(IN_OBJ) | KAS_F(IN_CACHE_OBJ));
enum kas_verdict kas_chk_free_1(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->in_obj == KAS_NO_OBJ || c->in.family != KAS_FAM_CACHE)
		return KAS_V_NA;
	return silent(cx, c, "a kmem_cache object");
}

/* FREE-2: kvfree takes kmalloc, vmalloc and kvmalloc memory. */
KAS_RULE_NEEDS(kas_chk_free_2, KAS_F(IN_OBJ));
enum kas_verdict kas_chk_free_2(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->in_obj == KAS_NO_OBJ)
		return KAS_V_NA;
	uint8_t f = c->in.family;
	if (f != KAS_FAM_KMALLOC && f != KAS_FAM_VMALLOC && f != KAS_FAM_KVMALLOC)
		return KAS_V_NA;
	return silent(cx, c, family_name(f));
}

/* FREE-6: kfree_bulk frees kmalloc objects; nothing to free is a no-op. */
KAS_RULE_NEEDS(kas_chk_free_6, 0);
enum kas_verdict kas_chk_free_6(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c))
		return KAS_V_NA;
	if (c->nlist == 0)
		return silent(cx, c, "zero entries");
	return silent(cx, c, "kmalloc objects");
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

/* FREE-7: kmem_cache_alloc_bulk returns n distinct objects or 0. */
KAS_RULE_NEEDS(kas_chk_free_7, 0);
enum kas_verdict kas_chk_free_7(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c))
		return KAS_V_NA;
	uint64_t n = c->arg[2];
	if (c->ret == 0)
		return KAS_V_PASS;
	if (n == 0)
		return kas_fail(cx, "kmem_cache_alloc_bulk of 0 objects returned %" PRIuPTR ", expected 0",
				c->ret);
	if (c->ret != n)
		return kas_fail(cx, "kmem_cache_alloc_bulk of %" PRIu64 " objects returned %" PRIuPTR
				", expected %" PRIu64 " or 0 (all or nothing)", n, c->ret, n);
	if (!c->bulk || c->bulk_cap < n)
		return KAS_V_NA;
	uintptr_t *v = malloc(n * sizeof(*v));
	if (!v)
		return KAS_V_NA;
	for (uint64_t i = 0; i < n; i++)
		v[i] = (uintptr_t)c->bulk[i];
	qsort(v, n, sizeof(*v), cmp_ptr);
	enum kas_verdict r = KAS_V_PASS;
	if (kas_zero_or_null(v[0]))
		r = kas_fail(cx, "kmem_cache_alloc_bulk returned %" PRIu64 " but a slot holds " PTRF,
			     n, v[0]);
	for (uint64_t i = 1; r == KAS_V_PASS && i < n; i++)
		if (v[i] == v[i - 1])
			r = kas_fail(cx, "kmem_cache_alloc_bulk returned object " PTRF " twice", v[i]);
	free(v);
	return r;
}

/* FREE-3: vfree of memory that is not a vmalloc area WARNs (bad free) and
 * frees nothing: the object is still intact when it is freed properly. */
KAS_RULE_NEEDS(kas_chk_free_3, 0);
enum kas_verdict kas_chk_free_3(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c))
		return KAS_V_NA;
	const struct kas_rcu_view *v = kas_rcu_track(cx->spec, c);
	unsigned op = c->op->code;
	if (op == KAS_OP_VFREE && kas_call_ptr_arg(c) != 0 && kas_in_is_vmalloc(c) == 0) {
		if (!((c->obs.warn_kinds >> KAS_WARN_BAD_FREE) & 1u))
			return kas_fail(cx, "vfree(" PTRF ") of %s did not warn (bad free)",
					kas_call_ptr_arg(c), c->in_obj == KAS_NO_OBJ ? "ZERO_SIZE_PTR" :
					family_name(c->in.family));
		return KAS_V_PASS;
	}
	if (!v->kept)
		return KAS_V_NA;
	return kas_judge_range(cx, c, &c->obs.pattern,
			       "the contents of an object an earlier vfree should have left alone");
}
