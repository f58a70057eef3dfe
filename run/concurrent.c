/* SPDX-License-Identifier: MIT */
/*
 * concurrent_kmalloc THREADS ROUNDS SIZE (ops_threads.def): other tasks
 * allocating at the same time as each other.  A port's per-cpu (here
 * per-thread) caches, lock-free fast paths and batch refills are invisible
 * to a trace that calls from one thread; this op is the one place where
 * the port is called from several threads at once.
 *
 * Each thread holds its last KAS_CONC_HOLD objects, each filled with a
 * pattern of its own, and publishes their addresses in a shared table.  A
 * new object that overlaps any published one, or a live object of the
 * trace, is an overlap; a held object whose pattern changed before its
 * kfree is a corruption.  Both are counted in c->obs.conc for the spec.
 *
 * Why the table cannot raise a false overlap: a thread clears its slot
 * before it calls kfree, and a correct allocator hands the memory to
 * another thread only after that kfree (through its own locks or atomics),
 * so the clear happens before the other thread reads the table.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include "kallocspec/content.h"
#include "harness_internal.h"
#include "world_internal.h"

#define KAS_CONC_MAX_THREADS 8u
#define KAS_CONC_MAX_ROUNDS 100000u
#define KAS_CONC_MAX_SIZE ((size_t)64 << 10)
#define KAS_CONC_HOLD 8u

struct conc_shared {
	const struct kas_port *port;
	const struct kas_model *model;   /* read only while the threads run */
	const struct kas_content_plan *content;
	size_t size;
	uint64_t rounds;
	unsigned threads;
	_Atomic int go;                  /* 0 wait, 1 run, 2 give up (a thread did not start) */
	_Atomic uintptr_t held[KAS_CONC_MAX_THREADS][KAS_CONC_HOLD];
};

struct conc_thread {
	struct conc_shared *sh;
	unsigned t;
	pthread_t tid;
	uint64_t ids[KAS_CONC_HOLD];
	struct kas_conc_obs seen;        /* this thread's counts (threads, ran unused) */
};

/* Pattern ids of the threads' objects: above any id a trace gives its
 * objects, distinct per thread and round. */
static uint64_t conc_id(unsigned t, uint64_t round)
{
	return ((uint64_t)(t + 1) << 48) | round;
}

static void note_overlap(struct conc_thread *me, uintptr_t p, uintptr_t with)
{
	if (me->seen.overlaps++ == 0) {
		me->seen.overlap_addr = p;
		me->seen.overlap_with = with;
	}
}

/* Does p overlap an object some thread holds, or a live object of the
 * trace? */
static void check_new(struct conc_thread *me, uintptr_t p)
{
	const struct conc_shared *sh = me->sh;
	const size_t n = sh->size;
	for (unsigned u = 0; u < sh->threads; u++)
		for (unsigned k = 0; k < KAS_CONC_HOLD; k++) {
			uintptr_t a = atomic_load(&me->sh->held[u][k]);
			if (a && a < p + n && p < a + n) {
				note_overlap(me, p, a);
				return;
			}
		}
	uint32_t live = kas_model_find_overlap(sh->model, p, n, KAS_NO_OBJ);
	if (live != KAS_NO_OBJ)
		note_overlap(me, p, kas_model_obj((struct kas_model *)sh->model, live)->addr);
}

/* Check the pattern of the object in slot k, unpublish it and free it. */
static void drop(struct conc_thread *me, unsigned k)
{
	struct conc_shared *sh = me->sh;
	uintptr_t p = atomic_load(&sh->held[me->t][k]);
	if (!p)
		return;
	size_t bad = kas_content_verify(sh->content, (void *)p, me->ids[k], sh->size, 0, sh->size);
	if (bad != KAS_NOT_FOUND && me->seen.corrupt++ == 0) {
		me->seen.corrupt_addr = p;
		me->seen.corrupt_off = bad;
	}
	atomic_store(&sh->held[me->t][k], 0);
	sh->port->kfree((void *)p);
}

static void *conc_thread_main(void *arg)
{
	struct conc_thread *me = arg;
	struct conc_shared *sh = me->sh;
	/* start together, so that the rounds of the threads overlap */
	int go;
	while ((go = atomic_load(&sh->go)) == 0)
		sched_yield();
	if (go != 1)
		return NULL;
	for (uint64_t i = 0; i < sh->rounds; i++) {
		unsigned k = (unsigned)(i % KAS_CONC_HOLD);
		drop(me, k);
		void *p = sh->port->kmalloc(sh->size, KAS_GFP_KERNEL);
		if (!p) {
			me->seen.nulls++;
			continue;
		}
		me->seen.handed++;
		check_new(me, (uintptr_t)p);
		me->ids[k] = conc_id(me->t, i);
		kas_content_fill(sh->content, p, me->ids[k], sh->size);
		atomic_store(&sh->held[me->t][k], (uintptr_t)p);
	}
	for (unsigned k = 0; k < KAS_CONC_HOLD; k++)
		drop(me, k);
	return NULL;
}

static void merge(struct kas_conc_obs *o, const struct kas_conc_obs *s)
{
	o->handed += s->handed;
	o->nulls += s->nulls;
	if (s->overlaps && !o->overlaps) {
		o->overlap_addr = s->overlap_addr;
		o->overlap_with = s->overlap_with;
	}
	o->overlaps += s->overlaps;
	if (s->corrupt && !o->corrupt) {
		o->corrupt_addr = s->corrupt_addr;
		o->corrupt_off = s->corrupt_off;
	}
	o->corrupt += s->corrupt;
}

void kas__run_concurrent(const struct kas_port *port, struct kas_world *w,
			 const struct kas_model *m, const struct kas_content_plan *content,
			 struct kas_call *c)
{
	const uint64_t threads = c->arg[0], rounds = c->arg[1], size = c->arg[2];
	if (threads < 1 || threads > KAS_CONC_MAX_THREADS || rounds < 1 ||
	    rounds > KAS_CONC_MAX_ROUNDS || size < 1 || size > KAS_CONC_MAX_SIZE) {
		c->status = KAS_CALL_SKIPPED;
		c->skip = KAS_SKIP_BAD_ARG;
		return;
	}
	struct conc_shared sh;
	memset(&sh, 0, sizeof(sh));
	sh.port = port;
	sh.model = m;
	sh.content = content;
	sh.size = (size_t)size;
	sh.rounds = rounds;
	sh.threads = (unsigned)threads;
	struct conc_thread th[KAS_CONC_MAX_THREADS];
	memset(th, 0, sizeof(th));
	struct kas_conc_obs *o = &c->obs.conc;
	o->threads = sh.threads;
	/* The threads are other tasks: the world applies no scope of this
	 * task to them, records none of their calls in this one, and lets
	 * none of them reclaim or kill (the world's state is not theirs to
	 * change while the trace's task waits). */
	bool was_busy = w->busy;
	w->busy = true;
	unsigned started = 0;
	for (; started < sh.threads; started++) {
		th[started].sh = &sh;
		th[started].t = started;
		if (pthread_create(&th[started].tid, NULL, conc_thread_main, &th[started]) != 0)
			break;
	}
	atomic_store(&sh.go, started == sh.threads ? 1 : 2);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(th[i].tid, NULL);
		merge(o, &th[i].seen);
	}
	w->busy = was_busy;
	o->ran = started == sh.threads;
	c->ret = (uintptr_t)o->handed;
}
