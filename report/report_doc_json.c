/* SPDX-License-Identifier: MIT */
/*
 * A report document as kallocspec-report/1 JSON: the members a single run
 * writes (report/report_json.c) plus, for a merged report, the lanes, each
 * rule's per-lane statuses, its quote and versions, and the gate's counts
 * (reports/SCHEMA.md).
 */
#include <kallocspec/report.h>

#include <inttypes.h>
#include <string.h>

static void write_rule(FILE *out, const struct kas_rep *r, const struct kas_rep_rule *x)
{
	fputs("    {\"id\": ", out);
	kas_json_string(out, x->id);
	fputs(", \"title\": ", out);
	kas_json_string(out, x->title);
	fputs(", \"category\": ", out);
	kas_json_string(out, x->category);
	fputs(",\n     \"source\": ", out);
	kas_json_string(out, x->source);
	fputs(", \"section\": ", out);
	kas_json_string(out, x->section);
	fputs(", \"quote\": ", out);
	kas_json_string(out, x->quote);
	fputs(", \"versions\": ", out);
	kas_json_string(out, x->versions);
	fputs(",\n     \"status\": ", out);
	kas_json_string(out, kas_status_name(x->status));
	fprintf(out, ", \"exercised\": %" PRIu64 ", \"failed\": %" PRIu64 ", \"message\": ",
		x->exercised, x->failed);
	kas_json_string(out, x->message);
	if (r->merged) {
		fputs(",\n     \"lanes\": {", out);
		for (size_t l = 0, n = 0; l < r->nlanes; l++) {
			if (x->lane_status[l] == KAS_REP_NO_VERDICT)
				continue;
			fputs(n++ ? ", " : "", out);
			kas_json_string(out, r->lanes[l].name);
			fputs(": ", out);
			kas_json_string(out, kas_status_name((enum kas_status)x->lane_status[l]));
		}
		fputs("}, \"counterexample_lane\": ", out);
		kas_json_string(out, x->counterexample_lane);
	}
	fputs(",\n     \"counterexample\": ", out);
	kas_json_string(out, x->counterexample);
	fputs("}", out);
}

static void write_fault(FILE *out, const struct kas_rep_fault *f)
{
	fputs("    {\"status\": ", out);
	kas_json_string(out, f->status);
	fputs(", \"lane\": ", out);
	kas_json_string(out, f->lane);
	fputs(", \"signal\": ", out);
	kas_json_string(out, f->signal);
	fputs(", \"trace\": ", out);
	kas_json_string(out, f->trace);
	if (f->op < 0)
		fputs(", \"op\": null", out);
	else
		fprintf(out, ", \"op\": %lld", f->op);
	fputs(", \"message\": ", out);
	kas_json_string(out, f->message);
	fputs(",\n     \"counterexample\": ", out);
	kas_json_string(out, f->counterexample);
	fputs("}", out);
}

static void write_lane(FILE *out, const struct kas_rep *r, size_t l)
{
	const struct kas_rep_lane *ln = &r->lanes[l];
	uint64_t t[KAS_STATUS__COUNT] = { 0 };

	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].lane_status[l] >= 0 && r->rules[i].lane_status[l] < KAS_STATUS__COUNT)
			t[r->rules[i].lane_status[l]]++;
	fputs("    {\"name\": ", out);
	kas_json_string(out, ln->name);
	fputs(", \"state\": ", out);
	kas_json_string(out, kas_lane_state_name(ln->state));
	if (ln->seconds < 0)
		fputs(", \"seconds\": null", out);
	else
		fprintf(out, ", \"seconds\": %.1f", ln->seconds);
	fputs(", \"reason\": ", out);
	kas_json_string(out, ln->reason);
	fputs(", \"totals\": {", out);
	for (int s = 0; s < KAS_STATUS__COUNT; s++)
		fprintf(out, "%s\"%s\": %" PRIu64, s ? ", " : "", kas_status_name((enum kas_status)s),
			t[s]);
	fputs("}}", out);
}

/* the machine the port ran on, and what a time budget left out */
static void write_run_meta(FILE *out, const struct kas_rep *r)
{
	fprintf(out, ",\n  \"mem_bytes\": %zu,\n  \"content\": \"%s\"", r->mem_bytes,
		r->content_full ? "full" : "sampled");
	if (r->peak_rss_bytes)
		fprintf(out, ",\n  \"peak_rss_bytes\": %zu", r->peak_rss_bytes);
	if (r->time_budget_s)
		fprintf(out, ",\n  \"time_budget_s\": %" PRIu64 ",\n  \"left_out\": "
			"{\"witness_traces\": %zu, \"random_ops\": %" PRIu64
			", \"unminimised\": %zu}", r->time_budget_s, r->witness_skipped,
			r->random_ops_skipped, r->unminimised);
}

/* Calls the harness refused as caller errors, by caller rule (only when any). */
static void write_refused(FILE *out, const struct kas_rep *r)
{
	bool first = true;

	for (size_t i = 0; i < kas_caller_rule_count() && i < KAS_CALLER_RULES_MAX; i++) {
		const struct kas_caller_rule *c = kas_caller_rule_at(i);

		if (!r->caller_refused[i])
			continue;
		fputs(first ? ",\n  \"refused_calls\": [\n    {\"id\": " : ",\n    {\"id\": ", out);
		kas_json_string(out, c->id);
		fputs(", \"title\": ", out);
		kas_json_string(out, c->title);
		fprintf(out, ", \"calls\": %" PRIu64 "}", r->caller_refused[i]);
		first = false;
	}
	if (!first)
		fputs("\n  ]", out);
}

int kas_rep_write_json(FILE *out, const struct kas_rep *r)
{
	uint64_t totals[KAS_STATUS__COUNT], errors, passed, failed;

	kas_rep_totals(r, totals, &errors);
	kas_rep_counts(r, &passed, &failed);
	fprintf(out, "{\n  \"schema\": \"%s\",\n  \"port\": ", KAS_REPORT_SCHEMA);
	kas_json_string(out, r->port);
	fputs(",\n  \"profile\": ", out);
	kas_json_string(out, r->profile);
	fputs(",\n  \"generated\": ", out);
	kas_json_string(out, r->generated);
	fputs(",\n  \"tool\": ", out);
	kas_json_string(out, r->tool);
	fprintf(out, ",\n  \"seed\": %" PRIu64 ",\n  \"ops\": %" PRIu64 ",\n  \"traces\": %" PRIu64,
		r->seed, r->ops, r->traces);
	if (r->has_run_meta)
		write_run_meta(out, r);
	fputs(",\n  \"rules\": [\n", out);
	for (size_t i = 0; i < r->nrules; i++) {
		write_rule(out, r, &r->rules[i]);
		fputs(i + 1 < r->nrules ? ",\n" : "\n", out);
	}
	fputs("  ],\n  \"totals\": {", out);
	for (int s = 0; s < KAS_STATUS__COUNT; s++)
		fprintf(out, "%s\"%s\": %" PRIu64, s ? ", " : "", kas_status_name((enum kas_status)s),
			totals[s]);
	/* ERROR: a gate lane that failed outside any rule (never in a single run) */
	if (r->merged || errors)
		fprintf(out, ", \"ERROR\": %" PRIu64, errors);
	fprintf(out, "},\n  \"faults\": [%s", r->nfaults ? "\n" : "");
	for (size_t i = 0; i < r->nfaults; i++) {
		write_fault(out, &r->faults[i]);
		fputs(i + 1 < r->nfaults ? ",\n" : "\n  ", out);
	}
	fputs("]", out);
	write_refused(out, r);
	if (r->merged) {
		fputs(",\n  \"lanes\": [\n", out);
		for (size_t l = 0; l < r->nlanes; l++) {
			write_lane(out, r, l);
			fputs(l + 1 < r->nlanes ? ",\n" : "\n", out);
		}
		fprintf(out, "  ],\n  \"gate\": {\"status\": \"%s\", \"passed\": %" PRIu64
			", \"failed\": %" PRIu64 ", \"wall_seconds\": ",
			failed ? "FAIL" : "PASS", passed, failed);
		if (r->wall_seconds < 0)
			fputs("null}", out);
		else
			fprintf(out, "%.1f}", r->wall_seconds);
	}
	fputs(",\n  \"fuzz_plot_svg\": ", out);
	kas_json_string(out, r->fuzz_plot_svg);
	fputs("\n}\n", out);
	return ferror(out) ? -1 : 0;
}
