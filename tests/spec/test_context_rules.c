/* SPDX-License-Identifier: MIT */
/*
 * SCOPE-3..7 and CONTEXT-2..8 can fail.  Each witness runs on the reference
 * port, where its rule must PASS with no failure anywhere, and then on the
 * mutant port that plants the bug the rule is about (ports/mutants/), where
 * that rule must FAIL:
 *   - scope bugs: a cached scope answer (sticky), an ignored pin scope, a
 *     dropped PF_MEMALLOC, a slow path that forgets the scope;
 *   - context bugs: a might_sleep() a correct port leaves out (vfree
 *     without the in_interrupt() deferral, a sleeping bulk free, ...);
 *   - vmalloc with the pre-5.17 habit of allocating as GFP_KERNEL inside.
 * The witnesses' caller bugs (NMI, vfree under a spinlock, bulk frees with
 * interrupts off, ...) must be refused as caller errors, never run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/world.h"
#include "kas_test.h"


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
	const char *mutant;    /* the port with the bug (ports/mutants/mutants.def) */
	const char *profile;
	unsigned min_vetoes;   /* caller bugs the witness contains */
};

static const struct bug_case cases[] = {
	{ "SCOPE-3", "mut-scope-sticky", "linux-6.12", 0 },
	{ "SCOPE-4", "mut-pin-scope-ignored", "linux-6.12", 0 },
	{ "SCOPE-4", "mut-pin-scope-ignored", "linux-5.15", 0 },
	{ "SCOPE-5", "mut-noreclaim-scope-ignored", "linux-6.12", 0 },
	{ "SCOPE-6", "mut-vmalloc-pages-gfp-kernel", "linux-6.6", 0 },
	{ "SCOPE-7", "mut-slowpath-unscoped", "linux-6.12", 0 },
	{ "CONTEXT-2", "mut-slowpath-resched-first", "linux-6.12", 1 },
	{ "CONTEXT-3", "mut-vmalloc-might-sleep", "linux-latest", 1 },
	{ "CONTEXT-4", "mut-vfree-no-irq-defer", "linux-6.1", 2 },
	{ "CONTEXT-5", "mut-vfree-no-irq-defer", "linux-6.12", 2 },
	{ "CONTEXT-6", "mut-free-pages-sleeps", "linux-5.15", 1 },
	{ "CONTEXT-7", "mut-bulk-free-resched", "linux-6.12", 2 },
	{ "CONTEXT-8", "mut-rcu-head-mightsleep", "linux-6.12", 3 },
	{ "CONTEXT-8", "mut-rcu-head-mightsleep", "linux-6.6", 3 },
};

static const struct kas_port *open_port(const char *name)
{
	char err[256];
	const struct kas_port *p = kas_port_open(name, err, sizeof(err));
	CHECK(p != NULL, "no port %s: %s", name, err);
	return p;
}

int main(void)
{
	const struct kas_port *ref = open_port("ref");
	if (!ref)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bug_case *bc = &cases[i];
		int ri = kas_rule_index(bc->rule);
		CHECK(ri >= 0, "unknown rule %s", bc->rule);
		if (ri < 0)
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s.ktrace", KAS_WITNESS_DIR, bc->rule);

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

		const struct kas_port *bad = open_port(bc->mutant);
		s = bad ? run(bad, bc->profile, path) : NULL;
		if (s) {
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "%s [%s]: %s not caught: %s",
			      bc->rule, bc->profile, bc->mutant,
			      kas_status_name(kas_spec_status(s, (size_t)ri)));
			if (getenv("KAS_TEST_VERBOSE"))
				printf("%-10s [%s] %s -> %s: %s\n", bc->rule, bc->profile, bc->mutant,
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
	const struct kas_port *old = open_port("mut-rcu-head-mightsleep");
	s8 = old ? run(old, "linux-6.1", c8path) : NULL;
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
	printf("context rules: %zu mutants caught, ref passes every witness\n",
	       sizeof(cases) / sizeof(cases[0]));
	return 0;
}
