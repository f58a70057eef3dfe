/* SPDX-License-Identifier: MIT */
/*
 * Reports: the per-rule results of a run as JSON (schema
 * "kallocspec-report/1"):
 *
 *   {"schema":"kallocspec-report/1","port":..,"profile":..,"generated":"2026-01-01T00:00:00Z",
 *    "seed":N,"ops":N,"traces":N,
 *    "rules":[{"id","title","category","source","section","status","exercised","failed",
 *              "message","counterexample": text trace or null}],
 *    "totals":{"PASS":n,"FAIL":n,"UNTESTED":n,"UNSUPPORTED":n,"CRASH":n,"HANG":n}}
 *
 * Only the rules of the spec's profile are listed.  Files are written
 * atomically: a temporary file in the same directory, fsync, rename.
 */
#ifndef KALLOCSPEC_REPORT_H
#define KALLOCSPEC_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "spec.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KAS_REPORT_SCHEMA "kallocspec-report/1"

struct kas_report_meta {
	const char *port;           /* port name */
	uint64_t seed;
	uint64_t ops;               /* ops run in total */
	uint64_t traces;            /* traces run */
	time_t generated;           /* 0 = now */
};

/*
 * counterexamples: NULL, or an array indexed by rule index (kas_rule_count()
 * entries) of traces to report instead of the tally's raw counterexample
 * (e.g. minimised ones); a NULL entry falls back to the tally's.
 */
int kas_report_json_write(FILE *out, const struct kas_report_meta *m, const struct kas_spec *s,
			  const struct kas_trace *const *counterexamples);
/* Atomic write to path; returns 0, or -1 with a one-line reason in err. */
int kas_report_json_save(const char *path, const struct kas_report_meta *m,
			 const struct kas_spec *s, const struct kas_trace *const *counterexamples,
			 char *err, size_t errlen);

/* Writes s as a JSON string literal (with quotes), or null for NULL. */
void kas_json_string(FILE *out, const char *s);
/* ISO-8601 UTC ("2026-01-01T00:00:00Z") of t into buf (>= 21 bytes). */
void kas_iso8601_utc(time_t t, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
