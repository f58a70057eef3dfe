/* SPDX-License-Identifier: MIT */
/*
 * Harness tests: a small malloc-backed port with switchable bugs shows that
 * the harness's observations (zeroing, patterns, overlap, dead handles,
 * teardown) reach the spec and that each planted bug is reported under the
 * rule it breaks — and not reported when the bug is off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/trace.h"
#include "run_text.h"
#include "kas_test.h"


/* ---- a toy port: aligned_alloc with a size header, bugs on demand ---- */
enum bug { BUG_NONE, BUG_NO_ZERO, BUG_SCRIBBLE_NEIGHBOUR, BUG_SAME_POINTER };
static enum bug bug;
static size_t live_allocs, total_frees;
static void *last_obj;
static size_t last_size;

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
	if (bug == BUG_SAME_POINTER && last_obj)
		return last_obj;
	if (bug == BUG_SCRIBBLE_NEIGHBOUR && last_obj && last_size)
		((unsigned char *)last_obj)[last_size - 1] ^= 0xFF;
	size_t a = align_for(n);
	void *p = aligned_alloc(a, (n + a - 1) / a * a);
	if (p && (gfp & __GFP_ZERO) && bug != BUG_NO_ZERO)
		memset(p, 0, n);
	if (p && bug == BUG_NO_ZERO)
		memset(p, 0xAB, n);
	if (p) {
		live_allocs++;
		last_obj = p;
		last_size = n;
	}
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
	if (p == last_obj)
		last_obj = NULL;
	live_allocs--;
	total_frees++;
	free((void *)p);
}

static int toy_init(const struct kas_port_env *env)
{
	(void)env;
	live_allocs = total_frees = 0;
	last_obj = NULL;
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

int main(void)
{
	struct kas_trace_result res;
	struct kas_spec *s;

	/* clean run: every op executed, nothing fails, teardown frees leftovers */
	bug = BUG_NONE;
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

	/* kzalloc that does not zero -> ZERO-4 */
	bug = BUG_NO_ZERO;
	s = run("a = kzalloc 64 GFP_KERNEL\n", &res);
	CHECK(kas_test_status(s, "ZERO-4") == KAS_FAIL, "missing zeroing not caught");
	CHECK(res.first_fail_op == 0, "first fail op %zu", res.first_fail_op);
	kas_spec_free(s);

	/* writing into a live neighbour -> INTEGRITY-1 when it is freed */
	bug = BUG_SCRIBBLE_NEIGHBOUR;
	s = run("a = kmalloc 64 GFP_KERNEL\nb = kmalloc 64 GFP_KERNEL\nkfree a\nkfree b\n", &res);
	CHECK(kas_test_status(s, "INTEGRITY-1") == KAS_FAIL, "scribble not caught");
	kas_spec_free(s);

	/* the same pointer twice -> NO-OVERLAP */
	bug = BUG_SAME_POINTER;
	s = run("a = kmalloc 64 GFP_KERNEL\nb = kmalloc 64 GFP_KERNEL\n", &res);
	CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_FAIL, "overlap not caught");
	kas_spec_free(s);
	bug = BUG_NONE;

	/* the pattern is a function of the id and offset, distinct per object */
	CHECK(kas_pattern_byte(1, 0) != kas_pattern_byte(2, 0) ||
	      kas_pattern_byte(1, 1) != kas_pattern_byte(2, 1), "patterns of ids 1 and 2 agree");

	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
