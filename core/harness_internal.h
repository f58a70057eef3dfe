/* SPDX-License-Identifier: MIT */
/* Private pieces of the harness. */
#ifndef KAS_CORE_HARNESS_INTERNAL_H
#define KAS_CORE_HARNESS_INTERNAL_H

#include "kallocspec/harness.h"
#include "kallocspec/call.h"
#include "kallocspec/port.h"

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

/* Ops whose call frees (or may free) their object argument(s). */
static inline bool kas_op_frees(enum kas_opcode op)
{
	switch (op) {
	case KAS_OP_KFREE: case KAS_OP_KVFREE: case KAS_OP_KFREE_SENSITIVE: case KAS_OP_VFREE:
	case KAS_OP_KMEM_CACHE_FREE: case KAS_OP_KMEM_CACHE_FREE_BULK: case KAS_OP_KFREE_BULK:
	case KAS_OP_FREE_PAGES: case KAS_OP___FREE_PAGES:
	case KAS_OP_KFREE_RCU: case KAS_OP_KVFREE_RCU:
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

/* The in-process SIGALRM watchdog (watchdog.c). */
void kas__watchdog_arm(unsigned timeout_ms, size_t op_index);
void kas__watchdog_disarm(void);

#endif
