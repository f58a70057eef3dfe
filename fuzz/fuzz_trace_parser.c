/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target `trace_parser`: arbitrary bytes through the text parser.  It
 * must never crash, leak or trip UBSan, and whatever it accepts must print
 * to text that parses back to an equal trace and prints identically
 * (print is a fixed point after one round).
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kallocspec/trace.h>

/*
 * Both traces are set up and freed within each input.  Keeping them warm
 * across inputs (spare slot names and strings stay allocated) made every
 * input that grew them allocate more than it freed, and libFuzzer answers
 * each such input with a full leak check (-detect_leaks): re-running it
 * under malloc tracing and scanning the whole heap, ASan quarantine
 * included.  Freeing everything per input keeps malloc and free counts
 * equal, so only a real leak triggers that check, and a leak can no longer
 * hide in a trace's spares.
 */

static void mismatch(const char *what, const char *input_text, const char *again)
{
	if (kas_fuzz_ignored("TRACE-ROUNDTRIP"))
		return;   /* already recorded by the campaign */
	kas_fuzz_report(NULL, "TRACE-ROUNDTRIP", "%s", what);
	fprintf(stderr, "----- printed -----\n%s----- printed again -----\n%s-----\n", input_text,
		again ? again : "(none)\n");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kas_fuzz_count_exec();
	struct kas_trace first, second;
	struct kas_parse_error err;
	char *text, *again;

	kas_trace_init(&first);
	kas_trace_init(&second);
	if (kas_trace_parse(&first, (const char *)data, size, "<fuzz>", NULL, NULL, &err) != 0) {
		char msg[600];

		/* The message must be formattable whatever the input was. */
		kas_parse_error_format(&err, msg, sizeof(msg));
		kas_trace_free(&first);
		return 0;
	}
	text = kas_trace_to_string(&first, SIZE_MAX);
	if (!text) {
		kas_trace_free(&first);
		return 0;   /* out of memory */
	}
	if (kas_trace_parse(&second, text, strlen(text), "<printed>", NULL, NULL, &err) != 0) {
		char msg[600];

		kas_parse_error_format(&err, msg, sizeof(msg));
		mismatch(msg, text, NULL);
	}
	if (!kas_trace_equal(&first, &second))
		mismatch("printed trace parses to a different trace", text, NULL);
	again = kas_trace_to_string(&second, SIZE_MAX);
	if (again && strcmp(text, again) != 0)
		mismatch("printing is not a fixed point", text, again);
	free(again);
	free(text);
	kas_trace_free(&second);
	kas_trace_free(&first);
	return 0;
}
