/* SPDX-License-Identifier: MIT */
/*
 * Checkers that can fail: a tiny port built on aligned_alloc, correct for
 * the few ops used here, and one deliberately broken variant per rule
 * category.  Each case runs a small trace through the real harness and
 * asserts that exactly the expected rules fail on the broken variant and
 * that the correct variant exercises the same rule and passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/harness.h"
#include "kallocspec/spec.h"
#include "kallocspec/port.h"
#include "kas_test.h"


enum mutant {
	M_NONE, M_ALIGN_POW2, M_KMALLOC0_NULL, M_REALLOC_NOCOPY, M_KSIZE_SHORT, M_KVFREE_WARNS,
	M_CTOR_EVERY_ALLOC, M_KVMALLOC_SMALL_VMALLOC, M_SIZE_ADD_WRAPS, M_SCRIBBLE,
	M_DOUBLE_HANDOUT, M_DESTROY_SILENT,
};
static enum mutant mut;
static const struct kas_world_hooks *world;

enum kind { K_KMALLOC = 1, K_VMALLOC, K_CACHE };
struct blk { char *user; void *base; size_t size; enum kind kind; };
#define MAXBLK 1024
static struct blk blks[MAXBLK];
static size_t nblk;

/* Objects are carved from one page-aligned arena page per cache, so that
 * objects share a slab page as in a real slab allocator. */
struct toy_cache {
	unsigned size, align, used, live;
	kas_ctor_fn ctor;
	char *arena;
	char *freelist[64];
	unsigned nfree;
};

#define ZSP ((void *)KAS_ZERO_SIZE_PTR)
static bool zero_or_null(const void *p) { return (uintptr_t)p <= KAS_ZERO_SIZE_PTR; }
static size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

static struct blk *find(const void *p)
{
	for (size_t i = 0; i < nblk; i++)
		if (blks[i].user == p)
			return &blks[i];
	return NULL;
}

static void *track(void *base, char *user, size_t size, enum kind kind)
{
	if (!base || nblk == MAXBLK) {
		free(base);
		return NULL;
	}
	blks[nblk++] = (struct blk){ user, base, size, kind };
	return user;
}

static void untrack(struct blk *b, bool release)
{
	if (release)
		free(b->base);
	*b = blks[--nblk];
}

static void *raw(size_t size, size_t align, enum kind kind, bool zero)
{
	void *base = aligned_alloc(align, round_up(size ? size : 1, align));
	if (base && zero)
		memset(base, 0, size);
	return track(base, base, size, kind);
}

static void *t_kmalloc(size_t size, kas_gfp_t gfp)
{
	if (size == 0)
		return mut == M_KMALLOC0_NULL ? NULL : ZSP;
	if (size > ((size_t)4 << 20))
		return NULL;
	if (mut == M_DOUBLE_HANDOUT)
		for (size_t i = 0; i < nblk; i++)
			if (blks[i].kind == K_KMALLOC && blks[i].size == size)
				return blks[i].user;
	size_t align = 8;
	while (align < size && align < 4096)
		align *= 2;
	void *p;
	if (mut == M_ALIGN_POW2 && (size & (size - 1)) == 0 && size >= 16) {
		/* 8 bytes past a size-aligned block: minimum alignment only */
		char *base = aligned_alloc(align, round_up(size + align, align));
		p = track(base, base ? base + 8 : NULL, size, K_KMALLOC);
		if (p && (gfp & __GFP_ZERO))
			memset(p, 0, size);
	} else {
		p = raw(size, align, K_KMALLOC, gfp & __GFP_ZERO);
	}
	if (p && mut == M_SCRIBBLE)
		for (size_t i = 0; i < nblk; i++)
			if (blks[i].kind == K_KMALLOC && blks[i].user != p) {
				blks[i].user[0] ^= 0x5a;   /* writes into a live object */
				break;
			}
	return p;
}

static void *t_kzalloc(size_t size, kas_gfp_t gfp) { return t_kmalloc(size, gfp | __GFP_ZERO); }

static void *t_kmalloc_array(size_t n, size_t size, kas_gfp_t gfp)
{
	size_t bytes;
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return t_kmalloc(bytes, gfp);
}

static void *t_kcalloc(size_t n, size_t size, kas_gfp_t gfp)
{
	return t_kmalloc_array(n, size, gfp | __GFP_ZERO);
}

static void t_kfree(const void *p)
{
	struct blk *b = zero_or_null(p) ? NULL : find(p);
	if (b)
		untrack(b, true);
}

static void *t_krealloc(const void *p, size_t n, kas_gfp_t gfp)
{
	if (zero_or_null(p))
		return t_kmalloc(n, gfp);
	if (n == 0) {
		t_kfree(p);
		return ZSP;
	}
	struct blk *b = find(p);
	if (!b)
		return NULL;
	if (n <= b->size)
		return (void *)p;
	size_t old = b->size;
	void *q = t_kmalloc(n, gfp);
	if (!q)
		return NULL;
	if (mut != M_REALLOC_NOCOPY)
		memcpy(q, p, old);
	t_kfree(p);
	return q;
}

static size_t t_ksize(const void *p)
{
	struct blk *b = zero_or_null(p) ? NULL : find(p);
	if (!b)
		return 0;
	return mut == M_KSIZE_SHORT ? b->size - 1 : round_up(b->size, 8);
}

static void *t_vmalloc(size_t size)
{
	if (size == 0 || size > ((size_t)1 << 30))
		return NULL;
	return raw(size, 4096, K_VMALLOC, false);
}

static void *t_vzalloc(size_t size)
{
	if (size == 0 || size > ((size_t)1 << 30))
		return NULL;
	return raw(size, 4096, K_VMALLOC, true);
}

static void t_kvfree(const void *p)
{
	struct blk *b = zero_or_null(p) ? NULL : find(p);
	if (!b)
		return;
	if (mut == M_KVFREE_WARNS && b->kind == K_VMALLOC && world->warn)
		world->warn(world->ctx, KAS_WARN_BAD_FREE, "kvfree of vmalloc memory");
	untrack(b, true);
}

static void *t_kvmalloc(size_t size, kas_gfp_t gfp)
{
	if (size <= 4096 && size && mut == M_KVMALLOC_SMALL_VMALLOC)
		return raw(size, 4096, K_VMALLOC, gfp & __GFP_ZERO);
	if (size <= 4096)
		return t_kmalloc(size, gfp);
	if (size > 0x7fffffffu || !(gfp & __GFP_DIRECT_RECLAIM))
		return NULL;
	return raw(size, 4096, K_VMALLOC, gfp & __GFP_ZERO);
}

static void *t_kvzalloc(size_t size, kas_gfp_t gfp) { return t_kvmalloc(size, gfp | __GFP_ZERO); }

static bool t_is_vmalloc_addr(const void *p)
{
	struct blk *b = find(p);
	return b && b->kind == K_VMALLOC;
}

static void *t_cache_create(const char *name, unsigned size, unsigned align, uint32_t flags,
			    kas_ctor_fn ctor)
{
	(void)name;
	struct toy_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	unsigned a = align;
	if (flags & KAS_SLAB_HWCACHE_ALIGN) {
		unsigned r = 64;
		while (r > 1 && size <= r / 2)
			r /= 2;
		if (r > a)
			a = r;
	}
	if (a < 8)
		a = 8;
	c->size = size;
	c->align = (a + 7) & ~7u;
	c->ctor = ctor;
	c->arena = aligned_alloc(4096, 4096);
	if (!c->arena) {
		free(c);
		return NULL;
	}
	return c;
}

static void *t_cache_alloc(void *cache, kas_gfp_t gfp)
{
	struct toy_cache *c = cache;
	char *p = NULL;
	unsigned step = (unsigned)round_up(c->size, c->align & -c->align);
	if (c->nfree) {
		p = c->freelist[--c->nfree];
		if (mut == M_CTOR_EVERY_ALLOC && c->ctor)
			c->ctor(p);
	} else if (c->used + step <= 4096) {
		p = c->arena + c->used;
		c->used += step;
		if (c->ctor)
			c->ctor(p);
	}
	if (!p || nblk == MAXBLK)
		return NULL;
	blks[nblk++] = (struct blk){ p, NULL, c->size, K_CACHE };
	c->live++;
	if (gfp & __GFP_ZERO)
		memset(p, 0, c->size);
	return p;
}

static void t_cache_free(void *cache, void *obj)
{
	struct toy_cache *c = cache;
	struct blk *b = find(obj);
	if (!b || c->nfree == 64)
		return;
	c->freelist[c->nfree++] = obj;
	c->live--;
	untrack(b, false);
}

static void t_cache_destroy(void *cache)
{
	struct toy_cache *c = cache;
	if (!c)
		return;
	if (c->live && mut != M_DESTROY_SILENT && world->warn)
		world->warn(world->ctx, KAS_WARN_DESTROY_LIVE, "Slab cache still has objects");
	free(c->arena);
	free(c);
}

static size_t sat_mul(size_t a, size_t b)
{
	size_t r;
	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static size_t t_size_add(size_t a, size_t b)
{
	size_t r;
	if (mut == M_SIZE_ADD_WRAPS)
		return a + b;
	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

static size_t t_size_sub(size_t a, size_t b)
{
	return (a == SIZE_MAX || b == SIZE_MAX || a < b) ? SIZE_MAX : a - b;
}

static size_t t_array3_size(size_t a, size_t b, size_t c) { return sat_mul(sat_mul(a, b), c); }
static size_t t_struct_size(size_t h, size_t e, size_t n) { return t_size_add(h, sat_mul(n, e)); }

static int t_init(const struct kas_port_env *env)
{
	world = env->world;
	nblk = 0;
	return 0;
}

static void t_fini(void)
{
	while (nblk)
		untrack(&blks[nblk - 1], blks[nblk - 1].kind != K_CACHE);
	/* caches left undestroyed leak their arena: traces here destroy them */
}

static const struct kas_port toy = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "toy",
	.description = "aligned_alloc toy with switchable bugs (spec tests)",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KMALLOC_ARRAY | KAS_CAP_KREALLOC | KAS_CAP_KSIZE |
		KAS_CAP_VMALLOC | KAS_CAP_KVMALLOC | KAS_CAP_CACHE | KAS_CAP_OVERFLOW |
		KAS_CAP_OBS_VMADDR,
	.init = t_init,
	.fini = t_fini,
	.kmalloc = t_kmalloc,
	.kzalloc = t_kzalloc,
	.kmalloc_array = t_kmalloc_array,
	.kcalloc = t_kcalloc,
	.krealloc = t_krealloc,
	.kfree = t_kfree,
	.kvfree = t_kvfree,
	.ksize = t_ksize,
	.vmalloc = t_vmalloc,
	.vzalloc = t_vzalloc,
	.vfree = t_kfree,
	.kvmalloc = t_kvmalloc,
	.kvzalloc = t_kvzalloc,
	.kmem_cache_create = t_cache_create,
	.kmem_cache_alloc = t_cache_alloc,
	.kmem_cache_free = t_cache_free,
	.kmem_cache_destroy = t_cache_destroy,
	.size_mul = sat_mul,
	.size_add = t_size_add,
	.size_sub = t_size_sub,
	.array_size = sat_mul,
	.array3_size = t_array3_size,
	.struct_size = t_struct_size,
	.is_vmalloc_addr = t_is_vmalloc_addr,
};

struct mcase {
	const char *name;
	enum mutant mut;
	const char *profile;
	const char *rule;          /* the rule the bug breaks */
	const char *also_fail;     /* other rules the same bug must break, or NULL */
	const char *trace;
	uint32_t caps_extra;       /* capabilities added to the toy's for this case */
};

static const struct mcase cases[] = {
	{ "ALIGN", M_ALIGN_POW2, "linux-6.6", "ALIGN-2", NULL,
	  "a = kmalloc 64 GFP_KERNEL\nb = kmalloc 24 GFP_KERNEL\nkfree a\nkfree b\n", 0 },
	{ "ZERO", M_KMALLOC0_NULL, "linux-6.12", "ZERO-1", NULL,
	  "a = kmalloc 0 GFP_KERNEL\nb = kzalloc 0 GFP_KERNEL\nkfree a\n", 0 },
	{ "REALLOC", M_REALLOC_NOCOPY, "linux-6.12", "REALLOC-3", NULL,
	  "a = kmalloc 64 GFP_KERNEL\nb = krealloc a 200 GFP_KERNEL\nkfree b\n", 0 },
	{ "SIZE", M_KSIZE_SHORT, "linux-6.12", "SIZE-1", NULL,
	  "a = kmalloc 100 GFP_KERNEL\nksize a\nksize NULL\nkfree a\n", 0 },
	{ "FREE", M_KVFREE_WARNS, "linux-6.12", "FREE-2", NULL,
	  "v = vmalloc 10000\nk = kmalloc 64 GFP_KERNEL\nkvfree k\nkvfree v\n", 0 },
	{ "CACHE", M_CTOR_EVERY_ALLOC, "linux-6.12", "CACHE-5", NULL,
	  "k = kmem_cache_create c 64 0 0 ctor\na = kmem_cache_alloc k GFP_KERNEL\n"
	  "b = kmem_cache_alloc k GFP_KERNEL\nkmem_cache_free k a\n"
	  "c = kmem_cache_alloc k GFP_KERNEL\nkmem_cache_free k b\nkmem_cache_free k c\n"
	  "kmem_cache_destroy k\n", 0 },
	{ "CACHE/destroy", M_DESTROY_SILENT, "linux-6.12", "CACHE-3", NULL,
	  "k = kmem_cache_create c 64 0 0\na = kmem_cache_alloc k GFP_KERNEL\n"
	  "kmem_cache_destroy k\ne = kmem_cache_create d 64 0 0\nkmem_cache_destroy e\n",
	  KAS_CAP_OBS_WARN },
	{ "KVMALLOC", M_KVMALLOC_SMALL_VMALLOC, "linux-6.12", "KVMALLOC-1", NULL,
	  "a = kvmalloc 64 GFP_KERNEL\nkvfree a\n", 0 },
	{ "OVERFLOW", M_SIZE_ADD_WRAPS, "linux-6.12", "OVERFLOW-3", "OVERFLOW-5",
	  "size_add SIZE_MAX 2\nsize_add 1 2\nstruct_size SIZE_MAX 8 1\n", 0 },
	{ "INTEGRITY", M_SCRIBBLE, "linux-6.12", "INTEGRITY-1", NULL,
	  "a = kmalloc 64 GFP_KERNEL\nb = kmalloc 64 GFP_KERNEL\nkfree a\nkfree b\n", 0 },
	{ "INTEGRITY/overlap", M_DOUBLE_HANDOUT, "linux-6.12", "NO-OVERLAP", NULL,
	  "a = kmalloc 64 GFP_KERNEL\nb = kmalloc 64 GFP_KERNEL\nkfree b\n", 0 },
};

/* Run one trace; returns the spec (caller frees) for inspection. */
static struct kas_spec *run(const struct mcase *mc, enum mutant m, struct kas_trace *t)
{
	const struct kas_profile *p = kas_profile_find(mc->profile);
	struct kas_parse_error err;
	kas_trace_init(t);
	if (!p || kas_trace_parse(t, mc->trace, strlen(mc->trace), mc->name, p, p, &err) != 0) {
		char msg[600];
		kas_parse_error_format(&err, msg, sizeof(msg));
		CHECK(0, "%s: %s", mc->name, msg);
		return NULL;
	}
	mut = m;
	struct kas_port port = toy;
	port.caps |= mc->caps_extra;
	struct kas_spec *s = kas_spec_new(p, port.caps);
	struct kas_trace_result res;
	CHECK(kas_run_trace(&port, s, t, NULL, &res) == 0, "%s: init failed", mc->name);
	mut = M_NONE;
	return s;
}

static bool listed(const char *id, const struct mcase *mc)
{
	return strcmp(id, mc->rule) == 0 || (mc->also_fail && strcmp(id, mc->also_fail) == 0);
}

static void run_case(const struct mcase *mc)
{
	struct kas_trace t;
	int ri = kas_rule_index(mc->rule);
	CHECK(ri >= 0, "%s: unknown rule %s", mc->name, mc->rule);
	if (ri < 0)
		return;

	/* correct port: the rule is exercised and nothing fails */
	struct kas_spec *s = run(mc, M_NONE, &t);
	if (!s)
		return;
	CHECK(kas_spec_tally(s, ri)->exercised > 0, "%s: %s not exercised by the correct port",
	       mc->name, mc->rule);
	CHECK(kas_spec_status(s, ri) == KAS_PASS, "%s: %s is %s on the correct port", mc->name,
	       mc->rule, kas_status_name(kas_spec_status(s, ri)));
	for (size_t r = 0; r < kas_rule_count(); r++)
		CHECK(kas_spec_tally(s, r)->failed == 0, "%s: correct port fails %s: %s", mc->name,
		       kas_rule_at(r)->id, kas_spec_tally(s, r)->message);
	kas_spec_free(s);
	kas_trace_free(&t);

	/* broken port: exactly the expected rules fail, with a counterexample */
	s = run(mc, mc->mut, &t);
	if (!s)
		return;
	for (size_t r = 0; r < kas_rule_count(); r++) {
		const struct kas_tally *ty = kas_spec_tally(s, r);
		const char *id = kas_rule_at(r)->id;
		if (listed(id, mc)) {
			CHECK(ty->failed > 0 && kas_spec_status(s, r) == KAS_FAIL,
			       "%s: the bug is not caught by %s", mc->name, id);
			CHECK(ty->message[0] != '\0', "%s: %s failed without a message", mc->name, id);
			CHECK(ty->has_counterexample &&
			       (ty->fail_op >= t.nops || ty->counterexample.nops == ty->fail_op + 1),
			       "%s: %s has no counterexample prefix", mc->name, id);
		} else {
			CHECK(ty->failed == 0, "%s: unexpected failure of %s: %s", mc->name, id,
			       ty->message);
		}
	}
	printf("%-18s %-12s caught: %s\n", mc->name, mc->rule,
	       kas_spec_tally(s, ri)->message);
	kas_spec_free(s);
	kas_trace_free(&t);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
