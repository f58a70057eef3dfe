/* SPDX-License-Identifier: MIT */
/*
 * The world's state: ballast held by simulated tasks, kswapd's background
 * work, the OOM killer's victims, RCU callbacks, names.  See world.h.
 */
#include <stdlib.h>
#include <string.h>
#include "world_internal.h"

struct kas_world *kas__world_new(const struct kas_port *port, const struct kas_profile *prof,
				 size_t max_pages)
{
	struct kas_world *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->port = port;
	w->prof = prof;
	w->enabled = (port->caps & KAS_CAP_WORLD) != 0;
	w->max_pages = max_pages ? max_pages : KAS_WORLD_DEFAULT_MAX_PAGES;
	w->index.page = prof->page_size ? prof->page_size : 4096;
	if (port->alloc_pages && port->free_pages_page)
		w->how = BALLAST_PAGE;
	else if (port->get_free_pages && port->free_pages)
		w->how = BALLAST_GFP_PAGE;
	else if (port->kmalloc && port->kfree)
		w->how = BALLAST_KMALLOC;
	return w;
}

static void *ballast_alloc_one(struct kas_world *w)
{
	const struct kas_port *p = w->port;
	switch (w->how) {
	case BALLAST_PAGE:
		return p->alloc_pages(KAS_WORLD_BALLAST_GFP, 0);
	case BALLAST_GFP_PAGE:
		return (void *)p->get_free_pages(KAS_WORLD_BALLAST_GFP & ~__GFP_HIGHMEM, 0);
	case BALLAST_KMALLOC:
		return p->kmalloc(w->prof->page_size, KAS_WORLD_BALLAST_KMALLOC_GFP);
	}
	return NULL;
}

static void ballast_free_one(struct kas_world *w, void *page)
{
	const struct kas_port *p = w->port;
	switch (w->how) {
	case BALLAST_PAGE: p->free_pages_page(page, 0); break;
	case BALLAST_GFP_PAGE: p->free_pages((unsigned long)(uintptr_t)page, 0); break;
	case BALLAST_KMALLOC: p->kfree(page); break;
	}
}

size_t kas__ballast_add(struct kas_world *w, enum kas_ballast_kind kind, size_t n)
{
	struct ballast_set *b = &w->ballast[kind];
	size_t added = 0;
	bool was_busy = w->busy;
	w->busy = true;
	w->last_refused = false;
	while (added < n && w->ballast_total < w->max_pages && w->how) {
		if (!kas__grow_buf((void **)&b->pages, &b->cap, b->n + 1, sizeof(void *)))
			break;
		void *page = ballast_alloc_one(w);
		if (!page || (uintptr_t)page <= KAS_ZERO_SIZE_PTR) {
			w->last_refused = true;
			break;
		}
		b->pages[b->n++] = page;
		kas__index_add(&w->index, (uintptr_t)page);
		w->ballast_total++;
		added++;
	}
	w->busy = was_busy;
	return added;
}

size_t kas__ballast_free(struct kas_world *w, enum kas_ballast_kind kind, size_t n)
{
	struct ballast_set *b = &w->ballast[kind];
	size_t freed = 0;
	bool was_busy = w->busy;
	w->busy = true;
	/* most recent first: like reclaim taking the coldest LRU end, any order works */
	while (freed < n && b->n) {
		void *page = b->pages[--b->n];
		kas__index_del(&w->index, (uintptr_t)page);
		ballast_free_one(w, page);
		w->ballast_total--;
		freed++;
	}
	w->busy = was_busy;
	return freed;
}

unsigned kas__world_context(const struct kas_world *w)
{
	if (w->nmi_depth)
		return KAS_CTX_NMI;
	if (w->irq_depth)
		return KAS_CTX_IRQ;
	if (w->irqoff_depth)
		return KAS_CTX_IRQS_OFF;
	return w->preempt_depth ? KAS_CTX_ATOMIC : KAS_CTX_PROCESS;
}

uint32_t kas__world_run_rcu(struct kas_world *w)
{
	uint32_t ran = 0;
	/* callbacks may queue more (bounded so a port cannot loop us forever) */
	for (unsigned round = 0; w->nrcu && round < 64; round++) {
		size_t n = w->nrcu;
		struct rcu_cb *cbs = malloc(n * sizeof(*cbs));
		if (!cbs)
			break;
		memcpy(cbs, w->rcu, n * sizeof(*cbs));
		w->nrcu = 0;
		for (size_t i = 0; i < n; i++) {
			cbs[i].fn(cbs[i].arg);
			ran++;
		}
		free(cbs);
	}
	w->npending = 0;   /* every grace period in flight has ended */
	return ran;
}

void kas__world_note_rcu_free(struct kas_world *w, uintptr_t addr, size_t size)
{
	if (addr <= KAS_ZERO_SIZE_PTR)
		return;
	if (!kas__grow_buf((void **)&w->pending, &w->pending_cap, w->npending + 1,
			     sizeof(*w->pending)))
		return;
	w->pending[w->npending++] = (struct rcu_pending_obj){ addr, size ? size : 1 };
}

/* The port handed out ballast memory: note it and forget that block (it
 * now belongs to the new object; freeing it too would free twice). */
static void check_ballast(struct kas_world *w, struct kas_world_obs *o, uintptr_t a, size_t len)
{
	uintptr_t b = kas__index_overlap(&w->index, a, len ? len : 1);
	if (!b)
		return;
	o->ballast_overlap = 1;
	kas__index_del(&w->index, b);
	for (unsigned k = 0; k < KAS_BALLAST__COUNT; k++) {
		struct ballast_set *s = &w->ballast[k];
		for (size_t i = 0; i < s->n; i++)
			if ((uintptr_t)s->pages[i] == b) {
				s->pages[i] = s->pages[--s->n];
				w->ballast_total--;
				return;
			}
	}
}

static bool overlaps_pending(const struct kas_world *w, uintptr_t addr, size_t len)
{
	if (addr <= KAS_ZERO_SIZE_PTR || !len)
		return false;
	for (size_t i = 0; i < w->npending; i++) {
		const struct rcu_pending_obj *o = &w->pending[i];
		if (addr < o->addr + o->size && o->addr < addr + len)
			return true;
	}
	return false;
}

void kas__world_note_state(const struct kas_world *w, struct kas_call *c)
{
	struct kas_world_obs *o = &c->world;
	o->enabled = w->enabled;
	o->context = (uint8_t)kas__world_context(w);
	o->scopes = (uint8_t)w->scopes;
	o->preempt_depth = (uint8_t)(w->preempt_depth > 255 ? 255 : w->preempt_depth);
	o->irq_depth = (uint8_t)(w->irq_depth > 255 ? 255 : w->irq_depth);
}

void kas__world_begin_call(struct kas_world *w, struct kas_call *c)
{
	kas__world_note_state(w, c);
	w->cur = c;
	w->noprogress_run = 0;
	w->kswapd_pending = 0;
	w->kswapd_woken = false;
}

/* kswapd runs after the call: it may write back, so every reclaimable kind. */
static size_t run_kswapd(struct kas_world *w)
{
	static const enum kas_ballast_kind order[] = {
		KAS_BALLAST_CLEAN, KAS_BALLAST_FS_DIRTY, KAS_BALLAST_IO_DIRTY,
	};
	size_t want = w->kswapd_pending, freed = 0;
	for (unsigned i = 0; i < 3 && freed < want; i++)
		freed += kas__ballast_free(w, order[i], want - freed);
	return freed;
}

void kas__world_end_call(struct kas_world *w, struct kas_call *c)
{
	struct kas_world_obs *o = &c->world;
	if (w->index.n && c->status == KAS_CALL_DONE) {
		const struct kas_op_info *oi = &kas_op_table[c->op->code];
		if (oi->result == R_PTR)
			check_ballast(w, o, c->ret, c->req_size);
		if (oi->result == R_BULK && c->bulk)
			for (size_t i = 0; i < c->ret && i < c->bulk_cap; i++)
				check_ballast(w, o, (uintptr_t)c->bulk[i], c->req_size);
	}
	/* an early kfree_rcu free shows as its memory coming back too soon */
	if (w->npending && c->status == KAS_CALL_DONE) {
		const struct kas_op_info *oi = &kas_op_table[c->op->code];
		if (oi->result == R_PTR && overlaps_pending(w, c->ret, c->req_size ? c->req_size : 1))
			o->rcu_early_reuse = 1;
		if (oi->result == R_BULK && c->bulk)
			for (size_t i = 0; i < c->ret && i < c->bulk_cap; i++)
				if (overlaps_pending(w, (uintptr_t)c->bulk[i], c->req_size ? c->req_size : 1))
					o->rcu_early_reuse = 1;
	}
	/* 6.12+: kmem_cache_destroy begins with kvfree_rcu_barrier(), so every
	 * kfree_rcu in flight has completed when it returns and that memory may
	 * be handed out again */
	if (c->op->code == KAS_OP_KMEM_CACHE_DESTROY && c->status == KAS_CALL_DONE &&
	    w->prof && w->prof->kver >= KAS_KVER(6, 12))
		w->npending = 0;
	w->cur = NULL;
	for (unsigned k = 0; k < KAS_BALLAST__COUNT; k++)
		o->ballast[k] = w->ballast[k].n;
	if (w->kswapd_woken)
		o->kswapd_reclaimed = run_kswapd(w);
	w->kswapd_woken = false;
	o->memcg_usage = w->memcg_usage;
	o->memcg_limit = w->memcg_limit;
	o->oom_victims_left = w->victims;
}

uint32_t kas__world_end_trace(struct kas_world *w)
{
	w->preempt_depth = w->irq_depth = w->irqoff_depth = w->nmi_depth = 0;
	w->scopes = 0;
	return kas__world_run_rcu(w);
}

void kas__world_release(struct kas_world *w)
{
	for (unsigned k = 0; k < KAS_BALLAST__COUNT; k++)
		kas__ballast_free(w, (enum kas_ballast_kind)k, SIZE_MAX);
}

void kas__world_free(struct kas_world *w)
{
	if (!w)
		return;
	for (unsigned k = 0; k < KAS_BALLAST__COUNT; k++)
		free(w->ballast[k].pages);
	free(w->rcu);
	free(w->pending);
	kas__index_free(&w->index);
	free(w);
}
