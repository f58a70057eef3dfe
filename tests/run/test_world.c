/* SPDX-License-Identifier: MIT */
/*
 * The world: every hook a port calls is recorded in the call record of the
 * op in progress, and the world behaves as world.h says (reclaim only of
 * permitted kinds, kswapd after the call, OOM victims, scopes, RCU grace
 * periods, memcg limit, NOFAIL starvation release, contexts).
 */
#include <stdio.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/world.h"
#include "test_world_toy.h"
#include "kas_test.h"


#define MAXOPS 64
static struct kas_call calls[MAXOPS];
static struct kas_trace_result res;
static size_t max_pages;   /* opts.world_max_pages for run() */

static void keep_call(void *arg, const struct kas_call *c)
{
	(void)arg;
	if (c->index < MAXOPS)
		calls[c->index] = *c;
}

/* Parse and run text on port; call records land in calls[op index]. */
static void run(const char *text, const struct kas_port *port)
{
	struct kas_trace t;
	struct kas_parse_error err;
	kas_trace_init(&t);
	memset(calls, 0, sizeof(calls));
	if (kas_trace_parse(&t, text, strlen(text), "world", NULL, NULL, &err)) {
		CHECK(false, "parse: %u:%u %s", err.line, err.col, err.msg);
		return;
	}
	struct kas_spec *spec = kas_spec_new(t.profile, port->caps);
	struct kas_harness_opts o = { 0 };
	o.on_call = keep_call;
	o.world_max_pages = max_pages;
	CHECK(kas_run_trace(port, spec, &t, &o, &res) == 0, "run");
	kas_spec_free(spec);
	kas_trace_free(&t);
}

static const struct kas_world_obs *W(size_t i) { return &calls[i].world; }

static void test_reclaim_kinds(void)
{
	run("profile linux-6.12\n"
	    "ballast fs_dirty 20\n"           /* 0 */
	    "ballast io_dirty 20\n"           /* 1 */
	    "exhaust\n"                       /* 2: the rest, down to the min watermark */
	    "b = kmalloc 64 GFP_NOIO\n"       /* 3: neither kind: no progress, fails */
	    "exhaust\n"                       /* 4: takes back what kswapd freed */
	    "a = kmalloc 64 GFP_NOFS\n"       /* 5: IO allowed, FS not */
	    "exhaust\n"                       /* 6 */
	    "c = kmalloc 64 GFP_KERNEL\n",    /* 7: FS too */
	    &toy_port);
	CHECK(calls[0].ret == 20 && calls[1].ret == 20, "ballast added");
	CHECK(!W(0)->ballast_refused && W(2)->ballast_refused, "exhaust met the watermark");
	CHECK(W(1)->ballast[KAS_BALLAST_FS_DIRTY] == 20 && W(1)->ballast[KAS_BALLAST_IO_DIRTY] == 20,
	      "ballast held");
	CHECK(calls[2].ret == TOY_PAGES - TOY_MIN_FREE - 40 &&
	      W(2)->ballast[KAS_BALLAST_PINNED] == calls[2].ret, "exhaust: %lu",
	      (unsigned long)calls[2].ret);
	CHECK(W(3)->enabled && W(3)->reclaimed_total == 0, "NOIO freed dirty pages");
	CHECK(W(3)->reclaim_rounds == 16 && W(3)->reclaim_noprogress == 16 &&
	      W(3)->reclaim_noprogress_run == 16, "NOIO rounds %u/%u", W(3)->reclaim_rounds,
	      W(3)->reclaim_noprogress);
	CHECK(W(3)->oom_calls == 0 && calls[3].ret == 0, "NOIO: no OOM, fails");
	CHECK(W(3)->reclaim_gfp_or == 0 + __GFP_RECLAIM && W(3)->reclaim_gfp_and == __GFP_RECLAIM,
	      "gfp union/intersection %#x %#x", W(3)->reclaim_gfp_or, W(3)->reclaim_gfp_and);
	/* kswapd (woken by b) may write back: it freed fs_dirty after b returned */
	CHECK(W(3)->kswapd_wakes == 1 && W(3)->kswapd_reclaimed == 8 &&
	      W(3)->ballast[KAS_BALLAST_FS_DIRTY] == 20 &&
	      W(4)->ballast[KAS_BALLAST_FS_DIRTY] == 12, "kswapd after b: %zu",
	      W(3)->kswapd_reclaimed);
	CHECK(calls[4].ret == 8, "exhaust took kswapd's pages: %lu", (unsigned long)calls[4].ret);
	CHECK(W(5)->reclaim_rounds == 1 && W(5)->reclaim_last == 20, "NOFS: one round");
	CHECK(W(5)->reclaimed[KAS_BALLAST_FS_DIRTY] == 0, "NOFS must not free fs_dirty");
	CHECK(W(5)->reclaimed[KAS_BALLAST_IO_DIRTY] == 20, "NOFS frees io_dirty: %zu",
	      W(5)->reclaimed[KAS_BALLAST_IO_DIRTY]);
	CHECK(W(5)->reclaim_gfp_or == (KAS_GFP_KERNEL & ~__GFP_FS), "gfp union %#x",
	      W(5)->reclaim_gfp_or);
	CHECK(calls[5].ret > KAS_ZERO_SIZE_PTR, "NOFS allocation succeeded");
	CHECK(W(7)->reclaimed[KAS_BALLAST_FS_DIRTY] == 4 && calls[7].ret > KAS_ZERO_SIZE_PTR,
	      "GFP_KERNEL frees fs_dirty: %zu", W(7)->reclaimed[KAS_BALLAST_FS_DIRTY]);
	CHECK(W(7)->reclaim_gfp_and == KAS_GFP_KERNEL, "gfp intersection");
	CHECK(W(7)->gfp_context_calls == 1 && W(7)->gfp_context_in == KAS_GFP_KERNEL &&
	      W(7)->gfp_context_out == KAS_GFP_KERNEL, "gfp_context recorded");
	CHECK(toy.leaked_at_fini == 0, "ballast released before fini: %u", toy.leaked_at_fini);
}

static void test_kswapd(void)
{
	run("profile linux-6.12\n"
	    "ballast clean 20\n"
	    "exhaust\n"
	    "a = kmalloc 64 GFP_NOWAIT\n"
	    "b = kmalloc 64 GFP_NOWAIT\n"
	    "c = kmalloc 64 GFP_KERNEL&~__GFP_RECLAIM\n",
	    &toy_port);
	CHECK(W(2)->kswapd_wakes == 1 && W(2)->kswapd_pages == 8, "kswapd woken");
	CHECK(W(2)->reclaimed_total == 0 && W(2)->reclaim_rounds == 0, "no direct reclaim");
	CHECK(calls[2].ret == 0, "NOWAIT fails under exhaustion");
	CHECK(W(2)->kswapd_reclaimed == 8 && W(2)->ballast[KAS_BALLAST_CLEAN] == 20 &&
	      W(3)->ballast[KAS_BALLAST_CLEAN] == 12,
	      "kswapd ran after the call: %zu", W(2)->kswapd_reclaimed);
	CHECK(calls[3].ret > KAS_ZERO_SIZE_PTR && W(3)->kswapd_wakes == 0, "next NOWAIT succeeds");
	CHECK(W(4)->kswapd_wakes == 0 && W(4)->reclaim_rounds == 0, "no reclaim at all");
}

static void test_oom(void)
{
	run("profile linux-6.12\n"
	    "oom_victims 2\n"
	    "ballast anon 10\n"
	    "exhaust\n"
	    "a = kmalloc 64 GFP_KERNEL\n"
	    "exhaust\n"
	    "b = kmalloc 64 GFP_KERNEL\n"
	    "exhaust\n"
	    "c = kmalloc 64 GFP_KERNEL\n"
	    "d = kmalloc 64 GFP_KERNEL|__GFP_RETRY_MAYFAIL\n",
	    &toy_port);
	CHECK(W(3)->oom_calls == 1 && W(3)->oom_kills == 1 && W(3)->oom_freed == 5,
	      "first victim: %u %u %zu", W(3)->oom_calls, W(3)->oom_kills, W(3)->oom_freed);
	CHECK(calls[3].ret > KAS_ZERO_SIZE_PTR && W(3)->oom_victims_left == 1, "retried after OOM");
	CHECK(W(5)->oom_kills == 1 && W(5)->oom_freed == 5 && calls[5].ret, "second victim");
	CHECK(W(7)->oom_calls == 1 && W(7)->oom_kills == 0 && calls[7].ret == 0,
	      "no victim left: OOM reports false");
	CHECK(W(8)->oom_calls == 0 && W(8)->reclaim_rounds == 16, "RETRY_MAYFAIL: no OOM");
}

static void test_scopes(void)
{
	run("profile linux-6.12\n"
	    "f = memalloc_nofs_save\n"          /* 0 */
	    "g = memalloc_noio_save\n"          /* 1 */
	    "a = kmalloc 64 GFP_KERNEL\n"       /* 2: NOIO wins */
	    "memalloc_noio_restore g\n"         /* 3 */
	    "b = kmalloc 64 GFP_KERNEL\n"       /* 4: NOFS still */
	    "f2 = memalloc_nofs_save\n"         /* 5: nested */
	    "memalloc_nofs_restore f2\n"        /* 6: inner restore keeps the outer */
	    "current_gfp_context GFP_KERNEL\n"  /* 7 */
	    "memalloc_nofs_restore f\n"         /* 8 */
	    "current_gfp_context GFP_KERNEL\n"  /* 9 */
	    "r = memalloc_noreclaim_save\n"     /* 10 */
	    "current_gfp_context GFP_NOWAIT\n"  /* 11 */
	    "memalloc_noreclaim_restore r\n"    /* 12 */
	    "current_gfp_context GFP_NOWAIT\n", /* 13 */
	    &toy_port);
	CHECK(calls[0].ret == 0 && calls[1].ret == 0, "save returns the previous state");
	CHECK(W(2)->scopes == (KAS_SCOPE_NOFS | KAS_SCOPE_NOIO), "scopes at a: %u", W(2)->scopes);
	CHECK(W(2)->gfp_context_out == (KAS_GFP_KERNEL & ~(__GFP_IO | __GFP_FS)), "NOIO: %#x",
	      W(2)->gfp_context_out);
	CHECK(W(4)->gfp_context_out == (KAS_GFP_KERNEL & ~__GFP_FS) &&
	      W(4)->scopes == KAS_SCOPE_NOFS, "NOFS: %#x", W(4)->gfp_context_out);
	CHECK(calls[5].ret == KAS_SCOPE_NOFS, "nested save saw NOFS set");
	CHECK(calls[7].ret == (KAS_GFP_KERNEL & ~__GFP_FS), "outer scope survives the inner restore");
	CHECK(calls[9].ret == KAS_GFP_KERNEL && W(9)->scopes == 0, "all scopes ended");
	CHECK(calls[11].status == KAS_CALL_DONE, "status");
	kas_gfp_t nowait = 0;
	kas_gfp_composite("GFP_NOWAIT", KAS_KVER(6, 12), &nowait);
	CHECK(calls[11].ret == (nowait | __GFP_MEMALLOC), "noreclaim adds __GFP_MEMALLOC");
	CHECK(calls[13].ret == nowait, "noreclaim restored");
}

static void test_rcu(void)
{
	run("profile linux-6.12\n"
	    "a = kmalloc 64 GFP_KERNEL\n"   /* 0 */
	    "kfree_rcu a\n"                 /* 1 */
	    "b = kmalloc 64 GFP_KERNEL\n"   /* 2 */
	    "synchronize_rcu\n"             /* 3 */
	    "c = kmalloc 64 GFP_KERNEL\n"   /* 4 */
	    "kvfree_rcu c\n"                /* 5: pending at the end of the trace */
	    "kfree a\n",                    /* 6: a is gone: skipped */
	    &toy_port);
	CHECK(W(1)->rcu_queued == 1 && calls[1].status == KAS_CALL_DONE, "kfree_rcu queued");
	CHECK(W(2)->rcu_early_reuse == 0 && calls[2].ret != calls[0].ret, "no reuse before GP");
	CHECK(W(3)->rcu_callbacks_run == 1 && calls[3].ret == 1, "grace period ran the callback");
	CHECK(W(5)->rcu_queued == 1, "kvfree_rcu queued");
	CHECK(calls[6].status == KAS_CALL_SKIPPED && calls[6].skip == KAS_SKIP_DEAD_HANDLE,
	      "kfree after kfree_rcu skipped");
	CHECK(toy.leaked_at_fini == 0, "pending callbacks ran before fini: %u leaked",
	      toy.leaked_at_fini);

	/* a port that frees at once hands the memory back before the grace period */
	char err[256];
	const struct kas_port *early = kas_port_open("mut-kfree-rcu-early", err, sizeof(err));
	CHECK(early != NULL, "no mut-kfree-rcu-early: %s", err);
	if (!early)
		return;
	run("profile linux-6.12\n"
	    "a = kmalloc 64 GFP_KERNEL\n"
	    "kfree_rcu a\n"
	    "b = kmalloc 64 GFP_KERNEL\n",
	    early);
	CHECK(W(1)->rcu_queued == 0, "nothing queued");
	CHECK(W(2)->rcu_early_reuse == 1 && calls[2].ret == calls[0].ret, "early reuse seen");
}

static void test_memcg(void)
{
	run("profile linux-6.12\n"
	    "memcg_limit 2\n"
	    "a = kmalloc 64 GFP_KERNEL_ACCOUNT\n"
	    "b = kmalloc 64 GFP_KERNEL_ACCOUNT\n"
	    "c = kmalloc 64 GFP_KERNEL_ACCOUNT\n"
	    "kfree a\n"
	    "d = kmalloc 64 GFP_KERNEL_ACCOUNT\n"
	    "e = kmalloc 64 GFP_KERNEL\n",
	    &toy_port);
	CHECK(W(1)->memcg_charges == 1 && W(1)->memcg_charged == 1 && W(1)->memcg_usage == 1,
	      "charged");
	CHECK(W(3)->memcg_charge_fails == 1 && calls[3].ret == 0 && W(3)->memcg_limit == 2,
	      "over the limit fails");
	CHECK(W(4)->memcg_uncharges == 1 && W(4)->memcg_usage == 1, "uncharged on free");
	CHECK(calls[5].ret > KAS_ZERO_SIZE_PTR && W(5)->memcg_charge_fails == 0, "room again");
	CHECK(W(6)->memcg_charges == 0 && calls[6].ret, "unaccounted allocation not charged");
}

static void test_nofail_starvation(void)
{
	run("profile linux-6.12\n"
	    "exhaust\n"
	    "a = kmalloc 64 GFP_KERNEL|__GFP_NOFAIL\n",
	    &toy_port);
	CHECK(calls[1].ret > KAS_ZERO_SIZE_PTR, "NOFAIL succeeded");
	CHECK(W(1)->starvation_releases == 1 && W(1)->starvation_pages > 0, "released %u",
	      W(1)->starvation_releases);
	CHECK(W(1)->reclaim_rounds == KAS_WORLD_NOPROGRESS_LIMIT &&
	      W(1)->reclaim_noprogress == KAS_WORLD_NOPROGRESS_LIMIT, "rounds %u, no progress %u",
	      W(1)->reclaim_rounds, W(1)->reclaim_noprogress);
	CHECK(res.starvation_releases == 1, "trace result counts it");
}

static void test_context(void)
{
	run("profile linux-6.12\n"
	    "exhaust\n"                          /* 0 */
	    "spin_lock\n"                        /* 1 */
	    "a = kmalloc 64 GFP_KERNEL\n"        /* 2: would sleep in atomic context: vetoed */
	    "spin_unlock\n"                      /* 3 */
	    "irq_enter\n"                        /* 4 */
	    "b = kmalloc 64 GFP_ATOMIC\n"        /* 5: reserves */
	    "irq_exit\n"                         /* 6 */
	    "irq_exit\n"                         /* 7: unbalanced */
	    "c = kvmalloc 64 GFP_KERNEL\n"       /* 8 */
	    "copy_to_user c 8 4000\n"            /* 9 */
	    "copy_to_user c 100 4000\n",         /* 10 */
	    &toy_port);
	CHECK(W(2)->context == KAS_CTX_ATOMIC && W(2)->preempt_depth == 1, "atomic");
	/* the precheck sees the context (CONTEXT-1): the caller bug never runs;
	 * sleeps_atomic recording is shown by tests/spec/test_spec_world.c (CONTEXT-1) */
	CHECK(calls[2].status == KAS_CALL_SKIPPED && calls[2].skip == KAS_SKIP_UNDEFINED &&
	      W(2)->sleeps == 0, "blocking call in atomic context vetoed");
	CHECK(W(5)->context == KAS_CTX_IRQ && W(5)->reserve_uses == 1 && calls[5].ret,
	      "irq + reserves");
	CHECK(W(5)->sleeps == 0 && W(5)->reclaim_rounds == 0, "GFP_ATOMIC does not sleep");
	CHECK(calls[7].status == KAS_CALL_SKIPPED && calls[7].skip == KAS_SKIP_UNDEFINED &&
	      calls[7].caller && !strcmp(kas_caller_rule_at(calls[7].caller - 1u)->id, "CALLER-25"),
	      "unbalanced irq_exit refused as CALLER-25");
	CHECK(W(8)->context == KAS_CTX_PROCESS, "back to process context");
	CHECK(W(8)->attempts >= 2 && W(8)->attempt[0].what == KAS_ATTEMPT_KMALLOC &&
	      (W(8)->attempt[0].gfp & __GFP_NORETRY) && W(8)->attempt[1].what == KAS_ATTEMPT_VMALLOC,
	      "attempts: %u", W(8)->attempts);
	CHECK(calls[9].ret == 1 && calls[10].ret == 0, "usercopy verdicts %lu %lu",
	      (unsigned long)calls[9].ret, (unsigned long)calls[10].ret);
}

static void test_ballast_overlap(void)
{
	toy.hand_out_last = true;
	run("profile linux-6.12\n"
	    "ballast pinned 3\n"
	    "a = kmalloc 64 GFP_KERNEL\n"
	    "b = kmalloc 64 GFP_KERNEL\n",
	    &toy_port);
	toy.hand_out_last = false;
	CHECK(W(1)->ballast_overlap == 1 && W(1)->ballast[KAS_BALLAST_PINNED] == 2,
	      "double allocation of a ballast page seen and forgotten");
	CHECK(W(2)->ballast_overlap == 0 && calls[2].ret != calls[1].ret, "b is a fresh page");
	CHECK(toy.leaked_at_fini == 0, "no page freed twice or leaked: %u", toy.leaked_at_fini);
}

static void test_max_pages(void)
{
	max_pages = 10;
	run("profile linux-6.12\n"
	    "ballast clean 4\n"
	    "exhaust\n"
	    "ballast anon 1\n",
	    &toy_port);
	max_pages = 0;
	CHECK(calls[0].ret == 4 && calls[1].ret == 6 && !W(1)->ballast_refused, "capped at 10");
	CHECK(calls[2].ret == 0 && !W(2)->ballast_refused, "nothing beyond the cap");
}

static void test_no_world(void)
{
	struct kas_port p = toy_port;
	p.caps &= ~KAS_CAP_WORLD;
	run("profile linux-6.12\n"
	    "ballast clean 10\n"
	    "exhaust\n"
	    "a = kmalloc 64 GFP_KERNEL\n",
	    &p);
	CHECK(!W(2)->enabled && W(2)->reclaim_rounds == 0 && W(2)->gfp_context_calls == 0,
	      "no hooks without KAS_CAP_WORLD");
	CHECK(calls[2].ret == 0, "no reclaim, so it fails");
	CHECK(W(2)->ballast[KAS_BALLAST_CLEAN] == 10, "ballast still held");
}

int main(void)
{
	test_reclaim_kinds();
	test_kswapd();
	test_oom();
	test_scopes();
	test_rcu();
	test_memcg();
	test_nofail_starvation();
	test_context();
	test_ballast_overlap();
	test_max_pages();
	test_no_world();
	if (failures) {
		fprintf(stderr, "test_world: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_world: ok\n");
	return 0;
}
