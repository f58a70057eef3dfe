/* SPDX-License-Identifier: MIT */
/*
 * Checkers that can fail, one category at a time: a short trace runs through
 * the real harness on ref, where its rule is exercised and nothing fails,
 * then on the mutant port that plants one bug of that category
 * (ports/mutants/mutants.def), where exactly the expected rules fail, each
 * with a message and a counterexample that ends at the failing call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/port.h"
#include "kas_test.h"

struct mcase {
	const char *mutant;
	const char *profile;
	const char *rule;          /* the rule the bug breaks */
	const char *also_fail;     /* other rules the same trace must fail on the mutant, or NULL */
	const char *trace;
};

static const struct mcase cases[] = {
	{ "mut-align-lost-above-64", "linux-6.12", "ALIGN-2", "ALIGN-3",
	  "a = kmalloc 128 GFP_KERNEL\nb = kmalloc 128 GFP_KERNEL\nc = kmalloc 24 GFP_KERNEL\n"
	  "kfree a\nkfree b\nkfree c\n" },
	{ "mut-kmalloc0-null", "linux-6.12", "ZERO-1", NULL,
	  "a = kmalloc 0 GFP_KERNEL\nb = kzalloc 0 GFP_KERNEL\nkfree a\n" },
	{ "mut-krealloc-tail", "linux-6.12", "REALLOC-3", NULL,
	  "a = kmalloc 64 GFP_KERNEL\nb = krealloc a 200 GFP_KERNEL\nkfree b\n" },
	{ "mut-ksize-small", "linux-6.12", "SIZE-1", NULL,
	  "a = kmalloc 100 GFP_KERNEL\nksize a\nksize NULL\nkfree a\n" },
	{ "mut-kvfree-always-kfree", "linux-6.12", "FREE-2", NULL,
	  "v = vmalloc 10000\nk = kmalloc 64 GFP_KERNEL\nkvfree k\nkvfree v\n" },
	{ "mut-ctor-per-alloc", "linux-6.12", "CACHE-5", NULL,
	  "k = kmem_cache_create c 64 0 0 ctor\na = kmem_cache_alloc k GFP_KERNEL\n"
	  "b = kmem_cache_alloc k GFP_KERNEL\nkmem_cache_free k a\n"
	  "c = kmem_cache_alloc k GFP_KERNEL\nkmem_cache_free k b\nkmem_cache_free k c\n"
	  "kmem_cache_destroy k\n" },
	{ "mut-destroy-live-silent", "linux-6.12", "CACHE-3", NULL,
	  "k = kmem_cache_create c 64 0 0\na = kmem_cache_alloc k GFP_KERNEL\n"
	  "kmem_cache_destroy k\ne = kmem_cache_create d 64 0 0\nkmem_cache_destroy e\n" },
	{ "mut-kvmalloc-half-page-vmalloc", "linux-6.12", "KVMALLOC-1", NULL,
	  "a = kvmalloc 3000 GFP_KERNEL\nkvfree a\n" },
	{ "mut-struct-size-add-wraps", "linux-6.12", "OVERFLOW-5", NULL,
	  "size_add 1 2\nstruct_size SIZE_MAX 8 1\nstruct_size 8 SIZE_MAX 2\n" },
	{ "mut-overflow-mul-wraps", "linux-6.12", "OVERFLOW-3", "OVERFLOW-2",
	  "size_mul SIZE_MAX 2\nsize_mul 3 4\narray3_size SIZE_MAX 2 2\n" },
	{ "mut-kfree-zsp", "linux-6.12", "ZERO-3", NULL,
	  "a = kmalloc 0 GFP_KERNEL\nkfree a\nkfree NULL\n" },
};

static const struct kas_port *open_port(const char *name)
{
	char err[256];
	const struct kas_port *p = kas_port_open(name, err, sizeof(err));
	CHECK(p != NULL, "no port %s: %s", name, err);
	return p;
}

/* Run one trace; returns the spec (caller frees) for inspection. */
static struct kas_spec *run(const struct mcase *mc, const struct kas_port *port, struct kas_trace *t)
{
	const struct kas_profile *p = kas_profile_find(mc->profile);
	struct kas_parse_error err;
	kas_trace_init(t);
	if (!p || kas_trace_parse(t, mc->trace, strlen(mc->trace), mc->mutant, p, p, &err) != 0) {
		char msg[600];
		kas_parse_error_format(&err, msg, sizeof(msg));
		CHECK(0, "%s: %s", mc->mutant, msg);
		kas_trace_free(t);
		return NULL;
	}
	struct kas_spec *s = kas_spec_new(p, kas_port_effective_caps(port));
	struct kas_trace_result res;
	CHECK(kas_run_trace(port, s, t, NULL, &res) == 0, "%s: init failed", mc->mutant);
	return s;
}

static bool listed(const char *id, const struct mcase *mc)
{
	return strcmp(id, mc->rule) == 0 || (mc->also_fail && strcmp(id, mc->also_fail) == 0);
}

static void run_case(const struct mcase *mc, const struct kas_port *ref)
{
	struct kas_trace t;
	int ri = kas_rule_index(mc->rule);
	const struct kas_port *mutant = open_port(mc->mutant);
	CHECK(ri >= 0, "%s: unknown rule %s", mc->mutant, mc->rule);
	if (ri < 0 || !mutant)
		return;

	/* ref: the rule is exercised and nothing fails */
	struct kas_spec *s = run(mc, ref, &t);
	if (!s)
		return;
	CHECK(kas_spec_tally(s, ri)->exercised > 0, "%s: %s not exercised on ref", mc->mutant,
	      mc->rule);
	CHECK(kas_spec_status(s, ri) == KAS_PASS, "%s: %s is %s on ref", mc->mutant, mc->rule,
	      kas_status_name(kas_spec_status(s, ri)));
	for (size_t r = 0; r < kas_rule_count(); r++)
		CHECK(kas_spec_tally(s, r)->failed == 0, "%s: ref fails %s: %s", mc->mutant,
		      kas_rule_at(r)->id, kas_spec_tally(s, r)->message);
	kas_spec_free(s);
	kas_trace_free(&t);

	/* the mutant: exactly the expected rules fail, with a counterexample */
	s = run(mc, mutant, &t);
	if (!s)
		return;
	for (size_t r = 0; r < kas_rule_count(); r++) {
		const struct kas_tally *ty = kas_spec_tally(s, r);
		const char *id = kas_rule_at(r)->id;
		if (listed(id, mc)) {
			CHECK(ty->failed > 0 && kas_spec_status(s, r) == KAS_FAIL,
			      "%s: the bug is not caught by %s", mc->mutant, id);
			CHECK(ty->message[0] != '\0', "%s: %s failed without a message", mc->mutant, id);
			CHECK(ty->has_counterexample &&
			      (ty->fail_op >= t.nops || ty->counterexample.nops == ty->fail_op + 1),
			      "%s: %s has no counterexample prefix", mc->mutant, id);
		} else {
			CHECK(ty->failed == 0, "%s: unexpected failure of %s: %s", mc->mutant, id,
			      ty->message);
		}
	}
	printf("%-32s %-12s caught: %s\n", mc->mutant, mc->rule, kas_spec_tally(s, ri)->message);
	kas_spec_free(s);
	kas_trace_free(&t);
}

int main(void)
{
	const struct kas_port *ref = open_port("ref");
	if (!ref)
		return 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], ref);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
