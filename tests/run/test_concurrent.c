/* SPDX-License-Identifier: MIT */
/*
 * concurrent_kmalloc (run/concurrent.c): a thread-safe malloc port passes
 * NO-OVERLAP and INTEGRITY-1 under it; a mutant that hands one object out
 * twice fails NO-OVERLAP, one that writes into the object below the one it
 * hands out fails INTEGRITY-1 (ports/mutants/); a port without KAS_CAP_THREADS is
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


static atomic_size_t allocs, frees;

static void *mt_kmalloc(size_t n, kas_gfp_t gfp)
{
	(void)gfp;
	if (n == 0)
		return (void *)16;
	unsigned char *p = malloc(n);
	if (!p)
		return NULL;
	atomic_fetch_add(&allocs, 1);
	return p;
}

static void mt_kfree(const void *p)
{
	if ((uintptr_t)p <= 16)
		return;
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

static const struct kas_port *open_port(const char *name)
{
	char err[256];
	const struct kas_port *p = kas_port_open(name, err, sizeof(err));
	CHECK(p != NULL, "no port %s: %s", name, err);
	return p;
}

int main(void)
{
	struct kas_trace_result res;
	struct kas_spec *s;
	const char *race = "a = kmalloc 64 GFP_KERNEL\nconcurrent_kmalloc 4 3000 48\nkfree a\n";

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

	const struct kas_port *twice = open_port("mut-free-double-push");
	s = twice ? run(twice, "concurrent_kmalloc 2 500 64\n", &res) : NULL;
	if (s) {
		CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_FAIL, "an object handed out twice must fail "
		      "NO-OVERLAP");
		kas_spec_free(s);
	}

	const struct kas_port *tag = open_port("mut-alloc-tag-below");
	s = tag ? run(tag, "concurrent_kmalloc 2 500 32\n", &res) : NULL;
	if (s) {
		CHECK(kas_test_status(s, "INTEGRITY-1") == KAS_FAIL, "a write into a held object must "
		      "fail INTEGRITY-1");
		CHECK(kas_test_status(s, "NO-OVERLAP") == KAS_PASS, "distinct objects do not overlap");
		kas_spec_free(s);
	}

	s = run(&st, "concurrent_kmalloc 2 100 64\n", &res);
	CHECK(res.ops_unsupported == 1 && res.fails == 0,
	      "a port without KAS_CAP_THREADS: %zu unsupported, %u fails", res.ops_unsupported,
	      res.fails);
	kas_spec_free(s);

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
