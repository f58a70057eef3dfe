/* SPDX-License-Identifier: MIT */
/* The JSON conformance report (schema in include/kallocspec/report.h). */
#include <kallocspec/report.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void write_rule(FILE *out, const struct kas_spec *s, size_t i,
		       const struct kas_trace *cex_override)
{
	const struct kas_rule *r = kas_rule_at(i);
	const struct kas_tally *t = kas_spec_tally(s, i);
	enum kas_status st = kas_spec_status(s, i);
	const struct kas_trace *cex = NULL;
	char *text = NULL;

	if (st == KAS_FAIL || st == KAS_CRASH || st == KAS_HANG) {
		if (cex_override)
			cex = cex_override;
		else if (t && t->has_counterexample)
			cex = &t->counterexample;
	}
	if (cex)
		text = kas_trace_to_string(cex, SIZE_MAX);

	fputs("    {\"id\": ", out);
	kas_json_string(out, r->id);
	fputs(", \"title\": ", out);
	kas_json_string(out, r->title);
	fputs(", \"category\": ", out);
	kas_json_string(out, kas_category_name((enum kas_rule_category)r->category));
	fputs(",\n     \"source\": ", out);
	kas_json_string(out, r->doc);
	fputs(", \"section\": ", out);
	kas_json_string(out, r->section);
	fputs(",\n     \"status\": ", out);
	kas_json_string(out, kas_status_name(st));
	fprintf(out, ", \"exercised\": %" PRIu64 ", \"failed\": %" PRIu64 ", \"message\": ",
		t ? t->exercised : 0, t ? t->failed : 0);
	kas_json_string(out, t && t->failed ? t->message : NULL);
	fputs(",\n     \"counterexample\": ", out);
	kas_json_string(out, text);
	fputs("}", out);
	free(text);
}

static void write_fault(FILE *out, const struct kas_report_fault *f, bool first)
{
	char *text = f->counterexample ? kas_trace_to_string(f->counterexample, SIZE_MAX) : NULL;

	fputs(first ? "\n    {\"status\": " : ",\n    {\"status\": ", out);
	kas_json_string(out, f->hang ? "HANG" : "CRASH");
	fputs(", \"signal\": ", out);
	kas_json_string(out, f->hang ? NULL : f->signal);
	fputs(", \"trace\": ", out);
	kas_json_string(out, f->trace);
	if (f->op == SIZE_MAX)
		fputs(", \"op\": null", out);
	else
		fprintf(out, ", \"op\": %zu", f->op);
	fputs(",\n     \"counterexample\": ", out);
	kas_json_string(out, text);
	fputs("}", out);
	free(text);
}

int kas_report_json_write(FILE *out, const struct kas_report_meta *m, const struct kas_spec *s,
			  const struct kas_trace *const *counterexamples)
{
	const struct kas_profile *prof = kas_spec_profile(s);
	uint64_t totals[KAS_STATUS__COUNT] = { 0 };
	char when[32];
	bool first = true;

	kas_iso8601_utc(m->generated ? m->generated : time(NULL), when, sizeof(when));
	fprintf(out, "{\n  \"schema\": \"%s\",\n  \"port\": ", KAS_REPORT_SCHEMA);
	kas_json_string(out, m->port);
	fputs(",\n  \"profile\": ", out);
	kas_json_string(out, prof ? prof->name : NULL);
	fprintf(out, ",\n  \"generated\": \"%s\",\n  \"seed\": %" PRIu64 ",\n  \"ops\": %" PRIu64
		",\n  \"traces\": %" PRIu64, when, m->seed, m->ops, m->traces);
	/* the machine the port ran on, and what a time budget left out */
	fprintf(out, ",\n  \"mem_bytes\": %zu,\n  \"content\": \"%s\"", m->mem_bytes,
		m->content_full ? "full" : "sampled");
	if (m->peak_rss_bytes)
		fprintf(out, ",\n  \"peak_rss_bytes\": %zu", m->peak_rss_bytes);
	if (m->time_budget_s)
		fprintf(out, ",\n  \"time_budget_s\": %" PRIu64 ",\n  \"left_out\": "
			"{\"witness_traces\": %zu, \"random_ops\": %" PRIu64
			", \"unminimised\": %zu}", m->time_budget_s, m->witness_skipped,
			m->random_ops_skipped, m->unminimised);
	fputs(",\n  \"rules\": [\n", out);
	for (size_t i = 0; i < kas_rule_count(); i++) {
		const struct kas_rule *r = kas_rule_at(i);
		enum kas_status st;

		if (prof && !kas_rule_in_profile(r, prof))
			continue;
		st = kas_spec_status(s, i);
		if ((unsigned)st < KAS_STATUS__COUNT)
			totals[st]++;
		if (!first)
			fputs(",\n", out);
		first = false;
		write_rule(out, s, i, counterexamples ? counterexamples[i] : NULL);
	}
	totals[KAS_CRASH] += m->crashes;
	totals[KAS_HANG] += m->hangs;
	fputs("\n  ],\n  \"totals\": {", out);
	for (int st = 0; st < KAS_STATUS__COUNT; st++)
		fprintf(out, "%s\"%s\": %" PRIu64, st ? ", " : "",
			kas_status_name((enum kas_status)st), totals[st]);
	fputs("},\n  \"faults\": [", out);
	for (size_t i = 0; i < m->nfaults; i++)
		write_fault(out, &m->faults[i], i == 0);
	fputs(m->nfaults ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -1 : 0;
}

/* fsync the directory so the rename itself survives a crash. */
static void sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Writes through a temporary file in the target's directory, fsyncs it and
 * the directory, then renames: a reader sees the old file or the new one,
 * never half of either.  The messages are documented in docs/exit-codes.md. */
int kas_write_file_atomic(const char *path, int (*fn)(FILE *out, const void *arg),
			  const void *arg, char *err, size_t errlen)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	FILE *f;
	int fd, rc;

	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* Same directory as the target, so rename() cannot cross file systems. */
	snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create temporary file: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	rc = fn(f, arg);
	if (fflush(f) != 0 || rc != 0 || fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	/* mkstemp creates 0600; a report is an ordinary artifact. */
	fchmod(fileno(f), 0644);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename %s: %s", path, tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	sync_dir_of(path);
	free(tmp);
	return 0;
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
