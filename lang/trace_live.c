/* SPDX-License-Identifier: MIT */
/* Static handle liveness for the binary trace codec (see trace_codec_tables.h). */
#include <stdlib.h>
#include <string.h>
#include "trace_codec_tables.h"

size_t kas__live_bytes(size_t cap)
{
	return KAS__LIVE_KINDS * (cap + 1) * sizeof(uint32_t) + cap + 1;
}

int kas__live_init(struct kas__live *l, size_t cap, void *buf, size_t buflen)
{
	memset(l, 0, sizeof(*l));
	if (cap >= UINT32_MAX / 4)
		return -1;
	size_t need = kas__live_bytes(cap);
	if (need > buflen) {
		l->heap = malloc(need);
		if (!l->heap)
			return -1;
		buf = l->heap;
	}
	memset(buf, 0, need);
	for (int k = 0; k < KAS__LIVE_KINDS; k++)
		l->tree[k] = (uint32_t *)buf + (size_t)k * (cap + 1);
	l->alive = (uint8_t *)((uint32_t *)buf + KAS__LIVE_KINDS * (cap + 1));
	l->cap = cap;
	l->top = 1;
	while ((size_t)l->top * 2 <= cap)
		l->top *= 2;
	return 0;
}

void kas__live_fini(struct kas__live *l)
{
	free(l->heap);
	l->heap = NULL;
}

static void fw_add(uint32_t *tree, size_t cap, uint32_t slot, int32_t d)
{
	for (size_t i = (size_t)slot + 1; i <= cap; i += i & (~i + 1))
		tree[i] += (uint32_t)d;
}

void kas__live_add(struct kas__live *l, uint32_t slot, uint8_t kind)
{
	if (slot >= l->cap || l->alive[slot] || kind < 1 || kind > KAS__LIVE_KINDS)
		return;
	l->alive[slot] = kind;
	fw_add(l->tree[kind - 1], l->cap, slot, 1);
	l->count[kind - 1]++;
}

void kas__live_kill(struct kas__live *l, uint32_t slot, uint8_t kind)
{
	if (slot >= l->cap || l->alive[slot] != kind)
		return;
	l->alive[slot] = 0;
	fw_add(l->tree[kind - 1], l->cap, slot, -1);
	l->count[kind - 1]--;
}

bool kas__live_is(const struct kas__live *l, uint32_t slot)
{
	return slot < l->cap && l->alive[slot];
}

uint32_t kas__live_count(const struct kas__live *l, uint8_t kind)
{
	return kind >= 1 && kind <= KAS__LIVE_KINDS ? l->count[kind - 1] : 0;
}

uint32_t kas__live_kth(const struct kas__live *l, uint8_t kind, uint32_t k)
{
	const uint32_t *tree = l->tree[kind - 1];
	size_t pos = 0;
	uint32_t rem = k + 1;
	for (size_t step = l->top; step; step >>= 1) {
		if (pos + step <= l->cap && tree[pos + step] < rem) {
			pos += step;
			rem -= tree[pos];
		}
	}
	return (uint32_t)pos;   /* 1-based position pos + 1 holds it */
}

uint32_t kas__live_rank(const struct kas__live *l, uint8_t kind, uint32_t slot)
{
	const uint32_t *tree = l->tree[kind - 1];
	uint32_t sum = 0;
	for (size_t i = slot; i > 0; i -= i & (~i + 1))
		sum += tree[i];
	return sum;
}

void kas__live_kill_args(struct kas__live *l, const struct kas_trace *t, const struct kas_op *op)
{
	const struct kas_op_info *oi = &kas_op_table[op->code];

	for (unsigned i = 0; i < oi->nargs; i++) {
		if (!kas__arg_dies((enum kas_opcode)op->code, i))
			continue;
		if (oi->args[i] == AK_LIST) {
			for (uint32_t k = 0; k < op->list_len; k++) {
				const struct kas_list_ref *r = &t->list[op->list_off + k];
				if (r->ref == KAS_REF_HANDLE)
					kas__live_kill(l, r->slot, t->slots[r->slot].kind);
			}
		} else if (op->ref[i] == KAS_REF_HANDLE) {
			uint32_t s = (uint32_t)op->v[i];
			kas__live_kill(l, s, t->slots[s].kind);
		}
	}
}
