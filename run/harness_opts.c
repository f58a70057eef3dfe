/* SPDX-License-Identifier: MIT */
/*
 * Run settings a trace may carry as `# key: value` lines, so that a
 * counterexample replays on the machine it failed on: the machine size
 * (`# mem: 1G`) and the content sample (`# content: full`,
 * `# content-seed: N`).  An explicit option always wins.
 */
#include <stdlib.h>
#include <string.h>
#include "harness_internal.h"

size_t kas__trace_mem_bytes(const struct kas_harness_opts *opts, const struct kas_trace *t)
{
	const char *meta;
	size_t v;

	if (opts->mem_bytes)
		return opts->mem_bytes;
	meta = kas_trace_meta(t, "mem");
	return meta && kas_parse_size(meta, &v) == 0 ? v : 0;
}

struct kas_content_plan kas__trace_content_plan(const struct kas_harness_opts *opts,
						const struct kas_trace *t)
{
	struct kas_content_plan cp = { opts->content_seed, opts->content_full };
	const char *meta;

	if (!cp.full && (meta = kas_trace_meta(t, "content")) && strcmp(meta, "full") == 0)
		cp.full = true;
	if (!cp.seed && (meta = kas_trace_meta(t, "content-seed")))
		cp.seed = strtoull(meta, NULL, 0);
	return cp;
}
