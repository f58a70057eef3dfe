/* SPDX-License-Identifier: MIT */
/* The world's state, shared by world.c (ballast, kswapd, OOM, RCU),
 * world_hooks.c (the hooks a port calls) and world_ops.c (trace ops). */
#ifndef KAS_CORE_WORLD_INTERNAL_H
#define KAS_CORE_WORLD_INTERNAL_H

#include "kallocspec/world.h"
#include "kallocspec/port.h"
#include "kallocspec/call.h"
#include "kallocspec/profile.h"

_Static_assert(KAS_BALLAST__COUNT == KAS_BALLAST_KINDS, "call.h mirrors world.h");

enum ballast_how { BALLAST_PAGE = 1, BALLAST_GFP_PAGE, BALLAST_KMALLOC };

struct ballast_set {
	void **pages;
	size_t n, cap;
};

struct rcu_cb {
	void (*fn)(void *arg);
	void *arg;
};

struct rcu_pending_obj {
	uintptr_t addr;
	size_t size;
};

/* Ballast blocks by page (world_index.c). */
struct ballast_index {
	uintptr_t *addr;                /* 0 empty, 1 deleted, else a block's address */
	size_t cap, used, n;
	size_t page;
};
void kas__index_add(struct ballast_index *x, uintptr_t addr);
void kas__index_del(struct ballast_index *x, uintptr_t addr);
/* A ballast block overlapping [a, a+len), or 0. */
uintptr_t kas__index_overlap(const struct ballast_index *x, uintptr_t a, size_t len);
void kas__index_free(struct ballast_index *x);

struct kas_world {
	const struct kas_port *port;
	const struct kas_profile *prof;
	bool enabled;                   /* port declares KAS_CAP_WORLD */
	enum ballast_how how;           /* 0: the port has no allocator for ballast */
	size_t max_pages;
	struct ballast_set ballast[KAS_BALLAST__COUNT];
	size_t ballast_total;
	bool last_refused;              /* the last kas__ballast_add met a NULL */
	struct ballast_index index;
	uint32_t victims;               /* killable tasks left */
	/* context and scopes */
	unsigned preempt_depth, irq_depth;
	unsigned irqoff_depth, nmi_depth;  /* local_irq_disable, nmi_enter nesting */
	unsigned scopes;
	/* kswapd work scheduled by the call in progress */
	size_t kswapd_pending;
	bool kswapd_woken;
	/* memcg */
	size_t memcg_limit, memcg_usage;
	/* RCU */
	struct rcu_cb *rcu;
	size_t nrcu, rcu_cap;
	struct rcu_pending_obj *pending;
	size_t npending, pending_cap;
	/* the call in progress (NULL between calls) */
	struct kas_call *cur;
	uint32_t noprogress_run;        /* consecutive no-progress rounds in cur */
	bool busy;                      /* the world itself is calling the port */
	size_t starvation_releases;     /* over the trace */
};

/* world.c */
/* The harness refuses c as a caller error: SKIPPED, naming the caller
 * rule "CALLER-n" (run/harness.c). */
void kas__refuse(struct kas_call *c, const char *caller_rule);
/* Names the caller rule of a call skipped for another reason (a dead handle). */
void kas__name_caller(struct kas_call *c, const char *caller_rule);
/* The harness's growable-buffer helper (run/harness.c). */
bool kas__grow_buf(void **buf, size_t *cap, size_t need, size_t elem);
/* Allocate up to n ballast pages of kind through the port; stops when the
 * port refuses (or the world's limit is reached).  Returns pages added. */
size_t kas__ballast_add(struct kas_world *w, enum kas_ballast_kind kind, size_t n);
/* Free up to n pages of kind through the port; returns pages freed. */
size_t kas__ballast_free(struct kas_world *w, enum kas_ballast_kind kind, size_t n);
unsigned kas__world_context(const struct kas_world *w);
/* Run the queued RCU callbacks (and forget kfree_rcu'd objects); returns
 * how many ran. */
uint32_t kas__world_run_rcu(struct kas_world *w);

/* world_hooks.c */
void kas__world_fill_hooks(struct kas_world *w, struct kas_world_hooks *h);

#endif

/* ---- used by the harness (world.c, world_ops.c) ---- */
struct kas_world *kas__world_new(const struct kas_port *port, const struct kas_profile *prof,
				 size_t max_pages);
/* Frees the remaining ballast through the port (call before fini()). */
void kas__world_release(struct kas_world *w);
void kas__world_free(struct kas_world *w);
/* The context and scopes in force, into the call record: before the
 * precheck, whose context vetoes (CONTEXT-1..7) depend on them. */
void kas__world_note_state(const struct kas_world *w, struct kas_call *c);
/* Around every judged call: begin records the state in force, end runs
 * kswapd's background work and records the state after. */
void kas__world_begin_call(struct kas_world *w, struct kas_call *c);
void kas__world_end_call(struct kas_world *w, struct kas_call *c);
/* Execute a world op (not kfree_rcu/kvfree_rcu/copy_to_user); sets c->ret,
 * or c->status = SKIPPED with c->skip. */
void kas__world_exec(struct kas_world *w, struct kas_call *c);
/* Is the op one the harness executes itself? */
bool kas__world_op(unsigned code);
/* An object handed to kfree_rcu/kvfree_rcu: its memory must not come back
 * before the grace period ends. */
void kas__world_note_rcu_free(struct kas_world *w, uintptr_t addr, size_t size);
/* End of trace, before teardown: process context, no scopes, RCU callbacks run. */
uint32_t kas__world_end_trace(struct kas_world *w);
