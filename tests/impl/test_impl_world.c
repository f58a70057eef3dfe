/* SPDX-License-Identifier: MIT */
/*
 * Reference allocator with a world: scopes, kswapd, direct reclaim that
 * frees through the port, the OOM killer's conditions, reserves, memcg,
 * RCU-deferred frees and the 6.12 destroy barrier, usercopy checks.  The
 * world here is a small test double that records every hook call.
 */
#include "test_impl_util.h"
#include "ref.h"

#define MAXB 20000
static struct {
	void *ballast[MAXB];
	size_t nb;
	bool reclaimable;          /* direct reclaim may free ballast */
	unsigned victims;          /* OOM victims left */
	unsigned scope_clear;      /* what gfp_context clears */
	unsigned ctx_calls, kswapd, reclaim, oom, reserves, sleeps, attempts;
	kas_gfp_t reclaim_gfp, oom_gfp, last_attempt_gfp;
	enum kas_attempt attempt_kind[16];
	size_t memcg_limit, memcg_usage;
	void (*rcu_fn[64])(void *);
	void *rcu_arg[64];
	int nrcu;
} w;

static kas_gfp_t h_ctx(void *c, kas_gfp_t g) { (void)c; w.ctx_calls++; return g & ~w.scope_clear; }
static void h_kswapd(void *c, kas_gfp_t g, unsigned o, size_t p)
{
	(void)c; (void)g; (void)o; (void)p;
	w.kswapd++;
}
static size_t free_ballast(size_t n)
{
	size_t done = 0;
	while (done < n && w.nb) {
		P->free_pages_page(w.ballast[--w.nb], 0);
		done++;
	}
	return done;
}
static size_t h_reclaim(void *c, kas_gfp_t g, unsigned o, size_t p)
{
	(void)c; (void)o;
	w.reclaim++;
	w.reclaim_gfp = g;
	return w.reclaimable ? free_ballast(p > 32 ? p : 32) : 0;
}
static bool h_oom(void *c, kas_gfp_t g, unsigned o)
{
	(void)c; (void)o;
	w.oom++;
	w.oom_gfp = g;
	if (!w.victims)
		return false;
	w.victims--;
	free_ballast(64);
	return true;
}
static void h_reserves(void *c, kas_gfp_t g, unsigned o) { (void)c; (void)g; (void)o; w.reserves++; }
static void h_sleep(void *c, kas_gfp_t g) { (void)c; (void)g; w.sleeps++; }
static bool h_charge(void *c, kas_gfp_t g, size_t n)
{
	(void)c; (void)g;
	if (w.memcg_limit && w.memcg_usage + n > w.memcg_limit)
		return false;
	w.memcg_usage += n;
	return true;
}
static void h_uncharge(void *c, size_t n) { (void)c; w.memcg_usage -= n; }
static void h_rcu(void *c, void (*fn)(void *), void *arg)
{
	(void)c;
	w.rcu_fn[w.nrcu] = fn;
	w.rcu_arg[w.nrcu++] = arg;
}
static void h_attempt(void *c, enum kas_attempt what, kas_gfp_t g, unsigned o)
{
	(void)c; (void)o;
	if (w.attempts < 16)
		w.attempt_kind[w.attempts] = what;
	w.attempts++;
	w.last_attempt_gfp = g;
}
static void run_rcu(void)
{
	for (int i = 0; i < w.nrcu; i++)
		w.rcu_fn[i](w.rcu_arg[i]);
	w.nrcu = 0;
}

static const struct kas_world_hooks world = {
	.size = sizeof(struct kas_world_hooks), .warn = count_warn,
	.gfp_context = h_ctx, .wake_kswapd = h_kswapd, .direct_reclaim = h_reclaim,
	.oom_kill = h_oom, .use_reserves = h_reserves, .may_sleep = h_sleep,
	.memcg_charge = h_charge, .memcg_uncharge = h_uncharge, .call_rcu = h_rcu,
	.alloc_attempt = h_attempt,
};

static void begin(uint32_t kver)
{
	memset(&w, 0, sizeof(w));
	memset(warn_count, 0, sizeof(warn_count));
	struct kas_port_env env = { .size = sizeof(env), .kver = kver, .profile = "world",
				    .pool_bytes = (size_t)4 << 20, .world = &world };
	CHECK(P->init(&env) == 0);
}

/* Ballast: order-0 pages taken without reclaim until the port refuses,
 * for every zonelist (lowmem_reserve keeps a few lower-zone pages from
 * movable requests). */
static void exhaust(void)
{
	static const kas_gfp_t zones[] = { __GFP_HIGHMEM | __GFP_MOVABLE, 0, __GFP_DMA32, __GFP_DMA };
	for (int z = 0; z < 4; z++) {
		while (w.nb < MAXB) {
			void *p = P->alloc_pages(__GFP_IO | __GFP_FS | zones[z] | __GFP_NOWARN, 0);
			if (!p)
				break;
			w.ballast[w.nb++] = p;
		}
	}
	memset(&w.ctx_calls, 0, (char *)&w.memcg_limit - (char *)&w.ctx_calls);
}

static void test_reclaim(void)
{
	begin(KAS_KVER(6, 12));
	exhaust();
	CHECK(w.nb > 500);
	/* no reclaim flags: no reclaim, no kswapd, NULL */
	CHECK(P->alloc_pages(__GFP_NOWARN, 0) == NULL);
	CHECK(w.reclaim == 0 && w.kswapd == 0);
	/* GFP_KERNEL: kswapd woken, direct reclaim frees ballast, success */
	w.reclaimable = true;
	w.ctx_calls = 0;
	void *p = P->alloc_pages(GFP_KERNEL, 0);
	CHECK(p != NULL && w.kswapd >= 1 && w.reclaim >= 1 && w.sleeps >= 1);
	CHECK(w.ctx_calls == 1);   /* current_gfp_context once per call */
	/* NOFS scope: reclaim sees the scoped gfp */
	exhaust();
	w.scope_clear = __GFP_FS;
	void *q = P->kmalloc(3000, GFP_KERNEL);
	CHECK(q != NULL && w.reclaim >= 1 && !(w.reclaim_gfp & __GFP_FS));
	w.scope_clear = 0;
	P->fini();

	/* nothing reclaimable: NORETRY does one round, never OOM */
	begin(KAS_KVER(6, 12));
	exhaust();
	CHECK(P->alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0) == NULL);
	CHECK(w.reclaim == 1 && w.oom == 0);
	/* costly order without RETRY_MAYFAIL: one round, no OOM */
	exhaust();
	CHECK(P->alloc_pages(GFP_KERNEL | __GFP_NOWARN, 4) == NULL);
	CHECK(w.reclaim == 1 && w.oom == 0);
	/* RETRY_MAYFAIL: retries (> 16 rounds), never OOM */
	exhaust();
	CHECK(P->alloc_pages(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 0) == NULL);
	CHECK(w.reclaim > 16 && w.oom == 0);
	/* GFP_KERNEL order 0: after the retries the OOM killer; with a victim it succeeds */
	exhaust();
	w.victims = 1;
	CHECK(P->alloc_pages(GFP_KERNEL, 0) != NULL);
	CHECK(w.oom == 1 && (w.oom_gfp & __GFP_FS));
	/* no victim left: fails with a warning */
	exhaust();
	CHECK(P->alloc_pages(GFP_KERNEL, 0) == NULL);
	CHECK(w.oom >= 1 && warn_count[KAS_WARN_ALLOC_FAILURE] == 1);
	/* GFP_NOFS and GFP_DMA never reach the OOM killer */
	exhaust();
	CHECK(P->alloc_pages(__GFP_RECLAIM | __GFP_IO | __GFP_NOWARN, 0) == NULL);
	CHECK(P->alloc_pages(GFP_KERNEL | __GFP_DMA | __GFP_NOWARN, 0) == NULL);
	CHECK(w.oom == 0);
	/* GFP_ATOMIC dips below min and says so */
	exhaust();
	CHECK(P->alloc_pages(GFP_ATOMIC, 0) != NULL && w.reserves == 1 && w.reclaim == 0);
	/* NOFAIL terminates (reserves) */
	exhaust();
	CHECK(P->alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0) != NULL);
	P->fini();
}

static void test_attempts_memcg(void)
{
	begin(KAS_KVER(6, 12));
	P->kmalloc(100, GFP_KERNEL);
	CHECK(w.attempts >= 2 && w.attempt_kind[0] == KAS_ATTEMPT_KMALLOC &&
	      w.attempt_kind[1] == KAS_ATTEMPT_SLAB_PAGE);
	w.attempts = 0;
	void *v = P->kvmalloc((size_t)8 << 20, GFP_KERNEL);
	(void)v;
	CHECK(w.attempt_kind[0] == KAS_ATTEMPT_KMALLOC &&
	      w.attempt_kind[1] == KAS_ATTEMPT_LARGE_KMALLOC);
	w.attempts = 0;
	void *vv = P->kvmalloc(40000, GFP_KERNEL);
	CHECK(vv && w.attempt_kind[0] == KAS_ATTEMPT_KMALLOC);
	CHECK(w.last_attempt_gfp & __GFP_NOWARN);
	/* memcg: __GFP_ACCOUNT page allocations are charged, refused over the limit */
	w.memcg_limit = 4;
	void *a = P->alloc_pages(GFP_KERNEL | __GFP_ACCOUNT, 1);
	CHECK(a && w.memcg_usage == 2);
	CHECK(P->alloc_pages(GFP_KERNEL | __GFP_ACCOUNT, 2) == NULL && w.memcg_usage == 2);
	P->free_pages_page(a, 1);
	CHECK(w.memcg_usage == 0);
	P->fini();
}

static void test_rcu_usercopy(void)
{
	for (int v = 0; v < 2; v++) {
		begin(v ? KAS_KVER(6, 12) : KAS_KVER(6, 6));
		void *c = P->kmem_cache_create("rcu", 64, 0, 0, NULL);
		void *o = P->kmem_cache_alloc(c, GFP_KERNEL);
		P->kfree_rcu(o);
		CHECK(w.nrcu == 1 && P->ksize(o) != 0);   /* not freed before the grace period */
		P->kmem_cache_destroy(c);
		/* 6.12 waits for the pending kfree_rcu; 6.6 reports the live object */
		CHECK(warn_count[KAS_WARN_DESTROY_LIVE] == (v ? 0u : 1u));
		run_rcu();
		void *k = P->kmalloc(100, GFP_KERNEL);
		P->kvfree_rcu(k);
		run_rcu();
		CHECK(P->ksize(k) == 0);
		P->fini();
	}
	begin(KAS_KVER(6, 12));
	void *c = P->kmem_cache_create_usercopy("uc", 200, 0, 0, 16, 64, NULL);
	char *o = P->kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(P->usercopy_check(o + 16, 64));
	CHECK(!P->usercopy_check(o + 16, 65));
	CHECK(!P->usercopy_check(o, 8));
	char *k = P->kmalloc(100, GFP_KERNEL);
	CHECK(P->usercopy_check(k, 128) && !P->usercopy_check(k + 50, 79));
	char *l = P->kmalloc(20000, GFP_KERNEL);
	CHECK(P->usercopy_check(l, 32768) && !P->usercopy_check(l + 100, 32768));
	char *vm = P->vmalloc(3 * PAGE);
	CHECK(P->usercopy_check(vm + PAGE, 2 * PAGE) && !P->usercopy_check(vm + PAGE, 2 * PAGE + 1));
	CHECK(!P->usercopy_check(NULL, 4));
	P->fini();
}

int main(void)
{
	CHECK(P->caps & KAS_CAP_WORLD);
	test_reclaim();
	test_attempts_memcg();
	test_rcu_usercopy();
	return finish("test_impl_world");
}
