/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML for CI panels (Jenkins, GitLab, GitHub test reporters): one
 * testsuite of rules (a testcase per rule, classname = its category; FAIL,
 * CRASH and HANG are <failure>s carrying the rule's source, quote, message
 * and counterexample trace; UNSUPPORTED and UNTESTED are <skipped>, never
 * passes), one of trace-level faults, one of the gate's lanes.  The shape
 * follows the common Jenkins/Ant schema (tests/report/junit.xsd validates it).
 */
#include <kallocspec/report.h>

#include <inttypes.h>
#include <string.h>
#include <unistd.h>

void kas_xml_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			/* XML 1.0 forbids most control characters, even escaped. */
			if (*p >= 0x20 || *p == '\n' || *p == '\t' || *p == '\r')
				putc(*p, out);
		}
	}
}

static bool failing(int st)
{
	return st == KAS_FAIL || st == KAS_CRASH || st == KAS_HANG;
}

static void rule_case(FILE *out, const struct kas_rep *r, const struct kas_rep_rule *x)
{
	fputs("    <testcase name=\"", out);
	kas_xml_text(out, x->id);
	if (x->title) {
		fputs(": ", out);
		kas_xml_text(out, x->title);
	}
	fputs("\" classname=\"", out);
	kas_xml_text(out, x->category ? x->category : "rules");
	fputs("\" time=\"0\">\n", out);
	if (failing(x->status)) {
		fprintf(out, "      <failure type=\"%s\" message=\"", kas_status_name(x->status));
		kas_xml_text(out, x->id);
		fputs(" ", out);
		kas_xml_text(out, kas_status_name(x->status));
		if (x->message) {
			fputs(": ", out);
			kas_xml_text(out, x->message);
		}
		fputs("\">", out);
		kas_xml_text(out, x->id);
		fputs("  ", out);
		kas_xml_text(out, x->title);
		fputs("\nsource: ", out);
		kas_xml_text(out, x->source);
		if (x->section) {
			fputs(", ", out);
			kas_xml_text(out, x->section);
		}
		if (x->quote) {
			fputs("\n\"", out);
			kas_xml_text(out, x->quote);
			fputs("\"", out);
		}
		if (x->message) {
			fputs("\n", out);
			kas_xml_text(out, x->message);
		}
		for (size_t l = 0; l < r->nlanes; l++)
			if (failing(x->lane_status[l])) {
				fputs("\nfailed in lane ", out);
				kas_xml_text(out, r->lanes[l].name);
			}
		if (x->counterexample) {
			fputs("\ncounterexample (kallocspec replay FILE --port ", out);
			kas_xml_text(out, r->port);
			fputs("):\n", out);
			kas_xml_text(out, x->counterexample);
		}
		fputs("</failure>\n", out);
	} else if (x->status != KAS_PASS) {
		fprintf(out, "      <skipped message=\"%s", kas_status_name(x->status));
		fputs(x->status == KAS_UNSUPPORTED ? ": the port lacks a capability the rule needs"
						   : ": no trace exercised the rule", out);
		fputs("\"/>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void fault_case(FILE *out, const struct kas_rep_fault *f, size_t i)
{
	fprintf(out, "    <testcase name=\"fault %zu: ", i + 1);
	kas_xml_text(out, f->status);
	fputs(" ", out);
	kas_xml_text(out, f->trace);
	fputs("\" classname=\"faults.", out);
	kas_xml_text(out, f->lane ? f->lane : "check");
	fputs("\" time=\"0\">\n      <error type=\"", out);
	kas_xml_text(out, f->status);
	fputs("\" message=\"", out);
	kas_xml_text(out, f->status);
	if (f->signal) {
		fputs(" ", out);
		kas_xml_text(out, f->signal);
	}
	if (f->message) {
		fputs(": ", out);
		kas_xml_text(out, f->message);
	}
	fputs("\">", out);
	kas_xml_text(out, f->message);
	if (f->counterexample) {
		fputs("\n", out);
		kas_xml_text(out, f->counterexample);
	}
	fputs("</error>\n    </testcase>\n", out);
}

static void lane_case(FILE *out, const struct kas_rep_lane *ln)
{
	fputs("    <testcase name=\"lane ", out);
	kas_xml_text(out, ln->name);
	fputs("\" classname=\"lanes\" time=\"", out);
	fprintf(out, "%.1f\">\n", ln->seconds < 0 ? 0.0 : ln->seconds);
	if (ln->state == KAS_LANE_SKIPPED) {
		fputs("      <skipped message=\"", out);
		kas_xml_text(out, ln->reason ? ln->reason : "skipped");
		fputs("\"/>\n", out);
	} else if (ln->state != KAS_LANE_PASSED) {
		fprintf(out, "      <failure type=\"%s\" message=\"", kas_lane_state_name(ln->state));
		kas_xml_text(out, ln->reason ? ln->reason : kas_lane_state_name(ln->state));
		fputs("\"/>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void suite_open(FILE *out, const struct kas_rep *r, const char *what, size_t tests,
		       size_t failures, size_t errors, size_t skipped, double secs)
{
	char host[256] = "localhost";

	gethostname(host, sizeof(host) - 1);
	fputs("  <testsuite name=\"kallocspec.", out);
	kas_xml_text(out, r->port);
	fputs(".", out);
	kas_xml_text(out, r->profile);
	fprintf(out, ".%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
		"time=\"%.1f\" timestamp=\"", what, tests, failures, errors, skipped, secs);
	/* The schema's timestamp has no zone designator. */
	if (r->generated && strlen(r->generated) >= 19)
		fprintf(out, "%.19s", r->generated);
	else
		fputs("1970-01-01T00:00:00", out);
	fputs("\" hostname=\"", out);
	kas_xml_text(out, host);
	fputs("\">\n", out);
}

int kas_rep_write_junit(FILE *out, const struct kas_rep *r)
{
	size_t fail = 0, skip = 0, lfail = 0, lskip = 0;
	double lane_secs = 0;

	for (size_t i = 0; i < r->nrules; i++) {
		fail += failing(r->rules[i].status);
		skip += r->rules[i].status == KAS_UNSUPPORTED || r->rules[i].status == KAS_UNTESTED;
	}
	for (size_t l = 0; l < r->nlanes; l++) {
		lfail += r->lanes[l].state == KAS_LANE_FAILED || r->lanes[l].state == KAS_LANE_ERROR;
		lskip += r->lanes[l].state == KAS_LANE_SKIPPED;
		lane_secs += r->lanes[l].seconds > 0 ? r->lanes[l].seconds : 0;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"kallocspec\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"time=\"%.1f\">\n", r->nrules + r->nfaults + r->nlanes, fail + lfail, r->nfaults,
		r->wall_seconds > 0 ? r->wall_seconds : lane_secs);
	fputs("  <!-- ", out);
	kas_xml_text(out, r->tool ? r->tool : "kallocspec");
	fputs(" -->\n", out);
	suite_open(out, r, "rules", r->nrules, fail, 0, skip, lane_secs);
	fputs("    <properties>\n      <property name=\"port\" value=\"", out);
	kas_xml_text(out, r->port);
	fputs("\"/>\n      <property name=\"profile\" value=\"", out);
	kas_xml_text(out, r->profile);
	fprintf(out, "\"/>\n      <property name=\"seed\" value=\"%" PRIu64 "\"/>\n"
		"    </properties>\n", r->seed);
	for (size_t i = 0; i < r->nrules; i++)
		rule_case(out, r, &r->rules[i]);
	fputs("  </testsuite>\n", out);
	if (r->nfaults) {
		suite_open(out, r, "faults", r->nfaults, 0, r->nfaults, 0, 0);
		for (size_t i = 0; i < r->nfaults; i++)
			fault_case(out, &r->faults[i], i);
		fputs("  </testsuite>\n", out);
	}
	if (r->nlanes) {
		suite_open(out, r, "lanes", r->nlanes, lfail, 0, lskip, lane_secs);
		for (size_t l = 0; l < r->nlanes; l++)
			lane_case(out, &r->lanes[l]);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	return ferror(out) ? -1 : 0;
}
