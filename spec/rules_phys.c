/* SPDX-License-Identifier: MIT */
/*
 * PHYS-1: what the guide and kernel-doc promise about physical contiguity.
 * kmalloc and the page allocator hand out physically contiguous memory;
 * vmalloc (and kvmalloc's fallback) need not, and the spec judges only the
 * former.  The harness walks the result page by page through the port's
 * virt_to_phys (obs.phys_contig).
 */
#include <inttypes.h>
#include "spec_internal.h"

KAS_RULE_NEEDS(kas_chk_phys_1, KAS_F(OBJECT));
enum kas_verdict kas_chk_phys_1(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_got_object(c) || !c->obs.phys_known)
		return KAS_V_NA;
	if (!c->obs.phys_contig)
		return kas_fail(cx, "%s returned %#lx (physical %#" PRIx64 ") whose pages are not "
				"physically contiguous", kas_opname(c), (unsigned long)c->ret,
				c->obs.phys);
	return KAS_V_PASS;
}
