/* SPDX-License-Identifier: MIT */
/* Internal to the minimiser: running candidates (run/minimize_run.c). */
#ifndef KALLOCSPEC_MINIMIZE_INTERNAL_H
#define KALLOCSPEC_MINIMIZE_INTERNAL_H

#include <kallocspec/harness.h>
#include <kallocspec/minimize.h>
#include <kallocspec/spec.h>

#include <stdbool.h>
#include <stddef.h>

#define MIN_HISTORY 8

struct minimizer {
	const struct kas_port *port;
	const struct kas_profile *profile;
	uint32_t caps;
	size_t rule;
	struct kas_harness_opts hopts;
	size_t runs, max_runs;
	double deadline;        /* monotonic seconds; 0 = none */
	bool out_of_time;
	unsigned attempts;
	/* Attempts a smaller candidate must fail: every one, unless the
	 * starting trace itself failed only some (a failure that hinges on
	 * the heap): then as many as it did. */
	unsigned need;
	bool isolate;           /* each run in a child process */
	/* The last MIN_HISTORY accepted states (ring), to fall back on. */
	struct kas_trace hist[MIN_HISTORY];
	size_t nhist;
	bool crash_mode;        /* interesting = the run crashes (KAS_MINIMIZE_CRASH) */
	int (*confirm)(void *arg, const struct kas_trace *t);
	void *confirm_arg;
};

/* 1 = t fails (in one attempt, or in m->need when require_all), first
 * failing op in *fail_op; 0 = it does not; -1 = error (port init, fork,
 * memory). */
int kas__min_still_fails(struct minimizer *m, const struct kas_trace *t, size_t *fail_op,
			 bool require_all);
/* In how many of m->attempts runs t fails (errors count as passes). */
unsigned kas__min_count_fails(struct minimizer *m, const struct kas_trace *t);

#endif
