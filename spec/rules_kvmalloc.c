/* SPDX-License-Identifier: MIT */
/* KVMALLOC-1, -3, -4, -6, -9: when kvmalloc may and may not use vmalloc. */
#include <inttypes.h>
#include "spec_internal.h"

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

/* KVMALLOC-6 (< 6.19): no vmalloc fallback for gfp that does not allow it. */
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
