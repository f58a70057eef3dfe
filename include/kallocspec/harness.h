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
	/* ---- appended (world issue) ---- */
	/* Called after every judged call (trace ops and teardown frees), e.g.
	 * for tests or to stream results; may be NULL. */
	void (*on_call)(void *arg, const struct kas_call *c);
	void *on_call_arg;
	/* Watchdog: a single port call running longer than this is a HANG.
	 * 0 = KAS_DEFAULT_CALL_TIMEOUT_MS.  kas_run_trace_isolated enforces it
	 * from the parent; in-process (kas_run_trace) only with
	 * watchdog_in_process, see below. */
	unsigned call_timeout_ms;
	/* kas_run_trace arms a SIGALRM timer around each port call; on expiry
	 * the process writes "kallocspec: HANG: a port call did not return,
	 * op N" to stderr and
	 * _exit(KAS_EXIT_HANG).  Off by default (a fuzzer owns SIGALRM). */
	bool watchdog_in_process;
	/* Most ballast pages the world holds; bounds `exhaust` against ports
	 * that never refuse.  0 = pool_bytes / PAGE_SIZE + 64 when pool_bytes
	 * is set (so `exhaust` can reach the watermark), else
	 * KAS_WORLD_DEFAULT_MAX_PAGES (8192). */
	size_t world_max_pages;
	/* ---- appended (bounded cost) ---- */
	/* Which bytes of objects are examined: every byte of objects up to
	 * 4 KiB, a fixed sample of larger ones (kallocspec/content.h), or every
	 * byte with content_full (also a trace's `# content: full` line).
	 * The sample follows content_seed, else the trace's
	 * `# content-seed: N` line, else 0. */
	bool content_full;
	uint64_t content_seed;
	/* The machine size handed to the port (kas_port_env.mem_bytes): 0 =
	 * the trace's `# mem: SIZE` line, else none.  kas_run_trace_isolated
	 * applies it in the child with kas_mem_limit; kas_run_trace only
	 * passes it on (the process owner applies the limit once). */
	size_t mem_bytes;
};

/* The machine size of `kallocspec check`, `replay` and `fuzz` unless
 * --mem says otherwise. */
#define KAS_DEFAULT_MEM_BYTES ((size_t)1 << 30)

/*
 * Limit the private memory this process may still map to `bytes` more
 * than it maps now (the RLIMIT_DATA soft limit: private writable mappings,
 * brk and malloc's arenas; shared mappings such as the ref allocator's
 * simulated frames are not counted), plus KAS_MEM_HEADROOM for the
 * harness's own bookkeeping.  Never above the hard limit.  0 = lift the
 * soft limit to the hard limit.  Returns 0, or -1 where the process's
 * mapped size cannot be read or the limit cannot be set.
 */
#define KAS_MEM_HEADROOM ((size_t)128 << 20)
int kas_mem_limit(size_t bytes);

/* "1G", "512M", "64K", "4096" (binary units, optional "iB"/"B"):
 * 0 and *out, or -1 for anything else (no overflow, no sign). */
int kas_parse_size(const char *s, size_t *out);
/* The shortest of those forms that kas_parse_size reads back exactly. */
void kas_format_size(size_t bytes, char *buf, size_t len);

#define KAS_DEFAULT_CALL_TIMEOUT_MS 10000u
#define KAS_EXIT_HANG 86            /* exit status of a process the watchdog stopped */

/* How a trace ended. */
enum kas_run_status {
	KAS_RUN_OK = 0,
	KAS_RUN_CRASH,              /* the port died of a signal (isolated runs) */
	KAS_RUN_HANG,               /* a port call exceeded call_timeout_ms */
};

struct kas_trace_result {
	size_t ops_run;             /* ops the port was called for */
	size_t ops_skipped;
	size_t ops_unsupported;
	unsigned fails;             /* FAIL verdicts in this trace */
	size_t first_fail_op;       /* op index of the first FAIL, or KAS_NOT_FOUND */
	int init_error;             /* port init() returned non-zero */
	/* ---- appended (world issue) ---- */
	uint8_t status;             /* enum kas_run_status */
	int signal;                 /* CRASH: the signal number */
	char signal_name[16];       /* CRASH: "SIGSEGV", ... */
	size_t fault_op;            /* CRASH/HANG: op index in progress (t->nops =
				     * teardown / end of trace), KAS_NOT_FOUND if unknown */
	size_t starvation_releases; /* NOFAIL starvation releases the world made */
	/* ---- appended (caller rules) ---- */
	/* Calls refused as caller errors, per caller rule (kas_caller_rule_at);
	 * also counted in ops_skipped. */
	uint32_t refused[KAS_CALLER_RULES_MAX];
};

/* Run t on port, judged by spec (which must have been created with the
 * trace's profile).  Returns 0, or -1 if the port failed to initialise. */
int kas_run_trace(const struct kas_port *port, struct kas_spec *spec,
		  const struct kas_trace *t, const struct kas_harness_opts *opts,
		  struct kas_trace_result *res);

/*
 * Run t in a forked child process (isolation): a port that crashes or hangs
 * cannot take the caller down.  The child runs kas_run_trace with a copy of
 * spec and streams each rule's tally changes (exercised, failed, first
 * failing op, message) back over a pipe as they happen; the parent merges
 * them into spec (kas_spec_merge_tally), so the verdicts of the ops before a
 * crash are kept.  A child killed by a signal gives res->status =
 * KAS_RUN_CRASH with the signal and the op in progress (the child publishes
 * the op index in shared memory before each op); a port call running
 * longer than opts->call_timeout_ms gives KAS_RUN_HANG (the child is
 * killed).  opts->on_call is NOT called (it would run in the child).
 * Returns 0 (also for CRASH/HANG), -1 if the port failed to initialise,
 * -2 if the child could not be started.
 */
int kas_run_trace_isolated(const struct kas_port *port, struct kas_spec *spec,
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
