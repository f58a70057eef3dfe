/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the checkers, precheck and commit: what a call asked
 * for, what family it creates, the alignment formulas of the kernel, and a
 * small address set.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "spec_internal.h"

static bool mul_ok(uint64_t a, uint64_t b, size_t *out)
{
	size_t r;
	if (__builtin_mul_overflow((size_t)a, (size_t)b, &r))
		return false;
	*out = r;
	return true;
}

unsigned kas_get_order(uint64_t size)
{
	unsigned order = 0;
	while (order < 52 && ((uint64_t)KAS_PAGE_SIZE << order) < size)
		order++;
	return order;
}

bool kas_call_request(const struct kas_check *cx, const struct kas_call *c, size_t *out)
{
	const uint64_t *a = c->arg;
	switch (c->op->code) {
	case KAS_OP_KMALLOC: case KAS_OP_KZALLOC: case KAS_OP_VMALLOC: case KAS_OP_VZALLOC:
	case KAS_OP_VMALLOC_GFP: case KAS_OP_VMALLOC_NODE: case KAS_OP_KVMALLOC:
	case KAS_OP_KVZALLOC:
		*out = (size_t)a[0];
		return true;
	case KAS_OP_KMALLOC_ARRAY: case KAS_OP_KCALLOC: case KAS_OP_KVMALLOC_ARRAY:
	case KAS_OP_KVCALLOC:
		return mul_ok(a[0], a[1], out);
	case KAS_OP_KREALLOC: case KAS_OP_VREALLOC: case KAS_OP_KVREALLOC:
		*out = (size_t)a[1];
		return true;
	case KAS_OP_KREALLOC_ARRAY:
		return mul_ok(a[1], a[2], out);
	case KAS_OP_KMEM_CACHE_ALLOC: case KAS_OP_KMEM_CACHE_ZALLOC:
	case KAS_OP_KMEM_CACHE_ALLOC_BULK: {
		const struct kas_cache *k = cx ? kas_call_cache(cx->spec, c) : NULL;
		if (!k)
			return false;
		*out = k->size;
		return true;
	}
	case KAS_OP_ALLOC_PAGES: case KAS_OP_GET_FREE_PAGES:
		if (a[1] > 40)
			return false;
		*out = (size_t)KAS_PAGE_SIZE << a[1];
		return true;
	case KAS_OP_GET_ZEROED_PAGE:
		*out = KAS_PAGE_SIZE;
		return true;
	case KAS_OP_ALLOC_PAGES_EXACT:
		*out = (size_t)a[0];
		return true;
	default:
		return false;
	}
}

bool kas_call_overflows(const struct kas_call *c)
{
	size_t dummy;
	switch (c->op->code) {
	case KAS_OP_KMALLOC_ARRAY: case KAS_OP_KCALLOC: case KAS_OP_KVMALLOC_ARRAY:
	case KAS_OP_KVCALLOC:
		return !mul_ok(c->arg[0], c->arg[1], &dummy);
	case KAS_OP_KREALLOC_ARRAY:
		return !mul_ok(c->arg[1], c->arg[2], &dummy);
	default:
		return false;
	}
}

enum kas_family kas_op_family(unsigned code)
{
	switch (code) {
	case KAS_OP_KMALLOC: case KAS_OP_KZALLOC: case KAS_OP_KMALLOC_ARRAY: case KAS_OP_KCALLOC:
	case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY:
		return KAS_FAM_KMALLOC;
	case KAS_OP_VMALLOC: case KAS_OP_VZALLOC: case KAS_OP_VMALLOC_GFP:
	case KAS_OP_VMALLOC_NODE: case KAS_OP_VREALLOC:
		return KAS_FAM_VMALLOC;
	case KAS_OP_KVMALLOC: case KAS_OP_KVZALLOC: case KAS_OP_KVMALLOC_ARRAY:
	case KAS_OP_KVCALLOC: case KAS_OP_KVREALLOC:
		return KAS_FAM_KVMALLOC;
	case KAS_OP_KMEM_CACHE_ALLOC: case KAS_OP_KMEM_CACHE_ZALLOC:
	case KAS_OP_KMEM_CACHE_ALLOC_BULK:
		return KAS_FAM_CACHE;
	case KAS_OP_ALLOC_PAGES: case KAS_OP_GET_FREE_PAGES: case KAS_OP_GET_ZEROED_PAGE:
	case KAS_OP_ALLOC_PAGES_EXACT:
		return KAS_FAM_PAGES;
	default:
		return KAS_FAM_NONE;
	}
}

bool kas_op_zeroes(const struct kas_call *c)
{
	switch (c->op->code) {
	case KAS_OP_KZALLOC: case KAS_OP_KCALLOC: case KAS_OP_KMEM_CACHE_ZALLOC:
	case KAS_OP_KVZALLOC: case KAS_OP_KVCALLOC: case KAS_OP_VZALLOC:
	case KAS_OP_GET_ZEROED_PAGE:
		return true;
	default:
		return (c->gfp & __GFP_ZERO) != 0;
	}
}

uint64_t kas_kmalloc_align(const struct kas_profile *p, size_t size)
{
	if (size > p->kmalloc_max_cache_size)
		return p->page_size;
	uint64_t a = p->kmalloc_minalign;
	if (p->kver >= KAS_KVER(5, 4) && kas_is_pow2(size) && size > a)
		a = size;
	if (p->kver >= KAS_KVER(6, 11) && size && kas_low_bit(size) > a)
		a = kas_low_bit(size);
	return a;
}

#define KAS_CACHE_LINE 64u
#define KAS_SLAB_MINALIGN 8u

uint64_t kas_cache_align(uint32_t size, uint32_t align, uint32_t flags)
{
	uint64_t a = align;
	if (flags & KAS_SLAB_HWCACHE_ALIGN) {
		uint64_t ralign = KAS_CACHE_LINE;
		while (ralign > 1 && size <= ralign / 2)
			ralign /= 2;
		if (ralign > a)
			a = ralign;
	}
	if (a < KAS_SLAB_MINALIGN)
		a = KAS_SLAB_MINALIGN;
	a = (a + sizeof(void *) - 1) & ~(uint64_t)(sizeof(void *) - 1);
	/* objects sit at multiples of a from a page boundary: only the
	 * power-of-two part of a is guaranteed */
	return kas_low_bit(a);
}

struct kas_cache *kas_call_cache(struct kas_spec *s, const struct kas_call *c)
{
	if (c->in_cache == KAS_NO_OBJ)
		return NULL;
	return kas_model_cache(s->model, c->in_cache);
}

uintptr_t kas_call_ptr_arg(const struct kas_call *c)
{
	switch (c->op->code) {
	case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY: case KAS_OP_KFREE: case KAS_OP_KVFREE:
	case KAS_OP_KFREE_SENSITIVE: case KAS_OP_KSIZE: case KAS_OP_VREALLOC: case KAS_OP_VFREE:
	case KAS_OP_KVREALLOC: case KAS_OP_FREE_PAGES: case KAS_OP___FREE_PAGES:
	case KAS_OP_KFREE_RCU: case KAS_OP_KVFREE_RCU: case KAS_OP_FREE_PAGES_EXACT:
	case KAS_OP_KVFREE_RCU_ARG_2:
		return (uintptr_t)c->arg[0];
	case KAS_OP_KMEM_CACHE_FREE:
		return (uintptr_t)c->arg[1];
	default:
		return 0;
	}
}

enum kas_verdict kas_judge_range(struct kas_check *cx, const struct kas_call *c,
				 const struct kas_range_obs *r, const char *what)
{
	if (!r->checked)
		return KAS_V_NA;
	if (r->first_bad != KAS_NOT_FOUND)
		return kas_fail(cx, "%s: %s broken at offset %zu (checked [%zu, %zu))",
				kas_opname(c), what, r->first_bad, r->from, r->to);
	return KAS_V_PASS;
}

const char *kas_opname(const struct kas_call *c)
{
	return c->op->code < KAS_OP__COUNT ? kas_op_table[c->op->code].name : "?";
}

int kas_in_is_vmalloc(const struct kas_call *c)
{
	if (c->in_obj == KAS_NO_OBJ)
		return 0;
	switch (c->in.family) {
	case KAS_FAM_VMALLOC:
		return 1;
	case KAS_FAM_KVMALLOC:
		return c->in.in_vmalloc <= 1 ? c->in.in_vmalloc : 2;
	default:
		return 0;
	}
}

/* ---- address set ---- */

static size_t slot_of(uint32_t cache, uintptr_t addr, size_t cap)
{
	uint64_t z = (uint64_t)addr ^ ((uint64_t)cache * 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9ull;
	z ^= z >> 29;
	return (size_t)(z & (cap - 1));
}

bool kas_addrset_contains(const struct kas_addrset *s, uint32_t cache, uintptr_t addr)
{
	if (!s->cap)
		return false;
	for (size_t i = slot_of(cache, addr, s->cap);; i = (i + 1) & (s->cap - 1)) {
		if (!s->keys[i])
			return false;
		if (s->keys[i] == (uint64_t)cache + 1 && s->addrs[i] == addr)
			return true;
	}
}

static void insert_raw(struct kas_addrset *s, uint64_t key, uintptr_t addr)
{
	size_t i = slot_of((uint32_t)(key - 1), addr, s->cap);
	while (s->keys[i])
		i = (i + 1) & (s->cap - 1);
	s->keys[i] = key;
	s->addrs[i] = addr;
	s->n++;
}

void kas_addrset_add(struct kas_addrset *s, uint32_t cache, uintptr_t addr)
{
	if (kas_addrset_contains(s, cache, addr))
		return;
	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct kas_addrset n = { calloc(ncap, sizeof(uint64_t)),
					 calloc(ncap, sizeof(uintptr_t)), ncap, 0 };
		if (!n.keys || !n.addrs) {
			fprintf(stderr, "kallocspec: out of memory in the spec\n");
			abort();
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->keys[i])
				insert_raw(&n, s->keys[i], s->addrs[i]);
		kas_addrset_free(s);
		*s = n;
	}
	insert_raw(s, (uint64_t)cache + 1, addr);
}

void kas_addrset_clear(struct kas_addrset *s)
{
	if (s->cap) {
		memset(s->keys, 0, s->cap * sizeof(*s->keys));
		memset(s->addrs, 0, s->cap * sizeof(*s->addrs));
	}
	s->n = 0;
}

void kas_addrset_free(struct kas_addrset *s)
{
	free(s->keys);
	free(s->addrs);
	memset(s, 0, sizeof(*s));
}
