/* SPDX-License-Identifier: MIT */
/*
 * The harness: runs a trace on a port with the spec attached.
 *
 * For each op it resolves handles through the model, lets the spec veto
 * undefined calls, calls the port, and observes: after a successful
 * allocation it checks zeroing where __GFP_ZERO applies, then fills the
 * object with a per-object pattern; after a krealloc-family call it checks
 * the preserved prefix; before any call that frees (or may free) an object
 * it verifies the object's whole pattern.  Objects still live at the end
 * are freed with their matching free function (and verified), then the
 * port's fini() runs.
 */
#ifndef KALLOCSPEC_HARNESS_H
#define KALLOCSPEC_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "port.h"
#include "spec.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kas_harness_opts {
	size_t pool_bytes;          /* passed to the port's init (0 = default) */
	FILE *log;                  /* if non-NULL: one line per op with result and verdicts */
	bool stop_at_first_fail;    /* stop the trace at the first FAIL verdict */
};

struct kas_trace_result {
	size_t ops_run;             /* ops the port was called for */
	size_t ops_skipped;
	size_t ops_unsupported;
	unsigned fails;             /* FAIL verdicts in this trace */
	size_t first_fail_op;       /* op index of the first FAIL, or KAS_NOT_FOUND */
	int init_error;             /* port init() returned non-zero */
};

/* Run t on port, judged by spec (which must have been created with the
 * trace's profile).  Returns 0, or -1 if the port failed to initialise. */
int kas_run_trace(const struct kas_port *port, struct kas_spec *spec,
		  const struct kas_trace *t, const struct kas_harness_opts *opts,
		  struct kas_trace_result *res);

/* The content pattern byte of object `id` at offset `off` (for tests). */
uint8_t kas_pattern_byte(uint64_t id, size_t off);

/* The harness constructor handed to ports for `ctor` caches, and the bytes
 * it writes at the start of every object (KAS_CTOR_BYTES of them). */
#define KAS_CTOR_BYTES 8
#define KAS_CTOR_BYTE 0xC7u
void kas_harness_ctor(void *obj);

#ifdef __cplusplus
}
#endif
#endif
