/* SPDX-License-Identifier: MIT */
/*
 * The world rules (RECLAIM, SCOPE, CONTEXT, RCU, ACCOUNT, ZONE-5/6) can
 * fail: a toy port (test_spec_world_toy.h) with one deliberate bug at a
 * time must FAIL exactly the rule the bug breaks, and the same trace on the
 * correct toy must exercise and PASS it.  Then the reclaim-modes witness
 * on the reference port: the seven modes leave seven different event
 * sequences.  Also: a port without KAS_CAP_WORLD gets UNSUPPORTED, never
 * PASS, for every world rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/world.h"
#include "test_spec_world_toy.h"
#include "test_world_toy.h"   /* its kvmalloc adjusts flags even for sub-page sizes */
#include "kas_test.h"


#define MAXOPS 128
static struct kas_call calls[MAXOPS];
static size_t last_nops;   /* ops of the trace run() ran last */

static void keep_call(void *arg, const struct kas_call *c)
{
	(void)arg;
	if (c->index < MAXOPS)
		calls[c->index] = *c;
}

/* Run text on port under profile; returns the spec (caller frees). */
static struct kas_spec *run(const struct kas_port *port, const char *profile, const char *text,
			    size_t pool_bytes)
{
	struct kas_trace t;
	struct kas_parse_error err;
	kas_trace_init(&t);
	memset(calls, 0, sizeof(calls));
	const struct kas_profile *p = kas_profile_find(profile);
	if (kas_trace_parse(&t, text, strlen(text), "world-rules", NULL, p, &err)) {
		CHECK(false, "parse: %u:%u %s", err.line, err.col, err.msg);
		return NULL;
	}
	struct kas_spec *s = kas_spec_new(p, kas_port_effective_caps(port));
	struct kas_harness_opts o = { 0 };
	o.on_call = keep_call;
	o.pool_bytes = pool_bytes;
	struct kas_trace_result res;
	CHECK(kas_run_trace(port, s, &t, &o, &res) == 0, "run");
	last_nops = t.nops;
	kas_trace_free(&t);
	return s;
}

struct bug_case {
	enum wt_bug bug;
	const char *rule;
	const char *profile;
	const char *trace;
};

/* Memory at the min watermark, nothing reclaimable unless the case adds it. */
#define PRESSURE "exhaust\n"

static const struct bug_case cases[] = {
	{ WT_RECLAIM_WITHOUT_FLAG, "RECLAIM-1", "linux-6.12",
	  "ballast clean 8\n" PRESSURE "a = alloc_pages GFP_NOWAIT 0\n" },
	{ WT_KSWAPD_ALWAYS, "RECLAIM-2", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_KERNEL&~__GFP_RECLAIM 0\n" },
	{ WT_NORETRY_TWICE, "RECLAIM-3", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_KERNEL|__GFP_NORETRY 0\n" },
	{ WT_COSTLY_LOOPS, "RECLAIM-4", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_KERNEL 4\n" },
	{ WT_MAYFAIL_OOM, "RECLAIM-5", "linux-6.12",
	  "oom_victims 1\nballast anon 8\n" PRESSURE "a = alloc_pages GFP_KERNEL|__GFP_RETRY_MAYFAIL 0\n" },
	{ WT_GIVE_UP_EARLY, "RECLAIM-6", "linux-6.12",
	  "oom_victims 2\nballast anon 8\n" PRESSURE "a = alloc_pages GFP_KERNEL 0\n" },
	{ WT_NOFS_OOM, "RECLAIM-7", "linux-6.12",
	  "oom_victims 1\nballast anon 8\n" PRESSURE "a = alloc_pages GFP_NOFS 0\n" },
	{ WT_NOFAIL_GIVES_UP, "RECLAIM-8", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_KERNEL|__GFP_NOFAIL 0\n" },
	{ WT_NOFAIL_SILENT, "RECLAIM-9", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_ATOMIC|__GFP_NOFAIL 0\nb = alloc_pages GFP_ATOMIC|__GFP_NOFAIL 0\n"
	  "c = alloc_pages GFP_ATOMIC|__GFP_NOFAIL 0\n" },
	{ WT_NOFAIL_SILENT, "RECLAIM-9", "linux-6.1",
	  PRESSURE "a = alloc_pages GFP_NOWAIT|__GFP_NOFAIL 0\n" },
	{ WT_NOFAIL_SILENT, "RECLAIM-10", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_KERNEL|__GFP_NOFAIL 2\n" },
	{ WT_HUGE_ORDER_SILENT, "RECLAIM-11", "linux-6.12", "a = alloc_pages GFP_KERNEL 11\n" },
	{ WT_NO_FAIL_WARN, "RECLAIM-12", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_KERNEL|__GFP_NORETRY 0\n" },
	{ WT_WARN_ALWAYS, "RECLAIM-12", "linux-6.12",
	  PRESSURE "a = alloc_pages GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN 0\n" },
	{ WT_WARN_ALWAYS, "RECLAIM-13", "linux-6.12", PRESSURE "a = alloc_pages GFP_NOWAIT 0\n" },
	{ WT_PF_MEMALLOC_RECLAIMS, "RECLAIM-14", "linux-6.12",
	  "ballast clean 8\n" PRESSURE "f = memalloc_noreclaim_save\n"
	  "a = alloc_pages GFP_KERNEL|__GFP_NOMEMALLOC 0\nmemalloc_noreclaim_restore f\n" },
	{ WT_IGNORE_NOMEMALLOC, "RECLAIM-15", "linux-6.12",
	  PRESSURE "f = memalloc_noreclaim_save\na = alloc_pages GFP_KERNEL|__GFP_NOMEMALLOC 0\n"
	  "memalloc_noreclaim_restore f\n" },
	{ WT_RESERVES_FOR_ALL, "RECLAIM-16", "linux-6.12",
	  "ballast clean 4\n" PRESSURE "a = alloc_pages GFP_NOWAIT 0\n" },
	{ WT_NO_SCOPES, "SCOPE-1", "linux-6.12",
	  "ballast fs_dirty 8\n" PRESSURE "f = memalloc_nofs_save\na = alloc_pages GFP_KERNEL 0\n"
	  "memalloc_nofs_restore f\n" },
	{ WT_NO_SCOPES, "SCOPE-2", "linux-6.12",
	  "ballast clean 2\nballast io_dirty 8\n" PRESSURE "f = memalloc_noio_save\n"
	  "a = alloc_pages GFP_KERNEL 0\nmemalloc_noio_restore f\n" },
	{ WT_SLEEP_ALWAYS, "CONTEXT-1", "linux-6.12",
	  PRESSURE "spin_lock\na = alloc_pages GFP_ATOMIC 0\nb = alloc_pages GFP_ATOMIC 0\n"
	  "c = alloc_pages GFP_ATOMIC 0\nspin_unlock\n" },
	{ WT_RCU_IMMEDIATE, "RCU-1", "linux-6.12",
	  PRESSURE "a = kmalloc 64 GFP_ATOMIC\nkfree_rcu a\nb = kmalloc 64 GFP_ATOMIC\nsynchronize_rcu\n" },
	{ WT_RCU_LEAK, "RCU-1", "linux-6.12",
	  "a = kmalloc 64 GFP_KERNEL\nkfree_rcu a\nkfree_rcu NULL\nsynchronize_rcu\n" },
	{ WT_NO_CHARGE, "ACCOUNT-1", "linux-6.12",
	  "memcg_limit 2\na = alloc_pages GFP_KERNEL_ACCOUNT 0\nb = alloc_pages GFP_KERNEL_ACCOUNT 0\n"
	  "c = alloc_pages GFP_KERNEL_ACCOUNT 0\n" },
	{ WT_DMA_HIGH, "ZONE-5", "linux-6.12", "a = alloc_pages GFP_DMA 0\nb = kmalloc 64 GFP_KERNEL|GFP_DMA\n" },
	{ WT_DMA_HIGH, "ZONE-6", "linux-6.12", "a = alloc_pages GFP_KERNEL|GFP_DMA32 0\n" },
};

static void test_bug_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bug_case *bc = &cases[i];
		int ri = kas_rule_index(bc->rule);
		CHECK(ri >= 0, "unknown rule %s", bc->rule);
		if (ri < 0)
			continue;
		wt.bug = WT_OK;
		struct kas_spec *s = run(&wt_port, bc->profile, bc->trace, 0);
		if (!s)
			continue;
		const struct kas_tally *ty = kas_spec_tally(s, (size_t)ri);
		CHECK(kas_spec_status(s, (size_t)ri) == KAS_PASS,
		      "case %zu %s [%s]: correct toy: %s (exercised %lu, failed %lu: %s)", i, bc->rule,
		      bc->profile, kas_status_name(kas_spec_status(s, (size_t)ri)),
		      (unsigned long)ty->exercised, (unsigned long)ty->failed, ty->message);
		/* the correct toy breaks no rule at all */
		for (size_t r = 0; r < kas_rule_count(); r++)
			CHECK(kas_spec_tally(s, r)->failed == 0, "case %zu [%s]: correct toy fails %s: %s",
			      i, bc->profile, kas_rule_at(r)->id, kas_spec_tally(s, r)->message);
		kas_spec_free(s);

		wt.bug = bc->bug;
		s = run(&wt_port, bc->profile, bc->trace, 0);
		wt.bug = WT_OK;
		if (!s)
			continue;
		ty = kas_spec_tally(s, (size_t)ri);
		CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "case %zu %s [%s]: broken toy (bug %d) "
		      "not caught: %s", i, bc->rule, bc->profile, (int)bc->bug,
		      kas_status_name(kas_spec_status(s, (size_t)ri)));
		if (getenv("KAS_TEST_VERBOSE"))
			printf("%-10s bug %2d -> %s: %s\n", bc->rule, (int)bc->bug,
			       kas_status_name(kas_spec_status(s, (size_t)ri)), ty->message);
		kas_spec_free(s);
	}
}

/* A port without the world hooks: world rules are UNSUPPORTED, never PASS. */
static void test_no_world_caps(void)
{
	struct kas_port plain = wt_port;
	plain.caps &= ~(uint32_t)KAS_CAP_WORLD;
	struct kas_spec *s = run(&plain, "linux-6.12",
				 "exhaust\na = alloc_pages GFP_NOWAIT 0\nb = alloc_pages GFP_KERNEL 0\n", 0);
	if (!s)
		return;
	for (size_t r = 0; r < kas_rule_count(); r++) {
		const struct kas_rule *rule = kas_rule_at(r);
		if (rule->caps & KAS_CAP_WORLD)
			CHECK(kas_spec_status(s, r) == KAS_UNSUPPORTED, "%s without world: %s", rule->id,
			      kas_status_name(kas_spec_status(s, r)));
	}
	kas_spec_free(s);
}

/* The reclaim-modes witness on ref: seven different event sequences. */
struct seq {
	const char *mode;
	int ok;
	unsigned kswapd, rounds, oom, reserves, sleeps, warn_kinds, starvation;
};

static void test_modes_on_ref(void)
{
	char err[256];
	const struct kas_port *ref = kas_port_open("ref", err, sizeof(err));
	if (!ref) {
		printf("modes: no ref port (%s), skipped\n", err);
		return;
	}
	FILE *f = fopen(KAS_WITNESS_DIR "/RECLAIM-1-modes.ktrace", "rb");
	CHECK(f != NULL, "no RECLAIM-1-modes witness");
	if (!f)
		return;
	static char text[16384];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	/* the last seven ops of the witness, in this order */
	static const char *const modes[] = { "GFP_KERNEL", "NORETRY", "RETRY_MAYFAIL", "GFP_NOWAIT",
					     "~__GFP_RECLAIM", "GFP_ATOMIC", "NOFAIL" };
	for (size_t pi = 0; pi < kas_profile_count(); pi++) {
		const struct kas_profile *p = kas_profile_at(pi);
		struct kas_spec *s = run(ref, p->name, text, (size_t)8 << 20);
		if (!s)
			continue;
		struct seq q[7];
		for (unsigned m = 0; m < 7; m++) {
			const struct kas_call *c = &calls[last_nops - 7 + m];
			const struct kas_world_obs *w = &c->world;
			q[m] = (struct seq){ modes[m], c->ret != 0, w->kswapd_wakes != 0, w->reclaim_rounds,
					     w->oom_calls, w->reserve_uses, w->sleeps != 0, c->obs.warn_kinds,
					     w->starvation_releases };
			if (getenv("KAS_TEST_VERBOSE"))
				printf("[%s] %-14s ok=%d kswapd=%u rounds=%u oom=%u reserves=%u sleeps=%u "
				       "warns=%#x starvation=%u\n", p->name, q[m].mode, q[m].ok, q[m].kswapd,
				       q[m].rounds, q[m].oom, q[m].reserves, q[m].sleeps, q[m].warn_kinds,
				       q[m].starvation);
		}
		for (unsigned a = 0; a < 7; a++)
			for (unsigned b = a + 1; b < 7; b++)
				CHECK(memcmp(&q[a].ok, &q[b].ok, sizeof(q[a]) - offsetof(struct seq, ok)) != 0,
				      "[%s] %s and %s left the same event sequence", p->name, modes[a],
				      modes[b]);
		/* the shape each mode must have, whatever the port's numbers */
		CHECK(q[0].rounds > 1 && q[0].oom >= 1 && !q[0].ok, "[%s] GFP_KERNEL", p->name);
		CHECK(q[1].rounds == 1 && !q[1].oom && !q[1].ok, "[%s] NORETRY", p->name);
		CHECK(q[2].rounds >= 16 && !q[2].oom && !q[2].ok, "[%s] RETRY_MAYFAIL", p->name);
		CHECK(!q[3].ok && q[3].rounds == 0 && q[3].kswapd && !q[3].reserves, "[%s] NOWAIT", p->name);
		CHECK(!q[4].ok && q[4].rounds == 0 && !q[4].kswapd, "[%s] ~__GFP_RECLAIM", p->name);
		CHECK(q[5].ok && q[5].rounds == 0 && q[5].reserves, "[%s] ATOMIC", p->name);
		/* NOFAIL: reclaim, the OOM killer finds no victim, then the
		 * fallback below the watermarks (or the world's starvation release) */
		CHECK(q[6].ok && (q[6].starvation >= 1 || q[6].reserves), "[%s] NOFAIL", p->name);
		CHECK(calls[0].world.ballast_refused, "[%s] exhaust did not reach the watermark", p->name);
		CHECK(calls[last_nops - 8].ret == 0, "[%s] the drain did not reach GFP_KERNEL's watermark",
		      p->name);
		for (size_t r = 0; r < kas_rule_count(); r++)
			CHECK(kas_spec_tally(s, r)->failed == 0, "[%s] ref fails %s: %s", p->name,
			      kas_rule_at(r)->id, kas_spec_tally(s, r)->message);
		kas_spec_free(s);
	}
}

/* The ref port and the index of rule id, for the tests that judge one rule
 * on ref; NULL (the test is skipped) without either. */
static const struct kas_port *ref_for_rule(const char *id, int *ri)
{
	char err[256];
	*ri = kas_rule_index(id);
	CHECK(*ri >= 0, "no %s", id);
	const struct kas_port *ref = kas_port_open("ref", err, sizeof(err));
	return *ri >= 0 ? ref : NULL;
}

static bool usercopy_allow_all(const void *p, size_t n)
{
	(void)p;
	(void)n;
	return true;
}

/* CACHE-7: ref's hardened-usercopy verdict passes; a port allowing every
 * copy fails. */
static void test_usercopy(void)
{
	int ri;
	const struct kas_port *ref = ref_for_rule("CACHE-7", &ri);
	if (!ref)
		return;
	static const char text[] =
		"k = kmem_cache_create_usercopy uc 256 0 0 64 32\n"
		"a = kmem_cache_alloc k GFP_KERNEL\n"
		"copy_to_user a 64 32\n"
		"copy_to_user a 60 8\n";
	struct kas_spec *s = run(ref, "linux-6.12", text, 0);
	if (s) {
		CHECK(kas_spec_status(s, (size_t)ri) == KAS_PASS, "CACHE-7 on ref: %s",
		      kas_status_name(kas_spec_status(s, (size_t)ri)));
		kas_spec_free(s);
	}
	struct kas_port broken = *ref;
	broken.usercopy_check = usercopy_allow_all;
	s = run(&broken, "linux-6.12", text, 0);
	if (s) {
		CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "CACHE-7 allow-all port: %s",
		      kas_status_name(kas_spec_status(s, (size_t)ri)));
		if (getenv("KAS_TEST_VERBOSE"))
			printf("CACHE-7    allow-all -> %s\n", kas_spec_tally(s, (size_t)ri)->message);
		kas_spec_free(s);
	}
}

/* KVMALLOC-2: ref passes; the world-test toy, whose kvmalloc makes every
 * kmalloc attempt NOWARN|NORETRY (also at or below PAGE_SIZE), fails. */
static void test_kvmalloc_flags(void)
{
	int ri;
	const struct kas_port *ref = ref_for_rule("KVMALLOC-2", &ri);
	if (!ref)
		return;
	static const char text[] = "a = kvmalloc 100 GFP_KERNEL\nb = kvmalloc 20000 GFP_KERNEL\n";
	for (size_t pi = 0; pi < kas_profile_count(); pi++) {
		const char *pn = kas_profile_at(pi)->name;
		struct kas_spec *s = run(ref, pn, text, 0);
		if (s) {
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_PASS, "KVMALLOC-2 on ref [%s]: %s", pn,
			      kas_status_name(kas_spec_status(s, (size_t)ri)));
			kas_spec_free(s);
		}
		s = run(&toy_port, pn, text, 0);
		if (s) {
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "KVMALLOC-2 on the toy [%s]: %s",
			      pn, kas_status_name(kas_spec_status(s, (size_t)ri)));
			if (getenv("KAS_TEST_VERBOSE") && pi == 0)
				printf("KVMALLOC-2 toy -> %s\n", kas_spec_tally(s, (size_t)ri)->message);
			kas_spec_free(s);
		}
	}
}

/* RECLAIM-8 on memory the trace holds itself (a movable kvzalloc of the whole
 * pool; ref fails a GFP_KERNEL one): with no ballast and no OOM
 * victim the world's starvation release has nothing to free, the kernel
 * would loop without end, and a NULL there is not judged.  A port that
 * gives up before the world ran dry still fails. */
static void test_nofail_own_memory(void)
{
	int ri;
	const struct kas_port *ref = ref_for_rule("RECLAIM-8", &ri);
	if (!ref)
		return;
	static const char text[] =
		"h0 = kvzalloc 8388608 GFP_HIGHUSER_MOVABLE|__GFP_NOFAIL\n"
		"h1 = alloc_pages GFP_KERNEL|__GFP_NOFAIL 0\n";
	struct kas_spec *s = run(ref, "linux-latest", text, (size_t)8 << 20);
	if (!s)
		return;
	const struct kas_world_obs *w = &calls[1].world;
	CHECK(calls[1].ret == 0, "ref's NOFAIL alloc_pages found memory in a pool the trace holds");
	CHECK(w->starvation_exhausted > 0 && w->starvation_releases == 0,
	      "world: %u exhausted rounds, %u releases", w->starvation_exhausted,
	      w->starvation_releases);
	CHECK(kas_spec_status(s, (size_t)ri) != KAS_FAIL, "RECLAIM-8 judged an endless loop: %s",
	      kas_spec_tally(s, (size_t)ri)->message);
	kas_spec_free(s);

	/* the toy has no kvmalloc: 60 of its 64 pages leave it at the min watermark */
	static const char toy_text[] =
		"h0 = alloc_pages GFP_KERNEL 5\nh1 = alloc_pages GFP_KERNEL 4\n"
		"h2 = alloc_pages GFP_KERNEL 3\nh3 = alloc_pages GFP_KERNEL 2\n"
		"h4 = alloc_pages GFP_KERNEL|__GFP_NOFAIL 0\n";
	wt.bug = WT_NOFAIL_GIVES_UP;
	s = run(&wt_port, "linux-latest", toy_text, (size_t)8 << 20);
	wt.bug = WT_OK;
	if (!s)
		return;
	CHECK(calls[3].ret && !calls[4].ret, "toy: the pool did not fill up");
	CHECK(calls[4].world.starvation_exhausted == 0, "the toy gave up before the world ran dry");
	CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "toy that gives up at once: %s",
	      kas_status_name(kas_spec_status(s, (size_t)ri)));
	kas_spec_free(s);
}

/* The warning rules: a wrapper around ref whose warnings never reach the
 * world (a port without WARNs) fails SIZE-5W, ZERO-6W and KVMALLOC-4W. */
static const struct kas_port *wrapped;
static struct kas_world_hooks mute_hooks;

static int mute_init(const struct kas_port_env *env)
{
	static struct kas_port_env e;
	e = *env;
	if (env->world) {
		mute_hooks = *env->world;
		mute_hooks.warn = NULL;
		e.world = &mute_hooks;
	}
	return wrapped->init(&e);
}

static void test_warnings_muted(void)
{
	char err[256];
	wrapped = kas_port_open("ref", err, sizeof(err));
	if (!wrapped)
		return;
	static const struct { const char *rule, *text; } wc[] = {
		{ "SIZE-5W", "a = kmalloc 8388608 GFP_KERNEL\n" },
		{ "ZERO-6W", "a = vmalloc 0\n" },
		{ "KVMALLOC-4W", "a = kvmalloc 2147483648 GFP_KERNEL\n" },
	};
	struct kas_port mute = *wrapped;
	mute.init = mute_init;
	for (size_t i = 0; i < sizeof(wc) / sizeof(wc[0]); i++) {
		int ri = kas_rule_index(wc[i].rule);
		CHECK(ri >= 0, "no %s", wc[i].rule);
		if (ri < 0)
			continue;
		struct kas_spec *s = run(wrapped, "linux-6.12", wc[i].text, 0);
		if (s) {
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_PASS, "%s on ref: %s", wc[i].rule,
			      kas_status_name(kas_spec_status(s, (size_t)ri)));
			kas_spec_free(s);
		}
		s = run(&mute, "linux-6.12", wc[i].text, 0);
		if (s) {
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "%s on muted ref: %s", wc[i].rule,
			      kas_status_name(kas_spec_status(s, (size_t)ri)));
			if (getenv("KAS_TEST_VERBOSE"))
				printf("%-10s muted -> %s\n", wc[i].rule, kas_spec_tally(s, (size_t)ri)->message);
			kas_spec_free(s);
		}
	}
}

/* The kernel's order check in __alloc_pages is one WARN_ON_ONCE site that
 * page-allocator calls and kmalloc's large path share: a port that warns
 * there only once (as the kernel does) passes RECLAIM-11 on the first call
 * and is not failed on SIZE-5W by the kmalloc that follows; the muted port
 * fails RECLAIM-11 on that first call. */
static void (*real_warn)(void *, enum kas_warn_kind, const char *);
static bool large_warned;

static void warn_once_per_site(void *ctx, enum kas_warn_kind kind, const char *text)
{
	if (kind == KAS_WARN_TOO_LARGE) {
		if (large_warned)
			return;
		large_warned = true;
	}
	real_warn(ctx, kind, text);
}

static int once_init(const struct kas_port_env *env)
{
	static struct kas_port_env e;
	e = *env;
	large_warned = false;
	if (env->world) {
		mute_hooks = *env->world;
		real_warn = env->world->warn;
		mute_hooks.warn = warn_once_per_site;
		e.world = &mute_hooks;
	}
	return wrapped->init(&e);
}

static void test_shared_warn_site(void)
{
	char err[256];
	wrapped = kas_port_open("ref", err, sizeof(err));
	int r11 = kas_rule_index("RECLAIM-11"), s5w = kas_rule_index("SIZE-5W");
	if (!wrapped || r11 < 0 || s5w < 0)
		return;
	static const char text[] = "h = alloc_pages GFP_KERNEL 20\nb = kmalloc 8388608 GFP_KERNEL\n";
	struct kas_port once = *wrapped, mute = *wrapped;
	once.init = once_init;
	mute.init = mute_init;
	struct kas_spec *s = run(&once, "linux-6.12", text, 0);
	if (s) {
		CHECK(kas_spec_status(s, (size_t)r11) == KAS_PASS, "RECLAIM-11 on warn-once ref: %s",
		      kas_status_name(kas_spec_status(s, (size_t)r11)));
		CHECK(kas_spec_status(s, (size_t)s5w) != KAS_FAIL, "SIZE-5W on warn-once ref: %s (%s)",
		      kas_status_name(kas_spec_status(s, (size_t)s5w)), kas_spec_tally(s, (size_t)s5w)->message);
		kas_spec_free(s);
	}
	s = run(&mute, "linux-6.12", text, 0);
	if (s) {
		CHECK(kas_spec_status(s, (size_t)r11) == KAS_FAIL, "RECLAIM-11 on muted ref: %s",
		      kas_status_name(kas_spec_status(s, (size_t)r11)));
		kas_spec_free(s);
	}
}

int main(void)
{
	test_bug_cases();
	test_no_world_caps();
	test_modes_on_ref();
	test_usercopy();
	test_kvmalloc_flags();
	test_nofail_own_memory();
	test_warnings_muted();
	test_shared_warn_site();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("world rules: %zu + 5 broken variants caught, correct toy passes, ref modes differ\n",
	       sizeof(cases) / sizeof(cases[0]));
	return 0;
}
