/* SPDX-License-Identifier: MIT */
/*
 * The spec: the rule catalog (data, spec/rules.def) and the checker that
 * judges call records against it while keeping the abstract model.
 *
 * Per trace:  kas_spec_begin -> for each op { kas_spec_precheck (may veto an
 * undefined call) ; harness calls the port and observes ; kas_spec_check
 * (every applicable rule) ; kas_spec_commit (model update) } -> kas_spec_end.
 * Tallies accumulate across traces until kas_spec_clear_tallies.
 */
#ifndef KALLOCSPEC_SPEC_H
#define KALLOCSPEC_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "profile.h"
#include "trace.h"
#include "model.h"
#include "call.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Results vocabulary.  Never fold one into another. */
enum kas_status {
	KAS_PASS = 0,
	KAS_FAIL,
	KAS_UNTESTED,
	KAS_UNSUPPORTED,
	KAS_CRASH,
	KAS_HANG,
	KAS_STATUS__COUNT
};
const char *kas_status_name(enum kas_status s);

enum kas_rule_category {
	KAS_CAT_ALIGN, KAS_CAT_ZERO, KAS_CAT_REALLOC, KAS_CAT_SIZE, KAS_CAT_FREE,
	KAS_CAT_CACHE, KAS_CAT_KVMALLOC, KAS_CAT_OVERFLOW, KAS_CAT_INTEGRITY,
	KAS_CAT_RECLAIM, KAS_CAT_ZONE, KAS_CAT_ACCOUNT, KAS_CAT_CONTEXT, KAS_CAT_SCOPE,
	KAS_CAT_RCU,
	KAS_CAT__COUNT
};
const char *kas_category_name(enum kas_rule_category c);
/*
 * Caller rules (spec/catalog/caller.def): calls the API leaves undefined,
 * which the harness refuses to run.  A refused call has status SKIPPED,
 * skip KAS_SKIP_UNDEFINED and caller = the rule's index + 1.
 */
struct kas_caller_rule {
	const char *id;             /* "CALLER-8" */
	const char *title, *doc, *section, *quote, *notes;
};
/* Room for the caller rules in fixed arrays (kas_trace_result.refused). */
#define KAS_CALLER_RULES_MAX 32
size_t kas_caller_rule_count(void);
const struct kas_caller_rule *kas_caller_rule_at(size_t i);
/* Index of "CALLER-n", or -1. */
int kas_caller_rule_index(const char *id);

/* The kernel versions a rule holds for ("all", "5.4+", "up to 6.0",
 * "5.17–6.0") from its since/until (until exclusive). */
void kas_rule_versions(uint32_t since, uint32_t until, char *buf, size_t len);

/* A checker's answer for one call. */
enum kas_verdict { KAS_V_NA = 0, KAS_V_PASS, KAS_V_FAIL };

struct kas_check;   /* context handed to checkers */
typedef enum kas_verdict (*kas_checker_fn)(struct kas_check *cx, const struct kas_call *c);

struct kas_rule {
	const char *id;         /* stable: "ALIGN-2" */
	const char *title;
	uint8_t category;       /* enum kas_rule_category */
	const char *doc;        /* source document, e.g. "Documentation/core-api/memory-allocation.rst" */
	const char *section;    /* section or function, e.g. "Selecting memory allocator" */
	const char *quote;      /* short verbatim quote of the source */
	uint32_t since, until;  /* kver range it holds for (until exclusive, 0 = open) */
	uint32_t caps;          /* KAS_CAP_* a port needs for the rule to be checkable */
	kas_checker_fn check;
	const char *notes;      /* where the docs and the code disagree, version splits, ... */
};

size_t kas_rule_count(void);
const struct kas_rule *kas_rule_at(size_t i);
/* Index of the rule with this ID, or -1. */
int kas_rule_index(const char *id);
bool kas_rule_in_profile(const struct kas_rule *r, const struct kas_profile *p);

/* Checker helpers (for spec/ sources). */
const struct kas_profile *kas_check_profile(const struct kas_check *cx);
struct kas_model *kas_check_model(struct kas_check *cx);
/* Record a failure message; returns KAS_V_FAIL. */
enum kas_verdict kas_fail(struct kas_check *cx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Per-rule results over all traces run since the last clear. */
struct kas_tally {
	uint64_t exercised;     /* calls the rule judged (PASS or FAIL) */
	uint64_t failed;
	/* First failure: a copy of the trace prefix ending with the failing op. */
	bool has_counterexample;
	struct kas_trace counterexample;
	size_t fail_op;         /* index of the failing op in counterexample */
	char message[256];
};

struct kas_spec;
struct kas_spec *kas_spec_new(const struct kas_profile *p, uint32_t port_caps);
void kas_spec_free(struct kas_spec *s);
const struct kas_profile *kas_spec_profile(const struct kas_spec *s);
struct kas_model *kas_spec_model(struct kas_spec *s);

void kas_spec_begin(struct kas_spec *s, const struct kas_trace *t);
/* May set c->status = KAS_CALL_SKIPPED, c->skip = KAS_SKIP_UNDEFINED when the
 * documented API makes the call undefined (kfree of vmalloc memory, ...). */
void kas_spec_precheck(struct kas_spec *s, struct kas_call *c);
/* Runs every rule of the profile that applies; returns the number of FAIL
 * verdicts for this call. */
unsigned kas_spec_check(struct kas_spec *s, struct kas_call *c);
/* Applies the call to the model; fills c->out_obj / c->out_bulk. */
void kas_spec_commit(struct kas_spec *s, struct kas_call *c);
void kas_spec_end(struct kas_spec *s);

/* Rule status from the tallies: UNSUPPORTED if the port lacks a needed
 * capability, FAIL if it failed, PASS if exercised, else UNTESTED. */
enum kas_status kas_spec_status(const struct kas_spec *s, size_t rule);
const struct kas_tally *kas_spec_tally(const struct kas_spec *s, size_t rule);
void kas_spec_clear_tallies(struct kas_spec *s);

/* ---- appended (world issue: process isolation) ---- */
/*
 * Add counts judged elsewhere (an isolated child process) to rule's tally.
 * When failed > 0 and the tally has no failure yet, the first fail_op + 1
 * ops of t become its counterexample (the whole trace if fail_op >=
 * t->nops) with message.  Out-of-range rule indices are ignored.
 */
void kas_spec_merge_tally(struct kas_spec *s, size_t rule, uint64_t exercised, uint64_t failed,
			  const struct kas_trace *t, size_t fail_op, const char *message);

#ifdef __cplusplus
}
#endif
#endif
