/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target `ops`: every input is a binary trace (kas_trace_decode, at
 * most KAS_FUZZ_MAX_OPS ops), run on the port with the spec attached.  Any
 * rule that FAILs -- unless the campaign lists it in KAS_FUZZ_IGNORE -- is
 * a finding: the rule ID, the spec's message and the decoded text trace go
 * to stderr, then abort() so every engine records the input -- or, in a
 * campaign (KAS_FUZZ_FOUND_DIR), the input is saved for the campaign to
 * triage and fuzzing goes on (fuzz_common.h).
 *
 * One spec and one trace live for the whole process; tallies are cleared
 * before each input, so the verdicts depend on the input alone.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>

#include <kallocspec/harness.h>
#include <kallocspec/spec.h>
#include <kallocspec/trace.h>

static struct kas_trace trace;
static struct kas_spec *spec;

static void setup(void)
{
	const struct kas_port *port = kas_fuzz_port();

	kas_trace_init(&trace);
	kas_fuzz_setup_mem();
	spec = kas_spec_new(kas_fuzz_profile(), kas_port_effective_caps(port));
	if (!spec) {
		fprintf(stderr, "kas-fuzz: out of memory creating the spec\n");
		exit(2);
	}
}

/* Reports the first failing rule that is not ignored and is not saved
 * for the campaign (kas_fuzz_found); true when the target must abort. */
static bool report_failure(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < kas_rule_count(); i++) {
		const struct kas_tally *tl = kas_spec_tally(spec, i);
		const struct kas_rule *r = kas_rule_at(i);

		if (!tl || !tl->failed || kas_fuzz_ignored(r->id))
			continue;
		if (!kas_fuzz_found(r->id, data, size))
			continue;
		kas_fuzz_report(NULL, r->id, "op %zu: %s", tl->fail_op + 1, tl->message);
		fputs("----- decoded trace -----\n", stderr);
		kas_trace_print(&trace, stderr, SIZE_MAX);
		fputs("-------------------------\n", stderr);
		return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kas_fuzz_count_exec();
	struct kas_harness_opts opts = { 0 };
	struct kas_trace_result res;

	if (!spec)
		setup();
	if (kas_trace_decode(&trace, data, size, kas_fuzz_profile(), kas_fuzz_max_ops()) != 0)
		return 0;
	kas_spec_clear_tallies(spec);
	opts.pool_bytes = kas_fuzz_pool_bytes();
	opts.mem_bytes = kas_fuzz_mem_bytes();
	/* With rules to ignore (or saved already), a run must go on past
	 * their failures to reach the ones that still count. */
	opts.stop_at_first_fail = !kas_fuzz_ignoring_any() && !kas_fuzz_saving_found();
	if (kas_run_trace(kas_fuzz_port(), spec, &trace, &opts, &res) != 0) {
		kas_fuzz_report(NULL, "PORT-INIT", "the port's init() returned %d", res.init_error);
		abort();
	}
	if (res.fails && report_failure(data, size))
		abort();
	return 0;
}
