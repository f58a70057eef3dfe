/* SPDX-License-Identifier: MIT */
/*
 * A report as data, and merging the gate's lanes into one verdict per rule.
 * A lane's verdict on a rule is one of the status words or "no verdict";
 * the merged status lets a failure anywhere win, and never lets UNTESTED or
 * UNSUPPORTED pass for PASS.
 */
#include <kallocspec/report.h>

#include <stdlib.h>
#include <string.h>

static const char *const lane_state_names[] = { "passed", "failed", "skipped", "error" };

const char *kas_lane_state_name(enum kas_lane_state s)
{
	return (unsigned)s < 4 ? lane_state_names[s] : "?";
}

int kas_lane_state_parse(const char *name)
{
	for (int i = 0; name && i < 4; i++)
		if (strcmp(name, lane_state_names[i]) == 0)
			return i;
	return -1;
}

int kas_status_parse(const char *name)
{
	for (int i = 0; name && i < KAS_STATUS__COUNT; i++)
		if (strcmp(name, kas_status_name((enum kas_status)i)) == 0)
			return i;
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void set_str(char **dst, const char *s)
{
	char *copy = dup_or_null(s);

	free(*dst);
	*dst = copy;
}

void kas_rep_init(struct kas_rep *r)
{
	memset(r, 0, sizeof(*r));
	r->wall_seconds = -1;
}

static void free_rule(struct kas_rep_rule *x)
{
	free(x->id);
	free(x->title);
	free(x->category);
	free(x->source);
	free(x->section);
	free(x->quote);
	free(x->versions);
	free(x->message);
	free(x->counterexample);
	free(x->counterexample_lane);
}

static void free_fault(struct kas_rep_fault *f)
{
	free(f->status);
	free(f->lane);
	free(f->signal);
	free(f->trace);
	free(f->message);
	free(f->counterexample);
}

void kas_rep_free(struct kas_rep *r)
{
	for (size_t i = 0; i < r->nrules; i++)
		free_rule(&r->rules[i]);
	for (size_t i = 0; i < r->nfaults; i++)
		free_fault(&r->faults[i]);
	for (size_t i = 0; i < r->nlanes; i++) {
		free(r->lanes[i].name);
		free(r->lanes[i].reason);
	}
	free(r->rules);
	free(r->faults);
	free(r->port);
	free(r->profile);
	free(r->generated);
	free(r->tool);
	free(r->fuzz_plot_svg);
	kas_rep_init(r);
}

int kas_rep_add_lane(struct kas_rep *r, const char *name, enum kas_lane_state state,
		     double seconds, const char *reason)
{
	size_t i;

	for (i = 0; i < r->nlanes; i++)
		if (strcmp(r->lanes[i].name, name) == 0)
			break;
	if (i == r->nlanes) {
		if (r->nlanes == KAS_REP_MAX_LANES)
			return -1;
		if (!(r->lanes[i].name = strdup(name)))
			return -1;
		r->lanes[i].reason = NULL;
		r->nlanes++;
		/* Rules already present have no verdict from the new lane. */
		for (size_t k = 0; k < r->nrules; k++)
			r->rules[k].lane_status[i] = KAS_REP_NO_VERDICT;
	}
	r->merged = true;
	r->lanes[i].state = state;
	r->lanes[i].seconds = seconds;
	set_str(&r->lanes[i].reason, reason);
	return (int)i;
}

static struct kas_rep_rule *find_rule(struct kas_rep *r, const char *id)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i].id, id) == 0)
			return &r->rules[i];
	return NULL;
}

struct kas_rep_rule *kas_rep_rule(struct kas_rep *r, const char *id)
{
	struct kas_rep_rule *x = find_rule(r, id), *nr;

	if (x)
		return x;
	nr = realloc(r->rules, (r->nrules + 1) * sizeof(*nr));
	if (!nr)
		return NULL;
	r->rules = nr;
	x = &r->rules[r->nrules];
	memset(x, 0, sizeof(*x));
	if (!(x->id = strdup(id)))
		return NULL;
	x->status = KAS_UNTESTED;
	for (int l = 0; l < KAS_REP_MAX_LANES; l++)
		x->lane_status[l] = KAS_REP_NO_VERDICT;
	r->nrules++;
	return x;
}

static bool is_failure(int st)
{
	return st == KAS_FAIL || st == KAS_CRASH || st == KAS_HANG;
}

/* Fills the descriptive fields the rule lacks from another copy of it. */
static void fill_missing(struct kas_rep_rule *x, const struct kas_rep_rule *from)
{
	if (!x->title) x->title = dup_or_null(from->title);
	if (!x->category) x->category = dup_or_null(from->category);
	if (!x->source) x->source = dup_or_null(from->source);
	if (!x->section) x->section = dup_or_null(from->section);
	if (!x->quote) x->quote = dup_or_null(from->quote);
	if (!x->versions) x->versions = dup_or_null(from->versions);
}

static void take_failure(struct kas_rep_rule *x, const char *lane, const char *message,
			 const char *cex)
{
	if (x->counterexample || (!cex && x->message))
		return;   /* the first failing lane's trace is the one shown */
	if (message && !x->message)
		x->message = strdup(message);
	if (cex) {
		set_str(&x->counterexample, cex);
		set_str(&x->counterexample_lane, lane);
		if (message)
			set_str(&x->message, message);
	}
}

int kas_rep_add_verdict(struct kas_rep *r, int lane, const char *rule_id, enum kas_status st,
			const char *message, const char *counterexample)
{
	struct kas_rep_rule *x;

	if (lane < 0 || (size_t)lane >= r->nlanes || !(x = kas_rep_rule(r, rule_id)))
		return -1;
	/* Several findings for one rule in one lane: keep the worst verdict. */
	if (x->lane_status[lane] == KAS_REP_NO_VERDICT || is_failure(st) ||
	    (st == KAS_PASS && !is_failure(x->lane_status[lane])))
		x->lane_status[lane] = st;
	if (is_failure(st)) {
		x->failed++;
		x->exercised++;
		take_failure(x, r->lanes[lane].name, message, counterexample);
	}
	kas_rep_recompute(r);
	return 0;
}

int kas_rep_add_fault(struct kas_rep *r, const char *status, const char *lane,
		      const char *trace, const char *message, const char *counterexample)
{
	struct kas_rep_fault *nf = realloc(r->faults, (r->nfaults + 1) * sizeof(*nf)), *f;

	if (!nf)
		return -1;
	r->faults = nf;
	f = &r->faults[r->nfaults++];
	memset(f, 0, sizeof(*f));
	f->status = dup_or_null(status ? status : "ERROR");
	f->lane = dup_or_null(lane);
	f->trace = dup_or_null(trace);
	f->message = dup_or_null(message);
	f->counterexample = dup_or_null(counterexample);
	f->op = -1;
	return 0;
}

int kas_rep_merge(struct kas_rep *into, int lane, const struct kas_rep *from)
{
	if (lane < 0 || (size_t)lane >= into->nlanes)
		return -1;
	if (!into->port) into->port = dup_or_null(from->port);
	if (!into->profile) into->profile = dup_or_null(from->profile);
	if (!into->seed) into->seed = from->seed;
	into->ops += from->ops;
	into->traces += from->traces;
	for (size_t i = 0; i < from->nrules; i++) {
		const struct kas_rep_rule *src = &from->rules[i];
		struct kas_rep_rule *x = kas_rep_rule(into, src->id);

		if (!x)
			return -1;
		fill_missing(x, src);
		x->lane_status[lane] = src->status;
		x->exercised += src->exercised;
		x->failed += src->failed;
		if (is_failure(src->status))
			take_failure(x, into->lanes[lane].name, src->message, src->counterexample);
	}
	for (size_t i = 0; i < from->nfaults; i++) {
		const struct kas_rep_fault *f = &from->faults[i];

		if (kas_rep_add_fault(into, f->status, into->lanes[lane].name, f->trace, f->message,
				      f->counterexample) != 0)
			return -1;
		into->faults[into->nfaults - 1].op = f->op;
		into->faults[into->nfaults - 1].signal = dup_or_null(f->signal);
	}
	into->unlisted_crashes += from->unlisted_crashes;
	for (size_t i = 0; i < KAS_CALLER_RULES_MAX; i++)
		into->caller_refused[i] += from->caller_refused[i];
	into->unlisted_hangs += from->unlisted_hangs;
	if (from->fuzz_plot_svg && !into->fuzz_plot_svg)
		into->fuzz_plot_svg = strdup(from->fuzz_plot_svg);
	kas_rep_recompute(into);
	return 0;
}

/* Lower rank wins. */
static int rank(int st)
{
	switch (st) {
	case KAS_FAIL: return 0;
	case KAS_CRASH: return 1;
	case KAS_HANG: return 2;
	case KAS_PASS: return 3;
	case KAS_UNSUPPORTED: return 4;
	case KAS_UNTESTED: return 5;
	default: return 6;
	}
}

void kas_rep_recompute(struct kas_rep *r)
{
	if (!r->merged)
		return;   /* a single run's report keeps the statuses it was given */
	for (size_t i = 0; i < r->nrules; i++) {
		struct kas_rep_rule *x = &r->rules[i];
		int best = KAS_UNTESTED;

		for (size_t l = 0; l < r->nlanes; l++)
			if (x->lane_status[l] != KAS_REP_NO_VERDICT && rank(x->lane_status[l]) < rank(best))
				best = x->lane_status[l];
		x->status = (enum kas_status)best;
	}
}

void kas_rep_totals(const struct kas_rep *r, uint64_t totals[KAS_STATUS__COUNT], uint64_t *errors)
{
	uint64_t err = 0;

	memset(totals, 0, sizeof(uint64_t) * KAS_STATUS__COUNT);
	for (size_t i = 0; i < r->nrules; i++)
		if ((unsigned)r->rules[i].status < KAS_STATUS__COUNT)
			totals[r->rules[i].status]++;
	for (size_t i = 0; i < r->nfaults; i++) {
		const char *s = r->faults[i].status;

		if (s && strcmp(s, "CRASH") == 0)
			totals[KAS_CRASH]++;
		else if (s && strcmp(s, "HANG") == 0)
			totals[KAS_HANG]++;
		else
			err++;
	}
	totals[KAS_CRASH] += r->unlisted_crashes;
	totals[KAS_HANG] += r->unlisted_hangs;
	if (errors)
		*errors = err;
}

void kas_rep_counts(const struct kas_rep *r, uint64_t *passed, uint64_t *failed)
{
	uint64_t p = 0, f = 0;

	for (size_t i = 0; i < r->nrules; i++) {
		if (r->rules[i].status == KAS_PASS)
			p++;
		else if (is_failure(r->rules[i].status))
			f++;
	}
	*passed = p;
	*failed = f + r->nfaults + r->unlisted_crashes + r->unlisted_hangs;
}

void kas_rep_fill_from_catalog(struct kas_rep *r)
{
	for (size_t i = 0; i < r->nrules; i++) {
		struct kas_rep_rule *x = &r->rules[i];
		int idx = kas_rule_index(x->id);
		const struct kas_rule *k;
		char v[64];

		if (idx < 0)
			continue;
		k = kas_rule_at((size_t)idx);
		if (!x->title) x->title = dup_or_null(k->title);
		if (!x->category)
			x->category = dup_or_null(kas_category_name((enum kas_rule_category)k->category));
		if (!x->source) x->source = dup_or_null(k->doc);
		if (!x->section) x->section = dup_or_null(k->section);
		if (!x->quote) x->quote = dup_or_null(k->quote);
		if (!x->versions) {
			kas_rule_versions(k->since, k->until, v, sizeof(v));
			x->versions = dup_or_null(v);
		}
	}
}
