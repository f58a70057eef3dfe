/* SPDX-License-Identifier: MIT */
/*
 * The HTML report: one static page with everything inline (style, script,
 * SVG charts, counterexamples as data: URIs), so it can be archived as a CI
 * artifact and opened anywhere, offline.  Nothing on the page refers to
 * another resource.
 */
#include "report_html_internal.h"

#include <inttypes.h>
#include <string.h>

static bool failing(int st)
{
	return st == KAS_FAIL || st == KAS_CRASH || st == KAS_HANG;
}

static const char status_colours[KAS_STATUS__COUNT][8] = {
	[KAS_PASS] = "#2e7d32", [KAS_FAIL] = "#c62828", [KAS_UNTESTED] = "#9e9e9e",
	[KAS_UNSUPPORTED] = "#f9a825", [KAS_CRASH] = "#6a1b9a", [KAS_HANG] = "#4e342e",
};

void kas_html_head(FILE *out, const char *title)
{
	fputs("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
	kas_xml_text(out, title);
	fputs("</title>\n<style>\n"
	      "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
	      "h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.4em 0 .4em}\n"
	      "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:3px 6px;"
	      "vertical-align:top;text-align:left}th{background:#f4f4f4;position:sticky;top:0}\n"
	      ".verdict{display:inline-block;padding:.3em .8em;border-radius:4px;color:#fff;"
	      "font-weight:bold}.verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}\n"
	      ".st{font-weight:bold;white-space:nowrap}\n"
	      ".st-PASS{color:#2e7d32}.st-FAIL{color:#fff;background:#c62828}"
	      ".st-UNTESTED{color:#757575}.st-UNSUPPORTED{color:#8d6e00;background:#fff8e1}"
	      ".st-CRASH,.st-HANG{color:#fff;background:#6a1b9a}.st-none{color:#bbb}\n"
	      "blockquote{margin:.2em 0 0;padding-left:.6em;border-left:3px solid #ccc;color:#555;"
	      "font-style:italic}\n"
	      "pre{background:#f7f7f7;border:1px solid #e4e4e4;padding:.5em;overflow:auto;"
	      "max-width:60em;margin:.3em 0}\n"
	      ".filters{margin:.6em 0;display:flex;gap:1em;align-items:center;flex-wrap:wrap}\n"
	      ".meta{color:#555}.small{font-size:12px;color:#666}code{font-size:13px}\n"
	      "</style>\n</head>\n<body>\n", out);
}

void kas_html_filter_controls(FILE *out, const char *const *categories, size_t ncat)
{
	fputs("<div class=\"filters\">\n<label>status <select id=\"f-status\">"
	      "<option value=\"\">all</option>", out);
	for (int s = 0; s < KAS_STATUS__COUNT; s++)
		fprintf(out, "<option>%s</option>", kas_status_name((enum kas_status)s));
	fputs("</select></label>\n", out);
	if (ncat) {
		fputs("<label>category <select id=\"f-category\"><option value=\"\">all</option>", out);
		for (size_t i = 0; i < ncat; i++) {
			fputs("<option>", out);
			kas_xml_text(out, categories[i]);
			fputs("</option>", out);
		}
		fputs("</select></label>\n", out);
	}
	fputs("<label>text <input id=\"f-text\" type=\"search\" placeholder=\"rule, title, source"
	      "\"></label>\n<span id=\"shown\" class=\"small\"></span>\n</div>\n", out);
}

void kas_html_filter_script(FILE *out)
{
	fputs("<script>\n(function () {\n"
	      "  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.rule'));\n"
	      "  var st = document.getElementById('f-status'), cat = document.getElementById('f-category');\n"
	      "  var txt = document.getElementById('f-text'), shown = document.getElementById('shown');\n"
	      "  function apply() {\n"
	      "    var s = st.value, c = cat ? cat.value : '', t = txt.value.toLowerCase(), n = 0;\n"
	      "    rows.forEach(function (r) {\n"
	      "      var sts = ' ' + (r.getAttribute('data-statuses') || r.getAttribute('data-status')) + ' ';\n"
	      "      var ok = (!s || sts.indexOf(' ' + s + ' ') >= 0) &&\n"
	      "               (!c || r.getAttribute('data-category') === c) &&\n"
	      "               (!t || r.textContent.toLowerCase().indexOf(t) >= 0);\n"
	      "      r.hidden = !ok;\n"
	      "      if (ok) n++;\n"
	      "    });\n"
	      "    shown.textContent = n + ' of ' + rows.length + ' rules shown';\n"
	      "  }\n"
	      "  /* #status=FAIL&category=ALIGN&text=krealloc preselects the filters (links, tests) */\n"
	      "  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {\n"
	      "    var p = kv.split('='), v = decodeURIComponent(p[1] || '');\n"
	      "    if (p[0] === 'status') st.value = v;\n"
	      "    if (p[0] === 'category' && cat) cat.value = v;\n"
	      "    if (p[0] === 'text') txt.value = v;\n"
	      "  });\n"
	      "  st.addEventListener('change', apply);\n"
	      "  if (cat) cat.addEventListener('change', apply);\n"
	      "  txt.addEventListener('input', apply);\n"
	      "  apply();\n"
	      "  document.body.setAttribute('data-filters', 'ready');\n"
	      "})();\n</script>\n", out);
}

void kas_html_status_cell(FILE *out, int st)
{
	if (st < 0 || st >= KAS_STATUS__COUNT)
		fputs("<td class=\"st st-none\">–</td>", out);
	else
		fprintf(out, "<td class=\"st st-%s\">%s</td>", kas_status_name((enum kas_status)st),
			kas_status_name((enum kas_status)st));
}

/* A data: URI of text (RFC 2397, percent-encoded), for a download link. */
static void data_uri(FILE *out, const char *text)
{
	fputs("data:text/plain;charset=utf-8,", out);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-_.~", *p))
			putc(*p, out);
		else
			fprintf(out, "%%%02X", *p);
	}
}

static size_t categories(const struct kas_rep *r, const char **cats, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nrules; i++) {
		const char *c = r->rules[i].category ? r->rules[i].category : "?";
		size_t j;

		for (j = 0; j < n && strcmp(cats[j], c) != 0; j++)
			;
		if (j == n && n < cap)
			cats[n++] = c;
	}
	return n;
}

/* Horizontal stacked bars: rules per status in each category. */
static void bar_chart(FILE *out, const struct kas_rep *r, const char **cats, size_t ncat)
{
	const int left = 110, width = 520, bar = 18, gap = 6, top = 10;
	size_t most = 1;
	int height = top + (int)ncat * (bar + gap) + 40;

	for (size_t c = 0; c < ncat; c++) {
		size_t n = 0;

		for (size_t i = 0; i < r->nrules; i++)
			n += strcmp(r->rules[i].category ? r->rules[i].category : "?", cats[c]) == 0;
		if (n > most)
			most = n;
	}
	fprintf(out, "<svg id=\"chart\" role=\"img\" aria-label=\"rules per status and category\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-size=\"12\">\n",
		left + width + 60, height, left + width + 60, height);
	for (size_t c = 0; c < ncat; c++) {
		int y = top + (int)c * (bar + gap);
		double x = left;

		fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y + bar - 5);
		kas_xml_text(out, cats[c]);
		fputs("</text>\n", out);
		for (int s = 0; s < KAS_STATUS__COUNT; s++) {
			size_t n = 0;
			double w;

			for (size_t i = 0; i < r->nrules; i++)
				n += r->rules[i].status == (enum kas_status)s &&
				     strcmp(r->rules[i].category ? r->rules[i].category : "?", cats[c]) == 0;
			if (!n)
				continue;
			w = (double)width * (double)n / (double)most;
			fprintf(out, "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
				"fill=\"%s\"><title>", x, y, w, bar, status_colours[s]);
			kas_xml_text(out, cats[c]);
			fprintf(out, ": %zu %s</title></rect>\n", n, kas_status_name((enum kas_status)s));
			if (w >= 14)
				fprintf(out, "<text x=\"%.1f\" y=\"%d\" fill=\"#fff\" text-anchor=\"middle\">"
					"%zu</text>\n", x + w / 2, y + bar - 5, n);
			x += w;
		}
	}
	for (int s = 0, lx = left - 90; s < KAS_STATUS__COUNT; s++, lx += 112)
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"%d\">%s</text>\n", lx, height - 22, status_colours[s],
			lx + 16, height - 12, kas_status_name((enum kas_status)s));
	fputs("</svg>\n", out);
}

/* The fuzz plot, inline: only an <svg> element of our own plotter, minus
 * its XML declaration and namespace attribute (not needed inline, and the
 * page must not mention any URL). */
static void inline_svg(FILE *out, const char *svg)
{
	const char *start = strstr(svg, "<svg");
	const char *p;

	if (!start || strstr(svg, "<script") || strstr(svg, "href") || strstr(svg, "<foreignObject")) {
		fputs("<p class=\"small\">(the fuzz plot was not inlined: unexpected content)</p>\n", out);
		return;
	}
	for (p = start; *p;) {
		const char *ns = strstr(p, " xmlns");

		if (!ns) {
			fputs(p, out);
			break;
		}
		fwrite(p, 1, (size_t)(ns - p), out);
		/* skip  xmlns[:x]="..." */
		p = strchr(ns, '"');
		p = p ? strchr(p + 1, '"') : NULL;
		if (!p)
			break;
		p++;
	}
	putc('\n', out);
}

static void rule_row(FILE *out, const struct kas_rep *r, const struct kas_rep_rule *x)
{
	fputs("<tr class=\"rule\" id=\"rule-", out);
	kas_xml_text(out, x->id);
	fprintf(out, "\" data-status=\"%s\" data-category=\"", kas_status_name(x->status));
	kas_xml_text(out, x->category);
	fputs("\">\n<td><b>", out);
	kas_xml_text(out, x->id);
	fputs("</b></td><td>", out);
	kas_xml_text(out, x->category);
	fputs("</td><td>", out);
	kas_xml_text(out, x->title);
	if (x->message && failing(x->status)) {
		fputs("<div class=\"small\">", out);
		kas_xml_text(out, x->message);
		fputs("</div>", out);
	}
	if (x->counterexample) {
		fputs("<details><summary>counterexample", out);
		if (x->counterexample_lane) {
			fputs(" (", out);
			kas_xml_text(out, x->counterexample_lane);
			fputs(")", out);
		}
		fputs("</summary><pre class=\"trace\">", out);
		kas_xml_text(out, x->counterexample);
		fputs("</pre><a class=\"download\" download=\"", out);
		kas_xml_text(out, x->id);
		fputs(".ktrace\" href=\"", out);
		data_uri(out, x->counterexample);
		fputs("\">download ", out);
		kas_xml_text(out, x->id);
		fputs(".ktrace</a></details>", out);
	}
	fputs("</td><td><code>", out);
	kas_xml_text(out, x->source);
	fputs("</code>", out);
	if (x->section) {
		fputs(", ", out);
		kas_xml_text(out, x->section);
	}
	if (x->quote) {
		fputs("<blockquote>", out);
		kas_xml_text(out, x->quote);
		fputs("</blockquote>", out);
	}
	fputs("</td><td>", out);
	kas_xml_text(out, x->versions ? x->versions : "");
	fputs("</td>", out);
	kas_html_status_cell(out, x->status);
	for (size_t l = 0; l < r->nlanes; l++)
		kas_html_status_cell(out, x->lane_status[l]);
	fprintf(out, "<td>%" PRIu64 "</td>\n</tr>\n", x->exercised);
}

static void lanes_table(FILE *out, const struct kas_rep *r)
{
	fputs("<h2>Lanes</h2>\n<table id=\"lanes\"><tr><th>lane</th><th>state</th><th>time</th>"
	      "<th>note</th></tr>\n", out);
	for (size_t l = 0; l < r->nlanes; l++) {
		const struct kas_rep_lane *ln = &r->lanes[l];

		fputs("<tr><td>", out);
		kas_xml_text(out, ln->name);
		fprintf(out, "</td><td class=\"st st-%s\">%s</td><td>",
			ln->state == KAS_LANE_PASSED ? "PASS" : ln->state == KAS_LANE_SKIPPED
			? "UNTESTED" : "FAIL", kas_lane_state_name(ln->state));
		if (ln->seconds >= 0)
			fprintf(out, "%.1f s", ln->seconds);
		fputs("</td><td>", out);
		kas_xml_text(out, ln->reason);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void faults_section(FILE *out, const struct kas_rep *r)
{
	fputs("<h2>Faults</h2>\n<p class=\"small\">Crashes and hangs of whole traces, and lane "
	      "failures outside any rule (each counts as one failure).</p>\n", out);
	for (size_t i = 0; i < r->nfaults; i++) {
		const struct kas_rep_fault *f = &r->faults[i];

		fputs("<div class=\"fault\"><b class=\"st st-FAIL\">", out);
		kas_xml_text(out, f->status);
		fputs("</b> lane ", out);
		kas_xml_text(out, f->lane ? f->lane : "check");
		fputs(": ", out);
		kas_xml_text(out, f->trace);
		if (f->signal) {
			fputs(" ", out);
			kas_xml_text(out, f->signal);
		}
		if (f->message) {
			fputs("<div class=\"small\">", out);
			kas_xml_text(out, f->message);
			fputs("</div>", out);
		}
		if (f->counterexample) {
			fputs("<pre class=\"trace\">", out);
			kas_xml_text(out, f->counterexample);
			fprintf(out, "</pre><a class=\"download\" download=\"fault-%zu.ktrace\" href=\"", i + 1);
			data_uri(out, f->counterexample);
			fputs("\">download</a>", out);
		}
		fputs("</div>\n", out);
	}
}

int kas_rep_write_html(FILE *out, const struct kas_rep *r)
{
	uint64_t totals[KAS_STATUS__COUNT], errors, passed, failed;
	const char *cats[64];
	size_t ncat = categories(r, cats, 64);
	char title[256];

	kas_rep_totals(r, totals, &errors);
	kas_rep_counts(r, &passed, &failed);
	snprintf(title, sizeof(title), "kallocspec: %s / %s", r->port ? r->port : "?",
		 r->profile ? r->profile : "?");
	kas_html_head(out, title);
	fputs("<h1>", out);
	kas_xml_text(out, title);
	fprintf(out, "</h1>\n<p><span id=\"verdict\" class=\"verdict %s\">%s</span> "
		"<b>%" PRIu64 " passed, %" PRIu64 " failed</b> &nbsp; rules: ",
		failed ? "fail" : "pass", failed ? "FAIL" : "PASS", passed, failed);
	for (int s = 0; s < KAS_STATUS__COUNT; s++)
		if (s != KAS_CRASH && s != KAS_HANG)
			fprintf(out, "%" PRIu64 " %s%s", totals[s], kas_status_name((enum kas_status)s),
				s + 1 < KAS_CRASH ? ", " : "");
	fprintf(out, "; faults: %" PRIu64 " CRASH, %" PRIu64 " HANG, %" PRIu64 " ERROR</p>\n",
		totals[KAS_CRASH], totals[KAS_HANG], errors);
	fputs("<p class=\"meta\">Generated ", out);
	kas_xml_text(out, r->generated);
	fputs(" by ", out);
	kas_xml_text(out, r->tool ? r->tool : "kallocspec");
	fprintf(out, "; seed %" PRIu64 ", %" PRIu64 " traces, %" PRIu64 " ops", r->seed, r->traces,
		r->ops);
	if (r->wall_seconds >= 0)
		fprintf(out, "; gate wall time %.1f s", r->wall_seconds);
	fputs(". UNTESTED and UNSUPPORTED rules are shown, never counted as passed. Replay a "
	      "counterexample with <code>kallocspec replay FILE --port ", out);
	kas_xml_text(out, r->port);
	fputs("</code>.</p>\n", out);
	if (r->nlanes)
		lanes_table(out, r);
	fputs("<h2>Statuses per category</h2>\n", out);
	bar_chart(out, r, cats, ncat);
	fputs("<h2>Rules</h2>\n", out);
	kas_html_filter_controls(out, cats, ncat);
	fputs("<table id=\"rules\">\n<thead><tr><th>rule</th><th>category</th><th>title</th>"
	      "<th>source</th><th>versions</th><th>status</th>", out);
	for (size_t l = 0; l < r->nlanes; l++) {
		fputs("<th>", out);
		kas_xml_text(out, r->lanes[l].name);
		fputs("</th>", out);
	}
	fputs("<th>exercised</th></tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < r->nrules; i++)
		rule_row(out, r, &r->rules[i]);
	fputs("</tbody>\n</table>\n", out);
	if (r->nfaults)
		faults_section(out, r);
	if (r->fuzz_plot_svg) {
		fputs("<h2>Fuzz campaign: coverage over time</h2>\n<div id=\"fuzz-plot\">\n", out);
		inline_svg(out, r->fuzz_plot_svg);
		fputs("</div>\n", out);
	}
	kas_html_filter_script(out);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}
