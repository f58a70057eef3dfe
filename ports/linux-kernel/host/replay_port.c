/* SPDX-License-Identifier: MIT */
/*
 * The replay port: a struct kas_port whose functions return what the real
 * kernel returned for the same op (looked up by the op index the harness
 * is at), so the unchanged harness and spec judge the kernel.
 *
 * Pointers are host "shadow" buffers that carry the kernel's facts:
 *  - the address has the kernel address's low bits up to 2^26 (alignment
 *    rules see the kernel's alignment);
 *  - the bytes are what the module found: zero where it found zeros, a
 *    flipped byte at the first offset it found wrong (zeroing, preserved
 *    prefix, kept object, constructor bytes);
 *  - is_vmalloc_addr and physical contiguity answer as the kernel did;
 *  - warnings the kernel logged during the op go to the world's warn hook.
 * Frees with no kernel record (the harness's teardown) only release the
 * shadow.  The pattern-before-free fact cannot be shown to the harness (it
 * looks before the call); the judge reports the module's own verdict.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <kallocspec/call.h>
#include <kallocspec/harness.h>
#include "kernel_oracle.h"

#define LOW_BITS 26u
#define ZSP ((void *)16)

struct shadow {
	void *map;
	size_t map_len;
	uintptr_t addr;
	size_t size;
	uint64_t klow, pa;
	int vm, pc;
};

struct hcache {
	unsigned size;
	kas_ctor_fn ctor;
};

static struct {
	const struct ko_trace_recs *tr;
	const struct kas_trace *t;
	size_t limit, cur, cut;
	const char *cut_why;
	const struct kas_world_hooks *world;
	struct shadow *sh;
	size_t nsh, capsh;
} R;

/* ---------------- shadows ---------------- */

static struct shadow *shadow_find(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	for (size_t i = R.nsh; i-- > 0;)
		if (a >= R.sh[i].addr && a < R.sh[i].addr + (R.sh[i].size ? R.sh[i].size : 1))
			return &R.sh[i];
	return NULL;
}

/* Map size bytes at an address whose low LOW_BITS bits equal klow's (an
 * address with exactly the kernel's alignment). */
static void *shadow_new(size_t size, uint64_t klow, uint64_t pa, int vm, int pc)
{
	const size_t span = (size_t)1 << LOW_BITS;
	size_t len = (size ? size : 1) + 2 * span;
	uint64_t low = klow & (span - 1);

	if (size > ((size_t)1 << 40))
		return NULL;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	uintptr_t base = ((uintptr_t)m + span - 1) & ~(uintptr_t)(span - 1);
	if (R.nsh == R.capsh) {
		size_t n = R.capsh ? R.capsh * 2 : 64;
		struct shadow *v = realloc(R.sh, n * sizeof(*v));
		if (!v) {
			munmap(m, len);
			return NULL;
		}
		R.sh = v;
		R.capsh = n;
	}
	R.sh[R.nsh++] = (struct shadow){ m, len, base + low, size, klow, pa, vm, pc };
	return (void *)(base + low);
}

static void shadow_free(const void *p)
{
	for (size_t i = R.nsh; i-- > 0;) {
		if (R.sh[i].addr == (uintptr_t)p) {
			munmap(R.sh[i].map, R.sh[i].map_len);
			R.sh[i] = R.sh[--R.nsh];
			return;
		}
	}
}

static void flip(void *p, long off, size_t limit)
{
	if (p && off >= 0 && (size_t)off < limit)
		((unsigned char *)p)[off] ^= 0xA5;
}

/* ---------------- records ---------------- */

static void mark_cut(const char *why)
{
	if (R.cut == SIZE_MAX) {
		R.cut = R.cur;
		R.cut_why = why;
	}
}

/* The kernel's record for the op the harness is calling now; NULL (and
 * the trace cut there) when the kernel did not run it as asked. */
static const struct ko_rec *rec_now(int is_free)
{
	if (!R.tr || R.cur >= R.limit || R.cur >= R.tr->nrec) {
		if (!is_free)
			mark_cut("no kernel record");
		return NULL;
	}
	const struct ko_rec *rc = &R.tr->rec[R.cur];
	if (rc->status == KO_OK) {
		if (rc->warns && R.world && R.world->warn)
			for (int k = 0; k < KAS_WARN__COUNT; k++)
				if (rc->warn_kinds >> k & 1)
					R.world->warn(R.world->ctx, (enum kas_warn_kind)k, rc->warn_text);
		return rc;
	}
	mark_cut(rc->status == KO_REFUSED ? "refused by the module" :
		 rc->status == KO_UNSUPPORTED ? "unsupported in the kernel" : "not run");
	return NULL;
}

static size_t cap_of(size_t size, const struct ko_rec *rc)
{
	size_t c = size > rc->ks ? size : rc->ks;
	return c ? c : 1;
}

/* A new object as the kernel returned it.  keep/old: realloc prefix. */
static void *make_obj(const struct ko_rec *rc, size_t size, const void *old, size_t keep)
{
	if (!rc)
		return NULL;
	if (rc->cls == 'N' || rc->cls == 0)
		return NULL;
	if (rc->cls == 'Z')
		return ZSP;
	void *p = shadow_new(cap_of(size, rc), rc->a, rc->pa, rc->vm, rc->pc);
	if (!p)
		return NULL;
	if (old && keep)
		memcpy(p, old, keep);
	flip(p, rc->pf, keep);
	flip(p, rc->z, size);
	return p;
}

/* ---------------- the port ---------------- */

static int rp_init(const struct kas_port_env *env)
{
	R.world = env->world;
	return 0;
}

static void rp_fini(void)
{
	while (R.nsh)
		shadow_free((void *)R.sh[R.nsh - 1].addr);
}

static void *rp_kmalloc(size_t s, kas_gfp_t g) { (void)g; return make_obj(rec_now(0), s, NULL, 0); }
static void *rp_kmalloc_array(size_t n, size_t s, kas_gfp_t g)
{
	(void)g;
	return make_obj(rec_now(0), n * s, NULL, 0);
}
static void *rp_vmalloc(size_t s) { return make_obj(rec_now(0), s, NULL, 0); }

static void *realloc_common(const void *p, size_t size)
{
	const struct ko_rec *rc = rec_now(0);
	struct shadow *s = p && p != ZSP ? shadow_find(p) : NULL;
	size_t old = s ? s->size : 0, keep = old < size ? old : size;

	if (!rc)
		return NULL;
	if (rc->cls == 'N' && s && size)
		flip((void *)p, rc->kp, old);
	if (rc->cls == 'P' && rc->same && s) {
		/* in place: the shadow stays; only the kernel's facts are applied */
		if (size > s->size && rc->ks < size)
			return make_obj(rc, size, p, keep);
		flip((void *)p, rc->pf, keep);
		if (rc->z >= 0)
			flip((void *)p, rc->z, size);
		else if (rc->z == -1 && size > keep)
			memset((char *)p + keep, 0, size - keep);
		s->size = size > s->size ? size : s->size;
		return (void *)p;
	}
	void *n = make_obj(rc, size, s ? p : NULL, keep);
	if (s && (n || size == 0))
		shadow_free(p);
	return n;
}

static void *rp_krealloc(const void *p, size_t s, kas_gfp_t g) { (void)g; return realloc_common(p, s); }
static void *rp_krealloc_array(void *p, size_t n, size_t s, kas_gfp_t g)
{
	(void)g;
	return realloc_common(p, n * s);
}
static void *rp_kvrealloc(const void *p, size_t old, size_t s, kas_gfp_t g)
{
	(void)old;
	(void)g;
	return realloc_common(p, s);
}

/* A free at or after the cut (refused by the module, or after an op the
 * kernel did not run) frees nothing: the kernel did not free it, and the
 * harness still reads the object later in this pass (e.g. kvfree after a
 * refused vfree of the same object).  rp_fini unmaps what is left. */
static void free_common(const void *p)
{
	rec_now(1);
	if (R.cut != SIZE_MAX)
		return;
	if (p && p != ZSP)
		shadow_free(p);
}
static void rp_kfree(const void *p) { free_common(p); }

static size_t rp_value(void)
{
	const struct ko_rec *rc = rec_now(0);
	return rc ? (size_t)rc->v : 0;
}
static size_t rp_ksize(const void *p) { (void)p; return rp_value(); }
static size_t rp_roundup(size_t s) { (void)s; return rp_value(); }
static size_t rp_2(size_t a, size_t b) { (void)a; (void)b; return rp_value(); }
static size_t rp_3(size_t a, size_t b, size_t c) { (void)a; (void)b; (void)c; return rp_value(); }

static void *rp_cache_create(const char *name, unsigned size, unsigned align, uint32_t flags,
			     kas_ctor_fn ctor)
{
	(void)name; (void)align; (void)flags;
	const struct ko_rec *rc = rec_now(0);
	if (!rc || rc->cls != 'P')
		return NULL;
	struct hcache *k = calloc(1, sizeof(*k));
	if (k) {
		k->size = size;
		k->ctor = ctor;
	}
	return k;
}
static void *rp_cache_create_uc(const char *name, unsigned size, unsigned align, uint32_t flags,
				unsigned uo, unsigned us, kas_ctor_fn ctor)
{
	(void)uo; (void)us;
	return rp_cache_create(name, size, align, flags, ctor);
}

static void run_ctors(struct hcache *k, const struct ko_rec *rc, void *p)
{
	unsigned char scratch[64];
	if (!rc)
		return;
	/* the constructed state the kernel's object had (the module checked
	 * its first 8 bytes: ct = first differing byte or -1) */
	if (p && rc->ct != KO_ABSENT && k->size >= 8)
		memset(p, 0xC7, 8);
	if (!k->ctor)
		return;
	/* the harness counts constructor calls through its ctor: make as many
	 * as the kernel did, on the result as often as the kernel did */
	for (uint32_t i = 0; i < rc->cc; i++) {
		if (i < rc->cr && p && k->size >= 8)
			k->ctor(p);
		else
			k->ctor(scratch);
	}
	if (p && rc->ct >= 0 && k->size >= 8)
		flip(p, rc->ct, 8);
}

static void *cache_alloc(void *cache, int zero)
{
	struct hcache *k = cache;
	const struct ko_rec *rc = rec_now(0);
	(void)zero;
	void *p = make_obj(rc, k->size, NULL, 0);
	if (rc && rc->cls == 'P' && p)
		run_ctors(k, rc, p);
	return p;
}
static void *rp_cache_alloc(void *c, kas_gfp_t g) { (void)g; return cache_alloc(c, 0); }
static void rp_cache_free(void *c, void *p) { (void)c; free_common(p); }
static void rp_cache_destroy(void *c)
{
	rec_now(1);
	/* the kernel leaks a cache with objects left; the host token is tiny */
	(void)c;
}

static int rp_alloc_bulk(void *cache, kas_gfp_t g, size_t n, void **p)
{
	struct hcache *k = cache;
	const struct ko_rec *rc = rec_now(0);
	(void)g;
	if (!rc || rc->v == 0)
		return 0;
	size_t got = rc->v < n ? rc->v : n;
	for (size_t i = 0; i < got; i++) {
		p[i] = shadow_new(k->size ? k->size : 1, i < rc->nbulk ? rc->bulk[i] : 0, UINT64_MAX, 0, 1);
		if (!p[i])
			return (int)i;
	}
	if (got && rc->z >= 0)
		flip(p[0], rc->z, k->size);
	return (int)got;
}
static void rp_free_bulk(void *c, size_t n, void **p)
{
	(void)c;
	rec_now(1);
	if (R.cut != SIZE_MAX)
		return;   /* as free_common */
	for (size_t i = 0; i < n; i++)
		if (p[i] && p[i] != ZSP)
			shadow_free(p[i]);
}
static void rp_kfree_bulk(size_t n, void **p) { rp_free_bulk(NULL, n, p); }

static void *rp_alloc_pages(kas_gfp_t g, unsigned order)
{
	(void)g;
	return make_obj(rec_now(0), order < 40 ? (size_t)4096 << order : 0, NULL, 0);
}
static unsigned long rp_get_free_pages(kas_gfp_t g, unsigned order)
{
	return (unsigned long)rp_alloc_pages(g, order);
}
static unsigned long rp_get_zeroed_page(kas_gfp_t g) { return (unsigned long)rp_alloc_pages(g, 0); }
static void rp_free_pages(unsigned long a, unsigned order) { (void)order; free_common((void *)a); }
static void rp_free_pages_page(void *p, unsigned order) { (void)order; free_common(p); }

static uint64_t rp_virt_to_phys(const void *addr)
{
	struct shadow *s = shadow_find(addr);
	if (!s)
		return UINT64_MAX;
	/* the kernel's physical address of the first byte; a non-contiguous
	 * object jumps after its first page (the module checked every page) */
	if (s->pa == UINT64_MAX)
		return UINT64_MAX;
	uint64_t off = (uintptr_t)addr - s->addr;
	uint64_t phys = s->pa + off;
	if (!s->pc && ((s->addr & 4095) + off) >= 4096)
		phys += (uint64_t)1 << 30;
	return phys;
}

static bool rp_is_vmalloc_addr(const void *addr)
{
	struct shadow *s = shadow_find(addr);
	return s && s->vm;
}

static const struct kas_port port = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "linux-kernel",
	.description = "the real Linux kernel (replayed from a kas_oracle boot)",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KMALLOC_ARRAY | KAS_CAP_KREALLOC | KAS_CAP_KSIZE |
		KAS_CAP_ROUNDUP | KAS_CAP_KFREE_SENSITIVE | KAS_CAP_VMALLOC | KAS_CAP_KVMALLOC |
		KAS_CAP_CACHE | KAS_CAP_CACHE_USERCOPY | KAS_CAP_BULK | KAS_CAP_PAGES |
		KAS_CAP_OVERFLOW | KAS_CAP_KVREALLOC | KAS_CAP_OBS_PHYS | KAS_CAP_OBS_VMADDR |
		KAS_CAP_OBS_WARN,
	.init = rp_init,
	.fini = rp_fini,
	.kmalloc = rp_kmalloc,
	.kzalloc = rp_kmalloc,
	.kmalloc_array = rp_kmalloc_array,
	.kcalloc = rp_kmalloc_array,
	.krealloc = rp_krealloc,
	.krealloc_array = rp_krealloc_array,
	.kfree = rp_kfree,
	.kvfree = rp_kfree,
	.ksize = rp_ksize,
	.kmalloc_size_roundup = rp_roundup,
	.kfree_sensitive = rp_kfree,
	.vmalloc = rp_vmalloc,
	.vzalloc = rp_vmalloc,
	.vmalloc_gfp = rp_kmalloc,
	.vmalloc_node_align = NULL,     /* __vmalloc_node is not exported by 6.1 */
	.vrealloc = NULL,               /* 6.12+ */
	.vfree = rp_kfree,
	.kvmalloc = rp_kmalloc,
	.kvzalloc = rp_kmalloc,
	.kvmalloc_array = rp_kmalloc_array,
	.kvcalloc = rp_kmalloc_array,
	.kvrealloc = rp_kvrealloc,
	.kmem_cache_create = rp_cache_create,
	.kmem_cache_create_usercopy = rp_cache_create_uc,
	.kmem_cache_alloc = rp_cache_alloc,
	.kmem_cache_zalloc = rp_cache_alloc,
	.kmem_cache_free = rp_cache_free,
	.kmem_cache_destroy = rp_cache_destroy,
	.kmem_cache_alloc_bulk = rp_alloc_bulk,
	.kmem_cache_free_bulk = rp_free_bulk,
	.kfree_bulk = rp_kfree_bulk,
	.alloc_pages = rp_alloc_pages,
	.get_free_pages = rp_get_free_pages,
	.get_zeroed_page = rp_get_zeroed_page,
	.free_pages = rp_free_pages,
	.free_pages_page = rp_free_pages_page,
	.size_mul = rp_2,
	.size_add = rp_2,
	.size_sub = rp_2,
	.array_size = rp_2,
	.array3_size = rp_3,
	.struct_size = rp_3,
	.virt_to_phys = rp_virt_to_phys,
	.is_vmalloc_addr = rp_is_vmalloc_addr,
};

const struct kas_port *ko_replay_port(void)
{
	return &port;
}

void ko_replay_begin(const struct ko_trace_recs *tr, const struct kas_trace *t, size_t limit)
{
	R.tr = tr;
	R.t = t;
	R.limit = limit;
	R.cur = 0;
	R.cut = SIZE_MAX;
	R.cut_why = NULL;
}

/* The spec vetoes a caller bug (KAS_SKIP_UNDEFINED) and its model goes on
 * as if the call had not been made, but the module ran it.  When the call
 * touched something the model still tracks (an object it freed or moved, a
 * cache that now holds an object the model never saw), the kernel's state
 * is no longer the model's from there: a kmem_cache_zalloc from a ctor
 * cache left an object behind and the cache's destroy then "failed"
 * CACHE-3.  A new object or cache made by a vetoed call is harmless: the
 * model never binds it, so every later use of it is skipped too. */
static void cut_at_vetoed(const struct kas_call *c)
{
	if (c->status != KAS_CALL_SKIPPED || c->skip != KAS_SKIP_UNDEFINED)
		return;
	if (!R.tr || c->index >= R.tr->nrec || R.tr->rec[c->index].status != KO_OK)
		return;
	const struct kas_op_info *oi = &kas_op_table[c->op->code];
	bool touches_tracked = false;
	for (unsigned i = 0; i < oi->nargs; i++)
		if (oi->args[i] == AK_PTR || oi->args[i] == AK_LIST || oi->args[i] == AK_CACHE)
			touches_tracked = true;
	if (!touches_tracked || oi->result == R_VALUE || oi->result == R_FLAGS)
		return;
	R.cur = c->index;
	mark_cut("the kernel ran a caller bug the spec vetoes");
}

void ko_replay_on_call(void *arg, const struct kas_call *c)
{
	(void)arg;
	cut_at_vetoed(c);
	R.cur = c->index + 1;
}

size_t ko_replay_cut(const char **why)
{
	if (why)
		*why = R.cut_why;
	return R.cut;
}
