/* SPDX-License-Identifier: MIT */
/*
 * Binary trace form: the encoder, the inverse of kas_trace_decode (format
 * in trace_codec.c).  decode(encode(t)) equals t up to handle and cache
 * names and metadata, for every trace whose handle references are
 * statically live; any other trace is refused with a message naming the
 * line (or op index) of the first offending op.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_codec_tables.h"


struct encoder {
	const struct kas_trace *t;
	const struct kas_profile *prof;
	struct kas__live live;
	struct kas__buf out;
	char *err;
	size_t errlen;
	size_t op_index;
};

static int enc_fail(struct encoder *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int enc_fail(struct encoder *e, const char *fmt, ...)
{
	if (!e->errlen)
		return -1;
	const struct kas_op *op = e->op_index < e->t->nops ? &e->t->ops[e->op_index] : NULL;
	int n;
	if (op && op->line)
		n = snprintf(e->err, e->errlen, "%s:%u: ", e->t->source ? e->t->source : "<trace>",
			     op->line);
	else
		n = snprintf(e->err, e->errlen, "op %zu: ", e->op_index);
	if (n < 0 || (size_t)n >= e->errlen)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->err + n, e->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void put_u8(struct encoder *e, uint8_t b)
{
	kas__buf_put(&e->out, &b, 1);
}

static void put_le(struct encoder *e, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put_u8(e, (uint8_t)(v >> (8 * i)));
}

static void put_varint(struct encoder *e, uint64_t v)
{
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		put_u8(e, (uint8_t)(b | (v ? 0x80 : 0)));
	} while (v);
}

static void put_size(struct encoder *e, uint64_t v)
{
	if (v < KAS__SIZE_SMALL_END) {
		put_u8(e, (uint8_t)v);
		return;
	}
	for (unsigned i = 0; i < KAS__SIZE_NCLASS; i++) {
		if (kas__size_class(i, e->prof) == v) {
			put_u8(e, (uint8_t)(KAS__SIZE_SMALL_END + i));
			return;
		}
	}
	if (v <= 0xffff) {
		put_u8(e, KAS__SIZE_LIT2);
		put_le(e, v, 2);
	} else if (v <= 0xffffffffu) {
		put_u8(e, KAS__SIZE_LIT4);
		put_le(e, v, 4);
	} else {
		put_u8(e, KAS__SIZE_LIT8);
		put_le(e, v, 8);
	}
}

static void put_gfp(struct encoder *e, kas_gfp_t v)
{
	for (unsigned b = 0; b < KAS__GFP_NBASE; b++) {
		kas_gfp_t base = kas__gfp_base(b, e->prof->kver);
		if ((base & ~v) || (v & ~base & ~KAS__GFP_MODMASK))
			continue;
		kas_gfp_t mods = v & ~base;
		if (!mods) {
			put_u8(e, (uint8_t)b);
			return;
		}
		uint8_t m = 0;
		for (unsigned i = 0; i < 8; i++)
			if (mods & kas__gfp_mods[i])
				m |= (uint8_t)(1u << i);
		put_u8(e, (uint8_t)(0x80 | b));
		put_u8(e, m);
		return;
	}
	put_u8(e, KAS__GFP_LIT);
	put_le(e, v, 4);
}

static void put_index(struct encoder *e, uint64_t idx)
{
	if (idx < KAS__REF_ESC) {
		put_u8(e, (uint8_t)idx);
	} else {
		put_u8(e, KAS__REF_ESC);
		put_varint(e, idx);
	}
}

static const char *kind_word(uint8_t kind)
{
	return kind == KAS_SLOT_OBJ ? "object" : kind == KAS_SLOT_CACHE ? "cache" :
	       kind == KAS_SLOT_BULK ? "bulk" : kind == KAS_SLOT_FLAGS ? "saved-flags" : "unknown";
}

static const char *slot_label(const struct kas_trace *t, uint32_t s, char *buf, size_t n)
{
	if (s < t->nslots && t->slots[s].name)
		snprintf(buf, n, "'%s'", t->slots[s].name);
	else
		snprintf(buf, n, "slot %u", s);
	return buf;
}

/* Index of a live handle in the concatenation of the kinds' live sets. */
static int put_handle(struct encoder *e, uint32_t slot, const uint8_t *kinds, unsigned nk)
{
	const struct kas_trace *t = e->t;
	char lbl[80];
	if (slot >= t->nslots || !kas__live_is(&e->live, slot))
		return enc_fail(e, "handle %s is not statically live here",
				slot_label(t, slot, lbl, sizeof(lbl)));
	uint8_t kind = t->slots[slot].kind;
	uint64_t base = 0;
	for (unsigned i = 0; i < nk; i++) {
		if (kinds[i] == kind) {
			put_index(e, base + kas__live_rank(&e->live, kind, slot));
			return 0;
		}
		base += kas__live_count(&e->live, kinds[i]);
	}
	return enc_fail(e, "handle %s is a %s handle, not allowed here",
			slot_label(t, slot, lbl, sizeof(lbl)), kind_word(kind));
}

static const uint8_t obj_kinds[] = { KAS_SLOT_OBJ };
static const uint8_t cache_kinds[] = { KAS_SLOT_CACHE };
static const uint8_t list_kinds[] = { KAS_SLOT_OBJ, KAS_SLOT_BULK };
static const uint8_t flags_kinds[] = { KAS_SLOT_FLAGS };

static int encode_arg(struct encoder *e, const struct kas_op *op, unsigned i, uint8_t kind)
{
	const struct kas_trace *t = e->t;
	uint64_t v = op->v[i];
	uint8_t ref = op->ref[i];
	if (kind != AK_PTR && kind != AK_CACHE && kind != AK_FLAGS && ref != KAS_REF_VALUE)
		return enc_fail(e, "argument %u must be a value", i + 1);
	switch (kind) {
	case AK_SIZE:
		if (kas__codec_count_max(op->code, i) && v > kas__codec_count_max(op->code, i))
			return enc_fail(e, "a count of %llu: the binary form holds at most %llu",
					(unsigned long long)v,
					(unsigned long long)kas__codec_count_max(op->code, i));
		put_size(e, v);
		return 0;
	case AK_GFP:
		if (v > UINT32_MAX)
			return enc_fail(e, "GFP value %#llx does not fit in 32 bits",
					(unsigned long long)v);
		put_gfp(e, (kas_gfp_t)v);
		return 0;
	case AK_ORDER:
		if (v > 63)
			return enc_fail(e, "page order %llu out of range", (unsigned long long)v);
		put_u8(e, (uint8_t)(v < 16 ? v : 0x80 | v));
		return 0;
	case AK_SLAB:
		if (v & ~(uint64_t)KAS_SLAB_ALL)
			return enc_fail(e, "SLAB flags %#llx have bits the binary form cannot carry",
					(unsigned long long)v);
		put_varint(e, v);
		return 0;
	case AK_NAME:
		put_u8(e, (op->flags & KAS_OPF_CTOR) ? 1 : 0);
		return 0;
	case AK_PTR:
	case AK_CACHE:
		if (ref == KAS_REF_NULL) {
			put_u8(e, KAS__REF_NULL);
			return 0;
		}
		if (ref == KAS_REF_ZSP && kind == AK_PTR) {
			put_u8(e, KAS__REF_ZSP);
			return 0;
		}
		if (ref != KAS_REF_HANDLE)
			return enc_fail(e, "argument %u must be a %s", i + 1,
					kind == AK_PTR ? "pointer" : "cache handle or NULL");
		if (v > UINT32_MAX)
			return enc_fail(e, "argument %u: bad slot index", i + 1);
		return put_handle(e, (uint32_t)v, kind == AK_PTR ? obj_kinds : cache_kinds, 1);
	case AK_KIND:
		if (v >= KAS_BALLAST__COUNT)
			return enc_fail(e, "ballast kind %llu out of range", (unsigned long long)v);
		put_u8(e, (uint8_t)v);
		return 0;
	case AK_FLAGS:
		if (ref != KAS_REF_HANDLE || v > UINT32_MAX)
			return enc_fail(e, "argument %u must be a saved-flags handle", i + 1);
		return put_handle(e, (uint32_t)v, flags_kinds, 1);
	case AK_LIST:
		if ((size_t)op->list_off + op->list_len > t->nlist)
			return enc_fail(e, "list out of range");
		if (op->list_len > KAS__COUNT_MAX)
			return enc_fail(e, "a list of %u entries: the binary form holds at most %u",
					op->list_len, KAS__COUNT_MAX);
		if (op->list_len < 16) {
			put_u8(e, (uint8_t)op->list_len);
		} else {
			put_u8(e, KAS__LIST_ESC);
			put_varint(e, op->list_len);
		}
		for (uint32_t k = 0; k < op->list_len; k++) {
			const struct kas_list_ref *l = &t->list[op->list_off + k];
			if (l->ref == KAS_REF_NULL)
				put_u8(e, KAS__REF_NULL);
			else if (l->ref == KAS_REF_ZSP)
				put_u8(e, KAS__REF_ZSP);
			else if (put_handle(e, l->slot, list_kinds, 2))
				return -1;
		}
		return 0;
	default:
		return enc_fail(e, "unknown argument kind %u", kind);
	}
}

static int encode_op(struct encoder *e, size_t index, size_t *next_slot)
{
	const struct kas_trace *t = e->t;
	const struct kas_op *op = &t->ops[index];
	if (op->code >= KAS_OP__COUNT)
		return enc_fail(e, "bad opcode %u", op->code);
	const struct kas_op_info *oi = &kas_op_table[op->code];
	uint8_t kind = kas__result_slot_kind((enum kas_opcode)op->code);
	if (op->nargs != oi->nargs)
		return enc_fail(e, "'%s' has %u arguments, expected %u", oi->name, op->nargs,
				oi->nargs);
	if (op->flags & ~(kind == KAS_SLOT_CACHE ? KAS_OPF_CTOR : 0u))
		return enc_fail(e, "'%s' has flags %#x the binary form cannot carry", oi->name,
				op->flags);
	if (kind && (op->slot < 0 || (size_t)op->slot != *next_slot ||
		     (size_t)op->slot >= t->nslots || t->slots[op->slot].kind != kind))
		return enc_fail(e, "'%s' must bind the next %s slot", oi->name, kind_word(kind));
	if (!kind && op->slot >= 0)
		return enc_fail(e, "'%s' cannot bind a slot", oi->name);

	if (op->code >= KAS__NCORE_OPS) {
		put_u8(e, KAS__OP_WORLD_ESC);
		put_u8(e, (uint8_t)(op->code - KAS__NCORE_OPS));
	} else {
		put_u8(e, (uint8_t)op->code);
	}
	for (unsigned i = 0; i < oi->nargs; i++)
		if (encode_arg(e, op, i, oi->args[i]))
			return -1;

	/* Same liveness bookkeeping as the decoder's commit(). */
	kas__live_kill_args(&e->live, t, op);
	if (kind) {
		kas__live_add(&e->live, (uint32_t)op->slot, kind);
		(*next_slot)++;
	}
	return 0;
}

int kas_trace_encode(const struct kas_trace *t, uint8_t **out, size_t *outlen,
		     char *err, size_t errlen)
{
	struct encoder e;
	memset(&e, 0, sizeof(e));
	e.t = t;
	e.prof = kas__trace_profile(t);
	e.err = err;
	e.errlen = errlen;
	if (errlen)
		err[0] = '\0';
	*out = NULL;
	*outlen = 0;
	if (kas__live_init(&e.live, t->nslots, NULL, 0)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t next_slot = 0;
	int rc = 0;
	for (size_t i = 0; i < t->nops && !rc; i++) {
		e.op_index = i;
		rc = encode_op(&e, i, &next_slot);
	}
	kas__live_fini(&e.live);
	if (!rc && e.out.oom) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc) {
		free(e.out.p);
		return -1;
	}
	*out = (uint8_t *)e.out.p;
	*outlen = e.out.len;
	if (!*out) {   /* an empty trace: hand back a valid pointer anyway */
		*out = malloc(1);
		if (!*out)
			return -1;
	}
	return 0;
}
