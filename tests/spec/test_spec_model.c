/* SPDX-License-Identifier: MIT */
/* The abstract model: add/kill, overlap and address queries, bindings,
 * bulk groups, reuse of dead objects' indices, and the ordered index at
 * 100k objects against brute force. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kallocspec/model.h"
#include "kas_test.h"


static uint32_t add(struct kas_model *m, uintptr_t addr, size_t size)
{
	struct kas_obj o = { 0 };
	o.addr = addr;
	o.size = size;
	o.family = KAS_FAM_KMALLOC;
	o.cache = KAS_NO_OBJ;
	return kas_model_add_obj(m, &o);
}

static void test_basic(void)
{
	struct kas_model *m = kas_model_new();
	kas_model_reset(m, 4);
	uint32_t a = add(m, 0x1000, 0x100);   /* [0x1000, 0x1100) */
	uint32_t b = add(m, 0x2000, 0x40);    /* [0x2000, 0x2040) */
	uint32_t z = add(m, 0x3000, 0);       /* zero-sized: never intersects */
	CHECK(kas_model_live_count(m) == 3);
	CHECK(kas_model_find_overlap(m, 0x1000, 1, KAS_NO_OBJ) == a);
	CHECK(kas_model_find_overlap(m, 0x10ff, 1, KAS_NO_OBJ) == a);
	CHECK(kas_model_find_overlap(m, 0x1100, 0x100, KAS_NO_OBJ) == KAS_NO_OBJ);  /* touching */
	CHECK(kas_model_find_overlap(m, 0xf00, 0x100, KAS_NO_OBJ) == KAS_NO_OBJ);
	CHECK(kas_model_find_overlap(m, 0xf00, 0x101, KAS_NO_OBJ) == a);
	CHECK(kas_model_find_overlap(m, 0x0, 0x10000, a) == b);       /* except skips a */
	CHECK(kas_model_find_overlap(m, 0x1000, 0, KAS_NO_OBJ) == KAS_NO_OBJ);  /* empty range */
	CHECK(kas_model_find_overlap(m, 0x3000, 8, KAS_NO_OBJ) == KAS_NO_OBJ);  /* size-0 object */
	CHECK(kas_model_find_addr(m, 0x3000) == z);
	CHECK(kas_model_find_addr(m, 0x2000) == b);
	CHECK(kas_model_find_addr(m, 0x2001) == KAS_NO_OBJ);
	/* a range reaching the top of the address space */
	CHECK(kas_model_find_overlap(m, 0x1050, SIZE_MAX, KAS_NO_OBJ) == a);

	kas_model_kill_obj(m, a);
	CHECK(!kas_model_obj(m, a)->live);
	CHECK(kas_model_live_count(m) == 2);
	CHECK(kas_model_find_overlap(m, 0x1000, 0x100, KAS_NO_OBJ) == KAS_NO_OBJ);
	CHECK(kas_model_find_addr(m, 0x1000) == KAS_NO_OBJ);
	kas_model_kill_obj(m, a);            /* killing twice is harmless */
	CHECK(kas_model_live_count(m) == 2);

	/* the same address twice (a broken port): both indexed, both found */
	uint32_t c = add(m, 0x2000, 0x40);
	CHECK(kas_model_find_overlap(m, 0x2000, 1, b) == c);
	CHECK(kas_model_find_overlap(m, 0x2000, 1, c) == b);
	kas_model_kill_obj(m, b);
	CHECK(kas_model_find_addr(m, 0x2000) == c);

	/* caches count their live objects */
	struct kas_cache k = { 0 };
	k.size = 32;
	k.live = 1;
	uint32_t ki = kas_model_add_cache(m, &k);
	struct kas_obj o = { 0 };
	o.addr = 0x9000;
	o.size = 32;
	o.family = KAS_FAM_CACHE;
	o.cache = ki;
	uint32_t co = kas_model_add_obj(m, &o);
	CHECK(kas_model_cache(m, ki)->live_objs == 1);
	kas_model_kill_obj(m, co);
	CHECK(kas_model_cache(m, ki)->live_objs == 0);

	/* bulk groups and bindings */
	uint32_t members[3] = { add(m, 0xa000, 8), add(m, 0xa008, 8), add(m, 0xa010, 8) };
	uint32_t g = kas_model_add_bulk(m, members, 3);
	const struct kas_bulk *gb = kas_model_bulk(m, g);
	CHECK(gb && gb->count == 3);
	CHECK(kas_model_bulk_obj(m, gb, 2) == members[2]);
	CHECK(kas_model_bulk_obj(m, gb, 3) == KAS_NO_OBJ);
	uint32_t empty = kas_model_add_bulk(m, NULL, 0);
	CHECK(kas_model_bulk(m, empty)->count == 0);
	struct kas_binding *bd = kas_model_binding(m, 3);
	CHECK(bd && !bd->bound);
	CHECK(kas_model_binding(m, 4) == NULL);

	/* reset forgets everything */
	bd->bound = 1;
	kas_model_reset(m, 2);
	CHECK(kas_model_nobjs(m) == 0 && kas_model_live_count(m) == 0);
	CHECK(kas_model_find_overlap(m, 0, SIZE_MAX, KAS_NO_OBJ) == KAS_NO_OBJ);
	CHECK(!kas_model_binding(m, 1)->bound);
	CHECK(kas_model_cache(m, 0) == NULL);
	kas_model_free(m);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* 100k disjoint objects in random order, random kills, and queries checked
 * against a brute-force scan; the query phase must also be fast, which a
 * linear index would not be. */
static void test_scale(void)
{
	enum { N = 100000, Q = 200000 };
	struct kas_model *m = kas_model_new();
	kas_model_reset(m, 0);
	uint32_t *perm = malloc(N * sizeof(*perm));
	uintptr_t *start = malloc(N * sizeof(*start));
	size_t *len = malloc(N * sizeof(*len));
	uint32_t *idx = malloc(N * sizeof(*idx));
	for (uint32_t i = 0; i < N; i++)
		perm[i] = i;
	for (uint32_t i = N - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(next() % (i + 1)), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	/* slot i covers [0x100000 + i*64, +1..48): gaps between objects */
	for (uint32_t k = 0; k < N; k++) {
		uint32_t i = perm[k];
		start[i] = 0x100000 + (uintptr_t)i * 64;
		len[i] = 1 + next() % 48;
		idx[i] = add(m, start[i], len[i]);
	}
	for (uint32_t i = 0; i < N; i += 3)
		kas_model_kill_obj(m, idx[i]);
	CHECK(kas_model_live_count(m) == N - (N + 2) / 3);

	clock_t t0 = clock();
	unsigned mismatches = 0;
	for (unsigned q = 0; q < Q; q++) {
		uintptr_t a = 0x100000 - 256 + next() % ((uintptr_t)N * 64 + 512);
		size_t l = 1 + next() % 100;
		uint32_t got = kas_model_find_overlap(m, a, l, KAS_NO_OBJ);
		/* brute force over the slots the range can touch */
		uint32_t want = KAS_NO_OBJ;
		long lo = ((long)a - 0x100000) / 64 - 1, hi = ((long)(a + l) - 0x100000) / 64 + 1;
		for (long i = lo < 0 ? 0 : lo; i <= hi && i < N; i++)
			if (i % 3 != 0 && start[i] < a + l && a < start[i] + len[i]) {
				want = idx[i];
				break;
			}
		if ((got == KAS_NO_OBJ) != (want == KAS_NO_OBJ))
			mismatches++;
		else if (got != KAS_NO_OBJ) {
			const struct kas_obj *o = kas_model_obj(m, got);
			if (!o->live || !(o->addr < a + l && a < o->addr + o->size))
				mismatches++;
		}
		uint32_t i = (uint32_t)(next() % N);
		uint32_t f = kas_model_find_addr(m, start[i]);
		if (f != (i % 3 ? idx[i] : KAS_NO_OBJ))
			mismatches++;
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(mismatches == 0);
	/* 400k O(log n) queries take milliseconds; a linear scan would take
	 * minutes.  Generous bound for slow CI machines and sanitizers. */
	CHECK(secs < 10.0);
	printf("model: %d objects, %d queries in %.3f s, %u mismatches\n", N, Q, secs, mismatches);
	free(perm);
	free(start);
	free(len);
	free(idx);
	kas_model_free(m);
}

/* A dead object's index serves a later object from the next recycle on;
 * what kept the old one (a binding, a bulk group) sees it gone; the model
 * grows with what is live, not with what the trace ever made. */
static void test_reuse(void)
{
	struct kas_model *m = kas_model_new();
	kas_model_reset(m, 1);
	uint32_t a = add(m, 0x1000, 64);
	uint64_t a_id = kas_model_obj(m, a)->id;
	uint32_t members[2] = { add(m, 0x2000, 8), add(m, 0x2008, 8) };
	uint32_t g = kas_model_add_bulk(m, members, 2);
	kas_model_kill_obj(m, a);
	kas_model_kill_obj(m, members[1]);
	/* not within the call that killed them */
	uint32_t b = add(m, 0x3000, 64);
	CHECK(b != a && b != members[1]);
	CHECK(kas_model_obj(m, b)->id > a_id);
	kas_model_recycle(m);
	uint32_t c = add(m, 0x4000, 64), d = add(m, 0x5000, 64);
	CHECK((c == a || c == members[1]) && (d == a || d == members[1]) && c != d);
	CHECK(kas_model_obj_ref(m, a, a_id) == NULL);          /* a is gone */
	CHECK(kas_model_obj_ref(m, c, kas_model_obj(m, c)->id) == kas_model_obj(m, c));
	const struct kas_bulk *gb = kas_model_bulk(m, g);
	CHECK(kas_model_bulk_obj(m, gb, 0) == members[0]);
	CHECK(kas_model_bulk_obj(m, gb, 1) == KAS_NO_OBJ);      /* its index holds c or d */
	/* a long steady state keeps the model at the size of what is live */
	for (int i = 0; i < 100000; i++) {
		uint32_t x = add(m, 0x100000 + (uintptr_t)(i % 64) * 0x100, 16);
		kas_model_recycle(m);
		kas_model_kill_obj(m, x);
	}
	CHECK(kas_model_nobjs(m) <= 8);
	CHECK(kas_model_live_count(m) == 4);

	/* SLAB_ACCOUNT bytes follow the live objects, NOFAIL ones left out */
	struct kas_cache k = { 0 };
	k.size = 32;
	k.flags = KAS_SLAB_ACCOUNT;
	k.live = 1;
	uint32_t ki = kas_model_add_cache(m, &k);
	struct kas_obj o = { 0 };
	o.size = 32;
	o.family = KAS_FAM_CACHE;
	o.cache = ki;
	o.addr = 0x9000;
	uint32_t x = kas_model_add_obj(m, &o);
	o.addr = 0x9100;
	o.gfp = __GFP_NOFAIL;
	kas_model_add_obj(m, &o);
	CHECK(kas_model_accounted_bytes(m) == 32);
	kas_model_kill_obj(m, x);
	CHECK(kas_model_accounted_bytes(m) == 0);
	kas_model_free(m);
}

int main(void)
{
	test_basic();
	test_reuse();
	test_scale();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
