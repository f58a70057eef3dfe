/* SPDX-License-Identifier: MIT */
/*
 * A toy port for the world tests: a pool of TOY_PAGES pages with a min
 * watermark, one page per kmalloc object, and a slow path that calls the
 * world's hooks the way the kernel's page allocator does (scopes, kswapd,
 * reserves, direct reclaim rounds, OOM, NOFAIL looping, memcg charges,
 * call_rcu, alloc_attempt).  It is the world's test double: its one switch
 * (a page handed out twice) tests the world's own ballast bookkeeping; the
 * tests that need a broken allocator use the mutant ports (ports/mutants/).
 */
#ifndef KAS_TEST_WORLD_TOY_H
#define KAS_TEST_WORLD_TOY_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/port.h"

#define TOY_PAGE 4096u
#define TOY_PAGES 64u
#define TOY_MIN_FREE 4u     /* min watermark: only __GFP_HIGH / MEMALLOC go below */

static struct {
	unsigned char *mem;
	bool used[TOY_PAGES];
	bool charged[TOY_PAGES];
	unsigned nfree;
	const struct kas_world_hooks *w;
	/* set by tests, survives init */
	bool hand_out_last;     /* kmalloc returns the page handed out last (once) */
	void *last_page;
	/* counters */
	int kmalloc_calls;
	unsigned leaked_at_fini;
	unsigned frees;
} toy;

#define TOY_HOOK(f) (toy.w && toy.w->size >= offsetof(struct kas_world_hooks, f) + \
		     sizeof(toy.w->f) && toy.w->f)

static int toy_init(const struct kas_port_env *env)
{
	if (!toy.mem)
		toy.mem = aligned_alloc(TOY_PAGE, (size_t)TOY_PAGE * TOY_PAGES);
	if (!toy.mem)
		return -1;
	memset(toy.used, 0, sizeof(toy.used));
	memset(toy.charged, 0, sizeof(toy.charged));
	toy.nfree = TOY_PAGES;
	toy.w = env->world;
	toy.kmalloc_calls = 0;
	toy.last_page = NULL;
	toy.frees = 0;
	return 0;
}

static void toy_fini(void)
{
	toy.leaked_at_fini = TOY_PAGES - toy.nfree;
}

static void *toy_take(unsigned keep)
{
	if (toy.nfree <= keep)
		return NULL;
	for (unsigned i = 0; i < TOY_PAGES; i++)
		if (!toy.used[i]) {
			toy.used[i] = true;
			toy.nfree--;
			return toy.mem + (size_t)i * TOY_PAGE;
		}
	return NULL;
}

static void toy_put(const void *p)
{
	if (!p || (uintptr_t)p <= KAS_ZERO_SIZE_PTR)
		return;
	size_t i = (size_t)((const unsigned char *)p - toy.mem) / TOY_PAGE;
	if (i >= TOY_PAGES || !toy.used[i])
		abort();   /* the harness or the world freed something twice */
	if (toy.charged[i] && TOY_HOOK(memcg_uncharge))
		toy.w->memcg_uncharge(toy.w->ctx, 1);
	toy.used[i] = toy.charged[i] = false;
	toy.nfree++;
	toy.frees++;
}

/* The page allocator with the kernel's slow-path shape. */
static void *toy_get_page(kas_gfp_t gfp, enum kas_attempt what)
{
	void *ctx = toy.w ? toy.w->ctx : NULL;
	if (TOY_HOOK(gfp_context))
		gfp = toy.w->gfp_context(ctx, gfp);
	if (TOY_HOOK(alloc_attempt))
		toy.w->alloc_attempt(ctx, what, gfp, 0);
	bool memalloc = (gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC);
	void *p = toy_take(memalloc ? 0 : TOY_MIN_FREE);
	if (!p && (gfp & __GFP_KSWAPD_RECLAIM) && TOY_HOOK(wake_kswapd))
		toy.w->wake_kswapd(ctx, gfp, 0, 8);
	if (!p && (gfp & __GFP_HIGH)) {
		p = toy_take(TOY_MIN_FREE / 2);
		if (p && TOY_HOOK(use_reserves))
			toy.w->use_reserves(ctx, gfp, 0);
	}
	if (p || !(gfp & __GFP_DIRECT_RECLAIM) || memalloc || !TOY_HOOK(direct_reclaim))
		goto out;
	if (TOY_HOOK(may_sleep))
		toy.w->may_sleep(ctx, gfp);
	for (unsigned no_progress = 0;;) {
		size_t got = toy.w->direct_reclaim(ctx, gfp, 0, 1);
		p = toy_take(TOY_MIN_FREE);
		if (p || (gfp & __GFP_NORETRY))
			break;
		no_progress = got ? 0 : no_progress + 1;
		if (gfp & __GFP_NOFAIL)
			continue;            /* loops until memory comes back */
		if (no_progress < 16)
			continue;
		if ((gfp & __GFP_RETRY_MAYFAIL) || !(gfp & __GFP_FS) || !TOY_HOOK(oom_kill))
			break;
		if (!toy.w->oom_kill(ctx, gfp, 0))
			break;
		no_progress = 0;
	}
out:
	if (p)
		toy.last_page = p;
	if (p && (gfp & __GFP_ACCOUNT) && TOY_HOOK(memcg_charge)) {
		if (!toy.w->memcg_charge(ctx, gfp, 1)) {
			toy_put(p);
			toy.frees--;
			return NULL;
		}
		toy.charged[((unsigned char *)p - toy.mem) / TOY_PAGE] = true;
	}
	return p;
}

static void *toy_kmalloc(size_t size, kas_gfp_t gfp)
{
	toy.kmalloc_calls++;
	if (size == 0)
		return (void *)KAS_ZERO_SIZE_PTR;
	if (size > TOY_PAGE)
		return NULL;
	if (toy.hand_out_last && toy.last_page) {
		void *p = toy.last_page;   /* a double allocation */
		toy.last_page = NULL;
		return p;
	}
	void *p = toy_get_page(gfp, KAS_ATTEMPT_KMALLOC);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

static void toy_kfree(const void *p) { toy_put(p); }

/* kvmalloc: kmalloc without retrying, then "vmalloc" (one page here too). */
static void *toy_kvmalloc(size_t size, kas_gfp_t gfp)
{
	if (size > TOY_PAGE)
		return NULL;
	void *p = toy_get_page((gfp | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL,
			       KAS_ATTEMPT_KMALLOC);
	if (!p)
		p = toy_get_page(gfp, KAS_ATTEMPT_VMALLOC);
	return p;
}

static void *toy_alloc_pages(kas_gfp_t gfp, unsigned order)
{
	return order ? NULL : toy_get_page(gfp, KAS_ATTEMPT_PAGES);
}

static void toy_free_pages_page(void *p, unsigned order)
{
	(void)order;
	toy_put(p);
}

static void toy_rcu_cb(void *arg) { toy_put(arg); }

static void toy_kfree_rcu(void *p)
{
	if (!p || (uintptr_t)p <= KAS_ZERO_SIZE_PTR)
		return;
	if (!TOY_HOOK(call_rcu))
		toy_put(p);
	else
		toy.w->call_rcu(toy.w->ctx, toy_rcu_cb, p);
}

static bool toy_usercopy_check(const void *p, size_t n)
{
	size_t off = (size_t)((const unsigned char *)p - toy.mem) % TOY_PAGE;
	return off + n <= TOY_PAGE;
}

static struct kas_port toy_port = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "toy",
	.description = "world test port",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KVMALLOC | KAS_CAP_PAGES | KAS_CAP_WORLD | KAS_CAP_RCU |
		KAS_CAP_USERCOPY,
	.init = toy_init,
	.fini = toy_fini,
	.kmalloc = toy_kmalloc,
	.kfree = toy_kfree,
	.kvmalloc = toy_kvmalloc,
	.kvfree = toy_kfree,
	.alloc_pages = toy_alloc_pages,
	.free_pages_page = toy_free_pages_page,
	.kfree_rcu = toy_kfree_rcu,
	.kvfree_rcu = toy_kfree_rcu,
	.usercopy_check = toy_usercopy_check,
};

#endif
