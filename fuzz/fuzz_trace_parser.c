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

static struct kas_trace first, second;
static bool ready;

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
	struct kas_parse_error err;
	char *text, *again;

	if (!ready) {
		kas_trace_init(&first);
		kas_trace_init(&second);
		ready = true;
	}
	if (kas_trace_parse(&first, (const char *)data, size, "<fuzz>", NULL, NULL, &err) != 0) {
		char msg[600];

		/* The message must be formattable whatever the input was. */
		kas_parse_error_format(&err, msg, sizeof(msg));
		return 0;
	}
	text = kas_trace_to_string(&first, SIZE_MAX);
	if (!text)
		return 0;   /* out of memory */
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
	return 0;
}
