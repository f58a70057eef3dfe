/* SPDX-License-Identifier: MIT */
/*
 * kvmalloc: kmalloc first, vmalloc as the fallback, with the flag
 * adjustments and fallback conditions of the profile's kernel version
 * (mm/util.c kvmalloc_node(), kmalloc_gfp_adjust()), and kvrealloc in both of its
 * generations.
 */
#include "ref_internal.h"

#include <limits.h>
#include <string.h>

/* flags of the kmalloc attempt (kmalloc_gfp_adjust) */
static ref_gfp_t kmalloc_gfp_adjust(ref_gfp_t gfp, size_t size)
{
	if (size <= REF_PAGE_SIZE)
		return gfp;
	if (!REF_MUTANT(KVMALLOC_LOUD_ATTEMPT)) { /* mutant: the kmalloc attempt may warn */
		gfp |= REF_GFP_NOWARN;
	}
	if (ref_kver_ge(6, 16)) {
		if (!(gfp & REF_GFP_RETRY_MAYFAIL))
			gfp &= ~REF_GFP_DIRECT_RECLAIM;
	} else if (!(gfp & REF_GFP_RETRY_MAYFAIL)) {
		if (!REF_MUTANT(KVMALLOC_KMALLOC_RETRIES)) { /* mutant: the kmalloc attempt may loop and OOM */
			gfp |= REF_GFP_NORETRY;
		}
	}
	if (!REF_MUTANT(KVMALLOC_KEEP_NOFAIL)) { /* mutant: NOFAIL stays on the kmalloc attempt */
		if (ref_kver_ge(5, 17))
			gfp &= ~REF_GFP_NOFAIL;   /* nofail is implemented by the vmalloc fallback */
	}
	return gfp;
}

void *ref_kvmalloc(size_t size, ref_gfp_t gfp)
{
	if (REF_MUTANT(KVMALLOC_SIZE_TRUNC32)) { /* mutant: the size goes through a 32-bit variable */
		size = (uint32_t)size;
	}
	if (REF_MUTANT(KVMALLOC_STRIPS_NORETRY)) { /* mutant: the "unsupported" __GFP_NORETRY is cleared for both attempts */
		gfp &= ~REF_GFP_NORETRY;
	}
	/* up to 5.16: flags that are not a superset of GFP_KERNEL never fall
	 * back and are passed to kmalloc unchanged */
	if (!ref_kver_ge(5, 17) && (gfp & REF_GFP_KERNEL) != REF_GFP_KERNEL)
		return ref_kmalloc(size, gfp);
	if (REF_MUTANT(KVMALLOC_HALF_PAGE_VMALLOC)) { /* mutant: above half a page, straight to vmalloc */
		if (size > REF_PAGE_SIZE / 2)
			return ref_vmalloc(size, 1, gfp);
	}
	void *p = ref_kmalloc(size, kmalloc_gfp_adjust(gfp, size));
	if (p || size <= REF_PAGE_SIZE)
		return p;
	if (REF_MUTANT(KVMALLOC_NO_FALLBACK)) { /* mutant: no vmalloc fallback at all */
		return NULL;
	}
	/* 6.1 .. 6.18: non-sleeping allocations are not supported by vmalloc */
	/* mutant: GFP_ATOMIC falls back to vmalloc */
	if (!REF_MUTANT(KVMALLOC_ATOMIC_FALLBACK) && ref_kver_ge(6, 1) && !ref_kver_ge(6, 19) && !(gfp & REF_GFP_DIRECT_RECLAIM))
		return NULL;
	if (size > INT_MAX) {
		/* mutant: the 5.15 WARN_ON_ONCE kept: __GFP_NOWARN ignored */
		if (REF_MUTANT(KVMALLOC_INT_MAX_IGNORES_NOWARN) || !ref_kver_ge(5, 17) || !(gfp & REF_GFP_NOWARN))
			ref_warn(REF_WARN_TOO_LARGE, "kvmalloc: size > INT_MAX");
		return NULL;
	}
	if (REF_MUTANT(KVZALLOC_VMALLOC_DIRTY)) { /* mutant: the fallback forgets __GFP_ZERO */
		gfp &= ~REF_GFP_ZERO;
	}
	if (REF_MUTANT(KVMALLOC_FALLBACK_WIDENED)) { /* mutant: "vmalloc needs GFP_KERNEL": NOFS/NOIO widened for the fallback */
		if (gfp & REF_GFP_DIRECT_RECLAIM)
			gfp |= REF_GFP_FS | REF_GFP_IO;
	}
	if (REF_MUTANT(KVMALLOC_FALLBACK_NO_NOFAIL)) { /* mutant: __GFP_NOFAIL stripped for the fallback too */
		gfp &= ~REF_GFP_NOFAIL;
	}
	return ref_vmalloc(size, 1, gfp);
}

void *ref_kvmalloc_array(size_t n, size_t size, ref_gfp_t gfp)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return ref_kvmalloc(bytes, gfp);
}

void *ref_kvrealloc(const void *p, size_t old_size, size_t new_size, ref_gfp_t gfp)
{
	if (!ref_kver_ge(6, 12)) {
		/* <= 6.11: the caller says how big p is */
		if (old_size >= new_size)
			return (void *)p;
		void *n = ref_kvmalloc(new_size, gfp);
		if (!n)
			return NULL;
		if (REF_MUTANT(KVREALLOC_SHORT_COPY)) { /* mutant: only the first page is carried over */
			if (old_size > REF_PAGE_SIZE)
				old_size = REF_PAGE_SIZE;
		}
		if (!REF_ZERO_OR_NULL(p))
			memcpy(n, p, old_size);
		ref_kvfree(p);
		return n;
	}
	if (ref_is_vmalloc_addr(p))
		return ref_vrealloc(p, new_size, gfp);
	if (REF_ZERO_OR_NULL(p) && new_size)
		return ref_kvmalloc(new_size, gfp);
	void *n = ref_krealloc(p, new_size, kmalloc_gfp_adjust(gfp, new_size));
	if (n || new_size == 0)
		return n;
	n = ref_kvmalloc(new_size, gfp);
	if (!n)
		return NULL;
	memcpy(n, p, ref_kmalloc_req_size(p));
	ref_kfree(p);
	return n;
}
