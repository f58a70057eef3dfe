/* SPDX-License-Identifier: MIT */
/* Every witness trace, under every profile, on the reference port: each rule
 * it names (and that holds in the profile) is exercised and passes, and the
 * trace has no failure at all. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/port.h"
#include "kas_test.h"


static void run_one(const struct kas_port *port, const char *path, const struct kas_profile *p)
{
	struct kas_trace t;
	struct kas_parse_error err;
	kas_trace_init(&t);
	if (kas_trace_parse_file(&t, path, NULL, p, &err) != 0) {
		char msg[600];
		kas_parse_error_format(&err, msg, sizeof(msg));
		CHECK(0, "%s", msg);
		kas_trace_free(&t);
		return;
	}
	uint32_t caps = kas_port_effective_caps(port);
	struct kas_spec *s = kas_spec_new(p, caps);
	struct kas_trace_result res;
	/* World witnesses name the pool they need so `exhaust` reaches the
	 * min watermark (the world holds at most pool/PAGE_SIZE + 64 pages). */
	struct kas_harness_opts opts = { 0 };
	const char *pool = kas_trace_meta(&t, "pool-bytes");
	if (pool)
		opts.pool_bytes = (size_t)strtoull(pool, NULL, 0);
	int rc = kas_run_trace(port, s, &t, &opts, &res);
	CHECK(rc == 0, "%s [%s]: port init failed", path, p->name);
	for (size_t r = 0; r < kas_rule_count(); r++) {
		const struct kas_tally *ty = kas_spec_tally(s, r);
		CHECK(ty->failed == 0, "%s [%s]: %s FAILED: %s", path, p->name, kas_rule_at(r)->id,
		       ty->message);
	}
	char *list = strdup(kas_trace_meta(&t, "exercises") ? kas_trace_meta(&t, "exercises") : "");
	for (char *tok = strtok(list, " \t,"); tok; tok = strtok(NULL, " \t,")) {
		int ri = kas_rule_index(tok);
		if (ri < 0)
			continue;   /* the catalog test reports unknown IDs */
		const struct kas_rule *rule = kas_rule_at(ri);
		if (!kas_rule_in_profile(rule, p) || (rule->caps & ~caps))
			continue;
		CHECK(kas_spec_tally(s, ri)->exercised > 0, "%s [%s]: %s not exercised", path,
		       p->name, tok);
	}
	free(list);
	kas_spec_free(s);
	kas_trace_free(&t);
}

int main(void)
{
	char err[256];
	const struct kas_port *port = kas_port_open("ref", err, sizeof(err));
	if (!port) {
		fprintf(stderr, "no ref port: %s\n", err);
		return 1;
	}
	DIR *d = opendir(KAS_WITNESS_DIR);
	if (!d) {
		fprintf(stderr, "cannot open %s\n", KAS_WITNESS_DIR);
		return 1;
	}
	unsigned runs = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 8 || strcmp(e->d_name + len - 7, ".ktrace") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", KAS_WITNESS_DIR, e->d_name);
		for (size_t i = 0; i < kas_profile_count(); i++, runs++)
			run_one(port, path, kas_profile_at(i));
	}
	closedir(d);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("witness: %u runs on ref, all named rules exercised and passing\n", runs);
	return failures || runs == 0 ? 1 : 0;
}
