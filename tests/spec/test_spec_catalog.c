/* SPDX-License-Identifier: MIT */
/* Catalog sanity: enough rules, unique IDs, complete sources, sane version
 * ranges, lookups, and every rule named by at least one witness trace. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/spec.h"
#include "kallocspec/port.h"
#include "kas_test.h"


static bool nonempty(const char *s) { return s && *s; }

static void test_rules(void)
{
	size_t n = kas_rule_count();
	CHECK(n >= 35, "only %zu rules", n);
	bool seen_cat[KAS_CAT__COUNT] = { false };
	for (size_t i = 0; i < n; i++) {
		const struct kas_rule *r = kas_rule_at(i);
		CHECK(r != NULL);
		if (!r)
			continue;
		CHECK(nonempty(r->id) && nonempty(r->title), "rule %zu lacks id/title", i);
		CHECK(nonempty(r->doc) && nonempty(r->section) && nonempty(r->quote),
		       "%s lacks doc/section/quote", r->id);
		CHECK(nonempty(r->notes), "%s lacks notes", r->id);
		CHECK(r->check != NULL, "%s has no checker", r->id);
		CHECK(r->category < KAS_CAT__COUNT, "%s bad category", r->id);
		if (r->category < KAS_CAT__COUNT)
			seen_cat[r->category] = true;
		CHECK(!r->since || !r->until || r->since < r->until, "%s empty version range", r->id);
		/* IDs look like CATEGORY-N (or NO-OVERLAP) and are unique */
		CHECK(strchr(r->id, '-') != NULL, "%s: odd ID", r->id);
		CHECK(kas_rule_index(r->id) == (int)i, "%s: duplicate ID or bad index", r->id);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(kas_rule_at(j)->id, r->id) != 0, "duplicate %s", r->id);
		/* the quote is short: a sentence, not a page */
		CHECK(strlen(r->quote) < 300, "%s: quote too long", r->id);
	}
	static const enum kas_rule_category need[] = {
		KAS_CAT_ALIGN, KAS_CAT_ZERO, KAS_CAT_REALLOC, KAS_CAT_SIZE, KAS_CAT_FREE,
		KAS_CAT_CACHE, KAS_CAT_KVMALLOC, KAS_CAT_OVERFLOW, KAS_CAT_INTEGRITY,
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		CHECK(seen_cat[need[i]], "no rule in category %s", kas_category_name(need[i]));
	CHECK(kas_rule_at(n) == NULL);
	CHECK(kas_rule_index("NO-SUCH-RULE") == -1);
	CHECK(kas_rule_index(NULL) == -1);
	CHECK(kas_rule_index("ALIGN-2") >= 0);

	CHECK(strcmp(kas_status_name(KAS_PASS), "PASS") == 0);
	CHECK(strcmp(kas_status_name(KAS_UNSUPPORTED), "UNSUPPORTED") == 0);
	CHECK(strcmp(kas_status_name(KAS_HANG), "HANG") == 0);
	CHECK(strcmp(kas_category_name(KAS_CAT_KVMALLOC), "KVMALLOC") == 0);
	CHECK(strcmp(kas_category_name(KAS_CAT_RCU), "RCU") == 0);
}

static void test_profiles(void)
{
	const struct kas_profile *p515 = kas_profile_find("linux-5.15");
	const struct kas_profile *p612 = kas_profile_find("linux-6.12");
	const struct kas_profile *latest = kas_profile_find("linux-latest");
	CHECK(p515 && p612 && latest);
	if (!p515 || !p612 || !latest)
		return;
	const struct kas_rule *a3 = kas_rule_at(kas_rule_index("ALIGN-3"));
	const struct kas_rule *k6 = kas_rule_at(kas_rule_index("KVMALLOC-6"));
	const struct kas_rule *f1 = kas_rule_at(kas_rule_index("FREE-1"));
	const struct kas_rule *a1 = kas_rule_at(kas_rule_index("ALIGN-1"));
	CHECK(a3 && k6 && f1 && a1);
	if (!a3 || !k6 || !f1 || !a1)
		return;
	CHECK(!kas_rule_in_profile(a3, p515) && kas_rule_in_profile(a3, p612));
	CHECK(kas_rule_in_profile(k6, p612) && !kas_rule_in_profile(k6, latest));  /* until 6.19 */
	CHECK(!kas_rule_in_profile(f1, p515) && kas_rule_in_profile(f1, latest));
	CHECK(kas_rule_in_profile(a1, p515) && kas_rule_in_profile(a1, latest));

	/* status: UNSUPPORTED without the caps, UNTESTED before anything ran */
	struct kas_spec *s = kas_spec_new(p612, KAS_CAP_KMALLOC);
	CHECK(s != NULL);
	CHECK(kas_spec_status(s, (size_t)kas_rule_index("ALIGN-1")) == KAS_UNTESTED);
	CHECK(kas_spec_status(s, (size_t)kas_rule_index("ALIGN-7")) == KAS_UNSUPPORTED);
	CHECK(kas_spec_status(s, (size_t)kas_rule_index("KVMALLOC-3")) == KAS_UNSUPPORTED);
	CHECK(kas_spec_profile(s) == p612 && kas_spec_model(s) != NULL);
	kas_spec_free(s);
}

/* Every witness: v1 header, a title, no profile line, known IDs; together
 * they name every rule. */
static void test_witnesses(void)
{
	size_t n = kas_rule_count();
	unsigned *named = calloc(n, sizeof(*named));
	DIR *d = opendir(KAS_WITNESS_DIR);
	CHECK(d != NULL, "cannot open %s", KAS_WITNESS_DIR);
	if (!d) {
		free(named);
		return;
	}
	unsigned files = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 8 || strcmp(e->d_name + len - 7, ".ktrace") != 0)
			continue;
		files++;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", KAS_WITNESS_DIR, e->d_name);
		FILE *f = fopen(path, "r");
		char first[64] = "";
		if (f) {
			if (!fgets(first, sizeof(first), f))
				first[0] = '\0';
			fclose(f);
		}
		CHECK(strncmp(first, "# kallocspec trace v1", 21) == 0, "%s: no v1 header", path);
		struct kas_trace t;
		struct kas_parse_error err;
		kas_trace_init(&t);
		if (kas_trace_parse_file(&t, path, NULL, NULL, &err) != 0) {
			char msg[600];
			kas_parse_error_format(&err, msg, sizeof(msg));
			CHECK(0, "%s", msg);
			kas_trace_free(&t);
			continue;
		}
		CHECK(t.profile_name == NULL, "%s: witnesses carry no profile line", path);
		CHECK(kas_trace_meta(&t, "title") != NULL, "%s: no title", path);
		const char *ex = kas_trace_meta(&t, "exercises");
		CHECK(ex != NULL, "%s: no exercises line", path);
		/* the file is named after (the first of) its rules */
		char *list = ex ? strdup(ex) : NULL;
		bool own = false;
		for (char *tok = list ? strtok(list, " \t,") : NULL; tok; tok = strtok(NULL, " \t,")) {
			int ri = kas_rule_index(tok);
			CHECK(ri >= 0, "%s: unknown rule %s", path, tok);
			if (ri >= 0)
				named[ri]++;
			size_t tl = strlen(tok);
			if (strncmp(e->d_name, tok, tl) == 0 &&
			    (e->d_name[tl] == '.' || e->d_name[tl] == '-'))
				own = true;
		}
		CHECK(own, "%s: file name does not start with a rule it exercises", path);
		free(list);
		kas_trace_free(&t);
	}
	closedir(d);
	CHECK(files >= n, "only %u witness files for %zu rules", files, n);
	for (size_t i = 0; i < n; i++)
		CHECK(named[i] > 0, "rule %s has no witness", kas_rule_at(i)->id);
	free(named);
}

int main(void)
{
	test_rules();
	test_profiles();
	test_witnesses();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("catalog: %zu rules, all witnessed\n", kas_rule_count());
	return failures ? 1 : 0;
}
