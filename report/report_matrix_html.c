/* SPDX-License-Identifier: MIT */
/* The port x rule conformance matrix as one static HTML page. */
#include "report_html_internal.h"

#include <inttypes.h>
#include <string.h>

static const struct kas_rep_rule *rule_in(const struct kas_rep *r, const char *id)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i].id, id) == 0)
			return &r->rules[i];
	return NULL;
}

int kas_rep_write_matrix_html(FILE *out, const struct kas_rep *const *reps, size_t n,
			      const char *title)
{
	const struct kas_rep_rule *rows[1024];
	size_t nrows = kas_rep_matrix_rows(reps, n, rows, 1024);
	const char *cats[64];
	size_t ncat = 0;

	for (size_t j = 0; j < nrows; j++) {
		const char *c = rows[j]->category ? rows[j]->category : "?";
		size_t k;

		for (k = 0; k < ncat && strcmp(cats[k], c) != 0; k++)
			;
		if (k == ncat && ncat < 64)
			cats[ncat++] = c;
	}
	if (!title)
		title = "kallocspec conformance matrix";
	kas_html_head(out, title);
	fputs("<h1>", out);
	kas_xml_text(out, title);
	fputs("</h1>\n<table id=\"reports\"><tr><th>port</th><th>profile</th><th>generated</th>"
	      "<th>tool</th><th>passed</th><th>failed</th></tr>\n", out);
	for (size_t k = 0; k < n; k++) {
		uint64_t p, f;

		kas_rep_counts(reps[k], &p, &f);
		fputs("<tr><td>", out);
		kas_xml_text(out, reps[k]->port);
		fputs("</td><td>", out);
		kas_xml_text(out, reps[k]->profile);
		fputs("</td><td>", out);
		kas_xml_text(out, reps[k]->generated);
		fputs("</td><td>", out);
		kas_xml_text(out, reps[k]->tool);
		fprintf(out, "</td><td>%" PRIu64 "</td><td class=\"st st-%s\">%" PRIu64 "</td></tr>\n",
			p, f ? "FAIL" : "PASS", f);
	}
	fputs("</table>\n<h2>Rules</h2>\n", out);
	kas_html_filter_controls(out, cats, ncat);
	fputs("<table id=\"rules\">\n<thead><tr><th>rule</th><th>category</th><th>title</th>"
	      "<th>versions</th>", out);
	for (size_t k = 0; k < n; k++) {
		fputs("<th>", out);
		kas_xml_text(out, reps[k]->port);
		fputs("<br><span class=\"small\">", out);
		kas_xml_text(out, reps[k]->profile);
		fputs("</span></th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t j = 0; j < nrows; j++) {
		const struct kas_rep_rule *x = rows[j];

		fputs("<tr class=\"rule\" data-statuses=\"", out);
		for (size_t k = 0; k < n; k++) {
			const struct kas_rep_rule *y = rule_in(reps[k], x->id);

			if (y)
				fprintf(out, "%s ", kas_status_name(y->status));
		}
		fputs("\" data-category=\"", out);
		kas_xml_text(out, x->category);
		fputs("\"><td><b>", out);
		kas_xml_text(out, x->id);
		fputs("</b></td><td>", out);
		kas_xml_text(out, x->category);
		fputs("</td><td>", out);
		kas_xml_text(out, x->title);
		fputs("</td><td>", out);
		kas_xml_text(out, x->versions);
		fputs("</td>", out);
		for (size_t k = 0; k < n; k++) {
			const struct kas_rep_rule *y = rule_in(reps[k], x->id);

			if (!y) {
				fputs("<td class=\"st st-none\" title=\"the rule does not hold for this "
				      "profile\">n/a</td>", out);
				continue;
			}
			kas_html_status_cell(out, y->status);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n<p class=\"small\">n/a: the rule does not hold for that profile's "
	      "kernel version. UNTESTED and UNSUPPORTED are never counted as passed.</p>\n", out);
	kas_html_filter_script(out);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}
