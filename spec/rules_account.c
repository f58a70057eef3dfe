/* SPDX-License-Identifier: MIT */
/*
 * ACCOUNT-1..3: what the memcg is charged -- __GFP_ACCOUNT page
 * allocations under a limit, every object of a SLAB_ACCOUNT cache, each
 * backing page of an __GFP_ACCOUNT vmalloc -- judged on the world events
 * of one call.
 */
#include "world_util.h"

/* ACCOUNT-1: an __GFP_ACCOUNT page allocation under a memcg limit is
 * charged, and a refused charge makes it fail (__GFP_NOFAIL may exceed). */
KAS_RULE_NEEDS(kas_chk_account_1, KAS_F(WORLD) | KAS_F(ACCOUNT));
enum kas_verdict kas_chk_account_1(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	/* NOFAIL and __GFP_HIGH charges are forced past the limit (try_charge_memcg) */
	if (!w || !(c->gfp & __GFP_ACCOUNT) || !w->memcg_limit ||
	    (kas_eff_gfp(c) & (__GFP_NOFAIL | __GFP_HIGH)))
		return KAS_V_NA;
	if (!c->ret)
		return w->memcg_charge_fails ? KAS_V_PASS : KAS_V_NA;
	if (!w->memcg_charged)
		return kas_fail(cx, "%s with __GFP_ACCOUNT succeeded without a memcg charge%s",
				kas_opname(c), w->memcg_charge_fails ? " (its charge was refused)" : "");
	if (w->memcg_usage > w->memcg_limit)
		return kas_fail(cx, "%s with __GFP_ACCOUNT left the memcg at %zu pages, over its limit "
				"%zu", kas_opname(c), w->memcg_usage, w->memcg_limit);
	return KAS_V_PASS;
}

/* ACCOUNT-2: SLAB_ACCOUNT caches charge every object, whatever the gfp:
 * after each success the memcg's pages cover every live accounted byte. */
KAS_RULE_NEEDS(kas_chk_account_2, KAS_F(WORLD) | KAS_F(IN_CACHE));
enum kas_verdict kas_chk_account_2(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w)
		return KAS_V_NA;
	const struct kas_cache *k = kas_call_cache(cx->spec, c);
	if (!k || !(k->flags & KAS_SLAB_ACCOUNT))
		return KAS_V_NA;
	bool nofail = (c->gfp & __GFP_NOFAIL) != 0;
	size_t got = c->op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK ? (size_t)c->ret : (c->ret != 0);
	if (!got)
		return w->memcg_charge_fails ? KAS_V_PASS : KAS_V_NA;
	if (w->memcg_charge_fails && !w->memcg_charged && !nofail)
		return kas_fail(cx, "%s from SLAB_ACCOUNT cache succeeded after its memcg charge was "
				"refused", kas_opname(c));
	size_t live = kas_model_accounted_bytes(kas_check_model(cx)) + (nofail ? 0 : got * k->size);
	size_t page = kas_cx_profile(cx)->page_size;
	if (w->memcg_usage * page < live)
		return kas_fail(cx, "%s from SLAB_ACCOUNT cache: memcg holds %zu pages (%zu bytes) for "
				"%zu bytes of live accounted objects", kas_opname(c), w->memcg_usage,
				w->memcg_usage * page, live);
	return KAS_V_PASS;
}

/* ACCOUNT-3: vmalloc with __GFP_ACCOUNT charges each backing page. */
KAS_RULE_NEEDS(kas_chk_account_3, KAS_F(WORLD) | KAS_F(ACCOUNT));
enum kas_verdict kas_chk_account_3(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_world_obs *w = kas_world(c);
	if (!w || !(c->gfp & __GFP_ACCOUNT) || c->req_size == 0 || kas_call_overflows(c))
		return KAS_V_NA;
	if (c->ret == 0)
		return w->memcg_charge_fails ? KAS_V_PASS : KAS_V_NA;
	if (kas_op_family(c->op->code) == KAS_FAM_KVMALLOC &&
	    !(c->obs.vmaddr_known && c->obs.is_vmalloc))
		return KAS_V_NA;   /* served by kmalloc */
	size_t page = kas_cx_profile(cx)->page_size;
	size_t pages = c->req_size / page + (c->req_size % page != 0);
	if (w->memcg_charged < pages)
		return kas_fail(cx, "%s(%zu) with __GFP_ACCOUNT charged %zu of its %zu pages",
				kas_opname(c), c->req_size, w->memcg_charged, pages);
	return KAS_V_PASS;
}
