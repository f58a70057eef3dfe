/* SPDX-License-Identifier: MIT */
/*
 * Per-thread object magazines in front of the kmalloc caches (the kernel's
 * per-cpu slabs, simplified): kfree pushes onto the calling thread's
 * magazine for that size class and kmalloc pops from it, with no lock.  A
 * full magazine returns half of its objects to the slabs under one lock
 * hold.  Magazines are stamped with the machine generation, so objects left
 * over from a previous trace are forgotten after init; a thread's magazines
 * are flushed when the thread exits and by ref_shrink_slabs.  Objects in a
 * magazine are free as far as kfree/ksize are concerned (shadow 0) but
 * still count as in use for their slab.
 */
#include "ref_internal.h"

#define PCP_CLASSES 32
#define PCP_DEPTH 32

struct pcp {
	uint32_t gen;
	bool registered;
	uint16_t n[PCP_CLASSES];
	struct ref_cache *cache[PCP_CLASSES];
	void *obj[PCP_CLASSES][PCP_DEPTH];
};

static __thread struct pcp tl;
static struct pcp tl_shared; /* mutant PCP_SHARED: the "per-thread" magazines are shared, unlocked */

static inline struct pcp *my_pcp(void)
{
	return REF_MUTANT(PCP_SHARED) ? &tl_shared : &tl;
}
static pthread_key_t exit_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void flush(struct pcp *m)
{
	if (m->gen == ref_m.gen) {
		for (int i = 0; i < PCP_CLASSES; i++)
			if (m->n[i])
				ref_slab_put(m->cache[i], m->obj[i], m->n[i]);
	}
	for (int i = 0; i < PCP_CLASSES; i++)
		m->n[i] = 0;
}

static void on_thread_exit(void *arg)
{
	flush(arg);
}

static void make_key(void)
{
	pthread_key_create(&exit_key, on_thread_exit);
}

/* First use of the magazines in this machine generation: forget a previous
 * trace's objects (memory was reset) and make sure the thread's magazines
 * are flushed when it exits.  Every push and refill passes here before the
 * magazine can hold anything, so the fast paths need no other check. */
static __attribute__((noinline)) void renew(struct pcp *m)
{
	for (int i = 0; i < PCP_CLASSES; i++)
		m->n[i] = 0;
	m->gen = ref_m.gen;
	if (!m->registered) {
		pthread_once(&key_once, make_key);
		pthread_setspecific(exit_key, m);
		m->registered = true;
	}
}

#define PCP_BATCH (PCP_DEPTH / 2)

/* Refill half a magazine under one lock hold.  Into a local buffer:
 * making a slab may reclaim, and reclaim may kfree into this very
 * magazine. */
static __attribute__((noinline)) void *refill(struct ref_cache *c, ref_gfp_t gfp)
{
	void *got[PCP_BATCH];
	size_t n = ref_slab_get_batch(c, gfp, got, PCP_BATCH);
	if (n == 0)
		return NULL;
	for (size_t i = 1; i < n; i++)
		ref_pcp_push(c, got[i]);
	return got[0];
}

/* The hit is a generation compare, a count load and a pop: no lock, no
 * atomic, no call. */
void *ref_pcp_alloc(struct ref_cache *c, ref_gfp_t gfp)
{
	struct pcp *m = my_pcp();
	int idx = c->pcp_index;
	if (__builtin_expect(m->gen != ref_m.gen, 0))
		renew(m);
	uint16_t n = m->n[idx];
	if (__builtin_expect(n != 0, 1)) {
		m->n[idx] = (uint16_t)(n - 1);
		return m->obj[idx][n - 1];
	}
	return refill(c, gfp);
}

/* A full magazine gives its older half back to the slabs. */
static __attribute__((noinline)) void spill(struct pcp *m, struct ref_cache *c, int idx)
{
	ref_slab_put(c, m->obj[idx], PCP_DEPTH / 2);
	for (int i = 0; i < PCP_DEPTH / 2; i++)
		m->obj[idx][i] = m->obj[idx][i + PCP_DEPTH / 2];
	m->n[idx] = PCP_DEPTH / 2;
}

bool ref_pcp_push(struct ref_cache *c, void *obj)
{
	struct pcp *m = my_pcp();
	int idx = c->pcp_index;
	if ((unsigned)idx >= PCP_CLASSES)
		return false;
	if (__builtin_expect(m->gen != ref_m.gen, 0))
		renew(m);
	if (__builtin_expect(m->n[idx] == PCP_DEPTH, 0))
		spill(m, c, idx);
	m->cache[idx] = c;
	m->obj[idx][m->n[idx]++] = obj;
	return true;
}

void ref_pcp_flush_this_thread(void)
{
	flush(my_pcp());
}
