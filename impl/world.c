/* SPDX-License-Identifier: MIT */
/*
 * The allocator's view of the rest of the kernel: task scopes
 * (current_gfp_context), RCU-deferred frees, hardened usercopy.
 *
 * Scopes: the adapter calls ref_call_enter(gfp) once per allocating call;
 * the world answers with the gfp the task's scopes make of it, and the
 * difference (bits cleared, bits set) is applied to every page-allocator
 * request of that call.  The caller's own flags stay as given for the
 * decisions the kernel makes on them (e.g. kvmalloc's GFP_KERNEL test
 * before 5.17); the page allocator and reclaim see the scoped flags, like
 * current_gfp_context() in __alloc_pages.
 */
#include "ref_internal.h"

static __thread ref_gfp_t scope_clear, scope_set;

void ref_call_enter(ref_gfp_t gfp)
{
	scope_clear = scope_set = 0;
	if (!ref_m.world.gfp_context)
		return;
	ref_gfp_t out = ref_m.world.gfp_context(ref_m.world.ctx, gfp);
	scope_clear = gfp & ~out;
	scope_set = out & ~gfp;
}

ref_gfp_t ref_scoped(ref_gfp_t gfp)
{
	return (gfp & ~scope_clear) | scope_set;
}

bool ref_scope_noreclaim(void)
{
	return scope_set & REF_GFP_MEMALLOC;
}

/* ---- RCU ---- */

static void rcu_kfree_cb(void *p)
{
	ref_kfree(p);
}

static void rcu_kvfree_cb(void *p)
{
	ref_kvfree(p);
}

void ref_kfree_rcu(void *p)
{
	if (!p)
		return;
	if (ref_m.world.call_rcu)
		ref_m.world.call_rcu(ref_m.world.ctx, rcu_kfree_cb, p);
	else
		ref_kfree(p);   /* no other CPU can hold a reference: the grace period is over */
}

void ref_kvfree_rcu(void *p)
{
	if (!p)
		return;
	if (ref_m.world.call_rcu)
		ref_m.world.call_rcu(ref_m.world.ctx, rcu_kvfree_cb, p);
	else
		ref_kvfree(p);
}

/* ---- hardened usercopy (mm/usercopy.c check_heap_object) ---- */

bool ref_usercopy_check(const void *p, size_t n)
{
	if (n == 0)
		return true;
	uintptr_t a = (uintptr_t)p;
	if (a + n < a)
		return false;   /* wraps around */
	if (REF_ZERO_OR_NULL(p))
		return false;   /* check_bogus_address: "null address" */
	if (ref_is_vmalloc_addr(p)) {
		/* within the vmalloc area that contains p */
		size_t off, len;
		if (!ref_vmalloc_area_span(p, &off, &len))
			return false;
		return n <= len - off;
	}
	int32_t f = ref_slab_of(p);
	if (f != REF_NO_FRAME) {
		const struct ref_cache *c = ref_page(f)->cache;
		size_t off = (size_t)((const char *)p - ref_frame_addr(f)) % c->size;
		/* kmalloc caches whitelist the whole object, others their region */
		size_t uoff = c->is_kmalloc ? 0 : c->useroffset;
		size_t usize = c->is_kmalloc ? c->object_size : c->usersize;
		return off >= uoff && off - uoff <= usize && n <= usize - (off - uoff);
	}
	f = ref_addr_frame(p);
	if (f != REF_NO_FRAME) {
		/* a multi-page allocation: the copy must stay inside it */
		int32_t head = f;
		while (head >= 0 && !(ref_pflags(ref_page(head)) & PG_HEAD) &&
		       f - head < (1 << REF_MAX_PAGE_ORDER))
			head--;
		if (head >= 0 && (ref_pflags(ref_page(head)) & PG_HEAD)) {
			size_t len = REF_PAGE_SIZE << ref_page(head)->order;
			size_t off = (size_t)((const char *)p - ref_frame_addr(head));
			if (off < len)
				return n <= len - off;
		}
	}
	return true;   /* not heap memory the allocator knows: nothing to check */
}
