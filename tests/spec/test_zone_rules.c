/* SPDX-License-Identifier: MIT */
/*
 * ZONE-1..4, 7, 8, ACCOUNT-2/3 and USERCOPY-1 can fail: each case runs on
 * the mutant port that plants the rule's bug (flags lost or added on the
 * way in, a cache flag dropped, a permissive usercopy check) and the rule
 * must FAIL on it, while the same trace on the unmodified ref
 * port exercises and PASSes the rule with no failure anywhere.  Then the
 * witnesses' contrasts are real: GFP_HIGHUSER_MOVABLE does land in
 * ZONE_MOVABLE on ref while __GFP_MOVABLE alone does not, the memcg limit
 * does refuse the last SLAB_ACCOUNT object and vmalloc area, and the
 * bad-flags kmalloc does warn.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kas_test.h"


#define MAXOPS 64
static struct kas_call calls[MAXOPS];

static void keep_call(void *arg, const struct kas_call *c)
{
	(void)arg;
	if (c->index < MAXOPS)
		calls[c->index] = *c;
}

static struct kas_spec *run(const struct kas_port *port, const char *profile, const char *text)
{
	struct kas_trace t;
	struct kas_parse_error err;
	kas_trace_init(&t);
	memset(calls, 0, sizeof(calls));
	const struct kas_profile *p = kas_profile_find(profile);
	CHECK(p != NULL, "no profile %s", profile);
	if (!p)
		return NULL;
	if (kas_trace_parse(&t, text, strlen(text), "zone-rules", NULL, p, &err)) {
		CHECK(false, "parse: %u:%u %s", err.line, err.col, err.msg);
		return NULL;
	}
	struct kas_spec *s = kas_spec_new(p, kas_port_effective_caps(port));
	struct kas_harness_opts o = { 0 };
	o.on_call = keep_call;
	struct kas_trace_result res;
	CHECK(kas_run_trace(port, s, &t, &o, &res) == 0, "run");
	kas_trace_free(&t);
	return s;
}

static const struct kas_port *REF;

/* Each case: a trace, the rule it exercises, and the mutant port
 * (ports/mutants/mutants.def) whose planted bug that rule must catch. */
struct bug_case {
	const char *mutant;
	const char *rule;
	const char *trace;
	const char *profiles;   /* where the bug shows (NULL: every profile below) */
};

static const struct bug_case cases[] = {
	{ "mut-large-kmalloc-unfixed", "ZONE-1", "a = kmalloc 16384 GFP_KERNEL|__GFP_DMA32\n", NULL },
	{ "mut-kmalloc-type-rcl-first", "ZONE-2", "a = kmalloc 64 GFP_KERNEL|GFP_DMA|__GFP_RECLAIMABLE\n", NULL },
	{ "mut-gfp-pages-keep-highmem", "ZONE-3", "a = __get_free_pages GFP_HIGHUSER 0\n", NULL },
	{ "mut-vmalloc-highmem-always", "ZONE-4", "a = __vmalloc_node 8192 4096 GFP_KERNEL|GFP_DMA32\n", NULL },
	{ "mut-movable-without-highmem", "ZONE-7", "a = alloc_pages GFP_KERNEL|__GFP_MOVABLE 0\n", NULL },
	{ "mut-cache-dma32-ignored", "ZONE-8",
	  "k = kmem_cache_create d32 200 0 SLAB_CACHE_DMA32\na = kmem_cache_alloc k GFP_KERNEL\n", NULL },
	{ "mut-slab-account-needs-gfp", "ACCOUNT-2",
	  "memcg_limit 3\nk = kmem_cache_create acct 2048 0 SLAB_ACCOUNT\n"
	  "a = kmem_cache_alloc k GFP_KERNEL\n", NULL },
	{ "mut-vmalloc-bulk-unaccounted", "ACCOUNT-3", "memcg_limit 16\na = __vmalloc 8192 GFP_KERNEL_ACCOUNT\n", NULL },
	/* before 5.16 the usercopy fallback is what the kernel did */
	{ "mut-usercopy-fallback", "USERCOPY-1",
	  "k = kmem_cache_create plain 128 0 0\na = kmem_cache_alloc k GFP_KERNEL\ncopy_to_user a 0 16\n",
	  "linux-6.12 linux-latest" },
};

static const char *const profiles[] = { "linux-5.15", "linux-6.12", "linux-latest" };

static void test_bug_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bug_case *bc = &cases[i];
		int ri = kas_rule_index(bc->rule);
		CHECK(ri >= 0, "unknown rule %s", bc->rule);
		if (ri < 0)
			continue;
		for (size_t pi = 0; pi < sizeof(profiles) / sizeof(profiles[0]); pi++) {
			const char *prof = profiles[pi];
			if (!kas_rule_in_profile(kas_rule_at((size_t)ri), kas_profile_find(prof)) ||
			    (bc->profiles && !strstr(bc->profiles, prof)))
				continue;
			struct kas_spec *s = run(REF, prof, bc->trace);
			if (!s)
				continue;
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_PASS, "%s [%s] on ref: %s", bc->rule,
			      prof, kas_status_name(kas_spec_status(s, (size_t)ri)));
			for (size_t r = 0; r < kas_rule_count(); r++)
				CHECK(kas_spec_tally(s, r)->failed == 0, "%s [%s]: ref fails %s: %s",
				      bc->rule, prof, kas_rule_at(r)->id, kas_spec_tally(s, r)->message);
			kas_spec_free(s);

			char err[256];
			const struct kas_port *bad = kas_port_open(bc->mutant, err, sizeof(err));
			CHECK(bad != NULL, "no port %s: %s", bc->mutant, err);
			s = bad ? run(bad, prof, bc->trace) : NULL;
			if (!s)
				continue;
			const struct kas_tally *ty = kas_spec_tally(s, (size_t)ri);
			CHECK(kas_spec_status(s, (size_t)ri) == KAS_FAIL, "%s [%s]: %s not caught: %s",
			      bc->rule, prof, bc->mutant, kas_status_name(kas_spec_status(s, (size_t)ri)));
			if (getenv("KAS_TEST_VERBOSE"))
				printf("%-10s [%s] %s -> %s: %s\n", bc->rule, prof, bc->mutant,
				       kas_status_name(kas_spec_status(s, (size_t)ri)), ty->message);
			kas_spec_free(s);
		}
	}
}

/* The witnesses show what their rules are about on ref, in every profile. */
static void test_witness_contrasts(void)
{
	const uint8_t movable = 1u << KAS_ZONE_MOVABLE;
	for (size_t pi = 0; pi < kas_profile_count(); pi++) {
		const char *prof = kas_profile_at(pi)->name;
		const char *text = kas_test_witness("ZONE-7.ktrace");
		struct kas_spec *s = text ? run(REF, prof, text) : NULL;
		if (s) {
			/* a = GFP_HIGHUSER_MOVABLE, d = GFP_KERNEL|__GFP_MOVABLE, e = __get_free_pages */
			CHECK(calls[0].obs.zone_known && (calls[0].obs.zone_mask & movable),
			      "[%s] GFP_HIGHUSER_MOVABLE did not reach ZONE_MOVABLE", prof);
			CHECK(calls[3].obs.zone_known && !(calls[3].obs.zone_mask & movable),
			      "[%s] __GFP_MOVABLE alone reached ZONE_MOVABLE", prof);
			CHECK(calls[4].obs.zone_known && !(calls[4].obs.zone_mask & movable),
			      "[%s] __get_free_pages reached ZONE_MOVABLE", prof);
			kas_spec_free(s);
		}
		text = kas_test_witness("ACCOUNT-2.ktrace");
		s = text ? run(REF, prof, text) : NULL;
		if (s) {
			/* ops 2..7 fill the 3-page memcg (two 2048-byte objects a page), op 8 is refused */
			for (int i = 2; i <= 7; i++)
				CHECK(calls[i].ret != 0, "[%s] ACCOUNT-2 op %d failed", prof, i);
			CHECK(calls[8].ret == 0 && calls[8].world.memcg_charge_fails,
			      "[%s] the memcg limit did not refuse the 7th object", prof);
			CHECK(calls[12].ret != 0, "[%s] freed objects did not make room", prof);
			kas_spec_free(s);
		}
		text = kas_test_witness("ACCOUNT-3.ktrace");
		s = text ? run(REF, prof, text) : NULL;
		if (s) {
			CHECK(calls[4].ret == 0 && calls[4].world.memcg_charge_fails,
			      "[%s] vmalloc over the memcg limit was not refused", prof);
			CHECK(calls[6].ret != 0, "[%s] vfree did not uncharge", prof);
			kas_spec_free(s);
		}
		text = kas_test_witness("ZONE-1.ktrace");
		s = text ? run(REF, prof, text) : NULL;
		if (s) {
			CHECK(calls[0].obs.warn_kinds & (1u << KAS_WARN_BAD_FLAGS),
			      "[%s] kmalloc(__GFP_DMA32) did not warn", prof);
			kas_spec_free(s);
		}
	}
}

int main(void)
{
	char err[256];
	REF = kas_port_open("ref", err, sizeof(err));
	if (!REF) {
		printf("no ref port (%s)\n", err);
		return 1;
	}
	test_bug_cases();
	test_witness_contrasts();
	if (failures) {
		fprintf(stderr, "test_zone_rules: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_zone_rules: ok\n");
	return 0;
}
