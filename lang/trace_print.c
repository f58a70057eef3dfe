/* SPDX-License-Identifier: MIT */
/*
 * The .ktrace printer.  Output re-parses to an equal trace: GFP and SLAB
 * values are spelled with the profile's names, SIZE_MAX by name, numbers
 * in decimal (hex from 2^32 on).
 *
 * Handle names: a parsed trace prints with its own names.  A trace built by
 * a program may rebind a name while an older slot of that name is still
 * referenced later, or reference an anonymous slot; text could not express
 * that, so such slots get a fresh name (NAME_2, _s7, ...) chosen so that
 * every reference resolves to the same slot when the text is parsed again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_internal.h"
#include "kallocspec/world.h"

struct names {
	const char **name;   /* printed name per slot, NULL = anonymous */
	char **owned;        /* generated names to free */
	size_t nowned, owned_cap;
};

static void for_each_ref(const struct kas_trace *t, const struct kas_op *op,
			 void (*fn)(void *ctx, uint32_t slot), void *ctx)
{
	if (op->code >= KAS_OP__COUNT)
		return;
	const struct kas_op_info *oi = &kas_op_table[op->code];
	for (unsigned i = 0; i < oi->nargs && i < op->nargs; i++) {
		uint8_t kind = oi->args[i];
		if ((kind == AK_PTR || kind == AK_CACHE || kind == AK_FLAGS) &&
		    op->ref[i] == KAS_REF_HANDLE)
			fn(ctx, (uint32_t)op->v[i]);
		if (kind == AK_LIST) {
			for (uint32_t k = 0; k < op->list_len; k++) {
				size_t at = (size_t)op->list_off + k;
				if (at < t->nlist && t->list[at].ref == KAS_REF_HANDLE)
					fn(ctx, t->list[at].slot);
			}
		}
	}
}

struct last_use_ctx {
	int64_t *last_use;
	size_t nslots;
	int64_t op;
};

static void note_use(void *vctx, uint32_t slot)
{
	struct last_use_ctx *c = vctx;
	if (slot < c->nslots)
		c->last_use[slot] = c->op;
}

static char *owned_name(struct names *nm, const char *fmt, const char *base, size_t k)
{
	char buf[160];
	snprintf(buf, sizeof(buf), fmt, base, k);
	if (kas__grow((void **)&nm->owned, &nm->owned_cap, nm->nowned + 1, sizeof(*nm->owned)))
		return NULL;
	char *s = malloc(strlen(buf) + 1);
	if (!s)
		return NULL;
	strcpy(s, buf);
	nm->owned[nm->nowned++] = s;
	return s;
}

/* Chooses printed names for the slots bound by ops [0, nops). */
static int choose_names(const struct kas_trace *t, size_t nops, struct names *nm)
{
	size_t ns = t->nslots;
	int64_t *last_use = malloc((ns ? ns : 1) * sizeof(*last_use));
	nm->name = calloc(ns ? ns : 1, sizeof(*nm->name));
	nm->owned = NULL;
	nm->nowned = nm->owned_cap = 0;
	struct kas__name_map held;
	kas__name_map_init(&held);
	int rc = -1;
	if (!last_use || !nm->name)
		goto out;
	for (size_t s = 0; s < ns; s++)
		last_use[s] = -1;
	struct last_use_ctx lc = { last_use, ns, 0 };
	for (size_t i = 0; i < nops; i++) {
		lc.op = (int64_t)i;
		for_each_ref(t, &t->ops[i], note_use, &lc);
	}
	for (size_t i = 0; i < nops; i++) {
		int32_t s = t->ops[i].slot;
		if (s < 0 || (size_t)s >= ns)
			continue;
		const char *want = t->slots[s].name;
		if (!want || !kas__valid_handle_name(want, strlen(want))) {
			if (last_use[s] < 0)
				continue;         /* anonymous and never referenced */
			want = owned_name(nm, "%s%zu", "_s", (size_t)s);
			if (!want)
				goto out;
		}
		const char *name = want;
		for (size_t k = 2;; k++) {
			int32_t h = kas__name_map_get(&held, name, strlen(name));
			if (h < 0 || last_use[h] <= (int64_t)i)
				break;    /* free, or its holder is never referenced again */
			name = owned_name(nm, "%s_%zu", want, k);
			if (!name)
				goto out;
		}
		nm->name[s] = name;
		if (kas__name_map_put(&held, name, strlen(name), s))
			goto out;
	}
	rc = 0;
out:
	free(last_use);
	kas__name_map_free(&held);
	return rc;
}

static void free_names(struct names *nm)
{
	for (size_t i = 0; i < nm->nowned; i++)
		free(nm->owned[i]);
	free(nm->owned);
	free((void *)nm->name);
}

static void put_handle(struct kas__buf *b, const struct kas_trace *t, const struct names *nm,
		       uint32_t slot)
{
	const char *n = NULL;
	if (slot < t->nslots)
		n = nm ? nm->name[slot] : t->slots[slot].name;
	if (n && (nm || kas__valid_handle_name(n, strlen(n))))
		kas__buf_puts(b, n);
	else
		kas__buf_printf(b, "_s%u", slot);
}

static void put_ref(struct kas__buf *b, const struct kas_trace *t, const struct names *nm,
		    uint8_t ref, uint64_t v)
{
	if (ref == KAS_REF_NULL)
		kas__buf_puts(b, "NULL");
	else if (ref == KAS_REF_ZSP)
		kas__buf_puts(b, "ZERO_SIZE_PTR");
	else
		put_handle(b, t, nm, v > UINT32_MAX ? UINT32_MAX : (uint32_t)v);
}

static void put_flags(struct kas__buf *b, uint64_t v, uint32_t kver, bool gfp)
{
	char tmp[512];
	if (v > UINT32_MAX) {
		kas__buf_printf(b, "%#llx", (unsigned long long)v);
		return;
	}
	size_t n = gfp ? kas_gfp_format((kas_gfp_t)v, kver, tmp, sizeof(tmp)) :
			 kas_slab_flags_format((uint32_t)v, kver, tmp, sizeof(tmp));
	if (n < sizeof(tmp)) {
		kas__buf_put(b, tmp, n);
		return;
	}
	char *big = malloc(n + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	if (gfp)
		kas_gfp_format((kas_gfp_t)v, kver, big, n + 1);
	else
		kas_slab_flags_format((uint32_t)v, kver, big, n + 1);
	kas__buf_put(b, big, n);
	free(big);
}

static void put_size(struct kas__buf *b, uint64_t v)
{
	if (v == UINT64_MAX)
		kas__buf_puts(b, "SIZE_MAX");
	else if (v <= UINT32_MAX)
		kas__buf_printf(b, "%llu", (unsigned long long)v);
	else
		kas__buf_printf(b, "%#llx", (unsigned long long)v);
}

static void put_op(struct kas__buf *b, const struct kas_trace *t, size_t index,
		   const struct names *nm)
{
	const struct kas_op *op = &t->ops[index];
	if (op->code >= KAS_OP__COUNT) {
		kas__buf_printf(b, "<bad opcode %u>", op->code);
		return;
	}
	const struct kas_op_info *oi = &kas_op_table[op->code];
	uint32_t kver = kas__trace_profile(t)->kver;

	if (op->slot >= 0 && (size_t)op->slot < t->nslots) {
		const char *n = nm ? nm->name[op->slot] : t->slots[op->slot].name;
		if (n && (nm || kas__valid_handle_name(n, strlen(n))))
			kas__buf_printf(b, "%s = ", n);
	}
	kas__buf_puts(b, oi->name);
	for (unsigned i = 0; i < oi->nargs; i++) {
		uint64_t v = op->v[i];
		if (oi->args[i] == AK_LIST) {
			for (uint32_t k = 0; k < op->list_len; k++) {
				size_t at = (size_t)op->list_off + k;
				if (at >= t->nlist)
					break;
				kas__buf_puts(b, " ");
				put_ref(b, t, nm, t->list[at].ref, t->list[at].slot);
			}
			continue;
		}
		kas__buf_puts(b, " ");
		switch (oi->args[i]) {
		case AK_SIZE:
			put_size(b, v);
			break;
		case AK_ORDER:
			kas__buf_printf(b, "%llu", (unsigned long long)v);
			break;
		case AK_GFP:
			put_flags(b, v, kver, true);
			break;
		case AK_SLAB:
			put_flags(b, v, kver, false);
			break;
		case AK_NAME:
			kas__buf_puts(b, v < t->nstrings && t->strings[v] && t->strings[v][0] ?
					 t->strings[v] : "?");
			break;
		case AK_PTR:
		case AK_CACHE:
		case AK_FLAGS:
			put_ref(b, t, nm, op->ref[i], v);
			break;
		case AK_KIND:
			kas__buf_puts(b, kas_ballast_kind_name((unsigned)v) ?
					 kas_ballast_kind_name((unsigned)v) : "?");
			break;
		default:
			kas__buf_puts(b, "?");
		}
	}
	if (oi->result == R_CACHE && (op->flags & KAS_OPF_CTOR))
		kas__buf_puts(b, " ctor");
}

size_t kas_op_format(const struct kas_trace *t, size_t op_index, char *buf, size_t len)
{
	struct kas__buf b = { 0 };
	if (op_index < t->nops)
		put_op(&b, t, op_index, NULL);
	size_t n = b.len;
	if (len) {
		size_t c = n < len - 1 ? n : len - 1;
		if (c)
			memcpy(buf, b.p, c);
		buf[c] = '\0';
	}
	free(b.p);
	return n;
}

char *kas_trace_to_string(const struct kas_trace *t, size_t nops)
{
	if (nops > t->nops)
		nops = t->nops;
	struct names nm;
	if (choose_names(t, nops, &nm)) {
		free_names(&nm);
		return NULL;
	}
	struct kas__buf b = { 0 };
	kas__buf_puts(&b, "# kallocspec trace v1\n");
	for (size_t i = 0; i < t->nmeta; i++) {
		const struct kas_meta *m = &t->meta[i];
		if (m->value && m->value[0])
			kas__buf_printf(&b, "# %s: %s\n", m->key, m->value);
		else
			kas__buf_printf(&b, "# %s:\n", m->key);
	}
	kas__buf_printf(&b, "profile %s\n", kas__trace_profile(t)->name);
	for (size_t i = 0; i < nops; i++) {
		put_op(&b, t, i, &nm);
		kas__buf_puts(&b, "\n");
	}
	free_names(&nm);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

void kas_trace_print(const struct kas_trace *t, FILE *out, size_t nops)
{
	char *s = kas_trace_to_string(t, nops);
	if (!s) {
		fputs("# kallocspec: out of memory while printing the trace\n", out);
		return;
	}
	fputs(s, out);
	free(s);
}
