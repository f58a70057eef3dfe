/* SPDX-License-Identifier: MIT */
/* Private pieces of the harness. */
#ifndef KAS_CORE_HARNESS_INTERNAL_H
#define KAS_CORE_HARNESS_INTERNAL_H

#include "kallocspec/harness.h"
#include "kallocspec/call.h"
#include "kallocspec/port.h"
#include "kallocspec/profile.h"
#include "kallocspec/content.h"
#include "world_internal.h"

/* One trace run in progress (harness.c and its helpers). */
struct run {
	const struct kas_port *port;
	struct kas_spec *spec;
	struct kas_model *m;
	const struct kas_trace *t;
	const struct kas_profile *prof;
	const struct kas_harness_opts *opts;
	struct kas_trace_result *res;
	/* reusable buffers */
	void **ptrs;
	size_t ptrs_cap;
	uint32_t *list_objs;
	size_t list_cap;
	void **bulk;
	size_t bulk_cap;
	struct kas_world *w;        /* the simulated rest of the kernel */
	unsigned timeout_ms;        /* in-process watchdog, 0 = off */
	struct kas_content_plan content;   /* which bytes of objects are examined */
};

/* concurrent.c: concurrent_kmalloc, run by the harness from threads of its
 * own (ops_threads.def); fills c->obs.conc and c->ret. */
struct kas_world;
void kas__run_concurrent(const struct kas_port *port, struct kas_world *w,
			 const struct kas_model *m, const struct kas_content_plan *content,
			 struct kas_call *c);

/* harness_opts.c: what a run's options and a trace's `# key:` lines
 * decide together (the option wins; the trace's line is the default). */
size_t kas__trace_mem_bytes(const struct kas_harness_opts *opts, const struct kas_trace *t);
struct kas_content_plan kas__trace_content_plan(const struct kas_harness_opts *opts,
						const struct kas_trace *t);

/* harness.c */
bool kas__grow_buf(void **buf, size_t *cap, size_t need, size_t elem);
static inline bool kas__is_real_ptr(uintptr_t p) { return p > KAS_ZERO_SIZE_PTR; }
struct kas_cache *kas__cache_of(struct run *r, const struct kas_obj *o);
void kas__reset_call(struct run *r, struct kas_call *c, const struct kas_op *op, size_t index);
/* Execute a prepared call (arguments resolved) and judge it; FAIL count. */
unsigned kas__execute(struct run *r, struct kas_call *c);
void kas__note_result(struct run *r, const struct kas_call *c, unsigned fails);
/* harness_resolve.c: handles -> pointers through the model; false (with
 * c->skip) when the call cannot be made. */
bool kas__resolve(struct run *r, struct kas_call *c);
/* harness_log.c: one line per call into opts->log. */
void kas__log_call(struct run *r, const struct kas_call *c, unsigned fails);
/* harness_teardown.c: free what the trace left live, destroy its caches. */
void kas__teardown(struct run *r, struct kas_call *c);

/* Does the port implement the function behind op? */
bool kas_port_has_op(const struct kas_port *port, enum kas_opcode op);
/* Call the port for c (arguments resolved in c->arg); sets c->ret.
 * name: cache name for cache-creating ops; ptrs/nptrs: AK_LIST pointers. */
void kas_port_invoke(const struct kas_port *port, struct kas_call *c, const char *name,
		     void **ptrs, size_t nptrs, kas_ctor_fn ctor);

/* Ops that create an object which the harness fills with its pattern. */
static inline bool kas_op_is_realloc(enum kas_opcode op)
{
	return op == KAS_OP_KREALLOC || op == KAS_OP_KREALLOC_ARRAY || op == KAS_OP_KVREALLOC ||
	       op == KAS_OP_VREALLOC;
}

/* kfree_rcu, kvfree_rcu and the two-argument kvfree_rcu(ptr, rhf): the
 * object dies after a grace period, not at the call. */
static inline bool kas_op_is_rcu_free(enum kas_opcode op)
{
	return op == KAS_OP_KFREE_RCU || op == KAS_OP_KVFREE_RCU || op == KAS_OP_KVFREE_RCU_ARG_2;
}

/* Ops whose call frees (or may free) their object argument(s). */
static inline bool kas_op_frees(enum kas_opcode op)
{
	switch (op) {
	case KAS_OP_KFREE: case KAS_OP_KVFREE: case KAS_OP_KFREE_SENSITIVE: case KAS_OP_VFREE:
	case KAS_OP_KMEM_CACHE_FREE: case KAS_OP_KMEM_CACHE_FREE_BULK: case KAS_OP_KFREE_BULK:
	case KAS_OP_FREE_PAGES: case KAS_OP___FREE_PAGES:
	case KAS_OP_KFREE_RCU: case KAS_OP_KVFREE_RCU: case KAS_OP_FREE_PAGES_EXACT:
	case KAS_OP_KVFREE_RCU_ARG_2:
		return true;
	default:
		return kas_op_is_realloc(op);
	}
}

/* Ops that zero what they return regardless of the gfp argument. */
static inline bool kas_op_always_zeroes(enum kas_opcode op)
{
	switch (op) {
	case KAS_OP_KZALLOC: case KAS_OP_KCALLOC: case KAS_OP_VZALLOC: case KAS_OP_KVZALLOC:
	case KAS_OP_KVCALLOC: case KAS_OP_KMEM_CACHE_ZALLOC: case KAS_OP_GET_ZEROED_PAGE:
		return true;
	default:
		return false;
	}
}

/*
 * Progress of the trace in this process, for isolation (isolate.c): when
 * non-NULL (a shared mapping in the isolated child), the harness stores the
 * op index before each op and counts port calls in and out, so the parent
 * can name the op a crash or hang happened in.
 */
struct kas__progress {
	volatile uint64_t op;          /* op index in progress (t->nops: end of trace) */
	volatile uint64_t calls_in;    /* port calls started */
	volatile uint64_t calls_out;   /* port calls returned */
};
extern struct kas__progress *kas__progress;

/* A KAS_CAP_WARN_STDERR port's stderr during one call (stderr_warn.c):
 * begin returns the saved fd 2 (or -1), end restores it and passes each
 * line that is a warning in the kernel's words to warn. */
int kas__stderr_begin(void);
void kas__stderr_end(int saved, void (*warn)(enum kas_warn_kind kind, const char *line));

/* The in-process SIGALRM watchdog (watchdog.c). */
void kas__watchdog_arm(unsigned timeout_ms, size_t op_index);
void kas__watchdog_disarm(void);

#endif
