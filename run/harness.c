/* SPDX-License-Identifier: MIT */
/*
 * The harness run loop: resolve -> veto -> observe before -> call ->
 * observe after -> judge -> commit -> fill.  See harness.h.
 */
#include <stdlib.h>
#include <string.h>
#include "harness_internal.h"
#include "kallocspec/content.h"
#include "world_internal.h"

struct kas__progress *kas__progress;

/* Around every stretch of port code (calls, init/fini, RCU callbacks,
 * ballast): an isolating parent sees a call that does not come back. */
static void port_enter(void)
{
	if (kas__progress)
		kas__progress->calls_in++;
}

static void port_leave(void)
{
	if (kas__progress)
		kas__progress->calls_out++;
}

bool kas__grow_buf(void **buf, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *p = realloc(*buf, n * elem);
	if (!p)
		return false;
	*buf = p;
	*cap = n;
	return true;
}

/* The call being executed, for the world's warn hook and the constructor.
 * One trace runs at a time per thread. */
static _Thread_local struct kas_obs *cur_obs;
#define CTOR_LOG_MAX 4096
static _Thread_local uintptr_t ctor_log[CTOR_LOG_MAX];
static _Thread_local size_t ctor_log_n;

void kas_harness_ctor(void *obj)
{
	memset(obj, KAS_CTOR_BYTE, KAS_CTOR_BYTES);
	if (cur_obs)
		cur_obs->ctor_calls++;
	if (ctor_log_n < CTOR_LOG_MAX)
		ctor_log[ctor_log_n++] = (uintptr_t)obj;
}

static void world_warn(void *ctx, enum kas_warn_kind kind, const char *text)
{
	(void)ctx;
	(void)text;
	if (!cur_obs)
		return;
	cur_obs->warns++;
	if ((unsigned)kind < 32)
		cur_obs->warn_kinds |= 1u << kind;
}

/* a warning a KAS_CAP_WARN_STDERR port printed (stderr_warn.c) */
static void printed_warn(enum kas_warn_kind kind, const char *line)
{
	world_warn(NULL, kind, line);
}

struct kas_cache *kas__cache_of(struct run *r, const struct kas_obj *o)
{
	return o->family == KAS_FAM_CACHE && o->cache != KAS_NO_OBJ ? kas_model_cache(r->m, o->cache)
								    : NULL;
}

/* Verify an object's pattern before it goes back to the port; restore the
 * constructed state of ctor-cache objects as a kernel user must. */
static void check_before_free(struct run *r, struct kas_call *c, const struct kas_obj *o)
{
	size_t bad = kas_content_verify(&r->content, (void *)o->addr, o->id, o->size, 0, o->size);
	if (!c->obs.pattern.checked || (c->obs.pattern.first_bad == KAS_NOT_FOUND &&
					bad != KAS_NOT_FOUND)) {
		c->obs.pattern.checked = 1;
		c->obs.pattern.from = 0;
		c->obs.pattern.to = o->size;
		c->obs.pattern.first_bad = bad;
	}
	struct kas_cache *k = kas__cache_of(r, o);
	if (k && k->ctor && o->size >= KAS_CTOR_BYTES)
		memset((void *)o->addr, KAS_CTOR_BYTE, KAS_CTOR_BYTES);
}

static void observe_before(struct run *r, struct kas_call *c)
{
	enum kas_opcode code = c->op->code;
	if (!kas_op_frees(code))
		return;
	if (c->in_obj != KAS_NO_OBJ) {
		/* a shrinking realloc keeps the object: do not disturb ctor bytes */
		check_before_free(r, c, &c->in);
	}
	for (uint32_t i = 0; i < c->nlist; i++)
		check_before_free(r, c, kas_model_obj(r->m, c->list_objs[i]));
}

/* One pass over the result's sampled pages (the first, the last and a
 * fixed number between: kas_content_pages) for both page observations:
 * is it physically contiguous (PHYS-1), and which zones hold it (zone
 * placement rules; a page the port cannot place makes the zone
 * observation unknown).  A fixed number of port queries per object, so a
 * 16 GiB result costs what a 64 KiB one does. */
static void observe_pages(struct run *r, struct kas_call *c, uintptr_t addr, size_t size,
			  uint64_t id)
{
	const size_t page = r->prof->page_size;
	bool want_phys = r->port->virt_to_phys != NULL;
	bool want_zone = KAS_PORT_HAS(r->port, page_zone);
	uint64_t phys = UINT64_MAX;
	uint8_t zones = 0;
	bool zone_known = want_zone;
	size_t offs[KAS_EXAMINE_MAX_PAGES], n;

	if (want_phys) {
		phys = r->port->virt_to_phys((void *)addr);
		c->obs.phys = phys;
		c->obs.phys_known = phys != UINT64_MAX;
		c->obs.phys_contig = c->obs.phys_known;
		want_phys = c->obs.phys_known;
	}
	if (!want_phys && !want_zone)
		return;
	/* pages of the object as the port's page size lays them out: the
	 * sampled offsets rounded down to page boundaries past addr */
	n = kas_content_pages(&r->content, id, size ? size : 1, offs);
	for (size_t i = 0; i < n && (want_phys || want_zone); i++) {
		uintptr_t p = i == 0 ? addr : (addr + offs[i]) / page * page;
		if (p < addr)
			p = addr;
		if (want_phys && p != addr &&
		    r->port->virt_to_phys((void *)p) != phys + (p - addr)) {
			c->obs.phys_contig = 0;
			want_phys = false;
		}
		if (want_zone) {
			int z = r->port->page_zone((const void *)p);
			if (z < 0 || z >= KAS_ZONE__COUNT)
				zone_known = want_zone = false;
			else
				zones |= (uint8_t)(1u << z);
		}
	}
	if (zone_known) {
		c->obs.zone_known = 1;
		c->obs.zone_mask = zones;
	}
}

/* The bytes of a result the harness may look at: none when the port
 * claims an object no machine we model could hold (the model records it
 * with size 0 too, spec/commit.c). */
static size_t examinable(size_t size)
{
	return size > KAS_SANE_OBJECT_SIZE ? 0 : size;
}

static bool wants_zero(const struct kas_call *c)
{
	return kas_op_always_zeroes(c->op->code) || (c->gfp & __GFP_ZERO);
}

static void observe_new(struct run *r, struct kas_call *c)
{
	enum kas_opcode code = c->op->code;
	uintptr_t p = c->ret;
	size_t size = examinable(c->req_size);
	/* the id the model will give the new object (its zero scan's sample) */
	uint64_t id = kas_model_next_id(r->m);

	if (wants_zero(c)) {
		size_t from = 0;
		if (kas_op_is_realloc(code) && c->in_obj != KAS_NO_OBJ)
			from = c->in.size < size ? c->in.size : size;
		c->obs.zero = (struct kas_range_obs){
			1, from, size, kas_content_zero_scan(&r->content, (void *)p, id, from, size)
		};
	}
	if (kas_op_is_realloc(code) && c->in_obj != KAS_NO_OBJ) {
		size_t keep = c->in.size < size ? c->in.size : size;
		c->obs.prefix = (struct kas_range_obs){
			1, 0, keep,
			kas_content_verify(&r->content, (void *)p, c->in.id, c->in.size, 0, keep)
		};
	}
	if (c->in_cache != KAS_NO_OBJ && kas_model_cache(r->m, c->in_cache)->ctor &&
	    size >= KAS_CTOR_BYTES) {
		size_t bad = KAS_NOT_FOUND;
		for (size_t i = 0; i < KAS_CTOR_BYTES; i++)
			if (((unsigned char *)p)[i] != KAS_CTOR_BYTE) {
				bad = i;
				break;
			}
		c->obs.ctor = (struct kas_range_obs){ 1, 0, KAS_CTOR_BYTES, bad };
	}
	for (size_t i = 0; i < ctor_log_n; i++)
		if (ctor_log[i] == p)
			c->obs.ctor_on_result++;
	if (r->port->is_vmalloc_addr) {
		c->obs.vmaddr_known = 1;
		c->obs.is_vmalloc = r->port->is_vmalloc_addr((void *)p);
	}
	observe_pages(r, c, p, size, id);
}

static void observe_bulk(struct run *r, struct kas_call *c)
{
	if (!(c->gfp & __GFP_ZERO) || c->ret == 0)
		return;
	size_t size = examinable(c->req_size);
	c->obs.zero = (struct kas_range_obs){ 1, 0, size, KAS_NOT_FOUND };
	for (size_t i = 0; i < c->ret && i < c->bulk_cap; i++) {
		if (!kas__is_real_ptr((uintptr_t)c->bulk[i]))
			continue;
		size_t bad = kas_content_zero_scan(&r->content, c->bulk[i], i, 0, size);
		if (bad != KAS_NOT_FOUND) {
			c->obs.zero.first_bad = bad;
			break;
		}
	}
}

static void observe_after(struct run *r, struct kas_call *c)
{
	const struct kas_op_info *oi = &kas_op_table[c->op->code];

	if (oi->result == R_PTR && kas__is_real_ptr(c->ret))
		observe_new(r, c);
	else if (oi->result == R_BULK)
		observe_bulk(r, c);
	if (kas_op_is_realloc(c->op->code) && c->ret == 0 && c->in_obj != KAS_NO_OBJ &&
	    c->req_size != 0) {
		/* failed realloc: the old object must be untouched */
		c->obs.kept = (struct kas_range_obs){
			1, 0, c->in.size,
			kas_content_verify(&r->content, (void *)c->in.addr, c->in.id, c->in.size, 0,
					   c->in.size)
		};
	}
}

/* A port that hands out memory of a live object has taken that object
 * back (NO-OVERLAP has judged it): forget the older objects so that the
 * harness never frees the same memory twice. */
static void drop_overlapped(struct run *r, uint32_t index)
{
	struct kas_obj *o = kas_model_obj(r->m, index);
	for (;;) {
		uint32_t other = kas_model_find_overlap(r->m, o->addr, o->size, index);
		if (other == KAS_NO_OBJ)
			return;
		kas_model_kill_obj(r->m, other);
	}
}

static void fill_obj(struct run *r, uint32_t index, bool judged_failing)
{
	struct kas_obj *o = kas_model_obj(r->m, index);
	/* NO-OVERLAP applies to every new object in every profile, so an
	 * overlap always comes with a FAIL for this call: only then is the
	 * second overlap query worth its cost on the hot path. */
	if (judged_failing)
		drop_overlapped(r, index);
	kas_content_fill(&r->content, (void *)o->addr, o->id, o->size);
}

/* After the model knows the new objects, give each its pattern. */
static void fill_new(struct run *r, struct kas_call *c, bool judged_failing)
{
	if (c->out_obj != KAS_NO_OBJ)
		fill_obj(r, c->out_obj, judged_failing);
	if (c->out_bulk != KAS_NO_OBJ) {
		const struct kas_bulk *g = kas_model_bulk(r->m, c->out_bulk);
		for (uint32_t i = 0; i < g->count; i++)
			fill_obj(r, kas_model_bulk_obj(r->m, g, i), judged_failing);
	}
}

void kas__name_caller(struct kas_call *c, const char *caller_rule)
{
	int i = kas_caller_rule_index(caller_rule);

	c->caller = i >= 0 ? (uint8_t)(i + 1) : 0;
}

void kas__refuse(struct kas_call *c, const char *caller_rule)
{
	c->status = KAS_CALL_SKIPPED;
	c->skip = KAS_SKIP_UNDEFINED;
	kas__name_caller(c, caller_rule);
}

void kas__reset_call(struct run *r, struct kas_call *c, const struct kas_op *op, size_t index)
{
	memset(c, 0, sizeof(*c));
	c->trace = r->t;
	c->op = op;
	c->index = index;
	c->in_obj = KAS_NO_OBJ;
	c->in_cache = KAS_NO_OBJ;
	c->out_obj = KAS_NO_OBJ;
	c->out_bulk = KAS_NO_OBJ;
	c->obs.zero.first_bad = c->obs.prefix.first_bad = KAS_NOT_FOUND;
	c->obs.pattern.first_bad = c->obs.kept.first_bad = c->obs.ctor.first_bad = KAS_NOT_FOUND;
}

/* What the model does not do for the world's ops: bind saved-flags
 * handles, and end objects handed to kfree_rcu/kvfree_rcu (their memory is
 * the RCU callback's now: the caller must not touch it, teardown must not
 * free it again). */
static void after_commit(struct run *r, struct kas_call *c)
{
	const struct kas_op *op = c->op;
	if (kas_op_table[op->code].result == R_FLAGS && op->slot >= 0) {
		struct kas_binding *b = kas_model_binding(r->m, (uint32_t)op->slot);
		if (b) {
			b->value = c->ret;
			b->obj = KAS_NO_OBJ;
			b->bound = 1;
		}
	}
	if (kas_op_is_rcu_free(op->code) && c->in_obj != KAS_NO_OBJ) {
		kas__world_note_rcu_free(r->w, c->in.addr, c->in.size);
		if (kas_model_obj(r->m, c->in_obj)->live)
			kas_model_kill_obj(r->m, c->in_obj);
	}
}

/* kfree_rcu / kvfree_rcu of memory their free function does not take is
 * undefined (CALLER-8, CALLER-10): never hand it to the port.  The spec's
 * precheck says so first; this guard holds where no spec judges. */
static bool rcu_free_undefined(struct run *r, const struct kas_call *c)
{
	if (c->in_obj == KAS_NO_OBJ)
		return false;
	/* the two-argument form ends in kvfree() */
	bool kv = c->op->code == KAS_OP_KVFREE_RCU || c->op->code == KAS_OP_KVFREE_RCU_ARG_2;
	switch (c->in.family) {
	case KAS_FAM_KMALLOC: return false;
	case KAS_FAM_CACHE: return r->prof->kver < KAS_KVER(6, 4);
	case KAS_FAM_VMALLOC: return !kv;
	case KAS_FAM_KVMALLOC: return !kv && c->in.in_vmalloc != 0;
	default: return true;
	}
}

unsigned kas__execute(struct run *r, struct kas_call *c)
{
	const struct kas_op *op = c->op;

	if (op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK) {
		size_t n = (size_t)c->arg[2];
		if (!kas__grow_buf((void **)&r->bulk, &r->bulk_cap, n ? n : 1, sizeof(void *)))
			return 0;
		memset(r->bulk, 0, n * sizeof(void *));
		c->bulk = r->bulk;
		c->bulk_cap = n;
	}
	if (!kas__grow_buf((void **)&r->ptrs, &r->ptrs_cap, c->nlist ? c->nlist : 1, sizeof(void *)))
		return 0;
	for (uint32_t i = 0; i < c->nlist; i++)
		r->ptrs[i] = (void *)kas_model_obj(r->m, c->list_objs[i])->addr;

	observe_before(r, c);
	const char *name = NULL;
	if (kas_op_table[op->code].result == R_CACHE && op->ref[0] == KAS_REF_VALUE &&
	    op->v[0] < r->t->nstrings)
		name = r->t->strings[op->v[0]];
	ctor_log_n = 0;
	cur_obs = &c->obs;
	kas__world_begin_call(r->w, c);
	/* world ops call the port too (ballast): both are watched */
	port_enter();
	if (r->timeout_ms)
		kas__watchdog_arm(r->timeout_ms, c->index);
	if (kas__world_op(op->code))
		kas__world_exec(r->w, c);
	else if (op->code == KAS_OP_CONCURRENT_KMALLOC)
		kas__run_concurrent(r->port, r->w, r->m, &r->content, c);
	else {
		int saved = (r->port->caps & KAS_CAP_WARN_STDERR) ? kas__stderr_begin() : -1;
		kas_port_invoke(r->port, c, name, r->ptrs, c->nlist,
				(op->flags & KAS_OPF_CTOR) ? kas_harness_ctor : NULL);
		kas__stderr_end(saved, printed_warn);
	}
	if (r->timeout_ms)
		kas__watchdog_disarm();
	port_leave();
	if (!kas__world_op(op->code))
		observe_after(r, c);
	kas__world_end_call(r->w, c);
	cur_obs = NULL;
	if (c->status != KAS_CALL_DONE)
		return 0;   /* a world op refused its arguments */

	unsigned fails = kas_spec_check(r->spec, c);
	kas_spec_commit(r->spec, c);
	after_commit(r, c);
	fill_new(r, c, fails != 0);
	return fails;
}

void kas__note_result(struct run *r, const struct kas_call *c, unsigned fails)
{
	struct kas_trace_result *res = r->res;
	if (c->status == KAS_CALL_SKIPPED) {
		res->ops_skipped++;
		if (c->caller && c->caller <= KAS_CALLER_RULES_MAX)
			res->refused[c->caller - 1]++;
	} else if (c->status == KAS_CALL_UNSUPPORTED)
		res->ops_unsupported++;
	else
		res->ops_run++;
	if (fails) {
		res->fails += fails;
		if (res->first_fail_op == KAS_NOT_FOUND)
			res->first_fail_op = c->index;
	}
	kas__log_call(r, c, fails);
	if (r->opts && r->opts->on_call)
		r->opts->on_call(r->opts->on_call_arg, c);
}

static unsigned run_op(struct run *r, struct kas_call *c, size_t i)
{
	const struct kas_op *op = &r->t->ops[i];

	kas__reset_call(r, c, op, i);
	if (!kas_op_in_kver(op->code, r->prof->kver)) {
		c->status = KAS_CALL_SKIPPED;
		c->skip = KAS_SKIP_NOT_IN_PROFILE;
	} else if (!kas__resolve(r, c)) {
		c->status = KAS_CALL_SKIPPED;
	} else {
		kas__world_note_state(r->w, c);   /* the context vetoes need it */
		kas_spec_precheck(r->spec, c);
		if (c->status == KAS_CALL_DONE && !kas_port_has_op(r->port, op->code))
			c->status = KAS_CALL_UNSUPPORTED;
		if (c->status == KAS_CALL_DONE && kas_op_is_rcu_free(op->code) &&
		    rcu_free_undefined(r, c))
			kas__refuse(c, op->code == KAS_OP_KFREE_RCU ? "CALLER-8" : "CALLER-10");
	}
	unsigned fails = 0;
	if (c->status == KAS_CALL_DONE)
		fails = kas__execute(r, c);
	kas__note_result(r, c, fails);
	return fails;
}

int kas_run_trace(const struct kas_port *port, struct kas_spec *spec, const struct kas_trace *t,
		  const struct kas_harness_opts *opts, struct kas_trace_result *res)
{
	static const struct kas_harness_opts no_opts;
	struct kas_trace_result dummy;
	struct kas_world_hooks world = { .size = sizeof(world), .warn = world_warn };
	const struct kas_profile *prof = kas_spec_profile(spec);
	struct kas_port_env env = { sizeof(env), prof->kver, prof->name, 0, &world, 0 };
	struct run r = { 0 };
	struct kas_call c;

	if (!opts)
		opts = &no_opts;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	res->first_fail_op = KAS_NOT_FOUND;
	/* A trace may ask for a small machine (`# pool-bytes: N`) so that its
	 * pressure ops can exhaust it; the caller's option wins. */
	size_t pool = opts->pool_bytes;
	const char *pool_meta = kas_trace_meta(t, "pool-bytes");
	if (!pool && pool_meta)
		pool = (size_t)strtoull(pool_meta, NULL, 0);
	env.pool_bytes = pool;
	env.mem_bytes = kas__trace_mem_bytes(opts, t);
	r.content = kas__trace_content_plan(opts, t);
	res->fault_op = KAS_NOT_FOUND;
	size_t max_pages = opts->world_max_pages;
	if (!max_pages && pool && prof->page_size)
		max_pages = pool / prof->page_size + 64;   /* enough to exhaust the pool */
	r.w = kas__world_new(port, prof, max_pages);
	if (!r.w)
		return -1;
	world.ctx = r.w;
	kas__world_fill_hooks(r.w, &world);
	r.timeout_ms = opts->watchdog_in_process ?
		       (opts->call_timeout_ms ? opts->call_timeout_ms : KAS_DEFAULT_CALL_TIMEOUT_MS) : 0;
	if (kas__progress)
		kas__progress->op = 0;
	port_enter();   /* init and fini are watched too */
	if (port->init && (res->init_error = port->init(&env)) != 0) {
		port_leave();
		kas__world_free(r.w);
		return -1;
	}
	port_leave();

	r.port = port;
	r.spec = spec;
	r.t = t;
	r.prof = prof;
	r.opts = opts;
	r.res = res;
	kas_spec_begin(spec, t);
	r.m = kas_spec_model(spec);

	for (size_t i = 0; i < t->nops; i++) {
		if (kas__progress)
			kas__progress->op = i;
		unsigned fails = run_op(&r, &c, i);
		if (fails && opts->stop_at_first_fail)
			break;
	}
	if (kas__progress)
		kas__progress->op = t->nops;
	/* the trace's context and scopes end; grace periods in flight end */
	port_enter();   /* RCU callbacks run port code */
	kas__world_end_trace(r.w);
	port_leave();
	kas__teardown(&r, &c);
	kas_spec_end(spec);
	port_enter();   /* ballast goes back through the port */
	kas__world_release(r.w);
	port_leave();
	res->starvation_releases = r.w->starvation_releases;
	port_enter();
	if (port->fini)
		port->fini();
	port_leave();
	kas__world_free(r.w);
	free(r.ptrs);
	free(r.list_objs);
	free(r.bulk);
	return 0;
}
