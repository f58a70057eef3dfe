/* SPDX-License-Identifier: MIT */
/*
 * Counterexample minimisation by delta debugging over trace ops.
 *
 * A candidate is "interesting" when a fresh spec run on it records at least
 * one FAIL of the rule being minimised.  Removing an op that binds a slot
 * removes every later op that uses the slot (kas_trace_select), so every
 * candidate is a well-formed trace.  Each accepted candidate is also cut
 * right after its first failing op.  The search order is fixed, so a
 * deterministic port always yields the same result.
 */
#define _POSIX_C_SOURCE 200809L
#include "minimize_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NO_SLOT UINT32_MAX

/* Effective keep mask: drop ops that use a slot whose binding op is gone. */
static void close_keep(const struct kas_trace *src, const bool *keep, bool *eff, bool *slot_live)
{
	for (size_t i = 0; i < src->nops; i++) {
		const struct kas_op *op = &src->ops[i];
		bool ok = keep[i];

		eff[i] = false;
		for (unsigned k = 0; ok && k < op->nargs && k < KAS_MAX_ARGS; k++)
			if (op->ref[k] == KAS_REF_HANDLE &&
			    (op->v[k] >= src->nslots || !slot_live[op->v[k]]))
				ok = false;
		for (uint32_t k = 0; ok && k < op->list_len; k++) {
			const struct kas_list_ref *l = &src->list[op->list_off + k];

			if (l->ref == KAS_REF_HANDLE && (l->slot >= src->nslots || !slot_live[l->slot]))
				ok = false;
		}
		if (!ok)
			continue;
		eff[i] = true;
		if (op->slot >= 0 && (size_t)op->slot < src->nslots)
			slot_live[op->slot] = true;
	}
}

static void *alloc_array(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

long kas_trace_select(struct kas_trace *dst, const struct kas_trace *src, const bool *keep)
{
	bool *eff = alloc_array(src->nops, sizeof(bool));
	bool *slot_live = alloc_array(src->nslots, sizeof(bool));
	uint32_t *slot_map = alloc_array(src->nslots, sizeof(uint32_t));
	uint32_t *str_map = alloc_array(src->nstrings, sizeof(uint32_t));
	struct kas_op *ops = alloc_array(src->nops, sizeof(*ops));
	struct kas_slot *slots = alloc_array(src->nslots, sizeof(*slots));
	struct kas_list_ref *list = alloc_array(src->nlist, sizeof(*list));
	char **strings = alloc_array(src->nstrings, sizeof(char *));
	size_t nops = 0, nslots = 0, nlist = 0, nstrings = 0;
	long rc = -1;

	kas_trace_init(dst);
	if (!eff || !slot_live || !slot_map || !str_map || !ops || !slots || !list || !strings)
		goto out;
	/* Source, profile and metadata come from a header-only copy. */
	if (kas_trace_copy(dst, src, 0) != 0)
		goto out;
	close_keep(src, keep, eff, slot_live);
	for (size_t i = 0; i < src->nslots; i++)
		slot_map[i] = NO_SLOT;
	for (size_t i = 0; i < src->nstrings; i++)
		str_map[i] = NO_SLOT;

	for (size_t i = 0; i < src->nops; i++) {
		struct kas_op op;
		const struct kas_op_info *info;

		if (!eff[i])
			continue;
		op = src->ops[i];
		info = op.code < KAS_OP__COUNT ? &kas_op_table[op.code] : NULL;
		for (unsigned k = 0; k < op.nargs && k < KAS_MAX_ARGS; k++) {
			if (op.ref[k] == KAS_REF_HANDLE) {
				op.v[k] = slot_map[op.v[k]];
			} else if (op.ref[k] == KAS_REF_VALUE && info && info->args[k] == AK_NAME &&
				   op.v[k] < src->nstrings) {
				uint64_t s = op.v[k];

				if (str_map[s] == NO_SLOT) {
					strings[nstrings] = strdup(src->strings[s]);
					if (!strings[nstrings])
						goto out;
					str_map[s] = (uint32_t)nstrings++;
				}
				op.v[k] = str_map[s];
			}
		}
		if (op.list_len) {
			for (uint32_t k = 0; k < op.list_len; k++) {
				struct kas_list_ref l = src->list[op.list_off + k];

				if (l.ref == KAS_REF_HANDLE)
					l.slot = slot_map[l.slot];
				list[nlist + k] = l;
			}
			op.list_off = (uint32_t)nlist;
			nlist += op.list_len;
		} else {
			op.list_off = (uint32_t)nlist;
		}
		if (op.slot >= 0) {
			const struct kas_slot *old = &src->slots[op.slot];

			slots[nslots] = *old;
			slots[nslots].name = NULL;
			if (old->name && !(slots[nslots].name = strdup(old->name)))
				goto out;
			slots[nslots].def_op = (uint32_t)nops;
			slot_map[op.slot] = (uint32_t)nslots;
			op.slot = (int32_t)nslots++;
		}
		ops[nops++] = op;
	}

	/* Hand the arrays over, dropping whatever the header-only copy brought
	 * along.  kas_trace_free frees names and strings up to the capacities,
	 * so the spare entries of the new arrays are NULL (calloc). */
	for (size_t i = 0; i < dst->slots_cap; i++)
		free(dst->slots[i].name);
	for (size_t i = 0; i < dst->strings_cap; i++)
		free(dst->strings[i]);
	free(dst->ops);
	dst->ops = ops;
	dst->nops = nops;
	dst->ops_cap = src->nops ? src->nops : 1;
	ops = NULL;
	free(dst->slots);
	dst->slots = slots;
	dst->nslots = nslots;
	dst->slots_cap = src->nslots ? src->nslots : 1;
	slots = NULL;
	free(dst->list);
	dst->list = list;
	dst->nlist = nlist;
	dst->list_cap = src->nlist ? src->nlist : 1;
	list = NULL;
	free(dst->strings);
	dst->strings = strings;
	dst->nstrings = nstrings;
	dst->strings_cap = src->nstrings ? src->nstrings : 1;
	strings = NULL;
	rc = (long)nops;
out:
	if (rc < 0) {
		for (size_t i = 0; slots && i < nslots; i++)
			free(slots[i].name);
		for (size_t i = 0; strings && i < nstrings; i++)
			free(strings[i]);
		kas_trace_free(dst);
		kas_trace_init(dst);
	}
	free(eff);
	free(slot_live);
	free(slot_map);
	free(str_map);
	free(ops);
	free(slots);
	free(list);
	free(strings);
	return rc;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool budget_left(struct minimizer *m)
{
	if (m->runs >= m->max_runs)
		return false;
	if (m->deadline > 0 && now_s() > m->deadline) {
		m->out_of_time = true;
		return false;
	}
	return true;
}

/* Replace *cur by cand (taking ownership), cut after fail_op when the cut
 * still fails. */
/* Remember cur before it is replaced (the last MIN_HISTORY states). */
static void remember(struct minimizer *m, const struct kas_trace *cur)
{
	struct kas_trace *slot = &m->hist[m->nhist % MIN_HISTORY];

	if (m->nhist >= MIN_HISTORY)
		kas_trace_free(slot);
	kas_trace_init(slot);
	if (kas_trace_copy(slot, cur, SIZE_MAX) != 0) {
		kas_trace_free(slot);
		kas_trace_init(slot);
	}
	m->nhist++;
}

static int accept(struct minimizer *m, struct kas_trace *cur, struct kas_trace *cand,
		  size_t fail_op)
{
	if (cur->nops)
		remember(m, cur);
	kas_trace_free(cur);
	*cur = *cand;
	kas_trace_init(cand);
	if (fail_op != KAS_NOT_FOUND && fail_op + 1 < cur->nops && budget_left(m)) {
		struct kas_trace prefix;
		size_t fop;
		int rc;

		kas_trace_init(&prefix);
		if (kas_trace_copy(&prefix, cur, fail_op + 1) != 0)
			return -1;
		rc = kas__min_still_fails(m, &prefix, &fop, true);
		if (rc < 0) {
			kas_trace_free(&prefix);
			return -1;
		}
		if (rc > 0) {
			kas_trace_free(cur);
			*cur = prefix;
		} else {
			kas_trace_free(&prefix);
		}
	}
	return 0;
}

/* Try cur without ops [from, to); 1 = accepted, 0 = not, -1 = error. */
static int try_without(struct minimizer *m, struct kas_trace *cur, size_t from, size_t to)
{
	bool *keep = alloc_array(cur->nops, sizeof(bool));
	struct kas_trace cand;
	size_t fop;
	long kept;
	int rc;

	if (!keep)
		return -1;
	for (size_t i = 0; i < cur->nops; i++)
		keep[i] = i < from || i >= to;
	kept = kas_trace_select(&cand, cur, keep);
	free(keep);
	if (kept < 0)
		return -1;
	if ((size_t)kept >= cur->nops) {
		kas_trace_free(&cand);
		return 0;
	}
	rc = kas__min_still_fails(m, &cand, &fop, true);
	if (rc > 0)
		rc = accept(m, cur, &cand, fop) < 0 ? -1 : 1;
	kas_trace_free(&cand);
	return rc;
}

/* Delta debugging over complements: remove chunks, halving their size
 * whenever no chunk can go. */
static int ddmin(struct minimizer *m, struct kas_trace *cur)
{
	size_t n = 2;

	while (cur->nops >= 2 && budget_left(m)) {
		size_t chunk = (cur->nops + n - 1) / n;
		bool progress = false;

		for (size_t start = 0; start < cur->nops && budget_left(m); start += chunk) {
			int rc = try_without(m, cur, start, start + chunk);

			if (rc < 0)
				return -1;
			if (rc > 0) {
				progress = true;
				n = n > 2 ? n - 1 : 2;
				break;
			}
		}
		if (!progress) {
			if (n >= cur->nops)
				break;
			n = n * 2 < cur->nops ? n * 2 : cur->nops;
		}
	}
	return 0;
}

/* Single-op removals until none helps (1-minimality). */
static int one_minimal(struct minimizer *m, struct kas_trace *cur)
{
	bool changed = true;

	while (changed && budget_left(m)) {
		changed = false;
		for (size_t i = cur->nops; i-- > 0 && budget_left(m);) {
			int rc;

			if (i >= cur->nops)
				continue;
			rc = try_without(m, cur, i, i + 1);
			if (rc < 0)
				return -1;
			if (rc > 0)
				changed = true;
		}
	}
	return 0;
}

/*
 * A result that no longer fails every time (the heap of a malloc-backed
 * port drifted since it was accepted) is traded for the newest earlier
 * state that still does.  Returns how many of m->attempts runs the result
 * failed.
 */
static unsigned settle(struct minimizer *m, struct kas_trace *out)
{
	unsigned fails = kas__min_count_fails(m, out);

	/* a result the confirming replay no longer reproduces counts as
	 * failing less than every attempt */
	if (fails == m->attempts && m->confirm && m->confirm(m->confirm_arg, out) == 0)
		fails--;
	for (size_t back = 1; fails < m->attempts && back <= MIN_HISTORY && back <= m->nhist;
	     back++) {
		struct kas_trace *older = &m->hist[(m->nhist - back) % MIN_HISTORY];
		unsigned f;

		if (!older->nops)
			continue;
		f = kas__min_count_fails(m, older);
		if (f == m->attempts && m->confirm && m->confirm(m->confirm_arg, older) == 0)
			f--;
		if (f > fails) {
			kas_trace_free(out);
			*out = *older;
			kas_trace_init(older);
			fails = f;
		}
	}
	return fails;
}

int kas_minimize(const struct kas_port *port, const struct kas_profile *profile,
		 const struct kas_trace *t, size_t rule, const struct kas_minimize_opts *opts,
		 struct kas_trace *out, struct kas_minimize_stats *stats)
{
	struct minimizer m;
	struct kas_trace cand;
	unsigned fails;
	size_t fop;
	int rc;

	memset(&m, 0, sizeof(m));
	m.port = port;
	m.profile = profile;
	/* Not kas_port_effective_caps(): that lives in the ports library,
	 * which the core library does not link. */
	m.caps = opts && opts->port_caps ? opts->port_caps : port->caps;
	m.rule = rule;
	m.crash_mode = rule == KAS_MINIMIZE_CRASH;
	m.isolate = m.crash_mode || (opts && opts->isolate);
	m.hopts.pool_bytes = opts ? opts->pool_bytes : 0;
	m.hopts.call_timeout_ms = opts ? opts->call_timeout_ms : 0;
	m.hopts.watchdog_in_process = opts && opts->watchdog && !m.isolate;
	if (opts) {
		m.hopts.mem_bytes = opts->mem_bytes;
		m.hopts.content_full = opts->content_full;
		m.hopts.content_seed = opts->content_seed;
		if (opts->time_limit_ms)
			m.deadline = now_s() + opts->time_limit_ms / 1000.0;
	}
	m.max_runs = opts && opts->max_runs ? opts->max_runs : 5000;
	m.attempts = opts && opts->attempts ? opts->attempts : KAS_MINIMIZE_ATTEMPTS;
	if (opts && !m.crash_mode) {
		m.confirm = opts->confirm;
		m.confirm_arg = opts->confirm_arg;
	}

	kas_trace_init(out);
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (stats)
		stats->ops_before = t->nops;
	kas_trace_init(&cand);
	if (kas_trace_copy(&cand, t, SIZE_MAX) != 0)
		return -1;
	rc = kas__min_still_fails(&m, &cand, &fop, false);
	if (rc <= 0) {
		if (rc == 0)
			*out = cand;
		else
			kas_trace_free(&cand);
		if (stats)
			stats->runs = m.runs, stats->ops_after = out->nops;
		return rc < 0 ? -1 : 1;
	}
	/* The start failed once; everything smaller must fail every time --
	 * or, where the start itself fails only in some heap layouts, in at
	 * least as many of them as the start. */
	m.need = kas__min_count_fails(&m, &cand);
	if (m.need == 0)
		m.need = 1;
	rc = accept(&m, out, &cand, fop);
	if (rc == 0)
		rc = ddmin(&m, out);
	if (rc == 0)
		rc = one_minimal(&m, out);
	if (rc < 0) {
		for (size_t i = 0; i < MIN_HISTORY && i < m.nhist; i++)
			kas_trace_free(&m.hist[i]);
		kas_trace_free(out);
		kas_trace_init(out);
		return -1;
	}
	fails = settle(&m, out);
	for (size_t i = 0; i < MIN_HISTORY && i < m.nhist; i++)
		kas_trace_free(&m.hist[i]);
	if (stats) {
		stats->final_runs = m.attempts;
		stats->final_fails = fails;
		stats->runs = m.runs;
		stats->ops_after = out->nops;
		stats->out_of_time = m.out_of_time;
	}
	return 0;
}
