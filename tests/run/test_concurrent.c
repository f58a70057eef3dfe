/* SPDX-License-Identifier: MIT */
/*
 * concurrent_kmalloc (run/concurrent.c): a thread-safe malloc port passes
 * NO-OVERLAP and INTEGRITY-1 under it; a port that hands the same memory
 * to every caller fails NO-OVERLAP, one that writes into the object it
 * handed out before fails INTEGRITY-1; a port without KAS_CAP_THREADS is
 * UNSUPPORTED; out-of-range arguments skip the op.  The reference port
 * passes too (under the TSan preset this is the op's race check).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/trace.h"
#include "run_text.h"
#include "kas_test.h"


/* The harness's own test of what threads see, not a test of the allocator:
 * its two bugs are deterministic whatever the threads' timing and free of
 * data races (the TSan lane runs this test).  No mutant of ref is both --
 * a double handout corrupts ref's freelists and crashes the process, and a
 * write into another thread's object is a data race -- so the planted bugs
 * of the mutant ports (ports/mutants/) stay out of this one test. */
enum bug { BUG_NONE, BUG_ONE_BUFFER, BUG_SCRIBBLE_LAST };
static enum bug bug;
static atomic_size_t allocs, frees;
static pthread_mutex_t last_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *last_obj;   /* BUG_SCRIBBLE_LAST: the previous result */
static unsigned char one_buffer[1 << 16];

static void *mt_kmalloc(size_t n, kas_gfp_t gfp)
{
	(void)gfp;
	if (n == 0)
		return (void *)16;
	if (bug == BUG_ONE_BUFFER)
		return n <= sizeof(one_buffer) ? one_buffer : NULL;
	unsigned char *p = malloc(n);
	if (!p)
		return NULL;
	atomic_fetch_add(&allocs, 1);
	if (bug == BUG_SCRIBBLE_LAST) {
		/* a write into the object this port handed out just before,
		 * which its owner still holds: under the lock, so the port
		 * itself has no data race, only the bug */
		pthread_mutex_lock(&last_lock);
		if (last_obj)
			last_obj[0] ^= 0x5A;
		last_obj = p;
		pthread_mutex_unlock(&last_lock);
	}
	return p;
}

static void mt_kfree(const void *p)
{
	if ((uintptr_t)p <= 16 || p == one_buffer)
		return;
	if (bug == BUG_SCRIBBLE_LAST) {
		pthread_mutex_lock(&last_lock);
		if (last_obj == p)
			last_obj = NULL;
		pthread_mutex_unlock(&last_lock);
	}
	atomic_fetch_add(&frees, 1);
	free((void *)p);
}

static const struct kas_port mt = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "mt",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_THREADS,
	.kmalloc = mt_kmalloc,
	.kfree = mt_kfree,
};

extern const struct kas_port kas_port_ref;

static const struct kas_port st = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "single-threaded",
	.caps = KAS_CAP_KMALLOC,
	.kmalloc = mt_kmalloc,
	.kfree = mt_kfree,
};

static struct kas_spec *run(const struct kas_port *port, const char *text,
			    struct kas_trace_result *res)
{
	return kas_test_run_text(port, kas_port_effective_caps(port), text, res);
}

int main(void)
{
	struct kas_trace_result res;
	struct kas_spec *s;
	const char *race = "a = kmalloc 64 GFP_KERNEL\nconcurrent_kmalloc 4 3000 48\nkfree a\n";

	bug = BUG_NONE;
	s = run(&mt, race, &res);
	/* (malloc does not align kmalloc 64 naturally: ALIGN rules may fail) */
	CHECK(res.ops_run == 3, "clean port: %zu ops run", res.ops_run);
	CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_PASS, "NO-OVERLAP should pass");
	CHECK(kas_test_status(s, "INTEGRITY-1") == KAS_PASS, "INTEGRITY-1 should pass");
	CHECK(atomic_load(&allocs) == 4 * 3000 + 1 && atomic_load(&frees) == atomic_load(&allocs),
	      "every object freed: %zu allocs, %zu frees", atomic_load(&allocs),
	      atomic_load(&frees));
	kas_spec_free(s);

	/* the op alone decides the verdict: NO-OVERLAP must not pass vacuously */
	s = run(&mt, "concurrent_kmalloc 2 100 8\n", &res);
	CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_PASS && kas_test_status(s, "INTEGRITY-1") == KAS_PASS,
	      "concurrent_kmalloc alone exercises both rules");
	kas_spec_free(s);

	bug = BUG_ONE_BUFFER;
	s = run(&mt, "concurrent_kmalloc 2 100 64\n", &res);
	CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_FAIL, "one shared buffer must fail NO-OVERLAP");
	kas_spec_free(s);

	bug = BUG_SCRIBBLE_LAST;
	s = run(&mt, "concurrent_kmalloc 2 500 32\n", &res);
	CHECK(kas_test_status(s, "INTEGRITY-1") == KAS_FAIL, "a write into a held object must fail "
	      "INTEGRITY-1");
	CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_PASS, "distinct objects do not overlap");
	kas_spec_free(s);

	bug = BUG_ONE_BUFFER;
	s = run(&st, "concurrent_kmalloc 2 100 64\n", &res);
	CHECK(res.ops_unsupported == 1 && res.fails == 0,
	      "a port without KAS_CAP_THREADS: %zu unsupported, %u fails", res.ops_unsupported,
	      res.fails);
	kas_spec_free(s);

	bug = BUG_NONE;
	s = run(&mt, "concurrent_kmalloc 0 100 64\nconcurrent_kmalloc 9 100 64\n"
		     "concurrent_kmalloc 2 0 64\nconcurrent_kmalloc 2 100 0\n"
		     "concurrent_kmalloc 2 100 65537\n", &res);
	CHECK(res.ops_skipped == 5 && res.ops_run == 0, "out-of-range arguments: %zu skipped",
	      res.ops_skipped);
	kas_spec_free(s);

	/* ref, with the world on and a live object of the trace */
	s = run(&kas_port_ref, "a = kmalloc 64 GFP_KERNEL\nconcurrent_kmalloc 4 5000 64\n"
				"concurrent_kmalloc 2 2000 192\nkfree a\n", &res);
	CHECK(res.fails == 0 && res.ops_run == 4, "ref: %u fails, %zu ops run", res.fails,
	      res.ops_run);
	CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_PASS && kas_test_status(s, "INTEGRITY-1") == KAS_PASS,
	      "ref passes both rules");
	kas_spec_free(s);

	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("concurrent: all checks passed\n");
	return failures ? 1 : 0;
}
