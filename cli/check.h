/* SPDX-License-Identifier: MIT */
/* `kallocspec check`: the state of one run, shared by running and reporting. */
#ifndef KALLOCSPEC_CLI_CHECK_H
#define KALLOCSPEC_CLI_CHECK_H

#include "cli.h"

struct check_run {
	const struct kas_port *port;
	/* Per rule: the whole trace in which it failed most often, and how
	 * often.  The tally only keeps the prefix up to the first failing op;
	 * with a port whose failures depend on heap layout (any malloc-backed
	 * one) a trace with many failing calls minimises to a counterexample
	 * that fails every time, one failing call may not. */
	struct kas_trace **worst_trace;
	uint64_t *best_fails;
	uint64_t *failed_before;    /* tally->failed before the current trace */
	const char *save_dir;
	const struct kas_profile *profile;
	struct kas_spec *spec;
	bool verbose;
	uint64_t traces, ops;
};

/* Prints every rule of the profile with its status, minimised
 * counterexamples for failures, the summary lines; writes the JSON report
 * and the counterexample files when asked.  Returns the exit status. */
int check_report(struct check_run *cr, const char *json_path, uint64_t seed);

#endif
