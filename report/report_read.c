/* SPDX-License-Identifier: MIT */
/*
 * Reading kallocspec-report/1 documents back (a lane's report to merge, a
 * merged report to render or to put in a matrix), and writing files
 * atomically.
 */
#include <kallocspec/report.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *jdup(const struct kas_json *obj, const char *key)
{
	const char *s = kas_json_str(kas_json_get(obj, key));

	return s ? strdup(s) : NULL;
}

static int read_rule(struct kas_rep *r, const struct kas_json *jr, char *err, size_t errlen)
{
	const char *id = kas_json_str(kas_json_get(jr, "id"));
	const char *st = kas_json_str(kas_json_get(jr, "status"));
	const struct kas_json *lanes = kas_json_get(jr, "lanes");
	struct kas_rep_rule *nr, *x;
	int status = kas_status_parse(st);

	if (!id || status < 0) {
		snprintf(err, errlen, "rule %zu: missing \"id\" or unknown \"status\"", r->nrules);
		return -1;
	}
	nr = realloc(r->rules, (r->nrules + 1) * sizeof(*nr));
	if (!nr)
		goto oom;
	r->rules = nr;
	x = &r->rules[r->nrules++];
	memset(x, 0, sizeof(*x));
	x->id = strdup(id);
	x->title = jdup(jr, "title");
	x->category = jdup(jr, "category");
	x->source = jdup(jr, "source");
	x->section = jdup(jr, "section");
	x->quote = jdup(jr, "quote");
	x->versions = jdup(jr, "versions");
	x->message = jdup(jr, "message");
	x->counterexample = jdup(jr, "counterexample");
	x->counterexample_lane = jdup(jr, "counterexample_lane");
	x->status = (enum kas_status)status;
	x->exercised = kas_json_u64(kas_json_get(jr, "exercised"));
	x->failed = kas_json_u64(kas_json_get(jr, "failed"));
	for (int l = 0; l < KAS_REP_MAX_LANES; l++)
		x->lane_status[l] = KAS_REP_NO_VERDICT;
	/* "lanes": {"witness": "PASS", ...}, names declared in the top-level "lanes". */
	for (size_t i = 0; lanes && lanes->type == KAS_JSON_OBJECT && i < lanes->n; i++)
		for (size_t l = 0; l < r->nlanes; l++)
			if (strcmp(lanes->keys[i], r->lanes[l].name) == 0)
				x->lane_status[l] = kas_status_parse(kas_json_str(&lanes->items[i]));
	if (!x->id)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int read_lanes(struct kas_rep *r, const struct kas_json *lanes, char *err, size_t errlen)
{
	for (size_t i = 0; lanes && lanes->type == KAS_JSON_ARRAY && i < lanes->n; i++) {
		const struct kas_json *jl = &lanes->items[i];
		const char *name = kas_json_str(kas_json_get(jl, "name"));
		int state = kas_lane_state_parse(kas_json_str(kas_json_get(jl, "state")));
		const struct kas_json *secs = kas_json_get(jl, "seconds");

		if (!name || state < 0) {
			snprintf(err, errlen, "lane %zu: missing \"name\" or unknown \"state\"", i);
			return -1;
		}
		if (kas_rep_add_lane(r, name, (enum kas_lane_state)state,
				     secs && secs->type == KAS_JSON_NUMBER ? secs->number : -1,
				     kas_json_str(kas_json_get(jl, "reason"))) < 0) {
			snprintf(err, errlen, "too many lanes (at most %d)", KAS_REP_MAX_LANES);
			return -1;
		}
	}
	return 0;
}

int kas_rep_from_json(struct kas_rep *r, const struct kas_json *doc, char *err, size_t errlen)
{
	const char *schema = kas_json_str(kas_json_get(doc, "schema"));
	const struct kas_json *rules = kas_json_get(doc, "rules");
	const struct kas_json *faults = kas_json_get(doc, "faults");
	const struct kas_json *gate = kas_json_get(doc, "gate");

	if (!schema || strcmp(schema, KAS_REPORT_SCHEMA) != 0) {
		snprintf(err, errlen, "not a %s document (schema %s)", KAS_REPORT_SCHEMA,
			 schema ? schema : "missing");
		return -1;
	}
	if (!rules || rules->type != KAS_JSON_ARRAY) {
		snprintf(err, errlen, "no \"rules\" array");
		return -1;
	}
	r->port = jdup(doc, "port");
	r->profile = jdup(doc, "profile");
	r->generated = jdup(doc, "generated");
	r->tool = jdup(doc, "tool");
	r->fuzz_plot_svg = jdup(doc, "fuzz_plot_svg");
	r->seed = kas_json_u64(kas_json_get(doc, "seed"));
	r->ops = kas_json_u64(kas_json_get(doc, "ops"));
	r->traces = kas_json_u64(kas_json_get(doc, "traces"));
	if (kas_json_get(doc, "mem_bytes")) {
		const struct kas_json *left = kas_json_get(doc, "left_out");
		const char *content = kas_json_str(kas_json_get(doc, "content"));

		r->has_run_meta = true;
		r->mem_bytes = (size_t)kas_json_u64(kas_json_get(doc, "mem_bytes"));
		r->content_full = content && strcmp(content, "full") == 0;
		r->peak_rss_bytes = (size_t)kas_json_u64(kas_json_get(doc, "peak_rss_bytes"));
		r->time_budget_s = kas_json_u64(kas_json_get(doc, "time_budget_s"));
		r->witness_skipped = (size_t)kas_json_u64(kas_json_get(left, "witness_traces"));
		r->random_ops_skipped = kas_json_u64(kas_json_get(left, "random_ops"));
		r->unminimised = (size_t)kas_json_u64(kas_json_get(left, "unminimised"));
	}
	if (gate && kas_json_get(gate, "wall_seconds"))
		r->wall_seconds = kas_json_num(kas_json_get(gate, "wall_seconds"));
	if (read_lanes(r, kas_json_get(doc, "lanes"), err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < rules->n; i++)
		if (read_rule(r, &rules->items[i], err, errlen) != 0)
			return -1;
	for (size_t i = 0; faults && faults->type == KAS_JSON_ARRAY && i < faults->n; i++) {
		const struct kas_json *jf = &faults->items[i];
		const struct kas_json *op = kas_json_get(jf, "op");
		const char *trace = kas_json_str(kas_json_get(jf, "trace"));

		if (kas_rep_add_fault(r, kas_json_str(kas_json_get(jf, "status")),
				      kas_json_str(kas_json_get(jf, "lane")), trace,
				      kas_json_str(kas_json_get(jf, "message")),
				      kas_json_str(kas_json_get(jf, "counterexample"))) != 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		r->faults[r->nfaults - 1].signal = jdup(jf, "signal");
		r->faults[r->nfaults - 1].op = op && op->type == KAS_JSON_NUMBER ? (long long)op->u64
									       : -1;
	}
	const struct kas_json *refused = kas_json_get(doc, "refused_calls");
	for (size_t i = 0; refused && refused->type == KAS_JSON_ARRAY && i < refused->n; i++) {
		const struct kas_json *e = &refused->items[i];
		int k = kas_caller_rule_index(kas_json_str(kas_json_get(e, "id")));

		if (k >= 0 && k < KAS_CALLER_RULES_MAX)
			r->caller_refused[k] += kas_json_u64(kas_json_get(e, "calls"));
	}
	/* a single run counts more faults than it lists: keep the difference */
	if (!r->merged) {
		const struct kas_json *jt = kas_json_get(doc, "totals");
		uint64_t t[KAS_STATUS__COUNT], crash, hang;

		kas_rep_totals(r, t, NULL);
		crash = kas_json_u64(kas_json_get(jt, "CRASH"));
		hang = kas_json_u64(kas_json_get(jt, "HANG"));
		r->unlisted_crashes = crash > t[KAS_CRASH] ? crash - t[KAS_CRASH] : 0;
		r->unlisted_hangs = hang > t[KAS_HANG] ? hang - t[KAS_HANG] : 0;
	}
	return 0;
}

int kas_rep_load(struct kas_rep *r, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, msg[256];
	size_t len = 0, cap = 0, got;
	struct kas_json *doc;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	do {
		if (len + 65536 > cap) {
			char *nb = realloc(buf, cap = len + 65536 * 2);

			if (!nb) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	rc = ferror(f);
	fclose(f);
	if (rc) {
		free(buf);
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	doc = kas_json_parse(buf, len, msg, sizeof(msg));
	free(buf);
	if (!doc) {
		snprintf(err, errlen, "%s: bad JSON: %s", path, msg);
		return -1;
	}
	rc = kas_rep_from_json(r, doc, msg, sizeof(msg));
	kas_json_free(doc);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, msg);
	return rc;
}
