/* SPDX-License-Identifier: MIT */
/*
 * The harness run loop: resolve -> veto -> observe before -> call ->
 * observe after -> judge -> commit -> fill.  See harness.h.
 */
#include <stdlib.h>
#include <string.h>
#include "harness_internal.h"
#include "content.h"
#include "world_internal.h"

struct run {
	const struct kas_port *port;
	struct kas_spec *spec;
	struct kas_model *m;
	const struct kas_trace *t;
	const struct kas_profile *prof;
	const struct kas_harness_opts *opts;
	struct kas_trace_result *res;
	/* reusable buffers */
	void **ptrs;
	size_t ptrs_cap;
	uint32_t *list_objs;
	size_t list_cap;
	void **bulk;
	size_t bulk_cap;
	struct kas_world *w;        /* the simulated rest of the kernel */
	unsigned timeout_ms;        /* in-process watchdog, 0 = off */
};

struct kas__progress *kas__progress;

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

static bool grow(void **buf, size_t *cap, size_t need, size_t elem)
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

static bool is_real_ptr(uintptr_t p)
{
	return p > KAS_ZERO_SIZE_PTR;
}

static size_t wrap_mul(uint64_t a, uint64_t b)
{
	return (size_t)(a * b);
}

/* Bytes the caller asked for (see call.h). */
static size_t requested_size(struct run *r, const struct kas_call *c)
{
	const uint64_t *a = c->arg;
	switch ((enum kas_opcode)c->op->code) {
	case KAS_OP_KMALLOC: case KAS_OP_KZALLOC: case KAS_OP_VMALLOC: case KAS_OP_VZALLOC:
	case KAS_OP_VMALLOC_GFP: case KAS_OP_VMALLOC_NODE: case KAS_OP_KVMALLOC:
	case KAS_OP_KVZALLOC:
		return (size_t)a[0];
	case KAS_OP_KMALLOC_ARRAY: case KAS_OP_KCALLOC: case KAS_OP_KVMALLOC_ARRAY:
	case KAS_OP_KVCALLOC:
		return wrap_mul(a[0], a[1]);
	case KAS_OP_KREALLOC: case KAS_OP_KVREALLOC: case KAS_OP_VREALLOC:
		return (size_t)a[1];
	case KAS_OP_KREALLOC_ARRAY:
		return wrap_mul(a[1], a[2]);
	case KAS_OP_KMEM_CACHE_ALLOC: case KAS_OP_KMEM_CACHE_ZALLOC:
	case KAS_OP_KMEM_CACHE_ALLOC_BULK:
		return c->in_cache != KAS_NO_OBJ ? kas_model_cache(r->m, c->in_cache)->size : 0;
	case KAS_OP_ALLOC_PAGES: case KAS_OP_GET_FREE_PAGES:
		return a[1] < 48 ? (size_t)r->prof->page_size << a[1] : SIZE_MAX;
	case KAS_OP_GET_ZEROED_PAGE:
		return r->prof->page_size;
	default:
		return 0;
	}
}

/* Resolve one handle to a live object; false (with c->skip) if it is not. */
static bool resolve_obj_slot(struct run *r, struct kas_call *c, uint32_t slot, uintptr_t *val,
			     uint32_t *obj)
{
	struct kas_binding *b = kas_model_binding(r->m, slot);
	if (!b || !b->bound) {
		c->skip = KAS_SKIP_DEAD_HANDLE;   /* its binding op did not run */
		return false;
	}
	*val = b->value;
	*obj = b->obj;
	if (b->obj != KAS_NO_OBJ && !kas_model_obj(r->m, b->obj)->live) {
		c->skip = KAS_SKIP_DEAD_HANDLE;
		return false;
	}
	return true;
}

static bool resolve_list(struct run *r, struct kas_call *c)
{
	const struct kas_op *op = c->op;
	size_t n = 0;

	for (uint32_t i = 0; i < op->list_len; i++) {
		const struct kas_list_ref *lr = &r->t->list[op->list_off + i];
		if (lr->ref != KAS_REF_HANDLE)
			continue;   /* NULL entries carry nothing to free */
		struct kas_binding *b = kas_model_binding(r->m, lr->slot);
		if (!b || !b->bound) {
			c->skip = KAS_SKIP_DEAD_HANDLE;
			return false;
		}
		if (r->t->slots[lr->slot].kind == KAS_SLOT_BULK) {
			const struct kas_bulk *g = kas_model_bulk(r->m, b->obj);
			if (!grow((void **)&r->list_objs, &r->list_cap, n + g->count, sizeof(uint32_t)))
				return false;
			for (uint32_t k = 0; k < g->count; k++)
				r->list_objs[n++] = kas_model_bulk_obj(r->m, g, k);
		} else {
			if (b->obj == KAS_NO_OBJ)
				continue;   /* bound to NULL / ZERO_SIZE_PTR */
			if (!grow((void **)&r->list_objs, &r->list_cap, n + 1, sizeof(uint32_t)))
				return false;
			r->list_objs[n++] = b->obj;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!kas_model_obj(r->m, r->list_objs[i])->live) {
			c->skip = KAS_SKIP_DEAD_HANDLE;
			return false;
		}
		for (size_t j = 0; j < i; j++) {
			if (r->list_objs[j] == r->list_objs[i]) {
				c->skip = KAS_SKIP_BAD_ARG;   /* the same object twice */
				return false;
			}
		}
	}
	c->list_objs = r->list_objs;
	c->nlist = (uint32_t)n;
	return true;
}

static bool resolve(struct run *r, struct kas_call *c)
{
	const struct kas_op *op = c->op;
	const struct kas_op_info *oi = &kas_op_table[op->code];

	for (unsigned i = 0; i < op->nargs && i < KAS_MAX_ARGS; i++) {
		c->arg[i] = op->v[i];
		switch (oi->args[i]) {
		case AK_GFP:
			c->gfp = (kas_gfp_t)op->v[i];
			break;
		case AK_PTR: {
			if (op->ref[i] == KAS_REF_NULL) {
				c->arg[i] = 0;
				break;
			}
			if (op->ref[i] == KAS_REF_ZSP) {
				c->arg[i] = KAS_ZERO_SIZE_PTR;
				break;
			}
			uintptr_t v;
			uint32_t obj;
			if (!resolve_obj_slot(r, c, (uint32_t)op->v[i], &v, &obj))
				return false;
			c->arg[i] = v;
			if (obj != KAS_NO_OBJ && c->in_obj == KAS_NO_OBJ) {
				c->in_obj = obj;
				c->in = *kas_model_obj(r->m, obj);
			}
			break;
		}
		case AK_CACHE: {
			if (op->ref[i] != KAS_REF_HANDLE) {
				c->arg[i] = 0;
				break;
			}
			struct kas_binding *b = kas_model_binding(r->m, (uint32_t)op->v[i]);
			if (!b || !b->bound || b->obj == KAS_NO_OBJ) {
				/* creation failed or never ran: the kernel caller would hold NULL */
				if (b && b->bound) {
					c->arg[i] = 0;
					break;
				}
				c->skip = KAS_SKIP_DEAD_HANDLE;
				return false;
			}
			struct kas_cache *k = kas_model_cache(r->m, b->obj);
			if (!k->live) {
				c->skip = KAS_SKIP_DEAD_HANDLE;
				return false;
			}
			c->arg[i] = (uintptr_t)k->handle;
			c->in_cache = b->obj;
			break;
		}
		case AK_LIST:
			if (!resolve_list(r, c))
				return false;
			break;
		case AK_FLAGS: {
			/* the value its memalloc_*_save returned */
			struct kas_binding *b = op->ref[i] == KAS_REF_HANDLE ?
				kas_model_binding(r->m, (uint32_t)op->v[i]) : NULL;
			if (!b || !b->bound) {
				c->skip = KAS_SKIP_DEAD_HANDLE;
				return false;
			}
			c->arg[i] = b->value;
			break;
		}
		default:
			break;
		}
	}
	if (oi->result == R_CACHE) {
		if (c->arg[1] > UINT32_MAX || c->arg[2] > UINT32_MAX ||
		    ((op->flags & KAS_OPF_CTOR) && c->arg[1] < KAS_CTOR_BYTES)) {
			c->skip = KAS_SKIP_BAD_ARG;
			return false;
		}
	}
	if (op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK && c->arg[2] > 65536) {
		c->skip = KAS_SKIP_BAD_ARG;   /* the harness will not hold more */
		return false;
	}
	if (op->code == KAS_OP_KFREE_BULK && oi->args[0] == AK_LIST)
		c->arg[0] = c->nlist;
	c->req_size = requested_size(r, c);
	return true;
}

static struct kas_cache *cache_of(struct run *r, const struct kas_obj *o)
{
	return o->family == KAS_FAM_CACHE && o->cache != KAS_NO_OBJ ? kas_model_cache(r->m, o->cache)
								    : NULL;
}

/* Verify an object's pattern before it goes back to the port; restore the
 * constructed state of ctor-cache objects as a kernel user must. */
static void check_before_free(struct run *r, struct kas_call *c, const struct kas_obj *o)
{
	size_t bad = kas_content_verify((void *)o->addr, o->id, 0, o->size);
	if (!c->obs.pattern.checked || (c->obs.pattern.first_bad == KAS_NOT_FOUND &&
					bad != KAS_NOT_FOUND)) {
		c->obs.pattern.checked = 1;
		c->obs.pattern.from = 0;
		c->obs.pattern.to = o->size;
		c->obs.pattern.first_bad = bad;
	}
	struct kas_cache *k = cache_of(r, o);
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

static void observe_phys(struct run *r, struct kas_call *c, uintptr_t addr, size_t size)
{
	const size_t page = r->prof->page_size;
	uint64_t phys = r->port->virt_to_phys((void *)addr);

	c->obs.phys = phys;
	c->obs.phys_known = phys != UINT64_MAX;
	if (!c->obs.phys_known)
		return;
	c->obs.phys_contig = 1;
	if (size > ((size_t)64 << 20))
		size = (size_t)64 << 20;
	for (uintptr_t p = (addr / page + 1) * page; p < addr + size; p += page) {
		if (r->port->virt_to_phys((void *)p) != phys + (p - addr)) {
			c->obs.phys_contig = 0;
			break;
		}
	}
}

static bool wants_zero(const struct kas_call *c)
{
	return kas_op_always_zeroes(c->op->code) || (c->gfp & __GFP_ZERO);
}

static void observe_new(struct run *r, struct kas_call *c)
{
	enum kas_opcode code = c->op->code;
	uintptr_t p = c->ret;
	size_t size = c->req_size;

	if (wants_zero(c)) {
		size_t from = 0;
		if (kas_op_is_realloc(code) && c->in_obj != KAS_NO_OBJ)
			from = c->in.size < size ? c->in.size : size;
		c->obs.zero = (struct kas_range_obs){ 1, from, size,
						      kas_content_zero_scan((void *)p, from, size) };
	}
	if (kas_op_is_realloc(code) && c->in_obj != KAS_NO_OBJ) {
		size_t keep = c->in.size < size ? c->in.size : size;
		c->obs.prefix = (struct kas_range_obs){ 1, 0, keep,
							kas_content_verify((void *)p, c->in.id, 0, keep) };
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
	if (r->port->virt_to_phys)
		observe_phys(r, c, p, size);
}

static void observe_bulk(struct kas_call *c)
{
	if (!(c->gfp & __GFP_ZERO) || c->ret == 0)
		return;
	c->obs.zero = (struct kas_range_obs){ 1, 0, c->req_size, KAS_NOT_FOUND };
	for (size_t i = 0; i < c->ret && i < c->bulk_cap; i++) {
		if (!is_real_ptr((uintptr_t)c->bulk[i]))
			continue;
		size_t bad = kas_content_zero_scan(c->bulk[i], 0, c->req_size);
		if (bad != KAS_NOT_FOUND) {
			c->obs.zero.first_bad = bad;
			break;
		}
	}
}

static void observe_after(struct run *r, struct kas_call *c)
{
	const struct kas_op_info *oi = &kas_op_table[c->op->code];

	if (oi->result == R_PTR && is_real_ptr(c->ret))
		observe_new(r, c);
	else if (oi->result == R_BULK)
		observe_bulk(c);
	if (kas_op_is_realloc(c->op->code) && c->ret == 0 && c->in_obj != KAS_NO_OBJ &&
	    c->req_size != 0) {
		/* failed realloc: the old object must be untouched */
		c->obs.kept = (struct kas_range_obs){ 1, 0, c->in.size,
						      kas_content_verify((void *)c->in.addr, c->in.id,
									 0, c->in.size) };
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

static void fill_obj(struct run *r, uint32_t index)
{
	struct kas_obj *o = kas_model_obj(r->m, index);
	drop_overlapped(r, index);
	kas_content_fill((void *)o->addr, o->id, 0, o->size);
}

/* After the model knows the new objects, give each its pattern. */
static void fill_new(struct run *r, struct kas_call *c)
{
	if (c->out_obj != KAS_NO_OBJ)
		fill_obj(r, c->out_obj);
	if (c->out_bulk != KAS_NO_OBJ) {
		const struct kas_bulk *g = kas_model_bulk(r->m, c->out_bulk);
		for (uint32_t i = 0; i < g->count; i++)
			fill_obj(r, kas_model_bulk_obj(r->m, g, i));
	}
}

static void log_call(struct run *r, const struct kas_call *c, unsigned fails)
{
	FILE *f = r->opts ? r->opts->log : NULL;
	char text[512];
	static const char *const skip_names[] = { "", "dead handle", "not in this kernel version",
						  "undefined behaviour, not executed",
						  "bad argument" };
	if (!f)
		return;
	if (c->index < r->t->nops && c->op == &r->t->ops[c->index])
		kas_op_format(r->t, c->index, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%s (end of trace)", kas_op_table[c->op->code].name);
	if (c->status == KAS_CALL_SKIPPED)
		fprintf(f, "%4zu  %-48s SKIPPED (%s)\n", c->index, text, skip_names[c->skip]);
	else if (c->status == KAS_CALL_UNSUPPORTED)
		fprintf(f, "%4zu  %-48s UNSUPPORTED by the port\n", c->index, text);
	else
		fprintf(f, "%4zu  %-48s -> %#lx%s%s\n", c->index, text, (unsigned long)c->ret,
			c->obs.warns ? "  [warned]" : "", fails ? "  FAIL" : "");
}

static void reset_call(struct run *r, struct kas_call *c, const struct kas_op *op, size_t index)
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
	if ((op->code == KAS_OP_KFREE_RCU || op->code == KAS_OP_KVFREE_RCU) &&
	    c->in_obj != KAS_NO_OBJ) {
		kas__world_note_rcu_free(r->w, c->in.addr, c->in.size);
		if (kas_model_obj(r->m, c->in_obj)->live)
			kas_model_kill_obj(r->m, c->in_obj);
	}
}

/* kfree_rcu / kvfree_rcu of memory their free function does not take is
 * undefined: never hand it to the port (the spec's precheck should say so
 * first; this is the harness's guard until it does). */
static bool rcu_free_undefined(struct run *r, const struct kas_call *c)
{
	if (c->in_obj == KAS_NO_OBJ)
		return false;
	bool kv = c->op->code == KAS_OP_KVFREE_RCU;
	switch (c->in.family) {
	case KAS_FAM_KMALLOC: return false;
	case KAS_FAM_CACHE: return r->prof->kver < KAS_KVER(6, 4);
	case KAS_FAM_VMALLOC: return !kv;
	case KAS_FAM_KVMALLOC: return !kv && c->in.in_vmalloc != 0;
	default: return true;
	}
}

/* Execute a prepared call (arguments resolved) and judge it. */
static unsigned execute(struct run *r, struct kas_call *c)
{
	const struct kas_op *op = c->op;

	if (op->code == KAS_OP_KMEM_CACHE_ALLOC_BULK) {
		size_t n = (size_t)c->arg[2];
		if (!grow((void **)&r->bulk, &r->bulk_cap, n ? n : 1, sizeof(void *)))
			return 0;
		memset(r->bulk, 0, n * sizeof(void *));
		c->bulk = r->bulk;
		c->bulk_cap = n;
	}
	if (!grow((void **)&r->ptrs, &r->ptrs_cap, c->nlist ? c->nlist : 1, sizeof(void *)))
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
	if (kas__progress)
		kas__progress->calls_in++;
	if (r->timeout_ms)
		kas__watchdog_arm(r->timeout_ms, c->index);
	if (kas__world_op(op->code))
		kas__world_exec(r->w, c);
	else
		kas_port_invoke(r->port, c, name, r->ptrs, c->nlist,
				(op->flags & KAS_OPF_CTOR) ? kas_harness_ctor : NULL);
	if (r->timeout_ms)
		kas__watchdog_disarm();
	if (kas__progress)
		kas__progress->calls_out++;
	if (!kas__world_op(op->code))
		observe_after(r, c);
	kas__world_end_call(r->w, c);
	cur_obs = NULL;
	if (c->status != KAS_CALL_DONE)
		return 0;   /* a world op refused its arguments */

	unsigned fails = kas_spec_check(r->spec, c);
	kas_spec_commit(r->spec, c);
	after_commit(r, c);
	fill_new(r, c);
	return fails;
}

static void note_result(struct run *r, const struct kas_call *c, unsigned fails)
{
	struct kas_trace_result *res = r->res;
	if (c->status == KAS_CALL_SKIPPED)
		res->ops_skipped++;
	else if (c->status == KAS_CALL_UNSUPPORTED)
		res->ops_unsupported++;
	else
		res->ops_run++;
	if (fails) {
		res->fails += fails;
		if (res->first_fail_op == KAS_NOT_FOUND)
			res->first_fail_op = c->index;
	}
	log_call(r, c, fails);
	if (r->opts && r->opts->on_call)
		r->opts->on_call(r->opts->on_call_arg, c);
}

static unsigned run_op(struct run *r, struct kas_call *c, size_t i)
{
	const struct kas_op *op = &r->t->ops[i];

	reset_call(r, c, op, i);
	if (!kas_op_in_kver(op->code, r->prof->kver)) {
		c->status = KAS_CALL_SKIPPED;
		c->skip = KAS_SKIP_NOT_IN_PROFILE;
	} else if (!resolve(r, c)) {
		c->status = KAS_CALL_SKIPPED;
	} else {
		kas_spec_precheck(r->spec, c);
		if (c->status == KAS_CALL_DONE && !kas_port_has_op(r->port, op->code))
			c->status = KAS_CALL_UNSUPPORTED;
		if (c->status == KAS_CALL_DONE && (op->code == KAS_OP_KFREE_RCU ||
						   op->code == KAS_OP_KVFREE_RCU) &&
		    rcu_free_undefined(r, c)) {
			c->status = KAS_CALL_SKIPPED;
			c->skip = KAS_SKIP_UNDEFINED;
		}
	}
	unsigned fails = 0;
	if (c->status == KAS_CALL_DONE)
		fails = execute(r, c);
	note_result(r, c, fails);
	return fails;
}

/* The free a kernel user would call for a leftover object. */
static enum kas_opcode teardown_free_op(const struct kas_obj *o)
{
	switch (o->family) {
	case KAS_FAM_CACHE: return KAS_OP_KMEM_CACHE_FREE;
	case KAS_FAM_VMALLOC: return KAS_OP_VFREE;
	case KAS_FAM_KVMALLOC: return KAS_OP_KVFREE;
	case KAS_FAM_PAGES:
		return o->op == KAS_OP_ALLOC_PAGES ? KAS_OP___FREE_PAGES : KAS_OP_FREE_PAGES;
	default: return KAS_OP_KFREE;
	}
}

/* Free what the trace left live, judged like any other call, then destroy
 * the caches.  The synthetic ops carry index == t->nops. */
static void teardown(struct run *r, struct kas_call *c)
{
	struct kas_op op;
	size_t n = kas_model_nobjs(r->m);

	for (uint32_t i = 0; i < n; i++) {
		struct kas_obj *o = kas_model_obj(r->m, i);
		if (!o->live)
			continue;
		memset(&op, 0, sizeof(op));
		op.code = (uint16_t)teardown_free_op(o);
		op.slot = -1;
		if (!kas_port_has_op(r->port, op.code))
			continue;
		struct kas_cache *k = cache_of(r, o);
		if (op.code == KAS_OP_KMEM_CACHE_FREE && k && !k->live) {
			/* its cache was destroyed (and leaked): kfree is the only
			 * documented way left, from 6.4 on; before that, leak it */
			if (r->prof->kver < KAS_KVER(6, 4) || !kas_port_has_op(r->port, KAS_OP_KFREE))
				continue;
			op.code = KAS_OP_KFREE;
		}
		reset_call(r, c, &op, r->t->nops);
		if (op.code == KAS_OP_KMEM_CACHE_FREE) {
			if (!k)
				continue;
			op.nargs = 2;
			c->arg[0] = (uintptr_t)k->handle;
			c->arg[1] = o->addr;
			c->in_cache = o->cache;
		} else {
			op.nargs = (op.code == KAS_OP_FREE_PAGES || op.code == KAS_OP___FREE_PAGES) ? 2 : 1;
			c->arg[0] = o->addr;
			c->arg[1] = o->order;
		}
		c->in_obj = i;
		c->in = *o;
		note_result(r, c, execute(r, c));
	}
	size_t ncaches = 0;
	for (size_t s = 0; s < r->t->nslots; s++)
		if (r->t->slots[s].kind == KAS_SLOT_CACHE)
			ncaches++;
	if (!ncaches || !kas_port_has_op(r->port, KAS_OP_KMEM_CACHE_DESTROY))
		return;
	for (size_t s = 0; s < r->t->nslots; s++) {
		if (r->t->slots[s].kind != KAS_SLOT_CACHE)
			continue;
		struct kas_binding *b = kas_model_binding(r->m, (uint32_t)s);
		if (!b || !b->bound || b->obj == KAS_NO_OBJ)
			continue;
		struct kas_cache *k = kas_model_cache(r->m, b->obj);
		if (!k->live)
			continue;
		memset(&op, 0, sizeof(op));
		op.code = KAS_OP_KMEM_CACHE_DESTROY;
		op.nargs = 1;
		op.slot = -1;
		reset_call(r, c, &op, r->t->nops);
		c->arg[0] = (uintptr_t)k->handle;
		c->in_cache = b->obj;
		note_result(r, c, execute(r, c));
	}
}

int kas_run_trace(const struct kas_port *port, struct kas_spec *spec, const struct kas_trace *t,
		  const struct kas_harness_opts *opts, struct kas_trace_result *res)
{
	static const struct kas_harness_opts no_opts;
	struct kas_trace_result dummy;
	struct kas_world_hooks world = { .size = sizeof(world), .warn = world_warn };
	const struct kas_profile *prof = kas_spec_profile(spec);
	struct kas_port_env env = { sizeof(env), prof->kver, prof->name, 0, &world };
	struct run r = { 0 };
	struct kas_call c;

	if (!opts)
		opts = &no_opts;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	res->first_fail_op = KAS_NOT_FOUND;
	env.pool_bytes = opts->pool_bytes;
	res->fault_op = KAS_NOT_FOUND;
	r.w = kas__world_new(port, prof, opts->world_max_pages);
	if (!r.w)
		return -1;
	world.ctx = r.w;
	kas__world_fill_hooks(r.w, &world);
	r.timeout_ms = opts->watchdog_in_process ?
		       (opts->call_timeout_ms ? opts->call_timeout_ms : KAS_DEFAULT_CALL_TIMEOUT_MS) : 0;
	if (kas__progress)
		kas__progress->op = 0;
	if (port->init && (res->init_error = port->init(&env)) != 0) {
		kas__world_free(r.w);
		return -1;
	}

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
	kas__world_end_trace(r.w);
	teardown(&r, &c);
	kas_spec_end(spec);
	kas__world_release(r.w);
	res->starvation_releases = r.w->starvation_releases;
	if (port->fini)
		port->fini();
	kas__world_free(r.w);
	free(r.ptrs);
	free(r.list_objs);
	free(r.bulk);
	return 0;
}
