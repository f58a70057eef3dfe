/* SPDX-License-Identifier: MIT */
/* A crash or hang charged to the rules its op exercises (fault_rules.c). */
#ifndef KAS_CLI_FAULT_RULES_H
#define KAS_CLI_FAULT_RULES_H

#include <kallocspec/harness.h>
#include <kallocspec/spec.h>
#include <stdbool.h>

/* judged[r] (kas_rule_count() entries) is set for each rule that judges op
 * `op` of t when t runs on ref with the options base; returns how many. */
size_t cli_fault_rules(const struct kas_trace *t, size_t op, const struct kas_harness_opts *base,
		       bool *judged);

/* Charges the crash (signal) or hang at op `op` of t to those rules in
 * spec: each gets one exercised, failed call with the fault as its message
 * and t up to op as its counterexample.  Writes their IDs, space
 * separated, into ids; returns how many. */
size_t cli_charge_fault(struct kas_spec *spec, const struct kas_trace *t, size_t op, bool hang,
			const char *signal, const struct kas_harness_opts *base, char *ids,
			size_t idslen);

#endif
