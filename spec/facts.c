/* SPDX-License-Identifier: MIT */
/*
 * The facts of a call (enum kas_fact, spec_internal.h), computed once per
 * call so that the dispatcher can pass over the rules that cannot judge it.
 */
#include "spec_internal.h"
#include "world_util.h"

uint64_t kas_call_facts(const struct kas_call *c)
{
	uint64_t f = 0;
	const kas_gfp_t g = c->gfp;

	if (kas_got_object(c))
		f |= KAS_F(OBJECT);
	if (c->ret == 0)
		f |= KAS_F(NULL);
	if (c->ret == KAS_ZERO_SIZE_PTR)
		f |= KAS_F(ZSP);
	if (c->in_obj != KAS_NO_OBJ) {
		f |= KAS_F(IN_OBJ);
		if (c->in.family == KAS_FAM_CACHE)
			f |= KAS_F(IN_CACHE_OBJ);
	}
	if (c->in_cache != KAS_NO_OBJ)
		f |= KAS_F(IN_CACHE);
	if (c->nlist)
		f |= KAS_F(LIST);
	if (kas_op_zeroes(c))
		f |= KAS_F(ZEROES);
	if (g & __GFP_NOFAIL)
		f |= KAS_F(NOFAIL);
	if (g & __GFP_NORETRY)
		f |= KAS_F(NORETRY);
	if (g & __GFP_RETRY_MAYFAIL)
		f |= KAS_F(RETRY_MAYFAIL);
	if (g & __GFP_ACCOUNT)
		f |= KAS_F(ACCOUNT);
	if (c->obs.warns)
		f |= KAS_F(WARNED);
	if (g & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM))
		f |= KAS_F(ZONE_GFP);
	if ((KAS_OPS_NEW_OBJECT >> c->op->code) & 1)
		f |= KAS_F(ALLOCATES);
	if (c->obs.zero.checked)
		f |= KAS_F(ZERO_CHECKED);
	size_t n;
	if (kas_call_request(NULL, c, &n)) {
		if (n == 0)
			f |= KAS_F(REQ_ZERO);
		else if (n > 0x7fffffffu)
			f |= KAS_F(REQ_HUGE);
	}
	const struct kas_world_obs *w = kas_world(c);
	if (w) {
		f |= KAS_F(WORLD);
		if (w->reclaim_rounds)
			f |= KAS_F(RECLAIMED);
		if (w->oom_calls)
			f |= KAS_F(OOM);
		if (w->kswapd_wakes)
			f |= KAS_F(KSWAPD);
		if (w->sleeps)
			f |= KAS_F(SLEPT);
		if (w->context != KAS_CTX_PROCESS || w->preempt_depth || w->irq_depth)
			f |= KAS_F(ATOMIC);
		if (w->scopes)
			f |= KAS_F(SCOPED);
		if (kas_slowpath_seen(c))
			f |= KAS_F(SLOWPATH);
	}
	return f;
}
