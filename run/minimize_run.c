/* SPDX-License-Identifier: MIT */
/*
 * Running minimiser candidates: a fresh spec per run, optionally in a child
 * process, repeated with the process heap laid out differently so that a
 * counterexample does not hinge on one malloc state.
 */
#include "minimize_internal.h"

#include <stdlib.h>
#include <string.h>


/* 1 = t is interesting (fails the rule; crashes in crash mode), first
 * failing op in *fail_op; 0 = it is not; -1 = error. */
static int run_once(struct minimizer *m, const struct kas_trace *t, size_t *fail_op)
{
	struct kas_spec *spec = kas_spec_new(m->profile, m->caps);
	struct kas_trace_result res;
	const struct kas_tally *tally;
	int rc;

	*fail_op = KAS_NOT_FOUND;
	if (!spec)
		return -1;
	memset(&res, 0, sizeof(res));
	m->runs++;
	rc = m->isolate ? kas_run_trace_isolated(m->port, spec, t, &m->hopts, &res)
			: kas_run_trace(m->port, spec, t, &m->hopts, &res);
	if (rc != 0) {
		kas_spec_free(spec);
		return -1;
	}
	if (m->crash_mode) {
		rc = res.status == KAS_RUN_CRASH;
		*fail_op = rc ? res.fault_op : KAS_NOT_FOUND;
	} else {
		/* failing before a crash counts: cutting after the failing op
		 * then drops the crash */
		tally = kas_spec_tally(spec, m->rule);
		rc = tally && tally->failed > 0;
		if (rc && tally->has_counterexample)
			*fail_op = tally->fail_op;
	}
	kas_spec_free(spec);
	return rc;
}

/*
 * Heap perturbation for ports backed by the process's malloc, whose results
 * (alignment above all) depend on which chunk malloc hands out.  Before
 * attempt k, hold k blocks of every small size the trace asks for and k
 * blocks of every size class up to 1 KiB, so that the port's allocations
 * land on other chunks than in attempt 0.  Ports with their own memory
 * never notice.
 */
#define PAD_CLASSES 64
#define PAD_STEP 16
#define PAD_MAX_SIZE 4096       /* larger requests do not come from bins */
#define PAD_MAX_SIZES 64        /* distinct trace sizes used */

struct heap_pad {
	void **blocks;
	size_t n, cap;
};

static void pad_hold(struct heap_pad *p, size_t size)
{
	void *b;

	if (p->n == p->cap)
		return;
	b = malloc(size);
	if (b)
		p->blocks[p->n++] = b;
}

static void pad_heap(struct heap_pad *p, const struct kas_trace *t, unsigned k)
{
	size_t sizes[PAD_MAX_SIZES], nsizes = 0;

	memset(p, 0, sizeof(*p));
	if (!k)
		return;
	for (size_t i = 0; i < t->nops && nsizes < PAD_MAX_SIZES; i++) {
		const struct kas_op *op = &t->ops[i];

		for (unsigned a = 0; a < op->nargs && a < KAS_MAX_ARGS && op->code < KAS_OP__COUNT; a++)
			if (kas_op_table[op->code].args[a] == AK_SIZE && op->ref[a] == KAS_REF_VALUE &&
			    op->v[a] > 0 && op->v[a] <= PAD_MAX_SIZE && nsizes < PAD_MAX_SIZES)
				sizes[nsizes++] = (size_t)op->v[a];
	}
	p->cap = (size_t)k * (nsizes + PAD_CLASSES);
	p->blocks = malloc(p->cap * sizeof(void *));
	if (!p->blocks)
		return;
	for (unsigned r = 0; r < k; r++) {
		for (size_t i = 0; i < nsizes; i++)
			pad_hold(p, sizes[i]);
		for (size_t c = 1; c <= PAD_CLASSES; c++)
			pad_hold(p, c * PAD_STEP - 8);
	}
}

static void unpad_heap(struct heap_pad *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->blocks[i]);
	free(p->blocks);
	memset(p, 0, sizeof(*p));
}

int kas__min_still_fails(struct minimizer *m, const struct kas_trace *t, size_t *fail_op,
		       bool require_all)
{
	/* one failing attempt, or as many as the starting trace managed */
	const unsigned need = require_all ? m->need : 1;
	size_t first_fop = KAS_NOT_FOUND;
	unsigned fails = 0;

	for (unsigned a = 0; a < m->attempts && fails < need; a++) {
		struct heap_pad pad;
		size_t fop;
		int rc;

		/* too few attempts left to reach need */
		if (fails + (m->attempts - a) < need)
			break;
		pad_heap(&pad, t, a);
		rc = run_once(m, t, &fop);
		unpad_heap(&pad);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			fails++;
			if (first_fop == KAS_NOT_FOUND)
				first_fop = fop;
		}
	}
	/* the earliest failing op seen: with require_all, every attempt failed
	 * by then or later, and cutting is verified again anyway */
	*fail_op = first_fop;
	if (fails < need)
		return 0;
	/* a fresh process is asked only about failures that do not hinge on
	 * the heap here: it would answer the others at random */
	if (require_all && need == m->attempts && m->confirm &&
	    m->confirm(m->confirm_arg, t) == 0)
		return 0;
	return 1;
}

unsigned kas__min_count_fails(struct minimizer *m, const struct kas_trace *t)
{
	unsigned n = 0;

	for (unsigned a = 0; a < m->attempts; a++) {
		struct heap_pad pad;
		size_t fop;

		pad_heap(&pad, t, a);
		n += run_once(m, t, &fop) > 0;
		unpad_heap(&pad);
	}
	return n;
}

int kas_run_trace_padded(const struct kas_port *port, struct kas_spec *spec,
			 const struct kas_trace *t, const struct kas_harness_opts *opts,
			 struct kas_trace_result *res, unsigned k)
{
	struct heap_pad pad;

	pad_heap(&pad, t, k);
	int rc = kas_run_trace_isolated(port, spec, t, opts, res);
	unpad_heap(&pad);
	return rc;
}
