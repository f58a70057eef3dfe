/* SPDX-License-Identifier: MIT */
/* `kallocspec check`: the state of one run, shared by running and reporting. */
#ifndef KALLOCSPEC_CLI_CHECK_H
#define KALLOCSPEC_CLI_CHECK_H

#include "cli.h"
#include "progress.h"

#include <kallocspec/harness.h>
#include <kallocspec/minimize.h>

struct check_run {
	const struct kas_port *port;
	const char *port_arg;       /* --port as given: a name or a module path */
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
	bool isolate;               /* each trace in a child process (default) */
	unsigned timeout_ms;        /* HANG after a port call this long (0 = default) */
	uint64_t traces, ops;
	uint64_t calls_run;         /* ops that ran (not refused, skipped or unsupported) */
	size_t unparsed;            /* corpus traces that did not parse */
	uint64_t seed;              /* random traces and the content sample */
	size_t mem_bytes;           /* the machine size (0 = none) */
	bool content_full;          /* --content full */
	/* --time: a monotonic deadline (0 = none), and what it left out */
	double deadline;
	uint64_t time_budget_s;
	size_t witness_total, witness_skipped;
	uint64_t random_ops_skipped;
	size_t unminimised;         /* failures reported without minimising */
	bool no_minimise;           /* --no-minimise: every failure as it ran */
	struct cli_progress progress;
	char phase_buf[64];
	/* Traces that crashed or hung the port (isolated runs only). */
	struct check_fault *faults;
	size_t nfaults;
	uint64_t crashes, hangs;
	/* Calls refused as caller errors, per caller rule (all traces). */
	uint64_t refused[KAS_CALLER_RULES_MAX];
};

/* A trace that crashed or hung the port. */
struct check_fault {
	uint8_t status;             /* KAS_RUN_CRASH or KAS_RUN_HANG */
	char signal[16];
	char name[256];             /* trace file or "random #N" */
	size_t op;                  /* op in progress, t->nops = teardown, KAS_NOT_FOUND */
	char blocked[256];          /* the rules charged with it (fault_rules.c) */
	struct kas_trace trace;
};

#define CHECK_MAX_FAULTS 8      /* faults kept (and minimised); all are counted */
/* Longest a failure's minimisation may take when no --time budget applies. */
#define CHECK_MINIMISE_MS 20000u

/* The minimiser's options for a failure of this run: its machine and
 * content settings, at most CHECK_MINIMISE_MS (less when --time runs out). */
void check_minimise_opts(const struct check_run *cr, struct kas_minimize_opts *opts);
/* The deadline has passed (never without --time). */
bool check_out_of_time(const struct check_run *cr);
/* The harness options every run of the check uses (machine size, content). */
void check_harness_opts(const struct check_run *cr, struct kas_harness_opts *opts);
/* Labels a counterexample with what replay needs to run it on the same
 * machine: `# mem:`, `# content-seed:` (and `# content: full`), after the
 * given key/value pairs (NULL-terminated, at most 8 pairs). */
int check_set_meta(const struct check_run *cr, struct kas_trace *t, const char *const *kv);

/* Prints every rule of the profile with its status, minimised
 * counterexamples for failures, the summary lines; writes the JSON report
 * and the counterexample files when asked.  Returns the exit status. */
int check_report(struct check_run *cr, const char *json_path, uint64_t seed);

/* kas_minimize for a FAIL of rule, every candidate in a child process of
 * its own unless --no-isolate (check_minimise.c says why).  out is
 * initialised by the call; same results as kas_minimize. */
int check_minimise(const struct check_run *cr, const struct kas_trace *from, size_t rule,
		   struct kas_trace *out, struct kas_minimize_stats *stats);

#endif
