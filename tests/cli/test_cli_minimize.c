/* SPDX-License-Identifier: MIT */
/* kas_trace_select and kas_minimize on the libc-naive port. */
#include <kallocspec/minimize.h>
#include <kallocspec/spec.h>
#include <kallocspec/trace.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kas_test.h"

extern const struct kas_port kas_port_libc_naive;



static void parse(struct kas_trace *t, const char *text)
{
	struct kas_parse_error e;

	kas_trace_init(t);
	if (kas_trace_parse(t, text, strlen(text), "<test>", NULL, NULL, &e) != 0) {
		char msg[600];

		kas_parse_error_format(&e, msg, sizeof(msg));
		fprintf(stderr, "parse failed: %s\n", msg);
		exit(1);
	}
}

/* The ops of t, one formatted op per line. */
static char *ops_text(const struct kas_trace *t)
{
	size_t cap = 4096, n = 0;
	char *s = malloc(cap);

	s[0] = '\0';
	for (size_t i = 0; i < t->nops; i++) {
		n += kas_op_format(t, i, s + n, cap - n - 1);
		s[n++] = '\n';
		s[n] = '\0';
	}
	return s;
}

static void test_select(void)
{
	struct kas_trace t, d;
	bool keep[8];
	long kept;
	char *text;

	parse(&t,
	      "profile linux-6.12\n"
	      "a = kmalloc 100 GFP_KERNEL\n"
	      "b = kmalloc 0 GFP_KERNEL\n"
	      "c = krealloc a 200 GFP_KERNEL\n"
	      "kfree c\n"
	      "x = kmem_cache_create first 64 8 0\n"
	      "y = kmem_cache_create second 32 8 SLAB_HWCACHE_ALIGN ctor\n"
	      "o = kmem_cache_alloc y GFP_KERNEL\n"
	      "kmem_cache_free y o\n");
	CHECK(t.nops == 8);

	/* dropping a drops the krealloc of a and the kfree of its result;
	 * dropping x renumbers y's name string */
	for (int i = 0; i < 8; i++)
		keep[i] = i != 0 && i != 4;
	kept = kas_trace_select(&d, &t, keep);
	CHECK(kept == 4);
	CHECK(d.nops == 4);
	CHECK(d.nslots == 3);
	CHECK(d.nstrings == 1);
	CHECK(d.profile == t.profile);
	text = ops_text(&d);
	CHECK(strcmp(text,
		     "b = kmalloc 0 GFP_KERNEL\n"
		     "y = kmem_cache_create second 32 8 SLAB_HWCACHE_ALIGN ctor\n"
		     "o = kmem_cache_alloc y GFP_KERNEL\n"
		     "kmem_cache_free y o\n") == 0);
	if (failures)
		fprintf(stderr, "selected:\n%s", text);
	free(text);
	for (size_t i = 0; i < d.nslots; i++)
		CHECK(d.slots[i].def_op < d.nops && d.ops[d.slots[i].def_op].slot == (int32_t)i);
	kas_trace_free(&d);

	/* keeping everything is a copy */
	for (int i = 0; i < 8; i++)
		keep[i] = true;
	CHECK(kas_trace_select(&d, &t, keep) == 8);
	CHECK(kas_trace_equal(&d, &t));
	kas_trace_free(&d);

	/* keeping nothing is an empty, printable trace */
	memset(keep, 0, sizeof(keep));
	CHECK(kas_trace_select(&d, &t, keep) == 0);
	CHECK(d.nops == 0 && d.nslots == 0);
	text = kas_trace_to_string(&d, SIZE_MAX);
	CHECK(text && strstr(text, "profile linux-6.12"));
	free(text);
	kas_trace_free(&d);
	kas_trace_free(&t);
}

static const char padded[] =
	"profile linux-6.12\n"
	"a = kmalloc 24 GFP_KERNEL\n"
	"b = kzalloc 48 GFP_KERNEL\n"
	"c = krealloc a 100 GFP_KERNEL\n"
	"z = kmalloc 0 GFP_KERNEL\n"
	"kfree b\n"
	"d = kmalloc 8 GFP_KERNEL\n"
	"kfree c\n"
	"kfree z\n"
	"kfree d\n";

static void test_minimize(void)
{
	const struct kas_profile *p = kas_profile_find("linux-6.12");
	int zero1 = kas_rule_index("ZERO-1");
	struct kas_trace t, m1, m2;
	struct kas_minimize_stats st;
	struct kas_minimize_opts opts = {
		.port_caps = kas_port_effective_caps(&kas_port_libc_naive),
	};
	char *text;
	int rc;

	CHECK(p != NULL);
	CHECK(zero1 >= 0);
	if (!p || zero1 < 0)
		return;
	parse(&t, padded);
	rc = kas_minimize(&kas_port_libc_naive, p, &t, (size_t)zero1, &opts, &m1, &st);
	CHECK(rc == 0);
	CHECK(st.ops_before == 9);
	CHECK(st.ops_after == m1.nops);
	CHECK(st.runs > 0);
	text = ops_text(&m1);
	/* kmalloc(0) alone shows that it is not ZERO_SIZE_PTR */
	CHECK(strcmp(text, "z = kmalloc 0 GFP_KERNEL\n") == 0);
	if (strcmp(text, "z = kmalloc 0 GFP_KERNEL\n"))
		fprintf(stderr, "minimised to:\n%s", text);
	free(text);

	/* deterministic */
	rc = kas_minimize(&kas_port_libc_naive, p, &t, (size_t)zero1, &opts, &m2, NULL);
	CHECK(rc == 0);
	CHECK(kas_trace_equal(&m1, &m2));
	kas_trace_free(&m2);
	kas_trace_free(&m1);

	/* a rule the trace does not fail: 1 and an unchanged copy */
	int realloc1 = kas_rule_index("REALLOC-1");
	if (realloc1 >= 0) {
		rc = kas_minimize(&kas_port_libc_naive, p, &t, (size_t)realloc1, &opts, &m1, NULL);
		CHECK(rc == 1);
		CHECK(kas_trace_equal(&m1, &t));
		kas_trace_free(&m1);
	}
	kas_trace_free(&t);
}

/* A port whose kzalloc dies: crash-mode minimisation (isolated runs). */
static void *crashy_kmalloc(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return size ? malloc(size) : (void *)16;
}

static void crashy_kfree(const void *p)
{
	if ((uintptr_t)p > 16)
		free((void *)p);
}

static void *crashy_kzalloc(size_t size, kas_gfp_t gfp)
{
	(void)size;
	(void)gfp;
	raise(SIGSEGV);
	return NULL;
}

static const struct kas_port crashy = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "crashy",
	.caps = KAS_CAP_KMALLOC,
	.kmalloc = crashy_kmalloc,
	.kzalloc = crashy_kzalloc,
	.kfree = crashy_kfree,
};

static void test_minimize_crash(void)
{
	const struct kas_profile *p = kas_profile_find("linux-6.12");
	struct kas_minimize_opts opts = { .port_caps = KAS_CAP_KMALLOC };
	struct kas_minimize_stats st;
	struct kas_trace t, m;
	char *text;
	int rc;

	parse(&t,
	      "profile linux-6.12\n"
	      "a = kmalloc 24 GFP_KERNEL\n"
	      "b = kmalloc 48 GFP_KERNEL\n"
	      "kfree a\n"
	      "c = kzalloc 8 GFP_KERNEL\n"
	      "kfree b\n"
	      "kfree c\n");
	rc = kas_minimize(&crashy, p, &t, KAS_MINIMIZE_CRASH, &opts, &m, &st);
	CHECK(rc == 0);
	text = ops_text(&m);
	CHECK(strcmp(text, "c = kzalloc 8 GFP_KERNEL\n") == 0);
	if (strcmp(text, "c = kzalloc 8 GFP_KERNEL\n"))
		fprintf(stderr, "crash minimised to:\n%s", text);
	CHECK(st.final_fails == st.final_runs);
	free(text);
	kas_trace_free(&m);

	/* a trace without the kzalloc does not crash: 1, unchanged */
	kas_trace_free(&t);
	parse(&t, "profile linux-6.12\na = kmalloc 24 GFP_KERNEL\nkfree a\n");
	rc = kas_minimize(&crashy, p, &t, KAS_MINIMIZE_CRASH, &opts, &m, NULL);
	CHECK(rc == 1);
	CHECK(kas_trace_equal(&m, &t));
	kas_trace_free(&m);

	/* rule mode with isolated runs: a crashing candidate never counts */
	kas_trace_free(&t);
	parse(&t, padded);
	opts.isolate = true;
	opts.port_caps = kas_port_effective_caps(&kas_port_libc_naive);
	rc = kas_minimize(&kas_port_libc_naive, p, &t, (size_t)kas_rule_index("ZERO-1"), &opts,
			  &m, NULL);
	CHECK(rc == 0);
	text = ops_text(&m);
	CHECK(strcmp(text, "z = kmalloc 0 GFP_KERNEL\n") == 0);
	free(text);
	kas_trace_free(&m);
	kas_trace_free(&t);
}

int main(void)
{
	test_select();
	test_minimize();
	test_minimize_crash();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok: minimize\n");
	return 0;
}
