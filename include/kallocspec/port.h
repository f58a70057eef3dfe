/* SPDX-License-Identifier: MIT */
/*
 * The port ABI: how kallocspec talks to an implementation of the Linux
 * kernel allocation API ("a port").
 *
 * A port is one `struct kas_port` returned by the exported function
 * `kallocspec_port()` (declared below; KAS_PORT_EXPORT defines it).  Built-in ports are linked
 * statically; a port given to the CLI as a path is dlopen()ed and the
 * symbol looked up.  Every function pointer may be NULL: the ops that need
 * it are then reported UNSUPPORTED and so are the rules that need it.
 * Never PASS.
 *
 * Conventions for every entry below:
 *   - gfp arguments are kallocspec canonical values (gfp.h); an adapter
 *     translates to the port's own values.
 *   - "Pre:" is what the harness guarantees before calling, "Post:" is what
 *     the kernel documentation promises and the spec checks.  The Post
 *     lines summarise; the rule IDs in brackets are the normative checks
 *     (spec/rules.def, `kallocspec rules`).
 *   - Pointers are the addresses the caller dereferences.  Page allocations
 *     are passed as the address of the first page (page_address()).
 *   - The harness never calls a function with an object it knows to be
 *     freed, and never performs a free the spec classifies as undefined
 *     behaviour (e.g. kfree of vmalloc memory).
 *   - Calls come from one thread unless a port declares KAS_CAP_THREADS.
 *     With it, the trace op concurrent_kmalloc calls kmalloc and kfree from
 *     up to 8 threads at once, while the trace's own thread waits; world
 *     hooks called from those threads act but are not recorded, apply no
 *     scope and never reclaim (other tasks, run/concurrent.c).
 */
#ifndef KALLOCSPEC_PORT_H
#define KALLOCSPEC_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "gfp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* major << 16 | minor: the major must match exactly, the minor may be older */
#define KAS_PORT_ABI_VERSION 0x00010001u   /* minor 1: kfree_rcu, kvfree_rcu, usercopy_check, alloc_attempt hook */
#define KAS_PORT_ABI_MAJOR(v) ((v) >> 16)
#define KAS_PORT_SYMBOL "kallocspec_port"

/* Capability bits: API groups a port declares, and observations it offers. */
enum kas_cap {
	KAS_CAP_KMALLOC        = 1u << 0,  /* kmalloc, kzalloc, kfree */
	KAS_CAP_KMALLOC_ARRAY  = 1u << 1,  /* kmalloc_array, kcalloc */
	KAS_CAP_KREALLOC       = 1u << 2,  /* krealloc, krealloc_array */
	KAS_CAP_KSIZE          = 1u << 3,  /* ksize */
	KAS_CAP_ROUNDUP        = 1u << 4,  /* kmalloc_size_roundup */
	KAS_CAP_KFREE_SENSITIVE= 1u << 5,
	KAS_CAP_VMALLOC        = 1u << 6,  /* vmalloc, vzalloc, vfree, __vmalloc */
	KAS_CAP_KVMALLOC       = 1u << 7,  /* kvmalloc family, kvfree */
	KAS_CAP_CACHE          = 1u << 8,  /* kmem_cache_create/alloc/free/destroy */
	KAS_CAP_CACHE_USERCOPY = 1u << 9,
	KAS_CAP_BULK           = 1u << 10, /* kmem_cache_{alloc,free}_bulk, kfree_bulk */
	KAS_CAP_PAGES          = 1u << 11, /* alloc_pages, __get_free_pages, ... */
	KAS_CAP_OVERFLOW       = 1u << 12, /* size_mul, size_add, ..., struct_size */
	KAS_CAP_VREALLOC       = 1u << 13, /* vrealloc */
	KAS_CAP_KVREALLOC      = 1u << 14, /* kvrealloc */
	KAS_CAP_OBS_PHYS       = 1u << 16, /* virt_to_phys observation */
	KAS_CAP_OBS_VMADDR     = 1u << 17, /* is_vmalloc_addr observation */
	KAS_CAP_WORLD          = 1u << 18, /* calls the world hooks (reclaim, OOM, warn, ...) */
	KAS_CAP_THREADS        = 1u << 19, /* safe to call from several threads */
	KAS_CAP_RCU            = 1u << 20, /* kfree_rcu, kvfree_rcu (head-less, one argument) */
	KAS_CAP_USERCOPY       = 1u << 21, /* usercopy_check: hardened-usercopy verdict */
	KAS_CAP_OBS_WARN       = 1u << 22, /* reports its WARNs through the warn hook */
	KAS_CAP_OBS_ZONE       = 1u << 23, /* page_zone observation (zone placement rules) */
	KAS_CAP_RCU_HEAD       = 1u << 24, /* kvfree_rcu_arg_2 (two-argument kfree_rcu, rcu_head in the object) */
	KAS_CAP_WARN_STDERR    = 1u << 25, /* prints its warnings on stderr in the kernel's words
	                                      (a shim's pr_warn/WARN_ON): the harness reads them
	                                      per call as the warn observation (implies obs_warn) */
};

/* The capability bits that stand for functions (API groups), as opposed to
 * observations and properties (OBS_*, WORLD, THREADS).  A rule that needs
 * an API group is judged on every call to a function of it the port has: a
 * port with kmalloc_array but no kcalloc gets REALLOC-8 on its kmalloc_array
 * calls, and the rule is UNSUPPORTED only when no call could be made. */
#define KAS_CAP_FUNCTION_GROUPS                                                     \
	(0x7fffu | KAS_CAP_RCU | KAS_CAP_USERCOPY | KAS_CAP_RCU_HEAD)

/* Memory zones of x86-64 (mm/mmzone.h), as page_zone() reports them. */
enum kas_zone {
	KAS_ZONE_DMA = 0,           /* below 16 MiB */
	KAS_ZONE_DMA32,             /* below 4 GiB */
	KAS_ZONE_NORMAL,
	KAS_ZONE_MOVABLE,
	KAS_ZONE__COUNT,
	KAS_ZONE_UNKNOWN = -1
};

/* What a port reports through the world's warn hook. */
enum kas_warn_kind {
	KAS_WARN_OTHER = 0,
	KAS_WARN_ALLOC_FAILURE,     /* "page allocation failure" / warn_alloc */
	KAS_WARN_NOFAIL_MISUSE,     /* __GFP_NOFAIL without direct reclaim, order > 1 */
	KAS_WARN_BAD_FLAGS,         /* "Unexpected gfp ... Fix your code!" */
	KAS_WARN_BAD_FREE,          /* vfree of a non-vmalloc address, invalid free */
	KAS_WARN_DESTROY_LIVE,      /* kmem_cache_destroy with objects left */
	KAS_WARN_ZERO_SIZE,         /* vmalloc(0) */
	KAS_WARN_TOO_LARGE,         /* order > MAX_PAGE_ORDER, kvmalloc > INT_MAX */
	KAS_WARN_DOUBLE_FREE,       /* debug mode detection */
	KAS_WARN__COUNT
};

/* The kind of allocator warning a line of text is, in the kernel's words
 * ("page allocation failure", "Slab cache still has objects", "WARNING: ...
 * kmalloc_large", ...), or -1 for none.  Reads the kernel log and what a
 * KAS_CAP_WARN_STDERR port prints. */
int kas_warn_kind_of(const char *line);

/* What a port reports through the world's alloc_attempt hook: the inner
 * allocator it is about to enter (kvmalloc -> KMALLOC then VMALLOC, vmalloc
 * -> VMALLOC_PAGES, a slab refill -> SLAB_PAGE, ...). */
enum kas_attempt {
	KAS_ATTEMPT_NONE = 0,
	KAS_ATTEMPT_KMALLOC,        /* the kmalloc path (slab bucket or large kmalloc) */
	KAS_ATTEMPT_VMALLOC,        /* __vmalloc_node entry (kvmalloc's fallback, vrealloc) */
	KAS_ATTEMPT_SLAB_PAGE,      /* a slab cache takes new pages (order = slab order) */
	KAS_ATTEMPT_PAGES,          /* the page allocator (alloc_pages entry) */
	KAS_ATTEMPT_VMALLOC_PAGES,  /* vmalloc takes its backing pages (order per page) */
	KAS_ATTEMPT_LARGE_KMALLOC,  /* kmalloc above KMALLOC_MAX_CACHE_SIZE goes to pages */
	KAS_ATTEMPT__COUNT
};

/*
 * The world: hooks a port calls so the rest of the kernel (simulated by the
 * harness) can see and steer its behaviour.  `size` is sizeof the struct the
 * harness was built with; a port must not read fields past it.  Later ABI
 * minors append fields (reclaim rounds, kswapd, OOM, reserves, sleeping).
 */
struct kas_world_hooks {
	uint32_t size;
	void *ctx;
	/* Report a kernel WARN/pr_warn.  text may be NULL. */
	void (*warn)(void *ctx, enum kas_warn_kind kind, const char *text);

	/* ---- the reclaim machinery (a port with KAS_CAP_WORLD calls these
	 * from its page allocator's slow path, as the kernel does) ---- */
	/* current_gfp_context(): gfp with the calling task's scopes applied
	 * (memalloc_nofs/noio/noreclaim).  Call once at allocation entry. */
	kas_gfp_t (*gfp_context)(void *ctx, kas_gfp_t gfp);
	/* Wake kswapd for (gfp, order).  The world reclaims in the background
	 * after the current call returns, up to `pages` pages (the port's
	 * estimate of what brings its zones back to the high watermark). */
	void (*wake_kswapd)(void *ctx, kas_gfp_t gfp, unsigned order, size_t pages);
	/* One round of direct reclaim.  The world frees ballast that other
	 * simulated tasks hold, through the port's own free functions, only of
	 * the kinds the gfp permits (clean page cache always, FS-dirty with
	 * __GFP_FS, IO-dirty with __GFP_IO), at most max(pages, 32) pages.
	 * Returns pages freed (0 = no progress).  The port must not hold a lock
	 * its own free path takes.  The call may sleep. */
	size_t (*direct_reclaim)(void *ctx, kas_gfp_t gfp, unsigned order, size_t pages);
	/* Invoke the OOM killer.  True if a victim was killed and its memory
	 * freed (through the port's free functions). */
	bool (*oom_kill)(void *ctx, kas_gfp_t gfp, unsigned order);
	/* The port satisfied (gfp, order) below the zone's min watermark. */
	void (*use_reserves)(void *ctx, kas_gfp_t gfp, unsigned order);
	/* The port is about to sleep (reclaim backoff, retry wait). */
	void (*may_sleep)(void *ctx, kas_gfp_t gfp);
	/* memcg: charge `pages` for an __GFP_ACCOUNT allocation; false = over
	 * the limit (the allocation must then fail).  Uncharge on free. */
	bool (*memcg_charge)(void *ctx, kas_gfp_t gfp, size_t pages);
	void (*memcg_uncharge)(void *ctx, size_t pages);
	/* RCU: run fn(arg) after a grace period (kfree_rcu, SLAB_TYPESAFE_BY_RCU). */
	void (*call_rcu)(void *ctx, void (*fn)(void *arg), void *arg);

	/* ---- world issue additions (appended; check `size`) ---- */
	/* The port is entering an inner allocator (enum kas_attempt) with this
	 * gfp and order: lets the spec see e.g. the flags kvmalloc passes to
	 * kmalloc (KVMALLOC-2) and what vmalloc passes down.  Informational
	 * only; the harness records the first KAS_MAX_ATTEMPTS per call. */
	void (*alloc_attempt)(void *ctx, enum kas_attempt what, kas_gfp_t gfp, unsigned order);
};

/* Handed to init() before every trace. */
struct kas_port_env {
	uint32_t size;               /* sizeof(struct kas_port_env) of the harness */
	uint32_t kver;               /* kernel version to behave like (KAS_KVER) */
	const char *profile;         /* profile name, for messages */
	size_t pool_bytes;           /* simulated memory size, 0 = port default */
	const struct kas_world_hooks *world;  /* never NULL; fields may be NULL */
	/* ---- appended (bounded cost); read only when size covers it ---- */
	/* The machine size the run gives the port: the harness limits the
	 * private memory the process may map to about this much more than it
	 * had (kas_mem_limit, harness.h), so a request beyond it fails in
	 * malloc and mmap as on a machine that small.  0 = no limit.  A port
	 * with a pool of its own may size the pool from it. */
	size_t mem_bytes;
};

typedef void (*kas_ctor_fn)(void *obj);

struct kas_port {
	uint32_t abi_version;        /* KAS_PORT_ABI_VERSION the port was built with */
	uint32_t table_size;         /* sizeof(struct kas_port) the port was built with */
	const char *name;
	const char *description;
	uint32_t caps;               /* KAS_CAP_* the port declares */

	/* Pre: nothing live.  Post: a fresh allocator; 0 on success.
	 * Called before every trace, paired with fini(). */
	int (*init)(const struct kas_port_env *env);
	/* Releases every resource, including objects still live. */
	void (*fini)(void);

	/* ---- kmalloc family (include/linux/slab.h) ---- */
	/* Post: size 0 -> ZERO_SIZE_PTR [ZERO-1]; aligned to ARCH_KMALLOC_MINALIGN
	 * [ALIGN-1], to size for powers of two [ALIGN-2], to the largest
	 * power-of-two divisor since 6.11 [ALIGN-3], page aligned above
	 * KMALLOC_MAX_CACHE_SIZE [ALIGN-4]; NULL above KMALLOC_MAX_SIZE [SIZE-5];
	 * zeroed with __GFP_ZERO [ZERO-4]. */
	void *(*kmalloc)(size_t size, kas_gfp_t gfp);
	/* Post: as kmalloc(size, gfp | __GFP_ZERO). */
	void *(*kzalloc)(size_t size, kas_gfp_t gfp);
	/* Post: NULL without allocating when n * size overflows [REALLOC-8]. */
	void *(*kmalloc_array)(size_t n, size_t size, kas_gfp_t gfp);
	void *(*kcalloc)(size_t n, size_t size, kas_gfp_t gfp);
	/* Pre: p is NULL, ZERO_SIZE_PTR or a live kmalloc object.
	 * Post: p NULL -> kmalloc [REALLOC-1]; new_size 0 -> p freed, returns
	 * ZERO_SIZE_PTR [REALLOC-2]; contents preserved up to min(old, new); on
	 * failure NULL and p untouched [REALLOC-3]; same pointer when the object
	 * still fits [REALLOC-4]. */
	void *(*krealloc)(const void *p, size_t new_size, kas_gfp_t gfp);
	void *(*krealloc_array)(void *p, size_t new_n, size_t new_size, kas_gfp_t gfp);
	/* Pre: p NULL, ZERO_SIZE_PTR, a live kmalloc object, or (6.4+) a live
	 * kmem_cache object.  Post: NULL/ZERO_SIZE_PTR are no-ops [ZERO-3]. */
	void (*kfree)(const void *p);
	/* Pre: NULL, ZERO_SIZE_PTR, or live kmalloc/vmalloc/kvmalloc memory [FREE-2]. */
	void (*kvfree)(const void *p);
	/* Post: 0 for NULL/ZERO_SIZE_PTR, >= the requested size otherwise [SIZE-1]. */
	size_t (*ksize)(const void *p);
	/* Post: the bucket size kmalloc(size) would use [SIZE-2]. */
	size_t (*kmalloc_size_roundup)(size_t size);
	/* Pre: as kfree.  Post: zeroes ksize(p) bytes, then frees. */
	void (*kfree_sensitive)(const void *p);

	/* ---- vmalloc (mm/vmalloc.c) ---- */
	/* Post: page aligned [ALIGN-7]; vmalloc(0) NULL; not necessarily
	 * physically contiguous. */
	void *(*vmalloc)(size_t size);
	void *(*vzalloc)(size_t size);
	void *(*vmalloc_gfp)(size_t size, kas_gfp_t gfp);            /* __vmalloc */
	/* Post: aligned to `align` (a power of two) or NULL [ALIGN-7]. */
	void *(*vmalloc_node_align)(size_t size, size_t align, kas_gfp_t gfp); /* __vmalloc_node */
	/* 6.12+: p NULL -> vmalloc; size 0 -> p freed, NULL returned. */
	void *(*vrealloc)(const void *p, size_t size, kas_gfp_t gfp);
	/* Pre: NULL or any pointer (a non-vmalloc one makes the kernel WARN). */
	void (*vfree)(const void *p);

	/* ---- kvmalloc (mm/util.c, mm/slub.c) ---- */
	/* Post: size <= PAGE_SIZE is exactly kmalloc [KVMALLOC-1]; larger
	 * requests may fall back to vmalloc [KVMALLOC-3]. */
	void *(*kvmalloc)(size_t size, kas_gfp_t gfp);
	void *(*kvzalloc)(size_t size, kas_gfp_t gfp);
	void *(*kvmalloc_array)(size_t n, size_t size, kas_gfp_t gfp);
	void *(*kvcalloc)(size_t n, size_t size, kas_gfp_t gfp);
	/* old_size is the size of p's allocation (needed by <= 6.11 kvrealloc;
	 * later ports ignore it). */
	void *(*kvrealloc)(const void *p, size_t old_size, size_t new_size, kas_gfp_t gfp);

	/* ---- slab caches ---- */
	/* flags are canonical KAS_SLAB_*.  Post: a cache or NULL.  ctor runs
	 * when a slab is populated, not per allocation [CACHE-5]. */
	void *(*kmem_cache_create)(const char *name, unsigned int size, unsigned int align,
				   uint32_t flags, kas_ctor_fn ctor);
	void *(*kmem_cache_create_usercopy)(const char *name, unsigned int size, unsigned int align,
					    uint32_t flags, unsigned int useroffset,
					    unsigned int usersize, kas_ctor_fn ctor);
	/* Post: aligned per ALIGN-5; zeroed with __GFP_ZERO. */
	void *(*kmem_cache_alloc)(void *cache, kas_gfp_t gfp);
	void *(*kmem_cache_zalloc)(void *cache, kas_gfp_t gfp);
	void (*kmem_cache_free)(void *cache, void *obj);
	/* Pre: cache may be NULL (no-op) [ZERO-3]. */
	void (*kmem_cache_destroy)(void *cache);
	/* Post: returns n with all objects in p[], or 0 with none left allocated [FREE-7]. */
	int (*kmem_cache_alloc_bulk)(void *cache, kas_gfp_t gfp, size_t n, void **p);
	void (*kmem_cache_free_bulk)(void *cache, size_t n, void **p);
	/* Post: frees kmalloc (incl. large) objects; n == 0 no-op [FREE-6]. */
	void (*kfree_bulk)(size_t n, void **p);

	/* ---- page allocator (returns page_address of the first page) ---- */
	/* Post: 2^order pages, NULL when order > MAX_PAGE_ORDER. */
	void *(*alloc_pages)(kas_gfp_t gfp, unsigned int order);
	unsigned long (*get_free_pages)(kas_gfp_t gfp, unsigned int order); /* __get_free_pages */
	unsigned long (*get_zeroed_page)(kas_gfp_t gfp);
	void (*free_pages)(unsigned long addr, unsigned int order);
	void (*free_pages_page)(void *page, unsigned int order);           /* __free_pages */

	/* ---- overflow helpers (include/linux/overflow.h) ---- */
	size_t (*size_mul)(size_t a, size_t b);
	size_t (*size_add)(size_t a, size_t b);
	size_t (*size_sub)(size_t a, size_t b);
	size_t (*array_size)(size_t a, size_t b);
	size_t (*array3_size)(size_t a, size_t b, size_t c);
	/* struct_size(p, member, count) with sizeof(*p) = header and
	 * sizeof(p->member[0]) = elem. */
	size_t (*struct_size)(size_t header, size_t elem, size_t count);

	/* ---- observations ---- */
	/* Physical address behind addr, or UINT64_MAX if unknown. */
	uint64_t (*virt_to_phys)(const void *addr);
	bool (*is_vmalloc_addr)(const void *addr);

	/* ---- appended (world issue); read only when table_size covers them ---- */
	/* KAS_CAP_RCU: free p after an RCU grace period (head-less
	 * kfree_rcu_mightsleep / kvfree_rcu(ptr)).  Pre: p NULL (no-op) or a
	 * live kmalloc (6.4+: or kmem_cache) object; kvfree_rcu also vmalloc /
	 * kvmalloc memory.  A port with KAS_CAP_WORLD defers through the
	 * world's call_rcu hook so the harness decides when the grace period
	 * ends (synchronize_rcu / rcu_barrier ops, end of trace). */
	void (*kfree_rcu)(void *p);
	void (*kvfree_rcu)(void *p);
	/* KAS_CAP_USERCOPY: the port's hardened-usercopy verdict for copying n
	 * bytes at ptr to/from user space (check_heap_object): true = allowed,
	 * false = the kernel would report a usercopy violation. */
	bool (*usercopy_check)(const void *ptr, size_t n);

	/* ---- appended (zone rules); read only when table_size covers them ---- */
	/* KAS_CAP_OBS_ZONE: the zone of the page behind addr (page_zonenum of
	 * virt_to_page, or of vmalloc_to_page for vmalloc addresses), or
	 * KAS_ZONE_UNKNOWN. */
	int (*page_zone)(const void *addr);
	/* alloc_pages_exact: PAGE_ALIGN(size) bytes of order-0 pages, the
	 * page_address of the first (the tail of the power-of-two block goes
	 * back).  Post: __GFP_COMP / __GFP_HIGHMEM warned about (once) and
	 * stripped [ZONE-3].  free_pages_exact: Pre: p and size exactly as
	 * allocated. */
	void *(*alloc_pages_exact)(size_t size, kas_gfp_t gfp);
	void (*free_pages_exact)(void *p, size_t size);

	/* ---- appended (CONTEXT-8); read only when table_size covers them ---- */
	/* KAS_CAP_RCU_HEAD: the two-argument kfree_rcu(ptr, rhf) /
	 * kvfree_rcu(ptr, rhf): free p after an RCU grace period, using the
	 * struct rcu_head (16 bytes) embedded at p + head_offset.
	 * Pre: p is a live object kvfree takes (kmalloc, vmalloc, kvmalloc;
	 * 6.4+: kmem_cache); head_offset < 4096, a multiple of 8, and
	 * head_offset + 16 <= the object's size.  The caller may be in any
	 * context but NMI: process, atomic (spin_lock, preempt_disable,
	 * local_irq_disable) or a hard irq.  p NULL: a no-op (the macro tests
	 * it before touching the head).
	 * Post: returns without sleeping, without direct reclaim or the OOM
	 * killer, without a blocking allocation and without waiting for a
	 * grace period (synchronize_rcu), whatever the memory pressure
	 * [CONTEXT-8]: the head is all the bookkeeping it needs; p is freed
	 * only after the grace period [RCU-1].  A port with KAS_CAP_WORLD
	 * defers through the world's call_rcu hook, like kfree_rcu.  The
	 * head's 16 bytes are the port's to write. */
	void (*kvfree_rcu_arg_2)(void *p, size_t head_offset);
};

/* The struct rcu_head kvfree_rcu_arg_2 finds inside the object: its size
 * (two pointers) and the bound on its offset (__is_kvfree_rcu_offset). */
#define KAS_RCU_HEAD_SIZE 16u
#define KAS_RCU_HEAD_MAX_OFFSET 4096u

/* Is an appended port entry present?  (A port built against an older ABI
 * minor has a smaller table; never read past it.) */
#define KAS_PORT_HAS(port, field) \
	((port)->table_size >= offsetof(struct kas_port, field) + sizeof((port)->field) && \
	 (port)->field != NULL)

/* Capabilities actually usable: the declared mask, minus groups whose
 * functions are missing. */
uint32_t kas_port_effective_caps(const struct kas_port *port);

/* ---- what a port module provides ---- */

/* The fields every table starts with, for a designated initializer:
 *
 *     static const struct kas_port my_port = {
 *             KAS_PORT_HEADER("myport", "kmalloc over malloc"),
 *             .caps = KAS_CAP_KMALLOC,
 *             .kmalloc = my_kmalloc, ...
 *     };
 */
#define KAS_PORT_HEADER(name_, description_)                                       \
	.abi_version = KAS_PORT_ABI_VERSION, .table_size = sizeof(struct kas_port), \
	.name = (name_), .description = (description_)

/* The one symbol a port module exports (KAS_PORT_SYMBOL): its port table.
 * KAS_PORT_EXPORT(table) defines it, visible even in a module built with
 * -fvisibility=hidden:
 *
 *     static const struct kas_port my_port = { KAS_PORT_HEADER(...), ... };
 *     KAS_PORT_EXPORT(my_port)
 */
const struct kas_port *kallocspec_port(void);
#define KAS_PORT_EXPORT(table)                                                     \
	__attribute__((visibility("default"))) const struct kas_port *kallocspec_port(void) \
	{                                                                          \
		return &(table);                                                   \
	}

/* The kernel's ZERO_SIZE_PTR (include/linux/slab.h): what kmalloc(0) returns
 * and every free function takes as a no-op.  An adapter over malloc must
 * return it for size 0 [ZERO-1] and never pass it on to free(). */
#define KAS_PORT_ZERO_SIZE_PTR ((void *)16)
#ifndef ZERO_SIZE_PTR
#define ZERO_SIZE_PTR ((void *)16)
#endif

/* Find a port by name among the built-in ones, or load it from a path to a
 * shared object exporting KAS_PORT_SYMBOL.  On failure returns NULL and
 * writes a one-line reason into err. */
const struct kas_port *kas_port_open(const char *name_or_path, char *err, size_t errlen);
/* The same; a module is first loaded in a child process, and *crashed (if
 * given) is set when loading it crashed, aborted, exited or hung there --
 * the port's fault, not the caller's. */
const struct kas_port *kas_port_load(const char *name_or_path, char *err, size_t errlen,
				     bool *crashed);
size_t kas_builtin_port_count(void);
const struct kas_port *kas_builtin_port_at(size_t i);

/* Why the port lacks the capabilities in `caps`: the missing functions of
 * each API group ("no kcalloc, kvcalloc") and what it does not declare
 * ("not declared: obs_warn"), snprintf-style; "" when it has them all. */
size_t kas_port_missing(const struct kas_port *p, uint32_t caps, char *buf, size_t len);
/* Short name of one KAS_CAP_* bit ("kmalloc", "obs_vmaddr"), NULL if unknown. */
const char *kas_cap_name(uint32_t cap);
/* Comma-separated names of the bits in caps ("none" for 0); snprintf-style
 * return value. */
size_t kas_caps_format(uint32_t caps, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
