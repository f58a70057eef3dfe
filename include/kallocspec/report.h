/* SPDX-License-Identifier: MIT */
/*
 * Reports: the per-rule results of a run as JSON (schema
 * "kallocspec-report/1"):
 *
 *   {"schema":"kallocspec-report/1","port":..,"profile":..,"generated":"2026-01-01T00:00:00Z",
 *    "seed":N,"ops":N,"traces":N,
 *    "rules":[{"id","title","category","source","section","status","exercised","failed",
 *              "message","counterexample": text trace or null}],
 *    "totals":{"PASS":n,"FAIL":n,"UNTESTED":n,"UNSUPPORTED":n,"CRASH":n,"HANG":n},
 *    "faults":[{"status":"CRASH"|"HANG","signal","trace","op","counterexample"}]}
 *
 * Only the rules of the spec's profile are listed.  Crashes and hangs are
 * properties of a trace, not of one rule: they are listed under "faults"
 * and counted (per faulting trace) in totals.CRASH / totals.HANG.  Files are written
 * atomically: a temporary file in the same directory, fsync, rename.
 */
#ifndef KALLOCSPEC_REPORT_H
#define KALLOCSPEC_REPORT_H

#include <stdbool.h>
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

/* A trace that crashed or hung the port. */
struct kas_report_fault {
	bool hang;                  /* HANG, else CRASH */
	const char *signal;         /* "SIGSEGV", ... (NULL for hangs) */
	const char *trace;          /* where it came from: file name, "random #3" */
	size_t op;                  /* op in progress (SIZE_MAX unknown) */
	const struct kas_trace *counterexample;   /* may be NULL */
};

struct kas_report_meta {
	const char *port;           /* port name */
	uint64_t seed;
	uint64_t ops;               /* ops run in total */
	uint64_t traces;            /* traces run */
	time_t generated;           /* 0 = now */
	/* Faults listed (nfaults) and counted (crashes/hangs >= the listed). */
	const struct kas_report_fault *faults;
	size_t nfaults;
	uint64_t crashes, hangs;
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
