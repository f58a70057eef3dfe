/* SPDX-License-Identifier: MIT */
/*
 * The report document: the JSON reader (escapes, surrogates, errors, depth),
 * merging lanes (a failure anywhere wins; UNTESTED/UNSUPPORTED never become
 * PASS; counts), findings, and a JSON round trip through the writer.
 */
#include <kallocspec/report.h>

#include <stdlib.h>
#include <string.h>
#include "kas_test.h"



static struct kas_json *parse(const char *s, char *err, size_t errlen)
{
	return kas_json_parse(s, strlen(s), err, errlen);
}

static void test_json_reader(void)
{
	char err[200] = "";
	struct kas_json *v = parse("{\"a\": [1, 2.5, -3, true, false, null], \"s\": \"x\\\"\\n\\u00e9\\ud83d\\ude00\","
				   " \"big\": 18446744073709551615}", err, sizeof(err));
	const struct kas_json *a;

	CHECK(v != NULL);
	if (!v)
		return;
	a = kas_json_get(v, "a");
	CHECK(a && a->type == KAS_JSON_ARRAY && a->n == 6);
	CHECK(a && kas_json_u64(&a->items[0]) == 1 && kas_json_num(&a->items[1]) == 2.5);
	CHECK(a && a->items[3].type == KAS_JSON_BOOL && a->items[3].boolean);
	CHECK(a && a->items[4].type == KAS_JSON_BOOL && !a->items[4].boolean);
	CHECK(a && a->items[5].type == KAS_JSON_NULL);
	CHECK(strcmp(kas_json_str(kas_json_get(v, "s")), "x\"\n\xc3\xa9\xf0\x9f\x98\x80") == 0);
	CHECK(kas_json_u64(kas_json_get(v, "big")) == UINT64_MAX);
	CHECK(kas_json_get(v, "missing") == NULL);
	kas_json_free(v);

	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "\"abc", "tru", "[1] x", "{\"a\":01x}",
		"\"\\q\"", "\"a\nb\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		v = parse(bad[i], err, sizeof(err));
		CHECK(v == NULL);
		CHECK(strncmp(err, "offset ", 7) == 0);
		kas_json_free(v);
	}
	/* Deep nesting is refused, not a stack overflow. */
	char deep[2001];
	memset(deep, '[', 2000);
	deep[2000] = '\0';
	v = parse(deep, err, sizeof(err));
	CHECK(v == NULL && strstr(err, "deep"));
	/* A lone surrogate is a string by RFC 8259's grammar (section 8.2). */
	v = parse("\"\\ud800\"", err, sizeof(err));
	CHECK(v != NULL && kas_json_str(v) != NULL);
	kas_json_free(v);
}

static const char lane_a[] =
	"{\"schema\": \"kallocspec-report/1\", \"port\": \"p\", \"profile\": \"linux-6.12\","
	" \"seed\": 3, \"ops\": 10, \"traces\": 2, \"rules\": ["
	"{\"id\": \"ALIGN-1\", \"status\": \"PASS\", \"exercised\": 4, \"failed\": 0},"
	"{\"id\": \"ALIGN-2\", \"status\": \"PASS\", \"exercised\": 2, \"failed\": 0},"
	"{\"id\": \"ZERO-1\", \"status\": \"UNTESTED\", \"exercised\": 0, \"failed\": 0},"
	"{\"id\": \"OVERFLOW-1\", \"status\": \"UNSUPPORTED\", \"exercised\": 0, \"failed\": 0}],"
	" \"faults\": []}";
static const char lane_b[] =
	"{\"schema\": \"kallocspec-report/1\", \"port\": \"p\", \"profile\": \"linux-6.12\","
	" \"ops\": 5, \"traces\": 1, \"rules\": ["
	"{\"id\": \"ALIGN-1\", \"status\": \"PASS\", \"exercised\": 1, \"failed\": 0},"
	"{\"id\": \"ALIGN-2\", \"status\": \"FAIL\", \"exercised\": 3, \"failed\": 2,"
	" \"message\": \"not aligned\", \"counterexample\": \"a = kmalloc 128 GFP_KERNEL\\n\"},"
	"{\"id\": \"ZERO-1\", \"status\": \"UNTESTED\", \"exercised\": 0, \"failed\": 0},"
	"{\"id\": \"OVERFLOW-1\", \"status\": \"UNSUPPORTED\", \"exercised\": 0, \"failed\": 0}],"
	" \"faults\": [{\"status\": \"CRASH\", \"signal\": \"SIGSEGV\", \"trace\": \"random #1\","
	" \"op\": 4, \"counterexample\": \"kfree x\\n\"}]}";

static int load(struct kas_rep *r, const char *text)
{
	char err[200];
	struct kas_json *doc = parse(text, err, sizeof(err));
	int rc;

	if (!doc) {
		fprintf(stderr, "parse: %s\n", err);
		return -1;
	}
	kas_rep_init(r);
	rc = kas_rep_from_json(r, doc, err, sizeof(err));
	if (rc)
		fprintf(stderr, "from_json: %s\n", err);
	kas_json_free(doc);
	return rc;
}

static const struct kas_rep_rule *rule(const struct kas_rep *r, const char *id)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i].id, id) == 0)
			return &r->rules[i];
	return NULL;
}

static int write_json_cb(FILE *out, const void *arg)
{
	return kas_rep_write_json(out, arg);
}

static void test_merge(const char *tmpdir)
{
	struct kas_rep a, b, m, back;
	uint64_t passed, failed, totals[KAS_STATUS__COUNT], errors;
	int la, lb, lc;
	char path[512], err[300];

	CHECK(load(&a, lane_a) == 0);
	CHECK(load(&b, lane_b) == 0);
	CHECK(!a.merged && a.nrules == 4);
	kas_rep_init(&m);
	la = kas_rep_add_lane(&m, "witness", KAS_LANE_PASSED, 1.5, NULL);
	lb = kas_rep_add_lane(&m, "random", KAS_LANE_FAILED, 2.0, NULL);
	CHECK(la == 0 && lb == 1);
	CHECK(kas_rep_merge(&m, la, &a) == 0);
	CHECK(kas_rep_merge(&m, lb, &b) == 0);
	/* A failure anywhere wins; its trace and message come along. */
	CHECK(rule(&m, "ALIGN-2")->status == KAS_FAIL);
	CHECK(strcmp(rule(&m, "ALIGN-2")->counterexample, "a = kmalloc 128 GFP_KERNEL\n") == 0);
	CHECK(strcmp(rule(&m, "ALIGN-2")->counterexample_lane, "random") == 0);
	CHECK(rule(&m, "ALIGN-2")->lane_status[la] == KAS_PASS);
	CHECK(rule(&m, "ALIGN-2")->lane_status[lb] == KAS_FAIL);
	CHECK(rule(&m, "ALIGN-2")->exercised == 5 && rule(&m, "ALIGN-2")->failed == 2);
	CHECK(rule(&m, "ALIGN-1")->status == KAS_PASS);
	/* Never folded into PASS. */
	CHECK(rule(&m, "ZERO-1")->status == KAS_UNTESTED);
	CHECK(rule(&m, "OVERFLOW-1")->status == KAS_UNSUPPORTED);
	CHECK(m.ops == 15 && m.traces == 3 && m.seed == 3);
	CHECK(m.nfaults == 1 && strcmp(m.faults[0].lane, "random") == 0 && m.faults[0].op == 4);
	kas_rep_counts(&m, &passed, &failed);
	CHECK(passed == 1 && failed == 2);   /* ALIGN-2 + the crash */
	kas_rep_totals(&m, totals, &errors);
	CHECK(totals[KAS_PASS] == 1 && totals[KAS_FAIL] == 1 && totals[KAS_CRASH] == 1 && errors == 0);

	/* A finding from a third lane, on a rule the others passed. */
	lc = kas_rep_add_lane(&m, "props", KAS_LANE_FAILED, 3.0, "1 failed");
	CHECK(kas_rep_add_verdict(&m, lc, "ALIGN-1", KAS_FAIL, "props finding", "x = kmalloc 8 GFP_KERNEL\n") == 0);
	CHECK(rule(&m, "ALIGN-1")->status == KAS_FAIL);
	CHECK(rule(&m, "ALIGN-1")->lane_status[la] == KAS_PASS);
	CHECK(rule(&m, "ALIGN-1")->lane_status[lc] == KAS_FAIL);
	CHECK(rule(&m, "ZERO-1")->lane_status[lc] == KAS_REP_NO_VERDICT);
	/* A lane-level error is a fault counted as a failure. */
	CHECK(kas_rep_add_fault(&m, "ERROR", "valgrind", NULL, "memcheck errors", NULL) == 0);
	kas_rep_counts(&m, &passed, &failed);
	CHECK(passed == 0 && failed == 4);

	/* JSON round trip: written, read back, written again identically. */
	snprintf(path, sizeof(path), "%s/merged.json", tmpdir);
	m.generated = strdup("2026-01-01T00:00:00Z");
	m.wall_seconds = 12.5;
	CHECK(kas_write_file_atomic(path, write_json_cb, &m, err, sizeof(err)) == 0);
	kas_rep_init(&back);
	CHECK(kas_rep_load(&back, path, err, sizeof(err)) == 0);
	CHECK(back.merged && back.nlanes == 3 && back.nrules == m.nrules && back.nfaults == 2);
	CHECK(back.wall_seconds == 12.5);
	CHECK(rule(&back, "ALIGN-1")->lane_status[2] == KAS_FAIL);
	CHECK(rule(&back, "ZERO-1")->lane_status[2] == KAS_REP_NO_VERDICT);
	{
		char *t1 = NULL, *t2 = NULL;
		size_t n1 = 0, n2 = 0;
		FILE *f1 = open_memstream(&t1, &n1), *f2 = open_memstream(&t2, &n2);

		kas_rep_write_json(f1, &m);
		kas_rep_write_json(f2, &back);
		fclose(f1);
		fclose(f2);
		CHECK(n1 == n2 && strcmp(t1, t2) == 0);
		free(t1);
		free(t2);
	}
	/* A file that is not a report is refused with a reason. */
	kas_rep_free(&back);
	kas_rep_init(&back);
	CHECK(kas_rep_load(&back, "/nonexistent/report.json", err, sizeof(err)) != 0);
	CHECK(strstr(err, "No such file") != NULL);
	kas_rep_free(&back);
	kas_rep_free(&a);
	kas_rep_free(&b);
	kas_rep_free(&m);
}

int main(int argc, char **argv)
{
	test_json_reader();
	test_merge(argc > 1 ? argv[1] : "/tmp");
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	else
		printf("report document: all checks passed\n");
	return failures ? 1 : 0;
}
