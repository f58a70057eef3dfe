/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target `decoder`: the binary trace form alone, without a port.
 * Every input must decode (kas_trace_decode never refuses bytes), and the
 * decoded trace must survive both round trips the rest of the tool relies
 * on: print -> parse gives an equal trace (findings are written as text and
 * replayed from it), and encode -> decode gives an equal trace (minimising
 * re-encodes).  A difference prints KAS-FUZZ-FAIL DECODER with the trace
 * and aborts.  Crashes, leaks and UBSan reports are findings too.
 *
 * Decoding is cut at KAS_FUZZ_MAX_OPS ops, as in the `ops` target, so both
 * see the same traces; the seeds are the `ops` seeds.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kallocspec/trace.h>

static void mismatch(const char *what, const char *text)
{
	kas_fuzz_report(NULL, "DECODER", "%s", what);
	fputs("----- decoded trace -----\n", stderr);
	fputs(text ? text : "(not printable)\n", stderr);
	fputs("-------------------------\n", stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kas_fuzz_count_exec();
	const struct kas_profile *p = kas_fuzz_profile();
	struct kas_trace t, u;
	struct kas_parse_error err;
	uint8_t *enc = NULL;
	size_t enclen = 0;
	char emsg[256];

	/* Set up and freed per input (see fuzz_trace_parser.c: warm spares
	 * would make libFuzzer leak-check most inputs). */
	kas_trace_init(&t);
	kas_trace_init(&u);
	if (kas_trace_decode(&t, data, size, p, kas_fuzz_max_ops()) != 0)
		goto out;   /* out of memory */
	char *text = kas_trace_to_string(&t, SIZE_MAX);
	if (!text)
		goto out;
	if (kas_trace_parse(&u, text, strlen(text), "<decoded>", NULL, p, &err) != 0) {
		char msg[600];

		kas_parse_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		mismatch("a decoded trace does not parse back", text);
	}
	if (!kas_trace_equal(&t, &u))
		mismatch("print -> parse changed the decoded trace", text);
	if (kas_trace_encode(&t, &enc, &enclen, emsg, sizeof(emsg)) != 0) {
		fprintf(stderr, "%s\n", emsg);
		mismatch("a decoded trace does not encode", text);
	}
	if (kas_trace_decode(&u, enc, enclen, p, 0) != 0) {
		free(enc);
		free(text);
		goto out;   /* out of memory */
	}
	if (!kas_trace_equal(&t, &u))
		mismatch("encode -> decode changed the decoded trace", text);
	free(enc);
	free(text);
out:
	kas_trace_free(&u);
	kas_trace_free(&t);
	return 0;
}
