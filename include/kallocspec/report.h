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
	/* ---- appended (bounded cost) ---- */
	size_t mem_bytes;           /* the machine size (0 = no limit) */
	bool content_full;          /* every byte examined, not a sample */
	uint64_t time_budget_s;     /* --time (0 = none), and what it left out */
	size_t witness_skipped;
	uint64_t random_ops_skipped;
	size_t unminimised;
	size_t peak_rss_bytes;      /* largest resident size of a port process (0 = unknown) */
	/* calls refused as caller errors, per caller rule (NULL = none) */
	const uint64_t *caller_refused;
	/* NULL, or per rule index a message to report instead of the tally's:
	 * the one the reported counterexample gives (a NULL entry keeps the
	 * tally's), so message and counterexample come from the same call */
	const char *const *rule_messages;
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

/* ---- appended (issue 9: the gate and its reports) ---- */

/* A JSON value tree (lang/json_read.c), enough to read our own documents. */
enum kas_json_type {
	KAS_JSON_NULL, KAS_JSON_BOOL, KAS_JSON_NUMBER, KAS_JSON_STRING, KAS_JSON_ARRAY,
	KAS_JSON_OBJECT
};
struct kas_json {
	enum kas_json_type type;
	bool boolean;
	double number;
	uint64_t u64;               /* exact value of a non-negative integer */
	char *string;
	struct kas_json *items;     /* array elements or object member values */
	char **keys;                /* object member names (parallel to items) */
	size_t n;
};
/* NULL with "offset N: reason" in err on a syntax error. */
struct kas_json *kas_json_parse(const char *text, size_t len, char *err, size_t errlen);
void kas_json_free(struct kas_json *v);
/* Member of an object (NULL if absent or obj is not an object). */
const struct kas_json *kas_json_get(const struct kas_json *obj, const char *key);
const char *kas_json_str(const struct kas_json *v);     /* NULL unless a string */
uint64_t kas_json_u64(const struct kas_json *v);        /* 0 unless a number */
double kas_json_num(const struct kas_json *v);

/*
 * A conformance report as data (report/report_doc.c): read from a
 * kallocspec-report/1 file, merged over the gate's lanes (witness, random,
 * regress, props, fuzz, valgrind), and written in every format (JSON,
 * JUnit XML, KTAP v1, Markdown, HTML).  The merged JSON is the same schema
 * with extra members (reports/SCHEMA.md).
 */
#define KAS_REP_MAX_LANES 12
#define KAS_REP_NO_VERDICT (-1)      /* lane_status[]: the lane did not judge the rule */

enum kas_lane_state { KAS_LANE_PASSED, KAS_LANE_FAILED, KAS_LANE_SKIPPED, KAS_LANE_ERROR };
const char *kas_lane_state_name(enum kas_lane_state s);
/* -1 for an unknown name. */
int kas_lane_state_parse(const char *name);
/* -1 for an unknown name. */
int kas_status_parse(const char *name);

struct kas_rep_lane {
	char *name;
	enum kas_lane_state state;
	double seconds;             /* wall time; < 0 unknown */
	char *reason;               /* why skipped / what failed (may be NULL) */
};

struct kas_rep_rule {
	char *id, *title, *category, *source, *section, *quote, *versions;
	enum kas_status status;     /* merged over the lanes */
	uint64_t exercised, failed;
	char *message;
	char *counterexample;       /* text trace of the first failing lane, or NULL */
	char *counterexample_lane;
	int lane_status[KAS_REP_MAX_LANES];  /* enum kas_status or KAS_REP_NO_VERDICT */
};

struct kas_rep_fault {
	char *status;               /* "CRASH", "HANG", "ERROR" (a lane failed outside any rule) */
	char *lane, *signal, *trace, *message, *counterexample;
	long long op;               /* -1 unknown */
};

struct kas_rep {
	char *port, *profile, *generated, *tool;
	uint64_t seed, ops, traces;
	struct kas_rep_rule *rules;
	size_t nrules;
	struct kas_rep_lane lanes[KAS_REP_MAX_LANES];
	size_t nlanes;
	struct kas_rep_fault *faults;
	size_t nfaults;
	double wall_seconds;        /* < 0 unknown */
	char *fuzz_plot_svg;        /* inline SVG of the fuzz campaign, or NULL */
	bool merged;                /* has lanes (written with "lanes" members) */
	/* A single run's machine and budget (kas_report_meta), written when
	 * has_run_meta; faults counted in the totals but not listed. */
	bool has_run_meta;
	bool content_full;
	size_t mem_bytes, peak_rss_bytes, witness_skipped, unminimised;
	uint64_t time_budget_s, random_ops_skipped;
	uint64_t unlisted_crashes, unlisted_hangs;
	/* Calls refused as caller errors, per caller rule (kas_caller_rule_at). */
	uint64_t caller_refused[KAS_CALLER_RULES_MAX];
};

void kas_rep_init(struct kas_rep *r);
/* A single run as a report document: the rules of the spec's profile with
 * their tallies and counterexamples (counterexamples[i], if given, in place
 * of rule i's own), the faults, and the run's machine and budget. */
int kas_rep_from_run(struct kas_rep *r, const struct kas_report_meta *m, const struct kas_spec *s,
		     const struct kas_trace *const *counterexamples);
/* The rule of that ID, appended (UNTESTED, no verdicts) when new; NULL on
 * allocation failure. */
struct kas_rep_rule *kas_rep_rule(struct kas_rep *r, const char *id);
/* Fills what the rules lack (title, category, source, section, quote,
 * versions) from the catalog this binary was built with. */
void kas_rep_fill_from_catalog(struct kas_rep *r);
void kas_rep_free(struct kas_rep *r);
/* Reads a kallocspec-report/1 document (plain or merged). */
int kas_rep_from_json(struct kas_rep *r, const struct kas_json *doc, char *err, size_t errlen);
int kas_rep_load(struct kas_rep *r, const char *path, char *err, size_t errlen);
/* Declares a lane (or updates one of that name); returns its index or -1. */
int kas_rep_add_lane(struct kas_rep *r, const char *name, enum kas_lane_state state,
		     double seconds, const char *reason);
/* Adds a lane's per-rule results (rules matched by ID, new ones appended),
 * its counts and faults; then recomputes the merged statuses. */
int kas_rep_merge(struct kas_rep *into, int lane, const struct kas_rep *from);
/* One rule verdict from a lane (a fuzz or props finding); counterexample may be NULL. */
int kas_rep_add_verdict(struct kas_rep *r, int lane, const char *rule_id, enum kas_status st,
			const char *message, const char *counterexample);
int kas_rep_add_fault(struct kas_rep *r, const char *status, const char *lane,
		      const char *trace, const char *message, const char *counterexample);
/* Merged status of every rule: FAIL > CRASH > HANG > PASS > UNSUPPORTED > UNTESTED. */
void kas_rep_recompute(struct kas_rep *r);
/* Rules per merged status, plus the faults in CRASH/HANG (ERROR faults: in *errors). */
void kas_rep_totals(const struct kas_rep *r, uint64_t totals[KAS_STATUS__COUNT], uint64_t *errors);
/* The gate's counts: passed = PASS rules; failed = FAIL/CRASH/HANG rules + faults. */
void kas_rep_counts(const struct kas_rep *r, uint64_t *passed, uint64_t *failed);

/* Writers; each returns 0 or -1 on a write error. */
int kas_rep_write_json(FILE *out, const struct kas_rep *r);
int kas_rep_write_junit(FILE *out, const struct kas_rep *r);
int kas_rep_write_ktap(FILE *out, const struct kas_rep *r);
int kas_rep_write_markdown(FILE *out, const struct kas_rep *r);
int kas_rep_write_html(FILE *out, const struct kas_rep *r);
/* Port x rule matrices over several reports (columns in the given order). */
int kas_rep_write_matrix_markdown(FILE *out, const struct kas_rep *const *reps, size_t n,
				  const char *title);
int kas_rep_write_matrix_html(FILE *out, const struct kas_rep *const *reps, size_t n,
			      const char *title);

/* Atomically (temporary file in the same directory, fsync, rename) writes
 * path with fn(out, arg); 0, or -1 with a one-line reason in err. */
int kas_write_file_atomic(const char *path, int (*fn)(FILE *out, const void *arg),
			  const void *arg, char *err, size_t errlen);

/* Escaping helpers shared by the writers. */
void kas_xml_text(FILE *out, const char *s);     /* &, <, >, ", ' escaped; bad controls dropped */

#ifdef __cplusplus
}
#endif
#endif
