/* SPDX-License-Identifier: MIT */
/*
 * Harness tests: a small malloc-backed port that counts its objects shows
 * that the harness's observations (zeroing, patterns, overlap, dead
 * handles, teardown) reach the spec, and the mutant ports (ports/mutants/)
 * show that each planted bug is reported under the rule it breaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/trace.h"
#include "run_text.h"
#include "kas_test.h"


/* ---- a toy port: aligned_alloc, counting what it hands out ---- */
static size_t live_allocs, total_frees;

static size_t align_for(size_t n)
{
	size_t a = 8;
	while (a < n && a < 4096)
		a <<= 1;
	return a;
}

static void *toy_kmalloc(size_t n, kas_gfp_t gfp)
{
	if (n == 0)
		return (void *)16;
	if (n > (4u << 20))
		return NULL;
	size_t a = align_for(n);
	void *p = aligned_alloc(a, (n + a - 1) / a * a);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, n);
	if (p)
		live_allocs++;
	return p;
}

static void *toy_kzalloc(size_t n, kas_gfp_t gfp)
{
	return toy_kmalloc(n, gfp | __GFP_ZERO);
}

static void toy_kfree(const void *p)
{
	if ((uintptr_t)p <= 16)
		return;
	live_allocs--;
	total_frees++;
	free((void *)p);
}

static int toy_init(const struct kas_port_env *env)
{
	(void)env;
	live_allocs = total_frees = 0;
	return 0;
}

static const struct kas_port toy = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "toy",
	.caps = KAS_CAP_KMALLOC,
	.init = toy_init,
	.kmalloc = toy_kmalloc,
	.kzalloc = toy_kzalloc,
	.kfree = toy_kfree,
};

/* Run text on the toy port; returns the spec (caller frees). */
static struct kas_spec *run(const char *text, struct kas_trace_result *res)
{
	return kas_test_run_text(&toy, toy.caps, text, res);
}

/* Run text on a mutant port: the status of `rule`, and the result. */
static enum kas_status on_mutant(const char *mutant, const char *text, const char *rule,
				 struct kas_trace_result *res)
{
	char err[256];
	const struct kas_port *p = kas_port_open(mutant, err, sizeof(err));
	CHECK(p != NULL, "no port %s: %s", mutant, err);
	if (!p)
		return KAS_UNTESTED;
	struct kas_spec *s = kas_test_run_text(p, kas_port_effective_caps(p), text, res);
	enum kas_status st = kas_test_status(s, rule);
	kas_spec_free(s);
	return st;
}

int main(void)
{
	struct kas_trace_result res;
	struct kas_spec *s;

	/* clean run: every op executed, nothing fails, teardown frees leftovers */
	s = run("a = kmalloc 64 GFP_KERNEL\nb = kzalloc 100 GFP_KERNEL\nc = kmalloc 0 GFP_KERNEL\nkfree a\n", &res);
	CHECK(res.fails == 0, "clean run failed %u times", res.fails);
	CHECK(res.ops_run >= 4, "ops_run %zu", res.ops_run);
	CHECK(live_allocs == 0 && total_frees == 2, "teardown left %zu live, %zu frees", live_allocs, total_frees);
	CHECK(kas_test_status(s, "ZERO-4") == KAS_PASS, "ZERO-4 should pass");
	CHECK(kas_test_status(s, "ZERO-1") == KAS_PASS, "ZERO-1 should pass");
	kas_spec_free(s);

	/* a freed handle is never passed to the port again */
	s = run("a = kmalloc 64 GFP_KERNEL\nkfree a\nkfree a\n", &res);
	CHECK(res.ops_skipped == 1 && total_frees == 1, "double free not skipped (%zu skipped, %zu frees)",
	      res.ops_skipped, total_frees);
	kas_spec_free(s);

	/* ... also once later objects reuse the dead object's index in the
	 * model: a handle is dead for good, and a bulk list naming it too */
	s = run("a = kmalloc 64 GFP_KERNEL\nkfree a\nb = kmalloc 64 GFP_KERNEL\n"
		"c = kmalloc 32 GFP_KERNEL\nkfree a\nkfree b\nkfree a\nkfree c\n", &res);
	CHECK(res.ops_skipped == 2 && total_frees == 3 && res.fails == 0,
	      "use after free through a reused index (%zu skipped, %zu frees, %u fails)",
	      res.ops_skipped, total_frees, res.fails);
	kas_spec_free(s);

	/* kzalloc that does not zero a recycled object -> ZERO-4, at that call */
	CHECK(on_mutant("mut-kzalloc-recycled", "a = kmalloc 64 GFP_KERNEL\nkfree a\n"
			"b = kzalloc 64 GFP_KERNEL\n", "ZERO-4", &res) == KAS_FAIL,
	      "missing zeroing not caught");
	CHECK(res.first_fail_op == 2, "first fail op %zu", res.first_fail_op);

	/* zeroing into a live neighbour -> INTEGRITY-1 when it is freed */
	CHECK(on_mutant("mut-kzalloc-overrun", "a = kmalloc 64 GFP_KERNEL\nb = kmalloc 64 GFP_KERNEL\n"
			"c = kmalloc 64 GFP_KERNEL\nd = kmalloc 64 GFP_KERNEL\ne = kmalloc 64 GFP_KERNEL\n"
			"kfree c\nz = kzalloc 64 GFP_KERNEL\nkfree a\nkfree b\nkfree d\nkfree e\n"
			"kfree z\n", "INTEGRITY-1", &res) == KAS_FAIL, "scribble not caught");

	/* the same object twice -> NO-OVERLAP */
	CHECK(on_mutant("mut-free-double-push", "a = kmalloc 64 GFP_KERNEL\nkfree a\n"
			"b = kmalloc 64 GFP_KERNEL\nc = kmalloc 64 GFP_KERNEL\n", "NO-OVERLAP",
			&res) == KAS_FAIL, "overlap not caught");

	/* the pattern is a function of the id and offset, distinct per object */
	CHECK(kas_pattern_byte(1, 0) != kas_pattern_byte(2, 0) ||
	      kas_pattern_byte(1, 1) != kas_pattern_byte(2, 1), "patterns of ids 1 and 2 agree");

	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
