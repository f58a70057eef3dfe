/* SPDX-License-Identifier: MIT */
/*
 * Merging tallies judged in another process (kas_run_trace_isolated): the
 * child streams per-rule deltas, the parent adds them here.  Written by the
 * world/isolation issue as a new file so it does not touch spec.c.
 */
#include <stdio.h>
#include "spec_internal.h"

void kas_spec_merge_tally(struct kas_spec *s, size_t rule, uint64_t exercised, uint64_t failed,
			  const struct kas_trace *t, size_t fail_op, const char *message)
{
	if (!s || rule >= KAS_R__COUNT)
		return;
	struct kas_tally *ty = kas_tally_touch(s, rule);
	bool first = failed && ty->failed == 0;
	ty->exercised += exercised;
	ty->failed += failed;
	if (!first)
		return;
	snprintf(ty->message, sizeof(ty->message), "%s", message && message[0] ? message :
		 "rule violated");
	ty->fail_op = fail_op;
	if (t) {
		kas_trace_free(&ty->counterexample);
		kas_trace_init(&ty->counterexample);
		size_t n = fail_op < t->nops ? fail_op + 1 : t->nops;
		ty->has_counterexample = kas_trace_copy(&ty->counterexample, t, n) == 0;
	}
}
