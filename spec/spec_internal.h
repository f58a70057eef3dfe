/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the spec sources: the rule enum generated from
 * rules.def, the checker context, the spec object, and small helpers that
 * several checkers need (requested size of a call, kmalloc alignment, ...).
 */
#ifndef KAS_SPEC_INTERNAL_H
#define KAS_SPEC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kallocspec/spec.h"
#include "kallocspec/port.h"
#include "kallocspec/call.h"

/* Kernel WARN_ON_ONCE sites whose "once" several rules share
 * (kas_spec_first_at_site). */
enum kas_once_site { KAS_ONCE_PAGE_ORDER, KAS_ONCE_SITE__COUNT };

/* Bit of an opcode in a rule's applicability mask (128 opcodes at most;
 * widen kas_opmask_t to an array if ops.def ever grows past that). */
typedef unsigned __int128 kas_opmask_t;
#define KAS_OPM(e) ((kas_opmask_t)1 << KAS_OP_##e)
_Static_assert(KAS_OP__COUNT <= 128, "opcode masks are 128-bit");

/* Opcode groups the catalog refers to. */
#define KAS_OPS_KMALLOC_NEW  (KAS_OPM(KMALLOC) | KAS_OPM(KZALLOC) | KAS_OPM(KMALLOC_ARRAY) | \
			      KAS_OPM(KCALLOC))
#define KAS_OPS_KREALLOC     (KAS_OPM(KREALLOC) | KAS_OPM(KREALLOC_ARRAY))
#define KAS_OPS_KMALLOC      (KAS_OPS_KMALLOC_NEW | KAS_OPS_KREALLOC)
#define KAS_OPS_KVMALLOC     (KAS_OPM(KVMALLOC) | KAS_OPM(KVZALLOC) | KAS_OPM(KVMALLOC_ARRAY) | \
			      KAS_OPM(KVCALLOC))
#define KAS_OPS_VMALLOC      (KAS_OPM(VMALLOC) | KAS_OPM(VZALLOC) | KAS_OPM(VMALLOC_GFP) | \
			      KAS_OPM(VMALLOC_NODE))
#define KAS_OPS_PAGES        (KAS_OPM(ALLOC_PAGES) | KAS_OPM(GET_FREE_PAGES) | \
			      KAS_OPM(GET_ZEROED_PAGE))
#define KAS_OPS_CACHE_ALLOC  (KAS_OPM(KMEM_CACHE_ALLOC) | KAS_OPM(KMEM_CACHE_ZALLOC))
#define KAS_OPS_REALLOC      (KAS_OPS_KREALLOC | KAS_OPM(VREALLOC) | KAS_OPM(KVREALLOC))
#define KAS_OPS_NEW_OBJECT   (KAS_OPS_KMALLOC | KAS_OPS_KVMALLOC | KAS_OPS_VMALLOC | \
			      KAS_OPS_PAGES | KAS_OPS_CACHE_ALLOC | KAS_OPM(VREALLOC) | \
			      KAS_OPM(KVREALLOC) | KAS_OPM(KMEM_CACHE_ALLOC_BULK))
#define KAS_OPS_FREE         (KAS_OPM(KFREE) | KAS_OPM(KVFREE) | KAS_OPM(KFREE_SENSITIVE) | \
			      KAS_OPM(VFREE) | KAS_OPM(KMEM_CACHE_FREE) | \
			      KAS_OPM(KMEM_CACHE_FREE_BULK) | KAS_OPM(KFREE_BULK) | \
			      KAS_OPM(FREE_PAGES) | KAS_OPM(__FREE_PAGES) | \
			      KAS_OPM(KFREE_RCU) | KAS_OPM(KVFREE_RCU) | KAS_OPM(KVFREE_RCU_ARG_2))

/*
 * Call facts (spec/facts.c): what kas_spec_check learns about a call once,
 * before any rule runs.  Every rule declares, next to its checker, the
 * facts it needs (KAS_RULE_NEEDS(checker, facts)): the dispatcher does not
 * call a checker whose needs the call lacks.  The needs restate the
 * checker's own early exits -- a call without them is one the checker
 * would have answered NA -- and must never say more: a wrong bit hides
 * failures.  KAS_SPEC_VERIFY_FACTS=1 calls the skipped checkers anyway
 * and aborts on any verdict other than NA (CTest runs it over the
 * witnesses, random traces and several ports).
 */
enum kas_fact {
	KAS_FACT_OBJECT,          /* a real object came back (kas_got_object) */
	KAS_FACT_NULL,            /* the call returned 0 */
	KAS_FACT_ZSP,             /* the call returned ZERO_SIZE_PTR */
	KAS_FACT_IN_OBJ,          /* it consumed a live object (c->in_obj) */
	KAS_FACT_IN_CACHE,        /* it named a live cache (c->in_cache) */
	KAS_FACT_LIST,            /* it has list entries (c->nlist > 0) */
	KAS_FACT_ZEROES,          /* it zeroes by definition or __GFP_ZERO (kas_op_zeroes) */
	KAS_FACT_NOFAIL,          /* c->gfp has __GFP_NOFAIL */
	KAS_FACT_NORETRY,         /* ... __GFP_NORETRY */
	KAS_FACT_RETRY_MAYFAIL,   /* ... __GFP_RETRY_MAYFAIL */
	KAS_FACT_ACCOUNT,         /* ... __GFP_ACCOUNT */
	KAS_FACT_WARNED,          /* the port warned during the call (obs.warns) */
	KAS_FACT_WORLD,           /* the world watched the call (kas_world(c) != NULL) */
	KAS_FACT_RECLAIMED,       /* world: a direct-reclaim round ran */
	KAS_FACT_OOM,             /* world: the OOM killer was called */
	KAS_FACT_KSWAPD,          /* world: kswapd was woken */
	KAS_FACT_SLEPT,           /* world: the port said it may sleep */
	KAS_FACT_ATOMIC,          /* world: atomic or interrupt context, or preemption off */
	KAS_FACT_SCOPED,          /* world: a memalloc scope was in force */
	/* world: the page allocator's slow path may have run
	 * (kas_slowpath_seen: the call returned 0 -- as every op without a
	 * result does --, or woke kswapd, ran a direct-reclaim round, called
	 * the OOM killer, used the reserves or said it may sleep) */
	KAS_FACT_SLOWPATH,
	/* c->gfp has a zone modifier: __GFP_DMA, __GFP_DMA32 or __GFP_HIGHMEM */
	KAS_FACT_ZONE_GFP,
	/* The requested byte count is 0 and the n*size product (if any) did
	 * not overflow: kas_call_request(NULL, c, &n) && n == 0.  With no
	 * checker context the kmem_cache ops (whose size is the cache's)
	 * never have it. */
	KAS_FACT_REQ_ZERO,
	/* The requested byte count exceeds INT_MAX (0x7fffffff), the product
	 * not overflowing: kas_call_request(NULL, c, &n) && n > INT_MAX; never
	 * for the kmem_cache ops (as REQ_ZERO). */
	KAS_FACT_REQ_HUGE,
	/* the harness examined the zeroing of the result (c->obs.zero.checked) */
	KAS_FACT_ZERO_CHECKED,
	/* the op creates objects: its opcode is in KAS_OPS_NEW_OBJECT */
	KAS_FACT_ALLOCATES,
	/* it consumed a live kmem_cache object: c->in_obj != KAS_NO_OBJ and
	 * c->in.family == KAS_FAM_CACHE */
	KAS_FACT_IN_CACHE_OBJ,
	KAS_FACT__COUNT
};
#define KAS_F(name) ((uint64_t)1 << KAS_FACT_##name)
_Static_assert(KAS_FACT__COUNT <= 64, "facts are a 64-bit mask");
uint64_t kas_call_facts(const struct kas_call *c);
#define KAS_RULE_NEEDS(fn, facts) const uint64_t fn##_needs = (facts)

/* Declare every checker and its needs, and number the rules in catalog
 * order. */
#define RULE(E, ID, CAT, TITLE, DOC, SEC, QUOTE, SINCE, UNTIL, CAPS, OPS, FN, NOTES) \
	enum kas_verdict FN(struct kas_check *cx, const struct kas_call *c);        \
	extern const uint64_t FN##_needs;
#include "rules.def"
#undef RULE

enum kas_rule_no {
#define RULE(E, ID, CAT, TITLE, DOC, SEC, QUOTE, SINCE, UNTIL, CAPS, OPS, FN, NOTES) KAS_R_##E,
#include "rules.def"
#undef RULE
	KAS_R__COUNT
};

/* Caller rules, numbered in catalog order (catalog/caller.def). */
enum kas_caller_no {
#define CALLER(E, ID, TITLE, DOC, SEC, QUOTE, NOTES) KAS_C_##E,
#include "catalog/caller.def"
#undef CALLER
	KAS_C__COUNT
};

/* Opcodes each rule looks at (catalog order); the checker is never called
 * for other opcodes.  And the facts each needs (see above). */
extern const kas_opmask_t kas_rule_opmask[KAS_R__COUNT];
extern const uint64_t *const kas_rule_needs[KAS_R__COUNT];

struct kas_check {
	struct kas_spec *spec;
	size_t rule;
	char msg[256];
};

/* A set of (cache index, address) pairs: addresses a cache handed out
 * during the current trace (CACHE-5). Open addressing, reset per trace. */
struct kas_addrset {
	uint64_t *keys;     /* 0 = empty slot */
	uintptr_t *addrs;
	size_t cap, n;
};
bool kas_addrset_contains(const struct kas_addrset *s, uint32_t cache, uintptr_t addr);
void kas_addrset_add(struct kas_addrset *s, uint32_t cache, uintptr_t addr);
void kas_addrset_clear(struct kas_addrset *s);
void kas_addrset_free(struct kas_addrset *s);

/* What a trace has in flight across calls, for the rules about RCU and
 * vfree (RCU-2/3, CACHE-3/4/6, FREE-3; spec/track_rcu.c).  Fixed sizes:
 * when one overflows, the rules that need it stop judging (lost). */
#define KAS_RCUT_PEND 64
#define KAS_RCUT_TS 256
#define KAS_RCUT_KEPT 64
struct kas_rcu_view {               /* state just before the current call */
	uint32_t pend_in_cache;         /* kfree_rcu'd objects of the destroyed cache */
	uint32_t cache_rcu, kv_rcu;     /* RCU-2 / RCU-3 objects a grace period ends */
	bool kept;                      /* the freed object survived a vfree (FREE-3) */
	bool pend_lost;
};
struct kas_rcu_track {
	uint64_t last_seq;           /* kas_spec.call_seq of the call last tracked */
	bool seen;
	bool trace_ended;            /* the harness's end-of-trace grace period is behind */
	bool pend_lost, ts_lost;
	uint32_t npend, nts, nkept;
	uint32_t cache_rcu, kv_rcu;
	struct { uint32_t cache, n; } pend[KAS_RCUT_PEND];
	struct { uintptr_t addr; size_t size; uint32_t cache; } ts[KAS_RCUT_TS];
	uint64_t kept[KAS_RCUT_KEPT];   /* object ids (indices are reused) */
	struct kas_rcu_view cur;
};

#define KAS_DISPATCH_SLOTS 512       /* (op, facts) pairs a spec remembers */

struct kas_spec {
	const struct kas_profile *profile;
	uint32_t port_caps;
	struct kas_model *model;
	const struct kas_trace *trace;
	struct kas_tally tally[KAS_R__COUNT];
	/* Rules whose tally changed since the last clear: clearing visits
	 * only these (a fuzzer clears before every input). */
	uint8_t touched[KAS_R__COUNT];
	bool is_touched[KAS_R__COUNT];
	size_t ntouched;
	bool active[KAS_R__COUNT];          /* in profile and checkable with the caps */
	uint8_t nrules_for_op[KAS_OP__COUNT];
	uint8_t rules_for_op[KAS_OP__COUNT][KAS_R__COUNT];
	/* The rules of an op whose needs a set of facts meets, built the first
	 * time that (op, facts) pair comes (spec.c, rules_for): a trace's
	 * calls fall into a few dozen such pairs. */
	struct kas_dispatch {
		uint64_t facts;
		uint16_t op;            /* KAS_OP__COUNT: empty entry */
		uint8_t n;
		uint8_t *rules;
	} dispatch[KAS_DISPATCH_SLOTS];
	uint8_t *dispatch_pool;             /* the lists, KAS_DISPATCH_SLOTS * KAS_R__COUNT */
	struct kas_addrset cache_seen;      /* CACHE-5 */
	bool once[KAS_R__COUNT];
	bool site_once[KAS_ONCE_SITE__COUNT];   /* kernel WARN_ON_ONCE sites shared by rules */
	uint32_t rcu_in_flight;             /* RCU-1: kfree_rcu'd objects since the last grace period */
	uint64_t call_seq;                  /* calls checked so far (teardown calls share one index) */
	uint32_t rcu_in_flight_before;      /* RCU-1: rcu_in_flight as the current call began */
	struct kas_rcu_track rcut;          /* track_rcu.c */
	/* What state the trackers keep for the active rules (spec.c, track):
	 * the ops the RCU tracker follows always, and when the world watches;
	 * the ops RCU-1 counts. */
	kas_opmask_t rcut_ops, rcut_world_ops, rcu1_ops;
	bool verify_facts;                  /* KAS_SPEC_VERIFY_FACTS */
	uint64_t needs[KAS_R__COUNT];       /* *kas_rule_needs[r] */
	struct kas_check cx;
};

/* ---- helpers ---- */

static inline bool kas_zero_or_null(uintptr_t p) { return p <= KAS_ZERO_SIZE_PTR; }
static inline bool kas_is_pow2(uint64_t x) { return x && !(x & (x - 1)); }
static inline uint64_t kas_low_bit(uint64_t x) { return x & (~x + 1); }
static inline bool kas_aligned(uintptr_t p, uint64_t a) { return a == 0 || (p & (a - 1)) == 0; }
static inline bool kas_done(const struct kas_call *c) { return c->status == KAS_CALL_DONE; }
/* A real object pointer came back (not NULL, not ZERO_SIZE_PTR). */
static inline bool kas_got_object(const struct kas_call *c)
{
	return kas_done(c) && !kas_zero_or_null(c->ret);
}
static inline const struct kas_profile *kas_cx_profile(const struct kas_check *cx)
{
	return cx->spec->profile;
}
static inline uint32_t kas_cx_kver(const struct kas_check *cx) { return cx->spec->profile->kver; }
/* The port reported a warning of kind k during the call. */
static inline bool kas_warned_kind(const struct kas_call *c, enum kas_warn_kind k)
{
	return (c->obs.warn_kinds >> k) & 1u;
}

/* Per-trace "once" state for WARN_ON_ONCE rules: true the first time. */
bool kas_spec_first_in_trace(struct kas_check *cx);

/* One kernel WARN_ON_ONCE site reached by several rules' calls: its "once"
 * is spent by whichever call reaches it first, so later calls of any of
 * those rules may be silent.  The order check in __alloc_pages() is hit by
 * page-allocator calls (RECLAIM-11) and by kmalloc's large path (SIZE-5W)
 * alike (mm/page_alloc.c, WARN_ON_ONCE_GFP). */
bool kas_spec_first_at_site(struct kas_check *cx, enum kas_once_site site);

/* One bit of per-trace history a rule keeps (a scope was used; the
 * reserves have been dipped into: SCOPE-3, -5, -7, CONTEXT-2).  It lives in
 * the spec's per-rule "once" flag, which kas_spec_begin clears for every
 * trace. */
static inline bool kas_trace_bit(const struct kas_check *cx) { return cx->spec->once[cx->rule]; }
static inline void kas_set_trace_bit(struct kas_check *cx) { cx->spec->once[cx->rule] = true; }

/* Requested byte count of an allocating/reallocating call.  Returns false
 * when the call has no size or the n*size product overflows size_t. */
bool kas_call_request(const struct kas_check *cx, const struct kas_call *c, size_t *out);
/* The array product overflowed (kmalloc_array & friends). */
bool kas_call_overflows(const struct kas_call *c);
/* Family of the object an allocating op creates (KAS_FAM_NONE if none). */
enum kas_family kas_op_family(unsigned code);
/* The op zeroes its result by definition or through __GFP_ZERO. */
bool kas_op_zeroes(const struct kas_call *c);
/* Alignment kmalloc(size) guarantees in kver (size > 0). */
uint64_t kas_kmalloc_align(const struct kas_profile *p, size_t size);
/* calculate_alignment() for a cache: the power of two objects are aligned to. */
uint64_t kas_cache_align(uint32_t size, uint32_t align, uint32_t flags);
/* What kmalloc_size_roundup(s) must return in profile p (SIZE-2). */
uint64_t kas_expected_roundup(const struct kas_profile *p, uint64_t s);
/* Page order covering size bytes (get_order). */
unsigned kas_get_order(uint64_t size);
/* The cache record of the call's cache argument, or NULL. */
struct kas_cache *kas_call_cache(struct kas_spec *s, const struct kas_call *c);
/* Pointer argument (the object the call consumes) and its index. */
uintptr_t kas_call_ptr_arg(const struct kas_call *c);
/* Verdict from a byte-range observation: NA if not examined, FAIL naming
 * `what` if a byte was wrong, else PASS. */
enum kas_verdict kas_judge_range(struct kas_check *cx, const struct kas_call *c,
				 const struct kas_range_obs *r, const char *what);
/* Kernel name of the call's function, for messages. */
const char *kas_opname(const struct kas_call *c);
/* The input object is vmalloc memory: 1 yes, 0 no, 2 unknown. */
int kas_in_is_vmalloc(const struct kas_call *c);

_Static_assert(KAS_R__COUNT <= 256, "rule indices are stored in a byte");

/* The tally of rule r is about to change. */
static inline struct kas_tally *kas_tally_touch(struct kas_spec *s, size_t r)
{
	if (!s->is_touched[r]) {
		s->is_touched[r] = true;
		s->touched[s->ntouched++] = (uint8_t)r;
	}
	return &s->tally[r];
}

/* track_rcu.c: RCU-1's count of kfree_rcu objects in flight, kept up to
 * date for every call of its ops (spec.c, track). */
void kas_rcu1_track(struct kas_spec *s, const struct kas_call *c);

/* track_rcu.c: forget the trace's RCU/vfree state (kas_spec_begin), and
 * bring it up to date with call c (idempotent per call; returns the state
 * as it was before c). */
void kas_rcu_track_reset(struct kas_spec *s);
const struct kas_rcu_view *kas_rcu_track(struct kas_spec *s, const struct kas_call *c);

#endif
