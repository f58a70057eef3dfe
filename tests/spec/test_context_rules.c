/* SPDX-License-Identifier: MIT */
/*
 * SCOPE-3..7 and CONTEXT-2..8 can fail.  Each witness runs on the reference
 * port, where its rule must PASS with no failure anywhere, and then on a
 * wrapper around ref with one deliberate mistake, where that rule must
 * FAIL:
 *   - scope bugs are made in the world answers ref sees (its gfp_context
 *     hook): a port that caches scope answers (sticky), ignores the pin
 *     scope, drops PF_MEMALLOC, or never asks;
 *   - context bugs are a might_sleep() a correct port leaves out (vfree
 *     without the in_interrupt() deferral, a sleeping bulk free, ...);
 *   - vmalloc with the pre-5.17 habit of allocating as GFP_KERNEL inside.
 * The witnesses' caller bugs (NMI, vfree under a spinlock, bulk frees with
 * interrupts off, ...) must be vetoed as undefined, never run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/world.h"
#include "kas_test.h"


enum bug {
	BUG_NONE = 0,
	BUG_STICKY_SCOPE,     /* keeps removing FS/IO once a scope removed them (SCOPE-3) */
	BUG_PIN_IGNORED,      /* keeps __GFP_MOVABLE in a pin scope (SCOPE-4) */
	BUG_NO_PFMEMALLOC,    /* drops the noreclaim scope's __GFP_MEMALLOC (SCOPE-5) */
	BUG_VMALLOC_KERNEL,   /* vmalloc allocates as GFP_KERNEL inside (SCOPE-6) */
	BUG_NO_SCOPES,        /* never applies the task's scopes (SCOPE-7) */
	BUG_ALLOC_SLEEPS,     /* might_sleep() in every allocation (CONTEXT-2) */
	BUG_VMALLOC_SLEEPS,   /* might_sleep() in __vmalloc whatever the gfp (CONTEXT-3) */
	BUG_VFREE_SLEEPS,     /* vfree without the in_interrupt() deferral (CONTEXT-4) */
	BUG_KVFREE_SLEEPS,    /* (CONTEXT-5) */
	BUG_FREE_PAGES_SLEEP, /* (CONTEXT-6) */
	BUG_BULK_SLEEPS,      /* cond_resched() in the bulk functions (CONTEXT-7) */
	BUG_RCU_HEAD_SLEEPS,  /* kfree_rcu(ptr, rhf) served like kfree_rcu_mightsleep (CONTEXT-8) */
};

static const struct kas_port *ref;
static enum bug bug;
static struct kas_world_hooks hooks;     /* what the wrapped ref sees */
static const struct kas_world_hooks *real;
static kas_gfp_t sticky;

static kas_gfp_t bad_gfp_context(void *ctx, kas_gfp_t gfp)
{
	kas_gfp_t out = real->gfp_context(ctx, gfp);
	switch (bug) {
	case BUG_STICKY_SCOPE:
		sticky |= gfp & ~out & (__GFP_FS | __GFP_IO);
		return out & ~sticky;
	case BUG_PIN_IGNORED:
		return out | (gfp & __GFP_MOVABLE);
	case BUG_NO_PFMEMALLOC:
		return out & ~(__GFP_MEMALLOC & ~gfp);
	case BUG_NO_SCOPES:
		return gfp;
	default:
		return out;
	}
}

static int bad_init(const struct kas_port_env *env)
{
	static struct kas_port_env e;
	e = *env;
	sticky = 0;
	real = env->world;
	if (env->world) {
		hooks = *env->world;
		if (hooks.gfp_context)
			hooks.gfp_context = bad_gfp_context;
		e.world = &hooks;
	}
	return ref->init(&e);
}

static void nap(void)
{
	if (real && real->may_sleep)
		real->may_sleep(real->ctx, KAS_GFP_KERNEL);
}

static void *w_alloc_pages(kas_gfp_t g, unsigned o) { nap(); return ref->alloc_pages(g, o); }
static void *w_kmalloc(size_t n, kas_gfp_t g) { nap(); return ref->kmalloc(n, g); }
static void *w_vmalloc_gfp(size_t n, kas_gfp_t g)
{
	if (bug == BUG_VMALLOC_SLEEPS)
		nap();
	return ref->vmalloc_gfp(n, bug == BUG_VMALLOC_KERNEL ? g | __GFP_FS | __GFP_IO : g);
}
static void *w_vmalloc_node(size_t n, size_t a, kas_gfp_t g)
{
	if (bug == BUG_VMALLOC_SLEEPS)
		nap();
	return ref->vmalloc_node_align(n, a, bug == BUG_VMALLOC_KERNEL ? g | __GFP_FS | __GFP_IO : g);
}
static void w_vfree(const void *p) { nap(); ref->vfree(p); }
static void w_kvfree(const void *p) { nap(); ref->kvfree(p); }
static void w_free_pages(unsigned long a, unsigned o) { nap(); ref->free_pages(a, o); }
static void w_free_pages_page(void *p, unsigned o) { nap(); ref->free_pages_page(p, o); }
static void w_cache_free_bulk(void *c, size_t n, void **p) { nap(); ref->kmem_cache_free_bulk(c, n, p); }
static void w_kfree_bulk(size_t n, void **p) { nap(); ref->kfree_bulk(n, p); }
/* ignores the head: might_sleep() and the head-less path */
static void w_kvfree_rcu_arg_2(void *p, size_t off) { (void)off; nap(); ref->kvfree_rcu(p); }

static struct kas_port broken(enum bug b)
{
	struct kas_port p = *ref;
	p.init = bad_init;
	switch (b) {
	case BUG_ALLOC_SLEEPS: p.alloc_pages = w_alloc_pages; p.kmalloc = w_kmalloc; break;
	case BUG_VMALLOC_KERNEL: case BUG_VMALLOC_SLEEPS:
		p.vmalloc_gfp = w_vmalloc_gfp;
		p.vmalloc_node_align = w_vmalloc_node;
		break;
	case BUG_VFREE_SLEEPS: p.vfree = w_vfree; break;
	case BUG_KVFREE_SLEEPS: p.kvfree = w_kvfree; break;
	case BUG_FREE_PAGES_SLEEP: p.free_pages = w_free_pages; p.free_pages_page = w_free_pages_page; break;
	case BUG_BULK_SLEEPS: p.kmem_cache_free_bulk = w_cache_free_bulk; p.kfree_bulk = w_kfree_bulk; break;
	case BUG_RCU_HEAD_SLEEPS: p.kvfree_rcu_arg_2 = w_kvfree_rcu_arg_2; break;
	default: break;
	}
	return p;
}

static unsigned vetoed;

static void count_veto(void *arg, const struct kas_call *c)
{
	(void)arg;
	if (c->status == KAS_CALL_SKIPPED && c->skip == KAS_SKIP_UNDEFINED)
		vetoed++;
}

static struct kas_spec *run(const struct kas_port *port, const char *profile, const char *path)
{
	const struct kas_profile *p = kas_profile_find(profile);
	struct kas_trace t;
	struct kas_parse_error err;
	kas_trace_init(&t);
	if (!p || kas_trace_parse_file(&t, path, NULL, p, &err)) {
		CHECK(false, "%s: cannot parse for %s", path, profile);
		kas_trace_free(&t);
		return NULL;
	}
	struct kas_spec *s = kas_spec_new(p, kas_port_effective_caps(port));
	struct kas_harness_opts o = { 0 };
	o.on_call = count_veto;
	const char *pool = kas_trace_meta(&t, "pool-bytes");
	if (pool)
		o.pool_bytes = (size_t)strtoull(pool, NULL, 0);
	struct kas_trace_result res;
	vetoed = 0;
	CHECK(kas_run_trace(port, s, &t, &o, &res) == 0, "%s: run", path);
	kas_trace_free(&t);
	return s;
}

struct bug_case {
	const char *rule;
	enum bug bug;
	const char *profile;
	unsigned min_vetoes;   /* caller bugs the witness contains */
};

static const struct bug_case cases[] = {
	{ "SCOPE-3", BUG_STICKY_SCOPE, "linux-6.12", 0 },
	{ "SCOPE-4", BUG_PIN_IGNORED, "linux-6.12", 0 },
	{ "SCOPE-4", BUG_PIN_IGNORED, "linux-5.15", 0 },
	{ "SCOPE-5", BUG_NO_PFMEMALLOC, "linux-6.12", 0 },
	{ "SCOPE-6", BUG_VMALLOC_KERNEL, "linux-6.6", 0 },
	{ "SCOPE-7", BUG_NO_SCOPES, "linux-6.12", 0 },
	{ "CONTEXT-2", BUG_ALLOC_SLEEPS, "linux-6.12", 1 },
	{ "CONTEXT-3", BUG_VMALLOC_SLEEPS, "linux-latest", 1 },
	{ "CONTEXT-4", BUG_VFREE_SLEEPS, "linux-6.1", 2 },
	{ "CONTEXT-5", BUG_KVFREE_SLEEPS, "linux-6.12", 2 },
	{ "CONTEXT-6", BUG_FREE_PAGES_SLEEP, "linux-5.15", 1 },
	{ "CONTEXT-7", BUG_BULK_SLEEPS, "linux-6.12", 2 },
	{ "CONTEXT-8", BUG_RCU_HEAD_SLEEPS, "linux-6.12", 3 },
	{ "CONTEXT-8", BUG_RCU_HEAD_SLEEPS, "linux-6.6", 3 },
};

int main(void)
{
	char err[256];
	ref = kas_port_open("ref", err, sizeof(err));
	if (!ref) {
		fprintf(stderr, "no ref port: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bug_case *bc = &cases[i];
		int ri = kas_rule_index(bc->rule);
		CHECK(ri >= 0, "unknown rule %s", bc->rule);
		if (ri < 0)
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s.ktrace", KAS_WITNESS_DIR, bc->rule);

		bug = BUG_NONE;
		struct kas_spec *s = run(ref, bc->profile, path);
		if (s) {
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_PASS, "%s [%s] on ref: %s", bc->rule,
			      bc->profile, kas_status_name(kas_spec_status(s, (size_t)ri)));
			for (size_t r = 0; r < kas_rule_count(); r++)
				CHECK(kas_spec_tally(s, r)->failed == 0, "%s witness [%s]: ref fails %s: %s",
				      bc->rule, bc->profile, kas_rule_at(r)->id, kas_spec_tally(s, r)->message);
			CHECK(vetoed >= bc->min_vetoes, "%s witness [%s]: %u caller bugs vetoed, expected "
			      ">= %u", bc->rule, bc->profile, vetoed, bc->min_vetoes);
			kas_spec_free(s);
		}

		bug = bc->bug;
		struct kas_port bad = broken(bc->bug);
		s = run(&bad, bc->profile, path);
		bug = BUG_NONE;
		if (s) {
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "%s [%s]: broken variant %d not "
			      "caught: %s", bc->rule, bc->profile, (int)bc->bug,
			      kas_status_name(kas_spec_status(s, (size_t)ri)));
			if (getenv("KAS_TEST_VERBOSE"))
				printf("%-10s [%s] bug %2d -> %s: %s\n", bc->rule, bc->profile, (int)bc->bug,
				       kas_status_name(kas_spec_status(s, (size_t)ri)),
				       kas_spec_tally(s, (size_t)ri)->message);
			kas_spec_free(s);
		}
	}
	/* CONTEXT-8: a port without the two-argument kfree_rcu is UNSUPPORTED,
	 * and before 6.3 the rule does not apply: the sleeping variant is not
	 * judged there */
	int c8 = kas_rule_index("CONTEXT-8");
	char c8path[1024];
	snprintf(c8path, sizeof(c8path), "%s/CONTEXT-8.ktrace", KAS_WITNESS_DIR);
	struct kas_port none = *ref;
	none.caps &= ~(uint32_t)KAS_CAP_RCU_HEAD;
	none.kvfree_rcu_arg_2 = NULL;
	struct kas_spec *s8 = run(&none, "linux-6.12", c8path);
	if (s8 && c8 >= 0) {
		CHECK(kas_spec_status(s8, (size_t)c8) == KAS_UNSUPPORTED, "CONTEXT-8 without the "
		      "entry: %s", kas_status_name(kas_spec_status(s8, (size_t)c8)));
		kas_spec_free(s8);
	}
	bug = BUG_RCU_HEAD_SLEEPS;
	struct kas_port old = broken(BUG_RCU_HEAD_SLEEPS);
	s8 = run(&old, "linux-6.1", c8path);
	bug = BUG_NONE;
	if (s8 && c8 >= 0) {
		CHECK(kas_spec_status(s8, (size_t)c8) != KAS_FAIL &&
		      !kas_rule_in_profile(kas_rule_at((size_t)c8), kas_profile_find("linux-6.1")),
		      "CONTEXT-8 judged under linux-6.1");
		kas_spec_free(s8);
	}
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("context rules: %zu broken variants caught, ref passes every witness\n",
	       sizeof(cases) / sizeof(cases[0]));
	return 0;
}
