/* SPDX-License-Identifier: MIT */
/*
 * struct kas_trace storage: init / clear / free / copy / equality /
 * metadata, plus the small growable-array helpers the parser, printer and
 * binary codec share (see trace_internal.h for the storage conventions).
 */
#include <stdlib.h>
#include <string.h>
#include "trace_internal.h"

int kas__grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -1;
		ncap *= 2;
	}
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return -1;
	memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

int kas__set_str(char **dst, const char *s, size_t len)
{
	/* An existing buffer holds at least strlen + 1 bytes: reuse it when the
	 * new string fits, which keeps a warm decoder free of malloc calls. */
	if (!*dst || strlen(*dst) < len) {
		char *p = realloc(*dst, len + 1);
		if (!p)
			return -1;
		*dst = p;
	}
	memcpy(*dst, s, len);
	(*dst)[len] = '\0';
	return 0;
}

struct kas_op *kas__push_op(struct kas_trace *t, enum kas_opcode code)
{
	if (kas__grow((void **)&t->ops, &t->ops_cap, t->nops + 1, sizeof(*t->ops)))
		return NULL;
	struct kas_op *op = &t->ops[t->nops++];
	memset(op, 0, sizeof(*op));
	op->code = (uint16_t)code;
	op->slot = -1;
	op->nargs = kas_op_table[code].nargs;
	return op;
}

int32_t kas__push_slot(struct kas_trace *t, uint8_t kind, uint32_t def_op,
		       const char *name, size_t len)
{
	if (t->nslots >= INT32_MAX)
		return -1;
	if (kas__grow((void **)&t->slots, &t->slots_cap, t->nslots + 1, sizeof(*t->slots)))
		return -1;
	struct kas_slot *s = &t->slots[t->nslots];
	if (name) {
		if (kas__set_str(&s->name, name, len))
			return -1;
	} else {
		free(s->name);
		s->name = NULL;
	}
	s->kind = kind;
	s->def_op = def_op;
	return (int32_t)t->nslots++;
}

int kas__push_list(struct kas_trace *t, uint8_t ref, uint32_t slot)
{
	if (t->nlist >= UINT32_MAX)
		return -1;
	if (kas__grow((void **)&t->list, &t->list_cap, t->nlist + 1, sizeof(*t->list)))
		return -1;
	t->list[t->nlist].ref = ref;
	t->list[t->nlist].slot = slot;
	t->nlist++;
	return 0;
}

int64_t kas__push_string(struct kas_trace *t, const char *s, size_t len)
{
	if (kas__grow((void **)&t->strings, &t->strings_cap, t->nstrings + 1,
		      sizeof(*t->strings)))
		return -1;
	if (kas__set_str(&t->strings[t->nstrings], s, len))
		return -1;
	return (int64_t)t->nstrings++;
}

int kas__push_meta(struct kas_trace *t, const char *key, size_t klen,
		   const char *value, size_t vlen)
{
	if (kas__grow((void **)&t->meta, &t->meta_cap, t->nmeta + 1, sizeof(*t->meta)))
		return -1;
	struct kas_meta *m = &t->meta[t->nmeta];
	m->key = NULL;
	m->value = NULL;
	if (kas__set_str(&m->key, key, klen) || kas__set_str(&m->value, value, vlen)) {
		free(m->key);
		free(m->value);
		m->key = m->value = NULL;
		return -1;
	}
	t->nmeta++;
	return 0;
}

const struct kas_profile *kas__trace_profile(const struct kas_trace *t)
{
	return t->profile ? t->profile : kas_profile_default();
}

uint8_t kas__result_slot_kind(enum kas_opcode code)
{
	switch (kas_op_table[code].result) {
	case R_PTR:
		return KAS_SLOT_OBJ;
	case R_CACHE:
		return KAS_SLOT_CACHE;
	case R_BULK:
		return KAS_SLOT_BULK;
	case R_FLAGS:
		return KAS_SLOT_FLAGS;
	default:
		return 0;
	}
}

bool kas__valid_handle_name(const char *s, size_t len)
{
	if (!len || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	if ((len == 4 && !memcmp(s, "NULL", 4)) || (len == 13 && !memcmp(s, "ZERO_SIZE_PTR", 13)))
		return false;
	return true;
}

/* ---- public API ---- */

void kas_trace_init(struct kas_trace *t)
{
	memset(t, 0, sizeof(*t));
}

void kas_trace_clear(struct kas_trace *t)
{
	/* Slot names and strings beyond the counts stay allocated as spares. */
	for (size_t i = 0; i < t->nmeta; i++) {
		free(t->meta[i].key);
		free(t->meta[i].value);
		t->meta[i].key = t->meta[i].value = NULL;
	}
	free(t->profile_name);
	t->profile_name = NULL;
	t->profile = NULL;
	t->nops = t->nslots = t->nlist = t->nstrings = t->nmeta = 0;
}

void kas_trace_free(struct kas_trace *t)
{
	kas_trace_clear(t);
	for (size_t i = 0; i < t->slots_cap; i++)
		free(t->slots[i].name);
	for (size_t i = 0; i < t->strings_cap; i++)
		free(t->strings[i]);
	free(t->source);
	free(t->ops);
	free(t->slots);
	free(t->list);
	free(t->strings);
	free(t->meta);
	kas_trace_init(t);
}

static int dup_opt(char **dst, const char *s)
{
	free(*dst);
	*dst = NULL;
	if (!s)
		return 0;
	return kas__set_str(dst, s, strlen(s));
}

int kas_trace_copy(struct kas_trace *dst, const struct kas_trace *src, size_t nops)
{
	if (dst == src)
		return 0;
	if (nops > src->nops)
		nops = src->nops;
	kas_trace_clear(dst);
	if (dup_opt(&dst->source, src->source) || dup_opt(&dst->profile_name, src->profile_name))
		return -1;
	dst->profile = src->profile;

	/* Slots are numbered in binding order, so the ones the prefix binds
	 * form a prefix of the slot array. */
	size_t nslots = 0;
	while (nslots < src->nslots && src->slots[nslots].def_op < nops)
		nslots++;
	size_t nlist = 0;
	for (size_t i = 0; i < nops; i++) {
		const struct kas_op *op = &src->ops[i];
		if (op->list_len && (size_t)op->list_off + op->list_len > nlist)
			nlist = (size_t)op->list_off + op->list_len;
	}
	if (nlist > src->nlist)
		nlist = src->nlist;

	if (kas__grow((void **)&dst->ops, &dst->ops_cap, nops, sizeof(*dst->ops)) ||
	    kas__grow((void **)&dst->list, &dst->list_cap, nlist, sizeof(*dst->list)))
		return -1;
	if (nops)
		memcpy(dst->ops, src->ops, nops * sizeof(*dst->ops));
	dst->nops = nops;
	if (nlist)
		memcpy(dst->list, src->list, nlist * sizeof(*dst->list));
	dst->nlist = nlist;
	for (size_t i = 0; i < nslots; i++) {
		const struct kas_slot *s = &src->slots[i];
		const char *n = s->name;
		if (kas__push_slot(dst, s->kind, s->def_op, n, n ? strlen(n) : 0) < 0)
			return -1;
	}
	for (size_t i = 0; i < src->nstrings; i++) {
		const char *s = src->strings[i] ? src->strings[i] : "";
		if (kas__push_string(dst, s, strlen(s)) < 0)
			return -1;
	}
	for (size_t i = 0; i < src->nmeta; i++) {
		const struct kas_meta *m = &src->meta[i];
		if (kas__push_meta(dst, m->key, strlen(m->key), m->value, strlen(m->value)))
			return -1;
	}
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static const char *string_at(const struct kas_trace *t, uint64_t i)
{
	return i < t->nstrings ? t->strings[i] : NULL;
}

static bool lists_equal(const struct kas_trace *a, const struct kas_op *x,
			const struct kas_trace *b, const struct kas_op *y)
{
	if (x->list_len != y->list_len)
		return false;
	if ((size_t)x->list_off + x->list_len > a->nlist ||
	    (size_t)y->list_off + y->list_len > b->nlist)
		return false;
	for (uint32_t k = 0; k < x->list_len; k++) {
		const struct kas_list_ref *p = &a->list[x->list_off + k];
		const struct kas_list_ref *q = &b->list[y->list_off + k];
		if (p->ref != q->ref || (p->ref == KAS_REF_HANDLE && p->slot != q->slot))
			return false;
	}
	return true;
}

static bool ops_equal(const struct kas_trace *a, const struct kas_op *x,
		      const struct kas_trace *b, const struct kas_op *y, unsigned ignore)
{
	if (x->code != y->code || x->flags != y->flags || x->nargs != y->nargs ||
	    x->slot != y->slot)
		return false;
	if (x->code >= KAS_OP__COUNT)
		return false;
	const struct kas_op_info *oi = &kas_op_table[x->code];
	for (unsigned i = 0; i < x->nargs && i < KAS_MAX_ARGS; i++) {
		if (x->ref[i] != y->ref[i])
			return false;
		uint8_t kind = i < oi->nargs ? oi->args[i] : AK__;
		if (kind == AK_LIST) {
			if (!lists_equal(a, x, b, y))
				return false;
		} else if (kind == AK_NAME && x->ref[i] == KAS_REF_VALUE) {
			if (!(ignore & KAS_EQ_IGNORE_NAMES) &&
			    !str_eq(string_at(a, x->v[i]), string_at(b, y->v[i])))
				return false;
		} else if (x->ref[i] == KAS_REF_VALUE || x->ref[i] == KAS_REF_HANDLE) {
			if (x->v[i] != y->v[i])
				return false;
		}
	}
	return true;
}

bool kas_trace_equal_ex(const struct kas_trace *a, const struct kas_trace *b, unsigned ignore)
{
	if (strcmp(kas__trace_profile(a)->name, kas__trace_profile(b)->name) != 0)
		return false;
	if (a->nops != b->nops || a->nslots != b->nslots)
		return false;
	for (size_t i = 0; i < a->nops; i++)
		if (!ops_equal(a, &a->ops[i], b, &b->ops[i], ignore))
			return false;
	for (size_t i = 0; i < a->nslots; i++) {
		const struct kas_slot *s = &a->slots[i], *r = &b->slots[i];
		if (s->kind != r->kind || s->def_op != r->def_op)
			return false;
		if (!(ignore & KAS_EQ_IGNORE_NAMES) && !str_eq(s->name, r->name))
			return false;
	}
	if (!(ignore & KAS_EQ_IGNORE_META)) {
		if (a->nmeta != b->nmeta)
			return false;
		for (size_t i = 0; i < a->nmeta; i++)
			if (!str_eq(a->meta[i].key, b->meta[i].key) ||
			    !str_eq(a->meta[i].value, b->meta[i].value))
				return false;
	}
	return true;
}

bool kas_trace_equal(const struct kas_trace *a, const struct kas_trace *b)
{
	return kas_trace_equal_ex(a, b, 0);
}

const char *kas_trace_meta(const struct kas_trace *t, const char *key)
{
	for (size_t i = 0; i < t->nmeta; i++)
		if (strcmp(t->meta[i].key, key) == 0)
			return t->meta[i].value;
	return NULL;
}
