/* SPDX-License-Identifier: MIT */
/*
 * The spec without a port: hand-built call records through precheck (the
 * undefined-behaviour veto), check (verdicts, tallies, counterexamples) and
 * commit (the model update).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kallocspec/spec.h"
#include "kallocspec/port.h"
#include "kallocspec/world.h"
#include "kas_test.h"


static const char *const text =
	"a = kmalloc 64 GFP_KERNEL\n"                /* 0 */
	"v = vmalloc 8192\n"                         /* 1 */
	"k = kmem_cache_create c 32 0 0\n"           /* 2 */
	"o = kmem_cache_alloc k GFP_KERNEL\n"        /* 3 */
	"kv = kvmalloc 100000 GFP_KERNEL\n"          /* 4 */
	"g = alloc_pages GFP_KERNEL 2\n"             /* 5 */
	"kc = kmem_cache_create d 32 0 0 ctor\n"     /* 6 */
	"kfree a\n"                                  /* 7 */
	"vfree a\n"                                  /* 8 */
	"kmem_cache_free k o\n"                      /* 9 */
	"free_pages g 1\n"                           /* 10 */
	"z = kmem_cache_zalloc kc GFP_KERNEL\n"      /* 11 */
	"n = __vmalloc_node 4096 3 GFP_KERNEL\n"     /* 12 */
	"kfree_bulk a v\n"                           /* 13 */
	"b = krealloc a 128 GFP_KERNEL\n"            /* 14 */
	"kmem_cache_destroy k\n"                     /* 15 */
	"bb = kmem_cache_alloc_bulk k GFP_KERNEL 4\n"/* 16 */
	"ksize a\n"                                  /* 17 */
	"kvfree kv\n";                               /* 18 */

enum { A = 0x10000, V = 0x40000, O = 0x20040, KV = 0x80000, G = 0x100000, CACHE_H = 0x999000 };

static struct kas_call call_for(const struct kas_trace *t, size_t idx)
{
	struct kas_call c;
	memset(&c, 0, sizeof(c));
	c.trace = t;
	c.op = &t->ops[idx];
	c.index = idx;
	c.in_obj = c.in_cache = c.out_obj = c.out_bulk = KAS_NO_OBJ;
	for (unsigned i = 0; i < c.op->nargs; i++)
		c.arg[i] = c.op->v[i];
	c.obs.zero.first_bad = c.obs.prefix.first_bad = c.obs.pattern.first_bad = KAS_NOT_FOUND;
	c.obs.kept.first_bad = c.obs.ctor.first_bad = KAS_NOT_FOUND;
	return c;
}

static void set_in(struct kas_call *c, struct kas_spec *s, uint32_t obj, unsigned argi)
{
	c->in_obj = obj;
	c->in = *kas_model_obj(kas_spec_model(s), obj);
	c->arg[argi] = c->in.addr;
}

/* Allocate through the spec only: commit of a successful call. */
static uint32_t alloc(struct kas_spec *s, const struct kas_trace *t, size_t idx, uintptr_t ret,
		      uint32_t cache)
{
	struct kas_call c = call_for(t, idx);
	c.gfp = KAS_GFP_KERNEL;
	c.in_cache = cache;
	c.ret = ret;
	c.obs.vmaddr_known = 1;
	c.obs.is_vmalloc = idx == 1 || idx == 4;
	kas_spec_precheck(s, &c);
	CHECK(c.status == KAS_CALL_DONE);
	kas_spec_check(s, &c);
	kas_spec_commit(s, &c);
	return c.out_obj;
}

struct world {
	uint32_t a, v, o, kv, g, k, kc;
};

static struct world setup(struct kas_spec *s, const struct kas_trace *t)
{
	struct world w;
	struct kas_model *m = kas_spec_model(s);
	kas_spec_begin(s, t);
	w.a = alloc(s, t, 0, A, KAS_NO_OBJ);
	w.v = alloc(s, t, 1, V, KAS_NO_OBJ);
	struct kas_call c = call_for(t, 2);
	c.ret = CACHE_H;
	kas_spec_commit(s, &c);
	w.k = kas_model_binding(m, (uint32_t)t->ops[2].slot)->obj;
	w.o = alloc(s, t, 3, O, w.k);
	w.kv = alloc(s, t, 4, KV, KAS_NO_OBJ);
	w.g = alloc(s, t, 5, G, KAS_NO_OBJ);
	c = call_for(t, 6);
	c.ret = CACHE_H + 0x100;
	kas_spec_commit(s, &c);
	w.kc = kas_model_binding(m, (uint32_t)t->ops[6].slot)->obj;
	return w;
}

static bool vetoed(struct kas_spec *s, struct kas_call *c)
{
	kas_spec_precheck(s, c);
	return c->status == KAS_CALL_SKIPPED && c->skip == KAS_SKIP_UNDEFINED;
}

static void test_precheck_and_commit(const char *profile, bool kfree_cache_ok)
{
	const struct kas_profile *p = kas_profile_find(profile);
	struct kas_trace t;
	struct kas_parse_error err;
	kas_trace_init(&t);
	CHECK(p && kas_trace_parse(&t, text, strlen(text), "check", p, p, &err) == 0);
	struct kas_spec *s = kas_spec_new(p, ~0u);
	struct kas_model *m = kas_spec_model(s);
	struct world w = setup(s, &t);
	struct kas_call c;

	/* model after the allocations */
	CHECK(kas_model_live_count(m) == 5);
	CHECK(kas_model_obj(m, w.a)->family == KAS_FAM_KMALLOC && kas_model_obj(m, w.a)->size == 64);
	CHECK(kas_model_obj(m, w.o)->family == KAS_FAM_CACHE && kas_model_obj(m, w.o)->size == 32);
	CHECK(kas_model_obj(m, w.kv)->in_vmalloc == 1);
	CHECK(kas_model_obj(m, w.g)->size == 4096u << 2 && kas_model_obj(m, w.g)->order == 2);
	CHECK(kas_model_cache(m, w.k)->live_objs == 1);
	CHECK(kas_model_cache(m, w.kc)->ctor == 1 && kas_model_cache(m, w.k)->ctor == 0);
	CHECK(kas_model_obj(m, w.a)->id != kas_model_obj(m, w.v)->id);

	/* kfree: kmalloc ok, vmalloc/pages/vmalloc-backed kvmalloc vetoed */
	c = call_for(&t, 7); set_in(&c, s, w.a, 0);
	CHECK(!vetoed(s, &c));
	c = call_for(&t, 7); set_in(&c, s, w.v, 0);
	CHECK(vetoed(s, &c));
	c = call_for(&t, 7); set_in(&c, s, w.g, 0);
	CHECK(vetoed(s, &c));
	c = call_for(&t, 7); set_in(&c, s, w.kv, 0);
	CHECK(vetoed(s, &c));
	c = call_for(&t, 7); c.arg[0] = 0;
	CHECK(!vetoed(s, &c));
	/* kfree of a cache object: defined from 6.4 */
	c = call_for(&t, 7); set_in(&c, s, w.o, 0);
	CHECK(vetoed(s, &c) == !kfree_cache_ok);
	/* ksize of a cache object is always fine */
	c = call_for(&t, 17); set_in(&c, s, w.o, 0);
	CHECK(!vetoed(s, &c));
	/* vfree: vmalloc and NULL ok; kmalloc and ZERO_SIZE_PTR run too (FREE-3:
	 * WARN, nothing freed); vmalloc-backed kvmalloc ok; interrupt context
	 * vetoed for non-vmalloc memory (vfree_atomic writes to it) */
	c = call_for(&t, 8); set_in(&c, s, w.v, 0);
	CHECK(!vetoed(s, &c));
	c = call_for(&t, 8); set_in(&c, s, w.a, 0);
	CHECK(!vetoed(s, &c));
	c = call_for(&t, 8); set_in(&c, s, w.a, 0);
	c.world.enabled = 1; c.world.context = KAS_CTX_IRQ;
	CHECK(vetoed(s, &c));
	c = call_for(&t, 8); c.arg[0] = 0;
	CHECK(!vetoed(s, &c));
	c = call_for(&t, 8); c.arg[0] = KAS_ZERO_SIZE_PTR;
	CHECK(!vetoed(s, &c));
	c = call_for(&t, 8); c.arg[0] = 0x12345000;   /* an address the spec cannot place */
	CHECK(vetoed(s, &c));
	/* kmem_cache_free: own cache ok, other cache / not a cache object vetoed */
	c = call_for(&t, 9); c.in_cache = w.k; set_in(&c, s, w.o, 1);
	CHECK(!vetoed(s, &c));
	c = call_for(&t, 9); c.in_cache = w.kc; set_in(&c, s, w.o, 1);
	CHECK(vetoed(s, &c));
	c = call_for(&t, 9); c.in_cache = w.k; set_in(&c, s, w.a, 1);
	CHECK(vetoed(s, &c));
	/* free_pages with the wrong order */
	c = call_for(&t, 10); set_in(&c, s, w.g, 0); c.arg[1] = 1;
	CHECK(vetoed(s, &c));
	c = call_for(&t, 10); set_in(&c, s, w.g, 0); c.arg[1] = 2;
	CHECK(!vetoed(s, &c));
	/* CALLER-17: zeroing a ctor cache */
	c = call_for(&t, 11); c.in_cache = w.kc;
	CHECK(vetoed(s, &c));
	c = call_for(&t, 11); c.in_cache = w.k;
	CHECK(!vetoed(s, &c));
	/* __vmalloc_node align must be a power of two */
	c = call_for(&t, 12);
	CHECK(vetoed(s, &c));
	c = call_for(&t, 12); c.arg[1] = 4096;
	CHECK(!vetoed(s, &c));
	/* kfree_bulk: kmalloc entries ok, a vmalloc entry vetoed */
	uint32_t list1[1] = { w.a }, list2[2] = { w.a, w.v };
	c = call_for(&t, 13); c.list_objs = list1; c.nlist = 1;
	CHECK(!vetoed(s, &c));
	c = call_for(&t, 13); c.list_objs = list2; c.nlist = 2;
	CHECK(vetoed(s, &c));
	/* krealloc of vmalloc memory */
	c = call_for(&t, 14); set_in(&c, s, w.v, 0);
	CHECK(vetoed(s, &c));
	/* a vetoed call is not judged */
	CHECK(kas_spec_check(s, &c) == 0);

	/* krealloc: NULL result keeps p */
	c = call_for(&t, 14); set_in(&c, s, w.a, 0); c.ret = 0;
	c.obs.kept = (struct kas_range_obs){ 1, 0, 64, KAS_NOT_FOUND };
	CHECK(kas_spec_check(s, &c) == 0);
	kas_spec_commit(s, &c);
	CHECK(kas_model_obj(m, w.a)->live && c.out_obj == KAS_NO_OBJ);
	/* same pointer: a new object at the same address, the old one dead */
	c = call_for(&t, 14); set_in(&c, s, w.a, 0); c.ret = A; c.arg[1] = 32;
	CHECK(kas_spec_check(s, &c) == 0);
	kas_spec_commit(s, &c);
	CHECK(!kas_model_obj(m, w.a)->live);
	CHECK(c.out_obj != KAS_NO_OBJ && kas_model_obj(m, c.out_obj)->addr == A);
	CHECK(kas_model_obj(m, c.out_obj)->size == 32);
	CHECK(kas_model_obj(m, c.out_obj)->id != kas_model_obj(m, w.a)->id);
	uint32_t a2 = c.out_obj;
	CHECK(kas_model_find_addr(m, A) == a2);
	/* size 0: p dies, ZERO_SIZE_PTR bound without an object */
	c = call_for(&t, 14); set_in(&c, s, a2, 0); c.arg[1] = 0; c.ret = KAS_ZERO_SIZE_PTR;
	CHECK(kas_spec_check(s, &c) == 0);
	kas_spec_commit(s, &c);
	CHECK(!kas_model_obj(m, a2)->live);
	struct kas_binding *bd = kas_model_binding(m, (uint32_t)t.ops[14].slot);
	CHECK(bd->bound && bd->value == KAS_ZERO_SIZE_PTR && bd->obj == KAS_NO_OBJ);

	/* destroy with a live object: cache and object forgotten (leaked) */
	c = call_for(&t, 15); c.in_cache = w.k;
	kas_spec_commit(s, &c);
	CHECK(!kas_model_cache(m, w.k)->live && !kas_model_obj(m, w.o)->live);
	/* a failed bulk allocation still binds an (empty) group */
	c = call_for(&t, 16); c.in_cache = w.kc; c.ret = 0;
	kas_spec_commit(s, &c);
	CHECK(c.out_bulk != KAS_NO_OBJ && kas_model_bulk(m, c.out_bulk)->count == 0);
	/* a successful one adds n cache objects */
	void *ptrs[4] = { (void *)0x70000, (void *)0x70020, (void *)0x70040, (void *)0x70060 };
	c = call_for(&t, 16); c.in_cache = w.kc; c.ret = 4; c.bulk = ptrs; c.bulk_cap = 4;
	CHECK(kas_spec_check(s, &c) == 0);
	kas_spec_commit(s, &c);
	CHECK(kas_model_bulk(m, c.out_bulk)->count == 4);
	CHECK(kas_model_cache(m, w.kc)->live_objs == 4);
	kas_spec_end(s);
	kas_spec_free(s);
	kas_trace_free(&t);
}

/* Failing verdicts: tallies, the first message kept, the counterexample
 * prefix ending at the failing op, and clearing. */
static void test_tallies(void)
{
	const struct kas_profile *p = kas_profile_find("linux-6.12");
	struct kas_trace t;
	struct kas_parse_error err;
	kas_trace_init(&t);
	CHECK(kas_trace_parse(&t, text, strlen(text), "check", p, p, &err) == 0);
	struct kas_spec *s = kas_spec_new(p, ~0u);
	struct world w = setup(s, &t);
	int zero1 = kas_rule_index("ZERO-1"), size1 = kas_rule_index("SIZE-1");

	/* ksize of a 64-byte object reporting 10: SIZE-1 fails at op 17 */
	struct kas_call c = call_for(&t, 17);
	set_in(&c, s, w.a, 0);
	c.ret = 10;
	CHECK(kas_spec_check(s, &c) == 1);
	const struct kas_tally *ty = kas_spec_tally(s, (size_t)size1);
	CHECK(ty->exercised == 1 && ty->failed == 1 && ty->fail_op == 17);
	CHECK(ty->has_counterexample && ty->counterexample.nops == 18);
	CHECK(strstr(ty->message, "returned 10") != NULL);
	CHECK(kas_spec_status(s, (size_t)size1) == KAS_FAIL);
	/* a second failure counts but keeps the first message */
	c.ret = 11;
	CHECK(kas_spec_check(s, &c) == 1);
	CHECK(ty->failed == 2 && strstr(ty->message, "returned 10") != NULL);
	/* a correct answer passes */
	c.ret = 64;
	CHECK(kas_spec_check(s, &c) == 0 && ty->exercised == 3);
	/* ZERO-1 on kmalloc(0) -> NULL (op 0 with size 0) */
	c = call_for(&t, 0);
	c.arg[0] = 0;
	c.ret = 0;
	CHECK(kas_spec_check(s, &c) >= 1);
	CHECK(kas_spec_tally(s, (size_t)zero1)->failed == 1);
	CHECK(kas_spec_tally(s, (size_t)zero1)->counterexample.nops == 1);
	c.ret = KAS_ZERO_SIZE_PTR;
	CHECK(kas_spec_check(s, &c) == 0);
	/* an in-place krealloc keeps its input's alignment: kmalloc(96) at a
	 * 32-aligned address shrunk to 64 bytes is not an ALIGN-2 failure,
	 * while a fresh 64-byte result at that address is */
	int align2 = kas_rule_index("ALIGN-2");
	c = call_for(&t, 0);
	c.arg[0] = 96;
	c.ret = 0x30020;
	CHECK(kas_spec_check(s, &c) == 0);
	kas_spec_commit(s, &c);
	uint32_t k96 = c.out_obj;
	c = call_for(&t, 14);
	set_in(&c, s, k96, 0);
	c.arg[1] = 64;
	c.ret = 0x30020;
	CHECK(kas_spec_check(s, &c) == 0);
	CHECK(kas_spec_tally(s, (size_t)align2)->failed == 0);
	c = call_for(&t, 0);
	c.arg[0] = 64;
	c.ret = 0x50020;
	CHECK(kas_spec_check(s, &c) >= 1);
	CHECK(kas_spec_tally(s, (size_t)align2)->failed == 1);
	/* unsupported and skipped calls are not judged */
	c.ret = 0;
	c.status = KAS_CALL_UNSUPPORTED;
	CHECK(kas_spec_check(s, &c) == 0);
	kas_spec_end(s);
	kas_spec_clear_tallies(s);
	CHECK(kas_spec_tally(s, (size_t)size1)->failed == 0);
	CHECK(!kas_spec_tally(s, (size_t)size1)->has_counterexample);
	CHECK(kas_spec_status(s, (size_t)size1) == KAS_UNTESTED);
	kas_spec_free(s);
	kas_trace_free(&t);
}

int main(void)
{
	test_precheck_and_commit("linux-6.1", false);
	test_precheck_and_commit("linux-6.12", true);
	test_tallies();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
