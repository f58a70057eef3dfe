/* SPDX-License-Identifier: MIT */
/*
 * The call record: what the harness did for one trace op and what it saw.
 * Produced by the harness, judged by the spec's rules, never touched by a
 * port.  All observations are facts ("the first non-zero byte in [from,to)
 * is at offset k"); whether a fact breaks a rule is the spec's business.
 */
#ifndef KALLOCSPEC_CALL_H
#define KALLOCSPEC_CALL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "gfp.h"
#include "trace.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kas_call_status {
	KAS_CALL_DONE = 0,      /* the port was called */
	KAS_CALL_UNSUPPORTED,   /* the port lacks the function */
	KAS_CALL_SKIPPED,       /* not executed, see skip */
};

enum kas_skip_reason {
	KAS_SKIP_NONE = 0,
	KAS_SKIP_DEAD_HANDLE,   /* an argument's object was already freed */
	KAS_SKIP_NOT_IN_PROFILE,/* the function does not exist in this kernel version */
	KAS_SKIP_UNDEFINED,     /* the spec classifies the call as undefined behaviour */
	KAS_SKIP_BAD_ARG,       /* e.g. ctor on a cache smaller than 8 bytes, unbound handle */
};

#define KAS_NOT_FOUND SIZE_MAX

/* A byte-range examination: was [from, to) as expected?  first_bad is the
 * offset of the first wrong byte or KAS_NOT_FOUND. */
struct kas_range_obs {
	uint8_t checked;
	size_t from, to;
	size_t first_bad;
};

/* concurrent_kmalloc (ops_threads.def): what its threads saw.  Filled by
 * the harness; the spec judges it (NO-OVERLAP, INTEGRITY-1). */
struct kas_conc_obs {
	uint8_t ran;                   /* every thread started and was joined */
	uint32_t threads;
	uint64_t handed;               /* non-NULL kmalloc results */
	uint64_t nulls;                /* NULL results (GFP_KERNEL may fail) */
	uint64_t overlaps;             /* results overlapping an object another thread held */
	uintptr_t overlap_addr, overlap_with;
	uint64_t corrupt;              /* held objects whose pattern changed */
	uintptr_t corrupt_addr;
	size_t corrupt_off;
};

struct kas_obs {
	struct kas_range_obs zero;     /* new object: zero bytes where __GFP_ZERO applies */
	struct kas_range_obs prefix;   /* realloc result: old object's pattern preserved */
	struct kas_range_obs pattern;  /* object about to be freed/reallocated: pattern intact */
	struct kas_range_obs kept;     /* realloc input after a NULL result: pattern still intact */
	struct kas_range_obs ctor;     /* cache object: constructor pattern present */
	uint32_t ctor_calls;           /* constructor invocations during the call */
	uint32_t ctor_on_result;       /* ... of which on the returned object */
	uint8_t vmaddr_known, is_vmalloc;   /* port's is_vmalloc_addr(result) */
	uint8_t phys_known, phys_contig;    /* result's frames physically contiguous */
	uint64_t phys;                 /* physical address of the result */
	uint32_t warns;                /* warn hook calls during the call */
	uint32_t warn_kinds;           /* bit per enum kas_warn_kind */
	/* port's page_zone() of every page of the result (the first 64 MiB):
	 * bit per enum kas_zone seen; zone_known 0 when not observable */
	uint8_t zone_known, zone_mask;
	struct kas_conc_obs conc;      /* concurrent_kmalloc only */
};

/*
 * World events of one call (the world is described in world.h).  Filled
 * only when the port declares KAS_CAP_WORLD (world.enabled = 1); all zero
 * otherwise, and the rules that need them are UNSUPPORTED for the port.
 * Every count is of hook calls the PORT made during this op (hooks the
 * world's own ballast allocations cause are not counted), except the
 * fields marked "world:" which the world itself did.
 */
#define KAS_MAX_ATTEMPTS 8           /* alloc_attempt records kept per call */
#define KAS_BALLAST_KINDS 5          /* == KAS_BALLAST__COUNT (world.h) */

struct kas_attempt_obs {
	uint8_t what;                  /* enum kas_attempt (port.h) */
	uint8_t order;
	kas_gfp_t gfp;
};

struct kas_world_obs {
	uint8_t enabled;               /* port has KAS_CAP_WORLD: the hooks below were live */
	/* State in force when the call started. */
	uint8_t context;               /* enum kas_context: process / atomic / irq */
	uint8_t scopes;                /* KAS_SCOPE_* (nofs, noio, noreclaim) */
	uint8_t preempt_depth;         /* preempt_disable + spin_lock nesting */
	uint8_t irq_depth;             /* irq_enter nesting */
	/* gfp_context hook (current_gfp_context) */
	uint32_t gfp_context_calls;
	kas_gfp_t gfp_context_in;      /* gfp the port asked about (first call) */
	kas_gfp_t gfp_context_out;     /* what the world answered (first call) */
	/* wake_kswapd hook */
	uint32_t kswapd_wakes;
	kas_gfp_t kswapd_gfp_or;       /* union of the gfp values passed */
	size_t kswapd_pages;           /* largest `pages` asked for */
	size_t kswapd_reclaimed;       /* world: pages kswapd freed after the call returned */
	/* direct_reclaim hook */
	uint32_t reclaim_rounds;
	uint32_t reclaim_noprogress;   /* rounds that freed nothing */
	uint32_t reclaim_noprogress_run; /* longest run of consecutive no-progress rounds */
	kas_gfp_t reclaim_gfp_or;      /* union of the gfp values passed (0 if no round) */
	kas_gfp_t reclaim_gfp_and;     /* intersection (0 if no round) */
	uint8_t reclaim_max_order;
	size_t reclaimed[KAS_BALLAST_KINDS]; /* pages direct reclaim freed, per ballast kind */
	size_t reclaimed_total;
	/* world: NOFAIL starvation release (KAS_WORLD_NOPROGRESS_LIMIT consecutive
	 * no-progress rounds in this call made "another task" free pinned ballast) */
	uint32_t starvation_releases;
	size_t starvation_pages;
	/* rounds where the release was due but no other task held anything
	 * (no ballast of any kind, no OOM victim): the memory is the trace's
	 * own, and the kernel's __GFP_NOFAIL loop would never end */
	uint32_t starvation_exhausted;
	/* oom_kill hook */
	uint32_t oom_calls;
	uint32_t oom_kills;            /* calls that killed a victim (returned true) */
	kas_gfp_t oom_gfp_or;
	uint8_t oom_max_order;
	size_t oom_freed;              /* anon ballast pages the kills freed */
	/* use_reserves / may_sleep hooks */
	uint32_t reserve_uses;
	kas_gfp_t reserve_gfp_or;
	uint32_t sleeps;               /* may_sleep calls */
	uint32_t sleeps_atomic;        /* ... of which while context != process */
	kas_gfp_t sleep_gfp_or;
	/* memcg hooks */
	uint32_t memcg_charges;        /* charge calls */
	uint32_t memcg_charge_fails;   /* ... that returned false (over the limit) */
	size_t memcg_charged;          /* pages successfully charged */
	uint32_t memcg_uncharges;
	size_t memcg_uncharged;
	size_t memcg_usage;            /* world: pages charged after the call */
	size_t memcg_limit;            /* world: limit in force (0 = none) */
	/* call_rcu hook */
	uint32_t rcu_queued;
	/* world: RCU callbacks the world ran during this op (synchronize_rcu,
	 * rcu_barrier, end of trace) */
	uint32_t rcu_callbacks_run;
	/* world: the call returned memory overlapping an object passed to
	 * kfree_rcu/kvfree_rcu whose grace period has not ended (an early free) */
	uint8_t rcu_early_reuse;
	/* alloc_attempt hook */
	uint32_t attempts;             /* total calls */
	struct kas_attempt_obs attempt[KAS_MAX_ATTEMPTS]; /* the first ones, in order */
	/* world: ballast pages held when the call returned (before kswapd's
	 * background work), per kind */
	size_t ballast[KAS_BALLAST_KINDS];
	uint32_t oom_victims_left;     /* world: killable tasks left */
	size_t reclaim_last;           /* pages the last direct-reclaim round freed */
	/* world: the call returned memory overlapping a ballast page another
	 * task holds (a double allocation); the world forgets that page */
	uint8_t ballast_overlap;
	/* world, ballast / exhaust ops: 1 if the port refused a ballast page
	 * (memory is at its min watermark), 0 if every page requested was
	 * allocated or the world's limit (opts.world_max_pages) stopped it */
	uint8_t ballast_refused;
};

struct kas_call {
	const struct kas_trace *trace;
	const struct kas_op *op;
	size_t index;                  /* op index in the trace */
	uint8_t status;                /* enum kas_call_status */
	uint8_t skip;                  /* enum kas_skip_reason */
	uint8_t caller;                /* refused as a caller error: caller rule index + 1 */
	uint64_t arg[KAS_MAX_ARGS];    /* resolved arguments: numbers, flags, pointers */
	kas_gfp_t gfp;                 /* the gfp argument as given (0 if none) */
	/* Bytes the caller asked for: the size of the object a successful call
	 * creates (n * size wrapped for array calls, the cache's object size,
	 * PAGE_SIZE << order).  The spec's commit uses this, never its own sum. */
	size_t req_size;
	uintptr_t ret;                 /* returned pointer or value */
	/* Input object (first AK_PTR argument bound to a handle), as the model
	 * had it before the call; in_obj == KAS_NO_OBJ if none. */
	uint32_t in_obj;
	struct kas_obj in;
	/* Cache argument (AK_CACHE bound to a handle); KAS_NO_OBJ if none. */
	uint32_t in_cache;
	/* AK_LIST arguments resolved to object indices (harness-owned). */
	const uint32_t *list_objs;
	uint32_t nlist;
	/* Bulk allocation results (harness-owned), count = ret when > 0. */
	void **bulk;
	size_t bulk_cap;
	/* Filled by kas_spec_commit: objects created by the call. */
	uint32_t out_obj;              /* KAS_NO_OBJ if none */
	uint32_t out_bulk;             /* bulk index for R_BULK, else KAS_NO_OBJ */
	struct kas_obs obs;
	/* Appended (world issue): what the world saw during the call. */
	struct kas_world_obs world;
};

#ifdef __cplusplus
}
#endif
#endif
