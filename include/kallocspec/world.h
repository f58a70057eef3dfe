/* SPDX-License-Identifier: MIT */
/*
 * The world: the rest of the kernel, simulated by the harness around a port
 * that declares KAS_CAP_WORLD.  Trace ops set it up and change it (ops.def,
 * the rows after STRUCT_SIZE); the port reaches it through the hooks in
 * struct kas_world_hooks (port.h); every hook call is recorded in the call
 * record of the op in progress (struct kas_world_obs, call.h).
 *
 * Memory pressure.  Other simulated tasks hold "ballast": order-0 pages
 * allocated THROUGH THE PORT (alloc_pages, else __get_free_pages, else
 * kmalloc(PAGE_SIZE)) with KAS_WORLD_BALLAST_GFP, a gfp that cannot
 * reclaim, so the port hands out only what it has above its min watermark.
 * Kinds (trace op `ballast KIND PAGES`):
 *   pinned    never reclaimable (kernel memory of other tasks)
 *   clean     clean page cache: any reclaim may drop it
 *   fs_dirty  dirty page cache that needs the filesystem: only reclaim
 *             with __GFP_FS may write it back
 *   io_dirty  dirty pages that need block IO (swap): only with __GFP_IO
 *   anon      anonymous memory of killable tasks: only the OOM killer
 *             frees it (shared evenly among the `oom_victims N` tasks)
 * `exhaust` adds pinned ballast until the port refuses (memory at the min
 * watermark).  The world holds at most opts.world_max_pages ballast pages.
 *
 * Hook semantics (what the world does when the port calls it):
 *   gfp_context(gfp)   current_gfp_context: NOIO scope clears __GFP_IO and
 *                      __GFP_FS, NOFS clears __GFP_FS, PIN clears
 *                      __GFP_MOVABLE, NORECLAIM adds __GFP_MEMALLOC -- but
 *                      not in irq or NMI context, where PF_MEMALLOC gives no
 *                      reserves (__gfp_pfmemalloc_flags: !in_interrupt()).
 *                      Records the first in/out pair.
 *   wake_kswapd(gfp, order, pages)  counted; AFTER the current call returns
 *                      the world frees up to max(pages, 1 << order) pages
 *                      of clean, fs_dirty, io_dirty ballast (kswapd may
 *                      write back), recorded as kswapd_reclaimed.
 *   direct_reclaim(gfp, order, pages)  one round: frees up to
 *                      max(pages, KAS_WORLD_MIN_RECLAIM) ballast pages,
 *                      clean first, then fs_dirty if gfp has __GFP_FS, then
 *                      io_dirty if gfp has __GFP_IO, through the port's own
 *                      free function; returns the pages freed.  The gfp is
 *                      used AS PASSED (the world does not re-apply scopes:
 *                      a port that forgets current_gfp_context shows up as
 *                      FS reclaim inside a NOFS scope).  After
 *                      KAS_WORLD_NOPROGRESS_LIMIT consecutive rounds
 *                      without progress in one call, "another task" frees
 *                      up to max(pages, 32) pinned pages (starvation
 *                      release, so __GFP_NOFAIL can terminate); that round
 *                      still returns 0.  With nothing left to release
 *                      the round is counted as starvation_exhausted.
 *   oom_kill(gfp, order)  kills one victim (frees its share of anon
 *                      ballast) and returns true; false when no victim is
 *                      left.  The world does not second-guess the port's
 *                      decision to call it: the rules judge that.
 *   use_reserves, may_sleep  counted (may_sleep also per context).
 *   memcg_charge(gfp, pages)  false when a limit is set (`memcg_limit N`)
 *                      and usage + pages > limit; else usage += pages.
 *   memcg_uncharge(pages)  usage -= pages (not below 0).
 *   call_rcu(fn, arg)  queued; run by synchronize_rcu / rcu_barrier ops and
 *                      at the end of the trace (before teardown).
 *   alloc_attempt      recorded (first KAS_MAX_ATTEMPTS per call).
 *   warn               counted by kind (struct kas_obs).
 * Hooks called while the world itself calls the port (ballast allocation,
 * reclaim frees) are not recorded and cannot recurse into reclaim.
 *
 * Context and scopes: preempt_disable / spin_lock make the context atomic,
 * local_irq_disable makes it irqs_off (atomic with interrupts off),
 * irq_enter makes it an interrupt, nmi_enter an NMI (innermost wins:
 * nmi > irq > irqs_off > atomic; unbalanced enable/unlock/exit ops are
 * skipped as BAD_ARG); `f = memalloc_nofs_save` ... `memalloc_nofs_restore
 * f` with the kernel's nesting semantics (save returns the previous state
 * of its bit, restore puts that state back).  At the end of the trace the
 * world returns to process context with no scope, runs the pending RCU
 * callbacks, then the harness frees leftovers, then ballast is released.
 *
 * What the world checks by itself (recorded, judged by the spec):
 *   - a call that returns memory overlapping a ballast page (the port gave
 *     out memory another task holds): ballast_overlap; the world forgets
 *     that page so it is not freed twice;
 *   - a call that returns memory of an object handed to kfree_rcu /
 *     kvfree_rcu before the next synchronize_rcu / rcu_barrier:
 *     rcu_early_reuse.
 * The harness ends a kfree_rcu'd object in the model (the caller must not
 * use it; teardown must not free it) and does not hand kfree_rcu memory its
 * free function does not take (vmalloc memory; cache objects before 6.4):
 * such calls are SKIPPED as undefined.
 */
#ifndef KALLOCSPEC_WORLD_H
#define KALLOCSPEC_WORLD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "gfp.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kas_ballast_kind {
	KAS_BALLAST_PINNED = 0,
	KAS_BALLAST_CLEAN,
	KAS_BALLAST_FS_DIRTY,
	KAS_BALLAST_IO_DIRTY,
	KAS_BALLAST_ANON,
	KAS_BALLAST__COUNT
};

enum kas_context {
	KAS_CTX_PROCESS = 0,
	KAS_CTX_ATOMIC,             /* preempt_disable / spin_lock held */
	KAS_CTX_IRQ,                /* between irq_enter and irq_exit */
	KAS_CTX_IRQS_OFF,           /* process context, local_irq_disable (atomic too) */
	KAS_CTX_NMI,                /* between nmi_enter and nmi_exit */
};

/* Scope bits (struct kas_world_obs.scopes, saved-flags values). */
#define KAS_SCOPE_NOFS      0x1u
#define KAS_SCOPE_NOIO      0x2u
#define KAS_SCOPE_NORECLAIM 0x4u
#define KAS_SCOPE_PIN       0x8u    /* memalloc_pin_save: ~__GFP_MOVABLE (5.13+) */

#define KAS_WORLD_MIN_RECLAIM 32u       /* pages a reclaim round may free at least */
#define KAS_WORLD_NOPROGRESS_LIMIT 64u  /* rounds before the starvation release */
#define KAS_WORLD_DEFAULT_MAX_PAGES 8192u
/* The gfp ballast pages are allocated with: GFP_HIGHUSER_MOVABLE without
 * reclaim, no warning; kmalloc fallback: GFP_KERNEL without reclaim. */
#define KAS_WORLD_BALLAST_GFP (__GFP_IO | __GFP_FS | __GFP_HARDWALL | __GFP_HIGHMEM | \
			       __GFP_MOVABLE | __GFP_NOWARN)
#define KAS_WORLD_BALLAST_KMALLOC_GFP (__GFP_IO | __GFP_FS | __GFP_NOWARN)

/* "pinned", "clean", "fs_dirty", "io_dirty", "anon"; NULL if out of range. */
const char *kas_ballast_kind_name(unsigned kind);
/* The kind spelled s[0..len), or -1. */
int kas_ballast_kind_lookup(const char *s, size_t len);
/* "process", "atomic", "irq", "irqs_off", "nmi". */
const char *kas_context_name(unsigned ctx);
/* current_gfp_context for the scope bits. */
kas_gfp_t kas_scope_apply(unsigned scopes, kas_gfp_t gfp);

#ifdef __cplusplus
}
#endif
#endif
