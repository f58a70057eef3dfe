/* SPDX-License-Identifier: MIT */
/*
 * Counterexample minimisation: the smallest trace that still makes a port
 * fail one rule, found by delta debugging over ops.
 */
#ifndef KALLOCSPEC_MINIMIZE_H
#define KALLOCSPEC_MINIMIZE_H

#include <stddef.h>
#include <stdbool.h>
#include "port.h"
#include "profile.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * dst = the ops of src whose keep[] entry is true, minus every op that
 * refers (through an argument or a list entry) to a slot whose binding op
 * is not kept, transitively.  Slots, list entries and strings are
 * renumbered so dst is a well-formed trace on its own; source, profile and
 * metadata are copied.  dst must not be initialised (it is overwritten).
 * Returns the number of ops kept, or -1 on allocation failure.
 */
long kas_trace_select(struct kas_trace *dst, const struct kas_trace *src, const bool *keep);

struct kas_minimize_opts {
	size_t max_runs;            /* give up improving after this many runs (0 = 5000) */
	unsigned attempts;          /* runs a smaller candidate must fail, each with the
				     * process heap laid out differently, so that results
				     * of malloc-backed ports do not hinge on one heap
				     * state (0 = 12) */
	size_t pool_bytes;          /* for the port's init (0 = default) */
	bool isolate;               /* run every candidate in a child process
				     * (kas_run_trace_isolated); a candidate that
				     * fails the rule and then crashes still counts */
	unsigned call_timeout_ms;   /* isolated runs: HANG after this (0 = default) */
	bool watchdog;              /* in-process runs: arm the harness watchdog, so a
				     * hanging candidate ends the process with
				     * KAS_EXIT_HANG (for a minimiser run in a child) */
	uint32_t port_caps;         /* caps each candidate's spec is created with: pass
				     * what the failing run used, normally
				     * kas_port_effective_caps(port) (0 = port->caps) */
	/* ---- appended (bounded cost) ---- */
	unsigned time_limit_ms;     /* stop improving after this long (0 = no limit
				     * but max_runs); the best trace so far is the result */
	size_t mem_bytes;           /* the machine size of every candidate run
				     * (kas_harness_opts.mem_bytes) */
	bool content_full;          /* kas_harness_opts.content_full / content_seed */
	uint64_t content_seed;
	/* Where a port's results depend on its process's heap, a candidate
	 * that failed every attempt here may still pass where the user will
	 * replay it.  confirm, when set, is asked last about every smaller
	 * candidate that failed every attempt (and about the result): 1 = it
	 * fails the rule there too, 0 = it does not (the candidate is
	 * rejected), -1 = it cannot tell (the candidate is kept). */
	int (*confirm)(void *arg, const struct kas_trace *t);
	void *confirm_arg;
};

struct kas_minimize_stats {
	size_t runs;                /* kas_run_trace calls */
	size_t ops_before, ops_after;
	/* The result run `attempts` times (heap laid out differently each
	 * time): how many of those runs failed the rule.  Less than all means
	 * the failure depends on the port's heap state and may not show on
	 * every replay. */
	unsigned final_fails, final_runs;
	bool out_of_time;           /* time_limit_ms ended the search early */
};

/* Pseudo rule index: minimise a trace that crashes the port instead (every
 * candidate then runs isolated; the crash need not be the same signal). */
#define KAS_MINIMIZE_CRASH ((size_t)-2)

/*
 * Shrink t to a trace that still FAILs rule `rule` (index into the
 * catalog) on port under profile.  Every candidate runs with a fresh spec.
 * t itself counts as failing if one of `attempts` runs fails; a smaller
 * candidate only if every run fails.
 * Returns 0 with the result in *out (which must not be initialised; free
 * with kas_trace_free), 1 if t itself does not fail the rule (out is then
 * a copy of t), -1 on allocation failure or when the port cannot
 * initialise (out is left empty-initialised).
 */
int kas_minimize(const struct kas_port *port, const struct kas_profile *profile,
		 const struct kas_trace *t, size_t rule, const struct kas_minimize_opts *opts,
		 struct kas_trace *out, struct kas_minimize_stats *stats);

/* Runs t isolated (kas_run_trace_isolated) with this process's heap laid
 * out the way the minimiser's k-th attempt lays it out: a failure that
 * depends on the heap, which the minimiser kept, is seen again by trying
 * k = 0, 1, ... (KAS_MINIMIZE_ATTEMPTS of them). */
#define KAS_MINIMIZE_ATTEMPTS 12u
struct kas_spec;
struct kas_harness_opts;
struct kas_trace_result;
int kas_run_trace_padded(const struct kas_port *port, struct kas_spec *spec,
			 const struct kas_trace *t, const struct kas_harness_opts *opts,
			 struct kas_trace_result *res, unsigned k);

#ifdef __cplusplus
}
#endif
#endif
