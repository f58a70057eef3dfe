/* SPDX-License-Identifier: MIT */
/* `kallocspec check`: the per-rule report, minimised counterexamples, JSON. */
#include "check.h"

#include <kallocspec/minimize.h>
#include <kallocspec/report.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* A minimised counterexample labelled for replay; NULL when minimising fails. */
static struct kas_trace *minimised(struct check_run *cr, size_t rule)
{
	const struct kas_tally *tally = kas_spec_tally(cr->spec, rule);
	struct kas_trace *m;
	struct kas_minimize_stats stats;
	const char *meta[] = { "fails", kas_rule_at(rule)->id, "port", cr->port->name,
			       NULL, NULL, NULL, NULL, NULL };
	const struct kas_trace *from = cr->worst_trace[rule];
	char note[96] = "";
	int rc;

	if (!from && tally && tally->has_counterexample)
		from = &tally->counterexample;
	if (!from)
		return NULL;
	m = malloc(sizeof(*m));
	if (!m)
		return NULL;
	if (check_out_of_time(cr) || cr->no_minimise) {
		/* the --time budget is spent, or --no-minimise: the failing trace as it ran */
		kas_trace_init(m);
		if (kas_trace_copy(m, from, SIZE_MAX) != 0) {
			kas_trace_free(m);
			free(m);
			return NULL;
		}
		cr->unminimised++;
		meta[4] = "minimised";
		meta[5] = cr->no_minimise ? "no (--no-minimise)" : "no (the --time budget was spent)";
		check_set_meta(cr, m, meta);
		return m;
	}
	snprintf(cr->phase_buf, sizeof(cr->phase_buf), "minimising %s", kas_rule_at(rule)->id);
	cr->progress.phase = cr->phase_buf;
	cr->progress.total = 0;
	cli_progress_show(&cr->progress);
	rc = check_minimise(cr, from, rule, m, &stats);
	if (rc < 0) {
		free(m);
		return NULL;
	}
	/* Result 1 (the counterexample did not fail again on its own) still
	 * leaves the original in m: better than nothing, and the metadata
	 * says so. */
	if (rc > 0)
		snprintf(note, sizeof(note), "none of the runs on its own (failed in the check run)");
	else if (stats.final_runs && stats.final_fails < stats.final_runs)
		snprintf(note, sizeof(note), "%u of %u runs (depends on heap layout)",
			 stats.final_fails, stats.final_runs);
	size_t k = 4;
	if (note[0]) {
		meta[k++] = "fails-in";
		meta[k++] = note;
	}
	if (stats.out_of_time) {
		meta[k++] = "minimised";
		meta[k++] = "partly (its time limit ended the search)";
	}
	check_set_meta(cr, m, meta);
	if (cr->verbose)
		fprintf(stderr, "  minimised %s: %zu -> %zu ops in %zu runs\n",
			kas_rule_at(rule)->id, stats.ops_before, stats.ops_after, stats.runs);
	return m;
}

/* DIR/<RULE-ID>.ktrace, so a failure can be replayed on its own. */
static int save_counterexample(const struct check_run *cr, const struct kas_rule *r,
			       const struct kas_trace *t)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.ktrace", cr->save_dir, r->id);
	f = cli_open_out(path);
	if (!f)
		return -1;
	kas_trace_print(t, f, SIZE_MAX);
	return cli_close_out(f, path);
}

/*
 * The crashing / hanging traces: a crash is minimised (every candidate in a
 * child process) to the smallest trace that still crashes; a hang is cut
 * after the op that hung (minimising hangs costs a timeout per candidate).
 * Fills out[i] for the JSON report.
 */
static void report_faults(struct check_run *cr, struct kas_report_fault *out)
{
	struct kas_minimize_opts opts;

	check_minimise_opts(cr, &opts);
	for (size_t i = 0; i < cr->nfaults; i++) {
		struct check_fault *f = &cr->faults[i];

		snprintf(cr->phase_buf, sizeof(cr->phase_buf), "minimising crash %zu of %zu", i + 1,
			 cr->nfaults);
		cr->progress.phase = cr->phase_buf;
		cli_progress_show(&cr->progress);
		bool hang = f->status == KAS_RUN_HANG;
		struct kas_trace *shown = NULL;
		struct kas_minimize_stats stats;
		char opbuf[256] = "";

		if (f->op < f->trace.nops)
			kas_op_format(&f->trace, f->op, opbuf, sizeof(opbuf));
		printf("%s %s  %s%s%s%s\n", hang ? "HANG" : "CRASH", f->name,
		       hang ? "a port call did not return" : "the port died of ",
		       hang ? "" : f->signal,
		       f->op < f->trace.nops ? " at: " : f->op == f->trace.nops ? " in teardown" : "",
		       opbuf);
		shown = malloc(sizeof(*shown));
		if (shown && !hang && !check_out_of_time(cr) && !cr->no_minimise) {
			/* 1: it did not crash again on its own; shown is a copy */
			if (kas_minimize(cr->port, cr->profile, &f->trace, KAS_MINIMIZE_CRASH, &opts,
					 shown, &stats) < 0) {
				free(shown);
				shown = NULL;
			}
		} else if (shown) {
			/* a hang (or a crash once the time is spent) is cut after
			 * its op: minimising costs a timeout per candidate */
			kas_trace_init(shown);
			if (kas_trace_copy(shown, &f->trace, f->op == KAS_NOT_FOUND ? SIZE_MAX
						     : f->op + 1) != 0) {
				kas_trace_free(shown);
				free(shown);
				shown = NULL;
			}
		}
		if (shown) {
			const char *meta[] = { hang ? "hangs" : "crashes", hang ? "yes" : f->signal,
					       "port", cr->port->name, NULL };
			check_set_meta(cr, shown, meta);
		}
		if (f->blocked[0])
			printf("  fails the rules that op exercises: %s\n", f->blocked);
		cli_print_trace_indented(stdout, shown ? shown : &f->trace, "    ");
		out[i].hang = hang;
		out[i].signal = f->signal;
		out[i].trace = f->name;
		out[i].op = f->op == KAS_NOT_FOUND ? SIZE_MAX : f->op;
		out[i].counterexample = shown ? shown : &f->trace;
	}
	if (cr->crashes + cr->hangs > cr->nfaults)
		printf("(%" PRIu64 " more crashing or hanging traces not shown)\n",
		       cr->crashes + cr->hangs - cr->nfaults);
}

/* The failure message of the minimised trace itself (the tally's message
 * comes from the first failure of the whole run, which may be a different
 * call).  Runs isolated: the port may crash.  A failure that depends on the
 * heap is asked again with the heap laid out each way the minimiser tried
 * (kas_run_trace_padded).  False if it did not fail in any. */
static bool message_of(const struct check_run *cr, const struct kas_trace *t, size_t rule,
		       char *msg, size_t len)
{
	struct kas_harness_opts opts;
	bool ok = false;

	check_harness_opts(cr, &opts);
	for (unsigned k = 0; k < KAS_MINIMIZE_ATTEMPTS && !ok; k++) {
		struct kas_spec *s = kas_spec_new(cr->profile, kas_port_effective_caps(cr->port));
		struct kas_trace_result res;

		if (!s)
			return false;
		if (kas_run_trace_padded(cr->port, s, t, &opts, &res, k) == 0) {
			const struct kas_tally *tl = kas_spec_tally(s, rule);
			if (tl && tl->failed && tl->message[0]) {
				snprintf(msg, len, "%s", tl->message);
				ok = true;
			}
		}
		kas_spec_free(s);
	}
	return ok;
}

int check_report(struct check_run *cr, const char *json_path, uint64_t seed)
{
	size_t nrules = kas_rule_count();
	struct kas_trace **cex = calloc(nrules ? nrules : 1, sizeof(*cex));
	/* each rule's message as the counterexample shown gives it, for every format */
	char **msgs = calloc(nrules ? nrules : 1, sizeof(*msgs));
	struct kas_report_fault faults[CHECK_MAX_FAULTS];
	uint64_t totals[KAS_STATUS__COUNT] = { 0 };
	bool save_failed = false;
	int rc = KAS_EXIT_OK;

	cr->progress.phase = "reporting";
	cr->progress.total = 0;
	memset(faults, 0, sizeof(faults));
	if (!cex || !msgs) {
		free(cex);
		free(msgs);
		cli_error("out of memory");
		return KAS_EXIT_USAGE;
	}
	char mem[32] = "no limit";
	if (cr->mem_bytes)
		kas_format_size(cr->mem_bytes, mem, sizeof(mem));
	printf("port %s, profile %s: %" PRIu64 " traces, %" PRIu64 " ops; machine size %s, "
	       "content %s\n", cr->port->name, cr->profile->name, cr->traces, cr->ops, mem,
	       cr->content_full ? "full" : "sampled");
	for (size_t i = 0; i < nrules; i++) {
		const struct kas_rule *r = kas_rule_at(i);
		const struct kas_tally *t = kas_spec_tally(cr->spec, i);
		enum kas_status st;

		if (!kas_rule_in_profile(r, cr->profile))
			continue;
		st = kas_spec_status(cr->spec, i);
		totals[st]++;
		printf("%s %s  %s\n", kas_status_name(st), r->id, r->title);
		if (st == KAS_UNSUPPORTED) {
			/* say which functions or observations it lacks */
			char why[512];
			if (kas_port_missing(cr->port, r->caps, why, sizeof(why))) {
				printf("  why: %s\n", why);
				msgs[i] = strdup(why);
			}
		}
		if (st != KAS_FAIL && st != KAS_CRASH && st != KAS_HANG)
			continue;
		rc = KAS_EXIT_FAIL;
		cli_print_rule_source(stdout, r, "  ");
		if (st == KAS_FAIL)
			cex[i] = minimised(cr, i);
		char msg[sizeof(t->message)];
		if (cex[i] && message_of(cr, cex[i], i, msg, sizeof(msg))) {
			printf("  %s\n", msg);
			msgs[i] = strdup(msg);
		} else {
			/* The minimised trace does not fail here (its failure depends
			 * on the process's heap): show the run's own failing trace,
			 * whose call the tally's message is about, so that message
			 * and counterexample stay one call in every format. */
			if (cex[i] && t && t->has_counterexample) {
				const char *meta[] = { "fails", r->id, "port", cr->port->name,
						       "minimised", "no (the minimised trace's failure "
						       "depends on the process's heap)", NULL };

				kas_trace_free(cex[i]);
				kas_trace_init(cex[i]);
				if (kas_trace_copy(cex[i], &t->counterexample, SIZE_MAX) != 0 ||
				    check_set_meta(cr, cex[i], meta) != 0) {
					kas_trace_free(cex[i]);
					free(cex[i]);
					cex[i] = NULL;
				}
			}
			if (t && t->message[0])
				printf("  %s\n", t->message);
		}
		const struct kas_trace *shown = cex[i] ? cex[i] :
			t && t->has_counterexample ? &t->counterexample : NULL;
		if (!shown)
			continue;
		cli_print_trace_indented(stdout, shown, "    ");
		if (cr->save_dir && save_counterexample(cr, r, shown) != 0)
			save_failed = true;
	}
	report_faults(cr, faults);
	if (cr->crashes || cr->hangs)
		rc = KAS_EXIT_FAIL;
	totals[KAS_CRASH] += cr->crashes;
	totals[KAS_HANG] += cr->hangs;
	printf("rules: %" PRIu64 " PASS, %" PRIu64 " FAIL, %" PRIu64 " UNTESTED, %" PRIu64
	       " UNSUPPORTED", totals[KAS_PASS], totals[KAS_FAIL], totals[KAS_UNTESTED],
	       totals[KAS_UNSUPPORTED]);
	if (totals[KAS_CRASH] || totals[KAS_HANG])
		printf("; traces: %" PRIu64 " CRASH, %" PRIu64 " HANG", totals[KAS_CRASH],
		       totals[KAS_HANG]);
	printf("\n");
	/* what the port's processes (children, minimiser runs) held at most */
	struct rusage ru;
	size_t peak = getrusage(RUSAGE_CHILDREN, &ru) == 0 ? (size_t)ru.ru_maxrss * 1024 : 0;
	printf("peak resident memory of a port process: %zu MiB\n", peak >> 20);
	cli_print_refused(stdout, cr->refused);
	if (cr->no_minimise && cr->unminimised)
		printf("%zu failures not minimised (--no-minimise)\n", cr->unminimised);
	else if (cr->witness_skipped || cr->random_ops_skipped || cr->unminimised)
		printf("left out by --time %" PRIu64 ": %zu of %zu witness traces, %" PRIu64
		       " random ops; %zu failures not minimised\n", cr->time_budget_s,
		       cr->witness_skipped, cr->witness_total, cr->random_ops_skipped,
		       cr->unminimised);
	printf("%" PRIu64 " passed, %" PRIu64 " failed\n", totals[KAS_PASS],
	       totals[KAS_FAIL] + totals[KAS_CRASH] + totals[KAS_HANG]);

	if (save_failed)
		rc = KAS_EXIT_USAGE;
	if (json_path) {
		struct kas_report_meta meta = {
			.port = cr->port->name, .seed = seed, .ops = cr->ops, .traces = cr->traces,
			.faults = faults, .nfaults = cr->nfaults,
			.crashes = cr->crashes, .hangs = cr->hangs,
			.mem_bytes = cr->mem_bytes, .content_full = cr->content_full,
			.time_budget_s = cr->time_budget_s,
			.witness_skipped = cr->witness_skipped,
			.random_ops_skipped = cr->random_ops_skipped,
			.unminimised = cr->unminimised,
			.peak_rss_bytes = peak,
			.caller_refused = cr->refused,
			.rule_messages = (const char *const *)msgs,
		};
		char err[512];

		if (kas_report_json_save(json_path, &meta, cr->spec,
					 (const struct kas_trace *const *)cex, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			rc = KAS_EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < nrules; i++) {
		if (cex[i])
			kas_trace_free(cex[i]);
		free(cex[i]);
	}
	for (size_t i = 0; i < cr->nfaults; i++)
		if (faults[i].counterexample && faults[i].counterexample != &cr->faults[i].trace) {
			kas_trace_free((struct kas_trace *)faults[i].counterexample);
			free((void *)faults[i].counterexample);
		}
	free(cex);
	for (size_t i = 0; i < nrules; i++)
		free(msgs[i]);
	free(msgs);
	fflush(stdout);
	return rc;
}

