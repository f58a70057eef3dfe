/* SPDX-License-Identifier: MIT */
/*
 * The two-argument kfree_rcu(ptr, rhf) / kvfree_rcu(ptr, rhf): the object
 * embeds a struct rcu_head, and that head is the whole record of the
 * deferred free.  Nothing is allocated, so the call cannot sleep, reclaim
 * or fall back to waiting for a grace period (the head-less form in
 * world.c allocates its record with GFP_KERNEL and may); it is safe in
 * atomic and irq context, as kvfree_call_rcu() is with a head.
 *
 * The head (16 bytes) links the object into a list of pending heads and
 * carries a tag: a sequence number and the head's offset in the object.
 * The world's grace period runs the callback with the sequence number, not
 * the head's address, because a 6.12+ kmem_cache_destroy frees the cache's
 * pending objects at once (kvfree_rcu_barrier) and the late callback must
 * then find nothing, without touching freed memory.
 */
#include "ref_internal.h"

#define OFF_BITS 12u                         /* offsets below 4096 */
#define OFF_MASK (((uintptr_t)1 << OFF_BITS) - 1)

struct rhead {                               /* the object's struct rcu_head */
	struct rhead *next;
	uintptr_t tag;                       /* seq << OFF_BITS | offset */
};
_Static_assert(sizeof(struct rhead) == 16, "struct rcu_head is two pointers");

static struct rhead *heads;
static uintptr_t seq;
static pthread_mutex_t heads_lock = PTHREAD_MUTEX_INITIALIZER;

void ref_rcu_head_reset(void)
{
	pthread_mutex_lock(&heads_lock);
	heads = NULL;
	pthread_mutex_unlock(&heads_lock);
}

static void *object_of(struct rhead *h)
{
	return (char *)h - (h->tag & OFF_MASK);
}

/* Unlink the pending head tagged with sequence number s; its object or NULL. */
static void *take(uintptr_t s)
{
	void *p = NULL;
	pthread_mutex_lock(&heads_lock);
	for (struct rhead **pp = &heads; *pp; pp = &(*pp)->next) {
		if (((*pp)->tag >> OFF_BITS) == s) {
			struct rhead *h = *pp;
			*pp = h->next;
			p = object_of(h);
			break;
		}
	}
	pthread_mutex_unlock(&heads_lock);
	return p;
}

static void head_cb(void *arg)
{
	void *p = take((uintptr_t)arg);
	if (p)
		ref_kvfree(p);
}

void ref_kvfree_rcu_head(void *p, size_t head_offset)
{
	if (!p)
		return;
	if (REF_MUTANT(RCU_HEAD_MIGHTSLEEP)) { /* mutant: the head is ignored, the head-less path runs */
		ref_kvfree_rcu(p);
		return;
	}
	if (!ref_m.world.call_rcu) {
		/* no grace-period machinery: nothing can be waited for */
		ref_kvfree(p);
		return;
	}
	struct rhead *h = (struct rhead *)((char *)p + head_offset);
	pthread_mutex_lock(&heads_lock);
	uintptr_t s = ++seq & (UINTPTR_MAX >> OFF_BITS);
	h->tag = s << OFF_BITS | (head_offset & OFF_MASK);
	h->next = heads;
	heads = h;
	pthread_mutex_unlock(&heads_lock);
	ref_m.world.call_rcu(ref_m.world.ctx, head_cb, (void *)s);
}

/* kvfree_rcu_barrier for one cache: free its objects whose head is pending. */
void ref_rcu_head_barrier_cache(const struct ref_cache *c)
{
	for (;;) {
		void *p = NULL;
		pthread_mutex_lock(&heads_lock);
		for (struct rhead **pp = &heads; *pp; pp = &(*pp)->next) {
			void *o = object_of(*pp);
			int32_t f = ref_slab_of(o);
			if (f != REF_NO_FRAME && ref_page(f)->cache == c) {
				*pp = (*pp)->next;
				p = o;
				break;
			}
		}
		pthread_mutex_unlock(&heads_lock);
		if (!p)
			return;
		ref_kvfree(p);
	}
}
