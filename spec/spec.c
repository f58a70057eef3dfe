/* SPDX-License-Identifier: MIT */
/*
 * The spec object: which rules are active for a profile and a port's
 * capabilities, running the checkers on a call record, and the per-rule
 * tallies with the first counterexample of each rule.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spec_internal.h"
#include "world_util.h"

struct kas_spec *kas_spec_new(const struct kas_profile *p, uint32_t port_caps)
{
	if (!p)
		return NULL;
	struct kas_spec *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->model = kas_model_new();
	if (!s->model) {
		free(s);
		return NULL;
	}
	s->profile = p;
	s->port_caps = port_caps;
	s->cx.spec = s;
	for (size_t r = 0; r < KAS_R__COUNT; r++) {
		const struct kas_rule *rule = kas_rule_at(r);
		/* function groups are per call (KAS_CAP_FUNCTION_GROUPS): a rule
		 * needs only the observations the port lacks to stay idle */
		s->active[r] = kas_rule_in_profile(rule, p) &&
			       (rule->caps & ~port_caps & ~(uint32_t)KAS_CAP_FUNCTION_GROUPS) == 0;
		kas_trace_init(&s->tally[r].counterexample);
	}
	/* The trackers follow the ops of the active rules that read them. */
	static const struct { size_t rule; bool world; } rcut_users[] = {
		{ KAS_R_CACHE_3, false }, { KAS_R_FREE_3, false }, { KAS_R_RCU_2, true },
		{ KAS_R_RCU_3, true }, { KAS_R_CACHE_4, true }, { KAS_R_CACHE_6, true },
	};
	for (size_t i = 0; i < sizeof(rcut_users) / sizeof(rcut_users[0]); i++)
		if (s->active[rcut_users[i].rule]) {
			if (rcut_users[i].world)
				s->rcut_world_ops |= kas_rule_opmask[rcut_users[i].rule];
			else
				s->rcut_ops |= kas_rule_opmask[rcut_users[i].rule];
		}
	if (s->active[KAS_R_RCU_1])
		s->rcu1_ops = kas_rule_opmask[KAS_R_RCU_1];
	for (size_t r = 0; r < KAS_R__COUNT; r++)
		s->needs[r] = *kas_rule_needs[r];
	s->dispatch_pool = malloc((size_t)KAS_DISPATCH_SLOTS * KAS_R__COUNT);
	if (!s->dispatch_pool) {
		kas_model_free(s->model);
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < KAS_DISPATCH_SLOTS; i++)
		s->dispatch[i] = (struct kas_dispatch){ 0, KAS_OP__COUNT, 0,
							s->dispatch_pool + i * KAS_R__COUNT };
	const char *vf = getenv("KAS_SPEC_VERIFY_FACTS");
	s->verify_facts = vf && *vf && strcmp(vf, "0") != 0;
	/* Per-opcode rule lists, so checking an op only visits rules that can
	 * have a verdict on it. */
	for (unsigned op = 0; op < KAS_OP__COUNT; op++)
		for (size_t r = 0; r < KAS_R__COUNT; r++)
			if (s->active[r] && (kas_rule_opmask[r] & ((kas_opmask_t)1 << op)))
				s->rules_for_op[op][s->nrules_for_op[op]++] = (uint8_t)r;
	return s;
}

void kas_spec_free(struct kas_spec *s)
{
	if (!s)
		return;
	kas_spec_clear_tallies(s);
	kas_addrset_free(&s->cache_seen);
	kas_model_free(s->model);
	free(s->dispatch_pool);
	free(s);
}

const struct kas_profile *kas_spec_profile(const struct kas_spec *s) { return s->profile; }
struct kas_model *kas_spec_model(struct kas_spec *s) { return s->model; }
const struct kas_profile *kas_check_profile(const struct kas_check *cx) { return cx->spec->profile; }
struct kas_model *kas_check_model(struct kas_check *cx) { return cx->spec->model; }

enum kas_verdict kas_fail(struct kas_check *cx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cx->msg, sizeof(cx->msg), fmt, ap);
	va_end(ap);
	return KAS_V_FAIL;
}

void kas_spec_begin(struct kas_spec *s, const struct kas_trace *t)
{
	s->trace = t;
	kas_model_reset(s->model, t ? t->nslots : 0);
	kas_addrset_clear(&s->cache_seen);
	memset(s->once, 0, sizeof(s->once));
	memset(s->site_once, 0, sizeof(s->site_once));
	s->rcu_in_flight = 0;
	kas_rcu_track_reset(s);
}

bool kas_spec_first_in_trace(struct kas_check *cx)
{
	bool *o = &cx->spec->once[cx->rule];
	bool first = !*o;
	*o = true;
	return first;
}

bool kas_spec_first_at_site(struct kas_check *cx, enum kas_once_site site)
{
	bool *o = &cx->spec->site_once[site];
	bool first = !*o;
	*o = true;
	return first;
}

void kas_spec_end(struct kas_spec *s)
{
	s->trace = NULL;
}

static void record_failure(struct kas_spec *s, size_t r, const struct kas_call *c)
{
	struct kas_tally *t = &s->tally[r];
	t->failed++;
	if (t->failed > 1)
		return;
	snprintf(t->message, sizeof(t->message), "%s", s->cx.msg[0] ? s->cx.msg : "rule violated");
	t->fail_op = c->index;
	const struct kas_trace *tr = c->trace ? c->trace : s->trace;
	/* teardown frees (index == nops) get the whole trace */
	if (tr) {
		kas_trace_free(&t->counterexample);
		kas_trace_init(&t->counterexample);
		t->has_counterexample =
			kas_trace_copy(&t->counterexample, tr, c->index + 1) == 0;
	}
}

extern const struct kas_rule kas__rule_table[KAS_R__COUNT];   /* catalog.c */

/* A call that warned at a shared WARN_ON_ONCE site spends its "once" even
 * when the rule judging that call is not checked (a port without the world
 * capability is not judged by RECLAIM-11, yet its alloc_pages warning still
 * silences a later large kmalloc).  kvmalloc's size warning has a site of
 * its own (mm/util.c). */
static void note_once_sites(struct kas_spec *s, const struct kas_call *c)
{
	if (!((c->obs.warn_kinds >> KAS_WARN_TOO_LARGE) & 1u))
		return;
	kas_opmask_t m = (kas_opmask_t)1 << c->op->code;
	if ((kas_rule_opmask[KAS_R_SIZE_5W] | kas_rule_opmask[KAS_R_RECLAIM_11]) & m)
		s->site_once[KAS_ONCE_PAGE_ORDER] = true;
}

/*
 * The state some rules keep across calls, brought up to date for every
 * call of the ops they follow before any rule runs, so that whether a rule
 * is called (its needs, kas_call_facts) never changes what the others see:
 * the RCU tracker and RCU-1's count of objects in flight (track_rcu.c).
 */
static void track(struct kas_spec *s, const struct kas_call *c)
{
	kas_opmask_t m = (kas_opmask_t)1 << c->op->code;
	bool world = kas_world(c) != NULL;

	if ((s->rcut_ops & m) || (world && (s->rcut_world_ops & m)))
		kas_rcu_track(s, c);
	s->rcu_in_flight_before = s->rcu_in_flight;
	if (world && (s->rcu1_ops & m))
		kas_rcu1_track(s, c);
}

/* A rule the dispatcher passed over answered something: its needs are
 * wrong, and every verdict of this run is in doubt. */
static void facts_wrong(struct kas_spec *s, size_t r, uint64_t facts, const struct kas_call *c,
			enum kas_verdict v)
{
	fprintf(stderr, "kallocspec: internal error: rule %s needs facts %#llx, call %zu (%s) has "
		"%#llx, yet its checker answered %s%s%s\n", kas__rule_table[r].id,
		(unsigned long long)s->needs[r], c->index, kas_opname(c),
		(unsigned long long)facts, v == KAS_V_FAIL ? "FAIL" : "PASS",
		s->cx.msg[0] ? ": " : "", s->cx.msg);
	abort();
}

/* The rules of op whose needs facts meet, in catalog order: a table
 * entry built on the first call with this (op, facts), open addressing.
 * NULL when the table is full (the caller filters then). */
static const struct kas_dispatch *rules_for(struct kas_spec *s, unsigned op, uint64_t facts)
{
	uint64_t h = (facts ^ ((uint64_t)op << 56)) * 0x9E3779B97F4A7C15ull;
	for (unsigned probe = 0; probe < 8; probe++) {
		struct kas_dispatch *d = &s->dispatch[((h >> 55) + probe) & (KAS_DISPATCH_SLOTS - 1)];
		if (d->op == op && d->facts == facts)
			return d;
		if (d->op != KAS_OP__COUNT)
			continue;
		d->op = (uint16_t)op;
		d->facts = facts;
		d->n = 0;
		for (unsigned i = 0; i < s->nrules_for_op[op]; i++) {
			uint8_t r = s->rules_for_op[op][i];
			if (!(s->needs[r] & ~facts))
				d->rules[d->n++] = r;
		}
		return d;
	}
	return NULL;
}

/* Judge c by rule r; the FAIL count (0 or 1).  Inlined: it runs for every
 * rule of every call. */
static inline __attribute__((always_inline)) unsigned judge(struct kas_spec *s, size_t r,
							   const struct kas_call *c, bool skip,
							   uint64_t facts)
{
	s->cx.rule = r;
	s->cx.msg[0] = '\0';
	enum kas_verdict v = kas__rule_table[r].check(&s->cx, c);
	if (v == KAS_V_NA)
		return 0;
	if (skip)
		facts_wrong(s, r, facts, c, v);
	kas_tally_touch(s, r)->exercised++;
	if (v != KAS_V_FAIL)
		return 0;
	record_failure(s, r, c);
	return 1;
}

unsigned kas_spec_check(struct kas_spec *s, struct kas_call *c)
{
	if (!s || !c || !c->op || c->status != KAS_CALL_DONE)
		return 0;
	unsigned code = c->op->code;
	if (code >= KAS_OP__COUNT)
		return 0;
	unsigned fails = 0;
	s->call_seq++;
	track(s, c);
	const uint64_t facts = kas_call_facts(c);
	const struct kas_dispatch *d = s->verify_facts ? NULL : rules_for(s, code, facts);
	if (d) {
		for (unsigned i = 0; i < d->n; i++)
			fails += judge(s, d->rules[i], c, false, facts);
	} else {
		/* every rule of the op, the passed-over ones too when verifying */
		for (unsigned i = 0; i < s->nrules_for_op[code]; i++) {
			size_t r = s->rules_for_op[code][i];
			bool skip = (s->needs[r] & ~facts) != 0;
			if (!skip || s->verify_facts)
				fails += judge(s, r, c, skip, facts);
		}
	}
	note_once_sites(s, c);
	return fails;
}

enum kas_status kas_spec_status(const struct kas_spec *s, size_t rule)
{
	if (rule >= KAS_R__COUNT)
		return KAS_UNTESTED;
	/* a rule judged on the calls the port could make has a verdict even
	 * when some function of its group is missing */
	if (s->tally[rule].failed)
		return KAS_FAIL;
	if (s->tally[rule].exercised)
		return KAS_PASS;
	if (kas_rule_at(rule)->caps & ~s->port_caps)
		return KAS_UNSUPPORTED;
	return KAS_UNTESTED;
}

const struct kas_tally *kas_spec_tally(const struct kas_spec *s, size_t rule)
{
	return rule < KAS_R__COUNT ? &s->tally[rule] : NULL;
}

void kas_spec_clear_tallies(struct kas_spec *s)
{
	for (size_t i = 0; i < s->ntouched; i++) {
		size_t r = s->touched[i];
		kas_trace_free(&s->tally[r].counterexample);
		memset(&s->tally[r], 0, sizeof(s->tally[r]));
		kas_trace_init(&s->tally[r].counterexample);
		s->is_touched[r] = false;
	}
	s->ntouched = 0;
}
