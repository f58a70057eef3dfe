/* SPDX-License-Identifier: MIT */
/* The JSON conformance report (schema in include/kallocspec/report.h). */
#include <kallocspec/report.h>
#include <kallocspec/version.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void kas_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		default:
			/* Bytes >= 0x80 pass through: the catalog is UTF-8. */
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				putc(*p, out);
		}
	}
	putc('"', out);
}

void kas_iso8601_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

static char *trace_text(const struct kas_trace *t)
{
	return t ? kas_trace_to_string(t, SIZE_MAX) : NULL;
}

static int add_run_rule(struct kas_rep *r, const struct kas_spec *s, size_t i,
			const struct kas_trace *cex_override, const char *msg_override)
{
	const struct kas_rule *k = kas_rule_at(i);
	const struct kas_tally *t = kas_spec_tally(s, i);
	struct kas_rep_rule *x = kas_rep_rule(r, k->id);

	if (!x)
		return -1;
	x->status = kas_spec_status(s, i);
	x->exercised = t ? t->exercised : 0;
	x->failed = t ? t->failed : 0;
	if (t && t->failed && !(x->message = strdup(msg_override ? msg_override : t->message)))
		return -1;
	/* an UNSUPPORTED rule's message says what the port lacks */
	if (x->status == KAS_UNSUPPORTED && msg_override && !(x->message = strdup(msg_override)))
		return -1;
	/* the counterexample of a failure: the one given (minimised), else the tally's */
	if (x->status == KAS_FAIL || x->status == KAS_CRASH || x->status == KAS_HANG)
		x->counterexample = trace_text(cex_override ? cex_override
					       : t && t->has_counterexample ? &t->counterexample
					       : NULL);
	return 0;
}

int kas_rep_from_run(struct kas_rep *r, const struct kas_report_meta *m, const struct kas_spec *s,
		     const struct kas_trace *const *counterexamples)
{
	const struct kas_profile *prof = kas_spec_profile(s);
	uint64_t listed_crashes = 0, listed_hangs = 0;
	char when[32];

	kas_rep_init(r);
	kas_iso8601_utc(m->generated ? m->generated : time(NULL), when, sizeof(when));
	r->port = m->port ? strdup(m->port) : NULL;
	r->profile = prof ? strdup(prof->name) : NULL;
	r->generated = strdup(when);
	r->tool = strdup(kas_tool_string());
	r->seed = m->seed;
	r->ops = m->ops;
	r->traces = m->traces;
	r->has_run_meta = true;
	r->mem_bytes = m->mem_bytes;
	r->content_full = m->content_full;
	r->peak_rss_bytes = m->peak_rss_bytes;
	r->time_budget_s = m->time_budget_s;
	r->witness_skipped = m->witness_skipped;
	r->random_ops_skipped = m->random_ops_skipped;
	r->unminimised = m->unminimised;
	for (size_t i = 0; m->caller_refused && i < KAS_CALLER_RULES_MAX; i++)
		r->caller_refused[i] = m->caller_refused[i];
	for (size_t i = 0; i < kas_rule_count(); i++) {
		if (prof && !kas_rule_in_profile(kas_rule_at(i), prof))
			continue;
		if (add_run_rule(r, s, i, counterexamples ? counterexamples[i] : NULL,
				 m->rule_messages ? m->rule_messages[i] : NULL) != 0)
			return -1;
	}
	kas_rep_fill_from_catalog(r);
	for (size_t i = 0; i < m->nfaults; i++) {
		const struct kas_report_fault *f = &m->faults[i];
		char *text = trace_text(f->counterexample);
		struct kas_rep_fault *rf;

		if (kas_rep_add_fault(r, f->hang ? "HANG" : "CRASH", NULL, f->trace, NULL, text) != 0) {
			free(text);
			return -1;
		}
		free(text);
		rf = &r->faults[r->nfaults - 1];
		rf->op = f->op == SIZE_MAX ? -1 : (long long)f->op;
		rf->signal = !f->hang && f->signal ? strdup(f->signal) : NULL;
		*(f->hang ? &listed_hangs : &listed_crashes) += 1;
	}
	r->unlisted_crashes = m->crashes > listed_crashes ? m->crashes - listed_crashes : 0;
	r->unlisted_hangs = m->hangs > listed_hangs ? m->hangs - listed_hangs : 0;
	return 0;
}

/* The one writer of the schema is kas_rep_write_json (report_doc_json.c). */
int kas_report_json_write(FILE *out, const struct kas_report_meta *m, const struct kas_spec *s,
			  const struct kas_trace *const *counterexamples)
{
	struct kas_rep r;
	int rc = kas_rep_from_run(&r, m, s, counterexamples);

	if (rc == 0)
		rc = kas_rep_write_json(out, &r);
	kas_rep_free(&r);
	return rc;
}

struct json_save_args {
	const struct kas_report_meta *m;
	const struct kas_spec *s;
	const struct kas_trace *const *counterexamples;
};

static int write_json_report(FILE *out, const void *arg)
{
	const struct json_save_args *a = arg;
	return kas_report_json_write(out, a->m, a->s, a->counterexamples);
}

int kas_report_json_save(const char *path, const struct kas_report_meta *m,
			 const struct kas_spec *s, const struct kas_trace *const *counterexamples,
			 char *err, size_t errlen)
{
	struct json_save_args a = { m, s, counterexamples };
	return kas_write_file_atomic(path, write_json_report, &a, err, errlen);
}
