/* SPDX-License-Identifier: MIT */
/* Test helpers: run a text trace on a port under linux-6.12 and read one
 * rule's status (a parse error or an unknown rule ends the test, exit 2). */
#ifndef KAS_TESTS_RUN_TEXT_H
#define KAS_TESTS_RUN_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/trace.h"

/* The spec the trace was judged by (caller frees). */
static inline struct kas_spec *kas_test_run_text(const struct kas_port *port, uint32_t caps,
						 const char *text, struct kas_trace_result *res)
{
	struct kas_trace t;
	struct kas_parse_error err;
	const struct kas_profile *p = kas_profile_find("linux-6.12");

	kas_trace_init(&t);
	if (kas_trace_parse(&t, text, strlen(text), "test", p, NULL, &err) != 0) {
		char buf[512];
		kas_parse_error_format(&err, buf, sizeof(buf));
		fprintf(stderr, "parse error: %s\n", buf);
		exit(2);
	}
	struct kas_spec *s = kas_spec_new(p, caps);
	kas_run_trace(port, s, &t, NULL, res);
	kas_trace_free(&t);
	return s;
}

static inline enum kas_status kas_test_status(struct kas_spec *s, const char *id)
{
	int i = kas_rule_index(id);
	if (i < 0) {
		fprintf(stderr, "no rule %s\n", id);
		exit(2);
	}
	return kas_spec_status(s, (size_t)i);
}

#endif
