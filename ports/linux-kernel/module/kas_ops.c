// SPDX-License-Identifier: GPL-2.0
/*
 * One wire line = one trace op:  "<index> <bind|-> <kernel_name> <arg>..."
 * Arguments: decimal numbers, N (NULL), Z (ZERO_SIZE_PTR), h<slot>,
 * g:<gfp names>, s:<slab names>, n:<cache name>, L:<h1,h2,...>, and a
 * trailing "ctor".  One result line per op:
 *   "<index> ok k=v ..."  "<index> ref <why>"  "<index> uns"
 * Keys: r=P|N|Z|V (pointer, NULL, ZERO_SIZE_PTR, value), v=value,
 * a=address low 28 bits (hex), vm=is_vmalloc_addr, pc=physically
 * contiguous, ks=ksize, z/pf/pt/kp/ct=first bad offset of the zero /
 * prefix / pattern-before-free / kept-after-failure / ctor checks (-1 =
 * clean, absent = not checked), cc=ctor calls, cr=ctor calls on the result,
 * b=bulk addresses (hex low bits, comma separated).
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/io.h>
#include <linux/string.h>
#include "kas_content.h"
#include "kas_oracle.h"
#include "kas_flags.h"

#define MAXTOK 16
#define LOW_MASK 0xFFFFFFFul
/* Never ask the oracle kernel (booted with 1 GiB) for more than this: an
 * OOM kill of /init would lose the whole boot. */
#define KAS_BUDGET ((size_t)384 << 20)

struct op {
	unsigned long index;
	long bind;
	const char *name;
	char *tok[MAXTOK];
	int ntok;
	bool ctor;
};

/* result of resolving a pointer argument */
struct parg {
	void *p;
	struct kas_obj *o;   /* NULL for NULL / ZERO_SIZE_PTR */
	u32 oi;
};

static long off_val(size_t off)
{
	return off == KAS_NOT_FOUND ? -1L : (long)off;
}

static int num(struct op *op, int i, u64 *out)
{
	if (i >= op->ntok)
		return -EINVAL;
	return kstrtou64(op->tok[i], 0, out);
}

static int gfp_arg(struct op *op, int i, gfp_t *g)
{
	if (i >= op->ntok || strncmp(op->tok[i], "g:", 2))
		return -EINVAL;
	return kas_gfp_parse(op->tok[i] + 2, g);
}

/* -EINVAL malformed, -ENOENT dead/unbound handle */
static int ptr_arg(struct op *op, int i, struct parg *a)
{
	const char *t;
	struct kas_slot *s;
	u32 slot;

	memset(a, 0, sizeof(*a));
	a->oi = KAS_NONE;
	if (i >= op->ntok)
		return -EINVAL;
	t = op->tok[i];
	if (!strcmp(t, "N"))
		return 0;
	if (!strcmp(t, "Z")) {
		a->p = ZERO_SIZE_PTR;
		return 0;
	}
	if (t[0] != 'h' || kstrtou32(t + 1, 10, &slot))
		return -EINVAL;
	s = kas_slot(slot);
	if (!s)
		return -ENOMEM;
	if (s->kind == KAS_SL_ZSP) {
		a->p = ZERO_SIZE_PTR;
		return 0;
	}
	if (s->kind == KAS_SL_NONE)
		return 0;   /* a handle bound to NULL */
	if (s->kind != KAS_SL_OBJ)
		return -EINVAL;
	a->o = kas_obj(s->idx);
	if (!a->o || !a->o->live)
		return -ENOENT;
	a->oi = s->idx;
	a->p = a->o->p;
	return 0;
}

static int cache_arg(struct op *op, int i, struct kas_cache **k, u32 *ki)
{
	struct kas_slot *s;
	u32 slot;

	*k = NULL;
	*ki = KAS_NONE;
	if (i >= op->ntok)
		return -EINVAL;
	if (!strcmp(op->tok[i], "N"))
		return 0;
	if (op->tok[i][0] != 'h' || kstrtou32(op->tok[i] + 1, 10, &slot))
		return -EINVAL;
	s = kas_slot(slot);
	if (s && s->kind == KAS_SL_NONE)
		return 0;        /* bound to a failed create: the NULL cache */
	if (!s || s->kind != KAS_SL_CACHE)
		return -ENOENT;
	*k = kas_cache(s->idx);
	*ki = s->idx;
	return *k && (*k)->live ? 0 : -ENOENT;
}

static void bind(struct op *op, u8 kind, u32 idx)
{
	struct kas_slot *s;

	if (op->bind < 0)
		return;
	s = kas_slot((u32)op->bind);
	if (s) {
		s->kind = kind;
		s->idx = idx;
	}
}

static void phys_facts(void *p, size_t size, bool vm)
{
	const size_t page = PAGE_SIZE;
	unsigned long a = (unsigned long)p, q;
	u64 base;
	bool contig = true;

	if (size > ((size_t)64 << 20))
		size = (size_t)64 << 20;
	base = vm ? ((u64)vmalloc_to_pfn(p) << PAGE_SHIFT) + offset_in_page(p) : virt_to_phys(p);
	for (q = (a / page + 1) * page; q < a + size; q += page) {
		u64 ph = vm ? (u64)vmalloc_to_pfn((void *)q) << PAGE_SHIFT : virt_to_phys((void *)q);

		if (ph != base + (q - a)) {
			contig = false;
			break;
		}
	}
	kas_out(" pc=%d pa=%llx", contig, (unsigned long long)base);
}

static bool always_zeroes(const char *n)
{
	static const char *const z[] = { "kzalloc", "kcalloc", "vzalloc", "kvzalloc", "kvcalloc",
					  "kmem_cache_zalloc", "get_zeroed_page" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(z); i++)
		if (!strcmp(n, z[i]))
			return true;
	return false;
}

/* A new object: report the harness's observations, then fill it. */
static void observe_new(struct op *op, void *p, size_t size, gfp_t g, struct kas_obj *old,
			u8 fam, u32 cache, u8 order, bool ctor_cache)
{
	bool vm = is_vmalloc_addr(p);
	size_t keep = 0;
	u32 oi, i, on_result = 0;

	kas_out(" r=P a=%lx vm=%d", (unsigned long)p & LOW_MASK, vm);
	if (!vm && fam != KAS_FAM_PAGES && virt_addr_valid(p))
		kas_out(" ks=%zu", ksize(p));
	if (old)
		keep = min(old->size, size);
	if (always_zeroes(op->name) || (g & __GFP_ZERO))
		kas_out(" z=%ld", off_val(kas_windows(p, 0, keep, size, KAS_ZERO)));
	if (old)
		kas_out(" pf=%ld", off_val(kas_windows(p, old->id, 0, keep, KAS_VERIFY)));
	if (ctor_cache && size >= KAS_CTOR_BYTES) {
		long bad = -1;

		for (i = 0; i < KAS_CTOR_BYTES; i++)
			if (((u8 *)p)[i] != KAS_CTOR_BYTE) {
				bad = i;
				break;
			}
		kas_out(" ct=%ld", bad);
	}
	for (i = 0; i < kas_st()->ctor_log_n; i++)
		if (kas_st()->ctor_log[i] == p)
			on_result++;
	kas_out(" cc=%u cr=%u", kas_st()->ctor_calls, on_result);
	phys_facts(p, size, vm);
	oi = kas_new_obj(p, size, fam, cache, order);
	if (oi == KAS_NONE)
		return;
	bind(op, KAS_SL_OBJ, oi);
	kas_windows(p, kas_obj(oi)->id, 0, size, KAS_FILL);
}

/* Before an object goes back: its pattern must be intact.  Restores the
 * constructed state of ctor-cache objects, as a kernel user must. */
static size_t check_before_free(struct kas_obj *o)
{
	size_t bad = kas_windows(o->p, o->id, 0, o->size, KAS_VERIFY);
	struct kas_cache *k = o->fam == KAS_FAM_CACHE ? kas_cache(o->cache) : NULL;

	if (k && k->ctor && o->size >= KAS_CTOR_BYTES)
		memset(o->p, KAS_CTOR_BYTE, KAS_CTOR_BYTES);
	return bad;
}

static void result_ptr(struct op *op, void *p, size_t size, gfp_t g, struct kas_obj *old,
		       u8 fam, u32 cache, u8 order, bool ctor_cache)
{
	if (!p) {
		kas_out(" r=N");
		bind(op, KAS_SL_NONE, 0);
	} else if (p == ZERO_SIZE_PTR) {
		kas_out(" r=Z");
		bind(op, KAS_SL_ZSP, 0);
	} else {
		observe_new(op, p, size, g, old, fam, cache, order, ctor_cache);
	}
}

static bool over_budget(size_t size)
{
	return size > KAS_BUDGET || kas_st()->live_bytes + size > KAS_BUDGET;
}

static bool is_linear_kmalloc(const struct kas_obj *o)
{
	return o->fam == KAS_FAM_KMALLOC || (o->fam == KAS_FAM_KVMALLOC && !is_vmalloc_addr(o->p));
}

static bool is_vmalloc_obj(const struct kas_obj *o)
{
	return (o->fam == KAS_FAM_VMALLOC || o->fam == KAS_FAM_KVMALLOC) && is_vmalloc_addr(o->p);
}

#define REFUSE(why) do { kas_out(" ref %s\n", why); return; } while (0)
#define NEED(expr) do { if ((expr) != 0) REFUSE("args"); } while (0)

static void do_alloc(struct op *op)
{
	const char *n = op->name;
	u64 a = 0, b = 0;
	gfp_t g = 0;
	size_t size;
	void *p;
	u8 fam;

	if (!strcmp(n, "kmalloc") || !strcmp(n, "kzalloc") || !strcmp(n, "kvmalloc") ||
	    !strcmp(n, "kvzalloc") || !strcmp(n, "__vmalloc")) {
		NEED(num(op, 0, &a));
		NEED(gfp_arg(op, 1, &g));
		size = a;
	} else if (!strcmp(n, "vmalloc") || !strcmp(n, "vzalloc")) {
		NEED(num(op, 0, &a));
		size = a;
	} else {
		NEED(num(op, 0, &a));
		NEED(num(op, 1, &b));
		NEED(gfp_arg(op, 2, &g));
		size = (size_t)(a * b);
	}
	if (((g & __GFP_NOFAIL) || (size <= totalram_pages() * PAGE_SIZE)) && over_budget(size) &&
	    size <= (size_t)INT_MAX)
		REFUSE("budget");
	if (!strcmp(n, "kmalloc")) {
		p = kmalloc(a, g); fam = KAS_FAM_KMALLOC;
	} else if (!strcmp(n, "kzalloc")) {
		p = kzalloc(a, g); fam = KAS_FAM_KMALLOC;
	} else if (!strcmp(n, "kmalloc_array")) {
		p = kmalloc_array(a, b, g); fam = KAS_FAM_KMALLOC;
	} else if (!strcmp(n, "kcalloc")) {
		p = kcalloc(a, b, g); fam = KAS_FAM_KMALLOC;
	} else if (!strcmp(n, "vmalloc")) {
		p = vmalloc(a); fam = KAS_FAM_VMALLOC;
	} else if (!strcmp(n, "vzalloc")) {
		p = vzalloc(a); fam = KAS_FAM_VMALLOC;
	} else if (!strcmp(n, "__vmalloc")) {
		p = __vmalloc(a, g); fam = KAS_FAM_VMALLOC;
	} else if (!strcmp(n, "kvmalloc")) {
		p = kvmalloc(a, g); fam = KAS_FAM_KVMALLOC;
	} else if (!strcmp(n, "kvzalloc")) {
		p = kvzalloc(a, g); fam = KAS_FAM_KVMALLOC;
	} else if (!strcmp(n, "kvmalloc_array")) {
		p = kvmalloc_array(a, b, g); fam = KAS_FAM_KVMALLOC;
	} else {
		p = kvcalloc(a, b, g); fam = KAS_FAM_KVMALLOC;
	}
	result_ptr(op, p, size, g, NULL, fam, KAS_NONE, 0, false);
	kas_out("\n");
}

static void do_realloc(struct op *op)
{
	const char *n = op->name;
	struct parg in;
	u64 a = 0, b = 1;
	gfp_t g = 0;
	size_t size, oldsize;
	void *p;
	long pt = -1;
	u8 fam = KAS_FAM_KMALLOC;
	struct kas_obj old;
	int r = ptr_arg(op, 0, &in);

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	if (!strcmp(n, "krealloc_array")) {
		NEED(num(op, 1, &a));
		NEED(num(op, 2, &b));
		NEED(gfp_arg(op, 3, &g));
	} else {
		NEED(num(op, 1, &a));
		NEED(gfp_arg(op, 2, &g));
	}
	size = (size_t)(a * b);
	if (in.o) {
		bool ok = !strcmp(n, "kvrealloc") ? (is_linear_kmalloc(in.o) || is_vmalloc_obj(in.o))
						  : is_linear_kmalloc(in.o);
		if (!ok)
			REFUSE("family");
		old = *in.o;
		pt = off_val(check_before_free(in.o));
	} else if (!strcmp(n, "kvrealloc") && in.p) {
		REFUSE("family");   /* 6.1 kvrealloc would memcpy from ZERO_SIZE_PTR */
	}
	if (over_budget(size) && size <= totalram_pages() * PAGE_SIZE)
		REFUSE("budget");
	oldsize = in.o ? in.o->size : 0;
	if (!strcmp(n, "krealloc")) {
		p = krealloc(in.p, a, g);
	} else if (!strcmp(n, "krealloc_array")) {
		p = krealloc_array(in.p, a, b, g);
	} else {
		p = kvrealloc(in.p, oldsize, a, g);
		fam = KAS_FAM_KVMALLOC;
	}
	if (in.o)
		kas_out(" pt=%ld", pt);
	if (p && p == in.p && in.o)
		kas_out(" same=1");
	if (!p && in.o && size != 0)
		kas_out(" kp=%ld", off_val(kas_windows(in.o->p, in.o->id, 0, in.o->size, KAS_VERIFY)));
	/* the old object ends when the call succeeded, and always for size 0
	 * (the harness's convention: a size-0 realloc kills p whatever it returns) */
	if (in.o && (p || size == 0))
		kas_kill_obj(in.o);
	result_ptr(op, p, size, g, in.o && p ? &old : NULL, fam, KAS_NONE, 0, false);
	kas_out("\n");
}

static void do_free(struct op *op)
{
	const char *n = op->name;
	struct parg in;
	int r = ptr_arg(op, 0, &in);
	long pt = -1;

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	if (in.o) {
		bool ok;

		if (!strcmp(n, "vfree"))
			ok = is_vmalloc_obj(in.o);
		else if (!strcmp(n, "kvfree"))
			ok = in.o->fam != KAS_FAM_CACHE && in.o->fam != KAS_FAM_PAGES;
		else
			ok = is_linear_kmalloc(in.o);
		if (!ok)
			REFUSE("family");
		pt = off_val(check_before_free(in.o));
		kas_kill_obj(in.o);
	} else if (!strcmp(n, "vfree") && in.p) {
		REFUSE("family");   /* vfree(ZERO_SIZE_PTR) is not a vmalloc area */
	}
	if (!strcmp(n, "kfree"))
		kfree(in.p);
	else if (!strcmp(n, "kvfree"))
		kvfree(in.p);
	else if (!strcmp(n, "kfree_sensitive"))
		kfree_sensitive(in.p);
	else
		vfree(in.p);
	if (in.o)
		kas_out(" pt=%ld", pt);
	kas_out("\n");
}

static void do_ksize(struct op *op)
{
	struct parg in;
	int r = ptr_arg(op, 0, &in);

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	if (in.o && in.o->fam != KAS_FAM_CACHE && !is_linear_kmalloc(in.o))
		REFUSE("family");
	kas_out(" r=V v=%zu\n", ksize(in.p));
}

static void do_values(struct op *op)
{
	const char *n = op->name;
	u64 a = 0, b = 0, c = 0;
	size_t v;

	NEED(num(op, 0, &a));
	if (!strcmp(n, "kmalloc_size_roundup")) {
		kas_out(" r=V v=%zu\n", kmalloc_size_roundup(a));
		return;
	}
	NEED(num(op, 1, &b));
	if (!strcmp(n, "size_mul"))
		v = size_mul(a, b);
	else if (!strcmp(n, "size_add"))
		v = size_add(a, b);
	else if (!strcmp(n, "size_sub"))
		v = size_sub(a, b);
	else if (!strcmp(n, "array_size"))
		v = array_size(a, b);
	else {
		NEED(num(op, 2, &c));
		if (!strcmp(n, "array3_size"))
			v = array3_size(a, b, c);
		else   /* struct_size(p, member, count) with sizeof header a, element b */
			v = size_add(a, size_mul(b, c));
	}
	kas_out(" r=V v=%zu\n", v);
}

static void do_pages(struct op *op)
{
	const char *n = op->name;
	gfp_t g;
	u64 order = 0;
	void *p = NULL;
	struct page *pg;

	NEED(gfp_arg(op, 0, &g));
	if (strcmp(n, "get_zeroed_page"))
		NEED(num(op, 1, &order));
	if (order > 255)
		REFUSE("args");
	if (order < 40 && over_budget(PAGE_SIZE << order) && order < MAX_ORDER)
		REFUSE("budget");
	if (!strcmp(n, "alloc_pages")) {
		pg = alloc_pages(g, order);
		p = pg ? page_address(pg) : NULL;
	} else if (!strcmp(n, "__get_free_pages")) {
		p = (void *)__get_free_pages(g, order);
	} else {
		p = (void *)get_zeroed_page(g);
	}
	result_ptr(op, p, order < 40 ? PAGE_SIZE << order : 0, g, NULL, KAS_FAM_PAGES, KAS_NONE,
		   (u8)order, false);
	kas_out("\n");
}

static void do_free_pages(struct op *op)
{
	struct parg in;
	u64 order;
	int r = ptr_arg(op, 0, &in);
	long pt;

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	NEED(num(op, 1, &order));
	if (!in.p && !strcmp(op->name, "free_pages")) {
		free_pages(0, order);   /* documented no-op */
		kas_out("\n");
		return;
	}
	if (!in.p)
		REFUSE("null");   /* __free_pages(NULL) oopses */
	if (!in.o || in.o->fam != KAS_FAM_PAGES || in.o->order != order)
		REFUSE("family");
	pt = off_val(check_before_free(in.o));
	kas_kill_obj(in.o);
	if (!strcmp(op->name, "free_pages"))
		free_pages((unsigned long)in.p, order);
	else
		__free_pages(virt_to_page(in.p), order);
	kas_out(" pt=%ld\n", pt);
}

static void do_cache_create(struct op *op)
{
	bool usercopy = !strcmp(op->name, "kmem_cache_create_usercopy");
	u64 size, align, uoff = 0, usize = 0;
	slab_flags_t fl;
	bool no_merge, panic;
	struct kmem_cache *c;
	char name[96];
	u32 ki;

	if (op->ntok < 4 || strncmp(op->tok[0], "n:", 2) || strncmp(op->tok[3], "s:", 2))
		REFUSE("args");
	NEED(num(op, 1, &size));
	NEED(num(op, 2, &align));
	NEED(kas_slab_parse(op->tok[3] + 2, &fl, &no_merge));
	if (usercopy) {
		NEED(num(op, 4, &uoff));
		NEED(num(op, 5, &usize));
	}
	/* a failed create with SLAB_PANIC would panic the oracle: run without
	 * it and report panic=1 with a NULL result (the real kernel panics) */
	panic = !!(fl & SLAB_PANIC);
	fl &= ~SLAB_PANIC;
	if (size > UINT_MAX || align > UINT_MAX)
		REFUSE("args");
	/* 6.1 does not validate align: kmem_cache_create(.., 12, 2147483647, ..)
	 * dies of a divide error in calculate_sizes() (reciprocal_value of a
	 * size that wrapped to 0) holding slab_mutex, which stalls every later
	 * cache op of the boot.  Seen on 6.1.192-2; see reports/kernel/README.md. */
	if (align > ((u64)1 << 24) ||
	    roundup(size ? size : 1, align ? align : 1) > ((u64)1 << 31))
		REFUSE("crash");
	/* unique per trace: leaked caches keep their sysfs names */
	snprintf(name, sizeof(name), "kas%u_%s", kas_st()->trace_no, op->tok[0] + 2);
	if (usercopy)
		c = kmem_cache_create_usercopy(name, size, align, fl, uoff, usize,
					       op->ctor ? kas_ctor : NULL);
	else
		c = kmem_cache_create(name, size, align, fl, op->ctor ? kas_ctor : NULL);
	if (!c) {
		kas_out(" r=N%s\n", panic ? " panic=1" : "");
		bind(op, KAS_SL_NONE, 0);
		return;
	}
	ki = kas_new_cache(c, size, op->ctor);
	if (ki != KAS_NONE) {
		/* what one object really costs (alignment, red zones): the budget's unit */
		size_t fp = roundup((size_t)(size ? size : 1), max_t(size_t, align, 8));

		if (fl & (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER))
			fp = 2 * fp + 256;
		kas_cache(ki)->footprint = fp;
	}
	bind(op, KAS_SL_CACHE, ki);
	kas_out(" r=P os=%u\n", kmem_cache_size(c));
}

static void do_cache_alloc(struct op *op)
{
	struct kas_cache *k;
	u32 ki;
	gfp_t g;
	void *p;
	int r = cache_arg(op, 0, &k, &ki);

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	NEED(gfp_arg(op, 1, &g));
	if (!k)
		REFUSE("null");   /* kmem_cache_alloc(NULL) oopses */
	if (over_budget(k->footprint))
		REFUSE("budget");
	p = !strcmp(op->name, "kmem_cache_zalloc") ? kmem_cache_zalloc(k->c, g)
						   : kmem_cache_alloc(k->c, g);
	result_ptr(op, p, k->size, g, NULL, KAS_FAM_CACHE, ki, 0, k->ctor);
	kas_out("\n");
}

static void do_cache_free(struct op *op)
{
	struct kas_cache *k;
	struct parg in;
	u32 ki;
	long pt;
	int r = cache_arg(op, 0, &k, &ki);

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	r = ptr_arg(op, 1, &in);
	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	if (!k || !in.o || in.o->fam != KAS_FAM_CACHE || in.o->cache != ki)
		REFUSE("family");
	pt = off_val(check_before_free(in.o));
	kas_kill_obj(in.o);
	kmem_cache_free(k->c, in.p);
	kas_out(" pt=%ld\n", pt);
}

static void do_cache_destroy(struct op *op)
{
	struct kas_cache *k;
	u32 ki;
	int r = cache_arg(op, 0, &k, &ki);

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	if (k) {
		k->live = 0;   /* with objects left the kernel leaks it: never touch it again */
		kmem_cache_destroy(k->c);
	} else {
		kmem_cache_destroy(NULL);
	}
	kas_out("\n");
}

static void do_bulk_alloc(struct op *op)
{
	struct kas_cache *k;
	u32 ki, i, *objs;
	gfp_t g;
	u64 n;
	void **arr;
	int got, r = cache_arg(op, 0, &k, &ki);
	long zbad = -1;

	if (r == -ENOENT)
		REFUSE("dead");
	NEED(r);
	NEED(gfp_arg(op, 1, &g));
	NEED(num(op, 2, &n));
	if (!k)
		REFUSE("null");
	if (n > 65536 || over_budget(n * k->footprint))
		REFUSE("budget");
	arr = kvcalloc(n ? n : 1, sizeof(void *), GFP_KERNEL);
	objs = kvcalloc(n ? n : 1, sizeof(u32), GFP_KERNEL);
	if (!arr || !objs) {
		kvfree(arr);
		kvfree(objs);
		REFUSE("oom");
	}
	got = kmem_cache_alloc_bulk(k->c, g, n, arr);
	kas_out(" r=V v=%d b=", got);
	for (i = 0; i < (u32)max(got, 0); i++) {
		if ((g & __GFP_ZERO) && zbad < 0)
			zbad = off_val(kas_windows(arr[i], 0, 0, k->size, KAS_ZERO));
		kas_out("%s%lx", i ? "," : "", (unsigned long)arr[i] & LOW_MASK);
	}
	if (g & __GFP_ZERO)
		kas_out(" z=%ld", zbad);
	for (i = 0; i < (u32)max(got, 0); i++) {
		objs[i] = kas_new_obj(arr[i], k->size, KAS_FAM_CACHE, ki, 0);
		if (objs[i] != KAS_NONE)
			kas_windows(arr[i], kas_obj(objs[i])->id, 0, k->size, KAS_FILL);
	}
	kvfree(arr);
	bind(op, KAS_SL_BULK, kas_new_bulk(objs, max(got, 0)));
	kas_out("\n");
}

/* Resolve an L: list into objects; all must be live and taken by the free. */
static int list_objs(struct op *op, int i, struct kas_obj ***out, u32 *nout, u32 cache)
{
	char *s, *t;
	struct kas_obj **v = NULL;
	u32 n = 0, cap = 0, slot, j;

	if (i >= op->ntok || strncmp(op->tok[i], "L:", 2))
		return -EINVAL;
	s = op->tok[i] + 2;
	while ((t = strsep(&s, ",")) != NULL) {
		struct kas_slot *sl;
		u32 first, cnt;

		if (!*t)
			continue;
		/* NULL entries (N, or a handle bound to NULL) are refused: 6.1's
		 * kfree_bulk oopses on a NULL that is not the last entry
		 * (kmem_cache_free_bulk.part.0, seen on 6.1.192-2) */
		if (t[0] != 'h' || kstrtou32(t + 1, 10, &slot) || !(sl = kas_slot(slot)))
			goto bad;
		if (sl->kind == KAS_SL_OBJ) {
			first = sl->idx;
			cnt = 1;
		} else if (sl->kind == KAS_SL_BULK) {
			first = 0;
			cnt = kas_bulk(sl->idx)->n;
		} else {
			goto bad;   /* NULL entries are not passed to bulk frees */
		}
		for (j = 0; j < cnt; j++) {
			u32 oi = sl->kind == KAS_SL_OBJ ? first : kas_bulk(sl->idx)->objs[j];
			struct kas_obj *o = kas_obj(oi);

			if (!o || !o->live)
				goto dead;
			if (cache == KAS_NONE ? !(o->fam == KAS_FAM_KMALLOC ||
						  (o->fam == KAS_FAM_KVMALLOC && !is_vmalloc_addr(o->p)))
					      : (o->fam != KAS_FAM_CACHE || o->cache != cache))
				goto bad;
			if (n == cap) {
				struct kas_obj **nv = krealloc_array(v, cap ? cap * 2 : 16,
								     sizeof(*v), GFP_KERNEL);
				if (!nv)
					goto bad;
				v = nv;
				cap = cap ? cap * 2 : 16;
			}
			v[n++] = o;
		}
	}
	/* the same object twice would be a double free */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (v[i] && v[i] == v[j])
				goto bad;
	*out = v;
	*nout = n;
	return 0;
dead:
	kfree(v);
	return -ENOENT;
bad:
	kfree(v);
	return -EINVAL;
}

static void do_bulk_free(struct op *op)
{
	bool cache_free = !strcmp(op->name, "kmem_cache_free_bulk");
	struct kas_cache *k = NULL;
	struct kas_obj **v = NULL;
	u32 ki = KAS_NONE, n = 0, i;
	void **arr;
	long pt = -1;
	int r;

	if (cache_free) {
		r = cache_arg(op, 0, &k, &ki);
		if (r == -ENOENT)
			REFUSE("dead");
		NEED(r);
		if (!k)
			REFUSE("null");
	}
	r = list_objs(op, cache_free ? 1 : 0, &v, &n, ki);
	if (r == -ENOENT)
		REFUSE("dead");
	if (r)
		REFUSE("family");
	arr = kvcalloc(n ? n : 1, sizeof(void *), GFP_KERNEL);
	if (!arr) {
		kfree(v);
		REFUSE("oom");
	}
	for (i = 0; i < n; i++) {
		size_t bad;

		if (!v[i]) {
			arr[i] = NULL;
			continue;
		}
		bad = check_before_free(v[i]);

		if (pt < 0 && bad != KAS_NOT_FOUND)
			pt = bad;
		arr[i] = v[i]->p;
		kas_kill_obj(v[i]);
	}
	if (cache_free)
		kmem_cache_free_bulk(k->c, n, arr);
	else
		kfree_bulk(n, arr);
	kvfree(arr);
	kfree(v);
	kas_out(" pt=%ld\n", pt);
}

struct handler {
	const char *name;
	void (*fn)(struct op *op);
};

static const struct handler handlers[] = {
	{ "kmalloc", do_alloc }, { "kzalloc", do_alloc }, { "kmalloc_array", do_alloc },
	{ "kcalloc", do_alloc }, { "vmalloc", do_alloc }, { "vzalloc", do_alloc },
	{ "__vmalloc", do_alloc }, { "kvmalloc", do_alloc }, { "kvzalloc", do_alloc },
	{ "kvmalloc_array", do_alloc }, { "kvcalloc", do_alloc },
	{ "krealloc", do_realloc }, { "krealloc_array", do_realloc }, { "kvrealloc", do_realloc },
	{ "kfree", do_free }, { "kvfree", do_free }, { "kfree_sensitive", do_free },
	{ "vfree", do_free }, { "ksize", do_ksize },
	{ "kmalloc_size_roundup", do_values }, { "size_mul", do_values },
	{ "size_add", do_values }, { "size_sub", do_values }, { "array_size", do_values },
	{ "array3_size", do_values }, { "struct_size", do_values },
	{ "alloc_pages", do_pages }, { "__get_free_pages", do_pages },
	{ "get_zeroed_page", do_pages }, { "free_pages", do_free_pages },
	{ "__free_pages", do_free_pages },
	{ "kmem_cache_create", do_cache_create }, { "kmem_cache_create_usercopy", do_cache_create },
	{ "kmem_cache_alloc", do_cache_alloc }, { "kmem_cache_zalloc", do_cache_alloc },
	{ "kmem_cache_free", do_cache_free }, { "kmem_cache_destroy", do_cache_destroy },
	{ "kmem_cache_alloc_bulk", do_bulk_alloc }, { "kmem_cache_free_bulk", do_bulk_free },
	{ "kfree_bulk", do_bulk_free },
};

void kas_run_op(char *line)
{
	struct op op = { 0 };
	char *s = line, *t;
	size_t i;

	t = strsep(&s, " ");
	if (kstrtoul(t, 10, &op.index))
		return;
	t = strsep(&s, " ");
	if (!t || (strcmp(t, "-") && kstrtol(t, 10, &op.bind)))
		return;
	if (!strcmp(t, "-"))
		op.bind = -1;
	op.name = strsep(&s, " ");
	if (!op.name)
		return;
	while ((t = strsep(&s, " ")) != NULL) {
		if (!*t)
			continue;
		if (!strcmp(t, "ctor"))
			op.ctor = true;
		else if (op.ntok < MAXTOK)
			op.tok[op.ntok++] = t;
	}
	pr_info("kas: op %u.%lu %s\n", kas_st()->trace_no, op.index, op.name);
	kas_st()->ctor_calls = 0;
	kas_st()->ctor_log_n = 0;
	kas_out("%lu", op.index);
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		if (!strcmp(handlers[i].name, op.name)) {
			kas_out(" ok");
			handlers[i].fn(&op);
			return;
		}
	}
	kas_out(" uns\n");
}
