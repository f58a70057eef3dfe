/* SPDX-License-Identifier: MIT */
/* KVMALLOC-1 .. -9 and -4W: when kvmalloc may and may not use vmalloc, its
 * flags, its size limit and the warning above it. */
#include <inttypes.h>
#include <stdlib.h>
#include "world_util.h"

#define PTRF "%#" PRIxPTR
#define KAS_INT_MAX 0x7fffffffull

/* Does the kvmalloc of this kernel fall back to vmalloc for this gfp?
 * <= 5.16: only for supersets of GFP_KERNEL; 5.17..6.18: blocking gfp;
 * 6.19+: any gfp. */
static bool fallback_allowed(uint32_t kver, kas_gfp_t gfp)
{
	if (kver < KAS_KVER(5, 17))
		return (gfp & KAS_GFP_KERNEL) == KAS_GFP_KERNEL;
	if (kver < KAS_KVER(6, 19))
		return kas_gfp_allows_blocking(gfp);
	return true;
}

/* KVMALLOC-1: up to PAGE_SIZE kvmalloc is kmalloc. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_1, 0);
enum kas_verdict kas_chk_kvmalloc_1(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	const struct kas_profile *p = kas_cx_profile(cx);
	if (!kas_done(c) || !kas_call_request(cx, c, &n) || n > p->page_size)
		return KAS_V_NA;
	if (n == 0) {
		if (c->ret != KAS_ZERO_SIZE_PTR)
			return kas_fail(cx, "%s(0) returned " PTRF ", kmalloc(0) gives ZERO_SIZE_PTR",
					kas_opname(c), c->ret);
		return KAS_V_PASS;
	}
	if (!c->ret)
		return KAS_V_PASS;
	if (c->ret == KAS_ZERO_SIZE_PTR)
		return kas_fail(cx, "%s(%zu) returned ZERO_SIZE_PTR", kas_opname(c), n);
	uint64_t a = kas_kmalloc_align(p, n);
	if (!kas_aligned(c->ret, a))
		return kas_fail(cx, "%s(%zu) returned " PTRF ", kmalloc(%zu) would be aligned to %" PRIu64,
				kas_opname(c), n, c->ret, n, a);
	if (c->obs.vmaddr_known && c->obs.is_vmalloc)
		return kas_fail(cx, "%s(%zu <= PAGE_SIZE) returned vmalloc memory " PTRF,
				kas_opname(c), n, c->ret);
	return KAS_V_PASS;
}

/* KVMALLOC-3: beyond KMALLOC_MAX_SIZE only vmalloc can have served it. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_3, KAS_F(OBJECT));
enum kas_verdict kas_chk_kvmalloc_3(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	const struct kas_profile *p = kas_cx_profile(cx);
	if (!kas_got_object(c) || !kas_call_request(cx, c, &n))
		return KAS_V_NA;
	if (n <= p->kmalloc_max_size || n > KAS_INT_MAX || !fallback_allowed(p->kver, c->gfp))
		return KAS_V_NA;
	if (!c->obs.vmaddr_known)
		return KAS_V_NA;
	if (!c->obs.is_vmalloc)
		return kas_fail(cx, "%s(%zu > KMALLOC_MAX_SIZE) returned " PTRF
				", which is not vmalloc memory", kas_opname(c), n, c->ret);
	if (!kas_aligned(c->ret, p->page_size))
		return kas_fail(cx, "%s(%zu) vmalloc fallback returned " PTRF ", not page aligned",
				kas_opname(c), n, c->ret);
	return KAS_V_PASS;
}

/* KVMALLOC-4: sizes above INT_MAX are refused. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_4, KAS_F(REQ_HUGE));
enum kas_verdict kas_chk_kvmalloc_4(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n) || n <= KAS_INT_MAX)
		return KAS_V_NA;
	if (c->ret != 0)
		return kas_fail(cx, "%s of %zu bytes (> INT_MAX) returned " PTRF ", expected NULL",
				kas_opname(c), n, c->ret);
	return KAS_V_PASS;
}

/* KVMALLOC-4W: kvmalloc above INT_MAX warns (5.15-5.16 always, 5.17+
 * unless __GFP_NOWARN). */
KAS_RULE_NEEDS(kas_chk_kvmalloc_4w, KAS_F(NULL) | KAS_F(REQ_HUGE));
enum kas_verdict kas_chk_kvmalloc_4w(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	if (!kas_done(c) || !kas_call_request(cx, c, &n) || n <= (size_t)0x7fffffff || c->ret)
		return KAS_V_NA;
	/* the size check sits on the vmalloc fallback path: only requests
	 * that may fall back reach it (same split as KVMALLOC-6) */
	uint32_t kver = kas_cx_kver(cx);
	const kas_gfp_t kernel = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
	bool reaches = kver < KAS_KVER(5, 17) ? (c->gfp & kernel) == kernel :
		       kver < KAS_KVER(6, 19) ? (c->gfp & __GFP_DIRECT_RECLAIM) != 0 : true;
	if (!reaches)
		return KAS_V_NA;
	bool quiet_ok = (c->gfp & __GFP_NOWARN) && kver >= KAS_KVER(5, 17);
	if (quiet_ok) {
		if (kas_warned_kind(c, KAS_WARN_TOO_LARGE))
			return kas_fail(cx, "%s of %zu bytes with __GFP_NOWARN warned", kas_opname(c), n);
		return KAS_V_PASS;
	}
	if (!kas_spec_first_in_trace(cx))
		return KAS_V_NA;
	if (!kas_warned_kind(c, KAS_WARN_TOO_LARGE))
		return kas_fail(cx, "%s of %zu bytes (> INT_MAX) did not warn", kas_opname(c), n);
	return KAS_V_PASS;
}

/* KVMALLOC-6 (< 6.19): no vmalloc fallback for gfp that does not allow it. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_6, 0);
enum kas_verdict kas_chk_kvmalloc_6(struct kas_check *cx, const struct kas_call *c)
{
	size_t n;
	const struct kas_profile *p = kas_cx_profile(cx);
	if (!kas_done(c) || !kas_call_request(cx, c, &n) || n <= p->page_size)
		return KAS_V_NA;
	if (fallback_allowed(p->kver, c->gfp))
		return KAS_V_NA;
	if (n > p->kmalloc_max_size && c->ret != 0)
		return kas_fail(cx, "%s(%zu > KMALLOC_MAX_SIZE) with gfp %#x that forbids the vmalloc "
				"fallback returned " PTRF ", expected NULL", kas_opname(c), n,
				(unsigned)c->gfp, c->ret);
	if (kas_got_object(c) && c->obs.vmaddr_known && c->obs.is_vmalloc)
		return kas_fail(cx, "%s(%zu) with gfp %#x that forbids the vmalloc fallback returned "
				"vmalloc memory " PTRF, kas_opname(c), n, (unsigned)c->gfp, c->ret);
	if (kas_got_object(c) && !c->obs.vmaddr_known)
		return KAS_V_NA;
	return KAS_V_PASS;
}

/* KVMALLOC-9: zeroing kvmalloc calls are zeroed, kmalloc- or vmalloc-backed. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_9, KAS_F(OBJECT) | KAS_F(ZEROES) | KAS_F(ZERO_CHECKED));
enum kas_verdict kas_chk_kvmalloc_9(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c) || !kas_op_zeroes(c) || !c->obs.zero.checked)
		return KAS_V_NA;
	if (c->obs.zero.first_bad != KAS_NOT_FOUND)
		return kas_fail(cx, "%s returned %s memory that is not zero at offset %zu",
				kas_opname(c),
				!c->obs.vmaddr_known ? "kvmalloc" : c->obs.is_vmalloc ? "vmalloc" : "kmalloc",
				c->obs.zero.first_bad);
	return KAS_V_PASS;
}

/* ---- KVMALLOC-2, -5, -7, -8: flag handling seen through the world ---- */

/* The flags kvmalloc hands its kmalloc attempt in kver (mm/util.c kvmalloc_node(),
 * kmalloc_gfp_adjust()). */
static kas_gfp_t kvmalloc_kmalloc_gfp(uint32_t kver, kas_gfp_t g, size_t size, size_t page)
{
	const kas_gfp_t kernel = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
	if (size <= page)
		return g;
	if (kver < KAS_KVER(5, 17) && (g & kernel) != kernel)
		return g;                       /* kmalloc only, no adjustment */
	g |= __GFP_NOWARN;
	if (kver >= KAS_KVER(6, 16)) {
		if (!(g & __GFP_RETRY_MAYFAIL))
			g &= ~(kas_gfp_t)__GFP_DIRECT_RECLAIM;
	} else if (!(g & __GFP_RETRY_MAYFAIL)) {
		g |= __GFP_NORETRY;
	}
	if (kver >= KAS_KVER(5, 17))
		g &= ~(kas_gfp_t)__GFP_NOFAIL;
	return g;
}

/* KVMALLOC-2: the kmalloc attempt of kvmalloc gets the adjusted flags. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_2, KAS_F(WORLD));
enum kas_verdict kas_chk_kvmalloc_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || kas_call_overflows(c) || c->req_size == 0)
		return KAS_V_NA;
	unsigned n = w->attempts < KAS_MAX_ATTEMPTS ? w->attempts : KAS_MAX_ATTEMPTS;
	const struct kas_attempt_obs *a = NULL;
	for (unsigned i = 0; i < n && !a; i++)
		if (w->attempt[i].what == KAS_ATTEMPT_KMALLOC)
			a = &w->attempt[i];
	if (!a)
		return KAS_V_NA;
	const kas_gfp_t judged = __GFP_NOWARN | __GFP_NORETRY | __GFP_NOFAIL | __GFP_DIRECT_RECLAIM |
				 __GFP_RETRY_MAYFAIL;
	kas_gfp_t g = c->gfp;
	if (c->op->code == KAS_OP_KVZALLOC || c->op->code == KAS_OP_KVCALLOC)
		g |= __GFP_ZERO;
	kas_gfp_t want = kvmalloc_kmalloc_gfp(kas_cx_kver(cx), g, c->req_size,
					      kas_cx_profile(cx)->page_size);
	if ((a->gfp & judged) != (want & judged))
		return kas_fail(cx, "%s(%zu, %#x) tried kmalloc with gfp %#x; expected %#x in the bits "
				"%#x", kas_opname(c), c->req_size, c->gfp, a->gfp, want, judged);
	return KAS_V_PASS;
}

/* The first alloc_attempt of kind `what`, or NULL. */
static const struct kas_attempt_obs *first_attempt(const struct kas_world_obs *w, unsigned what)
{
	unsigned n = w->attempts < KAS_MAX_ATTEMPTS ? w->attempts : KAS_MAX_ATTEMPTS;
	for (unsigned i = 0; i < n; i++)
		if (w->attempt[i].what == what)
			return &w->attempt[i];
	return NULL;
}

/* KVMALLOC-5: GFP_NOFS / GFP_NOIO kvmalloc that kmalloc cannot serve. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_5, KAS_F(WORLD));
enum kas_verdict kas_chk_kvmalloc_5(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	size_t n;
	const struct kas_profile *p = kas_cx_profile(cx);
	if (!w || !kas_call_request(cx, c, &n) || n <= p->kmalloc_max_size || n > KAS_INT_MAX)
		return KAS_V_NA;
	kas_gfp_t g = c->gfp;
	if (!(g & __GFP_DIRECT_RECLAIM) || (g & KAS_GFP_KERNEL) == KAS_GFP_KERNEL ||
	    w->context != KAS_CTX_PROCESS)
		return KAS_V_NA;
	const struct kas_attempt_obs *va = first_attempt(w, KAS_ATTEMPT_VMALLOC);
	if (p->kver < KAS_KVER(5, 17)) {
		if (va || c->ret)
			return kas_fail(cx, "%s(%zu, %#x) fell back to vmalloc%s; before 5.17 flags that "
					"are not a superset of GFP_KERNEL only try kmalloc", kas_opname(c),
					n, (unsigned)g, c->ret ? " and returned memory" : "");
		return KAS_V_PASS;
	}
	if (!va)
		return kas_fail(cx, "%s(%zu > KMALLOC_MAX_SIZE, %#x) never tried the vmalloc fallback",
				kas_opname(c), n, (unsigned)g);
	/* What the caller's mask lacks: NOFS ((FS|IO) == IO) and NOIO (neither)
	 * get a memalloc scope in __vmalloc_area_node; any other mask (e.g. FS
	 * without IO) gets none and its pages are allocated with the mask as
	 * given, so reclaim may use exactly the bits the caller allowed. */
	kas_gfp_t forbid = (kas_gfp_t)(__GFP_IO | __GFP_FS) & ~g;
	if ((va->gfp & forbid) || (w->reclaim_gfp_or & forbid))
		return kas_fail(cx, "%s(%zu, %#x) let vmalloc or its reclaim use %#x (vmalloc gfp %#x, "
				"reclaim gfp %#x)", kas_opname(c), n, (unsigned)g, (unsigned)forbid,
				(unsigned)va->gfp, (unsigned)w->reclaim_gfp_or);
	return KAS_V_PASS;
}

/* KVMALLOC-7 (5.17+): blocking kvmalloc with __GFP_NOFAIL returns memory. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_7, KAS_F(WORLD) | KAS_F(NOFAIL));
enum kas_verdict kas_chk_kvmalloc_7(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	size_t n;
	if (!w || !kas_call_request(cx, c, &n) || n == 0 || n > 16 * kas_cx_profile(cx)->page_size)
		return KAS_V_NA;
	kas_gfp_t g = kas_scope_apply(w->scopes, c->gfp);
	if ((g & (__GFP_NOFAIL | __GFP_DIRECT_RECLAIM)) != (__GFP_NOFAIL | __GFP_DIRECT_RECLAIM) ||
	    (g & (__GFP_DMA | __GFP_DMA32)) || (w->scopes & KAS_SCOPE_NORECLAIM) ||
	    w->context != KAS_CTX_PROCESS)
		return KAS_V_NA;
	const char *pool = cx->spec->trace ? kas_trace_meta(cx->spec->trace, "pool-bytes") : NULL;
	if (pool && (uint64_t)n * 8 > strtoull(pool, NULL, 0))
		return KAS_V_NA;
	if (!c->ret && kas_nofail_loop_endless(w))
		return KAS_V_NA;
	if (!c->ret)
		return kas_fail(cx, "%s(%zu) with __GFP_NOFAIL returned NULL (%u reclaim rounds, "
				"%u alloc attempts)", kas_opname(c), n, w->reclaim_rounds, w->attempts);
	return KAS_V_PASS;
}

/* KVMALLOC-8: __GFP_NORETRY reaches both inner allocators; no OOM kill. */
KAS_RULE_NEEDS(kas_chk_kvmalloc_8, KAS_F(WORLD) | KAS_F(NORETRY));
enum kas_verdict kas_chk_kvmalloc_8(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(c->gfp & __GFP_NORETRY) || kas_call_overflows(c) || c->req_size == 0)
		return KAS_V_NA;
	if (w->oom_calls)
		return kas_fail(cx, "%s with __GFP_NORETRY invoked the OOM killer %u time%s",
				kas_opname(c), w->oom_calls, w->oom_calls == 1 ? "" : "s");
	bool judged = false;
	static const unsigned kinds[] = { KAS_ATTEMPT_KMALLOC, KAS_ATTEMPT_VMALLOC };
	for (unsigned i = 0; i < 2; i++) {
		const struct kas_attempt_obs *a = first_attempt(w, kinds[i]);
		if (!a)
			continue;
		judged = true;
		if (!(a->gfp & __GFP_NORETRY))
			return kas_fail(cx, "%s with __GFP_NORETRY entered %s with gfp %#x, without it",
					kas_opname(c), i ? "the vmalloc fallback" : "kmalloc",
					(unsigned)a->gfp);
	}
	return judged || w->reclaim_rounds ? KAS_V_PASS : KAS_V_NA;
}

