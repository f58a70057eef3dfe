/* SPDX-License-Identifier: MIT */
/*
 * The "ref" port: kallocspec's port ABI on top of the reference allocator
 * (impl/).  Canonical GFP and SLAB values are the allocator's own values
 * (checked below), so the adapter only routes calls, derives the z-/c-
 * variants, and forwards warnings to the world's hook.
 */
#include <kallocspec/port.h>
#include "ref.h"
#include "ref_mutant.h"

#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(__GFP_DMA == REF_GFP_DMA && __GFP_DMA32 == REF_GFP_DMA32 &&
	       __GFP_ZERO == REF_GFP_ZERO && __GFP_NOWARN == REF_GFP_NOWARN &&
	       __GFP_NOFAIL == REF_GFP_NOFAIL && __GFP_NORETRY == REF_GFP_NORETRY &&
	       __GFP_RETRY_MAYFAIL == REF_GFP_RETRY_MAYFAIL && __GFP_COMP == REF_GFP_COMP &&
	       __GFP_ACCOUNT == REF_GFP_ACCOUNT && KAS_GFP_KERNEL == REF_GFP_KERNEL &&
	       KAS_GFP_ALL_BITS == REF_GFP_BITS_MASK,
	       "canonical GFP bits must equal the reference allocator's");
_Static_assert(KAS_SLAB_HWCACHE_ALIGN == REF_SLAB_HWCACHE_ALIGN &&
	       KAS_SLAB_TYPESAFE_BY_RCU == REF_SLAB_TYPESAFE_BY_RCU &&
	       KAS_SLAB_CACHE_DMA == REF_SLAB_CACHE_DMA &&
	       KAS_SLAB_CACHE_DMA32 == REF_SLAB_CACHE_DMA32 &&
	       KAS_SLAB_ALL == REF_SLAB_PERMITTED,
	       "canonical SLAB flags must equal the reference allocator's");

static const struct kas_world_hooks *world;

/* Is hook `f` inside the harness's struct and set? */
#define HAS(w, f) ((w)->size >= offsetof(struct kas_world_hooks, f) + sizeof((w)->f) && (w)->f)

static ref_gfp_t t_gfp_context(void *ctx, ref_gfp_t gfp)
{
	(void)ctx;
	return world->gfp_context(world->ctx, gfp);
}
static void t_wake_kswapd(void *ctx, ref_gfp_t gfp, unsigned order, size_t pages)
{
	(void)ctx;
	world->wake_kswapd(world->ctx, gfp, order, pages);
}
static size_t t_direct_reclaim(void *ctx, ref_gfp_t gfp, unsigned order, size_t pages)
{
	(void)ctx;
	return world->direct_reclaim(world->ctx, gfp, order, pages);
}
static bool t_oom_kill(void *ctx, ref_gfp_t gfp, unsigned order)
{
	(void)ctx;
	return world->oom_kill(world->ctx, gfp, order);
}
static void t_use_reserves(void *ctx, ref_gfp_t gfp, unsigned order)
{
	(void)ctx;
	world->use_reserves(world->ctx, gfp, order);
}
static void t_may_sleep(void *ctx, ref_gfp_t gfp)
{
	(void)ctx;
	world->may_sleep(world->ctx, gfp);
}
static bool t_memcg_charge(void *ctx, ref_gfp_t gfp, size_t pages)
{
	(void)ctx;
	return world->memcg_charge(world->ctx, gfp, pages);
}
static void t_memcg_uncharge(void *ctx, size_t pages)
{
	(void)ctx;
	world->memcg_uncharge(world->ctx, pages);
}
static void t_call_rcu(void *ctx, void (*fn)(void *), void *arg)
{
	(void)ctx;
	world->call_rcu(world->ctx, fn, arg);
}
static void t_alloc_attempt(void *ctx, enum ref_attempt what, ref_gfp_t gfp, unsigned order)
{
	static const enum kas_attempt map[] = {
		[REF_ATTEMPT_NONE] = KAS_ATTEMPT_NONE,
		[REF_ATTEMPT_KMALLOC] = KAS_ATTEMPT_KMALLOC,
		[REF_ATTEMPT_VMALLOC] = KAS_ATTEMPT_VMALLOC,
		[REF_ATTEMPT_SLAB_PAGE] = KAS_ATTEMPT_SLAB_PAGE,
		[REF_ATTEMPT_PAGES] = KAS_ATTEMPT_PAGES,
		[REF_ATTEMPT_VMALLOC_PAGES] = KAS_ATTEMPT_VMALLOC_PAGES,
		[REF_ATTEMPT_LARGE_KMALLOC] = KAS_ATTEMPT_LARGE_KMALLOC,
	};
	(void)ctx;
	world->alloc_attempt(world->ctx,
			     (unsigned)what < sizeof(map) / sizeof(map[0]) ? map[what]
									   : KAS_ATTEMPT_NONE,
			     gfp, order);
}

/* The allocator's world: a trampoline for each hook the harness offers. */
static struct ref_world ref_world_of(const struct kas_world_hooks *w)
{
	struct ref_world r = { 0 };
	if (!w)
		return r;
	r.gfp_context = HAS(w, gfp_context) ? t_gfp_context : NULL;
	r.wake_kswapd = HAS(w, wake_kswapd) ? t_wake_kswapd : NULL;
	r.direct_reclaim = HAS(w, direct_reclaim) ? t_direct_reclaim : NULL;
	r.oom_kill = HAS(w, oom_kill) ? t_oom_kill : NULL;
	r.use_reserves = HAS(w, use_reserves) ? t_use_reserves : NULL;
	r.may_sleep = HAS(w, may_sleep) ? t_may_sleep : NULL;
	if (HAS(w, memcg_charge) && HAS(w, memcg_uncharge)) {
		r.memcg_charge = t_memcg_charge;
		r.memcg_uncharge = t_memcg_uncharge;
	}
	r.call_rcu = HAS(w, call_rcu) ? t_call_rcu : NULL;
	r.alloc_attempt = HAS(w, alloc_attempt) ? t_alloc_attempt : NULL;
	return r;
}

static void forward_warn(void *ctx, enum ref_warn kind, const char *text)
{
	(void)ctx;
	static const enum kas_warn_kind map[] = {
		[REF_WARN_OTHER] = KAS_WARN_OTHER,
		[REF_WARN_ALLOC_FAILURE] = KAS_WARN_ALLOC_FAILURE,
		[REF_WARN_NOFAIL_MISUSE] = KAS_WARN_NOFAIL_MISUSE,
		[REF_WARN_BAD_FLAGS] = KAS_WARN_BAD_FLAGS,
		[REF_WARN_BAD_FREE] = KAS_WARN_BAD_FREE,
		[REF_WARN_DESTROY_LIVE] = KAS_WARN_DESTROY_LIVE,
		[REF_WARN_ZERO_SIZE] = KAS_WARN_ZERO_SIZE,
		[REF_WARN_TOO_LARGE] = KAS_WARN_TOO_LARGE,
		[REF_WARN_DOUBLE_FREE] = KAS_WARN_DOUBLE_FREE,
	};
	const struct kas_world_hooks *w = world;
	if (!w || !HAS(w, warn))
		return;
	enum kas_warn_kind k = (unsigned)kind < sizeof(map) / sizeof(map[0]) ? map[kind]
									     : KAS_WARN_OTHER;
	w->warn(w->ctx, k, text);
}

static int p_init(const struct kas_port_env *env)
{
	struct ref_config cfg = { .kver = KAS_KVER(6, 12), .warn = forward_warn };
	world = NULL;
	if (env) {
		if (env->size >= offsetof(struct kas_port_env, kver) + sizeof(env->kver))
			cfg.kver = env->kver;
		if (env->size >= offsetof(struct kas_port_env, pool_bytes) + sizeof(env->pool_bytes))
			cfg.pool_bytes = env->pool_bytes;
		if (env->size >= offsetof(struct kas_port_env, world) + sizeof(env->world))
			world = env->world;
	}
	struct ref_world rw = ref_world_of(world);
	cfg.world = &rw;
	return ref_init(&cfg);
}

static void p_fini(void)
{
	ref_fini();
	world = NULL;
}

static void *p_kmalloc(size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	void *p = ref_kmalloc(size, gfp);
	if (REF_MUTANT(FAILURE_EXITS) && !p) /* mutant: a shim that gives up the program */
		exit(1);
	return p;
}
static void *p_kzalloc(size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp | REF_GFP_ZERO);
	return ref_kmalloc(size, gfp | REF_GFP_ZERO);
}
static void *p_kmalloc_array(size_t n, size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_kmalloc_array(n, size, gfp);
}
static void *p_kcalloc(size_t n, size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp | REF_GFP_ZERO);
	return ref_kmalloc_array(n, size, gfp | REF_GFP_ZERO);
}
static void *p_krealloc(const void *p, size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	if (REF_MUTANT(KREALLOC_HALF_PREFIX)) { /* mutant: the second half of what must survive is lost */
		size_t old = REF_ZERO_OR_NULL(p) ? 0 : ref_ksize(p);
		void *q = ref_krealloc(p, size, gfp);
		size_t keep = old < size ? old : size;
		if (!REF_ZERO_OR_NULL(q) && keep > 1)
			memset((char *)q + keep / 2, 0x5A, keep - keep / 2);
		return q;
	}
	return ref_krealloc(p, size, gfp);
}
static void *p_krealloc_array(void *p, size_t n, size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_krealloc_array(p, n, size, gfp);
}
static void p_kfree(const void *p) { ref_kfree(p); }
static void p_kvfree(const void *p) { ref_kvfree(p); }
static size_t p_ksize(const void *p)
{
	size_t n = ref_ksize(p);
	if (REF_MUTANT(KSIZE_HANG)) { /* mutant: ksize of an object above 1 KiB never returns */
		volatile bool forever = n > 1024;
		while (forever) {
		}
	}
	return n;
}
static size_t p_roundup(size_t size) { return ref_kmalloc_size_roundup(size); }
static void p_kfree_sensitive(const void *p)
{
	if (REF_MUTANT(KFREE_SENSITIVE_CRASH) && !REF_ZERO_OR_NULL(p) && ref_ksize(p) > 64) {
		/* mutant: a segmentation fault above 64 bytes, raised with the default
		 * action so that a sanitizer's handler does not turn it into an exit */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	ref_kfree_sensitive(p);
}

static void *p_vmalloc(size_t size)
{
	ref_call_enter(REF_GFP_KERNEL);
	if (REF_MUTANT(VMALLOC0_PAGE)) { /* mutant: vmalloc(0) quietly hands out a page */
		if (size == 0)
			size = 1;
	}
	return ref_vmalloc(size, 1, REF_GFP_KERNEL);
}
static void *p_vzalloc(size_t size)
{
	ref_call_enter(REF_GFP_KERNEL | REF_GFP_ZERO);
	return ref_vmalloc(size, 1, REF_GFP_KERNEL | REF_GFP_ZERO);
}
static void *p_vmalloc_gfp(size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_vmalloc(size, 1, gfp);
}
static void *p_vmalloc_node_align(size_t size, size_t align, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_vmalloc(size, align, gfp);
}
static void *p_vrealloc(const void *p, size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	if (REF_MUTANT(VREALLOC_ZERO_ZSP)) { /* mutant: vrealloc(p, 0) answers like krealloc */
		if (size == 0) {
			ref_vfree(p);
			return REF_ZERO_SIZE_PTR;
		}
	}
	return ref_vrealloc(p, size, gfp);
}
static void p_vfree(const void *p) { ref_vfree(p); }

static void *p_kvmalloc(size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_kvmalloc(size, gfp);
}
static void *p_kvzalloc(size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp | REF_GFP_ZERO);
	return ref_kvmalloc(size, gfp | REF_GFP_ZERO);
}
static void *p_kvmalloc_array(size_t n, size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_kvmalloc_array(n, size, gfp);
}
static void *p_kvcalloc(size_t n, size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp | REF_GFP_ZERO);
	return ref_kvmalloc_array(n, size, gfp | REF_GFP_ZERO);
}
static void *p_kvrealloc(const void *p, size_t old_size, size_t new_size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_kvrealloc(p, old_size, new_size, gfp);
}

static void *p_cache_create(const char *name, unsigned int size, unsigned int align,
			    uint32_t flags, kas_ctor_fn ctor)
{
	ref_call_enter(REF_GFP_KERNEL);
	return ref_cache_create(name, size, align, flags, 0, 0, ctor);
}
static void *p_cache_create_usercopy(const char *name, unsigned int size, unsigned int align,
				     uint32_t flags, unsigned int useroffset,
				     unsigned int usersize, kas_ctor_fn ctor)
{
	ref_call_enter(REF_GFP_KERNEL);
	return ref_cache_create(name, size, align, flags, useroffset, usersize, ctor);
}
static void *p_cache_alloc(void *c, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_cache_alloc(c, gfp);
}
static void *p_cache_zalloc(void *c, kas_gfp_t gfp)
{
	ref_call_enter(gfp | REF_GFP_ZERO);
	return ref_cache_alloc(c, gfp | REF_GFP_ZERO);
}
static void p_cache_free(void *c, void *obj) { ref_cache_free(c, obj); }
static void p_cache_destroy(void *c) { ref_cache_destroy(c); }
static int p_cache_alloc_bulk(void *c, kas_gfp_t gfp, size_t n, void **p)
{
	ref_call_enter(gfp);
	return ref_cache_alloc_bulk(c, gfp, n, p);
}
static void p_cache_free_bulk(void *c, size_t n, void **p) { ref_cache_free_bulk(c, n, p); }
static void p_kfree_bulk(size_t n, void **p) { ref_kfree_bulk(n, p); }

static void *p_alloc_pages(kas_gfp_t gfp, unsigned int order)
{
	ref_call_enter(gfp);
	return ref_alloc_pages(gfp, order);
}
static unsigned long p_get_free_pages(kas_gfp_t gfp, unsigned int order)
{
	ref_call_enter(gfp);
	return ref_get_free_pages(gfp, order);
}
static unsigned long p_get_zeroed_page(kas_gfp_t gfp)
{
	ref_call_enter(gfp | REF_GFP_ZERO);
	return ref_get_free_pages(gfp | REF_GFP_ZERO, 0);
}
static void p_free_pages(unsigned long addr, unsigned int order) { ref_free_pages(addr, order); }
static void p_free_pages_page(void *page, unsigned int order)
{
	ref_free_pages((unsigned long)(uintptr_t)page, order);
}

static size_t p_size_mul(size_t a, size_t b) { return ref_size_mul(a, b); }
static size_t p_size_add(size_t a, size_t b) { return ref_size_add(a, b); }
static size_t p_size_sub(size_t a, size_t b) { return ref_size_sub(a, b); }
static size_t p_array3_size(size_t a, size_t b, size_t c) { return ref_array3_size(a, b, c); }
static size_t p_struct_size(size_t h, size_t e, size_t n) { return ref_struct_size(h, e, n); }

static uint64_t p_virt_to_phys(const void *p) { return ref_virt_to_phys(p); }
static bool p_is_vmalloc_addr(const void *p) { return ref_is_vmalloc_addr(p); }
static void p_kfree_rcu(void *p) { ref_kfree_rcu(p); }
static void p_kvfree_rcu(void *p) { ref_kvfree_rcu(p); }
static void p_kvfree_rcu_arg_2(void *p, size_t off) { ref_kvfree_rcu_head(p, off); }
static bool p_usercopy_check(const void *p, size_t n) { return ref_usercopy_check(p, n); }
static int p_page_zone(const void *p) { return ref_page_zone(p); }
static void *p_alloc_pages_exact(size_t size, kas_gfp_t gfp)
{
	ref_call_enter(gfp);
	return ref_alloc_pages_exact(size, gfp);
}
static void p_free_pages_exact(void *p, size_t size) { ref_free_pages_exact(p, size); }

/* The table without its name and init: the ref port and every mutant port
 * (ports/mutants/) share it. */
#define REF_PORT_DESCRIPTION \
	"reference allocator: zones, buddy, SLUB-like slabs, vmalloc on a simulated machine"
#define REF_PORT_TABLE \
	.abi_version = KAS_PORT_ABI_VERSION, \
	.table_size = sizeof(struct kas_port), \
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KMALLOC_ARRAY | KAS_CAP_KREALLOC | KAS_CAP_KSIZE | \
		KAS_CAP_ROUNDUP | KAS_CAP_KFREE_SENSITIVE | KAS_CAP_VMALLOC | KAS_CAP_KVMALLOC | \
		KAS_CAP_CACHE | KAS_CAP_CACHE_USERCOPY | KAS_CAP_BULK | KAS_CAP_PAGES | \
		KAS_CAP_OVERFLOW | KAS_CAP_VREALLOC | KAS_CAP_KVREALLOC | KAS_CAP_OBS_PHYS | \
		KAS_CAP_OBS_VMADDR | KAS_CAP_THREADS | KAS_CAP_WORLD | KAS_CAP_RCU | \
		KAS_CAP_USERCOPY | KAS_CAP_OBS_WARN | KAS_CAP_OBS_ZONE | KAS_CAP_RCU_HEAD, \
	.fini = p_fini, \
	.kmalloc = p_kmalloc, \
	.kzalloc = p_kzalloc, \
	.kmalloc_array = p_kmalloc_array, \
	.kcalloc = p_kcalloc, \
	.krealloc = p_krealloc, \
	.krealloc_array = p_krealloc_array, \
	.kfree = p_kfree, \
	.kvfree = p_kvfree, \
	.ksize = p_ksize, \
	.kmalloc_size_roundup = p_roundup, \
	.kfree_sensitive = p_kfree_sensitive, \
	.vmalloc = p_vmalloc, \
	.vzalloc = p_vzalloc, \
	.vmalloc_gfp = p_vmalloc_gfp, \
	.vmalloc_node_align = p_vmalloc_node_align, \
	.vrealloc = p_vrealloc, \
	.vfree = p_vfree, \
	.kvmalloc = p_kvmalloc, \
	.kvzalloc = p_kvzalloc, \
	.kvmalloc_array = p_kvmalloc_array, \
	.kvcalloc = p_kvcalloc, \
	.kvrealloc = p_kvrealloc, \
	.kmem_cache_create = p_cache_create, \
	.kmem_cache_create_usercopy = p_cache_create_usercopy, \
	.kmem_cache_alloc = p_cache_alloc, \
	.kmem_cache_zalloc = p_cache_zalloc, \
	.kmem_cache_free = p_cache_free, \
	.kmem_cache_destroy = p_cache_destroy, \
	.kmem_cache_alloc_bulk = p_cache_alloc_bulk, \
	.kmem_cache_free_bulk = p_cache_free_bulk, \
	.kfree_bulk = p_kfree_bulk, \
	.alloc_pages = p_alloc_pages, \
	.get_free_pages = p_get_free_pages, \
	.get_zeroed_page = p_get_zeroed_page, \
	.free_pages = p_free_pages, \
	.free_pages_page = p_free_pages_page, \
	.size_mul = p_size_mul, \
	.size_add = p_size_add, \
	.size_sub = p_size_sub, \
	.array_size = p_size_mul, \
	.array3_size = p_array3_size, \
	.struct_size = p_struct_size, \
	.virt_to_phys = p_virt_to_phys, \
	.is_vmalloc_addr = p_is_vmalloc_addr, \
	.kfree_rcu = p_kfree_rcu, \
	.kvfree_rcu = p_kvfree_rcu, \
	.usercopy_check = p_usercopy_check, \
	.page_zone = p_page_zone, \
	.alloc_pages_exact = p_alloc_pages_exact, \
	.free_pages_exact = p_free_pages_exact, \
	.kvfree_rcu_arg_2 = p_kvfree_rcu_arg_2,

#ifndef REF_MUTANTS_SWITCHED
const struct kas_port kas_port_ref = {
	.name = "ref",
	.description = REF_PORT_DESCRIPTION,
	.init = p_init,
	REF_PORT_TABLE
};
#else
/* One port per planted bug: its init turns the bug on in this copy of the
 * allocator, then initialises it as ref does.  The list is generated from
 * ports/mutants/mutants.def. */
#define REF_MUTANT_PORT(NAME, cname, pname)						\
	static int p_init_##cname(const struct kas_port_env *env)			\
	{										\
		ref_mutant_on = REF_MUT_##NAME;						\
		return p_init(env);							\
	}										\
	const struct kas_port kas_port_##cname = {					\
		.name = pname,								\
		.description = "MUTANT " #NAME " of the " REF_PORT_DESCRIPTION,		\
		.init = p_init_##cname,							\
		REF_PORT_TABLE								\
	};
#include "kas_mutant_ports.h"
#endif
