/* SPDX-License-Identifier: MIT */
/*
 * Markdown: a summary a person reads in a merge request or a CI job page
 * (lanes, counts, a rule table with each lane's verdict, every failure with
 * its source and trace), and the port x rule matrix (reports/matrix.md).
 */
#include "report_html_internal.h"

#include <inttypes.h>
#include <limits.h>
#include <string.h>

/* A table cell: '|' escaped, newlines flattened. */
static void md_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n' || *s == '\r')
			putc(' ', out);
		else
			putc(*s, out);
	}
}

static bool failing(int st)
{
	return st == KAS_FAIL || st == KAS_CRASH || st == KAS_HANG;
}

static const char *lane_cell(int st)
{
	return st == KAS_REP_NO_VERDICT ? "–" : kas_status_name((enum kas_status)st);
}

/* A fenced block that the text cannot close early. */
static void md_fence(FILE *out, const char *text)
{
	const char *fence = strstr(text, "```") ? "~~~~" : "```";

	fprintf(out, "%s\n%s%s%s\n", fence, text,
		text[0] && text[strlen(text) - 1] == '\n' ? "" : "\n", fence);
}

/* Calls the harness refused to run, by the caller rule they break. */
static void write_refused(FILE *out, const struct kas_rep *r)
{
	bool any = false;

	for (size_t i = 0; i < kas_caller_rule_count() && i < KAS_CALLER_RULES_MAX; i++) {
		const struct kas_caller_rule *c = kas_caller_rule_at(i);

		if (!r->caller_refused[i])
			continue;
		if (!any)
			fputs("## Calls refused as caller errors\n\n"
			      "Not run: the API leaves them undefined (`kallocspec rules`, caller "
			      "rules).\n\n| caller rule | what the trace did | calls |\n|---|---|---:|\n",
			      out);
		fprintf(out, "| %s | ", c->id);
		md_cell(out, c->title);
		fprintf(out, " | %" PRIu64 " |\n", r->caller_refused[i]);
		any = true;
	}
	if (any)
		fputs("\n", out);
}

int kas_rep_write_markdown(FILE *out, const struct kas_rep *r)
{
	uint64_t totals[KAS_STATUS__COUNT], errors, passed, failed;

	kas_rep_totals(r, totals, &errors);
	kas_rep_counts(r, &passed, &failed);
	fputs("# kallocspec conformance: ", out);
	md_cell(out, r->port);
	fputs(" / ", out);
	md_cell(out, r->profile);
	fprintf(out, "\n\n**%s** — %" PRIu64 " passed, %" PRIu64 " failed", failed ? "FAIL" : "PASS",
		passed, failed);
	fprintf(out, " (rules: %" PRIu64 " PASS, %" PRIu64 " FAIL, %" PRIu64 " UNTESTED, %" PRIu64
		" UNSUPPORTED; faults: %" PRIu64 " CRASH, %" PRIu64 " HANG, %" PRIu64 " ERROR)\n\n",
		totals[KAS_PASS], totals[KAS_FAIL], totals[KAS_UNTESTED], totals[KAS_UNSUPPORTED],
		totals[KAS_CRASH], totals[KAS_HANG], errors);
	fputs("Generated ", out);
	md_cell(out, r->generated);
	fputs(" by ", out);
	md_cell(out, r->tool ? r->tool : "kallocspec");
	fprintf(out, "; seed %" PRIu64 ", %" PRIu64 " traces, %" PRIu64 " ops", r->seed, r->traces,
		r->ops);
	if (r->wall_seconds >= 0)
		fprintf(out, "; gate wall time %.1f s", r->wall_seconds);
	fputs(".\nUNTESTED and UNSUPPORTED rules are never counted as passed.\n\n", out);
	write_refused(out, r);

	if (r->nlanes) {
		fputs("## Lanes\n\n| lane | state | time | note |\n|---|---|---:|---|\n", out);
		for (size_t l = 0; l < r->nlanes; l++) {
			fputs("| ", out);
			md_cell(out, r->lanes[l].name);
			fprintf(out, " | %s | ", kas_lane_state_name(r->lanes[l].state));
			if (r->lanes[l].seconds >= 0)
				fprintf(out, "%.1f s", r->lanes[l].seconds);
			fputs(" | ", out);
			md_cell(out, r->lanes[l].reason);
			fputs(" |\n", out);
		}
		fputs("\n", out);
	}

	fputs("## Rules\n\n| rule | category | title | versions | status |", out);
	for (size_t l = 0; l < r->nlanes; l++) {
		fputs(" ", out);
		md_cell(out, r->lanes[l].name);
		fputs(" |", out);
	}
	fputs(" exercised |\n|---|---|---|---|---|", out);
	for (size_t l = 0; l < r->nlanes; l++)
		fputs("---|", out);
	fputs("---:|\n", out);
	for (size_t i = 0; i < r->nrules; i++) {
		const struct kas_rep_rule *x = &r->rules[i];

		fputs("| ", out);
		md_cell(out, x->id);
		fputs(" | ", out);
		md_cell(out, x->category);
		fputs(" | ", out);
		md_cell(out, x->title);
		fputs(" | ", out);
		md_cell(out, x->versions);
		fprintf(out, " | %s%s%s |", failing(x->status) ? "**" : "", kas_status_name(x->status),
			failing(x->status) ? "**" : "");
		for (size_t l = 0; l < r->nlanes; l++)
			fprintf(out, " %s |", lane_cell(x->lane_status[l]));
		fprintf(out, " %" PRIu64 " |\n", x->exercised);
	}

	if (failed) {
		fputs("\n## Failures\n", out);
		for (size_t i = 0; i < r->nrules; i++) {
			const struct kas_rep_rule *x = &r->rules[i];

			if (!failing(x->status))
				continue;
			fprintf(out, "\n### %s %s — ", kas_status_name(x->status), x->id);
			md_cell(out, x->title);
			fputs("\n\nSource: `", out);
			md_cell(out, x->source);
			fputs("`, ", out);
			md_cell(out, x->section);
			if (x->quote) {
				fputs("\n\n> ", out);
				md_cell(out, x->quote);
			}
			if (x->message) {
				fputs("\n\n", out);
				md_cell(out, x->message);
			}
			fputs("\n\n", out);
			if (x->counterexample) {
				fputs("Counterexample", out);
				if (x->counterexample_lane)
					fprintf(out, " (lane %s)", x->counterexample_lane);
				fputs(":\n\n", out);
				md_fence(out, x->counterexample);
			}
		}
		for (size_t i = 0; i < r->nfaults; i++) {
			const struct kas_rep_fault *f = &r->faults[i];

			fprintf(out, "\n### %s (lane %s): ", f->status, f->lane ? f->lane : "check");
			md_cell(out, f->trace);
			if (f->signal)
				fprintf(out, " %s", f->signal);
			fputs("\n\n", out);
			if (f->message) {
				md_cell(out, f->message);
				fputs("\n\n", out);
			}
			if (f->counterexample)
				md_fence(out, f->counterexample);
		}
	}
	fprintf(out, "\n%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
	return ferror(out) ? -1 : 0;
}

/* The status of rule id in report r, or NULL if r does not list it. */
static const struct kas_rep_rule *rule_in(const struct kas_rep *r, const char *id)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i].id, id) == 0)
			return &r->rules[i];
	return NULL;
}

/* Position of a rule in the catalog; IDs it does not know come last. */
static int catalog_pos(const char *id)
{
	int i = kas_rule_index(id);

	return i < 0 ? INT_MAX : i;
}

/* Rule IDs over all reports, as pointers into them: in catalog order
 * (kas_rule_at), then IDs the catalog does not know in first appearance
 * order. */
size_t kas_rep_matrix_rows(const struct kas_rep *const *reps, size_t n,
			   const struct kas_rep_rule **rows, size_t cap)
{
	size_t nrows = 0;

	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < reps[k]->nrules; i++) {
			size_t j;

			for (j = 0; j < nrows; j++)
				if (strcmp(rows[j]->id, reps[k]->rules[i].id) == 0)
					break;
			if (j == nrows && nrows < cap)
				rows[nrows++] = &reps[k]->rules[i];
		}
	for (size_t i = 1; i < nrows; i++) {   /* stable insertion sort */
		const struct kas_rep_rule *x = rows[i];
		int pos = catalog_pos(x->id);
		size_t j = i;

		for (; j > 0 && catalog_pos(rows[j - 1]->id) > pos; j--)
			rows[j] = rows[j - 1];
		rows[j] = x;
	}
	return nrows;
}

int kas_rep_write_matrix_markdown(FILE *out, const struct kas_rep *const *reps, size_t n,
				  const char *title)
{
	const struct kas_rep_rule *rows[1024];
	size_t nrows = kas_rep_matrix_rows(reps, n, rows, 1024);

	fprintf(out, "# %s\n\n", title ? title : "kallocspec conformance matrix");
	fputs("| port | profile | generated | tool | passed | failed |\n|---|---|---|---|---:|---:|\n",
	      out);
	for (size_t k = 0; k < n; k++) {
		uint64_t p, f;

		kas_rep_counts(reps[k], &p, &f);
		fputs("| ", out);
		md_cell(out, reps[k]->port);
		fputs(" | ", out);
		md_cell(out, reps[k]->profile);
		fputs(" | ", out);
		md_cell(out, reps[k]->generated);
		fputs(" | ", out);
		md_cell(out, reps[k]->tool);
		fprintf(out, " | %" PRIu64 " | %" PRIu64 " |\n", p, f);
	}
	fputs("\n| rule | title | versions |", out);
	for (size_t k = 0; k < n; k++) {
		fputs(" ", out);
		md_cell(out, reps[k]->port);
		fputs(" ", out);
		md_cell(out, reps[k]->profile);
		fputs(" |", out);
	}
	fputs("\n|---|---|---|", out);
	for (size_t k = 0; k < n; k++)
		fputs("---|", out);
	fputs("\n", out);
	for (size_t j = 0; j < nrows; j++) {
		fputs("| ", out);
		md_cell(out, rows[j]->id);
		fputs(" | ", out);
		md_cell(out, rows[j]->title);
		fputs(" | ", out);
		md_cell(out, rows[j]->versions);
		fputs(" |", out);
		for (size_t k = 0; k < n; k++) {
			const struct kas_rep_rule *x = rule_in(reps[k], rows[j]->id);

			if (!x)
				fputs(" n/a |", out);   /* the rule does not hold for that profile */
			else
				fprintf(out, " %s%s%s |", failing(x->status) ? "**" : "",
					kas_status_name(x->status), failing(x->status) ? "**" : "");
		}
		fputs("\n", out);
	}
	fputs("\nn/a: the rule does not hold for that profile's kernel version.\n", out);
	return ferror(out) ? -1 : 0;
}
