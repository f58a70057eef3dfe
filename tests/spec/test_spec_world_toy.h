/* SPDX-License-Identifier: MIT */
/*
 * A toy port for the world RULES: a pool of WT_PAGES pages with a min
 * watermark and a page allocator whose slow path follows the kernel's
 * (mm/page_alloc.c __alloc_pages_slowpath()): scopes, kswapd, reserves, direct reclaim rounds,
 * NORETRY / costly / RETRY_MAYFAIL exits, OOM, NOFAIL looping, warnings,
 * memcg charges, call_rcu, physical addresses.  Each `wt.bug` value makes
 * it break exactly one rule, for tests/test_spec_world.c.
 */
#ifndef KAS_TEST_SPEC_WORLD_TOY_H
#define KAS_TEST_SPEC_WORLD_TOY_H

#include <stdlib.h>
#include <string.h>
#include "kallocspec/port.h"
#include "kallocspec/world.h"

#define WT_PAGE 4096u
#define WT_PAGES 64u
#define WT_MIN 4u             /* min watermark (pages kept free) */
#define WT_MAX_ORDER 10u

enum wt_bug {
	WT_OK = 0,
	WT_RECLAIM_WITHOUT_FLAG,  /* NOWAIT/ATOMIC reclaim directly (RECLAIM-1) */
	WT_KSWAPD_ALWAYS,         /* wakes kswapd without the flag (RECLAIM-2) */
	WT_NORETRY_TWICE,         /* NORETRY runs two rounds (RECLAIM-3) */
	WT_COSTLY_LOOPS,          /* costly orders loop (RECLAIM-4) */
	WT_MAYFAIL_OOM,           /* RETRY_MAYFAIL calls the OOM killer (RECLAIM-5) */
	WT_GIVE_UP_EARLY,         /* GFP_KERNEL fails after 2 rounds (RECLAIM-6) */
	WT_NOFS_OOM,              /* OOM for !__GFP_FS (RECLAIM-7) */
	WT_NOFAIL_GIVES_UP,       /* NOFAIL returns NULL (RECLAIM-8) */
	WT_NOFAIL_SILENT,         /* no NOFAIL-misuse warning (RECLAIM-9, -10) */
	WT_HUGE_ORDER_SILENT,     /* order > MAX without a warning (RECLAIM-11) */
	WT_NO_FAIL_WARN,          /* failures not reported (RECLAIM-12) */
	WT_WARN_ALWAYS,           /* reports failures despite NOWARN (RECLAIM-12, -13) */
	WT_PF_MEMALLOC_RECLAIMS,  /* noreclaim scope still reclaims (RECLAIM-14) */
	WT_IGNORE_NOMEMALLOC,     /* MEMALLOC reserves despite NOMEMALLOC (RECLAIM-15) */
	WT_RESERVES_FOR_ALL,      /* every kswapd-waking request uses the reserves (RECLAIM-16) */
	WT_NO_SCOPES,             /* never asks for current_gfp_context (SCOPE-1, -2) */
	WT_SLEEP_ALWAYS,          /* sleeps even for GFP_ATOMIC (CONTEXT-1) */
	WT_RCU_IMMEDIATE,         /* kfree_rcu frees at once (RCU-1) */
	WT_RCU_LEAK,              /* kfree_rcu never frees (RCU-1) */
	WT_NO_CHARGE,             /* __GFP_ACCOUNT not charged (ACCOUNT-1) */
	WT_DMA_HIGH,              /* GFP_DMA/DMA32 pages reported above 4 GiB (ZONE-5, -6) */
};

static struct {
	unsigned char *mem;
	unsigned order_of[WT_PAGES];   /* block order at its first page, + 1 when used */
	bool charged[WT_PAGES];
	unsigned nfree;
	const struct kas_world_hooks *w;
	enum wt_bug bug;
	kas_gfp_t last_gfp[WT_PAGES];  /* gfp each block was allocated with (phys) */
} wt;

#define WT_HOOK(f) (wt.w && wt.w->size >= offsetof(struct kas_world_hooks, f) + \
		    sizeof(wt.w->f) && wt.w->f)

static int wt_init(const struct kas_port_env *env)
{
	if (!wt.mem)
		wt.mem = aligned_alloc(WT_PAGE, (size_t)WT_PAGE * WT_PAGES);
	if (!wt.mem)
		return -1;
	memset(wt.order_of, 0, sizeof(wt.order_of));
	memset(wt.charged, 0, sizeof(wt.charged));
	wt.nfree = WT_PAGES;
	wt.w = env->world;
	return 0;
}

static void wt_warn(enum kas_warn_kind k, const char *text)
{
	if (WT_HOOK(warn))
		wt.w->warn(wt.w->ctx, k, text);
}

/* First fit of 1 << order free pages, keeping `keep` pages free. */
static void *wt_take(unsigned order, unsigned keep, kas_gfp_t gfp)
{
	unsigned n = 1u << order;
	if (wt.nfree < keep + n)
		return NULL;
	for (unsigned i = 0; i + n <= WT_PAGES; i += n) {
		bool free_run = true;
		for (unsigned j = 0; j < n && free_run; j++)
			free_run = wt.order_of[i + j] == 0;
		if (!free_run)
			continue;
		for (unsigned j = 0; j < n; j++)
			wt.order_of[i + j] = 100;   /* tail marker */
		wt.order_of[i] = order + 1;
		wt.nfree -= n;
		wt.last_gfp[i] = gfp;
		return wt.mem + (size_t)i * WT_PAGE;
	}
	return NULL;
}

static void wt_put(const void *p)
{
	if (!p || (uintptr_t)p <= KAS_ZERO_SIZE_PTR)
		return;
	size_t i = (size_t)((const unsigned char *)p - wt.mem) / WT_PAGE;
	if (i >= WT_PAGES || wt.order_of[i] == 0 || wt.order_of[i] == 100)
		abort();
	unsigned n = 1u << (wt.order_of[i] - 1);
	if (wt.charged[i] && WT_HOOK(memcg_uncharge))
		wt.w->memcg_uncharge(wt.w->ctx, n);
	wt.charged[i] = false;
	for (unsigned j = 0; j < n; j++)
		wt.order_of[i + j] = 0;
	wt.nfree += n;
}

static void *wt_slowpath(kas_gfp_t gfp, unsigned order, bool pf_memalloc)
{
	void *ctx = wt.w->ctx, *p = NULL;
	bool can_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool memalloc = (gfp & __GFP_MEMALLOC) &&
			(!(gfp & __GFP_NOMEMALLOC) || wt.bug == WT_IGNORE_NOMEMALLOC);
	bool costly = order > 3;
	if (((gfp & __GFP_KSWAPD_RECLAIM) || wt.bug == WT_KSWAPD_ALWAYS) && WT_HOOK(wake_kswapd))
		wt.w->wake_kswapd(ctx, gfp, order, 8);
	if ((gfp & __GFP_NOFAIL) && wt.bug != WT_NOFAIL_SILENT && (!can_reclaim || order > 1))
		wt_warn(KAS_WARN_NOFAIL_MISUSE, "__GFP_NOFAIL misuse");
	if (wt.bug == WT_SLEEP_ALWAYS && WT_HOOK(may_sleep))
		wt.w->may_sleep(ctx, gfp);
	bool reserves = memalloc || (gfp & __GFP_HIGH) ||
			(wt.bug == WT_RESERVES_FOR_ALL && (gfp & __GFP_KSWAPD_RECLAIM));
	if (reserves && (p = wt_take(order, memalloc ? 0 : WT_MIN / 2, gfp)) != NULL) {
		if (WT_HOOK(use_reserves))
			wt.w->use_reserves(ctx, gfp, order);
		return p;
	}
	if (!can_reclaim && wt.bug == WT_RECLAIM_WITHOUT_FLAG)
		can_reclaim = true;
	if (pf_memalloc && wt.bug != WT_PF_MEMALLOC_RECLAIMS)
		can_reclaim = false;
	if (!can_reclaim || !WT_HOOK(direct_reclaim))
		goto nopage;
	unsigned no_progress = 0, rounds = 0;
	for (;;) {
		if (WT_HOOK(may_sleep))
			wt.w->may_sleep(ctx, gfp);
		size_t got = wt.w->direct_reclaim(ctx, gfp, order, 1u << order);
		rounds++;
		if ((p = wt_take(order, WT_MIN, gfp)) != NULL)
			return p;
		if ((gfp & __GFP_NORETRY) && !(wt.bug == WT_NORETRY_TWICE && rounds < 2))
			break;
		if (costly && !(gfp & __GFP_RETRY_MAYFAIL) && !(wt.bug == WT_COSTLY_LOOPS && rounds < 3))
			break;
		if (wt.bug == WT_GIVE_UP_EARLY && rounds >= 2)
			break;
		no_progress = got && !costly ? 0 : no_progress + 1;
		if (no_progress <= 16)
			continue;
		bool may_oom = !costly && !(gfp & __GFP_RETRY_MAYFAIL) && !(gfp & (__GFP_DMA | __GFP_DMA32));
		if (wt.bug == WT_MAYFAIL_OOM)
			may_oom = !costly;
		if (!(gfp & __GFP_FS) && wt.bug != WT_NOFS_OOM)
			may_oom = false;
		if (may_oom && WT_HOOK(oom_kill) && wt.w->oom_kill(ctx, gfp, order)) {
			no_progress = 0;
			continue;
		}
		if ((gfp & __GFP_NOFAIL) && wt.bug != WT_NOFAIL_GIVES_UP && rounds < 4096)
			continue;   /* the world's starvation release frees memory */
		break;
	}
nopage:
	if (wt.bug == WT_WARN_ALWAYS || (!(gfp & __GFP_NOWARN) && wt.bug != WT_NO_FAIL_WARN))
		wt_warn(KAS_WARN_ALLOC_FAILURE, "page allocation failure");
	return NULL;
}

static void *wt_alloc(kas_gfp_t gfp, unsigned order)
{
	if (order > WT_MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN) && wt.bug != WT_HUGE_ORDER_SILENT)
			wt_warn(KAS_WARN_TOO_LARGE, "order > MAX_PAGE_ORDER");
		return NULL;
	}
	kas_gfp_t asked = gfp;
	bool pf_memalloc = false;
	if (WT_HOOK(gfp_context) && wt.bug != WT_NO_SCOPES) {
		gfp = wt.w->gfp_context(wt.w->ctx, gfp);
		/* the world adds __GFP_MEMALLOC for a noreclaim scope (PF_MEMALLOC) */
		pf_memalloc = (gfp & __GFP_MEMALLOC) && !(asked & __GFP_MEMALLOC);
	}
	void *p = wt_take(order, WT_MIN, gfp);
	if (!p && wt.w)
		p = wt_slowpath(gfp, order, pf_memalloc);
	if (p && (gfp & __GFP_ACCOUNT) && wt.bug != WT_NO_CHARGE && WT_HOOK(memcg_charge)) {
		if (!wt.w->memcg_charge(wt.w->ctx, gfp, 1u << order) && !(gfp & __GFP_NOFAIL)) {
			wt_put(p);
			return NULL;
		}
		wt.charged[((unsigned char *)p - wt.mem) / WT_PAGE] = true;
	}
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, (size_t)WT_PAGE << order);
	return p;
}

static void *wt_alloc_pages(kas_gfp_t gfp, unsigned order) { return wt_alloc(gfp, order); }
static void wt_free_pages_page(void *p, unsigned order) { (void)order; wt_put(p); }

static void *wt_kmalloc(size_t size, kas_gfp_t gfp)
{
	if (size == 0)
		return (void *)KAS_ZERO_SIZE_PTR;
	if (size > (size_t)WT_PAGE << WT_MAX_ORDER)
		return NULL;
	unsigned order = 0;
	while (((size_t)WT_PAGE << order) < size)
		order++;
	return wt_alloc(gfp, order);
}

static void wt_rcu_cb(void *arg) { wt_put(arg); }

static void wt_kfree_rcu(void *p)
{
	if (!p || (uintptr_t)p <= KAS_ZERO_SIZE_PTR || wt.bug == WT_RCU_LEAK)
		return;
	if (wt.bug == WT_RCU_IMMEDIATE || !WT_HOOK(call_rcu))
		wt_put(p);
	else
		wt.w->call_rcu(wt.w->ctx, wt_rcu_cb, p);
}

/* Physical addresses: DMA blocks in the first 16 MiB, the rest at 8 GiB. */
static uint64_t wt_virt_to_phys(const void *addr)
{
	size_t off = (size_t)((const unsigned char *)addr - wt.mem);
	if (off >= (size_t)WT_PAGE * WT_PAGES)
		return UINT64_MAX;
	kas_gfp_t g = wt.last_gfp[off / WT_PAGE];
	uint64_t base = (uint64_t)8 << 30;
	if ((g & (__GFP_DMA | __GFP_DMA32)) && wt.bug != WT_DMA_HIGH)
		base = (uint64_t)1 << 20;
	return base + off;
}

static struct kas_port wt_port = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "world-rules-toy",
	.description = "toy port for the world rules",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_PAGES | KAS_CAP_WORLD | KAS_CAP_RCU | KAS_CAP_OBS_PHYS,
	.init = wt_init,
	.kmalloc = wt_kmalloc,
	.kfree = wt_put,
	.alloc_pages = wt_alloc_pages,
	.free_pages_page = wt_free_pages_page,
	.kfree_rcu = wt_kfree_rcu,
	.kvfree_rcu = wt_kfree_rcu,
	.virt_to_phys = wt_virt_to_phys,
};

#endif
